"""The Python API: one call runs the whole pipeline and returns a Report."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import onnx

from onnxcost.cost import cost_nodes, unsupported_census
from onnxcost.errors import OnnxcostError
from onnxcost.estimate import estimate
from onnxcost.graph import Graph, build_graph
from onnxcost.hardware import load_profile
from onnxcost.load import load_model
from onnxcost.schedule import MemoryOptions, peak_memory
from onnxcost.shapes import infer_shapes
from onnxcost.totals import by_op_type, model_totals
from onnxcost.types import HardwareProfile, ModelInfo, Report, TensorInfo


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
    (NonZero's count, a Loop's trips) the upper bound the graph states.
    """
    if if_branch not in ("max", "min", "then", "else"):
        raise OnnxcostError(f"if_branch must be max, min, then or else, not {if_branch!r}")
    if qdq not in ("as-run", "as-written"):
        raise OnnxcostError(f"qdq must be as-run or as-written, not {qdq!r}")
    profile = _profile(hardware)
    loaded = load_model(model)
    shaped = infer_shapes(loaded, dims, inputs, worst_case)
    graph = build_graph(shaped)
    costs = cost_nodes(
        graph,
        {**(options or {}), "dims": dict(shaped.bindings), "if_branch": if_branch, "qdq": qdq},
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
    runtime = _runtime_tensors(graph, qdq)
    estimated = None
    if profile is not None:
        estimated = estimate(
            costs,
            profile,
            fuse=fuse,
            tensors=graph.tensors,
            graph_outputs=graph.outputs,
            batch=batch if batch is not None else _batch(shaped.bindings, info),
        )
    return Report(
        model=info,
        bindings=dict(shaped.bindings),
        hardware=profile.name if profile is not None else None,
        nodes=costs,
        totals=model_totals(
            costs,
            runtime,
            weights=graph.weights(),
            estimate=estimated,
            quantized=graph.all_quantized_payloads(),
            # the file order's peak of live activations (in-place on), None with unbound dims
            peak_memory_bytes=peak_memory(graph, MemoryOptions(fuse=fuse, qdq=qdq)),
        ),
        by_op_type=by_op_type(costs, estimated),
        unsupported=unsupported_census(costs),
        warnings=shaped.warnings,
        estimate=estimated,
        derived_dims=dict(shaped.derived),
        underived_dims=shaped.underived,
    )


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
    elided = graph.quant_plan.elided
    return {name: info for name, info in graph.tensors.items() if name not in elided}
