"""The profile calibration writes (onnxcost.measure.calibration.write.profile_toml), from samples
and pass timings given by hand: its run-to-run bar, its light_after_heavy factor, and that it loads."""

from __future__ import annotations

import pytest
import tomllib

from onnxcost.estimate.hardware import bundled_text, parse_profile
from onnxcost.measure.calibration.fit import Sample
from onnxcost.measure.calibration.host import Host
from onnxcost.measure.calibration.run import Measured, Overheads
from onnxcost.measure.calibration.write import Provenance, profile_toml

_WHERE = Provenance(Host("test CPU", 2, 2e9, (), 8 << 30), "2026-12-07", "1.32.0", False)
# three GEMMs of 1 MFLOP at 100 GFLOP/s (10 µs), one Add over 1 Mi elements (12 MiB in 1 ms)
_SAMPLES = (
    *(Sample("MatMul", "dense", 1e6, 10e-6) for _ in range(3)),
    Sample("Add", "elementwise", 1 << 20, 1e-3),
)


def _profile(pass_ratios: tuple[float, ...], light_after_heavy: float = 1.0):  # type: ignore[no-untyped-def]
    measured = Measured(1, Overheads(5e-6, 2e-7, light_after_heavy), _SAMPLES, ("bench",), pass_ratios)
    text = profile_toml("host", measured, _WHERE, tomllib.loads(bundled_text("generic-x86")), measured)
    return parse_profile(tomllib.loads(text), "host.toml")


def test_a_profile_of_several_passes_carries_their_run_to_run_bar() -> None:
    # ten ratios, eight at 1.0, then 1.3 and 1.5: the 10% quantile at position 0.9 is 1.0, the 90%
    # at position 8.1 is 1.3 + 0.1 · (1.5 − 1.3) = 1.32
    profile = _profile((1.0,) * 8 + (1.3, 1.5))
    low, high = profile.error_bars["run-to-run"]
    assert (low, high) == (1.0, pytest.approx(1.32))


def test_a_profile_of_one_pass_has_no_run_to_run_bar() -> None:
    assert "run-to-run" not in _profile(()).error_bars


def test_a_measured_light_after_heavy_factor_is_written_with_its_source() -> None:
    profile = _profile((), 1.2)
    assert profile.light_after_heavy == 1.2
    assert "MatMuls alone" in profile.sources["light_after_heavy"]


def test_a_factor_of_one_is_no_figure() -> None:
    # within 4 significant digits of 1: written as nothing, loaded as the default 1.0
    profile = _profile((), 1.00001)
    assert profile.light_after_heavy == 1.0
    assert "light_after_heavy" not in profile.sources


def test_measured_cold_starts_are_written_as_a_table_with_their_source() -> None:
    cold = (("DynamicQuantizeMatMul", 1.0123e-5), ("MatMulIntegerToFloat", 0.0))
    measured = Measured(1, Overheads(5e-6, 2e-7, 1.0, cold), _SAMPLES, ("bench",), ())
    text = profile_toml("host", measured, _WHERE, tomllib.loads(bundled_text("generic-x86")), measured)
    profile = parse_profile(tomllib.loads(text), "host.toml")
    # four significant digits, a measured 0 kept as a figure of its own
    assert profile.cold_start_s == {"DynamicQuantizeMatMul": 1.012e-5, "MatMulIntegerToFloat": 0.0}
    assert "tiled to 2 x the L2 cache" in profile.sources["cold_start_s"]


def test_no_cold_start_measured_writes_no_table() -> None:
    profile = _profile(())
    assert profile.cold_start_s == {}
    assert "cold_start_s" not in profile.sources


def test_a_measured_next_image_share_is_written_with_its_source() -> None:
    measured = Measured(1, Overheads(5e-6, 2e-7, 1.0, (), 0.94567), _SAMPLES, ("bench",), ())
    text = profile_toml("host", measured, _WHERE, tomllib.loads(bundled_text("generic-x86")), measured)
    profile = parse_profile(tomllib.loads(text), "host.toml")
    # four significant digits
    assert profile.next_image_share == 0.9457
    assert "two images" in profile.sources["next_image_share"]
    # none measured (more than one thread): no figure, the default 1.0
    assert _profile(()).next_image_share == 1.0
    assert "next_image_share" not in _profile(()).sources


def test_a_measured_remote_read_is_written_with_its_source() -> None:
    measured = Measured(2, Overheads(5e-6, 2e-7, 1.0, (), 1.0, 8.6123e-11), _SAMPLES, ("bench",), ())
    text = profile_toml("host", measured, _WHERE, tomllib.loads(bundled_text("generic-x86")), measured)
    profile = parse_profile(tomllib.loads(text), "host.toml")
    # four significant digits
    assert profile.remote_s_per_byte == 8.612e-11
    assert "the other threads wrote" in profile.sources["remote_s_per_byte"]
    # none measured (one thread): no figure, the default 0
    assert _profile(()).remote_s_per_byte == 0.0
    assert "remote_s_per_byte" not in _profile(()).sources
