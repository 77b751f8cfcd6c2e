"""`--format infracost-json`: Infracost's own JSON output shape, for tools that already read it.

Money is written as strings (`"0.06"`), as Infracost does. One Infracost project per project of the run, each holding `breakdown` (after the
change), `pastBreakdown` (before it) and `diff` (what changed), totals at the top, a `summary`. Keys inside
a KMS instance are the instance's `subresources`, and the instance's cost includes theirs, as Infracost
nests a resource's parts. Account-wide items (free quota, tiers) become one resource of their own so that
the resources add up to the total. Hourly figures divide by this estimate's month (`days_per_month` x 24
hours). `timeGenerated` honours `SOURCE_DATE_EPOCH` so a report can be reproduced byte for byte.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from kms_infracost.report import figures

VERSION = "0.2"
ACCOUNT = "kms-infracost.account"
HOURLY_PLACES = Decimal("1e-12")


def _time_generated() -> str:
    stamp = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = datetime.now(UTC)
    if stamp.isdigit():
        when = datetime.fromtimestamp(int(stamp), UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Shape:
    """Writes amounts of one document; knows its month for the hourly figures."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.hours = Decimal(document["days_per_month"]) * 24

    def money(self, amount: Decimal | None) -> str | None:
        return None if amount is None else figures.plain_amount(amount)

    def hourly(self, amount: Decimal | None) -> str | None:
        if amount is None:
            return None
        return figures.plain_amount((amount / self.hours).quantize(HOURLY_PLACES))

    def component(self, c: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": c["name"],
            "unit": c["unit"],
            "hourlyQuantity": self.hourly(c["quantity"]),
            "monthlyQuantity": self.money(c["quantity"]),
            "price": self.money(c["unit_price"]),
            "hourlyCost": self.hourly(c["monthly_cost"]),
            "monthlyCost": self.money(c["monthly_cost"]),
            "usageBased": c.get("usage_source") is not None,
        }

    def resource(self, res: dict[str, Any], monthly: Decimal, components: bool) -> dict[str, Any]:
        metadata: dict[str, Any] = {"region": res.get("region"), "action": res["action"]}
        if res.get("file"):
            metadata["filename"] = figures.posix_path(res["file"])
        if res.get("line"):
            metadata["startLine"] = res["line"]
        return {
            "name": res["address"],
            "resourceType": res["type"],
            "tags": {str(k): str(v) for k, v in (res.get("tags") or {}).items()},
            "metadata": metadata,
            "hourlyCost": self.hourly(monthly),
            "monthlyCost": self.money(monthly),
            "costComponents": [self.component(c) for c in res["cost_components"]] if components else [],
            "subresources": [],
        }

    def breakdown(self, resources: list[dict[str, Any]], total: Decimal) -> dict[str, Any]:
        return {
            "resources": resources,
            "totalHourlyCost": self.hourly(total),
            "totalMonthlyCost": self.money(total),
        }


def _nested(entries: list[tuple[dict[str, Any], dict[str, Any], Decimal]], shape: _Shape) -> list[dict[str, Any]]:
    """Members of an instance become its subresources; the instance's cost then includes theirs."""
    top: list[dict[str, Any]] = []
    by_address: dict[str, tuple[dict[str, Any], list[Decimal]]] = {}
    for res, out, monthly in entries:
        parent = by_address.get(res.get("instance_address") or "")
        if parent is not None:
            parent[0]["subresources"].append(out)
            parent[1].append(monthly)
            continue
        top.append(out)
        by_address[res["address"]] = (out, [monthly])
    for out, amounts in by_address.values():
        if len(amounts) > 1:
            total = sum(amounts, Decimal(0))
            out["monthlyCost"], out["hourlyCost"] = shape.money(total), shape.hourly(total)
    return top


