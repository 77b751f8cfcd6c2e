"""What real Terraform says each expression of ``tests/data/terraform_functions.json`` evaluates to.

    python tests/support/terraform_functions.py          # fill in / refresh every case's "terraform" entry
    python tests/support/terraform_functions.py --check  # compare, write nothing; exit 1 when one differs

To add a case, add ``{"expr": "..."}`` to the file and run the script. Terraform needs no provider for
this: every case becomes a root module output (an object ``{v = EXPR}``, so a null result survives), the
module is applied against a local state in a temporary folder, and ``terraform output -json`` gives the value
and its type. A first apply of ``can(EXPR)`` sorts out the expressions Terraform rejects (recorded as
``{"error": true}``), so one rejected case cannot hide the others. Nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

CASES_FILE = Path(__file__).resolve().parent.parent / "data" / "terraform_functions.json"


def _terraform(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cli_config = workdir / "cli.tfrc"
    cli_config.touch()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env.update(TF_CLI_CONFIG_FILE=str(cli_config), CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")
    return subprocess.run(
        ["terraform", *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _outputs(workdir: Path, values: dict[str, str]) -> dict[str, Any]:
    """Apply a module whose outputs are the given expressions; their JSON form from `terraform output`."""
    for stale in ("main.tf", "terraform.tfstate", "terraform.tfstate.backup"):
        (workdir / stale).unlink(missing_ok=True)
    text = "".join(
        f'output "{name}" {{\n  value     = {{ v = {expr} }}\n  sensitive = true\n}}\n' for name, expr in values.items()
    )
    (workdir / "main.tf").write_text(text, encoding="utf-8")
    for args in (("init", "-input=false", "-backend=false"), ("apply", "-auto-approve", "-input=false")):
        done = _terraform(workdir, *args)
        if done.returncode != 0:
            raise RuntimeError(f"terraform {args[0]} failed:\n{done.stderr or done.stdout}")
    done = _terraform(workdir, "output", "-json")
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return dict(json.loads(done.stdout))


def terraform_results(expressions: list[str]) -> list[dict[str, Any]]:
    """Per expression {"type": T, "value": V} (Terraform's JSON type and value) or {"error": True}."""
    workdir = Path(tempfile.mkdtemp(prefix="kms-infracost-functions-"))
    try:
        names = {f"c{i}": expr for i, expr in enumerate(expressions)}
        accepted = _outputs(workdir, {name: f"can({expr})" for name, expr in names.items()})
        good = {name: expr for name, expr in names.items() if accepted[name]["value"]["v"] is True}
        values = _outputs(workdir, good) if good else {}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    out: list[dict[str, Any]] = []
    for name in names:
        if name not in values:
            out.append({"error": True})
            continue
        entry = values[name]
        out.append({"type": entry["type"][1]["v"], "value": entry["value"]["v"]})
    return out


def load_cases() -> list[dict[str, Any]]:
    return list(json.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"])


def main(argv: list[str]) -> int:
    cases = load_cases()
    results = terraform_results([case["expr"] for case in cases])
    stale = [case["expr"] for case, result in zip(cases, results) if case.get("terraform") != result]
    if "--check" in argv:
        for expr in stale:
            print(f"differs from terraform: {expr}")
        return 1 if stale else 0
    version = json.loads(_terraform(Path(tempfile.gettempdir()), "version", "-json").stdout)["terraform_version"]
    for case, result in zip(cases, results):
        case["terraform"] = result
    document = {"terraform_version": version, "cases": cases}
    CASES_FILE.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(cases)} cases, {len(stale)} changed, terraform {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
