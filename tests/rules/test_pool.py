"""Hand-worked figures for windowed and global pooling."""

import pytest

from tests.rules.harness import Case, In, check

CASES = [
    Case("MaxPool", [In("x", (1, 64, 112, 112))],
         attrs={"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]},
         # ResNet pool: out = floor((112 + 2 − 3)/2) + 1 = 56; outputs 64·56·56 = 200,704;
         # one compare per window element: 200,704 · 9 = 1,806,336;
         # bytes: read 4·802,816 = 3,211,264, write 4·200,704 = 802,816
         macs=0, flops=1_806_336, bytes_read=3_211_264, bytes_written=802_816,
         why="MaxPool 3×3/2 on 64·112²: 200,704 · 9"),
    Case("MaxPool", [In("x", (2, 4, 9))], attrs={"kernel_shape": [3], "dilations": [2]},
         opset=12,
         # 1-D, dilation 2: effective window 5, out = 9 − 5 + 1 = 5; outputs 2·4·5 = 40;
         # 3 taps each → 120 compares
         macs=0, flops=120, why="MaxPool1d k3 d2: 40 · 3"),
    Case("MaxPool", [In("x", ("batch", 3, 32, 32))],
         attrs={"kernel_shape": [2, 2], "strides": [2, 2]},
         # out [batch,3,16,16] = 768·batch outputs × 4 compares = 3072·batch
         macs=0, flops="3072*batch", bytes_read="12288*batch", bytes_written="3072*batch",
         why="symbolic MaxPool 2×2/2: 768·batch · 4"),
    Case("AveragePool", [In("x", (1, 32, 28, 28))],
         attrs={"kernel_shape": [2, 2], "strides": [2, 2]},
         # out 14×14: outputs 32·196 = 6,272; 4 adds (window) + 1 divide = 5 each → 31,360
         macs=0, flops=31_360, why="AveragePool 2×2/2: 6,272 · (4 + 1)"),
    Case("AveragePool", [In("x", (1, 8, 7, 7))],
         attrs={"kernel_shape": [3, 3], "pads": [1, 1, 1, 1], "count_include_pad": 1},
         opset=19,
         # same-size out 7×7: outputs 8·49 = 392; (9 + 1) each → 3,920
         macs=0, flops=3_920, why="AveragePool 3×3 same pad: 392 · 10"),
    Case("LpPool", [In("x", (1, 8, 10, 10))], attrs={"kernel_shape": [3, 3], "p": 2},
         # out 8×8: outputs 8·64 = 512; per window element |x|^p and add (2·9 = 18),
         # one root per output → 19 each → 9,728
         macs=0, flops=9_728, why="LpPool 3×3: 512 · (2·9 + 1)"),
    Case("GlobalMaxPool", [In("x", (2, 512, 7, 7))],
         # one compare per input element: 2·512·49 = 50,176; writes 2·512 floats = 4,096 bytes
         macs=0, flops=50_176, bytes_written=4_096, why="GlobalMaxPool: 50,176 compares"),
    Case("GlobalAveragePool", [In("x", (1, 2048, 7, 7))],
         # ResNet-50 head: 2048·49 = 100,352 adds + 2,048 divides = 102,400
         macs=0, flops=102_400, why="GlobalAveragePool: 100,352 + 2,048"),
    Case("GlobalLpPool", [In("x", (1, 16, 4, 4))], attrs={"p": 3},
         # |x|^p and add per input element: 2·256 = 512; one root per channel: 16 → 528
         macs=0, flops=528, why="GlobalLpPool: 2·256 + 16"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)
