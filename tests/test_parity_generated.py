"""Generative parity: seeded random small configurations, each planned by real Terraform through tests/tfstub,
read once as HCL and once as the plan terraform made; both must agree on every address, spec, protection
level, region, status and key link, and on the exact total (with the same annotations and usage file).

A few seeds run by default; `pytest -m parity_long` runs many more (KMS_PARITY_CASES, default 60; the first
seed is KMS_PARITY_SEED, default 1000). A failing seed is reproduced alone with
`KMS_PARITY_SEED=<seed> KMS_PARITY_CASES=1 pytest -m parity_long tests/test_parity_generated.py`; its
configuration is left in pytest's temporary directory.

What the generator varies: the provider region (constant, variable default, terraform.tfvars, environment,
an aliased provider), count and for_each on keys and on a local module (with `providers`), key attributes
that decide the price (protection level, spec, status, rotation), a KMS instance (subscription or
pay-as-you-go, editions the book prices or not) with keys inside it, key versions naming their key in every
way the plan source follows (direct, indexed, `[each.key]`, `for_each` over the keys with `each.value.id`,
a for-expression, a module output, `for_each` over a module), annotations (API calls, service keys, peak QPS) and a usage file.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, run_cli

pytestmark = [
    pytest.mark.terraform,
    pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH"),
]

FIRST_SEED = int(os.environ.get("KMS_PARITY_SEED", "1000"))
DEFAULT_SEEDS = [FIRST_SEED + i for i in range(3)]
LONG_SEEDS = [FIRST_SEED + 100 + i for i in range(int(os.environ.get("KMS_PARITY_CASES", "60")))]

REGIONS = ["cn-hangzhou", "cn-shanghai", "ap-southeast-1", "eu-central-1", "cn-hongkong", "cn-shanghai-finance-1"]
SPECS = [
    ("Aliyun_AES_256", "ENCRYPT/DECRYPT"),
    ("Aliyun_SM4", "ENCRYPT/DECRYPT"),
    ("RSA_2048", "SIGN/VERIFY"),
    ("EC_P256", "SIGN/VERIFY"),
    ("RSA_3072", "ENCRYPT/DECRYPT"),
]
HEADER = """terraform {
  required_providers {
    alicloud = {
      source = "aliyun/alicloud"
    }
  }
}
"""


@dataclass
class Case:
    files: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    usage: dict[str, dict[str, int]] = field(default_factory=dict)

    def write(self, folder: Path) -> None:
        for name, text in self.files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        if self.env:
            (folder / "env.json").write_text(json.dumps(self.env), encoding="utf-8")


def _key_body(rng: random.Random, provider: str | None, each: str | None, instance: str | None = None) -> list[str]:
    spec, usage = rng.choice(SPECS)
    lines = [f'  description            = "generated key{"" if each is None else " ${" + each + "}"}"']
    if instance:
        lines.append(f"  dkms_instance_id       = {instance}.id")
    if rng.random() < 0.7:
        lines.append(f'  key_spec               = "{spec}"')
        lines.append(f'  key_usage              = "{usage}"')
    if rng.random() < 0.6:
        lines.append(f'  protection_level       = "{rng.choice(["SOFTWARE", "HSM"])}"')
    status = rng.choice([None, None, "Enabled", "Disabled", "PendingDeletion"])
    if status:
        lines.append(f'  status                 = "{status}"')
    if spec.startswith("Aliyun") and rng.random() < 0.3:
        lines.append('  automatic_rotation     = "Enabled"')
        lines.append(f'  rotation_interval      = "{rng.choice(["30d", "90d", "2592000s", "365d"])}"')
    lines.append("  pending_window_in_days = 7")
    if provider:
        lines.append(f"  provider               = {provider}")
    return lines


def generate(seed: int) -> Case:
    rng = random.Random(seed)
    case = Case()
    main: list[str] = [HEADER]
    region = rng.choice(REGIONS)
    how = rng.choice(["constant", "variable", "tfvars", "environment"])
    if how == "constant":
        main.append(f'provider "alicloud" {{\n  region = "{region}"\n}}\n')
    elif how in ("variable", "tfvars"):
        default = region if how == "variable" else rng.choice(REGIONS)
        main.append(f'variable "region" {{\n  type    = string\n  default = "{default}"\n}}\n')
        main.append('provider "alicloud" {\n  region = var.region\n}\n')
        if how == "tfvars":
            case.files["terraform.tfvars"] = f'region = "{region}"\n'
    else:
        main.append('provider "alicloud" {}\n')
        case.env["ALIBABA_CLOUD_REGION"] = region
    aliased = rng.random() < 0.4
    if aliased:
        main.append(f'provider "alicloud" {{\n  alias  = "second"\n  region = "{rng.choice(REGIONS)}"\n}}\n')

    instance = None
    if rng.random() < 0.35:
        instance = "alicloud_kms_instance.shared"
        payg = rng.random() < 0.6
        qps = f"# kms-infracost: peak_qps={rng.randint(1, 40)}\n" if payg and rng.random() < 0.5 else ""
        main.append(
            f'{qps}resource "alicloud_kms_instance" "shared" {{\n'
            f'  product_version = "{rng.choice(["3", "5"])}"\n'
            f'  payment_type    = "{"PayAsYouGo" if payg else "Subscription"}"\n'
            f"  spec            = {rng.choice([200, 1000, 2000])}\n"
            f"  key_num         = {rng.choice([100, 1000, 2000])}\n"
            "  secret_num      = 0\n  vpc_num         = 1\n"
            '  vpc_id          = "vpc-generated0000000000001"\n'
            '  zone_ids        = ["zone-a", "zone-b"]\n'
            '  vswitch_ids     = ["vsw-generated0000000000001"]\n}\n'
        )
    keys: list[tuple[str, str, list[str]]] = []  # (name, expansion kind: one / count / each, for_each members)
    for index in range(rng.randint(1, 3)):
        name = f"k{index}"
        kind = rng.choice(["one", "count", "each"])
        provider = "alicloud.second" if aliased and rng.random() < 0.4 else None
        annotation = ""
        if rng.random() < 0.4:
            annotation = f"# kms-infracost: monthly_api_calls={rng.choice([1000, 25000, 2000000])}\n"
        if rng.random() < 0.15:
            annotation += "# kms-infracost: service_key=true\n"
        head = f'{annotation}resource "alicloud_kms_key" "{name}" {{\n'
        each = None
        members: list[str] = []
        if kind == "count":
            head += f"  count = {rng.randint(0, 3)}\n\n"
        elif kind == "each":
            members = sorted(rng.sample(["alpha", "beta", "gamma", "delta"], rng.randint(1, 3)))
            head += f"  for_each = toset({json.dumps(members)})\n\n"
            each = "each.key"
        inside = instance if instance and not provider and rng.random() < 0.5 else None
        main.append(head + "\n".join(_key_body(rng, provider, each, inside)) + "\n}\n")
        keys.append((name, kind, members))
        if rng.random() < 0.3:
            case.usage[f"alicloud_kms_key.{name}" + ("" if kind == "one" else "[*]")] = {"key_versions": rng.randint(1, 4)}

    with_module = rng.random() < 0.5
    if with_module:
        case.files["modules/keymod/main.tf"] = HEADER + "\n" + (
            'resource "alicloud_kms_key" "this" {\n' + "\n".join(_key_body(rng, None, None)) + "\n}\n\n"
            'output "key_id" {\n  value = alicloud_kms_key.this.id\n}\n'
        )
        call = 'module "tenant" {\n  source = "./modules/keymod"\n'
        shape = rng.choice(["count", "each", "one"])
        if shape == "count":
            call += f"  count  = {rng.randint(1, 2)}\n"
            module_ref = "module.tenant[0].key_id"
        elif shape == "each":
            call += f"  for_each = toset({json.dumps(sorted(rng.sample(['east', 'west', 'north'], 2)))})\n"
            module_ref = ""
        else:
            module_ref = "module.tenant.key_id"
        if aliased and rng.random() < 0.5:
            call += "  providers = {\n    alicloud = alicloud.second\n  }\n"
        main.append(call + "}\n")

    versions = 0
    for name, kind, members in keys:
        if rng.random() < 0.4:
            continue
        versions += 1
        vname = f"v{versions}"
        if kind == "one":
            body = f"  key_id = alicloud_kms_key.{name}.id\n"
        elif kind == "count":
            style = rng.choice(["for_each", "for_expr", "indexed"])
            if style == "for_each":
                body = f"  count  = length(alicloud_kms_key.{name})\n  key_id = alicloud_kms_key.{name}[count.index].id\n"
            elif style == "for_expr":
                body = (
                    f"  for_each = {{ for i, k in alicloud_kms_key.{name} : tostring(i) => k.id }}\n\n"
                    "  key_id = each.value\n"
                )
            else:
                body = f"  count  = length(alicloud_kms_key.{name}) > 0 ? 1 : 0\n  key_id = alicloud_kms_key.{name}[0].id\n"
        elif rng.random() < 0.5:
            body = f"  for_each = alicloud_kms_key.{name}\n\n  key_id = each.value.id\n"
        else:
            body = f"  for_each = toset({json.dumps(members)})\n\n  key_id = alicloud_kms_key.{name}[each.key].id\n"
        main.append(f'resource "alicloud_kms_key_version" "{vname}" {{\n{body}}}\n')
    if with_module and rng.random() < 0.7:
        if module_ref:
            main.append(f'resource "alicloud_kms_key_version" "from_module" {{\n  key_id = {module_ref}\n}}\n')
        else:
            main.append(
                'resource "alicloud_kms_key_version" "from_module" {\n'
                "  for_each = module.tenant\n\n  key_id = each.value.key_id\n}\n"
            )
    case.files["main.tf"] = "\n".join(main)
    return case


def _usage_file(case: Case, folder: Path) -> Path | None:
    if not case.usage:
        return None
    lines = ["version: 0.1", "resource_usage:"]
    for address, values in case.usage.items():
        lines.append(f"  '{address}':")
        lines.extend(f"    {k}: {v}" for k, v in values.items())
    path = folder.parent / f"{folder.name}-usage.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _facts(resource: Any) -> dict[str, Any]:
    names = (
        "type", "region", "key_spec", "protection_level", "status", "rotation_days", "key_address", "in_instance",
        "instance_address", "payment_type", "product_version", "spec", "key_num",
    )
    return {n: getattr(resource, n, None) for n in names}


def _total(args: list[str], env: dict[str, str]) -> tuple[Decimal, list[dict[str, Any]]]:
    result = run_cli("breakdown", "--format", "json", *args, env=env)
    assert result.code == 0, result.stderr
    doc = result.json()
    rows = [{k: r[k] for k in ("address", "monthly_cost", "assumptions")} for r in doc["resources"]]
    return doc["total_monthly_cost"], sorted(rows, key=lambda r: r["address"])


def check_seed(seed: int, work: Path) -> None:
    sys.path.insert(0, str(REPO / "tests" / "tfstub"))
    try:
        import regenerate  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    from kms_infracost.sources.hcl import load_hcl
    from kms_infracost.sources.plan import load_plan

    case = generate(seed)
    folder = work / f"seed{seed}"
    folder.mkdir()
    case.write(folder)
    plan_file = regenerate.generate(folder, work / f"plan{seed}")
    from_plan = {r.address: r for r in load_plan(str(plan_file), env=case.env, config_dir=str(folder)).resources}
    from_hcl = {r.address: r for r in load_hcl([str(folder)], env=case.env).resources}
    assert sorted(from_hcl) == sorted(from_plan), f"seed {seed}: addresses differ ({folder})"
    for address, resource in from_plan.items():
        assert _facts(from_hcl[address]) == _facts(resource), f"seed {seed}: {address} differs ({folder})"
    usage = _usage_file(case, folder)
    extra = ["--usage-file", str(usage)] if usage else []
    env = {"ALIBABA_CLOUD_REGION": case.env.get("ALIBABA_CLOUD_REGION", "")} if case.env else None
    plan_total = _total([str(plan_file), "--config-dir", str(folder), *extra], env or {})
    hcl_total = _total([str(folder), *extra], env or {})
    assert plan_total == hcl_total, f"seed {seed}: estimates differ ({folder})"


@pytest.mark.parametrize("seed", DEFAULT_SEEDS)
def test_generated_configuration_prices_the_same_from_hcl_and_plan(seed: int, tmp_path: Path) -> None:
    check_seed(seed, tmp_path)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The many seeds only when asked for (`-m parity_long`): each costs a terraform plan."""
    if metafunc.function.__name__ == "test_many_generated_configurations_price_the_same":
        wanted = "parity_long" in (metafunc.config.getoption("markexpr") or "")
        metafunc.parametrize("seed", LONG_SEEDS if wanted else [])


@pytest.mark.parity_long
def test_many_generated_configurations_price_the_same(seed: int, tmp_path: Path) -> None:
    check_seed(seed, tmp_path)


def test_the_generator_is_deterministic_and_covers_every_reference_style() -> None:
    assert generate(7).files == generate(7).files
    seen = "\n".join(text for seed in range(200) for text in generate(seed).files.values())
    for form in ("each.value.id", "tostring(i) => k.id", "module.tenant", "[count.index].id", "alicloud.second",
                 "var.region", "toset(", "kms-infracost: monthly_api_calls", "[each.key].id", "dkms_instance_id",
                 "service_key=true", "peak_qps=", "PayAsYouGo", "for_each = module.tenant"):
        assert form in seen
