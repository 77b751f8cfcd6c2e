"""`--format junit`: JUnit XML, for CI test reports (GitLab merge requests, Jenkins, Azure Pipelines).

Suite `monthly_cost` has one passing case per priced resource (instances' keys right after their instance)
and one for the total, each saying what it costs — the report a reviewer scans. Then one suite per check
that produced a violation: a case per resource (or `total` for account-wide checks), a `<failure>` where
it failed, `<skipped>` with the reason where a skip annotation accepted it, and warnings as passing cases
with the warning in `<system-out>`. Checks that found nothing are not listed: the report cannot tell a
threshold that passed from one that was never configured, and does not pretend to.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from kms_infracost.report import figures

TOTAL = "total"
#: Built-in checks that look at one kind of resource only; the others look at every resource.
SCOPE = {"instance_capacity": "alicloud_kms_instance"}

#: Characters XML 1.0 cannot carry at all, even escaped; a resource key could hold one.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(tree: ET.Element) -> None:
    for element in tree.iter():
        for key, value in element.attrib.items():
            element.set(key, _NOT_XML.sub("\ufffd", value))
        if element.text:
            element.text = _NOT_XML.sub("\ufffd", element.text)


def _case(suite: ET.Element, classname: str, name: str, file: str | None = None, line: int | None = None) -> ET.Element:
    case = ET.SubElement(suite, "testcase", classname=classname, name=name, time="0")
    if file:
        case.set("file", figures.posix_path(file))
        if line:
            case.set("line", str(line))
    return case


def _cost_suite(root: ET.Element, document: dict[str, Any]) -> ET.Element:
    currency = document["currency"]
    suite = ET.SubElement(root, "testsuite", name="monthly_cost")
    for res in document["resources"]:
        case = _case(suite, "monthly_cost", res["address"], res.get("file"), res.get("line"))
        text = f"{res['action']}: {figures.money(res['monthly_cost'], currency)} a month"
        if res.get("past_monthly_cost") is not None:
            text += f" (was {figures.money(res['past_monthly_cost'], currency)})"
        if res.get("instance_address"):
            text += f"; inside {res['instance_address']}"
        ET.SubElement(case, "system-out").text = text
    total = _case(suite, "monthly_cost", TOTAL)
    ET.SubElement(total, "system-out").text = f"monthly KMS cost {figures.total_change(document)}"
    return suite


def _mark(case: ET.Element, violation: dict[str, Any], document: dict[str, Any]) -> None:
    if violation["skipped"]:
        ET.SubElement(case, "skipped", message=f"skipped: {violation['skip_reason']}").text = figures.said(violation, document)
    elif violation.get("severity", "error") == "error":
        failure = ET.SubElement(case, "failure", message=figures.said(violation, document), type=violation["rule"])
        where = violation.get("file")
        failure.text = figures.said(violation, document) + (f"\n{where}:{violation['line']}" if where and violation.get("line") else "")
    else:
        ET.SubElement(case, "system-out").text = f"WARNING: {figures.said(violation, document)}"


def _check_suite(root: ET.Element, document: dict[str, Any], rule: str) -> ET.Element:
    suite = ET.SubElement(root, "testsuite", name=rule)
    found = [v for v in document["violations"] if v["rule"] == rule]
    by_address: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (project, address): roots repeat addresses
    for violation in found:
        by_address.setdefault((violation.get("project") or ".", violation.get("address") or TOTAL), []).append(violation)
    listed: set[tuple[str, str]] = set()
    if any(v.get("address") for v in found):  # a per-resource check: every resource was looked at
        for res in document["resources"]:
            if SCOPE.get(rule, res["type"]) != res["type"]:
                continue
            key = (res.get("project") or ".", res["address"])
            listed.add(key)
            hits = by_address.get(key, [])
            for violation in hits or [None]:  # type: ignore[list-item]
                case = _case(suite, rule, res["address"], res.get("file"), res.get("line"))
                if violation is not None:
                    _mark(case, violation, document)
    for key, hits in by_address.items():  # the total, or an address the resources do not list
        if key in listed:
            continue
        address = key[1]
        for violation in hits:
            _mark(_case(suite, rule, address, violation.get("file"), violation.get("line")), violation, document)
    return suite


def _count(suite: ET.Element) -> tuple[int, int, int]:
    cases = suite.findall("testcase")
    failures = sum(1 for c in cases if c.find("failure") is not None)
    skips = sum(1 for c in cases if c.find("skipped") is not None)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skips))
    suite.set("time", "0")
    return len(cases), failures, skips


def render(document: dict[str, Any], verbose: bool = False) -> str:
    root = ET.Element("testsuites", name="kms-infracost")
    suites = [_cost_suite(root, document)]
    rules: list[str] = []
    for violation in document.get("violations", []):
        if violation["rule"] not in rules:
            rules.append(violation["rule"])
    suites.extend(_check_suite(root, document, rule) for rule in rules)
    totals = [_count(suite) for suite in suites]
    root.set("tests", str(sum(t[0] for t in totals)))
    root.set("failures", str(sum(t[1] for t in totals)))
    root.set("errors", "0")
    root.set("skipped", str(sum(t[2] for t in totals)))
    root.set("time", "0")
    _clean(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
