"""`@record`: the part of `@dataclass` the tool uses, at a fraction of the cost of defining a class.

A run defines some fifty record classes before it reads a file. `dataclasses` costs a cold run about
30 ms for them: importing it brings `inspect`, `ast`, `dis` and `tokenize`; each class then has its
annotations matched by regular expressions and up to six methods written as source and compiled.

Here a class's fields are read from its annotations (and its record bases') without a regular
expression; `__repr__`, `__eq__`, `__hash__` and a frozen class's `__setattr__`/`__delattr__` are shared
functions; `__init__` is still compiled, as it must be to make instances quickly, but only when the
class is first instantiated, so a class a run never builds costs nothing more.

What the tool relies on behaves as with dataclass: `__init__` takes the fields in order, base classes'
first; `field(default=..., default_factory=..., init=..., repr=..., compare=..., hash=...)`;
`__post_init__`; `ClassVar` annotations are not fields; `repr` shows the fields in order; instances are
equal only to instances of the very same class with equal compared fields; a frozen record hashes its
compared fields and refuses assignment (`FrozenInstanceError`), a mutable one is unhashable. `fields`,
`replace` and `asdict` here stand in for the `dataclasses` functions of those names.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

_T = TypeVar("_T")


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
_FACTORY: Any = type("_Factory", (_Missing,), {"__slots__": (), "__repr__": lambda self: "<factory>"})()


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen record (as `dataclasses.FrozenInstanceError`)."""


class Field:
    """One field of a record: what `field(...)` was given, and the name once the class is made."""

    __slots__ = ("compare", "default", "default_factory", "hash", "init", "name", "repr")

    def __init__(self, default: Any, default_factory: Any, init: bool, repr: bool, compare: bool, hash: bool | None) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.compare = compare
        self.hash = hash

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r}, default_factory={self.default_factory!r})"


@overload
def field(*, default: _T, init: bool = True, repr: bool = True, compare: bool = True, hash: bool | None = None) -> _T: ...


@overload
def field(*, default_factory: Callable[[], _T], init: bool = True, repr: bool = True, compare: bool = True,
          hash: bool | None = None) -> _T: ...


@overload
def field(*, init: bool = True, repr: bool = True, compare: bool = True, hash: bool | None = None) -> Any: ...


