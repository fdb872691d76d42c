"""Stage 5: tensor lifetimes, peak memory and an arena plan for an execution order.

Pure functions over a Graph. The words used throughout:

- a *unit* is what a runtime runs as one kernel: one node, or a fused group (a Conv/Gemm/MatMul
  with its element-wise epilogue, onnxcost.cost.fusion) whose inner tensors never materialize;
- a *buffer* is one block of activation memory: a tensor together with its views (Reshape,
  Flatten, Squeeze, Unsqueeze, Identity, inference Dropout alias their input when in-place is on);
- a *step* is a position in the order of node names; the nodes of a fused unit take
  consecutive steps and share one live set.

Lifetimes: a buffer is live from the step its producer runs (graph inputs: step 0) to the step
its last reader runs; graph outputs stay live to the end; a buffer nobody reads dies right after
it is produced. Constants and weights (initializers, folded values) are not activations, and a
node that only computes constants (a folded Shape chain, a weight generator) costs nothing and
reads nothing. Peak memory is the largest sum of live activation bytes at any step; it is also
the lower bound any arena plan of that order must meet.

In-place (switchable): an element-wise node (onnxcost.rules.elementwise's tables, Clip, Gelu,
Sum/Max/Min/Mean, BatchNormalization) writes its output over an input buffer of the same size
when that input dies at this node (no other reader left, not a graph input or output); views
never copy. Optionally, MCUNet-style, a depthwise Conv (group = input channels = output
channels) overwrites its input when the sizes match (stride 1, same padding); MCUNet's one-
channel scratch buffer is not counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from onnxcost.cost.fusion import epilogue_input, is_fusion_head, same_shape
from onnxcost.cost.graph import Graph
from onnxcost.cost.quantization import quant_plan
from onnxcost.errors import OnnxcostError
from onnxcost.memory.problem import Buffer, MemoryOptions, MemoryProblem, Unit
from onnxcost.rules.elementwise import BINARY_FLOPS, UNARY_FLOPS
from onnxcost.symbolic.formulas import as_int, few, free_names
from onnxcost.types import NodeInfo, Schedule

VIEW_OPS = frozenset({"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout"})
IN_PLACE_OPS = frozenset(UNARY_FLOPS) | frozenset(BINARY_FLOPS) | frozenset(
    {"Clip", "Gelu", "Sum", "Max", "Min", "Mean", "BatchNormalization"}
)
QDQ_OPS = frozenset({"QuantizeLinear", "DequantizeLinear"})


class ScheduleError(OnnxcostError):
    """A schedule cannot be computed (unbound dims, an invalid order)."""


class LiveBuffer(NamedTuple):
    """A block of the arena over its lifetime: tensors sharing it (views, in-place outputs)."""

    tensors: tuple[str, ...]
    size: int
    first_step: int
    last_step: int


@dataclass(frozen=True)
class Lifetimes:
    """An order's steps, when each tensor is produced and last used, and the live bytes per step."""

    order: tuple[str, ...]
    tensors: Mapping[str, tuple[int, int]]  # tensor -> (first step, last step)
    buffers: tuple[LiveBuffer, ...]
    live_bytes: tuple[int, ...]
    peak_bytes: int
    peak_step: int
    peak_tensors: tuple[str, ...]
    warnings: tuple[str, ...] = field(default=())


