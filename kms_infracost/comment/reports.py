"""JSON reports (`--format json`) read back and merged into one document for the markdown comment."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from kms_infracost.errors import UserError

#: what a merged document adds up over its reports instead of taking from the first
_LISTS = ("projects", "resources", "account_items", "modules", "unpriced", "violations", "warnings")
_TOTALS = ("total_monthly_cost", "projected_total_monthly_cost")
_REQUIRED = ("schema_version", "price_book", "currency", "days_per_month", "total_monthly_cost", "resources")


def read_report(path: str) -> dict[str, Any]:
    """One JSON report, amounts as exact Decimals (every JSON number: the markdown formats them as amounts)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError("no such report; write one with --format json --out-file", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the report: {exc.__class__.__name__}", path) from None
    try:
        document = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as exc:
        raise UserError(f"not JSON ({exc.msg}); pass a report written with --format json", path, exc.lineno) from None
    if not isinstance(document, dict) or any(key not in document for key in _REQUIRED):
        raise UserError("not a kms-infracost JSON report (written with --format json)", path)
    return document


def merge_reports(paths: list[str]) -> dict[str, Any]:
    """The reports as one: lists joined, totals added, projects kept apart (a repeated name gets its report's)."""
    documents = [(path, read_report(path)) for path in paths]
    if len(documents) == 1:
        return documents[0][1]
    currencies = {doc["currency"] for _, doc in documents}
    if len(currencies) > 1:
        named = ", ".join(f"{path} ({doc['currency']})" for path, doc in documents)
        raise UserError(f"the reports are priced in different currencies ({named}); post them as separate comments")
    first = documents[0][1]
    merged: dict[str, Any] = {k: v for k, v in first.items() if k not in (*_LISTS, *_TOTALS) and "past" not in k}
    merged.pop("diff_total_monthly_cost", None)
    merged.pop("diff_total_percent", None)
    for key in _LISTS:
        merged[key] = []
    for key in _TOTALS:
        merged[key] = Decimal(0)
    has_past = any("past_total_monthly_cost" in doc for _, doc in documents)
    past = Decimal(0)
    seen: set[str] = set()
    for path, doc in documents:
        renamed = _project_names(path, doc, seen)
        for key in _LISTS:
            for item in doc.get(key, []):
                if isinstance(item, dict) and item.get("project") in renamed:
                    item = {**item, "project": renamed[item["project"]]}
                if key == "projects":
                    item = {**item, "name": renamed.get(item["name"], item["name"])}
                merged[key].append(item)
        for key in _TOTALS:
            merged[key] += doc.get(key, doc["total_monthly_cost"])
        past += doc.get("past_total_monthly_cost", doc["total_monthly_cost"])
    if has_past:
        merged["past_total_monthly_cost"] = past
        merged["diff_total_monthly_cost"] = merged["total_monthly_cost"] - past
        merged["diff_total_percent"] = (
            ((merged["total_monthly_cost"] - past) * 100 / past).quantize(Decimal("0.01")) if past else None
        )
        merged["base"] = next((doc["base"] for _, doc in documents if doc.get("base")), "the plan's prior state")
    return merged


def _project_names(path: str, doc: dict[str, Any], seen: set[str]) -> dict[str, str]:
    """New names for this report's projects that an earlier report already used: `name (report path)`."""
    names = [p["name"] for p in doc.get("projects", [])] or ["."]
    if not doc.get("projects"):  # a report without projects[] is one project named after the report
        doc["projects"] = [{"name": ".", "path": path, "total_monthly_cost": doc["total_monthly_cost"],
                            **{k: doc[k] for k in ("past_total_monthly_cost", "diff_total_monthly_cost") if k in doc}}]
    renamed = {name: f"{name} ({path})" for name in names if name in seen}
    seen.update(renamed.get(name, name) for name in names)
    return renamed


def marker(tag: str | None) -> str:
    """The hidden first line that marks the tool's own comment (a tag tells apart several per pull request)."""
    return f"<!-- kms-infracost-comment{':' + tag if tag else ''} -->"


def comment_body(paths: list[str], tag: str | None) -> str:
    from kms_infracost.report.markdown import render

    return marker(tag) + "\n" + render(merge_reports(paths))
