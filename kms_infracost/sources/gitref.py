"""The same HCL paths as they were at a git ref, read with `git archive` into a temporary folder.

Never touches the user's work tree or index: nothing is checked out, nothing is staged.
"""

from __future__ import annotations

import atexit
import dataclasses
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kms_infracost import model
from kms_infracost.errors import UserError


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    git = shutil.which("git")
    if git is None:
        raise UserError("--base-ref needs git on PATH")
    return subprocess.run([git, *args], cwd=cwd, capture_output=True, check=False)


def export_ref(ref: str, cwd: Path) -> tuple[Path, Path]:
    """(repository root, folder holding the tree at ref); the folder is removed when the process ends."""
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise UserError("--base-ref needs the working directory to be inside a git repository", str(cwd))
    root = Path(top.stdout.decode().strip())
    commit = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    if commit.returncode != 0:
        raise UserError(f"--base-ref {ref!r} is not a commit in this repository; fetch it or fix the name")
    archive = _git(["archive", "--format=tar", commit.stdout.decode().strip()], root)
    if archive.returncode != 0:
        raise UserError(f"git archive {ref} failed: {archive.stderr.decode(errors='replace').strip()}")
    folder = Path(tempfile.mkdtemp(prefix="kms-infracost-base-"))
    atexit.register(shutil.rmtree, folder, True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return root, folder


def inventory_at_ref(
    options: Any, config: Any, load_inventory: Callable[[Any, Any], model.Inventory]
) -> model.Inventory:
    cwd = Path.cwd()
    root, folder = export_ref(options.base_ref, cwd)
    paths: list[str] = []
    for path in options.paths or (".",):
        if path == "-" or path.endswith(".json") and not path.endswith(".tf.json"):
            raise UserError("--base-ref compares HCL paths; for plan files use --base-plan OLD.json", path)
        relative = os.path.relpath(Path(path).resolve(), root)
        if relative.startswith(".."):
            raise UserError("is outside the git repository --base-ref reads", path)
        there = folder / relative
        if there.exists():
            paths.append(str(there))
    if not paths:
        return model.Inventory(origin=f"git ref {options.base_ref} (paths did not exist)")
    base_options = dataclasses.replace(options, paths=tuple(paths), var_files=tuple(options.var_files))
    return load_inventory(base_options, config)
