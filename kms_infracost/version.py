"""What `--version` prints: the tool's version and the date each bundled price book took effect."""

from __future__ import annotations

from kms_infracost import __version__


def version_text() -> str:
    from kms_infracost.pricing.book import available_books, book_data

    lines = [f"kms-infracost {__version__}", "price books:"]
    for name in available_books():
        header = book_data(name)
        lines.append(f"  {name} ({header['currency']}): effective {header['effective_date']}")
    return "\n".join(lines)
