"""Projects: a monorepo in a real git repository, priced root by root with each root's own settings.

The repository (built fresh for each test):
- `live/prod` (depth 2) calls the shared local module `modules/kms` twice (an HSM key and a software key),
  has its own `.kms-infracost.toml` (monthly_per_key = 1) and its own `kms-infracost-usage.yml`
  (1,000,000 calls a month on the software key); `live/prod/.terraform/` holds a stray installed key;
- `live/staging/eu` (depth 3) declares two software keys with count;
- `tofu/` is an OpenTofu root: `main.tofu` replaces `main.tf` (which would declare an HSM key);
- the repository root's `.kms-infracost.toml` sets monthly_total = 5 for the roots without their own config.

kms1-intl prices (PRICING.md): software key 0.002 USD and HSM key 0.033 USD per version-day (30-day month:
0.06 and 0.99 USD), API calls 0.08 USD per 10,000 in mainland China regions.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import REPO, git, run_cli, run_subprocess

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

MODULE = """\
variable "hsm" {
  type    = bool
  default = false
}

resource "alicloud_kms_key" "this" {
  protection_level = var.hsm ? "HSM" : "SOFTWARE"
}
"""

PROD = """\
provider "alicloud" {
  region = "cn-hangzhou"
}

module "signing" {
  source = "../../modules/kms"
  hsm    = true
}

module "disk" {
  source = "../../modules/kms"
}
"""

STAGING = """\
provider "alicloud" {
  region = "eu-central-1"
}

