"""Configuration: `[tool.kms-infracost]` in pyproject.toml or the top level of `.kms-infracost.toml`.

Found by walking up from the working directory (or given with --config); command-line flags win.
Unknown keys are an error naming the closest valid key: a misspelt threshold that silently does nothing
is worse than no threshold at all.
"""

from __future__ import annotations

import itertools
import os
import tomllib
from collections.abc import Collection
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from kms_infracost.errors import UserError, closest, did_you_mean
from kms_infracost.records import field, record
from kms_infracost.runmemo import listing

THRESHOLDS = (
    "monthly_total",
    "monthly_per_key",
    "monthly_increase",
    "monthly_increase_percent",
    "projected_monthly_total",
    "monthly_total_all",
)
TOP_KEYS = (
    "price_book", "days_per_month", "default_region", "usage_file", "horizon_months", "unknown_values", "thresholds",
    "rules", "ignore_warnings", "projects", "hook_base_ref",
)
#: what an unknown priced attribute is assumed to be: the provider default, or the most expensive option
UNKNOWN_VALUES = ("default", "max")
RULE_KEYS = ("id", "path", "message", "severity")
PROJECT_KEYS = ("path", "var_files", "vars", "usage_file", "thresholds", "price_book")


@record
class ProjectEntry:
    """One `[[tool.kms-infracost.projects]]` table; paths already resolved against the config's folder."""

    path: str
    var_files: list[str] = field(default_factory=list)
    #: NAME=VALUE, as --var takes them
    variables: list[str] = field(default_factory=list)
    usage_file: str | None = None
    thresholds: dict[str, Decimal] = field(default_factory=dict)
    price_book: str | None = None


@record
class Config:
    path: str | None = None
    price_book: str = "kms1-intl"
    days_per_month: int = 30
    default_region: str | None = None
    usage_file: str | None = None
    horizon_months: int = 12
    unknown_values: str = "default"
    thresholds: dict[str, Decimal] = field(default_factory=dict)
    rules: list[dict[str, str]] = field(default_factory=list)
    #: warning codes (KI101 …) not shown or reported
    ignore_warnings: list[str] = field(default_factory=list)
    projects: list[ProjectEntry] = field(default_factory=list)
    #: `check` compares with this git ref (the hook: "HEAD") when no --base-ref / --base-plan is given
    hook_base_ref: str | None = None


SECTION = "kms-infracost"
OWN_FILE = ".kms-infracost.toml"
#: file names one slip away from OWN_FILE: found beside no real config, they are an error, not silence
NEAR_FILES = (".kms_infracost.toml", "kms-infracost.toml", "kms_infracost.toml", ".kms-infracost.tml", ".kmsinfracost.toml")


