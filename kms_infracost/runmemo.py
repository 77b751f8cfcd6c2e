"""Answers that hold for the length of one run, kept so hundreds of projects do not ask again.

A monorepo run prices hundreds of root modules that share folders, modules and files: where a folder
really is (symbolic links), which repository it is in, what a KMS file's annotations say. Inside run.run
these are worked out once (`with scope():`); outside a run (a library caller, a test calling one stage)
nothing is kept and every question is asked afresh, so a file changed between two calls is seen.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not typing's: the hook's no-KMS path imports this module, and typing costs it
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_tables: dict[str, dict[Any, Any]] | None = None
#: the run's abspath answers ("" -> the working directory), also kept here: tens of thousands of calls
_absolute: dict[str, str] | None = None
#: set by a process that ends right after its run without teardown (entry.main): what a run kept is left
#: here for the process's end instead of being freed object by object (12-19 ms of a 360-project run)
_leave: list[Any] | None = None

#: told (path, os.stat_result) of each file the run reads whole, while a run is recorded for replay (the
#: recorder then knows how the file looked without a stat of its own), or (path, None) when opening it
#: failed; None otherwise
file_observer: Callable[[str, os.stat_result | None], None] | None = None
#: the path being opened for the observer, meanwhile: the recorder leaves that `open` event to it
reading: str | None = None


class scope:  # used as `with runmemo.scope():`, like a function
    """One run's memo; nested scopes share the outer one."""

    def __enter__(self) -> None:
        global _tables
        self.outer = _tables is not None
        if not self.outer:
            _tables = {}

    def __exit__(self, *exc: object) -> None:
        global _tables, _absolute
        if not self.outer:
            if _leave is not None:
                _leave.append(_tables)
            _tables = _absolute = None


def leave_at_exit() -> None:
    """This process ends after its run without freeing memory (os._exit): runs leave what they kept."""
    global _leave
    if _leave is None:
        _leave = []


def keep(*objects: Any) -> None:
    """Hold on to a run's results until the run ends (and, in a process that leaves them, beyond)."""
    kept = table("kept")  # outside a run a fresh dict: nothing is held
    kept[len(kept)] = objects


def table(name: str) -> dict[Any, Any]:
    """The run's table of one kind of answer; outside a run, a fresh one each time (nothing is kept)."""
    if _tables is None:
        return {}
    found = _tables.get(name)
    if found is None:
        found = _tables[name] = {}
    return found


def cwd() -> str:
    """os.getcwd(), asked once a run: a run never changes its working directory."""
    return abspath("")


def abspath(path: str) -> str:
    """os.path.abspath, without asking the system for the working directory each time. Thousands of file
    names go through this in a monorepo run (each was a getcwd call)."""
    global _absolute
    if not isinstance(path, str):
        return os.path.abspath(path)
    known = _absolute
    if known is None:
        if _tables is None:
            return os.path.abspath(path)
        known = _absolute = _tables["abspath"] = {"": os.getcwd()}  # "" is the working directory itself
    found = known.get(path)
    if found is None:
        parts = path.split("/")
        if _POSIX and parts[0] and "" not in parts and "." not in parts and ".." not in parts:
            base = known[""]  # `a/b.tf` below the working directory: nothing for normpath to do
            found = known[path] = (base if base[-1] != "/" else base[:-1]) + "/" + path
        else:
            found = known[path] = os.path.normpath(path if os.path.isabs(path) else os.path.join(known[""], path))
    return found


#: "/" is the only separator (no "\\" besides): plain relative names can be joined as text
_POSIX = os.sep == "/" and os.altsep is None


def running() -> bool:
    """Whether a run's memo is open (abspath and the other answers are kept)."""
    return _tables is not None


def relative(path: str, base: str | os.PathLike[str]) -> str:
    """os.path.relpath(path, base). A path below a normalized absolute `base` is cut, not worked out
    component by component: a run names each of hundreds of projects relative to the working directory
    several times."""
    where, start = abspath(path), os.fspath(base)
    normal = table("normal bases")  # bases found absolute and normalized: a run has a few, asked hundreds of times
    if start not in normal and os.path.isabs(start) and start == os.path.normpath(start):
        normal[start] = True
    if start in normal:
        if where == start:
            return os.curdir
        prefix = start if start.endswith(os.sep) else start + os.sep
        if where.startswith(prefix):
            return where[len(prefix):]
    return os.path.relpath(where, start)


#: one entry of a folder's listing: (name, is a file, is a folder, is a symbolic link); the first two
#: follow links, as os.DirEntry's is_file() and is_dir() do, and are None where those raised (a link to
#: itself): os.walk takes that for "not a folder", the loader for an unreadable folder
Entry = tuple[str, bool | None, bool | None, bool | None]


def listing(folder: str) -> list[Entry]:
    """A folder's entries, listed once a run: the search for roots, the config lookup, the root marks and
    the loader each used to list the same folders (six listings of each of a monorepo's folders).
    Raises OSError as os.scandir does; a failure is not kept."""
    key = abspath(folder or ".")
    known = table("listing")
    found = known.get(key)
    if found is None:
        with os.scandir(folder or ".") as entries:
            items = list(entries)
        try:  # asking raises only for a broken entry (a link to itself): then each is asked on its own
            found = [(e.name, e.is_file(), e.is_dir(), e.is_symlink()) for e in items]
        except OSError:
            found = [(e.name, _safely(e.is_file), _safely(e.is_dir), _safely(e.is_symlink)) for e in items]
        if _tables is not None:
            known[key] = found
    return found


