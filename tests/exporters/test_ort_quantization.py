"""onnxruntime.quantization on the sample models: quantize_dynamic (DynamicQuantizeLinear +
ConvInteger/MatMulInteger), quantize_static in QDQ and QOperator form (QLinearConv,
QLinearMatMul, QGemm, QLinearAdd...), each also after onnxruntime's extended optimizer (which
fuses QDQ groups into QLinear* ops and dynamic ones into DynamicQuantizeMatMul and
MatMulIntegerToFloat). Quantization changes the dtype of the products, not their count: every
form has the float model's conv/matmul MACs, and the integer forms run them in an integer dtype."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnxruntime.quantization import (
    CalibrationDataReader,
    QuantFormat,
    QuantType,
    quantize_dynamic,
    quantize_static,
)

from tests.exporters.common import MODELS, analyze_clean, integer_share, op_types, ort_optimize

NAMES = ("mobilenetv2", "kws_dscnn", "transformer_encoder_static")
FORMS = ("dynamic", "qdq", "qoperator")


class RandomReader(CalibrationDataReader):
    """Two batches of deterministic random inputs, shaped from the model's inputs."""

    def __init__(self, path: Path) -> None:
        model = onnx.load(str(path), load_external_data=False)
        weights = {t.name for t in model.graph.initializer}
        rng = np.random.default_rng(0)
        self.batches = []
        for _ in range(2):
            feed = {}
            for value in model.graph.input:
                if value.name in weights:
                    continue
                tensor = value.type.tensor_type
                shape = [d.dim_value or 1 for d in tensor.shape.dim]
                if tensor.elem_type == onnx.TensorProto.FLOAT:
                    feed[value.name] = rng.standard_normal(shape).astype(np.float32)
                else:
                    feed[value.name] = rng.integers(0, 10, shape).astype(np.int64)
            self.batches.append(feed)
        self.remaining = iter(self.batches)

    def get_next(self):
        return next(self.remaining, None)


