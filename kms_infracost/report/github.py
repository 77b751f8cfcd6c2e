"""`--format github`: GitHub Actions workflow commands, so violations appear on the pull request's diff.

One command per violation — `::error` when it fails the check, `::warning` for warning-severity rules,
`::notice` for a skipped one with its reason — then a `::notice::` with the total. Values are escaped the
way the Actions toolkit escapes them, so a message with a newline or a rule id with a colon cannot end the
command early or forge another one.
"""

from __future__ import annotations

from typing import Any

from kms_infracost.report import figures


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    given = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{name}{' ' + given if given else ''}::{escape_data(message)}"


def _annotation(name: str, violation: dict[str, Any], message: str, title: str) -> str:
    file = violation.get("file")
    return command(
        name,
        message,
        file=figures.posix_path(file) if file else None,
        line=violation.get("line") if file else None,
        title=title,
    )


def render(document: dict[str, Any], verbose: bool = False) -> str:
    lines = [
        _annotation("error", v, figures.said(v, document), f"kms-infracost {v['rule']}") for v in figures.failed(document)
    ]
    lines.extend(_annotation("warning", v, figures.said(v, document), f"kms-infracost {v['rule']}") for v in figures.warned(document))
    lines.extend(
        _annotation("notice", v, f"{figures.said(v, document)} (skipped: {v['skip_reason']})", f"kms-infracost {v['rule']} (skipped)")
        for v in figures.skipped(document)
    )
    lines.append(
        command("notice", f"kms-infracost: monthly KMS cost {figures.total_change(document)}; {figures.outcome(document)}")
    )
    return "\n".join(lines) + "\n"
