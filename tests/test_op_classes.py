"""Op classes, kernel keys and sizes of nodes (onnxcost.estimate.op_classes), on graphs as written."""

from __future__ import annotations

import pytest

from onnxcost.api import prepare
from onnxcost.estimate.op_classes import (
    block_span,
    class_amount,
    epilogue,
    kernel_calls,
    node_class,
    op_class,
    op_key,
    projection_ops,
)
from onnxcost.measure.calibration import bench


def _node(model, op_type: str, runtime: str = ""):  # type: ignore[no-untyped-def]
    analysis = prepare(model, runtime=runtime)
    cost = next(c for c in analysis.costs if c.op_type == op_type)
    return cost, analysis.graph.tensors


@pytest.mark.parametrize(
    ("model", "op", "key", "kind"),
    [
        (bench.conv(64, 28, 64, 3), "Conv", "Conv", "dense"),
        (bench.conv(32, 56, 64, 1), "Conv", "Conv.1x1", "dense"),
        (bench.conv(32, 112, 32, 3, group=32), "Conv", "Conv.dw", "depthwise"),
        # 5×5 = 25 taps > 9: the wide depthwise kernel; its integer twin too
        (bench.conv(96, 56, 96, 5, group=96), "Conv", "Conv.dw.wide", "depthwise"),
        (bench.qlinear_conv(96, 28, 96, 5, group=96), "QLinearConv", "QLinearConv.dw.wide", "int8"),
        (bench.conv(3, 224, 32, 3, 2), "Conv", "Conv.stem", "dense"),  # 3 < 16 input channels
        (bench.conv(8, 112, 48, 1), "Conv", "Conv.1x1.stem", "dense"),
        (bench.conv1d(64, 512, 64, 3), "Conv", "Conv.1d", "dense"),
        # one input channel with 64 filters is an ordinary convolution, not a depthwise one
        (bench.conv1d(1, 4096, 64, 64), "Conv", "Conv.1d.stem", "dense"),
        # an STFT's frames (hop 160): strided, but not depthwise, so no strided mark
        (bench.conv1d(1, 1760, 257, 512, stride=160), "Conv", "Conv.1d.stem", "dense"),
        (bench.qlinear_conv(64, 28, 64, 3), "QLinearConv", "QLinearConv", "int8"),
        (bench.qlinear_conv(64, 28, 64, 3, signed=True), "QLinearConv", "QLinearConv.s8s8", "int8"),
        (bench.integer_conv(64, 28, 64, 3), "ConvInteger", "ConvInteger", "int8-raw"),
        (bench.integer_conv(64, 28, 64, 3, unsigned=True), "ConvInteger", "ConvInteger.u8u8", "int8-raw"),
        (
            bench.integer_matmul(16, 512, 512, unsigned=True),
            "MatMulInteger",
            "MatMulInteger.u8u8",
            "int8-raw",
        ),
        (bench.qlinear_matmul(16, 512, 512, signed=True), "QLinearMatMul", "QLinearMatMul.s8s8", "int8"),
        # query, key and value of one quantized input: MatMulIntegerToFloat as onnxruntime runs them;
        # a 64-deep weight is a narrow integer product, a 512-deep one is not
        (
            bench.shared_dynamic_matmul(256, 64, 64),
            "MatMulIntegerToFloat",
            "MatMulIntegerToFloat.narrow",
            "int8",
        ),
        (bench.shared_dynamic_matmul(16, 512, 512), "MatMulIntegerToFloat", "MatMulIntegerToFloat", "int8"),
        (bench.integer_matmul(256, 256, 64), "MatMulInteger", "MatMulInteger.narrow", "int8-raw"),
        (bench.recurrent("LSTM", 20, 1, 64, 64), "LSTM", "LSTM.steps", "recurrent"),
        (bench.quantized_lstm(32, 1, 128, 128), "DynamicQuantizeLSTM", "DynamicQuantizeLSTM", "recurrent"),
        (bench.unary("Erf", 1000), "Erf", "Erf", "transcendental"),
        (bench.rows("Softmax", 16, 64), "Softmax", "Softmax", "normalization"),
        (bench.pool("MaxPool", 32, 56), "MaxPool", "MaxPool", "pooling"),
        (bench.transpose((64, 768), [1, 0]), "Transpose", "Transpose", "movement"),
        (bench.binary("Add", 1000), "Add", "Add", "elementwise"),
        # transposed: a GEMM and col2im, no channel marks; weights [C, M/group, k, k], so one of 24
        # channels to 1 is not depthwise
        (bench.conv_transpose(24, 160, 24), "ConvTranspose", "ConvTranspose", "dense"),
        (bench.conv_transpose(24, 320, 1), "ConvTranspose", "ConvTranspose", "dense"),
        (bench.conv_transpose(64, 56, 64, k=3, group=64), "ConvTranspose", "ConvTranspose.dw", "depthwise"),
        (bench.softmax_axis(16, 4, 2100), "Softmax", "Softmax.axis", "normalization"),
        (bench.where(1000), "Where", "Where", "movement"),
        (bench.pool("GlobalAveragePool", 24, 80), "GlobalAveragePool", "GlobalAveragePool", "pooling"),
    ],
)
def test_key_and_class(model, op: str, key: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    lowered = op == "MatMulIntegerToFloat"  # a kernel of onnxruntime's graph, not of the file
    cost, tensors = _node(model.model, op, runtime="onnxruntime-cpu" if lowered else "")
    assert op_key(cost, tensors) == key
    assert op_class(cost, tensors) == kind


def test_mac_classes_are_timed_by_operations() -> None:
    # MatMul 32×512×512: 32·512·512 = 8,388,608 MACs = 16,777,216 operations
    cost, tensors = _node(bench.matmul(32, 512, 512).model, "MatMul")
    assert class_amount(cost, "dense", tensors) == 16_777_216


def test_element_classes_count_the_largest_tensor_constants_included_a_gather_its_output() -> None:
    # DequantizeLinear of a [1000] uint8 vector: its output has 1,000 elements
    cost, tensors = _node(bench.quantize("DequantizeLinear", 1000).model, "DequantizeLinear")
    assert class_amount(cost, "elementwise", tensors) == 1000
    # Gather of 16 rows of a 1000×128 table: it copies 16 × 128 = 2,048 elements, whatever
    # the table's size
    cost, tensors = _node(bench.gather(16, 128, 1000).model, "Gather")
    assert class_amount(cost, "movement", tensors) == 2_048


def test_a_generic_convolution_is_one_call_per_image_and_group() -> None:
    # Conv1d on a batch of 16, one group: 16 GEMM calls
    cost, tensors = _node(bench.conv1d(129, 4, 128, 3, batch=16).model, "Conv")
    assert kernel_calls(cost, tensors) == 16
    # depthwise 2-D conv of 96 channels, batch 1: 96 calls
    cost, tensors = _node(bench.conv(96, 56, 96, 3, group=96).model, "Conv")
    assert kernel_calls(cost, tensors) == 96
    # a MatMul is one call
    cost, tensors = _node(bench.matmul(32, 512, 512).model, "MatMul")
    assert kernel_calls(cost, tensors) == 1


def test_a_strided_nchwc_depthwise_convolution_is_a_kernel_of_its_own() -> None:
    # as onnxruntime lowers it (NCHWc): stride 2 reads 4× the input for the same outputs (3×3, 144
    # channels, 56×56 → 28×28: 22 GFLOP/s here, against 89 at stride 1 on 28×28)
    lowered = bench.conv(144, 56, 144, 3, 2, group=144).model
    assert op_key(*_node(lowered, "Conv", runtime="onnxruntime-cpu")) == "nchwc.Conv.dw.strided"
    wide = bench.conv(96, 56, 96, 5, 2, group=96).model
    assert op_key(*_node(wide, "Conv", runtime="onnxruntime-cpu")) == "nchwc.Conv.dw.wide.strided"
    assert op_key(
        *_node(bench.conv(144, 28, 144, 3, 1, group=144).model, "Conv", runtime="onnxruntime-cpu")
    ) == ("nchwc.Conv.dw")


def test_an_integer_patch_embedding_is_a_kernel_of_its_own_without_channel_marks() -> None:
    # 3 channels but one GEMM over 3·8·8 = 192: measured here, QLinearConv 3→64 8×8 stride 8 on
    # 64×64 at 161 GOPS against 43 for the stem table at that size, ConvInteger at 25 against 9
    patch = bench.qlinear_conv(3, 64, 64, 8, patch=True).model
    assert op_key(*_node(patch, "QLinearConv")) == "QLinearConv.patch"
    assert op_key(*_node(bench.integer_conv(3, 224, 96, 4, patch=True).model, "ConvInteger")) == (
        "ConvInteger.patch"
    )
    # onnxruntime's channels-last QLinearConv of a QDQ graph keeps the mark
    lowered = prepare(bench.qlinear_conv(3, 64, 64, 8, patch=True).model, runtime="onnxruntime-cpu")
    assert {op_key(c, lowered.graph.tensors) for c in lowered.costs if c.op_type == "QLinearConv"} == {
        "QLinearConv.patch"
    }
    # overlapping windows (an RGB stem: stride 2 < kernel 3), padded ones, or a float convolution
    assert op_key(*_node(bench.qlinear_conv(3, 224, 32, 3, stride=2).model, "QLinearConv")) == (
        "QLinearConv.stem"
    )
    padded = bench.integer_conv(3, 64, 64, 8, patch=True).model
    next(a for a in padded.graph.node[0].attribute if a.name == "pads").ints[:] = [1, 1, 1, 1]
    assert op_key(*_node(padded, "ConvInteger")) == "ConvInteger.stem"
    flat = bench.conv(3, 64, 64, 8).model
    node = flat.graph.node[0]
    next(a for a in node.attribute if a.name == "strides").ints[:] = [8, 8]
    next(a for a in node.attribute if a.name == "pads").ints[:] = [0, 0, 0, 0]
    assert op_key(*_node(flat, "Conv")) == "Conv.stem"


def test_qlinear_conv_on_one_thread_is_one_call_per_image_all_groups_at_once() -> None:
    # onnxruntime's QLinearConv on one thread runs image by image (batch 2 takes 1.8–2.1× batch 1
    # here), its depthwise kernel all channels in one call: 96 depthwise channels, batch 2: 2 calls
    bench_model = bench.qlinear_conv(96, 56, 96, 3, group=96).model
    bench_model.graph.input[0].type.tensor_type.shape.dim[0].dim_value = 2
    cost, tensors = _node(bench_model, "QLinearConv")
    assert kernel_calls(cost, tensors) == 2
    # on 2 threads the images share the threads (batch 2 takes 1.2–1.9× batch 1): one call
    assert kernel_calls(cost, tensors, threads=2) == 1
    # node_class gives both: (several threads, one thread)
    assert node_class(cost, tensors)[3:] == (1, 2)


def test_a_node_whose_shapes_its_op_does_not_allow_is_timed_as_its_generic_class(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from onnxcost.estimate import op_classes

    cost, tensors = _node(bench.integer_conv(64, 28, 64, 3).model, "ConvInteger")
    # ConvInteger 64→64, 3×3, padded 28×28 out: 64·64·9·28·28 = 28,901,376 MACs
    assert cost.macs == 28_901_376
    assert op_classes.node_class(cost, tensors) == ("int8-raw", "ConvInteger", cost.flops, 1, 1)
    # the weight made rank 1 (a fuzzed file): one kernel call, not an IndexError
    weight = cost.inputs[1]
    broken = {**tensors, weight: dataclasses.replace(tensors[weight], shape=(64,))}
    assert kernel_calls(cost, broken) == 1
    # a key that cannot be read off the shapes: the generic class, timed by the FLOPs
    monkeypatch.setattr(op_classes, "op_key", lambda *args: ().__getitem__(1))
    assert op_classes.node_class(cost, tensors) == ("dense", "ConvInteger", cost.flops, 1, 1)


def test_a_blocked_convolution_of_few_channels_is_a_narrow_kernel() -> None:
    def key(model) -> str:  # type: ignore[no-untyped-def]
        analysis = prepare(model, runtime="onnxruntime-cpu")  # the NCHWc kernel onnxruntime runs
        cost = next(c for c in analysis.costs if c.op_type == "Conv")
        return op_key(cost, analysis.graph.tensors)

    # 16→16 3×3: both under 32 channels (and not under the stem's 16)
    assert key(bench.conv(16, 128, 16, 3).model) == "nchwc.Conv.narrow"
    # 64→16 1×1: 16 output channels
    assert key(bench.conv(64, 64, 16, 1).model) == "nchwc.Conv.1x1.narrow"
    # 32→64: neither under 32, an ordinary convolution
    assert key(bench.conv(32, 56, 64, 1).model) == "nchwc.Conv.1x1"
    # RGB stems: 3→16 (16 < 32 outputs) is a narrow one, 3→32 and 3→64 are not; a pointwise stem
    # takes no narrow mark
    assert key(bench.conv(3, 224, 16, 7, 2).model) == "nchwc.Conv.stem.narrow"
    assert key(bench.conv(3, 224, 32, 3, 2).model) == "nchwc.Conv.stem"
    assert key(bench.conv(3, 224, 64, 7, 2).model) == "nchwc.Conv.stem"
    assert key(bench.conv(8, 56, 16, 1).model) == "nchwc.Conv.1x1.stem"
    # the graph as written (no NCHWc kernel): no narrow mark
    cost, tensors = _node(bench.conv(16, 128, 16, 3).model, "Conv")
    assert op_key(cost, tensors) == "Conv"


@pytest.mark.parametrize(
    ("model", "op", "key"),
    [
        # 16→8 1×1: 8 < 16 output channels, the integer GEMM's column block half filled
        (bench.qlinear_conv(16, 112, 8, 1), "QLinearConv", "QLinearConv.1x1.narrow"),
        (bench.qlinear_conv(16, 112, 8, 1, signed=True), "QLinearConv", "QLinearConv.1x1.narrow.s8s8"),
        (bench.integer_conv(16, 112, 8, 1), "ConvInteger", "ConvInteger.1x1.narrow"),
        # 16 outputs (48→16) are a full block: no mark; 8 inputs are a stem's, not narrow
        (bench.qlinear_conv(48, 56, 16, 1), "QLinearConv", "QLinearConv.1x1"),
        (bench.qlinear_conv(8, 112, 48, 1), "QLinearConv", "QLinearConv.1x1.stem"),
        # pointwise 16→96: a GEMM of depth 16 < 32, as a stem's; 32→96 is an ordinary one
        (bench.qlinear_conv(16, 56, 96, 1), "QLinearConv", "QLinearConv.1x1.stem"),
        (bench.integer_conv(24, 28, 144, 1), "ConvInteger", "ConvInteger.1x1.stem"),
        (bench.qlinear_conv(32, 56, 96, 1), "QLinearConv", "QLinearConv.1x1"),
        # a 3×3 of 16 input channels is shallow too (14.6 MOPs: 226 GOPS, against 365 for 32→32 on
        # 28×28), though not a stem (3 channels: 37–80 GOPS); a 3×3 of 32 is not, nor a float 1×1
        (bench.qlinear_conv(16, 56, 16, 3), "QLinearConv", "QLinearConv.shallow"),
        (bench.qlinear_conv(32, 28, 32, 3), "QLinearConv", "QLinearConv"),
        (bench.conv(16, 56, 96, 1), "Conv", "Conv.1x1"),
        # depthwise over 16 channels (< 32) fills the channel vector partly; over 32, fully
        (bench.qlinear_conv(16, 112, 16, 3, group=16), "QLinearConv", "QLinearConv.dw.narrow"),
        (
            bench.qlinear_conv(16, 56, 16, 3, group=16, signed=True),
            "QLinearConv",
            "QLinearConv.dw.narrow.s8s8",
        ),
        (bench.qlinear_conv(32, 112, 32, 3, group=32), "QLinearConv", "QLinearConv.dw"),
    ],
)
def test_narrow_and_shallow_integer_convolutions_are_kernels_of_their_own(model, op: str, key: str) -> None:  # type: ignore[no-untyped-def]
    cost, tensors = _node(model.model, op)
    assert op_key(cost, tensors) == key


def test_a_strided_depthwise_convolution_is_a_kernel_of_its_own() -> None:
    # weights as graph inputs: onnxruntime keeps its generic kernel, which unfolds each group's
    # whole input; at stride 2 a quarter of the outputs for the same unfolding
    cost, tensors = _node(bench.conv_weights_as_inputs(96, 112, 96, 3, group=96, stride=2).model, "Conv")
    assert op_key(cost, tensors) == "Conv.dw.strided"
    cost, tensors = _node(bench.conv_weights_as_inputs(96, 112, 96, 3, group=96).model, "Conv")
    assert op_key(cost, tensors) == "Conv.dw"
    # a grouped convolution of several channels a group is not depthwise: no mark
    cost, tensors = _node(bench.conv(96, 112, 96, 3, 2, group=6).model, "Conv")
    assert op_key(cost, tensors) == "Conv"


def test_a_blocked_convolution_is_one_call_per_image_on_one_thread() -> None:
    # onnxruntime's NCHWc Conv of a batch of 2 images (the graph as onnxruntime runs it): on one
    # thread one image after the other; on two, one call, its threads sharing out both images
    model = bench.conv(64, 28, 64, 3).model
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_value = 2
    analysis = prepare(model, runtime="onnxruntime-cpu")
    cost = next(c for c in analysis.costs if c.op_type == "Conv")
    assert cost.domain == "com.microsoft.nchwc"
    assert kernel_calls(cost, analysis.graph.tensors) == 2
    assert kernel_calls(cost, analysis.graph.tensors, threads=2) == 1


def test_a_float_recurrent_node_projects_its_input_in_one_gemm() -> None:
    # LSTM 20 steps × batch 1, 64 inputs → 4 gates × 64 hidden: 2·20·1·1·256·64 = 655,360 operations
    cost, tensors = _node(bench.recurrent("LSTM", 20, 1, 64, 64).model, "LSTM")
    assert projection_ops(cost, tensors) == 655_360
    # bidirectional GRU, 32 steps × batch 4, 64 → 3 × 64: 2·32·4·2·192·64 = 6,291,456
    cost, tensors = _node(bench.recurrent("GRU", 32, 4, 64, 64, directions=2).model, "GRU")
    assert projection_ops(cost, tensors) == 6_291_456
    # quantize_dynamic's LSTM quantizes its input each step: timed whole
    cost, tensors = _node(bench.quantized_lstm(32, 1, 128, 128).model, "DynamicQuantizeLSTM")
    assert (projection_ops(cost, tensors), op_key(cost, tensors)) == (0, "DynamicQuantizeLSTM")


def test_a_recurrent_node_is_one_call_per_step_and_direction() -> None:
    # LSTM over 20 time steps of a batch of 1: 20 sequential steps
    cost, tensors = _node(bench.recurrent("LSTM", 20, 1, 64, 64).model, "LSTM")
    assert kernel_calls(cost, tensors) == 20
    # bidirectional GRU over 32 steps: 32 × 2 = 64 steps, one direction after the other
    cost, tensors = _node(bench.recurrent("GRU", 32, 4, 64, 64, directions=2).model, "GRU")
    assert kernel_calls(cost, tensors) == 64


def _attention(mask: str):  # type: ignore[no-untyped-def]
    """Scores [2, 8, 8] plus a mask, then Softmax: `causal` builds a triangle of −inf from the
    scores' shape (Shape, Range, Less, Where), `padding` selects −inf by a bool input's data,
    `mild` adds a constant of −10 (exp does not underflow); `kept` and `kept-by-input` select
    the scores or −inf by a constant triangle or by an input."""
    import numpy as np
    from onnx import TensorProto as T
    from onnx import helper as h
    from onnx import numpy_helper as nh

    x = h.make_tensor_value_info("x", T.FLOAT, [2, 8, 8])
    inputs = [x]
    constants = (("ninf", -np.inf), ("zero", 0.0))
    inits = [nh.from_array(np.array(value, np.float32), name) for name, value in constants]
    if mask == "causal":
        inits += [nh.from_array(np.array(v, np.int64), n) for n, v in (("two", 2), ("one", 1), ("nil", 0))]
        nodes = [
            h.make_node("Shape", ["x"], ["shape"]),
            h.make_node("Gather", ["shape", "two"], ["n"]),
            h.make_node("Range", ["nil", "n", "one"], ["idx"]),
            h.make_node("Unsqueeze", ["idx", "ax"], ["col"]),
            h.make_node("Less", ["idx", "col"], ["above"]),
            h.make_node("Where", ["above", "ninf", "zero"], ["mask"]),
        ]
        inits.append(nh.from_array(np.array([1], np.int64), "ax"))
    elif mask == "padding":
        inputs.append(h.make_tensor_value_info("pad", T.BOOL, [2, 1, 8]))
        nodes = [h.make_node("Where", ["pad", "ninf", "zero"], ["mask"])]
    elif mask in ("kept", "kept-by-input"):
        # GPT-2's form: Where(a kept-entries condition, scores, −inf) straight into the Softmax
        if mask == "kept":
            inits.append(nh.from_array(np.tril(np.ones((8, 8), bool)), "keep"))
        else:
            inputs.append(h.make_tensor_value_info("keep", T.BOOL, [2, 8, 8]))
        nodes = [h.make_node("Where", ["keep", "x", "ninf"], ["s"]),
                 h.make_node("Softmax", ["s"], ["y"], axis=-1)]  # fmt: skip
        graph = h.make_graph(nodes, "g", inputs, [h.make_tensor_value_info("y", T.FLOAT, [2, 8, 8])], inits)
        return h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])
    else:
        inits.append(nh.from_array(np.full((8, 8), -10.0, np.float32), "mask"))
        nodes = []
    nodes += [h.make_node("Add", ["x", "mask"], ["s"]), h.make_node("Softmax", ["s"], ["y"], axis=-1)]
    graph = h.make_graph(nodes, "g", inputs, [h.make_tensor_value_info("y", T.FLOAT, [2, 8, 8])], inits)
    return h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])