@pytest.fixture(scope="module")
def quantized(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """(model, form) → path, for the three forms and their extended-optimized versions."""
    folder = tmp_path_factory.mktemp("quantized")
    paths = {}
    for name in NAMES:
        source = MODELS / f"{name}.onnx"
        paths[(name, "dynamic")] = folder / f"{name}_dynamic.onnx"
        quantize_dynamic(source, paths[(name, "dynamic")], weight_type=QuantType.QInt8)
        for form, quant_format in (("qdq", QuantFormat.QDQ), ("qoperator", QuantFormat.QOperator)):
            paths[(name, form)] = folder / f"{name}_{form}.onnx"
            quantize_static(source, paths[(name, form)], RandomReader(source),
                            quant_format=quant_format)  # fmt: skip
        for form in FORMS:
            paths[(name, f"{form}+ort")] = ort_optimize(paths[(name, form)],
                                                        folder / f"{name}_{form}_ort.onnx")  # fmt: skip
    return paths


@pytest.fixture(scope="module")
def float_macs() -> dict[str, int]:
    return {name: analyze_clean(MODELS / f"{name}.onnx").totals.macs for name in NAMES}


@pytest.mark.parametrize("form", [*FORMS, *(f"{f}+ort" for f in FORMS)])
@pytest.mark.parametrize("name", NAMES)
def test_quantized_forms_keep_the_float_macs(name: str, form: str, quantized, float_macs) -> None:
    report = analyze_clean(quantized[(name, form)])
    assert report.totals.macs == pytest.approx(float_macs[name], rel=0.01)
    assert report.totals.macs == float_macs[name]  # quantization changes no product's size


# (model, form) → ops the quantizer or the optimizer must have emitted, and the least share of
# MACs that run in an integer dtype (the transformer keeps its float attention products under
# dynamic quantization: 4,194,304 of 54,525,952 MACs).
EXPECTED = {
    ("mobilenetv2", "dynamic"): ({("", "ConvInteger"), ("", "DynamicQuantizeLinear")}, 1.0),
    ("mobilenetv2", "qoperator"): ({("", "QLinearConv"), ("com.microsoft", "QLinearAdd"),
                                   ("com.microsoft", "QGemm"),
                                   ("com.microsoft", "QLinearGlobalAveragePool")}, 1.0),
    ("mobilenetv2", "dynamic+ort"): ({("com.microsoft", "DynamicQuantizeMatMul")}, 1.0),
    ("mobilenetv2", "qdq+ort"): ({("", "QLinearConv"), ("com.microsoft", "QGemm")}, 1.0),
    ("kws_dscnn", "qoperator"): ({("com.microsoft", "QLinearAveragePool"),
                                 ("com.microsoft", "QLinearSoftmax")}, 1.0),
    ("kws_dscnn", "qdq+ort"): ({("", "QLinearConv"), ("com.microsoft", "QLinearAveragePool")}, 1.0),
    ("transformer_encoder_static", "dynamic"): ({("", "MatMulInteger")}, 0.9),
    ("transformer_encoder_static", "dynamic+ort"): ({("com.microsoft", "MatMulIntegerToFloat"),
                                                     ("com.microsoft", "DynamicQuantizeMatMul")}, 0.9),
    ("transformer_encoder_static", "qoperator"): ({("", "QLinearMatMul"),
                                                   ("com.microsoft", "QLinearAdd"),
                                                   ("com.microsoft", "QLinearMul"),
                                                   ("com.microsoft", "QLinearSoftmax")}, 1.0),
    ("transformer_encoder_static", "qdq+ort"): ({("", "QLinearMatMul")}, 1.0),
}  # fmt: skip


@pytest.mark.parametrize("key", sorted(EXPECTED), ids=lambda k: f"{k[0]}-{k[1]}")
def test_integer_forms_emit_integer_ops_and_integer_macs(key, quantized) -> None:
    ops, least_integer = EXPECTED[key]
    path = quantized[key]
    assert ops <= set(op_types(path)), sorted(op_types(path))
    assert integer_share(analyze_clean(path)) >= least_integer


@pytest.mark.parametrize("name", ["kws_dscnn_int8", "ic_resnet8_int8", "vww_mobilenetv1_025_int8",
                                  "ad_autoencoder_int8"])
def test_shipped_int8_models_through_the_optimizer(name: str, tmp_path) -> None:
    source = MODELS / f"{name}.onnx"
    optimized = ort_optimize(source, tmp_path / f"{name}_ort.onnx")
    assert analyze_clean(optimized).totals.macs == analyze_clean(source).totals.macs


def test_nhwc_qlinear_layout_is_costed(quantized, float_macs, tmp_path) -> None:
    # ORT_ENABLE_ALL moves QLinearConv to channels-last com.microsoft kernels
    optimized = ort_optimize(quantized[("mobilenetv2", "qoperator")], tmp_path / "nhwc.onnx",
                             ort.GraphOptimizationLevel.ORT_ENABLE_ALL)  # fmt: skip
    assert ("com.microsoft", "QLinearConv") in op_types(optimized)
    report = analyze_clean(optimized)
    assert report.totals.macs == float_macs["mobilenetv2"]
    assert integer_share(report) == 1.0


def test_matmul_4bits_quantizer(float_macs, tmp_path) -> None:
    nbits = pytest.importorskip("onnxruntime.quantization.matmul_nbits_quantizer")
    model = onnx.load(str(MODELS / "transformer_encoder_static.onnx"))
    quantizer = nbits.MatMulNBitsQuantizer(model, block_size=32, is_symmetric=True,
                                           op_types_to_quantize=("MatMul", "Gather"))  # fmt: skip
    quantizer.process()
    path = tmp_path / "nbits.onnx"
    quantizer.model.save_model_to_file(str(path))
    ops = op_types(path)
    assert ops[("com.microsoft", "MatMulNBits")] == 12
    report = analyze_clean(path)
    assert report.totals.macs == float_macs["transformer_encoder_static"]
    protos = {n.name: n for n in onnx.load(str(path), load_external_data=False).graph.node}
    for node in (n for n in report.nodes if n.op_type == "MatMulNBits"):
        proto = protos[node.name]
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in proto.attribute}
        n, blocks = attrs["N"], -(-attrs["K"] // 32)
        bias = 4 * n if len(proto.input) > 5 and proto.input[5] else 0
        # symmetric 4-bit: N·⌈K/32⌉ blocks of 16 bytes + one fp32 scale per block (+ fp32 bias)
        assert node.weight_bytes == n * blocks * 16 + n * blocks * 4 + bias, node.name
