"""Stage 4: apply the cost rules to every node of the graph and attribute parameters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from onnxcost.cost.graph import Graph
from onnxcost.cost.quantization import QuantPlan, quant_plan
from onnxcost.dtypes import NON_PARAM_DTYPES
from onnxcost.errors import FormulaTooLarge
from onnxcost.rules.registry import NodeView, ShapeUnknown, resolve
from onnxcost.shapes.infer import static_condition
from onnxcost.symbolic.formulas import normalize, total
from onnxcost.types import Dim, NodeCost, NodeInfo, SubgraphCost, TensorInfo, Work


def cost_nodes(
    graph: Graph, options: Mapping[str, Any] | None = None, counted: set[str] | None = None
) -> tuple[NodeCost, ...]:
    """A NodeCost per node, in execution order; each weight's params go to its first reader.

    Bodies of If/Loop/Scan are costed first (sharing `counted`, so a weight read both inside
    and outside a body counts once) and handed to the node's rule as `subgraph_costs`.
    """
    options = dict(options or {})
    if graph.derived:
        options["dims"] = {**graph.derived, **options.get("dims", {})}
    counted = set() if counted is None else counted
    plan = quant_plan(graph) if options.get("qdq", "as-run") == "as-run" else QuantPlan()
    absorbed = _absorbed_inputs(graph, plan)
    tensors = graph.tensors
    subgraphs = graph.subgraphs
    quantized = graph.quantized_payloads
    costs = []
    for node in graph.nodes:
        inputs = tuple([tensors.get(name) if name else None for name in node.inputs])
        outputs = tuple([tensors.get(name) if name else None for name in node.outputs])
        name = node.name
        if name in plan.fused:
            costs.append(_fused_cost(node, inputs, outputs, plan.fused[name]))
            continue
        if name in plan.integer_ops:
            inputs = _replace(inputs, plan.runtime_inputs.get(name, {}))
            outputs = _replace(outputs, plan.runtime_outputs.get(name, {}))
        if name in graph.taken_branches:  # the branch the shapes decide, as a known condition
            inputs = (_known_condition(inputs[0], graph.taken_branches[name]), *inputs[1:])
        bodies = {}
        if name in subgraphs:
            bodies = {
                attr: summarize(cost_nodes(body, options, counted), body)
                for attr, body in subgraphs[name].items()
            }
            if node.op_type == "If" and bodies and node.inputs and inputs:
                bodies = _untaken_branch_cleared(node, {node.inputs[0]: inputs[0]}, bodies)
        view = NodeView(node, inputs, outputs, subgraph_costs=bodies, options=options)
        try:
            work = _work_of(node, view, outputs, options.get("run_on_constants", frozenset()))
            cost = _node_cost(node, inputs, outputs, work, counted, absorbed.get(name, ()), quantized)
        except FormulaTooLarge as exc:
            raise exc.at(name, node.op_type) from None
        if bodies:
            cost = _with_bodies(cost, bodies)
        costs.append(cost)
    return tuple(costs)


def _known_condition(condition: TensorInfo | None, taken: bool) -> TensorInfo | None:
    """An If's condition with the value the shapes decided."""
    if condition is None:
        return None
    return replace(condition, value=np.array(taken))


def _untaken_branch_cleared(
    node: NodeInfo, tensors: Mapping[str, TensorInfo], bodies: dict[str, SubgraphCost]
) -> dict[str, SubgraphCost]:
    """An If whose condition is known never runs the other branch: what that branch could not
    cost (its shapes often exist only on the taken path) is not reported."""
    condition = static_condition(node, tensors)
    if condition is None:
        return bodies
    untaken = "else_branch" if condition else "then_branch"
    if untaken in bodies:
        bodies[untaken] = replace(bodies[untaken], unsupported={})
    return bodies


def _replace(
    infos: tuple[TensorInfo | None, ...], replacements: Mapping[int, TensorInfo]
) -> tuple[TensorInfo | None, ...]:
    """The tensors an integer op really touches in place of its float ones."""
    if not replacements:
        return infos
    return tuple(replacements.get(i, info) for i, info in enumerate(infos))


