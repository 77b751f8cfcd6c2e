"""The HCL source parses what Terraform parses: comments wherever HCL allows them, Unicode names, exact lines.

python-hcl2 stays the parser; its grammar is patched (syntax.GRAMMAR_PATCHES) where it is narrower than HCL.
The plan fixture `hcl_comments_unicode` (planned by real terraform) is priced identically by test_hcl_parity.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PLANS, run_cli

from kms_infracost.errors import UserError
from kms_infracost.sources.hcl import load_hcl
from kms_infracost.sources.hcl.syntax import GRAMMAR_PATCHES, parse_file, patched_grammar


def test_every_grammar_patch_applies_to_the_installed_python_hcl2() -> None:
    _, applied = patched_grammar()
    assert applied == len(GRAMMAR_PATCHES) == 3


def test_comments_between_labels_and_before_values_keep_every_line(tmp_path: Path) -> None:
    body = parse_file(
        'resource /* a */ "alicloud_kms_key" /* b */ "k" /* c */ {\n'
        '  protection_level = /* d */ "HSM"\n'
        "  /* two\n     lines */ key_spec = \"RSA_2048\"\n"
        '  description = "/* not a comment */" # end\n'
        "}\n",
        "main.tf",
    )
    ((kind, labels, line, inner),) = body["b"]
    assert (kind, labels, line) == ("resource", ["alicloud_kms_key", "k"], 1)
    assert inner["a"] == {
        "protection_level": [["L", "HSM"], 2],
        "key_spec": [["L", "RSA_2048"], 4],
        "description": [["L", "/* not a comment */"], 5],
    }


def test_a_line_comment_between_labels_is_still_an_error_as_in_terraform() -> None:
    with pytest.raises(UserError) as caught:
        parse_file('resource "alicloud_kms_key" # no\n "k" {\n}\n', "main.tf")
    assert (caught.value.file, caught.value.line) == ("main.tf", 2)


def test_unicode_identifiers_are_names() -> None:
    body = parse_file('locals {\n  π = 3.14\n  clé_1-x = local.π\n}\n', "main.tf")
    assert body["b"][0][3]["a"] == {"π": [["N", "3.14"], 2], "clé_1-x": [["GA", ["V", "local"], "π"], 3]}


def test_a_name_may_not_start_with_a_digit() -> None:
    with pytest.raises(UserError):
        parse_file("locals {\n  1π = 3\n}\n", "main.tf")


def test_builtin_functions_may_be_called_by_their_core_name() -> None:
    body = parse_file('x = core::upper("a")\n', "main.tf")
    assert body["a"]["x"][0] == ["F", "core::upper", [["L", "a"]], False]


def test_the_issue_examples_price_the_hsm_key(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'locals { π = 3.14 }\n'
        'resource /* c */ "alicloud_kms_key" "k" {\n'
        '  protection_level = /* c */ "HSM"\n'
        "}\n",
        encoding="utf-8",
    )
    (key,) = load_hcl([str(tmp_path)], env={}, use_cache=False).resources
    assert (key.protection_level, key.file, key.line) == ("HSM", str(tmp_path / "main.tf"), 2)


def test_comments_and_unicode_fixture_prices_as_terraform_planned_it() -> None:
    hcl = run_cli("breakdown", str(PLANS / "hcl_comments_unicode"), "--format", "json")
    plan = run_cli("breakdown", str(PLANS / "hcl_comments_unicode" / "plan.json"), "--format", "json")
    assert hcl.code == plan.code == 0, hcl.stderr
    assert hcl.json()["total_monthly_cost"] == plan.json()["total_monthly_cost"]
    lines = {r["address"]: r["line"] for r in hcl.json()["resources"]}
    assert lines == {
        "alicloud_kms_key.hsm": 23,
        'alicloud_kms_key.par_équipe["paiement"]': 30,
        'alicloud_kms_key.par_équipe["recherche"]': 30,
    }


def test_syntax_errors_are_reported_in_the_blocks_read_and_not_in_blocks_skipped(tmp_path: Path) -> None:
    """What the README promises: errors in blocks kms-infracost reads exit 2 with file and line; an error
    inside another provider's resource is skipped unread (terraform validate reports it)."""
    (tmp_path / "main.tf").write_text(
        'resource "aws_instance" "web" {\n  ami = = "x"\n}\n'
        'resource "alicloud_kms_key" "k" {\n  protection_level = "HSM"\n}\n',
        encoding="utf-8",
    )
    skipped = run_cli("breakdown", str(tmp_path), "--format", "json")
    assert skipped.code == 0, skipped.stderr
    assert [r["protection_level"] for r in skipped.json()["resources"]] == ["HSM"]

    (tmp_path / "main.tf").write_text(
        'resource "aws_instance" "web" {\n  ami = "x"\n}\n'
        'resource "alicloud_kms_key" "k" {\n  protection_level = = "HSM"\n}\n',
        encoding="utf-8",
    )
    read = run_cli("breakdown", str(tmp_path))
    assert read.code == 2
    assert f"{tmp_path / 'main.tf'}:5: HCL syntax error" in read.stderr

    (tmp_path / "main.tf").write_text(
        'resource "aws_instance" "web" {\n  ami = "x"\n\n'
        'resource "alicloud_kms_key" "k" {\n  protection_level = "HSM"\n}\n',
        encoding="utf-8",
    )
    unbalanced = run_cli("breakdown", str(tmp_path))
    assert unbalanced.code == 2
    assert "HCL syntax error" in unbalanced.stderr


def test_a_module_call_with_comments_between_its_labels_is_a_call_not_a_second_root(tmp_path: Path) -> None:
    """The text pre-filter sees the call too, so ./m is priced once, through module.inner."""
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text('resource "alicloud_kms_key" "k" {\n  protection_level = "HSM"\n}\n')
    (tmp_path / "main.tf").write_text('module /* shared */ "inner" {\n  source = /* here */ "./m"\n}\n')
    result = run_cli("breakdown", str(tmp_path), "--format", "json")
    assert result.code == 0, result.stderr
    assert [r["address"] for r in result.json()["resources"]] == ["module.inner.alicloud_kms_key.k"]
