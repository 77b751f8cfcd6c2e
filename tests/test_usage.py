"""Usage: annotations, the usage file with wildcards and precedence, rotation, service keys, skips."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from kms_infracost import model
from kms_infracost.pricing.book import load_book
from kms_infracost.pricing.engine import estimate
from tests.conftest import PLANS, plan, run_cli

D = Decimal


def config_copy(tmp_path: Path, case: str, edit: dict[str, str] | None = None) -> Path:
    """The case's configuration in a scratch folder, with text replaced (annotations added) where asked."""
    target = tmp_path / case
    shutil.copytree(PLANS / case, target, ignore=shutil.ignore_patterns("plan.json"))
    for name, (old, new) in (edit or {}).items():  # type: ignore[misc]
        path = target / name
        text = path.read_text()
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, 1))
    return target


def json_of(*args: str) -> dict:  # type: ignore[type-arg]
    result = run_cli("breakdown", "--format", "json", *args)
    assert result.code == 0, result.stderr
    return result.json()  # type: ignore[no-any-return]


def api_component(doc: dict, address: str) -> dict:  # type: ignore[type-arg]
    (res,) = [r for r in doc["resources"] if r["address"] == address]
    return next(c for c in res["cost_components"] if c["name"].startswith("API calls"))  # type: ignore[no-any-return]


SIGNING = 'resource "alicloud_kms_key" "signing" {'


def test_annotation_above_the_block_prices_the_calls(tmp_path: Path) -> None:
    folder = config_copy(tmp_path, "seed_hsm_ec_p256_singapore", {"main.tf": (SIGNING, "# kms-infracost: monthly_api_calls=100_000\n" + SIGNING)})  # type: ignore[dict-item]
    doc = json_of(plan("seed_hsm_ec_p256_singapore"), "--config-dir", str(folder))
    api = api_component(doc, "alicloud_kms_key.signing")
    assert api["monthly_cost"] == D("1.5")
    line = (folder / "main.tf").read_text().splitlines().index("# kms-infracost: monthly_api_calls=100_000") + 1
    assert api["usage_source"] == f"annotation {folder / 'main.tf'}:{line}"
    assert doc["total_monthly_cost"] == D("3.99")


def test_annotation_overrides_the_usage_file(tmp_path: Path) -> None:
    folder = config_copy(
        tmp_path,
        "seed_hsm_ec_p256_singapore",
        {"main.tf": (SIGNING, SIGNING + "\n  // kms-infracost: monthly_api_calls=2M")},  # type: ignore[dict-item]
    )
    usage = tmp_path / "usage.yml"
    usage.write_text("version: 0.1\nresource_usage:\n  alicloud_kms_key.signing:\n    monthly_api_calls: 100000\n")
    doc = json_of(plan("seed_hsm_ec_p256_singapore"), "--config-dir", str(folder), "--usage-file", str(usage))
    api = api_component(doc, "alicloud_kms_key.signing")
    assert api["quantity"] == D(200)  # 2M / 10k
    assert api["usage_source"].startswith("annotation ")
    assert doc["total_monthly_cost"] == D("32.49")  # 2.49 + 200 x 0.15


def test_block_comment_annotation_and_several_keys(tmp_path: Path) -> None:
    folder = config_copy(
        tmp_path,
        "seed_hsm_ec_p256_singapore",
        {"main.tf": (SIGNING, "/* kms-infracost: monthly_api_calls=10k key_versions=2 */\n" + SIGNING)},  # type: ignore[dict-item]
    )
    doc = json_of(plan("seed_hsm_ec_p256_singapore"), "--config-dir", str(folder))
    # 2 versions x 0.083 x 30 + 1 x 0.15
    assert doc["total_monthly_cost"] == D("5.13")


def test_annotation_typo_names_file_line_and_closest_key(tmp_path: Path) -> None:
    folder = config_copy(tmp_path, "seed_hsm_ec_p256_singapore", {"main.tf": (SIGNING, "# kms-infracost: monthly_api_call=5\n" + SIGNING)})  # type: ignore[dict-item]
    result = run_cli("check", plan("seed_hsm_ec_p256_singapore"), "--config-dir", str(folder))
    assert result.code == 2
    line = (folder / "main.tf").read_text().splitlines().index("# kms-infracost: monthly_api_call=5") + 1
    assert result.stderr == (
        f"kms-infracost: error: {folder / 'main.tf'}:{line}: unknown kms-infracost annotation key "
        "'monthly_api_call' (did you mean 'monthly_api_calls'?)\n"
    )


