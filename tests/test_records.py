"""`@record` (kms_infracost/records.py) behaves as `@dataclass` does, for what the tool's classes use."""

from __future__ import annotations

import dataclasses
import pickle
from decimal import Decimal
from typing import ClassVar

import pytest

from kms_infracost import model, records
from kms_infracost.pricing.book import load_book
from kms_infracost.records import field, record


def _pair(frozen: bool) -> tuple[type, type]:
    """The same class made by dataclass and by record."""

    def body(field_of: object) -> dict[str, object]:
        return {
            "__annotations__": {"name": "str", "amount": "Decimal", "tags": "tuple[str, ...]", "note": "str"},
            "amount": Decimal(0),
            "tags": (),
            "note": field_of(default="", compare=False, repr=False),  # type: ignore[operator]
            "__module__": __name__,
        }

    made_by_dataclass = dataclasses.dataclass(frozen=frozen)(type("Item", (), body(dataclasses.field)))
    made_by_record = record(frozen=frozen)(type("Item", (), body(field)))
    return made_by_dataclass, made_by_record


@pytest.mark.parametrize("frozen", [False, True], ids=["mutable", "frozen"])
def test_repr_equality_and_hashing_are_the_dataclass_ones(frozen: bool) -> None:
    for cls in _pair(frozen):
        a = cls("k", Decimal("1.50"), ("x",), note="left out")
        assert repr(a) == "Item(name='k', amount=Decimal('1.50'), tags=('x',))"
        assert a == cls("k", Decimal("1.5"), ("x",), note="differs, not compared")
        assert a != cls("k", Decimal("1.5"), ("y",))
        assert (a == object()) is False and a.__eq__(object()) is NotImplemented
        nan = Decimal("NaN")
        assert cls("n", nan) == cls("n", nan)  # compared as tuples: the very same value is equal, as with dataclass
        if frozen:
            assert hash(a) == hash(("k", Decimal("1.5"), ("x",)))
            assert len({a, cls("k", Decimal("1.5"), ("x",))}) == 1
            with pytest.raises(AttributeError, match="cannot assign to field 'name'"):  # either FrozenInstanceError
                a.name = "other"  # type: ignore[misc]
            with pytest.raises(AttributeError, match="cannot delete field 'name'"):
                del a.name  # type: ignore[misc]
        else:
            with pytest.raises(TypeError, match="unhashable"):
                hash(a)
            a.name = "other"
            assert a.name == "other"


def test_a_subclass_compares_and_shows_its_own_fields() -> None:
    key = model.KmsKey(address="alicloud_kms_key.a", type=model.KEY, name="a", key_spec="Aliyun_SM4")
    same = model.KmsKey(address="alicloud_kms_key.a", type=model.KEY, name="a", key_spec="Aliyun_SM4")
    other = model.KmsKey(address="alicloud_kms_key.a", type=model.KEY, name="a", key_spec="Aliyun_AES_256")
    assert key == same and key != other
    assert repr(key).startswith("KmsKey(address='alicloud_kms_key.a', type='alicloud_kms_key', name='a',")
    assert "key_spec='Aliyun_SM4'" in repr(key)
    # a parent instance with the same shared fields is another class: not equal
    assert model.Resource(address="alicloud_kms_key.a", type=model.KEY, name="a") != key


def test_replace_fields_and_asdict_work_as_the_dataclasses_ones() -> None:
    key = model.KmsKey(address="alicloud_kms_key.a", type=model.KEY, name="a")
    moved = records.replace(key, region="cn-shanghai")
    assert moved.region == "cn-shanghai" and moved.address == key.address and moved is not key
    assert [f.name for f in records.fields(model.Warning)] == ["code", "message", "address", "file", "line"]
    assert records.is_record(key) and records.is_record(model.KmsKey) and not records.is_record({})
    warning = model.Warning("KI101", "text", file="main.tf", line=3)
    assert records.asdict(warning) == {"code": "KI101", "message": "text", "address": None, "file": "main.tf", "line": 3}
    assert pickle.loads(pickle.dumps(warning)) == warning
    assert hash(warning) == hash(model.Warning("KI101", "text", file="main.tf", line=3))
    with pytest.raises(TypeError, match="is not a record"):
        records.fields(object())
    with pytest.raises(TypeError, match="record instances"):
        records.asdict(model.Warning)


def test_a_field_left_out_of_comparison_stays_out_of_hash_and_repr() -> None:
    book = load_book("kms1-intl")
    assert "raw=" not in repr(book)
    assert book == records.replace(book, raw={"changed": True})


def test_a_class_without_a_docstring_is_left_as_it_is() -> None:
    @record
    class Bare:
        size: int = 0

    assert Bare.__doc__ is None
    assert Bare(2) == Bare(size=2) and repr(Bare(2)).endswith(".<locals>.Bare(size=2)")  # qualname, as dataclass


def test_fields_defaults_factories_and_post_init_are_the_dataclass_ones() -> None:
    made: list[str] = []

    @record
    class Base:
        name: str
        limit: ClassVar[int] = 3  # not a field
        tags: list[str] = field(default_factory=list)
        count: int = 0

    @record
    class Child(Base):
        total: int = field(init=False)
        count: int = 5  # declared again: keeps its place, takes the new default
        cache: dict[str, int] | None = field(default=None, init=False, compare=False)
        seen: list[str] = field(default_factory=lambda: made, init=False, repr=False)

        def __post_init__(self) -> None:
            self.total = self.count * 2

    assert [f.name for f in records.fields(Child)] == ["name", "tags", "count", "total", "cache", "seen"]
    assert Base.limit == 3 and "tags" not in Base.__dict__ and Base.count == 0
    one, two = Base("a"), Base("b")
    assert one.tags == [] and one.tags is not two.tags  # a fresh list each
    child = Child("c", ["t"])
    assert (child.count, child.total, child.cache, child.seen is made) == (5, 10, None, True)
    assert repr(child).endswith(".<locals>.Child(name='c', tags=['t'], count=5, total=10, cache=None)")
    assert Child("c", ["t"], 5) == child and Child("c", count=6) != child
    again = records.replace(child, count=1)
    assert (again.count, again.total, again.tags) == (1, 2, ["t"])  # __post_init__ ran again
    with pytest.raises(ValueError, match="init=False"):
        records.replace(child, total=3)
    with pytest.raises(TypeError):
        Child()  # type: ignore[call-arg]


def test_a_record_refuses_what_dataclass_refuses() -> None:
    with pytest.raises(TypeError, match="non-default argument 'later' follows default argument 'first'"):

        @record
        class Order:
            first: int = 0
            later: int

    with pytest.raises(ValueError, match="mutable default"):

        @record
        class Shared:
            items: list[int] = []  # noqa: RUF012

    with pytest.raises(ValueError, match="both default and default_factory"):
        field(default=1, default_factory=int)


def test_asdict_turns_nested_records_into_dicts() -> None:
    @record(frozen=True)
    class Inner:
        value: Decimal

    @record
    class Outer:
        inner: Inner
        many: list[Inner]
        keyed: dict[str, tuple[Inner, ...]]

    item = Outer(Inner(Decimal(1)), [Inner(Decimal(2))], {"k": (Inner(Decimal(3)),)})
    assert records.asdict(item) == {
        "inner": {"value": Decimal(1)},
        "many": [{"value": Decimal(2)}],
        "keyed": {"k": ({"value": Decimal(3)},)},
    }
