"""The Python API: one call runs the whole pipeline and returns a Report."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import onnx

from onnxcost.cost.graph import Graph, build_graph
from onnxcost.cost.nodes import cost_nodes, unsupported_census
from onnxcost.cost.quantization import quant_plan
from onnxcost.cost.totals import by_op_type, model_totals
from onnxcost.errors import OnnxcostError
from onnxcost.estimate.hardware import load_profile
from onnxcost.estimate.roofline import estimate
from onnxcost.memory.fit import fit_memory, fit_summary
from onnxcost.memory.plan import weight_bytes
from onnxcost.memory.schedule import MemoryOptions, peak_memory
from onnxcost.model.load import LoadedModel, load_model
from onnxcost.model.lower import LOWERABLE, RUN_ON_CONSTANTS, lower
from onnxcost.shapes.infer import ShapedGraph, infer_shapes
from onnxcost.types import HardwareProfile, ModelInfo, NodeCost, Report, TensorInfo


@dataclass(frozen=True)
class Analysis:
    """One model shaped and costed under one binding: what every report and hardware estimate of
    it reads (`report` turns it into a Report for a profile; the shapes and costs are not redone)."""

    loaded: LoadedModel
    shaped: ShapedGraph
    graph: Graph
    costs: tuple[NodeCost, ...]
    info: ModelInfo
    qdq: str
    runtime: str = ""  # the runtime the graph was lowered for ("": as written)

    @cached_property
    def materialized(self) -> dict[str, TensorInfo]:
        """The values a runtime materializes (see _runtime_tensors)."""
        return _runtime_tensors(self.graph, self.qdq)

    @cached_property
    def peaks(self) -> dict[bool, int | None]:
        """The file order's peak of live activations (in-place on), by `fuse`; filled on use."""
        return {}

    def peak_memory(self, fuse: bool) -> int | None:
        """The file order's peak (None with unbound dims), computed once per `fuse`."""
        if fuse not in self.peaks:
            self.peaks[fuse] = peak_memory(self.graph, MemoryOptions(fuse=fuse, qdq=self.qdq))
        return self.peaks[fuse]


def prepare(
    model: str | os.PathLike[str] | onnx.ModelProto | LoadedModel,
    dims: Mapping[str, int] | None = None,
    inputs: Mapping[str, Sequence[int]] | None = None,
    options: Mapping[str, Any] | None = None,
    if_branch: str = "max",
    qdq: str = "as-run",
    worst_case: bool = False,
    runtime: str = "",
    threads: int = 1,
) -> Analysis:
    """Load → (lower) → shapes → graph → rules for one model and binding (see `analyze` for the
    arguments); `runtime`: the graph as that runtime rewrites it, with `threads` (onnxcost.model.lower)."""
    if if_branch not in ("max", "min", "then", "else"):
        raise OnnxcostError(f"if_branch must be max, min, then or else, not {if_branch!r}")
    if qdq not in ("as-run", "as-written"):
        raise OnnxcostError(f"qdq must be as-run or as-written, not {qdq!r}")
    loaded = model if isinstance(model, LoadedModel) else load_model(model)
    runtime = runtime if runtime in LOWERABLE and qdq == "as-run" else ""
    if runtime:
        loaded = lower(loaded, runtime, threads)
        qdq = "as-written"  # the lowered graph is what runs: its Q/DQ nodes are the runtime's own
    shaped = infer_shapes(loaded, dims, inputs, worst_case)
    graph = build_graph(shaped)
    costs = cost_nodes(
        graph,
        {
            **(options or {}),
            "dims": dict(shaped.bindings),
            "if_branch": if_branch,
            "qdq": qdq,
            "run_on_constants": RUN_ON_CONSTANTS.get(runtime, frozenset()),
        },
    )
    proto = loaded.proto
    info = ModelInfo(
        path=loaded.path,
        ir_version=int(proto.ir_version),
        opsets=dict(loaded.opsets),
        producer=" ".join(p for p in (proto.producer_name, proto.producer_version) if p),
        inputs=tuple(graph.tensors[name] for name in graph.inputs),
        outputs=tuple(graph.tensors[name] for name in graph.outputs if name in graph.tensors),
    )
    return Analysis(loaded, shaped, graph, costs, info, qdq, runtime)


