"""The little of ``hashicorp/aws`` that a fixture needs: ``aws_kms_key`` and ``aws_kms_alias``.

kms-infracost prices Alibaba Cloud KMS only; a plan of another provider must say so rather than pass as
"nothing found". This schema lets real Terraform make such a plan offline. The attribute names, flags and
defaults follow the upstream provider's documentation for these two resources (only what a plan shows).
"""

from __future__ import annotations

from alicloud_schema import BOOL, MAP_OF_STRING, NUMBER, STRING, Attr, Schema

ACCOUNT_ID = "123456789012"

PROVIDER = Schema(attrs=(Attr("region", STRING, optional=True, description="The AWS region."),))

KMS_KEY = Schema(
    description="Manages a single-Region or multi-Region primary KMS key.",
    attrs=(
        Attr("id", STRING, optional=True, computed=True),
        Attr("description", STRING, optional=True, computed=True),
        Attr("key_usage", STRING, optional=True, force_new=True, default="ENCRYPT_DECRYPT"),
        Attr("customer_master_key_spec", STRING, optional=True, force_new=True, default="SYMMETRIC_DEFAULT"),
        Attr("deletion_window_in_days", NUMBER, optional=True),
        Attr("enable_key_rotation", BOOL, optional=True, default=False),
        Attr("is_enabled", BOOL, optional=True, default=True),
        Attr("tags", MAP_OF_STRING, optional=True),
        Attr("arn", STRING, computed=True),
        Attr("key_id", STRING, computed=True),
    ),
    on_create={
        "key_id": lambda s, c: f"{c['digest'][:8]}-{c['digest'][8:12]}-{c['digest'][12:16]}-{c['digest'][16:20]}-{c['digest'][20:32]}",
        "id": lambda s, c: s["key_id"],
        "arn": lambda s, c: f"arn:aws:kms:{c['region']}:{ACCOUNT_ID}:key/{s['key_id']}",
        "description": lambda s, c: "",
    },
)

KMS_ALIAS = Schema(
    description="Provides an alias for a KMS key.",
    attrs=(
        Attr("id", STRING, optional=True, computed=True),
        Attr("name", STRING, optional=True, force_new=True),
        Attr("target_key_id", STRING, required=True),
        Attr("arn", STRING, computed=True),
    ),
    on_create={
        "id": lambda s, c: s["name"],
        "arn": lambda s, c: f"arn:aws:kms:{c['region']}:{ACCOUNT_ID}:{s['name']}",
    },
)

RESOURCES: dict[str, Schema] = {"aws_kms_key": KMS_KEY, "aws_kms_alias": KMS_ALIAS}
DATA_SOURCES: dict[str, Schema] = {}
