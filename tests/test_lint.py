"""The project's own habits, checked where everyone runs them: ruff over the repository, mypy --strict over the package.

Both are pinned in the `test` extra (their findings change from version to version). Type checking depends on the
dependencies' own annotations, so it is judged against the newest dependencies only: `.ci/run` deselects the
`lint` marker in its lowest-versions run.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.lint


def _tool(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec(module) is None:
        pytest.fail(f"{module} is not installed in this environment: run pip install -e '.[test]'")
    return subprocess.run([sys.executable, "-m", module, *args], cwd=REPO, capture_output=True, text=True, check=False)


def test_ruff_finds_nothing() -> None:
    done = _tool("ruff", "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_finds_nothing_in_the_package() -> None:
    done = _tool("mypy", "--strict", "kms_infracost")
    assert done.returncode == 0, done.stdout + done.stderr


def test_this_repositorys_pre_commit_config_is_valid() -> None:
    done = _tool("pre_commit", "validate-config", ".pre-commit-config.yaml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_lowest_constraints_pin_every_floor_pyproject_declares() -> None:
    """.ci/run's lowest run installs exactly the declared floors: a dependency added or raised in pyproject.toml
    without its line in .ci/constraints-lowest.txt would leave its floor untested."""
    import re
    import tomllib

    from packaging.version import Version

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    floors = {}
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        found = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(>=|==)\s*([0-9][^,;\s]*)(?:,.*)?", requirement)
        assert found, requirement
        if found[2] == ">=":  # an exact pin (==) is the same in both runs
            floors[found[1].lower()] = Version(found[3])
    pinned = {}
    for line in (REPO / ".ci" / "constraints-lowest.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pinned[name.strip().lower()] = Version(version.strip())
    missing = {name: floor for name, floor in floors.items() if pinned.get(name) != floor}
    assert not missing, f"add to .ci/constraints-lowest.txt: {missing}"
