"""Hand-worked figures for reductions, arg-reductions and TopK."""

import pytest

from tests.rules.harness import Case, In, W, check

# (op, FLOPs per input element, FLOPs per output element), counted by hand:
REDUCE = [
    # Σx: one add per input element
    ("ReduceSum", 1, 0),
    # Σx / n: one add per input, one divide per output
    ("ReduceMean", 1, 1),
    # max x / min x / ∏x: one compare or multiply per input
    ("ReduceMax", 1, 0),
    ("ReduceMin", 1, 0),
    ("ReduceProd", 1, 0),
    # Σ|x|: abs, add per input
    ("ReduceL1", 2, 0),
    # √Σx²: square, add per input; sqrt per output
    ("ReduceL2", 2, 1),
    # Σx²: square, add per input
    ("ReduceSumSquare", 2, 0),
    # log Σx: add per input; log per output
    ("ReduceLogSum", 1, 1),
    # log Σ exp(x): exp, add per input; log per output
    ("ReduceLogSumExp", 2, 1),
]

# Every op on x [4,6,8] (192 elements) reduced over axis 1 with keepdims → [4,1,8] = 32 outputs,
# FLOPs = per_input·192 + per_output·32; once with axes as an attribute (opset 17) and once as
# an input (opset 18).
TABLE_CASES = [
    Case(op, [In("x", (4, 6, 8))], attrs={"axes": [1]}, opset=17, status="ok",
         macs=0, flops=per_in * 192 + per_out * 32,
         why=f"{op}-17 axes attr: {per_in}·192 + {per_out}·32")
    for op, per_in, per_out in REDUCE
] + [
    Case(op, [In("x", (4, 6, 8)), W("axes", value=[1], dtype="int64")], opset=18,
         macs=0, flops=per_in * 192 + per_out * 32,
         why=f"{op}-18 axes input: {per_in}·192 + {per_out}·32")
    for op, per_in, per_out in REDUCE
]

CASES = [
    *TABLE_CASES,
    Case("ReduceSum", [In("x", (4, 6, 8))], attrs={"axes": [0, 2], "keepdims": 0}, opset=11,
         # ReduceSum-11: axes attribute; out [6] → 192 adds + 0
         macs=0, flops=192, why="ReduceSum-11 axes attr [0,2]: 192"),
    Case("ReduceSum", [In("x", (4, 6, 8)), W("axes", value=[0, 2], dtype="int64")],
         attrs={"keepdims": 0}, opset=13,
         # ReduceSum-13: axes became an input; same 192 adds
         macs=0, flops=192, why="ReduceSum-13 axes input [0,2]: 192"),
    Case("ReduceSum", [In("x", (3, 5))], opset=13,
         # no axes, noop_with_empty_axes = 0: reduce everything to one value: 15 adds
         macs=0, flops=15, why="ReduceSum-13 no axes: all 15"),
    Case("ReduceSum", [In("x", (3, 5))], attrs={"noop_with_empty_axes": 1}, opset=13,
         # no axes with noop_with_empty_axes = 1: the identity, no adds
         macs=0, flops=0, why="ReduceSum-13 noop_with_empty_axes: identity"),
    Case("ReduceSumSquare", [In("x", (3, 5))], attrs={"noop_with_empty_axes": 1}, opset=18,
         # noop: "ReduceSumSquare returns the Square of the input": 1 square × 15 = 15
         macs=0, flops=15, why="ReduceSumSquare-18 noop: square only, 15"),
    Case("ReduceLogSumExp", [In("x", (3, 5)), W("axes", value=[], dtype="int64")],
         attrs={"noop_with_empty_axes": 1}, opset=18,
         # empty axes input + noop: exp and log per element, no sum: 2 × 15 = 30
         macs=0, flops=30, why="ReduceLogSumExp-18 empty axes noop: exp, log × 15"),
    Case("ReduceMax", [In("x", (2, 6, 8)), In("axes", (1,), "int64")], opset=18,
         # axes only known at run time, so the output shape is unknown; max needs only the
         # input: one compare per input element = 96
         macs=0, flops=96, why="ReduceMax-18 run-time axes: 96 compares"),
    Case("ReduceMean", [In("x", (1, 64, 7, 7))], attrs={"axes": [2, 3]}, opset=13,
         # global average: 64·49 = 3,136 adds + 64 divides = 3,200
         macs=0, flops=3_200, why="ReduceMean-13 over H,W: 3,136 + 64"),
    Case("ReduceMean", [In("x", ("batch", 64, 7, 7)), W("axes", value=[2, 3], dtype="int64")],
         opset=18,
         # 3,136·batch adds + 64·batch divides = 3,200·batch
         macs=0, flops="3200*batch", why="symbolic ReduceMean-18: 3,200·batch"),
    Case("ArgMax", [In("x", (3, 10))], attrs={"axis": 1}, opset=13,
         # one compare per input element: 30; writes 3 int64 = 24 bytes
         macs=0, flops=30, bytes_written=24, why="ArgMax axis 1: 30 compares"),
    Case("ArgMin", [In("x", (2, 5, 4))], attrs={"axis": 0, "keepdims": 0}, opset=13,
         # 40 compares
         macs=0, flops=40, why="ArgMin axis 0: 40 compares"),
    Case("TopK", [In("x", (2, 100))], attrs={"k": 5}, opset=9, outputs=2,
         # TopK-1: k attribute; heap of 5: ⌈log2(5 + 1)⌉ = 3 compares per element → 600
         macs=0, flops=600, status="estimated", why="TopK-1 k=5 attr: 200 · 3"),
    Case("TopK", [In("x", (2, 100)), W("k", value=[3], dtype="int64")], opset=11, outputs=2,
         # TopK-10+: K input; ⌈log2(3 + 1)⌉ = 2 → 400
         macs=0, flops=400, status="estimated", why="TopK-11 K=3 input: 200 · 2"),
    Case("TopK", [In("x", (4, 16, 10)), W("k", value=[1], dtype="int64")],
         attrs={"axis": 1}, opset=11, outputs=2,
         # k = 1 along axis 1: ⌈log2 2⌉ = 1 → 640 compares
         macs=0, flops=640, status="estimated", why="TopK-11 k=1 axis 1: 640 · 1"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)
