"""Stage 2: shapes and dtypes of every value, with user bindings, folding and symbolic dims.

A dim comes, in this order, from a folded value, from ONNX shape inference over the bound inputs,
from onnxcost's own shape rules, and only then from what the file declares (`value_info`): a
declared dim never overrides a derived one. ONNX shape inference runs on a copy of the graph whose
large weights are replaced by typed graph inputs and whose declared symbols are cleared, so it
never serializes weight payloads and derives every dim from the inputs. A dim nothing derives is a
symbol named after its node, which `--dim NAME=INT` binds.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import onnx
import sympy

from onnxcost.bindings import ABSURD_DIM, Bindings, resolve_bindings
from onnxcost.consistency import CHECKED_OPS, contradiction
from onnxcost.dtypes import dtype_name
from onnxcost.errors import FormulaTooLarge, GraphError, ShapeError
from onnxcost.fold import FOLD_CAP_ELEMENTS, FOLDERS, constant_attr_value, fold_node, tensor_value
from onnxcost.limits import run_isolated
from onnxcost.load import LoadedModel
from onnxcost.loops import simulated_trips
from onnxcost.nodes import arity_problem, is_known_op, node_info
from onnxcost.poly import Poly
from onnxcost.rules.dim_names import (
    BEAM_OPS,
    GENERATION_OPS,
    UNBOUNDED_TRIPS,
    clean_name,
    trip_symbol_name,
)
from onnxcost.rules.registry import load_rules
from onnxcost.shape_rules import DataDim, check_rank, infer_output_dtypes, infer_output_shapes
from onnxcost.symbolic import (
    as_int,
    bind_dim_param,
    dim_param_names,
    free_names,
    larger,
    product,
    symbol,
)
from onnxcost.types import DEFAULT_DOMAIN, ML_DOMAIN, Dim, NodeInfo, TensorInfo, UnderivedDim

# Tensors up to this many elements stay in the copy given to ONNX shape inference.
SMALL_TENSOR_ELEMENTS = 4096
ABSURD_ELEMENTS = 2**53
# Ops whose outputs differ from run to run even with constant inputs.
NONDETERMINISTIC_OPS = frozenset(
    {"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial",
     "Bernoulli"}
)  # fmt: skip
WEIGHT_GENERATORS = frozenset({"Constant", "ConstantOfShape"})
# Ops that write a tensor of data from their operands: fed by the graph's inputs (a Shape of an
# input, a loop counter), what they write is made at run time, an activation (zero states).
MATERIALIZING_OPS = frozenset({"ConstantOfShape", "Expand", "Tile", "Range", "EyeLike"})
STRICT_DOMAINS = (DEFAULT_DOMAIN, ML_DOMAIN)


@dataclass(frozen=True)
class ShapedGraph:
    """Every node (in execution order) and every value with its shape, dtype and constness.

    `subgraphs` maps a node's index to its graph attributes (If branches, Loop/Scan bodies),
    each shaped with the enclosing scope's values visible. `derived` holds the dims the shape
    stage worked out beyond the bindings (Loop trip counts by their symbol's name); `underived`
    the dims it could not, each named after its node.
    """

    nodes: tuple[NodeInfo, ...]
    tensors: Mapping[str, TensorInfo]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    bindings: Mapping[str, int]
    warnings: tuple[str, ...]
    subgraphs: Mapping[int, Mapping[str, ShapedGraph]] = field(default_factory=dict)
    scope: frozenset[str] = frozenset()
    derived: Mapping[str, Dim] = field(default_factory=dict)
    underived: tuple[UnderivedDim, ...] = ()
    # If nodes (by index) whose branch is decided: a known condition, or the only branch that can run
    taken_branches: Mapping[int, bool] = field(default_factory=dict)
    # the first contradiction among the nodes that run whenever this graph runs
    problem: str | None = None


# (kind, dims, placeholders, dtype) of an inferred type
_TypeFacts = tuple[str | None, tuple[Dim | None, ...] | None, tuple[str, ...], str]


@dataclass
class _Context:
    """What every level of the recursive walk shares."""

    inferred: Mapping[str, onnx.TypeProto]  # derived by ONNX inference from the bound inputs
    declared: Mapping[str, onnx.TypeProto]  # what the file declares (value_info, outputs)
    opsets: Mapping[str, int]
    dims: Mapping[str, int]
    symbols: _Symbols
    input_dims: frozenset[str]  # the dim names the graph inputs declare
    # own rules only (no inference ran): a value they leave unknown raises _NeedsInference
    strict: bool = False
    # Loop trip counts (and the like) worked out on the way, by their symbol's name
    derived: dict[str, Dim] = field(default_factory=dict)
    # declared dims that are numbers and differ from the derived ones: (value, axis, declared, derived)
    mismatches: list[tuple[str, int, int, int]] = field(default_factory=list)
    # names used in declared dims (a --dim may bind them)
    declared_names: set[str] = field(default_factory=set)
    # decisions the shapes forced (an If branch that cannot run), for the warnings
    notes: list[str] = field(default_factory=list)
    # values whose shape is a guess: an If of unknown condition whose branches give other shapes,
    # and what is computed from one (a contradiction there is no proof a branch cannot run)
    uncertain: set[str] = field(default_factory=set)
    # values that change from one Loop iteration to the next but are known at the one shaped
    # (the counter, t + 1): they fold for the shapes, yet run every iteration (never constants)
    varying: set[str] = field(default_factory=set)
    # a serialized type -> what _read_type reads from it (a model's values share few)
    types: dict[bytes, _TypeFacts] = field(default_factory=dict)


def infer_shapes(
    loaded: LoadedModel,
    dims: Mapping[str, int] | None = None,
    inputs: Mapping[str, Sequence[int]] | None = None,
    worst_case: bool = False,
) -> ShapedGraph:
    """Shapes of all values after binding `dims` (by dim name) and `inputs` (whole shapes, which
    bind the names their inputs declare); `worst_case` gives each data-dependent dim the upper
    bound the graph states."""
    graph = loaded.proto.graph
    initializer_names = {t.name for t in graph.initializer}
    real_inputs = [v for v in graph.input if v.name not in initializer_names]
    bindings = resolve_bindings(real_inputs, dict(dims or {}), inputs or {})
    declared = _declared_types(graph)
    warnings = list(loaded.warnings)
    shaped = context = None
    if not any(attr.type in _GRAPH_ATTRIBUTES for node in graph.node for attr in node.attribute):
        try:
            context = _new_context(loaded, {}, declared, bindings, worst_case, strict=True)
            shaped = _walk(loaded, real_inputs, bindings, context)
        except _NeedsInference:
            shaped = None
    if shaped is None:
        inferred = _run_onnx_inference(loaded, real_inputs, bindings, warnings)
        context = _new_context(loaded, inferred, declared, bindings, worst_case)
        shaped = _walk(loaded, real_inputs, bindings, context)
    assert context is not None
    if shaped.problem is not None:
        raise ShapeError(shaped.problem)
    _check_dim_names(bindings, context, graph)
    live = _live_names(shaped).union(*(free_names(value) for value in context.derived.values()))
    found = context.symbols.found.values()
    underived = tuple(d for d in found if d.symbol in live or isinstance(d.value, int))
    warnings.extend(_shape_warnings(context, underived))
    return ShapedGraph(
        nodes=shaped.nodes,
        tensors=shaped.tensors,
        inputs=tuple(v.name for v in real_inputs),
        outputs=shaped.outputs,
        bindings=dict(bindings.dims),
        warnings=tuple(warnings),
        subgraphs=shaped.subgraphs,
        derived=dict(context.derived),
        underived=underived,
        taken_branches=shaped.taken_branches,
    )


def _new_context(
    loaded: LoadedModel,
    inferred: Mapping[str, onnx.TypeProto],
    declared: Mapping[str, onnx.TypeProto],
    bindings: Bindings,
    worst_case: bool,
    strict: bool = False,
) -> _Context:
    symbols = _Symbols(bindings.dims, worst_case)
    return _Context(inferred, declared, loaded.opsets, bindings.dims, symbols,
                    bindings.input_dim_names, strict)  # fmt: skip


def _check_dim_names(bindings: Bindings, context: _Context, graph: onnx.GraphProto) -> None:
    """A --dim must name a dim of the model: an input's, a declared one, a Loop's trips or a
    symbol the analysis gave a dim it could not derive."""
    known = bindings.input_dim_names | context.declared_names | context.symbols.names
    unknown = [name for name in bindings.dims if name not in known]
    if unknown:  # the trip counts of every Loop, derived or not, only when needed
        unknown = [name for name in unknown if name not in _loop_names(graph)]
    if unknown:
        listed = ", ".join(sorted(bindings.input_dim_names)) or "none"
        others = sorted(context.symbols.names - bindings.input_dim_names)
        more = f"; other dims: {', '.join(others[:8])}{', ...' if len(others) > 8 else ''}" if others else ""
        raise ShapeError(
            f"--dim {unknown[0]}: no dim of the model has that name (input dims: {listed}{more})"
        )


def _live_names(shaped: ShapedGraph) -> set[str]:
    """The symbols in the shapes of values that can run (an If branch not taken cannot)."""
    names: set[str] = set()
    for info in shaped.tensors.values():
        for dim in info.shape or ():
            if not isinstance(dim, int):
                names |= free_names(dim)
    for index, bodies in shaped.subgraphs.items():
        taken = shaped.taken_branches.get(index)
        for name, body in bodies.items():
            if taken is None or name == _BRANCHES[taken]:
                names |= _live_names(body)
    return names


def _shape_warnings(context: _Context, underived: Sequence[UnderivedDim]) -> list[str]:
    """One line per kind of problem: declared dims the bound inputs contradict, dims nothing
    derives (of values that can run), sizes the data decides."""
    lines = list(context.notes)
    if context.mismatches:
        value, axis, declared, derived = context.mismatches[0]
        count = len(context.mismatches)
        lines.append(
            f"{count} dim{'s' if count > 1 else ''} the model declares differ from what the bound "
            f"inputs give (value {value!r} dim {axis}: declared {declared}, derived {derived}); "
            "the derived ones are used"
        )
    open_dims = [d for d in underived if not isinstance(d.value, int)]
    for found in open_dims[:8]:
        bound = f"; at most {found.bound} (--worst-case uses it)" if found.bound is not None else ""
        cause = "the data decides it" if found.data_dependent else "it could not be derived"
        lines.append(
            f"node {found.node!r} ({found.op_type}): {found.what} is {found.symbol}, {cause}{bound}; "
            f"bind it with --dim {found.symbol}=N"
        )
    if len(open_dims) > 8:
        lines.append(f"{len(open_dims) - 8} more dims could not be derived")
    for found in underived:
        if found.bound is not None and found.value == found.bound and found.symbol not in context.dims:
            lines.append(f"node {found.node!r} ({found.op_type}): {found.what} taken at its bound "
                         f"{found.bound} (--worst-case)")  # fmt: skip
    return lines


class _NeedsInference(Exception):
    """onnxcost's own rules left a value's shape or dtype unknown."""


_GRAPH_ATTRIBUTES = (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS)


def _walk(
    loaded: LoadedModel,
    real_inputs: Sequence[onnx.ValueInfoProto],
    bindings: Bindings,
    context: _Context,
) -> ShapedGraph:
    """The main graph shaped from its inputs, with ONNX's inferred types where the context has them.

    `context.strict`: with no inferred types, the folder and the shape rules must derive every
    value of the default domains (a graph of common ops, as a rule); one they cannot raises
    _NeedsInference, and ONNX shape inference runs after all. Both ways give the same shapes where
    the rules know the op (tests/test_shapes.py compares them on the onnx test models).
    """
    tensors: dict[str, TensorInfo] = {}
    for value in real_inputs:
        info = _value_info(value.name, value.type, context, bindings.inputs.get(value.name))
        tensors[value.name] = replace(info, from_inputs=True)
    return _shape_graph(loaded.proto.graph, {}, tensors, context, order_by_file=True)


def _shape_graph(
    graph: onnx.GraphProto,
    scope: Mapping[str, TensorInfo],
    bound_inputs: Mapping[str, TensorInfo],
    context: _Context,
    order_by_file: bool = False,
) -> ShapedGraph:
    """Walk one graph (the main one or a body) in execution order, recursing into bodies.

    The first contradiction among the nodes that run whenever the graph runs (its own, those of
    its Loop and Scan bodies and of the If branches taken) is its `problem`: an error for the main
    graph, a branch that cannot be the one taken for an If.
    """
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
            info = _value_info(value.name, type_proto, context, None)
            tensors[value.name] = replace(info, from_inputs=True)
    protos = order_nodes(graph.node, set(tensors))
    nodes = []
    subgraphs: dict[int, dict[str, ShapedGraph]] = {}
    taken_branches: dict[int, bool] = {}
    problem: str | None = None
    for index, proto in enumerate(protos):
        node = node_info(proto, index, context.opsets)
        if node.domain in STRICT_DOMAINS and not is_known_op(node.domain, node.op_type, node.opset):
            domain = node.domain or "ai.onnx"
            raise GraphError(
                f"node {node.name!r}: unknown operator {node.op_type!r} in domain {domain} "
                f"(opset {node.opset}); the installed onnx {onnx.__version__} does not define it"
            )
        if node.domain in STRICT_DOMAINS and (wrong_count := arity_problem(node)):
            raise GraphError(wrong_count)
        nodes.append(node)
        load_rules(node.domain, node.op_type)
        bodies = _bodies(node)
        if not bodies:
            try:
                outputs = _node_outputs(node, tensors, context)
            except FormulaTooLarge as exc:
                raise exc.at(node.name, node.op_type) from None
            for info in outputs:
                tensors[info.name] = info
            if context.uncertain and not context.uncertain.isdisjoint(node.inputs):
                context.uncertain.update(info.name for info in outputs)
            elif problem is None and node.op_type in CHECKED_OPS:
                problem = contradiction(node, [tensors.get(n) if n else None for n in node.inputs], outputs)
            continue
        shaped = {
            name: _shape_graph(body, tensors, _body_inputs(node, body, tensors, context), context)
            for name, body in bodies.items()
        }
        subgraphs[index] = shaped
        condition = None
        if node.op_type == "If" and node.domain == "" and "then_branch" in shaped:
            condition = _taken_branch(node, tensors, shaped, context)
            if condition is not None:
                taken_branches[index] = condition
        if node.op_type == "If" and condition is None:
            problems = [b.problem for b in shaped.values()]
            if problem is None and all(problems):  # either branch could run, unless neither can
                problem = f"node {node.name!r} (If): neither branch can run with these shapes ({problems[0]})"
        else:
            runs = [b for name, b in shaped.items() if condition is None or name == _BRANCHES[condition]]
            problem = problem or next((b.problem for b in runs if b.problem), None)
        if context.uncertain and _reads_uncertain(node, shaped, condition, context.uncertain):
            context.uncertain.update(name for name in node.outputs if name)
        if condition is not None:
            branch = shaped[_BRANCHES[condition]]
            found = [branch.tensors.get(name) for name in branch.outputs]
            if all(info is not None for info in found):
                for name, info in zip(node.outputs, found, strict=False):
                    if name and info is not None:
                        tensors[name] = replace(info, name=name, from_inputs=True)
                continue
        from_bodies = None
        if node.op_type == "If" and node.domain == "":
            from_bodies = _branch_shapes(node, shaped, context)
        elif node.op_type == "Loop" and node.domain == "" and "body" in shaped:
            trips = _loop_trips(node, tensors, shaped, context)
            shaped["body"] = _iteration_body(node, bodies["body"], tensors, context, shaped["body"])
            from_bodies = _loop_shapes(node, tensors, shaped["body"], trips)
        for info in _node_outputs(node, tensors, context, bodies=True, ruled=from_bodies):
            tensors[info.name] = replace(info, from_inputs=True)
    for value in graph.output:
        if value.name not in tensors:
            type_proto = context.inferred.get(value.name, value.type)
            tensors[value.name] = _value_info(value.name, type_proto, context, None)
    return ShapedGraph(
        nodes=tuple(nodes),
        tensors=tensors,
        inputs=tuple(v.name for v in graph.input),
        outputs=tuple(v.name for v in graph.output),
        bindings=context.dims,
        warnings=(),
        subgraphs=subgraphs,
        scope=frozenset(scope),
        taken_branches=taken_branches,
        problem=problem,
    )


_BRANCHES = {True: "then_branch", False: "else_branch"}


def _reads_uncertain(
    node: NodeInfo, bodies: Mapping[str, ShapedGraph], condition: bool | None, uncertain: set[str]
) -> bool:
    """A node with bodies whose inputs, or the outputs of a body that runs, are uncertain."""
    if not uncertain.isdisjoint(node.inputs):
        return True
    running = [b for name, b in bodies.items() if condition is None or name == _BRANCHES[condition]]
    return any(not uncertain.isdisjoint(body.outputs) for body in running)


def _taken_branch(
    node: NodeInfo, tensors: Mapping[str, TensorInfo], bodies: Mapping[str, ShapedGraph], context: _Context
) -> bool | None:
    """The branch an If takes: its condition when known before run time; else, when one branch
    cannot run with these shapes, the other (noted in the warnings); else None."""
    condition = static_condition(node, tensors)
    if condition is not None:
        return condition
    then_problem = bodies["then_branch"].problem
    else_problem = bodies["else_branch"].problem if "else_branch" in bodies else None
    if (then_problem is None) == (else_problem is None):
        return None
    impossible, taken = ("then", "else") if then_problem else ("else", "then")
    context.notes.append(
        f"node {node.name!r} (If): the {impossible} branch cannot run with these shapes "
        f"({then_problem or else_problem}); the {taken} branch is taken"
    )
    return taken == "then"


def _loop_trips(
    node: NodeInfo, tensors: Mapping[str, TensorInfo], bodies: Mapping[str, ShapedGraph], context: _Context
) -> Dim:
    """A Loop's trip count: M without a condition, else the simulated condition (onnxcost.loops),
    else the node's `_trips` symbol (bound by --dim, or M under --worst-case). Recorded under the
    symbol's name for the cost rule."""
    name = trip_symbol_name(node.name)
    body = bodies.get("body")
    found = None
    if name in context.dims:
        found = context.dims[name]
    elif body is not None:
        found = simulated_trips(node, tensors, body.nodes, body.tensors, body.inputs, body.outputs)
    if found is None:
        limit = tensors.get(node.inputs[0]) if node.inputs and node.inputs[0] else None
        value = limit.value if limit is not None else None
        bound = None
        if value is not None and value.size == 1 and value.dtype != object:
            bound = int(value.reshape(-1)[0]) if int(value.reshape(-1)[0]) < UNBOUNDED_TRIPS else None
        found = context.symbols.dim(node, "trips", "its trip count", data=True, bound=bound)
    context.derived[name] = found
    return found


def _body_inputs(
    node: NodeInfo,
    body: onnx.GraphProto,
    tensors: Mapping[str, TensorInfo],
    context: _Context,
    values: Sequence[np.ndarray | None] = (),
) -> dict[str, TensorInfo]:
    """Types of a Loop/Scan body's inputs taken from the node's operands where the body
    declares none: Loop (iteration, cond, carried...), Scan (states..., one slice per scan input);
    `values`: what the inputs hold in one iteration, by position (None: unknown)."""
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
    for position, (value, operand) in enumerate(zip(declared, operands, strict=False)):
        if operand is None or operand.shape is None:
            continue  # the body's declaration (or ONNX's inference of it) stands
        dtype = operand.dtype or dtype_name(value.type.tensor_type.elem_type)
        held = values[position] if position < len(values) else None
        if held is not None:
            context.varying.add(value.name)
        bound[value.name] = TensorInfo(value.name, operand.shape, dtype, from_inputs=True, value=held)
    return bound


def _iteration_body(
    node: NodeInfo,
    body: onnx.GraphProto,
    tensors: Mapping[str, TensorInfo],
    context: _Context,
    plain: ShapedGraph,
) -> ShapedGraph:
    """The Loop body shaped with the values its counter and carried integers take at the first
    iteration, when those of the second give the same shapes: shape chains built from the counter
    (tf2onnx's `x[:, t, :]`) then fold. Else the body as shaped without them (`plain`)."""
    first_values = _first_iteration_values(node, body, tensors)
    if first_values is None:
        return plain
    first = _shape_graph(body, tensors, _body_inputs(node, body, tensors, context, first_values), context)
    carried = first.outputs[1 : len(first_values) - 1]
    second_values = [np.array(1, dtype=np.int64), first_values[1]]
    for name, start in zip(carried, first_values[2:], strict=False):
        found = first.tensors.get(name)
        second_values.append(None if start is None or found is None else found.value)
    second = _shape_graph(body, tensors, _body_inputs(node, body, tensors, context, second_values), context)
    return first if _same_shapes(first, second) else plain


def _first_iteration_values(
    node: NodeInfo, body: onnx.GraphProto, tensors: Mapping[str, TensorInfo]
) -> list[np.ndarray | None] | None:
    """A Loop body's input values at its first iteration: the counter 0, the condition and the
    carried integer scalars and vectors (counters, positions) the node starts them with; None
    when no carried value is known (the counter alone rarely shapes anything)."""
    if len(body.input) < 2:
        return None
    values: list[np.ndarray | None] = [np.array(0, dtype=np.int64), None]
    for name in node.inputs[2 : len(body.input)]:
        info = tensors.get(name) if name else None
        known = info is not None and info.value is not None and info.value.dtype != object
        small = known and _shape_like(info.dtype, info.shape)
        values.append(info.value if small else None)
    return values if any(v is not None for v in values[2:]) else None


def _same_shapes(first: ShapedGraph, second: ShapedGraph) -> bool:
    """Every value of two shapings of one body has the same shape, and every If takes the same
    branch."""
    if first.taken_branches != second.taken_branches:
        return False
    for name, info in first.tensors.items():
        other = second.tensors.get(name)
        if other is None or other.shape != info.shape:
            return False
    for index, bodies in first.subgraphs.items():
        for name, body in bodies.items():
            if not _same_shapes(body, second.subgraphs[index][name]):
                return False
    return True


def static_condition(node: NodeInfo, tensors: Mapping[str, TensorInfo]) -> bool | None:
    """The value of an If's condition when it is known before run time, else None."""
    cond = tensors.get(node.inputs[0]) if node.inputs else None
    if cond is None or cond.value is None or cond.value.size != 1 or cond.value.dtype == object:
        return None
    return bool(cond.value.reshape(-1)[0])


def _branch_shapes(
    node: NodeInfo, bodies: Mapping[str, ShapedGraph], context: _Context
) -> list[tuple[Dim, ...] | None]:
    """Each output of an If whose condition is unknown: the dims both branches agree on, the larger
    where they differ (the runtime decides which comes); the higher rank where the ranks differ
    (both broadcast the same way downstream). An output the branches disagree on is uncertain."""
    shapes = []
    for position in range(len(node.outputs)):
        if len({b.tensors[b.outputs[position]].shape for b in bodies.values()
                if position < len(b.outputs) and b.outputs[position] in b.tensors}) > 1:  # fmt: skip
            context.uncertain.add(node.outputs[position])
        found = []
        for body in bodies.values():
            info = body.tensors.get(body.outputs[position]) if position < len(body.outputs) else None
            if info is not None and info.shape is not None:
                found.append(info.shape)
        if not found:
            shapes.append(None)
            continue
        merged = max(found, key=len)
        for other in found:
            if len(other) == len(merged) and other != merged:
                merged = tuple(a if a == b else larger(a, b) for a, b in zip(merged, other, strict=True))
        shapes.append(merged)
    return shapes


def _loop_shapes(
    node: NodeInfo, tensors: Mapping[str, TensorInfo], body: ShapedGraph, trips: Dim
) -> list[tuple[Dim, ...] | None]:
    """Each Loop output's shape from the body: a carried value keeps the shape the body preserves;
    a scan output stacks the body's per-iteration value over the trips."""
    carried = len(node.inputs) - 2
    shapes: list[tuple[Dim, ...] | None] = []
    for position in range(len(node.outputs)):
        found = body.tensors.get(body.outputs[position + 1]) if position + 1 < len(body.outputs) else None
        if found is None or found.shape is None:
            shapes.append(None)
        elif position < carried:
            start = tensors.get(node.inputs[position + 2])
            shapes.append(found.shape if start is not None and start.shape == found.shape else None)
        else:
            shapes.append((trips, *found.shape))
    return shapes


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
    """The file's node order if it is a valid execution order, else a topological one; a value
    two nodes write is a GraphError naming both."""
    protos = list(protos)
    writer: dict[str, str] = {}
    for index, proto in enumerate(protos):
        node = proto.name or f"{proto.op_type}_{index}"
        for name in proto.output:
            if name and name in writer:
                raise GraphError(f"nodes {writer[name]!r} and {node!r} both write {name!r}: a value has one "
                                 "producer")  # fmt: skip
            if name:
                writer[name] = node
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


class _Symbols:
    """Names for dims nothing derives, each after its node (`<node>_<what>`), so that a user can
    read it and `--dim NAME=INT` binds it; with `worst_case`, a data-dependent dim with a stated
    upper bound takes that bound."""

    def __init__(self, dims: Mapping[str, int], worst_case: bool = False) -> None:
        self.dims = dims
        self.worst_case = worst_case
        self.by_placeholder: dict[str, Dim] = {}
        self.by_key: dict[tuple[int, str], Dim] = {}
        self.found: dict[str, UnderivedDim] = {}
        self.names: set[str] = set()

    def is_data_dependent(self, dim: object) -> bool:
        """A dim the data decides that nothing has bound yet (a DataDim, or its symbol)."""
        if isinstance(dim, DataDim):
            return True
        if not isinstance(dim, Poly) or not dim.is_symbol:
            return False
        found = self.found.get(dim.name)
        return found is not None and found.data_dependent

    def dim(
        self,
        node: NodeInfo | None,
        key: str,
        what: str,
        *,
        label: str = "",
        data: bool = False,
        bound: Dim | None = None,
        placeholder: str = "",
    ) -> Dim:
        """The dim `key` of `node` (or of the value `label`): a --dim binding, the bound under
        --worst-case, else its symbol; a placeholder ('unk__7', one unknown dim that ONNX inference
        propagates) gets the same dim wherever it appears."""
        if placeholder and placeholder in self.by_placeholder:
            return self.by_placeholder[placeholder]
        owner = id(node) if node is not None else hash(label)
        if (owner, key) in self.by_key:
            return self.by_key[(owner, key)]
        base = f"{clean_name(node.name if node is not None else label)}_{key}"
        name = base
        suffix = 2
        while name in self.found:
            name, suffix = f"{base}_{suffix}", suffix + 1
        value: Dim
        if name in self.dims:
            value = self.dims[name]
        elif self.worst_case and data and bound is not None:
            value = bound
        else:
            value = symbol(name)
        self.names.add(name)
        self.found[name] = UnderivedDim(
            symbol=name, node=node.name if node is not None else label,
            op_type=node.op_type if node is not None else "input", what=what, data_dependent=data,
            bound=bound, value=value,
        )  # fmt: skip
        self.by_key[(owner, key)] = value
        if placeholder:
            self.by_placeholder[placeholder] = value
        return value


def _onnx_inference(model: onnx.ModelProto) -> bytes:
    """onnx's shape inference with data propagation, serialized."""
    inferred = onnx.shape_inference.infer_shapes(model, check_type=False, strict_mode=False, data_prop=True)
    return inferred.SerializeToString()


def _run_onnx_inference(
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


def _declared_types(graph: onnx.GraphProto) -> dict[str, onnx.TypeProto]:
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


_PLACEHOLDER = re.compile(r"unk__\d+")


def _declared_dims(type_proto: onnx.TypeProto, context: _Context, label: str) -> tuple[Dim, ...] | None:
    """Dims of a graph input or output type, each a number, a bound or named dim, or (unknown: `?`,
    -1, empty) a symbol named after the value."""
    if not type_proto.tensor_type.HasField("shape"):
        return None
    out: list[Dim] = []
    for axis, dim in enumerate(type_proto.tensor_type.shape.dim):
        value: Dim | None = None
        placeholder = ""
        if dim.HasField("dim_value"):
            _check_declared(dim.dim_value)
            value = None if dim.dim_value == -1 else int(dim.dim_value)
        elif dim.HasField("dim_param"):
            param = dim.dim_param
            if _PLACEHOLDER.fullmatch(param) and param not in context.input_dims:
                placeholder = param  # ONNX inference's name for one unknown dim it propagated
            else:
                value = bind_dim_param(param, context.dims)
                if value is not None:
                    context.declared_names |= free_names(value) | dim_param_names(param)
        if value is None:
            value = context.symbols.dim(None, f"d{axis}", f"dim {axis} of {label!r}", label=label,
                                        placeholder=placeholder)  # fmt: skip
        out.append(value)
    return tuple(out)


def _check_declared(size: int) -> None:
    if size < -1:
        raise ShapeError(f"negative dim {size} in the model")
    if size > ABSURD_DIM:
        raise ShapeError(f"absurd dim {size} in the model (more than 2^40)")


def _value_info(
    name: str,
    type_proto: onnx.TypeProto,
    context: _Context,
    bound_shape: tuple[int, ...] | None,
) -> TensorInfo:
    """TensorInfo of a graph input or output from its declared type."""
    kind = type_proto.WhichOneof("value")
    if kind != "tensor_type":
        return TensorInfo(name, None, "", elem_type=_elem_kind(kind))
    dtype = dtype_name(type_proto.tensor_type.elem_type)
    _rank_checked(tuple(type_proto.tensor_type.shape.dim), f"value {name!r}")
    shape = bound_shape if bound_shape is not None else _declared_dims(type_proto, context, name)
    return _checked(TensorInfo(name, shape, dtype))


def _elem_kind(kind: str | None) -> str:
    return {"sequence_type": "sequence", "optional_type": "optional", "map_type": "map",
            "sparse_tensor_type": "sparse_tensor"}.get(kind or "", "unknown")  # fmt: skip


def _initializer_info(tensor: onnx.TensorProto) -> TensorInfo:
    """A weight: its dims and dtype from metadata, its value only when small and in the file."""
    _rank_checked(tuple(tensor.dims), f"initializer {tensor.name!r}")
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


def _rank_checked(shape: Sequence[object] | None, what: str) -> None:
    if shape is not None:
        check_rank(what, len(shape))


def _checked(info: TensorInfo) -> TensorInfo:
    count = info.numel
    if isinstance(count, int) and count > ABSURD_ELEMENTS:
        raise ShapeError(f"tensor {info.name!r} has an absurd shape {info.shape}")
    return info


def _node_outputs(
    node: NodeInfo,
    tensors: Mapping[str, TensorInfo],
    context: _Context,
    bodies: bool = False,
    ruled: list[tuple[Dim, ...] | None] | None = None,
) -> list[TensorInfo]:
    """TensorInfo for each output of `node` (`bodies`: it has graph attributes): folded, inferred
    from the bound inputs, or derived by shape rules (`ruled`: derived already, from the bodies),
    in that order; the declared type fills only what none of them derives."""
    op_type = node.op_type
    present = [tensors.get(name) for name in node.inputs if name]
    deterministic = op_type not in NONDETERMINISTIC_OPS and not bodies
    constant = deterministic and all(t is not None and t.is_constant for t in present)
    from_inputs = bodies or any(t is not None and t.from_inputs for t in present)
    varies = bool(context.varying) and not context.varying.isdisjoint(node.inputs)
    values: list[np.ndarray | None] | None = None
    if op_type == "Constant":
        values = [constant_attr_value(node.attrs)]
        constant = True
    elif deterministic and node.domain == "" and op_type in FOLDERS:
        values = fold_node(node, _fold_inputs(node, tensors))
    typed = None
    results = []
    for position, name in enumerate(node.outputs):
        if not name:
            continue
        value = values[position] if values and position < len(values) else None
        type_proto = context.inferred.get(name)
        shape: tuple[Dim | DataDim | None, ...] | None = None
        keys: tuple[str, ...] = ()
        dtype = ""
        if type_proto is not None:
            kind, shape, keys, dtype = _read_type(type_proto, context)
            if kind != "tensor_type":
                results.append(TensorInfo(name, None, "", elem_type=_elem_kind(kind)))
                continue
        declared = context.declared.get(name)
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
        if context.strict and (shape is None or None in shape) and node.domain in STRICT_DOMAINS:
            raise _NeedsInference(name)
        if declared is not None and declared.WhichOneof("value") == "tensor_type":
            shape, keys = _with_declared(name, shape, keys, declared, context)
            dtype = dtype or dtype_name(declared.tensor_type.elem_type)
        _rank_checked(shape, f"node {node.name!r} ({op_type}): output {name!r}")
        if shape is not None and not _plain(shape):
            if len(keys) != len(shape):
                keys = ("",) * len(shape)
            shape = tuple(
                _clean_dim(d, node, name, axis, position, context, key)
                for axis, (d, key) in enumerate(zip(shape, keys, strict=True))
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
        is_constant = (constant or value is not None) and not varies
        if from_inputs and op_type in MATERIALIZING_OPS and not _shape_like(dtype, shape):
            is_constant, value = False, None  # made at run time from the inputs: an activation
        if varies:
            context.varying.add(name)
        weight = constant and op_type in WEIGHT_GENERATORS and not from_inputs
        results.append(_checked(TensorInfo(
            name, shape, dtype, is_constant=is_constant, is_weight=weight,
            value=value if value is not None and value.size <= FOLD_CAP_ELEMENTS else None,
            from_inputs=from_inputs and op_type != "Constant",
        )))  # fmt: skip
    return results


def is_runtime_data(op_type: str, info: TensorInfo) -> bool:
    """A tensor of data an op writes at run time from the graph's inputs (a zero state sized by
    the batch), as opposed to a shape vector computed from them: an activation, never a constant."""
    return info.from_inputs and op_type in MATERIALIZING_OPS and not _shape_like(info.dtype, info.shape)


def _shape_like(dtype: str, shape: Sequence[object] | None) -> bool:
    """An integer vector or scalar: a shape, an index or a count, which the folder keeps."""
    return shape is not None and len(shape) <= 1 and (dtype.startswith(("int", "uint")) or dtype == "bool")


def _with_declared(
    name: str,
    shape: tuple[Dim | DataDim | None, ...] | None,
    keys: tuple[str, ...],
    declared: onnx.TypeProto,
    context: _Context,
) -> tuple[tuple[Dim | DataDim | None, ...] | None, tuple[str, ...]]:
    """The derived dims, with the declared ones filling the gaps; a declared number that differs
    from a derived one is recorded (a warning); a declared name the user bound to a number the
    derivation contradicts is an error."""
    if not declared.tensor_type.HasField("shape"):
        return shape, keys
    raw = declared.tensor_type.shape.dim
    if shape is None:
        shape, keys = (None,) * len(raw), ("",) * len(raw)
    if len(shape) != len(raw):
        return shape, keys
    if len(keys) != len(shape):
        keys = ("",) * len(shape)
    out = list(shape)
    out_keys = list(keys)
    for axis, (dim, spec) in enumerate(zip(shape, raw, strict=True)):
        which = spec.WhichOneof("value")
        param = spec.dim_param if which == "dim_param" else ""
        if param:
            context.declared_names |= dim_param_names(param)
        if which == "dim_value" and spec.dim_value >= 0 and context.symbols.is_data_dependent(dim):
            out[axis] = int(spec.dim_value)  # the exporter knew what the data makes it
        elif dim is None:
            if which == "dim_value" and spec.dim_value >= 0:
                out[axis] = int(spec.dim_value)
            elif param and _PLACEHOLDER.fullmatch(param) and param not in context.input_dims:
                out_keys[axis] = out_keys[axis] or f"declared:{param}"
            elif param:
                out[axis] = bind_dim_param(param, context.dims)
        elif isinstance(dim, int):
            if which == "dim_value" and spec.dim_value >= 0 and spec.dim_value != dim:
                context.mismatches.append((name, axis, int(spec.dim_value), dim))
            elif param in context.dims and param not in context.input_dims and context.dims[param] != dim:
                raise ShapeError(
                    f"--dim {param}={context.dims[param]}: the bound inputs make dim {axis} of {name!r} "
                    f"(declared {param}) {dim}"
                )
    return tuple(out), tuple(out_keys)


def _read_type(type_proto: onnx.TypeProto, context: _Context) -> _TypeFacts:
    """(kind, dims, placeholders, dtype) of an inferred type (see _inferred_dims), read once per
    distinct type."""
    key = type_proto.SerializeToString()
    found = context.types.get(key)
    if found is None:
        kind = type_proto.WhichOneof("value")
        if kind != "tensor_type":
            found = (kind, None, (), "")
        else:
            shape, keys = _inferred_dims(type_proto.tensor_type, context)
            found = (kind, shape, keys, dtype_name(type_proto.tensor_type.elem_type))
        context.types[key] = found
    return found


def _inferred_dims(
    tensor_type: onnx.TypeProto.Tensor, context: _Context
) -> tuple[tuple[Dim | None, ...] | None, tuple[str, ...]]:
    """The dims of an inferred tensor type (unknown ones None) and, per dim, its placeholder
    name ('unk__N') if it has one, else ''. A named dim is one of the inputs' (or a formula of
    them): inference propagates those unchanged."""
    if not tensor_type.HasField("shape"):
        return None, ()
    out: list[Dim | None] = []
    keys: list[str] = []
    for dim in tensor_type.shape.dim:
        which = dim.WhichOneof("value")
        key = ""
        value: Dim | None = None
        if which == "dim_value":
            _check_declared(dim.dim_value)
            value = None if dim.dim_value == -1 else dim.dim_value
        elif which == "dim_param":
            param = dim.dim_param
            if param.startswith("unk__") and param not in context.input_dims:
                key = param
            else:
                value = bind_dim_param(param, context.dims)
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


def _clean_dim(
    dim: object,
    node: NodeInfo,
    tensor: str,
    axis: int,
    position: int,
    context: _Context,
    placeholder: str = "",
) -> Dim:
    """A derived dim as an int or a symbol: numpy and sympy integers become ints; a dim the data
    decides (DataDim), one nothing derived, or one that is not a whole size (a fraction, or
    negative on a branch that never runs) becomes the node's named symbol; an unknown dim that
    inference named 'unk__N' gets the same symbol wherever it appears."""
    if isinstance(dim, DataDim):
        return context.symbols.dim(node, dim.key, dim.what, data=True, bound=dim.bound,
                                   placeholder=placeholder)  # fmt: skip
    if isinstance(dim, bool):
        return int(dim)
    value: int | None = None
    whole_float = isinstance(dim, float | np.floating) and float(dim).is_integer()
    if isinstance(dim, int | np.integer) or whole_float:
        value = int(dim)
    elif isinstance(dim, Poly):
        return dim
    elif isinstance(dim, sympy.Expr):
        if not dim.is_number:
            return dim
        if dim.is_integer:
            value = int(dim)
    if value is None or value < 0:
        key = f"d{axis}" if position == 0 else f"out{position}_d{axis}"
        what = f"dim {axis} of {tensor!r}"
        return context.symbols.dim(node, key, what, placeholder=placeholder if value is None else "")
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
    if ruled is None:
        return inferred
    if len(ruled) != len(inferred):  # inference merged If branches of other ranks: the rule knows
        return ruled if None not in ruled else inferred
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
