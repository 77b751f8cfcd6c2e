"""The boundaries again on real Terraform plans (fixtures/plans, made by terraform through tests/tfstub) and on
the same configuration read as HCL: the two sources must give the same money and the same verdict."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import PLANS, run_cli

D = Decimal
SOURCES = ["plan", "hcl"]


def target(case: str, source: str) -> str:
    return str(PLANS / case / "plan.json") if source == "plan" else str(PLANS / case)


def usage_file(tmp_path: Path, entries: dict[str, dict[str, int]]) -> str:
    lines = ["version: 0.1", "resource_usage:"]
    for address, values in entries.items():
        lines.append(f"  {address}:")
        lines += [f"    {k}: {v}" for k, v in values.items()]
    path = tmp_path / "usage.yml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def report(*args: str) -> dict:  # type: ignore[type-arg]
    result = run_cli("breakdown", "--format", "json", *args)
    assert result.code == 0, result.stderr
    return result.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize(
    ("app", "db", "free", "total"),
    [
        (9_999, 10_000, [D("0.9999"), D("1")], D("18")),  # 19,999 calls: all free
        (10_000, 10_000, [D("1"), D("1")], D("18")),  # 20,000: the whole quota, shared
        (10_000, 10_001, [D("1"), D("1")], D("18.00006")),  # 20,001: one call paid
    ],
)
def test_china_free_quota_across_three_real_keys(tmp_path: Path, source: str, app: int, db: int, free: list[Decimal], total: Decimal) -> None:
    calls = {"alicloud_kms_key.app": {"monthly_api_calls": app}, "alicloud_kms_key.db": {"monthly_api_calls": db}}
    doc = report("--price-book", "kms-cn-2019", target("cn_hangzhou_three_keys", source), "--usage-file", usage_file(tmp_path, calls))
    assert [a["quantity"] for a in doc["account_items"]] == free
    assert {a["unit_price"] for a in doc["account_items"]} == {D("-0.6")}
    assert doc["total_monthly_cost"] == total
    limit = str(total)
    args = ("--price-book", "kms-cn-2019", target("cn_hangzhou_three_keys", source), "--usage-file", usage_file(tmp_path, calls))
    assert run_cli("check", *args, "--max-total", limit).code == 0
    assert run_cli("check", *args, "--max-total", str(total - D("0.00001"))).code == 1


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize(
    ("versions", "tier", "total"),
    [(1_999, None, D("4977.51")), (2_000, None, D("4980")), (2_001, D("-1.5"), D("4980.99"))],
)
def test_advanced_hsm_tier_on_the_real_signing_key(tmp_path: Path, source: str, versions: int, tier: Decimal | None, total: Decimal) -> None:
    usage = usage_file(tmp_path, {"alicloud_kms_key.signing": {"key_versions": versions}})
    doc = report(target("seed_hsm_ec_p256_singapore", source), "--usage-file", usage)
    assert [a["monthly_cost"] for a in doc["account_items"]] == ([] if tier is None else [tier])
    assert doc["total_monthly_cost"] == total
    (key,) = doc["resources"]
    assert key["monthly_cost"] == versions * D("2.49")
    assert run_cli("check", target("seed_hsm_ec_p256_singapore", source), "--usage-file", usage, "--max-per-key", str(key["monthly_cost"])).code == 0
    assert run_cli("check", target("seed_hsm_ec_p256_singapore", source), "--usage-file", usage, "--max-per-key", str(key["monthly_cost"] - D("0.01"))).code == 1


@pytest.mark.parametrize("source", SOURCES)
def test_rotation_month_by_month_from_plan_and_hcl(source: str) -> None:
    # three keys rotated every 30 days and one static, software, 0.002 a version-day
    for horizon, projected in ((1, D("0.24")), (2, D("0.42")), (12, D("2.22")), (13, D("2.40"))):
        doc = report(target("rotation", source), "--horizon-months", str(horizon))
        assert (doc["total_monthly_cost"], doc["projected_total_monthly_cost"]) == (D("0.24"), projected), horizon


@pytest.mark.parametrize("source", SOURCES)
def test_subscription_instance_capacity_at_and_over_from_plan_and_hcl(source: str) -> None:
    doc = run_cli("check", "--format", "json", target("kms_instance_overflow", source)).json()
    (violation,) = doc["violations"]
    assert (violation["rule"], violation["actual"], violation["limit"], violation["severity"]) == ("instance_capacity", D(4), D(2), "warning")
    assert run_cli("check", "--format", "json", target("kms_instance_keys", source)).json()["violations"] == []
