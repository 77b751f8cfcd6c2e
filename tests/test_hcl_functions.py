"""Expressions and built-in functions evaluate as Terraform evaluates them (values from `terraform console`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kms_infracost.sources.hcl import load_hcl
from kms_infracost.sources.hcl.evaluate import Evaluator
from kms_infracost.sources.hcl.syntax import parse_expression
from kms_infracost.sources.hcl.values import EvalError, TfSet, Unknown


def ev(text: str) -> Any:
    return Evaluator(None).value(parse_expression(text, "<test>"))


CASES = [
    # the functions the issue names
    ('length(["a", "b", "c"])', 3),
    ('length({a = 1, b = 2})', 2),
    ('length("kms")', 3),
    ('toset(["b", "a", "b"])', TfSet(["a", "b"])),
    ('tolist(toset(["b", "a"]))', ["a", "b"]),
    ('tomap({a = "x"})', {"a": "x"}),
    ('merge({a = 1, b = 2}, {b = 3}, {c = 4})', {"a": 1, "b": 3, "c": 4}),
    ('lookup({a = "x"}, "a", "d")', "x"),
    ('lookup({a = "x"}, "b", "d")', "d"),
    ('concat(["a"], ["b", "c"], [])', ["a", "b", "c"]),
    ('flatten([["a", ["b"]], [], ["c"]])', ["a", "b", "c"]),
    ('keys({b = 1, a = 2})', ["a", "b"]),
    ('values({b = 1, a = 2})', [2, 1]),
    ("range(3)", [0, 1, 2]),
    ("range(1, 4)", [1, 2, 3]),
    ("range(10, 0, -4)", [10, 6, 2]),
    ('format("%s-%03d-%v", "key", 7, true)', "key-007-true"),
    ('format("%.2f%%", 12.345)', "12.34%"),  # terraform 1.11 says 12.34 (a float64 rounds it down)
    ('join(",", ["a", "b"], ["c"])', "a,b,c"),
    ('split(",", "a,b,,c")', ["a", "b", "", "c"]),
    ('lower("HSM")', "hsm"),
    ('upper("hsm")', "HSM"),
    ('replace("a-b-c", "-", "_")', "a_b_c"),
    ('replace("key-123", "/[0-9]+/", "n")', "key-n"),
    ('try(local_map["missing"], "fallback")', "fallback"),
    ('try({a = 1}.b, {a = 1}.a)', 1),
    ('can({a = 1}.b)', False),
    ('can(tonumber("12"))', True),
    ('coalesce("", null, "x", "y")', "x"),
    ('contains(["a", "b"], "b")', True),
    ('contains(["a", "b"], "c")', False),
    ('element(["a", "b", "c"], 4)', "b"),
    ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
    ('distinct(["a", "b", "a", "c"])', ["a", "b", "c"]),
    ("min(3, 1, 2)", 1),
    ("max(3, 1.5, 2)", 3),
    ("tostring(5)", "5"),
    ("tostring(true)", "true"),
    ('tonumber("7")', 7),
    ('tonumber("1.5")', Decimal("1.5")),
    ('jsonencode({b = [1, "x"], a = null})', '{"a":null,"b":[1,"x"]}'),
    # more functions real configurations use
    ('compact(["a", "", "b"])', ["a", "b"]),
    ('coalescelist([], ["x"])', ["x"]),
    ('formatlist("k-%s", ["a", "b"])', ["k-a", "k-b"]),
    ('trimspace("  x ")', "x"),
    ('substr("Aliyun_AES_256", 0, 6)', "Aliyun"),
    ('title("kms key")', "Kms Key"),
    ('one(["x"])', "x"),
    ("one([])", None),
    ('sum([1, 2, 3.5])', Decimal("6.5")),
    ('setsubtract(["a", "b"], ["a"])', TfSet(["b"])),
    ('startswith("alicloud_kms_key", "alicloud_kms")', True),
    ('index(["a", "b"], "b")', 1),
    ('jsondecode("{\\"a\\": [1, 2.5]}")', {"a": [1, Decimal("2.5")]}),
    # operators and expressions
    ("1 + 2 * 3", 7),
    ("7 / 2", Decimal("3.5")),
    ("7 % 3", 1),
    ('"3" + 1', 4),
    ("!(1 > 2) && 2 >= 2", True),
    ('"a" == "a" ? "yes" : "no"', "yes"),
    ("1 == \"1\"", False),
    ('[for s in ["a", "b"] : upper(s)]', ["A", "B"]),
    ('[for i, s in ["a", "b"] : "${i}${s}" if s != "a"]', ["1b"]),
    ('{for k, v in {a = 1, b = 2} : v => k}', {"1": "a", "2": "b"}),
    ('{for s in ["x", "y", "x"] : s => 1...}', {"x": [1, 1], "y": [1]}),
    ('[{a = 1}, {a = 2}][*].a', [1, 2]),
    ('{a = [{b = 1}]}.a[0].b', 1),
    ('"k-${1 + 1}-%{ if true }on%{ else }off%{ endif }"', "k-2-on"),
    ('"%{ for k in ["a", "b"] }${k};%{ endfor }"', "a;b;"),
    ('"$${literal}"', "${literal}"),
    ('"${true}"', True),  # a lone interpolation keeps its type
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_expression(text: str, expected: Any) -> None:
    value = ev(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    "text",
    ['lookup({a = 1}, "b")', 'element([], 0)', '["a"][3]', "tonumber(\"x\")", '{a = 1}.b', 'coalesce("", null)',
     'zipmap(["a"], [])', "1 / 0"],
)
def test_errors_are_eval_errors(text: str) -> None:
    with pytest.raises(EvalError):
        ev(text)


@pytest.mark.parametrize("text", ['file("x.txt")', "timestamp()", "uuid()", 'templatefile("t", {})'])
def test_functions_that_read_files_or_the_clock_are_unknown(text: str) -> None:
    assert isinstance(ev(text), Unknown)


def test_a_function_terraform_does_not_have_is_unknown_with_a_reason() -> None:
    value = ev('cidrsplit("10.0.0.0/8", 8, 1)')
    assert isinstance(value, Unknown)
    assert value.reason == "function cidrsplit() is not supported"


def test_functions_in_a_configuration(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        """
provider "alicloud" {
  region = lookup(local.regions, terraform.workspace, "cn-beijing")
}

