"""Answers kept for one run (kms_infracost/runmemo.py): the same answers as asking afresh, and only
inside a run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kms_infracost import runmemo


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    (tmp_path / "x" / "y").mkdir(parents=True)
    (tmp_path / "a" / "link").symlink_to(tmp_path / "x" / "y")
    (tmp_path / "a" / "b" / "rel").symlink_to("../../x")
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    monkeypatch.chdir(tmp_path)
    return tmp_path


CASES = ["a/b/c", "a/link/../..", "a/link/z", "a/b/rel/y", "a/b/../link", "nope/../a", "/", "..",
         "a/./b//c/", "modules/../a/b/rel/../x"]


def test_realpath_in_a_run_is_os_realpath_however_the_path_is_spelt(tree: Path) -> None:
    with runmemo.scope():
        for _ in range(2):  # the second time from the memo
            for case in [*CASES, *(str(tree / c) for c in CASES)]:
                assert runmemo.realpath(case) == os.path.realpath(case), case


def test_a_loop_of_links_ends_in_a_path_that_is_not_there(tree: Path) -> None:
    """os.path.realpath's answer for a loop depends on how the path is spelt; either way nothing is there."""
    with runmemo.scope():
        assert not os.path.exists(runmemo.realpath("loop1/q"))
        assert runmemo.realpath("loop1/q").startswith(str(tree / "loop"))


def test_nothing_is_kept_outside_a_run_and_each_run_starts_afresh(tree: Path) -> None:
    runmemo.table("links")["x"] = True
    assert runmemo.table("links") == {}  # outside a run nothing is kept
    with runmemo.scope():
        assert runmemo.realpath("a/b/c") == str(tree / "a" / "b" / "c")
        with runmemo.scope():  # nested: the same run
            assert runmemo.table("links")
    assert runmemo.table("links") == {}
    (tree / "a" / "b" / "c").rmdir()
    (tree / "a" / "b" / "c").symlink_to(tree / "x")  # the folder became a link between two runs
    with runmemo.scope():
        assert runmemo.realpath("a/b/c") == str(tree / "x")
