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


# ------------------------------------------------------------------------- formats, as run


def _model(nodes, inits, inputs, outputs, opset: int = 21) -> onnx.ModelProto:
    graph = h.make_graph(nodes, "g", inputs, outputs, inits)
    return h.make_model(graph, opset_imports=[h.make_opsetid("", opset)])


def _qdq(name: str, scale: str, zero: str, suffix: str = "") -> list[onnx.NodeProto]:
    """name → QuantizeLinear → DequantizeLinear → name + '_dq'."""
    return [h.make_node("QuantizeLinear", [name, scale, zero], [name + "_q"], name="q_" + name + suffix),
            h.make_node("DequantizeLinear", [name + "_q", scale, zero], [name + "_dq"],
                        name="dq_" + name + suffix)]  # fmt: skip


def test_multi_output_and_routing_ops_between_qdq_run_on_integers() -> None:
    # x → Q/DQ → Split → (Q/DQ, Q/DQ) → Add → Q/DQ → MaxPool 2×2 → Q/DQ → Concat(p, p) → Q/DQ → y
    inits = [nh.from_array(np.array(0.05, np.float32), "s"), nh.from_array(np.array(128, np.uint8), "z"),
             nh.from_array(np.array([4, 4], np.int64), "split")]  # fmt: skip
    nodes = [*_qdq("x", "s", "z"), h.make_node("Split", ["x_dq", "split"], ["a", "b"], axis=1, name="split"),
             *_qdq("a", "s", "z"), *_qdq("b", "s", "z"),
             h.make_node("Add", ["a_dq", "b_dq"], ["c"], name="add"), *_qdq("c", "s", "z"),
             h.make_node("MaxPool", ["c_dq"], ["p"], kernel_shape=[2, 2], strides=[2, 2], name="pool"),
             *_qdq("p", "s", "z"), h.make_node("Concat", ["p_dq", "p_dq"], ["k"], axis=1, name="concat"),
             *_qdq("k", "s", "z")]  # fmt: skip
    model = _model(nodes, inits, [h.make_tensor_value_info("x", T.FLOAT, [1, 8, 8, 8])],
                   [h.make_tensor_value_info("k_dq", T.FLOAT, [1, 8, 4, 4])], opset=17)  # fmt: skip
    report = onnxcost.analyze(model)
    nodes_by_name = {n.name: n for n in report.nodes}
    for name in ("split", "add", "pool", "concat"):
        assert nodes_by_name[name].dtype == "uint8", name
    # Split reads x_q (512 B) and writes a_q, b_q (256 B each), both outputs in uint8
    assert nodes_by_name["split"].bytes_read_activations == 512
    assert nodes_by_name["split"].bytes_written == 512
    assert nodes_by_name["add"].bytes_read_activations == 512 and nodes_by_name["add"].bytes_written == 256
    assert nodes_by_name["pool"].bytes_written == 64 and nodes_by_name["concat"].bytes_written == 128
    fused = [n.name for n in report.nodes if n.note.startswith("fused into")]
    assert sorted(fused) == sorted(["dq_x", "q_a", "dq_a", "q_b", "dq_b", "q_c", "dq_c", "q_p",
                                    "dq_p", "q_k"])  # fmt: skip
    # materialized: x 2,048 B float, x_q 512, a_q 256, b_q 256, c_q 256, p_q 64, k_q 128, k_dq 512
    assert report.totals.activation_bytes == 2_048 + 512 + 256 + 256 + 256 + 64 + 128 + 512


def _matmul_with_weight(weight_type: int, scale_type, block: int, activation_type: int | None,
                        zero_points: bool = True, k: int = 64, n: int = 32) -> onnx.ModelProto:  # fmt: skip
    """x [1, 8, K] (through Q/DQ of `activation_type`, or float) · DQ(W [K, N] of `weight_type`,
    per-channel or in blocks of `block` along K) → y."""
    float_type = T.FLOAT16 if scale_type == np.float16 else T.FLOAT
    blocks = k // block if block else 1
    inits = [h.make_tensor("wq", weight_type, [k, n], [0] * (k * n)),
             nh.from_array(np.full((blocks, n) if block else (n,), 0.01, scale_type), "sw")]  # fmt: skip
    weight_inputs = ["wq", "sw"]
    if zero_points:
        shape = [blocks, n] if block else [n]
        inits.append(h.make_tensor("zw", weight_type, shape, [0] * (blocks * n)))
        weight_inputs.append("zw")
    attrs = {"axis": 0, "block_size": block} if block else {"axis": 1}
    nodes = [h.make_node("DequantizeLinear", weight_inputs, ["wf"], name="dq_w", **attrs)]
    source = "x"
    if activation_type is not None:
        inits += [nh.from_array(np.array(0.05, np.float32), "sx"),
                  h.make_tensor("zx", activation_type, [], [0])]  # fmt: skip
        nodes += _qdq("x", "sx", "zx")
        source = "x_dq"
    nodes.append(h.make_node("MatMul", [source, "wf"], ["y"], name="mm"))
    return _model(nodes, inits, [h.make_tensor_value_info("x", float_type, [1, 8, k])],
                  [h.make_tensor_value_info("y", float_type, [1, 8, n])])  # fmt: skip


