"""The HCL source's speed, against parsing everything and against bare Python, measured in one run.

    python benchmarks/run_benchmark.py [--repo DIR] [--files 2000] [--repeat 5] [--json]

1. Generates the synthetic repository (benchmarks/generate_repo.py) unless --repo names one.
2. Parse-everything baseline: one Python process that parses every .tf file with python-hcl2 (`hcl2.load`).
3. The tool as a pre-commit hook would run it over every file (`kms-infracost check FILE…`, run from the
   repository root): cold (an empty parse cache, a fresh one each repetition) and warm (the cache the
   previous run wrote). The HCL source alone (`load_hcl` in a fresh process) is measured the same way, so
   the report shows what the source costs and what the rest of the pipeline adds.
4. A no-KMS hook run: `kms-infracost check` over the files of a commit that touches no KMS (ten files of
   stacks that neither declare KMS nor call a module that does) against `python -c pass`.

Every figure is the median of --repeat runs (the baseline: of min(2, --repeat)). Targets (issue 4): cold at
least 10x faster than the baseline, warm at least 50x, the no-KMS run within 3x of bare Python.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_repo import generate

PARSE_ALL = """
import sys, hcl2
for path in open(sys.argv[1], encoding="utf-8").read().split("\\n"):
    with open(path, encoding="utf-8") as handle:
        hcl2.load(handle)
