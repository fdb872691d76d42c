"""Stage 2: shapes and dtypes of every value, with user bindings, folding and symbolic dims.

ONNX shape inference runs on a copy of the graph whose large weights are replaced by typed
graph inputs, so it never serializes weight payloads. The capped folder then evaluates
shape chains and weight generators, and the symbolic rules fill dims inference left unknown.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import onnx
import sympy

from onnxcost.dtypes import dtype_name
from onnxcost.errors import GraphError, ShapeError
from onnxcost.fold import FOLD_CAP_ELEMENTS, FOLDERS, constant_attr_value, fold_node, tensor_value
from onnxcost.load import LoadedModel
from onnxcost.nodes import is_known_op, node_info
from onnxcost.poly import Poly
from onnxcost.rules.registry import load_rules
from onnxcost.shape_rules import infer_output_dtypes, infer_output_shapes
from onnxcost.symbolic import as_int, bind_dim_param, dim_param_names, free_names, is_symbol, product, symbol
from onnxcost.types import DEFAULT_DOMAIN, ML_DOMAIN, Dim, NodeInfo, TensorInfo

# Tensors up to this many elements stay in the copy given to ONNX shape inference.
SMALL_TENSOR_ELEMENTS = 4096
# A dim above this is not a real model: reject it before it reaches any arithmetic.
ABSURD_DIM = 2**40
ABSURD_ELEMENTS = 2**53
# Ops whose outputs differ from run to run even with constant inputs.
NONDETERMINISTIC_OPS = frozenset(
    {"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial",
     "Bernoulli"}
)  # fmt: skip
WEIGHT_GENERATORS = frozenset({"Constant", "ConstantOfShape"})
STRICT_DOMAINS = (DEFAULT_DOMAIN, ML_DOMAIN)


@dataclass(frozen=True)
class ShapedGraph:
    """Every node (in execution order) and every value with its shape, dtype and constness.

    `subgraphs` maps a node's index to its graph attributes (If branches, Loop/Scan bodies),
    each shaped with the enclosing scope's values visible.
    """

    nodes: tuple[NodeInfo, ...]
    tensors: Mapping[str, TensorInfo]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    bindings: Mapping[str, int]
    warnings: tuple[str, ...]
    subgraphs: Mapping[int, Mapping[str, ShapedGraph]] = field(default_factory=dict)
    scope: frozenset[str] = frozenset()


@dataclass
class _Context:
    """What every level of the recursive walk shares."""

    inferred: Mapping[str, onnx.TypeProto]
    opsets: Mapping[str, int]
    dims: Mapping[str, int]
    namer: _FreshNames
    # own rules only (no inference ran): a value they leave unknown raises _NeedsInference
    strict: bool = False
    # a serialized inferred type -> what _inferred_type reads from it (a model's values share few)
    types: dict[bytes, tuple[str | None, tuple[Dim | None, ...] | None, tuple[str, ...], str]] = field(
        default_factory=dict
    )


# com.microsoft generation loops: decoder runs (and beams) unknown statically are named dims.
BEAM_OPS = ("BeamSearch", "WhisperBeamSearch")
GENERATION_OPS = (*BEAM_OPS, "GreedySearch", "Sampling")


def _underived_dims(tensors: Mapping[str, TensorInfo]) -> list[str]:
    """Names of the unk_N symbols that remain in the final shapes, in numeric order."""
    names: set[str] = set()
    for info in tensors.values():
        for dim in info.shape or ():
            if not isinstance(dim, int):
                names.update(name for name in free_names(dim) if name.startswith("unk_"))
    return sorted(names, key=lambda n: (len(n), n))


def trip_symbol_name(node_name: str, what: str = "trips") -> str:
    """The dim name a Loop's unknown trip count (or another run-time count: `what`) gets
    ('--dim NAME=INT' binds it)."""
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", node_name).strip("_") or "loop"
    return f"{'n_' if cleaned[0].isdigit() else ''}{cleaned}_{what}"


def infer_shapes(
    loaded: LoadedModel,
    dims: Mapping[str, int] | None = None,
    inputs: Mapping[str, Sequence[int]] | None = None,
) -> ShapedGraph:
    """Shapes of all values after binding `dims` (by dim name) and `inputs` (whole shapes)."""
    graph = loaded.proto.graph
    dims = dict(dims or {})
    inputs = {name: tuple(shape) for name, shape in (inputs or {}).items()}
    initializer_names = {t.name for t in graph.initializer}
    real_inputs = [v for v in graph.input if v.name not in initializer_names]
    _check_bindings(real_inputs, dims, inputs, graph)

    warnings = list(loaded.warnings)
    shaped = None
    if not any(attr.type in _GRAPH_ATTRIBUTES for node in graph.node for attr in node.attribute):
        try:
            shaped = _walk(loaded, real_inputs, _declared_types(graph), dims, inputs, strict=True)
        except _NeedsInference:
            shaped = None
    if shaped is None:
        inferred = _run_onnx_inference(loaded, real_inputs, dims, inputs, warnings)
        shaped = _walk(loaded, real_inputs, inferred, dims, inputs)
    underived = _underived_dims(shaped.tensors)
    if underived:
        warnings.append(
            f"{len(underived)} dims could not be derived ({', '.join(underived[:5])}"
            f"{', ...' if len(underived) > 5 else ''}); figures that depend on them are formulas"
        )
    return ShapedGraph(
        nodes=shaped.nodes,
        tensors=shaped.tensors,
        inputs=tuple(v.name for v in real_inputs),
        outputs=shaped.outputs,
        bindings=dims,
        warnings=tuple(warnings),
        subgraphs=shaped.subgraphs,
    )


class _NeedsInference(Exception):
    """onnxcost's own rules left a value's shape or dtype unknown."""


_GRAPH_ATTRIBUTES = (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS)


def _walk(
    loaded: LoadedModel,
    real_inputs: Sequence[onnx.ValueInfoProto],
    inferred: Mapping[str, onnx.TypeProto],
    dims: Mapping[str, int],
    inputs: Mapping[str, tuple[int, ...]],
    strict: bool = False,
) -> ShapedGraph:
    """The main graph shaped from its inputs, with ONNX's `inferred` types where given.

    `strict`: with only the types the graph declares, the folder and the shape rules must derive
    every value (a graph of common ops, as a rule); one they cannot raises _NeedsInference, and
    ONNX shape inference runs after all. Both ways give the same shapes where the rules know the op
    (tests/test_shapes.py compares them on the onnx test models).
    """
    context = _Context(inferred, loaded.opsets, dims, _FreshNames(), strict)
    tensors: dict[str, TensorInfo] = {}
    for value in real_inputs:
        tensors[value.name] = _value_info(value.name, value.type, dims, context.namer, inputs.get(value.name))
    return _shape_graph(loaded.proto.graph, {}, tensors, context, order_by_file=True)


def _shape_graph(
    graph: onnx.GraphProto,
    scope: Mapping[str, TensorInfo],
    bound_inputs: Mapping[str, TensorInfo],
    context: _Context,
    order_by_file: bool = False,
) -> ShapedGraph:
    """Walk one graph (the main one or a body) in execution order, recursing into bodies."""
    tensors: dict[str, TensorInfo] = dict(scope)
    for tensor in graph.initializer:
        tensors[tensor.name] = _initializer_info(tensor)
    for sparse in graph.sparse_initializer:
        tensors[sparse.values.name] = TensorInfo(
            sparse.values.name, tuple(int(d) for d in sparse.dims),
            dtype_name(sparse.values.data_type), is_constant=True, is_weight=True,
        )  # fmt: skip
    for value in graph.input:
        if value.name in bound_inputs:
            tensors[value.name] = bound_inputs[value.name]
        elif value.name not in tensors or scope:
            type_proto = context.inferred.get(value.name, value.type)
            tensors[value.name] = _value_info(value.name, type_proto, context.dims,
                                              context.namer, None)  # fmt: skip
    protos = order_nodes(graph.node, set(tensors))
    nodes = []
    subgraphs: dict[int, dict[str, ShapedGraph]] = {}
    for index, proto in enumerate(protos):
        node = node_info(proto, index, context.opsets)
        if node.domain in STRICT_DOMAINS and not is_known_op(node.domain, node.op_type, node.opset):
            domain = node.domain or "ai.onnx"
            raise GraphError(
                f"node {node.name!r}: unknown operator {node.op_type!r} in domain {domain} "
                f"(opset {node.opset}); the installed onnx {onnx.__version__} does not define it"
            )
        nodes.append(node)
        load_rules(node.domain, node.op_type)
        bodies = _bodies(node)
        if not bodies:
            for info in _node_outputs(node, tensors, context):
                tensors[info.name] = info
            continue
        subgraphs[index] = {
            name: _shape_graph(body, tensors, _body_inputs(node, body, tensors, context), context)
            for name, body in bodies.items()
        }
        taken = _static_branch(node, tensors, subgraphs[index])
        if taken is not None:
            for name, info in zip(node.outputs, taken, strict=False):
                if name:
                    tensors[name] = replace(info, name=name)
            continue
        outputs = _node_outputs(node, tensors, context, bodies=True)
        for info in outputs:
            if info.shape is None and node.op_type == "If":
                info = _widest_branch_output(node, info, subgraphs[index])
            if node.op_type == "Loop" and node.domain == "" and "body" in subgraphs[index]:
                info = _loop_output(node, info, tensors, subgraphs[index]["body"], context.dims)
            tensors[info.name] = info
    for value in graph.output:
        if value.name not in tensors:
            type_proto = context.inferred.get(value.name, value.type)
            tensors[value.name] = _value_info(value.name, type_proto, context.dims,
                                              context.namer, None)  # fmt: skip
    return ShapedGraph(
        nodes=tuple(nodes),
        tensors=tensors,
        inputs=tuple(v.name for v in graph.input),
        outputs=tuple(v.name for v in graph.output),
        bindings=context.dims,
        warnings=(),
        subgraphs=subgraphs,
        scope=frozenset(scope),
    )


def _body_inputs(
    node: NodeInfo, body: onnx.GraphProto, tensors: Mapping[str, TensorInfo], context: _Context
) -> dict[str, TensorInfo]:
    """Types of a Loop/Scan body's inputs taken from the node's operands where the body
    declares none: Loop (iteration, cond, carried...), Scan (states..., one slice per scan input)."""
    declared = [v for v in body.input]
    operands: list[TensorInfo | None] = []
    if node.op_type == "Loop":
        scalar = (
            TensorInfo(declared[0].name, (), "int64") if declared else None,
            TensorInfo(declared[1].name, (), "bool") if len(declared) > 1 else None,
        )
        operands = [*scalar, *(tensors.get(n) for n in node.inputs[2:])]
    elif node.op_type == "Scan" and node.opset >= 9:
        scans = int(node.attrs.get("num_scan_inputs", 0))
        states = [tensors.get(n) for n in node.inputs[: len(node.inputs) - scans]]
        axes = list(node.attrs.get("scan_input_axes") or [0] * scans)
        slices = []
        for position, name in enumerate(node.inputs[len(node.inputs) - scans :]):
            info = tensors.get(name)
            if info is None or info.shape is None:
                slices.append(None)
                continue
            axis = int(axes[position]) % len(info.shape)
            shape = info.shape[:axis] + info.shape[axis + 1 :]
            slices.append(TensorInfo(name, shape, info.dtype))
        operands = [*states, *slices]
    bound: dict[str, TensorInfo] = {}
    for value, operand in zip(declared, operands, strict=False):
        known = _dims_of(context.inferred.get(value.name, value.type), context.dims, None)
        if operand is None or (known is not None and all(d is not None for d in known)):
            continue
        bound[value.name] = TensorInfo(value.name, operand.shape, operand.dtype)
    return bound


def static_condition(node: NodeInfo, tensors: Mapping[str, TensorInfo]) -> bool | None:
    """The value of an If's condition when it is known before run time, else None."""
    cond = tensors.get(node.inputs[0]) if node.inputs else None
    if cond is None or cond.value is None or cond.value.size != 1 or cond.value.dtype == object:
        return None
    return bool(cond.value.reshape(-1)[0])


