"""Estimates and memory of quantized forms come from their integer sizes.

On a microcontroller (STM32L4R5, MLPerf Tiny's reference board) the int8 QDQ sample models run
their products at the profile's int8 peak (twice the float32 one: SMLAD dual MAC) and hold int8
activations: `onnxcost schedule --no-inplace` gives MLPerf Tiny's published peak activation
sizes. On a GPU (A100 80GB SXM) a batch-1 stack of linear layers is memory-bound: float16 halves
its memory time and int8 quarters it, as they do the weight bytes.

Measured (this file's models): STM32L4R5 latency float32 → int8 QDQ: DS-CNN 157.1 → 75.9 ms,
MobileNetV1-0.25 448.4 → 220.6 ms, ResNet-8 460.6 → 228.0 ms, autoencoder 23.2 → 10.3 ms.
A100, 2 × (3200 × 3200) linear layers at batch 1, memory time of the memory-bound nodes relative
to float32: float16 0.500, int8 QDQ 0.250, int8 QOperator 0.250, int8 dynamic 0.252.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from click.testing import CliRunner
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

import onnxcost
from onnxcost.cli import main
from onnxcost.estimate.hardware import efficiency, load_profile, peak_for

MODELS = Path(__file__).resolve().parents[1] / "models"

# MLPerf Tiny reference peak activations, int8, activations fused into their conv
# (/work/shared/reference/HARDWARE.md; models/README.md)
PUBLISHED_PEAK_BYTES = {
    "kws_dscnn": 16_000,
    "vww_mobilenetv1_025": 55_296,
    "ic_resnet8": 49_152,
    "ad_autoencoder": 768,
}


@pytest.mark.parametrize("name", sorted(PUBLISHED_PEAK_BYTES))
def test_int8_schedule_peak_is_the_published_one(name: str) -> None:
    result = CliRunner().invoke(main, ["schedule", str(MODELS / f"{name}_int8.onnx"),
                                       "--no-inplace", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["peak_memory_bytes"] == PUBLISHED_PEAK_BYTES[name]


@pytest.fixture(scope="module")
def mcu():
    return load_profile("stm32l4r5")


@pytest.mark.parametrize("name", sorted(PUBLISHED_PEAK_BYTES))
def test_mcu_int8_latency_runs_at_the_int8_peak(name: str, mcu) -> None:
    as_float = onnxcost.analyze(MODELS / f"{name}.onnx", hardware=mcu)
    as_int8 = onnxcost.analyze(MODELS / f"{name}_int8.onnx", hardware=mcu)
    assert peak_for(mcu, "int8") == 2 * peak_for(mcu, "float32")
    float_estimates = {e.name: e for e in as_float.estimate.nodes}
    int8_estimates = {e.name: e for e in as_int8.estimate.nodes}
    float_nodes = {n.name: n for n in as_float.nodes}
    products = [n for n in as_int8.nodes if n.macs]
    assert products
    for node in products:
        assert dict(node.macs_by_dtype) == {"int8": node.macs} and node.dtype == "int8"
        # every op of an int8 product (its MACs and its requantizing FLOPs) at the int8 peak
        expected = node.flops / peak_for(mcu, "int8") / efficiency(mcu.compute_efficiency, node.flops)
        assert int8_estimates[node.name].compute_s == pytest.approx(expected, rel=1e-12)
        twin = float_nodes[node.name]
        assert twin.flops == node.flops and dict(twin.macs_by_dtype) == {"float32": node.macs}
        assert int8_estimates[node.name].compute_s == pytest.approx(
            float_estimates[node.name].compute_s / 2, rel=1e-12)
    assert as_int8.estimate.assumptions["utilization_dtype"] == "int8"
    assert as_int8.totals.latency_s < 0.55 * as_float.totals.latency_s


@pytest.mark.parametrize("name", sorted(PUBLISHED_PEAK_BYTES))
def test_mcu_int8_peak_memory_is_a_quarter(name: str) -> None:
    # float32 activations are 4 bytes, int8 ones 1: the same schedule holds a quarter
    as_float = onnxcost.analyze(MODELS / f"{name}.onnx").totals.peak_memory_bytes
    as_int8 = onnxcost.analyze(MODELS / f"{name}_int8.onnx").totals.peak_memory_bytes
    assert as_int8 == PUBLISHED_PEAK_BYTES[name]
    assert 4 * as_int8 == as_float


# ------------------------------------------------------------------------ GPU, memory-bound

# Every form's weight read per layer lands in one band of the A100's memory efficiency (10 MB to
# 100 MB: 0.75), so the memory times compare as the bytes do: int8 3200² = 10.24 MB, float32
# 40.96 MB. (Layers straddling a band differ by the bands' ratio as well.)
WIDTH, DEPTH = 3200, 2


def linear_stack() -> onnx.ModelProto:
    """Batch 1: DEPTH × (MatMul by a WIDTH² weight, bias Add, Relu)."""
    rng = np.random.default_rng(0)
    inits, nodes, x = [], [], "x"
    for i in range(DEPTH):
        inits += [nh.from_array((rng.standard_normal((WIDTH, WIDTH)) * 0.02).astype(np.float32), f"w{i}"),
                  nh.from_array(np.zeros(WIDTH, np.float32), f"b{i}")]  # fmt: skip
        nodes += [h.make_node("MatMul", [x, f"w{i}"], [f"m{i}"], name=f"mm{i}"),
                  h.make_node("Add", [f"m{i}", f"b{i}"], [f"a{i}"], name=f"add{i}"),
                  h.make_node("Relu", [f"a{i}"], [f"r{i}"], name=f"relu{i}")]  # fmt: skip
        x = f"r{i}"
    graph = h.make_graph(nodes, "linear", [h.make_tensor_value_info("x", T.FLOAT, [1, WIDTH])],
                         [h.make_tensor_value_info(x, T.FLOAT, [1, WIDTH])], inits)  # fmt: skip
    return h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])


class _Reader:
    def __init__(self) -> None:
        rng = np.random.default_rng(0)
        self.batches = iter([{"x": rng.standard_normal((1, WIDTH)).astype(np.float32)} for _ in range(2)])

    def get_next(self):
        return next(self.batches, None)


@pytest.fixture(scope="module")
def stack_forms(tmp_path_factory) -> dict[str, Path]:
    quantization = pytest.importorskip("onnxruntime.quantization")
    float16 = pytest.importorskip("onnxconverter_common.float16")
    folder = tmp_path_factory.mktemp("linear")
    paths = {form: folder / f"{form}.onnx" for form in ("float32", "float16", "qdq", "qoperator", "dynamic")}
    onnx.save(linear_stack(), str(paths["float32"]))
    converted = float16.convert_float_to_float16(onnx.load(str(paths["float32"])), keep_io_types=True)
    onnx.save(converted, str(paths["float16"]))
    for form, quant_format in (("qdq", quantization.QuantFormat.QDQ),
                               ("qoperator", quantization.QuantFormat.QOperator)):  # fmt: skip
        quantization.quantize_static(paths["float32"], paths[form], _Reader(), quant_format=quant_format)
    quantization.quantize_dynamic(paths["float32"], paths["dynamic"],
                                  weight_type=quantization.QuantType.QInt8)  # fmt: skip
    return paths


def _memory_bound_time(report: onnxcost.Report) -> float:
    return sum(e.memory_s for e in report.estimate.nodes if e.bound == "memory")


@pytest.mark.parametrize(("form", "share"), [("float16", 0.5), ("qdq", 0.25), ("qoperator", 0.25),
                                             ("dynamic", 0.25)])  # fmt: skip
def test_gpu_memory_time_follows_the_bytes(form: str, share: float, stack_forms) -> None:
    gpu = load_profile("a100-80gb-sxm")
    base = onnxcost.analyze(stack_forms["float32"], hardware=gpu)
    other = onnxcost.analyze(stack_forms[form], hardware=gpu)
    estimates = {e.name: e for e in other.estimate.nodes}
    for node in (n for n in other.nodes if n.macs):
        assert estimates[node.name].bound == "memory", node.name  # batch 1: one use per weight byte
    assert other.totals.weight_bytes / base.totals.weight_bytes == pytest.approx(share, rel=0.02)
    assert _memory_bound_time(other) / _memory_bound_time(base) == pytest.approx(share, rel=0.10)
