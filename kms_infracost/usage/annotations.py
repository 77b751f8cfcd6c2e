"""Inline usage annotations: `# kms-infracost: monthly_api_calls=2M key_versions=3` on or in a resource block.

They sit where the key is written, so they win over every usage-file entry. Comments may use `#`, `//` or
`/* */`; several keys per line and several lines are fine; a misspelt key is an error naming the closest.
"""

from __future__ import annotations

import re
import shlex
from decimal import Decimal
from pathlib import Path

from kms_infracost import model
from kms_infracost.errors import UserError, did_you_mean
from kms_infracost.records import field, record
from kms_infracost.runmemo import abspath, table
from kms_infracost.sources.blocks import scan_blocks
from kms_infracost.sources.hcl.scan import ANNOTATION_MARK
from kms_infracost.usage.quantity import parse_quantity

NUMBER_KEYS = ("monthly_api_calls", "key_versions", "peak_qps", "secrets")
FLAG_KEYS = ("service_key",)
OTHER_KEYS = ("skip", "reason")
ALL_KEYS = NUMBER_KEYS + FLAG_KEYS + OTHER_KEYS

_MARK = re.compile(r"kms-infracost:(.*)$")
_COMMENT_LINE = re.compile(r"^\s*(#|//|/\*|\*)")


@record
class Skip:
    rule: str
    reason: str
    line: int


@record
class Annotation:
    file: str
    values: dict[str, Decimal] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    service_key: bool | None = None
    skips: list[Skip] = field(default_factory=list)

    def source(self, key: str) -> str:
        return f"annotation {self.file}:{self.lines[key]}"


def _comment_start(line: str) -> int | None:
    """Where a comment begins on this line, outside any string."""
    in_string = False
    i = 0
    while i < len(line):
        ch = line[i]
        if in_string:
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "#" or line.startswith("//", i) or line.startswith("/*", i):
            return i
        i += 1
    return None


def _comment_text(line: str, in_block_comment: bool) -> str | None:
    """The `kms-infracost:` payload of a line when it sits in a comment."""
    if in_block_comment:
        found = _MARK.search(line)
    else:
        start = _comment_start(line)
        found = _MARK.search(line, start) if start is not None else None
    if not found:
        return None
    payload = found.group(1)
    end = payload.find("*/")
    return payload[:end] if end >= 0 else payload


def _lines_above(lines: list[str], start: int) -> list[int]:
    """1-based numbers of the comment lines directly above line `start` (no blank line between)."""
    numbers: list[int] = []
    index = start - 2
    in_block = False
    while index >= 0:
        text = lines[index]
        stripped = text.strip()
        if stripped.endswith("*/") and not stripped.startswith(("#", "//")):
            in_block = "/*" not in stripped
        elif in_block and "/*" in stripped:
            in_block = False
        elif not in_block and not _COMMENT_LINE.match(text):
            break
        numbers.append(index + 1)
        index -= 1
    return sorted(numbers)


def parse_annotation_lines(lines: list[str], start: int, end: int, file: str) -> Annotation:
    annotation = Annotation(file=file)
    candidates = _lines_above(lines, start) + list(range(start, end + 1))
    in_block = False
    for number in candidates:
        text = lines[number - 1]
        payload = _comment_text(text, in_block or text.strip().startswith("*"))
        if "/*" in text and "*/" not in text.split("/*", 1)[1]:
            in_block = True
        elif "*/" in text:
            in_block = False
        if payload is None:
            continue
        _parse_payload(payload, number, annotation)
    return annotation


def _parse_payload(payload: str, line: int, annotation: Annotation) -> None:
    file = annotation.file
    try:
        tokens = shlex.split(payload, comments=False, posix=True)
    except ValueError as exc:
        raise UserError(f"kms-infracost annotation does not parse: {exc}", file, line) from None
    pairs: dict[str, str] = {}
    for token in tokens:
        if "=" not in token:
            raise UserError(
                f"kms-infracost annotation {token!r} is not key=value (e.g. monthly_api_calls=2M)", file, line
            )
        key, value = token.split("=", 1)
        if key not in ALL_KEYS:
            raise UserError(f"unknown kms-infracost annotation key {key!r}{did_you_mean(key, ALL_KEYS)}", file, line)
        pairs[key] = value
    for key, value in pairs.items():
        if key in NUMBER_KEYS:
            try:
                annotation.values[key] = parse_quantity(value)
            except ValueError as exc:
                raise UserError(f"kms-infracost annotation {key}: {exc}", file, line) from None
            annotation.lines[key] = line
        elif key == "service_key":
            if value.lower() not in ("true", "false"):
                raise UserError(f"kms-infracost annotation service_key must be true or false, got {value!r}", file, line)
            annotation.service_key = value.lower() == "true"
            annotation.lines[key] = line
    if "reason" in pairs and "skip" not in pairs:
        raise UserError("kms-infracost annotation has a reason but no skip=<rule-or-threshold-id>", file, line)
    if "skip" in pairs:
        reason = pairs.get("reason", "").strip()
        if not reason:
            raise UserError(
                f'kms-infracost skip={pairs["skip"]} needs a reason: add reason="why this is accepted"', file, line
            )
        for rule in (r.strip() for r in pairs["skip"].split(",")):
            if rule:
                annotation.skips.append(Skip(rule=rule, reason=reason, line=line))


def _read_lines(path: str) -> list[str] | None:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None


def collect_annotations(resources: list[model.Resource]) -> dict[tuple[str, str], Annotation]:
    """Annotations of every resource whose block is known (file and line), by (root, address)."""
    # a file's lines and blocks, read once a run (a module's file serves every root that calls it)
    by_file: dict[str, tuple[list[str], dict[int, tuple[int, int]]]] = table("annotated files")
    unannotated = table("unannotated")  # files this run read whole and found no annotation in
    found: dict[tuple[str, str], Annotation] = {}
    for resource in resources:
        if not resource.file or not resource.line:
            continue
        if resource.file not in by_file and abspath(resource.file) in unannotated:
            by_file[resource.file] = ([], {})
        if resource.file not in by_file:
            lines = _read_lines(resource.file)
            if lines is None:
                continue
            text = "\n".join(lines)
            # most files carry no annotation at all: a substring test spares them the block scan
            spans = (
                {b.start: (b.start, b.end) for b in scan_blocks(text, resource.file)}
                if ANNOTATION_MARK in text
                else {}
            )
            by_file[resource.file] = (lines, spans)
        lines, spans = by_file[resource.file]
        span = spans.get(resource.line)
        if span is None:
            continue
        annotation = parse_annotation_lines(lines, span[0], span[1], resource.file)
        if annotation.values or annotation.skips or annotation.service_key is not None:
            found[resource.uid] = annotation
    return found
