"""`@record`: a dataclass that costs a run less to define.

`dataclasses.dataclass` writes each method it adds (`__init__`, `__repr__`, `__eq__`, and for a frozen
class `__hash__`, `__setattr__`, `__delattr__`) as source text and compiles it, one compile a method, every
time the module is imported; for a class without a docstring it works one out through `inspect.signature`.
The tool defines some forty dataclasses, and on a cold run over a large repository defining them was a
twentieth of the run. Here only what must be compiled for speed or for frozenness is: `__init__` (and a
frozen class's `__setattr__` and `__delattr__`); `__repr__`, `__eq__` and `__hash__` are shared functions
that behave as the generated ones do (fields in order, `repr=False` and `compare=False` honoured, equal
only to an instance of the very same class, a mutable record unhashable). Everything else is the
standard library's: `dataclasses.fields`, `replace`, `asdict` and `field(...)` work unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

_T = TypeVar("_T")


def _values(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving an instance's values of these fields as a tuple (also for none or one)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda item: (one(item),)
    return lambda item: ()


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={value!r}" for name, value in zip(self._record_shown, self._record_repr(self)))
    return f"{self.__class__.__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        values = self._record_compare
        return values(self) == values(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self._record_hash(self))


def _make(cls: type[_T], frozen: bool) -> type[_T]:
    if cls.__doc__ is None:  # dataclass would work out a signature through inspect for it
        cls.__doc__ = cls.__name__
    own = dict(cls.__dict__)
    dataclasses.dataclass(cls, frozen=frozen, repr=False, eq=False)  # the same class, with __init__ (and frozen)
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    shown = [f.name for f in fields if f.repr]
    compared = [f.name for f in fields if f.compare]
    hashed = [f.name for f in fields if (f.compare if f.hash is None else f.hash)]
    made: Any = cls
    made._record_shown = tuple(shown)
    made._record_repr = staticmethod(_values(shown))
    made._record_compare = staticmethod(_values(compared))
    made._record_hash = staticmethod(_values(hashed))
    if "__repr__" not in own:
        made.__repr__ = _repr
    if "__eq__" not in own:
        made.__eq__ = _eq
    explicit_hash = own.get("__hash__", None) is not None or ("__hash__" in own and "__eq__" not in own)
    if not explicit_hash:  # as dataclass: a frozen record hashes its compared fields, a mutable one cannot
        made.__hash__ = _hash if frozen else None
    return cls


@overload
def record(cls: type[_T], /) -> type[_T]: ...


@overload
def record(*, frozen: bool = False) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: type[_T] | None = None, /, *, frozen: bool = False) -> Any:
    """`@record` or `@record(frozen=True)`, where `@dataclass` or `@dataclass(frozen=True)` would be."""
    if cls is None:
        return lambda inner: _make(inner, frozen)
    return _make(cls, frozen)