def build_problem(graph: Graph, options: MemoryOptions | None = None) -> MemoryProblem:
    """Units (fused groups when `options.fuse`) and buffers (views merged when `options.inplace`)."""
    options = options or MemoryOptions()
    sizes, warnings = activation_sizes(graph)
    by_name = {node.name: node for node in graph.nodes}
    layout = _layout(graph, options)
    unit_nodes, absorbed, remap = layout.units, layout.absorbed, layout.remap
    implicit = _implicit_reads(graph)
    outputs = layout.outputs

    buffer_of: dict[str, int] = {}
    tensors: list[list[str]] = []
    size: list[int] = []
    producer: list[int] = []

    def new_buffer(name: str, unit: int) -> int:
        buffer_of[name] = len(tensors)
        tensors.append([name])
        size.append(sizes[name])
        producer.append(unit)
        return buffer_of[name]

    for name in layout.inputs:
        if name in sizes:
            new_buffer(name, -1)
    producer_unit: dict[str, int] = {}
    units: list[tuple[tuple[str, ...], list[int], list[int], list[int], bool]] = []
    unit_io: list[tuple[set[str], list[str]]] = []  # per unit: tensors it makes, tensors it reads
    for index, names in enumerate(unit_nodes):
        nodes = [by_name[n] for n in names]
        if len(nodes) == 1:
            results = [t for t in nodes[0].outputs if t]
            produced = set(results)
        else:
            produced = {t for node in nodes for t in node.outputs if t}
            inside = {
                t for t in produced
                if t not in outputs and all(c in names for c in graph.consumers.get(t, ("",)))
            }  # fmt: skip
            results = [t for node in nodes for t in node.outputs if t and t not in inside]
        inputs = [t for node in nodes for t in _reads(node, remap, implicit)]
        inputs = [t for t in dict.fromkeys(inputs) if t not in produced]
        unit_io.append((produced, inputs))
        for t in produced:
            producer_unit[t] = index
        made = [t for t in results if t in sizes and t not in buffer_of]
        constant = (not made and bool(results)) or names[0] in absorbed
        if constant:
            made = []
        reads = [] if constant else sorted({buffer_of[t] for t in inputs if t in buffer_of})
        makes: list[int] = []
        reuse: list[int] = []
        core = _core(nodes)
        if options.inplace and made and core is not None and _is_view(core, graph):
            data = remap.get((core.name, core.inputs[0]), core.inputs[0])
            if data in buffer_of and made[0] == results[0]:
                buffer_of[made[0]] = buffer_of[data]
                tensors[buffer_of[data]].append(made[0])
                size[buffer_of[data]] = max(size[buffer_of[data]], sizes[made[0]])
                made = made[1:]
        for t in made:
            makes.append(new_buffer(t, index))
        if options.inplace and len(makes) == 1 and len(results) == 1:
            candidates = _reuse_candidates(nodes, core, options, graph)
            if remap:
                renamed = {t: remap[(n.name, t)] for n in nodes for t in n.inputs if (n.name, t) in remap}
                candidates = [renamed.get(t, t) for t in candidates]
            out_size = size[makes[0]]
            reuse = [
                buffer_of[t]
                for t in candidates
                if t in buffer_of and out_size > 0 and size[buffer_of[t]] == out_size
            ]
            reuse = list(dict.fromkeys(b for b in reuse if b in reads))
        units.append((tuple(names), reads, makes, reuse, constant))

    readers: list[list[int]] = [[] for _ in tensors]
    for index, (_, reads, _, _, _) in enumerate(units):
        for b in reads:
            readers[b].append(index)
    preds_of = []
    for names, (produced, inputs) in zip(unit_nodes, unit_io, strict=True):
        own = {producer_unit[t] for t in produced}
        if remap:  # the reads above are renamed: the producers are those of the names as written
            nodes = [by_name[n] for n in names]
            inputs = [t for node in nodes for t in _reads(node, {}, implicit)]
        found = {producer_unit[t] for t in inputs if t in producer_unit}
        preds_of.append(tuple(sorted(found - own)))
    buffers = tuple(
        Buffer(tuple(names), size[b], producer[b], tuple(readers[b]), not outputs.isdisjoint(names))
        for b, names in enumerate(tensors)
    )
    built = tuple(
        Unit(names, tuple(reads), tuple(makes), tuple(reuse), preds_of[i], constant)
        for i, (names, reads, makes, reuse, constant) in enumerate(units)
    )
    return MemoryProblem(built, buffers, options, tuple(warnings))


def _reads(
    node: NodeInfo, remap: Mapping[tuple[str, str], str], implicit: Mapping[str, tuple[str, ...]]
) -> list[str]:
    """The tensors a node reads: its inputs and what its bodies use from outside, each under the
    name `remap` gives it (the integer tensor a fused QDQ op reads)."""
    names = node.inputs
    if node.name in implicit:
        names = (*names, *implicit[node.name])
    if remap:
        return [remap.get((node.name, t), t) for t in names if t]
    return [t for t in names if t]


class _Layout(NamedTuple):
    """How the runtime groups the graph: units, absorbed converters, renamed inputs, boundary."""

    units: list[tuple[str, ...]]  # node groups in the file order of their last node
    absorbed: set[str]  # nodes that never run on their own (fused DQ, boundary Q/DQ)
    remap: dict[tuple[str, str], str]  # (node, float input) -> integer tensor it reads instead
    inputs: tuple[str, ...]  # the runtime's graph inputs
    outputs: frozenset[str]  # the runtime's graph outputs


