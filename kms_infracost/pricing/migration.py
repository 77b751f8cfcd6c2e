"""Migration: the KMS 1.0 keys of a run priced as the KMS 3.0 instances that could hold them.

KMS 1.0 is past end of service, so every key outside an instance has to move into one. A platform team wants
one answer, not a note per key: which instance kind and payment type is cheapest for the keys it has, and what
it costs. The figures come from the priced resources (version-days, API calls) and the KMS 3.0 price book;
this module holds no prices.

HSM-protected keys need a hardware instance; software keys fit either kind. Subscription instances hold a
quota of key versions (each version uses one unit) and of QPS; more instances are bought when the keys need
more. Pay-as-you-go instances bill each key version and the daily peak QPS instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_CEILING, Decimal

from kms_infracost import model
from kms_infracost.money import amount
from kms_infracost.pricing.book import InstanceBook, SubscriptionRate
from kms_infracost.pricing.engine import ZERO, Estimate, PricedResource
from kms_infracost.records import field, record
from kms_infracost.runmemo import table

#: a unit conversion, not a price: QPS from calls per day
SECONDS_PER_DAY = 86_400
KINDS = ("software", "hardware")
PAYMENT_TYPES = (("payg", "PayAsYouGo"), ("subscription", "Subscription"))


def _ceil(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


@record(frozen=True)
class Holding:
    """What some KMS 1.0 keys ask of an instance in one month."""

    keys: int = 0
    #: key versions at the end of the month: the subscription quota they use
    versions: int = 0
    #: key versions times days billed in the month, as KMS 1.0 bills them
    version_days: Decimal = ZERO
    monthly_api_calls: Decimal = ZERO
    rotating: int = 0

    def __add__(self, other: Holding) -> Holding:
        return Holding(
            self.keys + other.keys,
            self.versions + other.versions,
            self.version_days + other.version_days,
            self.monthly_api_calls + other.monthly_api_calls,
            self.rotating + other.rotating,
        )


def _total(holdings: Iterable[Holding]) -> Holding:
    """The sum of some holdings, added field by field in one pass (no Holding made per step)."""
    keys = versions = rotating = 0
    version_days = calls = ZERO
    for h in holdings:
        keys += h.keys
        versions += h.versions
        version_days += h.version_days
        calls += h.monthly_api_calls
        rotating += h.rotating
    return Holding(keys, versions, version_days, calls, rotating)


@record(frozen=True)
class Member:
    """One KMS 1.0 key (or a key version resource of one): what it asks in month 1 and in the horizon month."""

    priced: PricedResource
    later: PricedResource
    hsm: bool
    now: Holding
    projected: Holding


@record(frozen=True)
class Line:
    """A billed item: one that disappears with KMS 1.0 or one an option adds."""

    name: str
    unit: str
    quantity: Decimal
    unit_price: Decimal

    @property
    def monthly_cost(self) -> Decimal:
        return self.quantity * self.unit_price


@record(frozen=True)
class Placement:
    """Instances of one kind and payment type and what they would hold, in month 1 and the horizon month."""

    kind: str
    payment_type: str
    instances: int
    keys: int
    key_versions: int
    peak_qps: int
    projected_instances: int
    projected_key_versions: int


@record
class Option:
    name: str
    placements: list[Placement]
    items: list[Line]
    assumptions: list[str]
    projected_items: list[Line]
    #: the items' sums, worked out once (the cheapest option and the report each read them)
    monthly_cost: Decimal = field(init=False)
    projected_monthly_cost: Decimal = field(init=False)
    #: its entry in the JSON report, made once: projects holding the same keys share the option (_kms3)
    document: dict[str, object] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.monthly_cost = sum((i.monthly_cost for i in self.items), ZERO)
        self.projected_monthly_cost = sum((i.monthly_cost for i in self.projected_items), ZERO)


@record(frozen=True)
class BreakEven:
    """The fewest keys (one version each) from which a subscription costs no more than pay-as-you-go."""

    kind: str
    peak_qps: int
    keys: int | None


@record
class Migration:
    #: None for the whole run
    project: str | None
    kms1_keys: int
    hsm_keys: int
    kms1_key_versions: int
    #: key versions at the end of the horizon month, as rotation adds them
    projected_key_versions: int
    kms1_keys_added: int
    kms1_monthly_cost: Decimal
    kms1_projected_monthly_cost: Decimal
    disappears: list[Line]
    options: list[Option] = field(default_factory=list)
    break_even: list[BreakEven] = field(default_factory=list)
    #: why no option is priced (no KMS 3.0 book for this site); None when priced
    not_priced: str | None = None
    assumptions: list[str] = field(default_factory=list)

    @property
    def cheapest(self) -> Option | None:
        return min(self.options, key=lambda o: o.monthly_cost, default=None)

    @property
    def projected_cheapest(self) -> Option | None:
        return min(self.options, key=lambda o: o.projected_monthly_cost, default=None)


# -- what the KMS 1.0 keys are -----------------------------------------------------------------------
def _billed_as_kms1(priced: PricedResource) -> bool:
    """Hosting billed by the KMS 1.0 book: not in an instance, not a service key, not PendingDeletion."""
    return priced.resource.exists_after and any(c.kind == "hosting" for c in priced.components)


def _holding(priced: PricedResource, calls_per_unit: int) -> Holding:
    is_key = isinstance(priced.resource, model.KmsKey)
    rotating = is_key and getattr(priced.resource, "rotation_days", None) is not None
    return Holding(
        keys=1 if is_key else 0,
        versions=int(priced.versions) if is_key else 1,
        version_days=sum((c.quantity for c in priced.components if c.kind == "hosting"), ZERO),
        monthly_api_calls=sum((c.quantity * calls_per_unit for c in priced.components if c.kind == "api"), ZERO),
        rotating=int(rotating),
    )


def members(estimate: Estimate) -> list[Member]:
    """Every KMS 1.0 key and key version resource billed in the estimate."""
    projected = estimate.projected  # the same resources in the horizon month, in the same order (when worked out)
    keys = {p.resource.uid: p.resource for p in estimate.resources if isinstance(p.resource, model.KmsKey)}
    per = estimate.book.api_calls_per_unit
    found: list[Member] = []
    for position, priced in enumerate(estimate.resources):
        if not _billed_as_kms1(priced):
            continue
        resource = priced.resource
        if isinstance(resource, model.KmsKeyVersion):
            owner = keys.get((resource.root, resource.key_address or ""))
            hsm = isinstance(owner, model.KmsKey) and owner.protection_level == "HSM"
        else:
            hsm = getattr(resource, "protection_level", "") == "HSM"
        future = projected[position] if position < len(projected) else priced
        now = _holding(priced, per)
        found.append(Member(priced, future, hsm, now, now if future is priced else _holding(future, per)))
    return found


def _disappearing(chosen: Iterable[Member]) -> list[Line]:
    """The KMS 1.0 items that go away, summed per component name and price."""
    totals: dict[tuple[str, str, Decimal], Decimal] = {}
    for member in chosen:
        for c in member.priced.components:
            key = (f"KMS 1.0: {c.name}", c.unit, c.unit_price)
            totals[key] = totals.get(key, ZERO) + c.quantity
    return [Line(name, unit, quantity, price) for (name, unit, price), quantity in totals.items()]


# -- KMS 3.0 options -------------------------------------------------------------------------------
def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@record(frozen=True)
class _Placed:
    placement: Placement
    items: list[Line]
    projected_items: list[Line]
    assumptions: list[str]


class _Options:
    def __init__(self, book: InstanceBook, days: int, horizon: int) -> None:
        self.book = book
        self.days = Decimal(days)
        self.horizon = horizon
        self.currency = book.currency
        self._qps: dict[Decimal, int] = {}

    def peak_qps(self, holding: Holding) -> int:
        calls = holding.monthly_api_calls
        qps = self._qps.get(calls)
        if qps is None:
            qps = self._qps[calls] = _ceil(calls / (self.days * SECONDS_PER_DAY))
        return qps

    def qps_assumption(self, holding: Holding, qps: int, price: Decimal) -> str:
        if not holding.monthly_api_calls:
            return (
                f"peak QPS 0: no monthly_api_calls given for these keys; pay-as-you-go bills "
                f"{amount(price)} {self.currency} per QPS a day at the daily peak (depends on usage)"
            )
        return (
            f"peak QPS {qps}: the average rate of {holding.monthly_api_calls.normalize():,f} API calls a month, "
            "rounded up; bursts raise the real daily peak"
        )

    def payg_lines(self, kind: str, holding: Holding) -> list[Line]:
        rates = self.book.pay_as_you_go[kind]
        return [
            Line(f"Instance ({kind}, pay-as-you-go)", "day", self.days, rates.instance_per_day),
            Line(f"Key versions ({kind}, pay-as-you-go)", "version-day", holding.version_days, rates.key_version_per_day),
            Line(f"Peak QPS ({kind}, pay-as-you-go)", "QPS-day", self.peak_qps(holding) * self.days, rates.qps_per_day),
        ]

    def pay_as_you_go(self, kind: str, now: Holding, later: Holding) -> _Placed:
        qps = self.peak_qps(now)
        notes = [self.qps_assumption(now, qps, self.book.pay_as_you_go[kind].qps_per_day)]
        if later.version_days != now.version_days:
            notes.append(
                f"rotation adds key versions: {_plural(now.versions, 'version')} at the end of month 1, "
                f"{later.versions:,} by month {self.horizon}"
            )
        placement = Placement(kind, "PayAsYouGo", 1, now.keys, now.versions, qps, 1, later.versions)
        return _Placed(placement, self.payg_lines(kind, now), self.payg_lines(kind, later), notes)

    def instances(self, kind: str, holding: Holding) -> tuple[int, int]:
        """Subscription instances the keys need: (in all, for the QPS alone)."""
        rate = self.book.subscription[kind]
        for_qps = _ceil(Decimal(self.peak_qps(holding)) / rate.spec)
        return max(1, _ceil(Decimal(holding.versions) / rate.key_num), for_qps), for_qps

    def subscription(self, kind: str, now: Holding, later: Holding) -> _Placed:
        rate: SubscriptionRate = self.book.subscription[kind]
        count, for_qps = self.instances(kind, now)
        projected, _ = self.instances(kind, later)
        note = (
            f"{_plural(now.versions, 'key version')} in instances of {rate.key_num:,} key versions and "
            f"{rate.spec:,} QPS: {_plural(count, 'instance')}"
        )
        if for_qps == count and count > 1:
            note += f" for {self.peak_qps(now):,} QPS"
        if later.versions != now.versions:
            note += (
                f"; rotation brings {later.versions:,} key versions by month {self.horizon}: "
                f"{_plural(projected, 'instance')}"
            )
        placement = Placement(
            kind, "Subscription", count, now.keys, now.versions, self.peak_qps(now), projected, later.versions
        )
        return _Placed(
            placement,
            [Line(f"Instance ({kind}, subscription)", "instance-month", Decimal(count), rate.monthly_price)],
            [Line(f"Instance ({kind}, subscription)", "instance-month", Decimal(projected), rate.monthly_price)],
            [note],
        )

    def place(self, payment: str, kind: str, now: Holding, later: Holding) -> _Placed:
        return self.pay_as_you_go(kind, now, later) if payment == "payg" else self.subscription(kind, now, later)

    def options(self, now: tuple[Holding, Holding], later: tuple[Holding, Holding]) -> list[Option]:
        """Every way to hold the keys: one kind for all of them, or software and HSM keys apart.

        `now` and `later` are (software, HSM) holdings in month 1 and in the horizon month.
        """
        all_now, all_later = now[0] + now[1], later[0] + later[1]
        kinds = ("hardware",) if all_now.versions != now[0].versions else KINDS
        found: list[Option] = []
        for kind in kinds:
            for payment, _ in PAYMENT_TYPES:
                one = self.place(payment, kind, all_now, all_later)
                found.append(Option(f"kms3-{payment}-{kind}", [one.placement], one.items, one.assumptions, one.projected_items))
        if now[0].versions and now[1].versions:
            # each half placed once per payment type, then paired every way
            softs = [(pay, self.place(pay, "software", now[0], later[0])) for pay, _ in PAYMENT_TYPES]
            hards = [(pay, self.place(pay, "hardware", now[1], later[1])) for pay, _ in PAYMENT_TYPES]
            for (soft_pay, soft), (hard_pay, hard) in ((s, h) for s in softs for h in hards):
                found.append(
                    Option(
                        f"kms3-{soft_pay}-software+kms3-{hard_pay}-hardware",
                        [soft.placement, hard.placement],
                        soft.items + hard.items,
                        [f"software keys: {n}" for n in soft.assumptions] + [f"HSM keys: {n}" for n in hard.assumptions],
                        soft.projected_items + hard.projected_items,
                    )
                )
        return found

    def break_even(self, kind: str, qps: int) -> BreakEven:
        rates = self.book.pay_as_you_go[kind]
        rate = self.book.subscription[kind]
        fixed = self.days * (rates.instance_per_day + qps * rates.qps_per_day)
        per_key = self.days * rates.key_version_per_day
        for_qps = max(1, _ceil(Decimal(qps) / rate.spec))
        block = 1
        while True:
            cost = rate.monthly_price * max(block, for_qps)
            low, high = (block - 1) * rate.key_num + 1, block * rate.key_num
            if per_key:
                needed = max(low, _ceil((cost - fixed) / per_key))
                if needed <= high:
                    return BreakEven(kind, qps, needed)
            elif fixed >= cost:
                return BreakEven(kind, qps, low)
            # past the QPS-bound instances, each block adds a subscription fee and its keys' per-day fees:
            # when the fee is the larger, pay-as-you-go stays cheaper for good
            if block >= for_qps and per_key * rate.key_num <= rate.monthly_price:
                return BreakEven(kind, qps, None)
            block += 1


def _migration(project: str | None, chosen: list[Member], estimate: Estimate) -> Migration:
    book, instances = estimate.book, estimate.instance_book
    keys = [m for m in chosen if isinstance(m.priced.resource, model.KmsKey)]
    now = (_total(m.now for m in chosen if not m.hsm), _total(m.now for m in chosen if m.hsm))
    later = (_total(m.projected for m in chosen if not m.hsm), _total(m.projected for m in chosen if m.hsm))
    result = Migration(
        project=project,
        kms1_keys=len(keys),
        hsm_keys=sum(1 for m in keys if m.hsm),
        kms1_key_versions=now[0].versions + now[1].versions,
        projected_key_versions=later[0].versions + later[1].versions,
        kms1_keys_added=sum(1 for m in keys if m.priced.resource.action in (model.CREATE, model.REPLACE)),
        kms1_monthly_cost=sum((m.priced.monthly_cost for m in chosen), ZERO),
        kms1_projected_monthly_cost=sum((m.later.monthly_cost for m in chosen), ZERO),
        disappears=_disappearing(chosen),
    )
    if instances is None:
        reason = str(book.raw.get("kms3_unpriced", "no KMS 3.0 price book is paired with it"))
        result.not_priced = f"migration is not priced with price book {book.name} ({book.currency}): {reason}"
        return result
    options, break_even = _kms3(instances, estimate.days_per_month, estimate.horizon_months, now, later)
    result.options, result.break_even = list(options), list(break_even)
    return result


def _kms3(
    instances: InstanceBook, days: int, horizon: int, now: tuple[Holding, Holding], later: tuple[Holding, Holding]
) -> tuple[list[Option], list[BreakEven]]:
    """The KMS 3.0 options and break-even points for some holdings, worked out once a run for each
    distinct set: a monorepo's stacks mostly hold the same few keys, and each set is priced six ways.

    The key is exact to the digit (30 and 30.0 key versions-days are told apart: assumptions print them)."""
    memo = table("kms3 options")
    key = (id(instances), days, horizon, *(_exact(h) for h in (*now, *later)))
    found = memo.get(key)
    if found is None or found[0] is not instances:  # the book itself is kept in the entry: its id stays its own
        pricer = _Options(instances, days, horizon)
        qps = pricer.peak_qps(now[0] + now[1])
        kinds = KINDS if now[0].versions else ("hardware",)  # software instances only for software keys
        found = memo[key] = (instances, pricer.options(now, later), [pricer.break_even(kind, qps) for kind in kinds])
    return found[1], found[2]


def _exact(holding: Holding) -> tuple[int, int, str, str, int]:
    return (holding.keys, holding.versions, str(holding.version_days), str(holding.monthly_api_calls), holding.rotating)


def _with_account_items(section: Migration, estimates: Iterable[Estimate]) -> Migration:
    """Account-wide KMS 1.0 items (a tier, a free quota) go away with the keys too."""
    for estimate in estimates:
        for item in estimate.account_items:
            if item.monthly_cost:
                section.disappears.append(Line(f"KMS 1.0: {item.name}", item.unit, item.quantity, item.unit_price))
                section.kms1_monthly_cost += item.monthly_cost
        section.kms1_projected_monthly_cost += sum((a.monthly_cost for a in estimate.projected_account_items), ZERO)
    return section


def _project_name(estimate: Estimate) -> str:
    return next((p.resource.root for p in estimate.resources if p.resource.root), ".")


@record(frozen=True)
class _Part:
    """One project's KMS 1.0 keys and its own section (None without such keys), as data and as JSON."""

    members: list[Member]
    section: Migration | None
    document: dict[str, object] | None


