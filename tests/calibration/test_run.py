"""The samples a benchmark's node times make (onnxcost.measure.calibration.run.node_samples), on
a benchmark as onnxruntime lowers it and kernel times given by hand."""

from __future__ import annotations

import pytest

from onnxcost.api import prepare
from onnxcost.measure.calibration import bench
from onnxcost.measure.calibration.fit import Sample
from onnxcost.measure.calibration.run import Overheads, combine, node_samples
from onnxcost.measure.profile import undisturbed_pass


def _convs():  # type: ignore[no-untyped-def]
    analysis = prepare(bench.conv_epilogues(16, 28, 96, 1, ("Clip",)).model, runtime="onnxruntime-cpu")
    convs = {cost.epilogue: cost for cost in analysis.costs if cost.op_type == "Conv"}
    return convs[""], convs["Clip"], analysis


def test_an_epilogue_is_timed_as_its_node_less_its_plain_twin() -> None:
    plain, clipped, analysis = _convs()
    seconds = {plain.name: 20e-6, clipped.name: 29e-6}
    # (sorted by key: onnxruntime may order the two convolutions either way)
    samples = tuple(
        sorted(node_samples(analysis.costs, analysis.graph.tensors, seconds), key=lambda s: s.op_type)
    )
    # 16→96 1×1 on 28×28: 2·75,264·16 MACs + 75,264 bias adds = 2,483,712 operations in 20 µs;
    # the Clip's pass: 29 − 20 = 9 µs over 96·28·28 = 75,264 outputs
    assert samples == (
        Sample("epilogue.Clip", "elementwise", 75_264, pytest.approx(9e-6)),
        Sample("nchwc.Conv.1x1.narrow", "dense", 2_483_712, pytest.approx(20e-6)),
    )


def test_an_epilogue_without_a_plain_twin_is_no_sample() -> None:
    # nothing to subtract: neither the Clip's pass nor the fused node's time feeds a table
    _, clipped, analysis = _convs()
    assert node_samples(analysis.costs, analysis.graph.tensors, {clipped.name: 29e-6}) == ()


def test_a_recurrent_node_is_a_sample_of_its_steps_less_its_projection_twin() -> None:
    analysis = prepare(bench.recurrent("LSTM", 20, 1, 64, 64).model, runtime="onnxruntime-cpu")
    lstm = next(cost for cost in analysis.costs if cost.op_type == "LSTM")
    twin = next(cost for cost in analysis.costs if cost.op_type == "MatMul")
    # the twin: [20, 64] × [64, 256], 2·20·64·256 = 655,360 operations, the LSTM's projection
    assert twin.flops == 655_360
    seconds = {lstm.name: 100e-6, twin.name: 30e-6}
    found = node_samples(analysis.costs, analysis.graph.tensors, seconds)
    steps = [sample for sample in found if sample.kind == "recurrent"]
    # (100 − 30) µs over 20 steps = 3.5 µs a step, for the LSTM's operations less the projection's
    assert steps == [Sample("LSTM.steps", "recurrent", (lstm.flops - 655_360) / 20, pytest.approx(3.5e-6))]
    # without its twin's time, no sample of the steps
    alone = node_samples(analysis.costs, analysis.graph.tensors, {lstm.name: 100e-6})
    assert [s for s in alone if s.kind == "recurrent"] == []


@pytest.mark.parametrize(
    ("latencies_s", "chosen"),
    [
        # none disturbed (all within 1.2× of 1.00): the median, 1.02
        ((1.02, 1.00, 1.04), 0),
        # 1.60 > 1.2 × 1.00: left out; of 1.00 and 1.05 the upper median
        ((1.60, 1.00, 1.05), 2),
        # a burst over two passes (1.5 and 1.7 both > 1.2): the fastest
        ((1.50, 1.70, 1.00), 2),
        ((2.0,), 0),
    ],
)
def test_the_pass_kept_is_the_median_of_the_undisturbed(latencies_s: tuple[float, ...], chosen: int) -> None:
    assert undisturbed_pass(latencies_s) == chosen


