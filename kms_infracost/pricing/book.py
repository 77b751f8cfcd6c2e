"""Price books: one TOML file per book under `books/`, loaded by name; amounts are Decimal as written."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from kms_infracost.errors import UserError, did_you_mean
from kms_infracost.records import field, record

DEFAULT_BOOK = "kms1-intl"


@record(frozen=True)
class PriceRow:
    price: Decimal
    protection_level: str = "*"
    spec_class: str = "*"
    column: str = "*"
    #: who created the key: "user", or "service" (an Alibaba Cloud service, alias acs/...)
    creator: str = "*"

    def matches(self, protection_level: str, spec_class: str, column: str, creator: str = "user") -> bool:
        """Each field as given or "*" (spelt out, not a loop: asked for every row of every key priced)."""
        return (
            (self.protection_level == "*" or self.protection_level == protection_level)
            and (self.spec_class == "*" or self.spec_class == spec_class)
            and (self.column == "*" or self.column == column)
            and (self.creator == "*" or self.creator == creator)
        )


@record(frozen=True)
class Tier:
    name: str
    protection_level: str
    spec_class: str
    first_units: int
    price_beyond: Decimal


@record(frozen=True)
class PriceBook:
    name: str
    title: str
    currency: str
    source: str
    effective_date: str
    hosting_unit: str
    api_calls_per_unit: int
    free_api_calls_per_month: int
    spec_classes: dict[str, tuple[str, ...]]
    columns: dict[str, str]
    hosting: tuple[PriceRow, ...]
    api: tuple[PriceRow, ...]
    tiers: tuple[Tier, ...] = field(default=())
    #: the book that prices what this one does not (KMS 1.0 keys <-> KMS 3.0 instances)
    companion: str | None = None
    #: region class -> why its column is an extrapolation (the source prices other regions only)
    extrapolated: dict[str, str] = field(default_factory=dict)
    #: the public documents behind the figures, each with title, publisher, version or date, URL
    sources: tuple[dict[str, str], ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def per_version(self) -> bool:
        return self.hosting_unit == "key version"

    def spec_class(self, key_spec: str) -> str | None:
        for cls, specs in self.spec_classes.items():
            if key_spec in specs:
                return cls
        return None

    def column(self, region_class: str) -> str:
        return self.columns.get(region_class, next(iter(self.columns.values())))

    def hosting_price(self, protection_level: str, spec_class: str, column: str, creator: str = "user") -> Decimal | None:
        return _first(self.hosting, protection_level, spec_class, column, creator)

    def api_price(self, spec_class: str, column: str, creator: str = "user") -> Decimal | None:
        return _first(self.api, "*", spec_class, column, creator)


def _first(rows: tuple[PriceRow, ...], protection: str, spec_class: str, column: str, creator: str) -> Decimal | None:
    for row in rows:
        if row.matches(protection, spec_class, column, creator):
            return row.price
    return None


#: the package's data files; installed beside the code, read without importlib.resources (cheaper to import)
DATA = Path(__file__).parent


def available_books() -> list[str]:
    return sorted(p.stem for p in (DATA / "books").glob("*.toml"))


def dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


@cache
def _read_book(name: str) -> dict[str, Any]:
    books = available_books()
    if name not in books:
        raise UserError(f"unknown price book {name!r}{did_you_mean(name, books)}; set price_book or --price-book")
    path = DATA / "books" / f"{name}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def book_data(name: str) -> dict[str, Any]:
    """A book's data file as read (amounts Decimal), for reports that show the book itself."""
    return _read_book(name)


def is_instance_book(name: str) -> bool:
    return "product_versions" in _read_book(name)


SOURCE_FIELDS = ("publisher", "title", "version", "updated", "url", "used_for")


def _sources(data: dict[str, Any]) -> tuple[dict[str, str], ...]:
    """A book's `[[sources]]`: the public documents its figures come from."""
    return tuple({k: str(entry[k]) for k in SOURCE_FIELDS if k in entry} for entry in data.get("sources", []))


def cite(sources: tuple[dict[str, str], ...]) -> str:
    """One line per book for people: publisher: title, version or last update, URL; documents joined by "; "."""
    parts = []
    for entry in sources:
        text = f"{entry['publisher']}: {entry['title']}" if "publisher" in entry else entry["title"]
        if "version" in entry:
            text += f", document version {entry['version']}"
        if "updated" in entry:
            text += f", last updated {entry['updated']}"
        if "url" in entry:
            text += f", {entry['url']}"
        parts.append(text)
    return "; ".join(parts)


@record(frozen=True)
class InstanceRates:
    instance_per_day: Decimal
    key_version_per_day: Decimal
    secret_per_day: Decimal
    qps_per_day: Decimal


@record(frozen=True)
class SubscriptionRate:
    monthly_price: Decimal
    key_num: int
    spec: int


