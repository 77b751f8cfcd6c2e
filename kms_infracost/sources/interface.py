"""The one shape every source produces before the shared normaliser turns it into model objects.

Plan JSON and HCL differ in how they find resources and regions, but once a resource instance is known
they describe it the same way. Keeping that meeting point explicit is what lets the HCL source be tested
against the plan source fixture for fixture.
"""

from __future__ import annotations

from typing import Any

from kms_infracost.records import field, record


@record
class ResourceRecord:
    address: str
    type: str
    name: str
    module_address: str = ""
    #: the root module directory when several roots are priced together ("" otherwise)
    root: str = ""
    #: Terraform's actions list as the plan gives it (HCL source: ["create"]).
    actions: tuple[str, ...] = ("create",)
    #: known attribute values after the change (None when the resource is deleted)
    after: dict[str, Any] | None = None
    before: dict[str, Any] | None = None
    #: attributes the configuration sets but whose value is unknown until apply, with the reason
    unknown: dict[str, str] = field(default_factory=dict)
    #: attributes Terraform reports as unknown although the configuration does not set them:
    #: provider-computed values, so the provider default applies
    computed: set[str] = field(default_factory=set)
    #: region from the provider configuration the resource uses, when known
    provider_region: str | None = None
    #: the provider configuration the resource uses, for messages ("alicloud", "alicloud.sg")
    provider_label: str = "alicloud"
    #: why the provider's region could not be known (an expression over unknown values)
    region_note: str | None = None
    #: attribute -> full addresses of the resources its expression references
    references: dict[str, list[str]] = field(default_factory=dict)
    file: str | None = None
    line: int | None = None
