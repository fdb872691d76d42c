"""From measured kernel times to size tables, speed-ups and error bars (onnxcost.measure.calibration.fit),
on samples whose figures are worked by hand."""

from __future__ import annotations

import pytest

from onnxcost.measure.calibration.fit import (
    Sample,
    error_bars,
    fit_tables,
    quantile,
    run_to_run_bar,
    speedups,
    table,
)


def test_mac_samples_become_rates_and_bins_are_a_factor_root_ten_wide() -> None:
    # bins are round(log_√10(size)): 1e6 → 12.0 and 1.3e6 → 12.23 share bin 12; 2e6 → 12.6 is in 13.
    # 1e6 ops in 100 µs (1e10 op/s), 1.3e6 in 100 µs (1.3e10): medians 1.15e6 and 1.15e10
    samples = [Sample("MatMul", "dense", 1e6, 1e-4), Sample("MatMul", "dense", 1.3e6, 1e-4),
               Sample("MatMul", "dense", 2e6, 1e-4)]  # fmt: skip
    assert [pytest.approx(point) for point in table(samples)] == [(1.15e6, 1.15e10), (2e6, 2e10)]


def test_element_samples_become_seconds_per_element() -> None:
    # 1e6 elements in 500 µs: 5e-10 s per element
    assert [pytest.approx(point) for point in table([Sample("Add", "elementwise", 1e6, 5e-4)])] == [
        (1e6, 5e-10)
    ]


def test_an_op_of_two_classes_is_keyed_by_class() -> None:
    samples = [Sample("Conv", "dense", 1e6, 1e-4), Sample("Conv", "dense", 1e8, 1e-3),
               Sample("Conv", "depthwise", 1e5, 1e-4), Sample("Conv", "depthwise", 1e7, 1e-3),
               Sample("Relu", "elementwise", 1e3, 1e-6)]  # fmt: skip
    classes, ops = fit_tables(samples)
    assert set(classes) == {"dense", "depthwise", "elementwise"}
    # Relu was measured at one size only: no table of its own
    assert set(ops) == {"Conv:dense", "Conv:depthwise"}


def test_slow_paths_and_per_span_kernels_stay_out_of_their_class_table() -> None:
    # a plain Softmax at 5e-10 s an element, a masked one at 3e-9: the class table keeps the plain
    samples = [Sample("Softmax", "normalization", 1e4, 5e-6), Sample("Softmax", "normalization", 1e6, 5e-4),
               Sample("Softmax.masked", "normalization", 1e4, 3e-5),
               Sample("Softmax.masked", "normalization", 1e6, 3e-3),
               Sample("Mul.broadcast", "elementwise", 3, 1.2e-8),
               Sample("Mul.broadcast", "elementwise", 512, 1e-7)]  # fmt: skip
    classes, ops = fit_tables(samples)
    assert classes == {"normalization": ((1e4, pytest.approx(5e-10)), (1e6, pytest.approx(5e-10)))}
    assert set(ops) == {"Softmax", "Softmax.masked", "Mul.broadcast"}


def test_speedup_is_the_median_ratio_per_class() -> None:
    one = [Sample("MatMul", "dense", 1e6, 2e-4), Sample("MatMul", "dense", 1e8, 2e-3)]
    two = [Sample("MatMul", "dense", 1e6, 1.25e-4), Sample("MatMul", "dense", 1e8, 1e-3)]
    # ratios 1.6 and 2.0: median 1.8
    assert speedups(one, two) == pytest.approx({"dense": 1.8})


def test_quantile_is_linear_between_order_statistics() -> None:
    # 0.1 of [1, 2, 3, 4, 5]: position 0.4, 1 + 0.4 × (2 − 1) = 1.4
    assert quantile([5, 1, 3, 2, 4], 0.1) == pytest.approx(1.4)


def test_error_bars_hold_one_and_come_from_held_out_samples() -> None:
    # four samples on one exact line (rate 1e10 at every size): every held-out ratio is 1
    exact = [Sample("MatMul", "dense", size, size / 1e10) for size in (1e5, 1e6, 1e7, 1e8)]
    assert error_bars(exact) == {"dense": (1.0, 1.0)}
    # one sample 2× slower than the others: some held-out ratio is off, and the bar widens
    noisy = [*exact[:3], Sample("MatMul", "dense", 1e8, 2e-2)]
    low, high = error_bars(noisy)["dense"]
    assert low <= 1.0 <= high and high - low > 0.1


def test_an_epilogue_stays_out_of_its_class_and_one_size_makes_its_table() -> None:
    # a Clip's pass over 301,056 outputs in 36 µs: 1.196e-10 s an element, a table of one point
    samples = [Sample("Add", "elementwise", 1e4, 5e-6), Sample("Add", "elementwise", 1e6, 5e-4),
               Sample("epilogue.Clip", "elementwise", 301_056, 36e-6)]  # fmt: skip
    classes, ops = fit_tables(samples)
    assert classes == {"elementwise": ((1e4, pytest.approx(5e-10)), (1e6, pytest.approx(5e-10)))}
    assert ops["epilogue.Clip"] == ((301_056, pytest.approx(36e-6 / 301_056)),)
    # and it is no sample of the class's speed-up
    assert speedups(samples, [Sample("epilogue.Clip", "elementwise", 301_056, 18e-6)]) == {}


def test_the_run_to_run_bar_is_the_central_80_percent_of_the_pass_ratios() -> None:
    # ten ratios, eight at 1.0, then 1.5 and 1.6: the 10% quantile at position 0.9 is 1.0, the 90%
    # at position 8.1 is 1.5 + 0.1 · (1.6 − 1.5) = 1.51
    low, high = run_to_run_bar([1.0] * 8 + [1.5, 1.6])  # type: ignore[misc]
    assert (low, high) == (1.0, pytest.approx(1.51))
    assert run_to_run_bar([]) is None
