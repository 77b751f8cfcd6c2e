"""Reports: pure functions from the estimate document (and violations) to text. No pricing here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: render(document, verbose) -> text
Renderer = Callable[[dict[str, Any], bool], str]


def renderer(name: str) -> Renderer:
    if name == "table":
        from kms_infracost.report.table import render
    elif name == "json":
        from kms_infracost.report.json_report import render
    elif name == "markdown":
        from kms_infracost.report.markdown import render
    elif name == "github":
        from kms_infracost.report.github import render
    elif name == "sarif":
        from kms_infracost.report.sarif import render
    elif name == "junit":
        from kms_infracost.report.junit import render
    elif name == "infracost-json":
        from kms_infracost.report.infracost_json import render
    else:  # the CLI only offers the names above
        raise ValueError(name)
    return render


FORMATS = ("table", "json", "markdown", "github", "sarif", "junit", "infracost-json")
