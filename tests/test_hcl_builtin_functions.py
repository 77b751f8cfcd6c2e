"""Every pure built-in function of Terraform evaluates as Terraform 1.11 evaluates it.

The expected values in tests/data/terraform_functions.json were written by real terraform
(`python tests/support/terraform_functions.py`); when terraform is on PATH, one test asks it again so the file
cannot drift from what terraform says.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import PLANS, run_cli

from kms_infracost.sources.hcl import functions
from kms_infracost.sources.hcl.evaluate import Evaluator
from kms_infracost.sources.hcl.syntax import parse_expression
from kms_infracost.sources.hcl.values import EvalError, TfSet, Unknown, is_number

sys.path.insert(0, str(Path(__file__).parent / "support"))
from terraform_functions import load_cases, terraform_results

CASES = load_cases()
#: Terraform 1.11's own list (`terraform metadata functions -json`), without the core:: spellings
TERRAFORM_FUNCTIONS = frozenset(
    ["abs", "abspath", "alltrue", "anytrue", "base64decode", "base64encode", "base64gzip", "base64sha256", "base64sha512", "basename", "bcrypt", "can", "ceil", "chomp", "chunklist", "cidrhost", "cidrnetmask", "cidrsubnet", "cidrsubnets", "coalesce", "coalescelist", "compact", "concat", "contains", "csvdecode", "dirname", "distinct", "element", "endswith", "ephemeralasnull", "file", "filebase64", "filebase64sha256", "filebase64sha512", "fileexists", "filemd5", "fileset", "filesha1", "filesha256", "filesha512", "flatten", "floor", "format", "formatdate", "formatlist", "indent", "index", "issensitive", "join", "jsondecode", "jsonencode", "keys", "length", "log", "lookup", "lower", "matchkeys", "max", "md5", "merge", "min", "nonsensitive", "one", "parseint", "pathexpand", "plantimestamp", "pow", "range", "regex", "regexall", "replace", "reverse", "rsadecrypt", "sensitive", "setintersection", "setproduct", "setsubtract", "setunion", "sha1", "sha256", "sha512", "signum", "slice", "sort", "split", "startswith", "strcontains", "strrev", "substr", "sum", "templatefile", "templatestring", "textdecodebase64", "textencodebase64", "timeadd", "timecmp", "timestamp", "title", "tobool", "tolist", "tomap", "tonumber", "toset", "tostring", "transpose", "trim", "trimprefix", "trimspace", "trimsuffix", "try", "upper", "urlencode", "uuid", "uuidv5", "values", "yamldecode", "yamlencode", "zipmap"]
)
#: evaluated by the evaluator itself: they need the unevaluated argument expressions
SPECIAL_FORMS = frozenset({"try", "can", "issensitive", "templatestring"})


def ev(text: str) -> Any:
    return Evaluator(None).value(parse_expression(text, "<test>"))


def matches(ours: Any, kind: Any, theirs: Any) -> bool:
    """Our value against Terraform's JSON value and type (sets must be sets, numbers exact)."""
    if theirs is None:
        return ours is None
    if kind == "string":
        return isinstance(ours, str) and ours == theirs
    if kind == "bool":
        return ours is theirs
    if kind == "number":
        return is_number(ours) and Decimal(str(ours)) == Decimal(str(theirs))
    if kind == "dynamic":
        return ours is None
    outer, inner = kind
    if outer in ("list", "set", "tuple"):
        if outer == "set" and not isinstance(ours, TfSet):
            return False
        if outer != "set" and (isinstance(ours, TfSet) or not isinstance(ours, (list, tuple))):
            return False
        kinds = inner if outer == "tuple" else [inner] * len(theirs)
        return len(ours) == len(theirs) and all(matches(o, k, t) for o, k, t in zip(ours, kinds, theirs))
    if outer in ("map", "object"):
        if not isinstance(ours, dict) or sorted(ours) != sorted(theirs):
            return False
        return all(matches(ours[key], inner[key] if outer == "object" else inner, theirs[key]) for key in theirs)
    return False


