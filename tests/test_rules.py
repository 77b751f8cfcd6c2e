"""JSONPath rules from the config, evaluated over the JSON report."""

from __future__ import annotations

import warnings
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import PLANS, REPO, plan, run_cli

README_RULES = """\
[[rules]]
id = "no-hsm-outside-prod"
path = "$.resources[?(@.protection_level == 'HSM' && @.tags.env != 'prod')]"
message = "HSM keys cost 16x software keys; use them only in prod"

[[rules]]
id = "no-advanced-without-rotation"
path = "$.resources[?(@.spec_class == 'advanced' && @.automatic_rotation != 'Enabled')]"
message = "advanced keys must rotate (asymmetric keys cannot: use a basic spec or skip with a reason)"
severity = "warning"

[[rules]]
id = "max-keys-per-module"
path = "$.modules[?(@.keys > 3)]"
message = "more than 3 keys in one module instance"
"""


def config(tmp_path: Path, text: str) -> str:
    path = tmp_path / ".kms-infracost.toml"
    path.write_text(text)
    return str(path)


def test_the_readme_rules_on_a_module_used_twice(tmp_path: Path) -> None:
    result = run_cli("check", "--format", "json", "--config", config(tmp_path, README_RULES), plan("module_twice_providers"))
    doc = result.json()
    found = sorted((v["rule"], v["address"] or v["message"].split(":")[0], v["severity"]) for v in doc["violations"])
    # no resource in this plan has an env tag, so every HSM key is "outside prod"
    assert found == [
        ("max-keys-per-module", "module.tenant_a", "error"),
        ("no-advanced-without-rotation", "module.tenant_a.module.signing.alicloud_kms_key.this", "warning"),
        ("no-advanced-without-rotation", "module.tenant_b.module.signing.alicloud_kms_key.this", "warning"),
        ("no-hsm-outside-prod", "module.tenant_a.module.signing.alicloud_kms_key.this", "error"),
        ("no-hsm-outside-prod", "module.tenant_b.alicloud_kms_key.data[0]", "error"),
        ("no-hsm-outside-prod", 'module.tenant_b.alicloud_kms_key.purpose["search"]', "error"),
        ("no-hsm-outside-prod", "module.tenant_b.module.signing.alicloud_kms_key.this", "error"),
    ]
    assert result.code == 1
    assert {m["address"]: m["keys"] for m in doc["modules"]} == {
        "module.tenant_a": 4, "module.tenant_a.module.signing": 1, "module.tenant_b": 2, "module.tenant_b.module.signing": 1,
    }


TAGGED = """\
provider "alicloud" {
  region = "cn-hangzhou"
}

resource "alicloud_kms_key" "dev_hsm" {
  protection_level = "HSM"
  tags = { env = "dev" }
}

resource "alicloud_kms_key" "prod_hsm" {
  protection_level = "HSM"
  tags = { env = "prod" }
}

resource "alicloud_kms_key" "dev_software" {
  tags = { env = "dev" }
}
"""


UNTAGGED = """
resource "alicloud_kms_key" "untagged_hsm" {
  protection_level = "HSM"
}

resource "alicloud_kms_key" "untagged_software" {
}
"""


def readme_rules() -> str:
    """The rules exactly as the README shows them, as a pyproject.toml."""
    readme = (REPO / "README.md").read_text()
    block = next(b for b in readme.split("```toml\n")[1:] if b.startswith("[[tool.kms-infracost.rules]]"))
    return block.split("```", 1)[0]


def hsm_violations(tmp_path: Path, rules: str) -> list[tuple[str, int]]:
    (tmp_path / "infra").mkdir(exist_ok=True)
    (tmp_path / "infra" / "main.tf").write_text(TAGGED + UNTAGGED)
    (tmp_path / "pyproject.toml").write_text(rules)
    result = run_cli("check", "--format", "json", "--config", str(tmp_path / "pyproject.toml"), str(tmp_path / "infra"))
    assert result.code == 1
    return [(v["address"], v["line"]) for v in result.json()["violations"] if v["rule"] == "no-hsm-outside-prod"]


def test_the_readme_hsm_rule_flags_tagged_dev_and_untagged_hsm_keys(tmp_path: Path) -> None:
    assert hsm_violations(tmp_path, readme_rules()) == [("alicloud_kms_key.dev_hsm", 5), ("alicloud_kms_key.untagged_hsm", 19)]


