"""Shapes that cannot run (onnxcost.shapes.consistency): one error naming the node, except in an If
branch, which is then known not to be the one taken."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

import onnxcost
from onnxcost.errors import ShapeError


def _model(nodes, inputs, inits=(), opset=17) -> onnx.ModelProto:
    graph = h.make_graph(nodes, "g", inputs, [h.make_tensor_value_info(nodes[-1].output[0], T.FLOAT, None)],
                         list(inits))  # fmt: skip
    return h.make_model(graph, opset_imports=[h.make_opsetid("", opset)])


def _w(name: str, *shape: int) -> onnx.TensorProto:
    return nh.from_array(np.ones(shape, np.float32), name)


def _x(name: str = "x", rank: int = 2) -> onnx.ValueInfoProto:
    return h.make_tensor_value_info(name, T.FLOAT, [f"{name}{i}" for i in range(rank)])


CASES = {
    "matmul": (
        [h.make_node("MatMul", ["x", "w"], ["y"], name="fc")], [_x()], [_w("w", 64, 10)],
        {"x": (2, 32)},
        "node 'fc' (MatMul): 'x' [2, 32] has 32 columns, but 'w' [64, 10] has 64 rows",
    ),
    "gemm": (
        [h.make_node("Gemm", ["x", "w"], ["y"], name="fc", transB=1)], [_x()], [_w("w", 10, 64)],
        {"x": (2, 32)},
        "node 'fc' (Gemm): 'x' [2, 32] gives K = 32, but 'w' [10, 64] gives K = 64",
    ),
    "broadcast": (
        [h.make_node("Add", ["x", "b"], ["y"], name="bias")], [_x()], [_w("b", 3)], {"x": (2, 4)},
        "node 'bias' (Add): cannot broadcast 'x' [2, 4], 'b' [3] (axis -1: [3, 4])",
    ),
    "concat": (
        [h.make_node("Concat", ["x", "c"], ["y"], name="join", axis=1)], [_x()], [_w("c", 3, 4)],
        {"x": (2, 4)},
        "node 'join' (Concat): inputs disagree off the concat axis 1",
    ),
    "reshape": (
        [h.make_node("Reshape", ["x", "s"], ["y"], name="view")], [_x()],
        [nh.from_array(np.array([3, 3], np.int64), "s")], {"x": (2, 4)},
        "node 'view' (Reshape): cannot reshape 'x' [2, 4] (8 elements) to [3, 3] (9 elements)",
    ),
    "layer-norm": (
        [h.make_node("LayerNormalization", ["x", "g"], ["y"], name="ln")], [_x()], [_w("g", 6)],
        {"x": (2, 4)},
        "node 'ln' (LayerNormalization): cannot broadcast",
    ),
    "batch-norm": (
        [h.make_node("BatchNormalization", ["x", "g", "b", "m", "v"], ["y"], name="bn")], [_x(rank=4)],
        [_w(n, 16) for n in "gbmv"], {"x": (1, 8, 4, 4)},
        "node 'bn' (BatchNormalization): input 'x' has 8 channels [1, 8, 4, 4], but 'g' holds 16 values",
    ),
    "lstm": (
        [h.make_node("LSTM", ["x", "W", "R"], ["y"], name="rnn", hidden_size=4)], [_x(rank=3)],
        [_w("W", 1, 16, 10), _w("R", 1, 16, 4)], {"x": (5, 1, 8)},
        "node 'rnn' (LSTM): input 'x' [5, 1, 8] has 8 features, but weight 'W' [1, 16, 10] takes 10",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_contradiction_is_one_error_that_names_the_node(case: str) -> None:
    nodes, inputs, inits, shapes, message = CASES[case]
    model = _model(nodes, inputs, inits)
    with pytest.raises(ShapeError) as error:
        onnxcost.analyze(model, inputs=shapes)
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    onnxcost.analyze(model)  # unbound, the dims could still fit: no error


def test_an_if_branch_that_cannot_run_is_not_the_one_taken() -> None:
    """silero VAD's spelling: If(sr == 16000) with a 16 kHz branch and an 8 kHz one whose weights do
    not fit the bound input. The condition is a run-time value, but only one branch can run."""
    then_branch = h.make_graph(
        [h.make_node("MatMul", ["x", "w16"], ["t"], name="mm16")], "then", [],
        [h.make_tensor_value_info("t", T.FLOAT, None)], [_w("w16", 32, 8)],
    )  # fmt: skip
    else_branch = h.make_graph(
        [h.make_node("MatMul", ["x", "w8"], ["e"], name="mm8")], "else", [],
        [h.make_tensor_value_info("e", T.FLOAT, None)], [_w("w8", 16, 8)],
    )  # fmt: skip
    nodes = [
        h.make_node("Equal", ["sr", "sixteen_k"], ["is16"], name="is16"),
        h.make_node("If", ["is16"], ["y"], name="by_rate", then_branch=then_branch, else_branch=else_branch),
    ]
    inputs = [_x(), h.make_tensor_value_info("sr", T.INT64, [])]
    model = _model(nodes, inputs, [nh.from_array(np.array(16000, np.int64), "sixteen_k")])
    report = onnxcost.analyze(model, inputs={"x": (1, 32), "sr": ()})
    # only the 16 kHz branch takes 32 features: 1·32·8 = 256 MACs (the other would be 1·16·8)
    assert report.totals.macs == 256
    assert any(
        "the else branch cannot run with these shapes" in w and "node 'mm8'" in w for w in report.warnings
    )
    assert report.totals.params == 32 * 8 + 16 * 8  # both branches ship in the file
    with pytest.raises(ShapeError, match="node 'by_rate' \\(If\\): neither branch can run"):
        onnxcost.analyze(model, inputs={"x": (1, 20), "sr": ()})  # neither branch can run