def _layout(graph: Graph, options: MemoryOptions) -> _Layout:
    """Units as the runtime runs them.

    As run (`qdq`): DequantizeLinear → op → QuantizeLinear is one integer op (onnxcost.cost.quantization)
    that reads and writes the integer tensors; a QuantizeLinear of a graph input and a
    DequantizeLinear giving a graph output are the caller's conversions (int8 deployments take and
    give integers), so the integer tensors are the runtime's inputs and outputs. With `fuse`,
    element-wise epilogues join their Conv/Gemm/MatMul (onnxcost.cost.fusion), also across absorbed
    Q/DQ pairs.
    """
    by_name = {node.name: node for node in graph.nodes}
    groups: list[tuple[str, ...]] = []
    absorbed: set[str] = set()
    remap: dict[tuple[str, str], str] = {}
    inputs, outputs = list(graph.inputs), set(graph.outputs)
    if options.qdq == "as-run":
        plan = quant_plan(graph)
        for op, replaced in plan.runtime_inputs.items():
            for index, info in replaced.items():
                remap[(op, by_name[op].inputs[index])] = info.name
        quantizers: dict[str, list[str]] = {}
        for fused, into in plan.fused.items():
            if by_name[fused].op_type == "DequantizeLinear":
                absorbed.add(fused)
            else:
                quantizers.setdefault(into, []).append(fused)
        groups.extend((op, *qs) for op, qs in quantizers.items())
        inputs, outputs = _boundary(graph, by_name, absorbed, inputs, outputs)
    position = {node.name: i for i, node in enumerate(graph.nodes)}
    if options.fuse:
        groups = _fuse_epilogues(graph, by_name, groups, absorbed, remap, outputs)
    last_of: dict[str, tuple[str, ...]] = {}
    grouped: set[str] = set()
    for group in groups:
        ordered = tuple(sorted(group, key=position.__getitem__))
        last_of[ordered[-1]] = ordered
        grouped.update(ordered)
    units = [
        last_of.get(node.name, (node.name,))
        for node in graph.nodes
        if node.name in last_of or node.name not in grouped
    ]
    return _Layout(units, absorbed, remap, tuple(inputs), frozenset(outputs))


def _boundary(
    graph: Graph,
    by_name: Mapping[str, NodeInfo],
    absorbed: set[str],
    inputs: list[str],
    outputs: set[str],
) -> tuple[list[str], set[str]]:
    """Move the graph's inputs and outputs across the QuantizeLinear/DequantizeLinear at its edge."""
    for name in list(inputs):
        users = [by_name[u] for u in graph.consumers.get(name, ())]
        if name in outputs or not users:
            continue
        if all(u.op_type == "QuantizeLinear" and u.inputs[0] == name for u in users):
            inputs.remove(name)
            for user in users:
                absorbed.add(user.name)
                inputs.append(user.outputs[0])
    for name in list(outputs):
        node = by_name.get(graph.producers.get(name, ""))
        if node is None or node.op_type != "DequantizeLinear":
            continue
        source = graph.tensors.get(node.inputs[0])
        if source is not None and not source.is_constant:
            absorbed.add(node.name)
            outputs.discard(name)
            outputs.add(node.inputs[0])
    return inputs, outputs


