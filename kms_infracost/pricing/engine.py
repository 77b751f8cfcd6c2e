"""Price an inventory with a price book: Decimal throughout, rounding left to the reports.

Per-resource costs are gross; account-wide rules (a free call quota, a volume tier) are separate line
items so a reader sees exactly what moved the total.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from kms_infracost import model
from kms_infracost.pricing.book import PriceBook, region_table

ZERO = Decimal(0)


@dataclass
class CostComponent:
    name: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    usage_source: str | None = None
    #: what the component bills ("hosting", "api") and, for hosting, (protection level, spec class):
    #: account-wide rules select components by these, not by their display names
    kind: str = ""
    hosting_class: tuple[str, str] | None = None

    @property
    def monthly_cost(self) -> Decimal:
        return self.quantity * self.unit_price


@dataclass
class PricedResource:
    resource: model.Resource
    region_class: str
    spec_class: str | None
    components: list[CostComponent] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: cost of the resource before the change; None when it is being created
    past_monthly_cost: Decimal | None = None

    @property
    def monthly_cost(self) -> Decimal:
        return sum((c.monthly_cost for c in self.components), ZERO)


@dataclass
class AccountItem:
    name: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    note: str = ""

    @property
    def monthly_cost(self) -> Decimal:
        return self.quantity * self.unit_price


@dataclass
class Estimate:
    book: PriceBook
    days_per_month: int
    resources: list[PricedResource]
    account_items: list[AccountItem]
    warnings: list[str]
    past_account_total: Decimal | None = None

    @property
    def total_monthly_cost(self) -> Decimal:
        return sum((r.monthly_cost for r in self.resources), ZERO) + sum(
            (a.monthly_cost for a in self.account_items), ZERO
        )

    @property
    def past_total_monthly_cost(self) -> Decimal:
        past = sum((r.past_monthly_cost or ZERO for r in self.resources), ZERO)
        return past + (self.past_account_total or ZERO)


UsageLookup = Callable[[model.Resource], model.Usage]


def _no_usage(_: model.Resource) -> model.Usage:
    return model.Usage()


class _Pricer:
    def __init__(self, book: PriceBook, days: int, usage: UsageLookup, keys: dict[str, model.KmsKey]) -> None:
        self.book = book
        self.days = Decimal(days)
        self.usage = usage
        self.keys = keys
        self.warnings: list[str] = []

    def note(self, priced: PricedResource, text: str, warn: bool = True) -> None:
        priced.notes.append(text)
        if warn:
            self.warnings.append(f"{priced.resource.address}: {text}")

    def region_class(self, resource: model.Resource, priced_notes: list[str]) -> str:
        cls, known = region_table().classify(resource.region)
        if not known:
            priced_notes.append(f"region {resource.region} is not in the region table; priced as {cls}")
        return cls

    def key_class(self, priced: PricedResource, key: model.KmsKey) -> str:
        spec_class = self.book.spec_class(key.key_spec)
        if spec_class == "instance_only":
            self.note(priced, f"{key.key_spec} keys exist only inside a KMS instance; KMS 1.0 has no price, priced as basic")
            return "basic"
        if spec_class is None:
            self.note(priced, f"key_spec {key.key_spec} is not in price book {self.book.name}; priced as basic")
            return "basic"
        return spec_class

    def price(self, resource: model.Resource) -> PricedResource:
        notes: list[str] = []
        region_class = self.region_class(resource, notes)
        priced = PricedResource(resource=resource, region_class=region_class, spec_class=None)
        for text in notes:
            self.note(priced, text)
        if not resource.exists_after:
            self.note(priced, "deleted by this change: no cost after apply", warn=False)
            return priced
        if isinstance(resource, model.KmsKey):
            self.price_key(priced, resource)
        elif isinstance(resource, model.KmsKeyVersion):
            self.price_key_version(priced, resource)
        elif isinstance(resource, (model.KmsAlias, model.KmsCiphertext)):
            self.note(priced, "no charge of its own", warn=False)
        elif isinstance(resource, (model.KmsInstance, model.KmsSecret)):
            self.note(priced, f"KMS instances and secrets are not in price book {self.book.name}; not priced")
        else:
            self.note(priced, f"{resource.type} is not billed by KMS on its own; not priced", warn=False)
        return priced

    def hosting(self, priced: PricedResource, key: model.KmsKey, spec_class: str, versions: Decimal, source: str | None) -> None:
        column = self.book.column(priced.region_class)
        price = self.book.hosting_price(key.protection_level, spec_class, column)
        if price is None:
            self.note(priced, f"no hosting price for {key.protection_level} {spec_class} keys in {self.book.name}; priced at 0")
            price = ZERO
        unit_word = "version-day" if self.book.per_version else "key-day"
        name = f"Key hosting ({key.protection_level.lower()}, {spec_class})"
        priced.components.append(
            CostComponent(
                name=name,
                unit=unit_word,
                quantity=versions * self.days,
                unit_price=price,
                usage_source=source,
                kind="hosting",
                hosting_class=(key.protection_level, spec_class),
            )
        )

    def price_key(self, priced: PricedResource, key: model.KmsKey) -> None:
        usage = self.usage(key)
        spec_class = self.key_class(priced, key)
        priced.spec_class = spec_class
        if key.service_key:
            self.note(priced, "service key: free", warn=False)
            return
        if key.in_instance:
            where = key.instance_address or key.dkms_instance_id or "a KMS instance"
            self.note(
                priced,
                f"lives in KMS instance {where}: no KMS 1.0 hosting or API fee (the instance is billed instead)",
                warn=False,
            )
            return
        if key.status == "PendingDeletion":
            self.note(priced, "PendingDeletion: not charged", warn=False)
            return
        versions, v_source = usage.get("key_versions", Decimal(1))
        if not self.book.per_version:
            if "key_versions" in usage.values:
                self.note(priced, f"{self.book.name} charges per key, not per version; key_versions ignored", warn=False)
            versions, v_source = Decimal(1), None
        self.hosting(priced, key, spec_class, versions, v_source if "key_versions" in usage.values else None)
        calls, c_source = usage.get("monthly_api_calls", ZERO)
        column = self.book.column(priced.region_class)
        api = self.book.api_price(spec_class, column)
        if api is None:
            self.note(priced, f"no API price for {spec_class} keys in {self.book.name}; priced at 0")
            api = ZERO
        per = self.book.api_calls_per_unit
        priced.components.append(
            CostComponent(
                name=f"API calls ({spec_class}, {column.replace('_', ' ')})",
                unit=f"{per // 1000}k calls",
                quantity=calls / per,
                unit_price=api,
                usage_source=c_source,
                kind="api",
            )
        )
        if key.status == "Disabled" and calls:
            self.note(priced, "Disabled keys still pay hosting but refuse cryptographic calls; check monthly_api_calls")

    def price_key_version(self, priced: PricedResource, version: model.KmsKeyVersion) -> None:
        key = self.keys.get(version.key_address or "")
        if key is None:
            key = model.KmsKey(address="", type=model.KEY, name="", region=version.region)
            self.note(priced, "its key is not in this configuration; priced as a software basic key version")
        priced.spec_class = self.key_class(priced, key)
        if key.in_instance:
            self.note(priced, "its key lives in a KMS instance: no KMS 1.0 fee", warn=False)
            return
        if key.status == "PendingDeletion":
            self.note(priced, "its key is PendingDeletion: not charged", warn=False)
            return
        if not self.book.per_version:
            self.note(priced, f"{self.book.name} charges per key, not per version: no extra charge", warn=False)
            return
        self.hosting(priced, key, priced.spec_class, Decimal(1), None)


def _account_items(book: PriceBook, days: int, priced: list[PricedResource]) -> list[AccountItem]:
    items: list[AccountItem] = []
    for tier in book.tiers:
        units = sum(
            (
                c.quantity
                for p in priced
                for c in p.components
                if c.hosting_class == (tier.protection_level, tier.spec_class)
            ),
            ZERO,
        ) / Decimal(days)
        if units > tier.first_units:
            beyond = units - tier.first_units
            full = book.hosting_price(tier.protection_level, tier.spec_class, "*") or ZERO
            items.append(
                AccountItem(
                    name=tier.name,
                    unit="version-day",
                    quantity=beyond * days,
                    unit_price=tier.price_beyond - full,
                    note=f"{beyond} of {units} versions at {tier.price_beyond} instead of {full}",
                )
            )
    if book.free_api_calls_per_month:
        calls = sorted(
            (c.unit_price, c.quantity)
            for p in priced
            for c in p.components
            if c.kind == "api" and c.quantity
        )
        free = Decimal(book.free_api_calls_per_month) / book.api_calls_per_unit
        remaining = free
        for unit_price, quantity in calls:  # cheapest first: the estimate never comes out too low
            used = min(quantity, remaining)
            if used:
                items.append(
                    AccountItem(
                        name=f"Free API calls ({book.free_api_calls_per_month:,} per month, account-wide)",
                        unit=f"{book.api_calls_per_unit // 1000}k calls",
                        quantity=used,
                        unit_price=-unit_price,
                    )
                )
            remaining -= used
        if remaining == free:
            items.append(
                AccountItem(
                    name=f"Free API calls ({book.free_api_calls_per_month:,} per month, account-wide)",
                    unit=f"{book.api_calls_per_unit // 1000}k calls",
                    quantity=ZERO,
                    unit_price=ZERO,
                    note="no API calls priced",
                )
            )
    return items


def estimate(
    inventory: model.Inventory,
    book: PriceBook,
    *,
    days_per_month: int = 30,
    usage: UsageLookup | None = None,
) -> Estimate:
    keys = {r.address: r for r in inventory.resources if isinstance(r, model.KmsKey) and r.exists_after}
    pricer = _Pricer(book, days_per_month, usage or _no_usage, keys)
    priced: list[PricedResource] = []
    befores: list[PricedResource] = []
    for resource in inventory.resources:
        item = pricer.price(resource)
        if resource.before is not None or resource.action in (model.DELETE, model.NOOP):
            before = resource.before or resource
            if resource.action == model.DELETE:
                before = _as_existing(resource)
            past_pricer = _Pricer(book, days_per_month, usage or _no_usage, keys)
            past = past_pricer.price(before)
            item.past_monthly_cost = past.monthly_cost
            befores.append(past)
        priced.append(item)
    items = _account_items(book, days_per_month, priced)
    past_items = _account_items(book, days_per_month, befores) if befores else []
    result = Estimate(
        book=book,
        days_per_month=days_per_month,
        resources=priced,
        account_items=items,
        warnings=[*inventory.warnings, *pricer.warnings],
        past_account_total=sum((a.monthly_cost for a in past_items), ZERO) if befores else None,
    )
    return result


def _as_existing(resource: model.Resource) -> model.Resource:
    import dataclasses

    return dataclasses.replace(resource, action=model.NOOP, before=None, assumptions=list(resource.assumptions))
