"""The real pre-commit running this checkout's hooks in a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, plan

pytestmark = [pytest.mark.skipif(shutil.which("git") is None, reason="needs git"), pytest.mark.network]

CHEAP = """\
provider "alicloud" {
  region = "ap-southeast-1"
}

resource "alicloud_kms_key" "app" {
  description = "software key: 0.06 USD a month"
}
"""

EXPENSIVE = CHEAP + """
resource "alicloud_kms_key" "signing" {
  description      = "HSM advanced: 2.49 USD a month"
  protection_level = "HSM"
  key_spec         = "EC_P256"
}
"""

NO_KMS = """\
resource "alicloud_vpc" "main" {
  vpc_name   = "main"
  cidr_block = "10.0.0.0/16"
}
"""


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One hook environment for the module: pre-commit installs this checkout into it once."""
    if shutil.which("pre-commit") is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    return tmp_path_factory.mktemp("pre-commit-home")


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA_CLOUD_", "ALICLOUD_"))}
    env.update(
        PRE_COMMIT_HOME=str(home),
        GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com",
        KMS_INFRACOST_CACHE_DIR=str(home / "kms-cache"),
    )
    return env


def _repo(tmp_path: Path, home: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "infra-repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True, env=_env(home))
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {REPO}\n"
        "    rev: HEAD\n"
        "    hooks:\n"
        "      - id: kms-infracost\n"
    )
    (repo / ".kms-infracost.toml").write_text("[thresholds]\nmonthly_per_key = 1\nmonthly_total = 2\n")
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=_env(home))
    subprocess.run(["git", "commit", "-q", "-m", "infra"], cwd=repo, check=True, env=_env(home))
    return repo


def _try_repo(repo: Path, home: Path, hook: str = "kms-infracost") -> subprocess.CompletedProcess[str]:
    """`pre-commit try-repo` runs the hooks of this checkout as it is now (changes to tracked files included)."""
    return subprocess.run(
        ["pre-commit", "try-repo", str(REPO), hook, "--all-files", "--color", "never"],
        cwd=repo, env=_env(home), capture_output=True, text=True, timeout=600, check=False,
    )


def test_hook_passes_on_a_cheap_configuration(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = _repo(tmp_path, pre_commit_home, {"infra/main.tf": CHEAP})
    result = _try_repo(repo, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KMS cost (kms-infracost)" in result.stdout and "Passed" in result.stdout


def test_hook_fails_on_an_expensive_configuration_and_prints_the_violation(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = _repo(tmp_path, pre_commit_home, {"infra/main.tf": EXPENSIVE})
    result = _try_repo(repo, pre_commit_home)
    assert result.returncode == 1
    assert "Failed" in result.stdout
    assert "[monthly_per_key] alicloud_kms_key.signing costs 2.49 USD a month, over the per-key limit of 1.00 USD" in result.stdout
    assert "[monthly_total] total KMS cost 2.55 USD a month is over the limit of 2.00 USD" in result.stdout


def test_hook_passes_when_no_file_has_kms_resources(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = _repo(tmp_path, pre_commit_home, {"network/main.tf": NO_KMS, "network/variables.tf": 'variable "x" {}\n'})
    result = _try_repo(repo, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(no KMS resources found)" in result.stdout or "Passed" in result.stdout


def test_plan_hook_on_a_committed_plan(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = _repo(tmp_path, pre_commit_home, {"plans/tfplan.json": Path(plan("seed_hsm_ec_p256_singapore")).read_text()})
    result = _try_repo(repo, pre_commit_home, "kms-infracost-plan")
    assert result.returncode == 1
    assert "[monthly_per_key] alicloud_kms_key.signing costs 2.49 USD a month" in result.stdout


def test_committed_config_runs_with_pre_commit_run(tmp_path: Path, pre_commit_home: Path) -> None:
    """The .pre-commit-config.yaml a team commits: `pre-commit run --all-files` against this checkout's HEAD."""
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False)
    if head.returncode != 0:
        pytest.skip("this checkout has no commit yet")
    hooks_at_head = subprocess.run(["git", "cat-file", "-e", "HEAD:.pre-commit-hooks.yaml"], cwd=REPO, check=False)
    if hooks_at_head.returncode != 0:
        pytest.skip(".pre-commit-hooks.yaml is not committed yet")
    repo = _repo(tmp_path, pre_commit_home, {"infra/main.tf": EXPENSIVE})
    config = (repo / ".pre-commit-config.yaml").read_text().replace("rev: HEAD", f"rev: {head.stdout.strip()}")
    (repo / ".pre-commit-config.yaml").write_text(config)
    result = subprocess.run(
        ["pre-commit", "run", "--all-files", "--color", "never"],
        cwd=repo, env=_env(pre_commit_home), capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "alicloud_kms_key.signing costs 2.49 USD a month" in result.stdout
