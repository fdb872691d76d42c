"""Output dtypes of default-domain ops from their ONNX schemas' type constraints.

An output whose type parameter (T) is also an input's takes that input's dtype; a parameter
allowed one type only (Shape's int64) is that type; Cast and ConstantOfShape say theirs in an
attribute. What a schema leaves open (RandomNormalLike without dtype, …) stays unknown.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import onnx

from onnxcost.dtypes import dtype_name
from onnxcost.nodes import find_schema
from onnxcost.types import NodeInfo

# "float" → "float32", … : the type names of schema strings, from TensorProto's enum names
_TYPE_NAMES = {
    name.lower(): dtype_name(value) for name, value in onnx.TensorProto.DataType.items() if value
}


def schema_dtypes(node: NodeInfo, dtypes: Sequence[str]) -> list[str | None]:
    """Each output's dtype (None where the schema and the input dtypes leave it open)."""
    if node.op_type == "Cast" and "to" in node.attrs:
        return [dtype_name(int(node.attrs["to"]))]
    if node.op_type == "ConstantOfShape":
        value = node.attrs.get("value")
        return [dtype_name(value.data_type) if isinstance(value, onnx.TensorProto) else "float32"]
    formal = _formal(node.domain, node.op_type, node.opset)
    if formal is None:
        return [None] * len(node.outputs)
    inputs, outputs = formal
    known: dict[str, str] = {}
    for position, dtype in enumerate(dtypes):
        if dtype and inputs:
            known.setdefault(inputs[min(position, len(inputs) - 1)], dtype)
    found: list[str | None] = []
    for position in range(len(node.outputs)):
        if not outputs:
            found.append(None)
            continue
        type_str, allowed = outputs[min(position, len(outputs) - 1)]
        found.append(known.get(type_str) or allowed)
    return found


@functools.lru_cache(maxsize=1024)
def _formal(
    domain: str, op_type: str, opset: int
) -> tuple[tuple[str, ...], tuple[tuple[str, str | None], ...]] | None:
    """(input type parameters, (output type parameter, its one allowed dtype or None)) of the
    schema in force; the last formal parameter stands for any further (variadic) ones."""
    schema = find_schema(domain, op_type, opset)
    if schema is None:
        return None
    allowed = {c.type_param_str: tuple(c.allowed_type_strs) for c in schema.type_constraints}

    def single(type_str: str) -> str | None:
        choices = allowed.get(type_str, (type_str,))
        if len(choices) != 1 or not choices[0].startswith("tensor("):
            return None
        return _TYPE_NAMES.get(choices[0][len("tensor(") : -1])

    inputs = tuple(p.type_str for p in schema.inputs)
    outputs = tuple((p.type_str, single(p.type_str)) for p in schema.outputs)
    return inputs, outputs
