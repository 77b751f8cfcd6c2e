"""`kms-infracost pricing`: the price book in use, as a person checks it against the vendor's page."""

from __future__ import annotations

from kms_infracost.pricing.book import InstanceBook, PriceBook, cite


def _sources(sources: tuple[dict[str, str], ...]) -> list[str]:
    """One line per public document, with what the book takes from it."""
    lines = []
    for entry in sources:
        used = f" ({entry['used_for']})" if "used_for" in entry else ""
        lines.append(f"    {cite((entry,))}{used}")
    return ["  sources"] + lines


def render_book(
    book: PriceBook,
    days_per_month: int,
    region: tuple[str, str, bool, str] | None,
    available: list[str],
) -> str:
    out = [
        f"Price book {book.name}: {book.title}",
        f"  currency        {book.currency}",
        f"  effective date  {book.effective_date}",
        *_sources(book.sources),
        f"  month           {days_per_month} days",
        "",
        "Spec classes:",
    ]
    out += [f"  {cls:<14}{', '.join(specs)}" for cls, specs in book.spec_classes.items()]
    out += ["", "Region class -> price column:"]
    out += [f"  {cls:<14}{column}" for cls, column in book.columns.items()]
    out += [f"  {cls}: assumption: {why}" for cls, why in book.extrapolated.items()]
    out += ["", f"Key hosting, {book.currency} per {book.hosting_unit} per day:"]
    for row in book.hosting:
        out.append(
            f"  creator {row.creator:<8} protection {row.protection_level:<9} spec class {row.spec_class:<9} "
            f"column {row.column:<17} {row.price}"
        )
    for tier in book.tiers:
        out.append(f"  account tier: {tier.name}: {tier.price_beyond} beyond the first {tier.first_units:,}")
    out += ["", f"API calls, {book.currency} per {book.api_calls_per_unit:,} cryptographic calls:"]
    for row in book.api:
        out.append(f"  creator {row.creator:<8} spec class {row.spec_class:<9} column {row.column:<17} {row.price}")
    if book.free_api_calls_per_month:
        out.append(f"  account-wide free quota: {book.free_api_calls_per_month:,} calls per month")
    if region is not None:
        name, cls, known, column = region
        guessed = "" if known else " (not in the region table: guessed from its name)"
        out += ["", f"Region {name}: class {cls}{guessed}, price column {column}"]
    out += ["", "Available price books: " + ", ".join(available)]
    return "\n".join(out) + "\n"


def render_instance_book(book: InstanceBook) -> str:
    out = [
        f"Price book {book.name}: {book.title}",
        f"  currency        {book.currency}",
        f"  effective date  {book.effective_date}",
        *_sources(book.sources),
        f"  KMS 1.0 end of service {book.kms1_end_of_service}",
        "",
        "product_version -> kind: " + ", ".join(f"{k} = {v}" for k, v in book.product_versions.items()),
        "",
        f"Subscription, {book.currency} per month (keys and secrets inside add nothing):",
    ]
    out += [
        f"  {kind:<9} {rate.monthly_price}  (base spec: {rate.key_num:,} key versions, {rate.spec:,} QPS)"
        for kind, rate in book.subscription.items()
    ]
    out += ["", f"Pay-as-you-go, {book.currency} per day:"]
    out += [
        f"  {kind:<9} instance {r.instance_per_day}, per key version {r.key_version_per_day}, "
        f"per secret {r.secret_per_day}, per QPS of the daily peak {r.qps_per_day}"
        for kind, r in book.pay_as_you_go.items()
    ]
    return "\n".join(out) + "\n"
