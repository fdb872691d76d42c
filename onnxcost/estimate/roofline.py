"""Stage 6: the roofline estimate of every node on a hardware profile, and the whole-model totals.

Per node (see docs/method.md for the reasons):

- compute_s = Σ_dtype ops ÷ peak_for(profile, dtype) ÷ compute_efficiency(node FLOPs); the ops of
  a MAC run at the peak of the MAC's dtype (NodeCost.macs_by_dtype), the remaining FLOPs at the
  peak of the node's dtype (so the element-wise work of an int8 node runs at the int8 rate);
- memory_s = (weight bytes ÷ bandwidth of profile.weights_level + activation bytes ÷ bandwidth of
  the fastest level that holds the node's activation working set) ÷ memory_efficiency(node bytes);
- latency_s = max(compute_s, memory_s) (profile.overlap) or their sum, + kernel_overhead_s for
  every node that launches a kernel (not fused, and not a zero-cost view);
- energy: "per_op" = ops × pJ/op + bytes × pJ/byte of their level + idle power × latency;
  "power" = run power × latency.

Nodes run one after another: the model's latency is the sum of its nodes' latencies.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields, replace

from onnxcost.cost.fusion import CONV_HEADS, FUSABLE_ACTIVATIONS, FUSABLE_WITH_CONSTANT, FUSION_HEADS
from onnxcost.errors import OnnxcostError
from onnxcost.estimate.error_bars import interval
from onnxcost.estimate.hardware import (
    COLD_LEVEL,
    COLD_SHARE,
    class_seconds,
    cold_start_seconds,
    efficiency,
    energy_per_op_pj,
    main_memory,
    memory_level,
    normalize_dtype,
    peak_for,
)
from onnxcost.estimate.op_classes import (
    MAC_CLASSES,
    MATRIX_PRODUCTS,
    epilogue,
    masked_softmaxes,
    node_class,
    per_image,
    projection_ops,
)
from onnxcost.symbolic.formulas import evaluate, few, free_names, smaller
from onnxcost.types import (
    MS_DOMAIN,
    Dim,
    Estimate,
    HardwareProfile,
    MemoryLevel,
    NodeCost,
    NodeEstimate,
    SubgraphCost,
    TensorInfo,
)

FUSABLE_QDQ: frozenset[str] = frozenset({"QuantizeLinear", "DequantizeLinear"})
# Light classes: their one-op benchmarks run with no heavy kernel beside them; in a model, among
# heavy kernels (the MAC classes), they take the profile's light_after_heavy × that time (a core
# that runs 512-bit or AMX work every few tens of µs runs the code between slower).
LIGHT_CLASSES = frozenset({"elementwise", "movement", "normalization"})
# A light node counts as among heavy kernels when one of the nodes run this many before it is one
# (views and fused nodes counted). Transcendental ops, themselves 512-bit work, and pooling are
# left out, as are a control-flow body's nodes: the factor was measured on none of them.
HEAVY_REACH_NODES = 8
# The light classes that read a heavy kernel's output from another core's cache on several threads
# (measured here: a Neg of 256×64 after a MatMul 8.9 µs on 2 threads, 1.4 on 1; an Add of 2×128×256
# 22 µs against 9.6 alone, a Transpose 42 against 21); a LayerNormalization or Softmax after one
# runs no slower (by rows, as the GEMM split its output), nor does a node that does not read
# (a view).
REMOTE_READERS = frozenset({"elementwise", "transcendental", "movement"})
# The kernels that split their output over the threads: the matrix products and the row-wise ops.
REMOTE_WRITERS = MATRIX_PRODUCTS | {
    "LayerNormalization", "SkipLayerNormalization", "SimplifiedLayerNormalization",
    "SkipSimplifiedLayerNormalization", "Softmax", "Gelu", "BiasGelu", "FastGelu", "QuickGelu",
}  # fmt: skip
# Kernels whose first pass over their input (its range, for dynamic quantization) runs on one
# thread: a DynamicQuantizeMatMul of 2×128×256 after a MatMul 58 µs, 36 alone, on 2 threads.
QUANTIZING_READERS = frozenset({"DynamicQuantizeMatMul", "DynamicQuantizeLinear"})


@dataclass(frozen=True, slots=True)
class _Fusion:
    """Bytes a fused epilogue does not pay: its read of the fused input, its producer's write."""

    fused: frozenset[str]
    read_saved: Mapping[str, int]
    write_saved: Mapping[str, int]


