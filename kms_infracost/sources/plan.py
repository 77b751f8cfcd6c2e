"""Plan JSON source: `terraform show -json` output from a file, stdin, or a binary plan file.

Reads `resource_changes` for what happens to each KMS resource, and `configuration` for what the plan does
not say about a resource instance: which provider configuration it uses, that provider's `region`
expression, and which other resources an attribute references (a key version's key).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from kms_infracost import model
from kms_infracost.errors import UserError
from kms_infracost.sources import other_kms_type
from kms_infracost.sources.interface import ResourceRecord
from kms_infracost.sources.normalize import build_inventory

SUPPORTED_FORMAT_MAJOR = "1"


def _d(value: Any) -> dict[str, Any]:
    """A mapping from a plan, or an empty one when a damaged plan has something else there."""
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
_ZIP_MAGIC = b"PK\x03\x04"


def read_plan_bytes(path: str) -> tuple[bytes, str]:
    """The raw plan text and the name to use in messages."""
    if path == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise UserError("no such file; give a plan JSON made by `terraform show -json PLAN`", path) from None
    except IsADirectoryError:
        raise UserError("is a directory, expected a plan JSON file", path) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", path) from None
    if data.startswith(_ZIP_MAGIC):
        data = _show_binary_plan(p)
    return data, path


def _show_binary_plan(path: Path) -> bytes:
    terraform = shutil.which("terraform")
    if terraform is None:
        raise UserError(
            "is a binary plan file and terraform is not on PATH; "
            "run `terraform show -json PLAN > plan.json` and give plan.json",
            str(path),
        )
    proc = subprocess.run(
        [terraform, "show", "-no-color", "-json", str(path.resolve())],
        capture_output=True,
        env={**os.environ, "CHECKPOINT_DISABLE": "1"},
        check=False,
    )
    if proc.returncode != 0:
        lines = [ln.strip(" │╷╵") for ln in proc.stderr.decode("utf-8", "replace").splitlines()]
        first = next((ln for ln in lines if ln.strip()), "terraform failed")
        raise UserError(
            f"`terraform show -json` failed: {first.strip()}; run it in the directory the plan was made in",
            str(path),
        )
    return proc.stdout


def _parse_json(data: bytes, name: str) -> Any:
    """The standard library's decoding, whose errors say where the input goes wrong."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"is not UTF-8 text (byte {exc.start}); expected plan JSON", name) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"is not valid JSON ({exc.msg}, column {exc.colno}); "
            "give the output of `terraform show -json PLAN`",
            name,
            exc.lineno,
        ) from None


def parse_plan(data: bytes, name: str, *, fast: bool = True) -> dict[str, Any]:
    """The plan's parts the plan source reads (see plan_decode.py); `fast=False` decodes it all with json."""
    if not data or data.isspace():
        raise UserError("is empty; expected the output of `terraform show -json PLAN`", name)
    body: bytes | memoryview = memoryview(data)[3:] if data.startswith(b"\xef\xbb\xbf") else data
    decoded = None
    if fast:
        from kms_infracost.sources import plan_decode

        decoded = plan_decode.decode(body)
    if decoded is not None:
        plan, keys = decoded
    else:
        plan = _parse_json(bytes(body), name)
        keys = set(plan) if isinstance(plan, dict) else set()
    if not isinstance(plan, dict) or "format_version" not in plan:
        raise UserError(
            "is JSON but not a Terraform plan (no format_version); give the output of `terraform show -json PLAN`",
            name,
        )
    version = str(plan["format_version"])
    if version.split(".")[0] != SUPPORTED_FORMAT_MAJOR:
        raise UserError(
            f"plan format_version {version} is not supported (this version reads 1.x); "
            "upgrade kms-infracost or make the plan with a Terraform that writes format 1.x",
            name,
        )
    if "resource_changes" not in keys and "planned_values" not in keys:
        raise UserError(
            "has no resource_changes: it looks like state, not a plan; "
            "give the output of `terraform show -json PLAN` for a saved plan",
            name,
        )
    if not isinstance(plan.get("resource_changes", []), list):
        raise UserError("resource_changes is not a list; the plan JSON is damaged", name)
    return plan


