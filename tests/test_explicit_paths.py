"""Explicit paths win: a folder named on the command line is priced even under `.terraform/` (an installed
module someone wants priced), exactly as real terraform planned the same code (fixture installed_module_key)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

from conftest import PLANS, run_cli

CASE = PLANS / "installed_module_key"


def _installed(tmp_path: Path) -> Path:
    target = tmp_path / ".terraform" / "modules" / "kms"
    target.mkdir(parents=True)
    shutil.copy2(CASE / "main.tf", target / "main.tf")
    return target


def test_a_folder_under_dot_terraform_named_explicitly_is_priced_as_its_plan(tmp_path: Path) -> None:
    target = _installed(tmp_path)
    hcl = run_cli("breakdown", str(target), "--format", "json")
    plan = run_cli("breakdown", str(CASE / "plan.json"), "--format", "json")
    assert hcl.code == plan.code == 0, hcl.stderr
    assert [(r["address"], r["protection_level"], r["monthly_cost"]) for r in hcl.json()["resources"]] == [
        ("alicloud_kms_key.this", "HSM", Decimal("0.99"))
    ]
    assert hcl.json()["total_monthly_cost"] == plan.json()["total_monthly_cost"]
    assert hcl.json()["resources"][0]["file"] == str(target / "main.tf")


def test_a_file_under_dot_terraform_named_explicitly_is_priced(tmp_path: Path) -> None:
    target = _installed(tmp_path)
    result = run_cli("breakdown", str(target / "main.tf"), "--format", "json")
    assert result.code == 0, result.stderr
    assert [r["address"] for r in result.json()["resources"]] == ["alicloud_kms_key.this"]


def test_naming_the_folder_above_does_not_reach_into_dot_terraform(tmp_path: Path) -> None:
    _installed(tmp_path)
    result = run_cli("breakdown", str(tmp_path), "--format", "json")
    assert result.code == 0, result.stderr
    assert result.json()["resources"] == []
