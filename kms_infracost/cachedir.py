"""Where the caches live (the HCL parse cache, the replay cache): a module with no imports of ours."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CACHE_ENV = "KMS_INFRACOST_CACHE_DIR"


_blake2b: Any = None


def blake2b(data: bytes = b"", digest_size: int = 64) -> Any:
    """hashlib.blake2b, from the interpreter's own module: importing hashlib loads OpenSSL first (4 ms, a
    fifteenth of a replayed run), and the caches only name files and compare contents with it. Imported
    by the first call and kept (a run hashes once per project)."""
    global _blake2b
    if _blake2b is None:
        try:
            from _blake2 import blake2b as made
        except ImportError:  # an interpreter built without it
            from hashlib import blake2b as made
        _blake2b = made
    return _blake2b(data, digest_size=digest_size)


def cache_dir(env: Mapping[str, str]) -> str:
    configured = env.get(CACHE_ENV, "").strip()
    if configured:
        return configured
    from platformdirs import user_cache_dir

    return user_cache_dir("kms-infracost")
