"""`--format table`: what a person reads before `terraform apply`.

One row per resource with its cost components under it, account-wide items, the total, then every
failed threshold or rule in words.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kms_infracost.money import amount as fmt_money
from kms_infracost.report import migration
from kms_infracost.report.figures import by_project, said


def fmt_number(amount: Decimal) -> str:
    text = f"{amount.normalize():f}"
    return text


def _resource_rows(res: dict[str, Any], verbose: bool, horizon: int) -> list[tuple[str, str, str, str]]:
    status = res.get("status") if res.get("status") not in (None, "Enabled") else None
    spec = " ".join(x for x in (res.get("key_spec"), res.get("protection_level"), status) if x)
    if res["type"] == "alicloud_kms_instance":
        spec = f"version {res.get('product_version')} {res.get('payment_type')}"
    action = res["action"]
    marker = {"create": "+", "delete": "-", "update": "~", "replace": "-/+", "no-op": " "}.get(action, "?")
    indent = "  " if res.get("instance_address") else ""  # inside a KMS instance listed above it
    shown = fmt_money(res["monthly_cost"]) if res.get("priced", True) else "not priced"
    rows = [(f"{marker} {indent}{res['address']}", res["region"], spec, shown)]
    for c in res["cost_components"]:
        detail = f"{fmt_number(c['quantity'])} {c['unit']} x {fmt_number(c['unit_price'])}"
        if verbose and c.get("usage_source"):
            detail += f"  [{c['usage_source']}]"
        rows.append((f"    {c['name']}", "", detail, fmt_money(c["monthly_cost"])))
    if res.get("past_monthly_cost") is not None and res.get("change") in ("changed", "removed"):
        rows.append(("\0" + f"    (was {fmt_money(res['past_monthly_cost'])}, change {_signed(res['diff_monthly_cost'])})", "", "", ""))
    projected = res.get("projected_monthly_cost")
    if projected is not None and projected != res["monthly_cost"]:
        why = f"rotates every {fmt_number(res['rotation_days'])} days" if res.get("rotation_days") else "versions accumulate"
        rows.append(("\0" + f"    ({why}: month {horizon} costs {fmt_money(projected)})", "", "", ""))
    for note in res.get("notes", []):
        rows.append(("\0" + f"    ({note})", "", "", ""))
    return rows


def _project_rows(document: dict[str, Any], verbose: bool) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for res in document["resources"]:
        if "past_total_monthly_cost" in document and res.get("change") == "unchanged":
            continue  # a diff lists what changes; the unchanged are counted under the total
        rows.extend(_resource_rows(res, verbose, document.get("horizon_months", 12)))
    if document["account_items"]:
        rows.append(("Account-wide", "", "", ""))
        for item in document["account_items"]:
            detail = f"{fmt_number(item['quantity'])} {item['unit']} x {fmt_number(item['unit_price'])}"
            rows.append((f"    {item['name']}", "", detail, fmt_money(item["monthly_cost"])))
    return rows


def render(document: dict[str, Any], verbose: bool = False) -> str:
    book = document["price_book"]
    currency = document["currency"]
    lines = [
        (
            f"Price book {book['name']}: {book['title']} ({currency}, effective {book['effective_date']}), "
            f"{document['days_per_month']}-day month"
        ),
    ]
    instance_book = document.get("instance_price_book")
    if instance_book and any(r["type"] == "alicloud_kms_instance" or r.get("instance_address") for r in document["resources"]):
        lines.append(
            f"KMS instances: {instance_book['name']}: {instance_book['title']} ({instance_book['currency']}, "
            f"effective {instance_book['effective_date']})"
        )
    lines.append("")
    header = ("Resource", "Region", "Spec / quantity", f"Monthly {currency}")
    rows: list[tuple[str, str, str, str]] = []
    groups = by_project(document)
    for project, part in groups:
        if len(groups) > 1:
            rows.append((f"Project {project['name']}", "", "", ""))
        rows.extend(_project_rows(part, verbose))
        if len(groups) > 1:
            rows.append((f"  subtotal {project['name']}", "", "", fmt_money(project["total_monthly_cost"])))
    if not document["resources"]:
        rows.append(("(no KMS resources found)", "", "", ""))
    # notes (marked with a leading NUL) are free text under their resource and do not set widths
    widths = [max(len(r[i]) for r in [header, *rows] if not r[0].startswith("\0")) for i in range(4)]

    def line(r: tuple[str, str, str, str]) -> str:
        if r[0].startswith("\0"):
            return r[0][1:]
        return f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]:>{widths[3]}}".rstrip()

    lines.append(line(header))
    lines.append("-" * len(line(header)))
    lines.extend(line(r) for r in rows)
    lines.append("-" * len(line(header)))
    total = f"{fmt_money(document['total_monthly_cost'])} {currency}"
    lines.append(f"TOTAL monthly cost: {total}")
    projected = document.get("projected_total_monthly_cost")
    if projected is not None and projected != document["total_monthly_cost"]:
        lines.append(
            f"  projected for month {document['horizon_months']} (rotation adds billed versions): "
            f"{fmt_money(projected)} {currency}"
        )
    if "past_total_monthly_cost" in document:
        lines.append(
            f"  before this change: {fmt_money(document['past_total_monthly_cost'])} {currency}, "
            f"change: {_signed(document['diff_total_monthly_cost'])} {currency}"
        )
        unchanged = sum(1 for r in document["resources"] if r.get("change") == "unchanged")
        if unchanged:
            lines.append(f"  {unchanged} unchanged resource(s) not listed")
    no_usage = sum(
        1
        for res in document["resources"]
        for c in res["cost_components"]
        if c["name"].startswith("API calls") and c.get("usage_source") == "built-in default"
    )
    if no_usage:
        lines.append(
            f"{no_usage} key(s) priced at 0 API calls (no usage given): "
            "set monthly_api_calls in a usage file to include them."
        )
    unpriced = [res["address"] for res in document["resources"] if res.get("unpriced")]
    if unpriced:
        lines.append(
            f"{len(unpriced)} resource(s) not priced, or not in full (no price in the books; reasons above): "
            + ", ".join(unpriced)
        )
    lines.extend(migration.table_lines(document))
    violations = document.get("violations", [])
    failed = [v for v in violations if not v["skipped"] and v.get("severity", "error") == "error"]
    warned = [v for v in violations if not v["skipped"] and v.get("severity", "error") != "error"]
    skipped = [v for v in violations if v["skipped"]]
    if failed:
        lines.append("")
        lines.append(f"{len(failed)} check(s) failed:")
        lines.extend(f"  FAIL [{v['rule']}] {said(v, document)}" for v in failed)
    if warned:
        lines.append("")
        lines.extend(f"  WARN [{v['rule']}] {said(v, document)}" for v in warned)
    if skipped:
        lines.append("")
        lines.extend(f"  SKIPPED [{v['rule']}] {v['message']} (reason: {v['skip_reason']})" for v in skipped)
    return "\n".join(lines) + "\n"


def _signed(amount: Decimal) -> str:
    return ("+" if amount > 0 else "") + fmt_money(amount)