def _squashed(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _tool_section(data: dict[str, Any], path: Path) -> dict[str, Any] | None:
    """`[tool.kms-infracost]` of a pyproject.toml; a near miss (`[tool.kms_infracost]`) is an error."""
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        return None
    section: Any = tool.get(SECTION)
    if section is not None:
        return cast(dict[str, Any], section)  # not a table: parse_config says so
    for key in tool:
        if _squashed(key) == _squashed(SECTION) or (closest(key, [SECTION]) and "kms" in key.lower()):
            raise UserError(
                f"[tool.{key}] is not read: did you mean [tool.{SECTION}]?", str(path), _line_of(path, f"tool.{key}")
            )
    return None


def _line_of(path: Path, needle: str) -> int | None:
    try:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if needle in text.replace('"', "").replace(" ", ""):
                return number
    except OSError:
        return None
    return None


Found = tuple[Path, dict[str, Any]]


#: every name _config_in looks for
_CONFIG_NAMES = frozenset((OWN_FILE, "pyproject.toml", *NEAR_FILES))


def _config_in(folder: Path, listed: bool = False) -> Found | None:
    """The config in this one folder, if any (a near miss of the file's name is an error).

    listed: the run lists this folder anyway (the search for roots read it), so it is listed here too and
    only the names it holds are stat'ed: seven stats of absent files in each of a monorepo's hundreds of
    folders cost more than the listing. Other folders (above the working directory: /tmp, a home folder)
    are asked name by name, so that a run's replay record does not hang on everything else they hold."""
    present = _CONFIG_NAMES
    if listed:
        try:
            present = _CONFIG_NAMES.intersection(name for name, _, _, _ in listing(str(folder)))
        except OSError:
            pass  # not listable: ask for each name
    own = folder / OWN_FILE
    if OWN_FILE in present and own.is_file():
        return own, _read(own)
    pyproject = folder / "pyproject.toml"
    section = _tool_section(_read(pyproject), pyproject) if "pyproject.toml" in present and pyproject.is_file() else None
    if section is not None:
        return pyproject, section
    for name in NEAR_FILES:
        if name in present and (folder / name).is_file():
            raise UserError(f"this config file is not read: did you mean {OWN_FILE}?", str(folder / name))
    return None


def find_config(start: Path, stop: Path | None = None, lookup: ConfigLookup | None = None) -> Found | None:
    """The nearest config at or above `start`; with `stop`, not above that folder."""
    look = lookup.config_in if lookup is not None else _config_in
    if stop is not None and stop != start and stop not in start.parents:
        return None
    for folder in itertools.chain((start,), start.parents):  # one parent at a time: most stop at the first
        found = look(folder)
        if found is not None or folder == stop:
            return found
    return None


class ConfigLookup:
    """Configs for the many project folders of one run: each folder is looked at once and each config
    parsed once, however many projects lie below them (a monorepo run has hundreds)."""

    def __init__(self, listed: Collection[str] = ()) -> None:
        from kms_infracost.projects import repository_root  # once a run, not once a project

        self._repository_root = repository_root
        self._found: dict[Path, Found | None] = {}
        self._parsed: dict[str, Config] = {}
        #: absolute folders the run lists anyway (Survey.calls): looked at with one listing
        self._listed = listed

    def config_in(self, folder: Path) -> Found | None:
        if folder not in self._found:
            self._found[folder] = _config_in(folder, str(folder) in self._listed)
        return self._found[folder]

    def nearest(self, folder: Path) -> Found | None:
        """The config at or above `folder`, not above its repository."""
        return find_config(folder, self._repository_root(folder) or folder, self)

    def parsed(self, found: Found) -> Config:
        """The config of a found file, parsed once (callers copy it before changing it)."""
        key = str(found[0])
        if key not in self._parsed:
            self._parsed[key] = parse_config(found[1], key)
        return self._parsed[key]


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read config: {exc}", str(path)) from None
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = None
        if "(at line " in message:
            try:
                line = int(message.split("(at line ")[1].split(",")[0])
            except ValueError:
                line = None
            message = message.split(" (at line ")[0]
        raise UserError(f"config is not valid TOML: {message}", str(path), line) from None


def load_config(explicit: str | None, cwd: Path) -> Config:
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise UserError("config file not found", explicit)
        data = _read(path)
        if path.name == "pyproject.toml":
            data = _tool_section(data, path) or {}
        return parse_config(data, str(path))
    found = find_config(cwd)
    if found is None:
        return Config()
    path, data = found
    return parse_config(data, str(path))


def _number(value: Any, where: str, path: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise UserError(f"{where} must be a number, got {value!r}", path)
    number = Decimal(value)
    if number < 0:
        raise UserError(f"{where} must not be negative, got {value}", path)
    return number


def warning_code(given: str, path: str | None = None) -> str:
    """A warning code or name as given (config or --ignore-warning), checked: its code."""
    from kms_infracost.warning_codes import known, valid_choices

    code = known(given)
    if code is None:
        raise UserError(
            f"unknown warning code {given!r}{did_you_mean(given, valid_choices())}; the codes are listed in the README",
            path,
        )
    return code


def parse_config(data: dict[str, Any], path: str) -> Config:
    if not isinstance(data, dict):
        raise UserError("[tool.kms-infracost] must be a table", path)
    if "tool" in data and Path(path).name != "pyproject.toml":
        raise UserError(
            f"in {Path(path).name} the settings go at the top level, without a [tool.{SECTION}] table "
            "(that table is for pyproject.toml)",
            path,
        )
    for key in data:
        if key not in TOP_KEYS:
            raise UserError(f"unknown config key {key!r}{did_you_mean(key, TOP_KEYS)}", path)
    config = Config(path=path)
    if "price_book" in data:
        if not isinstance(data["price_book"], str):
            raise UserError("price_book must be a string such as \"kms1-intl\"", path)
        config.price_book = _book(data["price_book"], path)
    if "days_per_month" in data:
        days = data["days_per_month"]
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 31:
            raise UserError(f"days_per_month must be a whole number from 1 to 31, got {days!r}", path)
        config.days_per_month = days
    if "default_region" in data:
        if not isinstance(data["default_region"], str) or not data["default_region"]:
            raise UserError("default_region must be a region ID such as \"cn-hangzhou\"", path)
        config.default_region = data["default_region"]
    if "horizon_months" in data:
        months = data["horizon_months"]
        if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 120:
            raise UserError(f"horizon_months must be a whole number from 1 to 120, got {months!r}", path)
        config.horizon_months = months
    if "unknown_values" in data:
        if data["unknown_values"] not in UNKNOWN_VALUES:
            raise UserError(
                f'unknown_values must be "default" or "max", got {data["unknown_values"]!r}'
                f"{did_you_mean(str(data['unknown_values']), UNKNOWN_VALUES)}",
                path,
            )
        config.unknown_values = data["unknown_values"]
    if "usage_file" in data:
        if not isinstance(data["usage_file"], str):
            raise UserError("usage_file must be a path", path)
        config.usage_file = str(Path(path).parent / data["usage_file"])
    ignored = data.get("ignore_warnings", [])
    if not isinstance(ignored, list) or not all(isinstance(x, str) for x in ignored):
        raise UserError('ignore_warnings must be a list of warning codes such as ["KI101"]', path)
    config.ignore_warnings = [warning_code(x, path) for x in ignored]
    config.thresholds = _thresholds(data.get("thresholds", {}), "thresholds", path)
    if "hook_base_ref" in data:
        if not isinstance(data["hook_base_ref"], str) or not data["hook_base_ref"].strip():
            raise UserError('hook_base_ref must be a git ref such as "HEAD"', path)
        config.hook_base_ref = data["hook_base_ref"].strip()
    config.projects = _projects(data.get("projects", []), path)
    for number, rule in _tables(data.get("rules", []), "rule", "with id, path and message", RULE_KEYS, path):
        for key in ("id", "path", "message"):
            if not isinstance(rule.get(key), str) or not rule[key].strip():
                raise UserError(f"rule {number}: {key} must be a non-empty string", path)
        severity = rule.get("severity", "error")
        if severity not in ("error", "warning"):
            raise UserError(f"rule {rule['id']}: severity must be \"error\" or \"warning\"", path)
        config.rules.append({**rule, "severity": severity})
    return config


def _book(name: Any, path: str) -> str:
    if not isinstance(name, str):
        raise UserError("price_book must be a string such as \"kms1-intl\"", path)
    from kms_infracost.pricing.book import available_books

    names = available_books()
    if name not in names:
        raise UserError(f"unknown price book {name!r}{did_you_mean(name, names)}", path)
    return name


def _thresholds(table: Any, where: str, path: str) -> dict[str, Decimal]:
    if not isinstance(table, dict):
        raise UserError(f"{where} must be a table", path)
    out: dict[str, Decimal] = {}
    for key, value in table.items():
        if key not in THRESHOLDS:
            raise UserError(f"unknown threshold {key!r}{did_you_mean(key, THRESHOLDS)}", path)
        out[key] = _number(value, f"{where}.{key}", path)
    return out


def _var_text(value: Any) -> str:
    """A config value as --var would give it: strings as they are, the rest in HCL's JSON-like syntax."""
    import json

    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, default=str)


def _projects(items: Any, path: str) -> list[ProjectEntry]:
    """`[[projects]]`: each path once, inside the repository the config belongs to, and present."""
    from kms_infracost.projects import repository_root

    base = Path(path).resolve().parent
    top = repository_root(base) or base
    out: list[ProjectEntry] = []
    seen: dict[Path, int] = {}
    for number, item in _tables(items, "project", "with a path", PROJECT_KEYS, path):
        where = item.get("path")
        if not isinstance(where, str) or not where.strip():
            raise UserError(f"project {number}: path must be a folder such as \"live/prod\"", path)
        folder = (base / where).resolve()
        if folder != top and top not in folder.parents:
            raise UserError(f"project {number}: path {where!r} is outside the repository ({top})", path)
        if not folder.is_dir():
            raise UserError(f"project {number}: path {where!r} does not exist", path)
        if folder in seen:
            raise UserError(f"project {number}: path {where!r} is already project {seen[folder]}", path)
        seen[folder] = number
        var_files = item.get("var_files", [])
        if not isinstance(var_files, list) or not all(isinstance(v, str) for v in var_files):
            raise UserError(f"project {number}: var_files must be a list of paths", path)
        variables = item.get("vars", {})
        if not isinstance(variables, dict):
            raise UserError(f"project {number}: vars must be a table of NAME = value", path)
        usage = item.get("usage_file")
        if usage is not None and not isinstance(usage, str):
            raise UserError(f"project {number}: usage_file must be a path", path)
        entry = ProjectEntry(
            path=os.path.relpath(folder),
            var_files=[os.path.relpath(base / v) for v in var_files],
            variables=[f"{k}={_var_text(v)}" for k, v in variables.items()],
            usage_file=os.path.relpath(base / usage) if usage else None,
            thresholds=_thresholds(item.get("thresholds", {}), f"project {number}: thresholds", path),
            price_book=_book(item["price_book"], path) if "price_book" in item else None,
        )
        out.append(entry)
    return out


def _tables(items: Any, what: str, needs: str, keys: tuple[str, ...], path: str) -> list[tuple[int, dict[str, Any]]]:
    """An array of tables (`[[rules]]`, `[[projects]]`), numbered from 1, each with only known keys."""
    if not isinstance(items, list):
        raise UserError(f"{what}s must be an array of tables ([[tool.kms-infracost.{what}s]])", path)
    out = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise UserError(f"{what} {number} must be a table {needs}", path)
        for key in item:
            if key not in keys:
                raise UserError(f"{what} {number}: unknown key {key!r}{did_you_mean(key, keys)}", path)
        out.append((number, item))
    return out
