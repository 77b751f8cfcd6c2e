"""Report formats on the same real plans: markdown, github, sarif, junit, infracost-json.

Each format is produced by the CLI from committed fixtures — three diffs (a delete, a replace, an update)
and the violation cases (a failed per-key limit, a failed total with a warning, a skipped limit) — and
checked for exact figures. SARIF is validated against the SARIF 2.1.0 schema, JUnit is read with an XML
parser, and the markdown comment's truncation is checked on a document with thousands of resources.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kms_infracost.report import FORMATS, renderer
from kms_infracost.report.github import render as render_github
from kms_infracost.report.markdown import GITHUB_COMMENT_LIMIT, length
from kms_infracost.report.markdown import render as render_markdown
from tests.conftest import PLANS, REPO, plan, run_cli

D = Decimal
SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
SEED = "seed_hsm_ec_p256_singapore"
SIGNING = 'resource "alicloud_kms_key" "signing" {'
PER_KEY_MESSAGE = "alicloud_kms_key.signing costs 2.49 USD a month, over the per-key limit of 1.00 USD"
TOTAL_MESSAGE = "total KMS cost 500.00 USD a month is over the limit of 400.00 USD"
CAPACITY_MESSAGE = (
    "alicloud_kms_instance.small holds 2 key versions (key_num) but this configuration puts 4 in it; "
    "raise key_num or move some to another instance"
)


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the checkout, so files are shown relative to it (fixtures/plans/…), as in CI."""
    monkeypatch.chdir(REPO)


