"""Hardware profiles: every bundled TOML loads and is sourced; the loader rejects bad files."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from onnxcost.estimate.hardware import (
    KINDS,
    ProfileError,
    efficiency,
    figure_keys,
    list_profiles,
    load_profile,
    main_memory,
    peak_for,
    points_seconds,
    profile_names,
    ridge_point,
)
from onnxcost.types import EfficiencyStep, HardwareProfile

EXPECTED = {
    "a100-80gb-sxm", "h100-sxm", "h200", "l4", "t4", "rtx-4090", "jetson-orin-nano",
    "jetson-agx-orin", "tpu-v4", "tpu-v5e", "coral-edge-tpu", "apple-m2", "xeon-8480",
    "raspberry-pi-5", "stm32f746", "stm32h743", "stm32l4r5", "stm32h7a3", "stm32u575",
    "nrf52840", "esp32-s3", "rp2040", "generic-x86",
}  # fmt: skip

# A minimal valid profile; the invalid-file tests break it one key at a time.
VALID = """\
name = "my-board"
display_name = "My board"
kind = "mcu"
clock_hz = 100e6
weights_level = "FLASH"
activations_level = "SRAM"
kernel_overhead_s = 1e-5
run_power_w = 0.05
idle_power_w = 0.0
overlap = false
memory_efficiency = 1.0

[peak_ops_per_s]
float32 = 200e6
int8 = 400e6

[[memory]]
name = "SRAM"
capacity_bytes = 262144
bandwidth_bytes_per_s = 400e6
energy_pj_per_byte = 2.5

[[memory]]
name = "FLASH"
capacity_bytes = 1048576
bandwidth_bytes_per_s = 100e6
energy_pj_per_byte = 12.5

[[compute_efficiency]]
min_amount = 0
factor = 0.1
[[compute_efficiency]]
min_amount = 1e6
factor = 0.25

[energy_pj_per_op]
float32 = 250.0
int8 = 125.0

[sources]
"clock_hz" = "datasheet"
"peak_ops_per_s.float32" = "derived: 2 x clock"
"peak_ops_per_s.int8" = "derived: 4 x clock"
"memory.SRAM.capacity_bytes" = "datasheet"
"memory.SRAM.bandwidth_bytes_per_s" = "derived: 4 B x clock"
"memory.SRAM.energy_pj_per_byte" = "Horowitz"
"memory.FLASH.capacity_bytes" = "datasheet"
"memory.FLASH.bandwidth_bytes_per_s" = "derived"
"memory.FLASH.energy_pj_per_byte" = "assumption: test"
"kernel_overhead_s" = "assumption: test"
"run_power_w" = "datasheet"
"idle_power_w" = "assumption: test"
"overlap" = "assumption: test"
"compute_efficiency" = "assumption: test"
"memory_efficiency" = "assumption: test"
"energy_pj_per_op.float32" = "derived"
"energy_pj_per_op.int8" = "derived"
"""


def write(tmp_path: Path, text: str, name: str = "board.toml") -> Path:
    """Write a profile file and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- bundled files


def test_bundled_names_are_the_expected_set() -> None:
    assert set(profile_names()) == EXPECTED
    assert profile_names() == sorted(profile_names())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_bundled_profile_loads(name: str) -> None:
    profile = load_profile(name)
    assert isinstance(profile, HardwareProfile)
    assert profile.name == name  # file name = profile name
    assert profile.kind in KINDS
    assert profile.weights_level in {level.name for level in profile.memory}
    assert profile.activations_level in {level.name for level in profile.memory}
    assert "float32" in profile.peak_ops_per_s
    assert profile.compute_efficiency[0].min_amount == 0
    assert all(0 < step.factor <= 1 for step in profile.compute_efficiency)
    assert profile.energy_model == ("power" if profile.kind == "mcu" else "per_op")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_figure_has_a_source(name: str) -> None:
    profile = load_profile(name)
    keys = figure_keys(profile)
    assert set(keys) == set(profile.sources)
    for key in keys:
        text = profile.sources[key]
        assert len(text) > 10, f"{name}: {key}: source too short: {text!r}"


