"""Hand-worked figures for element-wise math, activations, variadic ops, Clip, Where and Gelu.

Counting convention (DESIGN.md): every add, subtract, multiply, divide, compare, min/max,
select and each transcendental evaluation is one FLOP; MACs are 0.
"""

import pytest

from tests.rules.harness import Case, In, W, check

# (op, FLOPs per element counted by hand from the ONNX definition, shape, opset, dtype, attrs)
# Every per-element figure below is typed from the formula in its comment, not read from
# onnxcost.rules.elementwise.
UNARY = [
    # |x|: one op
    ("Abs", 1, (2, 3, 4), 13, "float32", {}),
    # −x: one op
    ("Neg", 1, (5, 7), 13, "float32", {}),
    # sign(x): one op
    ("Sign", 1, (16,), 13, "float32", {}),
    # ceil / floor / round: one op each
    ("Ceil", 1, (3, 3), 13, "float32", {}),
    ("Floor", 1, (3, 5), 13, "float32", {}),
    ("Round", 1, (2, 9), 11, "float32", {}),
    # 1/x: one divide
    ("Reciprocal", 1, (4, 4, 4), 13, "float32", {}),
    # one transcendental evaluation each
    ("Sqrt", 1, (10,), 13, "float32", {}),
    ("Exp", 1, (1, 100), 13, "float32", {}),
    ("Log", 1, (6, 6), 13, "float32", {}),
    ("Erf", 1, (2, 50), 13, "float32", {}),
    ("Sin", 1, (8,), 7, "float32", {}),
    ("Cos", 1, (8, 2), 7, "float32", {}),
    ("Tan", 1, (3, 4), 7, "float32", {}),
    ("Asin", 1, (11,), 7, "float32", {}),
    ("Acos", 1, (12,), 7, "float32", {}),
    ("Atan", 1, (13,), 7, "float32", {}),
    ("Sinh", 1, (2, 7), 9, "float32", {}),
    ("Cosh", 1, (2, 8), 9, "float32", {}),
    ("Asinh", 1, (3, 7), 9, "float32", {}),
    ("Acosh", 1, (3, 8), 9, "float32", {}),
    ("Atanh", 1, (3, 9), 9, "float32", {}),
    ("Tanh", 1, (1, 128, 64), 13, "float32", {}),
    # logical / bitwise not: one op
    ("Not", 1, (4, 5), 1, "bool", {}),
    ("BitwiseNot", 1, (4, 6), 18, "int32", {}),
    # x != x: one compare
    ("IsNaN", 1, (30,), 13, "float32", {}),
    # |x| == inf: one test
    ("IsInf", 1, (31,), 10, "float32", {}),
    # max(0, x): one max
    ("Relu", 1, (1, 64, 8, 8), 14, "float32", {}),
    # x > alpha ? x : 0: one compare-select
    ("ThresholdedRelu", 1, (5, 5), 10, "float32", {"alpha": 0.5}),
    # x < 0 ? alpha·x : x: compare, mul = 2
    ("LeakyRelu", 2, (2, 16, 4, 4), 16, "float32", {"alpha": 0.1}),
    # 1 / (1 + exp(−x)): neg, exp, add, div = 4
    ("Sigmoid", 4, (3, 40), 13, "float32", {}),
    # max(0, min(1, alpha·x + beta)): mul, add, min, max = 4
    ("HardSigmoid", 4, (2, 10), 6, "float32", {}),
    # x · hardsigmoid(x): 4 + mul = 5
    ("HardSwish", 5, (1, 16, 10, 10), 14, "float32", {}),
    # x < 0 ? alpha·(exp(x) − 1) : x: compare, exp, sub, mul = 4
    ("Elu", 4, (6, 7), 6, "float32", {}),
    # gamma·(x ≤ 0 ? alpha·exp(x) − alpha : x): compare, exp, mul, sub, mul = 5
    ("Selu", 5, (6, 8), 6, "float32", {}),
    # max(0, x) + min(0, alpha·(exp(x/alpha) − 1)): max, div, exp, sub, mul, min, add = 7
    ("Celu", 7, (9, 9), 12, "float32", {}),
    # log(exp(x) + 1): exp, add, log = 3
    ("Softplus", 3, (4, 25), 1, "float32", {}),
    # x / (1 + |x|): abs, add, div = 3
    ("Softsign", 3, (4, 26), 1, "float32", {}),
    # x · tanh(log(1 + exp(x))): exp, add, log, tanh, mul = 5
    ("Mish", 5, (2, 32, 5, 5), 18, "float32", {}),
    # x < −lambd ? x + bias : (x > lambd ? x − bias : 0): two compares, one add/sub = 3
    ("Shrink", 3, (7, 7), 9, "float32", {"lambd": 0.5, "bias": 0.1}),
    # x · sigmoid(alpha·x): mul, neg, exp, add, div, mul = 6
    ("Swish", 6, (2, 3, 5), 24, "float32", {}),
]

