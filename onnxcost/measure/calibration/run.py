"""Run the benchmarks on this host with onnxruntime's CPU provider and keep, for every node of
every benchmark as onnxruntime rewrites it, its op, class, size and median kernel time."""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import onnx

from onnxcost.api import prepare
from onnxcost.estimate.hardware import op_table_keys
from onnxcost.estimate.op_classes import (
    MAC_CLASSES,
    class_amount,
    epilogue,
    kernel_calls,
    masked_softmaxes,
    op_class,
    op_key,
    projection_ops,
)
from onnxcost.measure.calibration.bench import (
    EVICT_PREFIX,
    REMOTE_BLOCKS,
    REMOTE_PAIRS,
    REMOTE_ROWS,
    REMOTE_WIDTH,
    Bench,
    cold_benchmarks,
    context,
    evicted,
    image_benchmarks,
    overhead,
    remote,
)
from onnxcost.measure.calibration.fit import Sample
from onnxcost.measure.profile import Measurement, measure, random_feeds, session, time_runs, undisturbed_pass
from onnxcost.types import NodeCost, TensorInfo

# Each benchmark's timed runs stop at this many seconds (5 runs at least, RUNS at most).
BUDGET_S = 0.4
RUNS = 40
# The chain whose extra nodes give the cost of a node beyond its kernel.
CHAIN_NODES = 64
# Passes over the benchmarks (1 with --quick): each benchmark keeps the median of its undisturbed
# passes (by its run's median wall time, profile.undisturbed_pass), so a burst of another tenant's
# work on a shared machine spoils no table unless it spans every pass. (The fastest pass alone was
# biased: a small kernel's share of a few-µs run, less the overheads, came out faster than the
# GEMM peak in some passes.)
PASSES = 3


def passes(quick: bool) -> int:
    """How many passes over the benchmarks a calibration makes."""
    return 1 if quick else PASSES


@dataclass(frozen=True)
class Overheads:
    """Seconds a run costs beyond its kernels, and a node beyond its kernel; how much longer light
    nodes take among heavy kernels than alone (bench.context); the integer GEMMs' cold starts; a
    per-image kernel's further images' share of its first's time (1 thread only); what a light
    node takes a byte of what the other threads wrote (several threads only)."""

    run_s: float
    node_s: float
    light_after_heavy: float = 1.0
    # (op-table key, seconds a kernel call takes beyond its warm time with its operands evicted)
    cold_start_s: tuple[tuple[str, float], ...] = ()
    # a per-image kernel's second image's time ÷ its first's, on one thread (next_image_share)
    next_image_share: float = 1.0
    # on several threads, seconds a light node takes a byte another core wrote (remote_s_per_byte)
    remote_s_per_byte: float = 0.0


@dataclass(frozen=True)
class Measured:
    """Everything measured on one thread count."""

    threads: int
    overheads: Overheads
    samples: tuple[Sample, ...]
    labels: tuple[str, ...]
    # each pass's run wall time ÷ the kept pass's, of every benchmark (none with one pass): how
    # much the host itself varies between runs of the same graph
    pass_ratios: tuple[float, ...] = ()


def _run(
    bench: Bench, threads: int, folder: str, costs: Overheads | None = None, scale: float | None = None
) -> tuple[Measurement, tuple[Sample, ...]]:
    """Measure one benchmark and class its nodes as onnxruntime runs them. Each node's time is its
    share (by profiled kernel time) of the run's wall time less the overheads: the profiler rounds
    to microseconds and adds time of its own, the wall time does not. (Scaling only down, to
    keep the profiler's figure for large kernels, gave a worse validation: 13.7% median error at
    1 thread against 9.6%, docs/validation.md.) A given `scale` replaces that share's."""
    path = os.path.join(folder, "bench.onnx")
    onnx.save(bench.model, path)
    analysis = prepare(path, runtime="onnxruntime-cpu", threads=threads)
    measured = measure(path, {}, threads, RUNS, budget_s=BUDGET_S)
    if scale is None:
        scale = wall_share(measured, costs)
    seconds = {
        name: value * scale for name, value in measured.node_s.items() if not name.startswith(EVICT_PREFIX)
    }
    return measured, node_samples(analysis.costs, analysis.graph.tensors, seconds, threads)


