"""The KMS 3.0 migration summary: one short block per report, read from the JSON report's `migration` section.

The table and the markdown comment show the same words; each decides only how to mark them up.
"""

from __future__ import annotations

from typing import Any

from kms_infracost.money import money


def _keys(n: int) -> str:
    return f"{n:,} key{'' if n == 1 else 's'}"


def _break_even(section: dict[str, Any]) -> str | None:
    entries = section.get("break_even") or []
    if not entries:
        return None
    parts = []
    for entry in entries:
        if entry["keys"] is None:
            parts.append(f"{entry['kind']}: pay-as-you-go at any key count")
        else:
            parts.append(f"{entry['kind']}: subscription from {_keys(entry['keys'])}")
    qps = entries[0]["peak_qps"]
    return f"break-even at {qps:,} QPS, one version per key: " + "; ".join(parts)


def summary(document: dict[str, Any]) -> tuple[str, list[str]] | None:
    """(heading, item lines) of the run's migration section; None when the report has no KMS 1.0 key."""
    section = document.get("migration")
    if not section:
        return None
    currency = section["currency"]
    hsm = f" ({section['hsm_keys']:,} HSM)" if section["hsm_keys"] else ""
    on = f" on {section['end_of_service']}" if section.get("end_of_service") else ""
    heading = (
        f"KMS 1.0 reached end of service{on}: {_keys(section['kms1_keys'])} outside a KMS instance{hsm}, "
        f"{money(section['kms1_monthly_cost'], currency)} a month today."
    )
    if not section["priced"]:
        return heading, [section["not_priced_reason"]]
    horizon = section.get("horizon_months")
    items = []
    for option in sorted(section["options"], key=lambda o: o["monthly_cost"]):
        line = f"{option['name']}: {money(option['monthly_cost'], currency)} a month"
        if option["projected_monthly_cost"] != option["monthly_cost"]:
            line += f" ({money(option['projected_monthly_cost'], currency)} in month {horizon})"
        count = sum(i["count"] for i in option["instances"])
        if count > 1:
            line += f", {count} instances"
        if option["name"] == section["cheapest"]:
            line += " (cheapest)"
        items.append(line)
    if section.get("projected_cheapest") and section["projected_cheapest"] != section["cheapest"]:
        items.append(
            f"by month {horizon} rotation makes {section['projected_cheapest']} the cheapest: "
            f"{money(section['projected_cheapest_monthly_cost'], currency)} a month"
        )
    even = _break_even(section)
    if even:
        items.append(even)
    return heading, items


def without_its_warning(document: dict[str, Any], warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The warnings a report showing this block needs: the KMS 1.0 summary (KI501) says what the block says."""
    if summary(document) is None:
        return warnings
    return [w for w in warnings if w["code"] != "KI501"]


def table_lines(document: dict[str, Any]) -> list[str]:
    found = summary(document)
    if found is None:
        return []
    heading, items = found
    return ["", heading, *(f"  {item}" for item in items)]


def markdown_lines(document: dict[str, Any], escape: Any) -> list[str]:
    """`escape` makes free text safe in markdown (the markdown report's own function)."""
    found = summary(document)
    if found is None:
        return []
    heading, items = found
    return ["", "### KMS 3.0 migration", "", escape(heading), "", *(f"- {escape(item)}" for item in items)]
