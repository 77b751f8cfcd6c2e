"""`kms-infracost pricing`: the price book in use, as a person checks it against the vendor's page."""

from __future__ import annotations

from typing import Any

from kms_infracost.pricing.book import InstanceBook, PriceBook, cite

#: (region, class, known, price column, the known region it is one edit away from)
RegionInfo = tuple[str, str, bool, str, str | None]


def _sources(sources: tuple[dict[str, str], ...]) -> list[str]:
    """One line per public document, with what the book takes from it."""
    lines = []
    for entry in sources:
        used = f" ({entry['used_for']})" if "used_for" in entry else ""
        lines.append(f"    {cite((entry,))}{used}")
    return ["  sources"] + lines


def render(name: str, days_per_month: int, region: str | None, output_format: str = "table") -> str:
    """`kms-infracost pricing`: the book asked for first, then its companion; as text or JSON."""
    from kms_infracost.pricing.book import available_books, book_data, region_table, select_books

    book, instance_book = select_books(name)
    info: RegionInfo | None = None
    if region:
        table = region_table()
        cls, known = table.classify(region)
        info = (region, cls, known, book.column(cls), table.typo_of(region))
    names = [book.name] + ([instance_book.name] if instance_book is not None else [])
    if names[0] != name:
        names.reverse()
    if output_format == "json":
        import json

        from kms_infracost.document import plain_numbers

        doc: dict[str, Any] = {
            "price_book": name,
            "days_per_month": days_per_month,
            "books": [{"name": n, **plain_numbers(_plain(book_data(n)))} for n in names],
            "region": None
            if info is None
            else {"region": info[0], "region_class": info[1], "known": info[2], "column": info[3], "did_you_mean": info[4]},
            "available": available_books(),
        }
        return json.dumps(doc, indent=2) + "\n"
    texts = {book.name: render_book(book, days_per_month, info)}
    if instance_book is not None:
        texts[instance_book.name] = render_instance_book(instance_book)
    return "\n".join(texts[n] for n in names) + "\nAvailable price books: " + ", ".join(available_books()) + "\n"


def _plain(value: Any) -> Any:
    """TOML data as JSON can hold it (dates as text)."""
    import datetime

    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


def render_book(book: PriceBook, days_per_month: int, region: RegionInfo | None) -> str:
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
        name, cls, known, column, typo = region
        guessed = "" if known else " (not in the region table: guessed from its name)"
        hint = f"; did you mean {typo}?" if typo else ""
        out += ["", f"Region {name}: class {cls}{guessed}, price column {column}{hint}"]
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