def _fuse_epilogues(
    graph: Graph,
    by_name: Mapping[str, NodeInfo],
    groups: list[tuple[str, ...]],
    absorbed: set[str],
    remap: Mapping[tuple[str, str], str],
    outputs: set[str],
) -> list[tuple[str, ...]]:
    """Grow each Conv/Gemm/MatMul unit by the epilogue units that alone read its one output."""
    unit_of: dict[str, int] = {}
    members: list[list[str]] = []
    for group in groups:
        for name in group:
            unit_of[name] = len(members)
        members.append(list(group))
    for node in graph.nodes:
        if node.name not in unit_of and node.name not in absorbed:
            unit_of[node.name] = len(members)
            members.append([node.name])
    readers: dict[str, set[int]] = {}
    for node in graph.nodes:
        if node.name in absorbed:
            continue
        for name in node.inputs:
            if name:
                read = remap.get((node.name, name), name) if remap else name
                readers.setdefault(read, set()).add(unit_of[node.name])

    def constant(name: str) -> bool:
        info = graph.tensors.get(name)
        return info is not None and info.is_constant

    def results(unit: list[str]) -> list[str]:
        made = [t for n in unit for t in by_name[n].outputs if t]
        return [t for t in made if t in outputs or not readers.get(t, set()) <= {unit_of[unit[0]]}]

    merged: set[int] = set()
    fused: list[tuple[str, ...]] = []
    for index, unit in enumerate(members):
        if index in merged or not is_fusion_head(by_name[unit[0]]):
            continue
        chain = list(unit)
        while True:
            made = results(chain)
            if len(made) != 1 or made[0] in outputs or len(readers.get(made[0], ())) != 1:
                break
            (follower,) = readers[made[0]]
            head = by_name[members[follower][0]]
            data = epilogue_input(head, constant, by_name[chain[0]])
            after = results(members[follower])
            if data is None or remap.get((head.name, data), data) != made[0] or len(after) != 1:
                break
            if not same_shape(graph, made[0], after[0]):
                break
            merged.add(follower)
            for name in members[follower]:
                unit_of[name] = index
            chain.extend(n for n in graph.consumers.get(made[0], ()) if n in absorbed)
            chain.extend(members[follower])
            members[follower] = []
        members[index] = chain
    for unit in members:
        if len(unit) > 1:
            fused.append(tuple(unit))
    return fused


