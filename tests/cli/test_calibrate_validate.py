"""`onnxcost hardware calibrate` and `onnxcost validate` as a user runs them: a profile of this
host, its figures sourced, and predictions checked against onnxruntime's own run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

from onnxcost.estimate.hardware import figure_keys, load_profile
from onnxcost.measure.calibration.calibrate import output_paths
from onnxcost.measure.profile import Measurement, _kernel_medians, match_nodes
from onnxcost.measure.validation import outer_kernels
from tests.cli.test_analyze import MODELS, run


@pytest.fixture(scope="module")
def host_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`onnxcost hardware calibrate --quick` on one thread (about 30 s on 2 cores)."""
    path = tmp_path_factory.mktemp("calibration") / "host.toml"
    code, out, err = run("hardware", "calibrate", "-o", str(path), "--threads", "1", "--quick")
    assert code == 0, err
    assert f"wrote {path}" in out
    return path


def test_every_figure_of_a_calibrated_profile_says_where_it_was_measured(host_profile: Path) -> None:
    profile = load_profile(host_profile)
    assert profile.runtime == "onnxruntime-cpu" and profile.threads == 1
    for key in ("op_classes.dense", "op_classes.elementwise", "op_types.MatMul", "run_overhead_s"):
        assert key in figure_keys(profile)
        assert "measured on this host" in profile.sources[key] and "onnxruntime" in profile.sources[key]
    # every class of work a model needs was measured
    assert {"dense", "depthwise", "int8", "recurrent", "elementwise", "transcendental", "normalization",
            "pooling", "movement"} <= set(profile.op_classes)  # fmt: skip
    assert profile.error_bars


def test_thread_counts_below_one_are_refused(tmp_path: Path) -> None:
    code, _, err = run("hardware", "calibrate", "-o", str(tmp_path / "h.toml"), "--threads", "0")
    assert code == 2 and "--threads" in err
    assert not (tmp_path / "h.toml").exists()


def test_several_thread_counts_write_one_profile_each() -> None:
    assert output_paths("out/host.toml", [1]) == {1: Path("out/host.toml")}
    assert output_paths("out/host.toml", [1, 2]) == {1: Path("out/host-t1.toml"), 2: Path("out/host-t2.toml")}


def test_validate_classes_sum_to_the_totals(host_profile: Path) -> None:
    code, out, err = run("validate", str(MODELS / "kws_dscnn.onnx"), "--hw", str(host_profile), "--runs", "5",
                         "--format", "json")  # fmt: skip
    assert code == 0, err
    document = json.loads(out)
    rows = document["classes"]
    assert sum(r["predicted_s"] for r in rows) == pytest.approx(document["predicted_latency_s"], rel=1e-9)
    assert sum(r["measured_s"] for r in rows) == pytest.approx(document["measured_latency_s"], rel=1e-9)
    assert document["measured_latency_s"] > 0
    # a 2.7 MMAC model on a profile of this very host: within a factor 3 (docs/validation.md)
    assert 1 / 3 < document["predicted_latency_s"] / document["measured_latency_s"] < 3


def test_the_estimate_shows_its_interval(host_profile: Path) -> None:
    code, out, _ = run("analyze", str(MODELS / "mobilenetv2.onnx"), "--hw", str(host_profile))
    assert code == 0
    match = re.search(r"latency\s+│\s+([\d.]+) (\w+) \(([\d.]+)–([\d.]+)\)", out)
    assert match, out
    value, low, high = float(match.group(1)), float(match.group(3)), float(match.group(4))
    assert low <= value <= high
    code, out, _ = run(
        "analyze", str(MODELS / "mobilenetv2.onnx"), "--hw", str(host_profile), "--format", "json"
    )
    estimate = json.loads(out)["estimate"]
    low_s, high_s = estimate["latency_range_s"]
    assert low_s <= estimate["latency_s"] <= high_s


def test_validate_on_a_bundled_profile(tmp_path: Path) -> None:
    code, out, err = run("validate", str(MODELS / "ic_resnet8.onnx"), "--runs", "3")
    assert code == 0, err
    assert "total" in out and "overhead" in out