def _static_branch(
    node: NodeInfo, tensors: Mapping[str, TensorInfo], bodies: Mapping[str, ShapedGraph]
) -> list[TensorInfo] | None:
    """An If whose condition is known runs one branch: its outputs are that branch's outputs."""
    if node.op_type != "If" or node.domain != "" or not bodies:
        return None
    condition = static_condition(node, tensors)
    if condition is None:
        return None
    branch = bodies["then_branch" if condition else "else_branch"]
    found = [branch.tensors.get(name) for name in branch.outputs]
    return None if any(info is None for info in found) else found


def _widest_branch_output(node: NodeInfo, info: TensorInfo, bodies: Mapping[str, ShapedGraph]) -> TensorInfo:
    """An If output whose branches disagree on rank takes the higher-rank branch's shape
    (both broadcast the same way downstream); the runtime decides which one really comes."""
    position = node.outputs.index(info.name)
    candidates = []
    for body in bodies.values():
        if position < len(body.outputs):
            found = body.tensors.get(body.outputs[position])
            if found is not None and found.shape is not None:
                candidates.append(found)
    if not candidates:
        return info
    widest = max(candidates, key=lambda t: len(t.shape or ()))
    return replace(info, shape=widest.shape, dtype=info.dtype or widest.dtype)


def _loop_output(
    node: NodeInfo,
    info: TensorInfo,
    tensors: Mapping[str, TensorInfo],
    body: ShapedGraph,
    dims: Mapping[str, int],
) -> TensorInfo:
    """A Loop output's dims that inference left unknown, from the body: a carried value keeps the
    shape the body preserves; a scan output stacks the body's per-iteration value over the trips
    (M when static, else the NODE_trips symbol the Loop rule costs with)."""
    from onnxcost.rules.control import UNBOUNDED_TRIPS

    position = node.outputs.index(info.name)
    found = body.tensors.get(body.outputs[position + 1]) if position + 1 < len(body.outputs) else None
    if found is None or found.shape is None:
        return info
    carried = len(node.inputs) - 2
    if position < carried:
        start = tensors.get(node.inputs[position + 2])
        if start is None or start.shape != found.shape:
            return info
        derived = found.shape
    else:
        limit = tensors.get(node.inputs[0]) if node.inputs and node.inputs[0] else None
        value = limit.value if limit is not None else None
        has_cond = len(node.inputs) > 1 and bool(node.inputs[1])
        if (
            value is not None
            and value.size == 1
            and (int(value.reshape(-1)[0]) < UNBOUNDED_TRIPS or not has_cond)
        ):
            trips: Dim = int(value.reshape(-1)[0])
        else:
            trips = bind_dim_param(trip_symbol_name(node.name), dims)
            if trips is None:
                return info
        derived = (trips, *found.shape)
    if info.shape is None:
        return replace(info, shape=derived)
    if len(info.shape) != len(derived):
        return info
    merged = tuple(d if _is_fresh(k) else k for k, d in zip(info.shape, derived, strict=True))
    return replace(info, shape=merged)


