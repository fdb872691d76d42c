"""Hand-worked figures for RMSNormalization and RotaryEmbedding (opset 23)."""

import pytest

from tests.rules.harness import Case, In, W, check

CASES = [
    Case("RMSNormalization", [In("x", (2, 128, 4096)), W("scale", (4096,))], opset=23,
         # 1,048,576 elements × (square, sum, × 1/rms, × scale) = 4,194,304
         # + 256 rows × (÷ n, + ε, sqrt, reciprocal) = 1,024 → 4,195,328
         macs=0, flops=4_195_328, why="Llama hidden 4096, 2×128 tokens"),
    Case("RotaryEmbedding", [In("x", (1, 8, 16, 64)), In("cos", (1, 16, 32)), In("sin", (1, 16, 32))],
         opset=23,
         # 4-D [B, H, S, d], full rotation: 8·16·64 = 8,192 elements × 3 = 24,576
         macs=0, flops=24_576, why="full rotary, 8 heads × 64"),
    Case("RotaryEmbedding", [In("x", (2, 10, 128)), In("cos", (50, 8)), In("sin", (50, 8)),
                             In("pos", (2, 10), "int64")],
         attrs={"num_heads": 4, "rotary_embedding_dim": 16}, opset=23,
         # 3-D, head 128/4 = 32, rotate 16 of 32: 2,560 · 16/32 = 1,280 × 3 = 3,840
         macs=0, flops=3_840, why="partial rotary 16 of 32, position ids"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)
