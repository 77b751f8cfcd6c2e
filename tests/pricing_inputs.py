"""Inventories built with precise inputs and priced through the engine: what boundary tests need."""

from __future__ import annotations

from decimal import Decimal

from kms_infracost import model
from kms_infracost.pricing.book import select_books
from kms_infracost.pricing.engine import Estimate, estimate

D = Decimal


def key(address: str = "alicloud_kms_key.k", **kwargs: object) -> model.KmsKey:
    fields: dict[str, object] = {"region": "ap-southeast-1"}
    fields.update(kwargs)
    return model.KmsKey(address=address, type=model.KEY, name=address.split(".")[-1], **fields)  # type: ignore[arg-type]


def version(address: str, key_address: str, **kwargs: object) -> model.KmsKeyVersion:
    fields: dict[str, object] = {"region": "ap-southeast-1"}
    fields.update(kwargs)
    return model.KmsKeyVersion(address=address, type=model.KEY_VERSION, name="v", key_address=key_address, **fields)  # type: ignore[arg-type]


def instance(address: str = "alicloud_kms_instance.i", **kwargs: object) -> model.KmsInstance:
    fields: dict[str, object] = {"region": "ap-southeast-1"}
    fields.update(kwargs)
    return model.KmsInstance(address=address, type=model.INSTANCE, name=address.split(".")[-1], **fields)  # type: ignore[arg-type]


def secret(address: str = "alicloud_kms_secret.s", **kwargs: object) -> model.KmsSecret:
    fields: dict[str, object] = {"region": "ap-southeast-1"}
    fields.update(kwargs)
    return model.KmsSecret(address=address, type=model.SECRET, name=address.split(".")[-1], **fields)  # type: ignore[arg-type]


def price(
    resources: list[model.Resource],
    book: str = "kms1-intl",
    usage: dict[str, dict[str, int | str]] | None = None,
    days: int = 30,
    horizon: int = 12,
) -> Estimate:
    table = usage or {}
    key_book, instance_book = select_books(book)

    def lookup(r: model.Resource) -> model.Usage:
        values = table.get(r.address, {})
        return model.Usage(values={k: D(v) for k, v in values.items()}, sources={k: "test" for k in values})

    return estimate(
        model.Inventory(resources=resources),
        key_book,
        instance_book=instance_book,
        days_per_month=days,
        usage=lookup,
        horizon_months=horizon,
    )


def said(result: Estimate) -> list[str]:
    """The estimate's warnings as people read them: `[code] address: message`."""
    return [f"[{w.code}] {w.address}: {w.message}" for w in result.warnings]
