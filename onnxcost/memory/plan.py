"""The memory API: one call from a model to its Schedule (order, peak, arena plan) and its fit."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace

import onnx

from onnxcost.cost.graph import Graph, build_graph
from onnxcost.errors import OnnxcostError
from onnxcost.memory.fit import fit_memory, fit_summary, largest_batch
from onnxcost.memory.schedule import MemoryOptions, make_schedule
from onnxcost.model.load import LoadedModel, load_model
from onnxcost.shapes.infer import infer_shapes
from onnxcost.symbolic.formulas import as_int
from onnxcost.types import HardwareProfile, Schedule


def schedule_model(
    model: str | os.PathLike[str] | onnx.ModelProto,
    dims: Mapping[str, int] | None = None,
    inputs: Mapping[str, Sequence[int]] | None = None,
    order: str = "topo",
    options: MemoryOptions | None = None,
    hardware: HardwareProfile | None = None,
    worst_case: bool = False,
) -> tuple[Schedule, dict[str, int]]:
    """Load → shapes → graph → schedule (→ fit when a profile is given); also the bindings used
    (`worst_case`: data-dependent sizes at their stated bounds)."""
    loaded = load_model(model)
    shaped = infer_shapes(loaded, dims, inputs, worst_case)
    graph = build_graph(shaped)
    schedule = make_schedule(graph, order, options)
    warnings = (*shaped.warnings, *schedule.warnings)
    if hardware is not None:
        fit = fit_memory(hardware, schedule.arena_bytes, weight_bytes(graph))
        if hardware.kind != "mcu":
            fit["batch"] = _batch_fit(loaded, graph, schedule, dict(dims or {}), inputs, order,
                                      options, hardware, worst_case)  # fmt: skip
        schedule = replace(schedule, fit=fit)
        if not fit["fits"]:
            warnings = (*warnings, f"does not fit {hardware.name}: {fit_summary(fit)}")
    return replace(schedule, warnings=tuple(dict.fromkeys(warnings))), dict(shaped.bindings)


def weight_bytes(graph: Graph) -> int:
    """Bytes of every stored weight (initializers, Constant values, weight generators)."""
    total = 0
    for tensor in graph.weights().values():
        size = None if tensor.shape is None else as_int(tensor.nbytes)
        total += size or 0
    return total


def _batch_fit(
    loaded: LoadedModel,
    graph: Graph,
    schedule: Schedule,
    dims: dict[str, int],
    inputs: Mapping[str, Sequence[int]] | None,
    order: str,
    options: MemoryOptions | None,
    hardware: HardwareProfile,
    worst_case: bool,
) -> dict:
    """The largest batch: rebind the batch dim (first dim of the first input) and re-plan."""
    name, now = _batch_dim(loaded, graph, inputs)

    def arena_at(batch: int) -> int | None:
        try:
            shaped = infer_shapes(loaded, {**dims, name: batch}, inputs, worst_case)
            return make_schedule(build_graph(shaped), order, options).arena_bytes
        except OnnxcostError:
            return None

    return largest_batch(hardware, weight_bytes(graph), arena_at, name, now, schedule.arena_bytes)


def _batch_dim(
    loaded: LoadedModel, graph: Graph, inputs: Mapping[str, Sequence[int]] | None
) -> tuple[str | None, int]:
    """(the batch dim's name if the first input's first dim is a named one, its current value)."""
    initializers = {t.name for t in loaded.proto.graph.initializer}
    for value in loaded.proto.graph.input:
        if value.name in initializers:
            continue
        shape = value.type.tensor_type.shape
        if not value.type.HasField("tensor_type") or not shape.dim:
            continue
        info = graph.tensors.get(value.name)
        current = info.shape[0] if info is not None and info.shape else 1
        current = as_int(current) or 1
        first = shape.dim[0]
        named = first.HasField("dim_param") and first.dim_param.isidentifier()
        if named and not (inputs and value.name in inputs):
            return first.dim_param, current
        return None, current
    return None, 1
