"""Schedules: lifetimes, peak memory, min-memory orders, arena plans and fit.

Sizes in the hand-built graphs: every value is a float32 row [1, C], so it weighs 4·C bytes.
"""

from __future__ import annotations

import glob
import json
import os
import random
import time
from pathlib import Path

import onnx
import pytest
from click.testing import CliRunner
from onnx import TensorProto as T
from onnx import helper as h

import onnxcost
from onnxcost.cli import main
from onnxcost.cost.graph import Graph, build_graph
from onnxcost.errors import OnnxcostError
from onnxcost.memory import ordering
from onnxcost.memory.arena import lower_bound, plan_arena
from onnxcost.memory.fit import fit_memory, largest_batch
from onnxcost.memory.ordering import min_memory_units
from onnxcost.memory.schedule import (
    MemoryOptions,
    build_problem,
    lifetimes,
    make_schedule,
    peak_memory,
    simulate,
    topo_units,
)
from onnxcost.model.load import load_model
from onnxcost.report.document import report_document
from onnxcost.shapes.infer import infer_shapes
from onnxcost.types import HardwareProfile, MemoryLevel
from tests.schedule_graphs import Builder, branchy_chain, nas_cells, random_dag, unet, wide_fan

MODELS = Path(__file__).resolve().parents[1] / "models"
LIGHT = sorted(glob.glob(os.path.join(os.path.dirname(onnx.__file__),
                                      "backend/test/data/light/*.onnx")))  # fmt: skip
SAMPLES = sorted(str(p) for p in MODELS.glob("*.onnx"))
PLAIN = MemoryOptions(inplace=False, fuse=False)


def graph_of(model: onnx.ModelProto | str | Path, dims: dict[str, int] | None = None) -> Graph:
    return build_graph(infer_shapes(load_model(model), dims, None))


def peak(graph: Graph, order: str = "topo", options: MemoryOptions | None = None) -> int:
    return make_schedule(graph, order, options).peak_memory_bytes


# ---------------------------------------------------------------- hand-worked graphs


def diamond() -> onnx.ModelProto:
    """x[8] → A = x·W[8,16], B = x·W[8,4] → D = Concat(A, B)."""
    b = Builder()
    x = b.input("x", 8)
    a = b.dense(x, 8, 16, name="A")
    c = b.dense(x, 8, 4, name="B")
    return b.model([b.op("Concat", a, c, axis=1, name="D")])


def test_diamond_peak_by_hand() -> None:
    # x 32 B, A 64 B, B 16 B, D 80 B.
    # step 0 (A): x + A = 96; step 1 (B): x + A + B = 112 (x's last use);
    # step 2 (D): A + B + D = 160, the peak, whatever the order of A and B.
    graph = graph_of(diamond())
    schedule = make_schedule(graph)
    assert schedule.order == ("A", "B", "D")
    assert schedule.peak_memory_bytes == 160
    assert schedule.peak_step == 2
    assert set(schedule.peak_tensors) == {"A", "B", "D"}
    assert lifetimes(graph).live_bytes == (96, 112, 160)
    assert peak(graph, "min-memory") == 160


def two_branches() -> onnx.ModelProto:
    """Two branches x → 64 wide → 2 wide, listed interleaved (a1, b1, a2, b2), concatenated."""
    b = Builder()
    x = b.input("x", 8)
    a1 = b.dense(x, 8, 64, name="a1")
    b1 = b.dense(x, 8, 64, name="b1")
    a2 = b.dense(a1, 64, 2, name="a2")
    b2 = b.dense(b1, 64, 2, name="b2")
    return b.model([b.op("Concat", a2, b2, axis=1, name="out")])


def test_two_branches_order_matters() -> None:
    # x 32, a1 = b1 = 256, a2 = b2 = 8, out 16.
    # File order a1, b1, a2, b2: at b1, x + a1 + b1 = 544 (the peak).
    # Best: a1, a2, b1, b2: a1: x + a1 = 288; a2: x + a1 + a2 = 296; b1: x + a2 + b1 = 296;
    # b2: a2 + b1 + b2 = 272; out: 8 + 8 + 16 = 32. Peak 296.
    graph = graph_of(two_branches())
    assert peak(graph) == 544
    schedule = make_schedule(graph, "min-memory")
    assert schedule.peak_memory_bytes == 296
    assert schedule.topo_peak_bytes == 544
    assert schedule.order in (("a1", "a2", "b1", "b2", "out"), ("b1", "b2", "a1", "a2", "out"))
    assert "exact" in schedule.method


