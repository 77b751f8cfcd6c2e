"""What the PR- and CI-facing reports say the same way: amounts, changes, and violations by outcome.

Every format that a reviewer compares with another (markdown beside the github annotations, SARIF beside
JUnit) takes its wording from here, so one run never shows two different figures for the same thing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kms_infracost.money import money

#: money is re-exported: the reports call figures.money
__all__ = ['CHECK_TITLES', 'by_project', 'check_title', 'failed', 'has_past', 'money', 'outcome', 'percent', 'plain_amount', 'posix_path', 'said', 'signed_money', 'skipped', 'total_change', 'warned']

#: Names of the built-in checks, for formats that describe a check and not only a result of it.
CHECK_TITLES = {
    "monthly_total": "Monthly KMS total over its limit",
    "monthly_per_key": "Monthly cost of one key over its limit",
    "projected_monthly_total": "Projected monthly KMS total over its limit",
    "monthly_increase": "Monthly cost increase over its limit",
    "monthly_increase_percent": "Monthly cost increase (percent) over its limit",
    "instance_capacity": "KMS instance holds fewer keys or secrets than the configuration puts in it",
    "strict-assumption": "Estimate rests on an assumption about an unknown value (--strict)",
}




def plain_amount(amount: Decimal) -> str:
    """The exact amount as a string, no exponent and no trailing zeros: `0.06`, `500`, `-1.2`."""
    if amount == 0:
        return "0"
    return f"{amount.normalize():f}"


def signed_money(amount: Decimal, currency: str) -> str:
    return ("+" if amount > 0 else "") + money(amount, currency)


def percent(value: Decimal) -> str:
    return ("+" if value > 0 else "") + f"{value:,.2f}%"


def check_title(rule: str) -> str:
    return CHECK_TITLES.get(rule, f"Rule {rule}")


def has_past(document: dict[str, Any]) -> bool:
    return "past_total_monthly_cost" in document


def total_change(document: dict[str, Any]) -> str:
    """`1.05 USD → 0.06 USD (-0.99 USD, -94.29%)`, or the total alone when nothing is compared."""
    currency = document["currency"]
    now = money(document["total_monthly_cost"], currency)
    if not has_past(document):
        return now
    delta = signed_money(document["diff_total_monthly_cost"], currency)
    pct = document.get("diff_total_percent")
    change = f"{delta}, {percent(pct)}" if pct is not None else delta
    return f"{money(document['past_total_monthly_cost'], currency)} → {now} ({change})"


def failed(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for v in document.get("violations", []) if not v["skipped"] and v.get("severity", "error") == "error"]


def warned(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for v in document.get("violations", []) if not v["skipped"] and v.get("severity", "error") != "error"]


def skipped(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for v in document.get("violations", []) if v["skipped"]]


def outcome(document: dict[str, Any]) -> str:
    """`1 check failed, 1 warning, 0 skipped` — counted the way the exit code sees them."""
    n_failed, n_warned, n_skipped = len(failed(document)), len(warned(document)), len(skipped(document))
    return (
        f"{n_failed} check{'' if n_failed == 1 else 's'} failed, "
        f"{n_warned} warning{'' if n_warned == 1 else 's'}, {n_skipped} skipped"
    )


def posix_path(path: str) -> str:
    """Annotations and SARIF want forward slashes whatever system wrote the path."""
    return path.replace("\\", "/")


def said(violation: dict[str, Any], document: dict[str, Any]) -> str:
    """A violation's message naming its project when that helps: a run of several projects, or one root
    folder that is not the working directory (the hook runs from the repository root)."""
    project = violation.get("project")
    projects = document.get("projects") or []
    one_folder = len(projects) == 1 and projects[0].get("kind") == "hcl" and project != "."
    if project and (len(projects) > 1 or one_folder):
        return f"{violation['message']} (project {project})"
    return str(violation["message"])


def by_project(document: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(projects[] entry, the document narrowed to that project) for each project of a run.

    A document written before projects existed (no `projects`) is one project named ".".
    """
    projects = document.get("projects") or [
        {"name": ".", "path": ".", "total_monthly_cost": document["total_monthly_cost"]}
    ]
    if len(projects) == 1:
        return [(projects[0], document)]
    out = []
    for project in projects:
        name = project["name"]
        narrowed = dict(document)
        for key in ("resources", "account_items", "modules", "violations"):
            narrowed[key] = [x for x in document.get(key, []) if x.get("project", ".") == name]
        narrowed["total_monthly_cost"] = project["total_monthly_cost"]
        narrowed["projected_total_monthly_cost"] = project.get("projected_total_monthly_cost", project["total_monthly_cost"])
        if "past_total_monthly_cost" in project:
            narrowed["past_total_monthly_cost"] = project["past_total_monthly_cost"]
            narrowed["diff_total_monthly_cost"] = project["diff_total_monthly_cost"]
        narrowed["projects"] = [project]
        out.append((project, narrowed))
    return out