@record(frozen=True)
class InstanceBook:
    """KMS 3.0: instances billed by subscription or per day; keys and secrets inside them."""

    name: str
    title: str
    currency: str
    source: str
    effective_date: str
    companion: str | None
    kms1_end_of_service: str
    product_versions: dict[str, str]
    sources: tuple[dict[str, str], ...]
    subscription: dict[str, SubscriptionRate]
    pay_as_you_go: dict[str, InstanceRates]

    def kind(self, product_version: str) -> str | None:
        return self.product_versions.get(product_version)


@cache
def load_instance_book(name: str) -> InstanceBook:
    data = _read_book(name)
    if "product_versions" not in data:
        raise UserError(f"price book {name!r} does not price KMS instances")
    return InstanceBook(
        name=data["name"],
        title=data["title"],
        currency=data["currency"],
        source=cite(_sources(data)),
        effective_date=str(data["effective_date"]),
        companion=data.get("companion"),
        kms1_end_of_service=str(data.get("kms1_end_of_service", "")),
        sources=_sources(data),
        product_versions={str(k): str(v) for k, v in data["product_versions"].items()},
        subscription={
            row["kind"]: SubscriptionRate(dec(row["monthly_price"]), int(row["key_num"]), int(row["spec"]))
            for row in data.get("subscription", [])
        },
        pay_as_you_go={
            row["kind"]: InstanceRates(
                dec(row["instance_per_day"]),
                dec(row["key_version_per_day"]),
                dec(row["secret_per_day"]),
                dec(row["qps_per_day"]),
            )
            for row in data.get("pay_as_you_go", [])
        },
    )


def select_books(name: str) -> tuple[PriceBook, InstanceBook | None]:
    """The book for KMS 1.0 keys and the one for KMS instances, whichever of the pair was named."""
    if is_instance_book(name):
        instances = load_instance_book(name)
        if not instances.companion:
            raise UserError(f"price book {name!r} names no companion book for KMS 1.0 keys")
        return load_book(instances.companion), instances
    keys = load_book(name)
    return keys, load_instance_book(keys.companion) if keys.companion else None


@cache
def load_book(name: str) -> PriceBook:
    data = _read_book(name)
    if "product_versions" in data:
        raise UserError(f"price book {name!r} prices KMS instances, not KMS 1.0 keys")

    def rows(key: str) -> tuple[PriceRow, ...]:
        return tuple(
            PriceRow(
                price=dec(r["price"]),
                protection_level=str(r.get("protection_level", "*")),
                spec_class=str(r.get("spec_class", "*")),
                column=str(r.get("column", "*")),
                creator=str(r.get("creator", "*")),
            )
            for r in data.get(key, [])
        )

    return PriceBook(
        name=data["name"],
        title=data["title"],
        currency=data["currency"],
        source=cite(_sources(data)),
        effective_date=str(data["effective_date"]),
        hosting_unit=data["hosting_unit"],
        api_calls_per_unit=int(data["api_calls_per_unit"]),
        free_api_calls_per_month=int(data.get("free_api_calls_per_month", 0)),
        spec_classes={k: tuple(v) for k, v in data["spec_classes"].items()},
        columns=dict(data["columns"]),
        hosting=rows("hosting"),
        api=rows("api"),
        tiers=tuple(
            Tier(
                name=t["name"],
                protection_level=t["protection_level"],
                spec_class=t["spec_class"],
                first_units=int(t["first_units"]),
                price_beyond=dec(t["price_beyond"]),
            )
            for t in data.get("tiers", [])
        ),
        companion=data.get("companion"),
        extrapolated={str(k): str(v) for k, v in data.get("extrapolated", {}).items()},
        sources=_sources(data),
        raw=data,
    )


@record(frozen=True)
class RegionTable:
    classes: dict[str, tuple[str, ...]]
    guesses: tuple[dict[str, str], ...]

    def classify(self, region: str) -> tuple[str, bool]:
        """(region class, known): known is False when the class was guessed from the name."""
        for cls, regions in self.classes.items():
            if region in regions:
                return cls, True
        for guess in self.guesses:
            if "contains" in guess and guess["contains"] in region:
                return guess["class"], False
            if "prefix" in guess and region.startswith(guess["prefix"]):
                return guess["class"], False
        return "international", False

    def typo_of(self, region: str) -> str | None:
        """A known region one edit away from an unknown one (`cn-hangzou` -> `cn-hangzhou`), else None."""
        from kms_infracost.errors import one_edit_apart

        known = sorted({r for regions in self.classes.values() for r in regions})
        if region in known:
            return None
        return next((r for r in known if one_edit_apart(region, r)), None)


@lru_cache(maxsize=1)
def region_table() -> RegionTable:
    text = (DATA / "regions.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return RegionTable(
        classes={k: tuple(v) for k, v in data["classes"].items()},
        guesses=tuple(data.get("guess", [])),
    )
