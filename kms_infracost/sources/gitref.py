"""The same HCL paths as they were at a git ref, read with `git archive` into a temporary folder.

Never touches the user's work tree or index: nothing is checked out, nothing is staged.
"""

from __future__ import annotations

import atexit
import io
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

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