class _Configuration:
    """Index over `configuration`: module configs by call path, provider configs by key."""

    def __init__(self, plan: Mapping[str, Any]) -> None:
        config = _d(plan.get("configuration"))
        self.providers: dict[str, Any] = _d(config.get("provider_config"))
        self.root: dict[str, Any] = _d(config.get("root_module"))
        self.variables: dict[str, Any] = _d(plan.get("variables"))
        self._indexes: dict[tuple[str, ...], dict[tuple[Any, Any], dict[str, Any]]] = {}

    def module(self, path: tuple[str, ...]) -> dict[str, Any] | None:
        node: dict[str, Any] | None = self.root
        for name in path:
            if node is None:
                return None
            call = _d(node.get("module_calls")).get(name)
            node = call.get("module") if isinstance(call, dict) and isinstance(call.get("module"), dict) else None
        return node

    def module_call(self, path: tuple[str, ...]) -> dict[str, Any] | None:
        if not path:
            return None
        parent = self.module(path[:-1])
        if parent is None:
            return None
        call = _d(parent.get("module_calls")).get(path[-1])
        return call if isinstance(call, dict) else None

    def module_dir(self, path: tuple[str, ...], root: Path) -> Path | None:
        """Where a module's .tf files are: local sources relative to their caller, others as installed."""
        directory = root
        node: dict[str, Any] | None = self.root
        for depth, name in enumerate(path):
            call = _d((node or {}).get("module_calls")).get(name)
            if not isinstance(call, dict):
                return None
            source = str(call.get("source") or "")
            if source.startswith(("./", "../")):
                directory = directory / source
            else:
                installed = _installed_modules(root).get(".".join(path[: depth + 1]))
                if installed is None:
                    return None
                directory = root / installed
            node = _d(call.get("module"))
        return directory

    def resource(self, path: tuple[str, ...], rtype: str, name: str) -> dict[str, Any] | None:
        """A resource's configuration; each module's resources are indexed once (plans can be huge)."""
        index = self._indexes.get(path)
        if index is None:
            module = self.module(path) or {}
            index = {
                (str(res.get("type")), str(res.get("name"))): res
                for res in _l(module.get("resources"))
                if isinstance(res, dict) and res.get("mode", "managed") == "managed"
                and str(res.get("type", "")).startswith("alicloud_kms_")
            }
            self._indexes[path] = index
        return index.get((rtype, name))

    # -- regions -------------------------------------------------------------------------------
    def provider_region(self, key: str) -> tuple[str | None, str, str | None]:
        """(region, label, note): region when known, the provider's label, why it is not known."""
        entry = self.providers.get(key)
        if entry is None and ":" in key:
            entry = self.providers.get(key.split(":", 1)[1])
        label = _provider_label(key, entry)
        if not isinstance(entry, dict):
            return None, label, None
        expr = _d(entry.get("expressions")).get("region")
        if not isinstance(expr, dict):
            return None, label, None
        module_path = _module_path(str(entry.get("module_address") or ""))
        value, note = self.evaluate(expr, module_path)
        if value is None:
            return None, label, f"provider {label} region {note}"
        return str(value), label, None

    def evaluate(self, expr: Mapping[str, Any], module_path: tuple[str, ...]) -> tuple[Any, str]:
        """A constant, or a reference to a variable whose value the plan knows."""
        if "constant_value" in expr:
            value = expr["constant_value"]
            if value is None or value == "":
                return None, "is empty"
            if isinstance(value, str) and "${" in value:
                # JSON-syntax configurations: terraform shows the template itself as the "constant"
                match = re.fullmatch(r"\$\{\s*(var\.[A-Za-z_][\w-]*)\s*\}", value)
                if match:
                    return self.evaluate({"references": [match.group(1)]}, module_path)
                return None, f"is a template ({value}) that is not known before apply"
            return value, ""
        refs = [r for r in _l(expr.get("references")) if isinstance(r, str)]
        var_refs = [r for r in refs if r.startswith("var.")]
        if refs and len(var_refs) == len(refs) and len({r.split(".")[1] for r in var_refs}) == 1:
            name = var_refs[0].split(".")[1]
            if not module_path:
                entry = self.variables.get(name)
                if isinstance(entry, dict) and entry.get("value") not in (None, ""):
                    return entry["value"], ""
                return None, f"refers to var.{name}, which the plan gives no value"
            call = self.module_call(module_path) or {}
            arg = _d(call.get("expressions")).get(name)
            if isinstance(arg, dict):
                return self.evaluate(arg, module_path[:-1])
            module = self.module(module_path) or {}
            default = _d(_d(module.get("variables")).get(name)).get("default")
            if default not in (None, ""):
                return default, ""
            return None, f"refers to var.{name} of module.{'.module.'.join(module_path)}, unknown"
        shown = ", ".join(refs) if refs else "an expression"
        return None, f"is an expression over {shown} that is not known before apply"


