"""The whole-run result cache (kms_infracost/replay.py): an identical re-run replays, any change re-runs.

Every run here is the real command as its own process (entry point, audit hook, descriptor capture); the
ground truth for "re-ran" is the same command with KMS_INFRACOST_REPLAY=0 after the change.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kms_infracost import replay
from tests.conftest import REPO, run_subprocess

KEY = """provider "alicloud" {
  region = "cn-hangzhou"
}

resource "alicloud_kms_key" "k" {
  count            = 1
  protection_level = var.level
}

variable "level" {
  default = "HSM"
}
"""


def _repo(tmp_path: Path) -> Path:
    (tmp_path / "live").mkdir()
    (tmp_path / "live" / "main.tf").write_text(KEY)
    return tmp_path


def _entries() -> list[Path]:
    folder = Path(os.environ["KMS_INFRACOST_CACHE_DIR"]) / "replay"
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


def _total(stdout: str) -> float:
    return float(json.loads(stdout)["total_monthly_cost"])


def _check(repo: Path, *extra: str, env: dict[str, str] | None = None, form: str = "json") -> tuple[int, str, str]:
    result = run_subprocess("check", "live", "--format", form, *extra, cwd=str(repo), env=env)
    return result.code, result.stdout, result.stderr


def test_an_identical_rerun_replays_the_stored_output_byte_for_byte(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    first = _check(repo)
    assert first[0] == 0 and _total(first[1]) == 0.99
    (entry,) = _entries()
    assert _check(repo) == first
    # the second run came from the entry: a marked entry is what the third run prints
    head, _, body = entry.read_bytes().partition(b"\n")
    stored = json.loads(head)
    marked = b'{"replayed": true}\n'
    stored["out"] = len(marked)
    entry.write_bytes(json.dumps(stored).encode() + b"\n" + marked + body[len(first[1].encode()):])
    code, out, err = _check(repo)
    assert (code, out, err) == (0, marked.decode(), first[2])


def test_a_failing_check_replays_its_exit_code_and_findings(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    first = _check(repo, "--max-per-key", "0.5")
    assert first[0] == 1 and "monthly_per_key" in first[1]
    assert len(_entries()) == 1
    assert _check(repo, "--max-per-key", "0.5") == first
    other = _check(repo, "--max-per-key", "2")  # another command line is another entry
    assert other[0] == 0 and len(_entries()) == 2


def _same_size_edit(repo: Path) -> None:
    path = repo / "live" / "main.tf"
    before = path.stat()
    path.write_text(KEY.replace("count            = 1", "count            = 3"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # size and mtime as before: ctime tells


def _new_file(repo: Path) -> None:
    (repo / "live" / "more.tf").write_text('resource "alicloud_kms_key" "more" {\n  protection_level = "HSM"\n}\n')


def _config_in_project(repo: Path) -> None:
    (repo / "live" / ".kms-infracost.toml").write_text("[thresholds]\nmonthly_per_key = 0.5\n")


def _config_at_root(repo: Path) -> None:
    (repo / ".kms-infracost.toml").write_text("[thresholds]\nmonthly_per_key = 0.5\n")


def _usage_file(repo: Path) -> None:
    (repo / "live" / "kms-infracost-usage.yml").write_text(
        "version: 0.1\nresource_usage:\n  alicloud_kms_key.k[0]:\n    monthly_api_calls: 1000000\n"
    )


def _variable_file(repo: Path) -> None:
    (repo / "live" / "terraform.tfvars").write_text('level = "SOFTWARE"\n')


def _module(repo: Path) -> None:
    (repo / "modules" / "kms").mkdir(parents=True)
    (repo / "modules" / "kms" / "main.tf").write_text('resource "alicloud_kms_key" "m" {\n  protection_level = "HSM"\n}\n')
    (repo / "live" / "mod.tf").write_text('module "kms" {\n  source = "../modules/kms"\n}\n')


CHANGES: dict[str, Callable[[Path], None]] = {
    "same-size edit, mtime put back": _same_size_edit,
    "a new .tf file": _new_file,
    "a config file in the project": _config_in_project,
    "a config file at the repository root": _config_at_root,
    "the project's usage file appears": _usage_file,
    "terraform.tfvars appears": _variable_file,
    "a module call and its module": _module,
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_any_change_to_what_the_run_read_runs_it_again(change: str, tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    first = _check(repo)
    assert _check(repo) == first  # stored and replayed
    CHANGES[change](repo)
    after = _check(repo)
    truth = _check(repo, env={"KMS_INFRACOST_REPLAY": "0"})
    assert after == truth
    assert after != first


def test_a_changed_root_variable_in_the_environment_runs_it_again(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    first = _check(repo)
    second = _check(repo, env={"TF_VAR_level": "SOFTWARE"})
    assert _total(first[1]) == 0.99 and _total(second[1]) == 0.06
    assert len(_entries()) == 2


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--no-cache",), {}),
        (("--out-file", "report.json"), {}),
        ((), {"KMS_INFRACOST_REPLAY": "0"}),
        (("--format", "table"), {}),
    ],
    ids=["--no-cache", "--out-file", "KMS_INFRACOST_REPLAY=0", "infracost-json holds the time"],
)
def test_runs_that_must_not_be_replayed_are_not_stored(tmp_path: Path, args: tuple[str, ...], env: dict[str, str]) -> None:
    repo = _repo(tmp_path)
    if args == ("--format", "table"):  # infracost-json holds the time of the run
        assert _check(repo, env=env, form="infracost-json")[0] == 0
    else:
        assert _check(repo, *args, env=env)[0] == 0
    assert _entries() == []


def test_infracost_json_with_a_fixed_time_is_replayed(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    first = _check(repo, env=env, form="infracost-json")
    assert len(_entries()) == 1 and _check(repo, env=env, form="infracost-json") == first


def test_a_bad_input_is_not_stored(tmp_path: Path) -> None:
    (tmp_path / "live").mkdir()
    (tmp_path / "live" / "main.tf").write_text('resource "alicloud_kms_key" "k" {\n  protection_level = \n}\n')
    code, out, err = _check(tmp_path)
    assert code == 2 and out == "" and "main.tf" in err
    assert _entries() == []


def test_output_to_a_terminal_is_neither_replayed_nor_stored(tmp_path: Path) -> None:
    import pty

    repo = _repo(tmp_path)
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "kms_infracost", "check", "live"], cwd=repo, stdout=follower, stderr=follower,
            env={**os.environ, "PYTHONPATH": str(REPO)}, check=False, timeout=120,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert proc.returncode == 0
    assert _entries() == []


def test_stdout_and_stderr_in_one_stream_keep_their_order(tmp_path: Path) -> None:
    repo = _repo(tmp_path)

    def combined(extra_env: dict[str, str]) -> bytes:
        proc = subprocess.run(
            [sys.executable, "-m", "kms_infracost", "check", "live", "--max-per-key", "0.5", "--format", "json"], cwd=repo,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, **extra_env}, check=False,
        )
        assert proc.returncode == 1
        return proc.stdout

    truth = combined({"KMS_INFRACOST_REPLAY": "0"})
    assert b"warning KI501" in truth and b"per-key limit" in truth
    assert combined({}) == truth  # recorded
    assert len(_entries()) == 1
    assert combined({}) == truth  # replayed


RECORD = """
import os, subprocess, sys
from kms_infracost import replay
def run():
    print("hello")
    if sys.argv[1] == "spawn":
        subprocess.run(["true"], check=True)
