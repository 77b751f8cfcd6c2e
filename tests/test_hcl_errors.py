"""Input a user can fix is one line on stderr and exit 2: never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, run_cli, run_subprocess

from kms_infracost.errors import UserError
from kms_infracost.sources.hcl import load_hcl

HCL = REPO / "fixtures" / "hcl"


def test_syntax_error_names_file_line_and_what_the_parser_expected() -> None:
    with pytest.raises(UserError) as err:
        load_hcl([str(HCL / "syntax_error")], env={})
    assert (err.value.file, err.value.line) == (str(HCL / "syntax_error" / "main.tf"), 7)
    assert err.value.message.startswith("HCL syntax error at column 18: a quoted string is not closed")


def test_syntax_error_exits_2_with_file_and_line_in_one_line() -> None:
    result = run_subprocess("check", str(HCL / "syntax_error"))
    assert result.code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"kms-infracost: error: {HCL / 'syntax_error' / 'main.tf'}:7: HCL syntax error")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('resource "alicloud_kms_key" "k" {\n  description = "x"\n', 2, "end of file"),
        ('resource "alicloud_kms_key" "k" {\n  key_spec = = "x"\n}\n', 2, "unexpected"),
        ('resource "alicloud_kms_key" "k" {\n  tags = { a = 1 \n}\n', 3, "unexpected end of file; expected }"),
        ('locals {\n  a = 1\n}\nresource "alicloud_kms_key" "k" {\n  x = [1, 2\n}\n', 6, "unexpected"),
    ],
)
def test_syntax_errors_point_at_the_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_hcl([str(tmp_path)], env={})
    assert err.value.line == line
    assert words in err.value.message
    assert "\n" not in err.value.one_line()


def test_binary_file_is_a_clear_error() -> None:
    result = run_cli("check", str(HCL / "binary_file"))
    assert result.code == 2
    assert result.stderr == (
        f"kms-infracost: error: {HCL / 'binary_file' / 'main.tf'}: is a binary file, not Terraform text; "
        "remove it or give it another extension\n"
    )


def test_invalid_utf8_is_a_clear_error_with_its_line() -> None:
    result = run_cli("check", str(HCL / "invalid_utf8"))
    assert result.code == 2
    assert result.stderr == (
        f"kms-infracost: error: {HCL / 'invalid_utf8' / 'main.tf'}:2: is not valid UTF-8 (byte 0xe9 at offset 54); "
        "Terraform reads configuration as UTF-8: re-save the file as UTF-8\n"
    )


def test_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    import os

    target = tmp_path / "main.tf"
    target.write_text('resource "alicloud_kms_key" "k" {}\n', encoding="utf-8")
    target.chmod(0)
    try:
        if os.access(target, os.R_OK):
            pytest.skip("running as a user who can read any file")
        with pytest.raises(UserError) as err:
            load_hcl([str(tmp_path)], env={})
        assert err.value.message == "cannot read: Permission denied"
        assert err.value.file == str(target)
    finally:
        target.chmod(0o644)


def test_broken_tfvars_is_a_syntax_error_in_that_file(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "r" {}\nprovider "alicloud" {\n  region = var.r\n}\nresource "alicloud_kms_key" "k" {}\n',
        encoding="utf-8",
    )
    (tmp_path / "terraform.tfvars").write_text('r = "cn-hangzhou"\nq = \n', encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_hcl([str(tmp_path)], env={})
    assert err.value.file == str(tmp_path / "terraform.tfvars")
    assert "syntax error" in err.value.message


def test_broken_json_config_names_line(tmp_path: Path) -> None:
    (tmp_path / "main.tf.json").write_text('{\n  "resource": {\n    "alicloud_kms_key": {,\n}\n', encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_hcl([str(tmp_path)], env={})
    assert (err.value.file, err.value.line) == (str(tmp_path / "main.tf.json"), 3)


def test_nothing_in_a_broken_file_without_kms_is_parsed(tmp_path: Path) -> None:
    """A file that cannot matter is never parsed, so its errors are Terraform's to report, not ours."""
    (tmp_path / "main.tf").write_text('resource "alicloud_vpc" "v" {\n  cidr = = 1\n}\n', encoding="utf-8")
    assert load_hcl([str(tmp_path)], env={}).resources == []


def test_expression_errors_become_explicit_unknowns(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'provider "alicloud" {\n  region = "cn-hangzhou"\n}\n'
        'locals {\n  specs = { a = "RSA_2048" }\n}\n'
        'resource "alicloud_kms_key" "k" {\n  key_spec = local.specs["missing"]\n}\n',
        encoding="utf-8",
    )
    inventory = load_hcl([str(tmp_path)], env={})
    (key,) = inventory.resources
    assert key.assumptions == [
        ("key_spec unknown until apply (cannot be evaluated: the map has no key 'missing'); assumed Aliyun_AES_256 "
        '(provider default)')
    ]


def test_a_module_calling_its_own_directory_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "alicloud_kms_key" "k" {}\n\nmodule "again" {\n  source = "./"\n}\n', encoding="utf-8"
    )
    with pytest.raises(UserError) as err:
        load_hcl([str(tmp_path)], env={})
    assert (err.value.file, err.value.line) == (str(tmp_path / "main.tf"), 3)
    assert "module cycle" in err.value.message


def test_a_function_called_with_wrong_arguments_is_an_unknown_that_says_so(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "alicloud_kms_key" "k" {\n  key_spec = upper()\n}\n', encoding="utf-8")
    (key,) = load_hcl([str(tmp_path)], env={"ALIBABA_CLOUD_REGION": "cn-hangzhou"}).resources
    assert key.assumptions == [
        ("key_spec unknown until apply (cannot be evaluated: upper() was given 0 argument(s), which it does not "
        'take); assumed Aliyun_AES_256 (provider default)')
    ]