locals {
  regions = { default = "cn-shenzhen" }
  teams   = distinct(concat(["pay", "search"], split(",", "pay,risk")))
  specs   = zipmap(local.teams, [for t in local.teams : t == "pay" ? "RSA_2048" : "Aliyun_AES_256"])
  hsm     = toset([for t in local.teams : t if contains(["pay", "risk"], t)])
}

resource "alicloud_kms_key" "team" {
  for_each = local.specs

  key_spec         = each.value
  protection_level = contains(local.hsm, each.key) ? "HSM" : "SOFTWARE"
  description      = format("%s key (%d of %d)", upper(each.key), index(keys(local.specs), each.key) + 1, length(local.specs))
  tags             = merge({ for t in local.teams : "team_${t}" => tostring(t == each.key) }, { Spec = each.value })
}
""",
        encoding="utf-8",
    )
    found = {r.address: r for r in load_hcl([str(tmp_path)], env={}).resources}
    assert {a: (r.region, r.key_spec, r.protection_level) for a, r in found.items()} == {  # type: ignore[attr-defined]
        'alicloud_kms_key.team["pay"]': ("cn-shenzhen", "RSA_2048", "HSM"),
        'alicloud_kms_key.team["risk"]': ("cn-shenzhen", "Aliyun_AES_256", "HSM"),
        'alicloud_kms_key.team["search"]': ("cn-shenzhen", "Aliyun_AES_256", "SOFTWARE"),
    }
    assert found['alicloud_kms_key.team["risk"]'].tags == {
        "team_pay": "false", "team_search": "false", "team_risk": "true", "Spec": "Aliyun_AES_256",
    }
