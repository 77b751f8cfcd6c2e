"""Where the caches live (the HCL parse cache, the replay cache): a module with no imports of ours."""

from __future__ import annotations

from collections.abc import Mapping

CACHE_ENV = "KMS_INFRACOST_CACHE_DIR"


def cache_dir(env: Mapping[str, str]) -> str:
    configured = env.get(CACHE_ENV, "").strip()
    if configured:
        return configured
    from platformdirs import user_cache_dir

    return user_cache_dir("kms-infracost")