def test_combine_keeps_each_benchmarks_undisturbed_pass() -> None:
    # two benchmarks over three passes; the first's second pass was slowed 1.5× by another
    # tenant, the second's passes agree: the first keeps the upper median of 100 and 104 µs (its
    # third pass), the second its median (its first)
    def sample(seconds: float) -> tuple[Sample, ...]:
        return (Sample("MatMul", "dense", 1_000_000, seconds),)

    costs = Overheads(5e-6, 1e-6)
    passes = [
        (costs, [(100e-6, sample(100e-6)), (51e-6, sample(51e-6))]),
        (costs, [(150e-6, sample(150e-6)), (50e-6, sample(50e-6))]),
        (costs, [(104e-6, sample(104e-6)), (52e-6, sample(52e-6))]),
    ]
    chosen = [bench.overhead(1), bench.overhead(2)]
    kept = combine(1, chosen, passes)
    assert [s.seconds for s in kept.samples] == [104e-6, 51e-6]
    # every pass's run ÷ the kept one's: 100/104, 150/104, 1; 1, 50/51, 52/51
    assert kept.pass_ratios == pytest.approx((100 / 104, 150 / 104, 1.0, 1.0, 50 / 51, 52 / 51))


@pytest.mark.parametrize(
    ("both_us", "factor"),
    [
        # light blocks alone 413.6 µs − a run's 4 µs − 96 light nodes × 0.1 µs = 400 µs of kernels;
        # among the MatMuls 669.6 − 180 (the MatMuls alone) − 9.6 = 480: 480 / 400 = 1.2
        (669.6, 1.2),
        # faster among them than alone (noise): no factor below 1
        (500.0, 1.0),
    ],
)
def test_the_context_factor_is_light_kernels_among_heavy_ones_over_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path, both_us: float, factor: float
) -> None:
    import onnx

    from onnxcost.measure.calibration import run

    # the three graphs by their node counts: 16 blocks of 6 light nodes, 16 MatMuls, both
    wall_us = {96: 413.6, 16: 180.0, 112: both_us}
    monkeypatch.setattr(run, "session", lambda path, threads: path)
    monkeypatch.setattr(run, "random_feeds", lambda sess, shapes: {})

    def time_runs(sess: str, feeds: dict, runs: int) -> list[float]:
        return [wall_us[len(onnx.load(sess).graph.node)] * 1e-6]

    monkeypatch.setattr(run, "time_runs", time_runs)
    assert run.context_factor(1, str(tmp_path), 4e-6, 0.1e-6) == pytest.approx(factor)


