"""Slips a user makes, caught with 'did you mean'; help that ends with exit codes; colour only on a terminal."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import NO_NETWORK, REPO, plan, run_cli

KEY_WITHOUT_REGION = 'provider "alicloud" {}\n\nresource "alicloud_kms_key" "k" {}\n'


@pytest.mark.parametrize("table", ["kms_infracost", "kmsinfracost", "kms-infracosts", "KMS-Infracost"])
def test_a_near_miss_pyproject_table_is_an_error_naming_the_right_one(tmp_path: Path, table: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "x"\n\n[tool.{table}]\nprice_book = "kms3-intl"\n')
    (tmp_path / "main.tf").write_text(KEY_WITHOUT_REGION)
    os.chdir(tmp_path)
    result = run_cli("check", "main.tf")
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        f"kms-infracost: error: {tmp_path / 'pyproject.toml'}:4: [tool.{table}] is not read: "
        "did you mean [tool.kms-infracost]?\n"
    )


def test_the_tool_table_inside_the_own_config_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / ".kms-infracost.toml").write_text("[tool.kms-infracost]\ndays_per_month = 31\n")
    result = run_cli("breakdown", plan("alias"), "--config", str(tmp_path / ".kms-infracost.toml"))
    assert result.code == 2
    assert "settings go at the top level, without a [tool.kms-infracost] table" in result.stderr


def test_a_near_miss_config_file_name_is_an_error(tmp_path: Path) -> None:
    (tmp_path / ".kms_infracost.toml").write_text('price_book = "kms3-intl"\n')
    os.chdir(tmp_path)
    result = run_cli("breakdown", plan("alias"))
    assert result.stderr == (
        f"kms-infracost: error: {tmp_path / '.kms_infracost.toml'}: this config file is not read: "
        "did you mean .kms-infracost.toml?\n"
    )


def test_a_region_one_edit_from_a_known_one_says_which(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(KEY_WITHOUT_REGION)
    doc = run_cli("breakdown", "--format", "json", "--region", "cn-hangzou", str(tmp_path)).json()
    (entry,) = [w for w in doc["warnings"] if w["code"] == "KI401"]
    assert entry["message"] == "region cn-hangzou is not in the region table (did you mean cn-hangzhou?); priced as mainland"
    text = run_cli("pricing", "--region", "ap-southeast-11").stdout
    assert "did you mean ap-southeast-1?" in text


def test_a_var_that_the_root_does_not_declare_names_the_closest(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('variable "key_spec" {\n  default = "Aliyun_AES_256"\n}\n' + KEY_WITHOUT_REGION)
    doc = run_cli("breakdown", "--format", "json", "--var", "key_spc=RSA_2048", str(tmp_path)).json()
    (entry,) = [w for w in doc["warnings"] if w["code"] == "KI208"]
    assert entry["message"] == "--var key_spc is not declared by this root module (did you mean key_spec?); ignored"


def test_a_usage_default_for_a_misspelt_type_names_the_closest(tmp_path: Path) -> None:
    usage = tmp_path / "u.yml"
    usage.write_text("version: 0.1\nresource_type_default_usage:\n  alicloud_kms_keys:\n    monthly_api_calls: 5\n")
    doc = run_cli("breakdown", "--format", "json", "--usage-file", str(usage), plan("alias")).json()
    (entry,) = [w for w in doc["warnings"] if w["code"] == "KI304"]
    assert entry["message"] == (
        "resource_type_default_usage for alicloud_kms_keys: no usage is read for this type (did you mean alicloud_kms_key?)"
    )
    assert entry["locations"] == [f"{usage}:3"]


def test_pricing_json_shows_the_book_asked_for_first_with_its_public_sources() -> None:
    doc = json.loads(run_cli("pricing", "--format", "json", "--price-book", "kms3-intl").stdout)
    assert [b["name"] for b in doc["books"]] == ["kms3-intl", "kms1-intl"]
    assert doc["price_book"] == "kms3-intl"
    assert all(s["url"].startswith("https://www.alibabacloud.com/") for b in doc["books"] for s in b["sources"])
    assert doc["books"][0]["subscription"][0] == {"kind": "software", "monthly_price": 500, "key_num": 1000, "spec": 1000}
    keys_first = json.loads(run_cli("pricing", "--format", "json").stdout)
    assert [b["name"] for b in keys_first["books"]] == ["kms1-intl", "kms3-intl"]


def test_pricing_text_shows_the_book_asked_for_first() -> None:
    text = run_cli("pricing", "--price-book", "kms3-intl").stdout
    assert text.startswith("Price book kms3-intl: ")
    assert text.index("Price book kms1-intl: ") > 0
    assert text.endswith("Available price books: kms-cn-2019, kms1-intl, kms3-intl\n")


def _commands() -> list[list[str]]:
    from kms_infracost.cli import cli

    out: list[list[str]] = [[]]
    for name, command in cli.commands.items():
        out.append([name])
        for sub in getattr(command, "commands", {}):
            out.append([name, sub])
    return out


@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c) or "kms-infracost")
def test_every_option_has_help(command: list[str]) -> None:
    import click

    from kms_infracost.cli import cli

    target: click.Command = cli
    for name in command:
        assert isinstance(target, click.Group)
        target = target.commands[name]
    missing = [p.name for p in target.params if isinstance(p, click.Option) and not p.help]
    assert missing == []


@pytest.mark.parametrize("command", [[], ["check"], ["breakdown"], ["diff"], ["pricing"]])
def test_help_ends_with_exit_codes_and_environment_variables(command: list[str]) -> None:
    text = run_cli(*command, "--help").stdout
    tail = text[text.index("Exit codes:"):]
    assert "  1  a threshold or rule failed" in tail
    assert "  2  the input or the command line is wrong" in tail
    assert tail.index("Environment variables:") > 0
    assert "NO_COLOR" in tail and "ALIBABA_CLOUD_REGION" in tail
    assert text.rstrip().endswith("SOURCE_DATE_EPOCH    the timestamp written in --format infracost-json")


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the CLI with stdout and stderr on a pseudo-terminal, as a person at a shell would."""
    leader, follower = pty.openpty()
    full_env = {**os.environ, "PYTHONPATH": NO_NETWORK, **env}
    full_env.pop("NO_COLOR", None) if "NO_COLOR" not in env else None
    process = subprocess.Popen(
        [sys.executable, "-m", "kms_infracost", *args], stdout=follower, stderr=follower, env=full_env, cwd=REPO
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not data:
            break
        chunks.append(data)
    process.wait()
    os.close(leader)
    return b"".join(chunks).decode()


FAILING = ["check", plan("seed_hsm_ec_p256_singapore"), "--max-per-key", "1"]


def test_colour_on_a_terminal() -> None:
    text = _on_a_terminal(FAILING, {})
    assert "\033[31m" in text  # the failure in red
    assert "\033[1mTOTAL monthly cost" in text
    assert "\033[33mwarning KI501" in _on_a_terminal([*FAILING, "--format", "sarif"], {})  # the warning in yellow


@pytest.mark.parametrize("how", ["NO_COLOR", "--no-color"])
def test_no_colour_when_asked(how: str) -> None:
    text = _on_a_terminal(FAILING + (["--no-color"] if how == "--no-color" else []), {"NO_COLOR": "1"} if how == "NO_COLOR" else {})
    assert "TOTAL monthly cost" in text and "\033[" not in text


def test_no_colour_when_piped() -> None:
    done = subprocess.run([sys.executable, "-m", "kms_infracost", *FAILING], capture_output=True, text=True, cwd=REPO, check=False,
                          env={**os.environ, "PYTHONPATH": NO_NETWORK})
    assert done.returncode == 1
    assert "TOTAL monthly cost" in done.stdout and "\033[" not in done.stdout
    done = subprocess.run([sys.executable, "-m", "kms_infracost", *FAILING, "--format", "json"], capture_output=True, text=True,
                          cwd=REPO, check=False, env={**os.environ, "PYTHONPATH": NO_NETWORK})
    assert "warning KI501" in done.stderr
    assert "\033[" not in done.stdout + done.stderr