# (op, FLOPs per output element, shape a, shape b, output elements after broadcasting, opset,
#  dtype, attrs); output element counts are worked out by hand in the comments.
BINARY = [
    # a + b on [4,1,6] and [5,1]: out [4,5,6] = 120
    ("Add", 1, (4, 1, 6), (5, 1), 120, 14, "float32", {}),
    # a − b on [3,4] and [4]: out [3,4] = 12
    ("Sub", 1, (3, 4), (4,), 12, 14, "float32", {}),
    # a · b on [2,1] and [1,9]: out [2,9] = 18
    ("Mul", 1, (2, 1), (1, 9), 18, 14, "float32", {}),
    # a / b on [6,5] and [1]: out 30
    ("Div", 1, (6, 5), (1,), 30, 14, "float32", {}),
    # a ^ b on [10] and []: out 10 (one pow evaluation each)
    ("Pow", 1, (10,), (), 10, 15, "float32", {}),
    # a mod b (integer) on [4,4] and [4,4]: 16
    ("Mod", 1, (4, 4), (4, 4), 16, 13, "int32", {}),
    # comparisons: one compare per output element
    ("Equal", 1, (2, 3, 4), (3, 1), 24, 13, "float32", {}),
    ("Greater", 1, (5, 1), (1, 5), 25, 13, "float32", {}),
    ("Less", 1, (7,), (7,), 7, 13, "float32", {}),
    ("GreaterOrEqual", 1, (2, 8), (8,), 16, 16, "float32", {}),
    ("LessOrEqual", 1, (3, 1, 2), (4, 1), 24, 16, "float32", {}),
    # logical ops on bool: one each
    ("And", 1, (3, 3), (3, 3), 9, 7, "bool", {}),
    ("Or", 1, (3, 1), (1, 4), 12, 7, "bool", {}),
    ("Xor", 1, (6,), (1,), 6, 7, "bool", {}),
    # shifts and bitwise ops: one each
    ("BitShift", 1, (8,), (8,), 8, 11, "uint8", {"direction": "LEFT"}),
    ("BitwiseAnd", 1, (2, 5), (5,), 10, 18, "int32", {}),
    ("BitwiseOr", 1, (2, 6), (6,), 12, 18, "int32", {}),
    ("BitwiseXor", 1, (2, 7), (7,), 14, 18, "int32", {}),
]


def _numel(shape: tuple[int, ...]) -> int:
    count = 1
    for dim in shape:
        count *= dim
    return count


TABLE_CASES = [
    Case(op, [In("x", shape, dtype)], macs=0, flops=per_element * _numel(shape),
         opset=opset, attrs=attrs, status="ok",
         why=f"{op}: {per_element}/elem × {_numel(shape)} elements")
    for op, per_element, shape, opset, dtype, attrs in UNARY
] + [
    Case(op, [In("a", a, dtype), In("b", b, dtype)], macs=0, flops=per_element * out,
         opset=opset, attrs=attrs, status="ok",
         why=f"{op}: {per_element}/elem × {out} broadcast output elements")
    for op, per_element, a, b, out, opset, dtype, attrs in BINARY
]

