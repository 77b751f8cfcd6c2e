"""Every kind of warning with its stable code, and how many warnings of one kind become one entry.

A warning says that a priced figure rests on something the tool had to assume or could not price. Each kind
has a code (`KI101`) and a name (`region-assumed`) that `ignore_warnings = [...]` in the config and
`--ignore-warning` accept, like a linter's rule codes. Codes never change meaning; a retired code is not reused.

To add a kind: add a line to CODES (next free number in its hundred), raise it with
`model.Warning("KI1xx", "message without the address", address=..., file=..., line=...)`, and add its row
to the README's warning table (a test checks both).

Hundreds: 1 what a resource is (plan and HCL), 2 reading HCL, 3 the usage file, 4 pricing, 5 the run as a whole.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from kms_infracost.model import Warning

#: code -> (name, what it means). Order is the README's.
CODES: dict[str, tuple[str, str]] = {
    "KI101": ("region-assumed", "no region from the provider block or the environment; a region is assumed"),
    "KI102": (
        "unknown-attribute",
        (
            'a priced attribute is known only after apply; the provider default is assumed (with unknown_values = "max", '
            "the most expensive option)"
        ),
    ),
    "KI103": ("invalid-value", "a value the provider would reject; the provider default is assumed"),
    "KI104": ("rotation-not-projected", "automatic rotation is on but will not add versions as written"),
    "KI105": ("ambiguous-key-reference", "a key version or alias refers to one of several key instances"),
    "KI106": ("unknown-plan-action", "the plan has an action this tool does not know; treated as update"),
    "KI107": ("kms-data-source", "a data source calls KMS on every plan and apply; those calls are not priced"),
    "KI108": ("other-provider", "key resources of another provider (aws_kms_key …); only Alibaba Cloud KMS is priced"),
    "KI201": ("module-not-read", "a module is not read (not installed, not a directory, or outside the repository)"),
    "KI202": ("unknown-count", "count or for_each is unknown until apply; one instance is assumed"),
    "KI203": ("block-not-expanded", "count or for_each has a value Terraform rejects; the block is not priced"),
    "KI204": ("duplicate-resource", "the same resource is declared twice; each declaration is priced"),
    "KI205": ("for-each-list", "for_each is given a list; Terraform wants a set or a map"),
    "KI206": ("unsupported-function", "a function this tool does not evaluate; its result is unknown"),
    "KI207": ("variable-type", "a module variable's value does not fit its type; used as given"),
    "KI208": ("undeclared-var", "--var names a variable the root module does not declare; ignored"),
    "KI209": ("no-terraform-files", "a directory given has no Terraform files"),
    "KI210": ("kms-outside-roots", "a file mentions alicloud_kms but no root module found reads it (nothing priced)"),
    "KI301": ("usage-unmatched", "a usage file entry matches no resource (a typo?)"),
    "KI302": ("usage-key-not-applicable", "a usage key that the matched resource type does not read"),
    "KI303": ("unknown-usage-key", "a key the usage file does not know; ignored"),
    "KI304": ("usage-type-not-read", "resource_type_default_usage for a type that reads no usage"),
    "KI305": ("usage-file-version", "the usage file has no version; 0.1 is assumed"),
    "KI401": ("region-not-in-table", "a priced resource's region is not in the region table; classed by its name"),
    "KI402": ("spec-not-in-book", "the key spec has no price in this book; priced as a basic key"),
    "KI403": ("no-price", "the book has no price for this key's hosting or API calls; listed as unpriced"),
    "KI404": ("disabled-key-calls", "a Disabled key refuses cryptographic calls, yet API calls are given"),
    "KI405": ("instance-not-in-configuration", "a key or secret lives in an instance outside this configuration"),
    "KI406": ("instance-not-in-book", "KMS instances are not priced by this book; listed as unpriced"),
    "KI407": ("unknown-product-version", "an instance's product_version is an edition the book has no price for"),
    "KI408": ("qps-not-given", "a pay-as-you-go instance's peak QPS is not given; its QPS fee is priced at 0"),
    "KI409": ("unknown-payment-type", "an instance's payment_type is not known; priced as a subscription"),
    "KI410": ("edition-not-in-book", "an instance's spec or key_num is not the edition the book prices"),
    "KI411": ("secret-not-priced", "a secret outside a KMS instance is in no price book; not priced"),
    "KI412": ("version-key-not-found", "a key version's key is not in this configuration; priced as a basic key"),
    "KI413": ("region-column-assumed", "the book has no column for this region class; another column is assumed"),
    "KI414": ("type-not-priced", "a billed KMS resource type that no price book here covers; listed as unpriced"),
    "KI501": ("kms1-end-of-service", "KMS 1.0 keys: one summary per run of what they cost and what KMS 3.0 would"),
}

#: how many addresses a terminal line names before "+N more"
SHOWN_ADDRESSES = 3
#: no warning line is longer than this unless -v
MAX_LINE = 160
#: how much of a message a long location may never squeeze out (the location is shortened from the left instead)
MIN_MESSAGE = 90


def known(code_or_name: str) -> str | None:
    """The code for a code or a name (`KI101`, `ki101`, `region-assumed`); None when neither."""
    wanted = code_or_name.strip()
    if wanted.upper() in CODES:
        return wanted.upper()
    for code, (name, _) in CODES.items():
        if name == wanted.lower():
            return code
    return None


def valid_choices() -> list[str]:
    return [*CODES, *(name for name, _ in CODES.values())]


def without(warnings: Iterable[Warning], ignored: Collection[str]) -> list[Warning]:
    """The warnings whose code is not ignored (ignored holds codes, already checked with `known`)."""
    return [w for w in warnings if w.code not in ignored]


def _location(w: Warning) -> str | None:
    if not w.file:
        return None
    return f"{w.file}:{w.line}" if w.line else w.file


def group(warnings: Iterable[Warning]) -> list[dict[str, Any]]:
    """One entry per kind (code and message), in first-seen order: the JSON report's `warnings[]`."""
    entries: dict[tuple[str, str], dict[str, Any]] = {}
    seen: set[Warning] = set()
    for w in warnings:
        if w in seen:  # the same fact found twice (a module read twice, a plan and its base)
            continue
        seen.add(w)
        entry = entries.setdefault(
            (w.code, w.message),
            {
                "code": w.code,
                "name": CODES.get(w.code, ("", ""))[0],
                "message": w.message,
                "count": 0,
                "addresses": [],
                "locations": [],
            },
        )
        entry["count"] += 1
        if w.address and w.address not in entry["addresses"]:
            entry["addresses"].append(w.address)
        where = _location(w)
        if where and where not in entry["locations"]:
            entry["locations"].append(where)
    return list(entries.values())


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _tails(entry: dict[str, Any]) -> list[str]:
    """What may follow the message, most informative first: up to three addresses, fewer, then a count."""
    from kms_infracost.addresses import collapse

    names = collapse(entry["addresses"])
    count = entry["count"]
    if not names:
        places = max(count, len(entry["locations"]))
        return [f" ({places} places)" if places > 1 else ""]
    if len(names) == 1 and count == len(entry["addresses"]):  # one address, or the instances of one block
        return [f" ({names[0]})", ""]
    noun = "resource" if count == 1 else "resources"
    out = []
    for shown in range(min(len(names), SHOWN_ADDRESSES), 0, -1):
        more = len(names) - shown
        out.append(f" ({count} {noun}: {', '.join(names[:shown])}{f', +{more} more' if more else ''})")
    return [*out, f" ({count} {noun})", ""]