def test_list_profiles_is_sorted_and_complete() -> None:
    profiles = list_profiles()
    assert [p.name for p in profiles] == sorted(EXPECTED)


@pytest.mark.parametrize("spelling", ["A100-80GB-SXM", "a100_80gb_sxm", "  a100-80gb-sxm "])
def test_bundled_names_are_case_insensitive(spelling: str) -> None:
    assert load_profile(spelling) == load_profile("a100-80gb-sxm")


def test_unknown_bundled_name() -> None:
    with pytest.raises(ProfileError, match=r"unknown hardware profile 'a200'.*a100-80gb-sxm"):
        load_profile("a200")


# ---------------------------------------------------------------------------- roofline helpers


def test_a100_ridge_point_uses_the_2039_gbs_figure() -> None:
    a100 = load_profile("a100-80gb-sxm")
    # 312e12 FLOP/s ÷ 2.039e12 B/s (datasheet HBM2e bandwidth of the 80GB SXM) = 153.0
    assert ridge_point(a100, "float16") == pytest.approx(312e12 / 2.039e12)
    assert ridge_point(a100, "float16") == pytest.approx(153.0, abs=0.05)
    assert main_memory(a100).name == "HBM2e"


def test_a100_ridge_point_with_the_seeds_rounded_bandwidth_is_156() -> None:
    a100 = load_profile("a100-80gb-sxm")
    # The seed's example rounds the bandwidth: 312 TFLOP/s ÷ 2 TB/s = 156 FLOP/byte.
    rounded = tuple(
        dataclasses.replace(level, bandwidth_bytes_per_s=2e12) if level.name == "HBM2e" else level
        for level in a100.memory
    )
    assert ridge_point(dataclasses.replace(a100, memory=rounded), "float16") == pytest.approx(156)


def test_ridge_point_uses_the_slowest_of_weights_and_activations_levels() -> None:
    mcu = load_profile("stm32l4r5")
    # weights stream from flash (160 MB/s), slower than SRAM: 480e6 int8 ops/s ÷ 160e6 B/s = 3
    assert main_memory(mcu).name == "FLASH"
    assert ridge_point(mcu, "int8") == pytest.approx(3.0)


def test_dtype_fallbacks() -> None:
    t4 = load_profile("t4")  # Turing: no bf16, no tf32, no fp8
    assert peak_for(t4, "bfloat16") == t4.peak_ops_per_s["float16"]
    assert peak_for(t4, "tf32") == t4.peak_ops_per_s["float32"]
    assert peak_for(t4, "float8e4m3fn") == t4.peak_ops_per_s["float16"]
    assert peak_for(t4, "int4") == t4.peak_ops_per_s["int4"]
    h100 = load_profile("h100-sxm")
    assert peak_for(h100, "float8e5m2") == h100.peak_ops_per_s["float8"]
    assert peak_for(h100, "int4") == h100.peak_ops_per_s["int8"]
    mcu = load_profile("stm32l4r5")
    assert peak_for(mcu, "uint8") == mcu.peak_ops_per_s["int8"]
    assert peak_for(mcu, "float16") == mcu.peak_ops_per_s["float32"]
    assert peak_for(mcu, "int64") == mcu.peak_ops_per_s["float32"]  # other dtypes: float32
    tpu = load_profile("tpu-v4")  # no float16: runs as bfloat16
    assert peak_for(tpu, "float16") == tpu.peak_ops_per_s["bfloat16"]


def test_no_int8_peak_falls_back_to_float32(tmp_path: Path) -> None:
    text = VALID.replace("int8 = 400e6\n", "", 1)
    text = text.replace('"peak_ops_per_s.int8" = "derived: 4 x clock"\n', "")
    profile = load_profile(write(tmp_path, text))
    assert peak_for(profile, "int8") == 200e6


