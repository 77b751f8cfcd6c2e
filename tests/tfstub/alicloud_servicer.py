"""The plugin-protocol v6 service of the fake ``aliyun/alicloud`` provider.

Every RPC is answered here, from the data in ``alicloud_schema``, instead of by the ``tf`` package's own
``ProviderServicer``: that one cannot describe list-nested blocks (``assume_role``, ``bind_vpcs``), cannot
plan a destroy, and never asks for a replacement the way an SDKv2 provider does. The ``tf`` package still
supplies the protocol buffers and the go-plugin handshake (see ``provider.py``).

Planning follows what the upstream SDKv2 provider does:

* create: an unset Optional attribute with a Default plans to the Default, an unset Optional+Computed one
  (null, or ``""`` for a string) plans to unknown;
* update: values come from Terraform's proposed state (which keeps prior values of unset computed
  attributes); a change of a ForceNew attribute is returned in ``requires_replace`` and then every computed
  attribute the configuration does not set becomes unknown again;
* destroy: the planned state is null.

Apply echoes the plan and fills what is still unknown with deterministic values (``on_create`` in the
schema, else the zero value of the type), so the same configuration always yields the same state.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import traceback
from collections.abc import Iterable
from copy import deepcopy
from typing import Any

import alicloud_schema as S
import msgpack
from msgpack import ExtType
from tf.gen import tfplugin_pb2 as pb
from tf.gen import tfplugin_pb2_grpc as rpc

UNKNOWN = ExtType(0, b"\x00")


def is_unknown(value: Any) -> bool:
    # cty sends unknown values as msgpack extension 0, refined unknowns as extension 12.
    return isinstance(value, ExtType)


# ----------------------------------------------------------------------------------------------------------
# Encoding
# ----------------------------------------------------------------------------------------------------------


def decode(value: pb.DynamicValue) -> Any:
    if value.msgpack:
        return msgpack.unpackb(value.msgpack, raw=False, strict_map_key=False)
    if value.json:
        return json.loads(value.json)
    return None


def encode(value: Any) -> pb.DynamicValue:
    # A null object must still be sent as msgpack nil; an empty DynamicValue is not a value at all.
    return pb.DynamicValue(msgpack=msgpack.packb(value, use_bin_type=True))


def _type_bytes(cty_type: Any) -> bytes:
    return json.dumps(cty_type, separators=(",", ":")).encode()


def _attr_pb(attr: S.Attr) -> pb.Schema.Attribute:
    return pb.Schema.Attribute(
        name=attr.name,
        type=_type_bytes(attr.type),
        description=attr.description,
        required=attr.required,
        optional=attr.optional,
        computed=attr.computed,
        sensitive=attr.sensitive,
        description_kind=pb.PLAIN,
        deprecated=attr.deprecated is not None,
    )


def _block_pb(attrs: Iterable[S.Attr], blocks: Iterable[S.Block], description: str = "") -> pb.Schema.Block:
    return pb.Schema.Block(
        version=0,
        attributes=[_attr_pb(a) for a in attrs],
        block_types=[
            pb.Schema.NestedBlock(
                type_name=b.name,
                block=_block_pb(b.attrs, b.blocks, b.description),
                nesting=b.nesting,
                min_items=b.min_items,
                max_items=b.max_items,
            )
            for b in blocks
        ],
        description=description,
        description_kind=pb.PLAIN,
    )


def schema_pb(schema: S.Schema) -> pb.Schema:
    return pb.Schema(version=schema.version, block=_block_pb(schema.attrs, schema.blocks, schema.description))


def _diag(summary: str, detail: str = "", attr: str | None = None) -> pb.Diagnostic:
    fields: dict[str, Any] = {"severity": pb.Diagnostic.ERROR, "summary": summary, "detail": detail}
    if attr:
        fields["attribute"] = pb.AttributePath(steps=[pb.AttributePath.Step(attribute_name=attr)])
    return pb.Diagnostic(**fields)


# ----------------------------------------------------------------------------------------------------------
# Values
# ----------------------------------------------------------------------------------------------------------


def _zero(cty_type: Any) -> Any:
    if cty_type == S.STRING:
        return ""
    if cty_type == S.NUMBER:
        return 0
    if cty_type == S.BOOL:
        return False
    kind = cty_type[0]
    if kind in ("list", "set"):
        return []
    if kind == "map":
        return {}
    if kind == "object":
        return {name: _zero(t) for name, t in cty_type[1].items()}
    raise ValueError(f"no zero value for {cty_type!r}")


def _fill_unknown(value: Any, cty_type: Any) -> Any:
    """Replace every unknown inside value (of the given cty type) with a zero value."""
    if is_unknown(value):
        return _zero(cty_type)
    if value is None or isinstance(cty_type, str):
        return value
    kind, inner = cty_type[0], cty_type[1]
    if kind in ("list", "set"):
        return [_fill_unknown(v, inner) for v in value]
    if kind == "map":
        return {k: _fill_unknown(v, inner) for k, v in value.items()}
    if kind == "object":
        return {k: _fill_unknown(value.get(k), t) for k, t in inner.items()}
    return value


def _canonical(value: Any) -> Any:
    """A JSON-able stand-in for value, used to hash inputs into deterministic ids."""
    if is_unknown(value):
        return "<unknown>"
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _digest(type_name: str, state: dict) -> str:
    text = json.dumps([type_name, _canonical(state)], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _same(a: Any, b: Any) -> bool:
    if is_unknown(a) or is_unknown(b):
        return False
    return _canonical(a) == _canonical(b)


def _unset(attr: S.Attr, config_value: Any) -> bool:
    """Whether the configuration leaves attr unset, the way SDKv2 sees it."""
    if config_value is None:
        return True
    # SDKv2 cannot tell "" from unset, so for a computed string "" means "let the provider decide".
    return attr.computed and attr.type == S.STRING and config_value == ""


def _elements(block: S.Block, value: Any) -> list[dict]:
    if value is None:
        return []
    if block.nesting == S.SINGLE:
        return [value]
    return list(value)


def _rebuild(block: S.Block, elements: list[dict]) -> Any:
    if block.nesting == S.SINGLE:
        return elements[0] if elements else None
    return elements


def _plan_new(attrs: Iterable[S.Attr], blocks: Iterable[S.Block], proposed: dict, config: dict) -> dict:
    planned = dict(proposed)
    for attr in attrs:
        config_value = config.get(attr.name)
        if is_unknown(config_value) or not _unset(attr, config_value):
            continue
        if attr.default is not None:
            planned[attr.name] = attr.default
        elif attr.computed:
            planned[attr.name] = UNKNOWN
        else:
            planned[attr.name] = None
    for block in blocks:
        # Nested blocks in the fixtures have no computed attributes, so the proposed element is its config.
        planned[block.name] = _rebuild(
            block,
            [_plan_new(block.attrs, block.blocks, e, e) for e in _elements(block, proposed.get(block.name))],
        )
    return planned


def _plan_change(schema: S.Schema, prior: dict, proposed: dict, config: dict) -> tuple[dict, list[str]]:
    planned = dict(proposed)
    for attr in schema.attrs:
        config_value = config.get(attr.name)
        if is_unknown(config_value):
            continue
        if config_value is None and attr.default is not None:
            planned[attr.name] = attr.default
        elif attr.computed and attr.type == S.STRING and config_value == "":
            planned[attr.name] = prior.get(attr.name)
    for block in schema.blocks:
        planned[block.name] = _rebuild(
            block,
            [_plan_new(block.attrs, block.blocks, e, e) for e in _elements(block, proposed.get(block.name))],
        )

    replace = [a.name for a in schema.attrs if a.force_new and not _same(planned.get(a.name), prior.get(a.name))]
    replace += [b.name for b in schema.blocks if b.force_new and not _same(planned.get(b.name), prior.get(b.name))]
    if replace:
        # A new object is coming: whatever the provider computes is unknown again.
        for attr in schema.attrs:
            if attr.computed and _unset(attr, config.get(attr.name)):
                planned[attr.name] = UNKNOWN
    return planned, replace


# ----------------------------------------------------------------------------------------------------------
# The service
# ----------------------------------------------------------------------------------------------------------


def _log_errors(method):
    def wrapper(self, request, context):
        try:
            return method(self, request, context)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            raise

    wrapper.__name__ = method.__name__
    return wrapper


class AlicloudServicer(rpc.ProviderServicer):
    """Answers Terraform's plugin calls for the KMS resources of the fake alicloud provider."""

    def __init__(self, app: Any = None) -> None:
        self.region = os.environ.get("ALIBABA_CLOUD_REGION") or os.environ.get("ALICLOUD_REGION") or "cn-beijing"

    # ---- schema ----------------------------------------------------------------------------------------

    @_log_errors
    def GetMetadata(self, request, context):
        return pb.GetMetadata.Response(
            server_capabilities=pb.ServerCapabilities(plan_destroy=True),
            resources=[pb.GetMetadata.ResourceMetadata(type_name=n) for n in S.RESOURCES],
            data_sources=[pb.GetMetadata.DataSourceMetadata(type_name=n) for n in S.DATA_SOURCES],
        )

    @_log_errors
    def GetProviderSchema(self, request, context):
        return pb.GetProviderSchema.Response(
            provider=schema_pb(S.PROVIDER),
            provider_meta=pb.Schema(version=0, block=pb.Schema.Block(version=0)),
            resource_schemas={n: schema_pb(s) for n, s in S.RESOURCES.items()},
            data_source_schemas={n: schema_pb(s) for n, s in S.DATA_SOURCES.items()},
            server_capabilities=pb.ServerCapabilities(plan_destroy=True),
        )

    @_log_errors
    def GetFunctions(self, request, context):
        return pb.GetFunctions.Response()

    @_log_errors
    def CallFunction(self, request, context):
        return pb.CallFunction.Response(error=pb.FunctionError(text=f"no function {request.name!r}"))

    # ---- validation and configuration --------------------------------------------------------------------

    def _check(self, schema: S.Schema, config: Any) -> list[pb.Diagnostic]:
        diags = []
        for name, check in schema.checks.items():
            value = (config or {}).get(name)
            if value is None or is_unknown(value):
                continue
            problem = check(value)
            if problem:
                diags.append(_diag(f"invalid value for {name}", problem, name))
        return diags

    @_log_errors
    def ValidateProviderConfig(self, request, context):
        return pb.ValidateProviderConfig.Response()

    @_log_errors
    def ValidateResourceConfig(self, request, context):
        schema = S.RESOURCES[request.type_name]
        return pb.ValidateResourceConfig.Response(diagnostics=self._check(schema, decode(request.config)))

    @_log_errors
    def ValidateDataResourceConfig(self, request, context):
        schema = S.DATA_SOURCES[request.type_name]
        return pb.ValidateDataResourceConfig.Response(diagnostics=self._check(schema, decode(request.config)))

    @_log_errors
    def ConfigureProvider(self, request, context):
        config = decode(request.config) or {}
        region = config.get("region")
        if isinstance(region, str) and region:
            self.region = region
        return pb.ConfigureProvider.Response()

    # ---- state ----------------------------------------------------------------------------------------

    @_log_errors
    def UpgradeResourceState(self, request, context):
        schema = S.RESOURCES[request.type_name]
        raw = json.loads(request.raw_state.json) if request.raw_state.json else {}
        state = {a.name: raw.get(a.name) for a in schema.attrs}
        for block in schema.blocks:
            default = None if block.nesting == S.SINGLE else []
            state[block.name] = raw.get(block.name, default)
        return pb.UpgradeResourceState.Response(upgraded_state=encode(state))

    @_log_errors
    def ReadResource(self, request, context):
        # The fake cloud never drifts: what is in the state is what exists.
        return pb.ReadResource.Response(new_state=request.current_state, private=request.private)

    @_log_errors
    def ImportResourceState(self, request, context):
        return pb.ImportResourceState.Response(
            diagnostics=[_diag(f"{request.type_name} cannot be imported by the fake provider")]
        )

    @_log_errors
    def MoveResourceState(self, request, context):
        return pb.MoveResourceState.Response(diagnostics=[_diag("moving resource state is not supported")])

    # ---- plan and apply ---------------------------------------------------------------------------------

    @_log_errors
    def PlanResourceChange(self, request, context):
        schema = S.RESOURCES[request.type_name]
        prior = decode(request.prior_state)
        proposed = decode(request.proposed_new_state)
        config = decode(request.config) or {}

        if proposed is None:  # destroy
            return pb.PlanResourceChange.Response(planned_state=encode(None), legacy_type_system=True)
        if prior is None:  # create
            planned = _plan_new(schema.attrs, schema.blocks, proposed, config)
            return pb.PlanResourceChange.Response(planned_state=encode(planned), legacy_type_system=True)

        planned, replace = _plan_change(schema, prior, proposed, config)
        return pb.PlanResourceChange.Response(
            planned_state=encode(planned),
            requires_replace=[pb.AttributePath(steps=[pb.AttributePath.Step(attribute_name=n)]) for n in replace],
            planned_private=request.prior_private,
            legacy_type_system=True,
        )

    @_log_errors
    def ApplyResourceChange(self, request, context):
        schema = S.RESOURCES[request.type_name]
        planned = decode(request.planned_state)
        if planned is None:  # destroy: nothing to do in the fake cloud
            return pb.ApplyResourceChange.Response(new_state=encode(None), legacy_type_system=True)
        state = self._fill(request.type_name, schema, planned, lambda v: is_unknown(v))
        return pb.ApplyResourceChange.Response(new_state=encode(state), legacy_type_system=True)

    @_log_errors
    def ReadDataSource(self, request, context):
        schema = S.DATA_SOURCES[request.type_name]
        config = decode(request.config) or {}
        state = {a.name: config.get(a.name) for a in schema.attrs}
        for attr in schema.attrs:
            if state[attr.name] is None and attr.default is not None:
                state[attr.name] = attr.default
        computed = {a.name for a in schema.attrs if a.computed}
        filled = self._fill(request.type_name, schema, state, lambda v: v is None, only=computed)
        return pb.ReadDataSource.Response(state=encode(filled))

    def _fill(self, type_name: str, schema: S.Schema, values: dict, is_open, only: set | None = None) -> dict:
        state = deepcopy(values)
        context = {"region": self.region, "digest": _digest(type_name, values)}
        for name, make in schema.on_create.items():
            if (only is None or name in only) and is_open(state.get(name)):
                state[name] = make(state, context)
        for attr in schema.attrs:
            state[attr.name] = _fill_unknown(state.get(attr.name), attr.type)
        return state

    # ---- shutdown -----------------------------------------------------------------------------------------

    @_log_errors
    def StopProvider(self, request, context):
        return pb.StopProvider.Response()
