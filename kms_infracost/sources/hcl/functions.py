"""Terraform's built-in functions that real configurations use around KMS keys.

Each takes evaluated arguments. An unknown argument makes the result unknown (the evaluator checks that
before the call, except for functions marked `sees_unknown`, which look inside collections themselves).
`try` and `can` are not here: they need the unevaluated expressions (see evaluate.py). Functions that read
files or the clock are deliberately unknown: a cost estimate must not depend on them.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from kms_infracost.sources.hcl.values import (
    MAX_ELEMENTS,
    EvalError,
    LimitError,
    TfSet,
    Unknown,
    describe,
    equal,
    find_unknown,
    is_seq,
    normal,
    number,
    to_bool,
    to_string,
)

Function = Callable[..., Any]


def _list(value: Any, fn: str) -> list[Any]:
    if is_seq(value):
        return list(value)
    raise EvalError(f"{fn}: a list or set is required, got {describe(value)}")


def _map(value: Any, fn: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise EvalError(f"{fn}: a map or object is required, got {describe(value)}")


def _int(value: Any, fn: str) -> int:
    n = number(value)
    if not isinstance(n, int):
        raise EvalError(f"{fn}: a whole number is required, got {n}")
    return n


def f_length(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if is_seq(value) or isinstance(value, dict):
        if isinstance(value, TfSet) and any(isinstance(v, Unknown) for v in value):
            return Unknown("length of a set with unknown elements")  # type: ignore[return-value]
        return len(value)
    raise EvalError(f"length: a string, list, set or map is required, got {describe(value)}")


def f_toset(value: Any) -> TfSet:
    items = _list(value, "toset")
    kinds = {describe(v) for v in items if v is not None and not isinstance(v, Unknown)}
    if len(kinds) > 1 and kinds <= {"string", "number", "bool"}:
        items = [to_string(v) if not isinstance(v, Unknown) else v for v in items]
    return TfSet(items)


def f_tolist(value: Any) -> list[Any]:
    return _list(value, "tolist")


def f_tomap(value: Any) -> dict[str, Any]:
    return dict(_map(value, "tomap"))


def f_merge(*maps: Any) -> Any:
    out: dict[str, Any] = {}
    for item in maps:
        if item is None:
            continue
        out.update(_map(item, "merge"))
    return out


def f_lookup(mapping: Any, key: Any, *default: Any) -> Any:
    table = _map(mapping, "lookup")
    name = to_string(key)
    if name in table:
        return table[name]
    if default:
        return default[0]
    raise EvalError(f"lookup: the map has no key {name!r} and no default was given")


def f_concat(*lists: Any) -> list[Any]:
    out: list[Any] = []
    for item in lists:
        out.extend(_list(item, "concat"))
    return out


def f_flatten(value: Any) -> Any:
    out: list[Any] = []

    def walk(items: Any) -> Unknown | None:
        for item in items:
            if isinstance(item, Unknown):
                return item
            if is_seq(item):
                found = walk(item)
                if found:
                    return found
            else:
                out.append(item)
        return None

    found = walk(_list(value, "flatten"))
    return found if found else out


def f_keys(value: Any) -> list[str]:
    return sorted(_map(value, "keys"))


def f_values(value: Any) -> list[Any]:
    table = _map(value, "values")
    return [table[k] for k in sorted(table)]


def f_range(*args: Any) -> list[Any]:
    nums: list[Any] = [number(a) for a in args]
    start: Any
    stop: Any
    step: Any
    if len(nums) == 1:
        start, stop, step = 0, nums[0], 1
    elif len(nums) == 2:
        start, stop, step = nums[0], nums[1], 1 if nums[1] >= nums[0] else -1
    elif len(nums) == 3:
        start, stop, step = nums
    else:
        raise EvalError("range: one to three arguments are required")
    if step == 0:
        raise EvalError("range: step must not be zero")
    import math

    length = max(0, math.ceil((stop - start) / step))
    if length > MAX_ELEMENTS:
        raise LimitError(f"range({', '.join(str(n) for n in nums)}) makes {length:,} elements, over the limit of {MAX_ELEMENTS:,}")
    out: list[Any] = []
    value = start
    while (step > 0 and value < stop) or (step < 0 and value > stop):
        out.append(normal(value) if isinstance(value, Decimal) else value)
        value += step
    return out


_VERB = re.compile(r"%(?:%|(?:\[(\d+)\])?([-+ #0]*)(\d+)?(?:\.(\d+))?([vdsftqbxXeEgGo]))")


def f_format(spec: Any, *args: Any) -> str:
    fmt = to_string(spec)
    position = 0

    def sub(m: re.Match[str]) -> str:
        nonlocal position
        if m.group() == "%%":
            return "%"
        index, flags, width, precision, verb = m.groups()
        if index:
            position = int(index) - 1
        if position >= len(args):
            raise EvalError(f"format: not enough arguments for {fmt!r}")
        value = args[position]
        position += 1
        if verb in ("s", "v"):
            text = to_string(value) if not isinstance(value, (dict, list, tuple)) else json.dumps(_jsonable(value))
        elif verb == "q":
            text = json.dumps(to_string(value))
        elif verb == "d":
            text = str(_int(value, "format"))
        elif verb in ("f", "e", "E", "g", "G"):
            py = "{:" + (("." + precision) if precision else (".6" if verb in "fFeE" else "")) + verb + "}"
            text = py.format(float(number(value)))
        elif verb == "t":
            text = "true" if to_bool(value) else "false"
        elif verb in ("x", "X", "o", "b"):
            text = format(_int(value, "format"), verb)
        else:
            text = to_string(value)
        if width:
            text = text.ljust(int(width)) if "-" in flags else text.rjust(int(width), "0" if "0" in flags else " ")
        return text

    return _VERB.sub(sub, fmt)


def f_formatlist(spec: Any, *args: Any) -> list[str]:
    lengths = {len(a) for a in args if is_seq(a)}
    if len(lengths) > 1:
        raise EvalError("formatlist: list arguments must have the same length")
    count = lengths.pop() if lengths else 1
    return [f_format(spec, *[a[i] if is_seq(a) else a for a in args]) for i in range(count)]


def f_join(sep: Any, *lists: Any) -> str:
    items: list[Any] = []
    for item in lists:
        items.extend(_list(item, "join"))
    found = find_unknown(items)
    if found:
        return found  # type: ignore[return-value]
    return to_string(sep).join(to_string(v) for v in items)


def f_split(sep: Any, text: Any) -> list[str]:
    s = to_string(text)
    if s == "":
        return [""]
    return s.split(to_string(sep)) if to_string(sep) else list(s)


def f_replace(text: Any, search: Any, replacement: Any) -> str:
    s, pattern, repl = to_string(text), to_string(search), to_string(replacement)
    if len(pattern) >= 2 and pattern.startswith("/") and pattern.endswith("/"):
        py_repl = re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", repl.replace("\\", "\\\\"))
        try:
            return re.sub(pattern[1:-1], py_repl, s)
        except re.error as exc:
            raise EvalError(f"replace: bad regular expression: {exc}") from None
    return s.replace(pattern, repl)


def f_coalesce(*args: Any) -> Any:
    for arg in args:
        if isinstance(arg, Unknown):
            return arg
        if arg is not None and arg != "":
            return arg
    raise EvalError("coalesce: no non-null, non-empty argument")


def f_coalescelist(*args: Any) -> Any:
    for arg in args:
        if is_seq(arg) and len(arg) > 0:
            return list(arg)
    return []


def f_contains(collection: Any, value: Any) -> Any:
    items = _list(collection, "contains")
    if any(equal(v, value) for v in items if not isinstance(v, Unknown)):
        return True
    found = find_unknown(items)
    return found if found else False


def f_element(collection: Any, index: Any) -> Any:
    items = _list(collection, "element")
    if not items:
        raise EvalError("element: the list is empty")
    return items[_int(index, "element") % len(items)]


def f_index(collection: Any, value: Any) -> int:
    for i, item in enumerate(_list(collection, "index")):
        if equal(item, value):
            return i
    raise EvalError("index: the value is not in the list")


def f_zipmap(keys: Any, values: Any) -> dict[str, Any]:
    ks, vs = _list(keys, "zipmap"), _list(values, "zipmap")
    if len(ks) != len(vs):
        raise EvalError("zipmap: keys and values must have the same length")
    found = find_unknown(ks)
    if found:
        return found  # type: ignore[return-value]
    return {to_string(k): v for k, v in zip(ks, vs)}


def f_distinct(value: Any) -> list[Any]:
    out: list[Any] = []
    for item in _list(value, "distinct"):
        if not any(equal(item, seen) for seen in out):
            out.append(item)
    return out


def f_min(*args: Any) -> Any:
    if not args:
        raise EvalError("min: at least one argument is required")
    return min(number(a) for a in args)


def f_max(*args: Any) -> Any:
    if not args:
        raise EvalError("max: at least one argument is required")
    return max(number(a) for a in args)


def f_tostring(value: Any) -> Any:
    if value is None:
        return None
    return to_string(value)


def f_tonumber(value: Any) -> Any:
    if value is None:
        return None
    return number(value)


def f_tobool(value: Any) -> Any:
    if value is None:
        return None
    return to_bool(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if is_seq(value):
        return [_jsonable(v) for v in value]
    return value


def f_jsonencode(value: Any) -> Any:
    found = find_unknown(value)
    if found:
        return found
    return json.dumps(_jsonable(value), separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def f_jsondecode(text: Any) -> Any:
    try:
        return _from_json(json.loads(to_string(text), parse_float=Decimal))
    except ValueError as exc:
        raise EvalError(f"jsondecode: {exc}") from None


def _from_json(value: Any) -> Any:
    if isinstance(value, float):
        return normal(Decimal(str(value)))
    if isinstance(value, Decimal):
        return normal(value)
    if isinstance(value, dict):
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def f_compact(value: Any) -> list[Any]:
    return [v for v in _list(value, "compact") if v is not None and v != ""]


def f_slice(value: Any, start: Any, end: Any) -> list[Any]:
    items = _list(value, "slice")
    a, b = _int(start, "slice"), _int(end, "slice")
    if a < 0 or b > len(items) or a > b:
        raise EvalError("slice: index out of range")
    return items[a:b]


def f_sort(value: Any) -> list[str]:
    return sorted(to_string(v) for v in _list(value, "sort"))


def f_reverse(value: Any) -> list[Any]:
    return list(reversed(_list(value, "reverse")))


def f_one(value: Any) -> Any:
    items = _list(value, "one")
    if len(items) > 1:
        raise EvalError("one: the list has more than one element")
    return items[0] if items else None


def f_sum(value: Any) -> Any:
    items = _list(value, "sum")
    if not items:
        raise EvalError("sum: the list is empty")
    total: Any = 0
    for item in items:
        total += number(item)
    return normal(total) if isinstance(total, Decimal) else total


def f_alltrue(value: Any) -> bool:
    return all(to_bool(v) for v in _list(value, "alltrue"))


def f_anytrue(value: Any) -> bool:
    return any(to_bool(v) for v in _list(value, "anytrue"))


def f_substr(text: Any, offset: Any, length: Any) -> str:
    s = to_string(text)
    start, size = _int(offset, "substr"), _int(length, "substr")
    if start < 0:
        start = max(len(s) + start, 0)
    return s[start:] if size < 0 else s[start : start + size]


def f_trim(text: Any, chars: Any) -> str:
    return to_string(text).strip(to_string(chars))


def f_trimprefix(text: Any, prefix: Any) -> str:
    return to_string(text).removeprefix(to_string(prefix))


def f_trimsuffix(text: Any, suffix: Any) -> str:
    return to_string(text).removesuffix(to_string(suffix))


def f_title(text: Any) -> str:
    return re.sub(r"\b(\w)", lambda m: m.group(1).upper(), to_string(text))


def f_regex(pattern: Any, text: Any) -> Any:
    try:
        m = re.search(to_string(pattern), to_string(text))
    except re.error as exc:
        raise EvalError(f"regex: bad regular expression: {exc}") from None
    if m is None:
        raise EvalError("regex: no match")
    if m.groupdict():
        return dict(m.groupdict())
    if m.groups():
        return list(m.groups())
    return m.group()


def f_chunklist(value: Any, size: Any) -> list[Any]:
    items, n = _list(value, "chunklist"), _int(size, "chunklist")
    if n <= 0:
        return [items]
    return [items[i : i + n] for i in range(0, len(items), n)]


def f_setunion(*sets: Any) -> TfSet:
    return TfSet(v for s in sets for v in _list(s, "setunion"))


def f_setintersection(first: Any, *others: Any) -> TfSet:
    items = _list(first, "setintersection")
    for other in others:
        rest = _list(other, "setintersection")
        items = [v for v in items if any(equal(v, o) for o in rest)]
    return TfSet(items)


def f_setsubtract(a: Any, b: Any) -> TfSet:
    rest = _list(b, "setsubtract")
    return TfSet(v for v in _list(a, "setsubtract") if not any(equal(v, o) for o in rest))


def f_abs(value: Any) -> Any:
    return abs(number(value))


def f_ceil(value: Any) -> int:
    return math.ceil(number(value))


def f_floor(value: Any) -> int:
    return math.floor(number(value))


def _str1(fn: Callable[[str], Any]) -> Function:
    return lambda value: fn(to_string(value))


def _str2(fn: Callable[[str, str], Any]) -> Function:
    return lambda a, b: fn(to_string(a), to_string(b))


FUNCTIONS: dict[str, Function] = {
    "length": f_length,
    "toset": f_toset,
    "tolist": f_tolist,
    "tomap": f_tomap,
    "merge": f_merge,
    "lookup": f_lookup,
    "concat": f_concat,
    "flatten": f_flatten,
    "keys": f_keys,
    "values": f_values,
    "range": f_range,
    "format": f_format,
    "formatlist": f_formatlist,
    "join": f_join,
    "split": f_split,
    "lower": _str1(str.lower),
    "upper": _str1(str.upper),
    "title": f_title,
    "trimspace": _str1(str.strip),
    "chomp": _str1(lambda s: s.rstrip("\r\n")),
    "replace": f_replace,
    "coalesce": f_coalesce,
    "coalescelist": f_coalescelist,
    "contains": f_contains,
    "element": f_element,
    "index": f_index,
    "zipmap": f_zipmap,
    "distinct": f_distinct,
    "min": f_min,
    "max": f_max,
    "tostring": f_tostring,
    "tonumber": f_tonumber,
    "tobool": f_tobool,
    "jsonencode": f_jsonencode,
    "jsondecode": f_jsondecode,
    "compact": f_compact,
    "slice": f_slice,
    "sort": f_sort,
    "reverse": f_reverse,
    "one": f_one,
    "sum": f_sum,
    "alltrue": f_alltrue,
    "anytrue": f_anytrue,
    "substr": f_substr,
    "trim": f_trim,
    "trimprefix": f_trimprefix,
    "trimsuffix": f_trimsuffix,
    "startswith": _str2(str.startswith),
    "endswith": _str2(str.endswith),
    "strcontains": _str2(lambda a, b: b in a),
    "regex": f_regex,
    "chunklist": f_chunklist,
    "setunion": f_setunion,
    "setintersection": f_setintersection,
    "setsubtract": f_setsubtract,
    "abs": f_abs,
    "ceil": f_ceil,
    "floor": f_floor,
}

#: functions that handle unknowns inside their arguments themselves (the others see no unknown at all)
SEES_UNKNOWN = frozenset(
    {"length", "toset", "tolist", "tomap", "merge", "lookup", "concat", "flatten", "keys", "values", "join",
     "coalesce", "coalescelist", "contains", "element", "zipmap", "jsonencode", "compact", "reverse", "slice",
     "one", "setunion", "distinct"}
)

#: functions that read files, the clock or randomness: unknown on purpose
NOT_EVALUATED = frozenset(
    {"file", "fileexists", "fileset", "filebase64", "filemd5", "filesha1", "filesha256", "filesha512",
     "templatefile", "timestamp", "uuid", "uuidv5", "bcrypt", "plantimestamp", "abspath", "pathexpand"}
)


def is_known_shallow(args: list[Any]) -> Unknown | None:
    for arg in args:
        if isinstance(arg, Unknown):
            return arg
    return None
