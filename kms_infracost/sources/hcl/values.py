"""Terraform values in Python, and the one thing plain Python lacks: a value known only after apply.

str, bool, None, int / Decimal (numbers), list (tuples and lists), TfSet (sets: sorted, no duplicates),
dict (objects and maps), Unknown.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

#: no block expands to more instances, and no collection function builds more elements, than this:
#: a typo such as `count = 1000000000` must be a clear error, not an hour of work or an out-of-memory
MAX_ELEMENTS = 10_000


class LimitError(Exception):
    """A size over MAX_ELEMENTS; not an EvalError, so `try()` and unknowns never hide it."""


class EvalError(Exception):
    """An expression Terraform would reject (wrong type, missing key …); `try` and `can` catch it."""


class Unknown:
    """A value Terraform knows only after apply, or that this tool cannot know; says why."""

    __slots__ = ("reason", "source")

    def __init__(self, reason: str, source: str | None = None) -> None:
        self.reason = reason
        #: the one resource instance this is (an attribute of), e.g. `each.value.id` under
        #: `for_each = alicloud_kms_key.k`: lets a key version find its key through for_each and for
        self.source = source

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"


class TfSet(tuple):  # type: ignore[type-arg]
    """A set: Terraform orders strings lexically and numbers numerically."""

    def __new__(cls, items: Any = ()) -> TfSet:  # noqa: PYI034 - subclasses are not made
        unique: list[Any] = []
        for item in items:
            if not any(_same(item, seen) for seen in unique):
                unique.append(item)
        unknown = [u for u in unique if isinstance(u, Unknown)]
        known = [k for k in unique if not isinstance(k, Unknown)]
        try:
            known.sort(key=_sort_key)
        except TypeError:
            pass
        return super().__new__(cls, known + unknown)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return a is b
    return type(a) is type(b) and a == b or (is_number(a) and is_number(b) and a == b)


def _sort_key(value: Any) -> Any:
    if is_number(value):
        return (0, value, "")
    if isinstance(value, str):
        return (1, 0, value)
    return (2, 0, str(value))


def is_number(value: Any) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def is_seq(value: Any) -> bool:
    return isinstance(value, (list, tuple))


def number(value: Any) -> int | Decimal:
    """A number from a number or its string form; EvalError otherwise."""
    if is_number(value):
        return normal(value)
    if isinstance(value, str):
        try:
            return normal(Decimal(value.strip()))
        except InvalidOperation:
            pass
    raise EvalError(f"a number is required, got {describe(value)}")


def normal(value: int | Decimal) -> int | Decimal:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise EvalError("number is not finite")
        if value == value.to_integral_value():
            return int(value)
        return value.normalize()
    return value


def to_string(value: Any) -> str:
    """Terraform's automatic conversion of a primitive to string."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if value is None:
        raise EvalError("a null value cannot be used as a string")
    raise EvalError(f"a string is required, got {describe(value)}")


def scalar_text(value: Any) -> str | None:
    """null, a bool or a number as JSON and YAML write them; None for anything else."""
    if value is None:
        return "null"
    if isinstance(value, bool) or is_number(value):
        return to_string(value)
    return None


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    raise EvalError(f"a bool is required, got {describe(value)}")


def describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, TfSet):
        return "set"
    if is_seq(value):
        return "list"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, Unknown):
        return "unknown value"
    return type(value).__name__