def test_efficiency_steps() -> None:
    steps = load_profile("a100-80gb-sxm").compute_efficiency  # Calculon's A100 table
    assert efficiency(steps, 0) == 0.10
    assert efficiency(steps, 0.99e9) == 0.10
    assert efficiency(steps, 1e9) == 0.60
    assert efficiency(steps, 20e9) == 0.90
    assert efficiency(steps, 1e15) == 0.95
    unsorted = [EfficiencyStep(1e6, 0.5), EfficiencyStep(0, 0.2)]
    assert efficiency(unsorted, 5e5) == 0.2
    assert efficiency(unsorted, 2e6) == 0.5
    assert efficiency([EfficiencyStep(0, 0.7)], 123.0) == 0.7


# ---------------------------------------------------------------------------- MCU calibration
# Plain arithmetic on the profile figures (not the estimator): per-node MACs of the MLPerf Tiny
# models, time = Σ MACs / (int8 peak / 2 × efficiency(2 × MACs)). MLPerf Tiny v1.0 ST results.

RESNET8 = [442368, 2359296, 2359296, 1179648, 2359296, 131072, 1179648, 2359296, 131072, 640]
DSCNN = [320000] + [72000, 512000] * 4 + [768]
MEASURED = {  # board: (ResNet-8 s, DS-CNN s)
    "stm32l4r5": (1 / 4.407, 1 / 13.314),
    "stm32u575": (1 / 7.158, 1 / 22.608),
    "stm32h7a3": (1 / 18.401, 1 / 59.667),
}


def compute_seconds(profile: HardwareProfile, macs: list[int]) -> float:
    """Σ MACs / (int8 peak in MAC/s × efficiency of the node's op count)."""
    peak_macs = profile.peak_ops_per_s["int8"] / 2
    return sum(m / (peak_macs * efficiency(profile.compute_efficiency, 2 * m)) for m in macs)


def test_l4r5_plain_arithmetic_within_30_percent() -> None:
    l4r5 = load_profile("stm32l4r5")
    resnet8 = compute_seconds(l4r5, RESNET8)  # ≈ 204.8 + 19.6 ms = 224 ms
    dscnn = compute_seconds(l4r5, DSCNN)  # ≈ 2.66 M / (240e6 × 0.15) = 73.8 ms
    assert resnet8 == pytest.approx(0.227, rel=0.30)
    assert dscnn == pytest.approx(0.075, rel=0.30)
    # energy = run power × latency: 10,682 µJ and 3,372 µJ measured
    assert l4r5.run_power_w * resnet8 == pytest.approx(10_682e-6, rel=0.30)
    assert l4r5.run_power_w * dscnn == pytest.approx(3_372e-6, rel=0.30)


@pytest.mark.parametrize("board", ["stm32u575", "stm32h7a3"])
def test_other_mlperf_boards_within_35_percent(board: str) -> None:
    profile = load_profile(board)
    resnet8, dscnn = MEASURED[board]
    assert compute_seconds(profile, RESNET8) == pytest.approx(resnet8, rel=0.35)
    assert compute_seconds(profile, DSCNN) == pytest.approx(dscnn, rel=0.35)


# ---------------------------------------------------------------------------- user files


def test_user_path_loads(tmp_path: Path) -> None:
    path = write(tmp_path, VALID, "my-board.toml")
    for spelling in (str(path), path):
        profile = load_profile(spelling)
        assert profile.name == "my-board"
        assert profile.path == str(path)
        assert profile.memory_efficiency == (EfficiencyStep(0.0, 1.0),)
        assert profile.energy_model == "power"  # default for an mcu


def test_missing_user_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="no such hardware profile file"):
        load_profile(str(tmp_path / "nope.toml"))


