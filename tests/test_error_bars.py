"""The interval an estimate carries (onnxcost.estimate.error_bars), worked by hand."""

from __future__ import annotations

import pytest

from onnxcost.estimate.error_bars import RUN_TO_RUN, interval


def test_no_bars_no_interval() -> None:
    assert interval({"dense": 1.0}, 1.0, {}) is None


def test_one_class() -> None:
    # dense 8 ms of a 10 ms total (2 ms overhead, exact): low 10 − 8·0.2 = 8.4, high 10 + 8·0.5 = 14
    assert interval({"dense": 8e-3}, 10e-3, {"dense": (0.8, 1.5)}) == pytest.approx((8.4e-3, 14e-3))


def test_classes_add_in_quadrature() -> None:
    # dense 3 ms ×(0.8, 1.4), movement 4 ms ×(0.7, 1.3): below √(0.6² + 1.2²) = 1.342 ms,
    # above √(1.2² + 1.2²) = 1.697 ms, around a 7 ms total
    low, high = interval(
        {"dense": 3e-3, "movement": 4e-3}, 7e-3, {"dense": (0.8, 1.4), "movement": (0.7, 1.3)}
    )
    assert low == pytest.approx(7e-3 - 1.3416e-3, rel=1e-4)
    assert high == pytest.approx(7e-3 + 1.6971e-3, rel=1e-4)


def test_the_any_bar_scales_unbarred_classes_and_overheads_as_one_term() -> None:
    # dense 6 ms with its own bar ×(0.9, 1.1); elementwise 2 ms and 2 ms overhead share "*" ×(0.5, 2):
    # below √(0.6² + 2²) = 2.088 ms, above √(0.6² + 4²) = 4.045 ms around 10 ms
    low, high = interval({"dense": 6e-3, "elementwise": 2e-3}, 10e-3, {"dense": (0.9, 1.1), "*": (0.5, 2.0)})
    assert low == pytest.approx(10e-3 - 2.0881e-3, rel=1e-4)
    assert high == pytest.approx(10e-3 + 4.0447e-3, rel=1e-4)


def test_the_low_end_is_not_negative() -> None:
    assert interval({"dense": 1.0}, 1.0, {"*": (0.01, 1.0)})[0] >= 0.0


def test_the_run_to_run_bar_scales_the_whole_total_as_one_more_term() -> None:
    # dense 8 ms at ±10%, overheads 2 ms without a bar; the host's runs vary up to 1.5×:
    # below √(0.8²) = 0.8 ms → 9.2 ms; above √(0.8² + (10 · 0.5)²) = √25.64 = 5.0636 ms → 15.0636 ms
    bars = {"dense": (0.9, 1.1), RUN_TO_RUN: (1.0, 1.5)}
    low, high = interval({"dense": 8e-3}, 10e-3, bars)  # type: ignore[misc]
    assert low == pytest.approx(9.2e-3)
    assert high == pytest.approx(15.0636e-3, rel=1e-4)
