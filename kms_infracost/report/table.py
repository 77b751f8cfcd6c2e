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
    spec = " ".join(x for x in (res.get("protection_level"), res.get("key_spec"), status) if x)
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


#: a table this short is printed whole; a longer one only with -v (the summary says what is left out)
SHORT_TABLE = 40
#: the table fits a terminal this wide; longer names are shortened in the middle
WIDTH = 80
#: how many of the most expensive rows a summary names
TOP = 5


def _where(item: dict[str, Any]) -> str:
    if item.get("file"):
        return f"{item['file']}:{item['line']}: " if item.get("line") else f"{item['file']}: "
    return ""


def violation_line(v: dict[str, Any], document: dict[str, Any]) -> str:
    """`path:line: [rule] message (project)`: what an editor or CI log turns into a link."""
    level = "" if v.get("severity", "error") == "error" else "warning: "
    return f"{_where(v)}[{v['rule']}] {level}{said(v, document)}"


def _collapsed(resources: list[dict[str, Any]]) -> list[tuple[dict[str, Any], int]]:
    """The instances of one count/for_each block that cost the same become one row: (resource, count)."""
    from kms_infracost.addresses import fold, split_index

    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    order: list[tuple[Any, ...]] = []
    for res in resources:
        base, key = split_index(res["address"])
        shape = tuple((c["name"], c["quantity"], c["unit_price"]) for c in res["cost_components"])
        ident: tuple[Any, ...] = (
            res.get("project"), base if key is not None else res["address"], key is not None, res["action"],
            res["region"], res.get("key_spec"), res.get("protection_level"), res.get("status"), res["monthly_cost"],
            res.get("past_monthly_cost"), res.get("projected_monthly_cost"), shape, tuple(res.get("notes", [])),
        )
        if ident not in groups:
            groups[ident] = []
            order.append(ident)
        groups[ident].append(res)
    out = []
    for ident in order:
        members = groups[ident]
        first = members[0]
        if len(members) > 1:
            keys = [split_index(m["address"])[1] or "" for m in members]
            first = dict(first, address=fold(split_index(first["address"])[0], keys))
        out.append((first, len(members)))
    return out


