"""Parse results cached per file, so a warm run never imports the HCL parser.

Each file's entry is keyed on its absolute path, size, mtime (ns), the tool version and the entry format,
and holds the file's blocks as the converter's plain lists (JSON). The entries of one directory are stored
together in one shard (DIR/parse/<hash of the directory>.json): a run reads one shard per module
directory instead of one file per .tf file, and writes only the shards it changed. A shard is written to
a temporary file and renamed into place, so two concurrent runs each see a whole shard (the last writer's
entries win; the loser's are parsed again next time). A shard or an entry that does not load, or whose key
does not match, is ignored and rewritten.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from kms_infracost import __version__

#: bump when the stored node format changes
FORMAT = 4
CACHE_ENV = "KMS_INFRACOST_CACHE_DIR"


def cache_dir(env: Mapping[str, str]) -> str:
    configured = env.get(CACHE_ENV, "").strip()
    if configured:
        return configured
    from platformdirs import user_cache_dir

    return user_cache_dir("kms-infracost")


class ParseCache:
    """Entries under DIR/parse/; `directory` may be a function, called on first use (a run that parses
    nothing never even works out where the cache is). None: caching is off."""

    def __init__(self, directory: str | None | Callable[[], str | None]) -> None:
        self._where = directory
        self._directory: str | None = None
        self._resolved = False
        #: shard file -> {file name: {"key": [...], "data": ...}}
        self._shards: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()
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
    def _key(path: str, size: int, mtime_ns: int) -> list[Any]:
        return [FORMAT, __version__, os.path.abspath(path), size, mtime_ns]

    def _shard(self, path: str) -> tuple[str, str]:
        """(shard file, name of the entry in it) for a source file."""
        import hashlib

        assert self.directory is not None
        folder, name = os.path.split(os.path.abspath(path))
        digest = hashlib.sha256(folder.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return os.path.join(self.directory, digest + ".json"), name

    def _load(self, shard: str) -> dict[str, Any]:
        if shard not in self._shards:
            import json

            entries: Any = {}
            try:
                with open(shard, encoding="utf-8") as handle:
                    entries = json.load(handle)
            except (OSError, ValueError, UnicodeDecodeError):
                entries = {}
            self._shards[shard] = entries if isinstance(entries, dict) else {}
        return self._shards[shard]

    def get(self, path: str, size: int, mtime_ns: int) -> Any:
        if self.directory is None:
            return None
        shard, name = self._shard(path)
        entry = self._load(shard).get(name)
        if not isinstance(entry, dict) or entry.get("key") != self._key(path, size, mtime_ns) or "data" not in entry:
            self.misses += 1
            return None
        self.hits += 1
        return entry["data"]

    def put(self, path: str, size: int, mtime_ns: int, data: Any) -> None:
        if self.directory is None:
            return
        shard, name = self._shard(path)
        self._load(shard)[name] = {"key": self._key(path, size, mtime_ns), "data": data}
        self._dirty.add(shard)

    def flush(self) -> None:
        """Write the shards this run changed (entries of files that no longer exist are dropped)."""
        if not self._dirty or self.directory is None:
            return
        import json
        import tempfile

        try:
            os.makedirs(self.directory, exist_ok=True)
        except OSError:
            return  # a cache we cannot write is only slower, never an error
        for shard in sorted(self._dirty):
            entries = {
                name: entry
                for name, entry in self._shards[shard].items()
                if isinstance(entry, dict) and isinstance(entry.get("key"), list) and len(entry["key"]) == 5
                and os.path.exists(str(entry["key"][2]))
            }
            try:
                fd, tmp = tempfile.mkstemp(prefix=".shard.", suffix=".tmp", dir=self.directory)
            except OSError:
                return
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(entries, handle, separators=(",", ":"))
                os.replace(tmp, shard)
            except (OSError, TypeError, ValueError):
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
        self._dirty.clear()