def test_annotation_applies_to_every_instance_of_a_count_block(tmp_path: Path) -> None:
    pool = 'resource "alicloud_kms_key" "pool" {'
    folder = config_copy(tmp_path, "count_and_for_each", {"main.tf": (pool, "# kms-infracost: monthly_api_calls=10000\n" + pool)})  # type: ignore[dict-item]
    doc = json_of(plan("count_and_for_each"), "--config-dir", str(folder))
    for index in range(3):
        assert api_component(doc, f"alicloud_kms_key.pool[{index}]")["monthly_cost"] == D("0.08")


def test_wildcard_entry_covers_a_for_each_in_a_module_used_twice(tmp_path: Path) -> None:
    usage = tmp_path / "usage.yml"
    usage.write_text(
        "version: 0.1\n"
        "resource_usage:\n"
        '  module.tenant_a.alicloud_kms_key.purpose["*"]:\n'
        "    monthly_api_calls: 20000\n"
        '  module.tenant_a.alicloud_kms_key.purpose["billing"]:\n'
        "    monthly_api_calls: 30000\n"
        "  module.*.alicloud_kms_key.data[*]:\n"
        "    monthly_api_calls: 10000\n"
    )
    doc = json_of(plan("module_twice_providers"), "--usage-file", str(usage))
    assert api_component(doc, 'module.tenant_a.alicloud_kms_key.purpose["reports"]')["quantity"] == D(2)
    assert api_component(doc, 'module.tenant_a.alicloud_kms_key.purpose["billing"]')["quantity"] == D(3)
    assert api_component(doc, "module.tenant_b.alicloud_kms_key.data[0]")["quantity"] == D(1)
    assert 'purpose["*"]' in api_component(doc, 'module.tenant_a.alicloud_kms_key.purpose["reports"]')["usage_source"]
    assert api_component(doc, 'module.tenant_b.alicloud_kms_key.purpose["search"]')["usage_source"] == "built-in default"


def test_usage_file_version_is_checked(tmp_path: Path) -> None:
    usage = tmp_path / "usage.yml"
    usage.write_text("version: 0.3\n")
    result = run_cli("check", plan("alias"), "--usage-file", str(usage))
    assert result.code == 2
    assert f"{usage}:1: usage file version 0.3 is not supported (supported: 0.1)" in result.stderr


def test_unknown_usage_key_is_a_warning_naming_the_closest(tmp_path: Path) -> None:
    usage = tmp_path / "usage.yml"
    usage.write_text("version: 0.1\nresource_usage:\n  alicloud_kms_key.app:\n    monthly_api_cals: 5\n")
    result = run_cli("check", plan("alias"), "--usage-file", str(usage), "-v")
    assert result.code == 0
    assert (
        f"{usage}:4: warning KI303 unknown usage key 'monthly_api_cals' for alicloud_kms_key.app "
        "(did you mean 'monthly_api_calls'?)"
    ) in result.stderr.splitlines()


def test_rotation_every_30_days_in_any_unit_projects_12_versions_in_month_12() -> None:
    doc = json_of(plan("rotation"))
    by = {r["address"]: r for r in doc["resources"]}
    for name in ("monthly", "seconds", "hours"):
        key = by[f"alicloud_kms_key.{name}"]
        assert key["rotation_days"] == D(30)
        assert (key["monthly_cost"], key["projected_monthly_cost"]) == (D("0.06"), D("0.72"))
    assert by["alicloud_kms_key.static"]["projected_monthly_cost"] == D("0.06")
    assert (doc["total_monthly_cost"], doc["projected_total_monthly_cost"], doc["horizon_months"]) == (D("0.24"), D("2.22"), 12)


def test_projected_threshold_and_horizon() -> None:
    assert run_cli("check", plan("rotation"), "--max-projected-total", "2.22").code == 0
    result = run_cli("check", plan("rotation"), "--max-projected-total", "2.21")
    assert result.code == 1
    assert "[projected_monthly_total] projected KMS cost in month 12 is 2.22 USD, over the limit of 2.21 USD" in result.stdout
    doc = json_of(plan("rotation"), "--horizon-months", "6")
    assert doc["projected_total_monthly_cost"] == D("1.14")  # 3 x 6 x 0.06 + 0.06


def key(**kwargs: object) -> model.KmsKey:
    return model.KmsKey(address="alicloud_kms_key.k", type=model.KEY, name="k", region="ap-southeast-1", **kwargs)  # type: ignore[arg-type]


def test_hsm_advanced_key_rotated_every_30_days_costs_29_88_hosting_in_month_12() -> None:
    result = estimate(
        model.Inventory(resources=[key(protection_level="HSM", key_spec="EC_P256", rotation_days=D(30))]),
        load_book("kms1-intl"),
    )
    (hosting, _api) = result.projected[0].components
    assert hosting.quantity == D(360)  # 12 versions x 30 days
    assert hosting.monthly_cost == D("29.880")
    assert result.resources[0].components[0].monthly_cost == D("2.490")


