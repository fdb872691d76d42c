"""Output dtypes of default-domain ops from their ONNX schemas' type constraints.

An output whose type parameter (T) is also an input's takes that input's dtype; a parameter
allowed one type only (Shape's int64) is that type; Cast and ConstantOfShape say theirs in an
attribute. What a schema leaves open (RandomNormalLike without dtype, …) stays unknown.
"""

from __future__ import annotations

from collections.abc import Sequence

import onnx

from onnxcost.dtypes import dtype_name
from onnxcost.model.nodes import schema_facts
from onnxcost.types import NodeInfo


def schema_dtypes(node: NodeInfo, dtypes: Sequence[str]) -> list[str | None]:
    """Each output's dtype (None where the schema and the input dtypes leave it open)."""
    if node.op_type == "Cast" and "to" in node.attrs:
        return [dtype_name(int(node.attrs["to"]))]
    if node.op_type == "ConstantOfShape":
        value = node.attrs.get("value")
        return [dtype_name(value.data_type) if isinstance(value, onnx.TensorProto) else "float32"]
    facts = schema_facts(node.domain, node.op_type, node.opset)
    if facts is None:
        return [None] * len(node.outputs)
    inputs, outputs = facts.inputs, facts.outputs
    known: dict[str, str] = {}
    for position, dtype in enumerate(dtypes):
        if dtype and inputs:
            known.setdefault(inputs[min(position, len(inputs) - 1)], dtype)
    found: list[str | None] = []
    # the last formal parameter stands for any further (variadic) ones
    for position in range(len(node.outputs)):
        if not outputs:
            found.append(None)
            continue
        type_str, allowed = outputs[min(position, len(outputs) - 1)]
        found.append(known.get(type_str) or allowed)
    return found
