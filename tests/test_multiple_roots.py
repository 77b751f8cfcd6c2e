"""Several root modules in one run: the same address in two roots is two resources, joined within its root."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.conftest import run_cli

ROOT = """\
provider "alicloud" {{
  region = "ap-southeast-1"
}}

resource "alicloud_kms_instance" "default" {{
  product_version = "3"
  payment_type    = "PayAsYouGo"
  spec            = 10
  key_num         = {key_num}
}}

resource "alicloud_kms_key" "k" {{
  count            = {keys}
  dkms_instance_id = alicloud_kms_instance.default.id
}}
"""


def test_same_addresses_in_two_roots_stay_apart(tmp_path: Path) -> None:
    for name, keys, key_num in (("a", 1, 5), ("b", 3, 2)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text(ROOT.format(keys=keys, key_num=key_num))
    result = run_cli("check", "--format", "json", str(tmp_path / "a"), str(tmp_path / "b"))
    doc = result.json()
    rows = [(r["root"].rsplit("/", 1)[-1], r["address"], r["instance_address"]) for r in doc["resources"]]
    assert rows == [
        ("a", "alicloud_kms_instance.default", None),
        ("a", "alicloud_kms_key.k[0]", "alicloud_kms_instance.default"),
        ("b", "alicloud_kms_instance.default", None),
        ("b", "alicloud_kms_key.k[0]", "alicloud_kms_instance.default"),
        ("b", "alicloud_kms_key.k[1]", "alicloud_kms_instance.default"),
        ("b", "alicloud_kms_key.k[2]", "alicloud_kms_instance.default"),
    ]
    capacity = [r["capacity"]["key_versions_needed"] for r in doc["resources"] if "capacity" in r]
    assert capacity == [1, 3]
    (violation,) = doc["violations"]
    assert violation["rule"] == "instance_capacity" and violation["file"].endswith("b/main.tf")
    # 2 x 4.5 x 30 + 4 keys x 0.03 x 30 (QPS is usage: none given)
    assert doc["total_monthly_cost"] == Decimal("273.6")



PROBE = """
import atexit, sys, runpy
sys.argv = ["kms-infracost", "breakdown", "--format", "json", "."]
# an exit handler: the entry point leaves through os._exit once the handlers have run
atexit.register(lambda: print("parser imported" if any(m in sys.modules for m in (
    "kms_infracost.sources.hcl.fastparse", "lark", "hcl2")) else "parser not imported", file=sys.stderr))
runpy.run_module("kms_infracost", run_name="__main__")
"""


def test_files_the_search_for_roots_read_keep_their_parse_cache_key(tmp_path: Path) -> None:
    """The search for roots reads each file once and hands it to the HCL source, keyed as read (size,
    mtime and ctime): a second run parses nothing, and an edit that keeps size and mtime is parsed again."""
    import json
    import os
    import subprocess
    import sys

    repo = tmp_path / "repo"
    for name, keys, key_num in (("a", 1, 5), ("b", 3, 2)):
        (repo / name).mkdir(parents=True)
        (repo / name / "main.tf").write_text(ROOT.format(keys=keys, key_num=key_num), encoding="utf-8")
    env = {**os.environ, "KMS_INFRACOST_CACHE_DIR": str(tmp_path / "cache"), "KMS_INFRACOST_REPLAY": "0"}

    def run() -> tuple[dict[str, int], str]:
        done = subprocess.run([sys.executable, "-c", PROBE], check=False, cwd=repo, env=env, capture_output=True, text=True)
        projects = {p["name"]: p["resources"] for p in json.loads(done.stdout)["projects"]}
        return projects, done.stderr.splitlines()[-1]

    assert run() == ({"a": 2, "b": 4}, "parser imported")
    assert run() == ({"a": 2, "b": 4}, "parser not imported")
    main = repo / "a" / "main.tf"
    before = main.stat()
    main.write_text(ROOT.format(keys=4, key_num=5), encoding="utf-8")  # the same size
    os.utime(main, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same mtime: only ctime tells
    assert main.stat().st_size == before.st_size
    assert run() == ({"a": 5, "b": 4}, "parser imported")
