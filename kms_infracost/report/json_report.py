"""`--format json`: the estimate document with amounts as JSON numbers."""

from __future__ import annotations

import json
from typing import Any

from kms_infracost.pricing.document import plain_numbers


def render(document: dict[str, Any], verbose: bool = False) -> str:
    return json.dumps(plain_numbers(document), indent=2, ensure_ascii=False) + "\n"
