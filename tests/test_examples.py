"""The CI recipes in examples/ are valid YAML and their kms-infracost commands run on a real fixture."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import PLANS, REPO, git, run_cli
from tests.fake_forge import running


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml", "pre-commit-config.yaml"])
def test_example_is_yaml(name: str) -> None:
    assert YAML(typ="safe").load((REPO / "examples" / name).read_text())


@pytest.mark.loopback
def test_gitlab_example_command_runs_against_the_target_branch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import xml.etree.ElementTree as ET

    job = YAML(typ="safe").load((REPO / "examples" / "gitlab-ci.yml").read_text())["kms-cost"]
    assert job["artifacts"]["reports"]["junit"] == "kms-cost.xml"
    (command,) = [line for line in job["script"] if line.startswith("kms-infracost diff")]
    command = " ".join(command.split()).replace("$CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main")
    assert command.endswith(" || status=$?")
    args = shlex.split(command.removesuffix(" || status=$?"))
    assert args[:2] == ["kms-infracost", "diff"]

    (tmp_path / "infra").mkdir()
    main_tf = tmp_path / "infra" / "main.tf"
    main_tf.write_text('provider "alicloud" {\n  region = "cn-hangzhou"\n}\nresource "alicloud_kms_key" "a" {}\n')
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "update-ref", "refs/remotes/origin/main", "HEAD")  # what `git fetch origin main` leaves
    main_tf.write_text(main_tf.read_text() + 'resource "alicloud_kms_key" "b" {\n  protection_level = "HSM"\n}\n')
    git(tmp_path, "commit", "-q", "-am", "HSM key")
    monkeypatch.chdir(tmp_path)
    result = run_cli(*args[1:], "--max-increase", "0.5")
    assert result.code == 1
    assert "raises the KMS cost by 0.99 USD a month (0.06 USD -> 1.05 USD)" in result.stdout
    suites = ET.parse(tmp_path / "kms-cost.xml").getroot()
    assert (suites.tag, suites.get("failures")) == ("testsuites", "1")
    (failure,) = suites.iter("failure")
    assert "raises the KMS cost by 0.99 USD" in (failure.get("message") or "")

    (comment,) = [shlex.split(line) for line in job["script"] if line.startswith("kms-infracost comment")]
    assert comment[:3] == ["kms-infracost", "comment", "gitlab"]
    with running() as forge:
        env = {"GITLAB_TOKEN": forge.token, "CI_SERVER_URL": forge.url, "CI_PROJECT_ID": "42", "CI_MERGE_REQUEST_IID": "3"}
        posted = run_cli(*comment[1:], env=env)
    assert posted.code == 0, posted.stderr
    (note,) = forge.comments("gitlab:42!3")
    assert note["body"].startswith("<!-- kms-infracost-comment -->\n## KMS cost estimate (kms-infracost)\n")
    assert "raises the KMS cost by 0.99 USD" in note["body"]
    assert job["script"][-1] == 'exit "${status:-0}"'


def test_pre_commit_snippet_names_the_published_hooks() -> None:
    snippet = YAML(typ="safe").load((REPO / "examples" / "pre-commit-config.yaml").read_text())
    hooks = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text())
    (repo,) = snippet["repos"]
    assert {h["id"] for h in repo["hooks"]} <= {h["id"] for h in hooks}
    args = repo["hooks"][0]["args"]
    result = run_cli("check", *args, str(PLANS / "seed_hsm_ec_p256_singapore" / "plan.json"))
    assert result.code == 0  # 2.49 USD is under both of the snippet's limits


@pytest.mark.parametrize(
    ("name", "matches"),
    [
        ("plan.json", True), ("tfplan.json", True), ("infra/plan.json", True), ("plans/prod.tfplan.json", True),
        ("prod-plan.json", True), ("plan_prod.json", True), ("live/prod.plan.json", True),
        ("plants.json", False), ("explanation.json", False), ("airplane.json", False), ("planet-x.json", False),
        ("plan.json.bak", False), ("plan.yaml", False), ("docs/plan.md", False),
    ],
)
def test_the_plan_hook_picks_plan_files_only(name: str, matches: bool) -> None:
    import re

    hooks = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text())
    (plan_hook,) = [h for h in hooks if h["id"] == "kms-infracost-plan"]
    assert bool(re.search(plan_hook["files"], name)) is matches  # pre-commit matches with re.search


def _pinned_commit(rev: str, needs: str) -> None:
    """The example pins a commit (or tag) that exists in this repository and has the file it relies on."""
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    assert rev != "main" and len(rev) == 40, rev
    done = subprocess.run(["git", "cat-file", "-e", f"{rev}:{needs}"], cwd=REPO, capture_output=True, check=False)
    assert done.returncode == 0, f"{rev} has no {needs} in this repository"


def test_the_github_example_uses_this_repositorys_action_at_a_pinned_commit() -> None:
    workflow = YAML(typ="safe").load((REPO / "examples" / "github-actions.yml").read_text())
    action = YAML(typ="safe").load((REPO / "action.yml").read_text())
    (step,) = [s for s in workflow["jobs"]["kms-cost"]["steps"] if "kms-infracost@" in s.get("uses", "")]
    _pinned_commit(step["uses"].split("@", 1)[1], "action.yml")
    assert set(step["with"]) <= set(action["inputs"])
    assert workflow["permissions"]["pull-requests"] == "write"


def test_the_pre_commit_example_pins_a_commit_with_the_hooks_and_says_how_to_update() -> None:
    text = (REPO / "examples" / "pre-commit-config.yaml").read_text()
    (repo,) = YAML(typ="safe").load(text)["repos"]
    _pinned_commit(repo["rev"], ".pre-commit-hooks.yaml")
    assert "pre-commit autoupdate" in text


def test_the_gitlab_example_installs_a_pinned_commit_with_the_comment_command() -> None:
    job = YAML(typ="safe").load((REPO / "examples" / "gitlab-ci.yml").read_text())["kms-cost"]
    _pinned_commit(job["variables"]["KMS_INFRACOST_REF"], "kms_infracost/comment/cli.py")
