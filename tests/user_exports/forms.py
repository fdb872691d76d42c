"""How users make their ONNX files: torch's two exporters, onnxruntime's optimizers and quantizers, fp16."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
import tempfile
import warnings
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, quantize_dynamic, quantize_static
from torch import nn

from tests.user_exports.families import Family
from tests.user_exports.reference import make_feeds


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence the exporters' progress prints, warnings and C++ dumps (file descriptors 1 and 2 too)."""
    names = ["torch.onnx", "torch.export", "torch._dynamo", "onnxscript", "onnxruntime", "root"]
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.ERROR)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    try:
        with tempfile.TemporaryFile() as sink, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def _example(family: Family, at_bound: bool = False) -> tuple[torch.Tensor, ...]:
    """Export-time example arguments: smaller than the bound shapes (batch 3), or the bound shapes."""
    feeds = make_feeds(family.inputs, seed=1, example=not at_bound)
    return tuple(torch.from_numpy(v) for v in feeds.values())


def _names(family: Family) -> tuple[list[str], list[str]]:
    """Input and output names."""
    return [i.name for i in family.inputs], [name for name, _ in family.outputs]


@contextlib.contextmanager
def _fastpath(on: bool) -> Iterator[None]:
    """Export as model.eval() under no_grad with the MHA/encoder fast path on (`on`) or as a plain call."""
    if not on:
        yield
        return
    previous = torch.backends.mha.get_fastpath_enabled()
    torch.backends.mha.set_fastpath_enabled(True)
    try:
        with torch.no_grad():
            yield
    finally:
        torch.backends.mha.set_fastpath_enabled(previous)


def export_legacy(
    model: nn.Module, family: Family, path: Path, fastpath: bool = False, at_bound: bool = False
) -> None:
    """The TorchScript exporter with named dynamic_axes on every input and output."""
    inputs, outputs = _names(family)
    axes = {i.name: dict(i.axes) for i in family.inputs} | {name: dict(a) for name, a in family.outputs}
    with quiet(), _fastpath(fastpath):
        torch.onnx.export(model, _example(family, at_bound), str(path), dynamo=False, input_names=inputs,
                          output_names=outputs, dynamic_axes=axes)  # fmt: skip


def export_dynamo(model: nn.Module, family: Family, path: Path, fastpath: bool = False) -> None:
    """The dynamo exporter with one torch.export.Dim per dynamic-axis name (defaults otherwise)."""
    inputs, outputs = _names(family)
    dims: dict[str, torch.export.Dim] = {}
    shapes = {i.name: {axis: dims.setdefault(n, torch.export.Dim(n)) for axis, n in i.axes.items()}
              for i in family.inputs}  # fmt: skip
    with quiet(), _fastpath(fastpath):
        torch.onnx.export(model, _example(family), str(path), dynamo=True, input_names=inputs,
                          output_names=outputs, dynamic_shapes=shapes)  # fmt: skip


def ort_optimize(source: Path, target: Path, level: ort.GraphOptimizationLevel) -> None:
    """onnxruntime's graph optimizer on the CPU provider, its result saved (inline weights)."""
    options = ort.SessionOptions()
    options.graph_optimization_level = level
    options.optimized_model_filepath = str(target)
    options.log_severity_level = 3
    options.intra_op_num_threads = 1
    ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])


def transformers_optimize(source: Path, target: Path, family: Family) -> str:
    """onnxruntime.transformers' optimize_model with the family's type, heads and hidden size; its fusions."""
    from onnxruntime.transformers.optimizer import optimize_model

    assert family.transformer is not None
    model_type, heads, hidden = family.transformer
    with quiet():
        optimized = optimize_model(str(source), model_type=model_type, num_heads=heads, hidden_size=hidden)
        optimized.save_model_to_file(str(target))
    fused = {op: n for op, n in optimized.get_fused_operator_statistics().items() if n}
    return f"optimize_model({model_type}) fused: {fused or 'nothing'}"


def quantize_dynamic_form(source: Path, target: Path, op_types: Sequence[str] | None) -> None:
    """quantize_dynamic, by default on every op type it knows or on `op_types` only."""
    with quiet():
        quantize_dynamic(str(source), str(target), op_types_to_quantize=list(op_types) if op_types else None)


class RandomCalibration(CalibrationDataReader):
    """A few random batches at the bound shapes."""

    def __init__(self, family: Family, batches: int = 4) -> None:
        self._feeds = iter([make_feeds(family.inputs, seed=10 + i) for i in range(batches)])

    def get_next(self) -> dict[str, np.ndarray] | None:
        """The next calibration batch, None when done."""
        return next(self._feeds, None)


def quantize_qdq(source: Path, target: Path, family: Family) -> None:
    """quantize_static to QDQ (int8 activations and weights) with random calibration data."""
    with quiet():
        quantize_static(str(source), str(target), RandomCalibration(family), quant_format=QuantFormat.QDQ)


def to_fp16(source: Path, target: Path, keep_io_types: bool) -> None:
    """onnxconverter_common's convert_float_to_float16."""
    from onnxconverter_common import float16

    with quiet():
        model = float16.convert_float_to_float16(onnx.load(str(source)), keep_io_types=keep_io_types)
    onnx.save(model, str(target))


def contrib_summary(path: Path) -> str:
    """The com.microsoft op types of a file with their counts, or an empty string."""
    graph = onnx.load(str(path), load_external_data=False).graph
    ops = Counter(n.op_type for n in graph.node if n.domain == "com.microsoft")
    return f"com.microsoft ops: {dict(sorted(ops.items()))}" if ops else ""


def declared_shapes(path: Path) -> dict[str, tuple[int | str, ...]]:
    """The shape each graph input declares: ints, dim_param strings, '?' for an unknown dim."""
    graph = onnx.load(str(path), load_external_data=False).graph
    inits = {i.name for i in graph.initializer}
    return {i.name: _dims(i) for i in graph.input if i.name not in inits}


def _dims(value: onnx.ValueInfoProto) -> tuple[int | str, ...]:
    """One value's declared dims."""
    dims = value.type.tensor_type.shape.dim
    return tuple(d.dim_param or (d.dim_value if d.HasField("dim_value") else "?") for d in dims)


def symbols(path: Path) -> tuple[str, ...]:
    """Every dim_param the file declares, on inputs, outputs and value_info."""
    graph = onnx.load(str(path), load_external_data=False).graph
    values = [*graph.input, *graph.output, *graph.value_info]
    return tuple(sorted({d for v in values for d in _dims(v) if isinstance(d, str) and d != "?"}))


def opsets(path: Path) -> dict[str, int]:
    """The file's opset imports."""
    model = onnx.load(str(path), load_external_data=False)
    return {o.domain or "ai.onnx": o.version for o in model.opset_import}


def has_external_data(path: Path) -> bool:
    """Whether any initializer lives in an external data file."""
    graph = onnx.load(str(path), load_external_data=False).graph
    return any(i.data_location == onnx.TensorProto.EXTERNAL for i in graph.initializer)


def dim_bindings(
    declared: Mapping[str, tuple[int | str, ...]], bound: Mapping[str, tuple[int, ...]]
) -> dict[str, int]:
    """The value each plain-name dim_param of the inputs takes at the bound shapes."""
    dims: dict[str, int] = {}
    for name, shape in declared.items():
        for dim, value in zip(shape, bound[name], strict=True):
            if isinstance(dim, str) and dim.isidentifier():
                dims.setdefault(dim, value)
    return dims