def estimate(
    costs: Sequence[NodeCost],
    profile: HardwareProfile,
    *,
    fuse: bool = True,
    batch: int = 1,
    tensors: Mapping[str, TensorInfo] | None = None,
    bindings: Mapping[str, int] | None = None,
    graph_outputs: Collection[str] = (),
    live_bytes: int | None = None,
) -> Estimate:
    """The roofline estimate of `costs` on `profile` (pure: nothing is mutated).

    `tensors` tells constants apart for fusion (without it, a node's weight read marks its
    constant operand); a value in `graph_outputs` is always written, never fused away.
    Every figure must be a number: bind the dims first, or pass `bindings` to evaluate formulas
    (fusion is then planned over the formulas: see `plan_estimate`). `live_bytes`, the peak of
    live activations, lets a profile's cold_start_s apply (None: they do not).
    """
    return estimate_profiles(costs, (profile,), fuse=fuse, batch=batch, tensors=tensors,
                             bindings=bindings, graph_outputs=graph_outputs,
                             live_bytes=live_bytes)[0]  # fmt: skip


def estimate_profiles(
    costs: Sequence[NodeCost],
    profiles: Sequence[HardwareProfile],
    *,
    fuse: bool = True,
    batch: int = 1,
    tensors: Mapping[str, TensorInfo] | None = None,
    bindings: Mapping[str, int] | None = None,
    graph_outputs: Collection[str] = (),
    per_node: bool = True,
    live_bytes: int | None = None,
) -> list[Estimate]:
    """`estimate` on each profile, from one plan (see `plan_estimate` and `estimate_plan`)."""
    plan = plan_estimate(costs, fuse=fuse, tensors=tensors, graph_outputs=graph_outputs)
    return estimate_plan(
        plan, profiles, batch=batch, bindings=bindings, per_node=per_node, live_bytes=live_bytes
    )


@dataclass(frozen=True)
class EstimatePlan:
    """What every profile and binding of one model shares: the fusion plan and the nodes grouped
    by the figures their estimate reads (formulas possibly), in order of first appearance."""

    fuse: bool
    fusion: _Fusion
    runnable: tuple[NodeCost, ...]
    skipped: tuple[NodeCost, ...]
    groups: tuple[tuple[_Figures, int, str], ...]  # (figures, how many nodes, first node's name)
    group_of: tuple[int, ...]  # each runnable node's group


def plan_estimate(
    costs: Sequence[NodeCost],
    *,
    fuse: bool = True,
    tensors: Mapping[str, TensorInfo] | None = None,
    graph_outputs: Collection[str] = (),
) -> EstimatePlan:
    """Fusion and grouping of `costs`; formulas are kept, to be bound by `estimate_plan`.

    The fusion plan is made on the figures as given, so costs whose formulas can be 0 at a
    binding (which can make a node a view) should be bound before planning.
    """
    skipped = tuple(cost for cost in costs if cost.status == "unsupported")
    runnable = tuple(cost for cost in costs if cost.status != "unsupported")
    fusion = (
        _plan_fusion(runnable, tensors or {}, frozenset(graph_outputs)) if fuse
        else _Fusion(frozenset(), {}, {})
    )  # fmt: skip
    index_of: dict[_Figures, int] = {}
    groups: list[list] = []
    group_of = []
    masked = masked_softmaxes(runnable, tensors or {})
    since_heavy = HEAVY_REACH_NODES + 1  # nodes run since the last heavy kernel
    heavy_outputs: set[str] = set()  # tensors a heavy kernel wrote, views of them included
    for cost in runnable:
        figures = _figures(cost, fusion, tensors or {}, cost.name in masked)
        if figures.kind in LIGHT_CLASSES and since_heavy <= HEAVY_REACH_NODES:
            figures = replace(figures, among_heavy=True)
        since_heavy = 1 if figures.kind in MAC_CLASSES else since_heavy + 1
        figures = _with_remote_bytes(figures, cost, tensors or {}, heavy_outputs)
        index = index_of.get(figures)
        if index is None:
            index = index_of[figures] = len(groups)
            groups.append([figures, 0, cost.name])
        groups[index][1] += 1
        group_of.append(index)
    return EstimatePlan(fuse, fusion, runnable, skipped, tuple(tuple(g) for g in groups), tuple(group_of))


