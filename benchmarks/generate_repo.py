"""Write a synthetic Terraform monorepo for the HCL source's speed benchmark.

    python benchmarks/generate_repo.py OUT_DIR [--files 2000] [--kms-share 0.05] [--seed 7]

The repository looks like the ones the hook runs in: `stacks/<name>/` root modules of five files each
(main, variables, outputs, providers, versions) and `modules/<name>/` local modules of five files. About
`--kms-share` of the files declare KMS resources (keys with count / for_each, aliases, versions, an
instance), some in stacks, some in modules that other stacks call, so the HCL source has to follow module
calls from stacks whose own files never mention KMS. Everything else is ordinary infrastructure (VPCs,
vswitches, security groups, ECS, RDS, OSS, SLS) of realistic size. The output is deterministic for a seed.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

FILES_PER_DIR = 5
REGIONS = ["cn-hangzhou", "cn-shanghai", "cn-beijing", "ap-southeast-1", "eu-central-1", "cn-shenzhen"]

VERSIONS = """terraform {
  required_version = ">= 1.5.0"

  required_providers {
    alicloud = {
      source  = "aliyun/alicloud"
      version = ">= 1.220.0"
    }
  }
}
"""


def variables_tf(rng: random.Random, n: int) -> str:
    blocks = []
    for i in range(n):
        kind = rng.choice(["string", "number", "bool", "list(string)", "map(string)"])
        default = {
            "string": f'"value-{i}"',
            "number": str(rng.randint(1, 500)),
            "bool": rng.choice(["true", "false"]),
            "list(string)": '["a", "b", "c"]',
            "map(string)": '{\n    owner = "platform"\n    tier  = "backend"\n  }',
        }[kind]
        blocks.append(
            f'variable "setting_{i}" {{\n'
            f'  description = "Setting number {i} of this stack; documented for operators."\n'
            f"  type        = {kind}\n"
            f"  default     = {default}\n"
            "}\n"
        )
    blocks.append(
        'variable "environment" {\n  description = "Deployment environment."\n  type        = string\n'
        '  default     = "prod"\n\n  validation {\n    condition     = contains(["dev", "staging", "prod"], var.environment)\n'
        '    error_message = "environment must be dev, staging or prod."\n  }\n}\n'
    )
    return "\n".join(blocks)


def infra_tf(rng: random.Random, name: str, n: int) -> str:
    """Ordinary, non-KMS infrastructure of realistic size."""
    parts = [
        'locals {\n  name_prefix = "${var.environment}-' + name + '"\n  common_tags = {\n'
        '    Stack       = "' + name + '"\n    Environment = var.environment\n    ManagedBy   = "terraform"\n  }\n}\n',
        ('resource "alicloud_vpc" "main" {\n  vpc_name   = "${local.name_prefix}-vpc"\n'
        '  cidr_block = "10.0.0.0/8"\n  tags       = local.common_tags\n}\n'),
    ]
    for i in range(n):
        kind = rng.choice(["vswitch", "sg", "ecs", "rds", "oss", "sls"])
        if kind == "vswitch":
            parts.append(
                f'resource "alicloud_vswitch" "zone_{i}" {{\n  vpc_id       = alicloud_vpc.main.id\n'
                f'  cidr_block   = cidrsubnet(alicloud_vpc.main.cidr_block, 8, {i})\n'
                f'  zone_id      = "cn-hangzhou-{"hijk"[i % 4]}"\n  vswitch_name = "${{local.name_prefix}}-vsw-{i}"\n}}\n'
            )
        elif kind == "sg":
            parts.append(
                f'resource "alicloud_security_group" "sg_{i}" {{\n  name   = "${{local.name_prefix}}-sg-{i}"\n'
                f"  vpc_id = alicloud_vpc.main.id\n}}\n\n"
                f'resource "alicloud_security_group_rule" "https_{i}" {{\n  type              = "ingress"\n'
                f'  ip_protocol       = "tcp"\n  port_range        = "443/443"\n'
                f"  security_group_id = alicloud_security_group.sg_{i}.id\n  cidr_ip           = \"0.0.0.0/0\"\n}}\n"
            )
        elif kind == "ecs":
            parts.append(
                f'resource "alicloud_instance" "app_{i}" {{\n  count                = var.setting_0 == "x" ? 0 : 2\n'
                f'  instance_name        = "${{local.name_prefix}}-app-{i}-${{count.index}}"\n'
                f'  instance_type        = "ecs.g7.large"\n  image_id             = "ubuntu_22_04_x64_20G_alibase_20240101.vhd"\n'
                f'  system_disk_category = "cloud_essd"\n  vswitch_id           = alicloud_vpc.main.id\n'
                f"  tags                 = merge(local.common_tags, {{ Role = \"app\" }})\n\n"
                f"  data_disks {{\n    size     = 100\n    category = \"cloud_essd\"\n    encrypted = true\n  }}\n}}\n"
            )
        elif kind == "rds":
            parts.append(
                f'resource "alicloud_db_instance" "db_{i}" {{\n  engine           = "MySQL"\n'
                f'  engine_version   = "8.0"\n  instance_type    = "mysql.n2.medium.1"\n'
                f"  instance_storage = 50\n  vswitch_id       = alicloud_vpc.main.id\n"
                f'  security_ips     = ["10.0.0.0/8"]\n}}\n'
            )
        elif kind == "oss":
            parts.append(
                f'resource "alicloud_oss_bucket" "bucket_{i}" {{\n  bucket = "${{local.name_prefix}}-bucket-{i}"\n'
                f'\n  versioning {{\n    status = "Enabled"\n  }}\n\n  lifecycle_rule {{\n    id      = "expire"\n'
                f'    enabled = true\n    expiration {{\n      days = 365\n    }}\n  }}\n}}\n'
            )
        else:
            parts.append(
                f'resource "alicloud_log_project" "logs_{i}" {{\n  project_name = "${{local.name_prefix}}-logs-{i}"\n'
                f'  description  = <<-EOT\n    Logs of ${{local.name_prefix}}, shard {i}.\n  EOT\n}}\n'
            )
    return "\n".join(parts)


def kms_tf(rng: random.Random, name: str) -> str:
    """KMS resources the way configurations write them: count switches, for_each maps, aliases."""
    style = rng.randrange(4)
    if style == 0:
        return (
            'resource "alicloud_kms_key" "data" {\n  count = var.environment == "prod" ? 2 : 1\n\n'
            f'  description            = "{name} data key ${{count.index}}"\n  pending_window_in_days = 7\n'
            '  tags                   = local.common_tags\n}\n\n'
            'resource "alicloud_kms_alias" "data" {\n  count      = length(alicloud_kms_key.data)\n'
            f'  alias_name = "alias/{name}-${{count.index}}"\n  key_id     = alicloud_kms_key.data[count.index].id\n}}\n'
        )
    if style == 1:
        return (
            'resource "alicloud_kms_key" "team" {\n  for_each = {\n    payments = "HSM"\n    search   = "SOFTWARE"\n'
            '    risk     = "HSM"\n  }\n\n  description      = "${each.key} key"\n  protection_level = each.value\n'
            '  key_spec         = each.value == "HSM" ? "RSA_2048" : "Aliyun_AES_256"\n}\n'
        )
    if style == 2:
        return (
            'resource "alicloud_kms_key" "rotated" {\n  for_each = toset(["orders", "users"])\n\n'
            '  description        = "${each.key} key"\n  automatic_rotation = "Enabled"\n'
            '  rotation_interval  = "30d"\n}\n\n'
            'resource "alicloud_kms_key_version" "extra" {\n  key_id = alicloud_kms_key.rotated["orders"].id\n}\n'
        )
    return (
        'resource "alicloud_kms_key" "signing" {\n  description      = "Release signing"\n'
        '  key_spec         = "EC_P256"\n  key_usage        = "SIGN/VERIFY"\n  protection_level = "HSM"\n}\n'
    )


def outputs_tf(n: int) -> str:
    return "\n".join(
        f'output "value_{i}" {{\n  description = "Output {i}."\n  value       = var.setting_{i}\n}}\n' for i in range(n)
    )


def providers_tf(region: str) -> str:
    return (
        f'provider "alicloud" {{\n  region = var.region\n}}\n\n'
        f'variable "region" {{\n  description = "Region of this stack."\n  type        = string\n  default     = "{region}"\n}}\n'
    )


def generate(out: Path, files: int = 2000, kms_share: float = 0.05, seed: int = 7, every_stack: bool = False) -> dict[str, int]:
    """every_stack: every stack declares KMS of its own (whatever kms_share says)."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    dirs = files // FILES_PER_DIR
    n_modules = max(2, dirs // 10)
    n_stacks = dirs - n_modules
    kms_files = round(files * kms_share)
    kms_modules = max(1, n_modules // 2)
    kms_stacks = n_stacks if every_stack else min(n_stacks, max(0, kms_files - kms_modules))
    counts = {"files": 0, "kms_files": 0, "stacks": n_stacks, "modules": n_modules, "stacks_calling_kms_modules": 0}

    def write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        counts["files"] += 1
        if "alicloud_kms" in text:
            counts["kms_files"] += 1

    for m in range(n_modules):
        folder = out / "modules" / f"mod{m:03d}"
        body = infra_tf(rng, f"mod{m}", rng.randint(2, 5))
        if m < kms_modules:
            body += "\n" + kms_tf(rng, f"mod{m}")
        write(folder / "main.tf", body)
        write(folder / "variables.tf", variables_tf(rng, rng.randint(6, 14)))
        write(folder / "outputs.tf", outputs_tf(4))
        write(folder / "versions.tf", VERSIONS)
        write(folder / "README.tf", "# Module notes kept as a comment-only file.\n" * 5)

    kms_stack_ids = set(rng.sample(range(n_stacks), kms_stacks))
    for s in range(n_stacks):
        folder = out / "stacks" / f"stack{s:03d}"
        name = f"stack{s}"
        body = infra_tf(rng, name, rng.randint(4, 10))
        if s in kms_stack_ids:
            body += "\n" + kms_tf(rng, name)
        module = rng.randrange(n_modules)
        call = rng.random() < 0.5
        if call:
            count = "  for_each = toset([\"a\", \"b\"])\n" if rng.random() < 0.3 else "  count    = 1\n"
            body += (
                f'\nmodule "shared" {{\n  source   = "../../modules/mod{module:03d}"\n{count}\n'
                '  environment = var.environment\n}\n'
            )
            if module < kms_modules:
                counts["stacks_calling_kms_modules"] += 1
        write(folder / "main.tf", body)
        write(folder / "variables.tf", variables_tf(rng, rng.randint(8, 20)))
        write(folder / "outputs.tf", outputs_tf(5))
        write(folder / "providers.tf", providers_tf(rng.choice(REGIONS)))
        write(folder / "versions.tf", VERSIONS)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--kms-share", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--every-stack", action="store_true", help="every stack declares KMS of its own")
    args = parser.parse_args()
    counts = generate(args.out, args.files, args.kms_share, args.seed, args.every_stack)
    print(", ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