def holds(folder: str, name: str) -> bool:
    """os.path.exists(os.path.join(folder, name)), asked once a run: whether a folder holds `.git`, for
    each of hundreds of projects and the folders above them. A folder at or below the working directory
    is answered from its listing, which the run has mostly made already; one above it is asked by name,
    so that a replay record never hangs on all that /tmp or a home folder holds."""
    if _tables is None:
        return os.path.exists(os.path.join(folder, name))
    known = table("holds")
    found: bool | None = known.get((folder, name))
    if found is None:
        path = os.path.join(folder, name)
        where, here = abspath(folder), cwd()
        names = _names(where) if where == here or where.startswith(os.path.join(here, "")) else None
        if names is None:
            found = os.path.exists(path)
        else:
            item = names.get(name)
            found = item is not None and (bool(item[1] or item[2]) or os.path.exists(path))  # a fifo, a socket…
        known[(folder, name)] = found
    return found


def git_root(start: str) -> str | None:
    """The nearest folder at or above `start` holding `.git` (a folder, or a file in a worktree): the
    config lookup's limit and the module boundary of every project. Inside a run each folder's answer is
    kept, so a project's walk stops at the first folder another project's walk went through."""
    known = table("git roots")
    walked: list[str] = []
    folder = start
    found: str | None
    while True:
        if folder in known:
            found = known[folder]
            break
        walked.append(folder)
        if holds(folder, ".git"):
            found = folder
            break
        parent = os.path.dirname(folder)
        if parent == folder:
            found = None
            break
        folder = parent
    for below in walked:  # each holds no .git, up to `found` (which may be the last of them)
        known[below] = found
    return found


def isdir(path: str) -> bool:
    """os.path.isdir, from the folder's listing inside a run when it names the path (no stat); asked of
    the system otherwise. A monorepo run asks it of every module folder each caller names."""
    known = entry(path)
    if known is not None and known[2] is not None:
        return known[2]
    return os.path.isdir(path)


def _names(folder: str) -> dict[str, Entry] | None:
    """A folder's listing by name, once a run (None: it cannot be listed)."""
    names = table("names")
    key = abspath(folder or ".")
    found = names.get(key)
    if found is None:
        try:
            found = names[key] = {item[0]: item for item in listing(folder)}
        except OSError:
            return None
    return found


def entry(path: str) -> Entry | None:
    """The entry of `path` in its folder's listing, inside a run; None when there is no run, the name is not
    a plain one (`x/`, `..`), the folder cannot be listed or does not hold that name (on a case-insensitive
    disk it may still be there): then ask the system. A hook names thousands of files of a few hundred
    folders, whose listings the run makes anyway."""
    if _tables is None:
        return None
    folder, name = _split(path)
    if name in ("", ".", ".."):
        return None
    found = _names(folder)
    return None if found is None else found.get(name)


def _split(path: str) -> tuple[str, str]:
    """os.path.split; on POSIX without its separator lookups, for thousands of names a run."""
    if not _POSIX:
        return os.path.split(path)
    head, _, name = path.rpartition("/")
    return (head + "/" if head.strip("/") == "" and path[:1] == "/" else head.rstrip("/") or head), name


def absent(path: str) -> bool:
    """Inside a run, when the folder's listing holds no name that could be this one, compared without case
    (a case-insensitive disk finds `Name` by `name`): the file is not there, without a stat. False when
    there is no run, the folder cannot be listed or a name like it is there: then ask the system. A
    monorepo run looks for a default usage file in each of hundreds of projects, and most have none."""
    if _tables is None:
        return False
    folder, name = _split(path)
    names = _names(folder or ".") if name not in ("", ".", "..") else None
    if names is None:
        return False
    folded = table("folded names")
    key = abspath(folder or ".")
    known = folded.get(key)
    if known is None:
        known = folded[key] = {n.casefold() for n in names}
    return name.casefold() not in known


def _safely(test: Any) -> bool | None:
    try:
        return bool(test())
    except OSError:
        return None


def realpath(path: str) -> str:
    """os.path.realpath, with each folder on the way looked at once a run: a module that hundreds of roots
    call (`../../modules/keys`) costs one lstat per new folder, not one per folder per call.

    The same walk as os.path.realpath, component by component with `..` applied to what is resolved so
    far; from the first symbolic link on, os.path.realpath resolves the rest itself."""
    if _tables is None:
        return os.path.realpath(path)
    links = table("links")  # folder or file -> is a symbolic link
    resolved = "/"
    parts = os.path.join(cwd(), path).split("/")
    for index, part in enumerate(parts):
        if part in ("", "."):
            continue
        if part == "..":
            resolved = os.path.dirname(resolved)
            continue
        candidate = resolved + part if resolved == "/" else resolved + "/" + part  # os.path.join, for a name
        link = links.get(candidate)
        if link is None:
            link = links[candidate] = os.path.islink(candidate)
        if link:
            return os.path.realpath(os.path.join(candidate, *parts[index + 1:]))
        resolved = candidate
    return resolved
