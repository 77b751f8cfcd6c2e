"""`usage init`: one entry per resource block, and a second run that keeps a hand-edited file byte for byte."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.conftest import plan, run_cli, run_subprocess


def test_init_writes_an_entry_per_key_that_the_loader_reads(tmp_path: Path) -> None:
    target = tmp_path / "usage.yml"
    result = run_cli("usage", "init", plan("count_and_for_each"), "--usage-file", str(target))
    assert result.code == 0
    text = target.read_text()
    assert text.count("# monthly_api_calls: 0") == 2  # one entry per block: pool[*] and by_team["*"]
    assert "  'alicloud_kms_key.pool[*]':\n" in text and "  'alicloud_kms_key.by_team[\"*\"]':\n" in text
    doc = run_cli("breakdown", "--format", "json", plan("count_and_for_each"), "--usage-file", str(target)).json()
    assert doc["total_monthly_cost"] == Decimal("1.23")
    assert not [w for w in doc["warnings"] if "usage" in w]


def test_second_run_on_a_hand_edited_file_only_adds_new_keys(tmp_path: Path) -> None:
    target = tmp_path / "usage.yml"
    run_cli("usage", "init", plan("cn_hangzhou_three_keys"), "--usage-file", str(target))
    generated = target.read_text()
    # A person sets a value, adds comments, and drops the db entry (as if that key were new).
    edited = generated.replace(
        "  'alicloud_kms_key.app':\n    # monthly_api_calls: 0",
        "  # the app key is hot: measured 2026-10\n  'alicloud_kms_key.app':\n    monthly_api_calls: 2M   # from CloudMonitor",
    )
    db_entry = (
        "  'alicloud_kms_key.db':\n"
        "    # monthly_api_calls: 0  # cryptographic calls a month (Encrypt, Decrypt, GenerateDataKey, Sign, ...)\n"
        "    # key_versions: 1  # versions that already exist (rotation history)\n"
    )
    assert db_entry in edited
    edited = edited.replace(db_entry, "") + "\n# footer comment kept at the end\n"
    edited = edited.replace("version: 0.1\n", "version: 0.1\nresource_type_default_usage:\n  alicloud_kms_key:\n    monthly_api_calls: 10_000\n")
    target.write_text(edited)

    result = run_cli("usage", "init", plan("cn_hangzhou_three_keys"), "--usage-file", str(target))
    assert result.stdout == f"{target}: added 1 entry: alicloud_kms_key.db\n"
    after = target.read_text()
    body, footer = edited.split("\n# footer comment", 1)
    assert after == body + db_entry + "\n# footer comment" + footer  # inserted, nothing else moved

    before_mtime = target.stat().st_mtime_ns
    again = run_cli("usage", "init", plan("cn_hangzhou_three_keys"), "--usage-file", str(target))
    assert again.stdout.endswith("up to date (3 resources found)\n")
    assert target.read_text() == after
    assert target.stat().st_mtime_ns == before_mtime  # not even rewritten

    doc = run_cli("breakdown", "--format", "json", plan("cn_hangzhou_three_keys"), "--usage-file", str(target)).json()
    api = {r["address"]: r["cost_components"][1]["quantity"] for r in doc["resources"]}
    assert api == {"alicloud_kms_key.app": Decimal(200), "alicloud_kms_key.db": Decimal(1), "alicloud_kms_key.logs": Decimal(1)}


def test_instances_get_a_peak_qps_entry(tmp_path: Path) -> None:
    target = tmp_path / "usage.yml"
    run_subprocess("usage", "init", plan("kms_instance_payg_hardware"), "--usage-file", str(target))
    assert (
        "  'alicloud_kms_instance.hsm':\n    # peak_qps: 0  # the day's peak per-minute average QPS, rounded up "
        "(pay-as-you-go; spec 200 is the ceiling, not the bill)\n"
    ) in target.read_text()


def test_flow_style_section_is_a_clear_error_and_the_file_is_untouched(tmp_path: Path) -> None:
    target = tmp_path / "usage.yml"
    target.write_text("version: 0.1\nresource_usage: {}\n")
    result = run_cli("usage", "init", plan("alias"), "--usage-file", str(target))
    assert result.code == 2
    assert f"{target}:2: resource_usage is written in flow style" in result.stderr
    assert target.read_text() == "version: 0.1\nresource_usage: {}\n"
