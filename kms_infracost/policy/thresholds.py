"""Cost thresholds: a total for the whole change, and a cap on any one priced resource."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from kms_infracost import model
from kms_infracost.money import money
from kms_infracost.policy.violation import Violation

if TYPE_CHECKING:  # the estimate is read, never built, here: policy does not import pricing
    from kms_infracost.pricing.engine import Estimate


def check_thresholds(estimate: Estimate, thresholds: dict[str, Decimal]) -> list[Violation]:
    currency = estimate.book.currency
    found: list[Violation] = []
    limit = thresholds.get("monthly_per_key")
    if limit is not None:
        for priced in estimate.resources:
            if not isinstance(priced.resource, (model.KmsKey, model.KmsKeyVersion)):
                continue  # an instance's fee is a platform cost, capped by monthly_total, not per key
            cost = priced.monthly_cost
            if cost > limit:
                r = priced.resource
                found.append(
                    Violation(
                        rule="monthly_per_key",
                        address=r.address,
                        message=(
                            f"{r.address} costs {money(cost, currency)} a month, "
                            f"over the per-key limit of {money(limit, currency)}"
                        ),
                        actual=cost,
                        limit=limit,
                        file=r.file,
                        line=r.line,
                    )
                )
    limit = thresholds.get("projected_monthly_total")
    if limit is not None:
        projected = estimate.projected_total_monthly_cost
        if projected > limit:
            found.append(
                Violation(
                    rule="projected_monthly_total",
                    message=(
                        f"projected KMS cost in month {estimate.horizon_months} is {money(projected, currency)}, "
                        f"over the limit of {money(limit, currency)} (rotation adds billed key versions)"
                    ),
                    actual=projected,
                    limit=limit,
                )
            )
    limit = thresholds.get("monthly_total")
    if limit is not None:
        total = estimate.total_monthly_cost
        if total > limit:
            found.append(
                Violation(
                    rule="monthly_total",
                    message=(
                        f"total KMS cost {money(total, currency)} a month is over the limit of "
                        f"{money(limit, currency)}"
                    ),
                    actual=total,
                    limit=limit,
                )
            )
    return found


def check_instance_capacity(estimate: Estimate) -> list[Violation]:
    """A configuration that needs more key versions or secrets than its KMS instance holds."""
    found: list[Violation] = []
    for priced in estimate.resources:
        capacity = priced.capacity
        if not capacity:
            continue
        r = priced.resource
        for needed_key, limit_key, what in (
            ("key_versions_needed", "key_num", "key versions"),
            ("secrets_needed", "secret_num", "secrets"),
        ):
            needed, limit = capacity.get(needed_key), capacity.get(limit_key)
            if needed is not None and limit is not None and needed > limit:
                found.append(
                    Violation(
                        rule="instance_capacity",
                        address=r.address,
                        message=(
                            f"{r.address} holds {limit} {what} ({limit_key}) but this configuration puts "
                            f"{needed} in it; raise {limit_key} or move some to another instance"
                        ),
                        actual=Decimal(needed),
                        limit=Decimal(limit),
                        severity="warning",
                        file=r.file,
                        line=r.line,
                    )
                )
    return found


def check_increase(estimate: Estimate, thresholds: dict[str, Decimal]) -> list[Violation]:
    """Limits on the change against the base: absolute, and percent of the base total."""
    if estimate.base is None and all(p.past_monthly_cost is None for p in estimate.resources):
        return []
    currency = estimate.book.currency
    past = estimate.past_total_monthly_cost
    increase = estimate.total_monthly_cost - past
    found: list[Violation] = []
    limit = thresholds.get("monthly_increase")
    if limit is not None and increase > limit:
        found.append(
            Violation(
                rule="monthly_increase",
                message=(
                    f"this change raises the KMS cost by {money(increase, currency)} a month "
                    f"({money(past, currency)} -> {money(estimate.total_monthly_cost, currency)}), "
                    f"over the limit of {money(limit, currency)}"
                ),
                actual=increase,
                limit=limit,
            )
        )
    limit = thresholds.get("monthly_increase_percent")
    if limit is not None and increase > 0:
        if past == 0:
            percent_text = "from nothing"
            over = True
            actual = None
        else:
            actual = (increase * 100 / past).quantize(Decimal("0.01"))
            percent_text = f"by {actual}%"
            over = actual > limit
        if over:
            found.append(
                Violation(
                    rule="monthly_increase_percent",
                    message=(
                        f"this change raises the KMS cost {percent_text} "
                        f"({money(past, currency)} -> {money(estimate.total_monthly_cost, currency)}), "
                        f"over the limit of {limit}%"
                    ),
                    actual=actual,
                    limit=limit,
                )
            )
    return found
