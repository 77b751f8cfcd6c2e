"""The HCL source's own fixtures, planned by real Terraform with the fake provider (tests/tfstub).

Skips without terraform on PATH. The plans are made in a temporary directory, so the plan source cannot
locate file and line; those are checked against the plan fixtures in test_hcl_parity. Documented differences (the plan source's limits, not the HCL source's):
- locals_order: the provider's region is `local.region`; a plan JSON carries only the expression, which
  the plan source cannot evaluate, so it falls back to the default region. The HCL source evaluates it.
- json_config: in JSON syntax the plan JSON shows the region template `"${var.region}"` as if it were a
  constant; the plan source resolves such a lone variable template, so both sources agree.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

from kms_infracost import records
from kms_infracost.sources.hcl import load_hcl
from kms_infracost.sources.plan import load_plan

HCL = REPO / "fixtures" / "hcl"
CASES = ["module_for_each", "locals_order", "tfvars_precedence", "json_config", "override_files"]
#: case -> (region the configuration gives, fields the plan source cannot know)
PLAN_SOURCE_LIMITS = {
    "locals_order": ("cn-hangzhou", {"region", "region_source", "assumptions"}),
}

pytestmark = [
    pytest.mark.terraform,
    pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH"),
]


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    sys.path.insert(0, str(REPO / "tests" / "tfstub"))
    try:
        import regenerate  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    out = tmp_path_factory.mktemp("plans")
    made = regenerate.generate_many([HCL / c for c in CASES], out)
    return {name: Path(path) for name, path in made.items()}


def _fields(resource: Any, skip: set[str]) -> dict[str, Any]:
    return {k: v for k, v in records.asdict(resource).items() if k not in skip | {"file", "line"}}


@pytest.mark.parametrize("case", CASES)
def test_hcl_fixture_matches_real_terraform(case: str, plans: dict[str, Path]) -> None:
    plan_file = plans[case]
    from_plan = {r.address: r for r in load_plan(str(plan_file), env={}).resources}
    from_hcl = {r.address: r for r in load_hcl([str(HCL / case)], env={}).resources}
    assert sorted(from_hcl) == sorted(from_plan)
    region, limits = PLAN_SOURCE_LIMITS.get(case, ("", set()))
    for address, resource in from_hcl.items():
        assert _fields(resource, limits) == _fields(from_plan[address], limits), address
        if limits:
            assert resource.region == region
            assert from_plan[address].region != region
