"""The HCL source against real Terraform: for every plan fixture, reading its .tf gives what the plan gives.

Documented differences, each asserted below:
- Cases with a `base/` directory are update / delete / replace plans made against a state built from
  `base/`. The HCL source sees only the final configuration, which it prices as if created: resources the
  plan deletes are absent, and the action of every other resource is `create` (the plan says update,
  no-op or replace), with no `before`.
- Everything else (address, type, region, spec, protection level, status, rotation, instance links,
  tags, file, line and the assumptions made) is equal.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import PLANS, run_cli, run_subprocess

from kms_infracost import records
from kms_infracost.sources.hcl import load_hcl
from kms_infracost.sources.plan import load_plan

CASES = sorted(p.parent.name for p in PLANS.glob("*/plan.json"))
#: fields whose difference is documented above
ACTION_FIELDS = {"action", "before"}


def _fields(resource: Any) -> dict[str, Any]:
    return {k: v for k, v in records.asdict(resource).items() if k not in ACTION_FIELDS}


@pytest.mark.skipif(not CASES, reason="no plan fixtures under fixtures/plans")
@pytest.mark.parametrize("case", CASES)
def test_hcl_matches_the_plan_terraform_made(case: str) -> None:
    case_dir = PLANS / case
    env = _case_env(case_dir)
    from_hcl = {r.address: r for r in load_hcl([str(case_dir)], env=env).resources}
    plan = load_plan(str(case_dir / "plan.json"), env=env)
    diff_plan = (case_dir / "base").is_dir()
    expected = {r.address: r for r in plan.resources if not (diff_plan and r.action == "delete")}

    assert sorted(from_hcl) == sorted(expected)
    for address, resource in from_hcl.items():
        assert _fields(resource) == _fields(expected[address]), address
        assert resource.action == "create"
        assert resource.before is None
        if not diff_plan:
            assert expected[address].action == "create"
        else:
            assert expected[address].action in ("create", "update", "no-op", "replace")


def _case_env(case_dir: Path) -> dict[str, str]:
    """The environment the case's plan was made in (env.json, see tests/tfstub/regenerate.py)."""
    env_file = case_dir / "env.json"
    return dict(json.loads(env_file.read_text(encoding="utf-8"))) if env_file.exists() else {}


def test_region_from_the_environment_is_the_same_in_both_sources() -> None:
    case_dir = PLANS / "region_from_env"
    if not (case_dir / "plan.json").exists():
        pytest.skip("fixture region_from_env not generated yet")
    env = {"ALIBABA_CLOUD_REGION": "cn-shenzhen"}
    (from_hcl,) = load_hcl([str(case_dir)], env=env).resources
    (from_plan,) = load_plan(str(case_dir / "plan.json"), env=env).resources
    assert (from_hcl.region, from_hcl.region_source) == ("cn-shenzhen", "environment ALIBABA_CLOUD_REGION")
    assert _fields(from_hcl) == _fields(from_plan)


def test_a_diff_plan_case_differs_only_in_actions() -> None:
    if not (PLANS / "update_disable" / "plan.json").exists():
        pytest.skip("fixture update_disable not generated yet")
    plan = {r.address: r.action for r in load_plan(str(PLANS / "update_disable" / "plan.json"), env={}).resources}
    hcl = {r.address: r.action for r in load_hcl([str(PLANS / "update_disable")], env={}).resources}
    assert plan == {"alicloud_kms_key.app": "update", "alicloud_kms_key.logs": "no-op"}
    assert hcl == {"alicloud_kms_key.app": "create", "alicloud_kms_key.logs": "create"}


def _total(stdout: str) -> Decimal:
    import json

    return json.loads(stdout, parse_float=Decimal)["total_monthly_cost"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("case", "total"),
    [
        ("module_twice_providers", Decimal("7.2")),  # 4 x 0.06 + 2.49 (cn-hangzhou) + 0.99 + 0.99 + 2.49 (Singapore)
        ("seed_hsm_ec_p256_singapore", Decimal("2.49")),  # seed example 3's hosting
        ("tfvars_region", Decimal("0.99")),  # HSM basic key, region and HSM from terraform.tfvars
        ("count_and_for_each", Decimal("1.23")),  # 3 + 1 software keys x 0.06 (cn-shanghai), one HSM basic 0.99
    ],
)
def test_cli_prices_the_hcl_like_the_plan(case: str, total: Decimal) -> None:
    case_dir = PLANS / case
    if not (case_dir / "plan.json").exists():
        pytest.skip(f"fixture {case} not generated yet")
    from_hcl = run_cli("check", str(case_dir), "--format", "json")
    from_plan = run_cli("check", str(case_dir / "plan.json"), "--format", "json")
    assert from_hcl.code == 0, from_hcl.stderr
    assert _total(from_hcl.stdout) == total
    assert _total(from_plan.stdout) == total


def test_subprocess_run_on_a_directory_prints_the_same_total() -> None:
    case_dir = PLANS / "module_twice_providers"
    if not (case_dir / "plan.json").exists():
        pytest.skip("fixture module_twice_providers not generated yet")
    result = run_subprocess("check", str(case_dir), "--format", "json")
    assert result.code == 0, result.stderr
    assert _total(result.stdout) == Decimal("7.2")
    assert "Traceback" not in result.stderr


def test_pre_commit_file_names_price_each_root_once() -> None:
    case_dir = PLANS / "module_twice_providers"
    if not (case_dir / "plan.json").exists():
        pytest.skip("fixture module_twice_providers not generated yet")
    files = [
        case_dir / "main.tf",
        case_dir / "modules" / "tenant_keys" / "main.tf",
        case_dir / "modules" / "tenant_keys" / "modules" / "signing" / "main.tf",
    ]
    inventory = load_hcl([str(f) for f in files], env={})
    assert len(inventory.resources) == 8
    assert len({r.address for r in inventory.resources}) == 8


