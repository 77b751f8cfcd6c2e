"""Snapshots of the words users read: every note and warning the engine writes, and what the real fixture plans
and their HCL produce. A changed word fails here; when the change is meant, rewrite the snapshots with

    KMS_INFRACOST_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest -q tests/test_notes_snapshot.py

and review the diff of tests/data/snapshots/*.json like any other change.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kms_infracost import model, records
from kms_infracost.pricing.book import PriceBook, load_book
from kms_infracost.pricing.engine import Estimate, estimate
from tests.conftest import PLANS, REPO, run_cli
from tests.pricing_inputs import instance, key, price, secret, version

SNAPSHOTS = Path(__file__).parent / "data" / "snapshots"
UPDATE = os.environ.get("KMS_INFRACOST_UPDATE_SNAPSHOTS") == "1"
D = Decimal


def plain(entry: Any) -> Any:
    """What the snapshot keeps: a coded warning as one line `[KI404] file:line: address: message`, the rest as is."""
    if records.is_record(entry) and not isinstance(entry, type):
        entry = records.asdict(entry)
    if isinstance(entry, dict) and {"code", "message"} <= entry.keys():
        where = ":".join(str(entry[k]) for k in ("file", "line") if entry.get(k) is not None)
        parts = [f"[{entry['code']}]", *(f"{x}:" for x in (where, entry.get("address")) if x), entry["message"]]
        return plain(" ".join(parts))
    if isinstance(entry, dict):
        return {k: plain(v) for k, v in entry.items()}
    if isinstance(entry, (list, tuple)):
        return [plain(v) for v in entry]
    if isinstance(entry, str):
        return entry.replace(str(REPO), "<repo>")
    return entry


def matches_snapshot(file: str, name: str, value: Any) -> None:
    path = SNAPSHOTS / f"{file}.json"
    stored: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    value = plain(value)
    if UPDATE:
        stored[name] = value
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    hint = f"snapshot {path.name}[{name!r}] differs; if the new words are meant: KMS_INFRACOST_UPDATE_SNAPSHOTS=1 pytest {__file__}"
    assert name in stored, hint
    assert value == stored[name], hint


def words(result: Estimate) -> dict[str, Any]:
    return {
        "notes": {p.resource.address: p.notes for p in result.resources if p.notes},
        "warnings": result.warnings,
        "account_items": [(a.name, a.note) for a in result.account_items],
    }


def bare_book() -> PriceBook:
    kms1 = load_book("kms1-intl")
    return records.replace(kms1, name="bare", hosting=(), api=(), tiers=())


ENGINE_CASES: dict[str, tuple[list[model.Resource], str, dict[str, dict[str, int | str]]]] = {
    "regions guessed from the name": (
        [
            key("alicloud_kms_key.mainland", region="cn-newcity"),
            key("alicloud_kms_key.hongkong", region="cn-hongkong-2"),
            key("alicloud_kms_key.elsewhere", region="xx-new-1"),
            key("alicloud_kms_key.known", region="cn-hangzhou"),
        ],
        "kms1-intl",
        {},
    ),
    "finance and gov guessed on the China site": (
        [key("alicloud_kms_key.fin", region="cn-xx-finance-9"), key("alicloud_kms_key.gov", region="cn-xx-gov-2")],
        "kms-cn-2019",
        {},
    ),
    "specs outside the book": (
        [key("alicloud_kms_key.aes128", key_spec="Aliyun_AES_128"), key("alicloud_kms_key.weird", key_spec="Weird_Spec")],
        "kms1-intl",
        {},
    ),
    "free, deleted and not billed": (
        [
            key("alicloud_kms_key.service", service_key=True),
            key("alicloud_kms_key.marked"),
            key("alicloud_kms_key.pending", status="PendingDeletion"),
            key("alicloud_kms_key.gone", action=model.DELETE),
            model.KmsAlias(address="alicloud_kms_alias.a", type=model.ALIAS, name="a", region="ap-southeast-1"),
            model.KmsCiphertext(address="alicloud_kms_ciphertext.c", type=model.CIPHERTEXT, name="c", region="ap-southeast-1"),
            model.OtherKmsResource(address="alicloud_kms_policy.p", type="alicloud_kms_policy", name="p", region="ap-southeast-1"),
        ],
        "kms1-intl",
        {"alicloud_kms_key.marked": {"service_key": 1}},
    ),
    "disabled key with calls": ([key(status="Disabled", action=model.UPDATE)], "kms1-intl", {"alicloud_kms_key.k": {"monthly_api_calls": 1}}),
    "versions on the China site": (
        [key(region="cn-hangzhou", rotation_days=D(30)), version("alicloud_kms_key_version.v", "alicloud_kms_key.k", region="cn-hangzhou")],
        "kms-cn-2019",
        {"alicloud_kms_key.k": {"monthly_api_calls": 30_000}},
    ),
    "instances and their members": (
        [
            instance("alicloud_kms_instance.payg", payment_type="PayAsYouGo"),
            instance("alicloud_kms_instance.sub", key_num=1500, spec=2500),
            instance("alicloud_kms_instance.odd", payment_type="Prepaid", product_version="7"),
            key("alicloud_kms_key.in_sub", in_instance=True, instance_address="alicloud_kms_instance.sub"),
            key("alicloud_kms_key.in_payg", in_instance=True, instance_address="alicloud_kms_instance.payg"),
            key("alicloud_kms_key.outside", in_instance=True, dkms_instance_id="kst-outside"),
            secret("alicloud_kms_secret.loose"),
            secret("alicloud_kms_secret.in_sub", instance_address="alicloud_kms_instance.sub"),
        ],
        "kms1-intl",
        {"alicloud_kms_instance.payg": {"peak_qps": 5}},
    ),
    "instances on the China site": (
        [instance(region="cn-hangzhou"), key(in_instance=True, instance_address="alicloud_kms_instance.i", region="cn-hangzhou")],
        "kms-cn-2019",
        {},
    ),
    "pay-as-you-go instance without peak_qps": ([instance(payment_type="PayAsYouGo", spec=1000)], "kms1-intl", {}),
    "key version without its key": ([version("alicloud_kms_key_version.v", "alicloud_kms_key.elsewhere")], "kms1-intl", {}),
    "finance and gov regions on the international site": (
        [key("alicloud_kms_key.fin", region="cn-shanghai-finance-1"), key("alicloud_kms_key.gov", region="cn-north-2-gov-1")],
        "kms1-intl",
        {"alicloud_kms_key.fin": {"monthly_api_calls": 1}},
    ),
    "China-site service key": ([key(region="cn-hangzhou", service_key=True)], "kms-cn-2019", {"alicloud_kms_key.k": {"monthly_api_calls": 1}}),
    "small subscription edition": ([instance(spec=500)], "kms1-intl", {}),
    "unpriced and free types": (
        [
            model.OtherKmsResource(address="alicloud_kms_value_added_service.v", type="alicloud_kms_value_added_service", name="v", region="ap-southeast-1"),
            model.OtherKmsResource(address="alicloud_kms_network_rule.n", type="alicloud_kms_network_rule", name="n", region="ap-southeast-1"),
            model.OtherKmsResource(address="alicloud_kms_hypothetical.h", type="alicloud_kms_hypothetical", name="h", region="ap-southeast-1"),
        ],
        "kms1-intl",
        {},
    ),
    "new HSM keys and the KMS 3.0 alternative": (
        [key("alicloud_kms_key.hsm", protection_level="HSM", key_spec="EC_P256"), key("alicloud_kms_key.tier", protection_level="HSM", key_spec="EC_P256")],
        "kms1-intl",
        {"alicloud_kms_key.tier": {"key_versions": 2_500}},
    ),
}


@pytest.mark.parametrize("case", sorted(ENGINE_CASES))
def test_engine_notes_and_warnings(case: str) -> None:
    resources, book, usage = ENGINE_CASES[case]
    matches_snapshot("engine", case, words(price(resources, book, usage)))


def test_a_book_missing_prices_says_so() -> None:
    result = estimate(
        model.Inventory(resources=[key(protection_level="HSM", key_spec="EC_P256")]),
        bare_book(),
        usage=lambda r: model.Usage(values={"monthly_api_calls": D(1)}, sources={"monthly_api_calls": "test"}),
    )
    matches_snapshot("engine", "a book missing prices", words(result))


#: the fixture plans, with the book that fits their regions (a new fixture joins by adding it here and
#: rewriting the snapshots)
FIXTURES = [
    ("alias", "kms3-intl"),
    ("cn_hangzhou_three_keys", "kms-cn-2019"),
    ("cn_service_key", "kms-cn-2019"),
    ("count_and_for_each", "kms3-intl"),
    ("data_sources", "kms3-intl"),
    ("default_software_key", "kms3-intl"),
    ("delete_key", "kms3-intl"),
    ("finance_three_keys", "kms3-intl"),
    ("gov_region_key", "kms3-intl"),
    ("key_versions", "kms3-intl"),
    ("kms_instance_keys", "kms3-intl"),
    ("kms_instance_overflow", "kms3-intl"),
    ("kms_instance_payg_hardware", "kms3-intl"),
    ("module_twice_providers", "kms3-intl"),
    ("payg_software_no_qps", "kms3-intl"),
    ("pending_deletion", "kms3-intl"),
    ("provider_alias", "kms3-intl"),
    ("region_from_env", "kms3-intl"),
    ("replace_spec", "kms3-intl"),
    ("rotation", "kms3-intl"),
    ("seed_hsm_basic_singapore", "kms3-intl"),
    ("seed_hsm_ec_p256_singapore", "kms3-intl"),
    ("sensitive_values", "kms3-intl"),
    ("string_numbers", "kms3-intl"),
    ("tfvars_region", "kms3-intl"),
    ("unpriced_resources", "kms3-intl"),
    ("update_disable", "kms3-intl"),
]


@pytest.mark.parametrize(("case", "book"), FIXTURES)
@pytest.mark.parametrize("source", ["plan", "hcl"])
def test_fixture_notes_and_warnings(case: str, book: str, source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # project paths in the words are relative to the working directory
    target = PLANS / case / "plan.json" if source == "plan" else PLANS / case
    result = run_cli("breakdown", "--format", "json", "--price-book", book, str(target.relative_to(REPO)))
    assert result.code == 0, result.stderr
    doc = result.json()
    def where(r: dict[str, Any]) -> str:  # one run may price several projects with the same addresses
        return f"{r['project']}: {r['address']}" if r.get("project") else r["address"]

    value = {
        "notes": {where(r): r["notes"] for r in doc["resources"] if r["notes"]},
        "assumptions": {where(r): r["assumptions"] for r in doc["resources"] if r["assumptions"]},
        "warnings": sorted(doc["warnings"], key=lambda w: json.dumps(w, sort_keys=True)),
        "account_items": [(a["name"], a["note"]) for a in doc["account_items"]],
    }
    matches_snapshot(f"fixtures-{source}", case, value)
