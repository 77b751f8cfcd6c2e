"""The GitHub Action's script end to end: a real git repository with a pull request's change, the GITHUB_*
variables and event file GitHub Actions provides, and the comment API served on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import NO_NETWORK, REPO, git
from tests.fake_forge import Forge, running

pytestmark = [pytest.mark.loopback, pytest.mark.skipif(shutil.which("git") is None, reason="needs git")]

SCRIPT = REPO / "scripts" / "github-action.sh"
TOKEN = "t0ken-s3cret"
THREAD = "github:acme/infra#7"

BASE_TF = """\
provider "alicloud" {
  region = "ap-southeast-1"
}

resource "alicloud_kms_key" "app" {
  description = "software key"
}
"""

HEAD_TF = BASE_TF + """
resource "alicloud_kms_key" "signing" {
  description      = "HSM advanced"
  protection_level = "HSM"
  key_spec         = "EC_P256"
}
"""


@pytest.fixture
def pull_request(tmp_path: Path) -> tuple[Path, str]:
    """A repository whose pull request adds an HSM key; the base commit's sha."""
    work = tmp_path / "work"
    (work / "infra").mkdir(parents=True)
    git(work, "init", "-q", "-b", "main")
    (work / "infra" / "main.tf").write_text(BASE_TF)
    (work / ".kms-infracost.toml").write_text("[thresholds]\nmonthly_increase = 1\n")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "base")
    base = git(work, "rev-parse", "HEAD").strip()
    git(work, "checkout", "-q", "-b", "feature")
    (work / "infra" / "main.tf").write_text(HEAD_TF)
    git(work, "commit", "-q", "-am", "add a signing key")
    return work, base


