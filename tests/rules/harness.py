"""Per-rule test cases as data: a one-node model, the figures worked out by hand, and a checker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import onnx
from onnx import helper, numpy_helper

import onnxcost
from onnxcost.symbolic.formulas import to_json

_ELEM = {
    "float32": onnx.TensorProto.FLOAT, "float16": onnx.TensorProto.FLOAT16,
    "int64": onnx.TensorProto.INT64, "int32": onnx.TensorProto.INT32,
    "int8": onnx.TensorProto.INT8, "uint8": onnx.TensorProto.UINT8,
    "bool": onnx.TensorProto.BOOL, "float64": onnx.TensorProto.DOUBLE,
    "string": onnx.TensorProto.STRING, "bfloat16": onnx.TensorProto.BFLOAT16,
    "int16": onnx.TensorProto.INT16, "uint16": onnx.TensorProto.UINT16,
    "uint32": onnx.TensorProto.UINT32, "uint64": onnx.TensorProto.UINT64,
    "float8e4m3fn": onnx.TensorProto.FLOAT8E4M3FN, "float8e5m2": onnx.TensorProto.FLOAT8E5M2,
}  # fmt: skip


@dataclass(frozen=True)
class In:
    """A graph input (an activation) of a given shape and dtype."""

    name: str
    shape: Sequence[int | str]
    dtype: str = "float32"


@dataclass(frozen=True)
class W:
    """An initializer: `value` as given, or deterministic random data of `shape`."""

    name: str
    shape: Sequence[int] = ()
    dtype: str = "float32"
    value: Any = None

    def array(self) -> np.ndarray:
        if self.value is not None:
            return np.asarray(self.value, dtype=self.dtype)
        rng = np.random.default_rng(0)
        if self.dtype.startswith("float"):
            return rng.standard_normal(self.shape).astype(self.dtype)
        return rng.integers(0, 3, self.shape).astype(self.dtype)


@dataclass(frozen=True)
class Case:
    """One hand-checked figure set for one rule; `why` holds the arithmetic.

    A figure given as a string is a formula over unbound dims, compared with `to_json` of the
    node's figure (e.g. flops="4096*batch").
    """

    op_type: str
    inputs: Sequence[In | W | None]
    macs: int | str
    flops: int | str
    why: str
    attrs: dict[str, Any] = field(default_factory=dict)
    outputs: int = 1
    domain: str = ""
    opset: int = 17
    out_shapes: Sequence[tuple[Sequence[int], str]] | None = None
    bytes_read: int | str | None = None
    bytes_written: int | str | None = None
    params: int | None = None
    status: str | None = None
    extra_opsets: dict[str, int] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.domain or 'ai.onnx'}::{self.op_type}:{self.why[:40]}"


def _type_proto(dtype: str, shape: Sequence[int | str]) -> onnx.TypeProto:
    """A tensor type, or a container written as "seq(float32)", "optional(float32)",
    "optional(seq(float32))" or "map(int64,float32)" (`shape` is the element tensor's shape)."""
    if dtype.startswith("seq(") and dtype.endswith(")"):
        return helper.make_sequence_type_proto(_type_proto(dtype[4:-1], shape))
    if dtype.startswith("optional(") and dtype.endswith(")"):
        return helper.make_optional_type_proto(_type_proto(dtype[9:-1], shape))
    if dtype.startswith("map(") and dtype.endswith(")"):
        key, value = dtype[4:-1].split(",", 1)
        return helper.make_map_type_proto(_ELEM[key.strip()], _type_proto(value.strip(), shape))
    return helper.make_tensor_type_proto(_ELEM[dtype], list(shape))


def build(case: Case) -> onnx.ModelProto:
    """The one-node model of a case."""
    graph_inputs, initializers, names = [], [], []
    for spec in case.inputs:
        if spec is None:
            names.append("")
        elif isinstance(spec, In):
            graph_inputs.append(helper.make_value_info(spec.name, _type_proto(spec.dtype,
                                                                                spec.shape)))
            names.append(spec.name)
        else:
            initializers.append(numpy_helper.from_array(spec.array(), spec.name))
            names.append(spec.name)
    outputs = [f"y{i}" for i in range(case.outputs)]
    node = helper.make_node(case.op_type, names, outputs, domain=case.domain or None, **case.attrs)
    if case.out_shapes is not None:
        graph_outputs = [
            helper.make_tensor_value_info(n, _ELEM[dtype], list(shape))
            for n, (shape, dtype) in zip(outputs, case.out_shapes, strict=True)
        ]
    else:
        graph_outputs = [helper.make_empty_tensor_value_info(n) for n in outputs]
    graph = helper.make_graph([node], "case", graph_inputs, graph_outputs, initializers)
    opsets = [helper.make_opsetid("", case.opset)]
    if case.domain:
        opsets.append(helper.make_opsetid(case.domain, case.extra_opsets.get(case.domain, 1)))
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 8
    return model


def check(case: Case) -> onnxcost.NodeCost:
    """Analyze the case's model and compare the node's figures with the hand-worked ones."""
    report = onnxcost.analyze(build(case))
    (node,) = [n for n in report.nodes if n.op_type == case.op_type]
    assert node.status != "unsupported", node.note
    assert _matches(node.macs, case.macs) and _matches(node.flops, case.flops), (
        case.why, to_json(node.macs), to_json(node.flops))
    if case.bytes_read is not None:
        assert _matches(node.bytes_read, case.bytes_read), (case.why, to_json(node.bytes_read))
    if case.bytes_written is not None:
        assert _matches(node.bytes_written, case.bytes_written), (
            case.why, to_json(node.bytes_written))
    if case.params is not None:
        assert node.params == case.params, case.why
    if case.status is not None:
        assert node.status == case.status, case.why
    return node


def _matches(actual: object, expected: int | str) -> bool:
    """An int figure equals `expected`; a string `expected` is the figure's to_json formula."""
    return to_json(actual) == expected if isinstance(expected, str) else actual == expected
