"""Lowering: the graph as a runtime rewrites it before it runs it.

onnxruntime's CPU provider fuses (Conv+BatchNorm+activation, residual Add+Relu, MatMul+Add,
GELU, LayerNorm, attention...), turns QDQ patterns into integer kernels where it has them and
leaves the rest in float between Q/DQ nodes, and reorders convolutions to its blocked NCHWc
layout with the reorders that needs. `lower` asks onnxruntime itself for that graph (its
optimizer, at the level a default session uses, writing the optimized model; nothing is run),
so that the estimate costs the nodes the runtime runs, by the names its profiler reports.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import onnx

from onnxcost.errors import OnnxcostError
from onnxcost.model.load import LoadedModel, load_model
from onnxcost.model.wire import elided_bytes, external_location

# Runtimes onnxcost can lower for here (the others need their own hardware to rewrite a graph).
LOWERABLE = frozenset({"onnxruntime-cpu"})
# Ops a runtime's lowered graph still runs on every inference though all their inputs are
# constants: onnxruntime's constant folding skips DequantizeLinear (its QDQ fusions look for it),
# so the DQ of a weight whose consumer stays in float dequantizes that weight on every run. (Its
# output stays a constant to the shapes stage: the float weight it writes is not in peak memory.)
RUN_ON_CONSTANTS = {"onnxruntime-cpu": frozenset({"DequantizeLinear"})}


def lower(loaded: LoadedModel, runtime: str, threads: int = 1) -> LoadedModel:
    """The model as `runtime` runs it; the model itself for a runtime onnxcost cannot lower."""
    if runtime not in LOWERABLE:
        return loaded
    _check_external_data(loaded)
    import onnxruntime as ort

    with tempfile.TemporaryDirectory(prefix="onnxcost-lower-") as folder:
        target = os.path.join(folder, "lowered.onnx")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.optimized_model_filepath = target
        options.intra_op_num_threads = threads
        options.log_severity_level = 3  # its warning that NCHWc models suit this host only
        on_disk = loaded.path and os.path.exists(loaded.path)
        source = loaded.path if on_disk else loaded.proto.SerializeToString()
        try:
            ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own Fail, InvalidGraph, ... types
            first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            raise OnnxcostError(f"onnxruntime could not prepare the model to lower it: {first}") from None
        lowered = load_model(target)
    return LoadedModel(lowered.proto, loaded.path, lowered.opsets, (*loaded.warnings, *lowered.warnings))


def _tensors(graph: onnx.GraphProto) -> Iterator[onnx.TensorProto]:
    """Every initializer of a graph and of its subgraphs."""
    yield from graph.initializer
    for node in graph.node:
        for attribute in node.attribute:
            for sub in (*([attribute.g] if attribute.HasField("g") else []), *attribute.graphs):
                yield from _tensors(sub)


def _check_external_data(loaded: LoadedModel) -> None:
    """onnxruntime reads a model's external data to rewrite it: each file must be a regular file
    inside the model's folder (a relative location, no "..", no link out of it), or lowering is
    refused before anything is opened."""
    folder = os.path.realpath(os.path.dirname(loaded.path)) if loaded.path else ""
    for tensor in _tensors(loaded.proto.graph):
        if tensor.data_location != onnx.TensorProto.EXTERNAL or elided_bytes(tensor) is not None:
            continue  # in the file itself (onnxcost's loader left its bytes there)
        location = external_location(tensor)
        where = f"tensor {tensor.name!r}: external data {location!r}"
        if not folder:
            raise OnnxcostError(
                f"{where}: lowering for onnxruntime needs the model as a file beside its data"
            )
        target = os.path.realpath(os.path.join(folder, location))
        if (
            os.path.isabs(location)
            or ".." in location.replace("\\", "/").split("/")
            or (os.path.commonpath([folder, target]) != folder)
        ):
            raise OnnxcostError(
                f"{where} lies outside the model's folder: onnxcost will not let onnxruntime read it"
            )
        if not os.path.isfile(target):
            raise OnnxcostError(f"{where} is not a regular file beside the model: onnxruntime cannot read it")
