"""`onnxcost compare A B`: table, json and md; ops in one model only; bad inputs."""

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

from onnxcost.cli import main

MODELS = Path(__file__).resolve().parents[2] / "models"
FLOAT, INT8 = str(MODELS / "kws_dscnn.onnx"), str(MODELS / "kws_dscnn_int8.onnx")
REPORT_KEYS = {"schema", "model", "bindings", "hardware", "totals", "by_op_type", "unsupported",
               "nodes", "warnings"}  # fmt: skip
DIFF_KEYS = {"totals", "macs_by_dtype", "weight_bytes_by_dtype", "layers_matched", "layers_a",
             "layers_b", "layers", "only_in_a", "only_in_b"}  # fmt: skip


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["compare", *args])
    return result.exit_code, result.stdout, result.stderr


def _conv_then(activation: str, path: Path) -> str:
    """x [1, 3, 8, 8] → Conv (4 filters 3×3, pad 1) → `activation`."""
    weight = nh.from_array(np.ones((4, 3, 3, 3), np.float32), "w")
    nodes = [h.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
             h.make_node(activation, ["c"], ["y"], name="act")]  # fmt: skip
    graph = h.make_graph(nodes, "g", [h.make_tensor_value_info("x", T.FLOAT, [1, 3, 8, 8])],
                         [h.make_tensor_value_info("y", T.FLOAT, [1, 4, 8, 8])], [weight])  # fmt: skip
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]), str(path))
    return str(path)


def test_json_holds_both_reports_and_the_diff() -> None:
    code, out, _ = run(FLOAT, INT8, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert set(document) == {"a", "b", "diff"}
    for side in ("a", "b"):
        assert set(document[side]) >= REPORT_KEYS and document[side]["schema"] == "onnxcost.report/1"
    diff = document["diff"]
    assert set(diff) >= DIFF_KEYS
    macs = diff["totals"]["macs"]
    # DS-CNN: 2,656,768 MACs in both, float32 in A and int8 in B
    assert macs == {"a": 2_656_768, "b": 2_656_768, "ratio": 1.0}
    assert diff["macs_by_dtype"] == {"float32": {"a": 2_656_768, "b": 0}, "int8": {"a": 0, "b": 2_656_768}}
    weights = diff["totals"]["weight_bytes"]
    assert weights["ratio"] == weights["b"] / weights["a"] and 0.25 < weights["ratio"] < 0.35
    assert diff["totals"]["latency_s"] == {"a": None, "b": None, "ratio": None}  # no --hw
    assert diff["layers_matched"] == diff["layers_a"] == diff["layers_b"] == 10
    layer = diff["layers"][0]
    assert layer["a"]["dtype"] == "float32" and layer["b"]["dtype"] == "int8"
    assert layer["matched_by"] == "weight name"
    assert diff["only_in_a"] == {"Relu": 9}  # folded into the quantized convs' output range
    assert diff["only_in_b"] == {"DequantizeLinear": 1, "QuantizeLinear": 1}  # at the graph edge


def test_table_shows_totals_ratios_layers_and_one_sided_ops() -> None:
    code, out, _ = run(FLOAT, INT8)
    assert code == 0
    for text in ("B/A", "MACs", "2.66 MMAC", "1.000×", "weight bytes (model size)", "MACs in int8",
                 "peak memory", "0.250×", "Layers matched: 10 of 10", "Conv float32", "Conv int8",
                 "Only in A: Relu ×9", "Only in B: DequantizeLinear ×1, QuantizeLinear ×1"):
        assert text in out, text
    assert "latency" not in out  # no --hw: no estimate rows


def test_markdown() -> None:
    code, out, _ = run(FLOAT, INT8, "--format", "md")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "# onnxcost compare"
    assert "| figure | A | B | B/A |" in lines and "|---|---:|---:|---:|" in lines
    assert any(line.startswith("| MACs | 2.66 MMAC | 2.66 MMAC | 1.000× |") for line in lines)
    assert "## Layers (10 matched), most changed first" in lines
    assert "Only in A: Relu ×9" in lines


def test_hardware_adds_latency_and_energy_ratios() -> None:
    code, out, _ = run(FLOAT, INT8, "--hw", "stm32l4r5", "--format", "json")
    assert code == 0
    totals = json.loads(out)["diff"]["totals"]
    assert 0.4 < totals["latency_s"]["ratio"] < 0.55  # int8 products at twice the float32 peak
    assert totals["energy_j"]["ratio"] == pytest.approx(totals["latency_s"]["ratio"])  # power model
    code, out, _ = run(FLOAT, INT8, "--hw", "stm32l4r5")
    assert "latency" in out and "energy" in out


def test_ops_present_in_one_model_only(tmp_path: Path) -> None:
    a, b = _conv_then("Relu", tmp_path / "a.onnx"), _conv_then("Sigmoid", tmp_path / "b.onnx")
    code, out, _ = run(a, b, "--format", "json")
    assert code == 0
    diff = json.loads(out)["diff"]
    assert diff["only_in_a"] == {"Relu": 1} and diff["only_in_b"] == {"Sigmoid": 1}
    assert diff["layers_matched"] == 1  # the conv, by its weight name
    for fmt in ("table", "md"):
        _, out, _ = run(a, b, "--format", fmt)
        assert "Only in A: Relu ×1" in out and "Only in B: Sigmoid ×1" in out
    _, out, _ = run(a, a)
    assert "Only in A: none" in out and "Only in B: none" in out


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "diff.json"
    code, out, _ = run(FLOAT, INT8, "--format", "json", "-o", str(target))
    assert code == 0 and out == ""
    assert set(json.loads(target.read_text())) == {"a", "b", "diff"}


@pytest.mark.parametrize("which", ["a", "b"])
def test_missing_file_is_one_line_and_exit_2(which: str, tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.onnx")
    args = (missing, FLOAT) if which == "a" else (FLOAT, missing)
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "missing.onnx" in err and "Traceback" not in err


def test_not_an_onnx_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"\x00\x01not a model")
    code, _, err = run(FLOAT, str(garbage))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_qdq_as_written_costs_the_float_ops() -> None:
    code, out, _ = run(FLOAT, INT8, "--qdq", "as-written", "--format", "json")
    assert code == 0
    diff = json.loads(out)["diff"]
    # as written, the QDQ model's convs are float32 convs between DequantizeLinear and Quantize
    assert diff["macs_by_dtype"] == {"float32": {"a": 2_656_768, "b": 2_656_768}}
    assert diff["only_in_b"]["DequantizeLinear"] > 1 and diff["only_in_b"]["QuantizeLinear"] > 1
