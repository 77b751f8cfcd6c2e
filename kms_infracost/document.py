"""The estimate as plain data: the JSON report's body, also what JSONPath rules are evaluated over.

It sits between pricing and what reads its result (policy, reports), so those read plain data and never
import the pricing package. Amounts stay Decimal here; each report decides how to write them.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kms_infracost import __version__, model
from kms_infracost.warning_codes import group

if TYPE_CHECKING:
    from kms_infracost.pricing.engine import Estimate, PricedResource

SCHEMA_VERSION = "1.0"


def _key_fields(resource: model.Resource) -> dict[str, Any]:
    if isinstance(resource, model.KmsKey):
        return {
            "key_spec": resource.key_spec,
            "protection_level": resource.protection_level,
            "status": resource.status,
            "key_usage": resource.key_usage,
            "origin": resource.origin,
            "automatic_rotation": resource.automatic_rotation,
            "rotation_interval": resource.rotation_interval,
            "rotation_days": resource.rotation_days,
            "in_instance": resource.in_instance,
        }
    if isinstance(resource, (model.KmsKeyVersion, model.KmsAlias, model.KmsCiphertext)):
        return {"key_address": resource.key_address}
    if isinstance(resource, model.KmsInstance):
        return {
            "payment_type": resource.payment_type,
            "product_version": resource.product_version,
            "spec": resource.spec,
            "key_num": resource.key_num,
            "secret_num": resource.secret_num,
        }
    return {}


def _change(priced: PricedResource) -> str:
    """added / removed / changed / unchanged, by cost and by what Terraform will do."""
    if priced.resource.action == "delete":
        return "removed"
    if priced.past_monthly_cost is None:
        return "added"
    if priced.monthly_cost != priced.past_monthly_cost or priced.resource.action in ("update", "replace"):
        return "changed"
    return "unchanged"


def resource_document(priced: PricedResource, projected: PricedResource | None = None) -> dict[str, Any]:
    r = priced.resource
    doc: dict[str, Any] = {
        "project": r.root or ".",
        "address": r.address,
        "type": r.type,
        "name": r.name,
        "module": r.module_address,
        "root": r.root,
        "action": r.action,
        "region": r.region,
        "region_source": r.region_source,
        "region_class": priced.region_class,
        "key_spec": getattr(r, "key_spec", None),
        "spec_class": priced.spec_class,
        "protection_level": getattr(r, "protection_level", None),
        "status": getattr(r, "status", None),
        "monthly_cost": priced.monthly_cost,
        "past_monthly_cost": priced.past_monthly_cost,
        "diff_monthly_cost": priced.monthly_cost - (priced.past_monthly_cost or 0),
        "change": _change(priced),
        "projected_monthly_cost": projected.monthly_cost if projected else priced.monthly_cost,
        "cost_components": [
            {
                "name": c.name,
                "unit": c.unit,
                "quantity": c.quantity,
                "unit_price": c.unit_price,
                "monthly_cost": c.monthly_cost,
                "usage_source": c.usage_source,
            }
            for c in priced.components
        ],
        "instance_address": priced.instance_address,
        "kms3_alternative_monthly_cost": priced.kms3_alternative,
        "file": r.file,
        "line": r.line,
        "tags": dict(r.tags),
        "assumptions": [*r.assumptions, *priced.assumptions],
        "notes": list(priced.notes),
        "priced": priced.priced,
        "unpriced": list(priced.unpriced),
    }
    doc.update({k: v for k, v in _key_fields(r).items() if k not in doc})
    if priced.capacity is not None:
        doc["capacity"] = dict(priced.capacity)
    return doc


def grouped(resources: list[PricedResource]) -> list[PricedResource]:
    """Each KMS instance followed by the keys, versions and secrets inside it; the rest in order."""
    return [resources[i] for i in grouped_order(resources)]


def grouped_order(resources: list[PricedResource]) -> list[int]:
    """The positions of `grouped(resources)`, so lists parallel to it (the horizon month's) follow along."""
    members: dict[tuple[str, str], list[int]] = {}
    for i, p in enumerate(resources):
        if p.instance_address:
            members.setdefault((p.resource.root, p.instance_address), []).append(i)
    instances = {p.resource.uid for p in resources if isinstance(p.resource, model.KmsInstance)}
    out: list[int] = []
    for i, p in enumerate(resources):
        if (p.resource.root, p.instance_address or "") in instances:
            continue  # placed after its instance
        out.append(i)
        out.extend(members.get(p.resource.uid, []) if p.resource.uid in instances else [])
    return out


def _modules(estimate: Estimate) -> list[dict[str, Any]]:
    """Keys and cost per module instance ("" is the root), so a rule can cap keys per module."""
    totals: dict[str, dict[str, Any]] = {}
    for priced in estimate.resources:
        r = priced.resource
        if not r.exists_after:
            continue
        entry = totals.setdefault(
            f"{r.root}:{r.module_address}" if r.root else r.module_address,
            {"root": r.root, "address": r.module_address, "keys": 0, "monthly_cost": Decimal(0)},
        )
        entry["keys"] += isinstance(r, model.KmsKey)
        entry["monthly_cost"] += priced.monthly_cost
    return [totals[k] for k in sorted(totals)]


#: pricing.migration's migration_document, imported by the first estimate's document (reports themselves
#: never import pricing; a run has priced already) and kept: a monorepo run makes hundreds of documents
_migration_document: Callable[[list[Estimate]], dict[str, object] | None] | None = None


def estimate_document(estimate: Estimate) -> dict[str, Any]:
    global _migration_document
    if _migration_document is None:
        from kms_infracost.pricing.migration import migration_document as made

        _migration_document = made
    migration_document = _migration_document

    book = estimate.book
    listed, later = estimate.resources, estimate.projected  # `later`: the horizon month's, in the same order
    resources = [
        resource_document(listed[i], later[i] if i < len(later) else None) for i in grouped_order(listed)
    ]
    has_past = estimate.base is not None or any(p.past_monthly_cost is not None for p in estimate.resources)
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool_version": __version__,
        "price_book": {
            "name": book.name,
            "title": book.title,
            "currency": book.currency,
            "effective_date": book.effective_date,
            "source": book.source,
            "sources": [dict(entry) for entry in book.sources],
        },
        "instance_price_book": None
        if estimate.instance_book is None
        else {
            "name": estimate.instance_book.name,
            "title": estimate.instance_book.title,
            "currency": estimate.instance_book.currency,
            "effective_date": estimate.instance_book.effective_date,
            "source": estimate.instance_book.source,
            "sources": [dict(entry) for entry in estimate.instance_book.sources],
        },
        "days_per_month": estimate.days_per_month,
        "currency": book.currency,
        "total_monthly_cost": estimate.total_monthly_cost,
        "horizon_months": estimate.horizon_months,
        "projected_total_monthly_cost": estimate.projected_total_monthly_cost
        if estimate.projected
        else estimate.total_monthly_cost,
        "resources": resources,
        "account_items": [
            {
                "name": a.name,
                "unit": a.unit,
                "quantity": a.quantity,
                "unit_price": a.unit_price,
                "monthly_cost": a.monthly_cost,
                "note": a.note,
            }
            for a in estimate.account_items
        ],
        "modules": _modules(estimate),
        "unpriced": [
            {"address": p.resource.address, "root": p.resource.root, "priced_in_part": p.priced, "reasons": list(p.unpriced)}
            for p in grouped(estimate.resources)
            if p.unpriced
        ],
        "migration": migration_document([estimate]),
        "violations": [],
        "warnings": group(estimate.warnings),
    }
    if has_past:
        past = estimate.past_total_monthly_cost
        doc["past_total_monthly_cost"] = past
        doc["diff_total_monthly_cost"] = estimate.total_monthly_cost - past
        doc["diff_total_percent"] = (
            ((estimate.total_monthly_cost - past) * 100 / past).quantize(Decimal("0.01")) if past else None
        )
        doc["base"] = estimate.base or "the plan's prior state"
    return doc