def _with_remote_bytes(
    figures: _Figures, cost: NodeCost, tensors: Mapping[str, TensorInfo], heavy_outputs: set[str]
) -> _Figures:
    """The figures with remote_bytes: of a REMOTE_READERS node that runs, the bytes of its inputs in
    `heavy_outputs` (a QUANTIZING_READERS one's first input only), at most the activation bytes it
    reads (a Gather of one row reads one row); and `heavy_outputs` with the outputs of a
    REMOTE_WRITERS kernel. Only what a writer's own output feeds counts: a view between (a Reshape
    before a Transpose) is not looked through, as none was measured."""
    if cost.op_type in REMOTE_WRITERS:
        heavy_outputs.update(cost.outputs)
    if cost.op_type in QUANTIZING_READERS:
        names = cost.inputs[:1]
    elif figures.view or figures.fused or figures.kind not in REMOTE_READERS:
        return figures
    else:
        names = cost.inputs
    heavy = [name for name in dict.fromkeys(names) if name in heavy_outputs and name in tensors]
    known = [size for size in (tensors[name].nbytes for name in heavy) if size is not None]
    if not known:
        return figures
    return replace(figures, remote_bytes=smaller(sum(known), cost.bytes_read_activations))


def estimate_plan(
    plan: EstimatePlan,
    profiles: Sequence[HardwareProfile],
    *,
    batch: int = 1,
    bindings: Mapping[str, int] | None = None,
    per_node: bool = True,
    live_bytes: int | None = None,
) -> list[Estimate]:
    """The estimate on each profile, each distinct node's figures bound once (`bindings`).

    `per_node=False` leaves Estimate.nodes empty: the totals are the same, and each profile costs
    one roofline per distinct node instead of a NodeEstimate per node. With `live_bytes` (the
    peak of live activations), a run's footprint is that plus the weight bytes its nodes read
    (a control-flow body's once, however many times it runs).
    """
    groups, group_of = _bound_groups(plan, bindings or {})
    ops: dict[str, float] = {}
    flops = 0
    for figures, count in groups:
        flops += figures.flops * count
        for dtype, found in _ops_by_dtype(figures).items():
            ops[dtype] = ops.get(dtype, 0) + found * count
    dominant = max(ops, key=lambda dtype: ops[dtype]) if ops else "float32"
    found = []
    footprint = 0.0 if live_bytes is None else live_bytes + sum(_weights_once(f) * n for f, n in groups)
    for profile in profiles:
        cold_bytes = cold_capacity_bytes(profile, footprint)
        distinct = [_node_estimate(figures, profile, cold_bytes) for figures, _ in groups]
        # Σ over distinct nodes of (figure × how many): the same totals with or without per-node rows
        latency = sum(node.latency_s * count for node, (_, count) in zip(distinct, groups, strict=True))
        latency += profile.run_overhead_s
        energy = sum(node.energy_j * count for node, (_, count) in zip(distinct, groups, strict=True))
        by_class: dict[str, float] = {}
        for node, (figures, count) in zip(distinct, groups, strict=True):
            by_class[figures.kind] = (
                by_class.get(figures.kind, 0.0) + (node.latency_s - node.overhead_s) * count
            )
        latency_range = interval(by_class, latency, profile.error_bars)
        energy_range = None
        if latency_range is not None and latency > 0:
            energy_range = (energy * latency_range[0] / latency, energy * latency_range[1] / latency)
        nodes = ()
        if per_node:
            shared = [tuple(getattr(node, f) for f in _SHARED_FIELDS) for node in distinct]
            nodes = tuple(NodeEstimate(cost.name, *shared[index])
                          for cost, index in zip(plan.runnable, group_of, strict=True))  # fmt: skip
        peak = peak_for(profile, "tf32" if profile.tf32_matmul and dominant == "float32" else dominant)
        found.append(Estimate(
            profile=profile.name,
            nodes=nodes,
            latency_s=latency,
            energy_j=energy,
            throughput_per_s=batch / latency if latency > 0 else 0.0,
            utilization=flops / (latency * peak) if latency > 0 else 0.0,
            assumptions=_assumptions(
                profile, plan.fuse, plan.fusion, batch, plan.skipped, dominant, footprint, cold_bytes
            ),
            latency_range_s=latency_range,
            energy_range_j=energy_range,
        ))  # fmt: skip
    return found


# NodeEstimate's fields after its name: what every node of a group shares
_SHARED_FIELDS = tuple(f.name for f in fields(NodeEstimate))[1:]


