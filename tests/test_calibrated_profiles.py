"""The calibrated-profile keys of hardware profiles: runtime, threads, overheads, op-class and
op-type size tables, error bars, tf32_matmul; and how a table times a node (class_seconds)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from onnxcost.estimate.hardware import ProfileError, class_seconds, interpolate, load_profile, op_table_keys
from tests.test_hardware import VALID, write

CALIBRATED = VALID.replace(
    "memory_efficiency = 1.0\n",
    """memory_efficiency = 1.0
runtime = "onnxruntime-cpu"
threads = 2
run_overhead_s = 4e-6

[op_classes.dense]
ops_per_s = [[1e4, 1e9], [1e6, 1e10], [1e8, 1e11]]

[op_classes.elementwise]
s_per_element = [[1e3, 2e-9], [1e6, 5e-10]]

[op_types."Conv.dw"]
ops_per_s = [[4e3, 4e9], [16e3, 8e9]]

[op_types."MatMul"]
ops_per_s = [[1e6, 2e10], [1e8, 2e11]]

[error_bars]
dense = [0.8, 1.5]
"*" = [0.9, 1.2]
""",
).replace(
    "[sources]\n",
    """[sources]
"runtime" = "test"
"threads" = "test"
"run_overhead_s" = "test"
"op_classes.dense" = "test"
"op_classes.elementwise" = "test"
"op_types.Conv.dw" = "test"
"op_types.MatMul" = "test"
"error_bars" = "test"
""",
)


@pytest.fixture
def profile(tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_profile(write(tmp_path, CALIBRATED))


def test_the_keys_load(profile) -> None:  # type: ignore[no-untyped-def]
    assert (profile.runtime, profile.threads, profile.run_overhead_s) == ("onnxruntime-cpu", 2, 4e-6)
    assert profile.op_classes["dense"].ops_per_s == ((1e4, 1e9), (1e6, 1e10), (1e8, 1e11))
    assert profile.op_types["Conv.dw"].ops_per_s[0] == (4e3, 4e9)
    assert profile.error_bars == {"dense": (0.8, 1.5), "*": (0.9, 1.2)}


def test_interpolation_is_linear_in_log_size() -> None:
    # halfway between 1e4 and 1e6 in log is 1e5: halfway between the rates, 5.5e9
    assert interpolate(((1e4, 1e9), (1e6, 1e10)), 1e5) == pytest.approx(5.5e9)
    # beyond the ends the end values hold
    assert interpolate(((1e4, 1e9), (1e6, 1e10)), 1e9) == 1e10


def test_a_class_table_times_a_node(profile) -> None:  # type: ignore[no-untyped-def]
    # dense at 1e6 operations: 1e6 / 1e10 = 100 µs
    assert class_seconds(profile, "Gemm", "dense", 1e6) == pytest.approx(1e-4)
    # elementwise at 1e6 elements: 1e6 × 5e-10 = 500 µs
    assert class_seconds(profile, "Add", "elementwise", 1e6) == pytest.approx(5e-4)
    # a class without a table: the roofline serves it
    assert class_seconds(profile, "LSTM", "recurrent", 1e6) is None


def test_an_op_table_comes_before_its_class(profile) -> None:  # type: ignore[no-untyped-def]
    # MatMul at 1e8: 1e8 / 2e11 = 500 µs (the dense class would say 1e8 / 1e11 = 1 ms)
    assert class_seconds(profile, "MatMul", "dense", 1e8) == pytest.approx(5e-4)


def test_pointwise_and_few_channel_keys_fall_back_to_the_general_kernel() -> None:
    assert op_table_keys("nchwc.Conv.1x1.stem", "dense") == [
        "nchwc.Conv.1x1.stem:dense", "nchwc.Conv.1x1.stem",
        "nchwc.Conv.1x1:dense", "nchwc.Conv.1x1",
        "nchwc.Conv.stem:dense", "nchwc.Conv.stem",
    ]  # fmt: skip


def test_calls_split_a_node(profile) -> None:  # type: ignore[no-untyped-def]
    # 16e3 ops in 4 calls of 4e3: each 4e3 / 4e9 = 1 µs, so 4 µs (one call of 16e3 takes 2 µs)
    assert class_seconds(profile, "Conv.dw", "depthwise", 16e3, calls=4) == pytest.approx(4e-6)
    assert class_seconds(profile, "Conv.dw", "depthwise", 16e3, calls=1) == pytest.approx(2e-6)


def test_below_a_small_table_a_call_keeps_its_fixed_cost(profile) -> None:  # type: ignore[no-untyped-def]
    # Conv.dw: 4e3 ops take 1 µs, 16e3 take 2 µs: time = 2/3 µs + 8.33e-11 s × ops. At 1e3 ops:
    # 0.6667 µs + (1 − 0.6667) µs × 1e3 / 4e3 = 0.75 µs (a constant rate would say 0.25 µs)
    assert class_seconds(profile, "Conv.dw", "depthwise", 1e3) == pytest.approx(0.75e-6)


def test_below_a_large_table_the_rate_holds(profile) -> None:  # type: ignore[no-untyped-def]
    # MatMul's smallest size, 1e6, is above SMALL_CALL: 1e3 ops at 2e10 op/s = 50 ns
    assert class_seconds(profile, "MatMul", "dense", 1e3) == pytest.approx(5e-8)


BROKEN = [
    ("unknown runtime", 'runtime = "onnxruntime-cpu"', 'runtime = "tvm"', "runtime"),
    ("a table of neither unit", "s_per_element = [[1e3", "per_element = [[1e3", "op_classes.elementwise"),
    ("a point that is not a pair", "[[1e4, 1e9], [1e6, 1e10]", "[[1e4], [1e6, 1e10]", "op_classes.dense"),
    ("a bar without 1 inside", "dense = [0.8, 1.5]", "dense = [1.1, 1.5]", "error_bars.dense"),
    ("a table without a source", '"op_types.MatMul" = "test"\n', "", "op_types.MatMul"),
    ("tf32 without a tf32 peak", "threads = 2", "threads = 2\ntf32_matmul = true", "tf32_matmul"),
]  # fmt: skip


@pytest.mark.parametrize(("what", "old", "new", "key"), BROKEN, ids=[b[0] for b in BROKEN])
def test_invalid_calibrated_keys(tmp_path: Path, what: str, old: str, new: str, key: str) -> None:
    assert old in CALIBRATED, what
    with pytest.raises(ProfileError, match=key.replace(".", r"\.")):
        load_profile(write(tmp_path, CALIBRATED.replace(old, new, 1)))


@pytest.mark.parametrize("name", ["a100-80gb-sxm", "h100-sxm", "h200", "l4", "rtx-4090"])
def test_ampere_and_newer_gpus_run_float32_matrix_work_as_tf32(name: str) -> None:
    assert load_profile(name).tf32_matmul


def test_a_profile_passes_through_load_profile(profile) -> None:  # type: ignore[no-untyped-def]
    assert load_profile(profile) is profile


def test_narrow_and_masked_keys_fall_back_to_the_general_kernel() -> None:
    assert op_table_keys("nchwc.Conv.narrow", "dense") == [
        "nchwc.Conv.narrow:dense", "nchwc.Conv.narrow", "nchwc.Conv:dense", "nchwc.Conv",
    ]  # fmt: skip
    # a narrow stem falls back on the stems' table before the narrow kernels' (its input is as shallow)
    assert op_table_keys("nchwc.Conv.stem.narrow", "dense") == [
        "nchwc.Conv.stem.narrow:dense", "nchwc.Conv.stem.narrow",
        "nchwc.Conv.stem:dense", "nchwc.Conv.stem",
        "nchwc.Conv.narrow:dense", "nchwc.Conv.narrow",
    ]  # fmt: skip
    assert op_table_keys("Softmax.masked", "normalization") == [
        "Softmax.masked:normalization", "Softmax.masked", "Softmax:normalization", "Softmax",
    ]  # fmt: skip
    # a Softmax off the last axis falls back on the ordinary one's table
    assert op_table_keys("Softmax.axis", "normalization")[2:] == ["Softmax:normalization", "Softmax"]


def test_a_broadcast_is_timed_per_step_only_by_a_broadcast_table(tmp_path: Path) -> None:
    text = CALIBRATED.replace(
        '[op_types."MatMul"]',
        '[op_types."Mul.broadcast"]\ns_per_element = [[3.0, 4e-9], [512.0, 2e-10]]\n\n[op_types."MatMul"]',
    ).replace('"op_types.MatMul" = "test"', '"op_types.MatMul" = "test"\n"op_types.Mul.broadcast" = "test"')
    profile = load_profile(write(tmp_path, text))
    # 1,228,800 steps of 3 elements at 4 ns an element: 1,228,800 × 3 × 4e-9 = 14.7456 ms
    steps = class_seconds(profile, "Mul.broadcast", "elementwise", 3_686_400, 1_228_800)
    assert steps == pytest.approx(14.7456e-3)
    # no broadcast table for Div: the elementwise class times the 3,686,400 elements as one call,
    # 3,686,400 × 5e-10 (its rate from 1e6 elements on) = 1.8432 ms
    whole = class_seconds(profile, "Div.broadcast", "elementwise", 3_686_400, 1_228_800)
    assert whole == pytest.approx(1.8432e-3)


def test_a_transpose_is_timed_per_block_only_by_a_blocks_table(tmp_path: Path) -> None:
    text = CALIBRATED.replace(
        '[op_types."MatMul"]',
        '[op_types."Transpose.blocks"]\ns_per_element = [[16.0, 6e-10], [64.0, 1.8e-10]]\n\n'
        '[op_types."MatMul"]',
    ).replace(
        '"op_types.MatMul" = "test"', '"op_types.MatMul" = "test"\n"op_types.Transpose.blocks" = "test"'
    )
    profile = load_profile(write(tmp_path, text))
    # 1,024 blocks of 16 elements at 0.6 ns an element: 1,024 × 16 × 6e-10 = 9.8304 µs
    assert class_seconds(profile, "Transpose.blocks", "movement", 16_384, 1_024) == pytest.approx(9.8304e-6)
    # Add.blocks has no table of its own: the elementwise class times its 16,384 elements as one
    # call: 16,384 × (between 2e-9 at 1e3 and 5e-10 at 1e6, linear in log size:
    # 2e-9 − 1.5e-9 × ln(16.384) ÷ ln(1000) = 1.3928e-9 s an element) = 22.82 µs
    assert class_seconds(profile, "Add.blocks", "elementwise", 16_384, 1_024) == pytest.approx(
        22.82e-6, rel=1e-3
    )


def test_wide_and_shallow_keys_fall_back_to_the_ordinary_kernel() -> None:
    # a signed 5×5 depthwise QLinearConv (only unsigned ones benchmarked) takes the signed 3×3
    # table before the class's; a shallow 1-D one the 1-D kernel's
    assert op_table_keys("QLinearConv.dw.wide.s8s8", "int8")[2:] == [
        "QLinearConv.dw.s8s8:int8", "QLinearConv.dw.s8s8",
    ]  # fmt: skip
    assert op_table_keys("QLinearConv.1d.shallow", "int8")[2:] == ["QLinearConv.1d:int8", "QLinearConv.1d"]


def test_a_strided_depthwise_key_falls_back_to_the_depthwise_kernel() -> None:
    assert op_table_keys("Conv.dw.strided", "depthwise") == [
        "Conv.dw.strided:depthwise", "Conv.dw.strided", "Conv.dw:depthwise", "Conv.dw",
    ]  # fmt: skip


def test_a_patch_key_falls_back_to_the_ordinary_kernel_not_the_stem() -> None:
    # a profile calibrated before patch embeddings were benchmarked times one as the op's GEMM-like
    # table (ConvInteger 3→64 8×8/8 on 64×64: 25 GOPS, the ordinary table 27–33, the stem's 9–18)
    assert op_table_keys("ConvInteger.patch", "int8-raw")[2:] == ["ConvInteger:int8-raw", "ConvInteger"]


def test_an_epilogue_table_adds_the_activation_pass_to_its_convolution(tmp_path: Path) -> None:
    from onnxcost.api import prepare, report
    from onnxcost.measure.calibration import bench

    analysis = prepare(bench.conv_epilogues(16, 28, 96, 1, ("Clip",)).model, runtime="onnxruntime-cpu")
    clipped = next(cost.name for cost in analysis.costs if cost.epilogue == "Clip")
    with_pass = CALIBRATED.replace(
        '[op_types."MatMul"]',
        '[op_types."epilogue.Clip"]\ns_per_element = [[301056.0, 1.2e-10]]\n\n[op_types."MatMul"]',
    ).replace('"op_types.MatMul" = "test"', '"op_types.MatMul" = "test"\n"op_types.epilogue.Clip" = "test"')
    times = []
    for text, name in ((CALIBRATED, "plain.toml"), (with_pass, "pass.toml")):
        estimate = report(analysis, load_profile(write(tmp_path, text, name))).estimate
        assert estimate is not None
        times.append(next(node.latency_s for node in estimate.nodes if node.name == clipped))
    # 96·28·28 = 75,264 outputs × 1.2e-10 s (the table's one rate) = 9.03168 µs more
    assert times[1] - times[0] == pytest.approx(9.03168e-6)


def test_a_recurrent_nodes_steps_and_projection_are_timed_apart(tmp_path: Path) -> None:
    from onnxcost.api import prepare, report
    from onnxcost.measure.calibration import bench

    analysis = prepare(bench.recurrent("LSTM", 20, 1, 64, 64).model, runtime="onnxruntime-cpu")
    lstm = next(cost for cost in analysis.costs if cost.op_type == "LSTM")
    step_table = '[op_types."LSTM.steps"]\nops_per_s = [[1e3, 1e9], [1e6, 1e9]]\n\n'
    steps = CALIBRATED.replace('[op_types."MatMul"]', step_table + '[op_types."MatMul"]').replace(
        '"op_types.MatMul" = "test"', '"op_types.MatMul" = "test"\n"op_types.LSTM.steps" = "test"'
    )
    class_table = "[op_classes.recurrent]\nops_per_s = [[1e3, 4e9]]\n\n"
    whole = CALIBRATED.replace("[op_classes.elementwise]", class_table + "[op_classes.elementwise]").replace(
        '"op_classes.dense" = "test"', '"op_classes.dense" = "test"\n"op_classes.recurrent" = "test"'
    )
    times = []
    for text, name in ((steps, "steps.toml"), (whole, "whole.toml")):
        estimate = report(analysis, load_profile(write(tmp_path, text, name))).estimate
        assert estimate is not None
        times.append(next(node.compute_s for node in estimate.nodes if node.name == lstm.name))
    # the steps' operations (all less the projection's 655,360) at 1e9/s, and the projection as one
    # MatMul of 655,360 operations, under the MatMul table's smallest size: its rate, 2e10/s
    assert times[0] == pytest.approx((lstm.flops - 655_360) / 1e9 + 655_360 / 2e10)
    # a profile without a table of the steps times the whole node by its class, step by step
    assert times[1] == pytest.approx(lstm.flops / 4e9)


def test_a_batched_qlinear_conv_is_timed_image_by_image_on_one_thread_only(tmp_path: Path) -> None:
    import dataclasses

    from onnxcost.api import prepare, report
    from onnxcost.measure.calibration import bench

    model = bench.qlinear_conv(64, 28, 64, 3).model
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_value = 2
    analysis = prepare(model, runtime="onnxruntime-cpu")
    conv = next(cost for cost in analysis.costs if cost.op_type == "QLinearConv")
    # 64·64·9 MACs × 28·28 outputs = 28,901,376 MACs an image, two images
    assert conv.macs == 2 * 28_901_376
    text = CALIBRATED.replace(
        '[op_types."MatMul"]',
        '[op_types."QLinearConv"]\nops_per_s = [[1e7, 1e10], [1e9, 1e11]]\n\n[op_types."MatMul"]',
    ).replace('"op_types.MatMul" = "test"', '"op_types.MatMul" = "test"\n"op_types.QLinearConv" = "test"')
    two_threads = load_profile(write(tmp_path, text))
    compute = {}
    for threads in (1, 2):
        estimate = report(analysis, dataclasses.replace(two_threads, threads=threads)).estimate
        assert estimate is not None
        compute[threads] = next(node.compute_s for node in estimate.nodes if node.name == conv.name)
    # the rate is linear in log size: 1e10 + 9e10 × log10(n ÷ 1e7) ÷ 2. Of n operations in all,
    # 1 thread runs two calls of n/2, 2 threads one of n:
    # t1 ÷ t2 = (2 · (n/2) ÷ rate(n/2)) ÷ (n ÷ rate(n)) = rate(n) ÷ rate(n/2)
    # = 1 + 9e10 × log10(2) ÷ 2 ÷ rate(n/2)
    n = conv.flops
    half_rate = 1e10 + 9e10 * math.log10(n / 2 / 1e7) / 2
    assert compute[1] / compute[2] == pytest.approx(1 + 9e10 * math.log10(2) / 2 / half_rate)
    # one call of n/2 = 58,172,416 operations: rate 1e10 + 9e10 × log10(5.8172416) ÷ 2 = 4.44123e10,
    # 1.309828 ms; one thread runs two: 2.619655 ms
    assert conv.flops == 116_344_832
    assert compute[1] == pytest.approx(2.619655e-3, rel=1e-6)
    # with a measured next_image_share of 0.9, the second image on one thread takes 0.9 × the
    # first's: 1.309828 × 1.9 = 2.488672 ms; on two threads the batch is one call, as before
    shared = dataclasses.replace(two_threads, next_image_share=0.9)
    for threads, expected in ((1, 2.488672e-3), (2, compute[2])):
        estimate = report(analysis, dataclasses.replace(shared, threads=threads)).estimate
        assert estimate is not None
        node = next(node for node in estimate.nodes if node.name == conv.name)
        assert node.compute_s == pytest.approx(expected, rel=1e-6)


def test_a_light_node_among_heavy_kernels_takes_the_light_after_heavy_factor(tmp_path: Path) -> None:
    from onnxcost.api import prepare, report
    from onnxcost.measure.calibration import bench

    factor = "run_overhead_s = 4e-6\nlight_after_heavy = 1.25\n"
    among = CALIBRATED.replace("run_overhead_s = 4e-6\n", factor).replace(
        '"run_overhead_s" = "test"', '"run_overhead_s" = "test"\n"light_after_heavy" = "test"'
    )
    plain, factored = (load_profile(write(tmp_path, text, name)) for text, name in
                       ((CALIBRATED, "plain.toml"), (among, "among.toml")))  # fmt: skip
    assert (plain.light_after_heavy, factored.light_after_heavy) == (1.0, 1.25)

    def compute_s(model, profile) -> dict[str, float]:  # type: ignore[no-untyped-def]
        estimate = report(prepare(model, runtime="onnxruntime-cpu"), profile).estimate
        assert estimate is not None
        return {node.name: node.compute_s for node in estimate.nodes}

    both = bench.context(light=True, heavy=True).model
    with_plain, with_factor = compute_s(both, plain), compute_s(both, factored)
    # each block's Mul, after the block's MatMul: 1.25 × its elementwise table's time
    assert with_factor["scale0"] == pytest.approx(1.25 * with_plain["scale0"])
    # the heavy kernels themselves keep their tables' time
    assert with_factor["heavy0"] == pytest.approx(with_plain["heavy0"])
    # the light blocks alone: no heavy kernel before any of them, no factor
    light = bench.context(light=True, heavy=False).model
    assert compute_s(light, factored)["scale0"] == pytest.approx(compute_s(light, plain)["scale0"])


def _cold_profile(tmp_path: Path, seconds: str = "5e-6"):  # type: ignore[no-untyped-def]
    """CALIBRATED with a MatMul cold start of 5 µs."""
    text = CALIBRATED.replace(
        "[error_bars]", f'[cold_start_s]\n"MatMul" = {seconds}\n\n[error_bars]'
    ).replace('"error_bars" = "test"', '"error_bars" = "test"\n"cold_start_s" = "test"')
    return load_profile(write(tmp_path, text, "cold.toml"))


def _compute_s(model, profile) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from onnxcost.api import prepare, report

    estimate = report(prepare(model, runtime="onnxruntime-cpu"), profile).estimate
    assert estimate is not None
    return {node.name: node.compute_s for node in estimate.nodes}


def _extra_s(model, tmp_path: Path) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """What the cold start adds to each node's compute time."""
    plain, cold = load_profile(write(tmp_path, CALIBRATED)), _cold_profile(tmp_path)
    warm, evicted = _compute_s(model, plain), _compute_s(model, cold)
    return {name: evicted[name] - warm[name] for name in warm}