def line(entry: dict[str, Any], width: int = MAX_LINE) -> str:
    """`main.tf:3: warning KI101 region assumed … (200 resources: a[0..199] ×200)`, at most `width` long.

    The message is kept whole when it fits: the addresses give way first, then the message is cut.
    """
    message = str(entry["message"])
    where = f"{entry['locations'][0]}: " if entry["locations"] else ""
    room = width - len(where) - len("warning KI000 ")
    if room < min(len(message), MIN_MESSAGE):  # a long checkout path must not push the message out of the line
        keep = max(width - len("warning KI000 ") - min(len(message), MIN_MESSAGE) - 1, 20)
        where = "…" + where[-keep:]
    head = f"{where}warning {entry['code']} "
    tails = _tails(entry)
    for tail in tails:
        if len(head) + len(message) + len(tail) <= width:
            return head + message + tail
    tail = tails[-1]
    return _fit(head + _fit(message, max(width - len(head) - len(tail), 20)) + tail, width)


def lines(entries: list[dict[str, Any]], verbose: bool = False) -> list[str]:
    """What stderr shows: one line per kind; with -v every place on its own line under it."""
    out: list[str] = []
    for entry in entries:
        out.append(line(entry, 10**6 if verbose else MAX_LINE))
        if verbose and (len(entry["addresses"]) > 1 or len(entry["locations"]) > 1):
            out.extend(f"    {a}" for a in entry["addresses"])
            if not entry["addresses"]:
                out.extend(f"    {loc}" for loc in entry["locations"])
    return out