@dataclass(frozen=True, slots=True)
class _Figures:
    """What a node's estimate reads: its arithmetic and the bytes it moves once fused, and its op
    class with the size a calibrated profile times it by (onnxcost.estimate.op_classes)."""

    flops: Dim
    macs_by_dtype: tuple[tuple[str, Dim], ...]
    dtype: str
    weights: Dim  # weight bytes read
    activations: Dim  # activation bytes read and written, less what fusion saves
    fused: bool
    view: bool  # no arithmetic and no bytes: no kernel is launched
    op_type: str = ""
    kind: str = ""
    amount: Dim = 0
    calls: Dim = 1  # kernel calls the node's work is split into on several threads (op_classes.kernel_calls)
    serial_calls: Dim = 1  # those on one thread (QLinearConv: one per image there)
    epilogue: str = ""  # the table key of its activation's own pass (op_classes.epilogue)
    epilogue_amount: Dim = 0  # the elements that pass runs over
    projection: Dim = 0  # operations of a recurrent node's input projection (op_classes.projection_ops)
    # a control-flow node's body nodes, each with how many times it runs (If, Loop, Scan)
    body: tuple[tuple[_Figures, Dim], ...] = ()
    among_heavy: bool = False  # a light node with a heavy kernel among the HEAVY_REACH_NODES before it
    per_image: bool = False  # run one image at a time on one thread (op_classes.per_image)
    # bytes it reads of what a REMOTE_WRITERS kernel wrote (_with_remote_bytes): on several threads
    # part of them lies in another core's cache
    remote_bytes: Dim = 0


def _figures(
    cost: NodeCost, fusion: _Fusion, tensors: Mapping[str, TensorInfo], masked: bool = False
) -> _Figures:
    name = cost.name
    activations = (cost.bytes_read_activations - fusion.read_saved.get(name, 0)
                   + cost.bytes_written - fusion.write_saved.get(name, 0))  # fmt: skip
    kind, key, amount, calls, serial = node_class(cost, tensors, masked)
    after, after_amount = epilogue(cost, tensors)
    body = tuple((figures, times) for sub, times in cost.runs for figures in _body_figures(sub))
    return _Figures(cost.flops, tuple(cost.macs_by_dtype.items()), cost.dtype, cost.bytes_read_weights,
                    activations, name in fusion.fused, _is_view(cost), key, kind, amount, calls, serial,
                    after, after_amount, projection_ops(cost, tensors), body,
                    per_image=per_image(cost))  # fmt: skip


def _body_figures(body: SubgraphCost) -> tuple[_Figures, ...]:
    """The figures of a body's nodes, fused as the body's own graph (its unsupported ones left out)."""
    runnable = tuple(cost for cost in body.nodes if cost.status != "unsupported")
    fusion = _plan_fusion(runnable, body.tensors, frozenset(body.outputs))
    masked = masked_softmaxes(runnable, body.tensors)
    return tuple(_figures(cost, fusion, body.tensors, cost.name in masked) for cost in runnable)


@dataclass(frozen=True, slots=True)
class BodyNode:
    """A node a control-flow node runs (at any depth), its body's values, its estimate and how
    many times it runs in one run of the model; a control node's own estimate is its launch."""

    cost: NodeCost
    tensors: Mapping[str, TensorInfo]
    estimate: NodeEstimate
    times: float


def body_nodes(cost: NodeCost, profile: HardwareProfile, times: float = 1.0) -> tuple[BodyNode, ...]:
    """The nodes the bodies `cost` runs execute, each estimated on `profile` (none where a body's
    figures are formulas: the node is then timed whole)."""
    found: list[BodyNode] = []
    for sub, runs in cost.runs:
        runnable = tuple(node for node in sub.nodes if node.status != "unsupported")
        try:
            count = times * _number(runs, cost.name, "runs", {})
            figures = [_bound(f, node.name, {}) for f, node in zip(_body_figures(sub), runnable, strict=True)]
        except OnnxcostError:
            return ()
        for node, bound in zip(runnable, figures, strict=True):
            if node.runs:
                inner = body_nodes(node, profile, count)
                if not inner:
                    return ()
                found += [BodyNode(node, sub.tensors, _launch(profile), count), *inner]
            else:
                found.append(BodyNode(node, sub.tensors, _node_estimate(bound, profile), count))
    return tuple(found)


def _bound_groups(
    plan: EstimatePlan, bindings: Mapping[str, int]
) -> tuple[list[tuple[_Figures, int]], list[int]]:
    """The plan's groups with their figures bound to numbers: groups whose formulas meet at the
    binding merge, so the groups and their order are those of costs bound before planning."""
    by_number: dict[_Figures, int] = {}
    groups: list[list] = []
    renumber = []
    for figures, count, name in plan.groups:
        bound = _bound(figures, name, bindings)
        index = by_number.get(bound)
        if index is None:
            index = by_number[bound] = len(groups)
            groups.append([bound, 0])
        groups[index][1] += count
        renumber.append(index)
    return [(figures, count) for figures, count in groups], [renumber[i] for i in plan.group_of]