resource "alicloud_kms_key" "app" {
  count = 2
}
"""

FILES = {
    "modules/kms/main.tf": MODULE,
    "live/prod/main.tf": PROD,
    "live/prod/.kms-infracost.toml": "[thresholds]\nmonthly_per_key = 1\n",
    "live/prod/kms-infracost-usage.yml": (
        "version: 0.1\nresource_usage:\n  module.disk.alicloud_kms_key.this:\n    monthly_api_calls: 1000000\n"
    ),
    "live/prod/.terraform/modules/stray/main.tf": 'resource "alicloud_kms_key" "stray" {\n  protection_level = "HSM"\n}\n',
    "live/staging/eu/main.tf": STAGING,
    "tofu/main.tf": 'resource "alicloud_kms_key" "old" {\n  protection_level = "HSM"\n}\n',
    "tofu/main.tofu": 'provider "alicloud" {\n  region = "ap-southeast-1"\n}\n\nresource "alicloud_kms_key" "new" {}\n',
    ".kms-infracost.toml": "[thresholds]\nmonthly_total = 5\n",
}


@pytest.fixture
def monorepo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = tmp_path / "infra"
    for name, text in FILES.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "monorepo")
    monkeypatch.chdir(repo)
    return repo


def totals(doc: dict) -> dict[str, Decimal]:  # type: ignore[type-arg]
    return {p["name"]: p["total_monthly_cost"] for p in doc["projects"]}


def test_a_repository_root_is_searched_for_roots_each_with_its_own_settings(monorepo: Path) -> None:
    result = run_cli("check", ".", "--format", "json")
    doc = result.json()
    assert totals(doc) == {"live/prod": Decimal("9.05"), "live/staging/eu": Decimal("0.12"), "tofu": Decimal("0.06")}
    assert doc["total_monthly_cost"] == Decimal("9.23")
    assert [(r["project"], r["address"], r["monthly_cost"]) for r in doc["resources"]] == [
        ("live/prod", "module.signing.alicloud_kms_key.this", Decimal("0.99")),
        ("live/prod", "module.disk.alicloud_kms_key.this", Decimal("8.06")),  # 0.06 + 100 x 0.08 from its usage file
        ("live/staging/eu", "alicloud_kms_key.app[0]", Decimal("0.06")),
        ("live/staging/eu", "alicloud_kms_key.app[1]", Decimal("0.06")),
        ("tofu", "alicloud_kms_key.new", Decimal("0.06")),
    ]
    # live/prod's own config caps each key; the root config's monthly_total (5) is not live/prod's
    assert [(v["project"], v["rule"], v["file"], v["line"]) for v in doc["violations"]] == [
        ("live/prod", "monthly_per_key", "modules/kms/main.tf", 6),
    ]
    assert result.code == 1


def test_the_table_groups_by_project_with_subtotals_and_names_the_failing_project(monorepo: Path) -> None:
    result = run_cli("check", "-q")
    lines = result.stdout.splitlines()
    assert [line.split()[-1] for line in lines if line.startswith("  subtotal")] == ["9.05", "0.12", "0.06"]
    assert "TOTAL monthly cost: 9.23 USD" in lines
    # failures first, located, naming the project
    assert lines[2] == (
        "modules/kms/main.tf:6: [monthly_per_key] module.disk.alicloud_kms_key.this costs 8.06 USD a month, "
        "over the per-key limit of 1.00 USD (project live/prod)"
    )
    assert lines[-1] == "1 check failed (monthly_per_key): listed at the top"


def test_a_changed_file_selects_only_its_projects(monorepo: Path) -> None:
    """What pre-commit passes: a root's file is that root; a shared module's file is every root calling it."""
    staging = run_cli("check", "-q", "live/staging/eu/main.tf", "--format", "json").json()
    assert totals(staging) == {"live/staging/eu": Decimal("0.12")}
    assert staging["violations"] == []
    shared = run_cli("check", "-q", "modules/kms/main.tf", "--format", "json").json()
    assert totals(shared) == {"live/prod": Decimal("9.05")}


def test_infracost_json_has_one_project_per_root(monorepo: Path) -> None:
    doc = json.loads(run_cli("breakdown", "-q", "--format", "infracost-json").stdout)
    assert [(p["name"], p["metadata"]["path"], p["breakdown"]["totalMonthlyCost"]) for p in doc["projects"]] == [
        ("live/prod", "live/prod", "9.05"), ("live/staging/eu", "live/staging/eu", "0.12"), ("tofu", "tofu", "0.06"),
    ]
    assert doc["totalMonthlyCost"] == "9.23"


def test_a_base_ref_diff_pairs_resources_by_project_and_address(monorepo: Path) -> None:
    (monorepo / "live/prod/main.tf").write_text(PROD.replace("hsm    = true", "hsm    = false"))
    with (monorepo / "live/staging/eu/main.tf").open("a") as handle:
        handle.write('\nresource "alicloud_kms_key" "extra" {}\n')
    doc = run_cli("diff", "-q", ".", "--base-ref", "main", "--format", "json").json()
    assert [(p["name"], p["past_total_monthly_cost"], p["total_monthly_cost"], p["diff_total_monthly_cost"])
            for p in doc["projects"]] == [
        ("live/prod", Decimal("9.05"), Decimal("8.12"), Decimal("-0.93")),
        ("live/staging/eu", Decimal("0.12"), Decimal("0.18"), Decimal("0.06")),
        ("tofu", Decimal("0.06"), Decimal("0.06"), Decimal(0)),
    ]
    assert [(r["project"], r["address"], r["action"], r["file"]) for r in doc["resources"]] == [
        ("live/prod", "module.signing.alicloud_kms_key.this", "replace", "modules/kms/main.tf"),  # HSM -> SOFTWARE
        ("live/prod", "module.disk.alicloud_kms_key.this", "no-op", "modules/kms/main.tf"),
        ("live/staging/eu", "alicloud_kms_key.app[0]", "no-op", "live/staging/eu/main.tf"),
        ("live/staging/eu", "alicloud_kms_key.app[1]", "no-op", "live/staging/eu/main.tf"),
        ("live/staging/eu", "alicloud_kms_key.extra", "create", "live/staging/eu/main.tf"),
        ("tofu", "alicloud_kms_key.new", "no-op", "tofu/main.tofu"),
    ]
    markdown = run_cli("diff", "-q", ".", "--base-ref", "main", "--format", "markdown").stdout
    assert "| replace | `live/prod` `module.signing.alicloud_kms_key.this` | 0.99 USD | 0.06 USD | -0.93 USD |" in markdown
    assert "| create | `live/staging/eu` `alicloud_kms_key.extra` | - | 0.06 USD | +0.06 USD |" in markdown
    assert "4 unchanged resources not listed." in markdown
    assert "| no-op |" not in markdown.split("<details>")[0]


def test_a_removed_key_is_a_delete_in_its_own_project(monorepo: Path) -> None:
    (monorepo / "live/staging/eu/main.tf").write_text(STAGING.replace("count = 2", "count = 1"))
    doc = run_cli("diff", "-q", "live", "--base-ref", "main", "--format", "json").json()
    changed = [(r["project"], r["address"], r["action"]) for r in doc["resources"] if r["action"] != "no-op"]
    assert changed == [("live/staging/eu", "alicloud_kms_key.app[1]", "delete")]
    assert doc["diff_total_monthly_cost"] == Decimal("-0.06")


def test_a_root_the_change_removes_is_a_project_whose_keys_are_deleted(monorepo: Path) -> None:
    shutil.rmtree(monorepo / "tofu")
    doc = run_cli("diff", "-q", ".", "--base-ref", "main", "--format", "json").json()
    assert [(p["name"], p["past_total_monthly_cost"], p["total_monthly_cost"]) for p in doc["projects"]][-1] == (
        "tofu", Decimal("0.06"), Decimal(0),
    )
    assert [(r["project"], r["address"], r["action"], r["file"]) for r in doc["resources"] if r["action"] != "no-op"] == [
        ("tofu", "alicloud_kms_key.new", "delete", "tofu/main.tofu"),
    ]


def test_the_hook_switch_compares_with_head(monorepo: Path) -> None:
    """hook_base_ref = "HEAD": keys already committed do not fail a commit; only what it adds is judged."""
    (monorepo / ".kms-infracost.toml").write_text(
        'hook_base_ref = "HEAD"\n[thresholds]\nmonthly_increase = 0.05\nmonthly_total = 0.1\n'
    )
    git(monorepo, "commit", "-q", "-am", "gate the change")
    assert run_cli("check", "-q", "live/staging/eu/main.tf").code == 0  # 0.12 over 0.1, but already there
    assert run_cli("check", "-q", "modules/kms/main.tf").code == 0  # live/prod's 8.06 key was there before
    with (monorepo / "live/staging/eu/main.tf").open("a") as handle:
        handle.write('\nresource "alicloud_kms_key" "extra" {\n  protection_level = "HSM"\n}\n')
    result = run_cli("check", "-q", "live/staging/eu/main.tf", "--format", "json")
    assert result.code == 1
    assert [(v["project"], v["rule"], v["actual"]) for v in result.json()["violations"]] == [
        ("live/staging/eu", "monthly_total", Decimal("1.11")),
        ("live/staging/eu", "monthly_increase", Decimal("0.99")),
    ]


def test_monthly_total_all_limits_the_sum_of_the_run(monorepo: Path) -> None:
    (monorepo / ".kms-infracost.toml").write_text("[thresholds]\nmonthly_total_all = 9\n")
    doc = run_cli("check", "-q", "--format", "json").json()
    assert [(v["rule"], v["actual"], v["limit"]) for v in doc["violations"] if v["rule"] == "monthly_total_all"] == [
        ("monthly_total_all", Decimal("9.23"), Decimal(9)),
    ]


def test_explicit_projects_replace_discovery(monorepo: Path) -> None:
    (monorepo / ".kms-infracost.toml").write_text(
        '[[projects]]\npath = "live/staging/eu"\nvars = { }\nthresholds = { monthly_total = 0.1 }\n'
    )
    result = run_cli("check", "-q", "--format", "json")
    doc = result.json()
    assert totals(doc) == {"live/staging/eu": Decimal("0.12")}
    assert [(v["project"], v["rule"]) for v in doc["violations"]] == [("live/staging/eu", "monthly_total")]


def test_exclude_path_leaves_folders_out(monorepo: Path) -> None:
    doc = run_cli("breakdown", "-q", "--exclude-path", "live/*", "--format", "json").json()
    assert totals(doc) == {"tofu": Decimal("0.06")}


@pytest.mark.parametrize(
    ("config", "args", "message"),
    [
        ('[[projects]]\npath = "../elsewhere"\n', (), "project 1: path '../elsewhere' is outside the repository"),
        ('[[projects]]\npath = "live/qa"\n', (), "project 1: path 'live/qa' does not exist"),
        ('[[projects]]\npath = "tofu"\n[[projects]]\npath = "./tofu/"\n', (), "project 2: path './tofu/' is already project 1"),
        ("", ("--exclude-path", "*"), "--exclude-path removes every Terraform folder under it"),
    ],
)
def test_bad_project_inputs_are_one_line_errors(monorepo: Path, config: str, args: tuple[str, ...], message: str) -> None:
    (monorepo.parent / "elsewhere").mkdir(exist_ok=True)
    (monorepo / ".kms-infracost.toml").write_text(config)
    result = run_subprocess("check", *args, cwd=str(monorepo))
    assert result.code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_kms_files_that_no_root_reads_are_never_a_silent_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "stacks" / "a").mkdir(parents=True)
    (tmp_path / "stacks" / "a" / "main.tf").write_text('module "k" {\n  source = "../keys"\n  count = 0\n}\n')
    (tmp_path / "stacks" / "keys").mkdir()
    (tmp_path / "stacks" / "keys" / "main.tf").write_text('resource "alicloud_kms_key" "k" {}\n')
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "stacks")
    assert result.code == 0
    assert (
        "stacks/keys/main.tf: warning KI210 mentions alicloud_kms but no root module found here reads it; "
        "name its root folder\n"
    ) in result.stderr
    assert run_cli("check", "--strict", "stacks").code == 1


def test_usage_init_writes_each_projects_own_file(monorepo: Path) -> None:
    result = run_cli("usage", "init", "live")
    assert result.code == 0
    assert result.stdout.splitlines() == [
        "live/prod/kms-infracost-usage.yml: added 1 entry: module.signing.alicloud_kms_key.this",
        "live/staging/eu/kms-infracost-usage.yml: added 1 entry: alicloud_kms_key.app[*]",
    ]
    assert "  'alicloud_kms_key.app[*]':\n" in (monorepo / "live/staging/eu/kms-infracost-usage.yml").read_text()
    again = run_cli("usage", "init", "live")
    assert again.stdout.splitlines()[1] == "live/staging/eu/kms-infracost-usage.yml: up to date (2 resources found)"


@pytest.mark.network
def test_pre_commit_on_one_roots_file_judges_only_that_root(monorepo: Path, tmp_path: Path) -> None:
    if shutil.which("pre-commit") is None:
        pytest.skip("pre-commit is not installed")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc-home"),
           "KMS_INFRACOST_CACHE_DIR": str(tmp_path / "kms-cache")}
    ran = subprocess.run(
        ["pre-commit", "try-repo", str(REPO), "kms-infracost", "--files", "live/staging/eu/main.tf", "--color", "never"],
        cwd=monorepo, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "Passed" in ran.stdout
    failing = subprocess.run(
        ["pre-commit", "try-repo", str(REPO), "kms-infracost", "--files", "modules/kms/main.tf", "--color", "never",
         "--verbose"],
        cwd=monorepo, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert failing.returncode == 1
    assert "over the per-key limit of 1.00 USD (project live/prod)" in failing.stdout


TF_HEADER = """\
terraform {
  required_providers {
    alicloud = {
      source = "aliyun/alicloud"
    }
  }
}

