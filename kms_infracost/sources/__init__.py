"""Sources turn an input (a plan JSON, HCL directories) into an Inventory of model objects."""

#: names the HCL source reads; anything else given on the command line is a plan. Kept here, in a module
#: with no imports, so the hook's fast path (entry.py) and the run stage share it without importing each other.
HCL_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json", ".tfvars", ".tfvars.json", ".hcl")


#: name parts of other providers' key services (aws_kms_key, google_kms_crypto_key, azurerm_key_vault_key …)
OTHER_KMS_PARTS = ("_kms_", "_key_vault", "_keyvault")


_OTHER_KMS_BYTES = tuple(part.encode() for part in OTHER_KMS_PARTS)


def other_kms_type(rtype: str) -> bool:
    """A key-management resource of another provider: named in reports, never priced here."""
    return not rtype.startswith("alicloud_") and any(part in rtype for part in OTHER_KMS_PARTS)


def other_kms_in(data: bytes, found: dict[str, int]) -> None:
    """Count `resource "aws_kms_key" "x"` blocks of other providers in a Terraform file's text (cheap test first)."""
    if not any(data.find(part) >= 0 for part in _OTHER_KMS_BYTES):  # find: `in` first tries bytes as an int
        return
    import re

    for match in re.finditer(rb'(?m)^[ \t]*resource[ \t]+"([A-Za-z0-9_-]+)"', data):
        rtype = match.group(1).decode()
        if other_kms_type(rtype):
            found[rtype] = found.get(rtype, 0) + 1


def other_providers(found: dict[str, int]) -> str:
    """`aws_kms_alias (1), aws_kms_key (2)` and what this tool prices instead."""
    listed = ", ".join(f"{rtype} ({count})" for rtype, count in sorted(found.items()))
    return f"found {listed} of another provider; kms-infracost prices Alibaba Cloud KMS (alicloud_kms_*) only"


def nothing_found(paths: int, foreign: dict[str, int] | None = None) -> str:
    """What both the hook's fast path and the full run say when no KMS resource is found."""
    if foreign:
        return f"No Alibaba Cloud KMS resources found in {paths} path(s): {other_providers(foreign)}; nothing priced."
    return f"No KMS resources found in {paths} path(s): nothing to price."
