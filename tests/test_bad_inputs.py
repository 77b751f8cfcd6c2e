"""The catalogue of hostile and broken inputs: each named, each with its exact outcome.

Every case runs the real CLI as a subprocess (sockets disabled) and asserts the exit code, that no
traceback appears, and the exact one-line message (an error for exit 2, a warning otherwise).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import PLANS, run_subprocess

PLAN = PLANS / "alias" / "plan.json"
KEY = 'resource "alicloud_kms_key" "k" {\n  protection_level = "HSM"\n}\n'
PROVIDER = 'provider "alicloud" {\n  region = "cn-hangzhou"\n}\n'


def plan_with(edit: Callable[[dict], None]) -> Callable[[Path], list[str]]:  # type: ignore[type-arg]
    def setup(tmp: Path) -> list[str]:
        data = json.loads(PLAN.read_text())
        edit(data)
        (tmp / "plan.json").write_text(json.dumps(data))
        return ["check", str(tmp / "plan.json"), "--config-dir", str(tmp)]

    return setup


def raw_plan(content: bytes) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        (tmp / "plan.json").write_bytes(content)
        return ["check", str(tmp / "plan.json")]

    return setup


def hcl(text: str | bytes, name: str = "main.tf") -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        (tmp / "infra").mkdir(exist_ok=True)
        path = tmp / "infra" / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        return ["check", str(tmp / "infra")]

    return setup


def usage(text: str) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        (tmp / "usage.yml").write_text(text)
        return ["check", str(PLAN), "--usage-file", str(tmp / "usage.yml")]

    return setup


def config(text: str) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        (tmp / "k.toml").write_text(text)
        return ["check", str(PLAN), "--config", str(tmp / "k.toml")]

    return setup


def rule(path: str) -> Callable[[Path], list[str]]:
    escaped = path.replace("\\", "\\\\").replace('"', '\\"')
    return config(f'[[rules]]\nid = "r1"\npath = "{escaped}"\nmessage = "m"\n')


def symlink_loop(tmp: Path) -> list[str]:
    (tmp / "infra").mkdir()
    (tmp / "infra" / "main.tf").write_text(PROVIDER + KEY)
    (tmp / "infra" / "loop").symlink_to(tmp / "infra")
    (tmp / "infra" / "self.tf").symlink_to(tmp / "infra" / "self.tf")
    return ["check", str(tmp / "infra")]


def module_cycle(tmp: Path) -> list[str]:
    (tmp / "infra").mkdir()
    (tmp / "infra" / "main.tf").write_text(PROVIDER + 'module "again" {\n  source = "./"\n}\n' + KEY)
    return ["check", str(tmp / "infra")]


def module_outside(tmp: Path) -> list[str]:
    (tmp / ".git").mkdir()  # the repository's top
    (tmp / "infra").mkdir()
    (tmp / "infra" / "main.tf").write_text(PROVIDER + 'module "up" {\n  source = "../../.."\n}\n' + KEY)
    return ["check", str(tmp / "infra")]


def ten_megabytes(tmp: Path) -> list[str]:
    (tmp / "infra").mkdir()
    filler = "".join(f'resource "alicloud_vpc" "v{i}" {{\n  cidr_block = "10.0.0.0/16"\n}}\n' for i in range(170_000))
    (tmp / "infra" / "network.tf").write_text(filler)
    (tmp / "infra" / "main.tf").write_text(PROVIDER + KEY)
    return ["check", str(tmp / "infra")]


@dataclass
class Case:
    name: str
    setup: Callable[[Path], list[str]]
    code: int
    message: str  # the exact error line for exit 2 (file paths after {tmp}), else a warning line it contains


def _drop_rc(p: dict) -> None:  # type: ignore[type-arg]
    p.pop("resource_changes")


def _after_null(p: dict) -> None:  # type: ignore[type-arg]
    p["resource_changes"][1]["change"]["after"] = None


def _unknown_action(p: dict) -> None:  # type: ignore[type-arg]
    p["resource_changes"][1]["change"]["actions"] = ["explode"]


def _numbers_as_strings(p: dict) -> None:  # type: ignore[type-arg]
    p["resource_changes"][1]["change"]["after"]["protection_level"] = 7


def _nulls(p: dict) -> None:  # type: ignore[type-arg]
    p["resource_changes"] = [{"address": None, "type": "alicloud_kms_key", "change": None, "mode": None}]
    p["configuration"] = None
    p["variables"] = None


ERR = "kms-infracost: error: "
CASES = [
    Case("truncated plan", raw_plan(PLAN.read_bytes()[:500]), 2, ERR + "{tmp}/plan.json:19: is not valid JSON (Expecting value, column 8); give the output of `terraform show -json PLAN`"),
    Case("non-UTF-8 plan", raw_plan(b'{"format_version": "1.2", "x": "\xff"}'), 2, ERR + "{tmp}/plan.json: is not UTF-8 text (byte 32); expected plan JSON"),
    Case("BOM before the plan", raw_plan(b"\xef\xbb\xbf" + PLAN.read_bytes()), 0, ""),
    Case("CRLF plan", raw_plan(PLAN.read_bytes().replace(b"\n", b"\r\n")), 0, ""),
    Case("empty plan", raw_plan(b""), 2, ERR + "{tmp}/plan.json: is empty; expected the output of `terraform show -json PLAN`"),
    Case("binary file as a plan", raw_plan(bytes(range(256)) * 4), 2, ERR + "{tmp}/plan.json: is not UTF-8 text (byte 128); expected plan JSON"),
    Case("future format_version", plan_with(lambda p: p.update(format_version="2.0")), 2, ERR + "{tmp}/plan.json: plan format_version 2.0 is not supported (this version reads 1.x); upgrade kms-infracost or make the plan with a Terraform that writes format 1.x"),
    Case("missing resource_changes", plan_with(_drop_rc), 0, ""),
    Case("resource with after: null", plan_with(_after_null), 0, ""),
    Case("unknown action", plan_with(_unknown_action), 0, "warning KI106 unknown plan action(s) explode; treated as update (alicloud_kms_key.app)"),
    Case("number where a string belongs", plan_with(_numbers_as_strings), 0, "warning KI103 protection_level '7' is not one the provider accepts (SOFTWARE, HSM); assumed SOFTWARE (alicloud_kms_key.app)"),
    Case("nulls everywhere", plan_with(_nulls), 0, ""),
    Case("HCL unterminated block", hcl(PROVIDER + 'resource "alicloud_kms_key" "k" {\n  description = "x"\n'), 2, ERR + "{tmp}/infra/main.tf:5: HCL syntax error at column 1: unexpected end of file; expected }"),
    Case("HCL unterminated heredoc", hcl(PROVIDER + 'resource "alicloud_kms_key" "k" {\n  description = <<EOT\nnever closed\n}\n'), 2, "HCL syntax error"),
    Case("HCL deeply nested expression", hcl(PROVIDER + 'resource "alicloud_kms_key" "k" {\n  description = ' + "(" * 600 + "1" + ")" * 600 + "\n}\n"), 2, ERR + "{tmp}/infra: nests expressions or modules too deeply to read; simplify or split it"),
    Case("HCL 10 MB file beside the key", ten_megabytes, 0, ""),
    Case("HCL binary file", hcl(b"\x7fELF\x00\x00\x01\x02" * 100), 2, "binary"),
    Case("HCL invalid UTF-8", hcl(PROVIDER.encode() + b'# caf\xe9\n' + KEY.encode()), 2, "UTF-8"),
    Case("module that sources itself", module_cycle, 2, ERR + "{tmp}/infra/main.tf:4: module.again calls './', a module that is already calling it (a module cycle); Terraform cannot load this configuration"),
    Case("module path outside the repository", module_outside, 0, "{tmp}/infra/main.tf:4: warning KI201 source '../../..' leads outside the repository; the module is not read (module.up)"),
    Case("symlink loops", symlink_loop, 2, ERR + "{tmp}/infra: cannot read directory: Too many levels of symbolic links"),
    Case("count = 1000000000", hcl(PROVIDER + 'resource "alicloud_kms_key" "k" {\n  count = 1000000000\n}\n'), 2, ERR + "{tmp}/infra/main.tf:4: alicloud_kms_key.k: count = 1,000,000,000 is over the limit of 10,000 instances per block; kms-infracost refuses sizes this large"),
    Case("huge range()", hcl(PROVIDER + 'resource "alicloud_kms_key" "k" {\n  for_each = toset([for i in range(100000000) : tostring(i)])\n}\n'), 2, ERR + "{tmp}/infra/main.tf:4: range(100000000) makes 100,000,000 elements, over the limit of 10,000; kms-infracost refuses sizes this large"),
    Case("usage YAML alias bomb", usage("version: 0.1\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\nresource_usage:\n  alicloud_kms_key.app:\n    monthly_api_calls: *d\n"), 2, ERR + "{tmp}/usage.yml:8: alicloud_kms_key.app.monthly_api_calls: expected a non-negative number such as 2000000, 2_000_000 or 2M, got"),
    Case("usage file with a list root", usage("- a\n- b\n"), 2, ERR + "{tmp}/usage.yml:1: usage file must be a mapping with version and resource_usage"),
    Case("usage file with a string root", usage("just words\n"), 2, ERR + "{tmp}/usage.yml:1: usage file must be a mapping with version and resource_usage"),
    Case("negative usage", usage("version: 0.1\nresource_usage:\n  alicloud_kms_key.app:\n    monthly_api_calls: -1\n"), 2, ERR + "{tmp}/usage.yml:4: alicloud_kms_key.app.monthly_api_calls: expected a non-negative number, got -1"),
    Case("non-numeric usage", usage("version: 0.1\nresource_usage:\n  alicloud_kms_key.app:\n    monthly_api_calls: lots\n"), 2, ERR + "{tmp}/usage.yml:4: alicloud_kms_key.app.monthly_api_calls: expected a non-negative number such as 2000000, 2_000_000 or 2M, got 'lots'"),
    Case("unknown usage file version", usage("version: 9.9\n"), 2, ERR + "{tmp}/usage.yml:1: usage file version 9.9 is not supported (supported: 0.1)"),
    Case("config threshold of the wrong type", config('[thresholds]\nmonthly_total = "fifty"\n'), 2, ERR + "{tmp}/k.toml: thresholds.monthly_total must be a number, got 'fifty'"),
    Case("config days_per_month of the wrong type", config("days_per_month = 30.5\n"), 2, ERR + "{tmp}/k.toml: days_per_month must be a whole number from 1 to 31, got Decimal('30.5')"),
    Case("config rules not a list", config('rules = "all"\n'), 2, ERR + "{tmp}/k.toml: rules must be an array of tables ([[tool.kms-infracost.rules]])"),
    Case("config that is not TOML", config("[thresholds\n"), 2, ERR + "{tmp}/k.toml:1: config is not valid TOML: Expected ']' at the end of a table declaration"),
    Case("empty JSONPath rule", rule(""), 2, ERR + "{tmp}/k.toml: rule 1: path must be a non-empty string"),
    Case("huge JSONPath rule", rule("$" + ".a" * 20_000), 2, ERR + "rule r1: path is 40,001 characters long; the limit is 2,000"),
    Case("pathological JSONPath rule", rule("$..*..*..*..*"), 2, ERR + "rule r1: path uses recursive descent (..) 4 times; at most 2 are allowed so a rule cannot make evaluation explode"),
    Case("deep but short JSONPath rule", rule("$" + ".a" * 900), 0, ""),
    Case("JSONPath rule that does not parse", rule("$.resources[?(@.x ==]"), 2, "rule r1: path '$.resources[?(@.x ==]' does not parse"),
]


def _cut_from(expected: str, shown: str) -> bool:
    """shown is expected, or expected with a long location cut at the left and/or the end cut, marked "…"."""
    left, right = shown.startswith("…"), shown.endswith("…") and shown != "…"
    core = shown[1 if left else 0 : -1 if right else None]
    if left:  # the addresses after the message may have given way too
        return core in expected and len(core) >= 90
    if right:
        return expected.startswith(core)
    return shown == expected


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, tmp_path: Path) -> None:
    args = case.setup(tmp_path)
    result = run_subprocess(*args, "--format", "json", env={"KMS_INFRACOST_CACHE_DIR": str(tmp_path / "cache")})
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.code == case.code, result.stderr
    expected = case.message.replace("{tmp}", str(tmp_path))
    if case.code == 2:
        (line,) = result.stderr.splitlines()
        assert line.startswith(expected) if expected.startswith(ERR) else expected in line, line
        assert result.stdout == ""
    else:
        json.loads(result.stdout)  # a whole report, never half of one
        if expected:  # a line longer than 160 characters (a long temporary path) is cut with "…"
            lines = result.stderr.splitlines()
            assert any(_cut_from(expected, x) for x in lines), result.stderr
            assert all(len(x) <= 160 for x in lines), result.stderr


def test_at_least_thirty_named_cases() -> None:
    assert len(CASES) >= 30 and len({c.name for c in CASES}) == len(CASES)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_and_directory(tmp_path: Path) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(PROVIDER + KEY)
    (tmp_path / "infra" / "main.tf").chmod(0)
    result = run_subprocess("check", str(tmp_path / "infra"))
    assert result.code == 2 and "Traceback" not in result.stderr
    (tmp_path / "infra" / "main.tf").chmod(0o644)
    (tmp_path / "infra").chmod(0)
    try:
        result = run_subprocess("check", str(tmp_path / "infra"))
        assert result.code == 2 and "Traceback" not in result.stderr
    finally:
        (tmp_path / "infra").chmod(0o755)