def wall_share(measured: Measurement, costs: Overheads | None) -> float:
    """(wall time − the run's and its nodes' overheads) ÷ Σ profiled kernel times."""
    kernels = sum(measured.node_s.values())
    overhead_s = costs.run_s + len(measured.node_s) * costs.node_s if costs else 0.0
    return max(measured.latency_s - overhead_s, 0.0) / kernels if kernels > 0 else 0.0


def node_samples(
    costs: Sequence[NodeCost],
    tensors: Mapping[str, TensorInfo],
    seconds: Mapping[str, float],
    threads: int = 1,
) -> tuple[Sample, ...]:
    """A sample of each timed node (`seconds` by node name): of one kernel call, for a node of
    several on `threads` threads (see kernel_calls). A node whose fused activation runs as a pass
    of its own (see epilogue) is a sample of that pass only, its time less its plain twin's in the
    same benchmark (same kernel and MACs, no activation), and no sample without such a twin; a
    recurrent node timed apart from its input projection (".steps", see projection_ops) is a
    sample of its steps, its time less that of the projection's MatMul twin in the same benchmark
    (bench.recurrent), and no sample without one."""
    masked = masked_softmaxes(costs, tensors)
    found: list[tuple[NodeCost, str, str, int, int, float]] = []
    for cost in costs:
        spent = seconds.get(cost.name, 0.0)
        kind = op_class(cost, tensors)
        amount, calls = class_amount(cost, kind, tensors), kernel_calls(cost, tensors, threads)
        if spent > 0 and isinstance(amount, int) and amount > 0 and isinstance(calls, int):
            found.append((cost, op_key(cost, tensors, cost.name in masked), kind, amount, calls, spent))
    plain = {(key, cost.macs): spent for cost, key, _, _, _, spent in found if not cost.epilogue}
    matmuls = {cost.flops: spent for cost, key, _, _, _, spent in found if key == "MatMul"}
    samples = []
    for cost, key, kind, amount, calls, spent in found:
        projection = projection_ops(cost, tensors)
        if projection:
            twin_s = matmuls.get(projection)
            if twin_s is not None and spent > twin_s:
                samples.append(Sample(key, kind, (amount - projection) / calls, (spent - twin_s) / calls))
            continue
        if not cost.epilogue:
            samples.append(Sample(key, kind, amount / calls, spent / calls))
            continue
        after, elements = epilogue(cost, tensors)
        twin = plain.get((key, cost.macs))
        if twin is not None and isinstance(elements, int) and elements > 0:
            samples.append(Sample(after, "elementwise", elements, spent - twin))
    return tuple(samples)


def overheads(threads: int, folder: str, cache_bytes: int = 0) -> Overheads:
    """From the wall times of a chain of one Neg node and of CHAIN_NODES on one element: a node
    costs the difference ÷ (CHAIN_NODES − 1) (its one-element kernel included), and the run what
    the one-node chain takes beyond its node; then light_after_heavy (context_factor), on one
    thread next_image_share, and, given the per-core cache's size, cold_start_s (cold_starts)."""
    one, _ = _run(overhead(1), threads, folder)
    many, _ = _run(overhead(CHAIN_NODES), threads, folder)
    node_s = max((many.latency_s - one.latency_s) / (CHAIN_NODES - 1), 0.0)
    run_s = max(one.latency_s - node_s, 0.0)
    found = Overheads(run_s, node_s, context_factor(threads, folder, run_s, node_s))
    if threads == 1:
        found = replace(found, next_image_share=next_image_share(folder, found))
    else:
        found = replace(found, remote_s_per_byte=remote_read(threads, folder, run_s))
    if cache_bytes <= 0:
        return found
    return replace(found, cold_start_s=cold_starts(threads, folder, found, cache_bytes))