@pytest.mark.parametrize("case", CASES, ids=[c["expr"][:60] for c in CASES])
def test_function_gives_what_terraform_gives(case: dict[str, Any]) -> None:
    expected = case["terraform"]
    if expected.get("error"):
        with pytest.raises(EvalError):
            ev(case["expr"])
        return
    value = ev(case["expr"])
    assert matches(value, expected["type"], expected["value"]), (value, expected["value"])


def test_every_terraform_function_is_evaluated_or_a_stated_unknown() -> None:
    known = set(functions.FUNCTIONS) | SPECIAL_FORMS | set(functions.NOT_EVALUATED)
    assert sorted(TERRAFORM_FUNCTIONS - known) == []
    tested = {name for name in TERRAFORM_FUNCTIONS for case in CASES if case["expr"].startswith(name + "(")}
    # templatestring needs a reference to a module value, so terraform checks it in a plan fixture instead
    fixture = (PLANS / "hcl_builtin_functions" / "main.tf").read_text(encoding="utf-8")
    tested |= {name for name in TERRAFORM_FUNCTIONS if re.search(rf"\b{name}\(", fixture)}
    assert sorted(TERRAFORM_FUNCTIONS - tested - set(functions.NOT_EVALUATED)) == []


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('file("x.txt")', "reads files"),
        ("timestamp()", "changes on every run"),
        ("plantimestamp()", "changes on every run"),
        ('bcrypt("x")', "changes on every run"),
        ('base64gzip("x")', "Go's compressor"),
        ('abspath("x")', "depends on where it runs"),
    ],
)
def test_file_clock_and_random_functions_are_stated_unknowns(text: str, why: str) -> None:
    value = ev(text)
    assert isinstance(value, Unknown)
    assert why in value.reason


def test_core_namespace_spelling_is_the_same_function() -> None:
    assert ev('core::upper("hsm")') == "HSM"
    assert ev('core::try(tonumber("x"), 2)') == 2


def test_provider_functions_are_stated_unknowns() -> None:
    value = ev('provider::alicloud::anything("x")')
    assert isinstance(value, Unknown)
    assert value.reason == "provider function provider::alicloud::anything() is not evaluated by kms-infracost"


@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH")
def test_the_expected_values_are_still_what_terraform_says() -> None:
    results = terraform_results([case["expr"] for case in CASES])
    stale = [case["expr"] for case, result in zip(CASES, results) if case["terraform"] != result]
    assert stale == []


def test_the_cases_file_records_the_terraform_that_wrote_it() -> None:
    document = json.loads((Path(__file__).parent / "data" / "terraform_functions.json").read_text(encoding="utf-8"))
    assert document["terraform_version"] == "1.11.4"
    assert all("terraform" in case for case in document["cases"])


def test_nonsensitive_protection_level_prices_hsm_and_setproduct_count_prices_six_keys() -> None:
    """The issue's two examples: 0.99 USD for the HSM key (not 0.06), six keys (not one)."""
    result = run_cli("breakdown", str(PLANS / "hcl_builtin_functions"), "--format", "json")
    assert result.code == 0, result.stderr
    costs = {r["address"]: r["monthly_cost"] for r in result.json()["resources"]}
    assert costs["alicloud_kms_key.unmasked"] == Decimal("0.99")
    assert sorted(a for a in costs if a.startswith("alicloud_kms_key.grid")) == [
        f"alicloud_kms_key.grid[{i}]" for i in range(6)
    ]
    assert {costs[f"alicloud_kms_key.grid[{i}]"] for i in range(6)} == {Decimal("0.99")}
    assert "not supported" not in result.stderr


def test_templatestring_renders_a_reference_with_only_its_variables(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'locals {\n  t = "Aliyun_$${x}"\n}\n'
        'resource "alicloud_kms_key" "k" {\n  key_spec = templatestring(local.t, { x = "SM4" })\n}\n',
        encoding="utf-8",
    )
    from kms_infracost.sources.hcl import load_hcl

    (key,) = load_hcl([str(tmp_path)], env={}, use_cache=False).resources
    assert key.key_spec == "Aliyun_SM4"
    with pytest.raises(EvalError, match="must be a reference"):
        ev('templatestring("${x}", {x = 1})')