def test_a_footprint_over_half_the_cache_adds_the_cold_start_to_each_kernel_call(tmp_path: Path) -> None:
    from onnxcost.measure.calibration import bench

    assert _cold_profile(tmp_path).cold_start_s == {"MatMul": 5e-6}
    # 16 float MatMuls 256×64×64 in a chain: weights 16 × 64·64·4 = 256 KiB, and at most two
    # 256·64·4 = 64 KiB activations live (128 KiB): a footprint of 384 KiB, over half the profile's
    # 256 KiB SRAM (its first level: no L2). Each MatMul moves 64 KiB in, its 16 KiB weight and
    # 64 KiB out, 144 KiB, which fit in it: each, one kernel call, takes 5 µs more
    extra = _extra_s(bench.context(light=False, heavy=True).model, tmp_path)
    assert extra["heavy3"] == pytest.approx(5e-6)


def test_the_footprint_counts_the_live_activations(tmp_path: Path) -> None:
    from onnxcost.measure.calibration import bench

    # one MatMul 128×64×64: its 16 KiB weight is under half the SRAM (128 KiB), but with its 32 KiB
    # input and 32 KiB output live at once the footprint is 80 KiB, still under it: nothing added
    assert _extra_s(bench.matmul(128, 64, 64).model, tmp_path)["op"] == 0.0
    # one MatMul 256×64×256: a 64 KiB weight (under 128 KiB), 64 KiB in and 256 KiB out live, 384
    # KiB in all: over half the SRAM, but the node's own 384 KiB exceed the SRAM: its benchmark
    # ran it cold already, nothing added
    assert _extra_s(bench.matmul(256, 64, 256).model, tmp_path)["op"] == 0.0
    # one MatMul 256×64×128: 32 KiB weight, 64 KiB in, 128 KiB out: 224 KiB, over 128 KiB and
    # within 256 KiB, so 5 µs; the weight alone (32 KiB) would not have made the run cold
    assert _extra_s(bench.matmul(256, 64, 128).model, tmp_path)["op"] == pytest.approx(5e-6)