def plain_number(value: Any) -> int | float:
    """A Decimal as int/float; `json.dumps(default=plain_number)` writes a document without copying it."""
    if not isinstance(value, Decimal):
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return int(normal)
    return float(normal)


def plain_number_writer() -> Callable[[Any], int | float]:
    """plain_number remembering each value it wrote: a run's document repeats a few hundred amounts tens
    of thousands of times. Equal Decimals (1 and 1.0) write the same number, so the value is the key."""
    written: dict[Decimal, int | float] = {}

    def write(value: Any) -> int | float:
        try:
            return written[value]
        except KeyError:
            number = written[value] = plain_number(value)
            return number
        except TypeError:  # unhashable: not a Decimal, and plain_number says so
            return plain_number(value)

    return write


def plain_numbers(value: Any) -> Any:
    """Decimals as int/float, for JSON writers and for jsonpath-ng filters (which never match Decimal)."""
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, dict):
        return {k: plain_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_numbers(v) for v in value]
    return value


def merge_projects(parts: list[tuple[Any, dict[str, Any]]]) -> dict[str, Any]:
    """One document for a run: each project's resources, items and modules named with the project,
    a `projects[]` entry per project with its totals, and the run's totals as their sums.

    parts: (project with `name`, `path`, `kind`; that project's own document).
    """
    if not parts:
        raise ValueError("a run has at least one project")
    currencies = {doc["currency"] for _, doc in parts}
    if len(currencies) > 1:
        from kms_infracost.errors import UserError

        named = ", ".join(f"{p.name} ({doc['currency']})" for p, doc in parts)
        raise UserError(f"projects are priced in different currencies ({named}); run them separately")
    first = parts[0][1]
    doc: dict[str, Any] = {k: v for k, v in first.items() if k not in _SUMMED}
    doc["projects"] = []
    for key in ("resources", "account_items", "modules", "unpriced", "warnings"):
        doc[key] = []
    has_past = any("past_total_monthly_cost" in d for _, d in parts)
    totals = {k: Decimal(0) for k in ("total_monthly_cost", "projected_total_monthly_cost", "past_total_monthly_cost")}
    warning_index: dict[tuple[str, str], tuple[dict[str, Any], set[str], set[str]]] = {}
    for project, part in parts:
        entry: dict[str, Any] = {
            "name": project.name,
            "path": project.path,
            "kind": project.kind,
            "price_book": part["price_book"]["name"],
            "resources": len(part["resources"]),
            "total_monthly_cost": part["total_monthly_cost"],
            "projected_total_monthly_cost": part["projected_total_monthly_cost"],
        }
        if has_past:
            past = part.get("past_total_monthly_cost", part["total_monthly_cost"])
            entry["past_total_monthly_cost"] = past
            entry["diff_total_monthly_cost"] = part["total_monthly_cost"] - past
            totals["past_total_monthly_cost"] += past
        doc["projects"].append(entry)
        totals["total_monthly_cost"] += part["total_monthly_cost"]
        totals["projected_total_monthly_cost"] += part["projected_total_monthly_cost"]
        for key in ("resources", "account_items", "modules", "unpriced"):
            doc[key].extend({"project": project.name, **item} for item in part.get(key, []))
        for entry in part["warnings"]:
            _add_warning(doc["warnings"], warning_index, entry, project.name)
    doc["total_monthly_cost"] = totals["total_monthly_cost"]
    doc["projected_total_monthly_cost"] = totals["projected_total_monthly_cost"]
    if has_past:
        past = totals["past_total_monthly_cost"]
        doc["past_total_monthly_cost"] = past
        doc["diff_total_monthly_cost"] = doc["total_monthly_cost"] - past
        doc["diff_total_percent"] = (
            ((doc["total_monthly_cost"] - past) * 100 / past).quantize(Decimal("0.01")) if past else None
        )
        doc["base"] = next((d["base"] for _, d in parts if "base" in d), "the plan's prior state")
    doc["violations"] = []
    return doc


