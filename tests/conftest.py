from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
PLANS = REPO / "fixtures" / "plans"
USAGE = REPO / "fixtures" / "usage"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No region from the developer's shell, no config found above the test's working directory."""
    for var in ("ALIBABA_CLOUD_REGION", "ALICLOUD_REGION"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("KMS_INFRACOST_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


def plan(case: str) -> str:
    path = PLANS / case / "plan.json"
    if not path.exists():
        pytest.fail(f"fixture {path} is missing: run python tests/tfstub/regenerate.py {case}")
    return str(path)


class Result:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr

    def json(self) -> Any:
        return json.loads(self.stdout, parse_float=Decimal)


class _Flushing:
    """The command, with stdout and stderr flushed when it ends, as a real process does on exit.

    click 8.1's runner reads its capture buffers without flushing them, so a plain print(file=sys.stderr) would
    be lost there; 8.2 flushes itself.
    """

    def __init__(self, command: Any) -> None:
        self.command = command
        self.name = command.name

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self.command.main(*args, **kwargs)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()


def invoke_cli(args: list[str], env: dict[str, str] | None = None, catch_exceptions: bool = False) -> Any:
    """click's runner result for the CLI, stdout and stderr kept apart on every click we allow."""
    from kms_infracost.cli import cli

    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click 8.1 (the lowest we allow)
    except TypeError:
        runner = CliRunner()  # click 8.2 and newer keep the two apart and dropped the argument
    return runner.invoke(_Flushing(cli), args, env=env, catch_exceptions=catch_exceptions)  # type: ignore[arg-type]


def run_cli(*args: str, env: dict[str, str] | None = None) -> Result:
    """The CLI through click's runner, stdout and stderr kept apart."""
    result = invoke_cli(list(args), env=env)
    return Result(result.exit_code, result.stdout, result.stderr)


NO_NETWORK = str(REPO / "tests" / "support")


def git(repo: Path, *args: str) -> str:
    """Real git in a test repository, with a committer identity whatever the machine has."""
    identity = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    done = subprocess.run(["git", *args], cwd=repo, env={**os.environ, **identity}, check=True, capture_output=True, text=True)
    return done.stdout


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """The tool's code runs with internet sockets disabled, in this process and in the ones tests start."""
    if request.node.get_closest_marker("network"):
        return
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network access is disabled in kms-infracost's tests")

    if request.node.get_closest_marker("loopback"):  # a server of the test's own on 127.0.0.1, nothing else
        monkeypatch.setenv("KMS_INFRACOST_TEST_LOOPBACK", "1")
        real_connect = socket.socket.connect

        def loopback_only(self: socket.socket, address: Any) -> None:
            if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in ("127.0.0.1", "::1", "localhost"):
                refuse()
            real_connect(self, address)

        monkeypatch.setattr(socket.socket, "connect", loopback_only)
        monkeypatch.setattr(socket.socket, "connect_ex", refuse)
        return
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def run_subprocess(*args: str, env: dict[str, str] | None = None, cwd: str | None = None, stdin: bytes | None = None) -> Result:
    """The CLI as its own process, with a sitecustomize that disables internet sockets."""
    full_env = {**os.environ, **(env or {})}
    full_env["PYTHONPATH"] = os.pathsep.join(x for x in (NO_NETWORK, full_env.get("PYTHONPATH", "")) if x)
    proc = subprocess.run(
        [sys.executable, "-m", "kms_infracost", *args],
        capture_output=True,
        env=full_env,
        cwd=cwd,
        input=stdin,
        check=False,
    )
    return Result(proc.returncode, proc.stdout.decode(), proc.stderr.decode())
