"""Compare an estimate with one of a base (an older plan, or the code at a git ref), resource by address."""

from __future__ import annotations

from kms_infracost import model, records
from kms_infracost.pricing.engine import ZERO, Estimate, PricedResource

#: attributes whose change makes terraform destroy and create the resource again (`forces replacement`)
REPLACED_BY = {
    model.KmsKey: ("protection_level", "key_spec", "key_usage", "origin"),
    model.KmsInstance: ("product_version",),
}
#: where a resource was read and what was assumed about it: not the resource itself
_NOT_COMPARED = frozenset({"file", "line", "assumptions", "before", "action", "region_source", "root"})


def change_action(now: model.Resource, old: model.Resource) -> str:
    """What terraform would do to turn `old` into `now`: replace, update or no-op."""
    if type(now) is not type(old) or now.region != old.region:
        return model.REPLACE
    if any(getattr(now, name) != getattr(old, name) for name in REPLACED_BY.get(type(now), ())):
        return model.REPLACE
    for item in records.fields(now):
        if item.name not in _NOT_COMPARED and getattr(now, item.name) != getattr(old, item.name):
            return model.UPDATE
    return model.NOOP


def compare(current: Estimate, base: Estimate, label: str) -> Estimate:
    """`current` with past costs taken from `base`, paired by (project, address); each resource labelled
    by what changes between the two (create, update, replace, no-op); those only in the base are deleted."""
    before = {p.resource.uid: p for p in base.resources if p.resource.exists_after}
    resources: list[PricedResource] = []
    for priced in current.resources:
        old = before.pop(priced.resource.uid, None)
        priced.past_monthly_cost = old.monthly_cost if old is not None else None
        if priced.resource.action != model.DELETE:
            action = model.CREATE if old is None else change_action(priced.resource, old.resource)
            priced.resource = records.replace(priced.resource, action=action)
        resources.append(priced)
    projected = list(current.projected)
    for old in before.values():  # in the base, gone now
        gone = records.replace(old.resource, action=model.DELETE)
        removed = PricedResource(
            resource=gone,
            region_class=old.region_class,
            spec_class=old.spec_class,
            notes=["not in the new configuration: removed"],
            past_monthly_cost=old.monthly_cost,
            instance_address=old.instance_address,
        )
        resources.append(removed)
        projected.append(records.replace(removed, components=[]))
    return records.replace(
        current,
        resources=resources,
        projected=projected,
        past_account_total=sum((a.monthly_cost for a in base.account_items), ZERO),
        base=label,
        warnings=list(current.warnings),  # the base's own warnings were seen when it was the change
    )
