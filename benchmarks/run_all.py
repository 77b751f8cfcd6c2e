"""Every row of issue 15's table in one command, each against its baseline measured in the same run.

    python benchmarks/run_all.py [--repeat 3] [--sizes 1000 10000 100000] [--files 2000] [--json]

Plan mode (benchmarks/plan_scale.py): the whole `kms-infracost breakdown PLAN --format json` process against a
`python -c "json.load(...)"` process, on three plan shapes at each size. HCL mode (benchmarks/run_benchmark.py):
the hook over a 2,000-file repository where every stack holds a KMS file, cold and warm, against python-hcl2
parsing every file; and the hook over 40 files without KMS against `python -c pass`. Ratios are what to read:
the machine may be shared, and both sides of a ratio run alternately under the same load; CPU-time ratios are
printed beside wall-time ones because they are the steadier of the two when the load is high.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import plan_scale
import run_benchmark
from generate_repo import generate


def table(plans: list[dict[str, float | int | str]], hcl: dict[str, float | int | str]) -> str:
    def mark(ok: bool) -> str:
        return "meets" if ok else "MISSES"

    largest = max(int(r["resources"]) for r in plans)
    big = [r for r in plans if int(r["resources"]) == largest]
    worst_time = max(big, key=lambda r: float(r["time_x"]))
    worst_mem = max(big, key=lambda r: float(r["mem_x"]))
    rows = [
        ("what", "wall", "CPU", "goal", ""),
        (
            f"{largest:,}-resource plan, time vs json.load (worst of {len(big)} shapes: {worst_time['shape']})",
            f"{float(worst_time['time_x']):.2f}x", f"{float(worst_time['cpu_x']):.2f}x", "<= 0.5x",
            mark(float(worst_time["time_x"]) <= 0.5),
        ),
        (
            f"same plans, peak memory vs json.load (worst: {worst_mem['shape']})",
            f"{float(worst_mem['mem_x']):.2f}x", "", "<= 0.5x", mark(float(worst_mem["mem_x"]) <= 0.5),
        ),
        (
            f"{hcl['files']}-file repo, cold vs python-hcl2 parsing every file",
            f"{float(hcl['tool_cold_speedup_wall']):.1f}x", f"{float(hcl['tool_cold_speedup_cpu']):.1f}x", ">= 25x",
            mark(float(hcl["tool_cold_speedup_wall"]) >= 25),
        ),
        (
            "same repo, warm (identical re-run: replayed)",
            f"{float(hcl['tool_warm_speedup_wall']):.1f}x", f"{float(hcl['tool_warm_speedup_cpu']):.1f}x", ">= 100x",
            mark(float(hcl["tool_warm_speedup_wall"]) >= 100),
        ),
        (
            "same repo, warm parse cache only (KMS_INFRACOST_REPLAY=0)",
            f"{float(hcl['tool_parsewarm_speedup_wall']):.1f}x", f"{float(hcl['tool_parsewarm_speedup_cpu']):.1f}x",
            "", "(for reference)",
        ),
        (
            f"hook over {hcl['no_kms_files']} files without KMS vs `python -c pass`",
            f"{float(hcl['no_kms_ratio_wall']):.2f}x", f"{float(hcl['no_kms_ratio_cpu']):.2f}x", "<= 2x",
            mark(float(hcl["no_kms_ratio_wall"]) <= 2),
        ),
    ]
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{a:<{width}}  {b:>8}  {c:>8}  {d:>8}  {e}" for a, b, c, d, e in rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--shapes", nargs="+", choices=plan_scale.SHAPES, default=list(plan_scale.SHAPES))
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    plans = plan_scale.run(args.shapes, args.sizes, args.repeat)
    with tempfile.TemporaryDirectory(prefix="kms-bench-repo-") as tmp:
        repo, quiet = Path(tmp) / "repo", Path(tmp) / "quiet"
        generate(repo, files=args.files, every_stack=True)
        generate(quiet, files=args.files)
        hcl = run_benchmark.run(repo, quiet, args.repeat)
    if args.json:
        print(json.dumps({"plans": plans, "hcl": hcl}, indent=2))
        return
    print(plan_scale.report(plans))
    print(run_benchmark.report(hcl))
    print(table(plans, hcl), end="")


if __name__ == "__main__":
    main()
