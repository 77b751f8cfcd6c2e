"""Parse results cached per file, so a warm run never imports the HCL parser.

An entry is keyed on the file's absolute path, size, mtime (ns) and the tool version, and holds the
file's blocks as the converter's plain lists (JSON). Entries are written to a temporary file and renamed
into place, so two concurrent runs each see a whole entry or none; an entry that does not load or does
not match its key is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from typing import Any

from kms_infracost import __version__

#: bump when the stored node format changes
FORMAT = 3
CACHE_ENV = "KMS_INFRACOST_CACHE_DIR"


def cache_dir(env: Mapping[str, str]) -> str:
    configured = env.get(CACHE_ENV, "").strip()
    if configured:
        return configured
    from platformdirs import user_cache_dir

    return user_cache_dir("kms-infracost")


class ParseCache:
    def __init__(self, directory: str | None) -> None:
        #: None: caching is off
        self.directory = os.path.join(directory, "parse") if directory else None
        self.hits = 0
        self.misses = 0

    def _entry(self, path: str) -> str:
        assert self.directory is not None
        digest = hashlib.sha256(os.path.abspath(path).encode("utf-8", "surrogatepass")).hexdigest()
        return os.path.join(self.directory, digest[:2], digest + ".json")

    @staticmethod
    def _key(path: str, size: int, mtime_ns: int) -> list[Any]:
        return [FORMAT, __version__, os.path.abspath(path), size, mtime_ns]

    def get(self, path: str, size: int, mtime_ns: int) -> Any:
        if self.directory is None:
            return None
        try:
            with open(self._entry(path), encoding="utf-8") as handle:
                entry = json.load(handle)
        except (OSError, ValueError, UnicodeDecodeError):
            self.misses += 1
            return None
        if not isinstance(entry, dict) or entry.get("key") != self._key(path, size, mtime_ns) or "data" not in entry:
            self.misses += 1
            return None
        self.hits += 1
        return entry["data"]

    def put(self, path: str, size: int, mtime_ns: int, data: Any) -> None:
        if self.directory is None:
            return
        target = self._entry(path)
        folder = os.path.dirname(target)
        try:
            os.makedirs(folder, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".entry.", suffix=".tmp", dir=folder)
        except OSError:
            return  # a cache we cannot write is only slower, never an error
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"key": self._key(path, size, mtime_ns), "data": data}, handle, separators=(",", ":"))
            os.replace(tmp, target)
        except (OSError, TypeError, ValueError):
            try:
                os.unlink(tmp)
            except OSError:
                pass
