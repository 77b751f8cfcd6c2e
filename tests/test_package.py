"""The package as users get it: `python -m build` makes an sdist and a wheel that pass `twine check`; the wheel
carries the price books; installed from the wheel into a clean virtual environment, the README quick start works.

Building (an isolated build environment) and installing the wheel's dependencies come from PyPI, hence the
`network` marker; the installed tool itself then runs with internet sockets disabled.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from kms_infracost import __version__
from tests.conftest import NO_NETWORK, REPO
from tests.test_readme import quick_start

pytestmark = [pytest.mark.network, pytest.mark.package]

BOOKS_DIR = REPO / "kms_infracost" / "pricing" / "books"
BOOKS = sorted(p.name for p in BOOKS_DIR.glob("*.toml"))
SKIP_WHEN_COPYING = shutil.ignore_patterns(
    ".git", ".venv*", "venv", "fixtures", "tests", "benchmarks", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
)


def _run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sdist and wheel built from a copy of the checkout (a build writes egg-info beside the sources)."""
    for module in ("build", "twine"):
        if importlib.util.find_spec(module) is None:
            pytest.fail(f"{module} is not installed in this environment: run pip install -e '.[test]'")
    source = tmp_path_factory.mktemp("source") / "kms-infracost"
    shutil.copytree(REPO, source, ignore=SKIP_WHEN_COPYING)
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--outdir", out, source)
    return out


def _one(dist: Path, pattern: str) -> Path:
    (found,) = dist.glob(pattern)
    return found


def test_sdist_and_wheel_pass_twine_check(dist: Path) -> None:
    names = sorted(p.name for p in dist.iterdir())
    assert names == [f"kms_infracost-{__version__}-py3-none-any.whl", f"kms_infracost-{__version__}.tar.gz"]
    done = _run(sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir()))
    assert done.stdout.count("PASSED") == 2


def test_the_wheel_carries_the_price_books_and_no_tests(dist: Path) -> None:
    with zipfile.ZipFile(_one(dist, "*.whl")) as wheel:
        names = wheel.namelist()
        metadata = wheel.read(f"kms_infracost-{__version__}.dist-info/METADATA").decode()
        entry_points = wheel.read(f"kms_infracost-{__version__}.dist-info/entry_points.txt").decode()
    assert sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("kms_infracost/pricing/books/")) == BOOKS
    assert "kms_infracost/pricing/regions.toml" in names
    assert "kms_infracost/py.typed" in names
    assert not [n for n in names if n.startswith(("tests/", "fixtures/"))]
    assert f"Version: {__version__}\n" in metadata
    assert "Requires-Dist: jsonpath-ng<2,>=1.13" in metadata
    assert "kms-infracost = kms_infracost.entry:main" in entry_points


def test_the_sdist_carries_books_readme_and_changelog(dist: Path) -> None:
    with tarfile.open(_one(dist, "*.tar.gz")) as sdist:
        names = [n.split("/", 1)[1] for n in sdist.getnames() if "/" in n]
    assert {"README.md", "CHANGELOG.md", "pyproject.toml"} <= set(names)
    assert sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("kms_infracost/pricing/books/")) == BOOKS
    assert not [n for n in names if n.startswith("tests/")]


def test_installed_from_the_wheel_in_a_clean_venv_the_quick_start_works(dist: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    _run(venv / "bin" / "python", "-m", "pip", "install", "-q", _one(dist, "*.whl"))
    # the installed tool, not this checkout: no PYTHONPATH but the socket guard, and run from the repository root
    # only because the quick start's paths are relative to it
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV") and not k.startswith("KMS_INFRACOST")}
    env["PYTHONPATH"] = NO_NETWORK
    env["KMS_INFRACOST_CACHE_DIR"] = str(tmp_path / "cache")
    tool = venv / "bin" / "kms-infracost"
    where = _run(venv / "bin" / "python", "-c", "import kms_infracost; print(kms_infracost.__file__)", cwd=tmp_path, env=env)
    assert where.stdout.startswith(str(venv))
    args, shown = quick_start()
    done = _run(tool, *args, cwd=REPO, env=env)
    assert done.stdout == shown
    version = _run(tool, "--version", cwd=tmp_path, env=env)
    books = [tomllib.loads((BOOKS_DIR / name).read_text()) for name in BOOKS]
    assert version.stdout == f"kms-infracost {__version__}\nprice books:\n" + "".join(
        f"  {b['name']} ({b['currency']}): effective {b['effective_date']}\n" for b in books
    )
    assert "  kms1-intl (USD): effective 20" in version.stdout
