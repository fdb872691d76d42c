"""QDQ graphs costed as run (integer op, fused Q/DQ) and as written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

import onnxcost

MODELS = Path(__file__).resolve().parents[1] / "models"


def _qdq_conv() -> onnx.ModelProto:
    """x float → Q(uint8) → DQ → Conv(DQ(int8 W), DQ(int32 b)) → Q → DQ → y."""
    inits = [
        nh.from_array(np.array(0.05, np.float32), "sx"),
        nh.from_array(np.array(128, np.uint8), "zx"),
        nh.from_array(np.ones((8, 4, 3, 3), np.int8), "wq"),
        nh.from_array(np.array(0.01, np.float32), "sw"),
        nh.from_array(np.array(0, np.int8), "zw"),
        nh.from_array(np.ones(8, np.int32), "bq"),
        nh.from_array(np.array(0.0005, np.float32), "sb"),
        nh.from_array(np.array(0.1, np.float32), "sy"),
        nh.from_array(np.array(128, np.uint8), "zy"),
    ]
    nodes = [
        h.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"], name="q_in"),
        h.make_node("DequantizeLinear", ["xq", "sx", "zx"], ["xf"], name="dq_x"),
        h.make_node("DequantizeLinear", ["wq", "sw", "zw"], ["wf"], name="dq_w"),
        h.make_node("DequantizeLinear", ["bq", "sb"], ["bf"], name="dq_b"),
        h.make_node("Conv", ["xf", "wf", "bf"], ["yf"], name="conv", pads=[1, 1, 1, 1]),
        h.make_node("QuantizeLinear", ["yf", "sy", "zy"], ["yq"], name="q_y"),
        h.make_node("DequantizeLinear", ["yq", "sy", "zy"], ["y"], name="dq_out"),
    ]
    graph = h.make_graph(nodes, "qdq", [h.make_tensor_value_info("x", T.FLOAT, [1, 4, 8, 8])],
                         [h.make_tensor_value_info("y", T.FLOAT, [1, 8, 8, 8])], inits)  # fmt: skip
    return h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])


def test_qdq_conv_is_costed_as_an_integer_conv() -> None:
    report = onnxcost.analyze(_qdq_conv())
    nodes = {n.name: n for n in report.nodes}
    conv = nodes["conv"]
    # MACs = 8·8·8 · 4·3·3 = 18,432, in uint8 (the activation's integer type)
    assert conv.macs == 18_432 and conv.dtype == "uint8"
    assert dict(conv.macs_by_dtype) == {"uint8": 18_432}
    # reads xq 4·8·8 = 256 B, wq 8·4·9 = 288 B int8, bq 8·4 = 32 B int32 and the scales and zero
    # points of x, w, b and y (4 + 1 + 4 + 1 + 4 + 4 + 1 = 19 B); writes yq 8·8·8 = 512 B
    assert conv.bytes_read_activations == 256
    assert conv.bytes_read_weights == 288 + 32 + 19
    assert conv.bytes_written == 512
    # params owned by the conv: wq 288 + sw 1 + zw 1 + bq 8 + sb 1 + sy 1 + zy 1 = 301
    assert conv.params == 301
    for fused in ("dq_x", "dq_w", "dq_b", "q_y"):
        assert nodes[fused].status == "zero" and "fused into conv" in nodes[fused].note
        assert nodes[fused].bytes_read == nodes[fused].bytes_written == 0
    # the boundary Q and DQ stay: they convert between the float graph I/O and integers
    assert nodes["q_in"].status != "zero" and nodes["dq_out"].status != "zero"


def test_as_written_costs_the_float_conv_and_every_qdq_node() -> None:
    report = onnxcost.analyze(_qdq_conv(), qdq="as-written")
    conv = next(n for n in report.nodes if n.name == "conv")
    # same 18,432 MACs, but in float32 on float tensors: 256·4 B in, 2,048 B out
    assert conv.macs == 18_432 and conv.dtype == "float32"
    assert conv.bytes_read_activations == 1_024 and conv.bytes_written == 2_048


@pytest.mark.parametrize("name", ["kws_dscnn", "vww_mobilenetv1_025", "ic_resnet8",
                                  "ad_autoencoder"])  # fmt: skip
def test_int8_samples_run_integer_macs_and_move_quarter_bytes(name: str) -> None:
    as_float = onnxcost.analyze(MODELS / f"{name}.onnx").totals
    as_int8 = onnxcost.analyze(MODELS / f"{name}_int8.onnx").totals
    assert as_int8.macs == as_float.macs
    assert set(as_int8.macs_by_dtype) == {"int8"}
    # int8 payloads are ¼ of float32; per-channel float scales and int32 biases add a little
    ratio = as_int8.weight_bytes / as_float.weight_bytes
    assert 0.25 <= ratio < 0.35