provider "alicloud" {
  region = "cn-hangzhou"
}
"""
TF_MODULE = """\
terraform {
  required_providers {
    alicloud = {
      source = "aliyun/alicloud"
    }
  }
}

variable "hsm" {
  type    = bool
  default = false
}

resource "alicloud_kms_key" "this" {
  protection_level = var.hsm ? "HSM" : "SOFTWARE"
}
"""


@pytest.fixture(scope="module")
def planned_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A root calling one local module twice, planned by real terraform against a state holding a software
    `alicloud_kms_key.main`; the configuration makes that key HSM (a replacement)."""
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not on PATH")
    import sys

    sys.path.insert(0, str(REPO / "tests" / "tfstub"))
    try:
        import regenerate  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    top = tmp_path_factory.mktemp("planned")
    app = top / "app"
    (app / "modules" / "kms").mkdir(parents=True)
    (app / "modules" / "kms" / "main.tf").write_text(TF_MODULE)
    calls = 'module "signing" {\n  source = "./modules/kms"\n  hsm    = true\n}\n\nmodule "disk" {\n  source = "./modules/kms"\n}\n'
    (app / "main.tf").write_text(TF_HEADER + "\n" + calls + '\nresource "alicloud_kms_key" "main" {\n  protection_level = "HSM"\n}\n')
    (app / "base").mkdir()
    (app / "base" / "main.tf").write_text(TF_HEADER + '\nresource "alicloud_kms_key" "main" {}\n')
    regenerate.generate(app, app)
    shutil.rmtree(app / "base")  # the state it was planned against; not a root of the repository
    return top