def inception_like() -> onnx.ModelProto:
    """Three branches listed C, B, A: C = x·[8,8]; B = x·[8,32]·[32,16]; A = x·[8,64]·[64,4]."""
    b = Builder()
    x = b.input("x", 8)
    c1 = b.dense(x, 8, 8, name="c1")
    b1 = b.dense(x, 8, 32, name="b1")
    b2 = b.dense(b1, 32, 16, name="b2")
    a1 = b.dense(x, 8, 64, name="a1")
    a2 = b.dense(a1, 64, 4, name="a2")
    return b.model([b.op("Concat", a2, b2, c1, axis=1, name="cat")])


def test_inception_like_branches() -> None:
    # Sizes: x 32, c1 32, b1 128, b2 64, a1 256, a2 16, cat 112.
    # File order c1, b1, b2, a1, a2: a1's step holds x + c1 + b2 + a1 = 32+32+64+256 = 384.
    # The big branch A must go first, while only x is live: a1: x + a1 = 288,
    # a2: x + a1 + a2 = 304; then C and B stay below (at most a2 + c1 + b1 + b2 = 240),
    # cat: 16 + 64 + 32 + 112 = 224. A second (after C) would give x + c1 + a1 + a2 = 336.
    graph = graph_of(inception_like())
    assert peak(graph) == 384
    schedule = make_schedule(graph, "min-memory")
    assert schedule.peak_memory_bytes == 304
    assert schedule.order[:2] == ("a1", "a2")


def residual_block() -> onnx.ModelProto:
    """x[16] → y1 = Relu(x·W[16,4]) → y2 = y1·W[4,16]; s = x + y2; out = Relu(s)."""
    b = Builder()
    x = b.input("x", 16)
    y1 = b.op("Relu", b.dense(x, 16, 4, name="mm1"), name="relu1")
    y2 = b.dense(y1, 4, 16, name="mm2")
    s = b.op("Add", x, y2, name="add")
    return b.model([b.op("Relu", s, name="out")])


def test_residual_block_in_place_and_fusion() -> None:
    # x 64, y1 16 (Relu fused into mm1), y2 64, s 64, out 64.
    # mm1: x + y1 = 80; mm2: x + y1 + y2 = 144; add: x + y2 + s = 192 without in-place,
    # 128 with (s overwrites y2 or x, both dying there); out: s + out = 128, or 64 in place.
    graph = graph_of(residual_block())
    assert peak(graph, options=MemoryOptions(inplace=True)) == 144
    assert peak(graph, options=MemoryOptions(inplace=False)) == 192
    # Without fusion the Relu's input materializes: mm1 → relu1 holds x + mm1 + relu1 = 96 < 144.
    assert peak(graph, options=PLAIN) == 192
    schedule = make_schedule(graph, options=MemoryOptions(inplace=True))
    shared = [b for b in schedule.buffers if "add" in b["tensors"]]
    assert len(shared) == 1 and len(shared[0]["tensors"]) >= 2  # s shares a dying input's block
    assert "out" in shared[0]["tensors"]  # and the final Relu runs in place too


def test_fused_chain_is_one_unit() -> None:
    graph = graph_of(residual_block())
    fused = make_schedule(graph, options=MemoryOptions(inplace=False))
    plain = make_schedule(graph, options=PLAIN)
    tensors = {t for b in fused.buffers for t in b["tensors"]}
    assert "mm1" not in tensors and "relu1" in tensors  # the conv-like output never exists
    assert {t for b in plain.buffers for t in b["tensors"]} >= {"mm1", "relu1"}
    assert fused.order == plain.order  # same node order, fused nodes on consecutive steps


# ---------------------------------------------------------------- lifetimes


