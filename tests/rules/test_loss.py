"""Hand-worked figures for NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss."""

import pytest

from tests.rules.harness import Case, In, W, check

CASES = [
    Case("NegativeLogLikelihoodLoss", [In("x", (8, 10)), In("t", (8,), "int64")],
         # mean, no weight: 8 targets × (negate, reduce add) = 16 + 1 divide = 17
         macs=0, flops=17, why="NC mean"),
    Case("NegativeLogLikelihoodLoss", [In("x", (4, 5, 6)), In("t", (4, 6), "int64"), W("w", (5,))],
         attrs={"reduction": "sum", "ignore_index": 0},
         # 24 targets × (negate, weight, ignore compare, reduce add) = 96
         macs=0, flops=96, why="NCd1 sum, weighted, ignore_index"),
    Case("NegativeLogLikelihoodLoss", [In("x", (3, 7)), In("t", (3,), "int64")],
         attrs={"reduction": "none"},
         # 3 negations
         macs=0, flops=3, why="NC none"),
    Case("SoftmaxCrossEntropyLoss", [In("s", (16, 1000)), In("l", (16,), "int64")],
         # log-softmax 5 · 16,000 = 80,000 + 16 logs; NLL mean 2·16 + 1 = 33 → 80,049
         macs=0, flops=80_049, why="ImageNet logits batch 16"),
    Case("SoftmaxCrossEntropyLoss", [In("s", (2, 5, 3)), In("l", (2, 3), "int64"), W("w", (5,))],
         outputs=2,
         # 30 scores × 5 = 150 + 6 rows; NLL 6 × (negate, weight, add) = 18 + mean Σw 6 + 1
         # → 150 + 6 + 18 + 7 = 181
         macs=0, flops=181, why="NCd1 weighted mean with log_prob"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)