@pytest.mark.terraform
def test_a_plan_is_one_project_named_after_its_configuration_folder(
    planned_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(planned_root)
    doc = run_cli("diff", "-q", "app/plan.json", "--format", "json").json()
    assert [(p["name"], p["kind"], p["past_total_monthly_cost"], p["total_monthly_cost"]) for p in doc["projects"]] == [
        ("app", "plan", Decimal("0.06"), Decimal("2.04")),
    ]
    assert [(r["project"], r["address"], r["action"], r["file"]) for r in doc["resources"]] == [
        ("app", "alicloud_kms_key.main", "replace", "app/main.tf"),  # SOFTWARE -> HSM, as terraform plans it
        ("app", "module.disk.alicloud_kms_key.this", "create", "app/modules/kms/main.tf"),
        ("app", "module.signing.alicloud_kms_key.this", "create", "app/modules/kms/main.tf"),
    ]
    table = run_cli("diff", "-q", "app/plan.json").stdout
    assert "-/+ alicloud_kms_key.main" in table
    moved = planned_root / "plans"
    moved.mkdir(exist_ok=True)
    shutil.copy(planned_root / "app" / "plan.json", moved / "app.json")
    named = run_cli("breakdown", "-q", "plans/app.json", "--config-dir", "app", "--format", "json").json()
    assert [p["name"] for p in named["projects"]] == ["app"]  # the configuration folder, wherever the plan is


@pytest.mark.terraform
def test_the_code_and_its_plan_pair_as_one_project(planned_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """HCL now against the plan's after side: same project name, same addresses, nothing changes."""
    monkeypatch.chdir(planned_root)
    doc = run_cli("diff", "-q", "app", "--base-plan", "app/plan.json", "--format", "json").json()
    assert [p["name"] for p in doc["projects"]] == ["app"]
    assert {(r["address"], r["action"]) for r in doc["resources"]} == {
        ("alicloud_kms_key.main", "no-op"),
        ("module.signing.alicloud_kms_key.this", "no-op"),
        ("module.disk.alicloud_kms_key.this", "no-op"),
    }
    assert doc["diff_total_monthly_cost"] == 0


def test_the_hook_switch_in_a_repository_without_commits_compares_with_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "main.tf").write_text(STAGING)
    (tmp_path / ".kms-infracost.toml").write_text('hook_base_ref = "HEAD"\n[thresholds]\nmonthly_increase = 0.1\n')
    git(tmp_path, "init", "-q")
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "-q", "main.tf", "--format", "json")
    assert result.code == 1
    assert [(v["rule"], v["actual"]) for v in result.json()["violations"]] == [("monthly_increase", Decimal("0.12"))]
    assert "hook_base_ref" in result.stderr


