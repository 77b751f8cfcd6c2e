"""The HCL source's speed, against parsing everything and against bare Python, measured in one run.

    python benchmarks/run_benchmark.py [--repo DIR] [--files 2000] [--repeat 5] [--json]

1. Generates the synthetic repository (benchmarks/generate_repo.py, every stack holding a KMS file) unless
   --repo names one.
2. Parse-everything baseline: one Python process that parses every .tf file with python-hcl2 (`hcl2.load`).
3. The tool as a pre-commit hook would run it over every file (`kms-infracost check FILE…`, run from the
   repository root): cold (empty caches, fresh ones each repetition) and warm (the caches the previous run
   wrote: the identical re-run replays its stored output, kms_infracost/replay.py); and warm with the parse
   cache only (KMS_INFRACOST_REPLAY=0: the whole pipeline runs, nothing is parsed). The HCL source alone (`load_hcl` in a fresh process) is measured the same way, so
   the report shows what the source costs and what the rest of the pipeline adds.
4. A no-KMS hook run: `kms-infracost check` over the files of a commit that touches no KMS (forty files of
   stacks that neither declare KMS nor call a module that does) against `python -c pass`.

Measuring starts once every file of the repository is older than replay's RACY_SECONDS (a file changed
that recently is also compared by content, as only the file just edited is in a user's repository).
Every figure is the median of --repeat runs, baseline and tool alternating; wall and CPU time are both
kept (benchmarks/measure.py: on a loaded machine the CPU ratio is the steadier one). Goals (issue 15):
cold at least 25x faster than the baseline, warm at least 100x, the no-KMS run within 2x of bare Python.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_repo import generate
from measure import Run, run_once, tool_env

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


def no_kms_files(repo: Path, limit: int = 40) -> list[str]:
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


def _listing(repo: Path, name: str, files: list[str]) -> Path:
    path = repo.parent / name
    path.write_text("\n".join(files), encoding="utf-8")
    return path


def alternate(repeat: int, cwd: Path, **commands: tuple[list[str], dict[str, str], bool]) -> dict[str, Run]:
    """Medians of `repeat` runs of each command, taken in turn so a change of load hits every one.

    Each command: (argv, environment, cold) - a cold one gets an empty parse cache every run."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, (cmd, env, cold) in commands.items():
            if cold:
                with tempfile.TemporaryDirectory(prefix="kms-bench-cache-") as cache:
                    runs[name].append(run_once(cmd, cwd=cwd, env={**env, "KMS_INFRACOST_CACHE_DIR": cache}))
            else:
                runs[name].append(run_once(cmd, cwd=cwd, env=env))
    return {name: Run.median(items) for name, items in runs.items()}


def _settle(repo: Path) -> None:
    """Wait until every file of the repository is older than replay's RACY_SECONDS. A file changed that
    recently is compared by content as well when a run is recorded and replayed (the clock's granularity
    could hide a second change); in a user's repository that is the file just edited, not all 2,000 of a
    repository generated a moment ago, whose hashing would then be what the cold and warm rows measure."""
    import time

    from kms_infracost.replay import RACY_SECONDS

    newest = max(max(p.stat().st_mtime, p.stat().st_ctime) for p in repo.rglob("*") if p.is_file())
    time.sleep(max(0.0, newest + RACY_SECONDS + 0.5 - time.time()))


