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
