"""Unknown priced attributes are never silently cheap: each assumption names the value chosen and why, and
`unknown_values = "max"` makes a cost gate assume the most expensive option, in plan and HCL mode alike.

The fixture `unknown_priced_attributes` was planned by real terraform: the follower key copies settings that
the source key gets only after apply.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import PLANS, run_cli

CASE = PLANS / "unknown_priced_attributes"
SOURCES = {"plan": str(CASE / "plan.json"), "hcl": str(CASE)}
REFERS = "refers to alicloud_kms_key.source"


def _config(tmp_path: Path, mode: str) -> str:
    path = tmp_path / "kms.toml"
    path.write_text(f'unknown_values = "{mode}"\n', encoding="utf-8")
    return str(path)


def _follower(result: object) -> dict[str, object]:
    resources = {r["address"]: r for r in result.json()["resources"]}  # type: ignore[attr-defined]
    return resources["alicloud_kms_key.follower"]


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_default_assumes_the_provider_default_and_says_what_max_would_assume(source: str, tmp_path: Path) -> None:
    result = run_cli("breakdown", SOURCES[source], "--format", "json", "--config", _config(tmp_path, "default"))
    assert result.code == 0, result.stderr
    follower = _follower(result)
    assert (follower["protection_level"], follower["key_spec"], follower["monthly_cost"]) == (
        "SOFTWARE", "Aliyun_AES_256", Decimal("0.06"))
    assert follower["assumptions"] == [
        (f'key_spec unknown until apply ({REFERS}); assumed Aliyun_AES_256 (provider default)'),
        (f'protection_level unknown until apply ({REFERS}); assumed SOFTWARE (provider default)'),
        f"status unknown until apply ({REFERS}); assumed Enabled (provider default)",
        (f'automatic_rotation unknown until apply ({REFERS}); assumed Disabled (provider default)'),
    ]


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_max_assumes_the_most_expensive_option(source: str, tmp_path: Path) -> None:
    result = run_cli("breakdown", SOURCES[source], "--format", "json", "--config", _config(tmp_path, "max"))
    assert result.code == 0, result.stderr
    follower = _follower(result)
    assert (follower["protection_level"], follower["key_spec"], follower["spec_class"]) == ("HSM", "RSA_3072", "advanced")
    assert follower["monthly_cost"] == Decimal("2.49")  # 0.083 USD per version-day x 30 days
    assert follower["assumptions"][:2] == [
        f'key_spec unknown until apply ({REFERS}); assumed RSA_3072 (unknown_values="max": most expensive)',
        f'protection_level unknown until apply ({REFERS}); assumed HSM (unknown_values="max": most expensive)',
    ]
    assert result.json()["total_monthly_cost"] == Decimal("2.55")


def test_max_with_a_symmetric_key_assumes_the_shortest_rotation(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'provider "alicloud" {\n  region = "ap-southeast-1"\n}\n'
        'variable "rotate" {}\n'
        'resource "alicloud_kms_key" "k" {\n  key_spec = "Aliyun_AES_256"\n  automatic_rotation = var.rotate\n}\n',
        encoding="utf-8",
    )
    result = run_cli("breakdown", str(tmp_path), "--format", "json", "--config", _config(tmp_path, "max"))
    (key,) = result.json()["resources"]
    assert key["assumptions"][-1] == (
        'rotation_interval not set; assumed 7d (unknown_values="max": most expensive)'
    )
    plain = run_cli("breakdown", str(tmp_path), "--format", "json", "--config", _config(tmp_path, "default"))
    assert key["monthly_cost"] > plain.json()["resources"][0]["monthly_cost"]


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_strict_fails_on_every_unknown_priced_attribute(source: str) -> None:
    result = run_cli("check", SOURCES[source], "--format", "json", "--strict")
    assert result.code == 1
    failed = [v for v in result.json()["violations"] if v["rule"] == "strict-assumption"]
    assert {v["address"] for v in failed} == {"alicloud_kms_key.follower"}


def test_a_wrong_unknown_values_setting_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_cli("breakdown", SOURCES["plan"], "--config", _config(tmp_path, "maximum"))
    assert result.code == 2
    assert result.stderr.strip().splitlines()[-1].endswith(
        'unknown_values must be "default" or "max", got \'maximum\' (did you mean \'max\'?)'
    )


def test_max_takes_the_larger_branch_of_a_count_whose_condition_is_unknown(tmp_path: Path) -> None:
    """`count = var.ha ? 3 : 1` with no value for var.ha: one key by default, three under "max"."""
    (tmp_path / "main.tf").write_text(
        'provider "alicloud" {\n  region = "ap-southeast-1"\n}\nvariable "ha" {\n  type = bool\n}\n'
        'resource "alicloud_kms_key" "k" {\n  count = var.ha ? 3 : (1)\n  protection_level = "HSM"\n}\n',
        encoding="utf-8",
    )
    from kms_infracost.sources.hcl import load_hcl

    plain = load_hcl([str(tmp_path)], env={}, use_cache=False)
    assert [r.address for r in plain.resources] == ["alicloud_kms_key.k[0]"]
    most = load_hcl([str(tmp_path)], env={}, use_cache=False, unknown_values="max")
    assert [r.address for r in most.resources] == [f"alicloud_kms_key.k[{i}]" for i in range(3)]
    assert most.resources[0].assumptions == [
        'count is unknown (a condition is unknown: var.ha has no value); assumed 3 (unknown_values="max": the larger branch)'
    ]
