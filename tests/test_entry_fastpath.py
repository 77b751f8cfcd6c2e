"""The hook's fast path: a commit with no KMS is answered from a text scan, without importing the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import NO_NETWORK

VPC = 'resource "alicloud_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n'
KEY = 'resource "alicloud_kms_key" "k" {\n  protection_level = "HSM"\n}\nprovider "alicloud" {\n  region = "cn-hangzhou"\n}\n'


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # an exit handler, not a `finally`: main() ends the process with os._exit after running the handlers
    probe = (
        "import atexit, sys; sys.argv = ['kms-infracost', *sys.argv[1:]]\n"
        "atexit.register(lambda: print('click imported' if 'click' in sys.modules else 'click not imported', file=sys.stderr))\n"
        "from kms_infracost.entry import main; main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", probe, *args], cwd=cwd, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": NO_NETWORK},
    )


def test_no_kms_files_are_answered_without_the_cli(tmp_path: Path) -> None:
    (tmp_path / "net").mkdir()
    (tmp_path / "net" / "main.tf").write_text(VPC)
    (tmp_path / "net" / "vars.tf").write_text('variable "x" {}\n')
    result = run(tmp_path, "check", "net/main.tf", "net/vars.tf")
    assert (result.returncode, result.stdout) == (0, "No KMS resources found in 2 path(s): nothing to price.\n")
    assert result.stderr == "click not imported\n"


def test_a_kms_key_elsewhere_in_the_same_root_is_still_priced(tmp_path: Path) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "network.tf").write_text(VPC)
    (tmp_path / "infra" / "kms.tf").write_text(KEY)
    result = run(tmp_path, "check", "infra/network.tf", "--max-per-key", "0.5")
    assert result.returncode == 1
    assert "alicloud_kms_key.k costs 0.99 USD a month" in result.stdout
    assert result.stderr.endswith("click imported\n")


def test_a_module_call_is_never_fast_pathed(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('module "keys" {\n  source = "./keys"\n}\n')
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "main.tf").write_text(KEY.split("provider")[0])
    result = run(tmp_path, "check", "main.tf")
    assert "module.keys.alicloud_kms_key.k" in result.stdout
    assert result.stderr.endswith("click imported\n")


def test_the_process_ends_without_teardown_yet_keeps_codes_output_and_the_parse_cache(tmp_path: Path) -> None:
    """main() leaves through os._exit after the exit handlers: the exit code, every byte of output and
    the parse cache (written by an exit handler) are what an ordinary exit gives."""
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "kms.tf").write_text(KEY)
    cache = tmp_path / "cache"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kms_infracost", *args], cwd=tmp_path, capture_output=True, text=True,
            check=False, env={**os.environ, "PYTHONPATH": NO_NETWORK, "KMS_INFRACOST_CACHE_DIR": str(cache),
                              "KMS_INFRACOST_REPLAY": "0"},
        )

    failing = cli("check", "infra", "--max-per-key", "0.5", "--format", "json")
    assert failing.returncode == 1
    assert failing.stdout.rstrip().endswith("}")  # the whole JSON report, flushed before the exit
    assert len(failing.stdout) > 1000
    assert len(list((cache / "parse").glob("index-*.json"))) == 1
    passing = cli("check", "infra", "--format", "json")
    assert passing.returncode == 0
    bad = cli("check", "infra", "--max-per-key", "lots")
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert "Traceback" not in bad.stderr


def test_a_closed_stdout_ends_as_before_without_a_traceback(tmp_path: Path) -> None:
    """Started with stdout closed (`>&-`), Python has no sys.stdout: the run says so in one line and exits 2,
    and leaving the process does not trip over the missing stream."""
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "kms.tf").write_text(KEY)
    done = subprocess.run(
        [sys.executable, "-m", "kms_infracost", "check", "infra"], cwd=tmp_path, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, check=False,
        env={**os.environ, "PYTHONPATH": NO_NETWORK}, preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
