"""Hand-worked figures for convolutions and matrix products."""

import pytest

from tests.rules.harness import Case, In, W, check

CASES = [
    Case("Conv", [In("x", (1, 3, 224, 224)), W("w", (64, 3, 7, 7)), W("b", (64,))],
         attrs={"strides": [2, 2], "pads": [3, 3, 3, 3]},
         # out 112×112 (floor((224+6−7)/2)+1); MACs = 64·112·112 · 3·7·7 = 118,013,952;
         # FLOPs = 2·MACs + bias 64·112·112 = 236,027,904 + 802,816
         macs=118_013_952, flops=236_830_720, params=64 * 3 * 49 + 64,
         bytes_read=4 * (3 * 224 * 224 + 64 * 3 * 49 + 64), bytes_written=4 * 64 * 112 * 112,
         why="ResNet stem 7×7/2: 64·112²·3·49"),
    Case("Conv", [In("x", (1, 32, 56, 56)), W("w", (32, 1, 3, 3))],
         attrs={"group": 32, "pads": [1, 1, 1, 1]},
         # depthwise: MACs = 32·56·56 · (32/32)·3·3 = 903,168; FLOPs = 1,806,336 (no bias)
         macs=903_168, flops=1_806_336, why="depthwise 3×3, 32 channels, 56²"),
    Case("Conv", [In("x", (2, 16, 10)), W("w", (8, 16, 3))],
         # 1-D: out length 8; MACs = 2·8·8 · 16·3 = 6,144
         macs=6_144, flops=12_288, why="Conv1d batch 2: 2·8·8·16·3"),
    Case("ConvTranspose", [In("x", (1, 16, 8, 8)), W("w", (16, 8, 4, 4)), W("b", (8,))],
         attrs={"strides": [2, 2], "pads": [1, 1, 1, 1]},
         # out = 2·(8−1) + 4 − 2 = 16; MACs = 16·8·8 (input) · 8 (Cout) · 16 (k²) = 131,072;
         # FLOPs = 262,144 + bias 8·16·16 = 2,048
         macs=131_072, flops=264_192, why="ConvTranspose 4×4/2: 16·64·8·16"),
    Case("MatMul", [In("a", (1, 128, 768)), W("b", (768, 3072))],
         # MACs = 128·768·3072 = 301,989,888
         macs=301_989_888, flops=603_979_776, why="BERT FFN up: 128·768·3072"),
    Case("MatMul", [In("q", (2, 12, 128, 64)), In("k", (2, 12, 64, 128))],
         # batched: MACs = 2·12 · 128·64·128 = 25,165,824
         macs=25_165_824, flops=50_331_648, why="attention scores 2·12·128·64·128"),
    Case("MatMul", [In("v", (768,)), W("m", (768, 10))],
         # 1-D × 2-D: MACs = 768·10 = 7,680
         macs=7_680, flops=15_360, why="vector×matrix 768·10"),
    Case("Gemm", [In("a", (1, 9216)), W("b", (4096, 9216)), W("c", (4096,))],
         attrs={"transB": 1},
         # MACs = 1·9216·4096 = 37,748,736; FLOPs = 2·MACs + bias 4096 = 75,501,568
         macs=37_748_736, flops=75_501_568, why="AlexNet fc6 9216→4096"),
    Case("Gemm", [In("a", (64, 32)), W("b", (64, 16)), W("c", (32, 16))],
         attrs={"transA": 1, "alpha": 0.5, "beta": 2.0},
         # M=32, K=64, N=16 → 32,768 MACs; + α 512 + β·C 512 + add 512 = 67,072 FLOPs
         macs=32_768, flops=67_072, why="Gemm transA α β: 32·64·16"),
    Case("Einsum", [In("a", (8, 32, 64)), In("b", (8, 64, 16))], attrs={"equation": "bij,bjk->bik"},
         # MACs = b·i·j·k = 8·32·64·16 = 262,144
         macs=262_144, flops=524_288, why="batched matmul as einsum"),
    Case("Einsum", [In("a", (10, 20))], attrs={"equation": "ij->i"},
         # one operand, sum over j: 200 − 10 = 190 adds
         macs=0, flops=190, why="row sum: 200 in, 10 out"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)