def _bound(figures: _Figures, node: str, bindings: Mapping[str, int]) -> _Figures:
    """The figures as numbers; a formula left over is an error naming its dims."""
    values = (figures.flops, figures.weights, figures.activations, figures.amount, figures.calls,
              figures.serial_calls, figures.epilogue_amount, figures.projection, figures.remote_bytes,
              *(v for _, v in figures.macs_by_dtype))  # fmt: skip
    if figures.body:
        figures = replace(figures, body=_bound_body(figures.body, node, bindings))
    if all(isinstance(v, int | float) for v in values):
        return figures
    return replace(
        figures,
        flops=_number(figures.flops, node, "flops", bindings),
        weights=_number(figures.weights, node, "bytes_read_weights", bindings),
        activations=_number(figures.activations, node, "activation bytes", bindings),
        macs_by_dtype=tuple((d, _number(v, node, "macs", bindings)) for d, v in figures.macs_by_dtype),
        amount=_number(figures.amount, node, "elements", bindings),
        calls=_number(figures.calls, node, "kernel calls", bindings),
        serial_calls=_number(figures.serial_calls, node, "kernel calls", bindings),
        epilogue_amount=_number(figures.epilogue_amount, node, "output elements", bindings),
        projection=_number(figures.projection, node, "projection operations", bindings),
        remote_bytes=_number(figures.remote_bytes, node, "activation bytes", bindings),
    )


def _bound_body(
    body: tuple[tuple[_Figures, Dim], ...], node: str, bindings: Mapping[str, int]
) -> tuple[tuple[_Figures, Dim], ...]:
    """A body's figures and run counts as numbers; none (the node costed by its summed work) where
    a body's figures depend on values the bindings do not give (a shape that grows each trip)."""
    try:
        return tuple((_bound(figures, node, bindings), _number(times, node, "runs", bindings))
                     for figures, times in body)  # fmt: skip
    except OnnxcostError:
        return ()


def _number(value: Dim, node: str, figure: str, bindings: Mapping[str, int]) -> int | float:
    """A figure as a number: formulas are evaluated with `bindings`, else an error names the dims."""
    if isinstance(value, int | float):
        return value
    try:
        return evaluate(value, bindings)
    except KeyError:
        names = sorted(free_names(value))
        raise OnnxcostError(
            f"a hardware estimate needs numbers, but {figure} of node {node!r} depends on unbound "
            f"dims ({few(names)}): bind them with {few([f'--dim {n}=N' for n in names], joiner=' ')}, "
            "or --worst-case for sizes the data decides (Python: analyze(dims=..., worst_case=True))"
        ) from None


def _ops_by_dtype(figures: _Figures, tf32: bool = False) -> dict[str, float]:
    """{profile dtype: ops}: 2 per MAC at the MAC's dtype (float32 MACs as tf32 with `tf32`), the
    other FLOPs at the node's dtype."""
    ops: dict[str, float] = {}
    mac_ops = 0
    for dtype, macs in figures.macs_by_dtype:
        key = normalize_dtype(dtype)
        key = "tf32" if tf32 and key == "float32" else key
        ops[key] = ops.get(key, 0) + 2 * macs
        mac_ops += 2 * macs
    rest = figures.flops - mac_ops
    if rest > 0:
        key = normalize_dtype(figures.dtype or "float32")
        ops[key] = ops.get(key, 0) + rest
    return ops


def _is_view(cost: NodeCost) -> bool:
    """A node that costs nothing at all: no arithmetic, no bytes (no kernel is launched)."""
    return cost.flops == 0 and cost.bytes_read == 0 and cost.bytes_written == 0


def _plan_fusion(
    costs: Sequence[NodeCost], tensors: Mapping[str, TensorInfo], graph_outputs: frozenset[str]
) -> _Fusion:
    """Which element-wise nodes run as the epilogue of their producer, and the bytes they save.

    A node fuses when it is an epilogue op, its activation input is the single output of a
    fusion head (or of an already fused node) that has exactly one consumer and is not a graph
    output, and its other inputs are constants. Q/DQ nodes that the cost stage already folded
    into an integer op (zero cost, no bytes) are transparent: a chain runs on through them.
    """
    producer = {out: cost for cost in costs for out in cost.outputs if out}
    consumers: dict[str, int] = dict.fromkeys(graph_outputs, 1)  # a graph output is read once more
    for cost in costs:
        for name in dict.fromkeys(n for n in cost.inputs if n):
            consumers[name] = consumers.get(name, 0) + 1
    heads: dict[str, str] = {}  # head or fused node -> op type of its chain's head
    read_saved: dict[str, int] = {}
    write_saved: dict[str, int] = {}
    for cost in costs:
        if (cost.domain, cost.op_type) in FUSION_HEADS:
            heads[cost.name] = cost.op_type
            continue
        if _is_view(cost):
            continue
        source = _activation_input(cost, tensors)
        before = _chain_producer(source, producer, consumers)
        if before is None or before.name not in heads:
            continue
        if cost.op_type == "BatchNormalization" and heads[before.name] not in CONV_HEADS:
            continue
        heads[cost.name] = heads[before.name]
        # the producer's write is its single output, the tensor handed on (in the integer dtype
        # when the cost stage folded Q/DQ around it)
        read_saved[cost.name] = smaller(before.bytes_written, cost.bytes_read_activations)
        write_saved[before.name] = before.bytes_written
    fused = frozenset(name for name in heads if name in read_saved)
    return _Fusion(fused, read_saved, write_saved)


