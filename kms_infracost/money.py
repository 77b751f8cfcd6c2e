"""How amounts are written for people, the same in notes, violations and every report.

Two decimals, thousands separated; a non-zero amount too small for two decimals keeps its digits, so
0.00225 USD of API calls is never shown as 0.00. Exact Decimals stay in the data; this is display only.
"""

from __future__ import annotations

from decimal import Decimal

CENT = Decimal("0.01")


def amount(value: Decimal | None) -> str:
    if value is None:
        return "-"
    rounded = value.quantize(CENT)
    if rounded == 0 and value != 0:
        return f"{value.normalize():f}"
    return f"{rounded:,}"


def money(value: Decimal | None, currency: str) -> str:
    return "-" if value is None else f"{amount(value)} {currency}"