def test_a_negative_cold_start_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"cold_start_s\.MatMul"):
        _cold_profile(tmp_path, "-1e-6")


def test_a_variant_finds_the_cold_start_of_its_plain_op(tmp_path: Path) -> None:
    from onnxcost.estimate.hardware import cold_start_seconds

    cold = _cold_profile(tmp_path)
    # "MatMul.gemv" has no figure of its own: op_table_keys falls back on "MatMul"
    assert cold_start_seconds(cold, "MatMul.gemv", "dense") == 5e-6
    assert cold_start_seconds(cold, "Gemm", "dense") == 0.0


@pytest.mark.parametrize(
    ("footprint", "capacity"),
    [
        # the SRAM of 262,144 bytes: over half of it (131,072) the run is cold, the cache's
        # capacity returned; at half or below, or unknown (0), it is not
        (131_073, 262_144),
        (131_072, 0),
        (0, 0),
    ],
)
def test_a_run_is_cold_over_half_the_cache(tmp_path: Path, footprint: int, capacity: int) -> None:
    from onnxcost.estimate.roofline import cold_capacity_bytes

    assert cold_capacity_bytes(_cold_profile(tmp_path), footprint) == capacity
    # a profile without cold_start_s figures is never cold
    assert cold_capacity_bytes(load_profile(write(tmp_path, CALIBRATED)), 10**9) == 0


