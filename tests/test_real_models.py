"""The real architectures shipped inside the onnx wheel, checked against onnxruntime's own run.

Their weights come from ConstantOfShape nodes, not initializers. The reference figures are
computed without onnxcost: onnxruntime executes the model with every value exposed as an
output, and conv/gemm MACs and params follow from the shapes it actually produced.
"""

from __future__ import annotations

import glob
import os

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import onnxcost

LIGHT = sorted(glob.glob(os.path.join(os.path.dirname(onnx.__file__),
                                      "backend/test/data/light/*.onnx")))  # fmt: skip
PARAM_DTYPES = (np.float32, np.float16, np.float64)


def _executed_shapes(model: onnx.ModelProto) -> dict[str, tuple[int, ...]]:
    """Shape of every value, from an onnxruntime run with all values as outputs."""
    exposed = onnx.ModelProto()
    exposed.CopyFrom(model)
    existing = {o.name for o in exposed.graph.output}
    for node in exposed.graph.node:
        for name in node.output:
            if name and name not in existing:
                exposed.graph.output.append(onnx.ValueInfoProto(name=name))
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(exposed.SerializeToString(), options,
                                   providers=["CPUExecutionProvider"])  # fmt: skip
    feeds = {}
    for value in session.get_inputs():
        shape = [d if isinstance(d, int) else 1 for d in value.shape]
        feeds[value.name] = np.zeros(shape, dtype=np.float32)
    names = [o.name for o in session.get_outputs()]
    results = session.run(names, feeds)
    shapes = {name: tuple(r.shape) for name, r in zip(names, results, strict=True)}
    shapes.update({k: tuple(v.shape) for k, v in feeds.items()})
    shapes["__dtypes__"] = {n: r.dtype for n, r in zip(names, results, strict=True)}  # type: ignore
    return shapes


def _reference(path: str) -> tuple[int, int]:
    """(params, conv+gemm MACs) from executed shapes: Conv N·Cout·∏out·Cin/g·∏k, Gemm M·K·N."""
    model = onnx.load(path)
    shapes = _executed_shapes(model)
    dtypes = shapes.pop("__dtypes__")
    params = sum(int(np.prod(t.dims)) for t in model.graph.initializer if t.data_type == 1)
    for node in model.graph.node:
        if node.op_type in ("ConstantOfShape", "Constant") and dtypes[node.output[0]] in PARAM_DTYPES:
            params += int(np.prod(shapes[node.output[0]]))
    macs = 0
    for node in model.graph.node:
        if node.op_type == "Conv":
            out, weight = shapes[node.output[0]], shapes[node.input[1]]
            macs += int(np.prod(out)) * int(np.prod(weight[1:]))  # W is Cout × Cin/g × k…
        elif node.op_type == "Gemm":
            a, y = shapes[node.input[0]], shapes[node.output[0]]
            trans_a = any(a.name == "transA" and a.i for a in node.attribute)
            k = a[0] if trans_a else a[1]
            macs += y[0] * y[1] * k
    return params, macs


@pytest.mark.parametrize("path", LIGHT, ids=os.path.basename)
def test_params_and_macs_match_onnxruntime_shapes(path: str) -> None:
    params, macs = _reference(path)
    report = onnxcost.analyze(path)
    counted = sum(n.macs for n in report.nodes if n.op_type in ("Conv", "Gemm"))
    assert report.unsupported == {}
    assert report.totals.params == pytest.approx(params, rel=0.01)
    assert counted == pytest.approx(macs, rel=0.01)


def test_resnet50_counts_constant_of_shape_weights() -> None:
    (path,) = [p for p in LIGHT if p.endswith("light_resnet50.onnx")]
    report = onnxcost.analyze(path)
    # 25,557,032 conv+fc weights (torchvision-equal ResNet-50 v1) + 53,120 BN scale/bias/mean/var
    # = 4 × 13,280 BN channels + the BN-less FC → about 25.6 M, not the 269 initializers.
    assert 25.5e6 < report.totals.params < 25.7e6
    # ResNet-50 v1 at 224²: 4.09 GMAC of Conv+Gemm (MODELS.md: 4.09 G, FlopCounterMode 8.18 GFLOP)
    convs = sum(n.macs for n in report.nodes if n.op_type in ("Conv", "Gemm"))
    assert convs == pytest.approx(4.09e9, rel=0.01)


def test_alexnet_by_hand() -> None:
    (path,) = [p for p in LIGHT if p.endswith("light_bvlc_alexnet.onnx")]
    report = onnxcost.analyze(path)
    # BVLC AlexNet (grouped conv2/4/5) params: conv 2,334,080 + fc 58,631,144 = 60,965,224
    assert report.totals.params == 60_965_224
    # fc6 9216·4096 + fc7 4096·4096 + fc8 4096·1000 = 37,748,736 + 16,777,216 + 4,096,000
    gemm = sum(n.macs for n in report.nodes if n.op_type == "Gemm")
    assert gemm == 58_621_952
