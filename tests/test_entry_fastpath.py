"""The hook's fast path: a commit with no KMS is answered from a text scan, without importing the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_the_no_kms_path_imports_little_beyond_the_interpreter(tmp_path: Path) -> None:
    """typing (which brings re and enum) would be a fifth of a no-KMS hook run: only what runs is imported."""
    (tmp_path / "main.tf").write_text(VPC)
    probe = (
        "import atexit, json, sys; sys.argv = ['kms-infracost', *sys.argv[1:]]; before = set(sys.modules)\n"
        "atexit.register(lambda: print(json.dumps(sorted(m for m in set(sys.modules) - before"
        " if not m.startswith('kms_infracost'))), file=sys.stderr))\n"
        "from kms_infracost.entry import main; main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, "check", "main.tf"], cwd=tmp_path, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": NO_NETWORK},
    )
    assert result.stdout == "No KMS resources found in 1 path(s): nothing to price.\n"
    imported = set(json.loads(result.stderr))
    assert imported <= {"gc", "atexit"}, imported


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
    assert "module.keys.alicloud_kms_key.k" in result.stdout  # priced: the text scan did not answer
    assert result.stderr.endswith("click not imported\n")  # a plain `check FILE` is read without click


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


def test_plain_commands_are_read_without_click_into_the_options_click_would_give(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """entry._simple takes `check`/`breakdown` with names and one --format; what it builds is what click
    builds from the same words, and every other form is left to click."""
    from click.testing import CliRunner

    from kms_infracost import entry, run
    from kms_infracost.cli import cli

    seen: list[tuple[run.RunOptions, str]] = []
    monkeypatch.setattr(run, "run", lambda options, mode: seen.append((options, mode)) or 0)
    plain = [
        ["check", "a.tf", "b/"],
        ["breakdown", "plan.json", "--format", "json"],
        ["check", "--format=sarif", "x.tf"],
        ["check"],
        ["breakdown", "--format", "infracost-json"],
    ]
    for args in plain:
        simple = entry._simple(args)
        assert simple is not None, args
        with pytest.raises(SystemExit) as ended:
            entry._run_simple(*simple)
        assert ended.value.code == 0
        assert CliRunner().invoke(cli, args).exit_code == 0
        assert seen[-2] == seen[-1], args  # the same RunOptions and mode both ways
    for args in (
        ["check", "-"], ["check", "--", "a.tf"], ["check", "a.tf", "--format", "json", "--format", "table"],
        ["check", "--format", "yaml", "a.tf"], ["check", "--format"], ["check", "-v", "a.tf"], ["diff", "a.tf"],
        ["check", "--help"], ["pricing"], [],
    ):
        assert entry._simple(args) is None, args


def test_errors_on_the_plain_path_read_as_the_cli_writes_them(tmp_path: Path) -> None:
    (tmp_path / "bad.tf").write_text('resource "alicloud_kms_key" "k" {\n  key_spec = \n}\n')
    plain = run(tmp_path, "check", "bad.tf")
    assert plain.stderr.endswith("click not imported\n")
    through_click = run(tmp_path, "check", "bad.tf", "--soft-fail")  # any other option: the click path
    assert through_click.stderr.endswith("click imported\n")
    assert plain.returncode == through_click.returncode == 2
    first_line = plain.stderr.splitlines()[0]
    assert first_line.startswith("kms-infracost: error: bad.tf:2: ")
    assert first_line == through_click.stderr.splitlines()[0]
    missing = run(tmp_path, "check", "nothing-here.tf")
    assert (missing.returncode, missing.stderr.splitlines()[0]) == (
        2, "kms-infracost: error: nothing-here.tf: no such file or directory"
    )
