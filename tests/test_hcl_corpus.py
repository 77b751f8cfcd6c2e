"""The HCL source on real repositories (../shared/corpus): no crash, every key block found.

Skips when the corpus is absent. The corpus is only read (scripts/corpus_report.py), never copied.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import REPO, run_subprocess

pytestmark = pytest.mark.corpus


def _report() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_report", REPO / "scripts" / "corpus_report.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_report"] = module
    spec.loader.exec_module(module)
    return module


REPORT = _report()
CORPUS: Path = REPORT.default_corpus()
REPOS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and "__" in p.name) if CORPUS.is_dir() else []


@pytest.mark.skipif(not REPOS, reason=f"no corpus at {CORPUS}")
@pytest.mark.parametrize("repo", REPOS)
def test_corpus_repository_is_read_without_crash_and_every_key_block_is_found(repo: str) -> None:
    result = REPORT.survey(CORPUS / repo)
    assert result.crashes == []
    assert result.errors == []
    assert result.missing_blocks == []
    assert result.key_blocks_found == result.key_blocks


@pytest.mark.skipif(not REPOS, reason=f"no corpus at {CORPUS}")
@pytest.mark.parametrize("repo", REPOS)
def test_corpus_repository_through_the_cli_has_no_traceback(repo: str) -> None:
    files = sorted(
        str(p) for p in (CORPUS / repo).rglob("*") if p.is_file() and p.name.endswith(REPORT.SUFFIXES)
    )
    result = run_subprocess("check", "--format", "json", *files)
    assert result.code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    assert result.json()["resources"] is not None


def test_corpus_report_script_skips_cleanly_without_a_corpus(tmp_path: Path) -> None:
    import subprocess

    out = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "corpus_report.py"), str(tmp_path / "nothing")],
        capture_output=True, text=True, check=False,
    )
    assert out.returncode == 0
    assert out.stdout == f"no corpus at {tmp_path / 'nothing'}; nothing to do\n"


@pytest.mark.skipif(not REPOS, reason=f"no corpus at {CORPUS}")
@pytest.mark.parametrize("repo", REPOS)
def test_corpus_repository_run_from_its_root_prices_every_project(repo: str) -> None:
    """`kms-infracost breakdown .` at the repository root: the keys of every project, never "nothing found"."""
    expected = REPORT.survey(CORPUS / repo)
    result = run_subprocess("breakdown", "-q", "--format", "json", ".", cwd=str(CORPUS / repo))
    assert result.code == 0, result.stderr
    doc = result.json()
    keys = [r for r in doc["resources"] if r["type"] == "alicloud_kms_key"]
    assert len(keys) == expected.keys
    assert {p["name"] for p in doc["projects"] if p["resources"]} == {name for name, n, _ in expected.projects if n}
