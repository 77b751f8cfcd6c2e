"""Turn ResourceRecords into model objects the way the alicloud provider reads its arguments.

Provider behaviour applied here (see PRICING.md): empty strings mean unset, numbers may arrive as strings,
deprecated arguments (`key_state`, `is_enabled`) still decide the status, and an unset Optional+Computed
attribute takes the provider's default. A value set by the configuration but unknown until apply is an
explicit assumption with a warning, never a silent default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from kms_infracost import model
from kms_infracost.errors import UserError
from kms_infracost.sources.interface import ResourceRecord

KEY_DEFAULTS = {
    "key_spec": "Aliyun_AES_256",
    "protection_level": "SOFTWARE",
    "key_usage": "ENCRYPT/DECRYPT",
    "origin": "Aliyun_KMS",
    "automatic_rotation": "Disabled",
    "status": "Enabled",
}
#: the provider's own fallback region when neither the configuration nor the environment names one
PROVIDER_DEFAULT_REGION = "cn-beijing"
REGION_ENV_VARS = ("ALIBABA_CLOUD_REGION", "ALICLOUD_REGION")
#: key attributes that change a price (key_usage does not): only these are warned about when unknown
PRICED_ATTRIBUTES = ("key_spec", "protection_level", "origin", "status", "automatic_rotation")

_INDEX = re.compile(r"\[[^\]]*\]$")


def present(value: Any) -> bool:
    """The provider treats null and "" alike: not set."""
    return value is not None and value != ""


def to_int(value: Any) -> int | None:
    """Numbers as Terraform may carry them: 3, 3.0, "3"; "" and null are unset."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def to_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


_INTERVAL = re.compile(r"^\s*(\d+)\s*([dhms])\s*$")
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
ROTATION_MIN_DAYS, ROTATION_MAX_DAYS = 7, 730


def rotation_interval_days(text: str, address: str, file: str | None, line: int | None) -> Decimal:
    """`"365d"`, `"2592000s"`, `"720h"`, `"10080m"` as days; the provider accepts 7 to 730 days."""
    match = _INTERVAL.match(text)
    if not match:
        raise UserError(
            f"{address}: rotation_interval {text!r} is not a number with a unit d, h, m or s (e.g. \"365d\")",
            file,
            line,
        )
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    days = Decimal(seconds) / Decimal(86400)
    if not ROTATION_MIN_DAYS <= days <= ROTATION_MAX_DAYS:
        raise UserError(
            f"{address}: rotation_interval {text!r} is {days.normalize():f} days; the provider accepts "
            f"{ROTATION_MIN_DAYS} to {ROTATION_MAX_DAYS} days",
            file,
            line,
        )
    return days


#: what `unknown_values = "max"` assumes for an unknown attribute that changes a price, and why it costs most;
#: attributes not listed cost the same whatever their value, so their provider default stays
UNKNOWN_VALUES = ("default", "max")
MAX_OPTIONS = {
    "protection_level": "HSM",  # HSM hosting costs more than software
    "key_spec": "RSA_3072",  # an advanced spec costs more per version and per call
    "automatic_rotation": "Enabled",  # each rotation adds a billed key version
    "status": "Enabled",  # an enabled key is billed, a key pending deletion is not
}
#: the shortest rotation interval the provider accepts: under "max", an unknown interval rotates this often
MAX_ROTATION_INTERVAL = f"{ROTATION_MIN_DAYS}d"


def base_address(address: str) -> str:
    """`module.a["x"].alicloud_kms_key.k[0]` -> `module.a["x"].alicloud_kms_key.k`."""
    return _INDEX.sub("", address)


