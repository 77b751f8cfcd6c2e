"""Scratch files made without tempfile: private, never reusing a name, and nameless when asked."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kms_infracost import scratch


def test_a_new_file_is_private_writable_and_never_an_existing_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fd, path = scratch.new_file(str(tmp_path), ".index.", ".tmp")
    os.write(fd, b"x")
    os.close(fd)
    assert Path(path).parent == tmp_path and Path(path).name.startswith(".index.") and path.endswith(".tmp")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert Path(path).read_bytes() == b"x"
    names = iter([bytes.fromhex("aaaaaaaaaaaa"), bytes.fromhex("aaaaaaaaaaaa"), bytes.fromhex("bbbbbbbbbbbb")])
    monkeypatch.setattr(os, "urandom", lambda n: next(names))
    first = scratch.new_file(str(tmp_path), "t-")
    second = scratch.new_file(str(tmp_path), "t-")  # the same random name came again: the next one is taken
    assert (Path(first[1]).name, Path(second[1]).name) == ("t-aaaaaaaaaaaa", "t-bbbbbbbbbbbb")
    os.close(first[0])
    os.close(second[0])


def test_an_anonymous_file_leaves_no_name_behind(tmp_path: Path) -> None:
    fd = scratch.anonymous(str(tmp_path))
    with os.fdopen(fd, "w+b") as handle:
        handle.write(b"captured")
        handle.seek(0)
        assert handle.read() == b"captured"
        assert list(tmp_path.iterdir()) == []
    with pytest.raises(OSError):
        scratch.anonymous(str(tmp_path / "missing"))