def next_image_share(folder: str, costs: Overheads) -> float:
    """Of each of bench.image_benchmarks on one thread, its QLinearConv's time on two images less
    that on one, ÷ that on one: the median (what a further image of a per-image kernel costs).
    Each pair runs one, two, two, one, so that the host's drift falls on both alike; the times
    are the profiler's (the two graphs' wall times differ by more than their kernels: their
    outputs, copied out, differ in size as much)."""
    shares = []
    for one, two in image_benchmarks():
        times: dict[int, list[float]] = {1: [], 2: []}
        for images, bench in ((1, one), (2, two), (2, two), (1, one)):
            _, found = _run(bench, 1, folder, costs, 1.0)
            # a sample of a two-image node is one of its two calls: the node took twice that
            times[images] += [images * s.seconds for s in found if s.kind in MAC_CLASSES][:1]
        if len(times[1]) == len(times[2]) == 2 and min(times[1]) > 0:
            shares.append(sum(times[2]) / sum(times[1]) - 1)
    share = statistics.median(shares) if shares else 1.0
    return share if share > 0 else 1.0  # a second image no slower than none: noise, no figure


def median_wall_s(model: onnx.ModelProto, threads: int, folder: str) -> float:
    """The median wall time of RUNS runs of `model` on `threads` threads (random inputs)."""
    path = os.path.join(folder, "timed.onnx")
    onnx.save(model, path)
    sess = session(path, threads)
    return statistics.median(time_runs(sess, random_feeds(sess, {}), RUNS))


def context_factor(threads: int, folder: str, run_s: float, node_s: float) -> float:
    """(wall time of heavy kernels with light blocks between them − that of the heavy kernels
    alone) ÷ (that of the light blocks alone − a run's overhead), each less its light nodes'
    per-node overhead, as the tables are: how much longer a light node's kernel takes among heavy
    kernels than alone (at least 1)."""
    kinds = ((True, False), (False, True), (True, True))  # (light, heavy)
    graphs = {(light, heavy): context(light, heavy).model for light, heavy in kinds}
    median_s = {which: median_wall_s(model, threads, folder) for which, model in graphs.items()}
    launches = len(graphs[True, False].graph.node) * node_s
    alone = median_s[True, False] - run_s - launches
    among = median_s[True, True] - median_s[False, True] - launches
    return max(among / alone, 1.0) if alone > 0 else 1.0


def remote_read(threads: int, folder: str, run_s: float) -> float:
    """Of bench.REMOTE_PAIRS on `threads` threads, by wall time: Σ (both − producers alone −
    (consumers alone − a run's overhead)) ÷ Σ the bytes of the consumers' input the other threads
    wrote (REMOTE_BLOCKS × its bytes × (threads − 1) ÷ threads), at least 0 (the consumers' node
    overheads are in both graphs that hold them and cancel)."""
    extra_s, remote_bytes = 0.0, 0.0
    for producer, consumer in REMOTE_PAIRS:
        median_s = {
            (heavy, light): median_wall_s(remote(producer, consumer, heavy, light).model, threads, folder)
            for heavy, light in ((True, True), (True, False), (False, True))
        }
        consumers_s = median_s[False, True] - run_s
        extra_s += median_s[True, True] - median_s[True, False] - consumers_s
        remote_bytes += REMOTE_BLOCKS * 4 * REMOTE_ROWS * REMOTE_WIDTH * (threads - 1) / threads
    return max(extra_s / remote_bytes, 0.0) if remote_bytes > 0 else 0.0


# The pass before each evicted run, as a share of the per-core cache: it evicts the benchmark's
# operands whole (a pass of half the cache left part of them, docs/method.md)
EVICT_SHARE = 2.0


def cold_starts(
    threads: int, folder: str, costs: Overheads, cache_bytes: int
) -> tuple[tuple[str, float], ...]:
    """Of each of bench.cold_benchmarks timed as it is and after a pass over EVICT_SHARE ×
    `cache_bytes` (bench.evicted): by op-table key, the median over its integer GEMM nodes of the
    evicted time less the warm one (per kernel call, at least 0). Both runs' profiled times are
    scaled by the warm run's wall_share, so that the pass's own time stays out."""
    differences: dict[str, list[float]] = {}
    for bench in cold_benchmarks():
        measured, warm = _run(bench, threads, folder, costs)
        _, cold = _run(evicted(bench, int(EVICT_SHARE * cache_bytes)), threads, folder, costs,
                       wall_share(measured, costs))  # fmt: skip
        for key, warm_s, cold_s in paired(warm, cold):
            for name in dict.fromkeys((key, plainest(key))):
                differences.setdefault(name, []).append(cold_s - warm_s)
    return tuple(sorted((key, max(statistics.median(found), 0.0)) for key, found in differences.items()))


