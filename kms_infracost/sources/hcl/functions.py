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
    scalar_text,
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


def f_toset(value: Any) -> TfSet:
    return TfSet(_unified(_list(value, "toset")))


def _unified(items: list[Any]) -> list[Any]:
    """Terraform's element type unification: mixed strings, numbers and bools all become strings."""
    kinds = {describe(v) for v in items if v is not None and not isinstance(v, Unknown)}
    if len(kinds) > 1 and kinds <= {"string", "number", "bool"}:
        return [to_string(v) if v is not None and not isinstance(v, Unknown) else v for v in items]
    return items


def f_tolist(value: Any) -> list[Any]:
    return _unified(_list(value, "tolist"))


def f_tomap(value: Any) -> dict[str, Any]:
    table = _map(value, "tomap")
    return dict(zip(table, _unified(list(table.values()))))


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
    """Go's fmt verbs as Terraform's format() applies them to Terraform values."""
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
        align = "<" if "-" in flags else ""
        sign = "+" if "+" in flags else (" " if " " in flags else "")
        zero = "0" if "0" in flags and not align else ""
        size = width or ""
        if verb == "v" and "#" in flags:
            text = encode_json(value)
        elif verb in ("s", "v"):
            text = encode_json(value) if isinstance(value, (dict, list, tuple)) else (
                "null" if value is None else to_string(value))
            if precision is not None:
                text = text[: int(precision)]
        elif verb == "q":
            text = json.dumps(to_string(value), ensure_ascii=False)
        elif verb == "t":
            text = "true" if to_bool(value) else "false"
        elif verb in ("d", "x", "X", "o", "b"):
            alt = "#" if "#" in flags else ""
            return format(_int(value, "format"), f"{align}{sign}{alt}{zero}{size}{'' if verb == 'd' else verb}")
        elif verb == "f":
            return format(_as_big_float(number(value)), f"{align}{sign}{zero}{size}.{precision or 6}f")
        else:  # e E g G
            spec = f"{align}{sign}{zero}{size}" + (f".{precision}" if precision else (".6" if verb in "eE" else ""))
            return format(float(number(value)), spec + verb)
        if size:
            text = text.ljust(int(size)) if align else text.rjust(int(size))
        return text

    return _VERB.sub(sub, fmt)


def _as_big_float(value: int | Decimal) -> Decimal:
    """The number exactly as Terraform holds it, a 512-bit binary float, so that rounding it for %f matches:
    %.2f of 12.345 is 12.34 and of 2.675 is 2.67 (the binary value is just below), of 0.125 is 0.12."""
    if isinstance(value, int) or value == 0:
        return Decimal(value)
    from decimal import localcontext
    from fractions import Fraction

    exact = abs(Fraction(value))
    exponent = exact.numerator.bit_length() - exact.denominator.bit_length() - 511
    while exact / Fraction(2) ** exponent >= 2**512:
        exponent += 1
    while exact / Fraction(2) ** exponent < 2**511:
        exponent -= 1
    binary = round(exact / Fraction(2) ** exponent) * Fraction(2) ** exponent * (1 if value > 0 else -1)
    with localcontext() as ctx:
        ctx.prec = 1200
        return Decimal(binary.numerator) / Decimal(binary.denominator)


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


_EXPAND = re.compile(r"\$(?:\$|\{(\w+)\}|(\w+))")


def f_replace(text: Any, search: Any, replacement: Any) -> str:
    s, pattern, repl = to_string(text), to_string(search), to_string(replacement)
    if len(pattern) >= 2 and pattern.startswith("/") and pattern.endswith("/"):
        compiled = _regex(pattern[1:-1], "replace")

        def expand(m: re.Match[str]) -> str:
            """Go's Regexp.Expand: $$, $name, ${name}; a group that does not exist is empty."""

            def group(g: re.Match[str]) -> str:
                name = g.group(1) or g.group(2)
                if name is None:
                    return "$"
                try:
                    found = m.group(int(name)) if name.isdigit() else m.group(name)
                except IndexError:
                    return ""
                return found or ""

            return _EXPAND.sub(group, repl)

        return compiled.sub(expand, s)
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
    position = _int(index, "element")
    if position < 0:
        raise EvalError("element: the index must not be negative")
    return items[position % len(items)]


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


