"""`kms-infracost usage init`: a usage file with one entry per resource block, kept in step with the code.

A block that count or for_each expands (or that sits in such a module) gets one wildcard entry,
`alicloud_kms_key.app[*]` or `module.team["*"].alicloud_kms_key.this`, not one entry per instance.

Run again on an edited file it only appends entries for new resources: existing values, comments and
order stay byte-for-byte as they were, because new entries are inserted as text at the end of the
`resource_usage` section rather than by re-dumping the document.
"""

from __future__ import annotations

import re
from typing import Any, cast

from kms_infracost import model
from kms_infracost.errors import UserError
from kms_infracost.records import record

HEADER = """\
# kms-infracost usage file: what the Terraform code cannot say.
# Uncomment a line and set its value; an inline `# kms-infracost: key=value` annotation on the resource
# wins over this file. Numbers may be written 2000000, 2_000_000 or 2M.
version: 0.1
resource_usage:
"""

_KEY_LINES = (
    "# monthly_api_calls: 0  # cryptographic calls a month (Encrypt, Decrypt, GenerateDataKey, Sign, ...)",
    "# key_versions: 1  # versions that already exist (rotation history)",
)


def _quoted(address: str) -> str:
    return "'" + address.replace("'", "''") + "'"


_INDEX = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]')


def block_address(address: str) -> str:
    """The address with every instance key a wildcard: `[0]` -> `[*]`, `["a"]` -> `["*"]`."""
    return _INDEX.sub(lambda m: '["*"]' if m.group(0).startswith('["') else "[*]", address)


def entry_lines(resource: model.Resource, indent: int, address: str | None = None) -> list[str]:
    pad = " " * indent
    inner = " " * (indent * 2)
    lines = [f"{pad}{_quoted(address or resource.address)}:"]
    if isinstance(resource, model.KmsInstance):
        # QPS is usage: the spec is only the ceiling (a 1,000-spec instance at full QPS is 15,000 USD a month)
        ceiling = f"; spec {resource.spec} is the ceiling, not the bill" if resource.spec is not None else ""
        lines.append(
            f"{inner}# peak_qps: 0  # the day's peak per-minute average QPS, rounded up (pay-as-you-go{ceiling})"
        )
        lines.append(f"{inner}# key_versions: 0  # versions in the instance that this configuration does not create")
        lines.append(f"{inner}# secrets: 0  # secrets in the instance that this configuration does not create")
    else:
        lines.extend(f"{inner}{text}" for text in _KEY_LINES)
    return lines


@record
class SyncResult:
    text: str
    added: list[str]


def wants_usage(resource: model.Resource) -> bool:
    return isinstance(resource, (model.KmsKey, model.KmsInstance)) and resource.exists_after


def _blocks(resources: list[model.Resource]) -> list[tuple[str, model.Resource, list[str]]]:
    """(entry address, a resource of the block, every address of the block), one per resource block."""
    out: dict[str, tuple[str, model.Resource, list[str]]] = {}
    for resource in resources:
        pattern = block_address(resource.address)
        if pattern in out:
            out[pattern][2].append(resource.address)
        else:
            out[pattern] = (pattern, resource, [resource.address])
    return list(out.values())


def sync_usage_text(existing: str | None, resources: list[model.Resource], path: str) -> SyncResult:
    """The usage file's new text: the old text unchanged plus entries for resource blocks it does not cover."""
    wanted = _blocks([r for r in resources if wants_usage(r)])
    if existing is None or not existing.strip():
        lines = HEADER.splitlines()
        for address, resource, _ in wanted:
            lines.extend(entry_lines(resource, 2, address))
        return SyncResult("\n".join(lines) + "\n", [a for a, _, _ in wanted])

    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError

    data: Any
    try:
        data = YAML(typ="rt").load(existing)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise UserError(
            f"usage file is not valid YAML: {exc.problem}", path, mark.line + 1 if mark else None
        ) from None
    if not isinstance(data, dict):
        raise UserError("usage file must be a mapping with version and resource_usage", path, 1)
    data = cast(Any, data)  # a ruamel CommentedMap: it knows the line of every key (lc)
    section = data.get("resource_usage")
    known = {str(k) for k in section} if isinstance(section, dict) else set()
    from kms_infracost.usage.usagefile import wildcard_regex

    patterns = [wildcard_regex(k) for k in known if "*" in k]

    def covered(address: str) -> bool:
        return address in known or any(p.fullmatch(address) for p in patterns)

    new = [(a, r) for a, r, members in wanted if a not in known and not all(covered(m) for m in members)]
    if not new:
        return SyncResult(existing, [])
    lines = existing.splitlines()
    trailing_newline = existing.endswith("\n")
    if "resource_usage" not in data or section is None:
        insert_at = len(lines)
        indent = 2
        if "resource_usage" not in data:
            lines.append("resource_usage:")
            insert_at = len(lines)
        else:
            insert_at = data.lc.key("resource_usage")[0] + 1
    else:
        if not isinstance(section, dict):
            raise UserError("resource_usage must be a mapping of address to usage", path, data.lc.key("resource_usage")[0] + 1)
        key_line = lines[data.lc.key("resource_usage")[0]]
        if not re.match(r"^resource_usage:\s*(#.*)?$", key_line):
            raise UserError(
                "resource_usage is written in flow style ({...}); write it as a block so usage init can add to it",
                path,
                data.lc.key("resource_usage")[0] + 1,
            )
        keys = list(section.keys())
        indent = cast(Any, section).lc.key(keys[0])[1] if keys else 2
        insert_at = _section_end(lines, data)
    added_lines = [line for a, r in new for line in entry_lines(r, indent, a)]
    lines[insert_at:insert_at] = added_lines
    text = "\n".join(lines) + ("\n" if trailing_newline or not lines else "")
    check = YAML(typ="rt").load(text)
    if not isinstance(check, dict) or not all(a in (check.get("resource_usage") or {}) for a, _ in new):
        raise UserError(
            "usage init could not add entries to this file's layout without changing it; "
            "add them by hand or start a new file",
            path,
        )
    return SyncResult(text, [a for a, _ in new])


def _section_end(lines: list[str], data: Any) -> int:
    """Index just after the last non-blank line of the resource_usage section (before the next top-level key)."""
    start = data.lc.key("resource_usage")[0]
    following = [data.lc.key(k)[0] for k in data if data.lc.key(k)[0] > start]
    end = min(following) if following else len(lines)
    # the section's last entry line is its last indented line; blank lines and column-0 comments after
    # it belong to what follows (the next key, or the end of the file)
    while end > start + 1 and not (lines[end - 1].startswith((" ", "\t")) and lines[end - 1].strip()):
        end -= 1
    return end