def activation_sizes(graph: Graph) -> tuple[dict[str, int], list[str]]:
    """Bytes of every activation (non-constant value); unknown shapes count 0, with a warning.

    Raises ScheduleError when a size depends on a dim the user can bind (--dim).
    """
    sizes: dict[str, int] = {}
    unknown: list[str] = []
    unbound: dict[str, set[str]] = {}
    names = list(graph.inputs)
    for node in graph.nodes:
        names.extend(t for t in node.outputs if t)
    for name in dict.fromkeys(names):
        info = graph.tensors.get(name)
        if info is not None and info.is_constant:
            continue
        nbytes = None if info is None or info.elem_type != "tensor" else info.nbytes
        value = None if nbytes is None else as_int(nbytes)
        if value is None and nbytes is not None:
            unbound[name] = free_names(nbytes)
            continue
        if value is None:
            unknown.append(name)
            value = 0
        sizes[name] = value
    if unbound:
        dims = sorted({d for ds in unbound.values() for d in ds})
        first = next(iter(unbound))
        raise ScheduleError(
            f"peak memory needs integer tensor sizes, but {len(unbound)} activations depend on "
            f"unbound dims (e.g. {first!r}); bind them with "
            + few([f"--dim {d}=N" for d in dims], joiner=" ")
            + ", or --worst-case for sizes the data decides"
        )
    warnings = []
    if unknown:
        shown = ", ".join(repr(n) for n in unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        warnings.append(
            f"{len(unknown)} values of unknown size (sequences, maps, underived shapes) count as "
            f"0 bytes in peak memory: {shown}"
        )
    return sizes, warnings


def _implicit_reads(graph: Graph) -> dict[str, tuple[str, ...]]:
    """Outer values that a node's bodies (If/Loop/Scan) use without listing them as inputs."""
    found: dict[str, tuple[str, ...]] = {}
    for node_name, bodies in graph.subgraphs.items():
        names: dict[str, None] = {}
        for body in bodies.values():
            names.update(dict.fromkeys(_outer_names(body)))
        if names:
            found[node_name] = tuple(names)
    return found


def _outer_names(body: Graph) -> list[str]:
    """Names a body reads from its enclosing scopes, at any depth."""
    local = set(body.inputs) | {t for node in body.nodes for t in node.outputs if t}
    used = [t for node in body.nodes for t in node.inputs if t]
    for bodies in body.subgraphs.values():
        for inner in bodies.values():
            used.extend(_outer_names(inner))
    return [t for t in dict.fromkeys(used) if t not in local and t in body.scope]


def _is_view(node: NodeInfo, graph: Graph) -> bool:
    """A node that only relabels its first input's memory (inference Dropout included)."""
    if node.domain not in ("", "ai.onnx") or node.op_type not in VIEW_OPS or not node.inputs:
        return False
    if node.op_type == "Dropout" and len(node.inputs) > 2 and node.inputs[2]:
        training = graph.tensors.get(node.inputs[2])
        value = None if training is None else training.value
        return value is not None and not bool(value.reshape(-1)[0])
    return True


def _core(nodes: Sequence[NodeInfo]) -> NodeInfo | None:
    """The one op of a unit that is a single node, or a single op wrapped in its Q/DQ."""
    ops = [n for n in nodes if n.op_type not in QDQ_OPS] if len(nodes) > 1 else list(nodes)
    return ops[0] if len(ops) == 1 else None


def _reuse_candidates(
    nodes: Sequence[NodeInfo], core: NodeInfo | None, options: MemoryOptions, graph: Graph
) -> list[str]:
    """Input tensors whose buffer the unit's output may take over."""
    head = nodes[0]
    if head.domain not in ("", "ai.onnx"):
        return []
    if core is not None and core.op_type in IN_PLACE_OPS and core.domain in ("", "ai.onnx"):
        return [t for t in core.inputs if t]
    if options.inplace_depthwise and head.op_type == "Conv" and _is_depthwise(head, graph):
        return [head.inputs[0]]
    return []


def _is_depthwise(node: NodeInfo, graph: Graph) -> bool:
    """group = input channels = output channels."""
    data, out = graph.tensors.get(node.inputs[0]), graph.tensors.get(node.outputs[0])
    if data is None or out is None or data.shape is None or out.shape is None:
        return False
    if len(data.shape) < 3 or len(out.shape) < 3:
        return False
    group = node.attrs.get("group", 1)
    return group > 1 and data.shape[1] == group and out.shape[1] == group


def topo_units(problem: MemoryProblem) -> list[int]:
    """The file order: every unit at the position of its last node."""
    return list(range(len(problem.units)))


def simulate(problem: MemoryProblem, unit_order: Sequence[int]) -> Lifetimes:
    """Run an order of units: in-place decisions, each tensor's first and last step, live bytes."""
    units, buffers = problem.units, problem.buffers
    _check_order(problem, unit_order)
    order: list[str] = []
    span: dict[int, tuple[int, int]] = {}
    for u in unit_order:
        span[u] = (len(order), len(order) + len(units[u].nodes) - 1)
        order.extend(units[u].nodes)
    end = max(len(order) - 1, 0)
    remaining = [len(b.readers) for b in buffers]
    first = [0] * len(buffers)
    last = [0] * len(buffers)
    owner = list(range(len(buffers)))
    for u in unit_order:
        unit = units[u]
        start, stop = span[u]
        for c in unit.reuse:
            target = buffers[c]
            if remaining[c] == 1 and not target.pinned and target.producer >= 0:
                owner[unit.makes[0]] = owner[c]
                break
        for m in unit.makes:
            first[m] = start
            last[m] = stop
        for r in unit.reads:
            remaining[r] -= 1
            if remaining[r] == 0:
                last[r] = stop
    for b, buffer in enumerate(buffers):
        if buffer.pinned:
            last[b] = end
        elif buffer.producer < 0 and not buffer.readers:
            last[b] = -1  # an unused graph input: the runtime never needs it
    members: dict[int, list[int]] = {}
    for b in range(len(buffers)):
        if last[b] >= first[b]:
            members.setdefault(owner[b], []).append(b)
    live = [0] * (len(order) + 2)  # a value alive to the end of an empty order ends one past it
    blocks = []
    for group in members.values():
        lo = min(first[b] for b in group)
        hi = max(last[b] for b in group)
        size = max(buffers[b].size for b in group)
        blocks.append(LiveBuffer(tuple(t for b in group for t in buffers[b].tensors), size, lo, hi))
        live[lo] += size
        live[hi + 1] -= size
    running = 0
    for step in range(len(order)):
        running += live[step]
        live[step] = running
    live_bytes = tuple(live[: len(order)])
    # a graph without nodes still holds what passes straight from its inputs to its outputs
    peak = max(live_bytes, default=sum(block.size for block in blocks))
    peak_step = live_bytes.index(peak) if live_bytes else 0
    alive = tuple(
        buffers[b].tensors[0]
        for b in range(len(buffers))
        if first[b] <= peak_step <= last[b] and buffers[b].size > 0
    )
    lifetimes = {
        t: (first[b], last[b]) for b, buffer in enumerate(buffers) for t in buffer.tensors
    }
    return Lifetimes(tuple(order), lifetimes, tuple(blocks), live_bytes, peak, peak_step, alive,
                     problem.warnings)  # fmt: skip


def _check_order(problem: MemoryProblem, unit_order: Sequence[int]) -> None:
    """Every unit once, each after the units it consumes."""
    if sorted(unit_order) != list(range(len(problem.units))):
        raise ScheduleError("the order must hold every node exactly once")
    done: set[int] = set()
    for u in unit_order:
        missing = [p for p in problem.units[u].preds if p not in done]
        if missing:
            raise ScheduleError(
                f"invalid order: {problem.units[u].nodes[0]!r} runs before "
                f"{problem.units[missing[0]].nodes[-1]!r}, whose output it needs"
            )
        done.add(u)


def units_of_order(problem: MemoryProblem, node_order: Sequence[str]) -> list[int]:
    """The unit order of a node order (a fused unit runs where its last node is)."""
    unit_of = {name: i for i, unit in enumerate(problem.units) for name in unit.nodes}
    missing = [n for n in node_order if n not in unit_of]
    if missing:
        raise ScheduleError(f"unknown node {missing[0]!r} in the order")
    positions: dict[int, int] = {}
    for position, name in enumerate(node_order):
        positions[unit_of[name]] = position
    return sorted(positions, key=positions.__getitem__)


def lifetimes(
    graph: Graph, node_order: Sequence[str] | None = None, options: MemoryOptions | None = None
) -> Lifetimes:
    """Lifetimes and peak of one node order (default: the file order)."""
    problem = build_problem(graph, options)
    units = topo_units(problem) if node_order is None else units_of_order(problem, node_order)
    return simulate(problem, units)


def peak_memory(graph: Graph, options: MemoryOptions | None = None) -> int | None:
    """Peak live activation bytes in file order; None when sizes depend on unbound dims."""
    try:
        return lifetimes(graph, None, options).peak_bytes
    except ScheduleError:
        return None


ORDERS = ("topo", "min-memory")


def make_schedule(
    graph: Graph,
    order: str | Sequence[str] = "topo",
    options: MemoryOptions | None = None,
    alignment: int | None = None,
) -> Schedule:
    """Order ("topo", "min-memory" or node names), lifetimes, peak and a greedy arena plan."""
    from onnxcost.memory.arena import DEFAULT_ALIGNMENT, SEARCH_BUFFERS, plan_arena
    from onnxcost.memory.ordering import min_memory_units

    options = options or MemoryOptions()
    problem = build_problem(graph, options)
    topo = simulate(problem, topo_units(problem))
    method = "file order"
    warnings = list(problem.warnings)
    if isinstance(order, str):
        if order not in ORDERS:
            raise ScheduleError(f"unknown order {order!r} (known: {', '.join(ORDERS)})")
        result = topo
        if order == "min-memory":
            units, info = min_memory_units(problem)
            found = simulate(problem, units)
            method = info.describe()
            if not info.exact:
                warnings.append(
                    f"min-memory order: {info.heuristic_segments} of {info.segments} segments were past "
                    "the exact search's work limit and took a beam or greedy order: the peak may be "
                    "above the optimum"
                )
            if found.peak_bytes <= topo.peak_bytes:
                result = found
            else:  # cannot happen by construction; kept as the guarantee
                method += "; the file order was better and is kept"
        strategy = order
    else:
        result = simulate(problem, units_of_order(problem, order))
        strategy, method = "given", "order given by the caller"
    blocks = [b for b in result.buffers if b.size > 0]
    if len(blocks) > SEARCH_BUFFERS:
        warnings.append(f"arena: {len(blocks):,} buffers, more than {SEARCH_BUFFERS:,}: one placement order "
                        "tried (largest first)")  # fmt: skip
    plan = plan_arena(
        [(b.size, b.first_step, b.last_step) for b in blocks],
        DEFAULT_ALIGNMENT if alignment is None else alignment,
    )
    buffers = tuple(
        {
            "tensor": block.tensors[0],
            "tensors": list(block.tensors),
            "size": block.size,
            "offset": placed.offset,
            "first_step": block.first_step,
            "last_step": block.last_step,
        }
        for block, placed in zip(blocks, plan.placements, strict=True)
    )
    return Schedule(
        order=result.order,
        peak_memory_bytes=result.peak_bytes,
        peak_step=result.peak_step,
        peak_tensors=result.peak_tensors,
        lower_bound_bytes=plan.lower_bound_bytes,
        arena_bytes=plan.arena_bytes,
        buffers=buffers,
        strategy=strategy,
        method=method,
        inplace=options.inplace,
        fuse=options.fuse,
        topo_peak_bytes=topo.peak_bytes,
        warnings=tuple(warnings),
    )
