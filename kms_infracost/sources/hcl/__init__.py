"""HCL source: price the .tf files themselves, the way terraform would see them (in progress)."""

from __future__ import annotations

from collections.abc import Mapping

from kms_infracost import model
from kms_infracost.errors import UserError


def load_hcl(
    paths: list[str],
    *,
    default_region: str | None = None,
    variables: list[str] | None = None,
    var_files: list[str] | None = None,
    use_cache: bool = True,
    env: Mapping[str, str] | None = None,
) -> model.Inventory:
    raise UserError(
        "reading Terraform HCL directly is not available yet; give a plan JSON made by `terraform show -json PLAN`",
        paths[0],
    )