def _absorbed_inputs(graph: Graph, plan: QuantPlan) -> dict[str, tuple[TensorInfo, ...]]:
    """For each integer op, the inputs of the Q/DQ nodes fused into it (scales, zero points,
    integer weights): their params belong to the op."""
    if not plan.fused:
        return {}
    by_name = {node.name: node for node in graph.nodes}
    absorbed: dict[str, list[TensorInfo]] = {}
    for fused_name, op_name in plan.fused.items():
        for name in by_name[fused_name].inputs:
            info = graph.tensors.get(name) if name else None
            if info is not None and info.is_constant:
                absorbed.setdefault(op_name, []).append(info)
    return {op: tuple(infos) for op, infos in absorbed.items()}


def _fused_cost(
    node: NodeInfo,
    inputs: tuple[TensorInfo | None, ...],
    outputs: tuple[TensorInfo | None, ...],
    into: str,
) -> NodeCost:
    """A Q/DQ node a runtime fuses into its integer op: no work, no bytes, no params."""
    work = Work(status="zero", note=f"fused into {into}", bytes_read_activations=0,
                bytes_read_weights=0, bytes_written=0)  # fmt: skip
    return _node_cost(node, inputs, outputs, work, counted=None)


def summarize(costs: tuple[NodeCost, ...], graph: Graph) -> SubgraphCost:
    """Sum a body's node costs (one run of the body)."""
    return SubgraphCost(
        macs=total(c.macs for c in costs),
        flops=total(c.flops for c in costs),
        params=total(c.params for c in costs),
        weight_bytes=total(c.weight_bytes for c in costs),
        bytes_read_weights=total(c.bytes_read_weights for c in costs),
        bytes_read_activations=total(c.bytes_read_activations for c in costs),
        bytes_written=total(c.bytes_written for c in costs),
        macs_by_dtype=macs_by_dtype(costs),
        unsupported=unsupported_census(costs),
        nodes=costs,
        tensors=graph.tensors,
        outputs=graph.outputs,
    )


def op_label(domain: str, op_type: str) -> str:
    """'domain::op_type', with the default domain spelled ai.onnx."""
    return f"{domain or 'ai.onnx'}::{op_type}"


def macs_by_dtype(costs: Iterable[NodeCost]) -> dict[str, Dim]:
    """MACs summed per compute dtype."""
    found: dict[str, list[Dim]] = {}
    for cost in costs:
        for dtype, macs in cost.macs_by_dtype.items():
            found.setdefault(dtype, []).append(macs)
    return {dtype: total(found[dtype]) for dtype in sorted(found)}


def unsupported_census(costs: Iterable[NodeCost]) -> dict[str, int]:
    """'domain::op_type' → how many nodes (bodies included) have no rule or no known shape."""
    census: dict[str, int] = {}
    for cost in costs:
        if cost.status == "unsupported":
            label = op_label(cost.domain, cost.op_type)
            census[label] = census.get(label, 0) + 1
        for label, count in cost.subgraph_unsupported.items():
            census[label] = census.get(label, 0) + count
    return dict(sorted(census.items()))


def _with_bodies(cost: NodeCost, bodies: Mapping[str, SubgraphCost]) -> NodeCost:
    """A control-flow node owns the params of all its bodies (every branch ships in the model)."""
    unsupported: dict[str, int] = {}
    for body in bodies.values():
        for label, count in body.unsupported.items():
            unsupported[label] = unsupported.get(label, 0) + count
    return replace(
        cost,
        params=normalize(cost.params + total(b.params for b in bodies.values())),
        weight_bytes=normalize(cost.weight_bytes + total(b.weight_bytes for b in bodies.values())),
        subgraph_unsupported=unsupported,
    )


def is_param(info: TensorInfo, quantized: frozenset[str] = frozenset()) -> bool:
    """A learned parameter: a weight (initializer, Constant, ConstantOfShape) of a numeric dtype,
    or an integer weight a DequantizeLinear reads (a quantized int32 bias is a parameter)."""
    if not info.is_weight or info.shape is None:
        return False
    return info.dtype not in NON_PARAM_DTYPES or info.name in quantized


# The Work of a node whose outputs are all folded constants, and of one no rule covers.
FOLDED = Work(status="zero", note="constant-folded", bytes_read_activations=0, bytes_read_weights=0,
              bytes_written=0)  # fmt: skip
NO_RULE = Work(status="unsupported", note="no cost rule for this op")


