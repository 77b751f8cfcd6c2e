"""Projects shared out to forked workers (kms_infracost/parallel.py) give exactly what one process gives.

Real processes and real files: the same monorepo checked with KMS_INFRACOST_PARALLELISM=1 and =2 must give
the same bytes, exit code, parse cache and replay record; errors must be the first project's error in
either case.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kms_infracost import parallel
from tests.conftest import run_cli, run_subprocess

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked; POSIX only")

MODULE = """variable "env" {}

resource "alicloud_kms_key" "shared" {
  count            = var.env == "prod" ? 2 : 1
  protection_level = var.env == "prod" ? "HSM" : "SOFTWARE"
}
"""


def stack(index: int, region: str = "cn-hangzhou") -> str:
    return f"""provider "alicloud" {{
  region = "{region}"
}}

locals {{
  env = "{'prod' if index % 3 == 0 else 'dev'}"
}}

resource "alicloud_kms_key" "own" {{
  count                  = {index % 4}
  description            = "stack {index}"
  pending_window_in_days = 7
}}

module "keys" {{
  source = "../../modules/keys"
  env    = local.env
}}
"""


def monorepo(root: Path, stacks: int = 12) -> Path:
    (root / "modules" / "keys").mkdir(parents=True)
    (root / "modules" / "keys" / "main.tf").write_text(MODULE)
    for index in range(stacks):
        folder = root / "stacks" / f"s{index:02d}"
        folder.mkdir(parents=True)
        (folder / "main.tf").write_text(stack(index, "cn-shanghai" if index % 2 else "cn-hangzhou"))
        (folder / "variables.tf").write_text(f'variable "unused_{index}" {{\n  default = {index}\n}}\n')
    return root


def check(root: Path, workers: int, *extra: str, cache: Path | None = None) -> tuple[int, str, str]:
    env = {parallel.PARALLELISM_ENV: str(workers)}
    if cache is not None:
        env["KMS_INFRACOST_CACHE_DIR"] = str(cache)
    result = run_subprocess("check", ".", *extra, cwd=str(root), env=env)
    return result.code, result.stdout, result.stderr


def test_workers_count_follows_the_setting_the_cores_and_the_number_of_projects() -> None:
    assert parallel.workers(100, {parallel.PARALLELISM_ENV: "3"}) == 3
    assert parallel.workers(100, {parallel.PARALLELISM_ENV: "1"}) == 1
    assert parallel.workers(parallel.MIN_ITEMS - 1, {parallel.PARALLELISM_ENV: "4"}) == 1  # too few to fork
    assert parallel.workers(9, {parallel.PARALLELISM_ENV: "8"}) == 4  # at least two projects each
    cores = len(os.sched_getaffinity(0))
    assert parallel.workers(100, {}) == min(cores, parallel.DEFAULT_CAP)


def test_two_processes_give_the_bytes_one_gives_in_every_format(tmp_path: Path) -> None:
    root = monorepo(tmp_path / "repo")
    for form in ("json", "table", "sarif", "markdown"):
        one = check(root, 1, "--format", form, "--max-per-key", "2")
        two = check(root, 2, "--format", form, "--max-per-key", "2")
        assert two == one, form
    code, out, _ = check(root, 2, "--format", "json")
    document = json.loads(out)
    assert code == 0
    assert len(document["projects"]) == 12
    # 12 stacks: own keys count = index % 4 (18 in all), module keys 2 in prod stacks (0, 3, 6, 9) and 1 elsewhere
    assert len(document["resources"]) == 18 + 4 * 2 + 8 * 1


def test_the_parse_cache_and_the_replay_record_are_those_of_one_process(tmp_path: Path) -> None:
    root = monorepo(tmp_path / "repo")
    caches = {n: tmp_path / f"cache{n}" for n in (1, 2)}
    results = {n: check(root, n, "--format", "json", cache=caches[n]) for n in (1, 2)}
    assert results[1] == results[2]

    def index(cache: Path) -> dict[str, object]:
        (found,) = (cache / "parse").glob("index-*.json")
        return json.loads(found.read_text())  # type: ignore[no-any-return]

    def record(cache: Path) -> list[str]:
        (found,) = [p for p in (cache / "replay").iterdir() if not p.name.startswith(".")]
        return sorted(map(json.dumps, json.loads(found.read_bytes().split(b"\n")[0])["deps"]))

    assert index(caches[2]) == index(caches[1])
    assert len(index(caches[2])) == 25  # both files of every stack (split, only main.tf parsed) and the module
    assert record(caches[2]) == record(caches[1])
    # the record made with workers replays, and a change in a worker's project is seen
    assert check(root, 2, "--format", "json", cache=caches[2]) == results[2]
    (root / "stacks" / "s11" / "main.tf").write_text(stack(11).replace("% 4", "").replace("count                  = 3", "count = 5"))
    changed = check(root, 2, "--format", "json", cache=caches[2])
    assert changed != results[2]
    assert changed == check(root, 1, "--format", "json", "--no-cache")


def test_the_first_failing_project_is_the_error_whichever_process_met_it(tmp_path: Path) -> None:
    root = monorepo(tmp_path / "repo")
    # s03 falls to the worker (odd shares), s06 to the main process: s03's error is the one a single process gives
    (root / "stacks" / "s03" / "broken.tf").write_text('resource "alicloud_kms_key" "x" {\n  count = \n}\n')
    (root / "stacks" / "s06" / "broken.tf").write_text('resource "alicloud_kms_key" "y" {\n  = 1\n}\n')
    one = check(root, 1)
    two = check(root, 2)
    assert two == one
    assert one[0] == 2
    assert "s03/broken.tf:" in one[2]
    assert "s06" not in one[2]
    assert "Traceback" not in one[2]


def test_a_bad_setting_is_a_clear_error(tmp_path: Path) -> None:
    root = monorepo(tmp_path / "repo")
    code, out, err = check(root, 0)
    assert (code, out) == (2, "")
    assert err.strip().endswith(f"{parallel.PARALLELISM_ENV} must be a whole number of processes, 1 or more (1: no workers), got '0'")
    assert len(err.strip().splitlines()) == 1


def test_in_process_runs_fork_too_and_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = monorepo(tmp_path / "repo")
    monkeypatch.chdir(root)
    monkeypatch.setenv(parallel.PARALLELISM_ENV, "2")
    two = run_cli("check", ".", "--format", "json")
    assert parallel.last_workers == 2
    monkeypatch.setenv(parallel.PARALLELISM_ENV, "1")
    one = run_cli("check", ".", "--format", "json")
    assert parallel.last_workers == 1
    assert (two.code, two.stdout, two.stderr) == (one.code, one.stdout, one.stderr)
