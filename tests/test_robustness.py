"""No network, no lost data, no traceback: interrupts, failing writes, sockets disabled."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import NO_NETWORK, REPO, plan, run_subprocess


def test_the_tool_process_cannot_open_sockets_and_still_works() -> None:
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9))"],
        env={**os.environ, "PYTHONPATH": NO_NETWORK}, capture_output=True, text=True, check=False,
    )
    assert "network access is disabled" in probe.stderr
    result = run_subprocess("check", plan("kms_instance_payg_hardware"), "--format", "json")
    assert result.code == 0 and result.json()["total_monthly_cost"] == Decimal("273.48")


def _big_plan(tmp_path: Path, resources: int) -> Path:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from plan_scale import make_plan  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    path = tmp_path / "big.json"
    make_plan(resources, path)
    return path


def _wait_until_reading(proc: subprocess.Popen[str], path: Path) -> None:
    """Until the process has the file open (Linux /proc), or a second where /proc cannot tell: a fixed
    sleep under load could signal it before its handlers were set, a flaky failure."""
    fds = Path(f"/proc/{proc.pid}/fd")
    if not fds.is_dir():
        time.sleep(1.0)
        return
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if any(os.readlink(fd) == str(path) for fd in fds.iterdir()):
                return
        except OSError:
            pass
        time.sleep(0.005)


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 130)])
def test_an_interrupted_run_exits_cleanly_and_leaves_the_old_report(tmp_path: Path, sig: int, code: int) -> None:
    big = _big_plan(tmp_path, 60_000)
    out = tmp_path / "report.json"
    out.write_text("previous report\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kms_infracost", "check", str(big), "--format", "json", "--out-file", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": NO_NETWORK},
    )
    _wait_until_reading(proc, big)  # past start-up (the handlers are set), inside the plan load
    proc.send_signal(sig)
    _stdout, stderr = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the run finished before the signal arrived on this machine")
    assert proc.returncode == code
    assert stderr.strip().splitlines()[-1] == "kms-infracost: interrupted"
    assert "Traceback" not in stderr
    assert out.read_text() == "previous report\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report.json.")] == []


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))


def test_a_failing_write_is_a_clear_error_and_the_old_file_survives(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("previous report\n")
    proc = subprocess.run(
        [sys.executable, "-m", "kms_infracost", "check", plan("module_twice_providers"), "--format", "json", "--out-file", str(out)],
        capture_output=True, text=True, preexec_fn=_limit_file_size, check=False,
        env={**os.environ, "PYTHONPATH": NO_NETWORK},
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == f"kms-infracost: error: {out}: cannot write: File too large"
    assert out.read_text() == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_out_file_in_a_missing_folder(tmp_path: Path) -> None:
    result = run_subprocess("check", plan("alias"), "--format", "json", "--out-file", str(tmp_path / "nope" / "r.json"))
    assert result.code == 2
    assert result.stderr == f"kms-infracost: error: {tmp_path / 'nope' / 'r.json'}: cannot write: its folder does not exist\n"
