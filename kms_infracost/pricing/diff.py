"""Compare an estimate with one of a base (an older plan, or the code at a git ref), resource by address."""

from __future__ import annotations

import dataclasses

from kms_infracost import model
from kms_infracost.pricing.engine import ZERO, Estimate, PricedResource


def compare(current: Estimate, base: Estimate, label: str) -> Estimate:
    """`current` with past costs taken from `base`; resources only in the base appear as removed."""
    before = {p.resource.uid: p for p in base.resources if p.resource.exists_after}
    resources: list[PricedResource] = []
    for priced in current.resources:
        old = before.pop(priced.resource.uid, None)
        priced.past_monthly_cost = old.monthly_cost if old is not None else None
        resources.append(priced)
    projected = list(current.projected)
    for old in before.values():  # in the base, gone now
        gone = dataclasses.replace(old.resource, action=model.DELETE)
        removed = PricedResource(
            resource=gone,
            region_class=old.region_class,
            spec_class=old.spec_class,
            notes=["not in the new configuration: removed"],
            past_monthly_cost=old.monthly_cost,
            instance_address=old.instance_address,
        )
        resources.append(removed)
        projected.append(dataclasses.replace(removed, components=[]))
    return dataclasses.replace(
        current,
        resources=resources,
        projected=projected,
        past_account_total=sum((a.monthly_cost for a in base.account_items), ZERO),
        base=label,
        warnings=list(current.warnings),  # the base's own warnings were seen when it was the change
    )
