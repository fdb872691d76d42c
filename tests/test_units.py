"""How figures are printed with their units (onnxcost.report.units)."""

from __future__ import annotations

from onnxcost.report.units import seconds


def test_seconds_take_the_largest_unit_they_reach() -> None:
    assert seconds(0.00184) == "1.84 ms"
    assert seconds(3.81e-6) == "3.81 µs"
    assert seconds(2.5) == "2.5 s"


def test_under_a_nanosecond_is_still_in_nanoseconds() -> None:
    # a Softmax over two elements, predicted 4.95e-10 s: 0.495 ns, not '4.95e-10 s'
    assert seconds(4.95e-10) == "0.495 ns"
    assert seconds(0.0) == "0 s"
    assert seconds(None) == "-"
