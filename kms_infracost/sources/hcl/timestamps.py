"""formatdate, timeadd and timecmp: pure functions of the RFC 3339 timestamps they are given.

(timestamp() and plantimestamp() read the clock and stay unknown: see functions.NOT_EVALUATED.)
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from kms_infracost.sources.hcl.values import EvalError, to_string

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))\Z"
)


def parse_timestamp(text: str, fn: str) -> datetime:
    m = _RFC3339.match(text)
    if m is None:
        raise EvalError(f"{fn}: {text!r} is not an RFC 3339 timestamp (such as 2024-01-02T15:04:05Z)")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    if m.group(8):
        zone = UTC
    else:
        offset = timedelta(hours=int(m.group(10)), minutes=int(m.group(11)))
        zone = timezone(-offset if m.group(9) == "-" else offset)
    micro = int((m.group(7) or ".0")[1:7].ljust(6, "0"))
    try:
        return datetime(year, month, day, hour, minute, second, micro, tzinfo=zone)
    except ValueError as exc:
        raise EvalError(f"{fn}: {text!r}: {exc}") from None


def _offset(moment: datetime, colon: bool) -> str:
    delta = moment.utcoffset() or timedelta(0)
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{':' if colon else ''}{mins:02d}"


def rfc3339(moment: datetime) -> str:
    """Go's time.RFC3339 layout: whole seconds, Z for UTC."""
    zone = "Z" if moment.utcoffset() == timedelta(0) else _offset(moment, colon=True)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + zone


_UNITS = {"ns": Decimal("1e-9"), "us": Decimal("1e-6"), "µs": Decimal("1e-6"), "μs": Decimal("1e-6"),
          "ms": Decimal("1e-3"), "s": Decimal(1), "m": Decimal(60), "h": Decimal(3600)}
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_duration(text: str, fn: str) -> timedelta:
    """Go's time.ParseDuration: "1h30m", "-10m", "1.5h", "300ms"."""
    sign, body = (-1, text[1:]) if text.startswith("-") else (1, text.removeprefix("+"))
    if body == "0":
        return timedelta(0)
    seconds, pos = Decimal(0), 0
    while pos < len(body):
        m = _DURATION_PART.match(body, pos)
        if m is None:
            break
        seconds += Decimal(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if not body or pos != len(body):
        raise EvalError(f"{fn}: {text!r} is not a duration (such as \"1h30m\", \"-10m\", \"90s\")")
    return timedelta(seconds=float(sign * seconds))


def f_timeadd(timestamp: Any, duration: Any) -> str:
    moment = parse_timestamp(to_string(timestamp), "timeadd")
    return rfc3339(moment + parse_duration(to_string(duration), "timeadd"))


def f_timecmp(a: Any, b: Any) -> int:
    x, y = parse_timestamp(to_string(a), "timecmp"), parse_timestamp(to_string(b), "timecmp")
    return (x > y) - (x < y)


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_TOKEN = re.compile(r"'(?:[^']|'')*'|'|YYYY|YY|MMMM|MMM|MM|M|DD|D|EEEE|EEE|hh|h|HH|H|AA|aa|mm|m|ss|s|ZZZZZ|ZZZZ|ZZZ|Z|"
                    r"[A-Za-z]+|[^A-Za-z']+")


def f_formatdate(spec: Any, timestamp: Any) -> str:
    moment = parse_timestamp(to_string(timestamp), "formatdate")
    fmt = to_string(spec)
    hour12 = moment.hour % 12 or 12
    fields = {
        "YYYY": f"{moment.year:04d}", "YY": f"{moment.year % 100:02d}",
        "MMMM": _MONTHS[moment.month - 1], "MMM": _MONTHS[moment.month - 1][:3],
        "MM": f"{moment.month:02d}", "M": str(moment.month),
        "DD": f"{moment.day:02d}", "D": str(moment.day),
        "EEEE": _DAYS[moment.weekday()], "EEE": _DAYS[moment.weekday()][:3],
        "hh": f"{moment.hour:02d}", "h": str(moment.hour),
        "HH": f"{hour12:02d}", "H": str(hour12),
        "AA": "PM" if moment.hour >= 12 else "AM", "aa": "pm" if moment.hour >= 12 else "am",
        "mm": f"{moment.minute:02d}", "m": str(moment.minute),
        "ss": f"{moment.second:02d}", "s": str(moment.second),
        "ZZZZZ": _offset(moment, colon=True), "ZZZZ": _offset(moment, colon=False),
        "ZZZ": "UTC" if moment.utcoffset() == timedelta(0) else _offset(moment, colon=False),
        "Z": "Z" if moment.utcoffset() == timedelta(0) else _offset(moment, colon=True),
    }
    out: list[str] = []
    for m in _TOKEN.finditer(fmt):
        token = m.group()
        if token.startswith("'"):
            if token == "'":
                raise EvalError("formatdate: a quoted literal in the format is not closed")
            out.append(token[1:-1].replace("''", "'") if token != "''" else "'")
        elif token in fields:
            out.append(fields[token])
        elif token[0].isalpha():
            raise EvalError(f"formatdate: {token!r} is not a date or time field; quote literal letters ('T')")
        else:
            out.append(token)
    return "".join(out)
