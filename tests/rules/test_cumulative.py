"""Hand-worked figures for CumSum."""

import pytest

from tests.rules.harness import Case, In, W, check

CASES = [
    Case("CumSum", [In("x", (4, 100)), W("axis", dtype="int64", value=1)],
         # 4 lines of 100: 99 adds each = 396
         macs=0, flops=396, why="rows of 100"),
    Case("CumSum", [In("x", (4, 100)), In("axis", (), "int64")],
         # axis unknown: one add per element = 400 (estimated)
         macs=0, flops=400, status="estimated", why="axis not constant"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)
