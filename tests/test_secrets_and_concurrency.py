"""Secrets never leave the plan or the code; two hook runs at once agree and leave the cache whole."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from kms_infracost.report import FORMATS
from tests.conftest import NO_NETWORK, PLANS, run_subprocess

MARKERS = ("MARKER-SECRET-7f3a", "MARKER-LITERAL-91c2", "MARKER-TAG-0b9d", "MARKER-PROVIDER-SECRET-5d1e", "LTAI-MARKER-ACCESS-KEY")


def test_the_fixtures_really_carry_the_markers() -> None:
    text = (PLANS / "sensitive_values" / "plan.json").read_text() + (PLANS / "kms_instance_payg_hardware" / "plan.json").read_text()
    assert all(m in text for m in ("MARKER-SECRET-7f3a", "MARKER-LITERAL-91c2", "MARKER-TAG-0b9d"))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("source", ["plan", "hcl"])
@pytest.mark.parametrize("case", ["sensitive_values", "kms_instance_payg_hardware"])
def test_no_secret_in_any_format_warning_or_error(fmt: str, source: str, case: str, tmp_path: Path) -> None:
    target = str(PLANS / case / "plan.json") if source == "plan" else str(PLANS / case)
    outputs = []
    for extra in ([], ["-v"], ["--strict", "--max-per-key", "0"], ["--usage-file", str(tmp_path / "missing.yml")]):
        result = run_subprocess("check", target, "--format", fmt, *extra)
        outputs.append(result.stdout + result.stderr)
    # an error that names the plan: still nothing of what is inside it
    broken = tmp_path / "plan.json"
    broken.write_text((PLANS / case / "plan.json").read_text()[:-200])
    result = run_subprocess("check", str(broken), "--format", fmt)
    outputs.append(result.stdout + result.stderr)
    for text in outputs:
        for marker in MARKERS:
            assert marker not in text


def test_usage_init_writes_no_secret(tmp_path: Path) -> None:
    target = tmp_path / "usage.yml"
    run_subprocess("usage", "init", str(PLANS / "sensitive_values"), "--usage-file", str(target))
    assert target.exists() and not any(m in target.read_text() for m in MARKERS)


def test_two_hook_runs_at_once_share_a_cache_safely(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(PLANS / "module_twice_providers", repo / "a", ignore=shutil.ignore_patterns("plan.json"))
    shutil.copytree(PLANS / "count_and_for_each", repo / "b", ignore=shutil.ignore_patterns("plan.json"))
    files = sorted(str(p) for p in repo.rglob("*.tf"))
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": NO_NETWORK, "KMS_INFRACOST_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "kms_infracost", "check", "--format", "json", *files]
    answers = set()
    for _ in range(4):
        shutil.rmtree(cache, ignore_errors=True)
        runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=repo) for _ in range(3)]
        for proc in runs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            answers.add(json.dumps(json.loads(out)["resources"], sort_keys=True))
    warm = subprocess.run(command, capture_output=True, env=env, cwd=repo, check=True)
    answers.add(json.dumps(json.loads(warm.stdout)["resources"], sort_keys=True))
    assert len(answers) == 1
    assert json.loads(warm.stdout, parse_float=Decimal)["total_monthly_cost"] == Decimal("8.43")  # 7.20 + 1.23
    leftovers = [p.name for p in cache.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".")]
    assert leftovers == []
