"""`onnxcost analyze` and `onnxcost ops` through the command line, bad inputs included."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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
REPORT_KEYS = {"schema", "model", "bindings", "hardware", "totals", "by_op_type", "unsupported",
               "nodes", "warnings"}  # fmt: skip
TOTAL_KEYS = {"params", "weight_bytes", "macs", "flops", "bytes_read", "bytes_written",
              "activation_bytes", "peak_memory_bytes", "latency_s", "energy_j"}  # fmt: skip
NODE_KEYS = {"name", "op_type", "domain", "inputs", "outputs", "macs", "flops", "params",
             "weight_bytes", "bytes_read", "bytes_written", "dtype", "status", "latency_s",
             "bound", "energy_j"}  # fmt: skip


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _save(model: onnx.ModelProto, path: Path) -> str:
    onnx.save(model, str(path))
    return str(path)


def _linear_model(batch: int | str = 1) -> onnx.ModelProto:
    weight = nh.from_array(np.ones((256, 128), np.float32), "w")
    graph = h.make_graph(
        [h.make_node("MatMul", ["x", "w"], ["y"], name="fc")], "linear",
        [h.make_tensor_value_info("x", T.FLOAT, [batch, 256])],
        [h.make_tensor_value_info("y", T.FLOAT, [batch, 128])], [weight],
    )  # fmt: skip
    return h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])


def test_json_document_has_the_schema_keys() -> None:
    code, out, _ = run("analyze", str(MODELS / "ic_resnet8.onnx"), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) >= REPORT_KEYS
    assert doc["schema"] == "onnxcost.report/1"
    assert set(doc["totals"]) >= TOTAL_KEYS
    assert all(set(node) >= NODE_KEYS for node in doc["nodes"])
    assert doc["hardware"] is None and doc["totals"]["latency_s"] is None
    # ResNet-8: 12,501,632 Conv+Gemm MACs (models/README.md, checked by hand there)
    assert doc["totals"]["macs"] == 12_501_632
    assert isinstance(doc["totals"]["macs"], int)
    assert doc["model"]["opsets"] == {"ai.onnx": 17}


def test_table_lists_summary_op_types_and_top_nodes() -> None:
    code, out, _ = run("analyze", str(MODELS / "ic_resnet8.onnx"), "--top", "3")
    assert code == 0
    assert "12.5 MMAC" in out and "By op type" in out and "Top 3 nodes" in out


def test_symbolic_dims_print_formulas_and_bind_to_the_static_figures(tmp_path: Path) -> None:
    path = _save(_linear_model("batch"), tmp_path / "linear.onnx")
    code, out, _ = run("analyze", path, "--format", "json")
    assert code == 0
    # MACs = batch·256·128 = 32768·batch
    assert json.loads(out)["totals"]["macs"] == "32768*batch"
    code, out, _ = run("analyze", path, "--format", "json", "--dim", "batch=8")
    assert json.loads(out)["totals"]["macs"] == 262_144
    assert json.loads(out)["bindings"] == {"batch": 8}
    code, out, _ = run("analyze", path, "--format", "json", "--input", "x=4x256")
    assert json.loads(out)["totals"]["macs"] == 131_072


def test_symbolic_transformer_equals_its_static_export() -> None:
    args = ["--format", "json"]
    code, out, _ = run("analyze", str(MODELS / "transformer_encoder.onnx"), *args,
                       "--dim", "batch=2", "--dim", "seq=64")  # fmt: skip
    static_code, static_out, _ = run("analyze", str(MODELS / "transformer_encoder_static.onnx"),
                                     *args)  # fmt: skip
    assert code == static_code == 0
    bound, static = json.loads(out)["totals"], json.loads(static_out)["totals"]
    for key in ("params", "macs", "flops", "weight_bytes", "bytes_read", "bytes_written"):
        assert bound[key] == static[key], key
    code, out, _ = run("analyze", str(MODELS / "transformer_encoder.onnx"), *args)
    macs = json.loads(out)["totals"]["macs"]
    # 2 layers × (4 projections 128² + FFN 2·128·512 per token = 196,608) + scores and weighted
    # sum 2·seq²·128 per layer: 393216·batch·seq + 512·batch·seq²
    assert macs == "512*batch*seq**2 + 393216*batch*seq"


def test_output_file_holds_the_report(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run("analyze", str(MODELS / "kws_dscnn.onnx"), "--format", "json",
                       "-o", str(target))  # fmt: skip
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["schema"] == "onnxcost.report/1"


def _bad(tmp_path: Path, kind: str) -> list[str]:
    good = MODELS / "kws_dscnn.onnx"
    if kind == "missing":
        return [str(tmp_path / "nope.onnx")]
    if kind == "truncated":
        path = tmp_path / "cut.onnx"
        path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
        return [str(path)]
    if kind == "garbage":
        path = tmp_path / "garbage.onnx"
        path.write_bytes(os.urandom(4096))
        return [str(path)]
    if kind == "empty":
        path = tmp_path / "empty.onnx"
        path.write_bytes(b"")
        return [str(path)]
    if kind == "unknown-op":
        model = _linear_model()
        model.graph.node[0].op_type = "MatMulPlusPlus"
        return [_save(model, tmp_path / "unknown.onnx")]
    if kind == "cycle":
        graph = h.make_graph(
            [h.make_node("Relu", ["b"], ["a"], name="r1"), h.make_node("Relu", ["a"], ["b"], name="r2")],
            "cycle", [h.make_tensor_value_info("x", T.FLOAT, [1])],
            [h.make_tensor_value_info("b", T.FLOAT, [1])],
        )  # fmt: skip
        return [_save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]),
                      tmp_path / "cycle.onnx")]  # fmt: skip
    if kind == "negative-dim":
        model = _linear_model()
        model.graph.input[0].type.tensor_type.shape.dim[0].dim_value = -7
        return [_save(model, tmp_path / "negative.onnx")]
    if kind == "absurd-dim":
        model = _linear_model()
        model.graph.input[0].type.tensor_type.shape.dim[0].dim_value = 10**15
        return [_save(model, tmp_path / "absurd.onnx")]
    if kind == "unknown-dim-name":
        return [_save(_linear_model("batch"), tmp_path / "l.onnx"), "--dim", "btach=4"]
    if kind == "bad-input-rank":
        return [_save(_linear_model("batch"), tmp_path / "l.onnx"), "--input", "x=1x2x3"]
    if kind == "bad-input-name":
        return [_save(_linear_model("batch"), tmp_path / "l.onnx"), "--input", "y=1x256"]
    if kind == "negative-binding":
        return [_save(_linear_model("batch"), tmp_path / "l.onnx"), "--dim", "batch=-3"]
    if kind == "dangling-input":
        model = _linear_model()
        model.graph.node[0].input[0] = "nowhere"
        model.graph.node.append(h.make_node("Relu", ["y"], ["z"]))
        model.graph.node.reverse()
        return [_save(model, tmp_path / "dangling.onnx")]
    raise AssertionError(kind)


BAD_INPUTS = ["missing", "truncated", "garbage", "empty", "unknown-op", "cycle", "negative-dim",
              "absurd-dim", "unknown-dim-name", "bad-input-rank", "bad-input-name",
              "negative-binding", "dangling-input"]  # fmt: skip


@pytest.mark.parametrize("kind", BAD_INPUTS)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, kind: str) -> None:
    code, out, err = run("analyze", *_bad(tmp_path, kind))
    assert code == 2, (out, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err
    assert len(lines) == 1 or (lines[0].startswith("Usage:") and "Error" in err), err


def test_missing_external_data_still_analyzes(tmp_path: Path) -> None:
    model = _linear_model()
    path = tmp_path / "ext.onnx"
    onnx.save(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
              location="ext.data", size_threshold=0)  # fmt: skip
    (tmp_path / "ext.data").unlink()
    code, out, _ = run("analyze", str(path), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    # weight 256×128 float32 = 32,768 params, 131,072 bytes, from metadata alone
    assert doc["totals"]["params"] == 32_768 and doc["totals"]["weight_bytes"] == 131_072
    assert any("ext.data" in w for w in doc["warnings"])


def test_ops_coverage_table() -> None:
    code, out, _ = run("ops", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    covered, known = doc["coverage"]["ai.onnx"]["covered"], doc["coverage"]["ai.onnx"]["known"]
    assert 0 < covered <= known
    conv = [o for o in doc["ops"] if o["op_type"] == "Conv" and o["domain"] == "ai.onnx"]
    assert conv and conv[0]["rule_since"] and "MACs" in conv[0]["formula"]


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run([sys.executable, "-m", "onnxcost", "--help"], capture_output=True,
                            text=True, check=False)  # fmt: skip
    assert result.returncode == 0 and "analyze" in result.stdout
