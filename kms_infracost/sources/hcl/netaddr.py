"""Terraform's cidr* functions: address arithmetic on integers, written the way Go prints addresses.

Terraform accepts a prefix whose host bits are set (`10.12.127.5/20` means `10.12.112.0/20`), counts host
numbers from the end when they are negative, and prints IPv6 addresses as Go does (RFC 5952: the longest
run of two or more zero groups becomes `::`, a single zero group stays `0`).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from kms_infracost.sources.hcl.values import EvalError, number, to_string


class _Prefix:
    __slots__ = ("bits", "length", "network", "version")

    def __init__(self, text: str, fn: str) -> None:
        try:
            net = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise EvalError(f"{fn}: {text!r} is not a CIDR prefix (such as 10.0.0.0/16)") from None
        self.version, self.bits, self.length = net.version, net.max_prefixlen, net.prefixlen
        self.network = int(net.network_address)

    def text(self, address: int) -> str:
        if self.version == 4:
            return str(ipaddress.IPv4Address(address))
        return ipv6_text(address)


def ipv6_text(address: int) -> str:
    groups = [(address >> (16 * (7 - i))) & 0xFFFF for i in range(8)]
    best_start, best_len, start = -1, 0, -1
    for i in range(9):
        if i < 8 and groups[i] == 0:
            if start < 0:
                start = i
        elif start >= 0:
            if i - start > best_len:
                best_start, best_len = start, i - start
            start = -1
    words = [format(g, "x") for g in groups]
    if best_len < 2:
        return ":".join(words)
    return ":".join(words[:best_start]) + "::" + ":".join(words[best_start + best_len :])


def _whole(value: Any, fn: str) -> int:
    n = number(value)
    if not isinstance(n, int):
        raise EvalError(f"{fn}: a whole number is required, got {n}")
    return n


def f_cidrhost(prefix: Any, hostnum: Any) -> str:
    net = _Prefix(to_string(prefix), "cidrhost")
    size = 1 << (net.bits - net.length)
    host = _whole(hostnum, "cidrhost")
    if host < 0:
        host += size
    if not 0 <= host < size:
        raise EvalError(f"cidrhost: prefix {to_string(prefix)} has no host number {_whole(hostnum, 'cidrhost')}")
    return net.text(net.network + host)


def f_cidrnetmask(prefix: Any) -> str:
    net = _Prefix(to_string(prefix), "cidrnetmask")
    if net.version != 4:
        raise EvalError("cidrnetmask: only IPv4 prefixes have a netmask")
    mask = ((1 << net.length) - 1) << (32 - net.length)
    return str(ipaddress.IPv4Address(mask))


def f_cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> str:
    net = _Prefix(to_string(prefix), "cidrsubnet")
    extra, index = _whole(newbits, "cidrsubnet"), _whole(netnum, "cidrsubnet")
    length = net.length + extra
    if extra < 0 or length > net.bits:
        raise EvalError(f"cidrsubnet: cannot extend a /{net.length} prefix by {extra} bits")
    if not 0 <= index < (1 << extra):
        raise EvalError(f"cidrsubnet: prefix extended by {extra} bits has no network number {index}")
    return f"{net.text(net.network + (index << (net.bits - length)))}/{length}"


def f_cidrsubnets(prefix: Any, *newbits: Any) -> list[str]:
    """Consecutive subnets, each aligned to its own size after the previous one (Terraform's rule)."""
    net = _Prefix(to_string(prefix), "cidrsubnets")
    if not newbits:
        return []
    full = (1 << net.bits) - 1

    def mask(length: int) -> int:
        return full ^ ((1 << (net.bits - length)) - 1)

    first = net.length + _whole(newbits[0], "cidrsubnets")
    current, current_len = ((net.network - 1) & full) & mask(min(first, net.bits)), first
    out: list[str] = []
    for i, item in enumerate(newbits):
        extra = _whole(item, "cidrsubnets")
        length = net.length + extra
        if extra < 1 or length > net.bits:
            raise EvalError(f"cidrsubnets: argument {i + 2} must extend the prefix by 1 to {net.bits - net.length} bits")
        last = current | (full ^ mask(current_len))
        start = (((last & mask(length)) | (full ^ mask(length))) + 1) & full
        if start == 0 or (start & mask(net.length)) != net.network:
            raise EvalError(f"cidrsubnets: not enough address space in {to_string(prefix)} for argument {i + 2}")
        out.append(f"{net.text(start)}/{length}")
        current, current_len = start, length
    return out
