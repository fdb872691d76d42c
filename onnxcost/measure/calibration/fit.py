"""From measured kernel times to a profile's size tables: per op class, and per op kernel
(onnxcost.estimate.op_classes.op_key) where one was measured at two sizes or more."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from onnxcost.estimate.hardware import op_table_keys, points_seconds
from onnxcost.estimate.op_classes import EPILOGUE, MAC_CLASSES

# Samples whose amounts are within this factor of each other share one point of a table.
BIN_FACTOR = math.sqrt(10)
MIN_SIZES_FOR_OP_TABLE = 2
# Error bars: the central share of held-out ratios, over nodes long enough to matter.
BAR_COVERAGE = 0.8
BAR_MIN_SECONDS = 0.0


@dataclass(frozen=True)
class Sample:
    """One node of one benchmark: its op, class, size and measured kernel time."""

    op_type: str
    kind: str
    amount: float
    seconds: float


def value_of(sample: Sample) -> float:
    """Operations per second for a MAC class, seconds per element for the others."""
    if sample.kind in MAC_CLASSES:
        return sample.amount / sample.seconds
    return sample.seconds / sample.amount


def table(samples: Sequence[Sample]) -> tuple[tuple[float, float], ...]:
    """[(amount, value)] medians of the samples in bins of a factor √10 of amount, by amount."""
    bins: dict[int, list[Sample]] = {}
    for sample in samples:
        if sample.amount > 0 and sample.seconds > 0:
            bins.setdefault(round(math.log(sample.amount, BIN_FACTOR)), []).append(sample)
    points = []
    for _, members in sorted(bins.items()):
        amount = statistics.median(s.amount for s in members)
        points.append((amount, statistics.median(value_of(s) for s in members)))
    return tuple(points)


# Kernels a class table leaves out: timed per span of a broadcast or per block of a Transpose
# (their sizes are spans, not nodes), or slow paths of their op (a masked Softmax, an
# element-by-element Transpose) that would make the class's table, which times every op without
# a table of its own, slower (a strided depthwise convolution's generic kernel among them), and
# a fused activation's own pass (EPILOGUE: not a node of its own), and a recurrent node's steps
# without its input projection (".steps": the class's table times whole steps).
_NOT_IN_CLASS_TABLES = (".broadcast", ".blocks", ".masked", ".generic", ".strided", ".steps", EPILOGUE)


def fit_tables(
    samples: Iterable[Sample],
) -> tuple[dict[str, tuple[tuple[float, float], ...]], dict[str, tuple[tuple[float, float], ...]]]:
    """Tables by class, and by op measured at two sizes or more: keyed by the op where all its
    samples are of one class, else by op and class ("Conv:depthwise")."""
    by_class: dict[str, list[Sample]] = {}
    by_op: dict[str, list[Sample]] = {}
    for sample in samples:
        if not any(mark in sample.op_type for mark in _NOT_IN_CLASS_TABLES):
            by_class.setdefault(sample.kind, []).append(sample)
        by_op.setdefault(sample.op_type, []).append(sample)
    classes = {kind: table(members) for kind, members in by_class.items()}
    ops = {}
    for op, members in by_op.items():
        kinds = sorted({m.kind for m in members})
        for kind in kinds:
            subset = [m for m in members if m.kind == kind]
            # an activation's pass is timed by its own table alone, one size or more (--quick)
            if len({round(m.amount) for m in subset}) >= MIN_SIZES_FOR_OP_TABLE or EPILOGUE in op:
                ops[op if len(kinds) == 1 else f"{op}:{kind}"] = table(subset)
    return {k: v for k, v in classes.items() if v}, {k: v for k, v in ops.items() if v}


def speedups(one: Sequence[Sample], many: Sequence[Sample]) -> dict[str, float]:
    """Per class: the median ratio of the time on one thread to the time on several, over the
    benchmarks measured both ways (matched by op, class and size)."""
    base = {(s.op_type, s.kind, round(s.amount)): s.seconds for s in one}
    ratios: dict[str, list[float]] = {}
    for sample in many:
        key = (sample.op_type, sample.kind, round(sample.amount))
        if key in base and sample.seconds > 0 and EPILOGUE not in sample.op_type:
            ratios.setdefault(sample.kind, []).append(base[key] / sample.seconds)
    return {kind: statistics.median(values) for kind, values in sorted(ratios.items())}


def _predict(sample: Sample, classes: dict, ops: dict) -> float | None:
    """The time a class or op table (op first) gives the sample's size."""
    points = next((ops[key] for key in op_table_keys(sample.op_type, sample.kind) if key in ops), None)
    points = points or classes.get(sample.kind)
    if not points:
        return None
    return points_seconds(points, sample.kind in MAC_CLASSES, sample.amount)


def held_out_ratios(samples: Sequence[Sample]) -> dict[str, list[float]]:
    """Per class: measured ÷ predicted for each sample, predicted by tables fitted without it."""
    ratios: dict[str, list[float]] = {}
    for index, sample in enumerate(samples):
        classes, ops = fit_tables(samples[:index] + samples[index + 1 :])
        predicted = _predict(sample, classes, ops)
        if predicted:
            ratios.setdefault(sample.kind, []).append(sample.seconds / predicted)
    return ratios


def quantile(values: Sequence[float], share: float) -> float:
    """The `share` quantile of values, linear between order statistics."""
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


def error_bars(
    samples: Sequence[Sample], coverage: float = BAR_COVERAGE, min_seconds: float = BAR_MIN_SECONDS
) -> dict[str, tuple[float, float]]:
    """Per class: the central `coverage` of measured ÷ predicted over held-out samples of at least
    `min_seconds`, as (low, high) factors on a predicted time (widened to hold 1)."""
    bars = {}
    kept = [s for s in samples if s.seconds >= min_seconds]
    for kind, ratios in sorted(held_out_ratios(kept).items()):
        if len(ratios) >= 3:
            bars[kind] = central(ratios, coverage)
    return bars


def central(ratios: Sequence[float], coverage: float) -> tuple[float, float]:
    """The central `coverage` of `ratios` as (low, high) factors, widened to hold 1."""
    tail = (1 - coverage) / 2
    return min(quantile(ratios, tail), 1.0), max(quantile(ratios, 1 - tail), 1.0)


def run_to_run_bar(
    pass_ratios: Sequence[float], coverage: float = BAR_COVERAGE
) -> tuple[float, float] | None:
    """The central `coverage` of each pass's wall time ÷ its benchmark's kept pass's, as (low, high)
    factors (widened to hold 1); None without passes to compare."""
    return central(pass_ratios, coverage) if pass_ratios else None