def _work_of(
    node: NodeInfo, view: NodeView, outputs: tuple[TensorInfo | None, ...], run_on_constants: frozenset[str]
) -> Work:
    """The rule's Work; folded nodes cost nothing (but for the ops in `run_on_constants`, which the
    runtime runs though they could be folded); a node without a rule is unsupported."""
    constants = [o.is_constant for o in outputs if o is not None]
    if constants and all(constants) and node.op_type != "Constant" and node.op_type not in run_on_constants:
        return FOLDED
    found = resolve(node.domain, node.op_type, node.opset)
    if found is None:
        return NO_RULE
    try:
        return found.fn(view)
    except ShapeUnknown as exc:
        return Work(status="unsupported", note=f"shape unknown: {exc}")
    except (ValueError, TypeError, KeyError, IndexError, ZeroDivisionError) as exc:
        return Work(status="unsupported", note=f"rule failed: {exc}")


def _node_cost(
    node: NodeInfo,
    inputs: tuple[TensorInfo | None, ...],
    outputs: tuple[TensorInfo | None, ...],
    work: Work,
    counted: set[str] | None,
    absorbed: tuple[TensorInfo, ...] = (),
    quantized: frozenset[str] = frozenset(),
) -> NodeCost:
    """Combine the rule's arithmetic with the node's bytes and the params it first reads
    (`counted` None: attribute none; `absorbed`: constants of Q/DQ nodes fused into it, which it
    reads too: scales and zero points)."""
    read: tuple[TensorInfo | None, ...] = inputs + absorbed if absorbed else inputs
    seen: set[str] = set()
    weights_read: list[Dim] = []
    activations_read: list[Dim] = []
    for info in read:
        if info is None or info.shape is None or info.name in seen:
            continue
        seen.add(info.name)
        (weights_read if info.is_constant else activations_read).append(info.nbytes)
    read_weights, read_activations = total(weights_read), total(activations_read)
    packed = _packed_names(inputs, work)
    params: Dim = 0
    weight_bytes: Dim = 0
    if counted is not None:
        for info in read:
            if info is not None and info.is_weight and info.name not in counted and is_param(info, quantized):
                counted.add(info.name)
                params += packed[info.name][0] if info.name in packed else info.numel
                weight_bytes += info.nbytes
    written: Dim = 0
    for info in outputs:
        if info is not None and info.shape is not None:
            written += info.nbytes
    if work.bytes_read_weights is not None:
        read_weights = work.bytes_read_weights
    if work.bytes_read_activations is not None:
        read_activations = work.bytes_read_activations
    if work.bytes_written is not None:
        written = work.bytes_written
    dtype = work.dtype or _compute_dtype(inputs, outputs)
    figures = [work.macs, work.flops, params, weight_bytes, read_weights, read_activations, written]
    if set(map(type, figures)) != {int}:
        figures = [normalize(figure) for figure in figures]
    macs, flops, params, weight_bytes, read_weights, read_activations, written = figures
    by_dtype = (
        dict(work.macs_by_dtype) if work.macs_by_dtype is not None else ({dtype: macs} if macs != 0 else {})
    )
    return NodeCost(
        name=node.name,
        op_type=node.op_type,
        domain=node.domain,
        inputs=node.inputs,
        outputs=node.outputs,
        macs=macs,
        flops=flops,
        params=params,
        weight_bytes=weight_bytes,
        bytes_read_weights=read_weights,
        bytes_read_activations=read_activations,
        bytes_written=written,
        dtype=dtype,
        status=work.status,
        note=work.note,
        macs_by_dtype=by_dtype,
        packed=packed,
        kernel=work.kernel,
        epilogue=work.epilogue,
        runs=work.runs,
    )


def _packed_names(inputs: tuple[TensorInfo | None, ...], work: Work) -> dict[str, tuple[Dim, str]]:
    """The rule's packed inputs by tensor name: (values held, their dtype)."""
    if not work.packed:
        return {}
    return {
        inputs[index].name: packing
        for index, packing in work.packed.items()
        if index < len(inputs) and inputs[index] is not None
    }


def _compute_dtype(inputs: tuple[TensorInfo | None, ...], outputs: tuple[TensorInfo | None, ...]) -> str:
    """The dtype the work runs in: the first activation input's, else the first input's or output's."""
    for info in inputs:
        if info is not None and not info.is_constant and info.dtype:
            return info.dtype
    for info in (*inputs, *outputs):
        if info is not None and info.dtype:
            return info.dtype
    return ""
