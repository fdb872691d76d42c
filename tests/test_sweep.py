"""onnxcost.sweep and `onnxcost sweep`: the figures of every binding equal a direct analysis."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from click.testing import CliRunner
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

import onnxcost.sweep as sweep_module
from onnxcost.api import analyze
from onnxcost.cli import main
from onnxcost.estimate.hardware import bundled_text, load_profile
from onnxcost.sweep import ROW_FIELDS, SweepRow, sweep, unused_dims

MODELS = Path(__file__).resolve().parents[1] / "models"
ENCODER = str(MODELS / "transformer_encoder.onnx")
PROFILES = ("a100-80gb-sxm", "rp2040", "xeon-8480")


def _shape_chain_model() -> onnx.ModelProto:
    """x[batch, 8] reshaped through a Shape chain, a float mask from ConstantOfShape(Shape(x))
    (made at run time from the input's shape: an activation, never a weight, bound or not), then a
    MatMul."""
    nodes = [
        h.make_node("Shape", ["x"], ["shape"], name="shape"),
        h.make_node("Gather", ["shape", "zero"], ["b"], name="gather", axis=0),
        h.make_node("Unsqueeze", ["b", "axes"], ["b1"], name="unsqueeze"),
        h.make_node("Concat", ["b1", "two_four"], ["target"], name="concat", axis=0),
        h.make_node("Reshape", ["x", "target"], ["r"], name="reshape"),
        h.make_node(
            "ConstantOfShape",
            ["target"],
            ["mask"],
            name="mask",
            value=nh.from_array(np.array([1.0], np.float32)),
        ),
        h.make_node("Mul", ["r", "mask"], ["m"], name="mul"),
        h.make_node("Relu", ["m"], ["a"], name="relu"),
        h.make_node("MatMul", ["a", "w"], ["y"], name="fc"),
    ]
    inits = [
        nh.from_array(np.array(0, np.int64), "zero"),
        nh.from_array(np.array([0], np.int64), "axes"),
        nh.from_array(np.array([2, 4], np.int64), "two_four"),
        nh.from_array(np.ones((4, 3), np.float32), "w"),
    ]
    graph = h.make_graph(nodes, "chain", [h.make_tensor_value_info("x", T.FLOAT, ["batch", 8])],
                         [h.make_tensor_value_info("y", T.FLOAT, ["batch", 2, 3])], inits)  # fmt: skip
    return h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])


def _direct(row: SweepRow, model: str) -> tuple:
    report = analyze(model, dims=row.bindings, hardware=row.profile)
    totals = report.totals
    return (totals.macs, totals.flops, totals.params, totals.weight_bytes, totals.peak_memory_bytes,
            totals.latency_s, report.estimate.throughput_per_s, totals.energy_j)  # fmt: skip


def _figures(row: SweepRow) -> tuple:
    return (row.macs, row.flops, row.params, row.weight_bytes, row.peak_memory_bytes, row.latency_s,
            row.throughput_per_s, row.energy_j)  # fmt: skip


def test_every_binding_equals_a_direct_analysis() -> None:
    rows = sweep([ENCODER], PROFILES, {"batch": [1, 4], "seq": [16, 64]})
    assert len(rows) == 2 * 2 * len(PROFILES)
    assert {tuple(r.bindings.items()) for r in rows} == {
        (("batch", b), ("seq", s)) for b in (1, 4) for s in (16, 64)
    }
    for row in rows:
        assert _figures(row) == _direct(row, ENCODER), row


def test_bindings_that_fold_new_constants_equal_a_direct_analysis(tmp_path: Path) -> None:
    path = str(tmp_path / "chain.onnx")
    onnx.save(_shape_chain_model(), path)
    rows = sweep([path], PROFILES[:2], {"batch": [1, 3, 16]})
    for row in rows:
        assert _figures(row) == _direct(row, path), row
    # the mask is made at run time from x's shape: never a weight, so the params are w's 4·3 = 12
    # at every batch (params never depend on input dims)
    assert [r.params for r in rows[:: len(PROFILES[:2])]] == [12, 12, 12]


def test_one_shape_analysis_per_model(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = sweep_module.infer_shapes

    def counting(*args, **kwargs):
        calls.append(args[1] if len(args) > 1 else kwargs.get("dims"))
        return real(*args, **kwargs)

    monkeypatch.setattr(sweep_module, "infer_shapes", counting)
    rows = sweep([ENCODER], PROFILES, {"batch": [1, 2, 8], "seq": [32]})
    assert len(rows) == 9
    assert calls == [{"seq": 32}]  # batch stays symbolic, the single-valued seq is bound


def test_a_model_without_the_dim_ignores_it_and_a_dim_no_model_has_is_an_error() -> None:
    mobilenet = str(MODELS / "mobilenetv2.onnx")
    rows = sweep([mobilenet, ENCODER], ["t4"], {"batch": [1, 2], "seq": [8]})
    static = [r for r in rows if r.model == mobilenet]
    assert len(static) == 1 and static[0].bindings == {}
    assert _figures(static[0]) == _direct(static[0], mobilenet)
    grid = {"batch": [1], "seq": [8], "height": [1, 2]}
    assert unused_dims(sweep([ENCODER], ["t4"], grid), grid) == ["height"]


def test_a_process_pool_gives_the_same_rows() -> None:
    models = [ENCODER, str(MODELS / "ic_resnet8.onnx")]
    grid = {"batch": [1, 2], "seq": [16]}
    assert sweep(models, ["t4", "l4"], grid, jobs=2) == sweep(models, ["t4", "l4"], grid, jobs=1)


def _cli(*args: str):
    return CliRunner().invoke(main, ["sweep", *args])


def test_cli_csv_has_one_line_per_row() -> None:
    result = _cli(ENCODER, "--hw", "t4", "--hw", "rp2040", "--dim", "batch=1,8", "--dim", "seq=64",
                  "--format", "csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(table[0]) == ROW_FIELDS
    assert len(table) == 4
    assert {row["bindings"] for row in table} == {"batch=1 seq=64", "batch=8 seq=64"}
    direct = analyze(ENCODER, dims={"batch": 8, "seq": 64}, hardware="rp2040")
    row = next(r for r in table if r["profile"] == "rp2040" and r["bindings"] == "batch=8 seq=64")
    assert int(row["macs"]) == direct.totals.macs
    assert float(row["latency_s"]) == direct.totals.latency_s


def test_cli_json_document(tmp_path: Path) -> None:
    out = tmp_path / "sweep.json"
    result = _cli(ENCODER, "--hw", "a100-80gb-sxm", "--dim", "batch=1,2,4", "--dim", "seq=16",
                  "--format", "json", "-o", str(out), "--jobs", "2")  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["schema"] == "onnxcost.sweep/1"
    assert doc["grid"] == {"batch": [1, 2, 4], "seq": [16]}
    assert [r["bindings"] for r in doc["rows"]] == [{"batch": b, "seq": 16} for b in (1, 2, 4)]
    assert all(set(r) == set(ROW_FIELDS) and isinstance(r["macs"], int) for r in doc["rows"])


def test_cli_table_and_bad_input() -> None:
    result = _cli(ENCODER, "--hw", "t4", "--dim", "batch=2", "--dim", "seq=16")
    assert result.exit_code == 0 and "t4" in result.stdout and "MAC" in result.stdout
    assert _cli(ENCODER, "--hw", "t4", "--dim", "batch=one").exit_code == 2
    unknown = _cli(ENCODER, "--hw", "t4", "--dim", "batch=1", "--dim", "seq=4", "--dim", "width=3")
    assert unknown.exit_code == 2 and "width" in unknown.stderr
    assert _cli(ENCODER, "--hw", "no-such-device", "--dim", "batch=1").exit_code == 2


def test_a_binding_where_a_formula_is_zero_equals_a_direct_analysis(tmp_path: Path) -> None:
    """x[batch, seq] sliced to [batch, seq − 1]: at seq = 1 the Relu moves 0 bytes and is a view,
    which the formulas alone cannot tell: that binding is costed on the bound graph."""
    nodes = [
        h.make_node("Slice", ["x", "one", "big", "one"], ["s"], name="slice"),
        h.make_node("Relu", ["s"], ["r"], name="relu"),
        h.make_node("Mul", ["r", "two"], ["y"], name="mul"),
    ]
    inits = [nh.from_array(np.array([1], np.int64), "one"),
             nh.from_array(np.array([2**62], np.int64), "big"),
             nh.from_array(np.array(2.0, np.float32), "two")]  # fmt: skip
    graph = h.make_graph(nodes, "slice", [h.make_tensor_value_info("x", T.FLOAT, ["batch", "seq"])],
                         [h.make_tensor_value_info("y", T.FLOAT, None)], inits)  # fmt: skip
    path = str(tmp_path / "slice.onnx")
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]), path)
    rows = sweep([path], PROFILES[:2], {"batch": [2], "seq": [1, 5]})
    for row in rows:
        assert _figures(row) == _direct(row, path), row
    # Relu and Mul each read and write batch·(seq − 1) floats: 2·4·4 = 32 elements at seq = 5
    assert [r.flops for r in rows[:: len(PROFILES[:2])]] == [0, 2 * 2 * 4]


def test_a_profile_naming_its_runtime_sweeps_what_analyze_gives(tmp_path: Path) -> None:
    # generic-x86 that names onnxruntime-cpu: its estimates cost the graph onnxruntime runs
    text = (
        bundled_text("generic-x86")
        .replace(
            "overlap = true\n",
            'overlap = true\nruntime = "onnxruntime-cpu"\nthreads = 1\nrun_overhead_s = 4e-6\n',
        )
        .replace(
            "[sources]\n", '[sources]\n"runtime" = "test"\n"threads" = "test"\n"run_overhead_s" = "test"\n'
        )
    )
    path = tmp_path / "ort.toml"
    path.write_text(text, encoding="utf-8")
    model = str(MODELS / "transformer_encoder.onnx")
    rows = sweep([model], [str(path), "generic-x86"], {"batch": [1, 4], "seq": [128]})
    for batch in (1, 4):
        report = analyze(model, dims={"batch": batch, "seq": 128}, hardware=str(path))
        row = next(r for r in rows if r.profile == report.hardware and r.bindings["batch"] == batch)
        assert row.latency_s == pytest.approx(report.estimate.latency_s, rel=1e-12)
    # the plain profile's rows are still there, in the order given
    assert [r.profile for r in rows] == [load_profile(str(path)).name, "generic-x86"] * 2


def test_a_profile_with_cold_starts_gives_the_direct_analysis(tmp_path: Path) -> None:
    from tests.test_calibrated_profiles import CALIBRATED, _cold_profile
    from tests.test_hardware import write

    cold = _cold_profile(tmp_path, "2e-3")  # 2 ms a MatMul call: it shows in every total
    plain = write(tmp_path, CALIBRATED, "plain.toml")
    rows = sweep([ENCODER], [cold.path], {"batch": [1, 8], "seq": [16, 128]})
    assert len(rows) == 4
    for row in rows:
        direct = analyze(ENCODER, dims=row.bindings, hardware=cold.path)
        assert row.latency_s == direct.totals.latency_s, row
        assert row.peak_memory_bytes == direct.totals.peak_memory_bytes, row
    # some bindings' footprints exceed half the profile's 256 KiB SRAM and take the cold starts
    warm = [analyze(ENCODER, dims=row.bindings, hardware=str(plain)).totals.latency_s for row in rows]
    assert any(row.latency_s > time + 1e-3 for row, time in zip(rows, warm, strict=True))
