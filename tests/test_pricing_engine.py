"""The engine on model objects: exact Decimal amounts for every rule in PRICING.md."""

from __future__ import annotations

from decimal import Decimal

from kms_infracost import model
from kms_infracost.pricing.book import load_book
from kms_infracost.pricing.engine import estimate

D = Decimal


def key(address: str = "alicloud_kms_key.k", **kwargs: object) -> model.KmsKey:
    fields: dict[str, object] = {"region": "ap-southeast-1"}
    fields.update(kwargs)
    return model.KmsKey(address=address, type=model.KEY, name=address.split(".")[-1], **fields)  # type: ignore[arg-type]


def usage_of(**values: int) -> model.Usage:
    return model.Usage(values={k: D(v) for k, v in values.items()}, sources={k: "test" for k in values})


def price(resources: list[model.Resource], book: str = "kms1-intl", calls: dict[str, dict[str, int]] | None = None, days: int = 30):  # type: ignore[no-untyped-def]
    table = calls or {}
    return estimate(
        model.Inventory(resources=resources),
        load_book(book),
        days_per_month=days,
        usage=lambda r: usage_of(**table.get(r.address, {})),
    )


def test_seed_example_1_basic_hsm_key_750_calls_in_singapore() -> None:
    result = price([key(protection_level="HSM")], calls={"alicloud_kms_key.k": {"monthly_api_calls": 750}})
    hosting, api = result.resources[0].components
    assert hosting.monthly_cost == D("0.990")
    assert api.monthly_cost == D("0.00225")
    assert result.total_monthly_cost == D("0.99225")


def test_seed_example_2_two_million_decrypts() -> None:
    result = price([key(protection_level="HSM")], calls={"alicloud_kms_key.k": {"monthly_api_calls": 2_010_000}})
    assert result.resources[0].components[1].monthly_cost == D("6.03")
    assert result.total_monthly_cost == D("7.02")  # 0.99 hosting; the seed rounds hosting to 1 and prints 7.03


def test_seed_example_3_ec_p256_signing_key() -> None:
    result = price(
        [key(protection_level="HSM", key_spec="EC_P256")], calls={"alicloud_kms_key.k": {"monthly_api_calls": 100_000}}
    )
    hosting, api = result.resources[0].components
    assert (hosting.monthly_cost, api.monthly_cost, result.total_monthly_cost) == (D("2.49"), D("1.50"), D("3.99"))


def test_software_key_costs_the_same_for_any_spec_but_calls_follow_the_spec_class() -> None:
    result = price([key(key_spec="RSA_3072", region="cn-hangzhou")], calls={"alicloud_kms_key.k": {"monthly_api_calls": 10_000}})
    hosting, api = result.resources[0].components
    assert hosting.monthly_cost == D("0.06")
    assert api.unit_price == D("0.24")  # advanced, mainland


def test_pending_deletion_is_free_and_disabled_still_pays_hosting() -> None:
    result = price([key("alicloud_kms_key.gone", status="PendingDeletion"), key("alicloud_kms_key.off", status="Disabled")])
    gone, off = result.resources
    assert gone.monthly_cost == 0 and gone.components == []
    assert off.monthly_cost == D("0.06")


def test_existing_key_versions_from_usage_are_each_billed() -> None:
    result = price([key(protection_level="HSM")], calls={"alicloud_kms_key.k": {"key_versions": 3}})
    assert result.resources[0].components[0].quantity == D(90)
    assert result.total_monthly_cost == D("2.97")


def test_key_version_resource_adds_one_version_of_its_keys_class() -> None:
    version = model.KmsKeyVersion(address="alicloud_kms_key_version.v", type=model.KEY_VERSION, name="v", region="ap-southeast-1", key_address="alicloud_kms_key.k")
    result = price([key(protection_level="HSM", key_spec="RSA_3072"), version])
    assert result.resources[1].monthly_cost == D("2.49")
    assert result.total_monthly_cost == D("4.98")


def test_china_site_three_keys_with_shared_free_quota() -> None:
    keys = [key(f"alicloud_kms_key.k{i}", region="cn-hangzhou") for i in range(3)]
    result = price(keys, book="kms-cn-2019", calls={"alicloud_kms_key.k0": {"monthly_api_calls": 50_000}})
    assert [r.monthly_cost for r in result.resources] == [D("9.0"), D("6.0"), D("6.0")]
    (free,) = result.account_items
    assert free.monthly_cost == D("-1.2")
    assert result.total_monthly_cost == D("19.80")