def test_a_cold_start_is_the_median_evicted_less_warm_time_of_its_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from onnxcost.measure.calibration import run

    benches = [bench.Bench("a", bench.overhead(1).model), bench.Bench("b", bench.overhead(1).model)]
    sizes, scales = [], []

    def evicted(which: bench.Bench, evict_bytes: int) -> bench.Bench:
        sizes.append(evict_bytes)
        return bench.Bench(f"{which.label} evicted", which.model)

    # per kernel call, warm and evicted (the same after every pass); b has two nodes of one key
    # and size, paired in order, and a quantizer, which is no integer GEMM
    samples = {
        "a": (Sample("DynamicQuantizeMatMul.narrow", "int8", 1e6, 30e-6),),
        "a evicted": (Sample("DynamicQuantizeMatMul.narrow", "int8", 1e6, 42e-6),),
        "b": (
            Sample("DynamicQuantizeLinear", "elementwise", 1e4, 5e-6),
            Sample("DynamicQuantizeMatMul", "int8", 2e6, 20e-6),
            Sample("MatMulIntegerToFloat.narrow", "int8", 1e6, 9e-6),
            Sample("MatMulIntegerToFloat.narrow", "int8", 1e6, 6e-6),
        ),
        "b evicted": (
            Sample("DynamicQuantizeLinear", "elementwise", 1e4, 9e-6),
            Sample("DynamicQuantizeMatMul", "int8", 2e6, 24e-6),
            Sample("MatMulIntegerToFloat.narrow", "int8", 1e6, 8e-6),
            Sample("MatMulIntegerToFloat.narrow", "int8", 1e6, 7e-6),
        ),
    }

    def fake_run(which, threads, folder, costs=None, scale=None):  # type: ignore[no-untyped-def]
        scales.append(scale)
        return run.Measurement(1e-4, (1e-4,), 1, {"op": 50e-6}), samples[which.label]

    monkeypatch.setattr(run, "cold_benchmarks", lambda: benches)
    monkeypatch.setattr(run, "evicted", evicted)
    monkeypatch.setattr(run, "_run", fake_run)
    found = dict(run.cold_starts(1, str(tmp_path), Overheads(4e-6, 1e-7), 1 << 20))
    # .narrow DynamicQuantizeMatMul: 42 − 30 = 12 µs; its plain key also b's 24 − 20 = 4:
    # median 8 µs. MatMulIntegerToFloat.narrow (and its plain key): 8 − 9 and 7 − 6 = 1, median
    # of −1 and 1 is 0. No quantizer: it is no integer GEMM.
    assert found == pytest.approx(
        {
            "DynamicQuantizeMatMul.narrow": 12e-6,
            "DynamicQuantizeMatMul": 8e-6,
            "MatMulIntegerToFloat.narrow": 0.0,
            "MatMulIntegerToFloat": 0.0,
        }
    )
    # every benchmark's input tiled to twice the 1 MiB cache
    assert sizes == [2 << 20, 2 << 20]
    # the warm runs scale by their own wall share, the evicted ones by their warm run's:
    # (100 µs − 4 − 0.1) ÷ 50 = 1.918
    assert scales == [None, pytest.approx(1.918)] * 2


def test_cold_starts_of_several_passes_keep_each_keys_median() -> None:
    from onnxcost.measure.calibration.run import cold_medians

    # A in three passes (1, 3, 2 µs: median 2), B in one (3 µs)
    found = cold_medians([{"A": 1e-6, "B": 3e-6}, {"A": 3e-6}, {"A": 2e-6}])
    assert found == (("A", 2e-6), ("B", 3e-6))


def test_the_plainest_key_has_every_mark_removed() -> None:
    from onnxcost.measure.calibration.run import plainest

    assert plainest("MatMulIntegerToFloat.narrow") == "MatMulIntegerToFloat"
    assert plainest("DynamicQuantizeMatMul.narrow.gemv") == "DynamicQuantizeMatMul"
    assert plainest("MatMul") == "MatMul"


def test_the_next_image_share_is_the_median_of_two_images_over_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from onnxcost.measure.calibration import run

    model = bench.overhead(1).model
    pairs = [(bench.Bench(f"{name}×1", model), bench.Bench(f"{name}×2", model)) for name in "abc"]
    # the QLinearConv's sample per call (a two-image node's is one of its two calls), by run: each
    # pair runs one, two, two, one; the transposes around it are no MAC class
    runs = {
        "a×1": [100e-6, 102e-6], "a×2": [95e-6, 96e-6],
        "b×1": [50e-6, 50e-6], "b×2": [50e-6, 50e-6],
        "c×1": [10e-6, 10e-6], "c×2": [9e-6, 9.5e-6],
    }  # fmt: skip
    order, scales = [], []

    def fake_run(which, threads, folder, costs=None, scale=None):  # type: ignore[no-untyped-def]
        order.append(which.label)
        scales.append(scale)
        seconds = runs[which.label].pop(0)
        found = (Sample("Transpose", "movement", 1e4, 3e-6), Sample("QLinearConv", "int8", 1e7, seconds))
        return run.Measurement(1e-4, (1e-4,), 1, {"op": seconds}), found

    monkeypatch.setattr(run, "image_benchmarks", lambda: pairs)
    monkeypatch.setattr(run, "_run", fake_run)
    share = run.next_image_share(str(tmp_path), Overheads(4e-6, 1e-7))
    # a: (2·95 + 2·96) ÷ (100 + 102) − 1 = 382 ÷ 202 − 1 = 0.891089; b: 200 ÷ 100 − 1 = 1.0;
    # c: (18 + 19) ÷ 20 − 1 = 0.85: the median 0.891089
    assert share == pytest.approx(382 / 202 - 1)
    assert order[:4] == ["a×1", "a×2", "a×2", "a×1"]
    # the profiler's times as they are: no wall share
    assert scales == [1.0] * 12


