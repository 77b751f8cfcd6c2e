"""Resource addresses as people read them: the instances of one count/for_each block folded into one name.

`alicloud_kms_key.many[0]` … `alicloud_kms_key.many[199]` reads as `alicloud_kms_key.many[0..199] ×200`;
for_each keys as `alicloud_kms_key.k[*] ×3`. Order is kept: each group stands where its first member stood.
"""

from __future__ import annotations

import re

_LAST_INDEX = re.compile(r"^(?P<base>.*)\[(?P<key>[^\[\]]*)\]$")


def split_index(address: str) -> tuple[str, str | None]:
    """`a.b[3]` -> (`a.b`, `3`); `a.b["x"]` -> (`a.b`, `"x"`); no index -> (address, None)."""
    match = _LAST_INDEX.match(address)
    if not match:
        return address, None
    return match.group("base"), match.group("key")


def fold(base: str, keys: list[str]) -> str:
    """The name of several instances of one block."""
    if len(keys) == 1:
        return f"{base}[{keys[0]}]"
    if all(k.isdigit() for k in keys):
        numbers = sorted(int(k) for k in keys)
        if numbers == list(range(numbers[0], numbers[0] + len(numbers))):
            return f"{base}[{numbers[0]}..{numbers[-1]}] ×{len(keys)}"
    return f"{base}[*] ×{len(keys)}"


def collapse(addresses: list[str]) -> list[str]:
    """Addresses with the instances of each block folded (see the module docstring)."""
    groups: dict[str, list[str]] = {}
    order: list[tuple[str, str | None]] = []
    for address in addresses:
        base, key = split_index(address)
        if key is None:
            order.append((address, None))
            continue
        if base not in groups:
            groups[base] = []
            order.append((base, ""))
        groups[base].append(key)
    return [name if key is None else fold(name, groups[name]) for name, key in order]