def test_validate_writes_nothing_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # onnxruntime's profiler writes its trace where it is told: the temporary directory, and
    # validate removes it there too
    import tempfile

    monkeypatch.chdir(tmp_path)
    before = set(Path(tempfile.gettempdir()).glob("onnxcost_profile_*"))
    code, _, err = run("validate", str(MODELS / "ic_resnet8.onnx"), "--runs", "3")
    assert code == 0, err
    assert list(tmp_path.iterdir()) == []
    assert set(Path(tempfile.gettempdir()).glob("onnxcost_profile_*")) == before


def test_validate_refuses_what_it_cannot_run(tmp_path: Path) -> None:
    code, _, err = run("validate", str(tmp_path / "missing.onnx"))
    assert code == 2 and "validate needs a model file" in err


def test_validate_refuses_a_gpu_profile() -> None:
    code, _, err = run("validate", str(MODELS / "kws_dscnn.onnx"), "--hw", "t4")
    assert code == 2 and "give a CPU profile" in err and len(err.strip().splitlines()) == 1


def test_calibrate_refuses_a_missing_folder_before_measuring(tmp_path: Path) -> None:
    code, _, err = run("hardware", "calibrate", "-o", str(tmp_path / "no" / "host.toml"))
    assert code == 2 and "does not exist" in err and len(err.strip().splitlines()) == 1


def _masked_attention(path: Path) -> str:
    """Scores [batch, 8] and a padding mask (True: padded) → Softmax of the scores, −inf where padded."""
    nodes = [h.make_node("Where", ["mask", "ninf", "scores"], ["masked"]),
             h.make_node("Softmax", ["masked"], ["probs"], axis=-1)]  # fmt: skip
    graph = h.make_graph(
        nodes, "masked", [h.make_tensor_value_info("scores", T.FLOAT, ["batch", 8]),
                          h.make_tensor_value_info("mask", T.BOOL, ["batch", 8])],
        [h.make_tensor_value_info("probs", T.FLOAT, ["batch", 8])],
        [nh.from_array(np.array(-np.inf, np.float32), "ninf")],
    )  # fmt: skip
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]), str(path))
    return str(path)


def test_validate_warns_when_its_random_inputs_give_nan(tmp_path: Path) -> None:
    model = _masked_attention(tmp_path / "masked.onnx")
    # random bools are True: every position padded, softmax of all −inf is NaN
    code, out, err = run("validate", model, "--input", "scores=2x8", "--input", "mask=2x8", "--runs", "3",
                         "--format", "json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["nonfinite_outputs"] == ["probs"]
    assert err.startswith("warning: the outputs probs held NaN") and "--feeds" in err
    # the same run on a real mask (the last three positions padded), its shapes binding the inputs
    feeds = tmp_path / "feeds.npz"
    np.savez(feeds, scores=np.zeros((3, 8), np.float32), mask=np.arange(8)[None, :].repeat(3, 0) >= 5)
    code, out, err = run("validate", model, "--feeds", str(feeds), "--runs", "3", "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["nonfinite_outputs"] == [] and not err
    assert document["bindings"] == {"batch": 3}


def test_validate_with_random_data_for_inputs_the_feeds_leave_out(tmp_path: Path) -> None:
    model = _masked_attention(tmp_path / "masked.onnx")
    feeds = tmp_path / "feeds.npz"
    np.savez(feeds, mask=np.zeros((4, 8), bool))
    code, out, err = run("validate", model, "--feeds", str(feeds), "--runs", "3", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["bindings"] == {"batch": 4} and not err


@pytest.mark.parametrize(
    ("arrays", "extra", "message"),
    [
        ({"scores": np.zeros((2, 8), np.float32), "labels": np.zeros(2, np.int64)}, (),
         "--feeds: array 'labels': the model has no such input (inputs: scores, mask)"),
        ({"scores": np.zeros((2, 8), np.float64), "mask": np.zeros((2, 8), bool)}, (),
         "--feeds: input 'scores' is tensor(float), the file's array float64"),
        ({"scores": np.zeros(8, np.float32), "mask": np.zeros(8, bool)}, (),
         "--feeds: array 'scores': 1 dims given, the input has rank 2"),
        ({"scores": np.zeros((2, 8), np.float32), "mask": np.zeros((2, 8), bool)}, ("--input", "scores=3x8"),
         "--feeds: input 'scores' is 2x8 in the file, 3x8 by --input"),
    ],
)  # fmt: skip
def test_validate_refuses_feeds_that_do_not_fit_the_model(
    tmp_path: Path, arrays: dict, extra: tuple[str, ...], message: str
) -> None:
    model = _masked_attention(tmp_path / "masked.onnx")
    feeds = tmp_path / "feeds.npz"
    np.savez(feeds, **arrays)
    code, _, err = run("validate", model, "--feeds", str(feeds), "--runs", "1", *extra)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err


def test_validate_refuses_a_feeds_file_it_cannot_read(tmp_path: Path) -> None:
    model = _masked_attention(tmp_path / "masked.onnx")
    for path, text in ((tmp_path / "missing.npz", None), (tmp_path / "bad.npz", "not a zip")):
        if text is not None:
            path.write_text(text)
        code, _, err = run("validate", model, "--feeds", str(path))
        assert code == 2 and f"--feeds {path}: cannot read it" in err, err
        assert len(err.strip().splitlines()) == 1


def _branch(name: str, nodes: list[onnx.NodeProto], output: str) -> onnx.GraphProto:
    """A body graph of `nodes` with one 64×64 float output (its inputs come from outside)."""
    return h.make_graph(nodes, name, [], [h.make_tensor_value_info(output, T.FLOAT, [64, 64])])


def _if_model(path: Path, then_branch: onnx.GraphProto) -> str:
    """An If on an input `cond` over a 64×64 `x` and a weight `w`: `then_branch`, else an Identity."""
    weight = nh.from_array(np.full((64, 64), 0.01, np.float32), "w")
    else_branch = _branch("else", [h.make_node("Identity", ["x"], ["e"], name="same")], "e")
    graph = h.make_graph(
        [h.make_node("If", ["cond"], ["y"], name="branch", then_branch=then_branch, else_branch=else_branch)],
        "if",
        [h.make_tensor_value_info("cond", T.BOOL, []), h.make_tensor_value_info("x", T.FLOAT, [64, 64])],
        [h.make_tensor_value_info("y", T.FLOAT, [64, 64])], [weight],
    )  # fmt: skip
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]), str(path))
    return str(path)


