"""One error style for every command: one line `onnxcost: error: ...` on stderr and exit code 2
for bad input (1 only for a failed check), `--debug` anywhere on the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_analyze import MODELS, run

KWS = str(MODELS / "kws_dscnn.onnx")


@pytest.mark.parametrize(
    "args",
    [
        ["analyze", KWS, "--format", "csv"],  # a choice the command does not have
        ["analyze", KWS, "--bogus"],  # an unknown option
        ["analyze"],  # a missing argument
        ["nosuchcommand"],
        ["analyze", KWS, "--hw"],  # an option without its value
        ["analyze", KWS, "--input", "x=1x3xaxb"],
        ["analyze", KWS, "--dim", "batch=-1"],
        ["sweep", KWS, "--hw", "l4", "--dim", "batch=a"],
        ["schedule", KWS, "--order", "fastest"],
        ["check", KWS, "--max-latency", "fast"],
        ["hardware", "show", "no-such-board"],
        ["validate", KWS, "--hw", "t4"],
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str]) -> None:
    code, _, err = run(*args)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("onnxcost: error: "), err


@pytest.mark.parametrize("command", ["analyze", "schedule", "ops"])
def test_an_unwritable_output_is_exit_2_everywhere(tmp_path: Path, command: str) -> None:
    target = str(tmp_path / "missing" / "out.json")
    args = [command, KWS, "-o", target] if command != "ops" else [command, "-o", target]
    code, _, err = run(*args)
    assert code == 2 and err.strip() == f"onnxcost: error: cannot write {target}: No such file or directory"


@pytest.mark.parametrize("where", ["first", "last"])
def test_debug_is_accepted_anywhere(tmp_path: Path, where: str) -> None:
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a model")
    args = ["analyze", str(bad)]
    args = ["--debug", *args] if where == "first" else [*args, "--debug"]
    code, _, err = run(*args)
    assert code == 2
    assert "Traceback" in err and err.strip().splitlines()[-1].startswith("onnxcost: error: ")


def test_a_failed_check_is_exit_1() -> None:
    code, _, err = run(
        "check", str(MODELS / "kws_dscnn_int8.onnx"), "--hw", "stm32l4r5", "--max-latency", "1ms"
    )
    assert code == 1 and err == ""


def _files(folder: Path) -> dict[str, Path]:
    import os

    import onnx

    names = {"empty": "empty", "truncated": "truncated", "folder": "dir", "fifo": "fifo", "text": "text",
             "graph only": "graph", "missing": "missing"}  # fmt: skip
    made = {kind: folder / f"{name}.onnx" for kind, name in names.items()}
    made["empty"].write_bytes(b"")
    made["truncated"].write_bytes((MODELS / "mobilenetv2.onnx").read_bytes()[:1000])
    made["folder"].mkdir()
    os.mkfifo(made["fifo"])
    made["text"].write_text("this is not a model\n")
    made["graph only"].write_bytes(onnx.ModelProto(ir_version=8).SerializeToString())
    return made


@pytest.mark.parametrize(
    ("kind", "message"),
    [("empty", "empty file"), ("truncated", "truncated"), ("folder", "director"),
     ("fifo", "not a regular file"), ("text", "not"), ("graph only", "no graph"),
     ("missing", "no such file")],
)  # fmt: skip
def test_a_broken_file_is_one_line(tmp_path: Path, kind: str, message: str) -> None:
    path = _files(tmp_path)[kind]
    code, _, err = run("analyze", str(path))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("onnxcost: error: ") and message in lines[0], err


def test_versions_newer_than_onnx_knows_are_warned_about(tmp_path: Path) -> None:
    import onnx

    model = onnx.load(str(MODELS / "kws_dscnn.onnx"))
    model.ir_version = 99
    model.opset_import[0].version = 99
    path = tmp_path / "future.onnx"
    onnx.save(model, str(path))
    code, out, _ = run("analyze", str(path), "--format", "json")
    assert code == 0
    warnings = " ".join(__import__("json").loads(out)["warnings"])
    assert "IR version 99 is newer" in warnings and "opset 99 is newer" in warnings


def _graph_file(folder: Path, name: str, nodes: list, outputs: list) -> str:  # type: ignore[type-arg]
    import onnx
    from onnx import TensorProto as T
    from onnx import helper as h

    graph = h.make_graph(nodes, "g", [h.make_tensor_value_info("x", T.FLOAT, [4])], outputs)
    path = folder / f"{name}.onnx"
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)], ir_version=8), str(path))
    return str(path)


def test_two_nodes_writing_one_value_is_one_error_naming_both(tmp_path: Path) -> None:
    from onnx import TensorProto as T
    from onnx import helper as h

    nodes = [h.make_node("Relu", ["x"], ["y"], name="first"), h.make_node("Neg", ["x"], ["y"], name="second")]
    path = _graph_file(tmp_path, "twice", nodes, [h.make_tensor_value_info("y", T.FLOAT, None)])
    code, _, err = run("analyze", path)
    assert (
        code == 2
        and err.strip()
        == "onnxcost: error: nodes 'first' and 'second' both write 'y': a value has one producer"
    )


def test_an_empty_graph_and_one_without_outputs_give_reports(tmp_path: Path) -> None:
    from onnx import TensorProto as T
    from onnx import helper as h

    # no node: the output is the input; peak memory is that input, 4 floats = 16 B
    path = _graph_file(tmp_path, "empty", [], [h.make_tensor_value_info("x", T.FLOAT, [4])])
    code, out, err = run("analyze", path, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["totals"]["macs"] == 0
    code, out, _ = run("schedule", path, "--order", "min-memory", "--format", "json")
    assert code == 0 and json.loads(out)["peak_memory_bytes"] == 16
    path = _graph_file(tmp_path, "no_outputs", [h.make_node("Relu", ["x"], ["y"])], [])
    code, out, _ = run("analyze", path, "--format", "json")
    assert code == 0 and any("declares no outputs" in w for w in json.loads(out)["warnings"])


def test_what_the_long_fuzz_found(tmp_path: Path) -> None:
    """docs/robustness.md: three bugs of the 2,000-case run, each now a report or one line."""
    import numpy as np
    import onnx
    from onnx import TensorProto as T
    from onnx import helper as h
    from onnx import numpy_helper as nh

    x4 = h.make_tensor_value_info("x", T.FLOAT, [1, 3, 8, 8])
    out = h.make_tensor_value_info("y", T.FLOAT, None)
    # a Conv whose weight is rank 1 (op keys read the weight's second dim)
    conv = h.make_graph([h.make_node("Conv", ["x", "w"], ["y"])], "g", [x4], [out],
                        [nh.from_array(np.ones(4, np.float32), "w")])  # fmt: skip
    # an If without its condition input
    branch = h.make_graph(
        [h.make_node("Relu", ["x"], ["o"])], "b", [], [h.make_tensor_value_info("o", T.FLOAT, None)]
    )
    no_condition = h.make_graph([h.make_node("If", [], ["y"], then_branch=branch, else_branch=branch)], "g",
                                [x4], [out])  # fmt: skip
    for name, graph in (("conv", conv), ("if", no_condition)):
        path = tmp_path / f"{name}.onnx"
        onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)], ir_version=8), str(path))
        for args in (["analyze", str(path)], ["analyze", str(path), "--hw", "a100-80gb-sxm"]):
            code, _, err = run(*args)
            assert code in (0, 2) and "internal error" not in err, err
    # a node name that is not UTF-8: protobuf hands it back as bytes
    model = onnx.load(str(MODELS / "kws_dscnn.onnx"))
    model.graph.node[0].name = "conv_first"
    data = model.SerializeToString().replace(b"conv_first", b"conv\xfcfirst")
    path = tmp_path / "latin1.onnx"
    path.write_bytes(data)
    code, _, err = run("analyze", str(path), "--format", "json")
    assert code == 2 and "not valid UTF-8" in err and len(err.strip().splitlines()) == 1


def test_an_element_type_onnx_does_not_define_is_warned_about(tmp_path: Path) -> None:
    from onnx import TensorProto as T
    from onnx import helper as h

    nodes = [h.make_node("Relu", ["x"], ["y"])]
    path = _graph_file(tmp_path, "odd", nodes, [h.make_tensor_value_info("y", T.FLOAT, None)])
    import onnx

    model = onnx.load(path)
    model.graph.input[0].type.tensor_type.elem_type = 99
    onnx.save(model, path)
    code, out, _ = run("analyze", path, "--format", "json")
    assert code == 0
    assert any("element type 99" in w for w in json.loads(out)["warnings"])


@pytest.mark.parametrize(
    ("node", "message"),
    [
        (("Conv", ["x"], ["y"]), "node 'n' (Conv, opset 17) has 1 input; its schema takes 2 to 3"),
        (("Gemm", ["x"] * 4, ["y"]), "node 'n' (Gemm, opset 17) has 4 inputs; its schema takes 2 to 3"),
        (("Relu", ["x"], ["y", "z"]), "node 'n' (Relu, opset 17) has 2 outputs; its schema takes 1"),
        (("Concat", [], ["y"]), "node 'n' (Concat, opset 17) has 0 inputs; its schema takes at least 1"),
    ],
)
def test_too_few_or_too_many_inputs_for_the_schema_is_one_error_naming_the_node(
    tmp_path: Path,
    node: tuple,
    message: str,  # type: ignore[type-arg]
) -> None:
    from onnx import TensorProto as T
    from onnx import helper as h

    op_type, inputs, outputs = node
    made = h.make_node(op_type, inputs, outputs, name="n", **({"axis": 0} if op_type == "Concat" else {}))
    path = _graph_file(tmp_path, op_type, [made], [h.make_tensor_value_info("y", T.FLOAT, None)])
    code, _, err = run("analyze", path)
    assert code == 2 and err.strip() == f"onnxcost: error: {message}"


def test_optional_inputs_left_out_with_empty_names_are_allowed(tmp_path: Path) -> None:
    from onnx import TensorProto as T
    from onnx import helper as h

    # Clip's min and max are optional: "" in the middle and at the end leave them out
    nodes = [h.make_node("Clip", ["x", "", ""], ["y"], name="n")]
    path = _graph_file(tmp_path, "clip", nodes, [h.make_tensor_value_info("y", T.FLOAT, None)])
    code, _, err = run("analyze", path)
    assert code == 0, err


def test_a_tensor_of_more_than_64_dims_is_one_error_naming_the_node(tmp_path: Path) -> None:
    import numpy as np
    import onnx
    from onnx import TensorProto as T
    from onnx import helper as h
    from onnx import numpy_helper as nh

    # ConstantOfShape of a 100-element shape: numpy (and every runtime) stops at 64 dims
    graph = h.make_graph([h.make_node("ConstantOfShape", ["s"], ["y"], name="big")], "g", [],
                         [h.make_tensor_value_info("y", T.FLOAT, None)],
                         [nh.from_array(np.ones(100, np.int64), "s")])  # fmt: skip
    path = tmp_path / "rank.onnx"
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)], ir_version=8), str(path))
    code, _, err = run("analyze", str(path))
    assert code == 2 and err.strip().startswith(
        "onnxcost: error: node 'big' (ConstantOfShape): its output would have 100 dims; "
        "a tensor has at most 64 "
    )


def test_a_size_formula_past_its_term_cap_is_one_error_naming_the_node(tmp_path: Path) -> None:
    import numpy as np
    import onnx
    from onnx import TensorProto as T
    from onnx import helper as h
    from onnx import numpy_helper as nh

    # two Concats of 120 one-dim inputs each with its own dim: their sums broadcast into a
    # [Σa, Σb] tensor whose element count has 120 × 120 = 14,400 terms, past the 10,000 cap
    inputs, nodes = [], []
    for group in "ab":
        inputs += [h.make_tensor_value_info(f"{group}{j}", T.FLOAT, [f"{group}s{j}"]) for j in range(120)]
        nodes.append(h.make_node("Concat", [f"{group}{j}" for j in range(120)], [f"{group}cat"], axis=0))
    nodes += [h.make_node("Unsqueeze", ["acat", "one"], ["au"]),
              h.make_node("Unsqueeze", ["bcat", "zero"], ["bu"]),
              h.make_node("Add", ["au", "bu"], ["y"], name="outer")]  # fmt: skip
    axes = [nh.from_array(np.array([1], np.int64), "one"), nh.from_array(np.array([0], np.int64), "zero")]
    graph = h.make_graph(nodes, "g", inputs, [h.make_tensor_value_info("y", T.FLOAT, None)], axes)
    path = tmp_path / "terms.onnx"
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)], ir_version=8), str(path))
    code, _, err = run("analyze", str(path))
    assert code == 2 and err.strip() == (
        "onnxcost: error: node 'outer' (Add): a size formula of unbound dims would pass 10,000 terms; "
        "bind the input dims (--dim, --input) to get numbers"
    )


def test_dim_names_that_are_not_utf8_or_too_long_to_be_formulas(tmp_path: Path) -> None:
    import onnx

    model = onnx.load(str(MODELS / "kws_dscnn.onnx"))
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "batchXdim"
    model.producer_name = "makerXname"
    data = model.SerializeToString()
    bad_dim = tmp_path / "dim.onnx"
    bad_dim.write_bytes(data.replace(b"batchXdim", b"batch\xfcdim"))
    code, _, err = run("analyze", str(bad_dim))
    assert (
        code == 2 and "has a dim name that is not valid UTF-8" in err and len(err.strip().splitlines()) == 1
    )
    # a producer name that is not UTF-8 is descriptive text: shown with U+FFFD for the bad byte
    bad_producer = tmp_path / "producer.onnx"
    bad_producer.write_bytes(data.replace(b"makerXname", b"maker\xfcname"))
    code, out, err = run("analyze", str(bad_producer), "--format", "json", "--dim", "batchXdim=1")
    assert code == 0, err
    assert json.loads(out)["model"]["producer"].startswith("maker\ufffdname")
    # a dim_param of 2,001 factors is one name, not a formula to parse (ast would recurse 2,000 deep)
    long = onnx.load(str(MODELS / "kws_dscnn.onnx"))
    long.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "n*" * 2000 + "n"
    path = tmp_path / "long.onnx"
    onnx.save(long, str(path))
    code, out, err = run("analyze", str(path), "--format", "json")
    assert code == 0, err
    # kws_dscnn has 2,656,768 MACs a sample; the batch is the one name n_n_…_n
    assert json.loads(out)["totals"]["macs"] == "2656768*" + "_".join(["n"] * 2001)


def test_a_file_over_2_gb_of_zeros_is_one_line_without_reading_it_all(tmp_path: Path) -> None:
    # a sparse 2.2 GB file: the start of a real model, then zeros (a failed download's padding);
    # protobuf numbers fields from 1, so the first zero byte ends the read
    path = tmp_path / "padded.onnx"
    with open(path, "wb") as handle:
        handle.write((MODELS / "kws_dscnn.onnx").read_bytes()[:100])
        handle.truncate(2_200 * 2**20)
    code, _, err = run("analyze", str(path))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "not an ONNX file (a protobuf field numbered 0 at byte" in err


def test_an_external_data_location_that_is_not_utf8_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    import onnx

    model = onnx.load(str(MODELS / "kws_dscnn.onnx"))
    weight = max(model.graph.initializer, key=lambda t: len(t.raw_data))
    weight.ClearField("raw_data")
    weight.data_location = onnx.TensorProto.EXTERNAL
    weight.external_data.add(key="location", value="wXdata.bin")
    path = tmp_path / "external.onnx"
    path.write_bytes(model.SerializeToString().replace(b"wXdata.bin", b"w\xfcdata.bin"))
    code, out, err = run("analyze", str(path), "--format", "json")
    assert code == 0, err
    # the location as the file system spells it: the bad byte escaped, nothing opened
    assert "external data file 'w\\udcfcdata.bin' is not present" in " ".join(json.loads(out)["warnings"])