def test_passes_keep_the_median_next_image_share() -> None:
    measured = combine(1, [], [(Overheads(1e-6, 1e-7, 1.0, (), share), []) for share in (0.9, 1.02, 0.95)])
    assert measured.overheads.next_image_share == 0.95


def test_a_pair_without_its_convolution_timed_gives_no_share(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from onnxcost.measure.calibration import run

    model = bench.overhead(1).model
    pairs = [(bench.Bench("a×1", model), bench.Bench("a×2", model))]

    def fake_run(which, threads, folder, costs=None, scale=None):  # type: ignore[no-untyped-def]
        # the profiler saw only the transposes: no MAC-class sample
        return run.Measurement(1e-4, (1e-4,), 1, {}), (Sample("Transpose", "movement", 1e4, 3e-6),)

    monkeypatch.setattr(run, "image_benchmarks", lambda: pairs)
    monkeypatch.setattr(run, "_run", fake_run)
    # no pair measured: no figure (1.0, which the profile leaves out)
    assert run.next_image_share(str(tmp_path), Overheads(4e-6, 1e-7)) == 1.0


def test_the_remote_read_is_the_pairs_extra_time_over_the_bytes_the_other_thread_wrote(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from onnxcost.measure.calibration import run

    # wall times by pair and graph: (producers then consumers, producers alone, consumers alone)
    walls = {
        ("MatMul", "Mul"): (300e-6, 150e-6, 50e-6),
        ("MatMul", "Transpose"): (250e-6, 150e-6, 54e-6),
        ("LayerNormalization", "Add"): (210e-6, 150e-6, 54e-6),
    }

    def fake_remote(producer, consumer, heavy, light):  # type: ignore[no-untyped-def]
        return bench.Bench(f"{producer}|{consumer}|{heavy}|{light}", bench.overhead(1).model)

    graphs: list[str] = []
    monkeypatch.setattr(run.onnx, "save", lambda model, path: None)
    monkeypatch.setattr(run, "session", lambda path, threads: graphs[-1])
    monkeypatch.setattr(run, "random_feeds", lambda sess, shapes: {})

    def fake_times(label, feeds, runs):  # type: ignore[no-untyped-def]
        producer, consumer, heavy, light = label.split("|")
        both, alone, light_s = walls[producer, consumer]
        return [both if heavy == light == "True" else alone if heavy == "True" else light_s] * 3

    monkeypatch.setattr(run, "time_runs", fake_times)
    real = bench.remote
    monkeypatch.setattr(run, "remote", lambda *a: (graphs.append(fake_remote(*a).label), real(*a))[1])
    found = run.remote_read(2, str(tmp_path), 4e-6)
    # extra: 300 − 150 − (50 − 4) = 104 µs; 250 − 150 − 50 = 50; 210 − 150 − 50 = 10: 164 µs. Each
    # pair's consumers read 16 × 256 × 64 × 4 = 1,048,576 bytes, half of them the other thread's:
    # 3 × 524,288 = 1,572,864 bytes → 164e-6 ÷ 1,572,864 = 1.0427e-10 s a byte
    assert found == pytest.approx(164e-6 / 1_572_864)
    # three graphs a pair
    assert len(graphs) == 9


def test_passes_keep_the_median_remote_read() -> None:
    runs = [(Overheads(1e-6, 1e-7, 1.0, (), 1.0, value), []) for value in (1e-10, 3e-10, 2e-10)]
    assert combine(2, [], runs).overheads.remote_s_per_byte == 2e-10
