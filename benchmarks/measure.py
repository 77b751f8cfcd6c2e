"""Run a command as its own process and measure what its user waits for: wall time, CPU time, peak memory.

The machine these run on is shared, so every figure is the median of several runs and every result is
reported as a ratio against a baseline measured in the same run. CPU time (user + system of the process)
is given beside wall time: on a loaded machine the wall time of both sides stretches, the CPU time much
less, so when the two ratios disagree the load distorted the wall-clock one.
"""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    cpu: float  # seconds, user + system
    peak_mb: float  # the process's peak resident set

    @staticmethod
    def median(runs: list[Run]) -> Run:
        return Run(
            statistics.median(r.wall for r in runs),
            statistics.median(r.cpu for r in runs),
            statistics.median(r.peak_mb for r in runs),
        )


#: Started from a small process of its own, because Linux counts the RSS of the process that spawns a
#: program (here: the benchmark, holding its generated plans) into the program's peak.
WRAPPER = r"""
import json, os, sys, time
out, err, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
actions = [(os.POSIX_SPAWN_OPEN, 1, out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
           (os.POSIX_SPAWN_OPEN, 2, err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)]
start = time.perf_counter()
pid = os.posix_spawnp(cmd[0], cmd, dict(os.environ), file_actions=actions)
_, status, usage = os.wait4(pid, 0)
print(json.dumps({"wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_kb": usage.ru_maxrss, "code": os.waitstatus_to_exitcode(status)}))
"""


def tool_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a user's run has: the package's bytecode compiled (pip does it on install), so a
    run does not compile the modules it imports; and no KMS_INFRACOST_ or TF_VAR_ setting of this shell."""
    import compileall

    import kms_infracost

    compileall.compile_dir(os.path.dirname(kms_infracost.__file__), quiet=1)
    env = dict(os.environ if base is None else base)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env = {k: v for k, v in env.items() if not k.startswith(("TF_VAR_", "KMS_INFRACOST_"))}
    # the pipeline is what is measured: a repeated identical run would otherwise replay its stored output
    # (kms_infracost/replay.py); the HCL benchmark turns replay on for its warm row
    env["KMS_INFRACOST_REPLAY"] = "0"
    return env


def run_once(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
             ok: tuple[int, ...] = (0, 1)) -> Run:
    """One run; the report goes to a file, as a user's run writes it; os.wait4 gives that process's usage."""
    import json
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kms-bench-out-") as tmp:
        out, err = os.path.join(tmp, "stdout"), os.path.join(tmp, "stderr")
        done = subprocess.run([sys.executable, "-c", WRAPPER, out, err, *cmd], cwd=cwd, env=env or tool_env(),
                              capture_output=True, text=True, check=True)
        figures = json.loads(done.stdout)
        if figures["code"] not in ok:
            with open(err, encoding="utf-8", errors="replace") as handle:
                detail = handle.read()[-2000:]
            raise SystemExit(f"{' '.join(cmd[:5])} ... failed ({figures['code']}):\n{detail}")
    return Run(figures["wall"], figures["cpu"], figures["peak_kb"] / 1024)


def measure(cmd: list[str], repeat: int, **kwargs: object) -> Run:
    return Run.median([run_once(cmd, **kwargs) for _ in range(repeat)])  # type: ignore[arg-type]