def run(repo: Path, quiet_repo: Path, repeat: int) -> dict[str, float | int | str]:
    files = sorted(str(p.relative_to(repo)) for p in repo.rglob("*.tf"))
    listing = _listing(repo, ".bench-files", files)
    base_env = tool_env()
    python = sys.executable
    tool = [python, "-m", "kms_infracost", "check", "--format", "json", *files]
    source = [python, "-c", SOURCE_ONLY, str(listing)]
    results: dict[str, float | int | str] = {"files": len(files)}
    _settle(repo)
    with tempfile.TemporaryDirectory(prefix="kms-bench-warm-") as warm_cache:
        parse_warm_env = {**base_env, "KMS_INFRACOST_CACHE_DIR": warm_cache}  # replay off (tool_env)
        warm_env = {k: v for k, v in parse_warm_env.items() if k != "KMS_INFRACOST_REPLAY"}
        proc = subprocess.run(tool, cwd=repo, env=warm_env, capture_output=True, check=False)  # fills both caches
        results["kms_resources"] = len(json.loads(proc.stdout)["resources"])
        subprocess.run(source, cwd=repo, env=warm_env, capture_output=True, check=True)
        cold_env = {k: v for k, v in base_env.items() if k != "KMS_INFRACOST_REPLAY"}  # both caches empty
        measured = alternate(
            repeat,
            repo,
            parse_all=([python, "-c", PARSE_ALL, str(listing)], base_env, False),
            tool_cold=(tool, cold_env, True),
            tool_warm=(tool, warm_env, False),
            tool_parsewarm=(tool, parse_warm_env, False),
            source_cold=(source, base_env, True),
            source_warm=(source, warm_env, False),
        )
    hook_files = no_kms_files(quiet_repo)
    results["no_kms_files"] = len(hook_files)
    with tempfile.TemporaryDirectory(prefix="kms-bench-hook-") as hook_cache:
        hook_env = {**base_env, "KMS_INFRACOST_CACHE_DIR": hook_cache}
        measured.update(alternate(
            max(repeat, 10),
            quiet_repo,
            python_pass=([python, "-c", "pass"], base_env, False),
            no_kms_hook=([python, "-m", "kms_infracost", "check", *hook_files], hook_env, False),  # what the hook runs
        ))
    for name, figures in measured.items():
        results[f"{name}_s"] = figures.wall
        results[f"{name}_cpu"] = figures.cpu
    for kind, key in (("s", "wall"), ("cpu", "cpu")):
        base = float(results[f"parse_all_{kind}"])
        for name in ("tool_cold", "tool_warm", "tool_parsewarm", "source_cold", "source_warm"):
            results[f"{name}_speedup_{key}"] = base / float(results[f"{name}_{kind}"])
        results[f"no_kms_ratio_{key}"] = float(results[f"no_kms_hook_{kind}"]) / float(results[f"python_pass_{kind}"])
    listing.unlink()
    return results


def report(r: dict[str, float | int | str]) -> str:
    def ok(value: float, target: float, higher: bool = True) -> str:
        return "meets" if (value >= target if higher else value <= target) else "MISSES"

    def f(key: str) -> float:
        return float(r[key])

    lines = [
        f"synthetic repository: {r['files']} .tf files, {r['kms_resources']} KMS resources priced",
        f"parse every file with python-hcl2:   {f('parse_all_s'):7.3f} s wall, {f('parse_all_cpu'):7.3f} s CPU",
        "",
        "                     cold s   cold x  (CPU x)   warm s   warm x  (CPU x)",
    ]
    for label, name in (("kms-infracost check", "tool"), ("HCL source alone", "source")):
        lines.append(
            f"{label:<20} {f(name + '_cold_s'):7.3f} {f(name + '_cold_speedup_wall'):7.1f}x {f(name + '_cold_speedup_cpu'):7.1f}x "
            f"{f(name + '_warm_s'):8.3f} {f(name + '_warm_speedup_wall'):7.1f}x {f(name + '_warm_speedup_cpu'):7.1f}x"
        )
    lines.append(
        f"{'check, parse cache only (KMS_INFRACOST_REPLAY=0)':<52}"
        f"{f('tool_parsewarm_s'):8.3f} {f('tool_parsewarm_speedup_wall'):7.1f}x {f('tool_parsewarm_speedup_cpu'):7.1f}x"
    )
    lines += [
        "",
        (f"no-KMS hook run ({r['no_kms_files']} files): {f('no_kms_hook_s'):.3f} s = {f('no_kms_ratio_wall'):.2f}x "
        f"`python -c pass` ({f('python_pass_s'):.3f} s); CPU {f('no_kms_ratio_cpu'):.2f}x"),
        "",
        (f"goals: cold >= 25x: {ok(f('tool_cold_speedup_wall'), 25)}; warm >= 100x: {ok(f('tool_warm_speedup_wall'), 100)}; "
        f"no-KMS <= 2x: {ok(f('no_kms_ratio_wall'), 2, higher=False)}"),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, help="an existing repository (default: generate one)")
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kms-bench-repo-") as tmp:
        repo = args.repo.resolve() if args.repo else Path(tmp) / "repo"
        if not args.repo:
            generate(repo, files=args.files, every_stack=True)
        quiet = Path(tmp) / "quiet"  # the usual repository, where most stacks have no KMS
        generate(quiet, files=args.files)
        results = run(repo, quiet, args.repeat)
    print(json.dumps(results, indent=2) if args.json else report(results), end="")


if __name__ == "__main__":
    main()
