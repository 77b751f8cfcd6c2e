"""The `migration` section: KMS 1.0 keys priced as the KMS 3.0 instances that could hold them.

Every case is a real Terraform plan under fixtures/plans/migration_* (and the same .tf read by the HCL source);
the amounts are worked out by hand from kms1-intl and kms3-intl in the comments.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kms_infracost.pricing.book import load_instance_book
from kms_infracost.pricing.migration import _Options
from tests.conftest import PLANS, plan, run_cli

D = Decimal
CASES = ("migration_software_keys", "migration_mixed", "migration_second_instance", "migration_rotation")


def migration(*args: str) -> Any:
    result = run_cli("breakdown", "--format", "json", *args)
    assert result.code == 0, result.stderr
    return result.json()["migration"]


def costs(section: dict[str, Any], field: str = "monthly_cost") -> dict[str, Decimal]:
    return {o["name"]: o[field] for o in section["options"]}


def test_three_software_keys_with_api_calls() -> None:
    m = migration(plan("migration_software_keys"))
    assert (m["kms1_keys"], m["software_keys"], m["hsm_keys"], m["kms1_keys_added"]) == (3, 3, 0, 3)
    # hosting 3 x 30 x 0.002 = 0.18; 7,776,000 calls x 0.03 / 10,000 = 23.328 (Singapore)
    assert m["kms1_monthly_cost"] == D("23.508")
    assert [(d["name"], d["quantity"], d["monthly_cost"]) for d in m["disappears"]] == [
        ("KMS 1.0: Key hosting (software, basic)", D(90), D("0.18")),
        ("KMS 1.0: API calls (basic, outside mainland)", D("777.6"), D("23.328")),
    ]
    # 7,776,000 calls in a 30-day month = 3 QPS on average
    # pay-as-you-go: instance 4.5 (9) x 30 + 90 version-days x 0.03 + 3 QPS x 30 x 0.5
    assert costs(m) == {
        "kms3-payg-software": D("182.7"),
        "kms3-subscription-software": D(500),
        "kms3-payg-hardware": D("317.7"),
        "kms3-subscription-hardware": D(1799),
    }
    assert (m["cheapest"], m["cheapest_monthly_cost"], m["change_monthly_cost"]) == ("kms3-payg-software", D("182.7"), D("159.192"))
    payg = m["options"][0]
    assert [(i["name"], i["quantity"], i["unit_price"], i["monthly_cost"]) for i in payg["appears"]] == [
        ("Instance (software, pay-as-you-go)", D(30), D("4.5"), D(135)),
        ("Key versions (software, pay-as-you-go)", D(90), D("0.03"), D("2.7")),
        ("Peak QPS (software, pay-as-you-go)", D(90), D("0.5"), D(45)),
    ]
    assert payg["assumptions"] == [
        "peak QPS 3: the average rate of 7,776,000 API calls a month, rounded up; bursts raise the real daily peak"
    ]
    assert m["options"][1]["assumptions"] == ["3 key versions in instances of 1,000 key versions and 1,000 QPS: 1 instance"]
    # software: (500 - 30 x (4.5 + 3 x 0.5)) / (30 x 0.03) = 355.6 -> 356 keys; hardware: 900 USD of key versions
    # per 1,000-key instance never reaches its 1,799 USD fee
    assert m["break_even"] == [
        {"kind": "software", "peak_qps": 3, "keys": 356},
        {"kind": "hardware", "peak_qps": 3, "keys": None},
    ]


def test_software_and_hsm_keys_need_hardware_or_a_split() -> None:
    m = migration(plan("migration_mixed"))
    assert (m["kms1_keys"], m["software_keys"], m["hsm_keys"]) == (4, 2, 2)
    # software 2 x 30 x 0.002 + HSM basic 0.99 + HSM EC_P256 2.49 + 4,000,000 basic calls x 0.03 / 10,000
    assert m["kms1_monthly_cost"] == D("15.6")
    # no software-only option: HSM keys need a hardware instance
    # all in hardware pay-as-you-go: 270 + 120 version-days x 0.03 + 2 QPS x 30 x 0.5 = 303.6
    # split: software 135 + 1.8 + 1 QPS x 15 = 151.8 (subscription 500); hardware 270 + 1.8 + 30 = 301.8 (1,799)
    assert costs(m) == {
        "kms3-payg-hardware": D("303.6"),
        "kms3-subscription-hardware": D(1799),
        "kms3-payg-software+kms3-payg-hardware": D("453.6"),
        "kms3-payg-software+kms3-subscription-hardware": D("1950.8"),
        "kms3-subscription-software+kms3-payg-hardware": D("801.8"),
        "kms3-subscription-software+kms3-subscription-hardware": D(2299),
    }
    assert m["cheapest"] == "kms3-payg-hardware"
    split = m["options"][2]
    assert [(i["kind"], i["payment_type"], i["keys"], i["peak_qps"]) for i in split["instances"]] == [
        ("software", "PayAsYouGo", 2, 1),
        ("hardware", "PayAsYouGo", 2, 2),
    ]
    assert split["assumptions"][1].startswith("HSM keys: peak QPS 2: the average rate of 3,000,000 API calls")


def test_more_than_1000_keys_need_a_second_subscription_instance() -> None:
    m = migration(plan("migration_second_instance"))
    assert m["kms1_keys"] == 1001
    assert m["kms1_monthly_cost"] == D("60.06")  # 1,001 x 30 x 0.002
    # pay-as-you-go: 135 + 30,030 version-days x 0.03 = 1,035.90; subscription: 2 x 500
    assert costs(m) == {
        "kms3-payg-software": D("1035.9"),
        "kms3-subscription-software": D(1000),
        "kms3-payg-hardware": D("1170.9"),
        "kms3-subscription-hardware": D(3598),
    }
    assert (m["cheapest"], m["cheapest_monthly_cost"]) == ("kms3-subscription-software", D(1000))
    subscription = m["options"][1]
    assert subscription["instances"][0]["count"] == 2
    assert subscription["appears"] == [
        {"name": "Instance (software, subscription)", "unit": "instance-month", "quantity": D(2), "unit_price": D(500), "monthly_cost": D(1000)}
    ]
    assert subscription["assumptions"] == ["1,001 key versions in instances of 1,000 key versions and 1,000 QPS: 2 instances"]


def test_rotation_adds_versions_until_a_second_instance_is_needed() -> None:
    m = migration(plan("migration_rotation"))
    # 20 keys rotated every 7 days: 80 version-days each in month 1 (5 versions at its end);
    # month 12 (days 330-359): 1,494 version-days each and 52 versions at its end
    assert (m["kms1_keys"], m["kms1_key_versions"], m["projected_key_versions"]) == (20, 100, 1040)
    assert (m["kms1_monthly_cost"], m["kms1_projected_monthly_cost"]) == (D("3.2"), D("59.76"))
    assert costs(m) == {
        "kms3-payg-software": D(183),  # 135 + 1,600 x 0.03
        "kms3-subscription-software": D(500),
        "kms3-payg-hardware": D(318),
        "kms3-subscription-hardware": D(1799),
    }
    assert costs(m, "projected_monthly_cost") == {
        "kms3-payg-software": D("1031.4"),  # 135 + 29,880 x 0.03
        "kms3-subscription-software": D(1000),  # 1,040 versions: 2 instances
        "kms3-payg-hardware": D("1166.4"),
        "kms3-subscription-hardware": D(3598),
    }
    assert (m["cheapest"], m["projected_cheapest"], m["projected_cheapest_monthly_cost"]) == (
        "kms3-payg-software",
        "kms3-subscription-software",
        D(1000),
    )
    payg, subscription = m["options"][:2]
    assert payg["assumptions"][1] == "rotation adds key versions: 100 versions at the end of month 1, 1,040 by month 12"
    assert subscription["assumptions"] == [
        (
            "100 key versions in instances of 1,000 key versions and 1,000 QPS: 1 instance; "
            "rotation brings 1,040 key versions by month 12: 2 instances"
        )
    ]
    assert [(i["count"], i["projected_count"]) for i in subscription["instances"]] == [(1, 2)]


def test_a_change_that_only_adds_keys_inside_an_instance_has_no_migration_section() -> None:
    assert migration(plan("migration_keys_into_instance")) is None
    assert migration(str(PLANS / "migration_keys_into_instance")) is None
    assert migration(plan("kms_instance_keys")) is None


@pytest.mark.parametrize("case", CASES)
def test_the_hcl_source_gives_the_same_section(case: str) -> None:
    assert migration(str(PLANS / case)) == migration(plan(case))


def test_china_site_says_why_migration_is_not_priced() -> None:
    m = migration("--price-book", "kms-cn-2019", plan("migration_software_keys"))
    assert (m["priced"], m["options"], m["cheapest"], m["break_even"]) == (False, [], None, [])
    assert m["not_priced_reason"] == (
        "migration is not priced with price book kms-cn-2019 (CNY): the China site's KMS 3.0 instance prices "
        "(CNY) were not found in a public, dated source (as of 2026-11)"
    )
    # 3 keys x 30 days x 0.2 CNY + 7,776,000 calls x 0.6 / 10,000, less the account's 20,000 free calls
    assert m["kms1_monthly_cost"] == D("483.36")
    assert m["disappears"][-1]["name"] == "KMS 1.0: Free API calls (20,000 per month, account-wide)"
    assert m["disappears"][-1]["monthly_cost"] == D("-1.2")
    assert m["projects"][0]["disappears"] == m["disappears"]
    assert m["currency"] == "CNY"


def test_projects_each_get_a_section_and_the_run_shares_instances() -> None:
    m = migration(str(PLANS / "migration_software_keys"), str(PLANS / "migration_mixed"))
    by = {p["project"].rsplit("/", 1)[-1]: p for p in m["projects"]}
    assert sorted(by) == ["migration_mixed", "migration_software_keys"]
    assert (by["migration_software_keys"]["cheapest_monthly_cost"], by["migration_mixed"]["cheapest_monthly_cost"]) == (
        D("182.7"),
        D("303.6"),
    )
    # one hardware instance for all 7 keys: 270 + 210 version-days x 0.03 + 5 QPS (11,776,000 calls) x 15
    assert m["assumptions"] == ["the KMS 1.0 keys of all 2 projects share instances"]
    assert (m["kms1_keys"], m["kms1_monthly_cost"], m["cheapest"], m["cheapest_monthly_cost"]) == (
        7,
        D("39.108"),
        "kms3-payg-hardware",
        D("351.3"),
    )


def test_a_rule_can_fail_a_change_that_adds_kms1_keys(tmp_path: Path) -> None:
    config = tmp_path / ".kms-infracost.toml"
    config.write_text(
        '[[rules]]\nid = "no-new-kms1-keys"\npath = "$.migration.projects[?(@.kms1_keys_added > 0)]"\n'
        'message = "new keys belong in a KMS 3.0 instance (dkms_instance_id)"\n'
        '[[rules]]\nid = "migration-budget"\npath = "$.migration.projects[?(@.cheapest_monthly_cost > 200)]"\n'
        'message = "moving these keys to KMS 3.0 costs over 200 USD a month"\n'
    )
    result = run_cli("check", "--format", "json", "--config", str(config), plan("migration_software_keys"))
    assert result.code == 1
    assert [(v["rule"], v["message"]) for v in result.json()["violations"]] == [
        ("no-new-kms1-keys", "new keys belong in a KMS 3.0 instance (dkms_instance_id)")
    ]
    assert run_cli("check", "--config", str(config), plan("migration_mixed")).code == 1
    assert run_cli("check", "--config", str(config), plan("migration_keys_into_instance")).code == 0


@pytest.mark.parametrize(
    ("kind", "qps", "keys"),
    [
        ("software", 0, 406),  # (500 - 135) / 0.9 = 405.6
        ("hardware", 0, None),
        ("hardware", 100, 33),  # (1,799 - 30 x (9 + 50)) / 0.9 = 32.2
        ("software", 1500, 1),  # 1,500 QPS needs two 1,000-QPS subscription instances; pay-as-you-go 22,635
    ],
)
def test_break_even_key_count(kind: str, qps: int, keys: int | None) -> None:
    options = _Options(load_instance_book("kms3-intl"), 30, 12)
    assert options.break_even(kind, qps).keys == keys


def test_the_table_shows_one_block_after_the_totals() -> None:
    result = run_cli("breakdown", plan("migration_software_keys"))
    lines = result.stdout.splitlines()
    start = lines.index(
        "KMS 1.0 reached end of service on 2025-09-30: 3 keys outside a KMS instance, 23.51 USD a month today."
    )
    assert lines.index("TOTAL monthly cost: 23.51 USD") < start
    assert lines[start + 1:start + 6] == [
        "  kms3-payg-software: 182.70 USD a month (cheapest)",
        "  kms3-payg-hardware: 317.70 USD a month",
        "  kms3-subscription-software: 500.00 USD a month",
        "  kms3-subscription-hardware: 1,799.00 USD a month",
        ("  break-even at 3 QPS, one version per key: software: subscription from 356 keys; "
         "hardware: pay-as-you-go at any key count"),
    ]
    assert result.stdout.count("reached end of service") == 1


def test_the_table_says_when_rotation_changes_the_cheapest_and_counts_instances() -> None:
    rotation = run_cli("breakdown", plan("migration_rotation")).stdout
    assert "  kms3-subscription-software: 500.00 USD a month (1,000.00 USD in month 12)\n" in rotation
    assert "  by month 12 rotation makes kms3-subscription-software the cheapest: 1,000.00 USD a month\n" in rotation
    many = run_cli("breakdown", plan("migration_second_instance")).stdout
    assert "  kms3-subscription-software: 1,000.00 USD a month, 2 instances (cheapest)\n" in many


def test_the_pull_request_comment_has_the_same_block() -> None:
    comment = run_cli("breakdown", "--format", "markdown", plan("migration_mixed")).stdout
    block = comment[comment.index("### KMS 3.0 migration"):comment.index("<details>")]
    assert block.splitlines() == [
        "### KMS 3.0 migration",
        "",
        "KMS 1.0 reached end of service on 2025-09-30: 4 keys outside a KMS instance (2 HSM), 15.60 USD a month today.",
        "",
        "- kms3-payg-hardware: 303.60 USD a month (cheapest)",
        "- kms3-payg-software+kms3-payg-hardware: 453.60 USD a month, 2 instances",
        "- kms3-subscription-software+kms3-payg-hardware: 801.80 USD a month, 2 instances",
        "- kms3-subscription-hardware: 1,799.00 USD a month",
        "- kms3-payg-software+kms3-subscription-hardware: 1,950.80 USD a month, 2 instances",
        "- kms3-subscription-software+kms3-subscription-hardware: 2,299.00 USD a month, 2 instances",
        ("- break-even at 2 QPS, one version per key: software: subscription from 373 keys; "
         "hardware: pay-as-you-go at any key count"),
        "",
    ]


def test_no_block_without_kms1_keys_and_a_reason_where_kms3_is_unpriced() -> None:
    for fmt in ("table", "markdown"):
        out = run_cli("breakdown", "--format", fmt, plan("migration_keys_into_instance")).stdout
        assert "end of service" not in out and "KMS 3.0 migration" not in out
    china = run_cli("breakdown", "--price-book", "kms-cn-2019", plan("migration_software_keys")).stdout
    assert (
        "KMS 1.0 reached end of service: 3 keys outside a KMS instance, 483.36 CNY a month today.\n"
        "  migration is not priced with price book kms-cn-2019 (CNY): the China site's KMS 3.0 instance prices "
        "(CNY) were not found in a public, dated source (as of 2026-11)\n"
    ) in china


def test_a_projects_section_in_a_run_of_several_is_its_own_runs_section() -> None:
    """Each project's section is worked out once and shown twice (its own document, the run's): in a run
    of four projects it is what a run of that project alone reports, and in a run of one project the run's
    section is that project's without the name."""
    together = run_cli("breakdown", "--format", "json", *(plan(case) for case in CASES))
    assert together.code == 0, together.stderr
    run = together.json()
    header = ("end_of_service", "price_book", "currency", "horizon_months", "projects")
    for case in CASES:
        single = run_cli("breakdown", "--format", "json", plan(case)).json()
        alone = single["migration"]
        own = [p for p in run["migration"]["projects"] if p["project"].endswith(case)]
        assert own == alone["projects"]
        assert {k: v for k, v in own[0].items() if k != "project"} == {k: v for k, v in alone.items() if k not in header}
        assert [p["total_monthly_cost"] for p in run["projects"] if p["name"].endswith(case)] == [single["total_monthly_cost"]]
    assert run["migration"]["assumptions"] == [f"the KMS 1.0 keys of all {len(CASES)} projects share instances"]
    assert run["migration"]["kms1_keys"] == sum(p["kms1_keys"] for p in run["migration"]["projects"])


