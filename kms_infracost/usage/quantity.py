"""Usage numbers as people write them: 2000000, 2_000_000, "2M", "1.5k"."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_SUFFIX = {"": 1, "k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000, "b": 1_000_000_000, "B": 1_000_000_000}
_PATTERN = re.compile(r"^\s*([0-9][0-9_]*(?:\.[0-9_]+)?)\s*([kKmMbB]?)\s*$")


def parse_quantity(value: object) -> Decimal:
    """A non-negative usage quantity; ValueError with a readable reason otherwise."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"expected a non-negative number, got {value!r}")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    elif isinstance(value, Decimal):
        number = value
    else:
        match = _PATTERN.match(str(value))
        if not match:
            raise ValueError(f"expected a non-negative number such as 2000000, 2_000_000 or 2M, got {value!r}")
        try:
            number = Decimal(match.group(1).replace("_", "")) * _SUFFIX[match.group(2)]
        except InvalidOperation:
            raise ValueError(f"expected a number, got {value!r}") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"expected a non-negative number, got {value!r}")
    return number