def test_lifetime_rules() -> None:
    # x → t = Relu(x); (u, v) = Split(t); w = Sigmoid(u); outputs: w and t.
    # v has no reader: it lives only at its own step. t is an output: it lives to the end.
    b = Builder()
    x = b.input("x", 8)
    t = b.op("Relu", x, name="t")
    b.nodes.append(h.make_node("Split", [t], ["u", "v"], name="split", axis=1, num_outputs=2))
    w = b.op("Sigmoid", "u", name="w")
    graph = graph_of(b.model([w, t]))
    life = lifetimes(graph, options=PLAIN)
    assert life.order == ("t", "split", "w")
    assert life.tensors["x"] == (0, 0)
    assert life.tensors["t"] == (0, 2)
    assert life.tensors["u"] == (1, 2)
    assert life.tensors["v"] == (1, 1)
    assert life.tensors["w"] == (2, 2)
    # step 1: t 32 + u 16 + v 16 = 64 (x died at step 0)
    assert life.live_bytes == (64, 64, 64)


def test_constants_are_not_activations() -> None:
    b = Builder()
    x = b.input("x", 8)
    shape = b.op("Constant", name="shape", value=h.make_tensor("s", T.INT64, [2], [1, 8]))
    r = b.op("Reshape", b.dense(x, 8, 8, name="mm"), shape, name="r")
    graph = graph_of(b.model([r]))
    life = lifetimes(graph, options=PLAIN)
    assert "shape" not in life.tensors and "w_8x8" not in life.tensors
    # mm: x + mm = 64; r (a copy without in-place): mm + r = 64; with in-place r is a view: 32
    assert life.peak_bytes == 64
    assert lifetimes(graph).peak_bytes == 64
    assert lifetimes(graph).buffers[-1].tensors == ("mm", "r")


def test_explicit_order_is_checked() -> None:
    graph = graph_of(two_branches())
    good = make_schedule(graph, ["a1", "a2", "b1", "b2", "out"])
    assert good.peak_memory_bytes == 296
    with pytest.raises(OnnxcostError, match="runs before"):
        make_schedule(graph, ["a2", "a1", "b1", "b2", "out"])


def test_unbound_dims_ask_for_dim() -> None:
    b = Builder()
    b.inputs.append(h.make_tensor_value_info("x", T.FLOAT, ["batch", 8]))
    model = b.model([b.op("Relu", "x", name="r")])
    graph = graph_of(model)
    with pytest.raises(OnnxcostError, match="--dim batch=N"):
        make_schedule(graph)
    assert peak_memory(graph) is None
    # batch 3: x and r weigh 96 B each; x dies at r but is a graph input, never overwritten
    assert peak_memory(graph_of(model, {"batch": 3})) == 192


def test_unknown_shapes_count_zero_with_a_warning() -> None:
    b = Builder()
    x = b.input("x", 8)
    seq = b.op("SequenceConstruct", x, name="seq")
    out = b.op("SequenceAt", seq, b.op("Constant", name="zero",
                                         value=h.make_tensor("z", T.INT64, [], [0])), name="at")
    schedule = make_schedule(graph_of(b.model([out])))
    assert any("unknown size" in w for w in schedule.warnings)


def test_depthwise_in_place_is_optional() -> None:
    # x [1, 8, 10, 10] float = 3,200 B; depthwise 3×3 conv, pad 1 → same size.
    x = h.make_tensor_value_info("x", T.FLOAT, [1, 8, 10, 10])
    w = onnx.numpy_helper.from_array(__import__("numpy").ones((8, 1, 3, 3), "float32"), "w")
    node = h.make_node("Conv", ["x", "w"], ["dw"], name="dw", group=8, pads=[1, 1, 1, 1])
    relu = h.make_node("Relu", ["dw"], ["y"], name="relu")
    pw = onnx.numpy_helper.from_array(__import__("numpy").ones((8, 8, 1, 1), "float32"), "pw")
    conv = h.make_node("Conv", ["y", "pw"], ["out"], name="pw")
    graph = h.make_graph([node, relu, conv], "g", [x], [h.make_tensor_value_info("out", T.FLOAT, None)],
                         initializer=[w, pw])  # fmt: skip
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)], ir_version=8)
    g = graph_of(model)
    # dw+relu fused: x + y = 6,400; pw: y + out = 6,400. Graph inputs are never overwritten, so
    # in-place depthwise changes nothing here; with a conv in front of it, it would.
    assert peak(g) == 6400
    b = Builder()
    b.inputs.append(x)
    b.nodes = [h.make_node("Conv", ["x", "pw"], ["c0"], name="c0"), node, relu, conv]
    b.nodes[1] = h.make_node("Conv", ["c0", "w"], ["dw"], name="dw", group=8, pads=[1, 1, 1, 1])
    b.inits = {"w": w, "pw": pw}
    g2 = graph_of(b.model(["out"]))
    assert peak(g2) == 6400  # c0: x + c0; dw: c0 + y; pw: y + out
    assert peak(g2, options=MemoryOptions(inplace_depthwise=True)) == 6400  # c0: x + c0 remains
    dw_step = make_schedule(g2, options=MemoryOptions(inplace_depthwise=True))
    assert any({"c0", "y"} <= set(b["tensors"]) for b in dw_step.buffers)