def _chain_producer(
    name: str | None, producer: Mapping[str, NodeCost], consumers: Mapping[str, int]
) -> NodeCost | None:
    """The node whose single output reaches `name` with one consumer at every step (folded Q/DQ
    passed through), or None."""
    while name is not None and consumers.get(name, 0) == 1 and name in producer:
        node = producer[name]
        if [out for out in node.outputs if out] != [name]:
            return None
        if not (_is_view(node) and node.op_type in FUSABLE_QDQ):
            return node
        name = next((n for n in node.inputs if n), None)
    return None


def _activation_input(cost: NodeCost, tensors: Mapping[str, TensorInfo]) -> str | None:
    """The input an epilogue op takes from its producer, if `cost` is an epilogue op at all."""
    names = [n for n in cost.inputs if n]
    if not names or cost.domain not in ("", "ai.onnx", MS_DOMAIN):
        return None
    if cost.op_type in FUSABLE_ACTIVATIONS | FUSABLE_QDQ | {"BatchNormalization"}:
        first, rest = names[0], names[1:]
    elif cost.op_type in FUSABLE_WITH_CONSTANT and len(names) == 2:
        flags = [_is_constant(n, tensors) for n in names]
        if flags == [False, True]:
            first, rest = names[0], names[1:]
        elif flags == [True, False]:
            first, rest = names[1], names[:1]
        elif not tensors and cost.bytes_read_weights > 0:
            first, rest = names[0], names[1:]  # no tensor table: the weight read is the constant
        else:
            return None
    else:
        return None
    if tensors and not all(_is_constant(n, tensors) for n in rest):
        return None
    if tensors and _is_constant(first, tensors):
        return None
    return first


def _is_constant(name: str, tensors: Mapping[str, TensorInfo]) -> bool:
    """True when the tensor is known to be a constant (an initializer or a folded value)."""
    info = tensors.get(name)
    return info is not None and info.is_constant


def _activation_level(profile: HardwareProfile, working_set: float) -> MemoryLevel:
    """The fastest level, no slower than activations_level, whose capacity holds the working set."""
    home = memory_level(profile, profile.activations_level)
    for level in profile.memory:
        if working_set <= level.capacity_bytes:
            return level
        if level.name == home.name:
            break
    return home


def _calibrated_seconds(figures: _Figures, profile: HardwareProfile, calls: Dim) -> float | None:
    """The node's time from the profile's tables (None: none times it). A recurrent node whose
    steps have a table of their own (".steps") takes that table's time for its work less its input
    projection, plus the projection's as one MatMul; by any other table, its whole work per step."""
    own = figures.op_type in profile.op_types or f"{figures.op_type}:{figures.kind}" in profile.op_types
    if not (figures.projection and own):
        return class_seconds(profile, figures.op_type, figures.kind, figures.amount, calls)
    steps = class_seconds(profile, figures.op_type, figures.kind, figures.amount - figures.projection, calls)
    projection = class_seconds(profile, "MatMul", "dense", figures.projection)
    return None if steps is None else steps + (projection or 0.0)


def _weights_once(figures: _Figures) -> float:
    """The weight bytes a node reads in a run, a control-flow body's counted once (not × its trips)."""
    if not figures.body:
        return float(figures.weights)
    return sum(_weights_once(body) for body, _ in figures.body)


def remote_seconds(profile: HardwareProfile, heavy_bytes: float) -> float:
    """The time to read `heavy_bytes` a heavy kernel wrote on the profile's threads:
    heavy_bytes × (threads − 1) ÷ threads × remote_s_per_byte (0 on one thread)."""
    threads = max(profile.threads, 1)
    return heavy_bytes * (threads - 1) / threads * profile.remote_s_per_byte