def test_weekly_rotation_accumulates_within_the_first_month() -> None:
    result = estimate(model.Inventory(resources=[key(rotation_days=D(7))]), load_book("kms1-intl"))
    # days 0-6: 1 version, 7-13: 2, 14-20: 3, 21-27: 4, 28-29: 5 -> 80 version-days
    assert result.resources[0].components[0].quantity == D(80)


def test_key_versions_from_usage_set_the_starting_count() -> None:
    result = estimate(
        model.Inventory(resources=[key(rotation_days=D(30))]),
        load_book("kms1-intl"),
        usage=lambda r: model.Usage(values={"key_versions": D(3)}, sources={"key_versions": "test"}),
    )
    assert result.resources[0].components[0].quantity == D(90)
    assert result.projected[0].components[0].quantity == D(14 * 30)


@pytest.mark.parametrize(
    ("interval", "days"),
    [("365d", "365"), ("2592000s", "30"), ("720h", "30"), ("10080m", "7")],
)
def test_rotation_interval_units(interval: str, days: str) -> None:
    from kms_infracost.sources.normalize import rotation_interval_days

    assert rotation_interval_days(interval, "k", None, None) == D(days)


@pytest.mark.parametrize("interval", ["6d", "731d", "100", "30 days", "1000000000s"])
def test_rotation_interval_outside_7_to_730_days_is_an_error(interval: str) -> None:
    from kms_infracost.errors import UserError
    from kms_infracost.sources.normalize import rotation_interval_days

    with pytest.raises(UserError):
        rotation_interval_days(interval, "k", None, None)


def test_rotation_on_an_asymmetric_key_is_refused_with_a_warning() -> None:
    from kms_infracost.sources.interface import ResourceRecord
    from kms_infracost.sources.normalize import build_inventory

    record = ResourceRecord(
        address="alicloud_kms_key.sign",
        type=model.KEY,
        name="sign",
        after={"key_spec": "RSA_2048", "automatic_rotation": "Enabled", "rotation_interval": "30d"},
        provider_region="cn-hangzhou",
    )
    inventory = build_inventory([record])
    (sign,) = inventory.resources
    assert isinstance(sign, model.KmsKey) and sign.rotation_days is None
    assert inventory.warnings == [
        model.Warning(
            "KI104",
            "automatic_rotation is Enabled but KMS does not rotate asymmetric keys (RSA_2048); no rotation projected",
            "alicloud_kms_key.sign",
        )
    ]


def test_service_key_from_usage_is_free(tmp_path: Path) -> None:
    usage = tmp_path / "usage.yml"
    usage.write_text("version: 0.1\nresource_usage:\n  alicloud_kms_key.app:\n    service_key: true\n    monthly_api_calls: 5M\n")
    doc = json_of(plan("alias"), "--usage-file", str(usage))
    assert doc["total_monthly_cost"] == 0


def test_skip_with_reason_marks_the_violation_skipped(tmp_path: Path) -> None:
    folder = config_copy(
        tmp_path,
        "seed_hsm_ec_p256_singapore",
        {"main.tf": (SIGNING, '# kms-infracost: skip=monthly_per_key reason="approved in SEC-123"\n' + SIGNING)},  # type: ignore[dict-item]
    )
    result = run_cli("check", "--format", "json", plan("seed_hsm_ec_p256_singapore"), "--config-dir", str(folder), "--max-per-key", "1")
    assert result.code == 0
    (violation,) = result.json()["violations"]
    assert (violation["rule"], violation["skipped"], violation["skip_reason"]) == ("monthly_per_key", True, "approved in SEC-123")
    table = run_cli("check", plan("seed_hsm_ec_p256_singapore"), "--config-dir", str(folder), "--max-per-key", "1")
    assert "SKIPPED [monthly_per_key] alicloud_kms_key.signing costs 2.49 USD" in table.stdout
    assert "(reason: approved in SEC-123)" in table.stdout


def test_skip_without_reason_is_an_error(tmp_path: Path) -> None:
    folder = config_copy(tmp_path, "seed_hsm_ec_p256_singapore", {"main.tf": (SIGNING, "# kms-infracost: skip=monthly_per_key\n" + SIGNING)})  # type: ignore[dict-item]
    result = run_cli("check", plan("seed_hsm_ec_p256_singapore"), "--config-dir", str(folder))
    assert result.code == 2
    assert 'skip=monthly_per_key needs a reason: add reason="why this is accepted"' in result.stderr


def test_usage_source_in_the_verbose_table() -> None:
    from tests.conftest import USAGE

    result = run_cli("breakdown", "-v", plan("seed_hsm_basic_singapore"), "--usage-file", str(USAGE / "seed1-disk-encryption.yml"))
    assert "[usage file " in result.stdout and "(alicloud_kms_key.disk)]" in result.stdout