def find_unknown(value: Any) -> Unknown | None:
    """The first unknown anywhere inside a value."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        for item in value.values():
            found = find_unknown(item)
            if found:
                return found
    elif is_seq(value):
        for item in value:
            found = find_unknown(item)
            if found:
                return found
    return None


def equal(a: Any, b: Any) -> bool:
    if is_number(a) and is_number(b):
        return bool(a == b)
    if type(a) is not type(b):
        if is_seq(a) and is_seq(b) and isinstance(a, TfSet) == isinstance(b, TfSet):
            pass
        else:
            return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if is_seq(a):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    return bool(a == b)


def plain(value: Any) -> Any:
    """A value for a ResourceRecord: nested unknowns become None, sets and tuples lists."""
    if isinstance(value, Unknown):
        return None
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if is_seq(value):
        return [plain(v) for v in value]
    return value


# -- type constraints -------------------------------------------------------------------------------

_PRIMITIVES = ("string", "number", "bool")


def type_of(node: Any) -> Any:
    """A type constraint node (`list(string)`, `object({a = number})`) to a small structure.

    Returns "string" | "number" | "bool" | "any" | ("list"|"set"|"map", T) | ("object", {attr: (T, optional,
    default node)}) | ("tuple", [T, ...]).
    """
    if node is None:
        return "any"
    kind = node[0]
    if kind == "V":
        return node[1] if node[1] in (*_PRIMITIVES, "any") else "any"
    if kind == "L" and isinstance(node[1], str):  # legacy quoted types: "string", "list", "map"
        return {"list": ("list", "any"), "map": ("map", "any")}.get(node[1], node[1] if node[1] in _PRIMITIVES else "any")
    if kind == "F":
        name, args = node[1], node[2]
        if name in ("list", "set", "map") and args:
            return (name, type_of(args[0]))
        if name == "optional" and args:
            return type_of(args[0])
        if name == "object" and args and args[0][0] == "OB":
            attrs: dict[str, Any] = {}
            for key, value in args[0][1]:
                attr = key[1] if key[0] in ("V", "L") else str(key)
                optional = value[0] == "F" and value[1] == "optional"
                default = value[2][1] if optional and len(value[2]) > 1 else None
                attrs[str(attr)] = (type_of(value), optional, default)
            return ("object", attrs)
        if name == "tuple" and args and args[0][0] == "TU":
            return ("tuple", [type_of(t) for t in args[0][1]])
    return "any"


def is_primitive(kind: Any) -> bool:
    return kind in _PRIMITIVES


def convert(value: Any, kind: Any, evaluate_default: Any = None) -> Any:
    """Terraform's conversion of a value to a type constraint; EvalError when it cannot."""
    if isinstance(value, Unknown) or value is None or kind == "any":
        return value
    if kind == "string":
        if isinstance(value, (str, bool)) or is_number(value):
            return to_string(value)
        raise EvalError(f"a string is required, got {describe(value)}")
    if kind == "number":
        return number(value)
    if kind == "bool":
        return to_bool(value)
    if isinstance(kind, tuple):
        outer = kind[0]
        if outer in ("list", "set"):
            if not is_seq(value):
                raise EvalError(f"a {outer} is required, got {describe(value)}")
            items = [convert(v, kind[1], evaluate_default) for v in value]
            return TfSet(items) if outer == "set" else items
        if outer == "map":
            if not isinstance(value, dict):
                raise EvalError(f"a map is required, got {describe(value)}")
            return {k: convert(v, kind[1], evaluate_default) for k, v in value.items()}
        if outer == "tuple":
            if not is_seq(value) or len(value) != len(kind[1]):
                raise EvalError(f"a tuple of {len(kind[1])} elements is required")
            return [convert(v, t, evaluate_default) for v, t in zip(value, kind[1])]
        if outer == "object":
            if not isinstance(value, dict):
                raise EvalError(f"an object is required, got {describe(value)}")
            out: dict[str, Any] = {}
            for attr, (attr_kind, optional, default) in kind[1].items():
                if attr in value and value[attr] is not None:
                    out[attr] = convert(value[attr], attr_kind, evaluate_default)
                elif optional:
                    fallback = evaluate_default(default) if default is not None and evaluate_default else None
                    out[attr] = convert(fallback, attr_kind, evaluate_default)
                elif attr in value:
                    out[attr] = None
                else:
                    raise EvalError(f"attribute {attr!r} is required")
            return out
    return value