_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def encode_json(value: Any) -> str:
    """Terraform's JSON: keys sorted, numbers written out in full, <, > and & escaped as Go escapes them."""
    plain = scalar_text(value)
    if plain is not None:
        return plain
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return "".join(_JSON_ESCAPES.get(ch, ch) for ch in text) if re.search("[<>&\u2028\u2029]", text) else text
    if isinstance(value, dict):
        return "{" + ",".join(f"{encode_json(k)}:{encode_json(value[k])}" for k in sorted(value)) + "}"
    if is_seq(value):
        return "[" + ",".join(encode_json(v) for v in value) + "]"
    raise EvalError(f"jsonencode: cannot encode {describe(value)}")


def f_jsonencode(value: Any) -> Any:
    found = find_unknown(value)
    if found:
        return found
    return encode_json(value)


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


_JOINS_NEXT = {0x200D}


def graphemes(text: str) -> list[str]:
    """What a reader sees as one character (Terraform counts these): a base with its combining marks,
    variation selectors, emoji modifiers and zero-width-joined parts, a flag's two letters, CR LF."""
    import unicodedata

    out: list[str] = []
    for ch in text:
        cp = ord(ch)
        if out:
            last = ord(out[-1][-1])
            extends = (
                unicodedata.combining(ch) != 0
                or unicodedata.category(ch) in ("Mn", "Me", "Mc")
                or 0xFE00 <= cp <= 0xFE0F
                or 0xE0100 <= cp <= 0xE01EF
                or 0x1F3FB <= cp <= 0x1F3FF
                or cp == 0x200D
                or last in _JOINS_NEXT
                or (last == 0x0D and cp == 0x0A)
                or (0x1F1E6 <= cp <= 0x1F1FF and 0x1F1E6 <= last <= 0x1F1FF and len(out[-1]) == 1)
            )
            if extends:
                out[-1] += ch
                continue
        out.append(ch)
    return out


def f_length(value: Any) -> int:
    if isinstance(value, str):
        return len(value) if value.isascii() else len(graphemes(value))
    if is_seq(value) or isinstance(value, dict):
        if isinstance(value, TfSet) and any(isinstance(v, Unknown) for v in value):
            return Unknown("length of a set with unknown elements")  # type: ignore[return-value]
        return len(value)
    raise EvalError(f"length: a string, list, set or map is required, got {describe(value)}")


def f_substr(text: Any, offset: Any, length: Any) -> str:
    chars = graphemes(to_string(text))
    start, size = _int(offset, "substr"), _int(length, "substr")
    if start < 0:
        start = max(len(chars) + start, 0)
    return "".join(chars[start:] if size < 0 else chars[start : start + size])


def f_strrev(text: Any) -> str:
    return "".join(reversed(graphemes(to_string(text))))


def f_trim(text: Any, chars: Any) -> str:
    return to_string(text).strip(to_string(chars))


def f_trimprefix(text: Any, prefix: Any) -> str:
    return to_string(text).removeprefix(to_string(prefix))


def f_trimsuffix(text: Any, suffix: Any) -> str:
    return to_string(text).removesuffix(to_string(suffix))


def f_title(text: Any) -> str:
    return re.sub(r"\b(\w)", lambda m: m.group(1).upper(), to_string(text))