def field(*, default: Any = MISSING, default_factory: Any = MISSING, init: bool = True, repr: bool = True,
          compare: bool = True, hash: bool | None = None) -> Any:
    """A field with more said about it than a plain default, as `dataclasses.field`."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, init, repr, compare, hash)


def fields(item: Any) -> tuple[Field, ...]:
    """A record's (or record class's) fields in order."""
    try:
        return tuple(item.__record_fields__.values())
    except AttributeError:
        raise TypeError(f"{item!r} is not a record") from None


def is_record(item: Any) -> bool:
    return hasattr(item, "__record_fields__")


def replace(item: _T, /, **changes: Any) -> _T:
    """A new record of the same class with these fields changed (`init=False` fields made afresh)."""
    for f in fields(item):
        if not f.init:
            if f.name in changes:
                raise ValueError(f"field {f.name} is declared with init=False, it cannot be specified with replace()")
        elif f.name not in changes:
            changes[f.name] = getattr(item, f.name)
    return item.__class__(**changes)


def asdict(item: Any) -> dict[str, Any]:
    """A record as a dict, records inside it (and in its lists, tuples and dicts) turned into dicts too."""

    def plain(value: Any) -> Any:
        if hasattr(type(value), "__record_fields__"):
            return {name: plain(getattr(value, name)) for name in value.__record_fields__}
        if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
            return type(value)(plain(v) for v in value)
        if isinstance(value, dict):
            return type(value)((plain(k), plain(v)) for k, v in value.items())
        return value

    if not hasattr(type(item), "__record_fields__"):
        raise TypeError("asdict() should be called on record instances")
    return plain(item)  # type: ignore[no-any-return]


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


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _is_classvar(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar", "t.ClassVar"))
    import typing

    return annotation is typing.ClassVar or typing.get_origin(annotation) is typing.ClassVar


def _fields_of(cls: type) -> dict[str, Field]:
    """The class's fields, its record bases' first (a field declared again keeps its place)."""
    found: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        found.update(base.__dict__.get("__record_fields__", {}))
    own = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 - inspect is what importing dataclasses cost
    for name, annotation in own.items():
        if _is_classvar(annotation):
            continue
        given = cls.__dict__.get(name, MISSING)
        if isinstance(given, Field):
            made = given
            if made.default is MISSING:
                delattr(cls, name)  # as dataclass: no class attribute for a field without a plain default
            else:
                setattr(cls, name, made.default)
        else:
            made = Field(given, MISSING, True, True, True, None)
        if isinstance(made.default, (list, dict, set)):
            raise ValueError(f"mutable default {type(made.default)} for field {name} is not allowed: use default_factory")  # noqa: TRY004 - as dataclass
        made.name = name
        found[name] = made
    return found


def _init_source(cls: type, found: dict[str, Field], frozen: bool) -> Callable[..., None]:
    """`__init__` for the class, compiled (one function a class, as dataclass writes)."""
    names: dict[str, Any] = {"_FACTORY": _FACTORY}
    params = ["self"]
    lines = ["  _d = self.__dict__"] if frozen else []
    for f in found.values():
        value = f.name
        if f.default_factory is not MISSING:
            names[f"_f_{f.name}"] = f.default_factory
            value = f"_f_{f.name}()" if not f.init else f"_f_{f.name}() if {f.name} is _FACTORY else {f.name}"
        if f.init:
            if f.default is not MISSING:
                names[f"_d_{f.name}"] = f.default
                params.append(f"{f.name}=_d_{f.name}")
            elif f.default_factory is not MISSING:
                params.append(f"{f.name}=_FACTORY")
            else:
                params.append(f.name)
        elif f.default_factory is MISSING:
            continue  # the class attribute, or __post_init__, gives it its value
        lines.append(f"  _d[{f.name!r}] = {value}" if frozen else f"  self.{f.name} = {value}")
    if hasattr(cls, "__post_init__"):
        lines.append("  self.__post_init__()")
    source = f"def __init__({', '.join(params)}):\n" + ("\n".join(lines) or "  pass") + "\n"
    exec(source, names)  # noqa: S102 - text made above from the class's own field names
    init: Callable[..., None] = names["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _make(cls: type[_T], frozen: bool) -> type[_T]:
    own = dict(cls.__dict__)
    found = _fields_of(cls)
    required_after: str | None = None
    for f in found.values():
        if f.init and f.default is MISSING and f.default_factory is MISSING:
            if required_after is not None:
                raise TypeError(f"non-default argument {f.name!r} follows default argument {required_after!r}")
        elif f.init:
            required_after = f.name
    made: Any = cls
    made.__record_fields__ = found
    shown = [f.name for f in found.values() if f.repr]
    compared = [f.name for f in found.values() if f.compare]
    hashed = [f.name for f in found.values() if (f.compare if f.hash is None else f.hash)]
    made._record_shown = tuple(shown)
    made._record_repr = staticmethod(_values(shown))
    made._record_compare = staticmethod(_values(compared))
    made._record_hash = staticmethod(_values(hashed))
    if "__init__" not in own:
        made.__init__ = _first_init(cls, found, frozen)
    if "__repr__" not in own:
        made.__repr__ = _repr
    if "__eq__" not in own:
        made.__eq__ = _eq
    explicit_hash = own.get("__hash__", None) is not None or ("__hash__" in own and "__eq__" not in own)
    if not explicit_hash:  # as dataclass: a frozen record hashes its compared fields, a mutable one cannot
        made.__hash__ = _hash if frozen else None
    if frozen:
        made.__setattr__ = _frozen_setattr
        made.__delattr__ = _frozen_delattr
    return cls


def _first_init(cls: type, found: dict[str, Field], frozen: bool) -> Callable[..., None]:
    """An `__init__` that compiles the real one the first time the class is instantiated."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init = _init_source(cls, found, frozen)
        type.__setattr__(cls, "__init__", init)
        init(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


@overload
def record(cls: type[_T], /) -> type[_T]: ...


@overload
def record(*, frozen: bool = False) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(field_specifiers=(field, Field))
def record(cls: type[_T] | None = None, /, *, frozen: bool = False) -> Any:
    """`@record` or `@record(frozen=True)`, where `@dataclass` or `@dataclass(frozen=True)` would be."""
    if cls is None:
        return lambda inner: _make(inner, frozen)
    return _make(cls, frozen)