def test_hardware_show_prints_the_cold_starts_in_seconds(tmp_path: Path) -> None:
    from onnxcost.report.hardware import render_profile

    line = next(line for line in render_profile(_cold_profile(tmp_path), width=200).splitlines()
                if line.strip().startswith("cold_start_s"))  # fmt: skip
    assert line.split() == ["cold_start_s", "MatMul", "+5", "µs"]


def test_the_assumptions_say_whether_the_run_was_cold(tmp_path: Path) -> None:
    from onnxcost.api import prepare, report
    from onnxcost.measure.calibration import bench

    cold = _cold_profile(tmp_path)
    chain, single = bench.context(light=False, heavy=True).model, bench.matmul(128, 64, 64).model
    said = [report(prepare(model, runtime="onnxruntime-cpu"), cold).estimate.assumptions["cold_start"]  # type: ignore[union-attr]
            for model in (chain, single)]  # fmt: skip
    # 256 KiB of weights + 128 KiB live = 393,216 bytes, over 0.5 of the 262,144-byte SRAM
    assert said[0].startswith("footprint 393216 B") and "of the 262144 B cache" in said[0]
    # 16 KiB + 64 KiB = 81,920 bytes: under it
    assert said[1] == "footprint 81920 B (0: unknown), not over 0.5 of the cache: no cold_start_s added"


