"""Configuration: `[tool.kms-infracost]` in pyproject.toml or the top level of `.kms-infracost.toml`.

Found by walking up from the working directory (or given with --config); command-line flags win.
Unknown keys are an error naming the closest valid key: a misspelt threshold that silently does nothing
is worse than no threshold at all.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kms_infracost.errors import UserError, did_you_mean

THRESHOLDS = (
    "monthly_total",
    "monthly_per_key",
    "monthly_increase",
    "monthly_increase_percent",
    "projected_monthly_total",
)
TOP_KEYS = (
    "price_book", "days_per_month", "default_region", "usage_file", "horizon_months", "thresholds", "rules",
    "ignore_warnings",
)
RULE_KEYS = ("id", "path", "message", "severity")


@dataclass
class Config:
    path: str | None = None
    price_book: str = "kms1-intl"
    days_per_month: int = 30
    default_region: str | None = None
    usage_file: str | None = None
    horizon_months: int = 12
    thresholds: dict[str, Decimal] = field(default_factory=dict)
    rules: list[dict[str, str]] = field(default_factory=list)
    #: warning codes (KI101 …) not shown or reported
    ignore_warnings: list[str] = field(default_factory=list)


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    for folder in (start, *start.parents):
        own = folder / ".kms-infracost.toml"
        if own.is_file():
            return own, _read(own)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            data = _read(pyproject)
            section = data.get("tool", {}).get("kms-infracost")
            if section is not None:
                return pyproject, section
    return None


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
            data = data.get("tool", {}).get("kms-infracost", {})
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
    for key in data:
        if key not in TOP_KEYS:
            raise UserError(f"unknown config key {key!r}{did_you_mean(key, TOP_KEYS)}", path)
    config = Config(path=path)
    if "price_book" in data:
        if not isinstance(data["price_book"], str):
            raise UserError("price_book must be a string such as \"kms1-intl\"", path)
        config.price_book = data["price_book"]
        from kms_infracost.pricing.book import available_books

        names = available_books()
        if config.price_book not in names:
            raise UserError(f"unknown price book {config.price_book!r}{did_you_mean(config.price_book, names)}", path)
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
    if "usage_file" in data:
        if not isinstance(data["usage_file"], str):
            raise UserError("usage_file must be a path", path)
        config.usage_file = str(Path(path).parent / data["usage_file"])
    ignored = data.get("ignore_warnings", [])
    if not isinstance(ignored, list) or not all(isinstance(x, str) for x in ignored):
        raise UserError('ignore_warnings must be a list of warning codes such as ["KI101"]', path)
    config.ignore_warnings = [warning_code(x, path) for x in ignored]
    thresholds = data.get("thresholds", {})
    if not isinstance(thresholds, dict):
        raise UserError("thresholds must be a table", path)
    for key, value in thresholds.items():
        if key not in THRESHOLDS:
            raise UserError(f"unknown threshold {key!r}{did_you_mean(key, THRESHOLDS)}", path)
        config.thresholds[key] = _number(value, f"thresholds.{key}", path)
    rules = data.get("rules", [])
    if not isinstance(rules, list):
        raise UserError("rules must be an array of tables ([[tool.kms-infracost.rules]])", path)
    for number, rule in enumerate(rules, 1):
        if not isinstance(rule, dict):
            raise UserError(f"rule {number} must be a table with id, path and message", path)
        for key in rule:
            if key not in RULE_KEYS:
                raise UserError(f"rule {number}: unknown key {key!r}{did_you_mean(key, RULE_KEYS)}", path)
        for key in ("id", "path", "message"):
            if not isinstance(rule.get(key), str) or not rule[key].strip():
                raise UserError(f"rule {number}: {key} must be a non-empty string", path)
        severity = rule.get("severity", "error")
        if severity not in ("error", "warning"):
            raise UserError(f"rule {rule['id']}: severity must be \"error\" or \"warning\"", path)
        config.rules.append({**rule, "severity": severity})
    return config