def run_action(
    work: Path, forge: Forge, event: dict[str, object] | None, install: Path | None = None, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The script as the composite step runs it; `install`: the action's checkout to install the tool from
    (PyPI for its dependencies), else the tool of this test run."""
    runner = work.parent / "runner"
    runner.mkdir(exist_ok=True)
    event_file = runner / "event.json"
    event_file.write_text(json.dumps(event or {}))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "ALIBABA_CLOUD_", "ALICLOUD_"))}
    env.update(
        GITHUB_EVENT_PATH=str(event_file),
        GITHUB_EVENT_NAME="pull_request" if event and "pull_request" in event else "push",
        GITHUB_REPOSITORY="acme/infra",
        GITHUB_API_URL=forge.url,
        GITHUB_TOKEN=TOKEN,
        GITHUB_STEP_SUMMARY=str(runner / "summary.md"),
        GITHUB_OUTPUT=str(runner / "output.txt"),
        GITHUB_WORKSPACE=str(work),
        RUNNER_TEMP=str(runner),
        KMS_INFRACOST_CACHE_DIR=str(runner / "cache"),
        **{f"INPUT_{key.upper()}": value for key, value in inputs.items()},
    )
    if install is None:
        env.update(KMS_INFRACOST_BIN=f"{sys.executable} -m kms_infracost", PYTHONPATH=NO_NETWORK)
    else:
        env.update(GITHUB_ACTION_PATH=str(install), INPUT_PYTHON=sys.executable)
        env.pop("PYTHONPATH", None)
    done = subprocess.run(["bash", str(SCRIPT)], cwd=work, env=env, capture_output=True, text=True, check=False)
    assert TOKEN not in done.stdout + done.stderr
    return done, runner


def test_a_pull_request_over_its_limit_is_annotated_summarised_commented_and_fails(pull_request: tuple[Path, str]) -> None:
    work, base = pull_request
    event = {"action": "opened", "pull_request": {"number": 7, "base": {"sha": base, "ref": "main"}}}
    with running() as forge:
        done, runner = run_action(work, forge, event, path="infra")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("::error file=.kms-infracost.toml,") and "monthly_increase" in line for line in lines), done.stdout
    assert lines[-1] == (
        "::error::kms-infracost: a KMS cost threshold or rule failed (set fail-on-violations: false to report only)"
    )
    assert "kms-infracost: comment created: https://github.example/acme/infra/pull/7#issuecomment-" in done.stdout
    summary = (runner / "summary.md").read_text()
    assert summary.startswith("## KMS cost estimate (kms-infracost)\n\n**Monthly cost: 0.06 USD → 2.55 USD (+2.49 USD, +4,150.00%)**")
    (made,) = forge.comments(THREAD)
    assert made["body"] == "<!-- kms-infracost-comment -->\n" + summary
    report = runner / "kms-infracost" / "report.json"
    assert (runner / "output.txt").read_text() == f"report={report}\nexit-code=1\n"
    assert json.loads(report.read_text())["diff_total_monthly_cost"] == 2.49


def test_report_only_passes_and_updates_the_same_comment(pull_request: tuple[Path, str]) -> None:
    work, base = pull_request
    event = {"pull_request": {"number": 7, "base": {"sha": base}}}
    with running() as forge:
        first, _ = run_action(work, forge, event, path="infra", fail_on_violations="false")
        (work / "infra" / "main.tf").write_text(HEAD_TF.replace('"EC_P256"', '"RSA_2048"'))
        second, _ = run_action(work, forge, event, path="infra", fail_on_violations="false")
    assert (first.returncode, second.returncode) == (0, 0)
    assert "comment created" in first.stdout and "comment updated" in second.stdout
    (made,) = forge.comments(THREAD)
    assert "RSA_2048" in made["body"]


def test_an_error_fails_the_job_and_posts_nothing(pull_request: tuple[Path, str]) -> None:
    work, base = pull_request
    (work / ".kms-infracost.toml").write_text("[thresholds]\nmonthly_increase = 'lots'\n")
    with running() as forge:
        done, runner = run_action(work, forge, {"pull_request": {"number": 7, "base": {"sha": base}}}, path="infra")
    assert done.returncode == 2
    assert done.stderr.startswith("kms-infracost: error: ")
    assert done.stdout == "::error::kms-infracost diff failed (exit 2); see the line above\n"
    assert forge.requests == []
    assert not (runner / "summary.md").exists()


def test_outside_a_pull_request_it_summarises_without_commenting(pull_request: tuple[Path, str]) -> None:
    work, base = pull_request
    with running() as forge:
        done, runner = run_action(work, forge, {"ref": "refs/heads/feature"}, path="infra", base_ref=base, fail_on_violations="false")
    assert done.returncode == 0, done.stderr
    assert "kms-infracost: not a pull request event: no comment posted" in done.stdout
    assert forge.requests == []
    assert "+2.49 USD" in (runner / "summary.md").read_text()


def test_action_yml_runs_the_script_with_every_input() -> None:
    action = YAML(typ="safe").load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    (step,) = action["runs"]["steps"]
    assert step["run"] == '"$GITHUB_ACTION_PATH/scripts/github-action.sh"'
    names = {name.upper().replace("-", "_") for name in action["inputs"] if name != "github-token"}
    assert {key[len("INPUT_"):] for key in step["env"] if key.startswith("INPUT_")} == names
    assert step["env"]["GITHUB_TOKEN"] == "${{ inputs.github-token }}"
    script = SCRIPT.read_text()
    assert all(f"INPUT_{name}" in script for name in names)


@pytest.mark.network
@pytest.mark.package
def test_the_action_installs_the_tool_from_its_own_checkout(pull_request: tuple[Path, str], tmp_path: Path) -> None:
    from tests.test_package import SKIP_WHEN_COPYING

    checkout = tmp_path / "action"
    shutil.copytree(REPO, checkout, ignore=SKIP_WHEN_COPYING)
    work, base = pull_request
    with running() as forge:
        done, runner = run_action(work, forge, {"pull_request": {"number": 7, "base": {"sha": base}}}, install=checkout, path="infra")
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith(f"::group::install kms-infracost from {checkout}\n::endgroup::\n")
    assert (runner / "kms-infracost" / "venv" / "bin" / "kms-infracost").exists()
    assert "comment created" in done.stdout
    assert len(forge.comments(THREAD)) == 1