def _is_fresh(dim: Dim) -> bool:
    """A dim nothing could derive (an unk_N symbol)."""
    return is_symbol(dim) and re.fullmatch(r"unk_\d+", dim.name) is not None


def _loop_names(graph: onnx.GraphProto) -> set[str]:
    """Trip-count dim names of every Loop node, at any depth."""
    names: set[str] = set()
    for index, proto in enumerate(graph.node):
        if proto.op_type in ("Loop", "SequenceMap", *GENERATION_OPS):
            names.add(trip_symbol_name(proto.name or f"{proto.op_type}_{index}"))
        if proto.op_type in BEAM_OPS:
            names.add(trip_symbol_name(proto.name or f"{proto.op_type}_{index}", "beams"))
        for attr in proto.attribute:
            for body in (attr.g,) if attr.HasField("g") else attr.graphs:
                names |= _loop_names(body)
    return names


def order_nodes(protos: Iterable[onnx.NodeProto], available: set[str]) -> list[onnx.NodeProto]:
    """The file's node order if it is a valid execution order, else a topological one."""
    protos = list(protos)
    produced = {"", *available}  # "": an optional input left out
    valid = True
    for proto in protos:
        if not produced.issuperset(proto.input):
            valid = False
            break
        produced.update(proto.output)
    if valid:
        return protos
    return _topological(protos, available)


