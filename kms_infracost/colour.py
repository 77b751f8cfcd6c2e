"""Colour for people at a terminal; plain text for pipes, files, CI logs that are not terminals.

Colour is on only when the stream is a terminal, `--no-color` was not given and `NO_COLOR` is unset or
empty (https://no-color.org). Reports stay pure text: colour is laid over the finished text here, line by
line, so what a pipe receives is byte for byte what the tests check.
"""

from __future__ import annotations

import os
import re
from typing import TextIO

RED, YELLOW, GREEN, BOLD, DIM, RESET = "\033[31m", "\033[33m", "\033[32m", "\033[1m", "\033[2m", "\033[0m"

_FAILURE = re.compile(r"^(\S+:\d+: |\S+: )?\[[^\]]+\] |^\s*FAIL |^\d+ checks? failed")
_WARNED = re.compile(r"^\s*WARN |^(\S+: )?warning KI\d{3} ")
_SKIPPED = re.compile(r"^\s*SKIPPED ")
_TOTAL = re.compile(r"^(TOTAL|Total|Project|\S.* total)")


def enabled(stream: TextIO, no_color: bool = False) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def _paint(line: str) -> str:
    if _FAILURE.search(line):
        return f"{RED}{line}{RESET}"
    if _WARNED.search(line):
        return f"{YELLOW}{line}{RESET}"
    if _SKIPPED.search(line):
        return f"{DIM}{line}{RESET}"
    if _TOTAL.search(line):
        return f"{BOLD}{line}{RESET}"
    return line


def paint(text: str) -> str:
    """Failures red, warnings yellow, skipped dim, totals bold; everything else as it was."""
    return "\n".join(_paint(line) if line else line for line in text.split("\n"))
