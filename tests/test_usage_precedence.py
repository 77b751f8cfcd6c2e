"""Which usage value prices a resource, and the source it names: annotation over usage file (exact address over
wildcard over the type default), each key on its own, for a real usage file read from disk."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from kms_infracost import model
from kms_infracost.pricing.book import select_books
from kms_infracost.pricing.engine import estimate
from kms_infracost.usage.annotations import Annotation
from kms_infracost.usage.resolve import UsageResolver
from kms_infracost.usage.usagefile import load_usage_file
from tests.pricing_inputs import key, price

D = Decimal

USAGE = """\
version: 0.1
resource_type_default_usage:
  alicloud_kms_key:
    monthly_api_calls: 1000
    key_versions: 2
resource_usage:
  alicloud_kms_key.k:
    monthly_api_calls: 50000
  alicloud_kms_key.*:
    key_versions: 4
"""


def resolver(tmp_path: Path, annotations: dict[tuple[str, str], Annotation] | None = None) -> UsageResolver:
    path = tmp_path / "usage.yml"
    path.write_text(USAGE)
    return UsageResolver(load_usage_file(str(path)), annotations or {})


def test_usage_file_layers_each_key_with_its_source(tmp_path: Path) -> None:
    usage = resolver(tmp_path)(key())
    file = tmp_path / "usage.yml"
    assert usage.values == {"monthly_api_calls": D(50000), "key_versions": D(4)}
    assert usage.sources == {
        "monthly_api_calls": f"usage file {file}:7 (alicloud_kms_key.k)",
        "key_versions": f"usage file {file}:9 (alicloud_kms_key.*)",
    }
    other = resolver(tmp_path)(key("alicloud_kms_key.other"))
    assert other.values == {"monthly_api_calls": D(1000), "key_versions": D(4)}
    assert other.sources["monthly_api_calls"] == f"usage file {file}:3 (resource_type_default_usage.alicloud_kms_key)"


def test_annotation_wins_per_key_and_names_its_line(tmp_path: Path) -> None:
    note = Annotation(file="main.tf", values={"key_versions": D(7)}, lines={"key_versions": 3, "service_key": 4}, service_key=False)
    usage = resolver(tmp_path, {("", "alicloud_kms_key.k"): note})(key())
    assert usage.values == {"monthly_api_calls": D(50000), "key_versions": D(7), "service_key": D(0)}
    assert (usage.sources["key_versions"], usage.sources["service_key"]) == ("annotation main.tf:3", "annotation main.tf:4")
    elsewhere = resolver(tmp_path, {("envs/prod", "alicloud_kms_key.k"): note})(key())
    assert elsewhere.values["key_versions"] == D(4)  # an annotation belongs to its own root


def test_service_key_annotation_prices_the_key_as_a_service_key() -> None:
    note = Annotation(file="main.tf", lines={"service_key": 9}, service_key=True)
    lookup = UsageResolver(None, {("", "alicloud_kms_key.k"): note})
    assert lookup(key()).values == {"service_key": D(1)}
    assert price([key(protection_level="HSM")]).total_monthly_cost == D("0.990")
    keys, instances = select_books("kms1-intl")
    marked = estimate(model.Inventory(resources=[key(protection_level="HSM")]), keys, instance_book=instances, usage=lookup)
    assert marked.total_monthly_cost == 0
    assert marked.resources[0].notes == ["service key (annotation main.tf:9): priced by the service-key rows of kms1-intl"]


def test_no_usage_file_and_no_annotation_is_empty_usage() -> None:
    usage = UsageResolver(None, {})(key())
    assert (usage.values, usage.sources) == ({}, {})