def _branchy(path: Path) -> str:
    """An If whose then branch is MatMul, Relu, MatMul on `x` (1 MFLOP), its else an Identity."""
    nodes = [h.make_node("MatMul", ["x", "w"], ["a"], name="mm1"),
             h.make_node("Relu", ["a"], ["b"], name="relu"),
             h.make_node("MatMul", ["b", "w"], ["t"], name="mm2")]  # fmt: skip
    return _if_model(path, _branch("then", nodes, "t"))


def test_validate_gives_a_branch_s_kernels_to_the_if_that_runs_them(tmp_path: Path) -> None:
    # onnxruntime's profiler times an If and, beside it, every node of the branch it runs: the If's
    # time holds theirs, so theirs are not kernels of their own (they were the "other" row, and
    # counted twice before the kernels were scaled to fit the run)
    path = _branchy(tmp_path / "if.onnx")
    code, out, err = run("validate", path, "--runs", "5", "--format", "json")  # random bool: True
    assert code == 0, err
    document = json.loads(out)
    # the If's time is its branch's, by their classes: two MatMuls, a Relu
    assert {row["class"]: row["nodes"] for row in document["classes"]} == {
        "dense": 2, "elementwise": 1, "overhead": 0}  # fmt: skip
    assert all(row["measured_s"] > 0 for row in document["classes"] if row["class"] != "overhead")
    assert sum(r["measured_s"] for r in document["classes"]) == pytest.approx(document["measured_latency_s"])
    assert sum(r["predicted_s"] for r in document["classes"]) == pytest.approx(
        document["predicted_latency_s"]
    )


