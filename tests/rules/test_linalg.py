"""Hand-worked figures for Det."""

import pytest

from onnxcost.rules.kernels import lu_det_macs
from tests.rules.harness import Case, In, check

CASES = [
    Case("Det", [In("x", (10, 4, 4))],
         # per 4×4: eliminations 3² + 2² + 1² = 14 MACs, 3 + 2 + 1 = 6 divides, 3 diagonal
         # multiplies; × 10: MACs 140, FLOPs 280 + 90 = 370
         macs=140, flops=370, why="ten 4×4 determinants"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("m", [1, 2, 3, 7, 64])
def test_lu_macs_match_the_elimination_loop(m: int) -> None:
    assert lu_det_macs(m) == sum((m - k) ** 2 for k in range(1, m))
