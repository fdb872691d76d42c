"""Real tf2onnx exports (committed fixtures) against the figures TensorFlow gives for them.

tests/fixtures/tf2onnx/make_fixtures.py (run in a separate TensorFlow venv; no TF here) builds
small Keras/TF models, converts them with tf2onnx and writes expected.json: Keras'
count_params(), the differences between Keras' count and the ONNX graph's tensors (each one
stated there: batch norm frozen to scale and shift, the zero Rb half of ONNX LSTM's bias,
constant zero initial states), and the MACs worked out by hand per layer.

Params: within 1 % of that figure. onnxcost also counts the few float scalar constants tf2onnx
leaves in the graph and in loop bodies (1.0 in GRU's 1 − z, the 12.0 of the time limit, ...):
GRU 11 of 7,467, Loop 4 of 2,112. MACs: within 1 % (they are exact).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import sympy
from click.testing import CliRunner

from onnxcost.cli import main
from onnxcost.rules.dim_names import trip_symbol_name
from onnxcost.symbolic.formulas import to_json
from tests.exporters.common import analyze_clean

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tf2onnx"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())["models"]
TOLERANCE = 0.01


def _within(measured, expected: int) -> bool:
    return abs(int(measured) - expected) <= TOLERANCE * expected


def _dynamic_loops(model: onnx.ModelProto) -> list[str]:
    """Names of the main graph's Loops whose trip count M is not an initializer."""
    constants = {init.name for init in model.graph.initializer}
    return [n.name for n in model.graph.node if n.op_type == "Loop" and n.input[0] not in constants]


def _bindings(name: str) -> dict[str, int]:
    """The trip-count dims to bind: the run-time Loop of loop.onnx gets its expected trips."""
    entry = EXPECTED[name]
    if "trips" not in entry:
        return {}
    loops = _dynamic_loops(onnx.load(str(FIXTURES / entry["file"])))
    assert len(loops) == 1, loops
    return {trip_symbol_name(loops[0]): entry["trips"]["dynamic"]}


def _ops(graph: onnx.GraphProto, depth: int = 0):
    """(op_type, depth) of every node, subgraphs included."""
    for node in graph.node:
        yield node.op_type, depth
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                yield from _ops(attr.g, depth + 1)


def test_fixtures_are_small_and_complete() -> None:
    files = sorted(FIXTURES.glob("*.onnx"))
    assert {f.stem for f in files} == set(EXPECTED)
    assert all(f.stat().st_size < 1 << 20 for f in files)
    assert sum(f.stat().st_size for f in files) < 3 << 20
    opsets = {name: EXPECTED[name]["opset"] for name in EXPECTED}
    for name, opset in opsets.items():
        model = onnx.load(str(FIXTURES / EXPECTED[name]["file"]), load_external_data=False)
        assert model.producer_name == "tf2onnx"
        assert {o.version for o in model.opset_import if o.domain in ("", "ai.onnx")} == {opset}
    assert min(opsets.values()) == 13 and max(opsets.values()) == 17


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_params_and_macs_match_tensorflow(name: str) -> None:
    entry = EXPECTED[name]
    report = analyze_clean(FIXTURES / entry["file"], dims=_bindings(name), inputs=entry.get("input_shapes"))
    params, macs = to_json(report.totals.params), to_json(report.totals.macs)
    assert isinstance(params, int) and isinstance(macs, int), (params, macs)
    adjusted = entry["keras_params"] + sum(a["delta"] for a in entry["params_adjustments"])
    assert adjusted == entry["params"]
    assert _within(params, entry["params"]), (params, entry["params"])
    assert _within(macs, entry["macs"]), (macs, entry["macs"])
    assert sum(entry["macs_by_layer"].values()) == entry["macs"]


def test_nhwc_cnn_keeps_its_transposes_and_splits_macs_per_conv() -> None:
    entry = EXPECTED["cnn_nhwc"]
    report = analyze_clean(FIXTURES / entry["file"])
    ops = [n.op_type for n in report.nodes]
    assert ops[0] == "Transpose" and "Transpose" in ops[ops.index("MaxPool") :]
    conv = [n.macs for n in report.nodes if n.op_type == "Conv"]
    layers = entry["macs_by_layer"]
    assert conv == [layers["conv1"], layers["dw"], layers["conv2"]]
    assert sum(n.macs for n in report.nodes if n.op_type in ("Gemm", "MatMul")) == layers["fc"]


def test_lstm_and_gru_are_costed_as_lstm_ops_and_loops() -> None:
    lstm = analyze_clean(FIXTURES / EXPECTED["lstm"]["file"])
    layers = EXPECTED["lstm"]["macs_by_layer"]
    assert [n.macs for n in lstm.nodes if n.op_type == "LSTM"] == [layers["lstm1"], layers["bilstm"]]
    gru = analyze_clean(FIXTURES / EXPECTED["gru"]["file"])
    loops = [n for n in gru.nodes if n.op_type == "Loop"]
    layers = EXPECTED["gru"]["macs_by_layer"]
    assert len(loops) == 3 and all("12 trips" in n.note for n in loops)
    assert sum(n.macs for n in loops[:2]) == layers["bigru"]
    assert loops[2].macs == layers["gru2"]


