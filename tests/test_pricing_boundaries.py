"""Exact amounts at every boundary a price rule has (just under, at, just over), in both key books and the
instance book, through the engine with precise inputs. Each test names the rule it holds in place."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kms_infracost import model
from kms_infracost.pricing.book import PriceBook, load_book
from kms_infracost.pricing.engine import Estimate, estimate
from tests.pricing_inputs import instance, key, price, said, secret, version

D = Decimal
FREE = "Free API calls (20,000 per month, account-wide)"
TIER = "Advanced HSM key versions beyond 2,000 (account-wide tier)"


def items(result: Estimate, projected: bool = False) -> list[tuple[str, str, Decimal, Decimal, str]]:
    chosen = result.projected_account_items if projected else result.account_items
    return [(a.name, a.unit, a.quantity, a.unit_price, a.note) for a in chosen]


def components(priced: object) -> list[tuple[str, str, Decimal, Decimal, str | None]]:
    return [(c.name, c.unit, c.quantity, c.unit_price, c.usage_source) for c in priced.components]  # type: ignore[attr-defined]


# -- China site: one free quota of 20,000 calls a month for the whole account -----------------------------


@pytest.mark.parametrize(
    ("calls", "free", "total"),
    [
        (19_999, D("1.9999"), D("6.0")),  # under the quota: every call free
        (20_000, D("2"), D("6.0")),  # at the quota
        (20_001, D("2"), D("6.00006")),  # one call over: 0.6 / 10,000
    ],
)
def test_china_free_quota_just_under_at_and_just_over(calls: int, free: Decimal, total: Decimal) -> None:
    result = price([key(region="cn-hangzhou")], "kms-cn-2019", {"alicloud_kms_key.k": {"monthly_api_calls": calls}})
    assert items(result) == [(FREE, "10k calls", free, D("-0.6"), "")]
    assert result.total_monthly_cost == total


def test_china_free_quota_is_shared_between_keys_not_given_to_each() -> None:
    keys = [key(f"alicloud_kms_key.k{i}", region="cn-hangzhou") for i in range(3)]
    calls = {"alicloud_kms_key.k0": {"monthly_api_calls": 15_000}, "alicloud_kms_key.k1": {"monthly_api_calls": 15_000}}
    result = price(keys, "kms-cn-2019", calls)
    # 15,000 of k0's calls and the remaining 5,000 of k1's are free; k1's other 10,000 are paid
    assert items(result) == [(FREE, "10k calls", D("1.5"), D("-0.6"), ""), (FREE, "10k calls", D("0.5"), D("-0.6"), "")]
    assert result.total_monthly_cost == D("18.6")  # 3 x 6.0 hosting + 3 x 0.6 calls - 2 x 0.6 free


def test_china_free_quota_goes_to_the_cheapest_calls_first() -> None:
    keys = [key("alicloud_kms_key.fin", region="cn-shanghai-finance-1"), key("alicloud_kms_key.pub", region="cn-hangzhou")]
    calls = {"alicloud_kms_key.fin": {"monthly_api_calls": 30_000}, "alicloud_kms_key.pub": {"monthly_api_calls": 10_000}}
    result = price(keys, "kms-cn-2019", calls)
    assert items(result) == [(FREE, "10k calls", D(1), D("-0.6"), ""), (FREE, "10k calls", D(1), D("-1.14"), "")]
    # hosting 11.4 + 6.0, calls 3 x 1.14 + 0.6, free 0.6 + 1.14
    assert result.total_monthly_cost == D("19.68")


def test_china_free_quota_with_no_calls_is_a_zero_line_that_says_so() -> None:
    result = price([key(region="cn-hangzhou")], "kms-cn-2019")
    assert items(result) == [(FREE, "10k calls", D(0), D(0), "no API calls priced")]
    assert result.total_monthly_cost == D("6.0")


def test_international_book_has_no_free_quota_and_no_account_items() -> None:
    result = price([key()], usage={"alicloud_kms_key.k": {"monthly_api_calls": 20_000}})
    assert items(result) == []
    assert result.total_monthly_cost == D("0.06") + D("0.06")  # hosting 0.002 x 30, calls 2 x 0.03


# -- kms1-intl: advanced HSM versions beyond 2,000 cost 0.033 instead of 0.083 ------------------------------


@pytest.mark.parametrize(
    ("versions", "tier", "total"),
    [
        (1_999, [], D("4977.510")),
        (2_000, [], D("4980.000")),
        (2_001, [(TIER, "version-day", D(30), D("-0.050"), "1 of 2001 versions at 0.033 instead of 0.083")], D("4980.990")),
    ],
)
def test_advanced_hsm_tier_just_under_at_and_just_over_2000(versions: int, tier: list[object], total: Decimal) -> None:
    result = price([key(protection_level="HSM", key_spec="EC_P256")], usage={"alicloud_kms_key.k": {"key_versions": versions}})
    assert items(result) == tier
    assert result.total_monthly_cost == total


def test_tier_counts_versions_of_every_advanced_hsm_key_and_key_version_only() -> None:
    resources: list[model.Resource] = [
        key("alicloud_kms_key.a", protection_level="HSM", key_spec="EC_P256"),
        key("alicloud_kms_key.b", protection_level="HSM", key_spec="RSA_3072"),
        version("alicloud_kms_key_version.b1", "alicloud_kms_key.b"),
        key("alicloud_kms_key.basic", protection_level="HSM", key_spec="RSA_2048"),  # HSM basic: not in the tier
        key("alicloud_kms_key.soft", key_spec="EC_P256"),  # software advanced: not in the tier
    ]
    versions = {"key_versions": 1_000}
    usage = {a: versions for a in ("alicloud_kms_key.a", "alicloud_kms_key.b", "alicloud_kms_key.basic", "alicloud_kms_key.soft")}
    result = price(resources, usage=usage, days=31)
    assert items(result) == [(TIER, "version-day", D(31), D("-0.050"), "1 of 2001 versions at 0.033 instead of 0.083")]


def test_rotation_that_crosses_2000_versions_puts_the_tier_in_the_projected_month_only() -> None:
    result = price(
        [key(protection_level="HSM", key_spec="EC_P256", rotation_days=D(30))], usage={"alicloud_kms_key.k": {"key_versions": 1_990}}
    )
    assert items(result) == []
    assert result.total_monthly_cost == D("4955.100")  # 1,990 x 30 x 0.083
    # month 12: 2,001 versions all month, one of them at the tier price
    assert items(result, projected=True) == [(TIER, "version-day", D(30), D("-0.050"), "1 of 2001 versions at 0.033 instead of 0.083")]
    assert result.projected_total_monthly_cost == D("4980.990")


def test_projected_total_includes_the_china_free_quota() -> None:
    result = price([key(region="cn-hangzhou", rotation_days=D(30))], "kms-cn-2019", {"alicloud_kms_key.k": {"monthly_api_calls": 50_000}})
    assert items(result, projected=True) == [(FREE, "10k calls", D(2), D("-0.6"), "")]
    assert result.projected_total_monthly_cost == D("7.8")  # 6.0 + 3.0 - 1.2
    assert result.total_monthly_cost == D("7.8")


# -- rotation: each rotation adds a billed version, counted per day --------------------------------------


@pytest.mark.parametrize(
    ("days", "horizon", "needed"),
    [
        (29, 1, 2),  # the month's last day (day 29) is the first rotation
        (30, 1, 1),  # the first rotation falls on day 30: next month
        (359, 12, 2),  # month 12 ends on day 359
        (360, 12, 1),
    ],
)
def test_versions_at_the_end_of_the_projected_month_fill_the_instance(days: int, horizon: int, needed: int) -> None:
    resources: list[model.Resource] = [
        instance(key_num=1),
        key(in_instance=True, instance_address="alicloud_kms_instance.i", rotation_days=D(days)),
    ]
    result = price(resources, horizon=horizon)
    assert result.resources[0].capacity == {"key_versions_needed": needed, "key_num": 1, "secrets_needed": 0, "secret_num": None}


def test_rotating_key_month_1_and_month_12_hosting_and_usage_source() -> None:
    result = price([key(protection_level="HSM", rotation_days=D(7))], usage={"alicloud_kms_key.k": {"key_versions": 2}})
    # month 1: 2 versions on days 0-6, 3 on 7-13, 4 on 14-20, 5 on 21-27, 6 on 28-29 -> 110 version-days
    assert components(result.resources[0])[0] == ("Key hosting (hsm, basic)", "version-day", D(110), D("0.033"), "test, rotated every 7 days")
    assert result.resources[0].versions == 6
    # month 12: days 330-335 have 2 + 47 versions, then 7 days each of 50, 51, 52, and 53 on days 357-359
    hosting = result.projected[0].components[0]
    assert hosting.quantity == 6 * 49 + 7 * (50 + 51 + 52) + 3 * 53 == D(1524)
    assert result.projected[0].versions == 2 + 359 // 7
    assert hosting.monthly_cost == D("50.292")


def test_rotation_without_usage_names_only_the_interval() -> None:
    result = price([key(rotation_days=D("30"))])
    assert components(result.resources[0])[0] == ("Key hosting (software, basic)", "version-day", D(30), D("0.002"), "rotated every 30 days")


def test_versions_from_usage_without_rotation_name_the_usage() -> None:
    result = price([key()], usage={"alicloud_kms_key.k": {"key_versions": 4}})
    assert components(result.resources[0])[0] == ("Key hosting (software, basic)", "version-day", D(120), D("0.002"), "test")
    assert components(price([key()]).resources[0])[0][4] is None


def test_china_book_charges_per_key_whatever_the_versions_or_rotation() -> None:
    result = price([key(region="cn-hangzhou", rotation_days=D(7))], "kms-cn-2019", {"alicloud_kms_key.k": {"key_versions": 5}})
    assert components(result.resources[0])[0] == ("Key hosting (software, basic)", "key-day", D(30), D("0.2"), None)
    assert result.resources[0].notes == ["kms-cn-2019 charges per key, not per version: versions add nothing"]
    assert result.projected_total_monthly_cost == D("6.0")
    plain = price([key(region="cn-hangzhou")], "kms-cn-2019")
    assert plain.resources[0].notes == []


def test_key_version_resource_in_the_china_book_adds_nothing() -> None:
    result = price([key(region="cn-hangzhou"), version("alicloud_kms_key_version.v", "alicloud_kms_key.k", region="cn-hangzhou")], "kms-cn-2019")
    assert result.resources[1].components == []
    assert result.resources[1].notes == ["kms-cn-2019 charges per key, not per version: no extra charge"]
    assert result.total_monthly_cost == D("6.0")


# -- API calls: per 10,000, by spec class and column -------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "region", "name", "unit_price"),
    [
        ("Aliyun_AES_256", "cn-hangzhou", "API calls (basic, mainland)", D("0.08")),
        ("EC_P256", "cn-hangzhou", "API calls (advanced, mainland)", D("0.24")),
        ("RSA_2048", "eu-central-1", "API calls (basic, outside mainland)", D("0.03")),
        ("RSA_3072", "eu-central-1", "API calls (advanced, outside mainland)", D("0.15")),
    ],
)
def test_api_calls_component_per_spec_class_and_column(spec: str, region: str, name: str, unit_price: Decimal) -> None:
    result = price([key(key_spec=spec, region=region)], usage={"alicloud_kms_key.k": {"monthly_api_calls": 25_000}})
    assert components(result.resources[0])[1] == (name, "10k calls", D("2.5"), unit_price, "test")


def test_api_calls_default_to_zero_from_the_built_in_default() -> None:
    result = price([key()])
    assert components(result.resources[0])[1] == ("API calls (basic, outside mainland)", "10k calls", D(0), D("0.03"), "built-in default")


# -- keys outside the usual path -----------------------------------------------------------------------------


def test_instance_only_spec_outside_an_instance_is_priced_as_basic_with_a_warning() -> None:
    result = price([key(key_spec="Aliyun_AES_128", protection_level="HSM")], usage={"alicloud_kms_key.k": {"monthly_api_calls": 10_000}})
    priced = result.resources[0]
    assert priced.spec_class == "basic"
    assert priced.monthly_cost == D("0.99") + D("0.03")
    assert "[KI402] alicloud_kms_key.k: Aliyun_AES_128 keys exist only inside a KMS instance; KMS 1.0 has no price, priced as basic" in said(result)


def test_unknown_spec_is_priced_as_basic_with_a_warning() -> None:
    result = price([key(key_spec="Weird_Spec", protection_level="HSM")])
    assert result.resources[0].spec_class == "basic"
    assert result.total_monthly_cost == D("0.990")
    assert "[KI402] alicloud_kms_key.k: key_spec Weird_Spec is not in price book kms1-intl; priced as basic" in said(result)


def test_service_key_marked_through_usage_is_priced_by_the_service_key_rows_free_on_the_intl_site() -> None:
    result = price([key(protection_level="HSM")], usage={"alicloud_kms_key.k": {"service_key": 1, "monthly_api_calls": 10**6}})
    assert components(result.resources[0]) == [
        ("Key hosting (service key)", "version-day", D(30), D(0), None),
        ("API calls (service key, outside mainland)", "10k calls", D(100), D(0), "test"),
    ]
    assert result.resources[0].notes == ["service key (test): priced by the service-key rows of kms1-intl"]
    assert result.resources[0].kms3_alternative is None
    assert result.warnings == []
    configured = price([key(service_key=True)])
    assert configured.resources[0].notes == ["service key (configuration): priced by the service-key rows of kms1-intl"]
    assert configured.total_monthly_cost == 0


@pytest.mark.parametrize(("calls", "total"), [(20_000, D(0)), (20_001, D("0.00006")), (50_000, D("1.8"))])
def test_china_service_key_pays_no_management_fee_but_api_calls_after_the_free_quota(calls: int, total: Decimal) -> None:
    result = price([key(region="cn-hangzhou", service_key=True)], "kms-cn-2019", {"alicloud_kms_key.k": {"monthly_api_calls": calls}})
    hosting, api = components(result.resources[0])
    assert hosting == ("Key hosting (service key)", "key-day", D(30), D(0), None)
    assert api[:2] == ("API calls (service key, public)", "10k calls") and api[3] == D("0.6")
    assert result.total_monthly_cost == total


def test_service_key_usage_of_zero_is_an_ordinary_key() -> None:
    result = price([key(protection_level="HSM")], usage={"alicloud_kms_key.k": {"service_key": 0}})
    assert result.total_monthly_cost == D("0.990")


def test_disabled_key_with_calls_pays_both_and_is_warned_without_calls_it_is_not() -> None:
    result = price([key(status="Disabled")], usage={"alicloud_kms_key.k": {"monthly_api_calls": 10_000}})
    assert result.total_monthly_cost == D("0.06") + D("0.03")
    assert said(result) == [
        "[KI404] alicloud_kms_key.k: Disabled keys still pay hosting but refuse cryptographic calls; check monthly_api_calls",
    ]
    quiet = price([key(status="Disabled", action=model.UPDATE)])
    assert quiet.warnings == []


def test_pending_deletion_key_pays_nothing_even_with_calls() -> None:
    result = price([key(status="PendingDeletion", protection_level="HSM")], usage={"alicloud_kms_key.k": {"monthly_api_calls": 10**6}})
    assert result.resources[0].components == []
    assert result.resources[0].notes == ["PendingDeletion: not charged"]


# -- the KMS 3.0 alternative shown for new KMS 1.0 keys -------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "alternative"), [(model.CREATE, D("2.70")), (model.REPLACE, D("2.70")), (model.UPDATE, None), (model.NOOP, None)]
)
def test_kms3_alternative_only_for_keys_being_created(action: str, alternative: Decimal | None) -> None:
    result = price([key(protection_level="HSM", action=action)], usage={"alicloud_kms_key.k": {"key_versions": 3}})
    assert result.resources[0].kms3_alternative == alternative  # 90 version-days x 0.03


def test_china_book_has_no_kms3_alternative() -> None:
    result = price([key(region="cn-hangzhou")], "kms-cn-2019")
    assert result.resources[0].kms3_alternative is None
    assert result.warnings == []


# -- KMS 3.0 instances and what lives in them --------------------------------------------------------------


def test_key_and_key_version_in_a_pay_as_you_go_instance_pay_per_version_day() -> None:
    resources: list[model.Resource] = [
        instance(payment_type="PayAsYouGo", key_num=2),
        key(in_instance=True, instance_address="alicloud_kms_instance.i", protection_level="HSM", key_spec="EC_P256"),
        version("alicloud_kms_key_version.v", "alicloud_kms_key.k"),
        secret(instance_address="alicloud_kms_instance.i"),
    ]
    result = price(resources, usage={"alicloud_kms_instance.i": {"peak_qps": 10}, "alicloud_kms_key.k": {"monthly_api_calls": 10**6}})
    inst, k, v, s = result.resources
    assert components(inst) == [
        ("Instance (software, pay-as-you-go)", "day", D(30), D("4.5"), None),
        ("Peak QPS (daily peak)", "QPS-day", D(300), D("0.5"), "test"),
    ]
    assert components(k) == [("Key versions in pay-as-you-go instance", "version-day", D(30), D("0.03"), None)]
    assert components(v) == [("Key versions in pay-as-you-go instance", "version-day", D(30), D("0.03"), None)]
    assert components(s) == [("Secret in pay-as-you-go instance", "secret-day", D(30), D("0.013"), None)]
    assert (k.instance_address, v.instance_address, s.instance_address) == ("alicloud_kms_instance.i",) * 3
    assert inst.capacity == {"key_versions_needed": 2, "key_num": 2, "secrets_needed": 1, "secret_num": None}
    assert result.total_monthly_cost == D("135") + D("150") + D("0.9") * 2 + D("0.39")


def test_hardware_instance_pays_the_hardware_rate() -> None:
    result = price([instance(payment_type="PayAsYouGo", product_version="5")], usage={"alicloud_kms_instance.i": {"peak_qps": 0}})
    assert components(result.resources[0])[0] == ("Instance (hardware, pay-as-you-go)", "day", D(30), D(9), None)
    assert result.total_monthly_cost == D(270)


def test_pay_as_you_go_instance_bills_versions_and_secrets_outside_the_configuration_from_usage() -> None:
    usage = {"alicloud_kms_instance.i": {"peak_qps": 1, "key_versions": 10, "secrets": 4}}
    result = price([instance(payment_type="PayAsYouGo")], usage=usage)
    assert components(result.resources[0])[2:] == [
        ("Key versions outside this configuration", "version-day", D(300), D("0.03"), "test"),
        ("Secrets outside this configuration", "secret-day", D(120), D("0.013"), "test"),
    ]
    assert result.total_monthly_cost == D(135) + D(15) + D(9) + D("1.56")


def test_subscription_instances_flat_fee_and_nothing_for_what_is_inside() -> None:
    resources: list[model.Resource] = [
        instance("alicloud_kms_instance.soft"),
        instance("alicloud_kms_instance.hard", product_version="5"),
        key(in_instance=True, instance_address="alicloud_kms_instance.soft", protection_level="HSM"),
        secret(instance_address="alicloud_kms_instance.hard"),
    ]
    result = price(resources)
    soft, hard, k, s = result.resources
    assert components(soft) == [("Instance (software, subscription)", "month", D(1), D(500), None)]
    assert components(hard) == [("Instance (hardware, subscription)", "month", D(1), D(1799), None)]
    assert (k.components, s.components) == ([], [])
    assert k.notes == ["in subscription instance alicloud_kms_instance.soft: no fee of its own"]
    assert s.notes == ["in subscription instance alicloud_kms_instance.hard: no fee of its own"]
    assert result.total_monthly_cost == D(2299)
    assert result.warnings == []


@pytest.mark.parametrize(("key_num", "spec", "noted"), [(1000, 1000, []), (1001, 1000, ["key_num"]), (1000, 1001, ["spec"])])
def test_subscription_capacity_above_the_base_is_noted_at_base_plus_one(key_num: int, spec: int, noted: list[str]) -> None:
    result = price([instance(key_num=key_num, spec=spec)])
    values = {"key_num": key_num, "spec": spec}
    assert result.resources[0].notes == [
        f"{attr} = {values[attr]} is above the base 1000 priced by kms3-intl; "
        "the extra capacity's fee is not in the book and is not included"
        for attr in noted
    ]
    assert result.total_monthly_cost == D(500)


def test_unknown_payment_type_is_priced_as_a_subscription_unknown_edition_is_not_priced() -> None:
    result = price([instance(payment_type="Prepaid", file="kms.tf", line=12)])
    assert result.resources[0].notes == ["payment_type 'Prepaid' is not known; priced as a subscription"]
    assert [(w.code, w.file, w.line) for w in result.warnings] == [("KI409", "kms.tf", 12)]
    assert result.total_monthly_cost == D(500)
    odd = price([instance(payment_type="Prepaid", product_version="9")])
    assert odd.resources[0].unpriced == [
        "product_version '9' is an edition kms3-intl has no price for (it prices 3 software, 5 hardware); not priced"
    ]
    assert (odd.resources[0].components, odd.resources[0].priced) == ([], False)


@pytest.mark.parametrize(("spec", "priced"), [(999, False), (1000, True)])
def test_subscription_spec_below_the_priced_edition_is_not_priced(spec: int, priced: bool) -> None:
    result = price([instance(spec=spec)])
    assert result.resources[0].priced is priced
    assert result.total_monthly_cost == (D(500) if priced else 0)


def test_key_and_secret_in_an_instance_outside_the_configuration() -> None:
    resources: list[model.Resource] = [
        key(in_instance=True, dkms_instance_id="kst-abc"),
        secret(dkms_instance_id="kst-abc"),
        secret("alicloud_kms_secret.nowhere"),
    ]
    result = price(resources)
    k, s, nowhere = result.resources
    text = "lives in KMS instance kst-abc, which is not in this configuration; assumed a subscription instance (keys and secrets inside add no fee)"
    assert (k.notes, s.notes) == ([text], [text])
    assert nowhere.unpriced == ["a secret outside a KMS instance (KMS 1.0 Secrets Manager) has no price in any book; not priced"]
    assert result.total_monthly_cost == 0
    unnamed = price([key(in_instance=True)])
    assert unnamed.resources[0].notes[0].startswith("lives in KMS instance an instance outside this configuration, ")


def test_instances_in_the_china_book_are_not_priced_and_their_keys_are_free() -> None:
    resources: list[model.Resource] = [
        instance(payment_type="PayAsYouGo", region="cn-hangzhou"),
        key(in_instance=True, instance_address="alicloud_kms_instance.i", region="cn-hangzhou"),
    ]
    result = price(resources, "kms-cn-2019")
    text = "KMS instances are not in price book kms-cn-2019 (CNY); not priced"
    assert result.resources[0].notes == [text]
    assert result.resources[1].notes == [text]
    assert result.total_monthly_cost == 0


# -- book lookups: columns, first matching row, and a book without a row --------------------------------------


def test_region_classes_pick_their_column_in_each_book() -> None:
    kms1, cn = load_book("kms1-intl"), load_book("kms-cn-2019")
    assert [kms1.column(c) for c in ("mainland", "international", "finance", "gov")] == ["mainland", "outside_mainland", "mainland", "mainland"]
    assert [cn.column(c) for c in ("mainland", "international", "finance", "gov")] == ["public", "public", "finance", "gov"]
    assert (kms1.column("unheard-of"), cn.column("unheard-of")) == ("mainland", "public")


def test_hosting_rows_first_match_wins() -> None:
    kms1 = load_book("kms1-intl")
    assert kms1.hosting_price("SOFTWARE", "advanced", "mainland") == D("0.002")
    assert kms1.hosting_price("HSM", "basic", "outside_mainland") == D("0.033")
    assert kms1.hosting_price("HSM", "advanced", "*") == D("0.083")
    assert kms1.hosting_price("HSM", "instance_only", "mainland") is None
    assert kms1.api_price("advanced", "outside_mainland") == D("0.15")
    assert kms1.api_price("basic", "nowhere") is None
    assert (kms1.per_version, load_book("kms-cn-2019").per_version) == (True, False)


def test_a_book_without_a_price_leaves_the_key_unpriced_with_warnings() -> None:
    kms1 = load_book("kms1-intl")
    bare = PriceBook(
        name="bare", title="t", currency="USD", source="s", effective_date="2026", hosting_unit="key version",
        api_calls_per_unit=10_000, free_api_calls_per_month=0, spec_classes=kms1.spec_classes, columns=kms1.columns,
        hosting=(), api=(),
    )  # fmt: skip
    result = estimate(
        model.Inventory(resources=[key()]),
        bare,
        usage=lambda r: model.Usage(values={"monthly_api_calls": D(10_000)}, sources={"monthly_api_calls": "test"}),
    )
    assert said(result) == [
        "[KI403] alicloud_kms_key.k: no hosting price for SOFTWARE basic keys in bare; not included",
        "[KI403] alicloud_kms_key.k: no API price for basic keys in bare; API calls not included",
    ]
    assert (result.resources[0].components, result.resources[0].priced) == ([], False)
    assert result.total_monthly_cost == 0


# -- past costs, the base side of a change ------------------------------------------------------------------


def test_update_prices_the_before_side_with_its_own_account_items() -> None:
    before = key(region="cn-hangzhou", status="Disabled")
    after = key(region="cn-hangzhou", action=model.UPDATE, before=before)
    gone = key("alicloud_kms_key.gone", region="cn-hangzhou", action=model.DELETE)
    result = price([after, gone], "kms-cn-2019", {"alicloud_kms_key.k": {"monthly_api_calls": 50_000}})
    assert result.resources[0].past_monthly_cost == D("9.0")
    assert result.resources[1].past_monthly_cost == D("6.0")
    assert result.resources[1].notes == ["deleted by this change: no cost after apply"]
    # the before side used the free quota too: 9.0 + 6.0 - 1.2
    assert result.past_account_total == D("-1.2")
    assert result.past_total_monthly_cost == D("13.8")
    assert result.total_monthly_cost == D("7.8")


def test_a_create_only_change_has_no_past_side() -> None:
    result = price([key(region="cn-hangzhou")], "kms-cn-2019")
    assert result.past_account_total is None
    assert result.resources[0].past_monthly_cost is None
    assert result.past_total_monthly_cost == 0


def test_an_unchanged_key_keeps_its_cost_as_its_past() -> None:
    result = price([key(protection_level="HSM", action=model.NOOP)])
    assert result.resources[0].past_monthly_cost == result.resources[0].monthly_cost == D("0.990")
    assert result.past_account_total == 0


# -- stated assumptions instead of guesses ----------------------------------------------------------------------


def test_pay_as_you_go_qps_is_usage_zero_without_peak_qps_whatever_the_spec() -> None:
    result = price([instance(payment_type="PayAsYouGo", spec=1000)])
    assert components(result.resources[0]) == [
        ("Instance (software, pay-as-you-go)", "day", D(30), D("4.5"), None),
        ("Peak QPS (daily peak)", "QPS-day", D(0), D("0.5"), "not given: depends on usage"),
    ]
    assert len(result.resources[0].assumptions) == 1
    assert result.total_monthly_cost == D(135)
    given = price([instance(payment_type="PayAsYouGo", spec=1000)], usage={"alicloud_kms_instance.i": {"peak_qps": 1}})
    assert (given.total_monthly_cost, given.resources[0].assumptions) == (D(150), [])


def test_key_version_without_its_key_is_an_assumed_software_basic_version() -> None:
    result = price([version("alicloud_kms_key_version.v", "alicloud_kms_key.elsewhere")])
    assert components(result.resources[0]) == [("Key hosting (software, basic)", "version-day", D(30), D("0.002"), None)]
    assert result.resources[0].assumptions == ["its key is not in this configuration; assumed an enabled software basic key outside any instance"]


def test_versions_of_a_pending_deletion_key_are_not_billed() -> None:
    result = price([key(status="PendingDeletion", protection_level="HSM"), version("alicloud_kms_key_version.v", "alicloud_kms_key.k")])
    assert [r.components for r in result.resources] == [[], []]
    assert result.resources[1].notes == ["its key is PendingDeletion: not charged"]


@pytest.mark.parametrize("region", ["cn-shanghai-finance-1", "cn-north-2-gov-1"])
def test_finance_and_gov_regions_on_the_international_site_use_the_mainland_column_as_an_assumption(region: str) -> None:
    result = price([key(region=region, key_spec="EC_P256")], usage={"alicloud_kms_key.k": {"monthly_api_calls": 10_000}})
    assert components(result.resources[0])[1][3] == D("0.24")  # advanced, mainland
    assert len(result.resources[0].assumptions) == 1
    assert "extrapolation" in result.resources[0].assumptions[0]
    public = price([key(region="cn-hangzhou")])
    assert public.resources[0].assumptions == []


# -- key versions and keys in instances, the less travelled paths ---------------------------------------------


def test_key_version_of_an_unknown_spec_key_is_noted_on_the_version() -> None:
    result = price([key(key_spec="Weird_Spec", action=model.NOOP), version("alicloud_kms_key_version.v", "alicloud_kms_key.k")])
    assert result.resources[1].notes == ["key_spec Weird_Spec is not in price book kms1-intl; priced as basic"]
    assert result.resources[1].spec_class == "basic"


def test_key_version_of_a_pending_deletion_key_warns_nobody() -> None:
    result = price([key(status="PendingDeletion"), version("alicloud_kms_key_version.v", "alicloud_kms_key.k")])
    assert result.warnings == []


def test_key_version_of_a_key_in_an_instance_outside_the_configuration_names_its_id() -> None:
    result = price([key(in_instance=True, dkms_instance_id="kst-abc", action=model.NOOP), version("alicloud_kms_key_version.v", "alicloud_kms_key.k")])
    assert result.resources[1].notes[0].startswith("lives in KMS instance kst-abc, which is not in this configuration; ")


def test_key_with_versions_from_usage_in_a_pay_as_you_go_instance_names_the_usage() -> None:
    resources: list[model.Resource] = [
        instance(payment_type="PayAsYouGo"),
        key(in_instance=True, instance_address="alicloud_kms_instance.i"),
    ]
    result = price(resources, usage={"alicloud_kms_instance.i": {"peak_qps": 0}, "alicloud_kms_key.k": {"key_versions": 3}})
    assert components(result.resources[1]) == [("Key versions in pay-as-you-go instance", "version-day", D(90), D("0.03"), "test")]


def test_key_in_a_pay_as_you_go_instance_of_an_unpriced_edition_is_not_priced() -> None:
    resources: list[model.Resource] = [
        instance(payment_type="PayAsYouGo", product_version="9"),
        key(in_instance=True, instance_address="alicloud_kms_instance.i"),
        secret(instance_address="alicloud_kms_instance.i"),
    ]
    result = price(resources)
    text = "product_version '9' is an edition kms3-intl has no price for (it prices 3 software, 5 hardware); not priced"
    assert [r.unpriced for r in result.resources] == [[text]] * 3
    assert result.total_monthly_cost == 0


# -- the books themselves ----------------------------------------------------------------------------------


def test_the_books_on_disk_and_their_cited_sources() -> None:
    from kms_infracost.pricing.book import available_books, cite, load_instance_book

    assert available_books() == ["kms-cn-2019", "kms1-intl", "kms3-intl"]
    for name in ("kms1-intl", "kms-cn-2019"):
        book = load_book(name)
        assert book.sources and all("title" in s and "publisher" in s for s in book.sources)
        assert book.source == cite(book.sources)
    instances = load_instance_book("kms3-intl")
    assert instances.sources and instances.source == cite(instances.sources)


def test_cite_writes_each_part_it_has() -> None:
    from kms_infracost.pricing.book import cite

    full = {"publisher": "P", "title": "T", "version": "1", "updated": "2025-01-02", "url": "https://x"}
    assert cite((full, {"title": "Only"})) == "P: T, document version 1, last updated 2025-01-02, https://x; Only"
    assert cite(({"title": "T", "url": "u"},)) == "T, u"
    assert cite(({"title": "T", "updated": "d"},)) == "T, last updated d"
    assert cite(()) == ""


def test_book_sources_keep_the_known_fields_as_text() -> None:
    from kms_infracost.pricing.book import _sources

    data = {"sources": [{"title": "T", "version": 20190826, "note": "dropped"}]}
    assert _sources(data) == ({"title": "T", "version": "20190826"},)
    assert _sources({}) == ()


def test_amounts_read_from_a_book_are_decimal_whatever_toml_wrote() -> None:
    from kms_infracost.pricing.book import dec, load_instance_book

    assert (dec(9), dec("0.5"), dec(D("0.030"))) == (D(9), D("0.5"), D("0.030"))
    assert all(isinstance(x, Decimal) for x in (dec(9), dec(2.5)))
    hardware = load_instance_book("kms3-intl").pay_as_you_go["hardware"]
    assert isinstance(hardware.instance_per_day, Decimal)


def test_rows_for_user_and_service_keys_are_told_apart() -> None:
    from kms_infracost.pricing.book import PriceRow

    kms1 = load_book("kms1-intl")
    rows = (PriceRow(D("0.5"), creator="user"), PriceRow(D(0), creator="service"))
    book = PriceBook(
        name="split", title="t", currency="USD", source="s", effective_date="2026", hosting_unit="key version",
        api_calls_per_unit=10_000, free_api_calls_per_month=0, spec_classes=kms1.spec_classes, columns=kms1.columns,
        hosting=rows, api=rows,
    )  # fmt: skip
    assert (PriceRow(D(1), creator="user").matches("HSM", "basic", "x"), PriceRow(D(1), creator="service").matches("HSM", "basic", "x")) == (True, False)
    assert (book.hosting_price("HSM", "basic", "x"), book.api_price("basic", "x")) == (D("0.5"), D("0.5"))
    assert (book.hosting_price("HSM", "basic", "x", "service"), book.api_price("basic", "x", "service")) == (D(0), D(0))
    usage = model.Usage(values={"monthly_api_calls": D(10_000)}, sources={"monthly_api_calls": "test"})
    user = estimate(model.Inventory(resources=[key()]), book, usage=lambda r: usage)
    assert user.total_monthly_cost == D(15) + D("0.5")
    service = estimate(model.Inventory(resources=[key(service_key=True)]), book, usage=lambda r: usage)
    assert service.total_monthly_cost == 0


def test_instances_keep_their_fee_on_the_past_side_and_in_the_projected_month() -> None:
    before = instance(key_num=1000)
    updated = instance(key_num=1000, action=model.UPDATE, before=before, spec=1000)
    result = price([updated, key(rotation_days=D(30))])
    assert result.resources[0].past_monthly_cost == D(500)
    assert result.projected[0].monthly_cost == D(500)
    assert result.projected_total_monthly_cost == D(500) + D("0.72")