# CALIBRATED with tables for movement (the Transpose) and int8 (DynamicQuantizeMatMul) too
MOVING = CALIBRATED.replace(
    "[op_types.",
    "[op_classes.movement]\ns_per_element = [[1e3, 1e-9], [1e6, 3e-10]]\n\n"
    "[op_classes.int8]\nops_per_s = [[1e4, 1e10], [1e8, 1e12]]\n\n[op_types.",
    1,
).replace(
    '"op_classes.dense" = "test"',
    '"op_classes.dense" = "test"\n"op_classes.movement" = "test"\n"op_classes.int8" = "test"',
)


def _remote_profile(tmp_path: Path, threads: int = 2, remote: str = "1e-10"):  # type: ignore[no-untyped-def]
    """MOVING on `threads` threads with a light node taking `remote` s a byte another core wrote."""
    text = MOVING.replace("threads = 2\n", f"threads = {threads}\n")
    if remote != "0":  # none: no figure, and so no source
        overhead, source = "run_overhead_s = 4e-6\n", '"run_overhead_s" = "test"'
        text = text.replace(overhead, f"{overhead}remote_s_per_byte = {remote}\n")
        text = text.replace(source, f'{source}\n"remote_s_per_byte" = "test"')
    return load_profile(write(tmp_path, text, f"remote{threads}-{remote}.toml"))


