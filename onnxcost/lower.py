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

from onnxcost.errors import OnnxcostError
from onnxcost.load import LoadedModel, load_model

# Runtimes onnxcost can lower for here (the others need their own hardware to rewrite a graph).
LOWERABLE = frozenset({"onnxruntime-cpu"})


def lower(loaded: LoadedModel, runtime: str, threads: int = 1) -> LoadedModel:
    """The model as `runtime` runs it; the model itself for a runtime onnxcost cannot lower."""
    if runtime not in LOWERABLE:
        return loaded
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
