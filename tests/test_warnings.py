"""Warnings: a stable code per kind, one line per kind with a count, only what changes a priced figure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kms_infracost import warning_codes
from kms_infracost.addresses import collapse
from kms_infracost.warning_codes import CODES
from tests.conftest import REPO, plan, run_cli

PROVIDER = 'provider "alicloud" {\n  region = "cn-hangzhou"\n}\n'
MANY = (
    PROVIDER
    + 'variable "spec" {\n  type = string\n}\n\n'
    + 'resource "alicloud_kms_key" "many" {\n  count    = 200\n  key_spec = var.spec\n}\n\n'
    + 'resource "alicloud_kms_alias" "a" {\n  alias_name = "alias/x"\n  key_id     = alicloud_kms_key.many[0].id\n}\n'
)


def _root(tmp_path: Path, text: str) -> str:
    (tmp_path / "main.tf").write_text(text)
    return str(tmp_path / "main.tf")


def test_every_code_raised_in_the_code_is_listed_and_the_readme_table_is_the_list() -> None:
    used = set()
    for path in (REPO / "kms_infracost").rglob("*.py"):
        if path.name != "warning_codes.py":
            used.update(re.findall(r'"(KI\d{3})"', path.read_text(encoding="utf-8")))
    assert used <= set(CODES), used - set(CODES)
    assert set(CODES) - used == set()  # no listed code that nothing raises
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(KI\d{3})` \| `([a-z0-9-]+)` \| (.+) \|$", readme, re.MULTILINE)
    assert [(c, n, t) for c, n, t in rows] == [(c, n, t) for c, (n, t) in CODES.items()]
    assert len({name for name, _ in CODES.values()}) == len(CODES)


def test_two_hundred_instances_of_one_block_are_one_line_per_kind() -> None:
    Path("main.tf").write_text(MANY)  # in the test's own working directory: paths as a user types them
    result = run_cli("breakdown", "main.tf")
    assert result.stderr.splitlines() == [
        (
            "main.tf:8: warning KI102 key_spec unknown until apply (var.spec has no value); "
            'assumed Aliyun_AES_256 (provider default) '
            "(alicloud_kms_key.many[0..199] ×200)"
        ),
    ]
    # said once: the table's migration block; stderr's KI501 line only when stdout does not show it
    assert result.stdout.count("end of service") == 1  # the run's migration block, never a note per key
    assert run_cli("breakdown", "main.tf", "--format", "json").stderr.splitlines()[1] == (
        "warning KI501 KMS 1.0 ended service 2025-09-30: 200 keys, 12.00 USD/month; cheapest KMS 3.0 option "
        "kms3-payg-software 315.00 USD/month (JSON: migration)"
    )


def test_json_has_one_entry_per_kind_with_count_addresses_and_locations(tmp_path: Path) -> None:
    doc = run_cli("breakdown", "--format", "json", _root(tmp_path, MANY)).json()
    assert [(w["code"], w["name"], w["count"], len(w["addresses"]), w["locations"]) for w in doc["warnings"]] == [
        ("KI102", "unknown-attribute", 200, 200, [f"{tmp_path / 'main.tf'}:8"]),
        ("KI501", "kms1-end-of-service", 200, 200, []),
    ]
    assert doc["warnings"][0]["addresses"][:2] == ["alicloud_kms_key.many[0]", "alicloud_kms_key.many[1]"]


def test_verbose_lists_every_address_under_its_line(tmp_path: Path) -> None:
    lines = run_cli("breakdown", "-v", _root(tmp_path, MANY), "--format", "json").stderr.splitlines()
    assert len(lines) == 2 + 200 + 200
    assert lines[1] == "    alicloud_kms_key.many[0]"


def test_an_unknown_region_is_a_warning_only_on_what_costs_money(tmp_path: Path) -> None:
    text = (
        'variable "region" {\n  type = string\n}\n'
        'provider "alicloud" {\n  region = var.region\n}\n'
        'resource "alicloud_kms_key" "k" {}\n'
        'resource "alicloud_kms_alias" "a" {\n  alias_name = "alias/a"\n  key_id = alicloud_kms_key.k.id\n}\n'
        'resource "alicloud_kms_network_rule" "n" {\n  source_private_ip = ["10.0.0.1"]\n}\n'
    )
    doc = run_cli("breakdown", "--format", "json", _root(tmp_path, text)).json()
    region = [w for w in doc["warnings"] if w["code"] == "KI101"]
    assert [(w["addresses"], w["count"]) for w in region] == [(["alicloud_kms_key.k"], 1)]
    # the alias and the rule still say what was assumed, in their own entries
    assumed = {r["address"]: r["assumptions"] for r in doc["resources"]}
    assert assumed["alicloud_kms_alias.a"][0].startswith("region assumed cn-beijing")


@pytest.mark.parametrize("how", ["config", "flag", "name"])
def test_a_kind_of_warning_can_be_silenced(tmp_path: Path, how: str) -> None:
    args = ["breakdown", "--format", "json", _root(tmp_path, MANY)]
    if how == "config":
        (tmp_path / ".kms-infracost.toml").write_text('ignore_warnings = ["KI501"]\n')
        args += ["--config", str(tmp_path / ".kms-infracost.toml")]
    else:
        args += ["--ignore-warning", "KI501" if how == "flag" else "kms1-end-of-service"]
    result = run_cli(*args)
    assert [w["code"] for w in result.json()["warnings"]] == ["KI102"]
    assert "KI501" not in result.stderr


def test_an_unknown_warning_code_is_an_error_naming_the_closest(tmp_path: Path) -> None:
    result = run_cli("breakdown", _root(tmp_path, MANY), "--ignore-warning", "KI51")
    assert result.code == 2
    assert result.stderr.startswith("kms-infracost: error: unknown warning code 'KI51' (did you mean 'KI501'?)")
    (tmp_path / "k.toml").write_text('ignore_warnings = ["region-asumed"]\n')
    result = run_cli("breakdown", _root(tmp_path, MANY), "--config", str(tmp_path / "k.toml"))
    assert result.code == 2
    assert f"{tmp_path / 'k.toml'}: unknown warning code 'region-asumed' (did you mean 'region-assumed'?)" in result.stderr


def test_no_warning_line_is_longer_than_160_characters(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 120)
    deep.mkdir()
    result = run_cli("breakdown", _root(deep, MANY), "--format", "json")
    assert result.stderr.count("\n") == 2
    assert max(len(x) for x in result.stderr.splitlines()) <= 160
    assert result.stderr.splitlines()[0].endswith("…")


def test_the_kms1_summary_counts_every_new_key_of_a_plan_once() -> None:
    doc = run_cli("breakdown", "--format", "json", plan("default_software_key")).json()
    (summary,) = [w for w in doc["warnings"] if w["code"] == "KI501"]
    assert summary["count"] == 1
    assert "1 key, 0.06 USD/month" in summary["message"]


def test_instances_of_a_block_fold_into_one_name() -> None:
    assert collapse(["a.k[0]", "a.k[1]", "a.k[2]", "b", 'm["x"].k["a"]', 'm["x"].k["b"]', "a.k[3]"]) == [
        "a.k[0..3] ×4", "b", 'm["x"].k[*] ×2'
    ]
    assert collapse(["a.k[0]", "a.k[2]"]) == ["a.k[*] ×2"]
    assert collapse(["a.k[5]"]) == ["a.k[5]"]


def test_the_kms1_summary_is_one_entry_for_a_run_of_several_projects(tmp_path: Path) -> None:
    for name in ("live/prod", "live/dev"):
        (tmp_path / name).mkdir(parents=True)
        (tmp_path / name / "main.tf").write_text(PROVIDER + 'resource "alicloud_kms_key" "k" {}\n')
    result = run_cli("breakdown", "--format", "json", str(tmp_path))
    (summary,) = [w for w in result.json()["warnings"] if w["code"] == "KI501"]
    assert summary["count"] == 2
    assert summary["message"].startswith("KMS 1.0 ended service 2025-09-30: 2 keys, 0.12 USD/month;")


def test_a_long_checkout_path_shortens_the_location_not_the_advice() -> None:
    from kms_infracost.sources.hcl.context import not_installed

    message = not_installed("terraform-alicloud-modules/kms/alicloud")
    for depth in (10, 60, 120, 300):
        where = "/" + "/".join(["checkout"] * (depth // 9)) + "/live/prod/main.tf:5"
        entry = {"code": "KI201", "message": message, "count": 1, "addresses": ["module.kms"], "locations": [where]}
        text = warning_codes.line(entry)
        assert len(text) <= 160
        assert "run `terraform init`: module 'terraform-alicloud-modules/kms/alicloud'" in text, text
        assert "/live/prod/main.tf:5: warning KI201 " in text, text
        assert text.startswith("…") == (len(where) > 160 - len("warning KI201 ") - 90 - 2), text