def test_a_light_node_reads_what_a_parallel_kernel_wrote_from_the_other_cores(tmp_path: Path) -> None:
    from onnxcost.measure.calibration import bench

    plain, remote = _remote_profile(tmp_path, remote="0"), _remote_profile(tmp_path)
    assert (plain.remote_s_per_byte, remote.remote_s_per_byte) == (0.0, 1e-10)
    extra = {}
    for producer, consumer in bench.REMOTE_PAIRS:
        model = bench.remote(producer, consumer, heavy=True, light=True).model
        before, after = _compute_s(model, plain), _compute_s(model, remote)
        extra[producer, consumer] = {name: after[name] - before[name] for name in before}
    # each consumer reads 256 × 64 floats = 65,536 bytes its producer wrote, half of them on the
    # other thread's core: 32,768 × 1e-10 = 3.2768 µs more
    assert extra["MatMul", "Mul"]["consumer3"] == pytest.approx(3.2768e-6)
    assert extra["LayerNormalization", "Add"]["consumer3"] == pytest.approx(3.2768e-6)
    # the Transpose reads the MatMul's output as it was written
    assert extra["MatMul", "Transpose"]["consumer3"] == pytest.approx(3.2768e-6)
    # the producers themselves (the first reads the graph's input) take nothing more
    assert extra["MatMul", "Mul"]["producer3"] == 0.0
    assert extra["LayerNormalization", "Add"]["producer0"] == 0.0