def test_china_site_finance_column() -> None:
    keys = [key(f"alicloud_kms_key.k{i}", region="cn-shanghai-finance-1") for i in range(3)]
    result = price(keys, book="kms-cn-2019", calls={"alicloud_kms_key.k0": {"monthly_api_calls": 50_000}})
    # 3 x 0.38 x 30 + (50,000 - 20,000) / 10,000 x 1.14
    assert result.total_monthly_cost == D("37.62")


def test_china_site_government_column() -> None:
    result = price([key(region="cn-north-2-gov-1")], book="kms-cn-2019")
    assert result.total_monthly_cost == D("12.0")


def test_free_quota_never_exceeds_the_calls_made() -> None:
    result = price([key(region="cn-hangzhou")], book="kms-cn-2019", calls={"alicloud_kms_key.k": {"monthly_api_calls": 5_000}})
    assert result.account_items[0].monthly_cost == D("-0.3")
    assert result.total_monthly_cost == D("6.0")


def test_advanced_hsm_tier_beyond_2000_versions_is_an_account_item() -> None:
    keys = [key(protection_level="HSM", key_spec="EC_P256")]
    result = price(keys, calls={"alicloud_kms_key.k": {"key_versions": 2_010}})
    assert result.resources[0].monthly_cost == D("5004.900")  # 2,010 x 0.083 x 30
    (tier,) = result.account_items
    assert tier.monthly_cost == D("-15.000")  # 10 x (0.033 - 0.083) x 30
    assert result.total_monthly_cost == D("4989.900")


def test_days_per_month_changes_hosting_only() -> None:
    result = price([key(protection_level="HSM")], days=31, calls={"alicloud_kms_key.k": {"monthly_api_calls": 10_000}})
    assert result.total_monthly_cost == D("1.023") + D("0.03")


def test_key_in_a_kms_instance_has_no_kms1_fee() -> None:
    result = price([key(in_instance=True, instance_address="alicloud_kms_instance.i")])
    assert result.total_monthly_cost == 0
    assert "KMS instance alicloud_kms_instance.i" in result.resources[0].notes[0]


def test_unknown_region_is_classed_by_name_with_a_warning() -> None:
    result = price([key(region="cn-newcity")], calls={"alicloud_kms_key.k": {"monthly_api_calls": 10_000}})
    assert result.resources[0].region_class == "mainland"
    assert [(w.code, w.address) for w in result.warnings if "cn-newcity is not in the region table" in w.message] == [
        ("KI401", "alicloud_kms_key.k")
    ]


def test_deleted_key_costs_nothing_after_but_keeps_its_past_cost() -> None:
    gone = key(action=model.DELETE, protection_level="HSM")
    result = price([gone])
    assert result.resources[0].monthly_cost == 0
    assert result.resources[0].past_monthly_cost == D("0.990")
    assert result.total_monthly_cost == 0


def test_rotated_keys_priced_alike_keep_their_own_digits_in_either_order() -> None:
    """Version-days of rotated keys are worked out once per (versions, interval): 1 and 1.0 versions are
    equal numbers that the JSON report writes differently, so each keeps its own."""

    def hosting(versions: str, days: str) -> Decimal:
        priced = estimate(
            model.Inventory(resources=[key(rotation_days=D(days))]),
            load_book("kms1-intl"),
            usage=lambda r: model.Usage(values={"key_versions": D(versions)}, sources={"key_versions": "test"}),
        )
        return priced.resources[0].components[0].quantity

    for order in (("1", "1.0"), ("1.0", "1")):
        assert [str(hosting(v, "7")) for v in order] == [{"1": "80", "1.0": "80.0"}[v] for v in order]  # 7 + 14 + 21 + 28 + 2 * 5
    assert str(hosting("2", "7.5")) == str(hosting("2", "7.5")) == "104"  # 2 * 30 + 0 * 8 + 1 * 7 + 2 * 8 + 3 * 7


def test_a_resources_cost_follows_components_added_after_it_was_asked() -> None:
    from kms_infracost.pricing.engine import CostComponent

    priced = price([key(protection_level="HSM")], calls={"alicloud_kms_key.k": {"monthly_api_calls": 750}}).resources[0]
    assert priced.monthly_cost == D("0.99225")
    priced.components.append(CostComponent(name="extra", unit="month", quantity=D(2), unit_price=D("0.5")))
    assert priced.monthly_cost == D("1.99225")
    priced.components = priced.components[:1]
    assert priced.monthly_cost == D("0.990")
