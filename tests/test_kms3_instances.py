"""KMS 3.0: instances, keys and secrets inside them, capacity, and the KMS 1.0 end-of-service warning."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.conftest import plan, run_cli

D = Decimal


def report(*args: str) -> dict:  # type: ignore[type-arg]
    result = run_cli("breakdown", "--format", "json", *args)
    assert result.code == 0, result.stderr
    return result.json()  # type: ignore[no-any-return]


def test_software_subscription_instance_with_five_keys_costs_500_a_month() -> None:
    doc = report(plan("kms_instance_keys"))
    assert doc["total_monthly_cost"] == D("500")
    instance, *keys = doc["resources"]
    assert instance["address"] == "alicloud_kms_instance.this"
    assert [c["name"] for c in instance["cost_components"]] == ["Instance (software, subscription)"]
    assert len(keys) == 5
    assert {k["instance_address"] for k in keys} == {"alicloud_kms_instance.this"}
    assert {k["monthly_cost"] for k in keys} == {0}
    assert instance["capacity"] == {"key_versions_needed": 5, "key_num": 1000, "secrets_needed": 0, "secret_num": 0}
    assert doc["instance_price_book"]["name"] == "kms3-intl"


def test_hardware_pay_as_you_go_instance_three_keys_two_secrets_without_peak_qps() -> None:
    doc = report(plan("kms_instance_payg_hardware"))
    # 9 x 30 + 3 x 0.03 x 30 + 2 x 0.013 x 30; QPS is usage and none is given: spec 200 bills nothing
    assert doc["total_monthly_cost"] == D("273.48")
    by = {r["address"]: r for r in doc["resources"]}
    instance = by["alicloud_kms_instance.hsm"]
    assert [(c["name"], c["quantity"], c["unit_price"], c["monthly_cost"]) for c in instance["cost_components"]] == [
        ("Instance (hardware, pay-as-you-go)", D(30), D(9), D(270)),
        ("Peak QPS (daily peak)", D(0), D("0.5"), D(0)),
    ]
    assert instance["cost_components"][1]["usage_source"] == "not given: depends on usage"
    assert [a.split(":")[0] for a in instance["assumptions"]] == ["peak_qps not given"]
    assert by["alicloud_kms_key.hsm[0]"]["monthly_cost"] == D("0.9")
    secrets = [r for r in doc["resources"] if r["type"] == "alicloud_kms_secret"]
    assert [s["monthly_cost"] for s in secrets] == [D("0.39"), D("0.39")]


def test_peak_qps_from_the_usage_file(tmp_path: Path) -> None:
    usage = tmp_path / "usage.yml"
    usage.write_text("version: 0.1\nresource_usage:\n  alicloud_kms_instance.hsm:\n    peak_qps: 50\n")
    doc = report(plan("kms_instance_payg_hardware"), "--usage-file", str(usage))
    # 270 + 2.70 + 0.78 + 0.5 x 50 x 30
    assert doc["total_monthly_cost"] == D("1023.48")
    instance = next(r for r in doc["resources"] if r["address"] == "alicloud_kms_instance.hsm")
    assert instance["assumptions"] == []


def test_instance_and_its_keys_are_grouped_in_the_table() -> None:
    result = run_cli("breakdown", plan("kms_instance_payg_hardware"))
    lines = result.stdout.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("+ alicloud_kms_instance.hsm"))
    members = [ln for ln in lines[start + 1:] if ln.startswith("+ ")]
    assert all(ln.startswith("+   alicloud_kms_") for ln in members)
    assert "KMS instances: kms3-intl" in result.stdout


def test_overflowing_key_num_is_a_violation_of_its_own() -> None:
    result = run_cli("check", "--format", "json", plan("kms_instance_overflow"))
    assert result.code == 0  # a warning: the instance can be upgraded
    (violation,) = result.json()["violations"]
    assert violation["rule"] == "instance_capacity"
    assert violation["severity"] == "warning"
    assert (violation["actual"], violation["limit"]) == (D(4), D(2))
    assert "alicloud_kms_instance.small holds 2 key versions (key_num) but this configuration puts 4 in it" in violation["message"]
    assert run_cli("check", "--strict", plan("kms_instance_overflow")).code == 1


def test_new_kms1_key_is_warned_with_the_kms3_alternative() -> None:
    result = run_cli("breakdown", plan("default_software_key"))
    assert result.stderr == ""  # the table's migration block says it; once per run, never under each key
    assert result.stdout.count("end of service") == 1
    assert run_cli("breakdown", plan("default_software_key"), "--format", "sarif").stderr == (
        "warning KI501 KMS 1.0 ended service 2025-09-30: 1 key, 0.06 USD/month; cheapest KMS 3.0 option "
        "kms3-payg-software 135.90 USD/month (JSON: migration)\n"
    )
    doc = run_cli("breakdown", "--format", "json", plan("default_software_key")).json()
    assert doc["resources"][0]["kms3_alternative_monthly_cost"] == D("0.9")
    assert [(w["code"], w["count"], w["addresses"]) for w in doc["warnings"]] == [
        ("KI501", 1, ["alicloud_kms_key.default"])
    ]


def test_instances_are_not_priced_in_the_china_book() -> None:
    result = run_cli("breakdown", "--format", "json", "--price-book", "kms-cn-2019", plan("kms_instance_keys"))
    doc = result.json()
    assert doc["total_monthly_cost"] == 0
    assert doc["instance_price_book"] is None
    assert "KMS instances are not in price book kms-cn-2019 (CNY); not priced" in result.stderr


def test_naming_the_instance_book_selects_the_pair() -> None:
    doc = report(plan("kms_instance_keys"), "--price-book", "kms3-intl")
    assert (doc["price_book"]["name"], doc["instance_price_book"]["name"]) == ("kms1-intl", "kms3-intl")
    assert doc["total_monthly_cost"] == D("500")


def test_pricing_prints_both_books() -> None:
    result = run_cli("pricing", "--price-book", "kms3-intl")
    assert "  hardware  1799  (base spec: 1,000 key versions, 2,000 QPS)" in result.stdout
    assert "Price book kms1-intl" in result.stdout


def test_the_per_key_limit_applies_to_keys_not_to_the_instance_fee() -> None:
    assert run_cli("check", plan("kms_instance_keys"), "--max-per-key", "1").code == 0
    result = run_cli("check", plan("kms_instance_payg_hardware"), "--max-per-key", "0.5")
    assert result.code == 1
    assert result.stdout.count("[monthly_per_key]") == 3  # the three keys at 0.90, not the instance