def test_int4_block_weights_pack_two_per_byte() -> None:
    report = onnxcost.analyze(_matmul_with_weight(T.INT4, np.float32, 32, T.INT8))
    mm = next(n for n in report.nodes if n.name == "mm")
    # int8 activations: 8·64·32 = 16,384 int8 MACs; reads x_q 512 B and writes nothing quantized
    assert dict(mm.macs_by_dtype) == {"int8": 16_384} and mm.bytes_read_activations == 512
    # weight: 64·32 int4 = 1,024 B, scales 2 blocks × 32 fp32 = 256 B, int4 zero points 32 B,
    # plus the activation's scale and zero point (5 B)
    assert mm.bytes_read_weights == 1_024 + 256 + 32 + 5
    assert report.totals.weight_bytes_by_dtype["int4"] == 1_024 + 32
    # params: 2,048 weights + 64 scales + 64 zero points (x's scale and zero point belong to the
    # boundary QuantizeLinear, their first reader)
    assert mm.params == 2_048 + 64 + 64


def test_weight_only_block_dequantize_reads_the_packed_weight() -> None:
    # float16 activations, int4 weight in blocks of 32 with float16 scales: the MatMul reads the
    # packed weight (1,024 B) + scales 2·32·2 = 128 B + zero points 32 B, never a float16 copy
    report = onnxcost.analyze(_matmul_with_weight(T.INT4, np.float16, 32, None))
    mm = next(n for n in report.nodes if n.name == "mm")
    dq = next(n for n in report.nodes if n.name == "dq_w")
    assert dict(mm.macs_by_dtype) == {"float16": 16_384} and mm.dtype == "float16"
    assert mm.bytes_read_weights == 1_024 + 128 + 32 == mm.weight_bytes
    assert mm.params == 2_048 + 64 + 64
    assert dq.status == "zero" and dq.note == "fused into mm" and dq.bytes_read == 0
    # as written, the DQ's float16 output is what the MatMul reads: 64·32·2 = 4,096 B
    written = onnxcost.analyze(_matmul_with_weight(T.INT4, np.float16, 32, None), qdq="as-written")
    assert next(n for n in written.nodes if n.name == "mm").bytes_read_weights == 4_096


def test_per_channel_uint4_weights_without_zero_points() -> None:
    report = onnxcost.analyze(_matmul_with_weight(T.UINT4, np.float32, 0, T.UINT8, zero_points=False))
    mm = next(n for n in report.nodes if n.name == "mm")
    # uint8 activations; weight 1,024 B packed + 32 per-channel fp32 scales (128 B) + x's 5 B
    assert dict(mm.macs_by_dtype) == {"uint8": 16_384}
    assert mm.bytes_read_weights == 1_024 + 128 + 5
    assert report.totals.weight_bytes_by_dtype["uint4"] == 1_024


@pytest.mark.parametrize(("elem", "dtype", "size"), [(T.FLOAT8E4M3FN, "float8e4m3fn", 1),
                                                     (T.FLOAT8E5M2, "float8e5m2", 1),
                                                     (T.INT16, "int16", 2)])  # fmt: skip
def test_float8_and_int16_qdq(elem: int, dtype: str, size: int) -> None:
    weight = T.INT8 if elem == T.INT16 else elem
    model = _matmul_with_weight(weight, np.float32, 0, elem)
    report = onnxcost.analyze(model, inputs={"x": (1, 8, 64)})
    mm = next(n for n in report.nodes if n.name == "mm")
    # 16,384 MACs in the activation's type; x_q is 8·64 elements of `size` bytes
    assert dict(mm.macs_by_dtype) == {dtype: 16_384}
    assert mm.bytes_read_activations == 512 * size
    assert mm.bytes_read_weights == 2_048 + 32 * 4 + 32 + 4 + size  # w, scales, zp, x's scale, zp


def test_bfloat16_model_with_casts() -> None:
    weight = h.make_tensor("w", T.BFLOAT16, [64, 32], np.zeros(64 * 32, np.uint16).tobytes(), raw=True)
    nodes = [h.make_node("Cast", ["x"], ["xb"], to=T.BFLOAT16, name="cast_in"),
             h.make_node("MatMul", ["xb", "w"], ["yb"], name="mm"),
             h.make_node("Cast", ["yb"], ["y"], to=T.FLOAT, name="cast_out")]  # fmt: skip
    inputs = [h.make_tensor_value_info("x", T.FLOAT, [1, 8, 64])]
    outputs = [h.make_tensor_value_info("y", T.FLOAT, [1, 8, 32])]
    report = onnxcost.analyze(_model(nodes, [weight], inputs, outputs, opset=17))
    assert dict(report.totals.macs_by_dtype) == {"bfloat16": 16_384}
    assert dict(report.totals.weight_bytes_by_dtype) == {"bfloat16": 4_096}
    cast_in = next(n for n in report.nodes if n.name == "cast_in")
    assert cast_in.bytes_read == 512 * 4 and cast_in.bytes_written == 512 * 2


def test_a_dequantized_graph_output_is_kept() -> None:
    # x_dq feeds the integer MatMul and is also a graph output: its DQ runs, the tensor exists
    model = _matmul_with_weight(T.INT8, np.float32, 0, T.INT8)
    model.graph.output.append(h.make_tensor_value_info("x_dq", T.FLOAT, [1, 8, 64]))
    report = onnxcost.analyze(model)
    dq_x = next(n for n in report.nodes if n.name == "dq_x")
    assert dq_x.status != "zero" and dq_x.bytes_written == 512 * 4
    mm = next(n for n in report.nodes if n.name == "mm")
    assert dict(mm.macs_by_dtype) == {"int8": 16_384}
