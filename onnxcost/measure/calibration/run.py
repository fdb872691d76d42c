"""Run the benchmarks on this host with onnxruntime's CPU provider and keep, for every node of
every benchmark as onnxruntime rewrites it, its op, class, size and median kernel time."""

from __future__ import annotations

import os
import statistics
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import onnx

from onnxcost.api import prepare
from onnxcost.estimate.op_classes import class_amount, kernel_calls, masked_softmaxes, op_class, op_key
from onnxcost.measure.calibration.bench import Bench, benchmarks, overhead
from onnxcost.measure.calibration.fit import Sample
from onnxcost.measure.profile import Measurement, measure

# Each benchmark's timed runs stop at this many seconds (5 runs at least, RUNS at most).
BUDGET_S = 0.4
RUNS = 40
# The chain whose extra nodes give the cost of a node beyond its kernel.
CHAIN_NODES = 64
# Passes over the benchmarks (1 with --quick): each benchmark keeps its median pass (by its run's
# median wall time), so a burst of another tenant's work on a shared machine spoils one pass, not
# the fit. (The fastest pass was biased: a small kernel's share of a few-µs run, less the
# overheads, came out faster than the GEMM peak in some passes.)
PASSES = 3


def passes(quick: bool) -> int:
    """How many passes over the benchmarks a calibration makes."""
    return 1 if quick else PASSES


@dataclass(frozen=True)
class Overheads:
    """Seconds a run costs beyond its kernels, and a node beyond its kernel."""

    run_s: float
    node_s: float


@dataclass(frozen=True)
class Measured:
    """Everything measured on one thread count."""

    threads: int
    overheads: Overheads
    samples: tuple[Sample, ...]
    labels: tuple[str, ...]


def _run(
    bench: Bench, threads: int, folder: str, costs: Overheads | None = None
) -> tuple[Measurement, tuple[Sample, ...]]:
    """Measure one benchmark and class its nodes as onnxruntime runs them. Each node's time is its
    share (by profiled kernel time) of the run's wall time less the overheads: the profiler rounds
    to microseconds and adds time of its own, the wall time does not. (Scaling only down, to
    keep the profiler's figure for large kernels, gave a worse validation: 13.7% median error at
    1 thread against 9.6%, docs/validation.md.)"""
    path = os.path.join(folder, "bench.onnx")
    onnx.save(bench.model, path)
    analysis = prepare(path, runtime="onnxruntime-cpu", threads=threads)
    measured = measure(path, {}, threads, RUNS, budget_s=BUDGET_S)
    kernels = sum(measured.node_s.values())
    overhead_s = costs.run_s + len(measured.node_s) * costs.node_s if costs else 0.0
    scale = max(measured.latency_s - overhead_s, 0.0) / kernels if kernels > 0 else 0.0
    samples = []
    masked = masked_softmaxes(analysis.costs, analysis.graph.tensors)
    for cost in analysis.costs:
        seconds = measured.node_s.get(cost.name, 0.0) * scale
        if seconds <= 0:
            continue
        tensors = analysis.graph.tensors
        kind = op_class(cost, tensors)
        amount, calls = class_amount(cost, kind, tensors), kernel_calls(cost, tensors)
        if isinstance(amount, int) and amount > 0 and isinstance(calls, int):
            # a node of several kernel calls is a sample of one call (see kernel_calls)
            key = op_key(cost, tensors, cost.name in masked)
            samples.append(Sample(key, kind, amount / calls, seconds / calls))
    return measured, tuple(samples)


def overheads(threads: int, folder: str) -> Overheads:
    """From the wall times of a chain of one Neg node and of CHAIN_NODES on one element: a node
    costs the difference ÷ (CHAIN_NODES − 1) (its one-element kernel included), and the run what
    the one-node chain takes beyond its node."""
    one, _ = _run(overhead(1), threads, folder)
    many, _ = _run(overhead(CHAIN_NODES), threads, folder)
    node_s = max((many.latency_s - one.latency_s) / (CHAIN_NODES - 1), 0.0)
    return Overheads(max(one.latency_s - node_s, 0.0), node_s)


def run(
    threads: int,
    quick: bool = False,
    progress: Callable[[str], None] = lambda label: None,
    only: Sequence[Bench] | None = None,
) -> Measured:
    """Measure the overheads and every benchmark (`only`: these instead) on `threads` threads, in
    passes(quick) passes: of each, the median pass is kept (the overheads: their medians)."""
    chosen = list(only) if only is not None else list(benchmarks(quick))
    count = passes(quick)
    runs: list[list[tuple[float, tuple[Sample, ...]]]] = [[] for _ in chosen]
    measured_costs: list[Overheads] = []
    with tempfile.TemporaryDirectory(prefix="onnxcost-calibrate-") as folder:
        for number in range(1, count + 1):
            step = f" (pass {number} of {count})" if count > 1 else ""
            progress(f"overheads{step}")
            now = overheads(threads, folder)
            measured_costs.append(now)
            for index, bench in enumerate(chosen):
                progress(f"{bench.label}{step}")
                measured, samples = _run(bench, threads, folder, now)
                runs[index].append((measured.latency_s, samples))
    run_s = statistics.median(c.run_s for c in measured_costs)
    costs = Overheads(run_s, statistics.median(c.node_s for c in measured_costs))
    kept = [sorted(passes_of, key=lambda entry: entry[0])[len(passes_of) // 2][1] for passes_of in runs]
    samples = tuple(sample for pass_samples in kept for sample in pass_samples)
    return Measured(threads, costs, samples, tuple(bench.label for bench in chosen))