@pytest.mark.parametrize(
    ("mask", "masked"),
    [("causal", True), ("padding", False), ("mild", False), ("kept", True), ("kept-by-input", False)],
)
def test_a_softmax_behind_a_causal_mask_is_a_masked_kernel(mask: str, masked: bool) -> None:
    from onnxcost.estimate.op_classes import masked_softmaxes

    analysis = prepare(_attention(mask))
    found = masked_softmaxes(analysis.costs, analysis.graph.tensors)
    softmax = next(c for c in analysis.costs if c.op_type == "Softmax")
    assert (softmax.name in found) is masked
    assert op_key(softmax, analysis.graph.tensors, softmax.name in found) == (
        "Softmax.masked" if masked else "Softmax"
    )


def test_the_masked_softmax_benchmark_is_masked() -> None:
    from onnxcost.estimate.op_classes import masked_softmaxes

    analysis = prepare(bench.masked_softmax(8, 64).model)
    assert masked_softmaxes(analysis.costs, analysis.graph.tensors) == {"op"}


def test_a_broadcast_runs_span_by_span() -> None:
    from onnxcost.estimate.op_classes import broadcast_span

    # [9600, 128, 1] × [9600, 1, 3]: each step takes the 3 of the last axis, 9600·128 = 1,228,800 steps
    cost, tensors = _node(bench.outer("Mul", 9600, 128, 3, False).model, "Mul")
    assert (broadcast_span(cost, tensors), op_key(cost, tensors)) == (3, "Mul.broadcast")
    assert kernel_calls(cost, tensors) == 1_228_800
    # [64, 1, 512] + [1, 64, 512]: the 512 of the last axis are whole in both; 64·64 = 4,096 steps
    cost, tensors = _node(bench.outer("Add", 64, 64, 512, True).model, "Add")
    assert (broadcast_span(cost, tensors), kernel_calls(cost, tensors)) == (512, 4096)
    # a row ([1024, 128] by [128]): 1,024 steps of 128
    cost, tensors = _node(bench.broadcast("Add", 1024, 128, False).model, "Add")
    assert (broadcast_span(cost, tensors), op_key(cost, tensors), kernel_calls(cost, tensors)) == (
        128,
        "Add.broadcast",
        1024,
    )
    # equal shapes and a one-element operand do not broadcast span by span
    cost, tensors = _node(bench.binary("Add", 1000).model, "Add")
    assert broadcast_span(cost, tensors) is None
    assert (op_key(cost, tensors), kernel_calls(cost, tensors)) == ("Add", 1)
    cost, tensors = _node(bench.scalar_binary("Mul", 1000).model, "Mul")
    assert (broadcast_span(cost, tensors), op_key(cost, tensors)) == (None, "Mul.scalar")