def images_factor(images: int, next_image_share: float) -> float:
    """A per-image kernel's time on `images` images ÷ (`images` × its time on one):
    (1 + (images − 1) × next_image_share) ÷ images."""
    return (1 + (images - 1) * next_image_share) / images


def cold_capacity_bytes(profile: HardwareProfile, footprint_bytes: float) -> int:
    """The capacity of the profile's COLD_LEVEL memory level (else of its first) where a run of
    `footprint_bytes` exceeds COLD_SHARE of it and the profile has cold_start_s, else 0."""
    levels = profile.memory
    if not profile.cold_start_s or not levels:
        return 0
    capacity = next((level for level in levels if level.name == COLD_LEVEL), levels[0]).capacity_bytes
    return capacity if footprint_bytes > COLD_SHARE * capacity else 0


def _node_estimate(figures: _Figures, profile: HardwareProfile, cold_bytes: float = 0.0) -> NodeEstimate:
    """One node on the profile: compute and memory time, overhead, verdict and energy (its name
    is left empty: one estimate serves every node with these figures). In a cold run
    (`cold_bytes`: the cache's capacity, cold_capacity_bytes; 0 for a warm one), a table-timed
    node whose own bytes fit in that cache takes its op's cold_start_s per kernel call on top: its
    table was timed with its operands in cache. (A control-flow body's nodes do not: not measured.)
    On one thread a per-image kernel of n images takes images_factor(n, next_image_share) × n × its
    table's time for one, a control-flow body's too (it runs its images the same way)."""
    if figures.body:
        return _control_estimate(figures, profile)
    flops = figures.flops
    ops = _ops_by_dtype(figures, profile.tf32_matmul)
    calls = figures.serial_calls if profile.threads == 1 else figures.calls
    calibrated = _calibrated_seconds(figures, profile, calls)
    if calibrated is not None and figures.kind not in MAC_CLASSES:
        compute_s = calibrated  # measured per element, memory traffic included
        if figures.among_heavy:
            compute_s *= profile.light_after_heavy
        compute_s += remote_seconds(profile, figures.remote_bytes)
    elif calibrated is not None:
        compute_s = calibrated
        if figures.per_image and profile.threads == 1 and isinstance(calls, int) and calls > 1:
            compute_s *= images_factor(calls, profile.next_image_share)
        compute_s += remote_seconds(profile, figures.remote_bytes)
    else:
        compute_eff = efficiency(profile.compute_efficiency, flops)
        compute_s = sum(count / peak_for(profile, dtype) for dtype, count in ops.items()) / compute_eff
    if calibrated is not None and 0 < figures.weights + figures.activations < cold_bytes:
        compute_s += calls * cold_start_seconds(profile, figures.op_type, figures.kind)
    if calibrated is not None and figures.epilogue in profile.op_types:
        # the activation's pass over the output follows the kernel
        compute_s += class_seconds(profile, figures.epilogue, "elementwise", figures.epilogue_amount) or 0.0

    weights, activations = figures.weights, figures.activations
    moved = weights + activations
    weight_level = memory_level(profile, profile.weights_level)
    act_level = _activation_level(profile, activations)
    raw_memory_s = (weights / weight_level.bandwidth_bytes_per_s
                    + activations / act_level.bandwidth_bytes_per_s)  # fmt: skip
    memory_s = raw_memory_s / efficiency(profile.memory_efficiency, moved)

    launches = not figures.fused and not figures.view
    # a runtime's own graph runs every node it kept, views included (onnxruntime: a node each)
    overhead_s = profile.kernel_overhead_s if launches or (profile.runtime and not figures.fused) else 0.0
    if calibrated is not None and figures.kind not in MAC_CLASSES:
        busy = compute_s if launches else 0.0
    else:
        busy = max(compute_s, memory_s) if profile.overlap else compute_s + memory_s
    latency = busy + overhead_s

    dominant = max(ops, key=lambda dtype: ops[dtype]) if ops else normalize_dtype(figures.dtype or "float32")
    peak = peak_for(profile, dominant)
    if moved > 0:
        intensity = flops / moved
        bandwidth = moved / raw_memory_s
        attainable = min(peak, intensity * bandwidth)
    else:
        intensity = 0.0
        attainable = peak if flops > 0 else 0.0
    if profile.energy_model == "power":
        energy = profile.run_power_w * latency
    else:
        dynamic_pj = sum(count * energy_per_op_pj(profile, dtype) for dtype, count in ops.items())
        dynamic_pj += weights * weight_level.energy_pj_per_byte + activations * act_level.energy_pj_per_byte
        energy = dynamic_pj * 1e-12 + profile.idle_power_w * latency
    return NodeEstimate(
        name="",
        compute_s=compute_s,
        memory_s=memory_s,
        overhead_s=overhead_s,
        latency_s=latency,
        energy_j=energy,
        bound="compute" if compute_s > memory_s else "memory",
        intensity_flop_per_byte=float(intensity),
        attainable_flop_per_s=float(attainable),
        utilization=flops / latency / peak if latency > 0 else 0.0,
        fused=figures.fused,
    )


