"""Stage 2: shapes and dtypes of every value, with user bindings, folding and symbolic dims.

A dim comes, in this order, from a folded value, from ONNX shape inference over the bound inputs,
from onnxcost's own shape rules, and only then from what the file declares (`value_info`): a
declared dim never overrides a derived one. ONNX shape inference runs on a copy of the graph whose
large weights are replaced by typed graph inputs and whose declared symbols are cleared, so it
never serializes weight payloads and derives every dim from the inputs. A dim nothing derives is a
symbol named after its node, which `--dim NAME=INT` binds.

This module walks the graphs (the main one, Loop, Scan and If bodies, the branch taken); each
value's TensorInfo comes from values.py, ONNX inference from onnx_inference.py, the visiting
order from order.py, names of open dims from symbols.py, and what the walk shares from context.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import onnx

from onnxcost.dtypes import dtype_name
from onnxcost.errors import FormulaTooLarge, GraphError, ShapeError
from onnxcost.model.load import LoadedModel
from onnxcost.model.nodes import arity_problem, is_known_op, node_info
from onnxcost.rules.dim_names import (
    BEAM_OPS,
    GENERATION_OPS,
    UNBOUNDED_TRIPS,
    trip_symbol_name,
)
from onnxcost.rules.registry import load_rules
from onnxcost.shapes.bindings import Bindings, resolve_bindings
from onnxcost.shapes.consistency import CHECKED_OPS, contradiction
from onnxcost.shapes.context import Context, NeedsInference
from onnxcost.shapes.loops import simulated_trips
from onnxcost.shapes.onnx_inference import declared_types, run_onnx_inference
from onnxcost.shapes.order import order_nodes
from onnxcost.shapes.symbols import Symbols
from onnxcost.shapes.values import STRICT_DOMAINS, initializer_info, node_outputs, shape_like, value_info
from onnxcost.symbolic.formulas import (
    free_names,
    larger,
)
from onnxcost.types import Dim, NodeInfo, TensorInfo, UnderivedDim


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
    declared = declared_types(graph)
    warnings = list(loaded.warnings)
    shaped = context = None
    if not any(attr.type in _GRAPH_ATTRIBUTES for node in graph.node for attr in node.attribute):
        try:
            context = _new_context(loaded, {}, declared, bindings, worst_case, strict=True)
            shaped = _walk(loaded, real_inputs, bindings, context)
        except NeedsInference:
            shaped = None
    if shaped is None:
        inferred = run_onnx_inference(loaded, real_inputs, bindings, warnings)
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
) -> Context:
    symbols = Symbols(bindings.dims, worst_case)
    return Context(inferred, declared, loaded.opsets, bindings.dims, symbols,
                    bindings.input_dim_names, strict)  # fmt: skip


def _check_dim_names(bindings: Bindings, context: Context, graph: onnx.GraphProto) -> None:
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


def _shape_warnings(context: Context, underived: Sequence[UnderivedDim]) -> list[str]:
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


_GRAPH_ATTRIBUTES = (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS)


def _walk(
    loaded: LoadedModel,
    real_inputs: Sequence[onnx.ValueInfoProto],
    bindings: Bindings,
    context: Context,
) -> ShapedGraph:
    """The main graph shaped from its inputs, with ONNX's inferred types where the context has them.

    `context.strict`: with no inferred types, the folder and the shape rules must derive every
    value of the default domains (a graph of common ops, as a rule); one they cannot raises
    NeedsInference, and ONNX shape inference runs after all. Both ways give the same shapes where
    the rules know the op (tests/test_shapes.py compares them on the onnx test models).
    """
    tensors: dict[str, TensorInfo] = {}
    for value in real_inputs:
        info = value_info(value.name, value.type, context, bindings.inputs.get(value.name))
        tensors[value.name] = replace(info, from_inputs=True)
    return _shape_graph(loaded.proto.graph, {}, tensors, context, order_by_file=True)


def _shape_graph(
    graph: onnx.GraphProto,
    scope: Mapping[str, TensorInfo],
    bound_inputs: Mapping[str, TensorInfo],
    context: Context,
    order_by_file: bool = False,
) -> ShapedGraph:
    """Walk one graph (the main one or a body) in execution order, recursing into bodies.

    The first contradiction among the nodes that run whenever the graph runs (its own, those of
    its Loop and Scan bodies and of the If branches taken) is its `problem`: an error for the main
    graph, a branch that cannot be the one taken for an If.
    """
    tensors: dict[str, TensorInfo] = dict(scope)
    for tensor in graph.initializer:
        tensors[tensor.name] = initializer_info(tensor)
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
            info = value_info(value.name, type_proto, context, None)
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
        bodies = graph_bodies(node)
        if not bodies:
            try:
                outputs = node_outputs(node, tensors, context)
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
        for info in node_outputs(node, tensors, context, bodies=True, ruled=from_bodies):
            tensors[info.name] = replace(info, from_inputs=True)
    for value in graph.output:
        if value.name not in tensors:
            type_proto = context.inferred.get(value.name, value.type)
            tensors[value.name] = value_info(value.name, type_proto, context, None)
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
    node: NodeInfo, tensors: Mapping[str, TensorInfo], bodies: Mapping[str, ShapedGraph], context: Context
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
    node: NodeInfo, tensors: Mapping[str, TensorInfo], bodies: Mapping[str, ShapedGraph], context: Context
) -> Dim:
    """A Loop's trip count: M without a condition, else the simulated condition (onnxcost.shapes.loops),
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
    context: Context,
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
    context: Context,
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
        small = known and shape_like(info.dtype, info.shape)
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
    node: NodeInfo, bodies: Mapping[str, ShapedGraph], context: Context
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


def graph_bodies(node: NodeInfo) -> dict[str, onnx.GraphProto]:
    """The node's graph attributes (If branches, Loop and Scan bodies) by name."""
    if not node.attrs:
        return {}
    return {k: v for k, v in node.attrs.items() if isinstance(v, onnx.GraphProto)}
