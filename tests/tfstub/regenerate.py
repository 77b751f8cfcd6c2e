"""Regenerate ``fixtures/plans/<case>/plan.json`` with real Terraform and the fake alicloud provider.

    python tests/tfstub/regenerate.py                 # every case
    python tests/tfstub/regenerate.py alias rotation  # only these cases
    python tests/tfstub/regenerate.py --check         # compare, write nothing; exit 1 when a plan is stale

A case is a directory ``fixtures/plans/<case>/`` holding a root module (``*.tf``, ``terraform.tfvars``,
``modules/`` ...). Each case runs in a temporary copy, so no ``.terraform/``, lock file or state ever lands
in ``fixtures/``:

1. when the case has a ``base/`` directory, that configuration is applied first (the fake provider only
   echoes and invents deterministic ids), then the case's own files replace it, so the plan is made against
   a state (update, delete and replace plans);
2. ``terraform init -backend=false`` only when the configuration calls modules (providers come from
   ``dev_overrides``, so nothing is downloaded and no registry is contacted);
3. ``terraform plan -refresh=false -out=...`` then ``terraform show -json``, written pretty-printed.

An optional ``env.json`` (an object of strings) adds environment variables for that case's Terraform run.
Anything else from the caller's environment that could steer Terraform or the provider (``TF_*``,
``ALIBABA_CLOUD_*``, ``ALICLOUD_*``) is removed, so a plan never depends on who regenerated it.

The only field that differs between two runs is the plan's top-level ``timestamp``. (``relevant_attributes``,
which Terraform writes in random order, is sorted; nothing else is changed.)
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Self

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
PLANS_DIR = REPO_ROOT / "fixtures" / "plans"
PROVIDER_SCRIPT = HERE / "provider.py"

# Files of a case directory that are not part of its Terraform configuration.
NOT_CONFIG = {"plan.json", "env.json", "base", "README.md"}
# Fields of the plan JSON that legitimately change from one run to the next.
VOLATILE_FIELDS = ("timestamp",)
# What a previous, interrupted run might leave in a case directory; never copied into the work directory.
TERRAFORM_LEFTOVERS = {".terraform", ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup"}


class TerraformError(RuntimeError):
    pass


class FakeProvider:
    """A temporary ``dev_overrides`` directory with a launcher for the fake provider, and its CLI config.

    Usable as a context manager; one instance can serve many cases, also concurrently.
    """

    def __init__(self, python: str | None = None) -> None:
        self.python = python or sys.executable or "python3"
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.root: Path | None = None

    def __enter__(self) -> Self:
        self._tmp = tempfile.TemporaryDirectory(prefix="tfstub-")
        self.root = Path(self._tmp.name)
        bin_dir = self.root / "provider"
        bin_dir.mkdir()
        launcher = bin_dir / "terraform-provider-alicloud"
        launcher.write_text(
            "#!/bin/sh\n"
            f"exec {shlex.quote(self.python)} {shlex.quote(str(PROVIDER_SCRIPT))} \"$@\"\n",
            encoding="utf-8",
        )
        launcher.chmod(0o755)
        # the same script as a fake hashicorp/aws (aws_kms_key only), for plans of another provider
        aws_dir = self.root / "aws"
        aws_dir.mkdir()
        aws = aws_dir / "terraform-provider-aws"
        aws.write_text(
            "#!/bin/sh\n"
            f"TFSTUB_FLAVOUR=aws exec {shlex.quote(self.python)} {shlex.quote(str(PROVIDER_SCRIPT))} \"$@\"\n",
            encoding="utf-8",
        )
        aws.chmod(0o755)
        cli_config = self.root / "terraform.tfrc"
        cli_config.write_text(
            "provider_installation {\n"
            "  dev_overrides {\n"
            f"    \"aliyun/alicloud\" = {json.dumps(str(bin_dir))}\n"
            f"    \"hashicorp/aws\" = {json.dumps(str(aws_dir))}\n"
            "  }\n"
            "  direct {}\n"
            "}\n",
            encoding="utf-8",
        )
        self.cli_config = cli_config
        return self

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
        self._tmp = None
        self.root = None

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TF_", "ALIBABA_CLOUD_", "ALICLOUD_", "CHECKPOINT_", "TFSTUB_", "AWS_"))
        }
        env.update(
            {
                "TF_CLI_CONFIG_FILE": str(self.cli_config),
                "CHECKPOINT_DISABLE": "1",
                "TF_IN_AUTOMATION": "1",
                "TF_INPUT": "0",
            }
        )
        env.update(extra or {})
        return env


def _terraform(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        ["terraform", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise TerraformError(
            f"terraform {' '.join(args)} failed in {cwd} (exit {result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def _copy_config(src: Path, dst: Path) -> None:
    for item in sorted(src.iterdir()):
        if item.name in NOT_CONFIG or item.name in TERRAFORM_LEFTOVERS:
            continue
        if item.is_dir():
            shutil.copytree(item, dst / item.name, ignore=shutil.ignore_patterns(*TERRAFORM_LEFTOVERS))
        else:
            shutil.copy2(item, dst / item.name)


def _clear_config(work: Path) -> None:
    """Remove the configuration from work, keeping the state and what ``terraform init`` wrote."""
    for item in work.iterdir():
        if item.name in TERRAFORM_LEFTOVERS:
            continue
        if item.is_dir():
            shutil.rmtree(item)
        else:
            item.unlink()


def _calls_modules(work: Path) -> bool:
    return any("module \"" in tf.read_text(encoding="utf-8") for tf in work.glob("*.tf"))


def _init_if_needed(work: Path, env: dict[str, str]) -> None:
    if _calls_modules(work):
        _terraform(["get", "-no-color"], work, env)


def _case_env(case_dir: Path) -> dict[str, str]:
    env_file = case_dir / "env.json"
    if not env_file.exists():
        return {}
    data = json.loads(env_file.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{env_file} must be a JSON object of strings")
    return data


def plan_json(case_dir: Path, provider: FakeProvider) -> dict[str, Any]:
    """Run Terraform on a temporary copy of case_dir and return the plan as ``terraform show -json`` has it."""
    case_dir = case_dir.resolve()
    env = provider.env(_case_env(case_dir))
    with tempfile.TemporaryDirectory(prefix=f"tfcase-{case_dir.name}-") as tmp:
        work = Path(tmp)
        base = case_dir / "base"
        if base.is_dir():
            _copy_config(base, work)
            _init_if_needed(work, env)
            _terraform(["apply", "-auto-approve", "-input=false", "-lock=false", "-no-color"], work, env)
            _clear_config(work)
        _copy_config(case_dir, work)
        _init_if_needed(work, env)
        _terraform(
            ["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=tfplan"], work, env
        )
        shown = _terraform(["show", "-json", "-no-color", "tfplan"], work, env)
        if tmp in shown or (provider.root is not None and str(provider.root) in shown):
            raise TerraformError(f"the plan of {case_dir.name} mentions a temporary path; it would not be portable")
        result: dict[str, Any] = json.loads(shown)
        return canonical_order(result)


def canonical_order(plan: dict[str, Any]) -> dict[str, Any]:
    """Sort the one list Terraform writes in random order.

    ``relevant_attributes`` is a set (which attributes of which resources the plan's conditions and outputs
    read); Terraform emits it in map-iteration order, which would make every regeneration a diff.
    """
    if isinstance(plan.get("relevant_attributes"), list):
        plan["relevant_attributes"] = sorted(
            plan["relevant_attributes"], key=lambda r: (r.get("resource", ""), json.dumps(r.get("attribute")))
        )
    return plan


def dump(plan: dict[str, Any]) -> str:
    return json.dumps(plan, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def stable(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan without the fields that change on every run (for comparisons)."""
    return {k: v for k, v in plan.items() if k not in VOLATILE_FIELDS}


