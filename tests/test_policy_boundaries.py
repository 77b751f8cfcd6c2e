"""Verdicts at each limit (at it passes, a cent over fails) with the violation's exact fields; the totals and
changes the reports print, from estimates built with precise inputs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kms_infracost import model
from kms_infracost.document import estimate_document, grouped, plain_numbers
from kms_infracost.policy.thresholds import check_increase, check_instance_capacity, check_thresholds
from kms_infracost.policy.violation import Violation
from kms_infracost.pricing.diff import compare
from kms_infracost.pricing.engine import Estimate
from kms_infracost.report import figures
from tests.pricing_inputs import instance, key, price, secret, version

D = Decimal


def fields(found: list[Violation]) -> list[tuple[str, str | None, Decimal | None, Decimal | None, str, str | None, int | None]]:
    return [(v.rule, v.address, v.actual, v.limit, v.severity, v.file, v.line) for v in found]


def two_hsm_keys() -> Estimate:
    """0.99 + 2.49 = 3.48 USD a month; one key at file main.tf line 7."""
    return price(
        [
            key("alicloud_kms_key.basic", protection_level="HSM"),
            key("alicloud_kms_key.sign", protection_level="HSM", key_spec="EC_P256", file="main.tf", line=7),
        ]
    )


# -- monthly_per_key ---------------------------------------------------------------------------------------


def test_per_key_limit_at_the_cost_passes_a_cent_under_fails_with_exact_fields() -> None:
    result = two_hsm_keys()
    assert check_thresholds(result, {"monthly_per_key": D("2.49")}) == []
    (violation,) = check_thresholds(result, {"monthly_per_key": D("2.48")})
    assert fields([violation]) == [("monthly_per_key", "alicloud_kms_key.sign", D("2.490"), D("2.48"), "error", "main.tf", 7)]
    assert violation.message == "alicloud_kms_key.sign costs 2.49 USD a month, over the per-key limit of 2.48 USD"
    assert violation.fails


def test_per_key_limit_looks_past_instances_and_secrets_to_every_key_and_version() -> None:
    resources: list[model.Resource] = [
        instance(payment_type="PayAsYouGo"),
        secret(instance_address="alicloud_kms_instance.i"),
        key(protection_level="HSM"),
        version("alicloud_kms_key_version.v", "alicloud_kms_key.k"),
    ]
    result = price(resources, usage={"alicloud_kms_instance.i": {"peak_qps": 1}})
    found = check_thresholds(result, {"monthly_per_key": D("0.5")})
    assert [(v.address, v.actual) for v in found] == [("alicloud_kms_key.k", D("0.990")), ("alicloud_kms_key_version.v", D("0.990"))]


def test_totals_at_the_limit_pass_and_over_fail_with_exact_messages() -> None:
    result = two_hsm_keys()
    assert check_thresholds(result, {"monthly_total": D("3.48"), "projected_monthly_total": D("3.48")}) == []
    found = check_thresholds(result, {"monthly_total": D("3.47"), "projected_monthly_total": D("3.47")})
    assert fields(found) == [
        ("projected_monthly_total", None, D("3.480"), D("3.47"), "error", None, None),
        ("monthly_total", None, D("3.480"), D("3.47"), "error", None, None),
    ]
    assert [v.message for v in found] == [
        "projected KMS cost in month 12 is 3.48 USD, over the limit of 3.47 USD (rotation adds billed key versions)",
        "total KMS cost 3.48 USD a month is over the limit of 3.47 USD",
    ]
    assert check_thresholds(result, {}) == []


def test_projected_limit_reads_the_projected_month_with_its_account_items() -> None:
    result = price([key(region="cn-hangzhou", rotation_days=D(30))], "kms-cn-2019", {"alicloud_kms_key.k": {"monthly_api_calls": 50_000}})
    assert check_thresholds(result, {"projected_monthly_total": D("7.8")}) == []
    (violation,) = check_thresholds(result, {"projected_monthly_total": D("7.79")})
    assert (violation.actual, violation.message) == (
        D("7.8"),
        "projected KMS cost in month 12 is 7.80 CNY, over the limit of 7.79 CNY (rotation adds billed key versions)",
    )


# -- instance_capacity -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("keys", "secrets", "rules"), [(2, 1, []), (3, 1, ["key versions"]), (2, 2, ["secrets"]), (3, 2, ["key versions", "secrets"])])
def test_instance_capacity_full_passes_one_over_warns(keys: int, secrets: int, rules: list[str]) -> None:
    resources: list[model.Resource] = [instance(key_num=2, secret_num=1, file="kms.tf", line=3)]
    resources += [key(f"alicloud_kms_key.k{i}", in_instance=True, instance_address="alicloud_kms_instance.i") for i in range(keys)]
    resources += [secret(f"alicloud_kms_secret.s{i}", instance_address="alicloud_kms_instance.i") for i in range(secrets)]
    found = check_instance_capacity(price(resources))
    expected = {
        "key versions": ("alicloud_kms_instance.i", D(3), D(2), "warning", "kms.tf", 3),
        "secrets": ("alicloud_kms_instance.i", D(2), D(1), "warning", "kms.tf", 3),
    }
    assert [f[1:] for f in fields(found)] == [expected[r] for r in rules]
    assert [v.fails for v in found] == [False] * len(rules)
    if "secrets" in rules:
        assert found[-1].message == (
            "alicloud_kms_instance.i holds 1 secrets (secret_num) but this configuration puts 2 in it; "
            "raise secret_num or move some to another instance"
        )


def test_instance_without_stated_capacity_is_not_checked() -> None:
    resources: list[model.Resource] = [instance()]
    resources += [key(f"alicloud_kms_key.k{i}", in_instance=True, instance_address="alicloud_kms_instance.i") for i in range(3)]
    assert check_instance_capacity(price(resources)) == []


def test_deleted_keys_do_not_fill_an_instance() -> None:
    resources: list[model.Resource] = [
        instance(key_num=1),
        key("alicloud_kms_key.kept", in_instance=True, instance_address="alicloud_kms_instance.i"),
        key("alicloud_kms_key.gone", in_instance=True, instance_address="alicloud_kms_instance.i", action=model.DELETE),
    ]
    result = price(resources, usage={"alicloud_kms_key.kept": {"key_versions": 1}})
    assert result.resources[0].capacity == {"key_versions_needed": 1, "key_num": 1, "secrets_needed": 0, "secret_num": None}
    assert check_instance_capacity(result) == []


# -- increase limits ---------------------------------------------------------------------------------------


def replaced(past_spec: str, now_spec: str) -> Estimate:
    """One HSM key whose spec changes: 0.99 (basic) or 2.49 (advanced) before and after."""
    before = key(protection_level="HSM", key_spec=past_spec)
    return price([key(protection_level="HSM", key_spec=now_spec, action=model.REPLACE, before=before)])


def test_increase_at_the_limit_passes_a_cent_over_fails() -> None:
    result = replaced("RSA_2048", "EC_P256")  # 0.99 -> 2.49: +1.50, +151.52%
    assert check_increase(result, {"monthly_increase": D("1.5"), "monthly_increase_percent": D("151.52")}) == []
    found = check_increase(result, {"monthly_increase": D("1.49"), "monthly_increase_percent": D("151.51")})
    assert fields(found) == [
        ("monthly_increase", None, D("1.500"), D("1.49"), "error", None, None),
        ("monthly_increase_percent", None, D("151.52"), D("151.51"), "error", None, None),
    ]
    assert [v.message for v in found] == [
        "this change raises the KMS cost by 1.50 USD a month (0.99 USD -> 2.49 USD), over the limit of 1.49 USD",
        "this change raises the KMS cost by 151.52% (0.99 USD -> 2.49 USD), over the limit of 151.51%",
    ]


def test_a_decrease_or_no_change_never_trips_the_limits() -> None:
    limits = {"monthly_increase": D(0), "monthly_increase_percent": D(0)}
    assert check_increase(replaced("EC_P256", "RSA_2048"), limits) == []
    assert check_increase(replaced("EC_P256", "EC_P256"), limits) == []


def test_any_increase_from_nothing_is_over_a_percent_limit() -> None:
    result = price([key(protection_level="HSM"), key("alicloud_kms_key.was", action=model.DELETE, service_key=True)])
    assert result.past_total_monthly_cost == 0
    (violation,) = check_increase(result, {"monthly_increase_percent": D(1000)})
    assert fields([violation]) == [("monthly_increase_percent", None, None, D(1000), "error", None, None)]
    assert violation.message == "this change raises the KMS cost from nothing (0.00 USD -> 0.99 USD), over the limit of 1000%"


def test_no_base_no_increase_check() -> None:
    assert check_increase(price([key(protection_level="HSM")]), {"monthly_increase": D(0), "monthly_increase_percent": D(0)}) == []


def test_increase_against_a_base_estimate_counts_its_account_items() -> None:
    base = price([key(region="cn-hangzhou")], "kms-cn-2019", {"alicloud_kms_key.k": {"monthly_api_calls": 50_000}})  # 9.0 - 1.2
    now = price([key(region="cn-hangzhou"), key("alicloud_kms_key.new", region="cn-hangzhou")], "kms-cn-2019")  # 12.0
    result = compare(now, base, "plan base.json")
    assert (result.past_account_total, result.past_total_monthly_cost, result.total_monthly_cost) == (D("-1.2"), D("7.8"), D("12.0"))
    (violation,) = check_increase(result, {"monthly_increase": D("4.19")})
    assert violation.actual == D("4.2")


# -- diffs, documents and the figures the reports print ------------------------------------------------------


def test_compare_adds_what_the_base_had_as_removed() -> None:
    base = price([key("alicloud_kms_key.old", protection_level="HSM"), key(), key("alicloud_kms_key.dead", action=model.DELETE)])
    now = price([key(), key("alicloud_kms_key.new")])
    now.warnings.append(model.Warning("KI401", "now's own warning"))
    result = compare(now, base, "git ref main")
    by = {p.resource.address: p for p in result.resources}
    assert list(by) == ["alicloud_kms_key.k", "alicloud_kms_key.new", "alicloud_kms_key.old"]
    assert (by["alicloud_kms_key.k"].past_monthly_cost, by["alicloud_kms_key.new"].past_monthly_cost) == (D("0.060"), None)
    old = by["alicloud_kms_key.old"]
    assert (old.resource.action, old.monthly_cost, old.past_monthly_cost, old.notes) == (
        model.DELETE, 0, D("0.990"), ["not in the new configuration: removed"]
    )
    assert (old.region_class, old.spec_class, old.instance_address) == ("international", "basic", None)
    assert [p.monthly_cost for p in result.projected] == [D("0.060"), D("0.060"), 0]
    assert (result.base, result.warnings) == ("git ref main", now.warnings)
    doc = estimate_document(result)
    assert [r["change"] for r in doc["resources"]] == ["unchanged", "added", "removed"]
    assert (doc["past_total_monthly_cost"], doc["total_monthly_cost"], doc["diff_total_monthly_cost"]) == (D("1.050"), D("0.120"), D("-0.930"))
    assert doc["diff_total_percent"] == D("-88.57")
    assert doc["base"] == "git ref main"
    assert figures.total_change(doc) == "1.05 USD → 0.12 USD (-0.93 USD, -88.57%)"


def test_document_changes_and_totals_of_a_plans_own_before() -> None:
    updated = key("alicloud_kms_key.upd", protection_level="HSM", action=model.UPDATE, before=key("alicloud_kms_key.upd", protection_level="HSM"))
    result = price([updated, key("alicloud_kms_key.same", action=model.NOOP), replaced("RSA_2048", "EC_P256").resources[0].resource])
    doc = estimate_document(result)
    assert [(r["change"], r["diff_monthly_cost"]) for r in doc["resources"]] == [("changed", 0), ("unchanged", 0), ("changed", D("1.500"))]
    assert doc["base"] == "the plan's prior state"
    assert (doc["past_total_monthly_cost"], doc["diff_total_monthly_cost"], doc["diff_total_percent"]) == (D("2.040"), D("1.500"), D("73.53"))
    assert doc["projected_total_monthly_cost"] == doc["total_monthly_cost"] == D("3.540")


def test_document_percent_from_nothing_is_none_and_no_past_no_diff_fields() -> None:
    result = price([key(), key("alicloud_kms_key.was", action=model.DELETE, service_key=True)])
    doc = estimate_document(result)
    assert (doc["past_total_monthly_cost"], doc["diff_total_percent"]) == (0, None)
    assert figures.total_change(doc) == "0.00 USD → 0.06 USD (+0.06 USD)"
    fresh = estimate_document(price([key()]))
    assert "past_total_monthly_cost" not in fresh and "base" not in fresh
    assert figures.total_change(fresh) == "0.06 USD"


def test_document_modules_count_keys_and_cost_of_what_exists_after() -> None:
    resources: list[model.Resource] = [
        key("module.a.alicloud_kms_key.x", module_address="module.a", protection_level="HSM"),
        key("module.a.alicloud_kms_key.y", module_address="module.a"),
        version("module.a.alicloud_kms_key_version.v", "module.a.alicloud_kms_key.x", module_address="module.a"),
        key("module.a.alicloud_kms_key.gone", module_address="module.a", action=model.DELETE),
        key("alicloud_kms_key.root", root="envs/prod"),
    ]
    doc = estimate_document(price(resources))
    assert doc["modules"] == [
        {"root": "envs/prod", "address": "", "keys": 1, "monthly_cost": D("0.060")},
        {"root": "", "address": "module.a", "keys": 2, "monthly_cost": D("2.040")},
    ]


def test_instance_members_are_grouped_after_their_instance() -> None:
    resources: list[model.Resource] = [
        key("alicloud_kms_key.a", in_instance=True, instance_address="alicloud_kms_instance.i"),
        key("alicloud_kms_key.plain"),
        instance(),
        secret(instance_address="alicloud_kms_instance.i"),
        key("alicloud_kms_key.elsewhere", in_instance=True, instance_address="alicloud_kms_instance.other"),
    ]
    result = price(resources)
    assert [p.resource.address for p in grouped(result.resources)] == [
        "alicloud_kms_key.plain", "alicloud_kms_instance.i", "alicloud_kms_key.a", "alicloud_kms_secret.s", "alicloud_kms_key.elsewhere",
    ]


def test_plain_numbers_keep_the_value_and_drop_the_decimal_type() -> None:
    assert plain_numbers({"a": [D("2.50"), D("3.000"), D(0)], "b": "x"}) == {"a": [2.5, 3, 0], "b": "x"}
    assert [type(v) for v in plain_numbers([D("2.50"), D("3.000")])] == [float, int]


@pytest.mark.parametrize(
    ("value", "money", "plain", "signed"),
    [
        (D("0.00225"), "0.00225 USD", "0.00225", "+0.00225 USD"),
        (D("1234.5"), "1,234.50 USD", "1234.5", "+1,234.50 USD"),
        (D(0), "0.00 USD", "0", "0.00 USD"),
        (D("-0.930"), "-0.93 USD", "-0.93", "-0.93 USD"),
        (D("500.00"), "500.00 USD", "500", "+500.00 USD"),
        (D("1.0"), "1.00 USD", "1", "+1.00 USD"),
    ],
)
def test_amounts_for_people(value: Decimal, money: str, plain: str, signed: str) -> None:
    assert (figures.money(value, "USD"), figures.plain_amount(value), figures.signed_money(value, "USD")) == (money, plain, signed)


def test_figures_words() -> None:
    assert figures.money(None, "USD") == "-"
    assert [figures.percent(D(v)) for v in ("12.5", "0", "-3", "1234.567")] == ["+12.50%", "0.00%", "-3.00%", "+1,234.57%"]
    assert figures.percent(D("0.5")) == "+0.50%"
    assert (figures.check_title("monthly_total"), figures.check_title("my-rule")) == ("Monthly KMS total over its limit", "Rule my-rule")
    assert figures.posix_path("envs\\prod\\main.tf") == "envs/prod/main.tf"
    error = {"skipped": False, "severity": "error"}
    doc = {"violations": [error, {"skipped": False}, {"skipped": False, "severity": "warning"}, {"skipped": True}]}
    assert (len(figures.failed(doc)), len(figures.warned(doc)), len(figures.skipped(doc))) == (2, 1, 1)
    assert figures.outcome(doc) == "2 checks failed, 1 warning, 1 skipped"
    assert figures.outcome({"violations": [error, {"skipped": False, "severity": "warning"}] * 2}) == "2 checks failed, 2 warnings, 0 skipped"
    assert figures.outcome({"violations": [error]}) == "1 check failed, 0 warnings, 0 skipped"
    assert figures.has_past({"past_total_monthly_cost": 0}) and not figures.has_past({})


def test_a_removed_key_that_lived_in_an_instance_keeps_its_instance() -> None:
    base = price([instance(), key(in_instance=True, instance_address="alicloud_kms_instance.i")])
    result = compare(price([instance()]), base, "plan base.json")
    removed = result.resources[-1]
    assert (removed.resource.address, removed.instance_address) == ("alicloud_kms_key.k", "alicloud_kms_instance.i")
    assert [p.resource.address for p in grouped(result.resources)] == ["alicloud_kms_instance.i", "alicloud_kms_key.k"]


def test_a_document_without_violations_counts_none() -> None:
    assert (figures.failed({}), figures.warned({}), figures.skipped({})) == ([], [], [])
    assert figures.outcome({}) == "0 checks failed, 0 warnings, 0 skipped"


def test_change_action_from_the_base_resource() -> None:
    from kms_infracost.pricing.diff import change_action

    old = key(protection_level="HSM")
    assert change_action(key(protection_level="HSM"), old) == model.NOOP
    assert change_action(key(protection_level="HSM", file="other.tf", line=9, root=""), old) == model.NOOP
    assert change_action(key(protection_level="HSM", status="Disabled"), old) == model.UPDATE
    assert change_action(key(protection_level="SOFTWARE"), old) == model.REPLACE
    assert change_action(key(protection_level="HSM", region="cn-hangzhou"), old) == model.REPLACE
    assert change_action(instance(product_version="5"), instance()) == model.REPLACE
    assert change_action(instance(key_num=2000), instance()) == model.UPDATE
    assert change_action(version("alicloud_kms_key.k", "x"), old) == model.REPLACE  # another type at the address


def test_compare_labels_each_resource_by_what_changes() -> None:
    base = price([key(), key("alicloud_kms_key.upd"), key("alicloud_kms_key.rep")])
    now = price([key(), key("alicloud_kms_key.upd", status="Disabled"), key("alicloud_kms_key.rep", key_spec="RSA_2048"),
                 key("alicloud_kms_key.new"), key("alicloud_kms_key.gone", action=model.DELETE)])  # fmt: skip
    result = compare(now, base, "plan base.json")
    assert [(p.resource.address, p.resource.action) for p in result.resources] == [
        ("alicloud_kms_key.k", model.NOOP),
        ("alicloud_kms_key.upd", model.UPDATE),
        ("alicloud_kms_key.rep", model.REPLACE),
        ("alicloud_kms_key.new", model.CREATE),
        ("alicloud_kms_key.gone", model.DELETE),
    ]


def test_by_project_narrows_a_document_to_each_project() -> None:
    one = {"total_monthly_cost": D(3), "resources": [{"address": "a"}]}
    assert figures.by_project(one) == [({"name": ".", "path": ".", "total_monthly_cost": D(3)}, one)]
    prod = {"name": "envs/prod", "path": "envs/prod", "total_monthly_cost": D(2), "past_total_monthly_cost": D(1),
            "diff_total_monthly_cost": D(1)}  # fmt: skip
    dev = {"name": "envs/dev", "path": "envs/dev", "total_monthly_cost": D(1), "projected_total_monthly_cost": D(5)}
    doc = {
        "total_monthly_cost": D(3),
        "projects": [prod, dev],
        "resources": [{"address": "p", "project": "envs/prod"}, {"address": "d", "project": "envs/dev"}],
        "account_items": [{"name": "i", "project": "envs/dev"}],
        "modules": [{"address": "", "project": "envs/prod"}],
        "violations": [{"rule": "r", "project": "envs/dev"}, {"rule": "all"}],
        "currency": "USD",
    }
    (p_entry, p_doc), (d_entry, d_doc) = figures.by_project(doc)
    assert (p_entry, d_entry) == (prod, dev)
    assert [r["address"] for r in p_doc["resources"]] == ["p"] and [r["address"] for r in d_doc["resources"]] == ["d"]
    assert (p_doc["account_items"], d_doc["account_items"]) == ([], [{"name": "i", "project": "envs/dev"}])
    assert (p_doc["modules"], d_doc["modules"]) == ([{"address": "", "project": "envs/prod"}], [])
    assert (p_doc["violations"], d_doc["violations"]) == ([], [{"rule": "r", "project": "envs/dev"}])
    assert (p_doc["total_monthly_cost"], p_doc["projected_total_monthly_cost"], d_doc["projected_total_monthly_cost"]) == (D(2), D(2), D(5))
    assert (p_doc["past_total_monthly_cost"], p_doc["diff_total_monthly_cost"]) == (D(1), D(1))
    assert "past_total_monthly_cost" not in d_doc
    assert (p_doc["projects"], d_doc["projects"], p_doc["currency"]) == ([prod], [dev], "USD")
    assert doc["resources"] == [{"address": "p", "project": "envs/prod"}, {"address": "d", "project": "envs/dev"}]  # untouched


def test_merged_projects_add_up_each_kind_of_warning_once() -> None:
    from types import SimpleNamespace

    from kms_infracost.document import merge_projects

    a = estimate_document(price([key("alicloud_kms_key.x", region="cn-newcity", file="a.tf", line=1),
                                 key("alicloud_kms_key.y", region="cn-newcity", file="a.tf", line=5)]))  # fmt: skip
    b = estimate_document(price([key("alicloud_kms_key.x", region="cn-newcity", file="b.tf", line=1), key("alicloud_kms_key.w", key_spec="Weird")]))
    merged = merge_projects([(SimpleNamespace(name="a", path="a", kind="plan"), a), (SimpleNamespace(name="b", path="b", kind="plan"), b)])
    assert merged["warnings"] == [
        {"code": "KI401", "name": "region-not-in-table", "message": "region cn-newcity is not in the region table; priced as mainland",
         "count": 3, "addresses": ["alicloud_kms_key.x", "alicloud_kms_key.y"], "locations": ["a.tf:1", "a.tf:5", "b.tf:1"],
         "projects": ["a", "b"]},
        {"code": "KI402", "name": "spec-not-in-book", "message": "key_spec Weird is not in price book kms1-intl; priced as basic",
         "count": 1, "addresses": ["alicloud_kms_key.w"], "locations": [], "projects": ["b"]},
    ]  # fmt: skip
    assert a["warnings"][0]["addresses"] == ["alicloud_kms_key.x", "alicloud_kms_key.y"]  # the parts are left as they were
    assert a["warnings"][0]["count"] == 2


def test_by_project_reads_items_without_a_project_as_the_root_project() -> None:
    root = {"name": ".", "path": ".", "total_monthly_cost": D(1)}
    other = {"name": "b", "path": "b", "total_monthly_cost": D(2)}
    doc = {"total_monthly_cost": D(3), "projects": [root, other], "resources": [{"address": "r"}, {"address": "s", "project": "b"}]}
    (_, r_doc), (_, b_doc) = figures.by_project(doc)
    assert ([x["address"] for x in r_doc["resources"]], [x["address"] for x in b_doc["resources"]]) == (["r"], ["s"])
    assert r_doc["modules"] == r_doc["account_items"] == r_doc["violations"] == []


def test_no_increase_from_nothing_is_no_violation() -> None:
    result = price([key(service_key=True, action=model.NOOP)])
    assert (result.past_total_monthly_cost, result.total_monthly_cost) == (0, 0)
    assert check_increase(result, {"monthly_increase_percent": D(0), "monthly_increase": D(0)}) == []


def test_capacity_is_checked_for_an_instance_listed_after_its_keys() -> None:
    resources: list[model.Resource] = [
        key("alicloud_kms_key.a", in_instance=True, instance_address="alicloud_kms_instance.i"),
        key("alicloud_kms_key.b", in_instance=True, instance_address="alicloud_kms_instance.i"),
        instance(key_num=1),
    ]
    (violation,) = check_instance_capacity(price(resources))
    assert (violation.address, violation.actual, violation.limit) == ("alicloud_kms_instance.i", D(2), D(1))


def test_change_action_of_types_without_replacing_attributes() -> None:
    from kms_infracost.pricing.diff import change_action

    assert change_action(secret(), secret()) == model.NOOP
    assert change_action(version("v", "k"), version("v", "k2")) == model.UPDATE


def test_merged_projects_total_and_compare_each_project() -> None:
    from types import SimpleNamespace

    import pytest

    from kms_infracost.document import merge_projects
    from kms_infracost.errors import UserError

    def project(name: str) -> SimpleNamespace:
        return SimpleNamespace(name=name, path=f"envs/{name}", kind="plan")

    a = estimate_document(replaced("RSA_2048", "EC_P256"))  # 0.99 -> 2.49
    b = estimate_document(price([key("alicloud_kms_key.new")]))  # a new key, 0.06: no past of its own
    merged = merge_projects([(project("a"), a), (project("b"), b)])
    assert merged["projects"] == [
        {"name": "a", "path": "envs/a", "kind": "plan", "price_book": "kms1-intl", "resources": 1, "total_monthly_cost": D("2.490"),
         "projected_total_monthly_cost": D("2.490"), "past_total_monthly_cost": D("0.990"), "diff_total_monthly_cost": D("1.500")},
        {"name": "b", "path": "envs/b", "kind": "plan", "price_book": "kms1-intl", "resources": 1, "total_monthly_cost": D("0.060"),
         "projected_total_monthly_cost": D("0.060"), "past_total_monthly_cost": D("0.060"), "diff_total_monthly_cost": D(0)},
    ]  # fmt: skip
    assert [r["address"] for r in merged["resources"]] == ["alicloud_kms_key.k", "alicloud_kms_key.new"]
    assert [m["project"] for m in merged["modules"]] == ["a", "b"]  # a part's items are named with their project
    assert (merged["total_monthly_cost"], merged["projected_total_monthly_cost"]) == (D("2.550"), D("2.550"))
    assert (merged["past_total_monthly_cost"], merged["diff_total_monthly_cost"], merged["diff_total_percent"]) == (D("1.050"), D("1.500"), D("142.86"))
    assert merged["base"] == "the plan's prior state"
    fresh = merge_projects([(project("b"), b), (project("c"), b)])
    assert "past_total_monthly_cost" not in fresh and "past_total_monthly_cost" not in fresh["projects"][0]
    zero = estimate_document(price([key(service_key=True, action=model.NOOP)]))
    assert merge_projects([(project("z"), zero), (project("y"), zero)])["diff_total_percent"] is None
    china = estimate_document(price([key(region="cn-hangzhou")], "kms-cn-2019"))
    with pytest.raises(UserError) as caught:
        merge_projects([(project("a"), a), (project("b"), b), (project("cn"), china)])
    assert str(caught.value) == "projects are priced in different currencies (a (USD), b (USD), cn (CNY)); run them separately"
    with pytest.raises(ValueError, match="^a run has at least one project$"):
        merge_projects([])


def test_resource_document_fields_of_a_key_and_an_instance() -> None:
    from kms_infracost.document import resource_document

    rotating = key(protection_level="HSM", key_spec="EC_P256", key_usage="SIGN/VERIFY", origin="EXTERNAL", status="Disabled",
                   automatic_rotation="Enabled", rotation_interval="30d", rotation_days=D(30), root="envs/prod")  # fmt: skip
    doc = resource_document(price([rotating]).resources[0])
    assert {k: doc[k] for k in ("name", "project", "key_spec", "protection_level", "status", "key_usage", "origin",
                                "automatic_rotation", "rotation_interval", "rotation_days", "in_instance")} == {
        "name": "k", "project": "envs/prod", "key_spec": "EC_P256", "protection_level": "HSM", "status": "Disabled",
        "key_usage": "SIGN/VERIFY", "origin": "EXTERNAL", "automatic_rotation": "Enabled", "rotation_interval": "30d",
        "rotation_days": D(30), "in_instance": False,
    }  # fmt: skip
    assert resource_document(price([key()]).resources[0])["project"] == "."
    box = resource_document(price([instance(payment_type="PayAsYouGo", spec=2000, key_num=3000, secret_num=100)],
                                  usage={"alicloud_kms_instance.i": {"peak_qps": 1}}).resources[0])  # fmt: skip
    assert {k: box[k] for k in ("payment_type", "product_version", "spec", "key_num", "secret_num")} == {
        "payment_type": "PayAsYouGo", "product_version": "3", "spec": 2000, "key_num": 3000, "secret_num": 100,
    }  # fmt: skip


def test_a_replaced_resource_at_the_same_cost_is_changed() -> None:
    result = replaced("RSA_2048", "Aliyun_SM4")  # both basic HSM: 0.99 -> 0.99
    assert estimate_document(result)["resources"][0]["change"] == "changed"


def test_plain_number_refuses_what_is_not_a_decimal() -> None:
    from kms_infracost.document import plain_number

    with pytest.raises(TypeError, match="^float is not JSON serializable$"):
        plain_number(1.5)


def test_kms1_summary_one_statement_for_the_runs_kms1_keys() -> None:
    from kms_infracost.pricing.engine import kms1_summary

    def doc(n: int, projects: list[str], priced: bool = True) -> dict:  # type: ignore[type-arg]
        resources = [{"type": model.KEY, "address": f"alicloud_kms_key.k{i}", "project": p, "in_instance": False, "action": "create"}
                     for i, p in enumerate(projects)]  # fmt: skip
        resources += [
            {"type": model.KEY, "address": "alicloud_kms_key.inside", "project": ".", "in_instance": True, "action": "create"},
            {"type": model.KEY, "address": "alicloud_kms_key.gone", "project": ".", "in_instance": False, "action": "delete"},
            {"type": model.INSTANCE, "address": "alicloud_kms_instance.i", "project": ".", "action": "create"},
        ]
        migration = {"kms1_keys": n, "currency": "USD", "end_of_service": "2025-09-30", "kms1_monthly_cost": 2.5,
                     "priced": priced, "cheapest": "kms3-payg-software", "cheapest_monthly_cost": 135.9}  # fmt: skip
        return {"resources": resources, "migration": migration}

    one = kms1_summary(doc(1, ["."]))
    assert [(w.code, w.address, w.message) for w in one] == [
        ("KI501", "alicloud_kms_key.k0",
         "KMS 1.0 ended service 2025-09-30: 1 key, 2.50 USD/month; cheapest KMS 3.0 option kms3-payg-software 135.90 USD/month (JSON: migration)"),
    ]  # fmt: skip
    two = kms1_summary(doc(2, ["a", "b"], priced=False))
    assert [(w.address, w.message) for w in two] == [
        ("a: alicloud_kms_key.k0", "KMS 1.0 ended service 2025-09-30: 2 keys, 2.50 USD/month"),
        ("b: alicloud_kms_key.k1", "KMS 1.0 ended service 2025-09-30: 2 keys, 2.50 USD/month"),
    ]
    assert [w.address for w in kms1_summary(doc(2, ["a", "a"]))] == ["alicloud_kms_key.k0", "alicloud_kms_key.k1"]
    assert kms1_summary(doc(0, [])) == [] and kms1_summary({"resources": []}) == []


@pytest.mark.parametrize(
    ("violation", "projects", "text"),
    [
        ({"message": "m", "project": "envs/a"}, [{"kind": "plan"}, {"kind": "hcl"}], "m (project envs/a)"),  # several projects
        ({"message": "m", "project": "infra"}, [{"kind": "hcl"}], "m (project infra)"),  # one folder, not the working directory
        ({"message": "m", "project": "."}, [{"kind": "hcl"}], "m"),  # the working directory itself
        ({"message": "m", "project": "plan.json"}, [{"kind": "plan"}], "m"),  # one plan
        ({"message": "m"}, [{"kind": "plan"}, {"kind": "hcl"}], "m"),  # a run-wide violation
        ({"message": "m", "project": "infra"}, [], "m"),  # a document from before projects
    ],
)
def test_a_violation_names_its_project_when_that_helps(violation: dict, projects: list, text: str) -> None:  # type: ignore[type-arg]
    assert figures.said(violation, {"projects": projects}) == text
    assert figures.said(violation, {}) == violation["message"]


def test_region_typos_and_book_data() -> None:
    from kms_infracost.pricing.book import book_data, region_table

    table = region_table()
    assert (table.typo_of("cn-hangzou"), table.typo_of("cn-hangzhou"), table.typo_of("xx-nowhere-9")) == ("cn-hangzhou", None, None)
    assert book_data("kms1-intl")["name"] == "kms1-intl"


def test_the_estimate_document_says_each_total_item_and_book_by_its_name() -> None:
    from kms_infracost import __version__
    from kms_infracost.document import SCHEMA_VERSION
    from kms_infracost.pricing.book import load_book, load_instance_book

    added = model.OtherKmsResource(address="alicloud_kms_value_added_service.v", type="alicloud_kms_value_added_service", name="v", region="cn-hangzhou")
    china = estimate_document(price([key(region="cn-hangzhou"), added], "kms-cn-2019", {"alicloud_kms_key.k": {"monthly_api_calls": 30_000}}))
    book = load_book("kms-cn-2019")
    assert {k: v for k, v in china.items() if k not in ("resources", "migration", "warnings")} == {
        "schema_version": SCHEMA_VERSION, "tool_version": __version__,
        "price_book": {"name": "kms-cn-2019", "title": book.title, "currency": "CNY", "effective_date": "2019-08-26",
                       "source": book.source, "sources": [dict(s) for s in book.sources]},
        "instance_price_book": None, "days_per_month": 30, "currency": "CNY", "total_monthly_cost": D("6.6"), "horizon_months": 12,
        "projected_total_monthly_cost": D("6.6"),
        "account_items": [{"name": "Free API calls (20,000 per month, account-wide)", "unit": "10k calls", "quantity": D(2),
                           "unit_price": D("-0.6"), "monthly_cost": D("-1.2"), "note": ""}],
        "modules": [{"root": "", "address": "", "keys": 1, "monthly_cost": D("7.8")}],
        "unpriced": [{"address": "alicloud_kms_value_added_service.v", "root": "", "priced_in_part": False,
                      "reasons": ["a KMS value-added service is billed by Alibaba Cloud, but no price book here has its price; not priced"]}],
        "violations": [],
    }  # fmt: skip
    assert china["migration"]["kms1_keys"] == 1
    intl = estimate_document(price([key(rotation_days=D(30))]))
    instances = load_instance_book("kms3-intl")
    assert intl["instance_price_book"] == {"name": "kms3-intl", "title": instances.title, "currency": "USD",
                                           "effective_date": instances.effective_date, "source": instances.source,
                                           "sources": [dict(s) for s in instances.sources]}  # fmt: skip
    assert (intl["total_monthly_cost"], intl["projected_total_monthly_cost"]) == (D("0.060"), D("0.720"))


def test_grouping_keeps_an_empty_instance_and_modules_of_two_roots_apart() -> None:
    resources: list[model.Resource] = [instance(), key("alicloud_kms_key.a"), key("alicloud_kms_key.a", root="envs/prod")]
    result = price(resources)
    assert [p.resource.uid for p in grouped(result.resources)] == [("", "alicloud_kms_instance.i"), ("", "alicloud_kms_key.a"), ("envs/prod", "alicloud_kms_key.a")]
    assert [(m["root"], m["address"], m["keys"]) for m in estimate_document(result)["modules"]] == [("", "", 1), ("envs/prod", "", 1)]


def test_china_book_says_versions_add_nothing_when_only_usage_gives_versions() -> None:
    result = price([key(region="cn-hangzhou")], "kms-cn-2019", {"alicloud_kms_key.k": {"key_versions": 3}})
    assert result.resources[0].notes == ["kms-cn-2019 charges per key, not per version: versions add nothing"]
    assert result.total_monthly_cost == D("6.0")