def test_what_no_book_prices_is_listed_for_every_project(monorepo: Path) -> None:
    for name in ("live/staging/eu/main.tf", "tofu/main.tofu"):
        with (monorepo / name).open("a") as handle:
            handle.write('\nresource "alicloud_kms_value_added_service" "audit" {}\n')
    doc = run_cli("breakdown", "-q", "--format", "json").json()
    assert [(u["project"], u["address"]) for u in doc["unpriced"]] == [
        ("live/staging/eu", "alicloud_kms_value_added_service.audit"),
        ("tofu", "alicloud_kms_value_added_service.audit"),
    ]


def test_an_explicit_project_sets_its_variables_var_files_and_price_book(monorepo: Path) -> None:
    (monorepo / "live/staging/eu/main.tf").write_text(
        STAGING.replace("count = 2", "count = var.n") + 'variable "n" {\n  type = number\n}\n'
        + 'variable "hsm" {\n  type = bool\n}\n'
        + 'resource "alicloud_kms_key" "h" {\n  count            = var.hsm ? 1 : 0\n  protection_level = "HSM"\n}\n'
    )
    (monorepo / "live/staging/eu/hsm.tfvars").write_text("hsm = true\n")
    (monorepo / ".kms-infracost.toml").write_text(
        '[[projects]]\npath = "live/staging/eu"\nvars = { n = 3 }\nvar_files = ["live/staging/eu/hsm.tfvars"]\n'
        'price_book = "kms-cn-2019"\n'
    )
    doc = run_cli("breakdown", "-q", "--format", "json").json()
    assert [p["price_book"] for p in doc["projects"]] == ["kms-cn-2019"]
    assert [r["address"] for r in doc["resources"]] == [
        "alicloud_kms_key.app[0]", "alicloud_kms_key.app[1]", "alicloud_kms_key.app[2]", "alicloud_kms_key.h[0]",
    ]
    assert doc["currency"] == "CNY"