def test_the_readme_variant_for_tagged_keys_only_leaves_untagged_keys_alone(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text()
    variant = next(line for line in readme.splitlines() if "@.tags.env && @.tags.env != 'prod'" in line).split("`")[1]
    rules = readme_rules().replace("$.resources[?(@.protection_level == 'HSM' && @.tags.env != 'prod')]", variant)
    assert variant in rules
    assert hsm_violations(tmp_path, rules) == [("alicloud_kms_key.dev_hsm", 5)]


def test_a_lone_ampersand_means_and_without_a_deprecation_warning(tmp_path: Path) -> None:
    rules = readme_rules().replace(" && ", " & ")
    assert " & @.tags.env" in rules
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert hsm_violations(tmp_path, rules) == [("alicloud_kms_key.dev_hsm", 5), ("alicloud_kms_key.untagged_hsm", 19)]


def test_an_ampersand_inside_a_quoted_value_is_left_alone() -> None:
    from kms_infracost.policy.rules import normalise_path

    assert normalise_path("$.r[?(@.a == 'R&D' & @.b == \"x&&y\")]") == "$.r[?(@.a == 'R&D' && @.b == \"x&&y\")]"
    assert normalise_path("$.r[?(@.a == 'it\\'s & more' && @.b)]") == "$.r[?(@.a == 'it\\'s & more' && @.b)]"


def test_a_filter_on_monthly_cost_points_at_the_resource_line(tmp_path: Path) -> None:
    rules = '[[rules]]\nid = "pricey"\npath = "$.resources[?(@.monthly_cost > 0.98)]"\nmessage = "over 0.98 a month"\n'
    result = run_cli("check", "--format", "json", "--config", config(tmp_path, rules), plan("count_and_for_each"))
    assert result.code == 1
    (violation,) = result.json()["violations"]
    assert violation["address"] == 'alicloud_kms_key.by_team["payments"]'
    assert violation["message"] == 'alicloud_kms_key.by_team["payments"]: over 0.98 a month'
    main_tf = PLANS / "count_and_for_each" / "main.tf"
    assert violation["file"].endswith("count_and_for_each/main.tf")
    assert violation["line"] == main_tf.read_text().splitlines().index('resource "alicloud_kms_key" "by_team" {') + 1


def test_the_same_filter_just_over_the_cost_passes(tmp_path: Path) -> None:
    rules = '[[rules]]\nid = "pricey"\npath = "$.resources[?(@.monthly_cost > 0.99)]"\nmessage = "x"\n'
    assert run_cli("check", "--config", config(tmp_path, rules), plan("count_and_for_each")).code == 0


def test_a_rule_can_be_skipped_with_a_reason_in_the_code(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "cfg"
    shutil.copytree(PLANS / "count_and_for_each", folder, ignore=shutil.ignore_patterns("plan.json"))
    main = folder / "main.tf"
    header = 'resource "alicloud_kms_key" "by_team" {'
    main.write_text(main.read_text().replace(header, '# kms-infracost: skip=pricey reason="payments needs HSM (PCI)"\n' + header))
    rules = '[[rules]]\nid = "pricey"\npath = "$.resources[?(@.monthly_cost > 0.98)]"\nmessage = "over 0.98 a month"\n'
    result = run_cli("check", "--format", "json", "--config", config(tmp_path, rules), plan("count_and_for_each"), "--config-dir", str(folder))
    assert result.code == 0
    (violation,) = result.json()["violations"]
    assert (violation["skipped"], violation["skip_reason"]) == (True, "payments needs HSM (PCI)")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$.resources[?(@.monthly_cost >", "rule broken: path '$.resources[?(@.monthly_cost >' does not parse: Parse error near the end of string!"),
        ("$..[?(@.x == ", "rule broken: path '$..[?(@.x == ' does not parse"),
    ],
)
def test_a_rule_that_does_not_parse_exits_2_naming_rule_and_position(tmp_path: Path, path: str, expected: str) -> None:
    rules = f'[[rules]]\nid = "broken"\npath = "{path}"\nmessage = "x"\n'
    result = run_cli("check", "--config", config(tmp_path, rules), plan("alias"))
    assert result.code == 2
    assert expected in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_amounts_in_rules_are_compared_as_numbers(tmp_path: Path) -> None:
    """Amounts are Decimal in the report; filters see numbers, so equality with 0.06 holds exactly."""
    rules = '[[rules]]\nid = "six-cents"\npath = "$.resources[?(@.monthly_cost == 0.06)]"\nmessage = "x"\n'
    result = run_cli("check", "--format", "json", "--config", config(tmp_path, rules), plan("key_versions"))
    assert result.json()["total_monthly_cost"] == Decimal("0.18")
    assert len(result.json()["violations"]) == 3
    assert result.code == 1