def _fit(text: str, width: int) -> str:
    """Shortened in the middle so both the start (module) and the end (name, index) stay readable."""
    if len(text) <= width:
        return text
    keep = width - 1
    return text[: keep - keep // 2] + "…" + text[len(text) - keep // 2:]


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
    groups = by_project(document)
    violations = document.get("violations", [])
    failed = [v for v in violations if not v["skipped"] and v.get("severity", "error") == "error"]
    warned = [v for v in violations if not v["skipped"] and v.get("severity", "error") != "error"]
    skipped = [v for v in violations if v["skipped"]]
    if failed or warned:  # failures first: what to fix, one line each
        lines.append("")
        lines.extend(violation_line(v, document) for v in [*failed, *warned])

    rows: list[tuple[str, str, str]] = []
    top: list[tuple[dict[str, Any], int]] = []
    for project, part in groups:
        if len(groups) > 1:
            rows.append((f"Project {project['name']}", "", ""))
        shown = [r for r in part["resources"] if not ("past_total_monthly_cost" in part and r.get("change") == "unchanged")]
        collapsed = _collapsed(shown)
        top.extend(collapsed)
        for res, count in collapsed:
            rows.extend(_rows(res, count, verbose, document.get("horizon_months", 12)))
        if part["account_items"]:
            rows.append(("Account-wide", "", ""))
            for item in part["account_items"]:
                detail = f"{fmt_number(item['quantity'])} {item['unit']} x {fmt_number(item['unit_price'])}"
                rows.append((f"    {item['name']}", detail, fmt_money(item["monthly_cost"])))
        if len(groups) > 1:
            rows.append((f"  subtotal {project['name']}", "", fmt_money(project["total_monthly_cost"])))
    if not document["resources"]:
        rows.append(("(no KMS resources found)", "", ""))
    header = ("Resource", "Region, spec / quantity", f"{currency}/mo")
    full = verbose or len(rows) <= SHORT_TABLE
    if not full:  # the most expensive rows only; -v or --format json has them all
        ranked = sorted(top, key=lambda rc: rc[0]["monthly_cost"] * rc[1], reverse=True)[:TOP]
        rows = [r for res, count in ranked for r in _rows(res, count, False, 0)[:1]]
        header = (f"Most expensive of {len(document['resources']):,}", "Region, spec", f"{currency}/mo")
    lines.append("")
    lines.extend(_table(header, rows, verbose))
    if not full:
        lines.append(f"({len(top):,} rows in the full table: -v shows it, --format json has every resource)")
    if len(groups) > 1:
        lines.extend(
            f"  {project['name']}: {fmt_money(project['total_monthly_cost'])} {currency}" for project, _ in groups
        )
    lines.append(f"TOTAL monthly cost: {fmt_money(document['total_monthly_cost'])} {currency}")
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
    lines.extend(_counts(document, skipped, verbose))
    lines.extend(migration.table_lines(document))
    if skipped and (verbose or len(skipped) <= TOP):
        lines.extend(
            f"  SKIPPED [{v['rule']}] {said(v, document)} (reason: {v['skip_reason']})" for v in skipped
        )
    if failed:
        rules = sorted({v["rule"] for v in failed})
        lines.append(f"{len(failed)} check{'' if len(failed) == 1 else 's'} failed ({', '.join(rules)}): listed at the top")
    return "\n".join(lines) + "\n"


def _rows(res: dict[str, Any], count: int, verbose: bool, horizon: int) -> list[tuple[str, str, str]]:
    """One resource (or `count` instances of one block) and its cost components, as table rows."""
    four = _resource_rows(res, verbose, horizon)
    name, region, spec, cost = four[0]
    if count > 1:
        total = fmt_money(res["monthly_cost"] * count) if res.get("priced", True) else cost
        out = [(name, f"{region} {spec}".strip(), total)]
        out += [(f"{r[0]}, each", r[2], r[3]) if not r[0].startswith("\0") else (r[0], "", "") for r in four[1:]]
        return out
    return [(name, f"{region} {spec}".strip(), cost)] + [
        (r[0], r[2], r[3]) if not r[0].startswith("\0") else (r[0], "", "") for r in four[1:]
    ]


def _table(header: tuple[str, str, str], rows: list[tuple[str, str, str]], verbose: bool = False) -> list[str]:
    """Three columns in at most WIDTH characters (-v: as wide as they need, with usage sources); notes (a
    leading NUL) are free text under their row."""
    table = [r for r in [header, *rows] if not r[0].startswith("\0")]
    money_w = max(len(r[2]) for r in table)
    name_w = max(len(r[0]) for r in table) if verbose else min(max(len(r[0]) for r in table), 44)
    detail_w = max(len(r[1]) for r in table)
    if not verbose:
        detail_w = min(detail_w, WIDTH - money_w - name_w - 4)

    def line(r: tuple[str, str, str]) -> str:
        if r[0].startswith("\0"):
            return _fit(r[0][1:], 160)
        return f"{_fit(r[0], name_w):<{name_w}}  {_fit(r[1], detail_w):<{detail_w}}  {r[2]:>{money_w}}".rstrip()

    rule = "-" * len(line(header))
    return [line(header), rule, *(line(r) for r in rows), rule]


def _counts(document: dict[str, Any], skipped: list[dict[str, Any]], verbose: bool) -> list[str]:
    """Free resources, resources without usage, unpriced ones and skipped checks, counted on one line each."""
    out = []
    resources = document["resources"]
    free = sum(1 for r in resources if r.get("priced", True) and not r["cost_components"] and r.get("action") != "delete")
    if free:
        out.append(f"{free} resource(s) cost nothing of their own (aliases, policies, keys in a subscription instance …)")
    no_usage = sum(
        1 for res in resources for c in res["cost_components"]
        if c["name"].startswith("API calls") and c.get("usage_source") == "built-in default"
    )
    if no_usage:
        out.append(
            f"{no_usage} key(s) priced at 0 API calls (no usage given): "
            "set monthly_api_calls in a usage file to include them."
        )
    unpriced = [res["address"] for res in resources if res.get("unpriced")]
    if unpriced:
        from kms_infracost.addresses import collapse

        names = collapse(unpriced)
        listed = ", ".join(names[:3]) + (f", +{len(names) - 3} more" if len(names) > 3 else "")
        out.append(f"{len(unpriced)} resource(s) not priced, or not in full (no price in the books; reasons above): {listed}")
    if skipped:
        out.append(
            f"{len(skipped)} violation(s) skipped by annotations with a reason"
            + ("" if verbose or len(skipped) <= TOP else " (-v lists them)")
        )
    return out


def _signed(amount: Decimal) -> str:
    return ("+" if amount > 0 else "") + fmt_money(amount)
