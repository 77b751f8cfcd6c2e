"""The CI recipes in examples/ are valid YAML and their kms-infracost commands run on a real fixture."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import PLANS, REPO, run_cli


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml", "pre-commit-config.yaml"])
def test_example_is_yaml(name: str) -> None:
    assert YAML(typ="safe").load((REPO / "examples" / name).read_text())


def test_github_example_command_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workflow = YAML(typ="safe").load((REPO / "examples" / "github-actions.yml").read_text())
    (step,) = [s for s in workflow["jobs"]["kms-cost"]["steps"] if s.get("id") == "kms"]
    args = shlex.split(" ".join(step["run"].split()))
    assert args[:2] == ["kms-infracost", "check"]
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "plan.json").write_text((PLANS / "seed_hsm_ec_p256_singapore" / "plan.json").read_text())
    (tmp_path / "infra" / "main.tf").write_text((PLANS / "seed_hsm_ec_p256_singapore" / "main.tf").read_text())
    monkeypatch.chdir(tmp_path)
    result = run_cli(*args[1:], "--max-per-key", "1")
    assert result.code == 1
    assert result.stdout.startswith("::error file=infra/main.tf,line=")
    assert "## KMS cost estimate" in (tmp_path / "infra" / "kms-cost.md").read_text()


def test_gitlab_example_command_options_exist() -> None:
    job = YAML(typ="safe").load((REPO / "examples" / "gitlab-ci.yml").read_text())["kms-cost"]
    command = " ".join(job["script"][-1].split())
    for option in ("--base-ref", "--format junit", "--out-file kms-cost.xml"):
        assert option in command
    assert job["artifacts"]["reports"]["junit"] == "kms-cost.xml"