# ---------------------------------------------------------------- brute force


def _linear_extensions(problem, limit: int = 6000) -> list[list[int]] | None:
    """Every topological order of the units (None when there are more than `limit`)."""
    n = len(problem.units)
    preds = [set(u.preds) for u in problem.units]
    found: list[list[int]] = []

    def walk(order: list[int], done: set[int]) -> bool:
        if len(found) > limit:
            return False
        if len(order) == n:
            found.append(list(order))
            return True
        for u in range(n):
            if u not in done and preds[u] <= done:
                order.append(u)
                done.add(u)
                walk(order, done)
                order.pop()
                done.discard(u)
        return True

    walk([], set())
    return None if len(found) > limit else found


def _naive_peak(graph: Graph, order: list[str]) -> int:
    """Live bytes recomputed from scratch per step (no in-place, no fusion); a graph input that
    nothing reads is never needed by the runtime and not counted."""
    step = {name: i for i, name in enumerate(order)}
    nodes = {n.name: n for n in graph.nodes}
    end = len(order) - 1
    spans = {}
    for name in graph.inputs:
        if graph.consumers.get(name) or name in graph.outputs:
            spans[name] = 0
    for name in order:
        for t in nodes[name].outputs:
            spans[t] = step[name]
    best = 0
    for i in range(len(order)):
        live = 0
        for t, born in spans.items():
            readers = [step[c] for c in graph.consumers.get(t, ())]
            dies = end if t in graph.outputs else max(readers, default=born)
            if born <= i <= dies:
                live += graph.tensors[t].nbytes
        best = max(best, live)
    return best


CASES = [(seed, n) for seed in range(60) for n in (5, 7, 9)]


@pytest.mark.parametrize("options", [PLAIN, MemoryOptions()], ids=["plain", "inplace+fuse"])
def test_exact_search_equals_brute_force_on_random_dags(options: MemoryOptions) -> None:
    checked = improved = 0
    for seed, n in CASES:
        graph = graph_of(random_dag(seed, n))
        problem = build_problem(graph, options)
        orders = _linear_extensions(problem)
        if orders is None:
            continue
        best = min(simulate(problem, o).peak_bytes for o in orders)
        units, info = min_memory_units(problem)
        assert info.exact
        found = simulate(problem, units).peak_bytes
        assert found == best, (seed, n)
        checked += 1
        improved += best < simulate(problem, topo_units(problem)).peak_bytes
    assert checked >= 150 and improved >= 10


def test_peak_function_against_a_naive_recomputation() -> None:
    rng = random.Random(3)
    for seed, n in CASES[::3]:
        graph = graph_of(random_dag(seed, n))
        problem = build_problem(graph, PLAIN)
        orders = _linear_extensions(problem, limit=200) or [topo_units(problem)]
        for units in rng.sample(orders, min(5, len(orders))):
            life = simulate(problem, units)
            naive = _naive_peak(graph, list(life.order))
            assert life.peak_bytes == pytest.approx(naive, rel=0.01)


@pytest.mark.parametrize("heuristic", ["beam", "greedy"])
def test_heuristics_alone_stay_valid_and_never_above_topo(heuristic, monkeypatch) -> None:
    monkeypatch.setattr(ordering, "WORK_LIMIT", 0)
    if heuristic == "greedy":
        monkeypatch.setattr(ordering, "BEAM_MAX_UNITS", 0)
    for model in (two_branches(), inception_like(), wide_fan(6, 3), nas_cells(4), unet(4)):
        graph = graph_of(model)
        problem = build_problem(graph)
        units, _info = min_memory_units(problem)
        found = simulate(problem, units)  # validates the order
        assert found.peak_bytes <= simulate(problem, topo_units(problem)).peak_bytes
    graph = graph_of(two_branches())
    assert peak(graph, "min-memory") == 296  # both heuristics find this one