BROKEN = [
    # (description, old text, new text, key that the message must name)
    ("missing key", 'clock_hz = 100e6\n', "", "clock_hz"),
    ("wrong type", "clock_hz = 100e6", 'clock_hz = "fast"', "clock_hz"),
    ("bool is not a number", "run_power_w = 0.05", "run_power_w = true", "run_power_w"),
    ("zero", "clock_hz = 100e6", "clock_hz = 0", "clock_hz"),
    ("negative", "run_power_w = 0.05", "run_power_w = -0.05", "run_power_w"),
    ("negative peak", "int8 = 400e6", "int8 = -1", "peak_ops_per_s.int8"),
    ("unknown kind", 'kind = "mcu"', 'kind = "fpga"', "kind"),
    ("unknown weights level", 'weights_level = "FLASH"', 'weights_level = "DRAM"',
     "weights_level"),
    ("unknown activations level", 'activations_level = "SRAM"', 'activations_level = "L9"',
     "activations_level"),
    ("figure without a source", '"run_power_w" = "datasheet"\n', "", "run_power_w"),
    ("level figure without a source", '"memory.FLASH.bandwidth_bytes_per_s" = "derived"\n', "",
     "memory.FLASH.bandwidth_bytes_per_s"),
    ("source for no figure", '"overlap" = "assumption: test"\n',
     '"overlap" = "assumption: test"\n"peak_ops_per_s.int4" = "x"\n', "peak_ops_per_s.int4"),
    ("unknown dtype", "int8 = 400e6", "int16 = 400e6", "peak_ops_per_s.int16"),
    ("unknown top-level key", "overlap = false", "overlap = false\nfrequency = 3", "frequency"),
    ("overlap not bool", "overlap = false", 'overlap = "no"', "overlap"),
    ("factor above 1", "factor = 0.25", "factor = 1.5", "compute_efficiency[1].factor"),
    ("no step at 0", "min_amount = 0\n", "min_amount = 10\n", "compute_efficiency"),
    ("memory not fastest first", "bandwidth_bytes_per_s = 100e6", "bandwidth_bytes_per_s = 1e9",
     "memory.FLASH.bandwidth_bytes_per_s"),
    ("missing level key", "energy_pj_per_byte = 12.5\n", "", "memory[1].energy_pj_per_byte"),
    ("no float32 peak", "float32 = 200e6\nint8", "int8", "peak_ops_per_s.float32"),
    ("bad energy model", "overlap = false", 'overlap = false\nenergy_model = "magic"',
     "energy_model"),
    ("not TOML", "[sources]", "[sources", "toml"),
]  # fmt: skip


@pytest.mark.parametrize(("what", "old", "new", "key"), BROKEN, ids=[b[0] for b in BROKEN])
def test_invalid_files_name_file_and_key(tmp_path: Path, what: str, old: str, new: str, key: str) -> None:
    assert old in VALID, what
    path = write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(ProfileError) as caught:
        load_profile(str(path))
    message = str(caught.value)
    assert str(path) in message
    assert key in message
    assert "\n" not in message
    assert isinstance(caught.value, ValueError)


def test_a_table_is_linear_in_log_size_between_its_points() -> None:
    # an Add at 1e5 elements takes 0.1 ns an element, at 1e6 0.3 (its data left the L2): at
    # √10 × 1e5 elements, halfway in log size, 0.2 ns an element: 316,228 × 2e-10 = 63.25 µs
    points = [(1e5, 1e-10), (1e6, 3e-10)]
    assert points_seconds(points, False, 10**5.5) == pytest.approx(10**5.5 * 2e-10)
    # beyond the largest, its value: 2e6 elements at 0.3 ns
    assert points_seconds(points, False, 2e6) == pytest.approx(6e-4)
    # a rate table: 1e7 operations at 1e10 a second, 1e9 at 1e11; halfway in log size (1e8) the
    # rate is 5.5e10: 1e8 ÷ 5.5e10 = 1.818 ms
    assert points_seconds([(1e7, 1e10), (1e9, 1e11)], True, 1e8) == pytest.approx(1e8 / 5.5e10)


def test_below_a_small_smallest_size_a_call_keeps_its_fixed_cost() -> None:
    # 1,000 elements in 2 µs, 10,000 in 5 µs: the line through them is 1.667 µs + 0.333 ns an
    # element, so 100 elements take 1.667 + 0.0333 = 1.7 µs (not 100 × 2 ns = 0.2 µs)
    points = [(1e3, 2e-9), (1e4, 5e-10)]
    assert points_seconds(points, False, 100) == pytest.approx(1.7e-6)
    # a smallest size above SMALL_CALL (1e5) holds its value instead: 1e5 elements at 2 ns
    assert points_seconds([(1e6, 2e-9), (1e7, 5e-10)], False, 1e5) == pytest.approx(2e-4)
