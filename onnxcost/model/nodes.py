"""NodeProto → NodeInfo: readable attributes completed by the operator schema's defaults."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, NamedTuple

import onnx
import onnx.defs

from onnxcost.dtypes import dtype_name
from onnxcost.types import DEFAULT_DOMAIN, NodeInfo

# "float" → "float32", … : the type names of schema strings, from TensorProto's enum names
_TYPE_NAMES = {name.lower(): dtype_name(value) for name, value in onnx.TensorProto.DataType.items() if value}


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


class SchemaFacts(NamedTuple):
    """What the analysis reads of an operator schema."""

    defaults: tuple[tuple[str, Any], ...]  # (attribute, default value)
    inputs: tuple[str, ...]  # type parameter of each formal input ("T")
    outputs: tuple[tuple[str, str | None], ...]  # (type parameter, its one allowed dtype or None)
    arity: tuple[int, int, int, int]  # (min inputs, max inputs, min outputs, max outputs)


@functools.lru_cache(maxsize=2048)
def schema_facts(domain: str, op_type: str, opset: int) -> SchemaFacts | None:
    """The facts of the schema in force at `opset` (None: onnx.defs does not know the op).

    Read from onnxcost.model.schema_table when it was taken from the installed onnx: building onnx's
    schema registry costs more start-up time than analyzing a 1,000-node model.
    """
    from onnxcost.model.schema_table import ONNX_VERSION, SCHEMAS

    if onnx.__version__ == ONNX_VERSION:
        versions = SCHEMAS.get((domain, op_type))
        if versions is None:
            return None
        chosen = versions[-1]  # an opset older than the op's first version: the newest, as onnx.defs
        for version in versions:
            if version[0] <= opset:
                chosen = version
        if len(chosen) == 1:  # a default the table cannot spell (a tensor): read it from onnx.defs
            return live_schema_facts(domain, op_type, opset)
        return SchemaFacts(*chosen[1:])
    return live_schema_facts(domain, op_type, opset)


def live_schema_facts(domain: str, op_type: str, opset: int) -> SchemaFacts | None:
    """schema_facts read from onnx.defs."""
    schema = find_schema(domain, op_type, opset)
    if schema is None:
        return None
    defaults = []
    for name, attr in schema.attributes.items():
        default = attr.default_value
        if default.type != onnx.AttributeProto.UNDEFINED:
            defaults.append((name, attribute_value(default)))
    allowed = {c.type_param_str: tuple(c.allowed_type_strs) for c in schema.type_constraints}

    def single(type_str: str) -> str | None:
        choices = allowed.get(type_str, (type_str,))
        if len(choices) != 1 or not choices[0].startswith("tensor("):
            return None
        return _TYPE_NAMES.get(choices[0][len("tensor(") : -1])

    return SchemaFacts(
        tuple(defaults),
        tuple(p.type_str for p in schema.inputs),
        tuple((p.type_str, single(p.type_str)) for p in schema.outputs),
        (schema.min_input, schema.max_input, schema.min_output, schema.max_output),
    )


def arity_problem(node: NodeInfo) -> str | None:
    """Why the node's input or output count is not one its schema allows, as one line, or None.

    Trailing empty names are optional values left out; a default-domain op onnx.defs does not
    know is not judged here.
    """
    facts = schema_facts(node.domain if node.domain != "ai.onnx" else "", node.op_type, node.opset)
    if facts is None:
        return None
    least_in, most_in, least_out, most_out = facts.arity
    given_in = len(node.inputs) - _trailing_empty(node.inputs)
    given_out = len(node.outputs) - _trailing_empty(node.outputs)
    for what, given, least, most in (("input", given_in, least_in, most_in),
                                     ("output", given_out, least_out, most_out)):  # fmt: skip
        if least <= given <= most:
            continue
        allowed = f"{least} to {most}"
        if least == most or most >= 2**31 - 1:
            allowed = f"{least}" if least == most else f"at least {least}"
        plural = "" if given == 1 else "s"
        where = f"node {node.name!r} ({node.op_type}, opset {node.opset})"
        return f"{where} has {given} {what}{plural}; its schema takes {allowed}"
    return None


def _trailing_empty(names: tuple[str, ...]) -> int:
    count = 0
    for name in reversed(names):
        if name:
            break
        count += 1
    return count


@functools.lru_cache(maxsize=2048)
def schema_defaults(domain: str, op_type: str, opset: int) -> tuple[tuple[str, Any], ...]:
    """(name, default) for every attribute the schema gives a default value."""
    facts = schema_facts(domain, op_type, opset)
    if facts is None:
        return runtime_schema_defaults(domain, op_type, opset)
    return facts.defaults


def is_known_op(domain: str, op_type: str, opset: int) -> bool:
    """True when onnx.defs, or onnxruntime for the ops it adds, has a schema for the op."""
    return schema_facts(domain, op_type, opset) is not None or (
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