def test_the_search_caps_fall_back_with_a_warning(monkeypatch) -> None:
    from onnxcost.memory import arena

    graph = graph_of(two_branches())
    exact = make_schedule(graph, "min-memory")
    assert exact.warnings == () and exact.peak_memory_bytes == 296
    # the exact search out of work: the beam's order, the same peak here, and a warning
    monkeypatch.setattr(ordering, "WORK_LIMIT", 0)
    capped = make_schedule(graph, "min-memory")
    assert capped.peak_memory_bytes == 296
    assert any("past the exact search's work limit" in w for w in capped.warnings)
    # past the arena's buffer cap, one placement order (largest first) is tried, with a warning
    monkeypatch.setattr(arena, "SEARCH_BUFFERS", 1)
    plan = make_schedule(graph, "topo")
    assert plan.arena_bytes >= plan.lower_bound_bytes
    assert any("one placement order tried" in w for w in plan.warnings)


# ---------------------------------------------------------------- real models


def _light_id(path: str) -> str:
    return Path(path).stem


@pytest.mark.parametrize("path", LIGHT, ids=_light_id)
def test_light_models_min_memory_and_arena(path: str) -> None:
    graph = graph_of(path)
    for options in (MemoryOptions(), MemoryOptions(inplace=False)):
        topo = make_schedule(graph, "topo", options)
        best = make_schedule(graph, "min-memory", options)
        assert best.peak_memory_bytes <= topo.peak_memory_bytes
        for schedule in (topo, best):
            assert schedule.lower_bound_bytes == schedule.peak_memory_bytes
            assert schedule.arena_bytes <= 1.10 * schedule.lower_bound_bytes
            _assert_plan_is_sound(schedule)


# Measured file-order and min-memory peaks (in-place and fusion on): ShuffleNet's channel
# shuffle branches gain 7.3%; the others' peaks sit in a chain part where every order agrees.
LIGHT_PEAKS = {
    "light_shufflenet": (3_110_912, 2_885_120),
    "light_inception_v1": (4_646_400, 4_646_400),
    "light_inception_v2": (4_014_080, 4_014_080),
    "light_densenet121": (7_225_344, 7_225_344),
    "light_resnet50": (7_225_344, 7_225_344),
    "light_squeezenet": (3_928_576, 3_928_576),
}


@pytest.mark.parametrize("name", sorted(LIGHT_PEAKS))
def test_light_model_peaks(name: str) -> None:
    path = next(p for p in LIGHT if Path(p).stem == name)
    graph = graph_of(path)
    topo, best = LIGHT_PEAKS[name]
    assert peak(graph) == topo
    schedule = make_schedule(graph, "min-memory")
    assert schedule.peak_memory_bytes == best
    assert "exact" in schedule.method  # every segment solved exactly: `best` is the optimum


@pytest.mark.parametrize("path", SAMPLES, ids=_light_id)
def test_sample_models_arena_within_ten_percent(path: str) -> None:
    dims = {"batch": 2, "seq": 64} if Path(path).stem == "transformer_encoder" else None
    graph = graph_of(path, dims)
    for order in ("topo", "min-memory"):
        for options in (MemoryOptions(), MemoryOptions(inplace=False)):
            schedule = make_schedule(graph, order, options)
            assert schedule.arena_bytes <= 1.10 * schedule.lower_bound_bytes
            assert schedule.peak_memory_bytes <= (schedule.topo_peak_bytes or 0)
            _assert_plan_is_sound(schedule)


def _assert_plan_is_sound(schedule) -> None:
    """No two buffers alive at the same step share a byte of the arena."""
    spans = sorted(schedule.buffers, key=lambda b: b["first_step"])
    for i, one in enumerate(spans):
        assert one["offset"] + one["size"] <= schedule.arena_bytes
        for two in spans[i + 1:]:
            if two["first_step"] > one["last_step"]:
                continue
            apart = (one["offset"] + one["size"] <= two["offset"]
                     or two["offset"] + two["size"] <= one["offset"])  # fmt: skip
            assert apart, (one["tensor"], two["tensor"])


# MLPerf Tiny peak activations (HARDWARE.md, int8, sum of live tensors), a runtime fusing
# Relu/bias into the conv; float32 activations weigh four times as much.
MLPERF_INT8 = {
    "kws_dscnn": 16_000,
    "vww_mobilenetv1_025": 55_296,
    "ic_resnet8": 49_152,
    "ad_autoencoder": 768,
}


