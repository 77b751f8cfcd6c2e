"""Synthetic `terraform show -json` plans of the shapes the plan-mode benchmark measures.

    python benchmarks/plans.py OUT.json [--resources 100000] [--shape heavy|light] [--modules 50]

The shape follows what terraform writes for a root that calls `--modules` modules: every resource instance
appears in `resource_changes` (before/after, after_unknown, sensitive markers), in `planned_values` (its
values after the change) and, for the half that already exist (updates and no-ops), in `prior_state`;
`configuration` has one resource block per ten instances (`count = 10`) inside its module call. 5% of
the instances are KMS keys (blocks of five), spread over the modules; the rest are ordinary resources:
`heavy` ones with 30 attributes, `light` ones with 5 attributes and a long description.
The output is deterministic for its arguments.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

KMS_EVERY = 20  # 5% KMS keys
NOTE = (
    "Serves the {tier} tier of the {team} team; owned by platform engineering, reviewed quarterly, "
    "see the runbook in the wiki before changing anything here (resource {i})."
)


def _values(i: int, shape: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(type, values after, after_unknown) of instance i."""
    if i % KMS_EVERY == 0:
        values = {
            "description": f"key {i}", "protection_level": "HSM" if i % 3 == 0 else "SOFTWARE",
            "key_spec": "Aliyun_AES_256", "pending_window_in_days": 7, "tags": {"team": f"t{i % 7}"},
            "dkms_instance_id": None, "rotation_interval": None, "deletion_window_in_days": None,
        }
        unknown = {"arn": True, "id": True, "key_usage": True, "origin": True, "status": True,
                   "automatic_rotation": True}
        return "alicloud_kms_key", values, unknown
    if shape == "light":
        values = {
            "description": NOTE.format(tier=("web", "api", "batch")[i % 3], team=f"team-{i % 11}", i=i),
            "bucket": f"bucket-{i}", "acl": "private", "force_destroy": False, "tags": {"Name": f"b-{i}"},
        }
        return "alicloud_oss_bucket", values, {"id": True}
    values = {f"attr_{k}": f"value-{i}-{k}" for k in range(27)}
    values["tags"] = {"Name": f"vm-{i}", "env": "prod"}
    values["data_disks"] = [{"size": 100, "category": "cloud_essd", "encrypted": True}]
    values["security_groups"] = [f"sg-{i % 97}", f"sg-{i % 89}"]
    return "alicloud_instance", values, {"id": True, "private_ip": True, "public_ip": True}


def build(resources: int, shape: str = "heavy", modules: int = 50) -> dict[str, Any]:
    changes: list[dict[str, Any]] = []
    planned: dict[int, list[dict[str, Any]]] = {m: [] for m in range(modules)}
    prior: dict[int, list[dict[str, Any]]] = {m: [] for m in range(modules)}
    blocks: dict[int, dict[tuple[str, str], dict[str, Any]]] = {m: {} for m in range(modules)}
    kms_seen = 0
    for i in range(resources):
        rtype, after, unknown = _values(i, shape)
        if rtype == "alicloud_kms_key":
            block, index = kms_seen // 5, kms_seen % 5
            kms_seen += 1
        else:
            block, index = i // 10, i % 10
        m = block % modules
        name = f"{rtype.rsplit('_', 1)[-1]}_{block}"
        module = f"module.m{m:02d}"
        address = f"{module}.{rtype}.{name}[{index}]"
        exists = i % 2 == 1
        before = {**after, "id": f"id-{i}"} if exists else None
        actions = ["update"] if exists and i % 4 == 1 else (["no-op"] if exists else ["create"])
        common = {"address": address, "module_address": module, "mode": "managed", "type": rtype, "name": name,
                  "index": index, "provider_name": "registry.terraform.io/aliyun/alicloud"}
        changes.append({**common, "change": {
            "actions": actions, "before": before, "after": after, "after_unknown": unknown,
            "before_sensitive": {"tags": {}} if exists else False, "after_sensitive": {"tags": {}},
        }})
        planned[m].append({**common, "schema_version": 0, "values": after, "sensitive_values": {"tags": {}}})
        if before is not None:
            prior[m].append({**common, "schema_version": 0, "values": before, "sensitive_values": {"tags": {}}})
        key = (rtype, name)
        if key not in blocks[m]:
            blocks[m][key] = {
                "address": f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name,
                "provider_config_key": "alicloud",
                "expressions": {k: {"constant_value": v} for k, v in list(after.items())[:5]},
                "schema_version": 0, "count_expression": {"constant_value": 5 if rtype == "alicloud_kms_key" else 10},
            }

    def tree(per_module: dict[int, list[dict[str, Any]]]) -> dict[str, Any]:
        return {"root_module": {"child_modules": [
            {"address": f"module.m{m:02d}", "resources": items} for m, items in per_module.items() if items
        ]}}

    return {
        "format_version": "1.2", "terraform_version": "1.11.4",
        "variables": {"region": {"value": "ap-southeast-1"}},
        "planned_values": tree(planned),
        "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "terraform_version": "1.11.4", "values": tree(prior)},
        "configuration": {
            "provider_config": {"alicloud": {"name": "alicloud", "full_name": "registry.terraform.io/aliyun/alicloud",
                                             "expressions": {"region": {"references": ["var.region"]}}}},
            "root_module": {
                "variables": {"region": {"default": "ap-southeast-1"}},
                "module_calls": {
                    f"m{m:02d}": {"source": f"./modules/m{m:02d}", "expressions": {"tier": {"constant_value": "prod"}},
                                  "module": {"resources": list(blocks[m].values()),
                                             "variables": {"tier": {"default": "dev"}}}}
                    for m in range(modules)
                },
            },
        },
        "timestamp": "2026-11-23T00:00:00Z", "applyable": True, "complete": True, "errored": False,
    }


def write(path: Path, resources: int, shape: str = "heavy", modules: int = 50) -> int:
    """Write the plan; returns its size in bytes."""
    data = json.dumps(build(resources, shape, modules), separators=(",", ":")).encode("utf-8")
    path.write_bytes(data)
    return len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--shape", choices=("heavy", "light"), default="heavy")
    parser.add_argument("--modules", type=int, default=50)
    args = parser.parse_args()
    size = write(args.out, args.resources, args.shape, args.modules)
    print(f"{args.out}: {args.resources:,} resources, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
