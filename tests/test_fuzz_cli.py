"""Structure-aware fuzzing through the CLI entry point: the only outcomes are exit 0, 1 or 2, no traceback.

The default run tries a few hundred inputs; the long run is one command (README, Development):
    KMS_FUZZ_EXAMPLES=100000 python -m pytest -q -p no:cacheprovider tests/test_fuzz_cli.py
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PLANS, invoke_cli

EXAMPLES = int(os.environ.get("KMS_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=EXAMPLES <= 1000)

SEED_PLANS = [json.loads((PLANS / case / "plan.json").read_text()) for case in ("module_twice_providers", "kms_instance_payg_hardware", "replace_spec", "string_numbers")]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**63), st.floats(allow_nan=False),
    st.text(max_size=20), st.sampled_from(["", "HSM", "SOFTWARE", "Enabled", "PendingDeletion", "30d", "0s", "EC_P256", "1e309", "-1"]),
)
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)), max_leaves=12)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, index)))
    return found


@st.composite
def mutated_plans(draw: st.DrawFn) -> Any:
    plan = copy.deepcopy(draw(st.sampled_from(SEED_PLANS)))
    paths = _paths(plan)
    for _ in range(draw(st.integers(1, 6))):
        path = draw(st.sampled_from(paths))
        if not path:
            continue
        parent = plan
        try:
            for step in path[:-1]:
                parent = parent[step]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue
    return plan


def _invoke(args: list[str]) -> tuple[int, str]:
    result = invoke_cli(args, env={"KMS_INFRACOST_DEBUG": "1"}, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {type(result.exception).__name__}: {result.exception}") from result.exception
    return result.exit_code, result.stderr


def _assert_clean(code: int, stderr: str) -> None:
    assert code in (0, 1, 2), (code, stderr)
    assert "Traceback" not in stderr
    assert "internal error" not in stderr, stderr
    if code == 2:
        errors = [line for line in stderr.splitlines() if line.startswith(("kms-infracost: error:", "Error:"))]
        assert len(errors) == 1, stderr


@FUZZ
@given(mutated_plans())
def test_mutated_plans(plan: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.json"
        path.write_text(json.dumps(plan))
        _assert_clean(*_invoke(["check", str(path), "--format", "json", "--config-dir", tmp]))


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes_as_a_plan(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.json"
        path.write_bytes(data)
        _assert_clean(*_invoke(["check", str(path)]))


yaml_keys = st.sampled_from(["version", "resource_usage", "resource_type_default_usage", "monthly_api_calls", "key_versions", "alicloud_kms_key.app", "alicloud_kms_key", "*", "peak_qps", "service_key"])
yaml_scalars = st.one_of(st.integers(-5, 10**12), st.sampled_from(["2M", "1_000", "-3", "abc", "0.1", "true", "null", "~", "&a [*a]", "*b", "{", "'"]), st.text(max_size=8))


@st.composite
def usage_yaml(draw: st.DrawFn) -> str:
    def block(depth: int) -> list[str]:
        lines = []
        for _ in range(draw(st.integers(0, 3))):
            key = draw(yaml_keys)
            if depth < 2 and draw(st.booleans()):
                lines.append(f"{key}:")
                lines.extend("  " + line for line in block(depth + 1))
            else:
                lines.append(f"{key}: {draw(yaml_scalars)}")
        return lines

    return "\n".join(block(0)) + "\n"


@FUZZ
@given(usage_yaml())
def test_generated_usage_files(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "usage.yml"
        path.write_text(text)
        plan = str(PLANS / "alias" / "plan.json")
        _assert_clean(*_invoke(["check", plan, "--usage-file", str(path)]))


hcl_values = st.one_of(
    st.sampled_from(['"HSM"', '"SOFTWARE"', '""', '"RSA_3072"', "null", "true", "1", '"30d"', '"6d"', "var.missing",
                     "local.nope", '"${var.x}"', "[1, 2]", '{ a = "b" }', 'upper("hsm")', "count.index", "each.key",
                     'lookup({}, "a", "b")', "1 +", '"unterminated', "range(3)", 'toset(["a", "b"])', "9999999999999999999999"]),
    st.text(alphabet='abcdefghij_"{}[]()=.$#/*\n 0123456789', max_size=15),
)
hcl_attrs = st.sampled_from(["protection_level", "key_spec", "status", "automatic_rotation", "rotation_interval", "count", "for_each", "description", "tags", "dkms_instance_id", "provider"])


@st.composite
def hcl_config(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(['"cn-hangzhou"', "var.region", '""', "1", "null"]))
    lines = ['provider "alicloud" {', f"  region = {region}", "}", ""]
    for i in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            note = draw(st.sampled_from(["monthly_api_calls=2M", "key_versions=x", "skip=a", "monthly_api_call=1", 'peak_qps=1k reason="x"']))
            lines.append(f"# kms-infracost: {note}")
        lines.append(f'resource "alicloud_kms_key" "k{i}" {{')
        for _ in range(draw(st.integers(0, 4))):
            lines.append(f"  {draw(hcl_attrs)} = {draw(hcl_values)}")
        lines.append("}")
    if draw(st.booleans()):
        lines.append(f'variable "region" {{ default = {draw(hcl_values)} }}')
    return "\n".join(lines) + "\n"


@FUZZ
@given(hcl_config())
def test_generated_hcl(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "main.tf").write_text(text)
        _assert_clean(*_invoke(["check", tmp, "--no-cache"]))