@pytest.mark.parametrize("name", sorted(MLPERF_INT8))
def test_mlperf_tiny_float_peaks_are_four_times_the_int8_figures(name: str) -> None:
    graph = graph_of(MODELS / f"{name}.onnx")
    options = MemoryOptions(inplace=False)
    assert peak(graph, "topo", options) == 4 * MLPERF_INT8[name]
    assert peak(graph, "min-memory", options) == 4 * MLPERF_INT8[name]


@pytest.mark.parametrize("name", sorted(MLPERF_INT8))
def test_mlperf_tiny_int8_qdq_peaks_are_the_published_figures(name: str) -> None:
    # As run: DQ → op → Q is one integer op, the input Q and output DQ are the caller's.
    graph = graph_of(MODELS / f"{name}_int8.onnx")
    assert peak(graph, "topo", MemoryOptions(inplace=False)) == MLPERF_INT8[name]
    as_written = peak(graph, "topo", MemoryOptions(inplace=False, qdq="as-written"))
    assert as_written > MLPERF_INT8[name]


def test_qdq_integer_ops_run_in_place_and_views_alias() -> None:
    # ResNet-8 int8: the residual Add (DQ, DQ → Add → Q) overwrites a dying integer input;
    # DS-CNN int8: the Flatten between its Q/DQ pairs is a view of the pooled integer tensor.
    resnet = make_schedule(graph_of(MODELS / "ic_resnet8_int8.onnx"))
    assert ["relu_QuantizeLinear_Output", "relu_2_QuantizeLinear_Output"] in [
        b["tensors"] for b in resnet.buffers
    ]
    kws = make_schedule(graph_of(MODELS / "kws_dscnn_int8.onnx"))
    assert ["avgpool_QuantizeLinear_Output", "flatten_QuantizeLinear_Output"] in [
        b["tensors"] for b in kws.buffers
    ]
    assert all(b["size"] <= 8000 for b in kws.buffers)  # no float activation materializes


def test_analyze_fills_peak_memory() -> None:
    report = onnxcost.analyze(MODELS / "kws_dscnn.onnx")
    assert report.totals.peak_memory_bytes == 64_000  # in place changes nothing on DS-CNN
    assert report_document(report)["totals"]["peak_memory_bytes"] == 64_000
    symbolic = onnxcost.analyze(MODELS / "transformer_encoder.onnx")
    assert symbolic.totals.peak_memory_bytes is None
    bound = onnxcost.analyze(MODELS / "transformer_encoder.onnx", dims={"batch": 2, "seq": 64})
    assert bound.totals.peak_memory_bytes == 589_824


# ---------------------------------------------------------------- arena


def test_arena_by_hand() -> None:
    # a [0,1] 100 B, b [1,2] 50 B, c [2,3] 100 B: a and c never meet, b meets both.
    # Largest first: a at 0, c at 0, b above them at 112 (16-byte aligned). Bound: 150.
    plan = plan_arena([(100, 0, 1), (50, 1, 2), (100, 2, 3)])
    assert lower_bound([(100, 0, 1), (50, 1, 2), (100, 2, 3)]) == 150
    assert [p.offset for p in plan.placements] == [0, 112, 0]
    assert plan.arena_bytes == 162
    assert plan_arena([(100, 0, 1), (50, 1, 2), (100, 2, 3)], alignment=1).arena_bytes == 150


def test_arena_chain_with_small_links_reaches_the_bound() -> None:
    # 32000 / 8000 / 32000 / 32000 / 8000 ... (a conv, its int8 copy, its float copy, ...):
    # largest-first alone needs 72,000; the neighbour-aware order reaches 64,000 = bound + …
    spans = []
    step = 0
    for _ in range(8):
        spans += [(32000, step, step + 1), (8000, step + 1, step + 2), (32000, step + 2, step + 3)]
        step += 3
    plan = plan_arena(spans)
    assert plan.arena_bytes <= 1.10 * plan.lower_bound_bytes


# ---------------------------------------------------------------- fit