"""

SOURCE_ONLY = """
import sys
from kms_infracost.sources.hcl import load_hcl
inventory = load_hcl(open(sys.argv[1], encoding="utf-8").read().split("\\n"))
print(len(inventory.resources))
"""


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[:4])} … failed ({proc.returncode}):\n{proc.stderr.decode()[-2000:]}")
    return elapsed, proc


def median_of(runs: int, make: Callable[[], float]) -> float:
    return float(statistics.median(make() for _ in range(runs)))


def no_kms_files(repo: Path, limit: int = 10) -> list[str]:
    """Files of stacks with no KMS of their own and no module call (a commit a KMS hook should shrug off)."""
    chosen: list[str] = []
    for stack in sorted((repo / "stacks").iterdir()):
        texts = {p: p.read_text(encoding="utf-8") for p in sorted(stack.glob("*.tf"))}
        if any("alicloud_kms" in t or 'module "' in t for t in texts.values()):
            continue
        for path in texts:
            chosen.append(str(path.relative_to(repo)))
            if len(chosen) >= limit:
                return chosen
    return chosen


def run(repo: Path, repeat: int) -> dict[str, float | int | str]:
    files = sorted(str(p.relative_to(repo)) for p in repo.rglob("*.tf"))
    listing = repo / ".bench-files"
    listing.write_text("\n".join(files), encoding="utf-8")
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_VAR_", "KMS_INFRACOST_"))}
    python = sys.executable
    tool = [python, "-m", "kms_infracost", "check", "--format", "json"]
    results: dict[str, float | int | str] = {"files": len(files)}

    baseline_runs = max(1, min(2, repeat))
    results["parse_all_hcl2_s"] = median_of(
        baseline_runs, lambda: timed([python, "-c", PARSE_ALL, str(listing)], repo, base_env)[0]
    )

    def cold(cmd: list[str]) -> float:
        with tempfile.TemporaryDirectory(prefix="kms-bench-cache-") as cache:
            return timed(cmd, repo, {**base_env, "KMS_INFRACOST_CACHE_DIR": cache})[0]

    with tempfile.TemporaryDirectory(prefix="kms-bench-warm-") as warm_cache:
        warm_env = {**base_env, "KMS_INFRACOST_CACHE_DIR": warm_cache}
        _, proc = timed(tool + files, repo, warm_env)  # fills the cache
        document = json.loads(proc.stdout)
        results["kms_resources"] = len(document["resources"])
        results["tool_cold_s"] = median_of(repeat, lambda: cold(tool + files))
        results["tool_warm_s"] = median_of(repeat, lambda: timed(tool + files, repo, warm_env)[0])
        source = [python, "-c", SOURCE_ONLY, str(listing)]
        results["source_cold_s"] = median_of(repeat, lambda: cold(source))
        timed(source, repo, warm_env)
        results["source_warm_s"] = median_of(repeat, lambda: timed(source, repo, warm_env)[0])

        hook_files = no_kms_files(repo)
        results["no_kms_files"] = len(hook_files)
        hook_runs = max(repeat, 10)
        results["python_pass_s"] = median_of(hook_runs, lambda: timed([python, "-c", "pass"], repo, base_env)[0])
        hook = [python, "-m", "kms_infracost", "check"]  # exactly what .pre-commit-hooks.yaml runs
        results["no_kms_hook_s"] = median_of(hook_runs, lambda: timed(hook + hook_files, repo, warm_env)[0])
        results["no_kms_source_s"] = median_of(
            hook_runs,
            lambda: timed([python, "-c", SOURCE_ONLY, str(_write(repo, hook_files))], repo, warm_env)[0],
        )

    base = float(results["parse_all_hcl2_s"])
    results["cold_speedup"] = base / float(results["tool_cold_s"])
    results["warm_speedup"] = base / float(results["tool_warm_s"])
    results["source_cold_speedup"] = base / float(results["source_cold_s"])
    results["source_warm_speedup"] = base / float(results["source_warm_s"])
    results["no_kms_ratio"] = float(results["no_kms_hook_s"]) / float(results["python_pass_s"])
    results["no_kms_source_ratio"] = float(results["no_kms_source_s"]) / float(results["python_pass_s"])
    listing.unlink()
    return results


def _write(repo: Path, files: list[str]) -> Path:
    path = repo / ".bench-hook-files"
    path.write_text("\n".join(files), encoding="utf-8")
    return path


def report(r: dict[str, float | int | str]) -> str:
    def ok(value: float, target: float, higher: bool = True) -> str:
        return "meets" if (value >= target if higher else value <= target) else "MISSES"

    lines = [
        f"synthetic repository: {r['files']} .tf files, {r['kms_resources']} KMS resources priced",
        f"parse every file with python-hcl2:   {float(r['parse_all_hcl2_s']):7.3f} s",
        "",
        "                         cold (s)  speed-up   warm (s)  speed-up",
        f"kms-infracost check      {float(r['tool_cold_s']):8.3f}  {float(r['cold_speedup']):7.1f}x  "
        f"{float(r['tool_warm_s']):8.3f}  {float(r['warm_speedup']):7.1f}x",
        f"HCL source alone         {float(r['source_cold_s']):8.3f}  {float(r['source_cold_speedup']):7.1f}x  "
        f"{float(r['source_warm_s']):8.3f}  {float(r['source_warm_speedup']):7.1f}x",
        "",
        f"no-KMS hook run ({r['no_kms_files']} files):  {float(r['no_kms_hook_s']):.3f} s = "
        f"{float(r['no_kms_ratio']):.2f}x `python -c pass` ({float(r['python_pass_s']):.3f} s); "
        f"HCL source alone {float(r['no_kms_source_ratio']):.2f}x",
        "",
        f"targets: cold >= 10x: {ok(float(r['cold_speedup']), 10)}; warm >= 50x: {ok(float(r['warm_speedup']), 50)}; "
        f"no-KMS <= 3x: {ok(float(r['no_kms_ratio']), 3, higher=False)}",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, help="an existing repository (default: generate one)")
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.repo:
        results = run(args.repo.resolve(), args.repeat)
    else:
        with tempfile.TemporaryDirectory(prefix="kms-bench-repo-") as tmp:
            repo = Path(tmp) / "repo"
            generate(repo, files=args.files)
            results = run(repo, args.repeat)
    print(json.dumps(results, indent=2) if args.json else report(results), end="")


if __name__ == "__main__":
    main()
