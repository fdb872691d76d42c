"""Op classes, kernel keys and sizes of nodes (onnxcost.estimate.op_classes), on graphs as written."""

from __future__ import annotations

import pytest

from onnxcost.api import prepare
from onnxcost.estimate.op_classes import class_amount, kernel_calls, op_class, op_key
from onnxcost.measure.calibration import bench


def _node(model, op_type: str):  # type: ignore[no-untyped-def]
    analysis = prepare(model)
    cost = next(c for c in analysis.costs if c.op_type == op_type)
    return cost, analysis.graph.tensors


@pytest.mark.parametrize(
    ("model", "op", "key", "kind"),
    [
        (bench.conv(64, 28, 64, 3), "Conv", "Conv", "dense"),
        (bench.conv(32, 56, 64, 1), "Conv", "Conv.1x1", "dense"),
        (bench.conv(32, 112, 32, 3, group=32), "Conv", "Conv.dw", "depthwise"),
        (bench.conv(3, 224, 32, 3, 2), "Conv", "Conv.stem", "dense"),  # 3 < 16 input channels
        (bench.conv(8, 112, 48, 1), "Conv", "Conv.1x1.stem", "dense"),
        (bench.conv1d(64, 512, 64, 3), "Conv", "Conv.1d", "dense"),
        # one input channel with 64 filters is an ordinary convolution, not a depthwise one
        (bench.conv1d(1, 4096, 64, 64), "Conv", "Conv.1d.stem", "dense"),
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
        (bench.recurrent("LSTM", 20, 1, 64, 64), "LSTM", "LSTM", "recurrent"),
        (bench.unary("Erf", 1000), "Erf", "Erf", "transcendental"),
        (bench.rows("Softmax", 16, 64), "Softmax", "Softmax", "normalization"),
        (bench.pool("MaxPool", 32, 56), "MaxPool", "MaxPool", "pooling"),
        (bench.transpose((64, 768), [1, 0]), "Transpose", "Transpose", "movement"),
        (bench.binary("Add", 1000), "Add", "Add", "elementwise"),
    ],
)
def test_key_and_class(model, op: str, key: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    cost, tensors = _node(model.model, op)
    assert op_key(cost, tensors) == key
    assert op_class(cost, tensors) == kind


def test_mac_classes_are_timed_by_operations() -> None:
    # MatMul 32×512×512: 32·512·512 = 8,388,608 MACs = 16,777,216 operations
    cost, tensors = _node(bench.matmul(32, 512, 512).model, "MatMul")
    assert class_amount(cost, "dense", tensors) == 16_777_216


def test_element_classes_count_the_largest_tensor_constants_included() -> None:
    # DequantizeLinear of a [1000] uint8 vector: its output has 1,000 elements
    cost, tensors = _node(bench.quantize("DequantizeLinear", 1000).model, "DequantizeLinear")
    assert class_amount(cost, "elementwise", tensors) == 1000
    # Gather of 16 rows of a 1000×128 table: the table (a constant) is the largest, 128,000
    cost, tensors = _node(bench.gather(16, 128, 1000).model, "Gather")
    assert class_amount(cost, "movement", tensors) == 128_000


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


def test_a_node_whose_shapes_its_op_does_not_allow_is_timed_as_its_generic_class(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from onnxcost.estimate import op_classes

    cost, tensors = _node(bench.integer_conv(64, 28, 64, 3).model, "ConvInteger")
    # ConvInteger 64→64, 3×3, padded 28×28 out: 64·64·9·28·28 = 28,901,376 MACs
    assert cost.macs == 28_901_376
    assert op_classes.node_class(cost, tensors) == ("int8-raw", "ConvInteger", cost.flops, 1)
    # the weight made rank 1 (a fuzzed file): one kernel call, not an IndexError
    weight = cost.inputs[1]
    broken = {**tensors, weight: dataclasses.replace(tensors[weight], shape=(64,))}
    assert kernel_calls(cost, broken) == 1
    # a key that cannot be read off the shapes: the generic class, timed by the FLOPs
    monkeypatch.setattr(op_classes, "op_key", lambda *args: ().__getitem__(1))
    assert op_classes.node_class(cost, tensors) == ("dense", "ConvInteger", cost.flops, 1)
