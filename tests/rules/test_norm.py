"""Hand-worked figures for normalizations, softmax and its relatives.

A mean/variance normalization of a group of n elements counts, per element: mean add,
subtract, square, variance add, scale by 1/σ (5); per group: two divides, add ε, sqrt,
reciprocal (5); an affine scale and shift add 1 each per element.
"""

import pytest

from tests.rules.harness import Case, In, W, check

CASES = [
    Case("BatchNormalization",
         [In("x", (1, 64, 56, 56)), W("scale", (64,)), W("B", (64,)), W("mean", (64,)),
          W("var", (64,))],
         opset=15,
         # inference, per channel a = γ/√(var + ε) (add, sqrt, div) and b = β − mean·a (mul,
         # sub): 5·64 = 320; per element y = x·a + b: 2·200,704 = 401,408 → 401,728;
         # params 4·64 = 256; bytes read 4·200,704 + 4·256 = 803,840
         macs=0, flops=401_728, params=256, bytes_read=803_840, bytes_written=802_816,
         why="BatchNorm inference 64·56²: 2/elem + 5/channel"),
    Case("BatchNormalization",
         [In("x", (2, 4, 3, 3)), W("scale", (4,)), W("B", (4,)), W("mean", (4,)),
          W("var", (4,))],
         opset=15, attrs={"training_mode": 1}, outputs=3,
         # training: batch statistics add 5/elem; n = 2·4·9 = 72:
         # 2·72 + 5·4 + 5·72 = 144 + 20 + 360 = 524
         macs=0, flops=524, why="BatchNorm training_mode=1: 7/elem + 5/channel"),
    Case("BatchNormalization",
         [In("x", ("batch", 8, 4, 4)), W("scale", (8,)), W("B", (8,)), W("mean", (8,)),
          W("var", (8,))],
         opset=9,
         # n = 128·batch: 2·128·batch + 5·8 = 256·batch + 40
         macs=0, flops="256*batch + 40", why="symbolic BatchNorm: 256·batch + 40"),
    Case("InstanceNormalization", [In("x", (2, 16, 8, 8)), W("s", (16,)), W("b", (16,))],
         # n = 2·16·64 = 2,048; stats + scale + shift 7·2,048 = 14,336; groups N·C = 32 → 160;
         # total 14,496
         macs=0, flops=14_496, why="InstanceNorm: 7·2,048 + 5·32"),
    Case("LayerNormalization", [In("x", (2, 128, 768)), W("g", (768,)), W("b", (768,))],
         # n = 2·128·768 = 196,608; with bias 7/elem → 1,376,256; rows 2·128 = 256 → 1,280;
         # total 1,377,536
         macs=0, flops=1_377_536, why="LayerNorm BERT row: 7·196,608 + 5·256"),
    Case("LayerNormalization", [In("x", (2, 4, 5)), W("g", (4, 5))], attrs={"axis": 1},
         # axis 1: rows = 2; no bias → 6/elem; n = 40 → 240 + 10 = 250
         macs=0, flops=250, why="LayerNorm axis=1 no bias: 6·40 + 5·2"),
    Case("LayerNormalization", [In("x", ("batch", 16, 64)), W("g", (64,)), W("b", (64,))],
         # n = 1,024·batch → 7,168·batch; rows 16·batch → 80·batch; 7,248·batch
         macs=0, flops="7248*batch", why="symbolic LayerNorm: 7·1024·batch + 5·16·batch"),
    Case("GroupNormalization", [In("x", (2, 32, 4, 4)), W("s", (32,)), W("b", (32,))],
         opset=21, attrs={"num_groups": 8},
         # n = 2·32·16 = 1,024 → 7·1,024 = 7,168; groups N·G = 16 → 80; total 7,248
         macs=0, flops=7_248, why="GroupNorm-21 8 groups: 7·1,024 + 5·16"),
    Case("GroupNormalization", [In("x", (1, 6, 5)), W("s", (3,)), W("b", (3,))],
         opset=18, attrs={"num_groups": 3},
         # opset 18 (per-group scale): n = 30 → 210; groups 1·3 → 15; total 225
         macs=0, flops=225, why="GroupNorm-18 3 groups: 7·30 + 5·3"),
    Case("LRN", [In("x", (1, 96, 55, 55))], attrs={"size": 5}, opset=13,
         # AlexNet LRN: per element 5 squares + 4 adds = 9, then ·α/size, + bias, ^β, x ÷ = 4:
         # 13/elem; n = 96·3,025 = 290,400 → 3,775,200
         macs=0, flops=3_775_200, why="LRN size 5: 13 · 290,400"),
    Case("Softmax", [In("x", (4, 10))], opset=13,
         # max, subtract, exp, sum, divide = 5 per element; 40 → 200
         macs=0, flops=200, why="Softmax-13: 5 · 40"),
    Case("Softmax", [In("x", (2, 3, 4))], opset=11, attrs={"axis": 1},
         # opset 11 coerces to 2-D [2, 12]; still 5 per element: 5 · 24 = 120
         macs=0, flops=120, why="Softmax-11 axis 1: 5 · 24"),
    Case("LogSoftmax", [In("x", (2, 3, 4))], opset=11, attrs={"axis": 1},
         # opset 11 coerces to 2-D [∏dims before axis, rest] = [2, 12]: 2 rows;
         # 5·24 + 2 logs = 122
         macs=0, flops=122, why="LogSoftmax-11 axis 1: 5·24 + 2 rows"),
    Case("LogSoftmax", [In("x", (2, 3, 4))], opset=11,
         # opset 11 default axis 1: same 2-D view → 122
         macs=0, flops=122, why="LogSoftmax-11 default axis: 5·24 + 2"),
    Case("LogSoftmax", [In("x", (2, 3, 4))], opset=13, attrs={"axis": 1},
         # opset 13 reduces along axis 1 only: rows = 24 / 3 = 8 → 120 + 8 = 128
         macs=0, flops=128, why="LogSoftmax-13 axis 1: 5·24 + 8 rows"),
    Case("LogSoftmax", [In("x", (2, 3, 4))], opset=13,
         # opset 13 default axis −1: rows = 24 / 4 = 6 → 126
         macs=0, flops=126, why="LogSoftmax-13 default axis −1: 5·24 + 6"),
    Case("Hardmax", [In("x", (3, 7))], opset=13,
         # one compare per element: 21
         macs=0, flops=21, why="Hardmax: 21 compares"),
    Case("MeanVarianceNormalization", [In("x", (2, 3, 4, 5))], opset=13,
         # default axes [0,2,3]: 2·4·5 = 40 elements per group, groups = 120 / 40 = 3;
         # 5·120 + 5·3 = 615
         macs=0, flops=615, why="MVN default axes: 5·120 + 5·3"),
    Case("MeanVarianceNormalization", [In("x", (2, 3, 4, 5))], opset=13, attrs={"axes": [3]},
         # axes [3]: groups = 120 / 5 = 24 → 600 + 120 = 720
         macs=0, flops=720, why="MVN axes [3]: 5·120 + 5·24"),
    Case("LpNormalization", [In("x", (4, 8))],
         # |x|^p, add, divide = 3 per element: 96
         macs=0, flops=96, why="LpNormalization: 3 · 32"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)


# 1·16·4·2,100 = 134,400 elements: Softmax 5 each = 672,000; LogSoftmax adds a log a row
@pytest.mark.parametrize(
    ("shape", "opset", "axis", "kernel", "flops", "log_flops"),
    [
        # a YOLO head's 16 bins on axis 1, moved last and back: rows 134,400 ÷ 16 = 8,400
        ((1, 16, 4, 2100), 13, 1, "axis", 672_000, 680_400),
        # the last axis: rows in place, 134,400 ÷ 2,100 = 64
        ((1, 16, 4, 2100), 13, -1, "", 672_000, 672_064),
        ((1, 16, 4, 2100), 13, 3, "", 672_000, 672_064),
        # opset 11 flattens at the axis: rows of 4·2,100 in place, 1 row (the dims before axis 1)
        ((1, 16, 4, 2100), 11, 1, "", 672_000, 672_001),
        # 4·10 = 40 elements on axis 0: 200; rows 40 ÷ 4 = 10
        ((4, 10), 13, 0, "axis", 200, 210),
    ],
)
def test_a_softmax_off_the_last_axis_runs_a_kernel_of_its_own(
    shape: tuple[int, ...], opset: int, axis: int, kernel: str, flops: int, log_flops: int
) -> None:
    for op, expected in (("Softmax", flops), ("LogSoftmax", log_flops)):
        case = Case(op, [In("x", shape)], opset=opset, attrs={"axis": axis}, macs=0, flops=expected,
                    why=f"{op}-{opset} axis {axis}")  # fmt: skip
        assert check(case).kernel == kernel