def _part(estimate: Estimate) -> _Part:
    """Worked out once per estimate: a project's own document and the run's both show its section."""
    found = estimate.derived.get("migration")
    if isinstance(found, _Part):
        return found
    chosen = members(estimate)
    section = _with_account_items(_migration(_project_name(estimate), chosen, estimate), [estimate]) if chosen else None
    part = _Part(chosen, section, _section(section) if section is not None else None)
    estimate.derived["migration"] = part
    return part


# -- the JSON report's `migration` section -------------------------------------------------------------
def _line(line: Line) -> dict[str, object]:
    return {
        "name": line.name,
        "unit": line.unit,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "monthly_cost": line.monthly_cost,
    }


def _option(o: Option) -> dict[str, object]:
    """An option's entry, made once and shared by the sections that list it (never changed once made)."""
    if o.document is None:
        o.document = {
            "name": o.name,
            "monthly_cost": o.monthly_cost,
            "projected_monthly_cost": o.projected_monthly_cost,
            "instances": [
                {
                    "kind": p.kind,
                    "payment_type": p.payment_type,
                    "count": p.instances,
                    "keys": p.keys,
                    "key_versions": p.key_versions,
                    "peak_qps": p.peak_qps,
                    "projected_count": p.projected_instances,
                    "projected_key_versions": p.projected_key_versions,
                }
                for p in o.placements
            ],
            "appears": [_line(i) for i in o.items],
            "assumptions": list(o.assumptions),
        }
    return o.document