def report(
    analysis: Analysis,
    hardware: str | os.PathLike[str] | HardwareProfile | None = None,
    fuse: bool = True,
    batch: int | None = None,
) -> Report:
    """The Report of a prepared analysis, with the roofline estimate on `hardware` if given."""
    profile = _profile(hardware)
    graph, costs, shaped = analysis.graph, analysis.costs, analysis.shaped
    fuse = fuse and not analysis.runtime  # a lowered graph holds the runtime's own fusions
    peak = analysis.peak_memory(fuse)
    estimated = fit = None
    warnings = shaped.warnings
    if profile is not None:
        if peak is not None:
            fit = fit_memory(profile, peak, weight_bytes(graph))
            if not fit["fits"]:
                warnings = (*warnings, f"does not fit {profile.name}: {fit_summary(fit, 'peak activations')}")
        estimated = estimate(
            costs,
            profile,
            fuse=fuse,
            tensors=graph.tensors,
            graph_outputs=graph.outputs,
            batch=batch if batch is not None else _batch(shaped.bindings, analysis.info),
            live_bytes=peak,
        )
    return Report(
        model=analysis.info,
        bindings=dict(shaped.bindings),
        hardware=profile.name if profile is not None else None,
        nodes=costs,
        totals=model_totals(
            costs,
            analysis.materialized,
            weights=graph.weights(),
            estimate=estimated,
            quantized=graph.all_quantized_payloads(),
            # the file order's peak of live activations (in-place on), None with unbound dims
            peak_memory_bytes=peak,
        ),
        by_op_type=by_op_type(costs, estimated),
        unsupported=unsupported_census(costs),
        warnings=warnings,
        estimate=estimated,
        derived_dims=dict(shaped.derived),
        underived_dims=shaped.underived,
        fit=fit,
    )


def analyze(
    model: str | os.PathLike[str] | onnx.ModelProto,
    dims: Mapping[str, int] | None = None,
    inputs: Mapping[str, Sequence[int]] | None = None,
    options: Mapping[str, Any] | None = None,
    if_branch: str = "max",
    qdq: str = "as-run",
    hardware: str | os.PathLike[str] | HardwareProfile | None = None,
    fuse: bool = True,
    batch: int | None = None,
    worst_case: bool = False,
) -> Report:
    """Load → shapes → graph → rules → report for one model; `dims` and `inputs` bind shapes.

    `if_branch` says which branch an If costs: max, min (by FLOPs), then or else.
    `qdq` "as-run" costs DQ → op → Q as the integer op a runtime executes; "as-written" costs
    every node as the graph spells it.
    `hardware` (a bundled profile name, a .toml path or a HardwareProfile) adds the roofline
    estimate; `fuse` lets element-wise epilogues fuse into their producer; `batch` (default: the
    bound batch dim) divides into the throughput. `worst_case` gives each size the data decides
    (NonZero's count, a Loop's trips) the upper bound the graph states. A profile that names a
    runtime onnxcost can lower for (onnxruntime-cpu) has the graph costed as that runtime runs it
    (with `qdq` "as-run").
    """
    profile = _profile(hardware)  # a bad profile is reported before the model is read
    runtime = profile.runtime if profile is not None else ""
    threads = profile.threads if profile is not None else 1
    analysis = prepare(model, dims, inputs, options, if_branch, qdq, worst_case, runtime, threads)
    return report(analysis, profile, fuse, batch)


def _profile(hardware: str | os.PathLike[str] | HardwareProfile | None) -> HardwareProfile | None:
    """The profile a `hardware` argument names (None: no estimate)."""
    if hardware is None or isinstance(hardware, HardwareProfile):
        return hardware
    return load_profile(hardware)


def _batch(bindings: Mapping[str, int], info: ModelInfo) -> int:
    """Inferences per run: the bound `batch` dim, else the first input's leading dim, else 1."""
    if isinstance(bindings.get("batch"), int):
        return bindings["batch"]
    first = info.inputs[0].shape if info.inputs else None
    if first and len(first) >= 2 and isinstance(first[0], int) and first[0] > 0:
        return first[0]
    return 1


def _runtime_tensors(graph: Graph, qdq: str) -> dict[str, TensorInfo]:
    """The values a runtime materializes: as run, the float tensors of fused QDQ patterns go."""
    if qdq != "as-run":
        return dict(graph.tensors)
    elided = quant_plan(graph).elided
    return {name: info for name, info in graph.tensors.items() if name not in elided}
