"""The fast plan decoder (msgspec) and the standard library's give the same reports, on every real plan."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import PLANS, REPO, run_cli

from kms_infracost.errors import UserError
from kms_infracost.sources import plan_decode
from kms_infracost.sources.plan import parse_plan

FIXTURES = sorted(p.parent.name for p in PLANS.glob("*/plan.json"))
FORMATS = ("json", "table", "markdown", "sarif", "infracost-json")


def _plans_module():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import plans  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    return plans


def reports(monkeypatch: pytest.MonkeyPatch, plan_file: str, *, fast: bool, command: str = "breakdown") -> list[str]:
    """Every format of one run, decoded the fast way or (msgspec hidden) the standard library's."""
    with monkeypatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # infracost-json's timeGenerated
        if not fast:
            patch.setattr(plan_decode, "msgspec", None)
        out = []
        for fmt in FORMATS:
            result = run_cli(command, plan_file, "--format", fmt)
            out.append(f"{result.code}\n{result.stdout}\n{result.stderr}")
        return out


def test_msgspec_is_installed_and_decodes_every_fixture() -> None:
    assert plan_decode.available()
    for case in FIXTURES:
        assert plan_decode.decode((PLANS / case / "plan.json").read_bytes()) is not None, case


@pytest.mark.parametrize("case", FIXTURES)
def test_fast_and_stdlib_paths_give_identical_reports(monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    plan_file = str(PLANS / case / "plan.json")
    fast = reports(monkeypatch, plan_file, fast=True, command="check")
    assert fast == reports(monkeypatch, plan_file, fast=False, command="check")
    assert '"resources"' in fast[0]


def test_identical_reports_on_a_generated_plan_of_every_shape(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    plans = _plans_module()
    for shape in ("light", "heavy"):
        path = tmp_path / f"{shape}.json"
        plans.write(path, 400, shape, modules=7)
        fast = reports(monkeypatch, str(path), fast=True)
        assert fast == reports(monkeypatch, str(path), fast=False)
        document, _ = json.JSONDecoder().raw_decode(fast[0].split("\n", 1)[1])
        assert len(document["resources"]) == 20


def test_only_kms_entries_are_decoded_and_configuration_keeps_its_modules(tmp_path: Path) -> None:
    plans = _plans_module()
    data = json.dumps(plans.build(200, "light", modules=3)).encode()
    fast, keys = plan_decode.decode(data) or ({}, set())
    full = json.loads(data)
    assert {"planned_values", "resource_changes", "configuration", "variables"} <= keys
    assert "planned_values" not in fast and "prior_state" not in fast
    assert fast["resource_changes"] == [c for c in full["resource_changes"] if "kms" in c["type"]]
    assert len(fast["resource_changes"]) == 10
    assert fast["variables"] == full["variables"]
    call = fast["configuration"]["root_module"]["module_calls"]["m00"]
    full_call = full["configuration"]["root_module"]["module_calls"]["m00"]
    assert call["expressions"] == full_call["expressions"] and call["source"] == "./modules/m00"
    assert call["module"]["variables"] == full_call["module"]["variables"]
    assert call["module"]["resources"] == [r for r in full_call["module"]["resources"] if "kms" in r["type"]]
    assert fast["configuration"]["provider_config"] == full["configuration"]["provider_config"]


def test_other_providers_key_services_are_kept_and_reported_alike(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    changes = [
        {"address": f"{t}.k", "type": t, "name": "k", "mode": "managed", "change": {"actions": ["create"]}}
        for t in ("aws_kms_key", "azurerm_key_vault_key", "google_kms_crypto_key", "aws_s3_bucket")
    ]
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps({"format_version": "1.2", "resource_changes": changes}))
    fast, _ = plan_decode.decode(plan_file.read_bytes()) or ({}, set())
    assert [c["type"] for c in fast["resource_changes"]] == ["aws_kms_key", "azurerm_key_vault_key", "google_kms_crypto_key"]
    report = reports(monkeypatch, str(plan_file), fast=True)
    assert report == reports(monkeypatch, str(plan_file), fast=False)
    assert "azurerm_key_vault_key" in report[1]


@pytest.mark.parametrize(
    "text",
    [
        b'{"format_version": "1.2", "resource_changes": [], "variables": {"x": {"value": NaN}}}',  # NaN for json
        b'{"format_version": "1.2", "resource_changes": [], "variables": {"x": {"value": 1e400}}}',  # infinity
        b'{"format_version": "1.2", "resource_changes": [], "variables": {"x": {"value": "\\ud800"}}}',
        b'{"format_version": "1.2", "resource_changes": [5, {"type": "alicloud_kms_key"}]}',  # damaged entries
        b'{"format_version": "1.2", "configuration": {"root_module": []}, "resource_changes": []}',
    ],
)
def test_what_msgspec_refuses_goes_to_the_stdlib_path(text: bytes) -> None:
    assert plan_decode.decode(text) is None
    assert parse_plan(text, "p.json") == parse_plan(text, "p.json", fast=False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b'{"format_version": "1.2", "resource_changes": [{"type": "x", "d": "caf\xe9"}]}', "is not UTF-8 text (byte 70)"),
        (b'{"format_version": "1.2", "resource_changes": [', "is not valid JSON (Expecting value, column 48)"),
        (b'{"format_version": "1.2", "resource_changes": {}}', "resource_changes is not a list"),
        (b'{"format_version": "2.0", "resource_changes": []}', "plan format_version 2.0 is not supported"),
        (b'{"format_version": "1.0", "values": {}}', "looks like state, not a plan"),
        (b'[1, 2]', "not a Terraform plan"),
        (b'{"format_version": "1.2", "resource_changes": [], "planned_values": {"a": tru}}', "is not valid JSON"),
        (b'{"format_version": "1.2", "resource_changes": []} {}', "is not valid JSON (Extra data"),
        (b" \n\t", "is empty"),
    ],
)
def test_bad_plans_get_the_same_message_either_way(text: bytes, message: str) -> None:
    for fast in (True, False):
        with pytest.raises(UserError) as caught:
            parse_plan(text, "p.json", fast=fast)
        assert message in caught.value.one_line()


def test_invalid_utf8_far_into_a_big_plan_is_still_found() -> None:
    filler = b'{"type": "alicloud_instance", "d": "' + b"x" * 5_000_000 + b'"}'
    text = b'{"format_version": "1.2", "resource_changes": [' + filler + b', {"type": "y", "d": "\xc3("}]}'
    assert plan_decode.decode(text) is None
    with pytest.raises(UserError, match="is not UTF-8 text"):
        parse_plan(text, "p.json")
    accented = text.replace(b"\xc3(", "é".encode())
    assert parse_plan(accented, "p.json") == {"format_version": "1.2", "resource_changes": []}


def test_a_plan_with_a_byte_order_mark_decodes_the_fast_way() -> None:
    data = (PLANS / "alias" / "plan.json").read_bytes()
    assert parse_plan(b"\xef\xbb\xbf" + data, "p.json") == parse_plan(data, "p.json")
    assert plan_decode.decode(memoryview(b"\xef\xbb\xbf" + data)[3:]) is not None


def test_the_decoders_quick_type_check_lets_every_other_key_service_through() -> None:
    from kms_infracost.sources import OTHER_KMS_PARTS

    assert all("kms" in part or "vault" in part for part in OTHER_KMS_PARTS)
