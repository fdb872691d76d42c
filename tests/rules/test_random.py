"""Hand-worked figures for the random generators (one generator draw = 1 FLOP, "estimated")."""

import pytest

from tests.rules.harness import Case, In, check

CASES = [
    Case("RandomUniform", [], attrs={"shape": [4, 5]},
         # 20 × (draw, × range, + low) = 60
         macs=0, flops=60, status="estimated", why="uniform 4×5"),
    Case("RandomUniformLike", [In("x", (3, 4))],
         # 12 × 3 = 36
         macs=0, flops=36, status="estimated", why="uniform like 3×4"),
    Case("RandomNormal", [], attrs={"shape": [10, 10]},
         # 100 × (Box–Muller 5 + scale + mean) = 700
         macs=0, flops=700, status="estimated", why="normal 10×10"),
    Case("RandomNormalLike", [In("x", (2, 3, 4))],
         # 24 × 7 = 168
         macs=0, flops=168, status="estimated", why="normal like 2×3×4"),
    Case("Bernoulli", [In("p", (100,))],
         # 100 × (draw, compare) = 200
         macs=0, flops=200, status="estimated", why="Bernoulli 100"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)
