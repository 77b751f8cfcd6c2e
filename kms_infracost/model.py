"""What the sources find and the later stages price: plain data, no behaviour beyond naming.

A source turns its input into these objects; usage, pricing, policy and report read them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kms_infracost.records import field, record

KEY = "alicloud_kms_key"
KEY_VERSION = "alicloud_kms_key_version"
ALIAS = "alicloud_kms_alias"
INSTANCE = "alicloud_kms_instance"
SECRET = "alicloud_kms_secret"
CIPHERTEXT = "alicloud_kms_ciphertext"

#: resource types the tool models; every other alicloud_kms_* type is reported as not priced.
KMS_TYPES = (KEY, KEY_VERSION, ALIAS, INSTANCE, SECRET, CIPHERTEXT)
#: types that can cost money: only about these is an assumed or unknown region worth a warning
PRICED_TYPES = (KEY, KEY_VERSION, INSTANCE, SECRET)

#: other alicloud_kms_* types that configure access to a KMS instance and cost nothing of their own
FREE_TYPES = (
    "alicloud_kms_policy",
    "alicloud_kms_network_rule",
    "alicloud_kms_application_access_point",
    "alicloud_kms_client_key",
)
#: billed alicloud_kms_* types no price book covers, with the reason a report gives
UNPRICED_TYPES = {
    "alicloud_kms_value_added_service": (
        "a KMS value-added service is billed by Alibaba Cloud, but no price book here has its price; not priced"
    ),
}

CREATE, UPDATE, DELETE, REPLACE, NOOP = "create", "update", "delete", "replace", "no-op"


@record
class Resource:
    """One resource instance, as Terraform addresses it."""

    address: str
    type: str
    name: str
    module_address: str = ""
    #: the root module directory when one run prices several roots (addresses repeat across roots)
    root: str = ""
    action: str = CREATE
    region: str = ""
    region_source: str = ""
    file: str | None = None
    line: int | None = None
    tags: dict[str, str] = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)
    #: the same resource as it was before this change (update, replace, delete); None for a create.
    before: Resource | None = None

    @property
    def exists_after(self) -> bool:
        return self.action != DELETE

    @property
    def uid(self) -> tuple[str, str]:
        """Unique within one run: (root, address)."""
        return (self.root, self.address)


@record
class KmsKey(Resource):
    key_spec: str = "Aliyun_AES_256"
    protection_level: str = "SOFTWARE"
    key_usage: str = "ENCRYPT/DECRYPT"
    origin: str = "Aliyun_KMS"
    status: str = "Enabled"
    automatic_rotation: str = "Disabled"
    rotation_interval: str | None = None
    #: days between automatic rotations when rotation is on and will happen (None otherwise)
    rotation_days: Decimal | None = None
    dkms_instance_id: str | None = None
    #: True when dkms_instance_id is set but only known after apply (a reference to an instance).
    in_instance: bool = False
    instance_address: str | None = None
    service_key: bool = False


@record
class KmsKeyVersion(Resource):
    #: address of the alicloud_kms_key this version belongs to, when the configuration says.
    key_address: str | None = None


@record
class KmsAlias(Resource):
    alias_name: str | None = None
    key_address: str | None = None


@record
class KmsInstance(Resource):
    payment_type: str = "Subscription"
    product_version: str = "3"
    spec: int | None = None
    key_num: int | None = None
    secret_num: int | None = None
    period: int | None = None


@record
class KmsSecret(Resource):
    """A secret; its value is never kept here (sensitive)."""

    dkms_instance_id: str | None = None
    instance_address: str | None = None


@record
class KmsCiphertext(Resource):
    key_address: str | None = None


@record
class OtherKmsResource(Resource):
    """An alicloud_kms_* type the tool knows exists but does not price (policies, network rules …)."""


@record(frozen=True)
class Warning:  # the domain's word; the builtin is never used in this module
    """Something that changes or may change a priced figure, with a stable code (`KI101`).

    Codes and their meaning are listed in `kms_infracost/warning_codes.py` (and the README); reports group
    warnings by code and message, so the message should not repeat the address or the location.
    """

    code: str
    message: str
    address: str | None = None
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else f"{self.file}: " if self.file else ""
        return f"{where}{self.address + ': ' if self.address else ''}{self.message} [{self.code}]"


@record
class Inventory:
    """Everything a source found, plus what it had to assume."""

    resources: list[Resource] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    #: where the inventory came from (a plan file, HCL directories) for reports.
    origin: str = ""
    #: key-management resources of other providers (type -> count): named, never priced
    foreign: dict[str, int] = field(default_factory=dict)


@record
class Usage:
    """Usage of one resource that the configuration cannot say, each value with where it came from."""

    values: dict[str, Decimal] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: Decimal) -> tuple[Decimal, str]:
        if name in self.values:
            return self.values[name], self.sources[name]
        return default, "built-in default"


def as_plain(value: Any) -> Any:
    """Plan/HCL values with Decimal or tuples turned into JSON-friendly types."""
    if isinstance(value, dict):
        return {str(k): as_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_plain(v) for v in value]
    return value
