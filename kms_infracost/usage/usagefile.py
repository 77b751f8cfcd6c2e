"""The usage file, in Infracost's shape: `resource_usage` by address, `resource_type_default_usage` by type."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from kms_infracost import model
from kms_infracost.errors import UserError, closest, did_you_mean
from kms_infracost.records import field, record
from kms_infracost.usage.quantity import parse_quantity

SUPPORTED_VERSIONS = ("0.1",)
#: usage keys per resource type the estimator reads
USAGE_KEYS: dict[str, tuple[str, ...]] = {
    model.KEY: ("monthly_api_calls", "key_versions"),
    # pay-as-you-go instances: the day's peak QPS, and versions / secrets that live outside this configuration
    model.INSTANCE: ("peak_qps", "key_versions", "secrets"),
}
#: a user-created key can be marked as one an Alibaba Cloud service created (free)
USAGE_KEYS[model.KEY] += ("service_key",)
ALL_KEYS = tuple(sorted({k for keys in USAGE_KEYS.values() for k in keys}))


@record
class UsageEntry:
    values: dict[str, Decimal]
    line: int | None


@record
class UsageFile:
    path: str
    resource_usage: dict[str, UsageEntry] = field(default_factory=dict)
    type_defaults: dict[str, UsageEntry] = field(default_factory=dict)
    warnings: list[model.Warning] = field(default_factory=list)

    def warn(self, code: str, text: str, line: int | None) -> None:
        self.warnings.append(model.Warning(code, text, file=self.path, line=line))

    def layers(self, resource: model.Resource) -> list[tuple[UsageEntry, str]]:
        """Entries that apply to a resource, lowest precedence first: type default, wildcard, exact."""
        found: list[tuple[UsageEntry, str]] = []
        default = self.type_defaults.get(resource.type)
        if default:
            found.append((default, f"usage file {self.path}:{default.line} (resource_type_default_usage.{resource.type})"))
        wildcard = self.wildcard_for(resource.address)
        if wildcard:
            pattern, entry = wildcard
            found.append((entry, f"usage file {self.path}:{entry.line} ({pattern})"))
        exact = self.resource_usage.get(resource.address)
        if exact:
            found.append((exact, f"usage file {self.path}:{exact.line} ({resource.address})"))
        return found

    def wildcard_for(self, address: str) -> tuple[str, UsageEntry] | None:
        """The most specific wildcard entry matching the address (fewest wildcards, then file order)."""
        matches = [
            (pattern.count("*"), order, pattern, entry)
            for order, (pattern, entry) in enumerate(self.resource_usage.items())
            if "*" in pattern and wildcard_regex(pattern).fullmatch(address)
        ]
        if not matches:
            return None
        _, _, pattern, entry = min(matches, key=lambda m: (m[0], m[1]))
        return pattern, entry

    def usage_for(self, resource: model.Resource) -> model.Usage:
        usage = model.Usage()
        for entry, source in self.layers(resource):  # later layers win
            for key, value in entry.values.items():
                usage.values[key] = value
                usage.sources[key] = source
        return usage

    def check_addresses(self, resources: list[model.Resource]) -> None:
        """Entries that match no resource are usually typos: say which real address is closest."""
        known = {r.address for r in resources}
        for address, entry in self.resource_usage.items():
            if "*" in address:
                if not any(wildcard_regex(address).fullmatch(a) for a in known):
                    self.warn("KI301", f"usage for {address} matches no resource", entry.line)
                continue
            if address not in known:
                hint = did_you_mean(address, known) if known else ""
                self.warn("KI301", f"usage for {address} matches no resource{hint}", entry.line)
        for address, entry in self.resource_usage.items():
            matched = [r for r in resources if r.address == address or ("*" in address and wildcard_regex(address).fullmatch(r.address))]
            for key in entry.values:
                if matched and all(key not in USAGE_KEYS.get(r.type, ()) for r in matched):
                    self.warn("KI302", f"usage key {key!r} does not apply to {matched[0].type}", entry.line)
        for rtype, entry in self.type_defaults.items():
            if rtype not in USAGE_KEYS:
                best = closest(rtype, list(USAGE_KEYS))
                hint = f" (did you mean {best}?)" if best else f" (types that read usage: {', '.join(USAGE_KEYS)})"
                self.warn("KI304", f"resource_type_default_usage for {rtype}: no usage is read for this type{hint}", entry.line)


def wildcard_regex(pattern: str) -> re.Pattern[str]:
    """`module.x["*"].alicloud_kms_key.k[*]`: `*` stands for any one index or key, or any name part."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith('["*"]', i):
            out.append(r'\["[^"]*"\]')
            i += 5
        elif pattern.startswith("[*]", i):
            out.append(r"\[[^\]]+\]")
            i += 3
        elif pattern[i] == "*":
            out.append(r"[^.\[\]]*")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def _line(node: Any, key: Any) -> int | None:
    try:
        return int(node.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return None


def load_usage_file(path: str) -> UsageFile:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError("usage file not found; create it or fix usage_file / --usage-file", path) from None
    except UnicodeDecodeError:
        raise UserError("usage file is not UTF-8 text", path) from None
    except OSError as exc:
        raise UserError(f"cannot read usage file: {exc.strerror}", path) from None
    import warnings

    yaml = YAML(typ="rt")
    try:
        with warnings.catch_warnings():  # ruamel warns on reused anchors; the file is judged below instead
            warnings.simplefilter("ignore")
            data = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise UserError(f"usage file is not valid YAML: {exc.problem or exc.context}", path, line) from None
    except YAMLError as exc:
        raise UserError(f"usage file is not valid YAML: {exc}", path) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UserError("usage file must be a mapping with version and resource_usage", path, 1)
    usage = UsageFile(path=path)
    version = data.get("version")
    if version is None:
        usage.warn("KI305", "usage file has no version; assuming 0.1", None)
    elif str(version) not in SUPPORTED_VERSIONS:
        raise UserError(
            f"usage file version {version} is not supported (supported: {', '.join(SUPPORTED_VERSIONS)})",
            path,
            _line(data, "version"),
        )
    for key in data:
        if key not in ("version", "resource_usage", "resource_type_default_usage"):
            usage.warn(
                "KI303",
                f"unknown top-level key {key!r}"
                f"{did_you_mean(str(key), ['version', 'resource_usage', 'resource_type_default_usage'])}",
                _line(data, key),
            )
    usage.resource_usage = _section(data, "resource_usage", path, usage.warnings)
    usage.type_defaults = _section(data, "resource_type_default_usage", path, usage.warnings)
    return usage


def _section(data: Any, name: str, path: str, warnings: list[model.Warning]) -> dict[str, UsageEntry]:
    section = data.get(name)
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise UserError(f"{name} must be a mapping of address to usage", path, _line(data, name))
    out: dict[str, UsageEntry] = {}
    for address, values in section.items():
        line = _line(section, address)
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise UserError(f"usage for {address} must be a mapping such as monthly_api_calls: 1000", path, line)
        parsed: dict[str, Decimal] = {}
        for key, raw in values.items():
            key_line = _line(values, key) or line
            if key not in ALL_KEYS:
                warnings.append(
                    model.Warning("KI303", f"unknown usage key {key!r} for {address}{did_you_mean(str(key), ALL_KEYS)}", file=path, line=key_line)
                )
                continue
            if key == "service_key":
                if not isinstance(raw, bool):
                    raise UserError(f"{address}.service_key must be true or false", path, key_line)
                parsed[key] = Decimal(1 if raw else 0)
                continue
            try:
                parsed[key] = parse_quantity(raw)
            except ValueError as exc:
                raise UserError(f"{address}.{key}: {exc}", path, key_line) from None
        out[str(address)] = UsageEntry(values=parsed, line=line)
    return out