def _account(shape: _Shape, total: Decimal, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Account-wide items (free quota, tiers) as one resource, so that the resources add up to the total."""
    return {
        "name": ACCOUNT,
        "resourceType": "kms_account",
        "tags": {},
        "metadata": {},
        "hourlyCost": shape.hourly(total),
        "monthlyCost": shape.money(total),
        "costComponents": [shape.component({**i, "usage_source": None}) for i in items],
        "subresources": [],
    }


def _summary(document: dict[str, Any]) -> dict[str, Any]:
    present = [r for r in document["resources"] if r["action"] != "delete"]
    no_price: dict[str, int] = {}
    for res in present:
        if not res["cost_components"]:
            no_price[res["type"]] = no_price.get(res["type"], 0) + 1
    return {
        "totalDetectedResources": len(present),
        "totalSupportedResources": len(present),
        "totalUnsupportedResources": 0,
        "totalUsageBasedResources": sum(
            1 for r in present if any(c.get("usage_source") is not None for c in r["cost_components"])
        ),
        "totalNoPriceResources": sum(no_price.values()),
        "unsupportedResourceCounts": {},
        "noPriceResourceCounts": dict(sorted(no_price.items())),
    }


def _project_path(document: dict[str, Any]) -> str:
    folders = {str(PurePosixPath(figures.posix_path(r["file"])).parent) for r in document["resources"] if r.get("file")}
    if not folders:
        return "."
    return os.path.commonpath(sorted(folders)).replace("\\", "/") or "."


def _project(document: dict[str, Any], shape: _Shape, name: str | None, path: str | None) -> dict[str, Any]:
    resources = document["resources"]
    total = document["total_monthly_cost"]
    past_total = document.get("past_total_monthly_cost", Decimal(0))
    diff_total = document.get("diff_total_monthly_cost", total)

    now = _nested([(r, shape.resource(r, r["monthly_cost"], True), r["monthly_cost"])
                   for r in resources if r["action"] != "delete"], shape)
    items = document.get("account_items") or []
    if items:
        now.append(_account(shape, sum((i["monthly_cost"] for i in items), Decimal(0)), items))

    before_entries = [(r, shape.resource(r, r["past_monthly_cost"], False), r["past_monthly_cost"])
                      for r in resources if r.get("past_monthly_cost") is not None]
    before = _nested(before_entries, shape)
    rest = past_total - sum((e[2] for e in before_entries), Decimal(0))
    if rest != 0:  # the base's account-wide items: only their sum is known
        before.append(_account(shape, rest, []))

    if figures.has_past(document):
        changed = [r for r in resources if r.get("change", "added") != "unchanged"]
        diff_entries = [(r, shape.resource(r, r["diff_monthly_cost"], False), r["diff_monthly_cost"]) for r in changed]
        diff = _nested(diff_entries, shape)
        account_change = diff_total - sum((e[2] for e in diff_entries), Decimal(0))
        if account_change != 0:
            diff.append(_account(shape, account_change, []))
    else:  # nothing to compare with: everything is new, as Infracost's breakdown reports it
        diff = [dict(r) for r in now]

    where = path if path is not None else _project_path(document)
    return {
        "name": name if name is not None else where,
        "metadata": {"path": figures.posix_path(where), "type": "kms_infracost"},
        "pastBreakdown": shape.breakdown(before, past_total),
        "breakdown": shape.breakdown(now, total),
        "diff": shape.breakdown(diff, diff_total),
        "summary": _summary(document),
    }


def infracost_document(document: dict[str, Any]) -> dict[str, Any]:
    """One Infracost project per project of the run, totals and summary over all of them."""
    shape = _Shape(document)
    total = document["total_monthly_cost"]
    past_total = document.get("past_total_monthly_cost", Decimal(0))
    diff_total = document.get("diff_total_monthly_cost", total)
    projects = []
    for entry, narrowed in figures.by_project(document):
        named = "projects" in document
        projects.append(_project(narrowed, shape, entry["name"] if named else None, entry.get("path") if named else None))
    return {
        "version": VERSION,
        "currency": document["currency"],
        "projects": projects,
        "totalHourlyCost": shape.hourly(total),
        "totalMonthlyCost": shape.money(total),
        "pastTotalHourlyCost": shape.hourly(past_total),
        "pastTotalMonthlyCost": shape.money(past_total),
        "diffTotalHourlyCost": shape.hourly(diff_total),
        "diffTotalMonthlyCost": shape.money(diff_total),
        "timeGenerated": _time_generated(),
        "summary": _summary(document),
    }


def render(document: dict[str, Any], verbose: bool = False) -> str:
    return json.dumps(infracost_document(document), indent=2, ensure_ascii=False) + "\n"
