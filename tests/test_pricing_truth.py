"""Pricing rules checked against the public price pages (issue 14), each on a real-terraform fixture, read
both as the plan terraform made and as the HCL it was made from.

- key versions find their key however the configuration names it; when one cannot, that is an assumption;
- pay-as-you-go QPS is usage (peak_qps), never the instance's spec;
- China site service keys pay no management fee but their API calls are charged;
- finance and government regions priced from kms1-intl's mainland column are an assumption;
- price books cite public documents;
- what no book prices is listed as unpriced with the reason.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PLANS, plan, run_cli

D = Decimal
MODES = ("plan", "hcl")


def source(case: str, mode: str) -> str:
    """The fixture as the plan terraform made (plan mode) or as its configuration folder (HCL mode)."""
    return plan(case) if mode == "plan" else str(PLANS / case)


def report(case: str, mode: str, *args: str) -> dict[str, Any]:
    result = run_cli("breakdown", "--format", "json", source(case, mode), *args)
    assert result.code == 0, result.stderr
    doc: dict[str, Any] = result.json()
    return doc


def by_address(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["address"]: r for r in doc["resources"]}


def strict_rules(case: str, mode: str, *args: str) -> tuple[int, list[tuple[str, str]]]:
    result = run_cli("check", "--strict", "--format", "json", source(case, mode), *args)
    return result.code, sorted((v["rule"], v["address"]) for v in result.json()["violations"])


# -- 2. pay-as-you-go QPS is usage -------------------------------------------------------------------------

QPS_ASSUMPTION = (
    "peak_qps not given: the QPS fee depends on usage (0.5 per QPS of the day's peak a day) and is priced at 0; "
    "set peak_qps in a usage file or annotation"
)


@pytest.mark.parametrize("mode", MODES)
def test_payg_instance_without_peak_qps_bills_no_qps_and_says_so(mode: str) -> None:
    doc = report("payg_software_no_qps", mode)
    # 4.5 x 30 for the instance + 0.03 x 30 for its key; spec = 1000 bills nothing pay-as-you-go
    assert doc["total_monthly_cost"] == D("135.9")
    instance = by_address(doc)["alicloud_kms_instance.app"]
    assert [(c["name"], c["quantity"], c["monthly_cost"], c["usage_source"]) for c in instance["cost_components"]] == [
        ("Instance (software, pay-as-you-go)", D(30), D(135), None),
        ("Peak QPS (daily peak)", D(0), D(0), "not given: depends on usage"),
    ]
    assert instance["assumptions"] == [QPS_ASSUMPTION]
    assert strict_rules("payg_software_no_qps", mode) == (1, [("strict-assumption", "alicloud_kms_instance.app")])


@pytest.mark.parametrize("mode", MODES)
def test_peak_qps_given_as_usage_is_billed_and_nothing_is_assumed(mode: str, tmp_path: Path) -> None:
    usage = tmp_path / "usage.yml"
    usage.write_text("version: 0.1\nresource_usage:\n  alicloud_kms_instance.app:\n    peak_qps: 12\n")
    doc = report("payg_software_no_qps", mode, "--usage-file", str(usage))
    assert doc["total_monthly_cost"] == D("315.9")  # 135 + 0.9 + 0.5 x 12 x 30
    assert by_address(doc)["alicloud_kms_instance.app"]["assumptions"] == []
    code, _ = strict_rules("payg_software_no_qps", mode, "--usage-file", str(usage))
    assert code == 0


@pytest.mark.parametrize("mode", MODES)
def test_usage_init_offers_peak_qps_for_the_payg_instance(mode: str, tmp_path: Path) -> None:
    target = tmp_path / "usage.yml"
    result = run_cli("usage", "init", source("payg_software_no_qps", mode), "--usage-file", str(target))
    assert result.code == 0, result.stderr
    text = target.read_text()
    assert "  'alicloud_kms_instance.app':\n    # peak_qps:" in text


# -- 3. China site service keys ----------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_china_site_service_key_pays_api_calls_but_no_management_fee(mode: str) -> None:
    doc = report("cn_service_key", mode, "--price-book", "kms-cn-2019", "--config-dir", str(PLANS / "cn_service_key"))
    keys = by_address(doc)
    service = keys["alicloud_kms_key.disks"]
    assert [(c["name"], c["quantity"], c["unit_price"], c["monthly_cost"]) for c in service["cost_components"]] == [
        ("Key hosting (service key)", D(30), D(0), D(0)),
        ("API calls (service key, public)", D(5), D("0.6"), D(3)),
    ]
    assert keys["alicloud_kms_key.app"]["monthly_cost"] == D("6.6")  # 0.2 x 30 + 0.6
    # the account's 20,000 free calls come off the total once: 6.6 + 3 - 2 x 0.6
    assert doc["total_monthly_cost"] == D("8.4")


@pytest.mark.parametrize("mode", MODES)
def test_international_site_service_key_calls_are_free(mode: str) -> None:
    doc = report("cn_service_key", mode, "--config-dir", str(PLANS / "cn_service_key"))
    service = by_address(doc)["alicloud_kms_key.disks"]
    assert [(c["name"], c["monthly_cost"]) for c in service["cost_components"]] == [
        ("Key hosting (service key)", D(0)),
        ("API calls (service key, mainland)", D(0)),
    ]
    assert service["kms3_alternative_monthly_cost"] is None
    assert doc["total_monthly_cost"] == D("0.14")  # the user key: 0.002 x 30 + 0.08


# -- 4. finance and government regions in kms1-intl --------------------------------------------------------

FINANCE = (
    "finance cloud region priced with the mainland column of kms1-intl: the KMS 1.0 billing page prices "
    "public-cloud regions only (an extrapolation)"
)
GOV = (
    "government cloud region priced with the mainland column of kms1-intl: the KMS 1.0 billing page prices "
    "public-cloud regions only (an extrapolation)"
)


@pytest.mark.parametrize("mode", MODES)
def test_finance_region_in_kms1_intl_is_an_assumption_on_each_key(mode: str) -> None:
    doc = report("finance_three_keys", mode)
    assert doc["total_monthly_cost"] == D("0.18")  # 3 x 0.002 x 30
    assert [FINANCE in r["assumptions"] for r in doc["resources"]] == [True, True, True]
    code, rules = strict_rules("finance_three_keys", mode)
    assert code == 1
    assert rules.count(("strict-assumption", "alicloud_kms_key.app")) == 1


@pytest.mark.parametrize("mode", MODES)
def test_government_region_in_kms1_intl_is_an_assumption(mode: str) -> None:
    doc = report("gov_region_key", mode)
    (key,) = doc["resources"]
    assert (key["monthly_cost"], key["assumptions"]) == (D("0.06"), [GOV])


@pytest.mark.parametrize("mode", MODES)
def test_the_china_book_prices_finance_regions_from_its_own_column(mode: str) -> None:
    doc = report("finance_three_keys", mode, "--price-book", "kms-cn-2019")
    assert doc["total_monthly_cost"] == D("34.2")  # 3 x 0.38 x 30
    assert [r["assumptions"] for r in doc["resources"]] == [[], [], []]


# -- 5. public sources -------------------------------------------------------------------------------------

def test_reports_cite_public_documents_never_seed_files() -> None:
    doc = report("payg_software_no_qps", "plan")
    keys_book, instance_book = doc["price_book"], doc["instance_price_book"]
    assert keys_book["sources"][0] == {
        "publisher": "Alibaba Cloud help",
        "title": "Key Management Service, KMS 1.0 billing",
        "updated": "2025-11-09",
        "url": "https://www.alibabacloud.com/help/en/kms/support/billing-of-kms",
        "used_for": "key hosting and API call prices, the service-key and PendingDeletion rules",
    }
    assert instance_book["effective_date"] == "2025-01-10"
    assert [(s["title"], s["updated"]) for s in instance_book["sources"]] == [
        ("Key Management Service, Billing (subscription KMS instances)", "2025-01-10"),
        ("Key Management Service, Pay-as-you-go", "2024-08-15"),
    ]
    for name in ("kms1-intl", "kms3-intl", "kms-cn-2019"):
        text = run_cli("pricing", "--price-book", name).stdout
        assert "seed" not in text and ".txt" not in text
    china = run_cli("pricing", "--price-book", "kms-cn-2019").stdout
    assert "密钥管理服务 产品定价" in china and "document version 20190826" in china


# -- 7. unpriced resources ---------------------------------------------------------------------------------

SMALL = "spec = 200 is a smaller edition than the 1000 QPS one kms3-intl prices; its fee is not in the book: not priced"
LARGE = (
    "spec = 2000 is above the base 1000 priced by kms3-intl; the extra capacity's fee is not in the book "
    "and is not included"
)


@pytest.mark.parametrize("mode", MODES)
def test_what_no_book_prices_is_listed_as_unpriced_with_the_reason(mode: str) -> None:
    doc = report("unpriced_resources", mode)
    assert doc["total_monthly_cost"] == D(500)  # only the large instance's base fee
    rows = {r["address"]: (r["priced"], r["monthly_cost"], r["unpriced"]) for r in doc["resources"]}
    assert rows == {
        "alicloud_kms_secret.legacy": (
            False, D(0),
            ["a secret outside a KMS instance (KMS 1.0 Secrets Manager) has no price in any book; not priced"],
        ),
        "alicloud_kms_value_added_service.audit": (
            False, D(0),
            ["a KMS value-added service is billed by Alibaba Cloud, but no price book here has its price; not priced"],
        ),
        "alicloud_kms_instance.small": (
            False, D(0),
            [SMALL],
        ),
        "alicloud_kms_instance.large": (
            True, D(500),
            [LARGE],
        ),
    }
    assert sorted(u["address"] for u in doc["unpriced"]) == sorted(rows)
    code, rules = strict_rules("unpriced_resources", mode)
    assert code == 1 and {rule for rule, _ in rules} == {"strict-unpriced"}


@pytest.mark.parametrize("mode", MODES)
def test_the_table_says_not_priced_instead_of_zero(mode: str) -> None:
    out = run_cli("breakdown", source("unpriced_resources", mode)).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("+ alicloud_kms_secret.legacy"))
    assert line.endswith("not priced")
    assert (
        "4 resource(s) not priced, or not in full (no price in the books; reasons above): "
        in out
    )


@pytest.mark.parametrize("mode", MODES)
def test_instances_in_the_china_book_are_unpriced(mode: str) -> None:
    doc = report("kms_instance_keys", mode, "--price-book", "kms-cn-2019")
    instance = by_address(doc)["alicloud_kms_instance.this"]
    assert (instance["priced"], instance["unpriced"]) == (
        False, ["KMS instances are not in price book kms-cn-2019 (CNY); not priced"]
    )


# -- 1. key versions find their key ------------------------------------------------------------------------

def versions(doc: dict[str, Any]) -> list[tuple[str, str | None, Decimal, list[str]]]:
    return [
        (r["address"], r["key_address"], r["monthly_cost"], r["assumptions"])
        for r in doc["resources"]
        if r["type"] == "alicloud_kms_key_version"
    ]


@pytest.mark.parametrize("mode", MODES)
def test_key_versions_find_their_key_through_for_each_over_the_keys(mode: str) -> None:
    doc = report("key_version_for_each", mode)
    # the HSM key's extra version costs what the key does; the PendingDeletion key's version nothing
    assert versions(doc) == [
        ('alicloud_kms_key_version.v["hsm"]', 'alicloud_kms_key.k["hsm"]', D("0.99"), []),
        ('alicloud_kms_key_version.v["retired"]', 'alicloud_kms_key.k["retired"]', D(0), []),
    ]
    assert doc["total_monthly_cost"] == D("1.98")
    assert strict_rules("key_version_for_each", mode)[0] == 0


@pytest.mark.parametrize("mode", MODES)
def test_key_versions_find_their_key_through_a_for_expression(mode: str) -> None:
    doc = report("key_version_for_expr", mode)
    assert versions(doc) == [
        ('alicloud_kms_key_version.v["0"]', "alicloud_kms_key.k[0]", D("2.49"), []),  # advanced HSM: 0.083 x 30
        ('alicloud_kms_key_version.v["1"]', "alicloud_kms_key.k[1]", D("0.06"), []),  # software: 0.002 x 30
    ]
    assert doc["total_monthly_cost"] == D("5.1")


@pytest.mark.parametrize("mode", MODES)
def test_key_versions_find_their_key_through_module_outputs_and_variables(mode: str) -> None:
    doc = report("key_version_module", mode)
    assert sorted(versions(doc)) == [
        ("alicloud_kms_key_version.extra", "module.m.alicloud_kms_key.this", D("0.99"), []),
        ("module.v.alicloud_kms_key_version.this", "alicloud_kms_key.signing", D("2.49"), []),
    ]
    assert doc["total_monthly_cost"] == D("6.96")


ORPHAN = "its key is not in this configuration; assumed an enabled software basic key outside any instance"


@pytest.mark.parametrize("mode", MODES)
def test_a_key_version_without_its_key_is_a_stated_assumption(mode: str) -> None:
    doc = report("key_version_orphan", mode)
    assert versions(doc) == [("alicloud_kms_key_version.outside", None, D("0.06"), [ORPHAN])]
    assert strict_rules("key_version_orphan", mode) == (1, [("strict-assumption", "alicloud_kms_key_version.outside")])


# -- 6. a plan of another provider -------------------------------------------------------------------------

OTHER = (
    "No Alibaba Cloud KMS resources found in 1 path(s): found aws_kms_alias (1), aws_kms_key (1) of another "
    "provider; kms-infracost prices Alibaba Cloud KMS (alicloud_kms_*) only; nothing priced."
)


@pytest.mark.parametrize("mode", MODES)
def test_a_configuration_of_another_provider_names_what_was_found(mode: str) -> None:
    for command in ("breakdown", "check"):
        result = run_cli(command, source("other_provider_only", mode))
        assert (result.code, result.stdout) == (0, OTHER + "\n")
    strict = run_cli("check", "--strict", source("other_provider_only", mode))
    assert (strict.code, strict.stdout) == (1, OTHER + "\n")


def test_the_json_report_of_another_providers_plan_warns_and_prices_nothing() -> None:
    result = run_cli("check", "--format", "json", plan("other_provider_only"))
    doc = result.json()
    assert (result.code, doc["total_monthly_cost"], doc["resources"]) == (0, 0, [])
    warning = doc["warnings"][-1]
    assert (warning["code"], warning["name"], warning["message"]) == (
        "KI108",
        "other-provider",
        ("found aws_kms_alias (1), aws_kms_key (1) of another provider; kms-infracost prices Alibaba Cloud KMS "
         "(alicloud_kms_*) only"),
    )


def test_the_hook_fast_path_names_another_providers_keys_too() -> None:
    from tests.conftest import run_subprocess

    result = run_subprocess("check", str(PLANS / "other_provider_only" / "main.tf"))
    assert (result.code, result.stdout) == (0, OTHER + "\n")


@pytest.mark.parametrize("mode", MODES)
def test_key_versions_find_their_key_through_for_each_over_a_module(mode: str) -> None:
    doc = report("key_version_module_for_each", mode)
    assert versions(doc) == [
        ('alicloud_kms_key_version.v["a"]', 'module.tenant["a"].alicloud_kms_key.this', D("0.99"), []),
        ('alicloud_kms_key_version.v["b"]', 'module.tenant["b"].alicloud_kms_key.this', D("0.06"), []),
    ]
    assert doc["total_monthly_cost"] == D("2.1")
