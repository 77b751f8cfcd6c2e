"""Schema of the fake ``aliyun/alicloud`` provider: the KMS corner of the upstream provider.

The attribute names, types and flags (Required / Optional / Computed / Sensitive / Deprecated / ForceNew /
Default) follow the upstream Go provider (``alicloud/resource_alicloud_kms_*.go`` and
``alicloud/provider.go``) as its SDKv2 schema presents them to Terraform: every resource and data source also
has an Optional+Computed ``id``, a computed-only nested list becomes an attribute of type list(object), and
``MaxItems: 1`` blocks stay list-nested blocks.

Only the fields the fixtures need are modelled, but each modelled field behaves like upstream in a plan:
an unset Optional attribute with a Default plans to the default, an unset Optional+Computed one plans to
unknown (SDKv2 also treats ``""`` as unset for those), and a ForceNew change plans a replacement.

Types are written in the JSON form of cty types, exactly as they travel in the plugin protocol.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from msgpack import ExtType

STRING = "string"
NUMBER = "number"
BOOL = "bool"
LIST_OF_STRING = ["list", "string"]
SET_OF_STRING = ["set", "string"]
MAP_OF_STRING = ["map", "string"]

# Nesting modes of the plugin protocol (tfplugin6.Schema.NestedBlock.NestingMode).
SINGLE = 1
LIST = 2
SET = 3


@dataclass(frozen=True)
class Attr:
    name: str
    type: Any
    required: bool = False
    optional: bool = False
    computed: bool = False
    sensitive: bool = False
    force_new: bool = False
    default: Any = None
    deprecated: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Block:
    """A nested block (``timeouts``, ``bind_vpcs``, ``assume_role``)."""

    name: str
    nesting: int
    attrs: tuple[Attr, ...]
    blocks: tuple[Block, ...] = ()
    min_items: int = 0
    max_items: int = 0
    force_new: bool = False
    description: str = ""


@dataclass(frozen=True)
class Schema:
    attrs: tuple[Attr, ...]
    blocks: tuple[Block, ...] = ()
    version: int = 0
    description: str = ""
    # What the fake "cloud" returns for attributes the plan left open: for a resource, the attributes still
    # unknown at apply time; for a data source, the computed attributes still null at read time. Each entry
    # is called in order with (state so far, context) where context holds "region" and "digest" (a hash of
    # the known inputs, so that every invented value is deterministic).
    on_create: dict[str, Callable[[dict, dict], Any]] = field(default_factory=dict)
    # Argument checks: attribute name -> function returning an error message or None (values are known).
    checks: dict[str, Callable[[Any], str | None]] = field(default_factory=dict)

    def attr(self, name: str) -> Attr | None:
        for a in self.attrs:
            if a.name == name:
                return a
        return None

    def block(self, name: str) -> Block | None:
        for b in self.blocks:
            if b.name == name:
                return b
        return None


def _id() -> Attr:
    # SDKv2 adds "id" to every schema as Optional+Computed.
    return Attr("id", STRING, optional=True, computed=True)


def _tags() -> Attr:
    return Attr("tags", MAP_OF_STRING, optional=True, description="A mapping of tags to assign to the resource.")


ACCOUNT_ID = "5123456789012345"
FIXED_CREATE_TIME = "2025-01-15T08:00:00Z"

DEFAULT_KEY_POLICY = (
    '{"Statement":[{"Action":["kms:*"],"Effect":"Allow","Principal":{"RAM":["acs:ram::'
    + ACCOUNT_ID
    + ':*"]},"Resource":["*"],"Sid":"kms default key policy"}],"Version":"1"}'
)


def _known(state: dict, name: str) -> Any:
    """The attribute's value, or None while it is still unknown (an msgpack extension value)."""
    value = state.get(name)
    return None if isinstance(value, ExtType) else value


def _key_status(state: dict) -> str:
    # Upstream maps the deprecated arguments onto the status the API returns.
    if _known(state, "status"):
        return str(state["status"])
    if _known(state, "key_state"):
        return str(state["key_state"])
    if _known(state, "is_enabled") is False:
        return "Disabled"
    return "Enabled"


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value is None or value in choices:
            return None
        return f"expected one of {', '.join(choices)}, got {value!r}"

    return check


def _one_of_or_empty(*choices: str) -> Callable[[Any], str | None]:
    return _one_of("", *choices)


