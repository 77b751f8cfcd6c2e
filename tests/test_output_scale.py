"""What people read at scale: a 250-key repository in the terminal and the hook, a 5,000-key PR comment."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli

PROVIDER = 'provider "alicloud" {\n  region = "cn-hangzhou"\n}\n'


def _repository_of_250_keys(folder: Path) -> list[str]:
    """A count = 200 block of software keys plus 50 HSM keys in 50 files; the HSM keys are over a per-key limit."""
    (folder / "main.tf").write_text(PROVIDER + '\nresource "alicloud_kms_key" "many" {\n  count = 200\n}\n')
    files = ["main.tf"]
    for i in range(1, 51):
        name = f"hsm_{i:02d}.tf"
        (folder / name).write_text(f'resource "alicloud_kms_key" "hsm_{i:02d}" {{\n  protection_level = "HSM"\n}}\n')
        files.append(name)
    (folder / ".kms-infracost.toml").write_text("[thresholds]\nmonthly_per_key = 0.5\n")
    return files


def test_a_failing_hook_run_over_250_keys_is_short_and_locates_every_failure() -> None:
    files = _repository_of_250_keys(Path.cwd())
    result = run_cli("check", *files)  # what pre-commit passes: the changed files
    assert result.code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 74
    failures = [f"hsm_{i:02d}.tf:1: [monthly_per_key] alicloud_kms_key.hsm_{i:02d} costs 0.99 USD a month, "
                "over the per-key limit of 0.50 USD" for i in range(1, 51)]
    assert lines[2:52] == failures  # first, one line each, file:line
    assert lines[53:] == [
        "Most expensive of 250                 Region, spec                        USD/mo",
        "-" * 80,
        "+ alicloud_kms_key.many[0..199] ×200  cn-hangzhou SOFTW…E Aliyun_AES_256   12.00",
        "+ alicloud_kms_key.hsm_01             cn-hangzhou HSM Aliyun_AES_256        0.99",
        "+ alicloud_kms_key.hsm_02             cn-hangzhou HSM Aliyun_AES_256        0.99",
        "+ alicloud_kms_key.hsm_03             cn-hangzhou HSM Aliyun_AES_256        0.99",
        "+ alicloud_kms_key.hsm_04             cn-hangzhou HSM Aliyun_AES_256        0.99",
        "-" * 80,
        "(51 rows in the full table: -v shows it, --format json has every resource)",
        "TOTAL monthly cost: 61.50 USD",
        "250 key(s) priced at 0 API calls (no usage given): set monthly_api_calls in a usage file to include them.",
        "",
        "KMS 1.0 reached end of service on 2025-09-30: 250 keys outside a KMS instance (50 HSM), 61.50 USD a month today.",
        "  kms3-payg-hardware: 495.00 USD a month (cheapest)",
        "  kms3-payg-software+kms3-payg-hardware: 630.00 USD a month, 2 instances",
        "  kms3-subscription-software+kms3-payg-hardware: 815.00 USD a month, 2 instances",
        "  kms3-subscription-hardware: 1,799.00 USD a month",
        "  kms3-payg-software+kms3-subscription-hardware: 2,114.00 USD a month, 2 instances",
        "  kms3-subscription-software+kms3-subscription-hardware: 2,299.00 USD a month, 2 instances",
        "  break-even at 0 QPS, one version per key: software: subscription from 406 keys; hardware: pay-as-you-go at any key count",
        "50 checks failed (monthly_per_key): listed at the top",
    ]
    assert max(len(x) for x in lines) <= 160
    # one end-of-service summary for the run, never a note per key: the table's block (stderr's KI501 line
    # would say it a second time in the hook's output)
    assert result.stderr == ""
    assert result.stdout.count("end of service") == 1  # the run's one migration block, never a note per key


def test_verbose_shows_the_full_table_with_instances_collapsed() -> None:
    files = _repository_of_250_keys(Path.cwd())
    lines = run_cli("check", "-v", *files).stdout.splitlines()
    many = [x for x in lines if "alicloud_kms_key.many" in x]
    assert many == ["+ alicloud_kms_key.many[0..199] ×200     cn-hangzhou SOFTWARE Aliyun_AES_256      12.00"]
    assert sum(1 for x in lines if x.startswith("+ alicloud_kms_key.hsm_")) == 50
    assert "    Key hosting (software, basic), each  30 version-day x 0.002                    0.06" in lines


def test_a_short_table_fits_80_columns() -> None:
    Path("main.tf").write_text(PROVIDER + 'resource "alicloud_kms_key" "k" {\n  protection_level = "HSM"\n}\n')
    lines = run_cli("breakdown", "main.tf").stdout.splitlines()
    start = lines.index(next(x for x in lines if x.startswith("Resource")))
    table = lines[start:lines.index("TOTAL monthly cost: 0.99 USD")]
    assert len(table) == 6 and max(len(x) for x in table) <= 80


def test_the_pr_comment_for_a_generated_plan_of_5000_keys(tmp_path: Path) -> None:
    import importlib.util
    import json
    import re

    from tests.conftest import REPO

    spec = importlib.util.spec_from_file_location("bench_plans", REPO / "benchmarks" / "plans.py")
    assert spec and spec.loader
    plans = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plans)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plans.build(100_000)))  # 5% of the resources are keys: 5,000
    result = run_cli("check", str(path), "--format", "markdown", "--max-per-key", "0.5")
    text = result.stdout
    assert result.code == 1
    assert len(text.encode("utf-16-le")) // 2 <= 65_536
    assert text.startswith("## KMS cost estimate (kms-infracost)\n\n**Monthly cost: 1,850.31 USD**\n")
    # counts agree with what is shown: each cut table says how many rows the JSON report has beyond it
    failed = int(re.search(r"### ([\d,]+) checks failed", text).group(1).replace(",", ""))  # type: ignore[union-attr]
    listed = text.count("- `monthly_per_key`:")
    more = re.search(r"_([\d,]+) more violations in the JSON report", text)
    assert more and listed + int(more.group(1).replace(",", "")) == failed == 1_667
    # the end of service is said once, in the migration block, not again among the assumptions
    assert "Assumptions and unpriced items" not in text and "KI501" not in text
    assert text.count("KMS 1.0 reached end of service on 2025-09-30: 5,000 keys outside a KMS instance") == 1
    assert text.index("### 1,667 checks failed") < text.index("### Resources") < text.index("<details>")


def test_the_readme_shows_a_real_failing_hook_run_and_its_comment(monkeypatch: object) -> None:
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = readme.split("$ kms-infracost check infra/main.tf infra/ledger.tf infra/payments.tf\n", 1)[1].split("```", 1)[0]
    comment = readme.split("```markdown\n## KMS cost estimate", 1)[1].split("\n```\n", 1)[0]
    root = Path.cwd()
    (root / "infra").mkdir()
    (root / "infra" / "main.tf").write_text(PROVIDER + '\nresource "alicloud_kms_key" "disks" {\n  count = 60\n}\n')
    for name in ("payments", "ledger"):
        (root / "infra" / f"{name}.tf").write_text(f'resource "alicloud_kms_key" "{name}" {{\n  protection_level = "HSM"\n}}\n')
    (root / ".kms-infracost.toml").write_text("[thresholds]\nmonthly_per_key = 0.5\n")
    files = ("infra/main.tf", "infra/ledger.tf", "infra/payments.tf")
    result = run_cli("check", *files)
    assert result.code == 1
    assert shown == result.stderr + result.stdout
    assert "## KMS cost estimate" + comment + "\n" == run_cli("check", *files, "--format", "markdown").stdout
