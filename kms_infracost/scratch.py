"""New files for writing in place and for the run's own use, made without importing tempfile (which, with
what it imports, was a hundredth of a hook run that prices anything)."""

from __future__ import annotations

import errno
import os

_FLAGS = (
    os.O_RDWR | os.O_CREAT | os.O_EXCL
    | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
)


def new_file(folder: str, prefix: str, suffix: str = "") -> tuple[int, str]:
    """A file no other process has, open for reading and writing, readable by its owner only: what
    tempfile.mkstemp makes (the name is random, and creating it fails rather than reuse a name)."""
    for _ in range(100):
        path = os.path.join(folder, f"{prefix}{os.urandom(6).hex()}{suffix}")
        try:
            return os.open(path, _FLAGS, 0o600), path
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", folder)


def anonymous(folder: str) -> int:
    """A file without a name in `folder`, used through its descriptor and gone when that is closed."""
    if hasattr(os, "O_TMPFILE"):
        try:
            return os.open(folder, os.O_TMPFILE | os.O_RDWR | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError:
            pass  # a file system without nameless files: make one and take its name away
    fd, path = new_file(folder, ".tmp-")
    try:
        os.unlink(path)
    except OSError:
        os.close(fd)
        raise
    return fd