def _regex(pattern: str, fn: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise EvalError(f"{fn}: bad regular expression: {exc}") from None


def _match_value(m: re.Match[str]) -> Any:
    """Named groups give an object, other groups a list, no groups the match; an unmatched group is null."""
    if m.re.groupindex:
        return {name: m.group(name) for name in m.re.groupindex}
    if m.re.groups:
        return list(m.groups())
    return m.group()


def f_regex(pattern: Any, text: Any) -> Any:
    m = _regex(to_string(pattern), "regex").search(to_string(text))
    if m is None:
        raise EvalError("regex: the pattern did not match")
    return _match_value(m)


def f_regexall(pattern: Any, text: Any) -> list[Any]:
    return [_match_value(m) for m in _regex(to_string(pattern), "regexall").finditer(to_string(text))]


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


# -- hashes and encodings --------------------------------------------------------------------------


def _digest(name: str, b64: bool = False) -> Function:
    def digest(text: Any) -> str:
        import base64
        import hashlib

        data = hashlib.new(name, to_string(text).encode("utf-8"))
        return base64.b64encode(data.digest()).decode("ascii") if b64 else data.hexdigest()

    return digest


def f_base64encode(text: Any) -> str:
    import base64

    return base64.b64encode(to_string(text).encode("utf-8")).decode("ascii")


def f_base64decode(text: Any) -> str:
    import base64
    import binascii

    try:
        data = base64.b64decode(to_string(text), validate=True)
    except (binascii.Error, ValueError):
        raise EvalError("base64decode: the string is not valid base64") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise EvalError("base64decode: the decoded bytes are not UTF-8 text") from None


def f_urlencode(text: Any) -> str:
    from urllib.parse import quote_plus

    return quote_plus(to_string(text), safe="")


def f_uuidv5(namespace: Any, name: Any) -> str:
    import uuid

    spaces = {"dns": uuid.NAMESPACE_DNS, "url": uuid.NAMESPACE_URL, "oid": uuid.NAMESPACE_OID,
              "x500": uuid.NAMESPACE_X500}
    key = to_string(namespace)
    space = spaces.get(key)
    if space is None:
        try:
            space = uuid.UUID(key)
        except ValueError:
            raise EvalError(f"uuidv5: namespace must be dns, url, oid, x500 or a UUID, got {key!r}") from None
    return str(uuid.uuid5(space, to_string(name)))


# -- paths (no file is read: Go's path rules on the text) ----------------------------------------


def _clean(path: str) -> str:
    import posixpath

    if not path:
        return "."
    cleaned = posixpath.normpath(path)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def f_basename(path: Any) -> str:
    text = to_string(path)
    if text == "":
        return "."
    stripped = text.rstrip("/")
    if stripped == "":
        return "/"
    return stripped.rsplit("/", 1)[-1]


def f_dirname(path: Any) -> str:
    text = to_string(path)
    return _clean(text[: text.rfind("/") + 1])


# -- numbers ---------------------------------------------------------------------------------------


def _from_float(value: float, fn: str) -> Any:
    if not math.isfinite(value):
        raise EvalError(f"{fn}: the result is not a finite number")
    return normal(Decimal(repr(value)))


def f_log(value: Any, base: Any) -> Any:
    try:
        return _from_float(math.log(float(number(value))) / math.log(float(number(base))), "log")
    except (ValueError, ZeroDivisionError):
        raise EvalError("log: the result is not a finite number") from None


def f_pow(value: Any, power: Any) -> Any:
    try:
        return _from_float(math.pow(float(number(value)), float(number(power))), "pow")
    except (OverflowError, ValueError, ZeroDivisionError):
        raise EvalError("pow: the result is not a finite number") from None


def f_signum(value: Any) -> int:
    n = _int(value, "signum")
    return (n > 0) - (n < 0)


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def f_parseint(text: Any, base: Any) -> int:
    s, radix = to_string(text), _int(base, "parseint")
    if not 2 <= radix <= 62:
        raise EvalError(f"parseint: the base must be from 2 to 62, got {radix}")
    sign, digits = (-1, s[1:]) if s.startswith("-") else (1, s.removeprefix("+"))
    if radix <= 36:
        digits = digits.lower()
    if not digits or any(ch not in _DIGITS[:radix] for ch in digits):
        raise EvalError(f"parseint: {s!r} is not a whole number in base {radix}")
    total = 0
    for ch in digits:
        total = total * radix + _DIGITS.index(ch)
    return sign * total


# -- collections -----------------------------------------------------------------------------------


def f_setproduct(*collections: Any) -> Any:
    if not collections:
        raise EvalError("setproduct: at least one argument is required")
    lists = [_list(c, "setproduct") for c in collections]
    size = math.prod(len(items) for items in lists)
    if size > MAX_ELEMENTS:
        raise LimitError(f"setproduct makes {size:,} elements, over the limit of {MAX_ELEMENTS:,}")
    import itertools

    product = [list(combo) for combo in itertools.product(*lists)]
    return TfSet(product) if all(isinstance(c, TfSet) for c in collections) else product


def f_matchkeys(values: Any, keys: Any, searchset: Any) -> list[Any]:
    items, names, wanted = _list(values, "matchkeys"), _list(keys, "matchkeys"), _list(searchset, "matchkeys")
    if len(items) != len(names):
        raise EvalError("matchkeys: values and keys must have the same length")
    return [v for v, k in zip(items, names) if any(equal(k, w) for w in wanted)]


def f_transpose(value: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    table = _map(value, "transpose")
    for key in sorted(table):
        for item in _list(table[key], "transpose"):
            out.setdefault(to_string(item), []).append(key)
    return out


def f_identity(value: Any) -> Any:
    """sensitive, nonsensitive, ephemeralasnull: kms-infracost tracks no marks on values (see issensitive)."""
    return value


def f_indent(spaces: Any, text: Any) -> str:
    return to_string(text).replace("\n", "\n" + " " * _int(spaces, "indent"))


def _lazy(module: str, name: str) -> Function:
    """A function whose code (and imports) load on first call, so a run that never calls it stays fast."""

    def call(*args: Any) -> Any:
        import importlib

        return getattr(importlib.import_module(module), name)(*args)

    return call


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
    "base64encode": f_base64encode,
    "base64decode": f_base64decode,
    "base64sha256": _digest("sha256", b64=True),
    "base64sha512": _digest("sha512", b64=True),
    "md5": _digest("md5"),
    "sha1": _digest("sha1"),
    "sha256": _digest("sha256"),
    "sha512": _digest("sha512"),
    "urlencode": f_urlencode,
    "uuidv5": f_uuidv5,
    "basename": f_basename,
    "dirname": f_dirname,
    "log": f_log,
    "pow": f_pow,
    "signum": f_signum,
    "parseint": f_parseint,
    "setproduct": f_setproduct,
    "matchkeys": f_matchkeys,
    "transpose": f_transpose,
    "sensitive": f_identity,
    "nonsensitive": f_identity,
    "ephemeralasnull": f_identity,
    "indent": f_indent,
    "regexall": f_regexall,
    "strrev": f_strrev,
    "textencodebase64": _lazy("kms_infracost.sources.hcl.encodings", "f_textencodebase64"),
    "textdecodebase64": _lazy("kms_infracost.sources.hcl.encodings", "f_textdecodebase64"),
    "csvdecode": _lazy("kms_infracost.sources.hcl.encodings", "f_csvdecode"),
    "yamldecode": _lazy("kms_infracost.sources.hcl.encodings", "f_yamldecode"),
    "yamlencode": _lazy("kms_infracost.sources.hcl.encodings", "f_yamlencode"),
    "rsadecrypt": _lazy("kms_infracost.sources.hcl.encodings", "f_rsadecrypt"),
    "cidrhost": _lazy("kms_infracost.sources.hcl.netaddr", "f_cidrhost"),
    "cidrnetmask": _lazy("kms_infracost.sources.hcl.netaddr", "f_cidrnetmask"),
    "cidrsubnet": _lazy("kms_infracost.sources.hcl.netaddr", "f_cidrsubnet"),
    "cidrsubnets": _lazy("kms_infracost.sources.hcl.netaddr", "f_cidrsubnets"),
    "formatdate": _lazy("kms_infracost.sources.hcl.timestamps", "f_formatdate"),
    "timeadd": _lazy("kms_infracost.sources.hcl.timestamps", "f_timeadd"),
    "timecmp": _lazy("kms_infracost.sources.hcl.timestamps", "f_timecmp"),
}

#: functions that handle unknowns inside their arguments themselves (the others see no unknown at all)
SEES_UNKNOWN = frozenset(
    {"length", "toset", "tolist", "tomap", "merge", "lookup", "concat", "flatten", "keys", "values", "join",
     "coalesce", "coalescelist", "contains", "element", "zipmap", "jsonencode", "compact", "reverse", "slice",
     "one", "setunion", "distinct", "sensitive", "nonsensitive", "ephemeralasnull", "setproduct"}
)

_FILES = "it reads files, which a cost estimate must not depend on"
_CLOCK = "it changes on every run"
#: functions deliberately left unknown, with why (Terraform 1.11's impure functions, and one whose exact
#: output is Go's compressor's)
NOT_EVALUATED: dict[str, str] = {
    **{name: _FILES for name in ("file", "fileexists", "fileset", "filebase64", "filebase64sha256",
                                  "filebase64sha512", "filemd5", "filesha1", "filesha256", "filesha512",
                                  "templatefile")},
    **{name: _CLOCK for name in ("timestamp", "plantimestamp", "uuid", "bcrypt")},
    "abspath": "its result depends on where it runs",
    "pathexpand": "its result depends on where it runs (the home directory)",
    "base64gzip": "its bytes are Go's compressor's, which kms-infracost does not reproduce",
}


def is_known_shallow(args: list[Any]) -> Unknown | None:
    for arg in args:
        if isinstance(arg, Unknown):
            return arg
    return None
