"""Parse results cached per file, so a warm run never imports the HCL parser.

Each file's entry is keyed on its absolute path, size, mtime and ctime (ns; ctime catches an edit that keeps size and mtime), the tool version and the entry format,
and holds the file's blocks as the converter's plain lists. All entries a run from one working directory
uses are kept together in one index (DIR/parse/index-<hash of the working directory>.json): a run reads
that one file in one go, however many roots and module directories it evaluates, and writes it once, when
the process ends, if it added or changed an entry. The index is written to a temporary file and renamed
into place; before writing, a run takes in the entries another run wrote meanwhile, so concurrent runs each
see a whole index and lose at most entries that are parsed again next time. An index or an entry that does
not load, or whose key does not match, is ignored and rewritten; entries of files that no longer exist are
dropped when the index is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from kms_infracost import __version__
from kms_infracost.cachedir import blake2b
from kms_infracost.runmemo import abspath

#: bump when the stored node format changes
FORMAT = 6
#: format, version, path, size, mtime, ctime
KEY_LENGTH = 6


def _loads(data: bytes) -> Any:
    try:
        import msgspec
    except ImportError:  # pragma: no cover - msgspec is a dependency
        import json

        return json.loads(data)
    try:
        return msgspec.json.decode(data)
    except msgspec.DecodeError as exc:  # a ValueError only in newer msgspec; the floor (0.18.4) says so too
        raise ValueError(str(exc)) from None


def _dumps(value: Any) -> bytes:
    try:
        import msgspec
    except ImportError:  # pragma: no cover - msgspec is a dependency
        import json

        return json.dumps(value, separators=(",", ":")).encode("utf-8")
    return msgspec.json.encode(value)


class _Index:
    """One index file, read once per process and written at most once, when the process ends."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.entries: dict[str, Any] = {}
        self.dirty: set[str] = set()
        self._stamp: tuple[int, int] | None = None
        self._read()

    def _read(self) -> None:
        self.entries, self._stamp = self._load()

    def _load(self) -> tuple[dict[str, Any], tuple[int, int] | None]:
        try:
            with open(self.path, "rb") as handle:
                stat = os.fstat(handle.fileno())
                entries = _loads(handle.read())
        except (OSError, ValueError, UnicodeDecodeError):
            return {}, None
        return (entries if isinstance(entries, dict) else {}), (stat.st_size, stat.st_mtime_ns)

    def put(self, path: str, entry: Any) -> None:
        self.entries[path] = entry
        self.dirty.add(path)

    def write(self) -> None:
        """Write the entries this process added, over whatever another run wrote since it read the index."""
        if not self.dirty:
            return
        from kms_infracost.scratch import new_file

        directory = os.path.dirname(self.path)
        try:
            os.makedirs(directory, exist_ok=True)
            stat = os.stat(self.path)
            changed = (stat.st_size, stat.st_mtime_ns) != self._stamp
        except FileNotFoundError:
            changed = False
        except OSError:
            return  # a cache we cannot write is only slower, never an error
        entries = dict(self._load()[0]) if changed else dict(self.entries)
        entries.update({path: self.entries[path] for path in self.dirty})
        kept = {
            path: entry
            for path, entry in entries.items()
            if isinstance(entry, dict) and isinstance(entry.get("key"), list) and len(entry["key"]) == KEY_LENGTH
            and (path in self.dirty or os.path.exists(str(entry["key"][2])))  # a file this run read is there
        }
        try:
            fd, tmp = new_file(directory, ".index.", ".tmp")
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_dumps(kept))
            os.replace(tmp, self.path)
        except (OSError, TypeError, ValueError):
            try:
                os.unlink(tmp)
            except OSError:
                pass
            return
        self.dirty.clear()
        self.entries = kept
        self._stamp = None


#: index file -> the index as this process read it (every ParseCache of a run shares it)
_INDEXES: dict[str, _Index] = {}


def write_indexes() -> None:
    """Write every index this process changed (also run when the process ends)."""
    for index in list(_INDEXES.values()):
        index.write()


_AT_EXIT: list[bool] = []


def _write_at_exit() -> None:
    if not _AT_EXIT:
        import atexit

        atexit.register(write_indexes)
        _AT_EXIT.append(True)


class ParseCache:
    """Entries in the run's index under DIR/parse/; `directory` may be a function, called on first use (a run
    that parses nothing never even works out where the cache is). None: caching is off."""

    def __init__(self, directory: str | None | Callable[[], str | None]) -> None:
        self._where = directory
        self._directory: str | None = None
        self._resolved = False
        self._index: _Index | None = None
        self.hits = 0
        self.misses = 0

    @property
    def directory(self) -> str | None:
        if not self._resolved:
            where = self._where() if callable(self._where) else self._where
            self._directory = os.path.join(where, "parse") if where else None
            self._resolved = True
        return self._directory

    @staticmethod
    def _key(path: str, size: int, stamp: tuple[int, int]) -> list[Any]:
        return [FORMAT, __version__, abspath(path), size, *stamp]

    def index(self) -> _Index:
        """The index of runs from this working directory, read once per process."""
        if self._index is None:
            assert self.directory is not None
            try:
                cwd = abspath("")
            except OSError:  # the working directory is gone
                cwd = ""
            digest = blake2b(cwd.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
            path = os.path.join(self.directory, f"index-{digest}.json")
            if path not in _INDEXES:
                _INDEXES[path] = _Index(path)
            self._index = _INDEXES[path]
        return self._index

    def get(self, path: str, size: int, stamp: tuple[int, int]) -> Any:
        if self.directory is None:
            return None
        key = self._key(path, size, stamp)
        entry = self.index().entries.get(key[2])
        if not isinstance(entry, dict) or entry.get("key") != key or "data" not in entry:
            self.misses += 1
            return None
        self.hits += 1
        return entry["data"]

    def put(self, path: str, size: int, stamp: tuple[int, int], data: Any) -> None:
        if self.directory is None:
            return
        key = self._key(path, size, stamp)
        self.index().put(key[2], {"key": key, "data": data})
        _write_at_exit()

    def flush(self) -> None:
        """The index is written once, when the process ends (write_indexes); a run of many roots calls this
        once per root, and writing a growing index each time would cost more than the parsing it saves."""