def _int_between(low: int, high: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value is None or (float(value).is_integer() and low <= value <= high):
            return None
        return f"expected an integer between {low} and {high}, got {value!r}"

    return check


def _rotation_interval(value: Any) -> str | None:
    if value is None or re.fullmatch(r"[0-9]+[dhms]", str(value)):
        return None
    return f"expected a duration such as \"365d\" or \"2592000s\", got {value!r}"


KEY_SPECS = (
    "Aliyun_AES_256",
    "Aliyun_AES_128",
    "Aliyun_AES_192",
    "Aliyun_SM4",
    "RSA_2048",
    "RSA_3072",
    "EC_P256",
    "EC_P256K",
    "EC_SM2",
)


def _uuid_from(digest: str) -> str:
    return f"{digest[0:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


# --------------------------------------------------------------------------------------------------------
# Provider configuration
# --------------------------------------------------------------------------------------------------------

PROVIDER = Schema(
    attrs=(
        Attr("region", STRING, optional=True, description="The region where Alibaba Cloud operations will take place."),
        Attr("profile", STRING, optional=True, description="The profile for API operations."),
        Attr("access_key", STRING, optional=True, description="The access key for API operations."),
        Attr("secret_key", STRING, optional=True, sensitive=True, description="The secret key for API operations."),
        Attr("security_token", STRING, optional=True, description="security token."),
        Attr("shared_credentials_file", STRING, optional=True),
        Attr("ecs_role_name", STRING, optional=True),
        Attr("skip_region_validation", BOOL, optional=True),
        Attr("configuration_source", STRING, optional=True),
        Attr("protocol", STRING, optional=True),
        Attr("account_id", STRING, optional=True),
    ),
    blocks=(
        Block(
            "assume_role",
            LIST,
            max_items=1,
            attrs=(
                Attr("role_arn", STRING, required=True),
                Attr("session_name", STRING, optional=True),
                Attr("policy", STRING, optional=True),
                Attr("session_expiration", NUMBER, optional=True),
                Attr("external_id", STRING, optional=True),
            ),
        ),
        Block(
            "endpoints",
            SET,
            attrs=(
                Attr("kms", STRING, optional=True),
                Attr("sts", STRING, optional=True),
                Attr("location", STRING, optional=True),
            ),
        ),
    ),
)


# --------------------------------------------------------------------------------------------------------
# Resources
# --------------------------------------------------------------------------------------------------------

_KMS_KEY_STATUS_DEPRECATION = (
    "Field 'key_state' has been deprecated from provider version 1.123.1. New field 'status' instead."
)

KMS_KEY = Schema(
    version=0,
    description="Provides an Alibaba Cloud KMS Key resource.",
    attrs=(
        _id(),
        Attr("description", STRING, optional=True, description="The description of the key."),
        Attr("key_usage", STRING, optional=True, computed=True, force_new=True),
        Attr("key_spec", STRING, optional=True, computed=True, force_new=True),
        Attr("origin", STRING, optional=True, computed=True, force_new=True),
        Attr("protection_level", STRING, optional=True, force_new=True, default="SOFTWARE"),
        Attr("automatic_rotation", STRING, optional=True, computed=True),
        Attr("rotation_interval", STRING, optional=True),
        Attr("status", STRING, optional=True, computed=True),
        Attr(
            "is_enabled",
            BOOL,
            optional=True,
            deprecated=(
                "Field 'is_enabled' has been deprecated from provider version 1.85.0. New field 'key_state' instead."
            ),
        ),
        Attr("key_state", STRING, optional=True, computed=True, deprecated=_KMS_KEY_STATUS_DEPRECATION),
        Attr("pending_window_in_days", NUMBER, optional=True),
        Attr(
            "deletion_window_in_days",
            NUMBER,
            optional=True,
            deprecated=(
                "Field 'deletion_window_in_days' has been deprecated from provider version 1.85.0. "
                "New field 'pending_window_in_days' instead."
            ),
        ),
        Attr("dkms_instance_id", STRING, optional=True, force_new=True),
        Attr("policy", STRING, optional=True, computed=True),
        _tags(),
        Attr("arn", STRING, computed=True),
        Attr("creation_date", STRING, computed=True),
        Attr("creator", STRING, computed=True),
        Attr("delete_date", STRING, computed=True),
        Attr("last_rotation_date", STRING, computed=True),
        Attr("material_expire_time", STRING, computed=True),
        Attr("next_rotation_date", STRING, computed=True),
        Attr("primary_key_version", STRING, computed=True),
    ),
    on_create={
        "id": lambda s, c: "key-" + c["digest"][:21],
        "arn": lambda s, c: f"acs:kms:{c['region']}:{ACCOUNT_ID}:key/{s['id']}",
        "key_usage": lambda s, c: "ENCRYPT/DECRYPT",
        "key_spec": lambda s, c: "Aliyun_AES_256",
        "origin": lambda s, c: "Aliyun_KMS",
        "automatic_rotation": lambda s, c: "Disabled",
        "status": lambda s, c: _key_status(s),
        "key_state": lambda s, c: _key_status(s),
        "policy": lambda s, c: DEFAULT_KEY_POLICY,
        "creation_date": lambda s, c: FIXED_CREATE_TIME,
        "creator": lambda s, c: ACCOUNT_ID,
        "primary_key_version": lambda s, c: _uuid_from(c["digest"][32:]),
    },
    checks={
        "key_usage": _one_of("ENCRYPT/DECRYPT", "SIGN/VERIFY"),
        "key_spec": _one_of_or_empty(*KEY_SPECS),
        "origin": _one_of("Aliyun_KMS", "EXTERNAL"),
        "protection_level": _one_of("SOFTWARE", "HSM"),
        "automatic_rotation": _one_of("Enabled", "Disabled"),
        "rotation_interval": _rotation_interval,
        "status": _one_of("Enabled", "Disabled", "PendingDeletion"),
        "key_state": _one_of("Enabled", "Disabled", "PendingDeletion"),
        "pending_window_in_days": _int_between(7, 366),
        "deletion_window_in_days": _int_between(7, 30),
    },
)

KMS_KEY_VERSION = Schema(
    description="Provides an Alibaba Cloud KMS Key Version resource.",
    attrs=(
        _id(),
        Attr("key_id", STRING, required=True, force_new=True),
        Attr("key_version_id", STRING, computed=True),
    ),
    on_create={
        "key_version_id": lambda s, c: _uuid_from(c["digest"]),
        "id": lambda s, c: f"{s['key_id']}:{s['key_version_id']}",
    },
)

KMS_ALIAS = Schema(
    description="Create an alias for the master key (CMK).",
    attrs=(
        _id(),
        Attr("alias_name", STRING, required=True, force_new=True),
        Attr("key_id", STRING, required=True),
    ),
    on_create={"id": lambda s, c: s["alias_name"]},
)

_TIMEOUTS = Block(
    "timeouts",
    SINGLE,
    attrs=(
        Attr("create", STRING, optional=True),
        Attr("update", STRING, optional=True),
        Attr("delete", STRING, optional=True),
    ),
)

KMS_INSTANCE = Schema(
    description="Provides a KMS Instance resource (KMS 3.0 dedicated instance).",
    attrs=(
        _id(),
        Attr("product_version", STRING, optional=True, description="KMS instance version: 3 software, 5 hardware."),
        Attr("spec", NUMBER, optional=True, description="Performance (QPS) of the instance."),
        Attr("key_num", NUMBER, optional=True, description="Maximum number of keys (key versions)."),
        Attr("secret_num", NUMBER, optional=True, description="Maximum number of secrets."),
        Attr("vpc_num", NUMBER, optional=True, description="Number of VPCs that can access the instance."),
        Attr("payment_type", STRING, optional=True, computed=True, force_new=True),
        Attr("period", NUMBER, optional=True, description="Purchase cycle, in months."),
        Attr("renew_period", NUMBER, optional=True),
        Attr("renew_status", STRING, optional=True),
        Attr("renewal_period_unit", STRING, optional=True),
        Attr("product_type", STRING, optional=True),
        Attr("force_delete_without_backup", STRING, optional=True),
        Attr("vpc_id", STRING, required=True, force_new=True),
        Attr("zone_ids", LIST_OF_STRING, required=True, force_new=True),
        Attr("vswitch_ids", LIST_OF_STRING, required=True, force_new=True),
        Attr("instance_name", STRING, optional=True, computed=True),
        Attr("log", STRING, optional=True, computed=True),
        Attr("log_storage", NUMBER, optional=True, computed=True),
        _tags(),
        Attr("status", STRING, computed=True),
        Attr("create_time", STRING, computed=True),
        Attr("end_date", STRING, computed=True),
        Attr("ca_certificate_chain_pem", STRING, computed=True),
    ),
    blocks=(
        Block(
            "bind_vpcs",
            SET,
            attrs=(
                Attr("vpc_id", STRING, optional=True),
                Attr("region_id", STRING, optional=True),
                Attr("vswitch_id", STRING, optional=True),
                Attr("vpc_owner_id", STRING, optional=True),
            ),
        ),
        _TIMEOUTS,
    ),
    on_create={
        "id": lambda s, c: "kst-" + c["region"].replace("-", "")[:6] + c["digest"][:18],
        "instance_name": lambda s, c: s["id"],
        "payment_type": lambda s, c: "Subscription",
        "log": lambda s, c: "0",
        "log_storage": lambda s, c: 0,
        "status": lambda s, c: "Connected",
        "create_time": lambda s, c: FIXED_CREATE_TIME,
        "ca_certificate_chain_pem": lambda s, c: "-----BEGIN CERTIFICATE-----\nFAKE\n-----END CERTIFICATE-----\n",
    },
    checks={
        "product_version": _one_of("3", "5"),
        "payment_type": _one_of("Subscription", "PayAsYouGo"),
        "renew_status": _one_of("AutoRenewal", "ManualRenewal"),
    },
)

KMS_SECRET = Schema(
    description="Provides a KMS Secret resource.",
    attrs=(
        _id(),
        Attr("secret_name", STRING, required=True, force_new=True),
        Attr("secret_data", STRING, required=True, sensitive=True),
        Attr("version_id", STRING, required=True),
        Attr("secret_data_type", STRING, optional=True, default="text"),
        Attr("secret_type", STRING, optional=True, computed=True, force_new=True),
        Attr("version_stages", SET_OF_STRING, optional=True, computed=True),
        Attr("extended_config", STRING, optional=True, force_new=True),
        Attr("encryption_key_id", STRING, optional=True, force_new=True),
        Attr("dkms_instance_id", STRING, optional=True, force_new=True),
        Attr("description", STRING, optional=True),
        Attr("force_delete_without_recovery", BOOL, optional=True, default=False),
        Attr("recovery_window_in_days", NUMBER, optional=True, default=30),
        Attr("enable_automatic_rotation", BOOL, optional=True),
        Attr("rotation_interval", STRING, optional=True),
        Attr("policy", STRING, optional=True, computed=True),
        _tags(),
        Attr("arn", STRING, computed=True),
        Attr("create_time", STRING, computed=True),
        Attr("planned_delete_time", STRING, computed=True),
    ),
    on_create={
        "id": lambda s, c: s["secret_name"],
        "arn": lambda s, c: f"acs:kms:{c['region']}:{ACCOUNT_ID}:secret/{s['secret_name']}",
        "secret_type": lambda s, c: "Generic",
        "version_stages": lambda s, c: ["ACSCurrent"],
        "policy": lambda s, c: DEFAULT_KEY_POLICY,
        "create_time": lambda s, c: FIXED_CREATE_TIME,
    },
    checks={
        "secret_data_type": _one_of("text", "binary"),
        "recovery_window_in_days": _int_between(7, 30),
    },
)

KMS_CIPHERTEXT = Schema(
    description="Encrypt a given plaintext with KMS. The produced ciphertext is stored in the state.",
    attrs=(
        _id(),
        Attr("key_id", STRING, required=True, force_new=True),
        Attr("plaintext", STRING, required=True, sensitive=True, force_new=True),
        Attr("encryption_context", MAP_OF_STRING, optional=True, force_new=True),
        Attr("ciphertext_blob", STRING, computed=True),
    ),
    on_create={
        "ciphertext_blob": lambda s, c: "ZmFrZS1jaXBoZXJ0ZXh0LQ" + c["digest"][:24],
        "id": lambda s, c: s["ciphertext_blob"],
    },
)


KMS_VALUE_ADDED_SERVICE = Schema(
    description="Provides a KMS Value Added Service resource (a paid add-on bought by subscription).",
    attrs=(
        _id(),
        Attr("value_added_service", STRING, optional=True, force_new=True, description="The value-added service type."),
        Attr("payment_type", STRING, optional=True, computed=True, force_new=True),
        Attr("period", NUMBER, optional=True, description="Purchase cycle, in months."),
        Attr("renew_period", NUMBER, optional=True),
        Attr("renew_status", STRING, optional=True),
        Attr("status", STRING, computed=True),
        Attr("create_time", STRING, computed=True),
    ),
    on_create={
        "id": lambda s, c: "kms_vas-" + c["digest"][:16],
        "payment_type": lambda s, c: "Subscription",
        "status": lambda s, c: "Running",
        "create_time": lambda s, c: FIXED_CREATE_TIME,
    },
    checks={
        "payment_type": _one_of("Subscription"),
        "renew_status": _one_of("AutoRenewal", "ManualRenewal"),
    },
)


# --------------------------------------------------------------------------------------------------------
# Data sources
# --------------------------------------------------------------------------------------------------------

_KEYS_OBJECT = [
    "object",
    {
        "id": STRING,
        "arn": STRING,
        "automatic_rotation": STRING,
        "creation_date": STRING,
        "creator": STRING,
        "delete_date": STRING,
        "description": STRING,
        "key_id": STRING,
        "key_spec": STRING,
        "key_usage": STRING,
        "last_rotation_date": STRING,
        "material_expire_time": STRING,
        "next_rotation_date": STRING,
        "origin": STRING,
        "primary_key_version": STRING,
        "protection_level": STRING,
        "rotation_interval": STRING,
        "status": STRING,
    },
]

DATA_KMS_KEYS = Schema(
    attrs=(
        _id(),
        Attr("ids", LIST_OF_STRING, optional=True, computed=True),
        Attr("description_regex", STRING, optional=True),
        Attr("status", STRING, optional=True),
        Attr("filters", STRING, optional=True),
        Attr("enable_details", BOOL, optional=True, default=False),
        Attr("output_file", STRING, optional=True),
        Attr("keys", ["list", _KEYS_OBJECT], computed=True),
        Attr("total_count", NUMBER, computed=True),
    ),
    on_create={
        "ids": lambda s, c: ["key-" + c["digest"][:21], "key-" + c["digest"][21:42]],
        "keys": lambda s, c: [_listed_key(key_id, s, c) for key_id in s["ids"]],
        "total_count": lambda s, c: len(s["ids"]),
        "id": lambda s, c: str(int(c["digest"][:8], 16)),
    },
)


def _listed_key(key_id: str, state: dict, context: dict) -> dict:
    return {
        "id": key_id,
        "arn": f"acs:kms:{context['region']}:{ACCOUNT_ID}:key/{key_id}",
        "automatic_rotation": "Disabled",
        "creation_date": FIXED_CREATE_TIME,
        "creator": ACCOUNT_ID,
        "delete_date": "",
        "description": "existing key listed by the data source",
        "key_id": key_id,
        "key_spec": "Aliyun_AES_256",
        "key_usage": "ENCRYPT/DECRYPT",
        "last_rotation_date": "",
        "material_expire_time": "",
        "next_rotation_date": "",
        "origin": "Aliyun_KMS",
        "primary_key_version": _uuid_from(hashlib.sha256(key_id.encode()).hexdigest()),
        "protection_level": "SOFTWARE",
        "rotation_interval": "",
        "status": _known(state, "status") or "Enabled",
    }

DATA_KMS_CIPHERTEXT = Schema(
    attrs=(
        _id(),
        Attr("key_id", STRING, required=True),
        Attr("plaintext", STRING, required=True, sensitive=True),
        Attr("encryption_context", MAP_OF_STRING, optional=True),
        Attr("ciphertext_blob", STRING, computed=True),
    ),
    on_create={
        "ciphertext_blob": lambda s, c: "ZmFrZS1jaXBoZXJ0ZXh0LQ" + c["digest"][:24],
        "id": lambda s, c: s["ciphertext_blob"],
    },
)

DATA_KMS_PLAINTEXT = Schema(
    attrs=(
        _id(),
        Attr("ciphertext_blob", STRING, required=True),
        Attr("encryption_context", MAP_OF_STRING, optional=True),
        Attr("plaintext", STRING, computed=True, sensitive=True),
        Attr("key_id", STRING, computed=True),
    ),
    on_create={
        "plaintext": lambda s, c: "fake-plaintext-" + c["digest"][:12],
        "key_id": lambda s, c: "key-" + c["digest"][12:33],
        "id": lambda s, c: "plaintext-" + c["digest"][:12],
    },
)


RESOURCES: dict[str, Schema] = {
    "alicloud_kms_key": KMS_KEY,
    "alicloud_kms_key_version": KMS_KEY_VERSION,
    "alicloud_kms_alias": KMS_ALIAS,
    "alicloud_kms_instance": KMS_INSTANCE,
    "alicloud_kms_secret": KMS_SECRET,
    "alicloud_kms_ciphertext": KMS_CIPHERTEXT,
    "alicloud_kms_value_added_service": KMS_VALUE_ADDED_SERVICE,
}

DATA_SOURCES: dict[str, Schema] = {
    "alicloud_kms_keys": DATA_KMS_KEYS,
    "alicloud_kms_ciphertext": DATA_KMS_CIPHERTEXT,
    "alicloud_kms_plaintext": DATA_KMS_PLAINTEXT,
}