class _Builder:
    def __init__(self, env: Mapping[str, str], default_region: str | None, unknown_values: str = "default") -> None:
        self.env = env
        self.default_region = default_region
        self.unknown_values = unknown_values
        self.warnings: list[model.Warning] = []

    def warn(self, code: str, record: ResourceRecord, text: str) -> None:
        self.warnings.append(model.Warning(code, text, record.address, record.file, record.line))

    # -- region ------------------------------------------------------------------------------
    def region(self, record: ResourceRecord, assumptions: list[str]) -> tuple[str, str]:
        if record.provider_region:
            return record.provider_region, f"provider {record.provider_label}"
        if record.region_note is None:
            for var in REGION_ENV_VARS:
                value = self.env.get(var, "").strip()
                if value:
                    return value, f"environment {var}"
        if self.default_region:
            region, origin = self.default_region, "default_region in config"
        else:
            region, origin = PROVIDER_DEFAULT_REGION, "provider default"
        why = record.region_note or (
            f"provider {record.provider_label} sets no region and neither "
            + " nor ".join(REGION_ENV_VARS)
            + " is set"
        )
        text = f"region assumed {region} ({origin}): {why}"
        assumptions.append(text)
        if record.type in model.PRICED_TYPES:  # an alias or a network rule costs the same in every region
            self.warn("KI101", record, text)
        return region, f"{origin} (assumed)"

    # -- attributes --------------------------------------------------------------------------
    def attr(
        self,
        record: ResourceRecord,
        values: dict[str, Any],
        name: str,
        default: Any,
        assumptions: list[str],
    ) -> Any:
        if name in record.unknown and values is record.after:
            choice, why = self.unknown_choice(name, default)
            text = f"{name} unknown until apply ({record.unknown[name]}); assumed {choice} ({why})"
            assumptions.append(text)
            if name in PRICED_ATTRIBUTES:
                self.warn("KI102", record, text)
            return choice
        value = values.get(name)
        return value if present(value) else default

    def unknown_choice(self, name: str, default: Any) -> tuple[Any, str]:
        """The value assumed for an unknown attribute, and why: the provider default, or the most expensive."""
        most = MAX_OPTIONS.get(name, default)
        if self.unknown_values == "max" and name in MAX_OPTIONS:
            return most, 'unknown_values="max": most expensive'
        return default, "provider default"

    def choice(
        self, record: ResourceRecord, name: str, value: str, allowed: tuple[str, ...], assumptions: list[str]
    ) -> str:
        """A value the provider would reject is reported and the provider default assumed."""
        if value in allowed:
            return value
        text = f"{name} {value!r} is not one the provider accepts ({', '.join(allowed)}); assumed {allowed[0]}"
        assumptions.append(text)
        self.warn("KI103", record, text)
        return allowed[0]

    def key_status(
        self, record: ResourceRecord, values: dict[str, Any], assumptions: list[str]
    ) -> str:
        if present(values.get("status")) or "status" in record.unknown:
            return str(self.attr(record, values, "status", "Enabled", assumptions))
        if present(values.get("key_state")):
            return str(values["key_state"])
        enabled = to_bool(values.get("is_enabled"))
        if enabled is False:
            return "Disabled"
        return "Enabled"

    def rotation(self, record: ResourceRecord, key: model.KmsKey, values: dict[str, Any]) -> None:
        """Rotation that will really happen: enabled, a known interval, and a key type that can rotate."""
        if key.automatic_rotation != "Enabled":
            return
        refused = None
        if key.origin == "EXTERNAL":
            refused = "EXTERNAL (imported) keys"
        elif key.key_spec.startswith(("RSA_", "EC_")):
            refused = f"asymmetric keys ({key.key_spec})"
        if refused:
            text = f"automatic_rotation is Enabled but KMS does not rotate {refused}; no rotation projected"
            key.assumptions.append(text)
            self.warn("KI104", record, text)
            return
        unknown_interval = "rotation_interval" in record.unknown
        if self.unknown_values == "max" and (unknown_interval or "automatic_rotation" in record.unknown) and (
            unknown_interval or key.rotation_interval is None
        ):
            state = f"unknown until apply ({record.unknown['rotation_interval']})" if unknown_interval else "not set"
            text = (f"rotation_interval {state}; assumed {MAX_ROTATION_INTERVAL} "
                    '(unknown_values="max": most expensive)')
            key.assumptions.append(text)
            self.warn("KI102", record, text)
            key.rotation_interval = MAX_ROTATION_INTERVAL
        elif unknown_interval:
            text = (f"rotation_interval unknown until apply ({record.unknown['rotation_interval']}); no rotation "
                    "projected (the interval decides how often)")
            key.assumptions.append(text)
            self.warn("KI104", record, text)
            return
        if key.rotation_interval is None:
            text = "automatic_rotation is Enabled without rotation_interval; no rotation projected"
            key.assumptions.append(text)
            self.warn("KI104", record, text)
            return
        key.rotation_days = rotation_interval_days(key.rotation_interval, record.address, record.file, record.line)

    def common(self, record: ResourceRecord, values: dict[str, Any]) -> dict[str, Any]:
        assumptions: list[str] = []
        region, region_source = self.region(record, assumptions)
        tags = values.get("tags")
        return {
            "address": record.address,
            "type": record.type,
            "name": record.name,
            "module_address": record.module_address,
            "root": record.root,
            "action": action_of(record.actions),
            "region": region,
            "region_source": region_source,
            "file": record.file,
            "line": record.line,
            "tags": {str(k): _tag_text(v) for k, v in (tags or {}).items() if v is not None}
            if isinstance(tags, dict)
            else {},
            "assumptions": assumptions,
        }

    def build(self, record: ResourceRecord, side: str = "after") -> model.Resource:
        values = record.after if side == "after" else record.before
        if values is None:  # a delete: describe what is going away
            values = record.before or {}
        fields = self.common(record, values)
        if side == "before":
            fields["action"] = model.NOOP
        assumptions = fields["assumptions"]
        kind = record.type
        if kind == model.KEY:
            dkms = values.get("dkms_instance_id")
            instance_refs = [r for r in record.references.get("dkms_instance_id", []) if model.INSTANCE in r]
            key = model.KmsKey(
                **fields,
                key_spec=str(self.attr(record, values, "key_spec", KEY_DEFAULTS["key_spec"], assumptions)),
                protection_level=self.choice(
                    record, "protection_level",
                    str(self.attr(record, values, "protection_level", "SOFTWARE", assumptions)).upper(),
                    ("SOFTWARE", "HSM"), assumptions,
                ),
                key_usage=str(self.attr(record, values, "key_usage", KEY_DEFAULTS["key_usage"], assumptions)),
                origin=str(self.attr(record, values, "origin", KEY_DEFAULTS["origin"], assumptions)),
                status=self.choice(
                    record, "status", self.key_status(record, values, assumptions),
                    ("Enabled", "Disabled", "PendingDeletion"), assumptions,
                ),
                automatic_rotation=str(
                    self.attr(record, values, "automatic_rotation", "Disabled", assumptions)
                ),
                rotation_interval=str(values["rotation_interval"])
                if present(values.get("rotation_interval"))
                else None,
                dkms_instance_id=str(dkms) if present(dkms) else None,
                in_instance=present(dkms) or "dkms_instance_id" in record.unknown,
                instance_address=instance_refs[0] if instance_refs else None,
            )
            self.rotation(record, key, values)
            return key
        if kind == model.KEY_VERSION:
            return model.KmsKeyVersion(**fields, key_address=_first(record.references.get("key_id")))
        if kind == model.ALIAS:
            name = values.get("alias_name")
            return model.KmsAlias(
                **fields,
                alias_name=str(name) if present(name) else None,
                key_address=_first(record.references.get("key_id")),
            )
        if kind == model.INSTANCE:
            return model.KmsInstance(
                **fields,
                payment_type=str(values.get("payment_type") or "Subscription"),
                product_version=str(values.get("product_version") or "3"),
                spec=to_int(values.get("spec")),
                key_num=to_int(values.get("key_num")),
                secret_num=to_int(values.get("secret_num")),
                period=to_int(values.get("period")),
            )
        if kind == model.SECRET:
            instance_refs = [r for r in record.references.get("dkms_instance_id", []) if model.INSTANCE in r]
            dkms = values.get("dkms_instance_id")
            return model.KmsSecret(
                **fields,
                dkms_instance_id=str(dkms) if present(dkms) else None,
                instance_address=instance_refs[0] if instance_refs else None,
            )
        if kind == model.CIPHERTEXT:
            return model.KmsCiphertext(**fields, key_address=_first(record.references.get("key_id")))
        return model.OtherKmsResource(**fields)


