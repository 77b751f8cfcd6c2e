"""Plan-mode scale: time and peak memory of pricing a plan against `json.load` of the same file.

    python benchmarks/plan_scale.py                 # 1,000 / 10,000 / 100,000 resources
    python benchmarks/plan_scale.py --sizes 1000 5000

Plans are generated in the shape `terraform show -json` writes (resource_changes with before/after,
after_unknown, sensitive markers; configuration with provider_config and root_module resources), 5% of
them KMS keys. Each measurement runs in a fresh interpreter, so imports and caches of one do not help
another; memory is the peak resident set growth of that process over its size just before the load.
Targets (issue 8): time at most 1.5x json.load, peak memory at most 1.5x, linear growth across sizes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

MEASURE = r"""
import json, resource, sys, time
mode, path = sys.argv[1], sys.argv[2]
def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0
if mode == "tool":
    from kms_infracost.sources.plan import load_plan
    from kms_infracost.pricing.book import select_books
    from kms_infracost.pricing.engine import estimate
    from kms_infracost.document import estimate_document
    books = select_books("kms1-intl")
start_rss = rss_kb()
t0 = time.perf_counter()
if mode == "json":
    with open(path, "rb") as f:
        data = json.load(f)
    count = len(data["resource_changes"])
else:
    inventory = load_plan(path, default_region="cn-hangzhou", config_dir="/nonexistent")
    result = estimate(inventory, books[0], instance_book=books[1])
    count = len(estimate_document(result)["resources"])
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_kb": peak - start_rss, "count": count}))
"""


def make_plan(resources: int, path: Path) -> None:
    """A plan of `resources` instances, 5% KMS keys, the rest ECS-like resources with many attributes."""
    changes = []
    config_resources = []
    kms_every = 20
    for i in range(resources):
        if i % kms_every == 0:
            rtype, name = "alicloud_kms_key", f"key_{i}"
            after = {
                "description": f"key {i}", "protection_level": "HSM" if i % 3 == 0 else "SOFTWARE",
                "key_spec": "Aliyun_AES_256", "pending_window_in_days": 7, "tags": {"team": f"t{i % 7}"},
                "dkms_instance_id": None, "rotation_interval": None, "deletion_window_in_days": None,
            }
            unknown = {"arn": True, "id": True, "key_usage": True, "origin": True, "status": True, "automatic_rotation": True}
        else:
            rtype, name = "alicloud_instance", f"vm_{i}"
            after = {f"attr_{k}": f"value-{i}-{k}" for k in range(30)}
            after["tags"] = {"Name": f"vm-{i}", "env": "prod"}
            after["data_disks"] = [{"size": 100, "category": "cloud_essd", "encrypted": True}]
            unknown = {"id": True, "private_ip": True, "public_ip": True}
        changes.append({
            "address": f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name,
            "provider_name": "registry.terraform.io/aliyun/alicloud",
            "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown,
                       "before_sensitive": False, "after_sensitive": {"tags": {}}},
        })
        config_resources.append({
            "address": f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name,
            "provider_config_key": "alicloud",
            "expressions": {k: {"constant_value": v} for k, v in list(after.items())[:5]},
            "schema_version": 0,
        })
    plan = {
        "format_version": "1.2", "terraform_version": "1.11.4",
        "planned_values": {"root_module": {}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"alicloud": {"name": "alicloud", "full_name": "registry.terraform.io/aliyun/alicloud",
                                              "expressions": {"region": {"constant_value": "ap-southeast-1"}}}},
            "root_module": {"resources": config_resources},
        },
        "timestamp": "2026-11-23T00:00:00Z",
    }
    with path.open("w") as handle:
        json.dump(plan, handle)


def measure(mode: str, path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", MEASURE, mode, str(path)], capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"plan-{size}.json"
            make_plan(size, path)
            runs = {m: [measure(m, path) for _ in range(args.repeat)] for m in ("json", "tool")}
            j_t = statistics.median(r["seconds"] for r in runs["json"])
            t_t = statistics.median(r["seconds"] for r in runs["tool"])
            j_m = statistics.median(r["peak_kb"] for r in runs["json"])
            t_m = statistics.median(r["peak_kb"] for r in runs["tool"])
            rows.append((size, path.stat().st_size, j_t, t_t, j_m, t_m, runs["tool"][0]["count"]))
            path.unlink()
    print(f"{'resources':>10} {'MB':>7} {'json.load s':>12} {'tool s':>8} {'time x':>7} {'json MB':>8} {'tool MB':>8} {'mem x':>6} {'priced':>7}")
    for size, nbytes, j_t, t_t, j_m, t_m, count in rows:
        print(f"{size:>10,} {nbytes / 1e6:>7.1f} {j_t:>12.3f} {t_t:>8.3f} {t_t / j_t:>7.2f} {j_m / 1024:>8.1f} {t_m / 1024:>8.1f} {t_m / max(j_m, 1):>6.2f} {count:>7,}")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        scale = last[0] / first[0]
        print(f"growth {first[0]:,} -> {last[0]:,} resources ({scale:.0f}x): tool time {last[3] / first[3]:.1f}x, tool memory {last[5] / max(first[5], 1):.1f}x")


if __name__ == "__main__":
    main()
