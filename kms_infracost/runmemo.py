"""Answers that hold for the length of one run, kept so hundreds of projects do not ask again.

A monorepo run prices hundreds of root modules that share folders, modules and files: where a folder
really is (symbolic links), which repository it is in, what a KMS file's annotations say. Inside run.run
these are worked out once (`with scope():`); outside a run (a library caller, a test calling one stage)
nothing is kept and every question is asked afresh, so a file changed between two calls is seen.
"""

from __future__ import annotations

import os
from typing import Any

_tables: dict[str, dict[Any, Any]] | None = None


class scope:  # used as `with runmemo.scope():`, like a function
    """One run's memo; nested scopes share the outer one."""

    def __enter__(self) -> None:
        global _tables
        self.outer = _tables is not None
        if not self.outer:
            _tables = {}

    def __exit__(self, *exc: object) -> None:
        global _tables
        if not self.outer:
            _tables = None


def table(name: str) -> dict[Any, Any]:
    """The run's table of one kind of answer; outside a run, a fresh one each time (nothing is kept)."""
    if _tables is None:
        return {}
    found = _tables.get(name)
    if found is None:
        found = _tables[name] = {}
    return found


def realpath(path: str) -> str:
    """os.path.realpath, with each folder on the way looked at once a run: a module that hundreds of roots
    call (`../../modules/keys`) costs one lstat per new folder, not one per folder per call.

    The same walk as os.path.realpath, component by component with `..` applied to what is resolved so
    far; from the first symbolic link on, os.path.realpath resolves the rest itself."""
    if _tables is None:
        return os.path.realpath(path)
    links = table("links")  # folder or file -> is a symbolic link
    resolved = "/"
    parts = os.path.join(os.getcwd(), path).split("/")
    for index, part in enumerate(parts):
        if part in ("", "."):
            continue
        if part == "..":
            resolved = os.path.dirname(resolved)
            continue
        candidate = os.path.join(resolved, part)
        link = links.get(candidate)
        if link is None:
            link = links[candidate] = os.path.islink(candidate)
        if link:
            return os.path.realpath(os.path.join(candidate, *parts[index + 1:]))
        resolved = candidate
    return resolved
