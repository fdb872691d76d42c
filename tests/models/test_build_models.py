"""Checks of the committed sample models in models/, independent of onnxcost.

Params and MACs are counted here with a few lines of numpy over the ONNX graph and
compared with the published figures of each architecture (see models/README.md).
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, shape_inference

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
SCRIPT = MODELS_DIR / "build_models.py"

MLPERF = ("kws_dscnn", "vww_mobilenetv1_025", "ic_resnet8", "ad_autoencoder")
FLOAT_FILES = (*MLPERF, "mobilenetv2", "transformer_encoder", "transformer_encoder_static")
INT8_FILES = tuple(f"{name}_int8" for name in MLPERF)
ALL_FILES = FLOAT_FILES + INT8_FILES

# name -> (input name, input shape, output shape); symbolic dims bound to 3 x 17 for the run.
IO = {
    "kws_dscnn": ("input", (1, 1, 49, 10), (1, 12)),
    "vww_mobilenetv1_025": ("input", (1, 3, 96, 96), (1, 2)),
    "ic_resnet8": ("input", (1, 3, 32, 32), (1, 10)),
    "ad_autoencoder": ("input", (1, 640), (1, 640)),
    "mobilenetv2": ("input", (1, 3, 224, 224), (1, 1000)),
    "transformer_encoder": ("input_ids", (3, 17), (3, 17, 128)),
    "transformer_encoder_static": ("input_ids", (2, 64), (2, 64, 128)),
}
for _name in MLPERF:
    IO[f"{_name}_int8"] = IO[_name]

# Published MACs (Conv/Gemm/MatMul multiply-accumulates): the MLPerf Tiny figures,
# torchvision's 300.8 M for MobileNetV2 (classifier included), and for the static
# transformer 2 layers x (128 tokens x (4*128*128 + 2*128*512) + 2 x 2*4*64*64*32).
PUBLISHED_MACS = {
    "kws_dscnn": 2.66e6,
    "vww_mobilenetv1_025": 7.49e6,
    "ic_resnet8": 12.53e6,
    "ad_autoencoder": 0.264e6,
    "mobilenetv2": 300.8e6,
    "transformer_encoder_static": 54_525_952,
}

# Published parameter counts where the published figure is one: the autoencoder's
# 270 K is Keras' count with batch norm (269,992); torchvision's MobileNetV2 count is
# 3,504,872 with BN weight and bias. Both lose a little when BN is folded (< 2 %).
PUBLISHED_PARAMS = {"ad_autoencoder": 270e3, "mobilenetv2": 3_504_872}

# Exact parameter counts of the reference architectures with BN folded (one bias per
# output channel, no BN statistics). For KWS, VWW and IC the quoted "53 K / 325 K /
# 96 K" are the int8 TFLite file sizes in KB, not parameter counts; the reference Keras
# models count 24,908 / 221,794 / 78,666 with BN (4 per channel over 576 / 2,736 / 240
# channels), which is these numbers + 4 x the BN channels.
REFERENCE_PARAMS = {
    "kws_dscnn": 24_908 - 4 * 576,
    "vww_mobilenetv1_025": 221_794 - 4 * 2_736,
    "ic_resnet8": 78_666 - 4 * 240,
    "ad_autoencoder": 269_992 - 4 * 1_032,
    # torchvision's count minus one per BN channel (2 BN values -> 1 bias), plus the two
    # Clip bounds (ReLU6) stored as float initializers.
    "mobilenetv2": 3_504_872 - 17_056 + 2,
    # 1000x128 + 512x128 embeddings, 2 layers x (4 x (128x128 + 128) + 128x512 + 512
    # + 512x128 + 128 + 2 LayerNorms x 2 x 128).
    "transformer_encoder": 1000 * 128 + 512 * 128 + 2 * 198_272,
    "transformer_encoder_static": 1000 * 128 + 512 * 128 + 2 * 198_272,
}

# Peak activation bytes of the int8 deployment (sum of live tensors, one byte per
# element, activations fused into the op before them), as published.
PUBLISHED_PEAK_BYTES = {
    "kws_dscnn": 16_000,
    "vww_mobilenetv1_025": 55_296,
    "ic_resnet8": 49_152,
    "ad_autoencoder": 768,
}


def path_of(name: str) -> Path:
    return MODELS_DIR / f"{name}.onnx"


def load(name: str) -> onnx.ModelProto:
    return onnx.load(str(path_of(name)))


def float_params(model: onnx.ModelProto) -> int:
    floats = {TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.DOUBLE, TensorProto.BFLOAT16}
    return sum(math.prod(t.dims) for t in model.graph.initializer if t.data_type in floats)


def dims_by_name(model: onnx.ModelProto) -> tuple[onnx.ModelProto, dict[str, list[int]]]:
    inferred = shape_inference.infer_shapes(model, data_prop=True)
    g = inferred.graph
    dims: dict[str, list[int]] = {}
    for vi in [*g.value_info, *g.input, *g.output]:
        dims[vi.name] = [
            d.dim_value if d.HasField("dim_value") else -1 for d in vi.type.tensor_type.shape.dim
        ]
    for t in g.initializer:
        dims[t.name] = list(t.dims)
    return inferred, dims


def count_macs(model: onnx.ModelProto) -> int:
    """Conv: N*Cout*Hout*Wout*(Cin/group)*kH*kW; Gemm/MatMul: M*N*K (times batch dims)."""
    inferred, dims = dims_by_name(model)
    total = 0
    for node in inferred.graph.node:
        if node.op_type not in ("Conv", "Gemm", "MatMul"):
            continue
        a, w, out = (dims[t] for t in node.input[:2] + node.output[:1])
        assert min(a + w + out) > 0, f"unknown dim at {node.name}"
        if node.op_type == "Conv":
            total += math.prod(out) * math.prod(w[1:])
        elif node.op_type == "Gemm":
            trans_a = any(at.name == "transA" and at.i for at in node.attribute)
            total += math.prod(out) * (a[0] if trans_a else a[1])
        else:
            total += math.prod(out) * a[-1]
    return total


def peak_activation_elements(model: onnx.ModelProto) -> int:
    """Peak of the summed sizes of live activations, in graph order, with Relu/Clip and
    constant bias adds computed in place (fused into the producing op, as MCU runtimes
    do)."""
    inferred, dims = dims_by_name(model)
    g = inferred.graph
    constants = {t.name for t in g.initializer}
    constants |= {n.output[0] for n in g.node if n.op_type == "Constant"}
    alias: dict[str, str] = {}

    def storage(t: str) -> str:
        while t in alias:
            t = alias[t]
        return t

    first: dict[str, int] = {storage(i.name): -1 for i in g.input}
    last: dict[str, int] = {}
    for step, node in enumerate(g.node):
        bias_add = node.op_type == "Add" and any(t in constants for t in node.input)
        if node.op_type in ("Relu", "Clip") or bias_add:
            alias[node.output[0]] = storage(node.input[0])
        for t in node.input:
            if t and t not in constants:
                last[storage(t)] = step
        for t in node.output:
            first.setdefault(storage(t), step)
    for o in g.output:
        last[storage(o.name)] = len(g.node)
    sizes = {t: math.prod(dims[t]) for t in first if t not in constants}
    return max(
        sum(size for t, size in sizes.items() if first[t] <= step <= last.get(t, first[t]))
        for step in range(len(g.node))
    )


def random_input(name: str) -> dict[str, np.ndarray]:
    inp, shape, _ = IO[name]
    rng = np.random.default_rng(7)
    if inp == "input_ids":
        return {inp: rng.integers(0, 1000, size=shape, dtype=np.int64)}
    return {inp: rng.uniform(0.0, 1.0, size=shape).astype(np.float32)}


# -- (a) valid and runnable ---------------------------------------------------------


@pytest.mark.parametrize("name", ALL_FILES)
def test_model_is_valid_and_runs(name):
    path = path_of(name)
    onnx.checker.check_model(str(path), full_check=True)
    model = load(name)
    assert model.ir_version == 8
    assert model.producer_name == "onnxcost-models"
    assert {o.domain: o.version for o in model.opset_import}[""] == 17
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (out,) = session.run(None, random_input(name))
    assert out.shape == IO[name][2]
    assert np.isfinite(out).all()


def test_transformer_symbolic_and_static_agree():
    sym = load("transformer_encoder")
    dims = [d.dim_param for d in sym.graph.input[0].type.tensor_type.shape.dim]
    assert dims == ["batch", "seq"]
    feed = random_input("transformer_encoder_static")
    outs = [
        ort.InferenceSession(str(path_of(n)), providers=["CPUExecutionProvider"]).run(None, feed)[0]
        for n in ("transformer_encoder", "transformer_encoder_static")
    ]
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-5, atol=1e-5)


# -- (b) params ---------------------------------------------------------------------


@pytest.mark.parametrize("name", FLOAT_FILES)
def test_params_match_reference(name):
    params = float_params(load(name))
    assert params == REFERENCE_PARAMS[name]
    if name in PUBLISHED_PARAMS:
        assert params == pytest.approx(PUBLISHED_PARAMS[name], rel=0.02)


@pytest.mark.parametrize("name", MLPERF)
def test_int8_weights_match_float_params(name):
    model = load(f"{name}_int8")
    inits = {t.name: t for t in model.graph.initializer}
    quantized = [
        inits[n.input[0]]
        for n in model.graph.node
        if n.op_type == "DequantizeLinear" and n.input[0] in inits
    ]
    assert sum(math.prod(t.dims) for t in quantized) == REFERENCE_PARAMS[name]
    assert {t.data_type for t in quantized} <= {TensorProto.INT8, TensorProto.INT32}
    weights = [t for t in quantized if t.name.endswith(".weight_quantized")]
    assert weights and all(t.data_type == TensorProto.INT8 for t in weights)


# -- (c) MACs -----------------------------------------------------------------------


@pytest.mark.parametrize("name", [*PUBLISHED_MACS, *INT8_FILES])
def test_macs_match_published(name):
    published = PUBLISHED_MACS[name.removesuffix("_int8")]
    assert count_macs(load(name)) == pytest.approx(published, rel=0.02)


def test_transformer_static_macs_exact():
    assert count_macs(load("transformer_encoder_static")) == 54_525_952


# -- peak activations ---------------------------------------------------------------


@pytest.mark.parametrize("name", MLPERF)
def test_peak_activation_matches_published(name):
    assert peak_activation_elements(load(name)) == PUBLISHED_PEAK_BYTES[name]


# -- (d) deterministic rebuild ------------------------------------------------------


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("models")
    subprocess.run([sys.executable, str(SCRIPT), str(out)], check=True, capture_output=True)
    return out


@pytest.mark.parametrize("name", FLOAT_FILES)
def test_rebuild_float_is_byte_identical(rebuilt, name):
    assert (rebuilt / f"{name}.onnx").read_bytes() == path_of(name).read_bytes()


@pytest.mark.parametrize("name", INT8_FILES)
def test_rebuild_int8_is_byte_identical(rebuilt, name):
    meta = {p.key: p.value for p in load(name).metadata_props}
    if meta.get("onnxruntime_version") != ort.__version__:
        pytest.skip(
            f"committed file quantized with onnxruntime {meta.get('onnxruntime_version')}, "
            f"installed {ort.__version__}"
        )
    assert (rebuilt / f"{name}.onnx").read_bytes() == path_of(name).read_bytes()
