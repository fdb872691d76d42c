"""`onnxcost validate`: the estimate of a model against onnxruntime's own run on this host, in
total and by op class (the class figures and the overheads sum to the totals)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import onnx

from onnxcost.api import prepare, report
from onnxcost.errors import OnnxcostError, ShapeError
from onnxcost.estimate.hardware import load_profile
from onnxcost.estimate.op_classes import CLASSES, op_class
from onnxcost.estimate.roofline import BodyNode, body_nodes
from onnxcost.measure.profile import Measurement, match_nodes, measure
from onnxcost.types import HardwareProfile

# The rows that are not op classes: what a run costs beyond its kernels, and kernels the
# profiler names that are not nodes of the lowered graph.
OVERHEAD, OTHER = "overhead", "other"
# Below this, a difference of measured seconds is floating-point rounding, not time.
ROUNDING_S = 1e-12


@dataclass(frozen=True)
class ClassRow:
    """One op class (or the overheads): its nodes, and the predicted and measured seconds."""

    kind: str
    nodes: int
    predicted_s: float
    measured_s: float

    @property
    def error(self) -> float | None:
        """predicted ÷ measured − 1 (None when nothing was measured)."""
        return self.predicted_s / self.measured_s - 1 if self.measured_s > 0 else None


@dataclass(frozen=True)
class Validation:
    """A model's estimate against its measured latency on this host."""

    model: str
    profile: str
    threads: int
    runs: int
    bindings: Mapping[str, int]
    predicted_latency_s: float
    measured_latency_s: float
    rows: tuple[ClassRow, ...]
    # The estimate's interval (the profile's error bars); None for a profile without bars.
    predicted_low_s: float | None = None
    predicted_high_s: float | None = None
    # The float outputs that held NaN or infinity in the measured runs.
    nonfinite_outputs: tuple[str, ...] = ()

    @property
    def covered(self) -> bool | None:
        """Whether the measured latency lies in the predicted interval (None without one)."""
        if self.predicted_low_s is None or self.predicted_high_s is None:
            return None
        return self.predicted_low_s <= self.measured_latency_s <= self.predicted_high_s

    @property
    def error(self) -> float:
        """predicted ÷ measured − 1."""
        return self.predicted_latency_s / self.measured_latency_s - 1


def validate(
    model: str,
    hardware: str | os.PathLike[str] | HardwareProfile = "generic-x86",
    dims: Mapping[str, int] | None = None,
    inputs: Mapping[str, Sequence[int]] | None = None,
    threads: int | None = None,
    runs: int = 20,
    feeds: Mapping[str, np.ndarray] | None = None,
    if_branch: str = "max",
) -> Validation:
    """Predict the model on `hardware` as onnxruntime's CPU provider runs it (each If by
    `if_branch`), then run it with `feeds` (their shapes bind their inputs) and random inputs of
    the bound shapes for the others (`runs` timed runs after 3 warm-ups, `threads` threads)."""
    if not isinstance(model, str | os.PathLike) or not os.path.exists(model):
        raise OnnxcostError(f"{model}: validate needs a model file onnxruntime can open")
    profile = hardware if isinstance(hardware, HardwareProfile) else load_profile(hardware)
    if profile.kind != "cpu":
        raise OnnxcostError(
            f"--hw {profile.name}: validate runs the model on this host's CPU with onnxruntime; "
            "give a CPU profile (one of this host: onnxcost hardware calibrate)"
        )
    threads = threads or profile.threads
    if threads < 1:
        raise OnnxcostError(f"--threads {threads}: at least 1")
    profile = replace(profile, threads=threads)
    told = dict(inputs or {})
    inputs = _with_feed_shapes(told, feeds or {})
    try:
        analysis = prepare(
            model, dims, inputs, if_branch=if_branch, runtime="onnxruntime-cpu", threads=threads
        )
    except ShapeError as exc:  # a shape only the file's arrays gave: say so, not --input
        name = next((n for n in inputs if n not in told and str(exc).startswith(f"--input {n}")), None)
        if name is None:
            raise
        raise ShapeError(f"--feeds: array {name!r}" + str(exc)[len(f"--input {name}") :]) from None
    predicted = report(analysis, profile)
    shapes = {}
    for tensor in predicted.model.inputs:
        if tensor.shape is None or not all(isinstance(d, int) for d in tensor.shape):
            raise OnnxcostError(f"input {tensor.name!r} has unbound dims: give its shape with --input")
        shapes[tensor.name] = tuple(tensor.shape)
    everything = measure(os.fspath(model), shapes, threads, runs, feeds=feeds)
    measured = outer_kernels(everything, analysis.loaded.proto.graph)
    assert predicted.estimate is not None
    estimates = {node.name: node for node in predicted.estimate.nodes}
    node_s = match_nodes([(cost.name, cost.op_type) for cost in predicted.nodes], measured)
    kernels = sum(measured.node_s.values())
    # The profiler rounds each kernel to a microsecond and adds time of its own: where its kernels
    # add up to more than the median run, they are scaled down to fit it.
    scale = min(1.0, measured.latency_s / kernels) if kernels > 0 else 1.0
    rows: dict[str, list] = {kind: [0, 0.0, 0.0] for kind in CLASSES}
    overhead, beyond = profile.run_overhead_s, 0.0
    for cost in predicted.nodes:
        estimate = estimates.get(cost.name)
        inner = body_nodes(cost, profile) if cost.runs and estimate is not None else ()
        if not inner:
            row = rows[op_class(cost, analysis.graph.tensors)]
            row[0] += 1
            if estimate is not None:
                row[1] += estimate.latency_s - estimate.overhead_s
                overhead += estimate.overhead_s
            row[2] += node_s.get(cost.name, 0.0) * scale
            continue
        # a control-flow node: its body's nodes by their classes; its own launch and those of the
        # control nodes inside it, an overhead
        leaves = [part for part in inner if not part.cost.runs]
        busy = [(part.estimate.latency_s - part.estimate.overhead_s) * part.times for part in leaves]
        overhead += estimate.latency_s - sum(busy)
        taken = _body_kernels(leaves, everything, analysis.loaded.proto.graph, cost.name)
        # the node's kernel time holds its body's kernels and what the profiler adds to each: it is
        # shared out over them (its own launch is a microsecond or two)
        whole, found = node_s.get(cost.name, 0.0), sum(taken.values())
        for part, seconds in zip(leaves, busy, strict=True):
            row = rows[op_class(part.cost, part.tensors)]
            row[0] += 1
            row[1] += seconds
            row[2] += taken.get(part.cost.name, 0.0) * (whole / found) * scale if found > 0 else 0.0
        if found == 0:  # no kernel of its body found: the node keeps its time
            beyond += whole * scale
    unmatched = (kernels - sum(node_s.values())) * scale
    table = [ClassRow(kind, *values) for kind, values in rows.items() if values[0]]
    if unmatched > 0:
        table.append(ClassRow(OTHER, 0, 0.0, unmatched))
    # where the kernels were scaled to fit the run, what is left is rounding: no overhead measured
    beyond += measured.latency_s - kernels * scale
    table.append(ClassRow(OVERHEAD, 0, overhead, beyond if beyond > ROUNDING_S else 0.0))
    span = predicted.estimate.latency_range_s
    measured_total = sum(row.measured_s for row in table)  # the median run
    return Validation(
        model=os.fspath(model), profile=profile.name, threads=threads, runs=runs,
        bindings=dict(predicted.bindings), predicted_latency_s=predicted.estimate.latency_s,
        measured_latency_s=measured_total, rows=tuple(table),
        predicted_low_s=span[0] if span else None, predicted_high_s=span[1] if span else None,
        nonfinite_outputs=measured.nonfinite_outputs,
    )  # fmt: skip


