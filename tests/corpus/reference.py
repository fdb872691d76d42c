"""Corpus reference figures computed without onnxcost: tensor counts and onnxruntime-executed shapes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

FLOAT_TYPES = {TensorProto.FLOAT16, TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.BFLOAT16}
INT_TYPES = {TensorProto.INT8, TensorProto.UINT8, TensorProto.INT16, TensorProto.UINT16, TensorProto.INT32,
             TensorProto.INT4, TensorProto.UINT4}  # fmt: skip
SMALL_INT_TYPES = {TensorProto.INT8, TensorProto.UINT8, TensorProto.INT4, TensorProto.UINT4}
# Integer weight inputs of the integer ops: op type → input indices.
INT_WEIGHT_INPUTS = {"ConvInteger": (1,), "MatMulInteger": (1,), "DynamicQuantizeLSTM": (1, 2),
                     "DynamicQuantizeMatMul": (1,), "MatMulIntegerToFloat": (1,), "QLinearConv": (3,),
                     "QLinearMatMul": (3,), "QGemm": (3,)}  # fmt: skip
GATES = {"LSTM": 4, "DynamicQuantizeLSTM": 4, "GRU": 3, "RNN": 1}
MAC_OPS = {"Conv", "ConvInteger", "ConvTranspose", "Gemm", "MatMul", "MatMulInteger", *GATES}
Shapes = dict[str, tuple[int, ...]]


def _graphs(graph: onnx.GraphProto) -> Iterator[onnx.GraphProto]:
    """The graph and every subgraph below it (If/Loop/Scan bodies), depth first."""
    yield graph
    for node in graph.node:
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                yield from _graphs(attr.g)
            elif attr.type == onnx.AttributeProto.GRAPHS:
                for sub in attr.graphs:
                    yield from _graphs(sub)


def _constants(graph: onnx.GraphProto) -> dict[str, tuple[int, int]]:
    """Name → (dtype, element count) of the graph's initializers and Constant node outputs."""
    out = {t.name: (t.data_type, int(np.prod(t.dims, dtype=np.int64))) for t in graph.initializer}
    for node in graph.node:
        if node.op_type != "Constant" or node.domain not in ("", "ai.onnx"):
            continue
        attr = node.attribute[0]
        if attr.name == "value":
            out[node.output[0]] = (attr.t.data_type, int(np.prod(attr.t.dims, dtype=np.int64)))
        elif attr.name in ("value_float", "value_floats"):
            out[node.output[0]] = (TensorProto.FLOAT, 1 if attr.name == "value_float" else len(attr.floats))
        elif attr.name in ("value_int", "value_ints"):
            out[node.output[0]] = (TensorProto.INT64, 1 if attr.name == "value_int" else len(attr.ints))
    return out


def params(model: onnx.ModelProto) -> int:
    """Elements of the constant weight tensors, in the main graph and every subgraph, each tensor once.

    Counted: (1) initializers and Constant-node outputs (value, value_float, value_floats) of dtype
    float16, float32, float64 or bfloat16; (2) ConstantOfShape outputs whose shape input is itself
    a constant and whose value is floating point (their element count); (3) integer initializers
    or Constant outputs that a DequantizeLinear reads as its x input, directly or through the data
    input of a Gather (a quantized embedding table). Not counted: int64/int32/bool shape and index
    constants, weights held in attributes (ai.onnx.ml LinearClassifier coefficients), integer
    weights of ConvInteger/MatMulInteger/DynamicQuantizeLSTM (see int_weight_params).
    """
    total = 0
    for graph in _graphs(model.graph):
        consts = _constants(graph)
        producers = {out: node for node in graph.node for out in node.output}
        counted: set[str] = set()
        for name, (dtype, count) in consts.items():
            if dtype in FLOAT_TYPES:
                counted.add(name)
                total += count
        for node in graph.node:
            if node.op_type == "ConstantOfShape" and node.input[0] in consts:
                shape_t = next((t for t in graph.initializer if t.name == node.input[0]), None)
                value = next((a.t for a in node.attribute if a.name == "value"), None)
                if value is not None and value.data_type in FLOAT_TYPES:
                    dims = (
                        numpy_helper.to_array(shape_t) if shape_t is not None else _const_value(graph, node)
                    )
                    total += int(np.prod(dims, dtype=np.int64))
            if node.op_type == "DequantizeLinear":
                source = node.input[0]
                gather = producers.get(source)
                if gather is not None and gather.op_type == "Gather":
                    source = gather.input[0]
                if source in consts and consts[source][0] in INT_TYPES and source not in counted:
                    counted.add(source)
                    total += consts[source][1]
    return total


def _const_value(graph: onnx.GraphProto, node: onnx.NodeProto) -> np.ndarray:
    """The value of the Constant node that produces node.input[0]."""
    for producer in graph.node:
        if producer.op_type == "Constant" and producer.output[0] == node.input[0]:
            return numpy_helper.to_array(producer.attribute[0].t)
    raise KeyError(node.input[0])


