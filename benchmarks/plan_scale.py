"""Plan mode: the whole `kms-infracost breakdown PLAN --format json` process against `json.load` of the plan.

    python benchmarks/plan_scale.py                       # every shape, 1,000 / 10,000 / 100,000 resources
    python benchmarks/plan_scale.py --sizes 1000 10000 --shapes light --repeat 5

What a user waits for: each side is a fresh process started from the shell - the tool with its start-up,
command line, pricing and the JSON report written to a file; the baseline `python -c "json.load(...)"` of the
same file - measured in the same run, alternating, several times (medians). Plans (5% KMS keys):

- `changes`: resource_changes only, in the root module, non-KMS resources with 30 attributes (the shape the
  first version of this benchmark used);
- `light`: 50 modules, every resource in resource_changes, planned_values and (half of them) prior_state,
  non-KMS resources with 5 attributes and a long description (benchmarks/plans.py);
- `heavy`: the same with 30 attributes.

Goals (issue 15): time and peak memory at most 0.5x json.load's at 100,000 resources, on every shape; the
tool's time per resource the same from 10k to 100k as from 1k to 10k (linear growth).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from measure import Run, run_once
from plans import write

SHAPES = ("changes", "light", "heavy")
BASELINE = "import json, sys\nwith open(sys.argv[1], encoding='utf-8') as f:\n    json.load(f)"


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


def generate(shape: str, resources: int, path: Path) -> int:
    if shape == "changes":
        make_plan(resources, path)
        return path.stat().st_size
    return write(path, resources, shape)


def measure_plan(path: Path, repeat: int) -> tuple[Run, Run]:
    """(json.load, the tool) medians, the runs alternating so a change of load hits both."""
    python = sys.executable
    baseline = [python, "-c", BASELINE, str(path)]
    tool = [python, "-m", "kms_infracost", "breakdown", str(path), "--format", "json"]
    runs: dict[str, list[Run]] = {"json": [], "tool": []}
    for _ in range(repeat):
        runs["json"].append(run_once(baseline, cwd=REPO))
        runs["tool"].append(run_once(tool, cwd=REPO))
    return Run.median(runs["json"]), Run.median(runs["tool"])


#: runs per side for plans under 100,000 resources, whatever --repeat asks: the growth figure divides
#: differences between their CPU times (a few hundredths of a second), which three runs left to chance
SMALL_RUNS = 7


def _runs(size: int, repeat: int) -> int:
    """Runs per side: at least SMALL_RUNS for small plans (cheap), at most 3 at 100,000 resources (slow)."""
    return max(repeat, SMALL_RUNS) if size < 100_000 else max(1, min(repeat, 3))


def run(shapes: list[str], sizes: list[int], repeat: int) -> list[dict[str, float | int | str]]:
    rows: list[dict[str, float | int | str]] = []
    with tempfile.TemporaryDirectory(prefix="kms-bench-plan-") as tmp:
        for shape in shapes:
            for size in sizes:
                path = Path(tmp) / f"{shape}-{size}.json"
                nbytes = generate(shape, size, path)
                base, tool = measure_plan(path, _runs(size, repeat))
                path.unlink()
                rows.append({
                    "shape": shape, "resources": size, "mb": nbytes / 1e6,
                    "json_s": base.wall, "tool_s": tool.wall, "json_cpu": base.cpu, "tool_cpu": tool.cpu,
                    "json_mb": base.peak_mb, "tool_mb": tool.peak_mb,
                    "time_x": tool.wall / base.wall, "cpu_x": tool.cpu / base.cpu, "mem_x": tool.peak_mb / base.peak_mb,
                })
    return rows


def growth(rows: list[dict[str, float | int | str]], shape: str) -> float | None:
    """(tool CPU per resource from the middle size to the largest) / (from the smallest to the middle)."""
    own = sorted((r for r in rows if r["shape"] == shape), key=lambda r: int(r["resources"]))
    if len(own) < 3:
        return None
    a, b, c = own[0], own[len(own) // 2], own[-1]
    first = (float(b["tool_cpu"]) - float(a["tool_cpu"])) / (int(b["resources"]) - int(a["resources"]))
    second = (float(c["tool_cpu"]) - float(b["tool_cpu"])) / (int(c["resources"]) - int(b["resources"]))
    return second / first if first > 0 else None


def report(rows: list[dict[str, float | int | str]]) -> str:
    lines = [
        (f"{'shape':<8} {'resources':>9} {'MB':>6} {'json.load s':>11} {'tool s':>7} {'time x':>6} "
        f"{'cpu x':>6} {'json MB':>8} {'tool MB':>8} {'mem x':>6}")
    ]
    for r in rows:
        lines.append(
            f"{r['shape']:<8} {int(r['resources']):>9,} {float(r['mb']):>6.1f} {float(r['json_s']):>11.3f} "
            f"{float(r['tool_s']):>7.3f} {float(r['time_x']):>6.2f} {float(r['cpu_x']):>6.2f} "
            f"{float(r['json_mb']):>8.1f} {float(r['tool_mb']):>8.1f} {float(r['mem_x']):>6.2f}"
        )
    for shape in dict.fromkeys(str(r["shape"]) for r in rows):
        g = growth(rows, shape)
        if g is not None:
            lines.append(f"{shape}: tool CPU per added resource, largest step vs the one before: {g:.2f}x (1.00 = linear)")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES))
    parser.add_argument("--repeat", type=int, default=5,
                        help=f"runs per side (at least {SMALL_RUNS} under 100,000 resources, at most 3 at 100,000)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = run(args.shapes, args.sizes, args.repeat)
    print(json.dumps(rows, indent=2) if args.json else report(rows), end="")


if __name__ == "__main__":
    main()
