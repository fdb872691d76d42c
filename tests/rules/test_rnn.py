"""Hand-worked figures for the recurrent layers (RNN, GRU, LSTM) and CausalConvWithState.

Per hidden unit and step the activation FLOPs come from the element-wise table: Sigmoid 4,
Tanh 1, Relu 1.
"""

import pytest

from tests.rules.harness import Case, In, W, check

CASES = [
    Case("LSTM", [In("x", (10, 1, 64)), W("w", (1, 512, 64)), W("r", (1, 512, 128)), W("b", (1, 1024))],
         attrs={"hidden_size": 128},
         # MACs = seq 10 · batch 1 · 4 gates · 128 · (64 + 128) = 983,040
         # per unit: 3 sigmoid (12) + 2 tanh (2) + state 4 (f⊙C + i⊙c̃, o⊙h) + bias 8 = 26;
         # units = 10·1·128 = 1,280 → 33,280; FLOPs = 1,966,080 + 33,280 = 1,999,360
         macs=983_040, flops=1_999_360, outputs=3, params=512 * 64 + 512 * 128 + 1024,
         why="LSTM seq 10, in 64, hidden 128, bias"),
    Case("LSTM", [In("x", (5, 2, 16)), W("w", (2, 128, 16)), W("r", (2, 128, 32)), None, None, None,
                  None, W("p", (2, 96))],
         attrs={"hidden_size": 32, "direction": "bidirectional", "clip": 3.0},
         # MACs = 5 · 2 · 2 dirs · 4 · 32 · (16 + 32) = 122,880
         # per unit per direction: activations 14 + state 4 + peepholes 6 + clip 8 = 32, two
         # directions = 64; units = 5·2·32 = 320 → 20,480; FLOPs = 245,760 + 20,480 = 266,240
         macs=122_880, flops=266_240, outputs=3, why="LSTM bidirectional, peepholes, clip"),
    Case("GRU", [In("x", (4, 8, 32)), W("w", (1, 192, 32)), W("r", (1, 192, 64)), W("b", (1, 384))],
         attrs={"hidden_size": 64, "linear_before_reset": 1, "layout": 1}, opset=14,
         # batch-first: seq 8, batch 4; MACs = 8·4 · 3 gates · 64 · (32 + 64) = 589,824
         # per unit: 2 sigmoid (8) + tanh 1 + state 5 (r⊙, 1 − z, two ⊙, +) + bias 6 = 20;
         # units = 8·4·64 = 2,048 → 40,960; FLOPs = 1,179,648 + 40,960 = 1,220,608
         macs=589_824, flops=1_220_608, outputs=2, why="GRU batch-first, linear_before_reset"),
    Case("RNN", [In("x", (20, 1, 10)), W("w", (1, 20, 10)), W("r", (1, 20, 20)), W("b", (1, 40))],
         attrs={"hidden_size": 20},
         # MACs = 20 · 1 · 20 · (10 + 20) = 12,000; per unit tanh 1 + bias 2 = 3, units 400
         # → 1,200; FLOPs = 24,000 + 1,200 = 25,200
         macs=12_000, flops=25_200, outputs=2, why="RNN tanh seq 20, in 10, hidden 20"),
    Case("RNN", [In("x", (3, 2, 4)), W("w", (2, 5, 4)), W("r", (2, 5, 5))],
         attrs={"hidden_size": 5, "direction": "bidirectional", "activations": ["Relu", "Relu"]},
         # MACs = 3 · 2 · 2 dirs · 5 · (4 + 5) = 540; per unit Relu 1 per direction = 2,
         # units 3·2·5 = 30 → 60; FLOPs = 1,080 + 60 = 1,140
         macs=540, flops=1_140, outputs=2, why="RNN bidirectional Relu, no bias"),
    Case("CausalConvWithState", [In("x", (2, 64, 16)), W("w", (64, 1, 4)), W("b", (64,))],
         attrs={"activation": "silu"}, opset=27, outputs=2,
         # outputs 2·64·16 = 2,048; MACs = 2,048 · k 4 = 8,192;
         # FLOPs = 16,384 + bias 2,048 + SiLU 5·2,048 = 10,240 → 28,672
         macs=8_192, flops=28_672, why="depthwise causal conv k=4, bias, SiLU"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)


def test_sequence_lens_makes_an_upper_bound() -> None:
    case = Case("RNN", [In("x", (4, 2, 3)), W("w", (1, 6, 3)), W("r", (1, 6, 6)), None,
                        In("lens", (2,), "int32")],
                attrs={"hidden_size": 6},
                # MACs = 4·2·6·(3 + 6) = 432; per unit tanh 1, units 48 → 48; FLOPs = 912
                macs=432, flops=912, outputs=2, status="estimated", why="RNN with sequence_lens")
    assert "upper bound" in check(case).note


def test_unbound_sequence_and_batch_give_a_formula() -> None:
    import onnxcost
    from onnxcost.symbolic.formulas import symbol
    from tests.rules.harness import build

    case = Case("LSTM", [In("x", ("seq", "batch", 64)), W("w", (1, 512, 64)), W("r", (1, 512, 128))],
                attrs={"hidden_size": 128}, macs=0, flops=0, outputs=3, why="symbolic")
    (node,) = [n for n in onnxcost.analyze(build(case)).nodes if n.op_type == "LSTM"]
    seq, batch = symbol("seq"), symbol("batch")
    # per step and row: 4·128·(64 + 128) = 98,304 MACs; FLOPs 2·98,304 + 128·(14 + 4) = 198,912
    assert node.macs == 98_304 * seq * batch
    assert node.flops == 198_912 * seq * batch