def _launch(profile: HardwareProfile) -> NodeEstimate:
    """A control-flow node's own part: its launch, at idle power (at run power on a profile that
    times energy by power)."""
    own_s = profile.kernel_overhead_s
    idle_w = profile.run_power_w if profile.energy_model == "power" else profile.idle_power_w
    return NodeEstimate(name="", compute_s=0.0, memory_s=0.0, overhead_s=own_s, latency_s=own_s,
                        energy_j=idle_w * own_s, bound="memory", intensity_flop_per_byte=0.0,
                        attainable_flop_per_s=0.0, utilization=0.0)  # fmt: skip


def _control_estimate(figures: _Figures, profile: HardwareProfile) -> NodeEstimate:
    """A control-flow node: Σ over its body's nodes of (their estimate × runs), plus its own
    node's launch (a runtime runs a body's nodes one by one, each with its overheads)."""
    parts = [(_node_estimate(body, profile), times) for body, times in figures.body]
    parts.append((_launch(profile), 1))
    compute_s = sum(part.compute_s * times for part, times in parts)
    memory_s = sum(part.memory_s * times for part, times in parts)
    latency = sum(part.latency_s * times for part, times in parts)
    energy = sum(part.energy_j * times for part, times in parts)
    moved = figures.weights + figures.activations
    peak = peak_for(profile, normalize_dtype(figures.dtype or "float32"))
    busy = compute_s + memory_s
    return NodeEstimate(
        name="",
        compute_s=compute_s,
        memory_s=memory_s,
        overhead_s=sum(part.overhead_s * times for part, times in parts),
        latency_s=latency,
        energy_j=energy,
        bound="compute" if compute_s > memory_s else "memory",
        intensity_flop_per_byte=float(figures.flops / moved) if moved > 0 else 0.0,
        attainable_flop_per_s=float(figures.flops / busy) if busy > 0 else 0.0,
        utilization=figures.flops / latency / peak if latency > 0 and peak > 0 else 0.0,
        fused=figures.fused,
    )


def _assumptions(
    profile: HardwareProfile,
    fuse: bool,
    fusion: _Fusion,
    batch: int,
    skipped: Sequence[NodeCost],
    dominant: str,
    footprint_bytes: float = 0.0,
    capacity: float = 0.0,
) -> dict[str, object]:
    """What the figures assume, as plain JSON values (the report prints them)."""
    cold = {}
    if profile.cold_start_s:
        cold["cold_start"] = (
            f"footprint {footprint_bytes:.0f} B (weights read + peak live activations) over "
            f"{COLD_SHARE:g} of the {capacity:.0f} B cache: each integer GEMM takes its cold_start_s"
            if capacity
            else f"footprint {footprint_bytes:.0f} B (0: unknown), not over {COLD_SHARE:g} of the cache: "
            "no cold_start_s added"
        )  # fmt: skip
    return {
        **cold,
        "execution": "sequential: one node at a time, latency = sum of node latencies",
        "fusion": (
            "on: element-wise epilogues (activation, bias/scale by a constant, batch norm after "
            "Conv, Q/DQ) of a Conv/Gemm/MatMul with one consumer pay no memory round trip and "
            "no kernel launch"
            if fuse
            else "off: every node reads and writes its tensors"
        ),
        "fused_nodes": len(fusion.fused),
        "weights_level": profile.weights_level,
        "activations_level": (
            f"fastest level holding the node's activations (read + written), else {profile.activations_level}"
        ),
        "main_memory": main_memory(profile).name,
        "overlap": "max(compute, memory)" if profile.overlap else "compute + memory",
        "kernel_overhead_s": profile.kernel_overhead_s,
        "energy_model": (
            "run_power_w x latency"
            if profile.energy_model == "power"
            else "ops x pJ/op + bytes x pJ/byte of their level + idle_power_w x latency"
        ),
        "utilization_dtype": dominant,
        "batch": batch,
        "skipped_unsupported": [f"{cost.name} ({cost.op_type})" for cost in skipped],
    }
