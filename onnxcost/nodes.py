"""NodeProto → NodeInfo: readable attributes completed by the operator schema's defaults."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import onnx
import onnx.defs

from onnxcost.types import DEFAULT_DOMAIN, NodeInfo


def node_info(proto: onnx.NodeProto, index: int, opsets: Mapping[str, int]) -> NodeInfo:
    """A NodeInfo for `proto`, with attribute defaults of the schema at the model's opset."""
    domain = proto.domain
    if domain == "ai.onnx":
        domain = DEFAULT_DOMAIN
    op_type = proto.op_type
    opset = opsets.get(domain, 1)
    attrs: dict[str, Any] = dict(schema_defaults(domain, op_type, opset))
    for attr in proto.attribute:
        attrs[attr.name] = attribute_value(attr)
    name = proto.name or f"{op_type}_{index}"
    return NodeInfo(name, op_type, domain, tuple(proto.input), tuple(proto.output), attrs, opset, index)


def attribute_value(attr: onnx.AttributeProto) -> Any:
    """The Python value of an attribute (strings decoded, tensors and graphs kept as protos)."""
    field = None if attr.ref_attr_name else _VALUE_FIELDS.get(attr.type)
    if field is None:
        value = onnx.helper.get_attribute_value(attr)
    else:
        value = getattr(attr, field)
        if attr.type in _LIST_TYPES:
            value = list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, list) and value and isinstance(value[0], bytes):
        return [v.decode("utf-8", errors="replace") for v in value]
    return value


# The common attribute types and the field holding their value (onnx.helper does the rest).
_VALUE_FIELDS = {
    onnx.AttributeProto.FLOAT: "f",
    onnx.AttributeProto.INT: "i",
    onnx.AttributeProto.STRING: "s",
    onnx.AttributeProto.TENSOR: "t",
    onnx.AttributeProto.GRAPH: "g",
    onnx.AttributeProto.FLOATS: "floats",
    onnx.AttributeProto.INTS: "ints",
    onnx.AttributeProto.STRINGS: "strings",
}
_LIST_TYPES = frozenset({onnx.AttributeProto.FLOATS, onnx.AttributeProto.INTS, onnx.AttributeProto.STRINGS})


@functools.lru_cache(maxsize=2048)
def find_schema(domain: str, op_type: str, opset: int) -> onnx.defs.OpSchema | None:
    """The operator schema in force at `opset`, or None when onnx.defs does not know the op."""
    try:
        return onnx.defs.get_schema(op_type, max_inclusive_version=opset, domain=domain)
    except onnx.defs.SchemaError:
        try:  # a model may declare an opset older than the op's first version
            return onnx.defs.get_schema(op_type, domain=domain)
        except onnx.defs.SchemaError:
            return None


@functools.lru_cache(maxsize=2048)
def schema_defaults(domain: str, op_type: str, opset: int) -> tuple[tuple[str, Any], ...]:
    """(name, default) for every attribute the schema gives a default value."""
    schema = find_schema(domain, op_type, opset)
    if schema is None:
        return runtime_schema_defaults(domain, op_type, opset)
    defaults = []
    for name, attr in schema.attributes.items():
        default = attr.default_value
        if default.type != onnx.AttributeProto.UNDEFINED:
            defaults.append((name, attribute_value(default)))
    return tuple(defaults)


def is_known_op(domain: str, op_type: str, opset: int) -> bool:
    """True when onnx.defs, or onnxruntime for the ops it adds, has a schema for the op."""
    return find_schema(domain, op_type, opset) is not None or (
        _runtime_schema(domain, op_type, opset) is not None
    )


@functools.lru_cache(maxsize=1)
def runtime_schemas() -> dict[tuple[str, str], tuple[Any, ...]]:
    """Schemas onnxruntime registers beyond onnx.defs (com.microsoft and the like), oldest first."""
    try:
        from onnxruntime.capi.onnxruntime_pybind11_state import get_all_operator_schema
    except ImportError:
        return {}
    found: dict[tuple[str, str], list[Any]] = {}
    for schema in get_all_operator_schema():
        domain = DEFAULT_DOMAIN if schema.domain in ("", "ai.onnx") else schema.domain
        found.setdefault((domain, schema.name), []).append(schema)
    return {key: tuple(sorted(v, key=lambda s: s.since_version)) for key, v in found.items()}


def _runtime_schema(domain: str, op_type: str, opset: int) -> Any:
    """onnxruntime's schema in force at `opset` (the oldest if all are newer), or None."""
    variants = runtime_schemas().get((domain, op_type))
    if not variants:
        return None
    chosen = variants[0]
    for variant in variants:
        if variant.since_version <= opset:
            chosen = variant
    return chosen


@functools.lru_cache(maxsize=2048)
def runtime_schema_defaults(domain: str, op_type: str, opset: int) -> tuple[tuple[str, Any], ...]:
    """(name, default) of the attributes an onnxruntime-only schema gives a default value."""
    schema = _runtime_schema(domain, op_type, opset)
    if schema is None:
        return ()
    defaults = []
    for name, attr in schema.attributes.items():
        default = onnx.AttributeProto()
        default.ParseFromString(getattr(attr, "_default_value", b"") or b"")
        if default.type != onnx.AttributeProto.UNDEFINED:
            defaults.append((name, attribute_value(default)))
    return tuple(defaults)