def _section(m: Migration) -> dict[str, object]:
    cheapest, later = m.cheapest, m.projected_cheapest
    doc: dict[str, object] = {
        "kms1_keys": m.kms1_keys,
        "software_keys": m.kms1_keys - m.hsm_keys,
        "hsm_keys": m.hsm_keys,
        "kms1_key_versions": m.kms1_key_versions,
        "projected_key_versions": m.projected_key_versions,
        "kms1_keys_added": m.kms1_keys_added,
        "kms1_monthly_cost": m.kms1_monthly_cost,
        "kms1_projected_monthly_cost": m.kms1_projected_monthly_cost,
        "priced": m.not_priced is None,
        "not_priced_reason": m.not_priced,
        "options": [_option(o) for o in m.options],
        "cheapest": cheapest.name if cheapest else None,
        "cheapest_monthly_cost": cheapest.monthly_cost if cheapest else None,
        "change_monthly_cost": cheapest.monthly_cost - m.kms1_monthly_cost if cheapest else None,
        "projected_cheapest": later.name if later else None,
        "projected_cheapest_monthly_cost": later.projected_monthly_cost if later else None,
        "disappears": [_line(i) for i in m.disappears],
        "break_even": [{"kind": b.kind, "peak_qps": b.peak_qps, "keys": b.keys} for b in m.break_even],
        "assumptions": list(m.assumptions),
    }
    if m.project is not None:
        doc = {"project": m.project, **doc}
    return doc


