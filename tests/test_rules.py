"""JSONPath rules from the config, evaluated over the JSON report."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import PLANS, plan, run_cli

README_RULES = """\
[[rules]]
id = "no-hsm-outside-prod"
path = "$.resources[?(@.protection_level == 'HSM' & @.tags.env != 'prod')]"
message = "HSM keys cost 16x software keys; use them only in prod"

[[rules]]
id = "no-advanced-without-rotation"
path = "$.resources[?(@.spec_class == 'advanced' & @.automatic_rotation != 'Enabled')]"
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
    assert found == [
        ("max-keys-per-module", "module.tenant_a", "error"),
        ("no-advanced-without-rotation", "module.tenant_a.module.signing.alicloud_kms_key.this", "warning"),
        ("no-advanced-without-rotation", "module.tenant_b.module.signing.alicloud_kms_key.this", "warning"),
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


def test_no_hsm_outside_prod_matches_only_the_tagged_dev_hsm_key(tmp_path: Path) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(TAGGED)
    result = run_cli("check", "--format", "json", "--config", config(tmp_path, README_RULES), str(tmp_path / "infra"))
    (violation,) = result.json()["violations"]
    assert (violation["rule"], violation["address"], violation["line"]) == ("no-hsm-outside-prod", "alicloud_kms_key.dev_hsm", 5)
    assert violation["message"] == "alicloud_kms_key.dev_hsm: HSM keys cost 16x software keys; use them only in prod"
    assert result.code == 1


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