@pytest.mark.parametrize(
    ("shape", "perm", "key"),
    [
        ((1, 128, 100, 1), [0, 3, 2, 1], "Transpose.generic"),  # two axes swapped: element by element
        ((32, 32, 32), [2, 1, 0], "Transpose.generic"),
        ((1, 64, 56, 56), [0, 2, 3, 1], "Transpose"),  # one axis moved, to the end
        ((64, 768), [1, 0], "Transpose"),
        # the last axis in place: contiguous blocks copied, however many axes move
        ((1, 12, 128, 64), [0, 2, 1, 3], "Transpose.blocks"),
        ((2, 65, 3, 4, 16), [2, 0, 3, 1, 4], "Transpose.blocks"),
        ((1, 512, 256, 1), [0, 2, 1, 3], "Transpose"),  # blocks of one element: none
    ],
)
def test_a_transpose_of_several_axes_moved_is_the_generic_kernel(shape, perm, key: str) -> None:  # type: ignore[no-untyped-def]
    cost, tensors = _node(bench.transpose(shape, perm).model, "Transpose")
    assert op_key(cost, tensors) == key


def test_a_transpose_that_keeps_its_last_axis_copies_blocks() -> None:
    # attention's head split [2, 128, 4, 16] → [2, 4, 128, 16]: blocks of 16, 16,384 ÷ 16 = 1,024
    cost, tensors = _node(bench.transpose((2, 128, 4, 16), [0, 2, 1, 3]).model, "Transpose")
    assert (block_span(cost, tensors), kernel_calls(cost, tensors)) == (16, 1_024)
    # q, k, v split [2, 65, 3, 4, 16] → [3, 2, 4, 65, 16]: blocks of 16, 24,960 ÷ 16 = 1,560
    cost, tensors = _node(bench.transpose((2, 65, 3, 4, 16), [2, 0, 3, 1, 4]).model, "Transpose")
    assert (block_span(cost, tensors), kernel_calls(cost, tensors)) == (16, 1_560)


