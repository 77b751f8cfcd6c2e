"""Exit codes and messages: 0 within limits, 1 over a threshold, 2 for bad input — one line, no traceback."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import USAGE, plan, run_cli, run_subprocess

D = Decimal


def test_check_passes_under_both_limits() -> None:
    result = run_cli("check", plan("seed_hsm_ec_p256_singapore"), "--max-total", "2.49", "--max-per-key", "2.49")
    assert result.code == 0
    assert "TOTAL monthly cost: 2.49 USD" in result.stdout
    assert "failed" not in result.stdout


def test_check_fails_over_the_per_key_limit_naming_key_amount_and_limit() -> None:
    result = run_cli("check", plan("seed_hsm_ec_p256_singapore"), "--max-per-key", "2.48")
    assert result.code == 1
    assert (
        "[monthly_per_key] alicloud_kms_key.signing costs 2.49 USD a month, over the per-key limit of 2.48 USD"
        in result.stdout
    )


def test_check_fails_over_the_total_limit() -> None:
    result = run_cli("check", plan("count_and_for_each"), "--max-total", "1.22")
    assert result.code == 1
    assert "[monthly_total] total KMS cost 1.23 USD a month is over the limit of 1.22 USD" in result.stdout


def test_thresholds_from_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.kms-infracost]\nprice_book = "kms-cn-2019"\n'
        "[tool.kms-infracost.thresholds]\nmonthly_total = 19.79\n"
    )
    nested = tmp_path / "infra" / "prod"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    result = run_cli("check", "--format", "json", plan("cn_hangzhou_three_keys"), "--usage-file", str(USAGE / "china-three-keys.yml"))
    assert result.code == 1
    report = result.json()
    assert report["total_monthly_cost"] == D("19.8")
    (violation,) = report["violations"]
    assert (violation["rule"], violation["actual"], violation["limit"]) == ("monthly_total", D("19.8"), D("19.79"))


def test_thresholds_from_kms_infracost_toml_and_flag_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".kms-infracost.toml").write_text("[thresholds]\nmonthly_per_key = 0.05\n")
    monkeypatch.chdir(tmp_path)
    assert run_cli("check", plan("default_software_key")).code == 1
    assert run_cli("check", plan("default_software_key"), "--max-per-key", "0.06").code == 0


def test_breakdown_never_fails_on_thresholds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".kms-infracost.toml").write_text("[thresholds]\nmonthly_per_key = 1\n")
    monkeypatch.chdir(tmp_path)
    assert run_cli("breakdown", plan("seed_hsm_ec_p256_singapore")).code == 0  # the shared config's limits
    assert run_cli("check", plan("seed_hsm_ec_p256_singapore")).code == 1


@pytest.mark.parametrize(
    ("command", "flag", "message"),
    [
        ("breakdown", "--max-per-key", "breakdown never fails, so --max-per-key would do nothing; use `kms-infracost check --max-per-key …`"),
        ("breakdown", "--max-increase", "breakdown never fails, so --max-increase would do nothing; use `kms-infracost check --max-increase …`"),
        ("diff", "--max-total", "diff applies only the increase limits (--max-increase, --max-increase-percent) and rules; --max-total would do nothing: use `kms-infracost check --max-total …`"),
    ],
)
def test_a_limit_the_command_never_applies_is_an_error(command: str, flag: str, message: str) -> None:
    result = run_cli(command, plan("seed_hsm_ec_p256_singapore"), flag, "1")
    assert (result.code, result.stdout, result.stderr) == (2, "", f"kms-infracost: error: {message}\n")


def test_breakdown_refuses_strict() -> None:
    result = run_cli("breakdown", plan("alias"), "--strict")
    assert result.code == 2 and "use `kms-infracost check --strict`" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "json", "--format", "sarif"], "--format json and --format sarif would all go to stdout, one after the other; pair each --format with an --out-file in order (- for the one on stdout)"),
        (["--format", "json", "--out-file", "-", "--format", "table", "--out-file", "-"], "--format json and --format table would all go to stdout, one after the other; pair each --format with an --out-file in order (- for the one on stdout)"),
        (["--format", "json", "--out-file", "a.json", "--out-file", "b.json"], "2 --out-file for 1 --format; give one --format per --out-file, in the same order"),
    ],
)
def test_formats_and_out_files_that_do_not_pair_are_an_error(args: list[str], message: str) -> None:
    result = run_cli("check", plan("alias"), *args)
    assert (result.code, result.stdout, result.stderr) == (2, "", f"kms-infracost: error: {message}\n")
    assert not Path("a.json").exists()


def test_soft_fail_reports_but_exits_zero() -> None:
    result = run_cli("check", plan("seed_hsm_ec_p256_singapore"), "--max-per-key", "1", "--soft-fail")
    assert result.code == 0
    assert "[monthly_per_key]" in result.stdout


def test_out_file_gets_the_report_and_stdout_stays_empty(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run_cli("check", "--format", "json", "--out-file", str(out), plan("seed_hsm_basic_singapore"))
    assert result.code == 0 and result.stdout == ""
    assert json.loads(out.read_text(), parse_float=D)["total_monthly_cost"] == D("0.99")


def test_two_formats_each_to_its_own_place(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = run_cli("breakdown", "--format", "json", "--format", "table", "--out-file", str(out), plan("alias"))
    assert json.loads(out.read_text())["total_monthly_cost"] == 0.06
    assert "TOTAL monthly cost: 0.06 USD" in result.stdout


def test_pricing_prints_the_book_and_the_column_for_a_region() -> None:
    result = run_cli("pricing", "--price-book", "kms-cn-2019", "--region", "cn-shanghai-finance-1")
    assert result.code == 0
    assert "currency        CNY" in result.stdout
    assert "effective date  2019-08-26" in result.stdout
    assert "account-wide free quota: 20,000 calls per month" in result.stdout
    assert "Region cn-shanghai-finance-1: class finance, price column finance" in result.stdout


def _bad(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notjson.json", b"resource_changes = []\n", "notjson.json:1: is not valid JSON (Expecting value, column 1); give the output of `terraform show -json PLAN`"),
        ("empty.json", b"", "empty.json: is empty; expected the output of `terraform show -json PLAN`"),
        ("list.json", b"[1, 2]", "list.json: is JSON but not a Terraform plan (no format_version)"),
        ("future.json", b'{"format_version": "2.0", "resource_changes": []}', "future.json: plan format_version 2.0 is not supported (this version reads 1.x)"),
        ("state.json", b'{"format_version": "1.0", "values": {}}', "state.json: has no resource_changes: it looks like state, not a plan"),
        ("binary.json", b"\x00\xff\xfe\x00garbage", "binary.json: is not UTF-8 text (byte 1); expected plan JSON"),
    ],
)
def test_bad_plan_files_exit_2_with_one_line(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = _bad(tmp_path, name, content)
    result = run_cli("check", path)
    assert result.code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("kms-infracost: error: ")
    assert message in line
    assert "Traceback" not in result.stderr


def test_missing_path_exits_2() -> None:
    result = run_cli("check", "/nonexistent/plan.json")
    assert (result.code, result.stderr) == (2, "kms-infracost: error: /nonexistent/plan.json: no such file or directory\n")


def test_unknown_config_key_names_the_closest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".kms-infracost.toml").write_text('price_bok = "kms1-intl"\n')
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", plan("alias"))
    assert result.code == 2
    assert result.stderr == (
        f"kms-infracost: error: {tmp_path / '.kms-infracost.toml'}: unknown config key 'price_bok' (did you mean 'price_book'?)\n"
    )


def test_unknown_threshold_names_the_closest(tmp_path: Path) -> None:
    config = tmp_path / "k.toml"
    config.write_text("[thresholds]\nmonthly_totl = 5\n")
    result = run_cli("check", "--config", str(config), plan("alias"))
    assert result.code == 2
    assert "unknown threshold 'monthly_totl' (did you mean 'monthly_total'?)" in result.stderr


def test_usage_file_that_is_not_yaml(tmp_path: Path) -> None:
    usage = _bad(tmp_path, "usage.yml", b"version: 0.1\nresource_usage:\n  alicloud_kms_key.disk: [unclosed\n")
    result = run_cli("check", plan("seed_hsm_basic_singapore"), "--usage-file", usage)
    assert result.code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"kms-infracost: error: {usage}:4: usage file is not valid YAML")


def test_negative_usage_names_the_line(tmp_path: Path) -> None:
    usage = _bad(tmp_path, "usage.yml", b"version: 0.1\nresource_usage:\n  alicloud_kms_key.disk:\n    monthly_api_calls: -5\n")
    result = run_cli("check", plan("seed_hsm_basic_singapore"), "--usage-file", usage)
    assert result.code == 2
    assert f"{usage}:4: alicloud_kms_key.disk.monthly_api_calls: expected a non-negative number" in result.stderr


def test_usage_for_an_address_that_does_not_exist_warns_with_the_closest(tmp_path: Path) -> None:
    usage = _bad(tmp_path, "usage.yml", b"version: 0.1\nresource_usage:\n  alicloud_kms_key.dsk:\n    monthly_api_calls: 5\n")
    result = run_cli("check", plan("seed_hsm_basic_singapore"), "--usage-file", usage, "-v")  # -v: lines never cut
    assert result.code == 0
    assert (
        f"{usage}:3: warning KI301 usage for alicloud_kms_key.dsk matches no resource "
        "(did you mean 'alicloud_kms_key.disk'?)"
    ) in result.stderr.splitlines()


def test_unknown_price_book() -> None:
    result = run_cli("check", plan("alias"), "--price-book", "kms1-intll")
    assert result.code == 2
    assert "unknown price book 'kms1-intll' (did you mean 'kms1-intl'?)" in result.stderr


def test_nothing_is_written_when_the_input_is_bad(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("previous report\n")
    bad = _bad(tmp_path, "bad.json", b"{")
    assert run_cli("check", "--format", "json", "--out-file", str(out), bad).code == 2
    assert out.read_text() == "previous report\n"


def test_as_a_subprocess_exit_codes_and_no_traceback(tmp_path: Path) -> None:
    ok = run_subprocess("check", plan("seed_hsm_basic_singapore"), "--usage-file", str(USAGE / "seed1-disk-encryption.yml"))
    assert ok.code == 0
    assert "TOTAL monthly cost: 0.99 USD" in ok.stdout
    over = run_subprocess("check", plan("seed_hsm_basic_singapore"), "--max-total", "0.5")
    assert over.code == 1
    bad = run_subprocess("check", _bad(tmp_path, "x.json", b"not json"))
    assert bad.code == 2 and "Traceback" not in bad.stderr and len(bad.stderr.splitlines()) == 1


def test_binary_plan_without_terraform_is_a_clear_error(tmp_path: Path) -> None:
    binary = _bad(tmp_path, "tfplan", b"PK\x03\x04" + b"\x00" * 40)
    result = run_subprocess("check", binary, env={"PATH": "/nonexistent"})
    assert result.code == 2
    assert "is a binary plan file and terraform is not on PATH" in result.stderr