def _topological(protos: list[onnx.NodeProto], available: set[str]) -> list[onnx.NodeProto]:
    """Kahn's algorithm over tensor names; a cycle or a dangling input is a GraphError."""
    producer = {}
    for index, proto in enumerate(protos):
        for name in proto.output:
            if name:
                producer[name] = index
    waiting = [0] * len(protos)
    consumers: dict[int, list[int]] = {}
    for index, proto in enumerate(protos):
        for name in set(proto.input):
            if not name or name in available:
                continue
            if name not in producer:
                node = proto.name or f"{proto.op_type}_{index}"
                raise GraphError(f"node {node!r} reads {name!r}, which no node or input provides")
            waiting[index] += 1
            consumers.setdefault(producer[name], []).append(index)
    ready = [i for i, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        index = heapq.heappop(ready)
        order.append(index)
        for consumer in consumers.get(index, ()):
            waiting[consumer] -= 1
            if waiting[consumer] == 0:
                heapq.heappush(ready, consumer)
    if len(order) < len(protos):
        stuck = [protos[i].name or f"{protos[i].op_type}_{i}" for i, c in enumerate(waiting) if c]
        raise GraphError(f"graph has a cycle through nodes {', '.join(stuck[:5])}")
    return [protos[i] for i in order]


class _FreshNames:
    """Deterministic names for dims nothing could derive."""

    def __init__(self) -> None:
        self.count = 0
        self.by_placeholder: dict[str, Poly] = {}

    def __call__(self, placeholder: str = "") -> Poly:
        """A new unk_N; a placeholder name ('unk__7', which ONNX inference and tf2onnx give one
        unknown dim wherever it propagates) gets the same unk_N at every occurrence."""
        if placeholder in self.by_placeholder:
            return self.by_placeholder[placeholder]
        self.count += 1
        fresh = symbol(f"unk_{self.count}")
        if placeholder:
            self.by_placeholder[placeholder] = fresh
        return fresh


def _check_bindings(
    real_inputs: Sequence[onnx.ValueInfoProto],
    dims: Mapping[str, int],
    inputs: Mapping[str, tuple[int, ...]],
    graph: onnx.GraphProto | None = None,
) -> None:
    """Reject bindings that name nothing (neither an input dim nor a trip count of one of
    `graph`'s loops), or give negative, zero-rank or absurd sizes."""
    by_name = {v.name: v for v in real_inputs}
    for name, shape in inputs.items():
        if name not in by_name:
            known = ", ".join(by_name) or "none"
            raise ShapeError(f"--input {name}: the model has no such input (inputs: {known})")
        rank = len(by_name[name].type.tensor_type.shape.dim)
        has_shape = by_name[name].type.tensor_type.HasField("shape")
        if has_shape and rank != len(shape):
            raise ShapeError(f"--input {name}: {len(shape)} dims given, the input has rank {rank}")
        for value in shape:
            _check_size(f"--input {name}", value)
    names: set[str] = set()
    for value in real_inputs:
        for dim in value.type.tensor_type.shape.dim:
            if dim.HasField("dim_param"):
                names.update(dim_param_names(dim.dim_param))
    for name, value in dims.items():
        _check_size(f"--dim {name}", value)
        if name not in names and graph is not None:
            names |= _loop_names(graph)
            graph = None
        if name not in names:
            known = ", ".join(sorted(names)) or "none"
            raise ShapeError(f"--dim {name}: no input dim has that name (named dims: {known})")


def _check_size(where: str, value: int) -> None:
    if not isinstance(value, int) or value < 0:
        raise ShapeError(f"{where}: {value!r} is not a size (a non-negative integer)")
    if value > ABSURD_DIM:
        raise ShapeError(f"{where}: {value} is an absurd size (more than 2^40)")


def _run_onnx_inference(
    loaded: LoadedModel,
    real_inputs: Sequence[onnx.ValueInfoProto],
    dims: Mapping[str, int],
    inputs: Mapping[str, tuple[int, ...]],
    warnings: list[str],
) -> dict[str, onnx.TypeProto]:
    """ONNX shape inference with data propagation on a weight-free copy: name → inferred type."""
    proto = loaded.proto
    light = onnx.ModelProto()
    light.ir_version = max(proto.ir_version, 4)
    light.opset_import.extend(proto.opset_import)
    graph = light.graph
    graph.name = proto.graph.name
    kept_inputs = set()
    for value in real_inputs:
        graph.input.append(_bound_value_info(value, dims, inputs.get(value.name)))
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
    try:
        inferred = onnx.shape_inference.infer_shapes(
            light, check_type=False, strict_mode=False, data_prop=True
        )
    except Exception as exc:  # onnx raises its C++ InferenceError and others
        warnings.append(
            f"ONNX shape inference failed ({str(exc).splitlines()[0][:200]}); "
            "shapes come from onnxcost's own rules"
        )
        inferred = light
    types: dict[str, onnx.TypeProto] = {}
    _collect_types(inferred.graph, types)
    return types


def _declared_types(graph: onnx.GraphProto) -> dict[str, onnx.TypeProto]:
    """The types a graph declares for its values (value_info, outputs), as inference keeps them."""
    return {
        value.name: value.type
        for value in (*graph.value_info, *graph.output)
        if value.type.WhichOneof("value") is not None
    }


def _collect_types(graph: onnx.GraphProto, types: dict[str, onnx.TypeProto]) -> None:
    """Inferred types of a graph's values and, recursively, of its bodies' values."""
    for value in (*graph.input, *graph.value_info, *graph.output):
        if value.type.WhichOneof("value") is not None:
            types.setdefault(value.name, value.type)
    for node in graph.node:
        for attr in node.attribute:
            for body in (attr.g,) if attr.HasField("g") else attr.graphs:
                _collect_types(body, types)


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


def _dims_of(
    type_proto: onnx.TypeProto, dims: Mapping[str, int], namer: _FreshNames | None
) -> tuple[Dim | None, ...] | None:
    """Dims of a tensor type; unknown dims are None (or fresh symbols when `namer` is given)."""
    if not type_proto.tensor_type.HasField("shape"):
        return None
    out: list[Dim | None] = []
    for dim in type_proto.tensor_type.shape.dim:
        value: Dim | None = None
        if dim.HasField("dim_value"):
            if dim.dim_value < -1:
                raise ShapeError(f"negative dim {dim.dim_value} in the model")
            if dim.dim_value > ABSURD_DIM:
                raise ShapeError(f"absurd dim {dim.dim_value} in the model (more than 2^40)")
            value = None if dim.dim_value == -1 else int(dim.dim_value)
        elif dim.HasField("dim_param") and not dim.dim_param.startswith("unk__"):
            value = bind_dim_param(dim.dim_param, dims)
        if value is None and namer is not None:
            value = namer(dim.dim_param if dim.dim_param.startswith("unk__") else "")
        out.append(value)
    return tuple(out)


def _value_info(
    name: str,
    type_proto: onnx.TypeProto,
    dims: Mapping[str, int],
    namer: _FreshNames,
    bound_shape: tuple[int, ...] | None,
) -> TensorInfo:
    """TensorInfo of a graph input or output from its declared type."""
    kind = type_proto.WhichOneof("value")
    if kind != "tensor_type":
        return TensorInfo(name, None, "", elem_type=_elem_kind(kind))
    dtype = dtype_name(type_proto.tensor_type.elem_type)
    shape = bound_shape if bound_shape is not None else _dims_of(type_proto, dims, namer)
    return _checked(TensorInfo(name, shape, dtype))


def _elem_kind(kind: str | None) -> str:
    return {"sequence_type": "sequence", "optional_type": "optional", "map_type": "map",
            "sparse_tensor_type": "sparse_tensor"}.get(kind or "", "unknown")  # fmt: skip


def _initializer_info(tensor: onnx.TensorProto) -> TensorInfo:
    """A weight: its dims and dtype from metadata, its value only when small and in the file."""
    shape = tuple(int(d) for d in tensor.dims)
    for d in shape:
        if d < 0:
            raise ShapeError(f"initializer {tensor.name!r} has a negative dim {d}")
    return _checked(
        TensorInfo(
            tensor.name,
            shape,
            dtype_name(tensor.data_type),
            is_constant=True,
            is_weight=True,
            value=tensor_value(tensor),
        )
    )


def _checked(info: TensorInfo) -> TensorInfo:
    count = info.numel
    if isinstance(count, int) and count > ABSURD_ELEMENTS:
        raise ShapeError(f"tensor {info.name!r} has an absurd shape {info.shape}")
    return info


def _node_outputs(
    node: NodeInfo, tensors: Mapping[str, TensorInfo], context: _Context, bodies: bool = False
) -> list[TensorInfo]:
    """TensorInfo for each output of `node` (`bodies`: it has graph attributes): inferred,
    folded, or derived by shape rules."""
    op_type = node.op_type
    present = [tensors.get(name) for name in node.inputs if name]
    deterministic = op_type not in NONDETERMINISTIC_OPS and not bodies
    constant = deterministic and all(t is not None and t.is_constant for t in present)
    values: list[np.ndarray | None] | None = None
    if op_type == "Constant":
        values = [constant_attr_value(node.attrs)]
        constant = True
    elif deterministic and node.domain == "" and op_type in FOLDERS:
        values = fold_node(node, _fold_inputs(node, tensors))
    ruled = None
    typed = None
    results = []
    for position, name in enumerate(node.outputs):
        if not name:
            continue
        value = values[position] if values and position < len(values) else None
        type_proto = context.inferred.get(name)
        shape: tuple[Dim | None, ...] | None = None
        keys: tuple[str, ...] = ()
        dtype = ""
        if type_proto is not None:
            kind, shape, keys, dtype = _inferred_type(type_proto, context)
            if kind != "tensor_type":
                results.append(TensorInfo(name, None, "", elem_type=_elem_kind(kind)))
                continue
        if value is not None:
            shape = tuple(int(d) for d in value.shape)
            dtype = dtype or _numpy_name(value)
        elif shape is None or None in shape:
            if ruled is None:
                in_shapes = [tensors[n].shape if n in tensors else None for n in node.inputs]
                in_values = [tensors[n].value if n in tensors else None for n in node.inputs]
                ruled = infer_output_shapes(node, in_shapes, in_values)
            shape = _merge(shape, ruled[position] if position < len(ruled) else None)
        if op_type == "Constant" and value is None:
            shape, dtype = _constant_meta(node, shape, dtype)
        if context.strict and (shape is None or None in shape):
            raise _NeedsInference(name)
        if shape is not None and not _plain(shape):
            if len(keys) != len(shape):
                keys = ("",) * len(shape)
            shape = tuple(
                _clean_dim(d, node, name, context.namer, key) for d, key in zip(shape, keys, strict=True)
            )
        if not dtype:
            if typed is None:
                typed = infer_output_dtypes(node, [tensors[n].dtype if n in tensors else ""
                                                   for n in node.inputs])  # fmt: skip
            dtype = typed[position] or ""
        if context.strict and not dtype:
            raise _NeedsInference(name)
        if not dtype and present and present[0] is not None:
            dtype = present[0].dtype
        is_constant = constant or value is not None
        weight = constant and op_type in WEIGHT_GENERATORS
        results.append(_checked(TensorInfo(
            name, shape, dtype, is_constant=is_constant, is_weight=weight,
            value=value if value is not None and value.size <= FOLD_CAP_ELEMENTS else None,
        )))  # fmt: skip
    return results


def _inferred_type(
    type_proto: onnx.TypeProto, context: _Context
) -> tuple[str | None, tuple[Dim | None, ...] | None, tuple[str, ...], str]:
    """(kind, dims, placeholders, dtype) of an inferred type (see _inferred_dims), read once per
    distinct type."""
    key = type_proto.SerializeToString()
    found = context.types.get(key)
    if found is None:
        kind = type_proto.WhichOneof("value")
        if kind != "tensor_type":
            found = (kind, None, (), "")
        else:
            shape, keys = _inferred_dims(type_proto.tensor_type, context.dims)
            found = (kind, shape, keys, dtype_name(type_proto.tensor_type.elem_type))
        context.types[key] = found
    return found


def _inferred_dims(
    tensor_type: onnx.TypeProto.Tensor, dims: Mapping[str, int]
) -> tuple[tuple[Dim | None, ...] | None, tuple[str, ...]]:
    """The dims of an inferred tensor type (unknown ones None) and, per dim, its placeholder
    name ('unk__N') if it has one, else ''."""
    if not tensor_type.HasField("shape"):
        return None, ()
    out: list[Dim | None] = []
    keys: list[str] = []
    for dim in tensor_type.shape.dim:
        which = dim.WhichOneof("value")
        key = ""
        if which == "dim_value":
            value: Dim | None = dim.dim_value
            if value < -1:
                raise ShapeError(f"negative dim {value} in the model")
            if value > ABSURD_DIM:
                raise ShapeError(f"absurd dim {value} in the model (more than 2^40)")
            if value == -1:
                value = None
        elif which == "dim_param":
            param = dim.dim_param
            if param.startswith("unk__"):
                value, key = None, param
            else:
                value = bind_dim_param(param, dims)
        else:
            value = None
        out.append(value)
        keys.append(key)
    return tuple(out), tuple(keys)


def _plain(shape: tuple[object, ...]) -> bool:
    """Every dim is already a clean size: a plain int from 0 to ABSURD_DIM."""
    if not shape:
        return True
    return set(map(type, shape)) == {int} and min(shape) >= 0 and max(shape) <= ABSURD_DIM


def _bodies(node: NodeInfo) -> dict[str, onnx.GraphProto]:
    """The node's graph attributes (If branches, Loop and Scan bodies) by name."""
    if not node.attrs:
        return {}
    return {k: v for k, v in node.attrs.items() if isinstance(v, onnx.GraphProto)}


def _clean_dim(dim: object, node: NodeInfo, tensor: str, namer: _FreshNames, placeholder: str = "") -> Dim:
    """A derived dim as an int or a symbol: numpy and sympy integers become ints; a value that is
    not a whole size (a fraction, or negative on a branch that never runs) becomes a fresh symbol;
    an unknown dim that inference named 'unk__N' gets that name's symbol."""
    if dim is None:
        return namer(placeholder)
    if isinstance(dim, bool):
        return int(dim)
    if isinstance(dim, int | np.integer):
        value = int(dim)
    elif isinstance(dim, float | np.floating):
        if not float(dim).is_integer():
            return namer()
        value = int(dim)
    elif isinstance(dim, Poly):
        return dim
    elif isinstance(dim, sympy.Expr):
        if not dim.is_number:
            return dim
        if not dim.is_integer:
            return namer()
        value = int(dim)
    else:
        return namer()
    if value < 0:
        return namer()
    if value > ABSURD_DIM:
        raise ShapeError(f"node {node.name!r}: {tensor!r} would have an absurd dim ({value})")
    return value


def _fold_inputs(node: NodeInfo, tensors: Mapping[str, TensorInfo]) -> list[np.ndarray | None]:
    """Values handed to the folder; Shape and Size get the input's dims as their operand."""
    infos = [tensors.get(name) if name else None for name in node.inputs]
    if node.op_type in ("Shape", "Size") and node.domain == "" and infos and infos[0] is not None:
        shape = infos[0].shape
        if shape is None:
            return [None]
        if all(isinstance(d, int) for d in shape):
            return [np.array(shape, dtype=np.int64)]
        return [np.array(list(shape), dtype=object)]
    return [info.value if info is not None else None for info in infos]


def _merge(
    inferred: tuple[Dim | None, ...] | None, ruled: tuple[Dim, ...] | None
) -> tuple[Dim | None, ...] | None:
    """Inferred dims where known, the rule's dims where inference left a gap."""
    if inferred is None:
        return ruled
    if ruled is None or len(ruled) != len(inferred):
        return inferred
    return tuple(r if i is None else i for i, r in zip(inferred, ruled, strict=True))


def _constant_meta(
    node: NodeInfo, shape: tuple[Dim | None, ...] | None, dtype: str
) -> tuple[tuple[Dim | None, ...] | None, str]:
    """Shape and dtype of a Constant whose value is too large to fold."""
    tensor = node.attrs.get("value")
    if isinstance(tensor, onnx.TensorProto):
        return tuple(int(d) for d in tensor.dims), dtype_name(tensor.data_type)
    sparse = node.attrs.get("sparse_value")
    if isinstance(sparse, onnx.SparseTensorProto):
        return tuple(int(d) for d in sparse.dims), dtype_name(sparse.values.data_type)
    return shape, dtype


def _numpy_name(value: np.ndarray) -> str:
    if value.dtype == object:
        return "int64"
    return {"float32": "float32", "float64": "float64"}.get(value.dtype.name, value.dtype.name)
