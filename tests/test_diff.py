"""Diffs: a plan's own before/after, --base-plan, --base-ref on a real git repository; increase limits."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import git, plan, run_cli

D = Decimal


def test_a_plans_own_before_and_after() -> None:
    result = run_cli("diff", "--format", "json", plan("replace_spec"))
    assert result.code == 0
    doc = result.json()
    (key,) = doc["resources"]
    assert (key["change"], key["past_monthly_cost"], key["monthly_cost"], key["diff_monthly_cost"]) == (
        "changed", D("0.06"), D("2.49"), D("2.43"))
    assert (doc["past_total_monthly_cost"], doc["total_monthly_cost"], doc["diff_total_monthly_cost"]) == (D("0.06"), D("2.49"), D("2.43"))
    assert doc["diff_total_percent"] == D("4050.00")
    assert doc["base"] == "the plan's prior state"


def test_base_plan_compares_by_address() -> None:
    doc = run_cli(
        "diff", "--format", "json", "--price-book", "kms-cn-2019", plan("finance_three_keys"), "--base-plan", plan("cn_hangzhou_three_keys")
    ).json()
    assert doc["base"] == f"plan {plan('cn_hangzhou_three_keys')}"
    assert {r["change"] for r in doc["resources"]} == {"changed"}
    assert [r["diff_monthly_cost"] for r in doc["resources"]] == [D("5.4")] * 3  # 0.38 x 30 - 0.2 x 30
    assert (doc["past_total_monthly_cost"], doc["total_monthly_cost"]) == (D("18"), D("34.2"))
    assert doc["diff_total_percent"] == D("90.00")


def test_base_plan_added_and_removed_keys() -> None:
    doc = run_cli("diff", "--format", "json", plan("alias"), "--base-plan", plan("default_software_key")).json()
    changes = {r["address"]: (r["change"], r["past_monthly_cost"], r["monthly_cost"]) for r in doc["resources"]}
    assert changes == {
        "alicloud_kms_alias.app": ("added", None, D(0)),
        "alicloud_kms_key.app": ("added", None, D("0.06")),
        "alicloud_kms_key.default": ("removed", D("0.06"), D(0)),
    }
    assert doc["diff_total_monthly_cost"] == 0


@pytest.mark.parametrize(
    ("flag", "limit", "code"),
    [("--max-increase", "2.43", 0), ("--max-increase", "2.42", 1), ("--max-increase-percent", "4050", 0), ("--max-increase-percent", "4049.99", 1)],
)
def test_increase_limits_just_under_and_just_over(flag: str, limit: str, code: int) -> None:
    for command in ("check", "diff"):
        result = run_cli(command, plan("replace_spec"), flag, limit)
        assert result.code == code, (command, result.stdout)
    if code:
        rule = flag.removeprefix("--max-").replace("-", "_")
        assert f"[monthly_{rule}]" in result.stdout


def test_increase_message_names_amounts_and_limit() -> None:
    result = run_cli("check", plan("replace_spec"), "--max-increase", "1")
    assert (
        "[monthly_increase] this change raises the KMS cost by 2.43 USD a month (0.06 USD -> 2.49 USD), "
        "over the limit of 1.00 USD"
    ) in result.stdout


def test_diff_does_not_apply_absolute_limits() -> None:
    assert run_cli("diff", plan("replace_spec"), "--max-total", "1").code == 2  # refused: it would do nothing
    assert run_cli("check", plan("replace_spec"), "--max-total", "1").code == 1


MAIN_V1 = """\
provider "alicloud" {
  region = "ap-southeast-1"
}

resource "alicloud_kms_key" "app" {
  description = "application data"
}
"""

MAIN_V2 = MAIN_V1 + """
resource "alicloud_kms_key" "signing" {
  description      = "release signing"
  protection_level = "HSM"
  key_spec         = "EC_P256"
}
"""


def test_base_ref_prices_the_same_paths_at_a_commit_without_touching_the_work_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / "infra").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "infra" / "main.tf").write_text(MAIN_V1)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one key")
    (repo / "infra" / "main.tf").write_text(MAIN_V2)
    git(repo, "commit", "-q", "-am", "signing key")
    (repo / "infra" / "notes.txt").write_text("uncommitted\n")  # the work tree has local changes too
    status_before = git(repo, "status", "--porcelain")
    monkeypatch.chdir(repo)

    result = run_cli("diff", "--format", "json", "infra", "--base-ref", "HEAD~1")
    assert result.code == 0, result.stderr
    doc = result.json()
    changes = {r["address"]: (r["change"], r["diff_monthly_cost"]) for r in doc["resources"]}
    assert changes == {"alicloud_kms_key.app": ("unchanged", D(0)), "alicloud_kms_key.signing": ("added", D("2.49"))}
    assert (doc["past_total_monthly_cost"], doc["total_monthly_cost"]) == (D("0.06"), D("2.55"))
    assert doc["base"] == "git ref HEAD~1"
    assert git(repo, "status", "--porcelain") == status_before

    over = run_cli("check", "infra", "--base-ref", "HEAD~1", "--max-increase", "2")
    assert over.code == 1
    assert "raises the KMS cost by 2.49 USD a month (0.06 USD -> 2.55 USD)" in over.stdout


def test_base_ref_that_does_not_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "main.tf").write_text(MAIN_V1)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    monkeypatch.chdir(repo)
    result = run_cli("diff", ".", "--base-ref", "nope")
    assert (result.code, result.stderr) == (2, "kms-infracost: error: --base-ref 'nope' is not a commit in this repository; fetch it or fix the name\n")