def migration_document(estimates: Sequence[Estimate]) -> dict[str, object] | None:
    """`migration` in the JSON report: the KMS 1.0 keys of a run's projects (one estimate each) priced as
    KMS 3.0 options, for the run (in which all projects' keys share instances), then `projects[]` (a list,
    so JSONPath filters can test it); None without such keys.

    Each project's section is worked out once (`_part`); with one project the run's section is that one's.
    """
    found = [(e, part) for e in estimates if (part := _part(e)).document is not None]
    if not found:
        return None
    projects = [part.document for _, part in found if part.document is not None]
    if len(found) == 1:
        run = {k: v for k, v in projects[0].items() if k != "project"}
    else:
        pooled = [m for _, part in found for m in part.members]
        section = _with_account_items(_migration(None, pooled, found[0][0]), [e for e, _ in found])
        section.assumptions.append(f"the KMS 1.0 keys of all {len(found)} projects share instances")
        run = _section(section)
    first = estimates[0]
    instances = first.instance_book
    doc: dict[str, object] = {
        "end_of_service": instances.kms1_end_of_service if instances else None,
        "price_book": instances.name if instances else None,
        "currency": instances.currency if instances else first.book.currency,
        "horizon_months": first.horizon_months,
        **run,
        "projects": projects,
    }
    return doc
