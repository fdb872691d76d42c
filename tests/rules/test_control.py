"""Hand-worked figures for control flow: If, Loop, Scan, with weights inside the bodies."""

import numpy as np
import pytest
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

import onnxcost
from onnxcost.symbolic.formulas import to_json
from tests.rules.harness import Case, In, W, build, check


def _matmul_branch(name: str, k: int, n: int) -> object:
    weight = nh.from_array(np.ones((k, n), np.float32), f"{name}_w")
    nodes = [
        h.make_node("Constant", [], [f"{name}_wc"], value=weight),
        h.make_node("MatMul", ["x", f"{name}_wc"], [f"{name}_y"]),
    ]
    return h.make_graph(nodes, name, [], [h.make_tensor_value_info(f"{name}_y", T.FLOAT, None)])


def _loop_body() -> object:
    nodes = [
        h.make_node("Identity", ["cond_in"], ["cond_out"]),
        h.make_node("MatMul", ["v_in", "loop_w"], ["v_out"]),
    ]
    inputs = [
        h.make_tensor_value_info("i", T.INT64, []),
        h.make_tensor_value_info("cond_in", T.BOOL, []),
        h.make_tensor_value_info("v_in", T.FLOAT, [1, 32]),
    ]
    outputs = [
        h.make_tensor_value_info("cond_out", T.BOOL, []),
        h.make_tensor_value_info("v_out", T.FLOAT, [1, 32]),
    ]
    return h.make_graph(
        nodes, "body", inputs, outputs, [nh.from_array(np.ones((32, 32), np.float32), "loop_w")]
    )


def _scan_body() -> object:
    nodes = [h.make_node("Add", ["s_in", "row"], ["s_out"]), h.make_node("Relu", ["s_out"], ["o"])]
    inputs = [h.make_tensor_value_info("s_in", T.FLOAT, [16]),
              h.make_tensor_value_info("row", T.FLOAT, [16])]  # fmt: skip
    outputs = [h.make_tensor_value_info("s_out", T.FLOAT, [16]),
               h.make_tensor_value_info("o", T.FLOAT, [16])]  # fmt: skip
    return h.make_graph(nodes, "scan_body", inputs, outputs)


CASES = [
    Case(
        "If",
        [In("c", (), "bool")],
        outputs=1,
        attrs={
            "then_branch": _matmul_branch("then", 64, 32),
            "else_branch": _matmul_branch("else", 64, 16),
        },
        # x is [8, 64] (an outer-scope value). then: 8·64·32 = 16,384 MACs; else: 8·64·16 = 8,192;
        # the costlier (then) is taken. Params: 64·32 + 64·16 = 3,072 (both branches ship).
        macs=16_384,
        flops=32_768,
        params=3_072,
        why="If picks the costlier branch",
    ),
    Case(
        "Loop",
        [W("M", (), "int64", 10), None, In("v0", (1, 32))],
        outputs=1,
        attrs={"body": _loop_body()},
        # body: 1·32·32 = 1,024 MACs; × 10 trips = 10,240. Params: the 32×32 body weight = 1,024.
        macs=10_240,
        flops=20_480,
        params=1_024,
        why="Loop: body × 10 static trips",
    ),
    Case(
        "Scan",
        [In("s0", (16,)), In("xs", (5, 16))],
        outputs=2,
        attrs={"body": _scan_body(), "num_scan_inputs": 1},
        # body: Add 16 + Relu 16 = 32 FLOPs; × 5 rows = 160.
        macs=0,
        flops=160,
        why="Scan: body × 5 iterations",
    ),
]


def _outer_x_model(case: Case) -> object:
    model = build(case)
    model.graph.input.append(h.make_tensor_value_info("x", T.FLOAT, [8, 64]))
    return model


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    if case.op_type == "If":
        report = onnxcost.analyze(_outer_x_model(case))
        (node,) = report.nodes
        assert (node.macs, node.flops, node.params) == (case.macs, case.flops, case.params)
        assert report.totals.params == 3_072
    else:
        check(case)


def test_a_control_node_computes_in_its_body_s_dtype() -> None:
    # the If's first input is its bool condition, the Loop's its int64 trip count: the work is
    # the bodies' float32 MatMuls
    report = onnxcost.analyze(_outer_x_model(CASES[0]))
    assert [node.dtype for node in report.nodes] == ["float32"]
    assert [node.dtype for node in onnxcost.analyze(build(CASES[1])).nodes] == ["float32"]


@pytest.mark.parametrize(("branch", "macs"), [("max", 16_384), ("min", 8_192),
                                               ("then", 16_384), ("else", 8_192)])  # fmt: skip
def test_if_branch_choice(branch: str, macs: int) -> None:
    report = onnxcost.analyze(_outer_x_model(CASES[0]), if_branch=branch)
    assert report.nodes[0].macs == macs


def test_loop_with_unknown_trip_count_is_a_formula_that_dim_binds() -> None:
    case = Case("Loop", [In("M", (), "int64"), None, In("v0", (1, 32))],
                attrs={"body": _loop_body()}, macs=0, flops=0, why="")  # fmt: skip
    model = build(case)
    model.graph.node[0].name = "rnn"
    # 1,024 MACs per trip, trips unknown → 1024*rnn_trips; bound to 7 → 7,168
    assert to_json(onnxcost.analyze(model).totals.macs) == "1024*rnn_trips"
    assert onnxcost.analyze(model, dims={"rnn_trips": 7}).totals.macs == 7_168
