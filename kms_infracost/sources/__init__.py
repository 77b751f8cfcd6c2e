"""Sources turn an input (a plan JSON, HCL directories) into an Inventory of model objects."""

#: names the HCL source reads; anything else given on the command line is a plan. Kept here, in a module
#: with no imports, so the hook's fast path (entry.py) and the run stage share it without importing each other.
HCL_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json", ".tfvars", ".tfvars.json", ".hcl")


def nothing_found(paths: int) -> str:
    """What both the hook's fast path and the full run say when no KMS resource is found."""
    return f"No KMS resources found in {paths} path(s): nothing to price."