def _body_kernels(
    leaves: Sequence[BodyNode], measured: Measurement, graph: onnx.GraphProto, owner: str
) -> dict[str, float]:
    """{body node: its kernels' seconds in a run}: by name among the kernels of the bodies of the
    graph's node `owner`, then the rest by op type (onnxruntime fuses inside a body too)."""
    inner = _body_nodes(graph, owner) - {node.name for node in graph.node}
    return match_nodes([(part.cost.name, part.cost.op_type) for part in leaves], _kept(measured, inner))


def _kept(measured: Measurement, names: frozenset[str], inside: bool = True) -> Measurement:
    """The measurement of the nodes in `names` only (`inside`), or of all others."""
    return replace(
        measured,
        node_s={name: s for name, s in measured.node_s.items() if (name in names) == inside},
        node_op={name: op for name, op in measured.node_op.items() if (name in names) == inside},
    )


def outer_kernels(measured: Measurement, graph: onnx.GraphProto) -> Measurement:
    """The measurement without the kernels of the graph's bodies: a control-flow node's kernel
    time holds its bodies' nodes, which the profiler times too (neither their time nor their op
    may go to another node)."""
    return _kept(measured, _body_nodes(graph) - {node.name for node in graph.node}, inside=False)


def _body_nodes(graph: onnx.GraphProto, only: str | None = None) -> frozenset[str]:
    """The names of the nodes in the graph's If branches and Loop and Scan bodies (of its node
    `only`), at any depth."""
    found: set[str] = set()
    for node in graph.node:
        if only is not None and node.name != only:
            continue
        for attribute in node.attribute:
            bodies = [attribute.g] if attribute.type == onnx.AttributeProto.GRAPH else list(attribute.graphs)
            for body in bodies:
                found.update(inner.name for inner in body.node)
                found |= _body_nodes(body)
    return frozenset(found)


def _with_feed_shapes(
    inputs: Mapping[str, Sequence[int]], feeds: Mapping[str, np.ndarray]
) -> dict[str, tuple[int, ...]]:
    """--input's shapes and those of the given arrays (one line where the two disagree)."""
    shapes = {name: tuple(shape) for name, shape in inputs.items()}
    for name, array in feeds.items():
        given = shapes.setdefault(name, tuple(array.shape))
        if given != tuple(array.shape):
            told, held = "x".join(map(str, given)), "x".join(map(str, array.shape))
            raise OnnxcostError(f"--feeds: input {name!r} is {held} in the file, {told} by --input")
    return shapes
