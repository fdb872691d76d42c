"""Hand-worked figures for DeformConv, GridSample, AffineGrid, Col2Im and MaxUnpool.

Bilinear sampling of one value: 4 multiplies + 3 adds = 7 FLOPs; its weights at one location:
floor, fraction, 1 − fraction per dim (6) + 4 corner products (4) = 10.
"""

import pytest

from tests.rules.harness import Case, In, W, check

CASES = [
    Case("DeformConv", [In("x", (1, 16, 10, 10)), W("w", (32, 16, 3, 3)), In("offset", (1, 18, 8, 8))],
         opset=19,
         # out 8×8; MACs = 32·64 · 16·9 = 294,912
         # sampled values = N·C·∏out·∏k = 16 · 64 · 9 = 9,216 × 7 = 64,512
         # locations = N·offset_group·64·9 = 576 × (2 offset adds + 10 weights) = 6,912
         # FLOPs = 589,824 + 64,512 + 6,912 = 661,248
         macs=294_912, flops=661_248, why="DeformConv 3×3, 16→32, 10×10"),
    Case("DeformConv", [In("x", (1, 16, 10, 10)), W("w", (32, 16, 3, 3)), In("offset", (1, 18, 8, 8)),
                        W("b", (32,)), In("mask", (1, 9, 8, 8))],
         opset=22,
         # as above + mask 9,216 multiplies + bias 32·64 = 2,048 → 672,512
         macs=294_912, flops=672_512, why="DeformConv with mask and bias"),
    Case("GridSample", [In("x", (1, 3, 32, 32)), In("grid", (1, 16, 16, 2))], opset=16,
         # bilinear: 3·256 = 768 values × 7 = 5,376; 256 locations × (unnormalize 4 +
         # weights 10 + zeros padding: 2 bounds × 2 dims × 4 taps = 16) = 7,680 → 13,056
         macs=0, flops=13_056, why="bilinear, zeros padding, 16×16 grid"),
    Case("GridSample", [In("x", (2, 4, 8, 8)), In("grid", (2, 5, 5, 2))],
         attrs={"mode": "nearest", "padding_mode": "border"}, opset=20,
         # nearest: no interpolation; 50 locations × (4 unnormalize + 2 round + 4 clamp) = 500
         macs=0, flops=500, why="nearest, border padding"),
    Case("GridSample", [In("x", (1, 1, 8, 8)), In("grid", (1, 4, 4, 2))],
         attrs={"mode": "cubic", "padding_mode": "reflection"}, opset=20,
         # 16 taps: 16 values × 31 = 496; 16 locations × (4 + cubic weights 26·2 + 16·1 = 68
         # + reflection 4·2 = 8) = 16 · 80 = 1,280 → 1,776
         macs=0, flops=1_776, why="bicubic, reflection padding"),
    Case("AffineGrid", [In("theta", (2, 2, 3)), W("size", dtype="int64", value=[2, 3, 16, 16])],
         opset=20,
         # 2·16·16 = 512 points × 2 outputs × 2 MACs = 2,048; + 512·2 translation adds
         macs=2_048, flops=5_120, why="2-D affine grid 16×16"),
    Case("Col2Im", [In("x", (1, 12, 16)), W("image", dtype="int64", value=[5, 5]),
                    W("block", dtype="int64", value=[2, 2])],
         opset=18,
         # every one of 12·16 = 192 column entries added into the 3×5×5 image
         macs=0, flops=192, why="Col2Im 2×2 blocks into 5×5"),
    Case("MaxUnpool", [In("x", (1, 8, 4, 4)), In("i", (1, 8, 4, 4), "int64")],
         attrs={"kernel_shape": [2, 2], "strides": [2, 2]},
         # data movement: reads 128·4 + 128·8 = 1,536 bytes, writes 8·8·8·4 = 2,048
         macs=0, flops=0, status="zero", bytes_read=1_536, bytes_written=2_048,
         why="MaxUnpool 2×2/2"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)
