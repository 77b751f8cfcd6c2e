"""`--format markdown`: a pull-request comment, in the spirit of Infracost's.

What a reviewer needs first comes first: the total before → after with the change, then the violations
(failed, warnings, skipped with their reasons), then a row per resource the change creates, changes or
deletes, and the full breakdown collapsed in `<details>`. GitHub rejects a comment over 65,536 characters,
so when the comment would be longer, rows are left out from the end (the breakdown's first, the failures'
last) and each cut table says how many rows it lost.
"""

from __future__ import annotations

import re
from typing import Any

from kms_infracost.records import field, record
from kms_infracost.report import figures, migration
from kms_infracost.report.table import fmt_number

#: GitHub's limit on a comment body.
GITHUB_COMMENT_LIMIT = 65_536
#: Room kept for what a commenting action adds (its hidden marker, a header).
RESERVED = 1_536

_UNSAFE = re.compile(r"[\\`*\[\]<>|~&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def text(value: str) -> str:
    """Free text (a message, a reason) shown as written: no markup from it, no broken table."""
    return _UNSAFE.sub(lambda m: "\\" + m.group(0), " ".join(value.split()))


def code(value: str) -> str:
    """An address or path as inline code; `|` still escaped, since tables split cells before code spans."""
    flat = " ".join(value.split()).replace("|", "\\|")
    fence = "``" if "`" in flat else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def length(value: str) -> int:
    """Characters as GitHub counts them (UTF-16 code units), so an emoji in a key name cannot tip it over."""
    return len(value.encode("utf-16-le")) // 2


@record
class Rows:
    """Rows that may be left out, and what to say when some are."""

    rows: list[str] = field(default_factory=list)
    what: str = "rows"


Part = str | Rows


def _location(item: dict[str, Any]) -> str:
    if not item.get("file"):
        return ""
    where = figures.posix_path(item["file"]) + (f":{item['line']}" if item.get("line") else "")
    return f" ({code(where)})"


def _violation_rows(items: list[dict[str, Any]]) -> list[str]:
    rows = []
    several = len({v.get("project") for v in items}) > 1
    for v in items:
        where = f" (project {code(v['project'])})" if several and v.get("project") else ""
        row = f"- {code(v['rule'])}: {text(v['message'])}{where}{_location(v)}"
        if v["skipped"]:
            row += f" — skipped: {text(v['skip_reason'] or '')}"
        rows.append(row)
    return rows


def _spec(res: dict[str, Any]) -> str:
    if res["type"] == "alicloud_kms_instance":
        return f"version {res.get('product_version')} {res.get('payment_type')}"
    status = res.get("status") if res.get("status") not in (None, "Enabled") else None
    return " ".join(x for x in (res.get("key_spec"), res.get("protection_level"), status) if x)


def _changed_rows(document: dict[str, Any]) -> list[str]:
    """Rows of what the change creates, changes or deletes; the instances of one block that cost the same
    are one row (`many[0..199] ×200`) with their summed amounts."""
    from kms_infracost.report.table import _collapsed

    currency = document["currency"]
    rows = []
    shown: set[str] = set()
    changed = [r for r in document["resources"] if not (r["action"] == "no-op" or r.get("change") == "unchanged")]
    for res, count in _collapsed(changed):
        inside = res.get("instance_address")
        if inside and inside in shown:
            name = f"↳ {code(res['address'])}"
        elif inside:
            name = f"{code(res['address'])} (in {code(inside)})"
        else:
            name = code(res["address"])
        if len(document.get("projects", ())) > 1:
            name = f"{code(res['project'])} {name}"
        shown.add(res["address"])
        after = "-" if res["action"] == "delete" else figures.money(res["monthly_cost"] * count, currency)
        past = res.get("past_monthly_cost")
        before = figures.money(None if past is None else past * count, currency)
        delta = figures.signed_money(res["diff_monthly_cost"] * count, currency)
        rows.append(f"| {res['action']} | {name} | {before} | {after} | {delta} |")
    return rows


def _detail_rows(document: dict[str, Any]) -> list[str]:
    from kms_infracost.report.table import _collapsed

    currency = document["currency"]
    rows = []
    diff = figures.has_past(document)  # a diff's details list what changes; the JSON report has the rest
    for res, count in _collapsed([r for r in document["resources"] if not (diff and r.get("change") == "unchanged")]):
        name = ("↳ " if res.get("instance_address") else "") + code(res["address"])
        if len(document.get("projects", ())) > 1:
            name = f"{code(res['project'])} {name}"
        monthly = figures.money(res["monthly_cost"] * count, currency)
        rows.append(f"| {name} | {res['action']} | {res.get('region') or ''} | {_spec(res)} | {monthly} |")
        each = ", each" if count > 1 else ""
        for c in res["cost_components"]:
            quantity = f"{fmt_number(c['quantity'])} {c['unit']} × {fmt_number(c['unit_price'])}"
            source = f" ({text(c['usage_source'])})" if c.get("usage_source") else ""
            rows.append(
                f"| &nbsp;&nbsp;{text(c['name'] + each)} | | | {text(quantity)}{source} | "
                f"{figures.money(c['monthly_cost'], currency)} |"
            )
        for note in res.get("notes", []):
            rows.append(f"| &nbsp;&nbsp;_{text(note)}_ | | | | |")
    for item in document.get("account_items", []):
        quantity = f"{fmt_number(item['quantity'])} {item['unit']} × {fmt_number(item['unit_price'])}"
        rows.append(f"| Account-wide: {text(item['name'])} | | | {text(quantity)} | {figures.money(item['monthly_cost'], currency)} |")
    return rows


def _project_row(project: dict[str, Any], currency: str, diff: bool) -> str:
    now = figures.money(project["total_monthly_cost"], currency)
    if not diff:
        return f"| {code(project['name'])} | {now} |"
    before = figures.money(project.get("past_total_monthly_cost"), currency)
    change = figures.signed_money(project.get("diff_total_monthly_cost", project["total_monthly_cost"]), currency)
    return f"| {code(project['name'])} | {before} | {now} | {change} |"


def _parts(document: dict[str, Any]) -> list[Part]:
    currency = document["currency"]
    book = document["price_book"]
    parts: list[Part] = [
        "## KMS cost estimate (kms-infracost)",
        "",
        f"**Monthly cost: {figures.total_change(document)}**",
        "",
        f"{figures.outcome(document).capitalize()}. Price book {code(book['name'])}: {text(book['title'])} "
        f"({book['currency']}, effective {book['effective_date']}), {document['days_per_month']}-day month"
        + (f"; compared with {text(document['base'])}." if figures.has_past(document) and document.get("base") else "."),
    ]
    sums: dict[str, Any] = {
        k: document[k] for k in ("total_monthly_cost", "past_total_monthly_cost", "diff_total_monthly_cost") if k in document
    }
    projects: list[dict[str, Any]] = document.get("projects") or [{"name": ".", **sums}]
    diff = figures.has_past(document)
    total: dict[str, Any] = {"name": "Total", **sums}
    if len(projects) > 1:  # one project: the monthly cost line above says it all
        parts += ["", "| Project | Previous | New | Diff |" if diff else "| Project | Monthly |",
                  "| :-- | --: | --: | --: |" if diff else "| :-- | --: |",
                  Rows([_project_row(p, currency, diff) for p in projects], "projects"),
                  _project_row(total, currency, diff).replace("`Total`", "**Total**")]
    parts += _chart(document, projects)
    for title, items in (
        ("failed", figures.failed(document)),
        ("warning", figures.warned(document)),
        ("skipped", figures.skipped(document)),
    ):
        if not items:
            continue
        n = len(items)
        heading = {
            "failed": f"### {n:,} check{'' if n == 1 else 's'} failed",
            "warning": f"### {n:,} warning{'' if n == 1 else 's'}",
            "skipped": f"### {n:,} skipped (accepted with a reason)",
        }[title]
        parts += ["", heading, "", Rows(_violation_rows(items), "violations")]

    changed = _changed_rows(document)
    parts += ["", "### Resources changed" if figures.has_past(document) else "### Resources", ""]
    if changed:
        parts += [
            "| Action | Resource | Before | After | Change |",
            "| :-- | :-- | --: | --: | --: |",
            Rows(changed, "resources"),
        ]
    else:
        parts.append("No KMS resource is created, changed or deleted.")
    unchanged = sum(1 for r in document["resources"] if r.get("change") == "unchanged")
    if figures.has_past(document) and unchanged:
        parts += ["", f"{unchanged:,} unchanged resource{'' if unchanged == 1 else 's'} not listed."]

    parts += migration.markdown_lines(document, text)
    details = _detail_rows(document)
    parts += [
        "",
        "<details>",
        f"<summary>Cost breakdown: {_breakdown_count(document)}</summary>",
        "",
        "| Resource | Action | Region | Spec / quantity | Monthly |",
        "| :-- | :-- | :-- | :-- | --: |",
        Rows(details, "breakdown rows"),
        "",
        f"Total: {figures.money(document['total_monthly_cost'], currency)} a month.",
    ]
    parts += ["", "</details>"]
    warnings = migration.without_its_warning(document, document.get("warnings", []))  # the block above says it
    if warnings:  # assumptions the estimate rests on, one line per kind with its count
        from kms_infracost.warning_codes import line

        places = sum(w["count"] for w in warnings)
        parts += [
            "",
            "<details>",
            f"<summary>Assumptions and unpriced items: {len(warnings):,} kind{'' if len(warnings) == 1 else 's'}, "
            f"{places:,} place{'' if places == 1 else 's'}</summary>",
            "",
            Rows([f"- {text(line(w, 10**6))}" for w in warnings], "kinds of assumption"),
            "",
            "</details>",
        ]
    return parts


def _breakdown_count(document: dict[str, Any]) -> str:
    n = len(document["resources"])
    text = f"{n:,} resource{'' if n == 1 else 's'}"
    unchanged = sum(1 for r in document["resources"] if r.get("change") == "unchanged")
    if figures.has_past(document) and unchanged:
        text += f", {n - unchanged:,} changed listed ({unchanged:,} unchanged in the JSON report)"
    return text


def _chart(document: dict[str, Any], projects: list[dict[str, Any]]) -> list[Part]:
    """A small mermaid chart where looking beats reading: the bill's growth as rotation adds versions, or
    how the cost splits between projects."""
    currency = document["currency"]
    projected = document.get("projected_total_monthly_cost")
    now = document["total_monthly_cost"]
    if projected is not None and projected > now:
        month = document.get("horizon_months", 12)
        return [
            "", "```mermaid", "xychart-beta",
            f'    title "Monthly cost as rotation adds key versions ({currency})"',
            f'    x-axis ["month 1", "month {month}"]',
            f'    y-axis "{currency} per month"',
            f"    bar [{figures.plain_amount(now)}, {figures.plain_amount(projected)}]",
            "```",
        ]
    costly = [p for p in projects if p["total_monthly_cost"] > 0]
    if len(costly) > 1:
        slices = [f'    "{p["name"]}" : {figures.plain_amount(p["total_monthly_cost"])}' for p in costly[:12]]
        rest = sum((p["total_monthly_cost"] for p in costly[12:]), costly[0]["total_monthly_cost"] * 0)
        if len(costly) > 12:
            slices.append(f'    "{len(costly) - 12} more projects" : {figures.plain_amount(rest)}')
        return ["", "```mermaid", f"pie title Monthly cost by project ({currency})", *slices, "```"]
    return []


def _note(dropped: int, what: str) -> str:
    return (
        f"_{dropped:,} more {what} in the JSON report (--format json): a GitHub comment holds at most "
        f"{GITHUB_COMMENT_LIMIT:,} characters._"
    )


def _fit(parts: list[Part], budget: int) -> str:
    """All rows when they fit; else the first rows of each table in order, each cut table saying so."""
    def whole() -> list[str]:
        out: list[str] = []
        for part in parts:
            out.extend(part.rows if isinstance(part, Rows) else [part])
        return out

    full = "\n".join(whole()) + "\n"
    if length(full) <= budget:
        return full
    fixed = sum(length(p) + 1 for p in parts if isinstance(p, str))
    groups = [p for p in parts if isinstance(p, Rows)]
    room = budget - fixed - sum(length(_note(max(len(g.rows), 1), g.what)) + 3 for g in groups)
    # no table may take more than 40% of the room while another still wants some: with thousands of
    # failures the resources and the assumptions still show their first rows
    need = [sum(length(r) + 1 for r in g.rows) for g in groups]
    share = [0] * len(need)
    left = room
    for i in sorted(range(len(need)), key=need.__getitem__):  # small tables whole first
        share[i] = max(min(need[i], room * 2 // 5, left), 0)
        left -= share[i]
    for i, n in enumerate(need):
        extra = min(n - share[i], max(left, 0))
        share[i] += extra
        left -= extra
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        budget_left = share[groups.index(part)]
        kept = 0
        for row in part.rows:
            cost = length(row) + 1
            if cost > budget_left:
                break
            out.append(row)
            budget_left -= cost
            kept += 1
        if kept < len(part.rows):
            out += ["", _note(len(part.rows) - kept, part.what)]
    result = "\n".join(out) + "\n"
    if length(result) > budget:  # even the fixed text is too long (a huge message): cut it plainly
        note = "\n\n" + _note(1, "lines") + "\n"
        result = result[: budget - length(note) - 64] + note
        while length(result) > budget:
            result = result[:-64]
    return result


def render(document: dict[str, Any], verbose: bool = False, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    return _fit(_parts(document), limit - RESERVED)