def test_a_transpose_without_perm_reverses_its_axes() -> None:
    from onnx import TensorProto as T
    from onnx import helper as h

    def kernel(shape: list[int]) -> str:
        x = h.make_tensor_value_info("x", T.FLOAT, shape)
        graph = h.make_graph([h.make_node("Transpose", ["x"], ["y"])], "g", [x],
                             [h.make_tensor_value_info("y", T.FLOAT, None)])  # fmt: skip
        cost, _ = _node(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]), "Transpose")
        return cost.kernel

    # [2, 1, 0] moves two axes; a 2-D reversal is an ordinary transpose
    assert (kernel([4, 5, 6]), kernel([4, 5])) == ("generic", "")


def _lowered(model):  # type: ignore[no-untyped-def]
    analysis = prepare(model, runtime="onnxruntime-cpu")
    return analysis.costs, analysis.graph.tensors


def test_a_fused_activation_the_kernel_does_not_apply_is_an_epilogue() -> None:
    # 16→96 1×1 on 28×28 beside the same with Clip and with Relu, as onnxruntime runs them: NCHWc
    # convolutions; Clip is a pass over the 96·28·28 = 75,264 outputs, Relu is applied as written
    costs, tensors = _lowered(bench.conv_epilogues(16, 28, 96, 1, ("Clip", "Relu")).model)
    convs = {cost.epilogue: cost for cost in costs if cost.op_type == "Conv"}
    assert set(convs) == {"", "Clip"}
    assert all(cost.domain == "com.microsoft.nchwc" for cost in convs.values())
    assert epilogue(convs["Clip"], tensors) == ("epilogue.Clip", 75_264)
    assert epilogue(convs[""], tensors) == ("", 0)
    # the generic kernel (a 1-D convolution: FusedConv) applies even Relu in a pass of its own:
    # 64 channels × 500 steps = 32,000 outputs
    costs, tensors = _lowered(bench.conv_epilogues(64, 500, 64, 3, ("Relu",), one_d=True).model)
    fused = next(cost for cost in costs if cost.op_type == "FusedConv")
    assert epilogue(fused, tensors) == ("epilogue.Relu", 32_000)
