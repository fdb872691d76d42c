"""Hand-worked figures for DFT, STFT, the window generators and MelWeightMatrix.

A transform of power-of-two length N counts 5·N·log2(N) FLOPs (radix-2 FFT, "estimated");
any other N the direct DFT: N_out bins × N complex products × 4 real MACs.
"""

import pytest

from tests.rules.harness import Case, In, W, check

CASES = [
    Case("DFT", [In("x", (4, 512, 1))], attrs={"axis": 1},
         # 4 transforms of N = 512 = 2^9: 4 · 5·512·9 = 92,160 FLOPs, no MACs
         macs=0, flops=92_160, status="estimated", why="opset 17 real FFT N=512"),
    Case("DFT", [In("x", (2, 100, 2))], attrs={"axis": 1},
         # N = 100 (not 2^k): direct, 2 transforms · 4 · 100 · 100 = 80,000 MACs, 160,000 FLOPs
         macs=80_000, flops=160_000, status="ok", why="opset 17 complex direct DFT N=100"),
    Case("DFT", [In("x", (1, 10, 1))], attrs={"axis": 1, "onesided": 1},
         # one-sided: N_out = 10//2 + 1 = 6 bins; MACs = 4 · 10 · 6 = 240
         macs=240, flops=480, why="opset 17 one-sided N=10"),
    Case("DFT", [In("x", (3, 64, 2))], attrs={"inverse": 1}, opset=20,
         # axis input absent: −2 → N = 64; 3 · 5·64·6 = 5,760 + inverse 1/N scaling
         # 2 · 3 · 64 = 384 → 6,144
         macs=0, flops=6_144, why="opset 20 inverse FFT N=64, default axis"),
    Case("DFT", [In("x", (2, 40, 2)), W("n", dtype="int64", value=48), W("axis", dtype="int64", value=1)],
         opset=20,
         # dft_length 48 (zero-padded, not 2^k): 2 transforms · 4 · 48 · 48 = 18,432 MACs
         macs=18_432, flops=36_864, why="opset 20 dft_length 48, axis input"),
    Case("STFT", [In("signal", (1, 16000, 1)), W("step", dtype="int64", value=160), W("window", (400,))],
         # frames = ⌊(16000 − 400)/160⌋ + 1 = 98; one-sided bins = 201; N = 400 direct:
         # MACs = 98 · 4 · 400 · 201 = 31,516,800; FLOPs = 63,033,600 + window 98·400 = 39,200
         macs=31_516_800, flops=63_072_800, why="Whisper-like 25 ms frames, 10 ms hop"),
    Case("STFT", [In("signal", (2, 1024, 1)), W("step", dtype="int64", value=256), W("window", (512,))],
         # frames = (1024 − 512)/256 + 1 = 3, 2·3 = 6 transforms of N = 512:
         # 6 · 5·512·9 = 138,240 + window 6 · 512 = 3,072 → 141,312
         macs=0, flops=141_312, status="estimated", why="STFT N=512 as FFT"),
    Case("HannWindow", [In("size", (), "int64")], out_shapes=[((400,), "float32")],
         # 400 × (2π·n, /N, cos, ·a1, a0 −) = 2,000
         macs=0, flops=2_000, why="Hann 400"),
    Case("HammingWindow", [In("size", (), "int64")], out_shapes=[((10,), "float32")],
         # 10 × 5 = 50
         macs=0, flops=50, why="Hamming 10"),
    Case("BlackmanWindow", [In("size", (), "int64")], out_shapes=[((10,), "float32")],
         # 10 × (2 arg, cos, mul, ×2, cos, mul, sub, add = 9) = 90
         macs=0, flops=90, why="Blackman 10"),
    Case("MelWeightMatrix", [In("mels", (), "int64"), In("n", (), "int64"), In("rate", (), "int64"),
                             In("lo", ()), In("hi", ())],
         out_shapes=[((257, 80), "float32")],
         # 2 · 257·80 = 41,120 triangle weights + 7 · (80 + 2) = 574 band edges → 41,694
         macs=0, flops=41_694, status="estimated", why="512-point DFT, 80 mel bins"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)


def test_stft_frames_over_an_unbound_length() -> None:
    import sympy

    import onnxcost
    from onnxcost.symbolic.formulas import symbol
    from tests.rules.harness import build

    case = Case("STFT", [In("signal", (1, "samples", 1)), W("step", dtype="int64", value=160),
                         W("window", (400,))], macs=0, flops=0, why="symbolic length")
    (node,) = [n for n in onnxcost.analyze(build(case)).nodes if n.op_type == "STFT"]
    frames = sympy.floor((symbol("samples") - 400) / sympy.Integer(160)) + 1
    # per frame: 4 · 400 · 201 = 321,600 MACs
    assert sympy.simplify(node.macs - 321_600 * frames) == 0