def int_weight_params(model: onnx.ModelProto) -> int:
    """Elements of integer weights outside params: read by integer ops, or 8/4-bit ones Cast to float.

    Counted once each: the integer constant inputs listed in INT_WEIGHT_INPUTS (ConvInteger W,
    MatMulInteger B, DynamicQuantizeLSTM W and R...), and int8/uint8/int4/uint4 constants that a
    Cast to a float type reads (weight-only quantization written as Cast → Mul by a scale).
    """
    total = 0
    for graph in _graphs(model.graph):
        consts = _constants(graph)
        seen: set[str] = set()
        for node in graph.node:
            for index in INT_WEIGHT_INPUTS.get(node.op_type, ()):
                name = node.input[index] if index < len(node.input) else ""
                if name in consts and consts[name][0] in INT_TYPES and name not in seen:
                    seen.add(name)
                    total += consts[name][1]
            if node.op_type == "Cast" and _attr(node, "to", 0) in FLOAT_TYPES:
                name = node.input[0]
                if name in consts and consts[name][0] in SMALL_INT_TYPES and name not in seen:
                    seen.add(name)
                    total += consts[name][1]
    return total


def make_feeds(model: onnx.ModelProto, inputs: Mapping[str, Sequence[int]], int_high: Mapping[str, int],
               fill: Mapping[str, float], seed: int = 0) -> dict[str, np.ndarray]:  # fmt: skip
    """Feeds at the given shapes: normal floats, integers in [0, int_high), or a constant fill."""
    rng = np.random.default_rng(seed)
    initializers = {t.name for t in model.graph.initializer}
    feeds = {}
    for value in model.graph.input:
        if value.name in initializers:
            continue
        dtype = helper.tensor_dtype_to_np_dtype(value.type.tensor_type.elem_type)
        shape = tuple(inputs[value.name])
        if value.name in fill:
            feeds[value.name] = np.full(shape, fill[value.name], dtype=dtype)
        elif np.issubdtype(dtype, np.floating):
            feeds[value.name] = rng.standard_normal(shape).astype(dtype)
        elif dtype == np.bool_:
            feeds[value.name] = rng.integers(0, 2, shape).astype(dtype)
        else:
            feeds[value.name] = rng.integers(0, int_high[value.name], shape).astype(dtype)
    return feeds


def _session(model: onnx.ModelProto) -> ort.InferenceSession:
    """A CPU session with every graph optimization off."""
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def run_exposed(model: onnx.ModelProto, feeds: Mapping[str, np.ndarray]) -> dict[str, object]:
    """Run with every main-graph node output added as a graph output; name → value."""
    exposed = onnx.ModelProto()
    exposed.CopyFrom(model)
    existing = {o.name for o in exposed.graph.output} | set(feeds)
    for node in exposed.graph.node:
        for name in node.output:
            if name and name not in existing:
                existing.add(name)
                exposed.graph.output.append(onnx.ValueInfoProto(name=name))
    session = _session(exposed)
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(names, dict(feeds)), strict=True))


def _rename_in(graph: onnx.GraphProto, mapping: Mapping[str, str]) -> None:
    """Rename outer-scope references in a nested graph, except names the graph defines itself."""
    local = {t.name for t in graph.initializer} | {i.name for i in graph.input}
    local |= {out for node in graph.node for out in node.output}
    mapping = {k: v for k, v in mapping.items() if k not in local}
    for node in graph.node:
        node.input[:] = [mapping.get(name, name) for name in node.input]
        for attr in node.attribute:
            for sub in [attr.g] if attr.type == onnx.AttributeProto.GRAPH else list(attr.graphs):
                _rename_in(sub, mapping)
    for out in graph.output:
        out.name = mapping.get(out.name, out.name)


