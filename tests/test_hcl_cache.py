"""The parse cache and the cheap text pass: what makes a hook run fast, without changing any answer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import REPO

from kms_infracost.sources.hcl import load_hcl

HCL = REPO / "fixtures" / "hcl"
PLANS = REPO / "fixtures" / "plans"

PROBE = """
import json, sys
from kms_infracost.sources.hcl import load_hcl
inventory = load_hcl(sys.argv[1:], env={"KMS_INFRACOST_CACHE_DIR": %r})
print(json.dumps({
    "resources": sorted(r.address + " " + r.region for r in inventory.resources),
    "warnings": inventory.warnings,
    "parsed": any(m in sys.modules for m in ("kms_infracost.sources.hcl.fastparse", "lark", "hcl2")),
}))
"""


def probe(cache: Path, *paths: str | Path, cwd: Path | None = None) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE % str(cache), *map(str, paths)],
        capture_output=True, text=True, check=False, cwd=cwd,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def indexes(cache: Path) -> list[Path]:
    return sorted((cache / "parse").glob("index-*.json"))


def entries(cache: Path) -> dict[str, dict[str, object]]:
    """Every file entry in every index, by the file's absolute path."""
    found: dict[str, dict[str, object]] = {}
    for index in indexes(cache):
        for entry in json.loads(index.read_text(encoding="utf-8")).values():
            found[entry["key"][2]] = entry
    return found


def test_warm_run_gives_the_same_answer_without_importing_the_parser(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = probe(cache, HCL / "tfvars_precedence")
    warm = probe(cache, HCL / "tfvars_precedence")
    assert cold["parsed"] is True
    assert warm["parsed"] is False
    assert warm["resources"] == cold["resources"] == ["alicloud_kms_key.main[0] ap-southeast-1"]
    # main.tf, terraform.tfvars and a.auto.tfvars (b.auto.tfvars.json is JSON: nothing to parse),
    # kept in the one index of the run
    folder = HCL / "tfvars_precedence"
    assert sorted(entries(cache)) == [str(folder / n) for n in ("a.auto.tfvars", "main.tf", "terraform.tfvars")]
    assert len(indexes(cache)) == 1


def test_no_kms_run_never_imports_the_parser_nor_writes_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    result = probe(cache, HCL / "no_kms" / "main.tf", HCL / "no_kms" / "modules" / "network" / "main.tf")
    assert result == {"resources": [], "warnings": [], "parsed": False}
    assert not cache.exists()


@pytest.mark.parametrize("damage", ["garbage", "wrong shape", "truncated"])
def test_a_corrupt_index_is_ignored_and_rewritten(tmp_path: Path, damage: str) -> None:
    cache = tmp_path / "cache"
    first = probe(cache, HCL / "module_for_each")
    (index,) = indexes(cache)  # one index, for the three module directories the run read
    assert len(entries(cache)) == 3
    text = index.read_text(encoding="utf-8")
    index.write_text({"garbage": "{not json", "wrong shape": "[1, 2]", "truncated": text[:20]}[damage], encoding="utf-8")
    again = probe(cache, HCL / "module_for_each")
    assert again["resources"] == first["resources"]
    assert again["parsed"] is True
    assert len(entries(cache)) == 3
    for entry in entries(cache).values():
        assert set(entry) == {"key", "data"}
    assert probe(cache, HCL / "module_for_each")["parsed"] is False


def test_runs_from_another_working_directory_keep_an_index_of_their_own(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe(cache, HCL / "locals_order")
    assert probe(cache, HCL / "locals_order", cwd=elsewhere)["parsed"] is True
    assert len(indexes(cache)) == 2
    assert probe(cache, HCL / "locals_order", cwd=elsewhere)["parsed"] is False


def test_a_corrupt_entry_in_a_good_index_is_parsed_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    probe(cache, HCL / "locals_order")
    (index,) = indexes(cache)
    stored = json.loads(index.read_text(encoding="utf-8"))
    (name,) = stored
    stored[name]["data"] = "not blocks"
    index.write_text(json.dumps(stored), encoding="utf-8")
    result = probe(cache, HCL / "locals_order")
    assert result["resources"] == ["alicloud_kms_key.app cn-hangzhou"]
    assert result["parsed"] is True


def test_a_changed_file_is_parsed_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    root = tmp_path / "root"
    shutil.copytree(HCL / "locals_order", root)
    assert probe(cache, root)["resources"] == ["alicloud_kms_key.app cn-hangzhou"]
    main = root / "main.tf"
    main.write_text(main.read_text(encoding="utf-8").replace('prod = "cn-hangzhou"', 'prod = "cn-qingdao"'),
                    encoding="utf-8")
    stat = main.stat()
    os.utime(main, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    result = probe(cache, root)
    assert result["resources"] == ["alicloud_kms_key.app cn-qingdao"]
    assert result["parsed"] is True


def test_an_entry_for_another_tool_version_is_not_used(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    probe(cache, HCL / "locals_order")
    (index,) = indexes(cache)
    stored = json.loads(index.read_text(encoding="utf-8"))
    for entry in stored.values():
        entry["key"][1] = "0.0.0-other"
        entry["data"] = []  # were it used, the key would vanish
    index.write_text(json.dumps(stored), encoding="utf-8")
    assert probe(cache, HCL / "locals_order")["resources"] == ["alicloud_kms_key.app cn-hangzhou"]


def test_no_cache_reads_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    inventory = load_hcl([str(HCL / "locals_order")], env={"KMS_INFRACOST_CACHE_DIR": str(cache)}, use_cache=False)
    assert [r.address for r in inventory.resources] == ["alicloud_kms_key.app"]
    assert not cache.exists()


def test_concurrent_runs_share_one_cache_safely(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    target = PLANS / "module_twice_providers"
    if not target.is_dir():
        target = HCL / "module_for_each"
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: probe(cache, target)["resources"], range(6)))
    assert all(r == results[0] for r in results)
    for index in indexes(cache):
        json.loads(index.read_text(encoding="utf-8"))
    assert not list((cache / "parse").glob("*.tmp"))
    assert probe(cache, target)["parsed"] is False


def test_cache_dir_defaults_to_the_user_cache_dir() -> None:
    from platformdirs import user_cache_dir

    from kms_infracost.cachedir import cache_dir

    assert cache_dir({}) == user_cache_dir("kms-infracost")
    assert cache_dir({"KMS_INFRACOST_CACHE_DIR": "/x"}) == "/x"
