"""Fast plan decoding: build Python objects only for the parts of a plan the plan source reads.

A plan of 100,000 resources is hundreds of megabytes, 95% of it about resources that are not KMS, and
`json.loads` builds every one of its objects. Here msgspec reads the same bytes and skips, without building
anything, what the plan source never looks at:

- `resource_changes` keeps the whole entry of every resource whose type names KMS (`alicloud_kms_*`, and
  other providers' key services, so a report can say what it found: `wanted`); other entries are skipped.
- `configuration` is kept whole except the resource blocks of other types, in the root module and in every
  module call however deep (module calls, their expressions, outputs and variables are all kept).
- `planned_values`, `prior_state`, `resource_drift`, `relevant_attributes` and `checks` are not read: only
  whether `planned_values` is there is recorded, for the "state, not a plan" check.
- every other top-level entry of the plan format (`format_version`, `variables`, `output_changes`, ...) is
  kept whole.

What it keeps is exactly what `json.loads` gives for those parts (the same dicts, lists and values), so the
plan source reads either the same way. Whenever msgspec cannot say the same thing `json.loads` would - any
input it refuses (broken JSON, `NaN`, numbers out of range, lone surrogates, invalid UTF-8, shapes other than
a plan's) - `decode` returns None and the caller takes the standard library's path, whose messages name the
problem. The same happens when msgspec is not installed (it is a dependency; a platform without a wheel for
it still works, slower).
"""

from __future__ import annotations

from typing import Any

from kms_infracost.sources import other_kms_type

try:
    import msgspec
except ImportError:  # pragma: no cover - msgspec is a dependency; this keeps a broken install working
    msgspec = None  # type: ignore[assignment]

if msgspec is not None:

    class _Top(msgspec.Struct):
        """The plan format's top-level entries (Terraform's JSON output format 1.x) that the source reads,
        and `planned_values`, only to know it is there; the others are skipped undecoded."""

        format_version: Any | msgspec.UnsetType = msgspec.UNSET
        terraform_version: Any | msgspec.UnsetType = msgspec.UNSET
        variables: Any | msgspec.UnsetType = msgspec.UNSET
        planned_values: msgspec.Raw = msgspec.Raw()
        resource_changes: msgspec.Raw = msgspec.Raw()
        output_changes: Any | msgspec.UnsetType = msgspec.UNSET
        configuration: msgspec.Raw = msgspec.Raw()
        timestamp: Any | msgspec.UnsetType = msgspec.UNSET
        applyable: Any | msgspec.UnsetType = msgspec.UNSET
        complete: Any | msgspec.UnsetType = msgspec.UNSET
        errored: Any | msgspec.UnsetType = msgspec.UNSET

    class _Head(msgspec.Struct):
        """Of a resource entry, its type only (always a string in a plan; anything else goes to json)."""

        type: str = ""

    _TOP = msgspec.json.Decoder(_Top)
    _HEADS = msgspec.json.Decoder(list[_Head])
    _RAWS = msgspec.json.Decoder(list[msgspec.Raw])
    _ENTRIES = msgspec.json.Decoder(dict[str, msgspec.Raw])
    _ANY = msgspec.json.Decoder()


def available() -> bool:
    return msgspec is not None


def decode(data: bytes | memoryview) -> tuple[dict[str, Any], set[str]] | None:
    """(the plan's parts the source reads, the names of the top-level entries found), or None: use json."""
    if msgspec is None or not _utf8(data):
        return None
    try:
        return _decode(data)
    except Exception:  # noqa: BLE001 - whatever msgspec will not decode as json.loads would: the stdlib path decides
        return None


def _decode(data: bytes | memoryview) -> tuple[dict[str, Any], set[str]]:
    top = _TOP.decode(data)
    plan: dict[str, Any] = {}
    keys: set[str] = set()
    for field in top.__struct_fields__:
        value = getattr(top, field)
        if isinstance(value, msgspec.Raw):
            if not len(value):
                continue
            keys.add(field)
            if field == "configuration":
                plan[field] = _configuration(value)
            elif field == "resource_changes":
                plan[field] = _kept(value)
        elif value is not msgspec.UNSET:
            keys.add(field)
            plan[field] = value
    return plan, keys


def _kept(raw: Any) -> list[Any]:
    """The entries of a list of resources (changes or configuration blocks) whose type names KMS, whole.

    Two passes of msgspec over the list, each one call: the entries as undecoded text, and their types."""
    full = _ANY.decode
    entries, heads = _RAWS.decode(raw), _HEADS.decode(raw)
    # `wanted`, inlined: a cheap superset first, as most entries are not KMS
    return [
        full(entry)
        for entry, head in zip(entries, heads, strict=True)
        if ("kms" in head.type or "vault" in head.type) and wanted(head.type)
    ]


def wanted(rtype: str) -> bool:
    """Resource types whose entries are decoded: KMS of any provider, and the other key services the
    plan source names when it finds no Alibaba Cloud KMS (azurerm_key_vault_key ...)."""
    return "kms" in rtype or other_kms_type(rtype)


def _configuration(raw: Any) -> Any:
    config = _ENTRIES.decode(raw)
    out: dict[str, Any] = {}
    for key, value in config.items():
        out[key] = _module(value) if key == "root_module" else _ANY.decode(value)
    return out


def _module(raw: Any) -> Any:
    """A module of the configuration: every entry whole, except resource blocks of other types."""
    out: dict[str, Any] = {}
    for key, value in _ENTRIES.decode(raw).items():
        if key == "resources":
            out[key] = _kept(value)
        elif key == "module_calls":
            out[key] = {name: _call(call) for name, call in _ENTRIES.decode(value).items()}
        else:
            out[key] = _ANY.decode(value)
    return out


def _call(raw: Any) -> Any:
    call = _ENTRIES.decode(raw)
    return {key: _module(value) if key == "module" else _ANY.decode(value) for key, value in call.items()}


_CHUNK = 1 << 22


def _utf8(data: bytes | memoryview) -> bool:
    """Whether the whole input is UTF-8, as `bytes.decode` requires, checked a few megabytes at a time.

    Chunks end just before an ASCII byte, which is never inside a character, so each chunk is checked on
    its own; an all-ASCII chunk (most of a plan) needs no decoding at all.
    """
    view = memoryview(data)
    size, start = len(view), 0
    while start < size:
        end = min(start + _CHUNK, size)
        while end < size and view[end] >= 0x80:
            end += 1
        chunk = bytes(view[start:end])
        if not chunk.isascii():
            try:
                chunk.decode("utf-8")
            except UnicodeDecodeError:
                return False
        start = end
    return True