def generate(case_dir: Path, out_dir: Path, provider: FakeProvider | None = None) -> Path:
    """Write the plan of case_dir to ``out_dir/plan.json`` and return that path.

    Pass a shared ``FakeProvider`` when generating many cases; otherwise a temporary one is made.
    """
    if provider is None:
        with FakeProvider() as own:
            return generate(case_dir, out_dir, own)
    plan = plan_json(case_dir, provider)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "plan.json"
    out.write_text(dump(plan), encoding="utf-8")
    return out


def case_dirs(names: Iterable[str] = (), plans_dir: Path = PLANS_DIR) -> list[Path]:
    """The case directories under plans_dir (those holding a ``*.tf``), or the named ones."""
    names = list(names)
    if names:
        dirs = [plans_dir / n for n in names]
        missing = [d.name for d in dirs if not any(d.glob("*.tf"))]
        if missing:
            raise SystemExit(f"no such case: {', '.join(missing)}")
        return dirs
    return sorted(d for d in plans_dir.iterdir() if d.is_dir() and any(d.glob("*.tf")))


def generate_many(cases: list[Path], out_root: Path | None = None, jobs: int | None = None) -> dict[str, Path]:
    """Generate each case into ``out_root/<case>/plan.json`` (default: the case directory itself)."""
    jobs = jobs or max(2, os.cpu_count() or 2)
    with FakeProvider() as provider, ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            case.name: pool.submit(generate, case, (out_root / case.name) if out_root else case, provider)
            for case in cases
        }
        return {name: f.result() for name, f in futures.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", help="case names under fixtures/plans (default: all)")
    parser.add_argument("--jobs", "-j", type=int, default=None, help="cases run at once (default: CPUs, min 2)")
    parser.add_argument("--check", action="store_true", help="only report plans that are out of date")
    args = parser.parse_args(argv)

    if shutil.which("terraform") is None:
        print("terraform is not on PATH", file=sys.stderr)
        return 2

    cases = case_dirs(args.cases)
    started = time.monotonic()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            written = generate_many(cases, Path(tmp), args.jobs)
            stale = []
            for case in cases:
                committed = case / "plan.json"
                fresh = json.loads(written[case.name].read_text(encoding="utf-8"))
                if not committed.exists() or stable(json.loads(committed.read_text(encoding="utf-8"))) != stable(fresh):
                    stale.append(case.name)
        for name in stale:
            print(f"stale: {name}")
        print(f"{len(cases)} cases checked in {time.monotonic() - started:.1f}s, {len(stale)} stale")
        return 1 if stale else 0

    written = generate_many(cases, None, args.jobs)
    for name, path in written.items():
        print(f"wrote {path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path}")
    print(f"{len(written)} cases in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