replay.record("k" * 40, os.environ, run)
"""


@pytest.mark.parametrize(("how", "stored"), [("plain", True), ("spawn", False)])
def test_a_run_that_starts_a_process_is_not_stored(how: str, stored: bool) -> None:
    proc = subprocess.run([sys.executable, "-c", RECORD, how], capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert (proc.returncode, proc.stdout) == (0, "hello\n")
    assert [p.name for p in _entries()] == (["k" * 40] if stored else [])


def test_a_file_changed_just_before_the_run_is_compared_by_content(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    path.write_text("count = 1\n")
    then = replay._look(str(path), "stat", True, time.time())
    assert then[0] == "f" and len(then) == 7  # recent: its digest is kept
    assert replay._unchanged(str(path), "stat", True, then)
    assert not replay._unchanged(str(path), "stat", True, [*then[:-1], "0" * 32])  # same stat, other content
    # a run that began long after the change trusts the stat alone
    assert replay._look(str(path), "stat", True, time.time() + 3600) == then[:-1]


def test_the_cache_keeps_the_newest_entries(tmp_path: Path) -> None:
    for i in range(replay.KEEP + 5):
        entry = tmp_path / f"{i:040d}"
        entry.write_text("x")
        os.utime(entry, ns=(i * 10**9, i * 10**9))
    replay._prune(str(tmp_path))
    kept = sorted(int(p.name) for p in tmp_path.iterdir())
    assert kept == list(range(5, replay.KEEP + 5))


@pytest.mark.skipif(sys.platform != "linux", reason="a file name that is not UTF-8 needs a Linux file system")
def test_a_folder_named_in_bytes_that_are_not_utf8_is_stored_and_replayed(tmp_path: Path) -> None:
    # msgspec, which writes the entry, refuses the surrogate escapes such a name decodes to: json writes it
    repo = _repo(tmp_path)
    odd = os.path.join(os.fsencode(repo / "live"), b"caf\xe9.tf")
    with open(odd, "wb") as handle:
        handle.write(b'variable "spare" {\n  default = 1\n}\n')
    first = _check(repo)
    assert first[0] == 0 and _total(first[1]) == 0.99
    (entry,) = _entries()
    head = json.loads(entry.read_bytes().partition(b"\n")[0])
    assert os.fsdecode(odd) in [path for path, *_ in head["deps"]]
    assert _check(repo) == first
    os.unlink(odd)  # and a change to that folder still runs it again
    assert _check(repo) == _check(repo, env={"KMS_INFRACOST_REPLAY": "0"})


def test_the_file_reader_tells_the_recorder_how_each_open_went(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader's own opens are noted by what it tells the recorder (the stat it took, or that the open
    failed); the audit hook leaves that `open` event alone, and notes every other."""
    from kms_infracost import runmemo
    from kms_infracost.sources.hcl import scan

    (tmp_path / "main.tf").write_text("locals {}\n")
    monkeypatch.chdir(tmp_path)
    recorder = replay._Recorder([])
    monkeypatch.setattr(runmemo, "file_observer", recorder.read)
    with runmemo.scope():
        scan.read_source("main.tf")
        with pytest.raises(Exception, match="no such file"):
            scan.read_source("gone.tf")
        assert runmemo.reading is None  # the reader puts it back after each of its opens, failed or not
        own = "being-read.tf"
        monkeypatch.setattr(runmemo, "reading", own)
        recorder.audit("open", (own, None, os.O_RDONLY))  # while the reader opens it: left to the reader
        recorder.audit("open", ("other.txt", None, os.O_RDONLY))  # anything else: noted, stat'ed when stored
    seen = {path: look for (path, kind, _), look in recorder.paths.items() if kind == "stat"}
    assert seen == {
        str(tmp_path / "main.tf"): replay._fields((tmp_path / "main.tf").stat()),
        str(tmp_path / "gone.tf"): False,
        str(tmp_path / "other.txt"): None,
    }