@pytest.fixture
def skipped_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The seed key over a 1.00 USD per-key limit, accepted by a skip annotation in its configuration."""
    folder = tmp_path / SEED
    shutil.copytree(PLANS / SEED, folder, ignore=shutil.ignore_patterns("plan.json"))
    main = folder / "main.tf"
    main.write_text(main.read_text().replace(SIGNING, '# kms-infracost: skip=monthly_per_key reason="approved in SEC-123"\n' + SIGNING))
    monkeypatch.chdir(tmp_path)
    return ["check", plan(SEED), "--config-dir", SEED, "--max-per-key", "1"]


def out(fmt: str, *args: str, code: int = 0, env: dict[str, str] | None = None) -> str:
    result = run_cli(*args, "--format", fmt, "-q", env=env)
    assert result.code == code, result.stderr
    return result.stdout


PER_KEY = ("check", plan(SEED), "--max-per-key", "1")
OVER_TOTAL = ("check", plan("kms_instance_overflow"), "--max-total", "400")


def test_every_format_is_offered_by_the_cli() -> None:
    from kms_infracost.cli import FORMAT_NAMES

    assert FORMAT_NAMES == FORMATS == ("table", "json", "markdown", "github", "sarif", "junit", "infracost-json")
    assert all(callable(renderer(name)) for name in FORMATS)


# --- markdown -------------------------------------------------------------------------------------


def test_markdown_delete_shows_total_before_after_and_the_removed_key(in_repo: None) -> None:
    text = out("markdown", "diff", plan("delete_key"))
    assert "**Monthly cost: 1.05 USD → 0.06 USD (-0.99 USD, -94.29%)**" in text
    assert "0 checks failed, 0 warnings, 0 skipped." in text
    assert "compared with the plan's prior state." in text
    changed = text.split("### Resources changed")[1].split("<details>")[0]
    assert "| delete | `alicloud_kms_key.retire` | 0.99 USD | - | -0.99 USD |" in changed
    assert "alicloud_kms_key.keep" not in changed  # no-op rows stay out of the changed table
    details = text.split("<details>")[1]
    # a diff's details list what changes; the unchanged key is counted and left to the JSON report
    assert "<summary>Cost breakdown: 2 resources, 1 changed listed (1 unchanged in the JSON report)</summary>" in details
    assert "| `alicloud_kms_key.retire` | delete | cn-hangzhou | RSA_2048 HSM | 0.00 USD |" in details
    assert "alicloud_kms_key.keep" not in details
    assert "Total: 0.06 USD a month." in details
    assert text.rstrip().endswith("</details>")


def test_markdown_replace_and_update(in_repo: None) -> None:
    replace = out("markdown", "diff", plan("replace_spec"))
    assert "**Monthly cost: 0.06 USD → 2.49 USD (+2.43 USD, +4,050.00%)**" in replace
    assert "| replace | `alicloud_kms_key.this` | 0.06 USD | 2.49 USD | +2.43 USD |" in replace
    update = out("markdown", "diff", plan("update_disable"))
    assert "**Monthly cost: 0.12 USD → 0.12 USD (0.00 USD, 0.00%)**" in update
    changed = update.split("### Resources changed")[1].split("<details>")[0]
    assert "| update | `alicloud_kms_key.app` | 0.06 USD | 0.06 USD | 0.00 USD |" in changed
    assert "alicloud_kms_key.logs" not in changed
    assert "| `alicloud_kms_key.app` | update | cn-hangzhou | Aliyun_AES_256 SOFTWARE Disabled | 0.06 USD |" in update


def test_markdown_lists_failures_then_warnings_before_the_tables(in_repo: None) -> None:
    text = out("markdown", *OVER_TOTAL, code=1)
    assert "**Monthly cost: 500.00 USD**" in text
    assert "1 check failed, 1 warning, 0 skipped." in text
    failed, warned, resources = (text.index(h) for h in ("### 1 check failed", "### 1 warning", "### Resources\n"))
    assert failed < warned < resources
    assert f"- `monthly_total`: {TOTAL_MESSAGE} (`fixtures/plans/kms_instance_overflow/plan.json`)\n" in text
    assert f"- `instance_capacity`: {CAPACITY_MESSAGE} (`fixtures/plans/kms_instance_overflow/main.tf:16`)\n" in text
    # keys inside the instance are listed right after it, marked as its members
    assert (
        "| create | `alicloud_kms_instance.small` | - | 500.00 USD | +500.00 USD |\n"
        "| create | ↳ `alicloud_kms_key.inside[0..3] ×4` | - | 0.00 USD | 0.00 USD |\n"
    ) in text


def test_markdown_shows_skipped_violations_with_their_reason(skipped_case: list[str]) -> None:
    text = out("markdown", *skipped_case)
    assert "0 checks failed, 0 warnings, 1 skipped." in text
    assert "### 1 skipped (accepted with a reason)" in text
    assert f"- `monthly_per_key`: {PER_KEY_MESSAGE} (`{SEED}/main.tf:17`) — skipped: approved in SEC-123\n" in text


def _document(resources: int, violations: int = 0) -> dict[str, Any]:
    """A synthetic estimate document with many keys, as estimate_document shapes it."""
    res = [
        {
            "address": f'module.tenant["team-{i:05d}"].alicloud_kms_key.this',
            "type": "alicloud_kms_key",
            "action": "create",
            "region": "cn-hangzhou",
            "key_spec": "Aliyun_AES_256",
            "protection_level": "SOFTWARE",
            "status": "Enabled",
            "monthly_cost": D("0.06"),
            "past_monthly_cost": None,
            "diff_monthly_cost": D("0.06"),
            "cost_components": [
                {"name": "Key hosting (software, basic)", "unit": "version-day", "quantity": D(30),
                 "unit_price": D("0.002"), "monthly_cost": D("0.06"), "usage_source": None},
            ],
            "instance_address": None,
            "file": "main.tf",
            "line": 3,
            "notes": [],
        }
        for i in range(resources)
    ]
    return {
        "price_book": {"name": "kms1-intl", "title": "KMS 1.0, international site", "currency": "USD",
                       "effective_date": "2025-11-09"},
        "currency": "USD",
        "days_per_month": 30,
        "total_monthly_cost": D("0.06") * resources,
        "resources": res,
        "account_items": [],
        "warnings": [],
        "violations": [
            {"rule": "monthly_per_key", "address": res[i]["address"], "message": f"key {i} is over",
             "severity": "error", "skipped": False, "skip_reason": None, "file": "main.tf", "line": 3}
            for i in range(violations)
        ],
    }


def test_markdown_stays_under_githubs_comment_limit_with_a_note_on_what_was_left_out() -> None:
    document = _document(5_000, violations=20)
    full = render_markdown(document, False, limit=10**9)
    assert length(full) > GITHUB_COMMENT_LIMIT  # the premise: all rows would not fit
    text = render_markdown(document, False)
    assert length(text) < GITHUB_COMMENT_LIMIT
    assert "**Monthly cost: 300.00 USD**" in text
    assert all(f"key {i} is over" in text for i in range(20))  # violations come first and are all kept
    shown = text.count("| create | `module.tenant")
    assert 0 < shown < 5_000
    assert (
        f"_{5_000 - shown:,} more resources in the JSON report (--format json): a GitHub comment holds at most "
        "65,536 characters._"
    ) in text
    assert "more breakdown rows in the JSON report" in text
    assert text.rstrip().endswith("</details>")


def test_markdown_never_rounds_a_cost_to_zero_and_escapes_free_text() -> None:
    document = _document(1, violations=1)
    document["total_monthly_cost"] = D("0.004")
    document["resources"][0].update(monthly_cost=D("0.004"), diff_monthly_cost=D("0.004"), address='k["a|b"]')
    document["violations"][0]["message"] = "costs *a lot* <b>now</b>\nsee | here"
    text = render_markdown(document)
    assert "**Monthly cost: 0.004 USD**" in text
    assert "| create | `k[\"a\\|b\"]` | - | 0.004 USD | +0.004 USD |" in text
    assert "- `monthly_per_key`: costs \\*a lot\\* \\<b\\>now\\</b\\> see \\| here (`main.tf:3`)" in text


# --- github -----------------------------------------------------------------------------------------


def test_github_error_annotation_at_the_keys_line(in_repo: None) -> None:
    assert out("github", *PER_KEY, code=1) == (
        "::error file=fixtures/plans/seed_hsm_ec_p256_singapore/main.tf,line=16,title=kms-infracost monthly_per_key::"
        f"{PER_KEY_MESSAGE}\n"
        "::notice::kms-infracost: monthly KMS cost 2.49 USD; 1 check failed, 0 warnings, 0 skipped\n"
    )


def test_github_warning_and_a_total_at_the_input_file(in_repo: None) -> None:
    """A total has no resource: it is shown at the input (or the config that set the limit)."""
    assert out("github", *OVER_TOTAL, code=1) == (
        f"::error file=fixtures/plans/kms_instance_overflow/plan.json,title=kms-infracost monthly_total::{TOTAL_MESSAGE}\n"
        "::warning file=fixtures/plans/kms_instance_overflow/main.tf,line=16,title=kms-infracost instance_capacity::"
        f"{CAPACITY_MESSAGE}\n"
        "::notice::kms-infracost: monthly KMS cost 500.00 USD; 1 check failed, 1 warning, 0 skipped\n"
    )


def test_github_skipped_violation_is_a_notice_with_the_reason(skipped_case: list[str]) -> None:
    assert out("github", *skipped_case) == (
        f"::notice file={SEED}/main.tf,line=17,title=kms-infracost monthly_per_key (skipped)::"
        f"{PER_KEY_MESSAGE} (skipped: approved in SEC-123)\n"
        "::notice::kms-infracost: monthly KMS cost 2.49 USD; 0 checks failed, 0 warnings, 1 skipped\n"
    )


def test_github_diff_summary_escapes_the_percent_sign(in_repo: None) -> None:
    assert out("github", "diff", plan("delete_key")) == (
        "::notice::kms-infracost: monthly KMS cost 1.05 USD → 0.06 USD (-0.99 USD, -94.29%25); "
        "0 checks failed, 0 warnings, 0 skipped\n"
    )


def test_github_escapes_messages_and_properties() -> None:
    document = _document(1, violations=1)
    document["violations"][0].update(rule="team:a,b", message="100% over\r\nsecond line", file="dir,x\\main.tf", line=None)
    assert render_github(document).splitlines()[0] == (
        "::error file=dir%2Cx/main.tf,title=kms-infracost team%3Aa%2Cb::100%25 over%0D%0Asecond line"
    )


# --- sarif ------------------------------------------------------------------------------------------


def sarif(*args: str, code: int = 0) -> dict[str, Any]:
    import jsonschema  # type: ignore[import-untyped]

    log: dict[str, Any] = json.loads(out("sarif", *args, code=code))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    return log


def test_sarif_failed_limit_is_an_error_result_at_the_keys_line(in_repo: None) -> None:
    log = sarif(*PER_KEY, code=1)
    assert log["version"] == "2.1.0"
    assert log["$schema"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    (run,) = log["runs"]
    assert run["tool"]["driver"]["name"] == "kms-infracost"
    assert run["tool"]["driver"]["rules"] == [
        {"id": "monthly_per_key", "name": "monthly_per_key",
         "shortDescription": {"text": "Monthly cost of one key over its limit"},
         "defaultConfiguration": {"level": "error"}},
    ]
    assert run["results"] == [
        {
            "ruleId": "monthly_per_key",
            "ruleIndex": 0,
            "level": "error",
            "message": {"text": PER_KEY_MESSAGE},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": "fixtures/plans/seed_hsm_ec_p256_singapore/main.tf"},
                        "region": {"startLine": 16},
                    },
                    "logicalLocations": [{"fullyQualifiedName": "alicloud_kms_key.signing", "kind": "resource"}],
                }
            ],
        }
    ]
    assert run["properties"] == {"currency": "USD", "totalMonthlyCost": "2.49"}


def test_sarif_one_rule_per_id_warning_level_and_a_total_located_at_the_input(in_repo: None) -> None:
    (run,) = sarif(*OVER_TOTAL, code=1)["runs"]
    assert [(r["id"], r["defaultConfiguration"]["level"]) for r in run["tool"]["driver"]["rules"]] == [
        ("monthly_total", "error"),
        ("instance_capacity", "warning"),
    ]
    total, capacity = run["results"]
    assert (total["ruleId"], total["ruleIndex"], total["level"], total["message"]["text"]) == (
        "monthly_total", 0, "error", TOTAL_MESSAGE)
    assert total["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "fixtures/plans/kms_instance_overflow/plan.json"
    }
    assert "region" not in total["locations"][0]["physicalLocation"]
    assert (capacity["ruleId"], capacity["ruleIndex"], capacity["level"]) == ("instance_capacity", 1, "warning")
    physical = capacity["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "fixtures/plans/kms_instance_overflow/main.tf"}, "region": {"startLine": 16}}


def test_sarif_skipped_violation_is_suppressed_with_its_reason(skipped_case: list[str]) -> None:
    (result,) = sarif(*skipped_case)["runs"][0]["results"]
    assert result["level"] == "note"
    assert result["suppressions"] == [{"kind": "external", "justification": "approved in SEC-123"}]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": f"{SEED}/main.tf"}
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 17}


def test_sarif_diff_without_violations_and_a_file_outside_the_working_directory() -> None:
    assert sarif("diff", plan("delete_key"))["runs"][0]["results"] == []
    (result,) = sarif(*PER_KEY, code=1)["runs"][0]["results"]  # run from a scratch folder: absolute path
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == (PLANS / SEED / "main.tf").as_uri()


# --- junit ------------------------------------------------------------------------------------------


def junit(*args: str, code: int = 0) -> ET.Element:
    return ET.fromstring(out("junit", *args, code=code))


def counts(element: ET.Element) -> tuple[str, str, str, str]:
    return (element.get("tests", ""), element.get("failures", ""), element.get("errors", ""), element.get("skipped", ""))


def test_junit_failed_per_key_limit(in_repo: None) -> None:
    root = junit(*PER_KEY, code=1)
    assert root.tag == "testsuites" and counts(root) == ("3", "1", "0", "0")
    cost, per_key = root.findall("testsuite")
    assert (cost.get("name"), counts(cost)) == ("monthly_cost", ("2", "0", "0", "0"))
    assert [(c.get("name"), c.findtext("system-out")) for c in cost.findall("testcase")] == [
        ("alicloud_kms_key.signing", "create: 2.49 USD a month"),
        ("total", "monthly KMS cost 2.49 USD"),
    ]
    assert (per_key.get("name"), counts(per_key)) == ("monthly_per_key", ("1", "1", "0", "0"))
    (case,) = per_key.findall("testcase")
    assert (case.get("classname"), case.get("name"), case.get("file"), case.get("line")) == (
        "monthly_per_key", "alicloud_kms_key.signing", "fixtures/plans/seed_hsm_ec_p256_singapore/main.tf", "16")
    failure = case.find("failure")
    assert failure is not None
    assert (failure.get("message"), failure.get("type")) == (PER_KEY_MESSAGE, "monthly_per_key")
    assert failure.text == f"{PER_KEY_MESSAGE}\nfixtures/plans/seed_hsm_ec_p256_singapore/main.tf:16"


def test_junit_total_and_warning(in_repo: None) -> None:
    root = junit(*OVER_TOTAL, code=1)
    assert counts(root) == ("8", "1", "0", "0")
    cost, total, capacity = root.findall("testsuite")
    assert [c.get("name") for c in cost.findall("testcase")] == [
        "alicloud_kms_instance.small", "alicloud_kms_key.inside[0]", "alicloud_kms_key.inside[1]",
        "alicloud_kms_key.inside[2]", "alicloud_kms_key.inside[3]", "total",
    ]
    assert cost.findall("testcase")[1].findtext("system-out") == "create: 0.00 USD a month; inside alicloud_kms_instance.small"
    assert (total.get("name"), counts(total)) == ("monthly_total", ("1", "1", "0", "0"))
    (case,) = total.findall("testcase")
    assert (case.get("name"), case.get("file"), case.find("failure").get("message")) == ("total", "fixtures/plans/kms_instance_overflow/plan.json", TOTAL_MESSAGE)  # type: ignore[union-attr]
    assert (capacity.get("name"), counts(capacity)) == ("instance_capacity", ("1", "0", "0", "0"))
    (case,) = capacity.findall("testcase")
    assert case.find("failure") is None
    assert case.findtext("system-out") == f"WARNING: {CAPACITY_MESSAGE}"


def test_junit_skipped_violation(skipped_case: list[str]) -> None:
    root = junit(*skipped_case)
    assert counts(root) == ("3", "0", "0", "1")
    (case,) = root.findall("testsuite")[1].findall("testcase")
    skipped = case.find("skipped")
    assert skipped is not None
    assert (skipped.get("message"), skipped.text) == ("skipped: approved in SEC-123", PER_KEY_MESSAGE)


def test_junit_diff_says_what_each_key_cost_before(in_repo: None) -> None:
    root = junit("diff", plan("delete_key"))
    assert counts(root) == ("3", "0", "0", "0")
    assert [(c.get("name"), c.findtext("system-out")) for c in root.iter("testcase")] == [
        ("alicloud_kms_key.keep", "no-op: 0.06 USD a month (was 0.06 USD)"),
        ("alicloud_kms_key.retire", "delete: 0.00 USD a month (was 0.99 USD)"),
        ("total", "monthly KMS cost 1.05 USD → 0.06 USD (-0.99 USD, -94.29%)"),
    ]


# --- infracost-json ---------------------------------------------------------------------------------

EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}


def infracost(*args: str, code: int = 0) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(out("infracost-json", *args, code=code, env=EPOCH))
    (project,) = report["projects"]
    for part, total in (("breakdown", "totalMonthlyCost"), ("pastBreakdown", "pastTotalMonthlyCost"), ("diff", "diffTotalMonthlyCost")):
        # the resources add up to the totals, as Infracost's readers assume
        assert sum(D(r["monthlyCost"]) for r in project[part]["resources"]) == D(project[part]["totalMonthlyCost"]) == D(report[total])
    return report


def test_infracost_json_delete(in_repo: None) -> None:
    report = infracost("diff", plan("delete_key"))
    assert (report["version"], report["currency"], report["timeGenerated"]) == ("0.2", "USD", "2023-11-14T22:13:20Z")
    assert (report["totalMonthlyCost"], report["pastTotalMonthlyCost"], report["diffTotalMonthlyCost"]) == ("0.06", "1.05", "-0.99")
    (project,) = report["projects"]
    assert project["name"] == "fixtures/plans/delete_key"
    assert [(r["name"], r["monthlyCost"]) for r in project["pastBreakdown"]["resources"]] == [
        ("alicloud_kms_key.keep", "0.06"), ("alicloud_kms_key.retire", "0.99")]
    assert [(r["name"], r["monthlyCost"]) for r in project["breakdown"]["resources"]] == [("alicloud_kms_key.keep", "0.06")]
    assert [(r["name"], r["monthlyCost"]) for r in project["diff"]["resources"]] == [("alicloud_kms_key.retire", "-0.99")]
    assert report["summary"]["totalDetectedResources"] == 1


def test_infracost_json_replace_has_cost_components_as_strings(in_repo: None) -> None:
    report = infracost("diff", plan("replace_spec"))
    assert (report["totalMonthlyCost"], report["pastTotalMonthlyCost"], report["diffTotalMonthlyCost"]) == ("2.49", "0.06", "2.43")
    (resource,) = report["projects"][0]["breakdown"]["resources"]
    assert (resource["name"], resource["resourceType"], resource["monthlyCost"], resource["hourlyCost"]) == (
        "alicloud_kms_key.this", "alicloud_kms_key", "2.49", "0.003458333333")
    assert resource["metadata"] == {"region": "ap-southeast-1", "action": "replace",
                                    "filename": "fixtures/plans/replace_spec/main.tf", "startLine": 17}
    assert resource["costComponents"] == [
        {"name": "Key hosting (hsm, advanced)", "unit": "version-day", "hourlyQuantity": "0.041666666667",
         "monthlyQuantity": "30", "price": "0.083", "hourlyCost": "0.003458333333", "monthlyCost": "2.49",
         "usageBased": False},
        {"name": "API calls (advanced, outside mainland)", "unit": "10k calls", "hourlyQuantity": "0",
         "monthlyQuantity": "0", "price": "0.15", "hourlyCost": "0", "monthlyCost": "0", "usageBased": True},
    ]
    assert [(r["name"], r["monthlyCost"]) for r in report["projects"][0]["diff"]["resources"]] == [("alicloud_kms_key.this", "2.43")]


def test_infracost_json_update_lists_only_the_changed_key_in_the_diff(in_repo: None) -> None:
    report = infracost("diff", plan("update_disable"))
    assert (report["totalMonthlyCost"], report["pastTotalMonthlyCost"], report["diffTotalMonthlyCost"]) == ("0.12", "0.12", "0")
    assert [(r["name"], r["monthlyCost"]) for r in report["projects"][0]["diff"]["resources"]] == [("alicloud_kms_key.app", "0")]


def test_infracost_json_instance_keys_are_subresources(in_repo: None) -> None:
    report = infracost(*OVER_TOTAL, code=1)
    (instance,) = report["projects"][0]["breakdown"]["resources"]
    assert (instance["name"], instance["monthlyCost"]) == ("alicloud_kms_instance.small", "500")
    assert [(s["name"], s["monthlyCost"]) for s in instance["subresources"]] == [
        (f"alicloud_kms_key.inside[{i}]", "0") for i in range(4)]
    assert report["summary"]["noPriceResourceCounts"] == {"alicloud_kms_key": 4}
    # nothing to compare with: everything is new, and the past is zero
    assert (report["pastTotalMonthlyCost"], report["diffTotalMonthlyCost"]) == ("0", "500")


def test_infracost_json_account_items_are_a_resource_of_their_own(in_repo: None) -> None:
    report = infracost("breakdown", plan("cn_hangzhou_three_keys"), "--price-book", "kms-cn-2019",
                       "--usage-file", str(REPO / "fixtures" / "usage" / "china-three-keys.yml"))
    assert report["totalMonthlyCost"] == "19.8"
    account = report["projects"][0]["breakdown"]["resources"][-1]
    assert (account["name"], account["monthlyCost"]) == ("kms-infracost.account", "-1.2")
    assert [(c["name"], c["monthlyQuantity"], c["price"], c["monthlyCost"]) for c in account["costComponents"]] == [
        ("Free API calls (20,000 per month, account-wide)", "2", "-0.6", "-1.2")]


# --- several formats in one run -----------------------------------------------------------------------


def test_format_and_out_file_pairs_write_each_report(in_repo: None, tmp_path: Path) -> None:
    target = tmp_path / "kms-cost.md"
    result = run_cli(*PER_KEY, "-q", "--format", "github", "--out-file", "-", "--format", "markdown", "--out-file", str(target))
    assert result.code == 1
    assert result.stdout == out("github", *PER_KEY, code=1)
    assert target.read_text(encoding="utf-8") == out("markdown", *PER_KEY, code=1)
    assert "### 1 check failed" in target.read_text(encoding="utf-8")


# -- --format json: msgspec writes it; json when msgspec is missing ------------------------------------

_AMOUNTS: dict[Any, Any] = {
    "a": Decimal("0.060"),
    "b": Decimal("0.1234567890123456789"),
    "c": [Decimal("135.0"), 1, "x", None, True],
    "é": "ü",
    "empty": {},
}


def test_json_writes_each_amount_with_its_own_digits() -> None:
    render = renderer("json")
    assert render(_AMOUNTS, False) == '{"a":0.060,"b":0.1234567890123456789,"c":[135.0,1,"x",null,true],"é":"ü","empty":{}}\n'
    assert render(_AMOUNTS, True) == (
        '{\n  "a": 0.060,\n  "b": 0.1234567890123456789,\n  "c": [\n    135.0,\n    1,\n    "x",\n    null,\n    true\n  ],\n'
        '  "é": "ü",\n  "empty": {}\n}\n'
    )


def test_json_without_msgspec_writes_the_same_layout_with_amounts_through_float(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "msgspec", None)  # `import msgspec` raises ImportError
    render = renderer("json")
    assert render(_AMOUNTS, False) == '{"a":0.06,"b":0.12345678901234568,"c":[135,1,"x",null,true],"é":"ü","empty":{}}\n'
    assert json.loads(render(_AMOUNTS, True)) == json.loads(render(_AMOUNTS, False))


def test_json_a_document_msgspec_cannot_write_goes_to_json() -> None:
    assert renderer("json")({None: Decimal("1.50")}, False) == '{"null":1.5}\n'


@pytest.mark.parametrize("case", sorted(p.name for p in PLANS.iterdir() if (p / "plan.json").exists()))
def test_json_report_has_the_same_values_with_and_without_msgspec(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = run_cli("breakdown", plan(case), "--format", "json")
    monkeypatch.setitem(__import__("sys").modules, "msgspec", None)
    slow = run_cli("breakdown", plan(case), "--format", "json")
    assert (fast.code, fast.stderr) == (slow.code, slow.stderr)
    assert fast.json() == slow.json()  # Decimals: 0.060 == 0.06
    assert fast.stdout.count(",") == slow.stdout.count(",")  # the same layout, item for item