def test_an_if_inside_a_branch_keeps_the_rows_summing_to_the_totals(tmp_path: Path) -> None:
    # the outer If's branch: a Relu, then an If on the same condition whose branch is a MatMul;
    # the inner If's launch is an overhead like the outer one's
    product = _branch("inner_then", [h.make_node("MatMul", ["r", "w"], ["m"], name="mm")], "m")
    same = _branch("inner_else", [h.make_node("Identity", ["r"], ["i"], name="pass")], "i")
    outer_then = _branch("then", [h.make_node("Relu", ["x"], ["r"], name="relu"),
                                  h.make_node("If", ["cond"], ["t"], name="inner", then_branch=product,
                                              else_branch=same)], "t")  # fmt: skip
    path = _if_model(tmp_path / "nested.onnx", outer_then)
    feeds = tmp_path / "feeds.npz"
    np.savez(feeds, cond=np.array(True))
    code, out, err = run("validate", path, "--feeds", str(feeds), "--if-branch", "then", "--runs", "3",
                         "--format", "json")  # fmt: skip
    assert code == 0, err
    document = json.loads(out)
    assert {row["class"]: row["nodes"] for row in document["classes"]} == {
        "dense": 1, "elementwise": 1, "overhead": 0}  # fmt: skip
    assert sum(r["predicted_s"] for r in document["classes"]) == pytest.approx(
        document["predicted_latency_s"]
    )
    assert sum(r["measured_s"] for r in document["classes"]) == pytest.approx(document["measured_latency_s"])


def test_validate_costs_the_branch_its_if_branch_names(tmp_path: Path) -> None:
    # the condition fed False runs the else branch (an Identity); the estimate costs the then
    # branch (1 MFLOP of MatMuls) unless --if-branch else says which one runs
    path = _branchy(tmp_path / "if.onnx")
    feeds = tmp_path / "feeds.npz"
    np.savez(feeds, cond=np.array(False))
    predicted = {}
    for branch in ("max", "else"):
        code, out, err = run("validate", path, "--feeds", str(feeds), "--if-branch", branch,
                             "--runs", "3", "--format", "json")  # fmt: skip
        assert code == 0, err
        predicted[branch] = json.loads(out)["predicted_latency_s"]
    # generic-x86 at 1 thread: the MatMuls' 1 MFLOP take µs, an Identity only its launches
    assert predicted["else"] < predicted["max"] / 2


def test_a_node_s_kernel_time_is_its_kernels_summed_over_a_run() -> None:
    # a Loop body's node runs once a trip: run 1 (a warm-up, not counted) 1 µs; run 2 3 + 4 µs,
    # run 3 5 + 6, run 4 9 + 9: the median run's sum, 11 µs; "once" 2, 2 and 8 µs: 2
    def kernel(name: str, ts: float, dur: float) -> dict:
        return {"cat": "Node", "name": f"{name}_kernel_time", "ts": ts, "dur": dur}

    events = [{"cat": "Session", "name": "model_run", "ts": 100.0 * k, "dur": 50.0} for k in range(4)]
    events += [kernel("body", 1, 1), kernel("once", 2, 3),
               kernel("body", 101, 3), kernel("body", 110, 4), kernel("once", 120, 2),
               kernel("body", 201, 5), kernel("body", 210, 6), kernel("once", 220, 2),
               kernel("body", 301, 9), kernel("body", 310, 9), kernel("once", 320, 8)]  # fmt: skip
    medians = _kernel_medians(events, warmup=1)
    assert medians == pytest.approx({"body": 11e-6, "once": 2e-6})


def test_a_body_s_kernel_goes_to_no_other_node_by_its_op_type() -> None:
    # the lowered graph's MatMul, unnamed in the profile, must not take the If branch's MatMul
    # by op type: it keeps no time, the If its 50 µs, the branch's 30 µs go nowhere
    branch = h.make_graph([h.make_node("MatMul", ["x", "w"], ["t"], name="mm_inside")], "then", [],
                          [h.make_tensor_value_info("t", T.FLOAT, None)])  # fmt: skip
    graph = h.make_graph(
        [h.make_node("If", ["c"], ["y"], name="branch", then_branch=branch, else_branch=branch),
         h.make_node("MatMul", ["y", "w"], ["z"], name="outside")], "g", [], [],
    )  # fmt: skip
    measured = Measurement(90e-6, (90e-6,), 1, {"branch": 50e-6, "mm_inside": 30e-6},
                           {"branch": "If", "mm_inside": "MatMul"})  # fmt: skip
    outer = outer_kernels(measured, graph)
    assert outer.node_s == {"branch": 50e-6} and outer.node_op == {"branch": "If"}
    assert match_nodes([("branch", "If"), ("outside", "MatMul")], outer) == {"branch": 50e-6}