def test_no_remote_reads_on_one_thread_nor_after_a_light_node(tmp_path: Path) -> None:
    from onnxcost.measure.calibration import bench

    plain = _remote_profile(tmp_path, threads=1, remote="0")
    both = bench.remote("MatMul", "Mul", heavy=True, light=True).model
    # one thread: the writer and the reader share a core
    one = _remote_profile(tmp_path, threads=1)
    assert _compute_s(both, one)["consumer3"] == pytest.approx(_compute_s(both, plain)["consumer3"])
    # a chain of Muls alone: each reads what the Mul before it wrote, split the same way
    light = bench.remote("MatMul", "Mul", heavy=False, light=True).model
    two, none = _remote_profile(tmp_path), _remote_profile(tmp_path, remote="0")
    assert _compute_s(light, two)["consumer3"] == pytest.approx(_compute_s(light, none)["consumer3"])


def test_a_dynamic_quantizer_reads_its_whole_input_from_the_other_cores(tmp_path: Path) -> None:
    import numpy as np
    from onnx import TensorProto as T
    from onnx import helper as h
    from onnx import numpy_helper as nh

    # LayerNormalization over [256, 64], then a DynamicQuantizeMatMul by an int8 64×64 weight
    x = h.make_tensor_value_info("x", T.FLOAT, [256, 64])
    inits = [nh.from_array(np.ones(64, np.float32), "g"), nh.from_array(np.zeros(64, np.float32), "b"),
             nh.from_array(np.ones((64, 64), np.int8), "w"), nh.from_array(np.array([0.1], np.float32), "s")]
    ms = "com.microsoft"
    nodes = [h.make_node("LayerNormalization", ["x", "g", "b"], ["n"], name="norm", axis=-1),
             h.make_node("DynamicQuantizeMatMul", ["n", "w", "s"], ["y"], name="gemm", domain=ms)]
    graph = h.make_graph(nodes, "g", [x], [h.make_tensor_value_info("y", T.FLOAT, None)], inits)
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17), h.make_opsetid(ms, 1)])
    plain, remote = _remote_profile(tmp_path, remote="0"), _remote_profile(tmp_path)
    extra = _compute_s(model, remote)["gemm"] - _compute_s(model, plain)["gemm"]
    # its range pass reads 256 × 64 × 4 = 65,536 bytes on one thread, half the other core's:
    # 32,768 × 1e-10 = 3.2768 µs
    assert extra == pytest.approx(3.2768e-6)


