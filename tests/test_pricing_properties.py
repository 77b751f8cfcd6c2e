"""Properties of the pricing engine over generated keys (hypothesis): what must hold for any input."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kms_infracost import model
from kms_infracost.pricing.book import load_book, select_books
from kms_infracost.pricing.engine import estimate

REGIONS = ["cn-hangzhou", "ap-southeast-1", "cn-shanghai-finance-1", "cn-north-2-gov-1", "eu-central-1", "xx-new-1"]
SPECS = ["Aliyun_AES_256", "Aliyun_SM4", "RSA_2048", "RSA_3072", "EC_P256", "EC_SM2", "Aliyun_AES_128", "Weird_Spec"]

keys = st.builds(
    lambda i, region, spec, hsm, status, rotation: model.KmsKey(
        address=f"alicloud_kms_key.k{i}",
        type=model.KEY,
        name=f"k{i}",
        region=region,
        key_spec=spec,
        protection_level="HSM" if hsm else "SOFTWARE",
        status=status,
        rotation_days=Decimal(rotation) if rotation else None,
    ),
    st.integers(0, 10**6),
    st.sampled_from(REGIONS),
    st.sampled_from(SPECS),
    st.booleans(),
    st.sampled_from(["Enabled", "Disabled", "PendingDeletion"]),
    st.one_of(st.none(), st.integers(7, 730)),
)
usage_values = st.fixed_dictionaries(
    {"monthly_api_calls": st.integers(0, 10**9), "key_versions": st.integers(1, 3000)}
)
books = st.sampled_from(["kms1-intl", "kms-cn-2019"])


def unique(key_list: list[model.KmsKey]) -> list[model.KmsKey]:
    seen: dict[str, model.KmsKey] = {}
    for key in key_list:
        seen.setdefault(key.address, key)
    return list(seen.values())


def price(key_list: list[model.KmsKey], usage: dict[str, dict[str, int]], book: str, days: int = 30):  # type: ignore[no-untyped-def]
    key_book, instance_book = select_books(book)
    return estimate(
        model.Inventory(resources=list(key_list)),
        key_book,
        instance_book=instance_book,
        days_per_month=days,
        usage=lambda r: model.Usage(
            values={k: Decimal(v) for k, v in usage.get(r.address, {}).items()},
            sources={k: "test" for k in usage.get(r.address, {})},
        ),
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(keys, min_size=1, max_size=8), st.data(), books)
def test_costs_are_non_negative_exact_and_independent_of_order(key_list, data, book) -> None:  # type: ignore[no-untyped-def]
    key_list = unique(key_list)
    usage = {k.address: data.draw(usage_values) for k in key_list}
    forward = price(key_list, usage, book)
    backward = price(list(reversed(key_list)), usage, book)
    assert forward.total_monthly_cost == backward.total_monthly_cost
    for priced in forward.resources:
        assert priced.monthly_cost >= 0
        assert isinstance(priced.monthly_cost, Decimal)
        for component in priced.components:
            assert component.monthly_cost == component.quantity * component.unit_price
    assert forward.total_monthly_cost >= 0


@settings(max_examples=150, deadline=None)
@given(st.lists(keys, min_size=2, max_size=8), st.data())
def test_per_key_costs_add_up_across_keys_when_no_account_rule_applies(key_list, data) -> None:  # type: ignore[no-untyped-def]
    """kms1-intl has no free quota; below 2,000 advanced HSM versions the total is the sum of the parts."""
    key_list = unique(key_list)
    usage = {k.address: {"monthly_api_calls": data.draw(st.integers(0, 10**8))} for k in key_list}
    together = price(key_list, usage, "kms1-intl")
    apart = sum((price([k], usage, "kms1-intl").total_monthly_cost for k in key_list), Decimal(0))
    assert together.total_monthly_cost == apart


@settings(max_examples=150, deadline=None)
@given(keys, st.integers(0, 10**9), st.integers(0, 10**9), st.integers(1, 2500), st.integers(1, 2500), books)
def test_monotonic_in_calls_and_versions(key, calls_a, calls_b, versions_a, versions_b, book) -> None:  # type: ignore[no-untyped-def]
    low = {"monthly_api_calls": min(calls_a, calls_b), "key_versions": min(versions_a, versions_b)}
    high = {"monthly_api_calls": max(calls_a, calls_b), "key_versions": max(versions_a, versions_b)}
    cheap = price([key], {key.address: low}, book).total_monthly_cost
    dear = price([key], {key.address: high}, book).total_monthly_cost
    assert cheap <= dear


@settings(max_examples=100, deadline=None)
@given(keys, st.integers(1, 60))
def test_projection_never_falls_below_the_first_month(key, horizon) -> None:  # type: ignore[no-untyped-def]
    result = estimate(model.Inventory(resources=[key]), load_book("kms1-intl"), horizon_months=horizon)
    assert result.projected_total_monthly_cost >= result.total_monthly_cost


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10**12))
def test_api_cost_is_exact_to_the_call(calls) -> None:  # type: ignore[no-untyped-def]
    key = model.KmsKey(address="alicloud_kms_key.k", type=model.KEY, name="k", region="ap-southeast-1", protection_level="HSM")
    result = price([key], {key.address: {"monthly_api_calls": calls}}, "kms1-intl")
    assert result.resources[0].components[1].monthly_cost == Decimal("0.03") * Decimal(calls) / 10000
