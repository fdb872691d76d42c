"""Hand-worked figures for Attention (opset 23) and LinearAttention (opset 27).

Per attention score: 1 scale + 5 softmax FLOPs, + 1 per mask (attn_mask, is_causal, padding,
window), + 3 for softcap. Scores are dense (masking selects, it does not skip).
"""

import pytest

from tests.rules.harness import Case, In, check

CASES = [
    Case("Attention", [In("q", (2, 8, 128, 64)), In("k", (2, 8, 128, 64)), In("v", (2, 8, 128, 64))],
         opset=23,
         # MACs = B·H · Lq·Lkv · (dk + dv) = 16 · 128·128 · 128 = 33,554,432
         # scores 16 · 16,384 = 262,144 × 6 = 1,572,864; FLOPs = 67,108,864 + 1,572,864
         macs=33_554_432, flops=68_681_728, why="MHA 4-D 8 heads, 128 tokens"),
    Case("Attention", [In("q", (1, 16, 2048)), In("k", (1, 16, 512)), In("v", (1, 16, 512)), None,
                       In("pk", (1, 8, 100, 64)), In("pv", (1, 8, 100, 64))],
         attrs={"q_num_heads": 32, "kv_num_heads": 8, "is_causal": 1}, opset=23, outputs=3,
         # GQA 32 q heads over 8 kv heads, dk = 2048/32 = 64; kv length 100 past + 16 = 116
         # MACs = 32 · 16 · 116 · (64 + 64) = 7,602,176; scores 32·16·116 = 59,392 × 7
         # (causal) = 415,744; FLOPs = 15,204,352 + 415,744 = 15,620,096
         # bytes written: Y 16·2048·4 = 131,072 + present K and V 2 · 8·116·64·4 = 475,136
         macs=7_602_176, flops=15_620_096, bytes_written=606_208, why="GQA 3-D with kv cache, causal"),
    Case("Attention", [In("q", (1, 4, 10, 16)), In("k", (1, 4, 20, 16)), In("v", (1, 4, 20, 32)),
                       In("mask", (10, 20), "bool")],
         attrs={"softcap": 30.0}, opset=23,
         # MACs = 4 · 10·20 · (16 + 32) = 38,400; scores 800 × (6 + mask 1 + softcap 3)
         # = 8,000; FLOPs = 76,800 + 8,000 = 84,800
         macs=38_400, flops=84_800, why="cross attention, bool mask, softcap, dv ≠ dk"),
    Case("LinearAttention", [In("q", (2, 10, 64)), In("k", (2, 10, 64)), In("v", (2, 10, 128)), None,
                             In("decay", (2, 10, 4)), In("beta", (2, 10, 4))],
         attrs={"q_num_heads": 4, "kv_num_heads": 4}, opset=27, outputs=2,
         # gated_delta, dk = 16, dv = 32, 20 tokens; state = 4·16·32 = 2,048
         # MACs/token = 2,048 (k⊗v) + 2,048 (Sᵀk) + 4·16·32 (qᵀS) = 6,144 → 122,880
         # FLOPs/token extra: scale 4·32 = 128 + decay 2,048 + (v − Sᵀk, β·) 2·4·32 = 256
         # = 2,432 → 48,640; exp of 80 decay values; FLOPs = 245,760 + 48,640 + 80 = 294,480
         macs=122_880, flops=294_480, why="gated delta rule, 4 heads"),
    Case("LinearAttention", [In("q", (1, 5, 16)), In("k", (1, 5, 16)), In("v", (1, 5, 16))],
         attrs={"q_num_heads": 2, "kv_num_heads": 2, "update_rule": "linear"}, opset=27, outputs=2,
         # dk = dv = 8; state 2·8·8 = 128; MACs/token 128 + 128 = 256 → 1,280;
         # scale 2·8 = 16/token → 80; FLOPs = 2,560 + 80 = 2,640
         macs=1_280, flops=2_640, why="linear rule, 2 heads"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)