def paired(warm: Sequence[Sample], cold: Sequence[Sample]) -> list[tuple[str, float, float]]:
    """(key, warm seconds, evicted seconds) of each MAC-class sample, nodes of one key and size
    paired in their order (a benchmark's first MatMulIntegerToFloat with the first)."""
    by_node: dict[tuple[str, float], list[float]] = {}
    for sample in warm:
        by_node.setdefault((sample.op_type, sample.amount), []).append(sample.seconds)
    found, used = [], dict.fromkeys(by_node, 0)
    for sample in cold:
        node = (sample.op_type, sample.amount)
        if sample.kind in MAC_CLASSES and used.get(node, 0) < len(by_node.get(node, ())):
            found.append((sample.op_type, by_node[node][used[node]], sample.seconds))
            used[node] += 1
    return found


def plainest(key: str) -> str:
    """The op-table key with all of its marks removed ("MatMulIntegerToFloat.narrow" →
    "MatMulIntegerToFloat"), the last of op_table_keys' fallbacks taken until none is left."""
    while True:
        general = [name for name in op_table_keys(key, "") if ":" not in name and name != key]
        if not general:
            return key
        key = general[-1]


# One pass over the benchmarks: the overheads measured first, then each benchmark's run median
# wall time and node samples, in the order given.
Pass = tuple[Overheads, list[tuple[float, tuple[Sample, ...]]]]


def run_pass(
    threads: int,
    chosen: Sequence[Bench],
    folder: str,
    progress: Callable[[str], None] = lambda label: None,
    step: str = "",
    cache_bytes: int = 0,
) -> Pass:
    """Measure the overheads and then every benchmark of `chosen` once on `threads` threads."""
    progress(f"overheads{step}")
    now = overheads(threads, folder, cache_bytes)
    found = []
    for bench in chosen:
        progress(f"{bench.label}{step}")
        measured, samples = _run(bench, threads, folder, now)
        found.append((measured.latency_s, samples))
    return now, found


def combine(threads: int, chosen: Sequence[Bench], runs: Sequence[Pass]) -> Measured:
    """Of several passes: each benchmark's median undisturbed pass (by its run's median wall time),
    the overheads' medians."""
    costs = Overheads(
        statistics.median(c.run_s for c, _ in runs),
        statistics.median(c.node_s for c, _ in runs),
        statistics.median(c.light_after_heavy for c, _ in runs),
        cold_medians([dict(c.cold_start_s) for c, _ in runs]),
        statistics.median(c.next_image_share for c, _ in runs),
        statistics.median(c.remote_s_per_byte for c, _ in runs),
    )
    kept, ratios = [], []
    for index in range(len(chosen)):
        of_bench = [found[index] for _, found in runs]
        latencies_s = [latency_s for latency_s, _ in of_bench]
        chosen_pass = undisturbed_pass(latencies_s)
        kept.append(of_bench[chosen_pass][1])
        if len(runs) > 1 and latencies_s[chosen_pass] > 0:
            ratios += [latency_s / latencies_s[chosen_pass] for latency_s in latencies_s]
    samples = tuple(sample for pass_samples in kept for sample in pass_samples)
    return Measured(threads, costs, samples, tuple(bench.label for bench in chosen), tuple(ratios))


def cold_medians(passes_found: Sequence[Mapping[str, float]]) -> tuple[tuple[str, float], ...]:
    """Each op key's median cold_start_s over the passes that measured it."""
    keys = sorted({key for found in passes_found for key in found})
    return tuple(
        (key, statistics.median(found[key] for found in passes_found if key in found)) for key in keys
    )


def pass_label(number: int, count: int) -> str:
    """ " (pass 2 of 3)" for the progress bar; "" for a single pass."""
    return f" (pass {number} of {count})" if count > 1 else ""
