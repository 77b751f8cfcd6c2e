"""`kms-infracost pricing`: the price book in use, as a person checks it against the vendor's page."""

from __future__ import annotations

from kms_infracost.pricing.book import PriceBook


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
        f"  source          {book.source}",
        f"  month           {days_per_month} days",
        "",
        "Spec classes:",
    ]
    out += [f"  {cls:<14}{', '.join(specs)}" for cls, specs in book.spec_classes.items()]
    out += ["", "Region class -> price column:"]
    out += [f"  {cls:<14}{column}" for cls, column in book.columns.items()]
    out += ["", f"Key hosting, {book.currency} per {book.hosting_unit} per day:"]
    for row in book.hosting:
        out.append(
            f"  protection {row.protection_level:<9} spec class {row.spec_class:<9} column {row.column:<17} {row.price}"
        )
    for tier in book.tiers:
        out.append(f"  account tier: {tier.name}: {tier.price_beyond} beyond the first {tier.first_units:,}")
    out += ["", f"API calls, {book.currency} per {book.api_calls_per_unit:,} cryptographic calls:"]
    for row in book.api:
        out.append(f"  spec class {row.spec_class:<9} column {row.column:<17} {row.price}")
    if book.free_api_calls_per_month:
        out.append(f"  account-wide free quota: {book.free_api_calls_per_month:,} calls per month")
    if region is not None:
        name, cls, known, column = region
        guessed = "" if known else " (not in the region table: guessed from its name)"
        out += ["", f"Region {name}: class {cls}{guessed}, price column {column}"]
    out += ["", "Available price books: " + ", ".join(available)]
    return "\n".join(out) + "\n"
