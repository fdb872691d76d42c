"""Shapes stage: unbound dims in every spelling, bindings, folding of shape chains and weights."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

import onnxcost
from onnxcost.model.load import load_model
from onnxcost.shapes.fold import FOLD_CAP_ELEMENTS
from onnxcost.shapes.infer import infer_shapes
from onnxcost.symbolic.formulas import to_json


def _model(nodes, inputs, outputs, inits=(), opset=17, ir=8) -> onnx.ModelProto:
    graph = h.make_graph(nodes, "g", inputs, outputs, list(inits))
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", opset)])
    model.ir_version = ir
    return model


def _relu_with_input_dim(dim: onnx.TensorShapeProto.Dimension | None) -> onnx.ModelProto:
    x = h.make_tensor_value_info("x", T.FLOAT, [4, 8])
    shape_dim = x.type.tensor_type.shape.dim[0]
    shape_dim.Clear()
    if dim is not None:
        shape_dim.CopyFrom(dim)
    return _model([h.make_node("Relu", ["x"], ["y"])], [x],
                  [h.make_tensor_value_info("y", T.FLOAT, None)])  # fmt: skip


@pytest.mark.parametrize("spelling", ["value=-1", "param=?", "empty", "param=unk__0"], ids=str)
def test_unbound_dims_are_symbols_not_errors(spelling: str) -> None:
    dim = onnx.TensorShapeProto.Dimension()
    if spelling == "value=-1":
        dim.dim_value = -1
    elif spelling.startswith("param="):
        dim.dim_param = spelling.split("=", 1)[1]
    report = onnxcost.analyze(_relu_with_input_dim(dim))
    flops = to_json(report.totals.flops)
    # Relu: 1 FLOP per element, 8 elements per row, rows unknown → "8*unk_1"
    assert isinstance(flops, str) and flops.startswith("8*")


def test_formula_dim_param_is_parsed_and_binds() -> None:
    dim = onnx.TensorShapeProto.Dimension(dim_param="2*seq + 1")
    model = _relu_with_input_dim(dim)
    # Relu over (2·seq + 1) × 8 elements → 16·seq + 8
    assert to_json(onnxcost.analyze(model).totals.flops) == "16*seq + 8"
    assert onnxcost.analyze(model, dims={"seq": 10}).totals.flops == 168


def test_reshape_target_from_a_shape_chain_keeps_symbols() -> None:
    # x [batch, seq, 64] → Reshape to [batch, seq, 4, 16] via Shape → Gather → Unsqueeze → Concat
    nodes = [
        h.make_node("Shape", ["x"], ["s"]),
        h.make_node("Gather", ["s", "i0"], ["b"], axis=0),
        h.make_node("Gather", ["s", "i1"], ["n"], axis=0),
        h.make_node("Unsqueeze", ["b", "ax"], ["b1"]),
        h.make_node("Unsqueeze", ["n", "ax"], ["n1"]),
        h.make_node("Concat", ["b1", "n1", "heads"], ["target"], axis=0),
        h.make_node("Reshape", ["x", "target"], ["r"]),
        h.make_node("Transpose", ["r"], ["t"], perm=[0, 2, 1, 3]),
        h.make_node("MatMul", ["t", "w"], ["y"]),
    ]
    inits = [
        nh.from_array(np.array(0, np.int64), "i0"), nh.from_array(np.array(1, np.int64), "i1"),
        nh.from_array(np.array([0], np.int64), "ax"),
        nh.from_array(np.array([4, 16], np.int64), "heads"),
        nh.from_array(np.ones((16, 32), np.float32), "w"),
    ]  # fmt: skip
    model = _model(nodes, [h.make_tensor_value_info("x", T.FLOAT, ["batch", "seq", 64])],
                   [h.make_tensor_value_info("y", T.FLOAT, None)], inits)  # fmt: skip
    report = onnxcost.analyze(model)
    matmul = next(n for n in report.nodes if n.op_type == "MatMul")
    # batch·4 heads·seq·16·32 = 2048·batch·seq
    assert to_json(matmul.macs) == "2048*batch*seq"
    assert report.warnings == ()


def test_constant_of_shape_weight_is_a_known_constant_beyond_the_fold_cap() -> None:
    # a 2048×1024 weight (2,097,152 elements > the 1 M cap) made by ConstantOfShape
    big = 2048 * 1024
    assert big > FOLD_CAP_ELEMENTS
    nodes = [
        h.make_node("Constant", [], ["shape"], value=nh.from_array(np.array([2048, 1024], np.int64))),
        h.make_node("ConstantOfShape", ["shape"], ["w"],
                    value=nh.from_array(np.array([0.5], np.float32))),
        h.make_node("MatMul", ["x", "w"], ["y"]),
    ]  # fmt: skip
    model = _model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 2048])],
                   [h.make_tensor_value_info("y", T.FLOAT, None)])  # fmt: skip
    shaped = infer_shapes(load_model(model))
    weight = shaped.tensors["w"]
    assert weight.is_weight and weight.is_constant and weight.value is None
    report = onnxcost.analyze(model)
    assert report.totals.params == big
    matmul = report.nodes[-1]
    # 1·2048·1024 MACs; reads 8 KiB of activations and 8 MiB of weights
    assert matmul.macs == big and matmul.bytes_read_weights == 4 * big


def test_ir3_initializers_listed_as_inputs_are_weights() -> None:
    w = nh.from_array(np.ones((8, 4), np.float32), "w")
    model = _model([h.make_node("MatMul", ["x", "w"], ["y"])],
                   [h.make_tensor_value_info("x", T.FLOAT, [2, 8]),
                    h.make_tensor_value_info("w", T.FLOAT, [8, 4])],
                   [h.make_tensor_value_info("y", T.FLOAT, [2, 4])], [w], opset=7, ir=3)  # fmt: skip
    report = onnxcost.analyze(model)
    assert [t.name for t in report.model.inputs] == ["x"]
    # 2·8·4 = 64 MACs; 32 params
    assert (report.totals.macs, report.totals.params) == (64, 32)


def test_local_functions_are_inlined_and_opsets_and_producer_recorded() -> None:
    body = [h.make_node("MatMul", ["a", "b"], ["ab"]), h.make_node("Relu", ["ab"], ["out"])]
    function = h.make_function("custom", "LinearRelu", ["a", "b"], ["out"], body,
                               [h.make_opsetid("", 17)])  # fmt: skip
    w = nh.from_array(np.ones((16, 8), np.float32), "w")
    graph = h.make_graph([h.make_node("LinearRelu", ["x", "w"], ["y"], domain="custom")], "g",
                         [h.make_tensor_value_info("x", T.FLOAT, [4, 16])],
                         [h.make_tensor_value_info("y", T.FLOAT, None)], [w])  # fmt: skip
    model = h.make_model(graph, functions=[function], producer_name="unit", producer_version="1",
                         opset_imports=[h.make_opsetid("", 17), h.make_opsetid("custom", 1)])  # fmt: skip
    report = onnxcost.analyze(model)
    # 4·16·8 = 512 MACs in the inlined MatMul, Relu 32 FLOPs
    assert report.totals.macs == 512 and report.unsupported == {}
    assert report.model.opsets == {"": 17, "custom": 1} and report.model.producer == "unit 1"


def test_custom_domain_op_is_unsupported_and_excluded_not_an_error() -> None:
    model = _model([h.make_node("Mystery", ["x"], ["y"], domain="acme.ops")],
                   [h.make_tensor_value_info("x", T.FLOAT, [4])],
                   [h.make_tensor_value_info("y", T.FLOAT, [4])])  # fmt: skip
    model.opset_import.append(h.make_opsetid("acme.ops", 1))
    report = onnxcost.analyze(model)
    assert report.unsupported == {"acme.ops::Mystery": 1}
    assert report.totals.excluded_ops == ("acme.ops::Mystery",)
    assert report.nodes[0].status == "unsupported"


def test_node_order_is_repaired_when_the_file_lists_consumers_first() -> None:
    nodes = [h.make_node("Relu", ["a"], ["y"], name="second"),
             h.make_node("Neg", ["x"], ["a"], name="first")]  # fmt: skip
    model = _model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [3])],
                   [h.make_tensor_value_info("y", T.FLOAT, [3])])  # fmt: skip
    report = onnxcost.analyze(model)
    assert [n.name for n in report.nodes] == ["first", "second"]


# --- onnxcost's own rules first, ONNX shape inference only where they fall short -------------


def _both_ways(loaded) -> tuple[dict, dict] | None:
    """Every value's (shape, dtype, constness, kind) from the own rules alone and with ONNX's
    inference; None when the own rules fall short (inference runs then)."""
    from onnxcost.shapes import infer as shapes
    from onnxcost.shapes.bindings import resolve_bindings
    from onnxcost.shapes.context import NeedsInference
    from onnxcost.shapes.onnx_inference import declared_types, run_onnx_inference

    graph = loaded.proto.graph
    real = [v for v in graph.input if v.name not in {t.name for t in graph.initializer}]
    bindings = resolve_bindings(real, {}, {})
    declared = declared_types(graph)
    try:
        context = shapes._new_context(loaded, {}, declared, bindings, False, strict=True)
        own = shapes._walk(loaded, real, bindings, context)
    except NeedsInference:
        return None
    inferred = run_onnx_inference(loaded, real, bindings, [])
    context = shapes._new_context(loaded, inferred, declared, bindings, False)
    with_onnx = shapes._walk(loaded, real, bindings, context)

    def table(shaped) -> dict:
        return {name: (None if t.shape is None else [to_json(d) for d in t.shape], t.dtype,
                       t.is_constant, t.elem_type) for name, t in shaped.tensors.items()}  # fmt: skip

    return table(own), table(with_onnx)


def test_own_rules_agree_with_onnx_inference_on_every_operator_model() -> None:
    """Where the rules derive every value of an operator test model, they derive what ONNX's
    inference does (the analysis then skips it); the rest fall back to inference."""
    from onnx.backend.test.case.node import collect_testcases

    agreed = fell_back = 0
    differing = []
    for case in collect_testcases():
        found = _both_ways(load_model(case.model))
        if found is None:
            fell_back += 1
        elif found[0] != found[1]:
            differing.append(case.name)
        else:
            agreed += 1
    assert not differing, differing[:10]
    # 1,338 and 546 with onnx 1.23: a declared output type never stands in for a derived one, so
    # a model whose outputs only its declaration fixes (run-time axes or ranges) takes inference
    assert agreed > 1300 and fell_back > 0


def test_real_models_take_the_own_rules_and_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    import glob
    import os

    from onnxcost.shapes import infer as shapes

    light = sorted(glob.glob(os.path.join(os.path.dirname(onnx.__file__), "backend/test/data/light/*.onnx")))
    samples = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "models", "*.onnx")))
    assert len(light) >= 9 and len(samples) >= 10
    for path in light + samples:
        found = _both_ways(load_model(path))
        assert found is not None and found[0] == found[1], path
    # and the analysis of such a model does not run ONNX's inference at all
    monkeypatch.setattr(shapes, "run_onnx_inference", lambda *a, **k: pytest.fail("inference ran"))
    assert onnxcost.analyze(samples[0]).totals.macs > 0


# --- sizes the data decides, params that never depend on input dims -------------------------


def _detector() -> onnx.ModelProto:
    """NonMaxSuppression (max 10 boxes per class) → the selected box indices gather boxes for a
    MatMul head: the head's work depends on how many boxes the data selects."""
    nodes = [
        h.make_node("NonMaxSuppression", ["boxes", "scores", "max_out", "iou", "floor"], ["selected"],
                    name="nms"),
        h.make_node("Slice", ["selected", "two", "three", "one"], ["column"], name="column"),
        h.make_node("Squeeze", ["column", "one"], ["index"], name="index"),
        h.make_node("Reshape", ["boxes", "rows"], ["flat"], name="flat"),
        h.make_node("Gather", ["flat", "index"], ["picked"], name="pick", axis=0),
        h.make_node("MatMul", ["picked", "w"], ["y"], name="head"),
    ]  # fmt: skip
    inits = [
        nh.from_array(np.array([10], np.int64), "max_out"), nh.from_array(np.array([0.5], np.float32), "iou"),
        nh.from_array(np.array([0.1], np.float32), "floor"), nh.from_array(np.array([2], np.int64), "two"),
        nh.from_array(np.array([3], np.int64), "three"), nh.from_array(np.array([1], np.int64), "one"),
        nh.from_array(np.array([-1, 4], np.int64), "rows"), nh.from_array(np.ones((4, 8), np.float32), "w"),
    ]  # fmt: skip
    inputs = [h.make_tensor_value_info("boxes", T.FLOAT, ["batch", "n", 4]),
              h.make_tensor_value_info("scores", T.FLOAT, ["batch", 3, "n"])]  # fmt: skip
    return _model(nodes, inputs, [h.make_tensor_value_info("y", T.FLOAT, None)], inits)


