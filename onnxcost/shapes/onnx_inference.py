"""ONNX shape inference over the bound inputs, on a light copy of the graph, in an isolated child."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import onnx

from onnxcost.model.load import LoadedModel
from onnxcost.shapes.bindings import Bindings
from onnxcost.symbolic.formulas import (
    as_int,
    bind_dim_param,
    dim_param_names,
    product,
)
from onnxcost.util.limits import run_isolated

# Tensors up to this many elements stay in the copy given to ONNX shape inference.
SMALL_TENSOR_ELEMENTS = 4096


def _onnx_inference(model: onnx.ModelProto) -> bytes:
    """onnx's shape inference with data propagation, serialized."""
    inferred = onnx.shape_inference.infer_shapes(model, check_type=False, strict_mode=False, data_prop=True)
    return inferred.SerializeToString()


def run_onnx_inference(
    loaded: LoadedModel,
    real_inputs: Sequence[onnx.ValueInfoProto],
    bindings: Bindings,
    warnings: list[str],
) -> dict[str, onnx.TypeProto]:
    """ONNX shape inference with data propagation on a weight-free copy whose declared dims are
    cleared of symbols (so it derives them from the bound inputs): name → inferred type."""
    proto = loaded.proto
    light = onnx.ModelProto()
    light.ir_version = max(proto.ir_version, 4)
    light.opset_import.extend(proto.opset_import)
    graph = light.graph
    graph.name = proto.graph.name
    kept_inputs = set()
    for value in real_inputs:
        graph.input.append(_bound_value_info(value, bindings.dims, bindings.inputs.get(value.name)))
        kept_inputs.add(value.name)
    small = []
    for tensor in proto.graph.initializer:
        if product(tensor.dims) <= SMALL_TENSOR_ELEMENTS:
            small.append(tensor)
        elif tensor.name not in kept_inputs:
            graph.input.append(onnx.helper.make_tensor_value_info(tensor.name, tensor.data_type, tensor.dims))
            kept_inputs.add(tensor.name)
    graph.initializer.extend(small)
    nodes = proto.graph.node
    if any(node.op_type == "Constant" and _large_constant(node) is not None for node in nodes):
        for node in nodes:
            big = _large_constant(node)
            if big is not None:
                value = onnx.helper.make_tensor_value_info(node.output[0], big.data_type, big.dims)
                graph.input.append(value)
            else:
                graph.node.append(node)
    else:
        graph.node.extend(nodes)
    graph.output.extend(proto.graph.output)
    graph.value_info.extend(proto.graph.value_info)
    _clear_declared_dims(graph)
    try:
        # in a child process: on a hostile graph onnx's C++ can try to build a value as large as
        # declared, or crash
        inferred = onnx.ModelProto.FromString(run_isolated(lambda: _onnx_inference(light)))
    except Exception as exc:  # onnx's C++ InferenceError, a crash or the memory bound in the child
        warnings.append(
            f"ONNX shape inference failed ({str(exc).splitlines()[0][:200]}); "
            "shapes come from onnxcost's own rules"
        )
        inferred = light
    types: dict[str, onnx.TypeProto] = {}
    _collect_types(inferred.graph, types)
    return types


def _clear_declared_dims(graph: onnx.GraphProto) -> None:
    """Clear the dims a graph and its bodies declare for their values, keeping the ranks, in place:
    an exporter's symbols (`s0`, `DynamicDimension_0`) and the sizes of its example inputs would
    stand in for dims the bound inputs determine. Inputs keep theirs (the main graph's have the
    bindings written in; inference merges a Loop's operands into its body's)."""
    for value in (*graph.value_info, *graph.output):
        if value.type.HasField("tensor_type"):
            for dim in value.type.tensor_type.shape.dim:
                dim.Clear()
    for node in graph.node:
        for attr in node.attribute:
            for body in (attr.g,) if attr.HasField("g") else attr.graphs:
                _clear_declared_dims(body)


def declared_types(graph: onnx.GraphProto) -> dict[str, onnx.TypeProto]:
    """The types a graph and its bodies declare for their values (value_info, outputs)."""
    types: dict[str, onnx.TypeProto] = {}
    _collect_types(graph, types, inputs=False)
    return types


def _collect_types(graph: onnx.GraphProto, types: dict[str, onnx.TypeProto], inputs: bool = True) -> None:
    """The types of a graph's values (its inputs too, with `inputs`) and, recursively, of its
    bodies' values; the first one of a name stands."""
    for value in (*(graph.input if inputs else ()), *graph.value_info, *graph.output):
        if value.type.WhichOneof("value") is not None:
            types.setdefault(value.name, value.type)
    for node in graph.node:
        for attr in node.attribute:
            for body in (attr.g,) if attr.HasField("g") else attr.graphs:
                _collect_types(body, types, inputs)


def _large_constant(node: onnx.NodeProto) -> onnx.TensorProto | None:
    """The value of a Constant node too big to hand to shape inference, else None."""
    if node.op_type != "Constant" or node.domain not in ("", "ai.onnx"):
        return None
    for attr in node.attribute:
        if attr.name == "value" and product(attr.t.dims) > SMALL_TENSOR_ELEMENTS:
            return attr.t
    return None


def _bound_value_info(
    value: onnx.ValueInfoProto, dims: Mapping[str, int], shape: tuple[int, ...] | None
) -> onnx.ValueInfoProto:
    """A graph input with the user's bindings written into its dims."""
    bound = onnx.ValueInfoProto()
    bound.CopyFrom(value)
    if not bound.type.HasField("tensor_type"):
        return bound
    tensor_shape = bound.type.tensor_type.shape
    if shape is not None:
        bound.type.tensor_type.ClearField("shape")
        tensor_shape = bound.type.tensor_type.shape
        for size in shape:
            tensor_shape.dim.add().dim_value = size
        return bound
    for dim in tensor_shape.dim:
        if dim.HasField("dim_param") and dim_param_names(dim.dim_param):
            result = bind_dim_param(dim.dim_param, dims)
            if result is not None and as_int(result) is not None:
                dim.dim_value = as_int(result)
    return bound