@pytest.mark.parametrize("name", ["lstm_dynamic", "gru_dynamic", "text_conv1d"])
def test_dynamic_batch_formula_is_one_symbol(name: str) -> None:
    """Unbound, the MACs are per-sample MACs × the input's batch symbol: the unk__N dim tf2onnx
    writes keeps one symbol wherever inference propagates it, through Slice ends of INT32_MAX and
    out of Loop bodies (a GRU's scan output), instead of a fresh unk_N at every node."""
    entry = EXPECTED[name]
    report = analyze_clean(FIXTURES / entry["file"])
    (batch_dim, *_) = report.model.inputs[0].shape
    assert not isinstance(batch_dim, int)
    batch = next(iter(entry["input_shapes"].values()))[0]
    assert report.totals.macs == entry["macs"] // batch * batch_dim


def test_loop_trip_count_is_a_symbol_until_bound() -> None:
    entry = EXPECTED["loop"]
    path = FIXTURES / entry["file"]
    (dynamic,) = _dynamic_loops(onnx.load(str(path)))
    unbound = analyze_clean(path)
    formula = str(unbound.totals.macs)
    assert trip_symbol_name(dynamic) in formula
    static = entry["macs_by_layer"]["static_loop"]
    per_trip = entry["macs_by_layer"]["dynamic_loop"] // entry["trips"]["dynamic"]
    bound = analyze_clean(path, dims={trip_symbol_name(dynamic): 3})
    assert bound.totals.macs == static + 3 * per_trip
    loop = next(n for n in onnx.load(str(path)).graph.node if n.name == dynamic)
    body = loop.attribute[0].g
    assert [list(t.dims) for t in body.initializer if len(t.dims) == 2] == [[32, 32]]


@pytest.mark.parametrize("name", ["nested_cond", "nested_cond_constants"])
def test_nested_if_weights_and_branch_choice(name: str) -> None:
    entry = EXPECTED[name]
    path = FIXTURES / entry["file"]
    ops = list(_ops(onnx.load(str(path)).graph))
    assert ("If", 1) in ops
    if name == "nested_cond_constants":
        assert ("Constant", 2) in ops and ("Constant", 1) in ops
    cheapest = analyze_clean(path, if_branch="min")
    assert cheapest.totals.macs == entry["macs_if_branch_min"]
    assert _within(cheapest.totals.params, entry["params"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_runs_in_onnxruntime(name: str) -> None:
    """The fixture is a valid model whose shapes are the ones the figures assume."""
    entry = EXPECTED[name]
    session = ort.InferenceSession(str(FIXTURES / entry["file"]), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    feeds = {}
    for arg in session.get_inputs():
        shape = entry.get("input_shapes", {}).get(arg.name) or arg.shape
        if arg.type == "tensor(int32)":
            value = np.full(shape, entry.get("trips", {}).get("dynamic", 3), np.int32)
            if shape:
                value = rng.integers(0, 1000, shape, dtype=np.int32)
        else:
            value = rng.standard_normal(shape).astype(np.float32)
        feeds[arg.name] = value
    outputs = session.run(None, feeds)
    assert all(np.isfinite(o).all() for o in outputs)


TIME_DYNAMIC = sorted(name for name, entry in EXPECTED.items() if "macs_formula" in entry)


@pytest.mark.parametrize("name", TIME_DYNAMIC)
@pytest.mark.parametrize(("batch", "time"), [(2, 12), (1, 9), (3, 20)])
def test_time_dynamic_loops_bound_by_input_run_the_trips_onnxruntime_runs(
    name: str, batch: int, time: int
) -> None:
    """tf2onnx while_loops over a dynamic time axis: once `--input` binds batch and time, every
    Loop's trips follow from its condition (onnxruntime ran 12 at time 12) and the MACs are the
    hand formula of expected.json at that binding."""
    entry = EXPECTED[name]
    ((input_name, shape),) = entry["input_shapes"].items()
    bound = (batch, time, *shape[2:])
    report = _bound_report(entry["file"], input_name, bound)
    assert report["warnings"] == [] and report["underived_dims"] == []
    formula = sympy.sympify(entry["macs_formula"])
    assert report["totals"]["macs"] == formula.subs({"batch": batch, "time": time})
    trips = {name: value for name, value in report["derived_dims"].items() if name.endswith("_trips")}
    assert sorted(trips.values()) == [time] * len(entry.get("ort_loop_trips", {}))
    if (batch, time) == (2, 12):
        assert sorted(entry.get("ort_loop_trips", {}).values()) == [12] * len(trips)


def _bound_report(file: str, input_name: str, shape: tuple[int, ...]) -> dict:
    """`onnxcost analyze FILE --input NAME=SHAPE --format json`."""
    argv = ["analyze", str(FIXTURES / file), "--input", f"{input_name}={'x'.join(map(str, shape))}"]
    result = CliRunner().invoke(main, [*argv, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_cond_on_the_time_dim_takes_the_branch_the_bound_shape_decides() -> None:
    """tf.cond(tf.shape(x)[1] > 8): at time 5 the else branch (the last step only) runs: 640·batch
    MACs (expected.json), not the then branch's 512·batch·time + 128·batch."""
    entry = EXPECTED["cond_on_shape"]
    ((input_name, shape),) = entry["input_shapes"].items()
    report = _bound_report(entry["file"], input_name, (3, 5, *shape[2:]))
    assert report["totals"]["macs"] == 640 * 3
    assert any("condition known" in n.get("note", "") for n in report["nodes"] if n["op_type"] == "If")