def inline_ifs(model: onnx.ModelProto, feeds: Mapping[str, np.ndarray]) -> tuple[onnx.ModelProto, int]:
    """The model with each main-graph If replaced by the branch onnxruntime takes, and how many were."""
    flat = onnx.ModelProto()
    flat.CopyFrom(model)
    inlined = 0
    while ifs := [n for n in flat.graph.node if n.op_type == "If" and n.domain in ("", "ai.onnx")]:
        values = {t.name: numpy_helper.to_array(t) for t in flat.graph.initializer} | dict(feeds)
        if any(n.input[0] not in values for n in ifs):
            values.update(run_exposed(flat, feeds))
        nodes: list[onnx.NodeProto] = []
        for node in flat.graph.node:
            if node not in ifs:
                nodes.append(onnx.NodeProto())
                nodes[-1].CopyFrom(node)
                continue
            taken = next(a.g for a in node.attribute if a.name == ("then_branch" if bool(np.asarray(
                values[node.input[0]]).reshape(-1)[0]) else "else_branch"))  # fmt: skip
            prefix = f"__inlined{inlined}__"
            inlined += 1
            local = {t.name for t in taken.initializer} | {o for n in taken.node for o in n.output if o}
            mapping = {name: prefix + name for name in local}
            for tensor in taken.initializer:
                copy = flat.graph.initializer.add()
                copy.CopyFrom(tensor)
                copy.name = mapping[tensor.name]
            for inner in taken.node:
                copy = onnx.NodeProto()
                copy.CopyFrom(inner)
                copy.input[:] = [mapping.get(name, name) for name in copy.input]
                copy.output[:] = [mapping.get(name, name) for name in copy.output]
                for attr in copy.attribute:
                    for sub in [attr.g] if attr.type == onnx.AttributeProto.GRAPH else list(attr.graphs):
                        _rename_in(sub, mapping)
                nodes.append(copy)
            for out, branch_out in zip(node.output, taken.output, strict=True):
                nodes.append(
                    helper.make_node("Identity", [mapping.get(branch_out.name, branch_out.name)], [out])
                )
        del flat.graph.node[:]
        flat.graph.node.extend(nodes)
    return flat, inlined


def executed_shapes(model: onnx.ModelProto, feeds: Mapping[str, np.ndarray]) -> Shapes:
    """Shape of every main-graph value from an onnxruntime run, plus initializer and feed shapes."""
    shapes: Shapes = {t.name: tuple(t.dims) for t in model.graph.initializer}
    for name, value in run_exposed(model, feeds).items():
        if isinstance(value, np.ndarray):
            shapes[name] = value.shape
    shapes.update({name: value.shape for name, value in feeds.items()})
    return shapes


def _attr(node: onnx.NodeProto, name: str, default: object) -> object:
    """An attribute's value, or default."""
    return next((helper.get_attribute_value(a) for a in node.attribute if a.name == name), default)


def node_macs(node: onnx.NodeProto, shapes: Shapes) -> int:
    """MACs of one Conv/ConvTranspose/Gemm/MatMul/recurrent node from executed shapes (0 for others)."""
    op = node.op_type
    if op in ("Conv", "ConvInteger"):  # N·Cout·∏out · Cin/g·∏k, W is Cout × Cin/g × k…
        return int(np.prod(shapes[node.output[0]])) * int(np.prod(shapes[node.input[1]][1:]))
    if op == "ConvTranspose":  # N·Cin·∏in · Cout/g·∏k, W is Cin × Cout/g × k…
        return int(np.prod(shapes[node.input[0]])) * int(np.prod(shapes[node.input[1]][1:]))
    if op == "Gemm":
        a, y = shapes[node.input[0]], shapes[node.output[0]]
        return y[0] * y[1] * (a[0] if _attr(node, "transA", 0) else a[1])
    if op in ("MatMul", "MatMulInteger"):  # ∏(broadcast output) · K
        return int(np.prod(shapes[node.output[0]])) * shapes[node.input[0]][-1]
    if op in GATES:  # gates·H·(I+H) per step, per batch row, per direction
        x = shapes[node.input[0]]
        steps, batch = (x[1], x[0]) if _attr(node, "layout", 0) else (x[0], x[1])
        hidden = int(_attr(node, "hidden_size", 0))  # type: ignore[call-overload]
        directions = 2 if _attr(node, "direction", b"forward") in (b"bidirectional", "bidirectional") else 1
        return directions * steps * batch * GATES[op] * hidden * (x[2] + hidden)
    return 0


def core_macs(
    path: Path,
    inputs: Mapping[str, Sequence[int]],
    int_high: Mapping[str, int] | None = None,
    fill: Mapping[str, float] | None = None,
) -> dict[str, object]:
    """MACs of the MAC_OPS nodes from an onnxruntime run (ORT_DISABLE_ALL, CPU) at the given shapes.

    If nodes of the main graph are first replaced by the branch onnxruntime takes (repeatedly, so
    nested Ifs too), so every MAC node is a main-graph node whose shapes the run exposes.
    """
    model = onnx.load(str(path))
    feeds = make_feeds(model, inputs, int_high or {}, fill or {})
    flat, inlined = inline_ifs(model, feeds)
    shapes = executed_shapes(flat, feeds)
    nested = [n.op_type for g in list(_graphs(flat.graph))[1:] for n in g.node if n.op_type in MAC_OPS]
    per_op: dict[str, int] = {}
    for node in flat.graph.node:
        if node.op_type in MAC_OPS:
            per_op[node.op_type] = per_op.get(node.op_type, 0) + node_macs(node, shapes)
    return {"core_macs": sum(per_op.values()), "per_op": per_op, "core_ops": sorted(per_op),
            "inlined_ifs": inlined, "covered": not nested}  # fmt: skip
