"""Loop trip counts derived from the condition (onnxcost.shapes.loops), checked against onnxruntime's run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

import onnxcost
from onnxcost.symbolic.formulas import to_json

INT64_MAX = 2**63 - 1


def _while_rnn(start: int = 0) -> onnx.ModelProto:
    """tf2onnx's spelling of an RNN over time: Loop(M = INT64_MAX, cond = True, t = start, h) whose
    body reads x[t], computes h = tanh(x[t]·W + h·U) and continues while t + 1 < seq, seq taken
    from Shape(x) outside the loop."""
    rng = np.random.default_rng(0)
    body = h.make_graph(
        [
            h.make_node("Gather", ["x", "t"], ["xt"], name="read", axis=0),
            h.make_node("Unsqueeze", ["xt", "zero_axis"], ["row"], name="row"),
            h.make_node("MatMul", ["row", "W"], ["input_part"], name="input_mm"),
            h.make_node("MatMul", ["h", "U"], ["state_part"], name="state_mm"),
            h.make_node("Add", ["input_part", "state_part"], ["pre"], name="add"),
            h.make_node("Tanh", ["pre"], ["h_next"], name="tanh"),
            h.make_node("Add", ["t", "one"], ["t_next"], name="step"),
            h.make_node("Less", ["t_next", "seq"], ["go_on"], name="test"),
            h.make_node("Identity", ["h_next"], ["h_out"], name="emit"),
        ],
        "body",
        [h.make_tensor_value_info("i", T.INT64, []), h.make_tensor_value_info("cond", T.BOOL, []),
         h.make_tensor_value_info("t", T.INT64, []), h.make_tensor_value_info("h", T.FLOAT, [1, 16])],
        [h.make_tensor_value_info("go_on", T.BOOL, []), h.make_tensor_value_info("t_next", T.INT64, []),
         h.make_tensor_value_info("h_next", T.FLOAT, [1, 16]),
         h.make_tensor_value_info("h_out", T.FLOAT, [1, 16])],
        [nh.from_array(np.array([0], np.int64), "zero_axis"), nh.from_array(np.array(1, np.int64), "one")],
    )  # fmt: skip
    nodes = [
        h.make_node("Shape", ["x"], ["shape"], name="shape"),
        h.make_node("Gather", ["shape", "zero"], ["seq"], name="seq", axis=0),
        h.make_node(
            "Loop", ["max_trips", "true", "t0", "h0"], ["t_last", "h_last", "hs"], name="rnn", body=body
        ),
    ]
    inits = [
        nh.from_array(np.array(0, np.int64), "zero"),
        nh.from_array(np.array(INT64_MAX, np.int64), "max_trips"),
        nh.from_array(np.array(True), "true"), nh.from_array(np.array(start, np.int64), "t0"),
        nh.from_array(np.zeros((1, 16), np.float32), "h0"),
        nh.from_array(rng.standard_normal((8, 16)).astype(np.float32), "W"),
        nh.from_array(rng.standard_normal((16, 16)).astype(np.float32), "U"),
    ]  # fmt: skip
    graph = h.make_graph(nodes, "while_rnn", [h.make_tensor_value_info("x", T.FLOAT, ["seq", 8])],
                         [h.make_tensor_value_info("hs", T.FLOAT, None)], inits)  # fmt: skip
    return h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])


def _ort_trips(model: onnx.ModelProto, seq: int) -> int:
    """How many times onnxruntime ran the body: the length of the stacked scan output."""
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    (stacked,) = session.run(None, {"x": np.ones((seq, 8), np.float32)})
    return stacked.shape[0]


def test_trips_of_a_while_loop_over_time_follow_from_the_bound_shape(tmp_path: Path) -> None:
    model = _while_rnn()
    assert _ort_trips(model, 7) == 7
    bound = onnxcost.analyze(model, inputs={"x": (7, 8)})
    # per trip 1·8·16 + 1·16·16 = 384 MACs; 7 trips → 2,688
    assert bound.totals.macs == 7 * 384
    assert bound.derived_dims == {"rnn_trips": 7}
    (loop,) = [n for n in bound.nodes if n.op_type == "Loop"]
    assert "7 trips" in loop.note
    # written per trip: x[t] 32 B, two MatMuls, Add and Tanh 64 B each, t + 1 8 B, the bool 1 B
    # (Unsqueeze and Identity are views): 297 B; 7 trips
    assert loop.bytes_written == 7 * (32 + 4 * 64 + 8 + 1)
    hs = next(t for t in bound.model.outputs if t.name == "hs")
    assert hs.shape == (7, 1, 16)


def test_a_loop_starting_later_runs_fewer_trips() -> None:
    model = _while_rnn(start=3)
    assert _ort_trips(model, 10) == 7  # t runs 3..9
    assert onnxcost.analyze(model, inputs={"x": (10, 8)}).totals.macs == 7 * 384


def test_unbound_trips_are_a_named_symbol_and_dim_binds_them() -> None:
    report = onnxcost.analyze(_while_rnn())
    assert to_json(report.totals.macs) == "384*rnn_trips"
    assert any("rnn_trips" in w and "--dim rnn_trips=N" in w for w in report.warnings)
    assert onnxcost.analyze(_while_rnn(), dims={"rnn_trips": 5}).totals.macs == 5 * 384