def test_the_kms3_options_of_equal_holdings_are_worked_out_once_a_run_and_exact_to_the_digit() -> None:
    from kms_infracost import runmemo
    from kms_infracost.pricing.migration import Holding, _kms3

    book = load_instance_book("kms3-intl")
    some = (Holding(2, 2, Decimal(60), Decimal(0), 0), Holding())
    same = (Holding(2, 2, Decimal(60), Decimal(0), 0), Holding())
    spelt_otherwise = (Holding(2, 2, Decimal("60.0"), Decimal(0), 0), Holding())
    with runmemo.scope():
        first = _kms3(book, 30, 12, some, some)
        assert _kms3(book, 30, 12, same, same)[0] is first[0]  # equal holdings: the same answer, not worked out again
        assert _kms3(book, 30, 12, spelt_otherwise, spelt_otherwise)[0] is not first[0]
        assert _kms3(book, 31, 12, some, some)[0] is not first[0]
    outside = _kms3(book, 30, 12, some, some)  # outside a run nothing is kept; the figures are the same
    assert outside[0] is not first[0]
    assert [(o.name, o.monthly_cost, o.assumptions) for o in outside[0]] == [
        (o.name, o.monthly_cost, o.assumptions) for o in first[0]
    ]
    assert [o.name for o in first[0]][:2] == ["kms3-payg-software", "kms3-subscription-software"]