def _index_key(index: str) -> str:
    """`["0"]` and `[0]` alike: a for_each key made with tostring(i) names the counted instance i."""
    return index[2:-2] if index.startswith('["') and index.endswith('"]') else index[1:-1]


def _tag_text(value: Any) -> str:
    """A tag value as the provider's map(string) holds it: true, not True."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _first(items: list[str] | None) -> str | None:
    return items[0] if items else None


def action_of(actions: Iterable[str]) -> str:
    acts = tuple(actions)
    if "delete" in acts and "create" in acts:
        return model.REPLACE
    if acts == ("delete",):
        return model.DELETE
    if acts == ("update",):
        return model.UPDATE
    if acts == ("create",):
        return model.CREATE
    if acts in (("no-op",), ("read",), ()):
        return model.NOOP
    return model.NOOP if "forget" in acts else model.UPDATE


def build_inventory(
    records: Iterable[ResourceRecord],
    *,
    default_region: str | None = None,
    env: Mapping[str, str] | None = None,
    origin: str = "",
    unknown_values: str = "default",
) -> model.Inventory:
    """unknown_values: "default" assumes the provider default for an unknown priced attribute, "max" the most
    expensive option (a cost gate that must not pass on an optimistic guess)."""
    builder = _Builder(os.environ if env is None else env, default_region, unknown_values)
    resources: list[model.Resource] = []
    for record in records:
        resource = builder.build(record)
        if record.before is not None and resource.action in (model.UPDATE, model.REPLACE, model.DELETE, model.NOOP):
            resource.before = builder.build(record, side="before") if resource.action != model.DELETE else None
        resources.append(resource)
    _link_keys(resources, builder.warnings)
    return model.Inventory(resources=resources, warnings=builder.warnings, origin=origin)


def _link_keys(resources: list[model.Resource], warnings: list[model.Warning]) -> None:
    """Point each key version / alias / ciphertext at one key instance, resolving `count`/`for_each`."""
    keys = [r for r in resources if isinstance(r, model.KmsKey)]
    by_address = {k.uid for k in keys}
    by_base: dict[tuple[str, str], list[model.KmsKey]] = {}
    for key in keys:
        by_base.setdefault((key.root, base_address(key.address)), []).append(key)
    for resource in resources:
        if not isinstance(resource, (model.KmsKeyVersion, model.KmsAlias, model.KmsCiphertext)):
            continue
        ref = resource.key_address
        if ref is None or (resource.root, ref) in by_address:
            continue
        candidates = by_base.get((resource.root, base_address(ref)), [])
        index = _index_key(resource.address[len(base_address(resource.address)):])
        match = [k for k in candidates if index and _index_key(k.address[len(base_address(k.address)):]) == index]
        if len(candidates) == 1:
            resource.key_address = candidates[0].address
        elif len(match) == 1:
            resource.key_address = match[0].address
        elif candidates:
            resource.key_address = candidates[0].address
            text = f"key_id refers to one of {len(candidates)} instances of {base_address(ref)}; assumed {candidates[0].address}"
            resource.assumptions.append(text)
            warnings.append(model.Warning("KI105", text, resource.address, resource.file, resource.line))
        else:
            resource.key_address = None