def _installed_modules(root: Path) -> dict[str, str]:
    """`.terraform/modules/modules.json`: module key ("a.b") -> directory, as `terraform init` wrote it."""
    try:
        data = json.loads((root / ".terraform" / "modules" / "modules.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    modules = data.get("Modules") if isinstance(data, dict) else None
    return {
        str(m.get("Key")): str(m.get("Dir"))
        for m in modules or []
        if isinstance(m, dict) and m.get("Key") and m.get("Dir")
    }


def _shown_path(path: str) -> str:
    """Paths in reports: relative to the working directory when below it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def default_config_dir(plan_path: str) -> Path:
    """The plan file's folder when it holds the configuration, else the working directory."""
    if plan_path != "-":
        folder = Path(plan_path).resolve().parent
        if any(folder.glob("*.tf")):
            return folder
    return Path.cwd()


def _provider_label(key: str, entry: Any) -> str:
    if isinstance(entry, dict):
        name = str(entry.get("name") or "alicloud")
        alias = entry.get("alias")
        module_address = entry.get("module_address")
        label = f"{name}.{alias}" if alias else name
        return f"{module_address}:{label}" if module_address else label
    return key


def _module_path(module_address: str) -> tuple[str, ...]:
    """`module.a["x"].module.b[0]` -> ("a", "b")."""
    if not module_address:
        return ()
    path: list[str] = []
    rest = module_address
    while rest.startswith("module."):
        rest = rest[len("module."):]
        end = len(rest)
        for i, ch in enumerate(rest):
            if ch in ".[":
                end = i
                break
        path.append(rest[:end])
        rest = rest[end:]
        if rest.startswith("["):
            depth, i = 0, 0
            in_str = False
            while i < len(rest):
                ch = rest[i]
                if ch == '"' and (i == 0 or rest[i - 1] != "\\"):
                    in_str = not in_str
                elif not in_str and ch == "[":
                    depth += 1
                elif not in_str and ch == "]":
                    depth -= 1
                    if depth == 0:
                        break
                i += 1
            rest = rest[i + 1:]
        rest = rest.removeprefix(".")
    return tuple(path)


SENSITIVE = "(sensitive)"


def _redact(value: Any, marks: Any) -> Any:
    """Replace every value the plan marks sensitive, however deep, before anything else sees it."""
    if marks is True:
        return SENSITIVE
    if isinstance(value, dict) and isinstance(marks, dict):
        return {k: _redact(v, marks.get(k)) for k, v in value.items()}
    if isinstance(value, list) and isinstance(marks, list):
        return [_redact(v, marks[i] if i < len(marks) else None) for i, v in enumerate(value)]
    return value


def _known_values(values: Any, unknown: Any, sensitive: Any) -> dict[str, Any]:
    """Top-level attributes that are known (drop those the plan marks unknown), sensitive ones redacted."""
    if not isinstance(values, dict):
        return {}
    marks = unknown if isinstance(unknown, dict) else {}
    safe = _redact(values, sensitive if isinstance(sensitive, (dict, bool)) else {})
    if not isinstance(safe, dict):
        return {}
    return {k: v for k, v in safe.items() if marks.get(k) is not True}


def _resource_of(ref: str) -> str:
    """`alicloud_kms_key.k["a"].id` -> `alicloud_kms_key.k["a"]` (the resource, without the attribute)."""
    rtype, _, rest = ref.partition(".")
    name = re.match(r'[^.\[]+(\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?', rest)
    return f"{rtype}.{name.group(0)}" if name else rtype


def _parent_prefix(prefix: str, call: str) -> str:
    """`module.a["x"].module.b[0].` without its last module call (`b`): `module.a["x"].`."""
    at = prefix.rfind(f"module.{call}")
    return prefix[:at] if at >= 0 else ""


#: how many output / variable / for_each hops a reference is followed through before giving up
MAX_HOPS = 16


class _References:
    """Which alicloud resources an attribute's expression leads to, following what the plan's configuration
    records: `each.value` to the resource's own `for_each` expression (`for_each = module.m` with
    `each.value.out` to the output of the module instance with the resource's own key), `module.m.out` to the
    module's output expression, and a module's `var.x` to the argument its caller passes. Terraform lists only the
    references of an expression, not how they combine, so every resource reached is kept (first found first).
    `local.*` values are not in the plan's configuration: a reference through a local leads nowhere here."""

    def __init__(self, config: _Configuration) -> None:
        self.config = config
        self.index = ""

    def of(self, res_config: Mapping[str, Any] | None, module_address: str, index: Any = None) -> dict[str, list[str]]:
        """index: the resource instance's own key (`"a"`, 0), which `for_each = module.m` hands on."""
        out: dict[str, list[str]] = {}
        if not res_config:
            return out
        self.index = "" if index is None else f"[{json.dumps(index)}]"
        prefix = f"{module_address}." if module_address else ""
        path = _module_path(module_address)
        for attr, expr in _d(res_config.get("expressions")).items():
            if not isinstance(expr, dict):
                continue
            found = self.expression(expr, path, prefix, res_config, 0)
            if found:
                out[attr] = list(dict.fromkeys(found))
        return out

    def expression(
        self, expr: Mapping[str, Any], path: tuple[str, ...], prefix: str, res_config: Mapping[str, Any] | None, hops: int
    ) -> list[str]:
        refs = [r for r in _l(expr.get("references")) if isinstance(r, str)]
        found: list[str] = []
        for ref in refs:
            found.extend(self.reference(ref, path, prefix, res_config, hops))
        return found

    def reference(
        self, ref: str, path: tuple[str, ...], prefix: str, res_config: Mapping[str, Any] | None, hops: int
    ) -> list[str]:
        if ref.startswith("alicloud_"):
            # Terraform lists `alicloud_kms_key.k.id` and `alicloud_kms_key.k`; keep the resource itself.
            return [prefix + _resource_of(ref)]
        if hops >= MAX_HOPS:
            return []
        if ref.startswith("each.") and res_config is not None:
            each = _d(res_config.get("for_each_expression"))
            output = ref.split(".")[2] if ref.startswith("each.value.") else None
            calls = [r for r in _l(each.get("references")) if isinstance(r, str) and re.fullmatch(r"module\.[A-Za-z_][\w-]*", r)]
            if output and calls and self.index:  # for_each = module.m: each.value is module.m[<this key>]
                return [x for call in calls for x in self.reference(f"{call}{self.index}.{output}", path, prefix, None, hops + 1)]
            return self.expression(each, path, prefix, None, hops + 1)
        if ref.startswith("module."):
            match = re.match(r'module\.([A-Za-z_][\w-]*)((?:\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?)\.([A-Za-z_][\w-]*)', ref)
            if not match:
                return []
            call, key, output = match.groups()
            module = self.config.module((*path, call)) or {}
            expr = _d(_d(_d(module.get("outputs")).get(output)).get("expression"))
            return self.expression(expr, (*path, call), f"{prefix}module.{call}{key}.", None, hops + 1)
        if ref.startswith("var.") and path:
            name = ref.split(".")[1]
            call = self.config.module_call(path) or {}
            arg = _d(_d(call.get("expressions")).get(name))
            return self.expression(arg, path[:-1], _parent_prefix(prefix, path[-1]), None, hops + 1)
        return []


def iter_records(
    plan: Mapping[str, Any], name: str, config_dir: Path | None = None, warnings: list[model.Warning] | None = None
) -> Iterator[ResourceRecord]:
    from kms_infracost.sources.blocks import module_blocks

    config = _Configuration(plan)
    references = _References(config)
    odd_actions = warnings if warnings is not None else []
    blocks_by_dir: dict[tuple[str, ...], dict[tuple[str, str], Any]] = {}
    for change in _l(plan.get("resource_changes")):
        if not isinstance(change, dict):
            continue
        rtype = str(change.get("type") or "")
        if change.get("mode", "managed") != "managed" or not rtype.startswith("alicloud_kms_"):
            continue
        body = _d(change.get("change"))
        actions = tuple(a for a in _l(body.get("actions")) if isinstance(a, str))
        strange = [a for a in actions if a not in ("create", "update", "delete", "no-op", "read", "forget")]
        module_address = str(change.get("module_address") or "")
        module_path = _module_path(module_address)
        res_config: dict[str, Any] = config.resource(module_path, rtype, str(change.get("name") or "")) or {}
        key = str((res_config or {}).get("provider_config_key") or "alicloud")
        region, label, note = config.provider_region(key)
        after_unknown = _d(body.get("after_unknown"))
        expressions = _d((res_config or {}).get("expressions"))
        # A constant that still comes out unknown is an empty string the provider treats as unset
        # (`key_spec = ""`); only an expression over other values is a real unknown.
        configured = {
            k for k, v in _d(expressions).items() if not (isinstance(v, dict) and "constant_value" in v)
        }
        marked = {k for k, v in after_unknown.items() if v is True}
        refs = references.of(res_config, module_address, change.get("index"))
        unknown = {
            k: "refers to " + ", ".join(refs[k]) if k in refs else "computed by an expression"
            for k in marked & configured
        }
        after = body.get("after")
        before = body.get("before")
        file, line = None, None
        if config_dir is not None:
            if module_path not in blocks_by_dir:
                directory = config.module_dir(module_path, config_dir)
                blocks_by_dir[module_path] = module_blocks(directory) if directory else {}
            block = blocks_by_dir[module_path].get((rtype, str(change.get("name") or "")))
            if block is not None:
                file, line = _shown_path(block.file), block.start
        if strange:
            odd_actions.append(
                model.Warning(
                    "KI106", f"unknown plan action(s) {', '.join(strange)}; treated as update",
                    str(change.get("address") or ""), file, line,
                )
            )
        yield ResourceRecord(
            address=str(change.get("address") or ""),
            type=rtype,
            name=str(change.get("name") or ""),
            module_address=module_address,
            actions=actions or ("no-op",),
            after=_known_values(after, after_unknown, body.get("after_sensitive"))
            if isinstance(after, dict)
            else None,
            before=_known_values(before, {}, body.get("before_sensitive")) if isinstance(before, dict) else None,
            unknown=unknown,
            computed=marked - configured,
            provider_region=region,
            provider_label=label,
            region_note=note,
            references=refs,
            file=file,
            line=line,
        )


def load_plan(
    path: str,
    *,
    default_region: str | None = None,
    env: Mapping[str, str] | None = None,
    config_dir: str | None = None,
    unknown_values: str = "default",
) -> model.Inventory:
    """Resources of a plan; `config_dir` (default: beside the plan, else cwd) gives them file and line."""
    data, name = read_plan_bytes(path)
    plan = parse_plan(data, name)
    folder = Path(config_dir) if config_dir else default_config_dir(path)
    odd: list[model.Warning] = []
    records = iter_records(plan, name, folder, odd)
    inventory = build_inventory(
        records, default_region=default_region, env=env, origin=name, unknown_values=unknown_values
    )
    inventory.warnings[:0] = odd
    for change in _l(plan.get("resource_changes")):
        if not isinstance(change, dict):
            continue
        rtype = str(change.get("type", ""))
        if rtype.startswith("alicloud_kms_") and change.get("mode") == "data":
            inventory.warnings.append(
                model.Warning(
                    "KI107", "data source calls KMS on every plan and apply; its API calls are not priced",
                    str(change.get("address")),
                )
            )
        elif change.get("mode", "managed") == "managed" and other_kms_type(rtype):
            inventory.foreign[rtype] = inventory.foreign.get(rtype, 0) + 1
    return inventory
