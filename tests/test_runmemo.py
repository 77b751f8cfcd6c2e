"""Answers kept for one run (kms_infracost/runmemo.py): the same answers as asking afresh, and only
inside a run."""

from __future__ import annotations

import os
from contextlib import nullcontext
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


def test_abspath_in_a_run_is_os_abspath_and_asks_for_the_working_directory_once(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = [*CASES, "", ".", "a//b/", "./a/../../q"]
    expected = {case: os.path.abspath(case) for case in cases}
    asked: list[int] = []
    real = os.getcwd

    def counting() -> str:
        asked.append(1)
        return real()

    monkeypatch.setattr(os, "getcwd", counting)
    with runmemo.scope():
        for _ in range(2):
            assert {case: runmemo.abspath(case) for case in cases} == expected
        assert runmemo.cwd() == str(tree)
    assert len(asked) == 1


def test_the_walk_is_os_walk(tree: Path) -> None:
    (tree / "a" / "b" / "c" / "main.tf").write_text("")
    (tree / "x" / "y" / "keys.tf").write_text("")
    (tree / "dangling").symlink_to(tree / "gone")
    (tree / "closed").mkdir()
    (tree / "closed" / "inside").mkdir()
    (tree / "closed").chmod(0)
    try:
        from kms_infracost.projects import _walk

        with runmemo.scope():
            ours = [(f, sorted(d), sorted(n)) for f, d, n in _walk(str(tree))]
        theirs = [(f, sorted(d), sorted(n)) for f, d, n in os.walk(str(tree))]
    finally:
        (tree / "closed").chmod(0o755)
    assert sorted(ours) == sorted(theirs)
    assert [f for f, _, _ in ours] == [f for f, _, _ in theirs]  # the same order, top down
    assert (str(tree / "a"), ["b", "link"], []) in ours  # a link to a folder is listed, not entered
    assert not any(f.startswith(str(tree / "a" / "link")) for f, _, _ in ours)


def test_plain_names_below_the_root_folder_are_joined_as_os_abspath_joins_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    cases = ["tmp", "tmp/x.tf", "a/b/c", "a//b", "./tmp", "tmp/../etc", "/tmp/x"]
    with runmemo.scope():
        assert [runmemo.abspath(c) for c in cases] == [os.path.abspath(c) for c in cases]


def test_listings_and_entries_are_kept_for_a_run_only(tree: Path) -> None:
    (tree / "a" / "main.tf").write_text("")
    with runmemo.scope():
        assert runmemo.entry("a/main.tf") == ("main.tf", True, False, False)
        assert runmemo.entry("a//main.tf") == runmemo.entry("./a/main.tf") == ("main.tf", True, False, False)
        assert runmemo.entry(f"{tree}//a/main.tf") == ("main.tf", True, False, False)
        listed = next(e for e in runmemo.listing("/") if e[0] == "tmp")
        assert runmemo.entry("//tmp") == runmemo.entry("/tmp") == listed
        assert runmemo.entry(str(tree / "a" / "link")) == ("link", False, True, True)
        assert runmemo.entry("a/nothing.tf") is None  # not in the listing: the caller asks the system
        assert runmemo.entry("a/") is None and runmemo.entry("a/..") is None  # not a plain name
        (tree / "a" / "late.tf").write_text("")
        assert runmemo.entry("a/late.tf") is None  # the run's listing was made before the file
        assert [n for n, *_ in runmemo.listing("a")] == [n for n, *_ in runmemo.listing(str(tree / "a"))]
        assert "late.tf" not in {n for n, *_ in runmemo.listing("a")}
    assert runmemo.entry("a/late.tf") is None  # outside a run: no listing is used at all
    assert "late.tf" in {n for n, *_ in runmemo.listing("a")}  # and each listing is made afresh


def test_what_a_run_keeps_is_freed_when_it_ends_unless_the_process_leaves_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import weakref

    class Result:
        pass

    def one_run() -> weakref.ref[Result]:
        result = Result()
        with runmemo.scope():
            runmemo.keep(result, [result])
            return weakref.ref(result)

    monkeypatch.setattr(runmemo, "_leave", None)
    assert one_run()() is None  # a library caller, a test: freed with the run
    runmemo.keep(Result())  # outside a run: nothing is held
    assert runmemo.table("kept") == {}
    runmemo.leave_at_exit()  # entry.main: the process ends with os._exit right after its run
    left = one_run()
    assert isinstance(left(), Result)
    assert runmemo._leave is not None and len(runmemo._leave) == 1


def test_holds_answers_below_the_working_directory_from_listings_and_above_it_by_name(tree: Path) -> None:
    (tree / "a" / ".git").mkdir()
    (tree.parent / ".git-probe-marker").mkdir(exist_ok=True)
    try:
        with runmemo.scope():
            assert runmemo.holds("a", ".git") and not runmemo.holds("a/b", ".git")
            assert runmemo.holds(str(tree / "a"), ".git")
            assert "names" in runmemo._tables and str(tree / "a") in runmemo.table("names")  # from the listing
            assert runmemo.holds(str(tree.parent), ".git-probe-marker")  # above: asked by name
            assert str(tree.parent) not in runmemo.table("names")  # its listing was never made
            (tree / "a" / "b" / ".git").mkdir()
            assert not runmemo.holds("a/b", ".git")  # once a run
        assert runmemo.holds("a/b", ".git")  # outside a run: asked afresh
    finally:
        (tree.parent / ".git-probe-marker").rmdir()


def test_isdir_in_a_run_is_os_isdir_from_the_listing(tree: Path) -> None:
    cases = ["a", "a/b", "a/link", "a/b/rel", "loop1", "nope", "a/", ".", str(tree / "x" / "y"), "a/b/c/"]
    with runmemo.scope():
        assert {c: runmemo.isdir(c) for c in cases} == {c: os.path.isdir(c) for c in cases}
        (tree / "a" / "late").mkdir()
        assert runmemo.isdir("a/late")  # not in the run's listing of a/: asked of the system
        (tree / "a" / "b" / "c").rmdir()
        assert runmemo.isdir("a/b/c")  # in the listing: answered from it, once a run
    assert not runmemo.isdir("a/b/c")


def test_git_root_is_the_nearest_folder_holding_git_however_many_walks_share_it(tree: Path) -> None:
    (tree / "a" / ".git").write_text("gitdir: elsewhere\n")  # a worktree's .git is a file

    def walk(start: str) -> str | None:
        folder = start
        while not os.path.exists(os.path.join(folder, ".git")):
            if os.path.dirname(folder) == folder:
                return None
            folder = os.path.dirname(folder)
        return folder

    starts = ["a/b/c", "a/b", "a", str(tree / "a" / "b" / "c"), str(tree / "x" / "y"), str(tree / "x"), "x/y"]
    expected = {s: walk(s) for s in starts}
    assert expected["a/b/c"] == "a" and expected[str(tree / "x" / "y")] == walk(str(tree))
    with runmemo.scope():
        for _ in range(2):
            assert {s: runmemo.git_root(s) for s in starts} == expected
    assert {s: runmemo.git_root(s) for s in reversed(starts)} == expected  # outside a run: asked afresh


def test_relative_is_os_relpath(tree: Path) -> None:
    cases = ["a/b/c", "a", ".", "..", "a/../x/y", str(tree / "x"), "/", str(tree.parent), "a/b/../../.."]
    bases = [str(tree), "/", str(tree / "a"), "a", str(tree) + "/", str(tree / "a" / ".." / "x")]
    for inside in (False, True):  # outside a run and inside one (where the working directory is kept)
        with runmemo.scope() if inside else nullcontext():
            for base in bases:
                for case in cases:
                    assert runmemo.relative(case, base) == os.path.relpath(case, base), (case, base)


def test_absent_is_said_only_when_the_listing_holds_no_name_like_it(tree: Path) -> None:
    (tree / "a" / "Usage.YML").write_text("")
    assert not runmemo.absent("a/none.yml")  # outside a run: never said, the caller asks the system
    with runmemo.scope():
        assert runmemo.absent("a/none.yml") and runmemo.absent(str(tree / "a" / "none.yml")) and runmemo.absent("a//none.yml")
        assert not runmemo.absent("a/usage.yml")  # a case-insensitive disk would find Usage.YML by it
        assert not runmemo.absent("a/Usage.YML")
        assert not runmemo.absent("nope/x.yml")  # the folder cannot be listed: ask
        assert not runmemo.absent("a/..") and runmemo.absent("x.yml")
