"""Lowering to the graph onnxruntime runs (onnxcost.model.lower), and the files it lets onnxruntime read."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

from onnxcost.api import prepare
from onnxcost.errors import OnnxcostError


def _matmul_with_external_weight(folder: Path) -> Path:
    weight = nh.from_array(np.ones((64, 64), np.float32), "w")
    graph = h.make_graph([h.make_node("MatMul", ["x", "w"], ["y"], name="mm")], "g",
                         [h.make_tensor_value_info("x", T.FLOAT, [1, 64])],
                         [h.make_tensor_value_info("y", T.FLOAT, None)], [weight])  # fmt: skip
    path = folder / "m.onnx"
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)], ir_version=8), str(path),
              save_as_external_data=True, location="m.data", size_threshold=0)  # fmt: skip
    return path


def _relocated(path: Path, location: str) -> Path:
    model = onnx.load(str(path), load_external_data=False)
    for entry in model.graph.initializer[0].external_data:
        if entry.key == "location":
            entry.value = location
    target = path.with_name("moved.onnx")
    onnx.save(model, str(target))
    return target


def test_conv_relu_is_one_fused_node(tmp_path: Path) -> None:
    graph = h.make_graph(
        [h.make_node("Conv", ["x", "w"], ["c"], name="conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
         h.make_node("Relu", ["c"], ["y"], name="relu")], "g",
        [h.make_tensor_value_info("x", T.FLOAT, [1, 16, 32, 32])],
        [h.make_tensor_value_info("y", T.FLOAT, None)],
        [nh.from_array(np.ones((16, 16, 3, 3), np.float32), "w")])  # fmt: skip
    path = tmp_path / "conv.onnx"
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)], ir_version=8), str(path))
    as_run = prepare(str(path), runtime="onnxruntime-cpu")
    # onnxruntime fuses the Relu into the convolution (FusedConv, or its NCHWc Conv with an activation)
    assert "Relu" not in [cost.op_type for cost in as_run.costs]
    # 16·16·9 MACs per output pixel × 32·32 pixels = 2,359,296 MACs, whatever the layout
    assert sum(int(cost.macs) for cost in as_run.costs) == 2_359_296


def test_external_data_beside_the_model_is_read(tmp_path: Path) -> None:
    path = _matmul_with_external_weight(tmp_path)
    costs = prepare(str(path), runtime="onnxruntime-cpu").costs
    assert sum(int(cost.macs) for cost in costs) == 64 * 64


@pytest.mark.parametrize("where", ["absolute", "parent"])
def test_external_data_outside_the_folder_is_refused(tmp_path: Path, where: str) -> None:
    inner = tmp_path / "model"
    inner.mkdir()
    path = _matmul_with_external_weight(inner)
    (tmp_path / "secret.bin").write_bytes(b"\0" * 64 * 64 * 4)
    location = str(tmp_path / "secret.bin") if where == "absolute" else "../secret.bin"
    with pytest.raises(OnnxcostError, match="outside the model's folder"):
        prepare(str(_relocated(path, location)), runtime="onnxruntime-cpu")


def test_a_fifo_as_external_data_is_never_opened(tmp_path: Path) -> None:
    path = _matmul_with_external_weight(tmp_path)
    os.mkfifo(tmp_path / "pipe")
    # opening the FIFO would block forever; the check looks at what it is first
    with pytest.raises(OnnxcostError, match="not a regular file"):
        prepare(str(_relocated(path, "pipe")), runtime="onnxruntime-cpu")


def test_dequantized_weight_of_a_float_conv_runs_every_inference(tmp_path: Path) -> None:
    # a float activation keeps the Conv in float, so onnxruntime neither fuses the weight's
    # DequantizeLinear into an integer kernel nor folds it (its constant folding skips
    # DequantizeLinear): the DQ runs on every inference, and is costed so
    weight = nh.from_array(np.ones((16, 16, 3, 3), np.int8), "wq")
    graph = h.make_graph(
        [h.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["w"], name="dq"),
         h.make_node("Conv", ["x", "w"], ["y"], name="conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1])], "g",
        [h.make_tensor_value_info("x", T.FLOAT, [1, 16, 32, 32])],
        [h.make_tensor_value_info("y", T.FLOAT, None)],
        [weight, nh.from_array(np.array(0.01, np.float32), "ws"), nh.from_array(np.array(0, np.int8), "wz")],
    )  # fmt: skip
    path = tmp_path / "dq_conv.onnx"
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)], ir_version=8), str(path))
    as_run = {cost.op_type: cost for cost in prepare(str(path), runtime="onnxruntime-cpu").costs}
    # (x − zero point) · scale over 16·16·3·3 = 2,304 weights: 4,608 FLOPs
    assert as_run["DequantizeLinear"].flops == 4_608
    assert as_run["DequantizeLinear"].status != "zero"
    # with no runtime named, a DQ of constants is folded like any constant subgraph
    without_runtime = {cost.op_type: cost for cost in prepare(str(path)).costs}
    assert without_runtime["DequantizeLinear"].flops == 0
