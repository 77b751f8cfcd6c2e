"""What every module instance of one root shares, kept apart from evaluation so the text-only path
(a run over files with no KMS) can resolve module directories without importing the evaluator."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from kms_infracost import model
from kms_infracost.runmemo import git_root, isdir, realpath
from kms_infracost.sources.hcl.config import Loader, is_local_source, read_modules_json


def not_installed(source: str) -> str:
    """The warning for a registry or git module that `terraform init` has not installed."""
    return f"run `terraform init`: module {source!r} is not installed, so KMS resources it declares are not priced"


class RawString:
    """A root variable value given as text (--var, TF_VAR_): parsed once its type is known."""

    __slots__ = ("origin", "text")

    def __init__(self, text: str, origin: str) -> None:
        self.text, self.origin = text, origin


class RootValue:
    """A root variable value from a .tfvars file, with where it came from."""

    __slots__ = ("file", "line", "origin", "value")

    def __init__(self, value: Any, origin: str, file: str | None = None, line: int | None = None) -> None:
        self.value, self.origin, self.file, self.line = value, origin, file, line


class Run:
    """What every module instance of one root shares."""

    def __init__(
        self, loader: Loader, root_dir: str, inputs: dict[str, RootValue | RawString], env: Mapping[str, str]
    ) -> None:
        self.loader, self.root_dir, self.inputs, self.env = loader, root_dir, inputs, env
        self.warnings: list[model.Warning] = []
        #: terraform.workspace: Terraform takes it from TF_WORKSPACE when set
        self.workspace = env.get("TF_WORKSPACE") or "default"
        self.modules_json: dict[str, str] | None = None
        #: "max": an unknown count chosen by a conditional takes its larger branch (config unknown_values)
        self.unknown_values = "default"

    def warn(
        self, code: str, text: str, address: str | None = None, file: str | None = None, line: int | None = None
    ) -> None:
        found = model.Warning(code, text, address, file, line)
        if found not in self.warnings:
            self.warnings.append(found)

    def warn_notes(self, notes: list[tuple[str, str, str | None]], address: str | None, file: str | None, line: int | None) -> None:
        """What an evaluator noted, each as a warning about `address` unless the note names its own."""
        for code, text, own in notes:
            self.warn(code, text, own or address, file, line)

    def installed(self) -> dict[str, str]:
        if self.modules_json is None:
            self.modules_json = read_modules_json(self.root_dir)
        return self.modules_json

    def boundary(self) -> str:
        """The repository the root lives in (nearest folder with .git); outside git, no bound ("/")."""
        if getattr(self, "_boundary", None) is None:
            # a pull request's checkout is a git repository; a plain folder (an unpacked archive, a
            # corpus copy) may legitimately call modules beside it, so only git sets a bound
            self._boundary = git_root(realpath(self.root_dir or ".")) or os.path.abspath(os.sep)
        return self._boundary

    def outside(self, parent_dir: str, source: str) -> bool:
        """A local module source that leaves the repository (`../../..`, or a symlink out of it)."""
        target = realpath(os.path.join(parent_dir or ".", source))
        boundary = self.boundary()
        return not (target == boundary or target.startswith(boundary.rstrip(os.sep) + os.sep))

    def module_dir(self, parent_dir: str, key_path: tuple[str, ...], source: str | None) -> str | None:
        """Where a called module's files are; None when they are not there (run terraform init)."""
        if source and is_local_source(source):
            target = os.path.normpath(os.path.join(parent_dir or ".", source))
            if self.outside(parent_dir, source):
                return None  # never read files outside the repository a pull request brings
            return target if isdir(target) else None
        found = self.installed().get(".".join(key_path))
        if found and isdir(found):
            return found
        return None


