"""The README's quick start shows what the tool really prints, and annotations work on HCL too."""

from __future__ import annotations

import os
import shlex
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli


def quick_start() -> tuple[list[str], str]:
    """The README quick start's kms-infracost arguments and the output it shows (run from the repository root)."""
    readme = (REPO / "README.md").read_text()
    command_line = next(line for line in readme.splitlines() if line.startswith("python -m pip install . && kms-infracost"))
    args = shlex.split(command_line.split("&& kms-infracost", 1)[1])
    shown = readme.split("```\nPrice book", 1)[1].split("```", 1)[0]
    return args, "Price book" + shown


def test_quick_start_output_is_what_the_tool_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    args, shown = quick_start()
    monkeypatch.chdir(REPO)
    result = run_cli(*args)
    assert result.code == 0
    assert result.stdout == shown


def test_annotations_on_hcl_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'provider "alicloud" {\n  region = "ap-southeast-1"\n}\n\n'
        "# kms-infracost: monthly_api_calls=2M\n"
        'resource "alicloud_kms_key" "k" {\n  count = 2\n  protection_level = "HSM"\n}\n'
    )
    doc = run_cli("breakdown", "--format", "json", str(tmp_path)).json()
    assert [r["address"] for r in doc["resources"]] == ["alicloud_kms_key.k[0]", "alicloud_kms_key.k[1]"]
    for res in doc["resources"]:
        api = res["cost_components"][1]
        assert api["usage_source"] == f"annotation {os.path.join(str(tmp_path), 'main.tf')}:5"
        assert res["line"] == 6
        assert res["monthly_cost"] == Decimal("6.99")  # 0.99 hosting + 200 x 0.03