def test_a_remote_read_is_at_most_what_the_node_reads_and_no_view_is_looked_through(tmp_path: Path) -> None:
    import numpy as np
    from onnx import TensorProto as T
    from onnx import helper as h
    from onnx import numpy_helper as nh

    # a LayerNormalization over [2, 128, 64], then a Gather of its first token (a pooler) and a
    # Reshape (a view) to [256, 64] before a Neg
    x = h.make_tensor_value_info("x", T.FLOAT, [2, 128, 64])
    rows = nh.from_array(np.array([256, 64], np.int64), "rows")
    inits = [nh.from_array(np.ones(64, np.float32), "g"), nh.from_array(np.zeros(64, np.float32), "b"),
             nh.from_array(np.array(0, np.int64), "first"), rows]
    nodes = [h.make_node("LayerNormalization", ["x", "g", "b"], ["n"], name="norm", axis=-1),
             h.make_node("Gather", ["n", "first"], ["token"], name="pool", axis=1),
             h.make_node("Neg", ["token"], ["y1"], name="negate_token"),
             h.make_node("Reshape", ["n", "rows"], ["flat"], name="view"),
             h.make_node("Neg", ["flat"], ["y2"], name="negate_rows")]  # fmt: skip
    outputs = [h.make_tensor_value_info(name, T.FLOAT, None) for name in ("y1", "y2")]
    graph = h.make_graph(nodes, "g", [x], outputs, inits)
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])
    plain, remote = _remote_profile(tmp_path, remote="0"), _remote_profile(tmp_path)
    before, after = _compute_s(model, plain), _compute_s(model, remote)
    # the Gather reads one token of each image, 2 × 64 floats = 512 bytes (and its 8-byte index),
    # not the 65,536 the LayerNormalization wrote: half of 520 × 1e-10 = 26 ns
    assert after["pool"] - before["pool"] == pytest.approx(260 * 1e-10)
    # the Neg after the Reshape: no view is looked through, nothing more
    assert after["negate_rows"] == pytest.approx(before["negate_rows"])
