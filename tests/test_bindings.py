"""Binding by shape (onnxcost.shapes.bindings): `--input` binds the names its input declares, exactly as
`--dim` does; bindings that contradict each other or the model are one error line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from click.testing import CliRunner
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

import onnxcost
from onnxcost.cli import main
from onnxcost.errors import ShapeError

MODELS = Path(__file__).resolve().parents[1] / "models"
ENCODER = str(MODELS / "transformer_encoder.onnx")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _json(*args: str) -> dict:
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_input_binds_the_declared_names_and_equals_dim(tmp_path: Path) -> None:
    """The sample encoder declares input_ids [batch, seq] and its output [batch, seq, 128]: binding
    by shape must reach the declared output too (it used to keep 512*batch*seq bytes written)."""
    by_shape = _json("analyze", ENCODER, "--input", "input_ids=2x64")
    by_name = _json("analyze", ENCODER, "--dim", "batch=2", "--dim", "seq=64")
    assert by_shape == by_name
    assert by_shape["bindings"] == {"batch": 2, "seq": 64}
    totals = by_shape["totals"]
    assert all(isinstance(totals[k], int) for k in ("macs", "flops", "bytes_written", "peak_memory_bytes"))
    # 512·batch·seq² + 393216·batch·seq (README) at batch 2, seq 64: 4,194,304 + 50,331,648
    assert totals["macs"] == 54_525_952
    static = _json("analyze", str(MODELS / "transformer_encoder_static.onnx"))
    assert totals["bytes_written"] == static["totals"]["bytes_written"]


def test_hw_and_schedule_work_on_a_model_bound_by_shape() -> None:
    code, out, err = run("analyze", ENCODER, "--input", "input_ids=1x128", "--hw", "a100-80gb-sxm",
                         "--format", "json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["totals"]["latency_s"] > 0
    code, out, err = run("schedule", ENCODER, "--input", "input_ids=1x128", "--hw", "stm32h743",
                         "--format", "json")  # fmt: skip
    assert code == 0, err
    assert isinstance(json.loads(out)["peak_memory_bytes"], int)


def _relu(dims: list, name: str = "x") -> onnx.ModelProto:
    graph = h.make_graph([h.make_node("Relu", [name], ["y"], name="relu")], "g",
                         [h.make_tensor_value_info(name, T.FLOAT, dims)],
                         [h.make_tensor_value_info("y", T.FLOAT, dims)])  # fmt: skip
    return h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])


def test_a_formula_dim_is_solved_for_its_one_name() -> None:
    model = _relu(["2*seq + 1", 8])
    report = onnxcost.analyze(model, inputs={"x": (21, 8)})
    # 2·seq + 1 = 21 → seq = 10; Relu over 21·8 = 168 elements, 1 FLOP each
    assert report.bindings == {"seq": 10}
    assert report.totals.flops == 168
    # with --dim seq=11 the declared 2·seq + 1 is 23, not the 21 given
    with pytest.raises(ShapeError, match="make it 23"):
        onnxcost.analyze(model, inputs={"x": (21, 8)}, dims={"seq": 11})


def test_unnamed_and_placeholder_dims_keep_names_dim_accepts() -> None:
    """tf2onnx writes unk__406: the report shows that name and --dim unk__406 binds it; an
    unnamed dim ('?', -1, empty) is named after its input."""
    named = onnxcost.analyze(_relu(["unk__406", 8]))
    assert str(named.totals.flops) == "8*unk__406"
    assert onnxcost.analyze(_relu(["unk__406", 8]), dims={"unk__406": 3}).totals.flops == 24
    unnamed = onnxcost.analyze(_relu(["?", 8]))
    assert str(unnamed.totals.flops) == "8*x_d0"
    assert onnxcost.analyze(_relu(["?", 8]), dims={"x_d0": 5}).totals.flops == 40


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--input", "input_ids=1x128", "--dim", "seq=64"], "seq = 128, but --dim seq=64"),
        (["--dim", "batch=1", "--dim", "batch=2"], "batch given twice, as 1 and 2"),
        (["--input", "input_ids=1x128", "--input", "input_ids=1x64"], "input_ids given twice"),
        (["--input", "input_ids=1x2x3"], "3 dims given, the input has rank 2"),
        (["--input", "ids=1x128"], "the model has no such input"),
        (["--dim", "heads=4"], "--dim heads: no dim of the model has that name"),
    ],
    ids=["input-vs-dim", "dim-twice", "input-twice", "rank", "no-input", "no-dim"],
)
def test_contradicting_bindings_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    code, _, err = run("analyze", ENCODER, *args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and message in err, err


def test_two_inputs_that_share_a_name_must_agree(tmp_path: Path) -> None:
    graph = h.make_graph([h.make_node("Add", ["a", "b"], ["y"], name="add")], "g",
                         [h.make_tensor_value_info("a", T.FLOAT, ["batch", 4]),
                          h.make_tensor_value_info("b", T.FLOAT, ["batch", 4])],
                         [h.make_tensor_value_info("y", T.FLOAT, ["batch", 4])])  # fmt: skip
    path = tmp_path / "add.onnx"
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]), str(path))
    code, _, err = run("analyze", str(path), "--input", "a=2x4", "--input", "b=3x4")
    assert code == 2 and "batch = 3, but --input a=2x4" in err, err


def test_a_fixed_input_dim_cannot_be_rebound() -> None:
    code, _, err = run("analyze", str(MODELS / "mobilenetv2.onnx"), "--input", "input=1x5x224x224")
    assert code == 2
    assert "dim 1 of 'input' is fixed at 3 in the model, 5 given" in err, err


def _conv_net() -> onnx.ModelProto:
    """x [N, C, H, W] all named into a 3-channel 3×3 Conv."""
    weight = nh.from_array(np.ones((8, 3, 3, 3), np.float32), "w")
    graph = h.make_graph([h.make_node("Conv", ["x", "w"], ["y"], name="stem", kernel_shape=[3, 3])],
                         "g", [h.make_tensor_value_info("x", T.FLOAT, ["N", "C", "H", "W"])],
                         [h.make_tensor_value_info("y", T.FLOAT, None)], [weight])  # fmt: skip
    return h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ("1x5x32x32", "node 'stem' (Conv): input 'x' has 5 channels [1, 5, 32, 32], but weight 'w'"),
        ("0x3x32x32", "node 'stem' (Conv): input 'x' has a 0 dim"),
        ("1x3x2x2", "node 'stem' (Conv): input 'x' [1, 3, 2, 2] is too small for a window of 3x3"),
    ],
    ids=["channels", "zero", "too-small"],
)
def test_impossible_bindings_name_the_node(tmp_path: Path, shape: str, message: str) -> None:
    path = tmp_path / "conv.onnx"
    onnx.save(_conv_net(), str(path))
    code, _, err = run("analyze", str(path), "--input", f"x={shape}")
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and message in err, err
    with pytest.raises(ShapeError):
        onnxcost.analyze(str(path), inputs={"x": tuple(int(d) for d in shape.split("x"))})
    assert run("analyze", str(path), "--input", "x=1x3x32x32")[0] == 0


def test_every_command_takes_the_bound_shapes(tmp_path: Path) -> None:
    bound = ["--input", "input_ids=2x64"]
    compared = _json("compare", ENCODER, ENCODER, *bound, "--hw", "t4")
    assert isinstance(compared["a"]["totals"]["macs"], int) and compared["a"]["totals"]["latency_s"] > 0
    scheduled = _json("schedule", ENCODER, *bound, "--hw", "stm32h743")
    assert isinstance(scheduled["arena_bytes"], int)
    chart = tmp_path / "roofline.png"
    code, _, err = run("roofline", ENCODER, *bound, "--hw", "t4", "-o", str(chart))
    assert code == 0 and chart.stat().st_size > 0, err


def test_sweep_takes_the_files_own_spelling_and_unnamed_dims(tmp_path: Path) -> None:
    """paddle2onnx names dims 'p2o.DynamicDimension.0'; an unnamed dim of input x is x_d1."""
    graph = h.make_graph([h.make_node("Relu", ["x"], ["y"], name="relu")], "g",
                         [h.make_tensor_value_info("x", T.FLOAT, ["p2o.DynamicDimension.0", "?"])],
                         [h.make_tensor_value_info("y", T.FLOAT, None)])  # fmt: skip
    path = tmp_path / "paddle.onnx"
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]), str(path))
    rows = _json("sweep", str(path), "--hw", "t4", "--dim", "p2o.DynamicDimension.0=1,3", "--dim", "x_d1=8")
    # Relu: one FLOP per element, 1·8 and 3·8
    assert [r["flops"] for r in rows["rows"]] == [8, 24]
    assert rows["rows"][1]["bindings"] == {"p2o_DynamicDimension_0": 3, "x_d1": 8}