def _add_warning(
    entries: list[dict[str, Any]],
    index: dict[tuple[str, str], tuple[dict[str, Any], set[str], set[str]]],
    entry: dict[str, Any],
    project: str,
) -> None:
    """One entry per kind of warning across projects: counts add up, each lists the projects it concerns.

    `index` finds the entry of a kind and the addresses and locations it lists already, so merging many
    projects' warnings costs time in proportion to their number (a list lookup each would not)."""
    found = index.get((entry["code"], entry["message"]))
    if found is not None:
        known, addresses, locations = found
        known["count"] += entry["count"]
        for address in entry["addresses"]:
            if address not in addresses:
                addresses.add(address)
                known["addresses"].append(address)
        for location in entry["locations"]:
            if location not in locations:
                locations.add(location)
                known["locations"].append(location)
        known["projects"].append(project)
        return
    new = {**entry, "addresses": list(entry["addresses"]), "locations": list(entry["locations"]), "projects": [project]}
    entries.append(new)
    index[(entry["code"], entry["message"])] = (new, set(new["addresses"]), set(new["locations"]))


#: what a run's document sums over its projects instead of taking from the first
_SUMMED = frozenset({
    "total_monthly_cost", "projected_total_monthly_cost", "past_total_monthly_cost", "diff_total_monthly_cost",
    "diff_total_percent", "base", "resources", "account_items", "modules", "unpriced", "warnings", "violations",
})
