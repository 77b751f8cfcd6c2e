"""The plan source on plans real terraform made (fixtures/plans), through the CLI, with exact amounts."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kms_infracost.sources.plan import load_plan
from tests.conftest import USAGE, plan, run_cli

D = Decimal


def breakdown_json(*args: str, env: dict[str, str] | None = None) -> dict:  # type: ignore[type-arg]
    result = run_cli("breakdown", "--format", "json", *args, env=env)
    assert result.code == 0, result.stderr
    return result.json()  # type: ignore[no-any-return]


def by_address(report: dict) -> dict:  # type: ignore[type-arg]
    return {r["address"]: r for r in report["resources"]}


def test_seed_example_1_from_a_real_plan() -> None:
    report = breakdown_json(plan("seed_hsm_basic_singapore"), "--usage-file", str(USAGE / "seed1-disk-encryption.yml"))
    (key,) = report["resources"]
    hosting, api = key["cost_components"]
    assert (key["region"], key["region_class"], key["protection_level"], key["spec_class"]) == (
        "ap-southeast-1", "international", "HSM", "basic")
    assert hosting["monthly_cost"] == D("0.99")
    assert api["monthly_cost"] == D("0.00225")
    assert api["usage_source"].startswith("usage file ")
    assert report["total_monthly_cost"] == D("0.99225")


def test_seed_example_2_from_a_real_plan() -> None:
    report = breakdown_json(plan("seed_hsm_basic_singapore"), "--usage-file", str(USAGE / "seed2-oss-client-side.yml"))
    hosting, api = report["resources"][0]["cost_components"]
    assert (hosting["monthly_cost"], api["monthly_cost"]) == (D("0.99"), D("6.03"))
    assert report["total_monthly_cost"] == D("7.02")


def test_seed_example_3_from_a_real_plan() -> None:
    report = breakdown_json(plan("seed_hsm_ec_p256_singapore"), "--usage-file", str(USAGE / "seed3-signing.yml"))
    key = report["resources"][0]
    assert (key["key_spec"], key["spec_class"]) == ("EC_P256", "advanced")
    assert [c["monthly_cost"] for c in key["cost_components"]] == [D("2.49"), D("1.5")]
    assert report["total_monthly_cost"] == D("3.99")


def test_china_site_three_keys_in_hangzhou() -> None:
    report = breakdown_json(
        plan("cn_hangzhou_three_keys"), "--price-book", "kms-cn-2019", "--usage-file", str(USAGE / "china-three-keys.yml")
    )
    assert report["currency"] == "CNY"
    assert [r["monthly_cost"] for r in report["resources"]] == [D("9"), D("6"), D("6")]
    (free,) = report["account_items"]
    assert free["monthly_cost"] == D("-1.2")
    assert report["total_monthly_cost"] == D("19.8")


def test_china_site_finance_region_uses_the_finance_column() -> None:
    report = breakdown_json(
        plan("finance_three_keys"), "--price-book", "kms-cn-2019", "--usage-file", str(USAGE / "china-three-keys.yml")
    )
    assert {r["region_class"] for r in report["resources"]} == {"finance"}
    # 3 x 0.38 x 30 + (50,000 - 20,000) / 10,000 x 1.14
    assert report["total_monthly_cost"] == D("37.62")


def test_government_region_on_the_china_site() -> None:
    report = breakdown_json(plan("gov_region_key"), "--price-book", "kms-cn-2019")
    assert report["resources"][0]["region_class"] == "gov"
    assert report["total_monthly_cost"] == D("12")


def test_pending_deletion_is_free_and_disabled_still_pays() -> None:
    resources = by_address(breakdown_json(plan("pending_deletion")))
    assert resources["alicloud_kms_key.retired"]["status"] == "PendingDeletion"
    assert resources["alicloud_kms_key.retired"]["monthly_cost"] == 0
    assert resources["alicloud_kms_key.paused"]["status"] == "Disabled"
    assert resources["alicloud_kms_key.paused"]["monthly_cost"] == D("0.06")


def test_deleted_key_costs_nothing_after_and_keeps_its_before_side() -> None:
    report = breakdown_json(plan("delete_key"))
    resources = by_address(report)
    gone = resources["alicloud_kms_key.retire"]
    assert (gone["action"], gone["monthly_cost"], gone["past_monthly_cost"]) == ("delete", 0, D("0.99"))
    assert resources["alicloud_kms_key.keep"]["action"] == "no-op"
    assert report["past_total_monthly_cost"] == D("1.05")
    assert report["diff_total_monthly_cost"] == D("-0.99")


def test_replaced_key_is_priced_as_its_new_self() -> None:
    report = breakdown_json(plan("replace_spec"))
    (key,) = report["resources"]
    assert (key["action"], key["key_spec"], key["protection_level"]) == ("replace", "RSA_3072", "HSM")
    assert (key["monthly_cost"], key["past_monthly_cost"]) == (D("2.49"), D("0.06"))


def test_update_keeps_the_cost_of_a_disabled_key() -> None:
    resources = by_address(breakdown_json(plan("update_disable")))
    app = resources["alicloud_kms_key.app"]
    assert (app["action"], app["status"], app["monthly_cost"], app["past_monthly_cost"]) == ("update", "Disabled", D("0.06"), D("0.06"))
    assert resources["alicloud_kms_key.logs"]["action"] == "no-op"


def test_module_used_twice_with_count_for_each_and_providers_maps() -> None:
    resources = by_address(breakdown_json(plan("module_twice_providers")))
    assert sorted(resources) == [
        "module.tenant_a.alicloud_kms_key.data[0]",
        "module.tenant_a.alicloud_kms_key.data[1]",
        'module.tenant_a.alicloud_kms_key.purpose["billing"]',
        'module.tenant_a.alicloud_kms_key.purpose["reports"]',
        "module.tenant_a.module.signing.alicloud_kms_key.this",
        "module.tenant_b.alicloud_kms_key.data[0]",
        'module.tenant_b.alicloud_kms_key.purpose["search"]',
        "module.tenant_b.module.signing.alicloud_kms_key.this",
    ]
    regions = {a: r["region"] for a, r in resources.items()}
    assert {regions[a] for a in regions if a.startswith("module.tenant_a")} == {"cn-hangzhou"}
    assert {regions[a] for a in regions if a.startswith("module.tenant_b")} == {"ap-southeast-1"}
    assert resources["module.tenant_b.module.signing.alicloud_kms_key.this"]["monthly_cost"] == D("2.49")


def test_count_and_for_each_at_the_root() -> None:
    report = breakdown_json(plan("count_and_for_each"))
    resources = by_address(report)
    assert sorted(resources) == [
        'alicloud_kms_key.by_team["payments"]',
        'alicloud_kms_key.by_team["search"]',
        "alicloud_kms_key.pool[0]",
        "alicloud_kms_key.pool[1]",
        "alicloud_kms_key.pool[2]",
    ]
    assert resources['alicloud_kms_key.by_team["payments"]']["protection_level"] == "HSM"
    assert report["total_monthly_cost"] == D("1.23")


def test_provider_alias_decides_the_region() -> None:
    resources = by_address(breakdown_json(plan("provider_alias")))
    assert resources["alicloud_kms_key.abroad"]["region"] == "ap-southeast-1"
    assert resources["alicloud_kms_key.abroad"]["region_source"] == "provider alicloud.sg"
    assert resources["alicloud_kms_key.home"]["region"] == "cn-beijing"


def test_region_from_a_tfvars_variable() -> None:
    (key,) = breakdown_json(plan("tfvars_region"))["resources"]
    assert (key["region"], key["protection_level"], key["monthly_cost"]) == ("eu-central-1", "HSM", D("0.99"))


@pytest.mark.parametrize(
    ("env", "region", "source"),
    [
        ({"ALIBABA_CLOUD_REGION": "ap-southeast-1"}, "ap-southeast-1", "environment ALIBABA_CLOUD_REGION"),
        ({"ALICLOUD_REGION": "cn-shenzhen"}, "cn-shenzhen", "environment ALICLOUD_REGION"),
        ({"ALIBABA_CLOUD_REGION": "eu-west-1", "ALICLOUD_REGION": "cn-shenzhen"}, "eu-west-1", "environment ALIBABA_CLOUD_REGION"),
    ],
)
def test_region_from_the_environment_when_the_provider_names_none(env: dict[str, str], region: str, source: str) -> None:
    result = run_cli("breakdown", "--format", "json", plan("region_from_env"), env=env)
    (key,) = result.json()["resources"]
    assert (key["region"], key["region_source"], key["assumptions"]) == (region, source, [])
    assert "region assumed" not in result.stderr


def test_region_nobody_names_is_an_assumption_with_a_warning() -> None:
    result = run_cli("breakdown", "--format", "json", "--region", "cn-shanghai", plan("region_from_env"))
    (key,) = result.json()["resources"]
    assert (key["region"], key["region_source"]) == ("cn-shanghai", "default_region in config (assumed)")
    assert "region assumed cn-shanghai" in key["assumptions"][0]
    (warning,) = result.json()["warnings"][:1]
    assert (warning["code"], warning["addresses"]) == ("KI101", ["alicloud_kms_key.this"])
    assert warning["message"].startswith("region assumed cn-shanghai")
    assert "warning KI101 region assumed cn-shanghai" in result.stderr


def test_unset_optional_computed_attributes_take_provider_defaults_and_strings_are_numbers() -> None:
    inventory = load_plan(plan("string_numbers"))
    keys = {r.address: r for r in inventory.resources}
    assert keys["alicloud_kms_key.transitional"].key_spec == "Aliyun_AES_256"  # key_spec = "" is unset
    assert keys["alicloud_kms_key.legacy"].status == "Enabled"
    assert keys["alicloud_kms_key.disabled_legacy"].status == "Disabled"  # is_enabled = false
    assert inventory.warnings == []


def test_key_versions_are_billed_on_top_of_their_key() -> None:
    report = breakdown_json(plan("key_versions"))
    resources = by_address(report)
    assert resources["alicloud_kms_key_version.v2"]["key_address"] == "alicloud_kms_key.main"
    assert resources["alicloud_kms_key_version.v2"]["monthly_cost"] == D("0.06")
    assert report["total_monthly_cost"] == D("0.18")


def test_alias_and_ciphertext_cost_nothing() -> None:
    resources = by_address(breakdown_json(plan("alias")))
    assert resources["alicloud_kms_alias.app"]["monthly_cost"] == 0
    assert resources["alicloud_kms_alias.app"]["key_address"] == "alicloud_kms_key.app"


def test_type_default_and_exact_address_usage() -> None:
    report = breakdown_json(plan("cn_hangzhou_three_keys"), "--usage-file", str(USAGE / "type-default.yml"))
    api = {r["address"]: r["cost_components"][1] for r in report["resources"]}
    assert api["alicloud_kms_key.db"]["quantity"] == D("100")  # 1M calls
    assert api["alicloud_kms_key.app"]["quantity"] == D("1")
    assert "resource_type_default_usage.alicloud_kms_key" in api["alicloud_kms_key.app"]["usage_source"]
    # 0.18 hosting + 1M x 0.08/10k + 2 x 10k x 0.08/10k
    assert report["total_monthly_cost"] == D("8.34")


def test_stdin_plan() -> None:
    from click.testing import CliRunner

    from kms_infracost.cli import cli

    with open(plan("seed_hsm_basic_singapore"), "rb") as handle:
        result = CliRunner().invoke(cli, ["breakdown", "--format", "json", "-"], input=handle.read())
    assert result.exit_code == 0
    # click before 8.2 mixes stderr (the KI501 warning) into result.stdout: the report is the line that is JSON
    report = next(line for line in result.stdout.splitlines() if line.startswith("{"))
    assert json.loads(report, parse_float=Decimal)["total_monthly_cost"] == Decimal("0.99")


def test_secret_values_never_reach_the_report() -> None:
    for case in ("sensitive_values", "kms_instance_payg_hardware"):
        for fmt in ("json", "table"):
            result = run_cli("breakdown", "--format", fmt, plan(case))
            assert "MARKER-" not in result.stdout + result.stderr
