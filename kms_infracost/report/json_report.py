"""`--format json`: the estimate document, amounts as JSON numbers written exactly as computed.

msgspec writes the document (a monorepo's is megabytes) about eight times faster than json's C encoder,
and writes each Decimal's own digits: 30 version-days at 0.002 cost 0.060, never a binary float's
rounding. Without msgspec (a platform with no wheel), or for a document it cannot write, json writes the
same layout with amounts through float: the same values, though not always the same digits (0.06).
"""

from __future__ import annotations

import json
from typing import Any

from kms_infracost.document import plain_number_writer


def render(document: dict[str, Any], verbose: bool = False) -> str:
    """One line; indented with -v for reading."""
    encoded = _encoded(document, verbose)
    if encoded is not None:
        return encoded.decode("utf-8") + "\n"
    if verbose:
        return json.dumps(document, indent=2, ensure_ascii=False, default=plain_number_writer()) + "\n"
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False, default=plain_number_writer()) + "\n"


def _encoded(document: dict[str, Any], verbose: bool) -> bytes | None:
    try:
        import msgspec
    except ImportError:  # pragma: no cover - msgspec is a dependency; this keeps a broken install working
        return None
    try:
        encoded = msgspec.json.Encoder(decimal_format="number").encode(document)
    except (TypeError, ValueError, OverflowError):  # a key or value it does not write: json says what
        return None
    return msgspec.json.format(encoded, indent=2) if verbose else encoded
