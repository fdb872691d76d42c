"""Hand-worked figures for (de)quantization and the integer convolutions and matrix products."""

import pytest

from tests.rules.harness import Case, In, W, check

CASES = [
    Case("QuantizeLinear", [In("x", (1, 64, 56, 56)), W("s", value=0.02), W("zp", dtype="uint8", value=128)],
         # 64·56·56 = 200,704 elements × (divide, round, + zp, clamp low, clamp high = 5)
         macs=0, flops=1_003_520, why="per-tensor uint8 with zero point"),
    Case("QuantizeLinear", [In("x", (1000,)), W("s", value=0.1)],
         # no zero point: 1,000 × 4 = 4,000
         macs=0, flops=4_000, why="no zero point"),
    Case("QuantizeLinear", [In("x", (64, 128)), W("s", (64, 4)), W("zp", (64, 4), dtype="int8")],
         attrs={"axis": 1, "block_size": 32}, opset=21,
         # blocked scales change which scale is used, not the count: 8,192 × 5 = 40,960
         macs=0, flops=40_960, why="block quantization, block 32"),
    Case("DequantizeLinear", [In("x", (1, 64, 56, 56), "uint8"), W("s", value=0.02),
                              W("zp", dtype="uint8", value=128)],
         # 200,704 × (subtract zp, multiply) = 401,408
         macs=0, flops=401_408, why="per-tensor with zero point"),
    Case("DequantizeLinear", [In("x", (128, 256), "int8"), W("s", (128,))], attrs={"axis": 0},
         # per-axis, no zero point: 32,768 × 1 multiply
         macs=0, flops=32_768, why="per-axis, no zero point"),
    Case("DynamicQuantizeLinear", [In("x", (1, 128, 768))], outputs=3,
         # 98,304 × (min, max, divide, round, + zp, clamp 2 = 7) = 688,128, + 9 scalar
         # FLOPs for scale and zero point = 688,137
         macs=0, flops=688_137, why="BERT activation 128×768"),
    Case("MatMulInteger", [In("a", (1, 128, 768), "uint8"), W("b", (768, 3072), "int8"),
                           W("azp", dtype="uint8", value=3)],
         # MACs = 128·768·3072 = 301,989,888; FLOPs = 2·MACs + A − a_zp on 98,304 elements
         macs=301_989_888, flops=604_078_080, why="u8×s8 BERT FFN, A zero point"),
    Case("ConvInteger", [In("x", (1, 3, 32, 32), "uint8"), W("w", (16, 3, 3, 3), "uint8"),
                         W("xzp", dtype="uint8", value=1), W("wzp", dtype="uint8", value=2)],
         attrs={"pads": [1, 1, 1, 1]},
         # out 32×32; MACs = 16·1,024 · 3·9 = 442,368; FLOPs = 884,736 + x subs 3,072 +
         # w subs 432 = 888,240
         macs=442_368, flops=888_240, why="ConvInteger 3×3 pad 1 with zero points"),
    Case("QLinearConv", [In("x", (1, 8, 16, 16), "uint8"), W("xs", value=0.1),
                         W("xzp", dtype="uint8", value=128), W("w", (16, 8, 3, 3), "uint8"),
                         W("ws", (16,)), W("wzp", (16,), "uint8"), W("ys", value=0.2),
                         W("yzp", dtype="uint8", value=128), W("b", (16,), "int32")],
         attrs={"pads": [1, 1, 1, 1]},
         # out 16×16×16 = 4,096; MACs = 4,096 · 8·9 = 294,912; FLOPs = 589,824 + x subs 2,048
         # + w subs 1,152 + 4,096 · (5 requantize + 1 bias) = 24,576 → 617,600
         macs=294_912, flops=617_600, why="QLinearConv 3×3 with bias"),
    Case("QLinearMatMul", [In("a", (2, 64, 128), "uint8"), W("as", value=0.1),
                           W("azp", dtype="uint8", value=128), W("b", (128, 256), "int8"),
                           W("bs", value=0.05), W("bzp", dtype="int8", value=0), W("ys", value=0.2),
                           W("yzp", dtype="uint8", value=128)],
         # MACs = 2·64·128·256 = 4,194,304; FLOPs = 8,388,608 + a subs 16,384 + b subs 32,768
         # + 5 · 32,768 outputs = 163,840 → 8,601,600
         macs=4_194_304, flops=8_601_600, why="QLinearMatMul batched 2×64×128·128×256"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("op", ["MatMulInteger", "ConvInteger", "QLinearConv", "QLinearMatMul"])
def test_integer_work_runs_in_the_input_dtype(op: str) -> None:
    case = next(c for c in CASES if c.op_type == op)
    node = check(case)
    assert node.dtype == "uint8"
    assert dict(node.macs_by_dtype) == {"uint8": case.macs}
