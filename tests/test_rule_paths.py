"""JSONPath rules evaluated over a real estimate document: where each match points, what it says, and the
exact error for each kind of bad path, at the length and descent limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from kms_infracost import model
from kms_infracost.document import estimate_document
from kms_infracost.errors import UserError
from kms_infracost.policy.rules import MAX_DESCENTS, MAX_PATH_LENGTH, evaluate_rules
from tests.conftest import plan, run_cli
from tests.pricing_inputs import key, price


def document() -> dict:  # type: ignore[type-arg]
    resources: list[model.Resource] = [
        key("module.a.alicloud_kms_key.x", module_address="module.a", protection_level="HSM", file="a/main.tf", line=4),
        key("alicloud_kms_key.root", file="main.tf", line=1),
    ]
    return estimate_document(price(resources))


def found(path: str, **extra: str) -> list[tuple[str, str | None, str, str, str | None, int | None]]:
    violations = evaluate_rules([{"id": "r1", "path": path, "message": "m", **extra}], document())
    return [(v.rule, v.address, v.message, v.severity, v.file, v.line) for v in violations]


def error(path: str) -> str:
    with pytest.raises(UserError) as caught:
        evaluate_rules([{"id": "r1", "path": path, "message": "m"}], document())
    return str(caught.value)


def test_a_match_inside_a_resource_points_at_the_resource() -> None:
    assert found("$.resources[?(@.monthly_cost > 0.98)].cost_components[0]") == [
        ("r1", "module.a.alicloud_kms_key.x", "module.a.alicloud_kms_key.x: m", "error", "a/main.tf", 4)
    ]
    assert found("$.resources[?(@.monthly_cost < 0.1)]", severity="warning") == [
        ("r1", "alicloud_kms_key.root", "alicloud_kms_key.root: m", "warning", "main.tf", 1)
    ]


def test_a_module_match_names_the_module_or_the_root_module() -> None:
    assert found("$.modules[?(@.keys >= 1)]") == [
        ("r1", None, "the root module: m", "error", None, None),
        ("r1", None, "module.a: m", "error", None, None),
    ]


def test_a_match_outside_any_resource_is_the_message_alone() -> None:
    assert found("$.total_monthly_cost") == [("r1", None, "m", "error", None, None)]
    # a module's key count is a number inside the module, not a module match: no module name
    assert found("$.modules[?(@.address == 'module.a')].keys") == [("r1", None, "m", "error", None, None)]
    assert found("$.resources[?(@.monthly_cost > 100)]") == []


def test_path_length_limit_at_and_one_over() -> None:
    at_limit = "$.resources[?(@.name == '" + "x" * (MAX_PATH_LENGTH - 28) + "')]"
    assert len(at_limit) == MAX_PATH_LENGTH
    assert found(at_limit) == []
    assert error(at_limit[:-3] + "x')]") == "rule r1: path is 2,001 characters long; the limit is 2,000"


def test_recursive_descent_limit_at_and_one_over() -> None:
    assert MAX_DESCENTS == 2
    assert found("$..resources..monthly_cost") != []
    assert error("$..resources..cost_components..name") == (
        "rule r1: path uses recursive descent (..) 3 times; at most 2 are allowed so a rule cannot make evaluation explode"
    )


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("$.a`foo`", "Parse error at 1:7 near token foo (NAMED_OPERATOR)"),  # the parser's own error
        ("$.a#", "Error on line 1, col 3: Unexpected character: # "),  # the lexer's
        ("$.a.`split(`", "split( is not valid"),  # a plain Exception from an extension
    ],
)
def test_a_path_that_does_not_parse_names_the_rule_and_the_path(path: str, reason: str) -> None:
    assert error(path) == f"rule r1: path {path!r} does not parse: {reason}"


def test_a_path_that_cannot_be_evaluated_names_the_rule() -> None:
    assert error("$.days_per_month.`sub(/a/, b)`") == "rule r1: path cannot be evaluated: expected string or bytes-like object, got 'int'"


def test_a_path_within_the_length_limit_that_nests_deeper_than_the_stack_names_the_rule(tmp_path: Path) -> None:
    deep = "$" + ".a" * 999
    assert len(deep) < MAX_PATH_LENGTH
    assert error(deep) == "rule r1: path nests too deeply to evaluate; shorten it"
    config = tmp_path / "kms.toml"
    config.write_text(f'[[rules]]\nid = "deep"\npath = "{deep}"\nmessage = "m"\n')
    result = run_cli("check", "--config", str(config), plan("alias"))
    assert (result.code, result.stderr) == (2, "kms-infracost: error: rule deep: path nests too deeply to evaluate; shorten it\n")


@pytest.mark.parametrize(
    ("path", "normal"),
    [
        ("$.r[?(@.a == 1 & @.b == 2)]", "$.r[?(@.a == 1 && @.b == 2)]"),  # a lone & becomes &&
        ("$.r[?(@.a&@.b)]", "$.r[?(@.a&&@.b)]"),
        ("$.r[?(@.a && @.b)]", "$.r[?(@.a && @.b)]"),  # && stays
        ("$.r[?(@.a &&& @.b)]", "$.r[?(@.a &&& @.b)]"),  # a longer run is left for the parser to refuse
        ("$.r[?(@.a == 'R&D' & @.b)]", "$.r[?(@.a == 'R&D' && @.b)]"),  # not inside single quotes
        ('$.r[?(@.a == "x&y" & @.b)]', '$.r[?(@.a == "x&y" && @.b)]'),  # nor double quotes
        ("$.r[?(@.a == 'it\\'s & so' & @.b)]", "$.r[?(@.a == 'it\\'s & so' && @.b)]"),  # an escaped quote stays inside
        ("$.r[?(@.a == \"'\" & @.b == '\"')]", "$.r[?(@.a == \"'\" && @.b == '\"')]"),  # the other quote inside
        ("$.r[?(@.a == 'x\\\\' & @.b)]", "$.r[?(@.a == 'x\\\\' && @.b)]"),  # an escaped backslash ends nothing
        ("$.r[?(@.a == 'open & end\\", "$.r[?(@.a == 'open & end\\"),  # a trailing backslash in an open string
        ("a&", "a&&"),
        ("&", "&&"),
        ("", ""),
    ],
)
def test_normalise_path_writes_a_lone_ampersand_as_two_outside_strings(path: str, normal: str) -> None:
    from kms_infracost.policy.rules import normalise_path

    assert normalise_path(path) == normal


def test_normalise_path_treats_only_quote_characters_as_quotes() -> None:
    from kms_infracost.policy.rules import normalise_path

    assert normalise_path("$.r[?(@.X == 1 & @.b)]") == "$.r[?(@.X == 1 && @.b)]"
