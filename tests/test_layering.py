"""Imports run one way: faces (cli, entry) -> run -> stages; reports and policy read plain data."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kms_infracost"


def imported_modules(relative: str) -> set[str]:
    """Every kms_infracost module a file names in an import, at any depth and under TYPE_CHECKING too."""
    tree = ast.parse((PACKAGE / relative).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("kms_infracost")}


def test_the_run_stage_imports_no_face() -> None:
    names = imported_modules("run.py")
    assert not {n for n in names if n.startswith(("kms_infracost.cli", "kms_infracost.entry"))}


def test_the_evaluator_does_not_import_the_module_instance_that_uses_it() -> None:
    assert "kms_infracost.sources.hcl.instance" not in imported_modules("sources/hcl/evaluate.py")
    assert "kms_infracost.sources.hcl.evaluate" in imported_modules("sources/hcl/instance.py")


def test_reports_and_policy_run_without_loading_pricing() -> None:
    probe = (
        "import sys\n"
        "import kms_infracost.document, kms_infracost.policy.rules, kms_infracost.policy.thresholds\n"
        "from kms_infracost.report import FORMATS, renderer\n"
        "for name in FORMATS: renderer(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('kms_infracost.pricing')))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"