def test_a_size_the_data_decides_is_named_after_its_node_with_its_bound() -> None:
    shapes = {"boxes": (1, 100, 4), "scores": (1, 3, 100)}
    report = onnxcost.analyze(_detector(), inputs=shapes)
    (found,) = report.underived_dims
    # at most batch 1 × 3 classes × min(10 per class, 100 boxes) = 30 boxes
    assert (found.symbol, found.node, found.data_dependent, found.bound) == ("nms_boxes", "nms", True, 30)
    head = next(n for n in report.nodes if n.name == "head")
    assert to_json(head.macs) == "32*nms_boxes"  # each selected box: 4·8 MACs
    assert any("nms_boxes" in w and "--worst-case" in w and "nms" in w for w in report.warnings)
    worst = onnxcost.analyze(_detector(), inputs=shapes, worst_case=True)
    assert next(n for n in worst.nodes if n.name == "head").macs == 30 * 32
    assert worst.underived_dims[0].value == 30
    bound = onnxcost.analyze(_detector(), inputs=shapes, dims={"nms_boxes": 7}, hardware="t4")
    assert next(n for n in bound.nodes if n.name == "head").macs == 7 * 32
    assert bound.totals.latency_s > 0


def test_zero_states_made_from_an_input_shape_are_activations_not_params() -> None:
    """tf2onnx's recurrent zero state: ConstantOfShape([batch, 16]) with batch from Shape(x). It
    is made at run time, so params are the same bound or not and its bytes are activations."""
    nodes = [
        h.make_node("Shape", ["x"], ["shape"], name="shape"),
        h.make_node("Gather", ["shape", "zero"], ["batch"], name="batch", axis=0),
        h.make_node("Unsqueeze", ["batch", "axes"], ["batch1"], name="batch1"),
        h.make_node("Concat", ["batch1", "width"], ["state_shape"], name="state_shape", axis=0),
        h.make_node("ConstantOfShape", ["state_shape"], ["state"], name="zeros"),
        h.make_node("MatMul", ["x", "w"], ["xw"], name="fc"),
        h.make_node("Add", ["xw", "state"], ["y"], name="add"),
    ]
    inits = [
        nh.from_array(np.array(0, np.int64), "zero"), nh.from_array(np.array([0], np.int64), "axes"),
        nh.from_array(np.array([16], np.int64), "width"), nh.from_array(np.ones((8, 16), np.float32), "w"),
    ]  # fmt: skip
    model = _model(nodes, [h.make_tensor_value_info("x", T.FLOAT, ["batch", 8])],
                   [h.make_tensor_value_info("y", T.FLOAT, None)], inits)  # fmt: skip
    unbound, bound = onnxcost.analyze(model), onnxcost.analyze(model, inputs={"x": (4, 8)})
    assert unbound.totals.params == bound.totals.params == 8 * 16  # w only
    zeros = next(n for n in bound.nodes if n.name == "zeros")
    assert zeros.bytes_written == 4 * 16 * 4 and zeros.params == 0  # a 4×16 float32 fill
    add = next(n for n in bound.nodes if n.name == "add")
    assert add.bytes_read_activations == 2 * 4 * 16 * 4 and add.bytes_read_weights == 0