def _profile(kind: str, levels: dict[str, float], weights: str, activations: str) -> HardwareProfile:
    return HardwareProfile(
        name="test", display_name="test", kind=kind, clock_hz=1e8, peak_ops_per_s={"float32": 1e9},
        memory=tuple(MemoryLevel(n, c, 1e9, 1.0) for n, c in levels.items()),
        weights_level=weights, activations_level=activations, kernel_overhead_s=0.0,
        run_power_w=0.1, idle_power_w=0.0, overlap=False, compute_efficiency=(),
        memory_efficiency=(), energy_pj_per_op={}, sources={},
    )  # fmt: skip


def test_fit_on_a_microcontroller() -> None:
    mcu = _profile("mcu", {"SRAM": 64_000, "FLASH": 1_000_000}, "FLASH", "SRAM")
    fit = fit_memory(mcu, arena_bytes=70_000, weight_bytes=90_000)
    assert fit["activations"]["headroom_bytes"] == -6_000
    assert fit["activations"]["overflow_bytes"] == 6_000
    assert fit["weights"]["headroom_bytes"] == 910_000
    assert not fit["fits"]


def test_largest_batch_is_linear_and_checked() -> None:
    gpu = _profile("gpu", {"HBM": 1_000_000}, "HBM", "HBM")
    # arena(b) = 1,000 + 9,000·b, weights 100,000: (1,000,000 − 100,000 − 1,000) // 9,000 = 99
    result = largest_batch(gpu, 100_000, lambda b: 1_000 + 9_000 * b, "batch", 1, 10_000)
    assert result["max_batch"] == 99 and result["verified"]
    assert result["per_sample_bytes"] == 9_000 and result["fixed_bytes"] == 1_000
    fixed = largest_batch(gpu, 100_000, lambda b: None, None, 4, 40_000)
    assert fixed["max_batch"] == 90  # 900,000 // (40,000 / 4)


def test_transformer_largest_batch_on_a_gpu() -> None:
    from onnxcost.estimate.hardware import load_profile
    from onnxcost.memory.plan import schedule_model

    schedule, bindings = schedule_model(MODELS / "transformer_encoder.onnx", {"batch": 1, "seq": 64},
                                        hardware=load_profile("h100-sxm"))  # fmt: skip
    batch = schedule.fit["batch"]
    assert batch["batch_dim"] == "batch" and batch["verified"]
    assert batch["max_batch"] > 10_000
    assert bindings == {"batch": 1, "seq": 64}


# ---------------------------------------------------------------- CLI


SCHEDULE_KEYS = {"order", "peak_memory_bytes", "peak_step", "lower_bound_bytes", "arena_bytes",
                 "buffers", "fit", "strategy", "method", "peak_tensors", "warnings"}  # fmt: skip
BUFFER_KEYS = {"tensor", "tensors", "size", "offset", "first_step", "last_step"}


def test_cli_schedule_json() -> None:
    result = CliRunner().invoke(main, ["schedule", str(MODELS / "kws_dscnn.onnx"), "--format",
                                       "json", "--order", "min-memory", "--hw", "stm32f746"])  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) >= SCHEDULE_KEYS
    assert all(set(b) >= BUFFER_KEYS for b in document["buffers"])
    assert document["peak_memory_bytes"] == 64_000
    assert document["fit"]["activations"]["level"] == "SRAM"
    assert document["fit"]["fits"] is True
    assert len(document["order"]) == len(onnx.load(MODELS / "kws_dscnn.onnx").graph.node)


def test_cli_schedule_table_and_errors() -> None:
    runner = CliRunner()
    table = runner.invoke(main, ["schedule", str(MODELS / "ic_resnet8.onnx"), "--no-inplace"])
    assert table.exit_code == 0 and "196,608 B" in table.stdout
    unbound = runner.invoke(main, ["schedule", str(MODELS / "transformer_encoder.onnx")])
    assert unbound.exit_code == 2 and "--dim batch=N" in unbound.stderr
    bad_hw = runner.invoke(main, ["schedule", str(MODELS / "kws_dscnn.onnx"), "--hw", "nope"])
    assert bad_hw.exit_code == 2


# ---------------------------------------------------------------- speed


def test_ten_thousand_nodes_in_seconds() -> None:
    graph = graph_of(branchy_chain(834))  # 10,008 nodes
    assert len(graph.nodes) >= 10_000
    start = time.perf_counter()
    schedule = make_schedule(graph, "min-memory")
    elapsed = time.perf_counter() - start
    assert schedule.peak_memory_bytes < schedule.topo_peak_bytes
    assert elapsed < 15  # about 1 s on the development machine; generous for slow CI
