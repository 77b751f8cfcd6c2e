"""Price an inventory with a price book: Decimal throughout, rounding left to the reports.

Per-resource costs are gross; account-wide rules (a free call quota, a volume tier) are separate line
items so a reader sees exactly what moved the total.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from kms_infracost import model, records
from kms_infracost.money import amount
from kms_infracost.pricing.book import InstanceBook, InstanceRates, PriceBook, region_table
from kms_infracost.records import field, record

ZERO = Decimal(0)


#: version_days of rotated keys by (start, interval, month, days): thirty Decimal sums each, and a
#: monorepo's copied stacks rotate their keys alike (a pure function of the key; it never grows large)
_ROTATED: dict[tuple[str, str, int, Decimal], tuple[Decimal, Decimal]] = {}


@record
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


@record
class PricedResource:
    resource: model.Resource
    region_class: str
    spec_class: str | None
    components: list[CostComponent] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: cost of the resource before the change; None when it is being created
    past_monthly_cost: Decimal | None = None
    #: the KMS instance this resource lives in (keys, key versions, secrets)
    instance_address: str | None = None
    #: for an instance: what the configuration puts in it against what it holds
    capacity: dict[str, int | None] | None = None
    #: key versions billed (a key's own count, from usage or the default of one)
    versions: Decimal = Decimal(1)
    #: for a new KMS 1.0 key: what it would cost per month inside a pay-as-you-go KMS 3.0 instance
    kms3_alternative: Decimal | None = None
    #: what pricing had to assume (beside the source's own assumptions on the resource); --strict fails on them
    assumptions: list[str] = field(default_factory=list)
    #: why the resource, or part of it, is not priced: never a silent 0
    unpriced: list[str] = field(default_factory=list)

    @property
    def priced(self) -> bool:
        """False when nothing of the resource could be priced (its cost is unknown, not 0)."""
        return not (self.unpriced and not self.components)

    #: (components, how many, their sum): the cost is asked a dozen times per resource (the document, the
    #: totals, the migration section); components are only ever appended, so the count says it still holds
    _cost: tuple[list[CostComponent], int, Decimal] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def monthly_cost(self) -> Decimal:
        components, known = self.components, self._cost
        if known is not None and known[0] is components and known[1] == len(components):
            return known[2]
        cost = sum((c.monthly_cost for c in components), ZERO)
        self._cost = (components, len(components), cost)
        return cost


@record
class AccountItem:
    name: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    note: str = ""

    @property
    def monthly_cost(self) -> Decimal:
        return self.quantity * self.unit_price


@record
class Estimate:
    book: PriceBook
    instance_book: InstanceBook | None
    days_per_month: int
    resources: list[PricedResource]
    account_items: list[AccountItem]
    warnings: list[model.Warning]
    past_account_total: Decimal | None = None
    #: what the past costs were compared against ("plan old.json", "git ref main"); None: the plan's own before
    base: str | None = None
    #: the month whose cost is projected as rotations add key versions, and that month's pricing
    horizon_months: int = 12
    projected: list[PricedResource] = field(default_factory=list)
    projected_account_items: list[AccountItem] = field(default_factory=list)
    #: what later stages work out from this estimate once, however many documents show it (the migration
    #: section: a project's own document and the run's); never copied by records.replace
    derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def projected_total_monthly_cost(self) -> Decimal:
        return sum((r.monthly_cost for r in self.projected), ZERO) + sum(
            (a.monthly_cost for a in self.projected_account_items), ZERO
        )

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
    def __init__(
        self,
        book: PriceBook,
        instance_book: InstanceBook | None,
        days: int,
        usage: UsageLookup,
        inventory: model.Inventory,
        month: int = 1,
    ) -> None:
        self.month = month
        self.book = book
        self.instance_book = instance_book
        self.days = Decimal(days)
        self.usage = usage
        alive = [r for r in inventory.resources if r.exists_after]
        self.keys = {r.uid: r for r in alive if isinstance(r, model.KmsKey)}
        self.instances = {r.uid: r for r in alive if isinstance(r, model.KmsInstance)}
        self.warnings: list[model.Warning] = []

    def note(self, priced: PricedResource, text: str, code: str | None = None) -> None:
        """A note shown under the resource; with a code also a warning (it changes a priced figure)."""
        priced.notes.append(text)
        if code:
            r = priced.resource
            self.warnings.append(model.Warning(code, text, r.address, r.file, r.line))

    def assume(self, priced: PricedResource, text: str, code: str) -> None:
        """A stated assumption: a note, a warning, and a failure under --strict."""
        if text not in priced.assumptions:
            priced.assumptions.append(text)
            self.note(priced, text, code)

    def not_priced(self, priced: PricedResource, text: str, code: str) -> None:
        """Something the books have no price for: listed as unpriced with the reason, never a silent 0."""
        priced.unpriced.append(text)
        self.note(priced, text, code)

    def column(self, priced: PricedResource) -> str:
        """The book's price column for the resource's region, with an assumption where that is an extrapolation."""
        why = self.book.extrapolated.get(priced.region_class)
        if why:
            self.assume(priced, why, "KI413")
        return self.book.column(priced.region_class)

    def is_service_key(self, key: model.KmsKey) -> bool:
        return key.service_key or self.usage(key).values.get("service_key") == 1

    def region_class(self, resource: model.Resource, priced_notes: list[str]) -> str:
        cls, known = region_table().classify(resource.region)
        if not known:
            typo = region_table().typo_of(resource.region)
            hint = f" (did you mean {typo}?)" if typo else ""
            priced_notes.append(f"region {resource.region} is not in the region table{hint}; priced as {cls}")
        return cls

    def key_class(self, priced: PricedResource, key: model.KmsKey) -> str:
        spec_class = self.book.spec_class(key.key_spec)
        if spec_class == "instance_only":
            self.note(priced, f"{key.key_spec} keys exist only inside a KMS instance; KMS 1.0 has no price, priced as basic", "KI402")
            return "basic"
        if spec_class is None:
            self.note(priced, f"key_spec {key.key_spec} is not in price book {self.book.name}; priced as basic", "KI402")
            return "basic"
        return spec_class

    def price(self, resource: model.Resource) -> PricedResource:
        notes: list[str] = []
        region_class = self.region_class(resource, notes)
        priced = PricedResource(resource=resource, region_class=region_class, spec_class=None)
        for text in notes:  # the region of a free resource (an alias, a policy) changes no figure
            self.note(priced, text, "KI401" if resource.exists_after and resource.type in model.PRICED_TYPES else None)
        if not resource.exists_after:
            self.note(priced, "deleted by this change: no cost after apply")
            return priced
        if isinstance(resource, model.KmsKey):
            self.price_key(priced, resource)
        elif isinstance(resource, model.KmsKeyVersion):
            self.price_key_version(priced, resource)
        elif isinstance(resource, (model.KmsAlias, model.KmsCiphertext)):
            self.note(priced, "no charge of its own")
        elif isinstance(resource, model.KmsInstance):
            self.price_instance(priced, resource)
        elif isinstance(resource, model.KmsSecret):
            self.price_secret(priced, resource)
        elif resource.type in model.FREE_TYPES:
            self.note(priced, "access control of a KMS instance: no charge of its own")
        else:
            self.not_priced(
                priced, model.UNPRICED_TYPES.get(resource.type, f"{resource.type} is in no price book; not priced"), "KI414"
            )
        return priced

    def version_days(self, start: Decimal, rotation_days: Decimal | None) -> tuple[Decimal, Decimal]:
        """Version-days billed in this month and versions alive at its end, as rotations add versions.

        Day d (counted from creation, 0-based) has start + floor(d / interval) versions: with 30-day months a
        key rotated every 30 days has 12 versions throughout month 12.
        """
        if rotation_days is None:
            return start * self.days, start
        key = (str(start), str(rotation_days), self.month, self.days)  # 1 and 1.0 write differently
        found = _ROTATED.get(key)
        if found is None:
            found = _ROTATED[key] = self._rotated(start, rotation_days)
        return found

    def _rotated(self, start: Decimal, rotation_days: Decimal) -> tuple[Decimal, Decimal]:
        days = int(self.days)
        first = (self.month - 1) * days
        whole = int(rotation_days) if rotation_days > 0 and rotation_days == rotation_days.to_integral_value() else 0
        rotations: Iterable[int] = (  # the same quotients in int arithmetic when the interval is whole days
            (d // whole for d in range(first, first + days)) if whole
            else (int(Decimal(d) // rotation_days) for d in range(first, first + days))
        )
        total = sum((start + n for n in rotations), ZERO)
        return total, start + int(Decimal(first + days - 1) // rotation_days)

    def hosting(self, priced: PricedResource, key: model.KmsKey, spec_class: str, version_days: Decimal, source: str | None) -> None:
        column = self.column(priced)
        creator = "service" if self.is_service_key(key) else "user"
        price = self.book.hosting_price(key.protection_level, spec_class, column, creator)
        if price is None:
            self.not_priced(
                priced, f"no hosting price for {key.protection_level} {spec_class} keys in {self.book.name}; not included", "KI403"
            )
            return
        unit_word = "version-day" if self.book.per_version else "key-day"
        name = (
            "Key hosting (service key)" if creator == "service"
            else f"Key hosting ({key.protection_level.lower()}, {spec_class})"
        )
        priced.components.append(
            CostComponent(
                name=name,
                unit=unit_word,
                quantity=version_days,
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
        service = self.is_service_key(key)
        if service:
            source = usage.sources.get("service_key", "configuration")
            self.note(priced, f"service key ({source}): priced by the service-key rows of {self.book.name}")
        if key.status == "PendingDeletion":
            self.note(priced, "PendingDeletion: not charged")
            return
        start, v_source = usage.get("key_versions", Decimal(1))
        version_days, priced.versions = self.version_days(start, key.rotation_days)
        versions_from: str | None = v_source if "key_versions" in usage.values else None
        if key.rotation_days is not None:
            every = f"rotated every {key.rotation_days.normalize():f} days"
            versions_from = f"{versions_from}, {every}" if versions_from else every
        if key.in_instance:
            self.instance_versions(priced, key.instance_address, key.dkms_instance_id, version_days, versions_from)
            return
        if not self.book.per_version:
            if "key_versions" in usage.values or key.rotation_days is not None:
                self.note(priced, f"{self.book.name} charges per key, not per version: versions add nothing")
            version_days, versions_from = self.days, None
        self.hosting(priced, key, spec_class, version_days, versions_from)
        calls, c_source = usage.get("monthly_api_calls", ZERO)
        column = self.column(priced)
        api = self.book.api_price(spec_class, column, "service" if service else "user")
        if api is None:
            self.not_priced(priced, f"no API price for {spec_class} keys in {self.book.name}; API calls not included", "KI403")
            return
        per = self.book.api_calls_per_unit
        priced.components.append(
            CostComponent(
                name=f"API calls ({'service key' if service else spec_class}, {column.replace('_', ' ')})",
                unit=f"{per // 1000}k calls",
                quantity=calls / per,
                unit_price=api,
                usage_source=c_source,
                kind="api",
            )
        )
        if key.status == "Disabled" and calls:
            self.note(priced, "Disabled keys still pay hosting but refuse cryptographic calls; check monthly_api_calls", "KI404")
        if key.action in (model.CREATE, model.REPLACE) and self.instance_book is not None and not service:
            rates = self.instance_book.pay_as_you_go.get("software")
            if rates is not None:
                # one summary for the run says what this means (kms1_summary), never a note per key
                priced.kms3_alternative = version_days * rates.key_version_per_day

    # -- KMS 3.0 -----------------------------------------------------------------------------------
    def instance_of(
        self, priced: PricedResource, address: str | None, instance_id: str | None
    ) -> model.KmsInstance | None:
        priced.instance_address = address
        instance = self.instances.get((priced.resource.root, address or ""))
        if instance is None:
            where = address or instance_id or "an instance outside this configuration"
            self.note(
                priced,
                f"lives in KMS instance {where}, which is not in this configuration; assumed a subscription "
                "instance (keys and secrets inside add no fee)",
                "KI405",
            )
        return instance

    def instance_versions(
        self,
        priced: PricedResource,
        address: str | None,
        instance_id: str | None,
        version_days: Decimal,
        source: str | None,
    ) -> None:
        """A key (or key version) inside an instance: free under a subscription, per version per day otherwise."""
        rates = self.pay_as_you_go_rates(priced, address, instance_id)
        if rates is None:
            return
        priced.components.append(
            CostComponent(
                name="Key versions in pay-as-you-go instance",
                unit="version-day",
                quantity=version_days,
                unit_price=rates.key_version_per_day,
                usage_source=source,
                kind="instance_key",
            )
        )

    def pay_as_you_go_rates(
        self, priced: PricedResource, address: str | None, instance_id: str | None
    ) -> InstanceRates | None:
        """The daily rates of the instance something lives in; None (with a note) when nothing is owed."""
        instance = self.instance_of(priced, address, instance_id)
        if instance is None:
            return None
        if instance.payment_type != "PayAsYouGo":
            self.note(priced, f"in subscription instance {instance.address}: no fee of its own")
            return None
        return self.instance_rates(priced, instance)

    def instance_kind(self, priced: PricedResource, instance: model.KmsInstance) -> str | None:
        """software / hardware from product_version; None (with a note) when no book prices instances."""
        if self.instance_book is None:
            self.not_priced(
                priced, f"KMS instances are not in price book {self.book.name} ({self.book.currency}); not priced", "KI406"
            )
            return None
        kind = self.instance_book.kind(instance.product_version)
        if kind is None:
            known = ", ".join(f"{v} {k}" for v, k in self.instance_book.product_versions.items())
            self.not_priced(
                priced,
                f"product_version {instance.product_version!r} is an edition {self.instance_book.name} has no price "
                f"for (it prices {known}); not priced",
                "KI407",
            )
        return kind

    def instance_rates(self, priced: PricedResource, instance: model.KmsInstance) -> InstanceRates | None:
        kind = self.instance_kind(priced, instance)
        return None if kind is None or self.instance_book is None else self.instance_book.pay_as_you_go[kind]

    def price_instance(self, priced: PricedResource, instance: model.KmsInstance) -> None:
        kind = self.instance_kind(priced, instance)
        if kind is None or self.instance_book is None:
            return
        book = self.instance_book
        if instance.payment_type == "PayAsYouGo":
            rates = book.pay_as_you_go[kind]
            priced.components.append(
                CostComponent(
                    name=f"Instance ({kind}, pay-as-you-go)",
                    unit="day",
                    quantity=self.days,
                    unit_price=rates.instance_per_day,
                    kind="instance",
                )
            )
            usage = self.usage(instance)
            if "peak_qps" in usage.values:
                qps, source = usage.get("peak_qps", ZERO)
            else:  # QPS is usage, like API calls: spec does not bill on pay-as-you-go
                qps, source = ZERO, "not given: depends on usage"
                self.assume(
                    priced,
                    "peak_qps not given: the QPS fee depends on usage (0.5 per QPS of the day's peak a day) and is "
                    "priced at 0; set peak_qps in a usage file or annotation",
                    "KI408",
                )
            priced.components.append(
                CostComponent(
                    name="Peak QPS (daily peak)",
                    unit="QPS-day",
                    quantity=qps * self.days,
                    unit_price=rates.qps_per_day,
                    usage_source=source,
                    kind="instance_qps",
                )
            )
            for name, key, unit, price in (
                ("Key versions outside this configuration", "key_versions", "version-day", rates.key_version_per_day),
                ("Secrets outside this configuration", "secrets", "secret-day", rates.secret_per_day),
            ):
                if key in usage.values:
                    amount, source = usage.get(key, ZERO)
                    priced.components.append(
                        CostComponent(name=name, unit=unit, quantity=amount * self.days, unit_price=price, usage_source=source)
                    )
            return
        if instance.payment_type != "Subscription":
            self.note(priced, f"payment_type {instance.payment_type!r} is not known; priced as a subscription", "KI409")
        rate = book.subscription[kind]
        if instance.spec is not None and instance.spec < rate.spec:
            self.not_priced(
                priced,
                f"spec = {instance.spec} is a smaller edition than the {rate.spec} QPS one {book.name} prices; "
                "its fee is not in the book: not priced",
                "KI410",
            )
            return
        priced.components.append(
            CostComponent(
                name=f"Instance ({kind}, subscription)",
                unit="month",
                quantity=Decimal(1),
                unit_price=rate.monthly_price,
                kind="instance",
            )
        )
        for attr, base in (("spec", rate.spec), ("key_num", rate.key_num)):
            value = getattr(instance, attr)
            if value is not None and value > base:
                self.not_priced(
                    priced,
                    f"{attr} = {value} is above the base {base} priced by {book.name}; "
                    "the extra capacity's fee is not in the book and is not included",
                    "KI410",
                )

    def price_secret(self, priced: PricedResource, secret: model.KmsSecret) -> None:
        if secret.instance_address is None and secret.dkms_instance_id is None:
            self.not_priced(
                priced, "a secret outside a KMS instance (KMS 1.0 Secrets Manager) has no price in any book; not priced",
                "KI411",
            )
            return
        rates = self.pay_as_you_go_rates(priced, secret.instance_address, secret.dkms_instance_id)
        if rates is None:
            return
        priced.components.append(
            CostComponent(
                name="Secret in pay-as-you-go instance",
                unit="secret-day",
                quantity=self.days,
                unit_price=rates.secret_per_day,
                kind="instance_secret",
            )
        )

    def price_key_version(self, priced: PricedResource, version: model.KmsKeyVersion) -> None:
        key = self.keys.get((version.root, version.key_address or ""))
        if key is None:
            key = model.KmsKey(address="", type=model.KEY, name="", region=version.region)
            self.assume(
                priced, "its key is not in this configuration; assumed an enabled software basic key outside any instance", "KI412"
            )
        priced.spec_class = self.key_class(priced, key)
        if key.status == "PendingDeletion":
            self.note(priced, "its key is PendingDeletion: not charged")
            return
        if key.in_instance:
            self.instance_versions(priced, key.instance_address, key.dkms_instance_id, self.days, None)
            return
        if not self.book.per_version:
            self.note(priced, f"{self.book.name} charges per key, not per version: no extra charge")
            return
        self.hosting(priced, key, priced.spec_class, self.days, None)


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


def _capacity(priced: list[PricedResource]) -> None:
    """What each instance must hold: one quota unit per key version, and its secrets."""
    by_instance = {p.resource.uid: p for p in priced if isinstance(p.resource, model.KmsInstance)}
    needed: dict[tuple[str, str], dict[str, int]] = {a: {"key_versions": 0, "secrets": 0} for a in by_instance}
    for p in priced:
        where = (p.resource.root, p.instance_address or "")
        if where not in needed or not p.resource.exists_after:
            continue
        counts = needed[where]
        if isinstance(p.resource, model.KmsSecret):
            counts["secrets"] += 1
        elif isinstance(p.resource, model.KmsKey):
            counts["key_versions"] += int(p.versions)
        elif isinstance(p.resource, model.KmsKeyVersion):
            counts["key_versions"] += 1
    for address, item in by_instance.items():
        instance = item.resource
        assert isinstance(instance, model.KmsInstance)
        item.capacity = {
            "key_versions_needed": needed[address]["key_versions"],
            "key_num": instance.key_num,
            "secrets_needed": needed[address]["secrets"],
            "secret_num": instance.secret_num,
        }


def estimate(
    inventory: model.Inventory,
    book: PriceBook,
    *,
    instance_book: InstanceBook | None = None,
    days_per_month: int = 30,
    usage: UsageLookup | None = None,
    horizon_months: int = 12,
) -> Estimate:
    lookup = usage or _no_usage
    pricer = _Pricer(book, instance_book, days_per_month, lookup, inventory)
    past_pricer = _Pricer(book, instance_book, days_per_month, lookup, inventory)
    priced: list[PricedResource] = []
    befores: list[PricedResource] = []
    for resource in inventory.resources:
        item = pricer.price(resource)
        if resource.before is not None or resource.action in (model.DELETE, model.NOOP):
            before = resource.before or resource
            if resource.action == model.DELETE:
                before = _as_existing(resource)
            past = past_pricer.price(before)
            item.past_monthly_cost = past.monthly_cost
            befores.append(past)
        priced.append(item)
    _capacity(priced)
    items = _account_items(book, days_per_month, priced)
    rotating = any(isinstance(r, model.KmsKey) and r.rotation_days is not None for r in inventory.resources)
    if rotating:  # only rotation makes a later month differ from the first
        future = _Pricer(book, instance_book, days_per_month, lookup, inventory, month=horizon_months)
        projected = [future.price(r) for r in inventory.resources]
        _capacity(projected)
        for now, later in zip(priced, projected):
            if later.capacity is not None:
                now.capacity = later.capacity  # an instance must hold the versions rotation will add
        projected_items = _account_items(book, days_per_month, projected)
    else:
        projected, projected_items = priced, items
    past_items = _account_items(book, days_per_month, befores) if befores else []
    result = Estimate(
        book=book,
        instance_book=instance_book,
        days_per_month=days_per_month,
        resources=priced,
        account_items=items,
        warnings=[*inventory.warnings, *pricer.warnings],
        past_account_total=sum((a.monthly_cost for a in past_items), ZERO) if befores else None,
        horizon_months=horizon_months,
        projected=projected,
        projected_account_items=projected_items,
    )
    return result


def kms1_summary(document: dict[str, Any]) -> list[model.Warning]:
    """KMS 1.0 is past end of service: one statement for the run's KMS 1.0 keys (KI501), from its
    `migration` section (what they cost, the cheapest KMS 3.0 option), never a note per key.

    One warning per key with the same message, so the report groups them into one entry with the count
    and every address.
    """
    migration = document.get("migration") or {}
    if not migration.get("kms1_keys"):
        return []
    keys = [
        r for r in document["resources"]
        if r["type"] == model.KEY and not r.get("in_instance") and r.get("action") != model.DELETE
    ]
    n, currency = migration["kms1_keys"], migration["currency"]
    message = (
        f"KMS 1.0 ended service {migration['end_of_service']}: {n:,} key{'' if n == 1 else 's'}, "
        f"{amount(Decimal(str(migration['kms1_monthly_cost'])))} {currency}/month"
    )
    if migration.get("priced") and migration.get("cheapest"):
        message += (
            f"; cheapest KMS 3.0 option {migration['cheapest']} "
            f"{amount(Decimal(str(migration['cheapest_monthly_cost'])))} {currency}/month (JSON: migration)"
        )
    several = len({r.get("project") for r in keys}) > 1  # the same address in two projects is two keys
    return [model.Warning("KI501", message, f"{r['project']}: {r['address']}" if several else r["address"]) for r in keys]


def _as_existing(resource: model.Resource) -> model.Resource:
    return records.replace(resource, action=model.NOOP, before=None, assumptions=list(resource.assumptions))
