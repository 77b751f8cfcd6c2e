"""`--format sarif`: SARIF 2.1.0, for code scanning (GitHub, GitLab, IDE viewers).

One run; one rule per threshold or rule id that produced a result; one result per violation, at the
resource's file and line when known. A skipped violation stays a result, suppressed externally with the
skip's reason as the justification, so a viewer shows it as dismissed rather than losing it.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from kms_infracost import __version__
from kms_infracost.report import figures

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def artifact_uri(path: str) -> str:
    """A relative path stays relative (forward slashes); an absolute one becomes a file: URI."""
    posix = figures.posix_path(path)
    if posix.startswith("/") or (len(posix) > 2 and posix[1] == ":" and posix[2] == "/"):
        return "file://" + ("" if posix.startswith("/") else "/") + quote(posix)
    return quote(str(PurePosixPath(posix)))


def _level(violation: dict[str, Any]) -> str:
    if violation["skipped"]:
        return "note"
    return "error" if violation.get("severity", "error") == "error" else "warning"


def _result(violation: dict[str, Any], rule_index: int, document: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": violation["rule"],
        "ruleIndex": rule_index,
        "level": _level(violation),
        "message": {"text": figures.said(violation, document)},
    }
    location: dict[str, Any] = {}
    if violation.get("file"):
        physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(violation["file"])}}
        if violation.get("line"):
            physical["region"] = {"startLine": violation["line"]}
        location["physicalLocation"] = physical
    if violation.get("address"):
        location["logicalLocations"] = [{"fullyQualifiedName": violation["address"], "kind": "resource"}]
    if location:
        result["locations"] = [location]
    if violation["skipped"]:
        result["suppressions"] = [{"kind": "external", "justification": violation["skip_reason"] or ""}]
    return result


def sarif_log(document: dict[str, Any]) -> dict[str, Any]:
    violations = document.get("violations", [])
    rule_ids: list[str] = []
    for violation in violations:
        if violation["rule"] not in rule_ids:
            rule_ids.append(violation["rule"])
    rules = []
    for rule_id in rule_ids:
        severities = {v.get("severity", "error") for v in violations if v["rule"] == rule_id}
        rules.append(
            {
                "id": rule_id,
                "name": rule_id,
                "shortDescription": {"text": figures.check_title(rule_id)},
                "defaultConfiguration": {"level": "error" if "error" in severities else "warning"},
            }
        )
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "kms-infracost", "version": __version__, "rules": rules}},
                "results": [_result(v, rule_ids.index(v["rule"]), document) for v in violations],
                "properties": {
                    "currency": document["currency"],
                    "totalMonthlyCost": figures.plain_amount(document["total_monthly_cost"]),
                },
            }
        ],
    }


def render(document: dict[str, Any], verbose: bool = False) -> str:
    return json.dumps(sarif_log(document), indent=2, ensure_ascii=False) + "\n"