CASES = [
    *TABLE_CASES,
    Case("Add", [In("a", (8, 1, 32)), In("b", (1, 16, 32))],
         # broadcast [8,1,32] + [1,16,32] → [8,16,32] = 4,096 adds;
         # bytes: read 4·(256 + 512) = 3,072, write 4·4,096 = 16,384
         macs=0, flops=4_096, bytes_read=3_072, bytes_written=16_384,
         why="broadcast add 8·16·32"),
    Case("Add", [In("x", ("batch", 64, 64)), W("bias", (64,))],
         # [batch,64,64] + [64] → 4,096·batch adds; bytes read 4·4096·batch + 4·64 (weight)
         macs=0, flops="4096*batch", bytes_read="16384*batch + 256",
         bytes_written="16384*batch", why="symbolic batch: 4096·batch adds"),
    Case("PRelu", [In("x", (1, 32, 10, 10)), W("slope", (32, 1, 1))],
         # x < 0 ? slope·x : x: compare, mul = 2 per element; 3,200 elements → 6,400;
         # the 32 slopes are parameters
         macs=0, flops=6_400, params=32, why="PRelu per-channel slope: 2·3,200"),
    Case("Sum", [In("a", (4, 8)), In("b", (4, 8)), In("c", (8,))],
         # three inputs → two pairwise adds per output element; out [4,8] = 32 → 64
         macs=0, flops=64, why="Sum of 3: 2 adds × 32"),
    Case("Sum", [In("a", (4, 8))],
         # one input: (1 − 1) adds = 0 — the output is a copy of the input
         macs=0, flops=0, why="Sum of 1: a copy, 0 adds"),
    Case("Max", [In("a", (2, 1, 5)), In("b", (3, 1))],
         # two inputs → one max per output; out [2,3,5] = 30
         macs=0, flops=30, opset=13, why="Max of 2 broadcast: 30"),
    Case("Min", [In("a", (6,)), In("b", (6,)), In("c", (6,)), In("d", (6,))],
         # four inputs → three mins per output element; 6 outputs → 18
         macs=0, flops=18, opset=13, why="Min of 4: 3 × 6"),
    Case("Mean", [In("a", (5, 4)), In("b", (5, 4)), In("c", (5, 4))],
         # three inputs: 2 adds + 1 divide = 3 per output element; 20 outputs → 60
         macs=0, flops=60, opset=13, why="Mean of 3: (2 adds + 1 div) × 20"),
    # Clip opset 6: bounds are attributes; the schema fills min/max with ∓FLT_MAX when absent,
    # and such a default bound clips nothing.
    Case("Clip", [In("x", (2, 3, 4))], attrs={"min": 0.0, "max": 6.0}, opset=6,
         # min(max(x, 0), 6): 2 compares × 24 = 48
         macs=0, flops=48, why="Clip-6 both bounds attrs: 2 × 24"),
    Case("Clip", [In("x", (2, 3, 4))], attrs={"min": 0.0}, opset=6,
         # max(x, 0) only: 1 compare × 24 = 24 (max left at its default +FLT_MAX)
         macs=0, flops=24, why="Clip-6 min attr only: 1 × 24"),
    Case("Clip", [In("x", (2, 3, 4))], opset=6,
         # no bound given: both at ∓FLT_MAX → 0 compares
         macs=0, flops=0, why="Clip-6 no attrs: 0"),
    # Clip opset 11+: bounds are optional inputs
    Case("Clip", [In("x", (1, 32, 8, 8)), W("lo", (), value=0.0), W("hi", (), value=6.0)],
         opset=11,
         # ReLU6: 2 compares × 2,048 = 4,096
         macs=0, flops=4_096, why="Clip-11 min and max inputs: 2 × 2,048"),
    Case("Clip", [In("x", (1, 32, 8, 8)), None, W("hi", (), value=6.0)], opset=13,
         # only max given (min is the empty name): 1 × 2,048
         macs=0, flops=2_048, why="Clip-13 max input only: 1 × 2,048"),
    Case("Clip", [In("x", (10,))], opset=13,
         # no bounds: 0
         macs=0, flops=0, why="Clip-13 no bound inputs: 0"),
    Case("Where", [In("c", (4, 1), "bool"), In("a", (1, 5)), In("b", (4, 5))],
         # one select per output element; out [4,5] = 20
         macs=0, flops=20, opset=16, why="Where broadcast: 20 selects"),
    Case("Gelu", [In("x", (2, 64, 768))], opset=20,
         # 0.5·x·(1 + erf(x/√2)): div, erf, add, mul, mul = 5; 98,304 elements → 491,520
         macs=0, flops=491_520, why="Gelu erf form: 5 × 98,304"),
    Case("Gelu", [In("x", (2, 64, 768))], opset=20, attrs={"approximate": "tanh"},
         # 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): x³ (2 mul), ·0.044715, + x, ·√(2/π),
         # tanh, 1 +, ·x, ·0.5 = 9; 98,304 elements → 884,736
         macs=0, flops=884_736, why="Gelu tanh form: 9 × 98,304"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)