def test_declared_dims_never_override_derived_ones() -> None:
    """An exporter's value_info with its own symbols (dynamo's s0, paddle's DynamicDimension) or
    the sizes of its example input: the bound input decides; a declared number that differs is a
    warning naming the value."""
    nodes = [h.make_node("Relu", ["x"], ["r"], name="relu"),
             h.make_node("MatMul", ["r", "w"], ["y"], name="fc")]  # fmt: skip
    model = _model(nodes, [h.make_tensor_value_info("x", T.FLOAT, ["batch", 8])],
                   [h.make_tensor_value_info("y", T.FLOAT, [1, 4])],  # traced at batch 1
                   [nh.from_array(np.ones((8, 4), np.float32), "w")])  # fmt: skip
    model.graph.value_info.append(h.make_tensor_value_info("r", T.FLOAT, ["s0", "s1"]))
    report = onnxcost.analyze(model, inputs={"x": (3, 8)})
    # fc: 3·8·4 = 96 MACs; Relu writes 3·8 floats
    assert report.totals.macs == 96
    assert next(n for n in report.nodes if n.name == "relu").bytes_written == 3 * 8 * 4
    assert report.model.outputs[0].shape == (3, 4)
    (warning,) = report.warnings
    assert "value 'y' dim 0: declared 1, derived 3" in warning
    unbound = onnxcost.analyze(model)
    assert to_json(unbound.totals.macs) == "32*batch"  # s0 is not batch's name: derived wins
