"""`@record` (kms_infracost/records.py) behaves as `@dataclass` does, for what the tool's classes use."""

from __future__ import annotations

import dataclasses
import pickle
from decimal import Decimal

import pytest

from kms_infracost import model
from kms_infracost.pricing.book import load_book
from kms_infracost.records import record


def _pair(frozen: bool) -> tuple[type, type]:
    """The same class made by dataclass and by record."""

    def body() -> dict[str, object]:
        return {
            "__annotations__": {"name": "str", "amount": "Decimal", "tags": "tuple[str, ...]", "note": "str"},
            "amount": Decimal(0),
            "tags": (),
            "note": dataclasses.field(default="", compare=False, repr=False),
            "__module__": __name__,
        }

    made_by_dataclass = dataclasses.dataclass(frozen=frozen)(type("Item", (), body()))
    made_by_record = record(frozen=frozen)(type("Item", (), body()))
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
            with pytest.raises(dataclasses.FrozenInstanceError):
                a.name = "other"  # type: ignore[misc]
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


def test_the_dataclasses_module_still_works_on_records() -> None:
    key = model.KmsKey(address="alicloud_kms_key.a", type=model.KEY, name="a")
    moved = dataclasses.replace(key, region="cn-shanghai")
    assert moved.region == "cn-shanghai" and moved.address == key.address and moved is not key
    assert [f.name for f in dataclasses.fields(model.Warning)] == ["code", "message", "address", "file", "line"]
    assert dataclasses.is_dataclass(key)
    warning = model.Warning("KI101", "text", file="main.tf", line=3)
    assert dataclasses.asdict(warning) == {"code": "KI101", "message": "text", "address": None, "file": "main.tf", "line": 3}
    assert pickle.loads(pickle.dumps(warning)) == warning
    assert hash(warning) == hash(model.Warning("KI101", "text", file="main.tf", line=3))


def test_a_field_left_out_of_comparison_stays_out_of_hash_and_repr() -> None:
    book = load_book("kms1-intl")
    assert "raw=" not in repr(book)
    assert book == dataclasses.replace(book, raw={"changed": True})


def test_a_class_without_a_docstring_is_named_not_inspected() -> None:
    @record
    class Bare:
        size: int = 0

    assert Bare.__doc__ == "Bare"
    assert Bare(2) == Bare(size=2) and repr(Bare(2)).endswith(".<locals>.Bare(size=2)")  # qualname, as dataclass
