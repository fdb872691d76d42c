"""The microbenchmarks `calibrate` runs: small ONNX graphs of one op at one size each, spanning
the sizes real models use, for every op class (onnxcost.estimate.op_classes).

Each benchmark is a ModelProto with its weights as initializers and a single graph input; the
input's shape is fixed, so nothing needs binding. `benchmarks(quick)` lists them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

OPSET = 17
MS = "com.microsoft"
_RNG = np.random.default_rng(0)


@dataclass(frozen=True)
class Bench:
    """One benchmark: what it measures (for the progress bar) and its model."""

    label: str
    model: onnx.ModelProto


def _model(nodes: list, x: onnx.ValueInfoProto, inits: list, ms: bool = False) -> onnx.ModelProto:
    out = h.make_tensor_value_info(nodes[-1].output[0], T.FLOAT, None)
    graph = h.make_graph(nodes, "bench", [x], [out], inits)
    opsets = [h.make_opsetid("", OPSET)] + ([h.make_opsetid(MS, 1)] if ms else [])
    return h.make_model(graph, opset_imports=opsets, ir_version=8)


def _weight(name: str, *shape: int, dtype: type = np.float32) -> onnx.TensorProto:
    if np.issubdtype(dtype, np.integer):
        return nh.from_array(_RNG.integers(-8, 8, shape).astype(dtype), name)
    return nh.from_array((_RNG.standard_normal(shape) * 0.1).astype(dtype), name)


def _scalar(name: str, value: float | int, dtype: type) -> onnx.TensorProto:
    return nh.from_array(np.array(value, dtype=dtype), name)


def matmul(m: int, k: int, n: int) -> Bench:
    x = h.make_tensor_value_info("x", T.FLOAT, [m, k])
    return Bench(
        f"MatMul {m}×{k}×{n}",
        _model([h.make_node("MatMul", ["x", "w"], ["y"], name="op")], x, [_weight("w", k, n)]),
    )


def batched_matmul(batch: int, m: int, k: int, n: int) -> Bench:
    """A MatMul of two activations [batch, m, k] × [batch, k, n] (attention scores and context)."""
    x = h.make_tensor_value_info("x", T.FLOAT, [batch, m, k])
    other = h.make_tensor_value_info("w", T.FLOAT, [batch, k, n])
    node = h.make_node("MatMul", ["x", "w"], ["y"], name="op")
    out = h.make_tensor_value_info("y", T.FLOAT, None)
    graph = h.make_graph([node], "bench", [x, other], [out])
    return Bench(
        f"MatMul {batch}×{m}×{k}×{n}",
        h.make_model(graph, opset_imports=[h.make_opsetid("", OPSET)], ir_version=8),
    )


def _square_window(op: str, k: int, stride: int, group: int, **attrs: object) -> onnx.NodeProto:
    """A convolution-like node "op" of x, weights w and bias b: a k×k window of `stride`."""
    return h.make_node(op, ["x", "w", "b"], ["y"], name="op", kernel_shape=[k, k], strides=[stride] * 2,
                       group=group, **attrs)  # fmt: skip


def conv(c: int, size: int, m: int, k: int, stride: int = 1, group: int = 1) -> Bench:
    x = h.make_tensor_value_info("x", T.FLOAT, [1, c, size, size])
    node = _square_window("Conv", k, stride, group, pads=[k // 2] * 4)
    label = f"{'depthwise ' if group > 1 else ''}Conv {c}→{m} {size}² k{k} s{stride}"
    return Bench(label, _model([node], x, [_weight("w", m, c // group, k, k), _weight("b", m)]))


def conv_transpose(
    c: int, size: int, m: int, k: int = 2, stride: int = 2, batch: int = 1, group: int = 1
) -> Bench:
    """A transposed convolution (a decoder's or a feature pyramid's upsampling): onnxruntime runs a
    GEMM of the weights by the input, then adds each column into its window of the output (col2im)."""
    x = h.make_tensor_value_info("x", T.FLOAT, [batch, c, size, size])
    node = _square_window("ConvTranspose", k, stride, group)
    label = f"{'depthwise ' if group > 1 else ''}ConvTranspose {batch}×{c}→{m} {size}² k{k} s{stride}"
    return Bench(label, _model([node], x, [_weight("w", c, m // group, k, k), _weight("b", m)]))


def conv1d(c: int, length: int, m: int, k: int, group: int = 1, batch: int = 1, stride: int = 1) -> Bench:
    """A one-dimensional convolution (audio, sequences): no NCHWc kernel runs it. Strided and
    unpadded, it is a short-time Fourier transform's frames (`stride`: the hop)."""
    x = h.make_tensor_value_info("x", T.FLOAT, [batch, c, length])
    pads = [k // 2] * 2 if stride == 1 else [0, 0]
    node = h.make_node(
        "Conv", ["x", "w", "b"], ["y"], name="op", kernel_shape=[k], pads=pads, group=group, strides=[stride]
    )
    hop = f" hop {stride}" if stride > 1 else ""
    label = f"{'depthwise ' if group > 1 else ''}Conv1d {batch}×{c}→{m} ×{length} k{k}{hop}"
    return Bench(label, _model([node], x, [_weight("w", m, c // group, k), _weight("b", m)]))


def conv_epilogues(
    c: int, size: int, m: int, k: int, activations: tuple[str, ...], one_d: bool = False, group: int = 1
) -> Bench:
    """A Conv and beside it, on the same input, one Conv of the same shape for each activation,
    followed by it (onnxruntime fuses it into the Conv): each one's time less the plain one's is
    the pass its activation adds over the output (calibration's epilogue samples)."""
    spatial = [size] if one_d else [size, size]
    x = h.make_tensor_value_info("x", T.FLOAT, [1, c, *spatial])
    inits = [_scalar("low", 0.0, np.float32), _scalar("high", 6.0, np.float32)]
    pads = [k // 2] * 2 * len(spatial)
    nodes = []
    # weights of their own: convolutions of one input and one weight would be merged into one
    for name in ("", *activations):
        inits += [_weight(f"w{name}", m, c // group, *[k] * len(spatial)), _weight(f"b{name}", m)]
        output = f"pre_{name}" if name else "y"
        nodes.append(h.make_node("Conv", ["x", f"w{name}", f"b{name}"], [output], name=f"op{name}",
                                 kernel_shape=[k] * len(spatial), pads=pads, group=group))  # fmt: skip
    for name in activations:
        bounds = ["low", "high"] if name == "Clip" else []
        nodes.append(h.make_node(name, [f"pre_{name}", *bounds], [f"y_{name}"], name=name))
    outputs = [h.make_tensor_value_info(n.output[0], T.FLOAT, None) for n in nodes if n.op_type != "Conv"]
    outputs.insert(0, h.make_tensor_value_info("y", T.FLOAT, None))
    graph = h.make_graph(nodes, "bench", [x], outputs, inits)
    shape = f"×{size}" if one_d else f"{size}²"
    return Bench(
        f"{'depthwise ' if group > 1 else ''}Conv{'1d' if one_d else ''} {c}→{m} {shape} k{k} + "
        f"{', '.join(activations)}",
        h.make_model(graph, opset_imports=[h.make_opsetid("", OPSET)], ir_version=8),
    )


def conv_weights_as_inputs(c: int, size: int, m: int, k: int, group: int = 1, stride: int = 1) -> Bench:
    """A Conv whose weights are also graph inputs (older exporters' keep_initializers_as_inputs):
    onnxruntime may not treat them as constant, so it neither pre-packs nor reorders them."""
    bench = conv(c, size, m, k, stride, group)
    graph = bench.model.graph
    graph.input.extend([h.make_tensor_value_info(t.name, T.FLOAT, list(t.dims)) for t in graph.initializer])
    return Bench(f"{bench.label} (weights as inputs)", bench.model)


def qlinear_conv(
    c: int,
    size: int,
    m: int,
    k: int,
    group: int = 1,
    signed: bool = False,
    stride: int = 1,
    patch: bool = False,
    batch: int = 1,
) -> Bench:
    """QLinearConv on `batch` images of uint8 activations, or int8 ones (`signed`: what
    quantize_static's QDQ default, QInt8 activations, runs as); `patch`: of windows that neither
    overlap nor pad (a vision transformer's patch embedding: its stride is its kernel)."""
    act, act_np = (T.INT8, np.int8) if signed else (T.UINT8, np.uint8)
    x = h.make_tensor_value_info("x", act, [batch, c, size, size])
    node = h.make_node(
        "QLinearConv",
        ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"],
        ["q"],
        name="op",
        kernel_shape=[k, k],
        pads=[0 if patch else k // 2] * 4,
        group=group,
        strides=[k if patch else stride] * 2,
    )
    out = h.make_node("DequantizeLinear", ["q", "ys", "yz"], ["y"], name="out")
    zero = 0 if signed else 128
    inits = [
        _scalar("xs", 0.02, np.float32),
        _scalar("xz", zero, act_np),
        _weight("w", m, c // group, k, k, dtype=np.int8),
        _scalar("ws", 0.01, np.float32),
        _scalar("wz", 0, np.int8),
        _scalar("ys", 0.05, np.float32),
        _scalar("yz", zero, act_np),
        _weight("b", m, dtype=np.int32),
    ]
    kind = f"{' dw' if group > 1 else ''}{' patch' if patch else ''}{' s8' if signed else ''}"
    label = f"QLinearConv {c}→{m} {size}² k{k}{kind}{f' ×{batch}' if batch > 1 else ''}"
    return Bench(label, _model([node, out], x, inits))


def qlinear_matmul(m: int, k: int, n: int, signed: bool = False) -> Bench:
    act, act_np = (T.INT8, np.int8) if signed else (T.UINT8, np.uint8)
    zero = 0 if signed else 128
    x = h.make_tensor_value_info("x", act, [m, k])
    node = h.make_node("QLinearMatMul", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"], ["q"], name="op")
    out = h.make_node("DequantizeLinear", ["q", "ys", "yz"], ["y"], name="out")
    inits = [
        _scalar("xs", 0.02, np.float32),
        _scalar("xz", zero, act_np),
        _weight("w", k, n, dtype=np.int8),
        _scalar("ws", 0.01, np.float32),
        _scalar("wz", 0, np.int8),
        _scalar("ys", 0.05, np.float32),
        _scalar("yz", zero, act_np),
    ]
    return Bench(f"QLinearMatMul {m}×{k}×{n}{' s8' if signed else ''}", _model([node, out], x, inits))


def _integer_weight(name: str, unsigned: bool, *shape: int) -> list[onnx.TensorProto]:
    """Int8 weights, or uint8 ones with their zero point (older quantize_dynamic's QUInt8)."""
    if not unsigned:
        return [_weight(name, *shape, dtype=np.int8)]
    return [
        nh.from_array(_RNG.integers(120, 136, shape).astype(np.uint8), name),
        _scalar(f"{name}z", 128, np.uint8),
    ]


def integer_matmul(m: int, k: int, n: int, unsigned: bool = False) -> Bench:
    """MatMulInteger, as a dynamically quantized graph leaves it before onnxruntime fuses it."""
    x = h.make_tensor_value_info("x", T.UINT8, [m, k])
    node = h.make_node("MatMulInteger", ["x", "w", "xz", *(["wz"] if unsigned else [])], ["acc"], name="op")
    out = h.make_node("Cast", ["acc"], ["y"], name="out", to=T.FLOAT)
    inits = [*_integer_weight("w", unsigned, k, n), _scalar("xz", 128, np.uint8)]
    return Bench(f"MatMulInteger {m}×{k}×{n}{' u8u8' if unsigned else ''}", _model([node, out], x, inits))


def integer_conv(
    c: int,
    size: int,
    m: int,
    k: int,
    group: int = 1,
    unsigned: bool = False,
    stride: int = 1,
    patch: bool = False,
) -> Bench:
    """ConvInteger (`patch`: see qlinear_conv)."""
    x = h.make_tensor_value_info("x", T.UINT8, [1, c, size, size])
    node = h.make_node(
        "ConvInteger",
        ["x", "w", "xz", *(["wz"] if unsigned else [])],
        ["acc"],
        name="op",
        kernel_shape=[k, k],
        pads=[0 if patch else k // 2] * 4,
        group=group,
        strides=[k if patch else stride] * 2,
    )
    out = h.make_node("Cast", ["acc"], ["y"], name="out", to=T.FLOAT)
    inits = [*_integer_weight("w", unsigned, m, c // group, k, k), _scalar("xz", 128, np.uint8)]
    shape = f"{size}² k{k}{f' s{stride}' if stride > 1 else ''}{' dw' if group > 1 else ''}"
    shape += " patch" if patch else ""
    label = f"ConvInteger {c}→{m} {shape}{' u8u8' if unsigned else ''}"
    return Bench(label, _model([node, out], x, inits))


def gemm(m: int, k: int, n: int) -> Bench:
    """Gemm with a bias (a Linear layer as older exporters and tf2onnx write it)."""
    x = h.make_tensor_value_info("x", T.FLOAT, [m, k])
    node = h.make_node("Gemm", ["x", "w", "b"], ["y"], name="op", transB=1)
    return Bench(f"Gemm {m}×{k}×{n}", _model([node], x, [_weight("w", n, k), _weight("b", n)]))


def broadcast(op: str, count: int, width: int, column: bool) -> Bench:
    """An element-wise op of [count, width] with [count, 1] (`column`) or [width]: broadcasting
    runs another loop than equal shapes."""
    x = h.make_tensor_value_info("x", T.FLOAT, [count, width + 1])
    nodes = [h.make_node("Split", ["x", "parts"], ["a", "b"], name="split", axis=1)]
    other = "b"
    if not column:
        nodes.append(h.make_node("Reshape", ["b", "flat"], ["c"], name="reshape"))
        nodes.append(h.make_node("Slice", ["c", "zero", "width"], ["row"], name="row"))
        other = "row"
    nodes.append(h.make_node(op, ["a", other], ["y"], name="op"))
    inits = [
        nh.from_array(np.array([width, 1], np.int64), "parts"),
        nh.from_array(np.array([-1], np.int64), "flat"),
        nh.from_array(np.array([0], np.int64), "zero"),
        nh.from_array(np.array([width], np.int64), "width"),
    ]
    label = f"{op} {count}×{width} by {'[count, 1]' if column else '[width]'}"
    return Bench(label, _model(nodes, x, inits))


def outer(op: str, left: int, right: int, span: int, full: bool) -> Bench:
    """An element-wise op that broadcasts both operands: [left, right, 1] by [left, 1, span]
    (message passing's per-edge outer product), or with `full` [left, 1, span] by
    [1, right, span] (additive attention): `span` elements a step of the broadcast loop."""
    shapes = ((left, 1, span), (1, right, span)) if full else ((left, right, 1), (left, 1, span))
    x = h.make_tensor_value_info("x", T.FLOAT, list(shapes[0]))
    node = h.make_node(op, ["x", "w"], ["y"], name="op")
    label = f"{op} {'×'.join(map(str, shapes[0]))} by {'×'.join(map(str, shapes[1]))}"
    return Bench(label, _model([node], x, [_weight("w", *shapes[1])]))


def scatter_elements(rows_: int, width: int, updates: int, reduction: str) -> Bench:
    """ScatterElements of [updates, width] into [rows, width] along axis 0 (message passing)."""
    x = h.make_tensor_value_info("x", T.FLOAT, [updates, width])
    index = nh.from_array(_RNG.integers(0, rows_, (updates, width)).astype(np.int64), "index")
    data = nh.from_array(np.zeros((rows_, width), np.float32), "data")
    attrs = {"reduction": reduction} if reduction != "none" else {}
    node = h.make_node("ScatterElements", ["data", "index", "x"], ["y"], name="op", axis=0, **attrs)
    return Bench(
        f"ScatterElements {updates}×{width} → {rows_} ({reduction})", _model([node], x, [index, data])
    )


def expand(count: int, width: int) -> Bench:
    x = h.make_tensor_value_info("x", T.FLOAT, [count, 1])
    shape = nh.from_array(np.array([count, width], np.int64), "shape")
    return Bench(
        f"Expand {count}×1 → ×{width}",
        _model([h.make_node("Expand", ["x", "shape"], ["y"], name="op")], x, [shape]),
    )


def slice_(count: int, width: int) -> Bench:
    """Half the columns of [count, width]: a strided copy."""
    x = h.make_tensor_value_info("x", T.FLOAT, [count, width])
    inits = [
        nh.from_array(np.array([0], np.int64), "start"),
        nh.from_array(np.array([width // 2], np.int64), "end"),
        nh.from_array(np.array([1], np.int64), "axis"),
    ]
    node = h.make_node("Slice", ["x", "start", "end", "axis"], ["y"], name="op")
    return Bench(f"Slice {count}×{width} → half", _model([node], x, inits))


def dynamic_matmul(m: int, k: int, n: int, unsigned: bool = False) -> Bench:
    """A float MatMul as quantize_dynamic writes it (onnxruntime fuses it to one integer kernel)."""
    x = h.make_tensor_value_info("x", T.FLOAT, [m, k])
    weight = [
        nh.from_array(_RNG.integers(120, 136, (k, n)).astype(np.uint8), "w"),
        _scalar("wz", 128, np.uint8),
    ]
    nodes = [
        h.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"], name="quantize"),
        h.make_node("MatMulInteger", ["xq", "w", "xz", "wz"], ["acc"], name="op"),
        h.make_node("Cast", ["acc"], ["accf"], name="cast", to=T.FLOAT),
        h.make_node("Mul", ["xs", "ws"], ["scale"], name="scale"),
        h.make_node("Mul", ["accf", "scale"], ["y"], name="rescale"),
    ]
    if not unsigned:
        weight = [_weight("w", k, n, dtype=np.int8), _scalar("wz", 0, np.int8)]
    inits = [*weight, _scalar("ws", 0.01, np.float32)]
    return Bench(f"dynamic int8 MatMul {m}×{k}×{n}{' u8u8' if unsigned else ''}", _model(nodes, x, inits))


def shared_dynamic_matmul(m: int, k: int, n: int, consumers: int = 3) -> Bench:
    """Dynamically quantized MatMuls sharing their input's DynamicQuantizeLinear (attention's
    query, key and value): onnxruntime fuses each into MatMulIntegerToFloat, not
    DynamicQuantizeMatMul."""
    x = h.make_tensor_value_info("x", T.FLOAT, [m, k])
    nodes = [h.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"], name="quantize")]
    inits = []
    for index in range(consumers):
        # scales of their own: equal ones would be merged into one Mul, which blocks the fusion
        inits += [_weight(f"w{index}", k, n, dtype=np.int8), _scalar(f"wz{index}", 0, np.int8),
                  _scalar(f"ws{index}", 0.01 * (index + 1), np.float32)]  # fmt: skip
        nodes += [
            h.make_node(
                "MatMulInteger", ["xq", f"w{index}", "xz", f"wz{index}"], [f"acc{index}"], name=f"op{index}"
            ),
            h.make_node("Cast", [f"acc{index}"], [f"accf{index}"], name=f"cast{index}", to=T.FLOAT),
            h.make_node("Mul", ["xs", f"ws{index}"], [f"scale{index}"], name=f"scale{index}"),
            h.make_node("Mul", [f"accf{index}", f"scale{index}"], [f"y{index}"], name=f"rescale{index}"),
        ]
    outputs = [h.make_tensor_value_info(f"y{index}", T.FLOAT, None) for index in range(consumers)]
    graph = h.make_graph(nodes, "bench", [x], outputs, inits)
    return Bench(
        f"{consumers} dynamic int8 MatMuls {m}×{k}×{n} of one quantized input",
        h.make_model(graph, opset_imports=[h.make_opsetid("", OPSET)], ir_version=8),
    )


def recurrent(op: str, seq: int, batch: int, size: int, hidden: int, directions: int = 1) -> Bench:
    """A float recurrent node, beside the MatMul of its input projection ([seq·batch, input] ×
    [input, directions·gates·hidden]: what onnxruntime runs before the steps), whose time its
    sample of the steps leaves out (run.node_samples)."""
    gates = {"LSTM": 4, "GRU": 3, "RNN": 1}[op]
    x = h.make_tensor_value_info("x", T.FLOAT, [seq, batch, size])
    attrs = {"direction": "bidirectional"} if directions == 2 else {}
    nodes = [
        h.make_node(op, ["x", "W", "R", "B"], ["y"], name="op", hidden_size=hidden, **attrs),
        h.make_node("Reshape", ["x", "rows"], ["x_rows"], name="rows"),
        h.make_node("MatMul", ["x_rows", "Wx"], ["projected"], name="projection"),
    ]
    inits = [
        _weight("W", directions, gates * hidden, size),
        _weight("R", directions, gates * hidden, hidden),
        _weight("B", directions, 2 * gates * hidden),
        nh.from_array(np.array([seq * batch, size], np.int64), "rows"),
        _weight("Wx", size, directions * gates * hidden),
    ]
    label = f"{op} {seq}×{batch}×{size}→{hidden}{' bidirectional' if directions == 2 else ''}"
    outputs = [h.make_tensor_value_info(name, T.FLOAT, None) for name in ("y", "projected")]
    graph = h.make_graph(nodes, "bench", [x], outputs, inits)
    return Bench(label, h.make_model(graph, opset_imports=[h.make_opsetid("", OPSET)], ir_version=8))


def quantized_lstm(seq: int, batch: int, size: int, hidden: int, directions: int = 1) -> Bench:
    """com.microsoft DynamicQuantizeLSTM (quantize_dynamic's LSTM): int8 weights, per-direction
    scales and zero points, the activations quantized at run time."""
    x = h.make_tensor_value_info("x", T.FLOAT, [seq, batch, size])
    attrs = {"direction": "bidirectional"} if directions == 2 else {}
    names = ["x", "W", "R", "B", "", "", "", "", "ws", "wz", "rs", "rz"]
    node = h.make_node("DynamicQuantizeLSTM", names, ["y"], name="op", domain=MS, hidden_size=hidden, **attrs)
    inits = [
        _weight("W", directions, size, 4 * hidden, dtype=np.int8),
        _weight("R", directions, hidden, 4 * hidden, dtype=np.int8),
        _weight("B", directions, 8 * hidden),
        nh.from_array(np.full(directions, 0.01, np.float32), "ws"),
        nh.from_array(np.zeros(directions, np.int8), "wz"),
        nh.from_array(np.full(directions, 0.01, np.float32), "rs"),
        nh.from_array(np.zeros(directions, np.int8), "rz"),
    ]
    label = f"DynamicQuantizeLSTM {seq}×{batch}×{size}→{hidden}{' bidirectional' if directions == 2 else ''}"
    return Bench(label, _model([node], x, inits, ms=True))


def unary(op: str, elements: int, domain: str = "", **attrs: object) -> Bench:
    x = h.make_tensor_value_info("x", T.FLOAT, [elements])
    node = h.make_node(op, ["x"], ["y"], name="op", domain=domain, **attrs)
    return Bench(f"{op} {elements:,}", _model([node], x, [], ms=bool(domain)))


def binary(op: str, elements: int) -> Bench:
    """An element-wise op of two activations (a constant operand would be folded or fused)."""
    x = h.make_tensor_value_info("x", T.FLOAT, [2, elements])
    nodes = [
        h.make_node("Split", ["x", "halves"], ["a", "b"], name="split", axis=0),
        h.make_node(op, ["a", "b"], ["y"], name="op"),
    ]
    halves = nh.from_array(np.array([1, 1], np.int64), "halves")
    return Bench(f"{op} {elements:,}", _model(nodes, x, [halves]))


def scalar_binary(op: str, elements: int) -> Bench:
    """An element-wise op of an activation and a one-element constant (x + 3, x / 6)."""
    x = h.make_tensor_value_info("x", T.FLOAT, [elements])
    node = h.make_node(op, ["x", "c"], ["y"], name="op")
    return Bench(f"{op} {elements:,} by a scalar", _model([node], x, [_scalar("c", 3.0, np.float32)]))


def rows(op: str, count: int, width: int, domain: str = "") -> Bench:
    """A row-wise op over [count, width]: Softmax, LayerNormalization, ReduceMean."""
    x = h.make_tensor_value_info("x", T.FLOAT, [count, width])
    inputs, inits = ["x"], []
    attrs: dict[str, object] = {"axis": -1} if op != "ReduceMean" else {"axes": [-1]}
    if op in ("LayerNormalization", "SkipLayerNormalization"):
        inputs, inits = ["x", "g", "b"], [_weight("g", width), _weight("b", width)]
        if op == "SkipLayerNormalization":
            inputs = ["x", "x", "g", "b"]
            attrs = {}
    node = h.make_node(op, inputs, ["y"], name="op", domain=domain, **attrs)
    return Bench(f"{op} {count}×{width}", _model([node], x, inits, ms=bool(domain)))


def bias_gelu(count: int, width: int) -> Bench:
    """onnxruntime's BiasGelu over [count, width] with a bias row (a transformer's MLP)."""
    x = h.make_tensor_value_info("x", T.FLOAT, [count, width])
    node = h.make_node("BiasGelu", ["x", "bias"], ["y"], name="op", domain=MS)
    return Bench(f"BiasGelu {count}×{width}", _model([node], x, [_weight("bias", width)], ms=True))


def masked_softmax(count: int, seq: int) -> Bench:
    """Attention scores [count, seq, seq] plus a causal mask (finfo.min above the diagonal: half
    of each row's exps underflow, onnxruntime's slow path), then Softmax over the last axis."""
    x = h.make_tensor_value_info("x", T.FLOAT, [count, seq, seq])
    mask = np.zeros((seq, seq), np.float32)
    mask[np.triu_indices(seq, 1)] = np.finfo(np.float32).min
    nodes = [h.make_node("Add", ["x", "mask"], ["s"], name="mask"),
             h.make_node("Softmax", ["s"], ["y"], name="op", axis=-1)]  # fmt: skip
    return Bench(f"masked Softmax {count}×{seq}×{seq}", _model(nodes, x, [nh.from_array(mask, "mask")]))


def batch_norm(c: int, size: int) -> Bench:
    x = h.make_tensor_value_info("x", T.FLOAT, [1, c, size, size])
    inits = [_weight(n, c) for n in "sbm"] + [nh.from_array(np.ones(c, np.float32), "v")]
    node = h.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], name="op")
    return Bench(f"BatchNormalization {c}×{size}²", _model([node], x, inits))


def pool(op: str, c: int, size: int, k: int = 3, stride: int = 2) -> Bench:
    x = h.make_tensor_value_info("x", T.FLOAT, [1, c, size, size])
    attrs: dict[str, object] = {"kernel_shape": [k, k], "strides": [stride] * 2}
    if op.startswith("Global"):
        attrs = {}
    return Bench(f"{op} {c}×{size}²", _model([h.make_node(op, ["x"], ["y"], name="op", **attrs)], x, []))


def softmax_axis(bins: int, count: int, width: int) -> Bench:
    """Softmax over axis 1 of [1, bins, count, width] (a detector's distribution over box-edge bins):
    not the last axis, which onnxruntime moves last and back."""
    x = h.make_tensor_value_info("x", T.FLOAT, [1, bins, count, width])
    node = h.make_node("Softmax", ["x"], ["y"], name="op", axis=1)
    return Bench(f"Softmax over axis 1 of {bins}×{count}×{width}", _model([node], x, []))


def where(elements: int) -> Bench:
    """Where(mask, a one-element constant, x): a mask filled in (attention scores' masked_fill). The
    mask is in runs, the first half True, as a padding or causal mask is (one of random values ran
    3 ns an element here, branches mispredicted, against 0.9 in a MiniLM's masked_fill)."""
    x = h.make_tensor_value_info("x", T.FLOAT, [elements])
    mask = nh.from_array(np.arange(elements) < elements // 2, "mask")
    node = h.make_node("Where", ["mask", "fill", "x"], ["y"], name="op")
    return Bench(f"Where {elements:,}", _model([node], x, [mask, _scalar("fill", -1e4, np.float32)]))


def transpose(shape: tuple[int, ...], perm: list[int]) -> Bench:
    x = h.make_tensor_value_info("x", T.FLOAT, list(shape))
    node = h.make_node("Transpose", ["x"], ["y"], name="op", perm=perm)
    return Bench(f"Transpose {'×'.join(map(str, shape))}", _model([node], x, []))


def concat(elements: int) -> Bench:
    x = h.make_tensor_value_info("x", T.FLOAT, [elements])
    node = h.make_node("Concat", ["x", "x"], ["y"], name="op", axis=0)
    return Bench(f"Concat {elements:,}", _model([node], x, []))


def gather(rows_: int, width: int, table: int) -> Bench:
    x = h.make_tensor_value_info("x", T.INT64, [rows_])
    node = h.make_node("Gather", ["w", "x"], ["y"], name="op", axis=0)
    return Bench(f"Gather {rows_}×{width}", _model([node], x, [_weight("w", table, width)]))


def resize(c: int, size: int) -> Bench:
    x = h.make_tensor_value_info("x", T.FLOAT, [1, c, size, size])
    scales = nh.from_array(np.array([1, 1, 2, 2], np.float32), "scales")
    node = h.make_node("Resize", ["x", "", "scales"], ["y"], name="op", mode="nearest")
    return Bench(f"Resize {c}×{size}² ×2", _model([node], x, [scales]))


def quantize(op: str, elements: int) -> Bench:
    dtype = T.FLOAT if op == "QuantizeLinear" else T.UINT8
    x = h.make_tensor_value_info("x", dtype, [elements])
    inits = [_scalar("s", 0.02, np.float32), _scalar("z", 128, np.uint8)]
    node = h.make_node(op, ["x", "s", "z"], ["q"], name="op")
    last = [h.make_node("Cast", ["q"], ["y"], name="out", to=T.FLOAT)] if op == "QuantizeLinear" else []
    return Bench(f"{op} {elements:,}", _model([node, *last], x, inits))


def dynamic_quantize(elements: int) -> Bench:
    """DynamicQuantizeLinear: a pass for the range (min and max), then one to quantize."""
    x = h.make_tensor_value_info("x", T.FLOAT, [elements])
    nodes = [h.make_node("DynamicQuantizeLinear", ["x"], ["q", "scale", "zero"], name="op"),
             h.make_node("Cast", ["q"], ["y"], name="out", to=T.FLOAT)]  # fmt: skip
    return Bench(f"DynamicQuantizeLinear {elements:,}", _model(nodes, x, []))


def overhead(nodes: int) -> Bench:
    """A chain of `nodes` Neg nodes on one element: what a run and a node cost beyond their work."""
    x = h.make_tensor_value_info("x", T.FLOAT, [1])
    chain = [
        h.make_node("Neg", ["x" if i == 0 else f"t{i}"], [f"t{i + 1}"], name=f"op{i}") for i in range(nodes)
    ]
    chain[-1].output[0] = "y"
    return Bench(f"overhead {nodes} nodes", _model(chain, x, []))


# The light block that light_after_heavy times: a transformer's rows × hidden size, blocks of it.
CONTEXT_ROWS, CONTEXT_WIDTH, CONTEXT_BLOCKS = 256, 64, 16


def context(light: bool, heavy: bool) -> Bench:
    """CONTEXT_BLOCKS blocks on [CONTEXT_ROWS, CONTEXT_WIDTH], each a heavy kernel (a float MatMul of
    the width) and/or a light block after it (LayerNormalization, Mul, a head split's Reshape,
    Transpose and Reshape, a residual Add), none of which onnxruntime fuses with the MatMul:
    light_after_heavy is (both − heavy alone) ÷ (light alone − a run's overhead), by wall time."""
    rows, width = CONTEXT_ROWS, CONTEXT_WIDTH
    heads = width // 16
    inits = [_weight("g", width), _weight("b", width), _weight("s", width),
             nh.from_array(np.array([rows // 128, 128, heads, 16], np.int64), "split"),
             nh.from_array(np.array([rows, width], np.int64), "join")]  # fmt: skip
    nodes, x = [], "x"
    for i in range(CONTEXT_BLOCKS):
        if heavy:
            inits.append(_weight(f"w{i}", width, width))
            nodes.append(h.make_node("MatMul", [x, f"w{i}"], [f"m{i}"], name=f"heavy{i}"))
            x = f"m{i}"
        if light:
            nodes += [
                h.make_node("LayerNormalization", [x, "g", "b"], [f"n{i}"], name=f"norm{i}", axis=-1),
                h.make_node("Mul", [f"n{i}", "s"], [f"s{i}"], name=f"scale{i}"),
                h.make_node("Reshape", [f"s{i}", "split"], [f"r{i}"], name=f"split{i}"),
                h.make_node("Transpose", [f"r{i}"], [f"t{i}"], name=f"move{i}", perm=[0, 2, 1, 3]),
                h.make_node("Reshape", [f"t{i}", "join"], [f"j{i}"], name=f"join{i}"),
                h.make_node("Add", [f"j{i}", x], [f"a{i}"], name=f"add{i}"),
            ]
            x = f"a{i}"
    nodes[-1].output[0] = "y"
    label = " + ".join(part for part, on in (("heavy", heavy), ("light", light)) if on)
    x_info = h.make_tensor_value_info("x", T.FLOAT, [rows, width])
    return Bench(f"context: {label}", _model(nodes, x_info, inits))


# The pairs remote_s_per_byte times: a parallel kernel, then a light node that reads what it wrote
# (a row's scale after a MatMul, a head split's Transpose after one, an Add of a row after a
# LayerNormalization), on [REMOTE_ROWS, REMOTE_WIDTH] floats, REMOTE_BLOCKS of each. (A MatMul's
# Add of a bias row onnxruntime fuses into a Gemm.)
REMOTE_PAIRS = (("MatMul", "Mul"), ("MatMul", "Transpose"), ("LayerNormalization", "Add"))
REMOTE_ROWS, REMOTE_WIDTH, REMOTE_BLOCKS = 256, 64, 16


def remote(producer: str, consumer: str, heavy: bool, light: bool) -> Bench:
    """REMOTE_BLOCKS blocks on [REMOTE_ROWS, REMOTE_WIDTH], each the `producer` (a MatMul of the width,
    a LayerNormalization) and/or the `consumer` after it (a Mul or Add of a row, a Transpose and the
    Reshape, a view, that turns its output back): the consumer's time beyond its own among producers
    is its reads of what the other threads wrote."""
    rows, width = REMOTE_ROWS, REMOTE_WIDTH
    shape = nh.from_array(np.array([rows, width], np.int64), "shape")
    inits = [_weight("g", width), _weight("b", width), shape]
    nodes, x = [], "x"
    for i in range(REMOTE_BLOCKS):
        if heavy and producer == "MatMul":
            inits.append(_weight(f"w{i}", width, width))
            nodes.append(h.make_node("MatMul", [x, f"w{i}"], [f"p{i}"], name=f"producer{i}"))
            x = f"p{i}"
        elif heavy:
            nodes.append(h.make_node(producer, [x, "g", "b"], [f"p{i}"], name=f"producer{i}", axis=-1))
            x = f"p{i}"
        if light and consumer == "Transpose":
            nodes += [h.make_node("Transpose", [x], [f"t{i}"], name=f"consumer{i}", perm=[1, 0]),
                      h.make_node("Reshape", [f"t{i}", "shape"], [f"c{i}"], name=f"view{i}")]  # fmt: skip
            x = f"c{i}"
        elif light:
            nodes.append(h.make_node(consumer, [x, "b"], [f"c{i}"], name=f"consumer{i}"))
            x = f"c{i}"
    nodes[-1].output[0] = "y"
    parts = [name for name, on in ((producer, heavy), (consumer, light)) if on]
    label = f"remote: {' then '.join(parts)}"
    x_info = h.make_tensor_value_info("x", T.FLOAT, [rows, width])
    return Bench(label, _model(nodes, x_info, inits))


# Node names of the eviction prefix (evicted): none of them is a sample of the benchmark.
EVICT_PREFIX = "evict_"


def evicted(bench: Bench, evict_bytes: int) -> Bench:
    """`bench` with its float input (of fixed shape) first tiled to at least `evict_bytes` and
    reduced (Tile, ReduceMax, an Add of the maximum back into the input): every run then passes
    over that many other bytes before the benchmark's own nodes, as a model of that footprint does
    between two runs of one of its nodes."""
    model = onnx.ModelProto()
    model.CopyFrom(bench.model)
    graph = model.graph
    source = graph.input[0]
    dims = [d.dim_value for d in source.type.tensor_type.shape.dim]
    elements = int(np.prod(dims)) if dims else 1
    copies = max(1, -(-evict_bytes // (4 * elements)))
    for node in graph.node:
        node.input[:] = [f"{EVICT_PREFIX}x" if name == source.name else name for name in node.input]
    prefix = [
        h.make_node(
            "Tile", [source.name, f"{EVICT_PREFIX}copies"], [f"{EVICT_PREFIX}big"], name=f"{EVICT_PREFIX}tile"
        ),
        h.make_node(
            "ReduceMax", [f"{EVICT_PREFIX}big"], [f"{EVICT_PREFIX}max"], name=f"{EVICT_PREFIX}max", keepdims=0
        ),
        h.make_node(
            "Add", [source.name, f"{EVICT_PREFIX}max"], [f"{EVICT_PREFIX}x"], name=f"{EVICT_PREFIX}add"
        ),
    ]
    shape = np.array([copies] + [1] * (len(dims) - 1), np.int64)
    graph.initializer.append(nh.from_array(shape, f"{EVICT_PREFIX}copies"))
    nodes = prefix + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    return Bench(f"{bench.label}, caches evicted", model)


def cold_benchmarks() -> list[Bench]:
    """Small benchmarks of the integer GEMMs of dynamically quantized graphs, each timed as it is and
    after a pass that evicts the cache (cold_start_s): in a model larger than half the cache these
    kernels ran near their evicted time, the float and light kernels near their warm one
    (docs/method.md)."""
    return [
        dynamic_matmul(256, 64, 64),
        dynamic_matmul(256, 64, 256),
        dynamic_matmul(256, 256, 64),
        dynamic_matmul(1, 256, 256),
        shared_dynamic_matmul(256, 64, 64),
        shared_dynamic_matmul(256, 64, 256),
    ]


def image_benchmarks() -> list[tuple[Bench, Bench]]:
    """QLinearConvs of one image and of two (next_image_share): onnxruntime runs one image at a
    time on one thread, and by the profiler the second took 0.87–0.96 × the first's time here, the
    median of five pairs in a pass (docs/method.md)."""
    shapes = (((3, 224, 16, 7), {"stride": 2}), ((16, 56, 16, 3), {}), ((64, 28, 64, 3), {}),
              ((32, 56, 64, 1), {}), ((96, 28, 96, 3), {"group": 96}))  # fmt: skip
    return [(qlinear_conv(*size, **given), qlinear_conv(*size, **given, batch=2)) for size, given in shapes]


# Integer MatMuls (rows, depth, width), of MatMulInteger and dynamically quantized float ones: the
# float MatMul's transformer shapes too, rows of a sequence and a narrow hidden size (at 8.4
# MOPS here: 256×64×256 at 289 GOPS, 16×512×512 at 486).
_INTEGER_MATMULS = (
    (1, 256, 256), (64, 64, 64), (256, 64, 64), (256, 64, 256), (16, 512, 512), (256, 256, 64),
    (128, 768, 768), (128, 128, 128),
)  # fmt: skip
# Patch embeddings (channels, side, outputs, kernel = stride): ConvNeXt's and Swin's 4×4, a small
# ViT's 8×8 on 64×64, ViT-B/16's.
_PATCHES = ((3, 32, 192, 4), (3, 64, 64, 8), (3, 224, 96, 4), (3, 224, 768, 16))
# 3×3 integer convolutions of 32 to 128 channels on small maps (channels, side, outputs, kernel)
_DEEP_SMALL_CONVS = ((32, 28, 32, 3), (64, 14, 64, 3), (128, 7, 128, 3), (32, 56, 32, 3), (64, 7, 64, 3))
# Stride-2 depthwise NCHWc convolutions (channels, side, kernel): .strided, .wide.strided
_STRIDED_DEPTHWISE = (
    (32, 112, 3), (48, 224, 3), (144, 56, 3), (192, 28, 3), (384, 14, 3), (960, 8, 3),
    (32, 112, 5), (96, 56, 5), (240, 28, 5), (480, 14, 5),
)  # fmt: skip
# 5×5 depthwise NCHWc convolutions (channels, side, stride): .wide
_WIDE_DEPTHWISE = (
    (32, 112, 1), (96, 56, 1), (192, 28, 1), (384, 14, 1), (576, 7, 1), (960, 4, 1),
)  # fmt: skip
# Depthwise QLinearConv (channels, side), in each signedness: those of fewer than 32 channels
# (.narrow) last.
_QLINEAR_DEPTHWISE = ((32, 56), (96, 28), (192, 14), (32, 112), (96, 56), (144, 56), (16, 112), (16, 56))


# Transposed convolutions k2 s2 (images, channels, side, outputs).
_UPSAMPLINGS = ((1, 24, 160, 24), (1, 24, 60, 24), (1, 24, 15, 24), (10, 24, 4, 24), (2, 64, 32, 32),
                (1, 128, 28, 64), (1, 24, 320, 1))  # fmt: skip


def benchmarks(quick: bool = False) -> Iterator[Bench]:
    """Every benchmark; `quick` keeps one size in two."""
    sizes = [1_000, 10_000, 100_000, 1_000_000, 4_000_000]
    groups: list[list[Bench]] = [
        [
            matmul(*s)
            for s in (
                (1, 64, 64),
                (1, 256, 256),
                (1, 768, 768),
                (1, 1024, 4096),
                (8, 256, 256),
                (128, 64, 64),
                (128, 128, 128),
                (256, 64, 256),
                (256, 256, 64),
                (32, 512, 512),
                (64, 256, 1024),
                (128, 768, 768),
                (128, 768, 3072),
                (256, 1024, 1024),
                (512, 512, 512),
            )
        ],
        [
            conv(*s)
            for s in (
                (3, 224, 64, 7, 2),
                # stems of 16 outputs (.stem.narrow): ResNet-18's 7×7 at a quarter of its width,
                # MobileNetV2's 3×3
                (3, 224, 16, 7, 2),
                (3, 224, 16, 3, 2),
                (3, 112, 16, 3, 1),
                (1, 64, 32, 3, 1),
                (8, 112, 48, 1, 1),
                (8, 56, 16, 1, 1),
                (4, 56, 32, 1, 1),
                (3, 224, 32, 3, 2),
                (16, 56, 16, 3),
                (32, 56, 64, 1),
                (64, 28, 64, 3),
                (96, 56, 24, 1),
                (128, 14, 128, 3),
                (256, 14, 256, 1),
                (512, 7, 512, 3),
                (16, 112, 96, 1),
                (64, 56, 64, 3),
                (16, 128, 16, 3),
                (32, 64, 16, 3),
                (16, 64, 32, 3),
                (24, 56, 24, 3),
                (16, 64, 64, 1),
                (64, 64, 16, 1),
                (24, 56, 144, 1),
                # small feature maps (a network's tail, a keyword spotter): 1–11 MFLOP
                (64, 8, 64, 3),
                (96, 6, 96, 3),
                (128, 4, 128, 3),
                (48, 16, 48, 3),
                (64, 4, 64, 3),
                (96, 8, 96, 1),
                (128, 7, 128, 1),
            )
        ],
        [
            conv(c, size, c, k, stride, group=c)
            for c, size, k, stride in (
                (32, 112, 3, 1),
                (96, 112, 3, 2),
                (144, 56, 3, 1),
                (192, 28, 3, 1),
                (384, 14, 3, 1),
                (960, 7, 3, 1),
                (32, 28, 5, 1),
                (16, 56, 3, 1),
            )
        ],
        # strided NCHWc depthwise (.strided): the same outputs from 4× the input
        [conv(c, size, c, k, 2, group=c) for c, size, k in _STRIDED_DEPTHWISE],
        # 5×5 depthwise (.wide): more multiply-adds per output for the same loads
        [conv(c, size, c, 5, stride, group=c) for c, size, stride in _WIDE_DEPTHWISE],
        [conv_weights_as_inputs(c, size, c, 5, group=c) for c, size in ((96, 56), (192, 28), (384, 14))],
        [qlinear_conv(c, size, c, 5, group=c) for c, size in ((32, 56), (96, 28), (192, 14))],
        [
            conv1d(*s)
            for s in (
                (1, 4096, 64, 64),
                (64, 512, 64, 3),
                (128, 256, 128, 3),
                (128, 1000, 128, 5),
                (256, 100, 256, 1),
                (64, 2000, 128, 1),
            )
        ],
        [conv1d(c, n, c, 3, group=c) for c, n in ((64, 1000), (256, 500))],
        # upsampling by 2 (k2 s2): a detector's pyramid, a U-Net's decoder, a few images of 4×4
        [conv_transpose(c, size, m, batch=b) for b, c, size, m in _UPSAMPLINGS],
        # a streaming model's few frames a call (voice activity, keyword spotting): pointwise ones
        # and a one-channel filter of 1,000 to 130,000 FLOPs, below which the tables' rates held
        # and a call's fixed cost was lost (Silero VAD v3's 1x1 convolutions: 0.4 µs predicted),
        # and depthwise ones of 4 to 32 frames, whose calls (one a channel) the tables reached only
        # through a line through two sizes of 500 and 1,000 frames
        [
            conv1d(c, n, m, 1)
            for c, n, m in ((16, 32, 16), (32, 8, 32), (64, 4, 64), (128, 16, 32), (256, 8, 16))
        ],
        [conv1d(1, n, m, k) for n, m, k in ((64, 1, 7), (400, 16, 5))],
        [conv1d(c, n, c, 5, group=c) for c, n in ((256, 10), (32, 4), (64, 32))],
        # a spectrogram's STFT as a convolution: one channel, n_fft taps, frequency bins as filters
        [conv1d(1, n, bins, taps, stride=160) for n, bins, taps in ((1760, 257, 512), (16000, 201, 400))],
        [
            conv1d(c, n, m, 3, batch=b)
            for b, c, n, m in ((16, 129, 4, 128), (16, 64, 2, 64), (4, 32, 16, 32), (8, 128, 32, 128))
        ],
        # fused activations: NCHWc applies Relu as it writes, the generic kernel none of them;
        # after a pointwise and after a depthwise convolution (its pass costs about 60% as much)
        [
            conv_epilogues(
                c, size, 96, k, ("Clip", "HardSigmoid", "LeakyRelu", "Sigmoid", "Tanh"), group=group
            )
            for c, k, group in ((16, 1, 1), (96, 3, 96))
            for size in (56, 28)
        ],
        [conv_epilogues(64, n, 64, 3, ("Relu", "Clip", "Sigmoid"), one_d=True) for n in (2000, 500)],
        [
            conv_weights_as_inputs(*s)
            for s in (
                (16, 56, 16, 3),
                (64, 28, 64, 3),
                (32, 56, 64, 1),
                (256, 14, 256, 1),
                (16, 8, 16, 1),
                (24, 16, 96, 1),
                (16, 8, 16, 3),
                (32, 16, 32, 3),
                # pointwise over large maps (a detector at 800×480 exported with its weights as
                # inputs): 59–102 GFLOPS against 132 at 256→256 on 14², its input packed each call
                (24, 112, 144, 1),
                (32, 64, 192, 1),
                (144, 112, 24, 1),
                (16, 224, 96, 1),
            )
        ],
        [
            conv_weights_as_inputs(c, size, c, 3, group=c)
            for c, size in ((32, 112), (96, 56), (192, 28), (384, 14), (384, 4), (576, 2), (960, 1))
        ],
        # strided: the generic kernel unfolds each group's whole input (.strided), down to maps of
        # 2×2, where a call is a few dozen operations
        [
            conv_weights_as_inputs(c, size, c, 3, group=c, stride=2)
            for c, size in (
                (32, 112),
                (96, 112),
                (144, 56),
                (24, 240),
                (96, 28),
                (192, 14),
                (384, 7),
                (576, 4),
                (960, 2),
            )
        ],
        [
            qlinear_conv(*s)
            for s in (
                (16, 56, 16, 3),
                (32, 56, 64, 1),
                (256, 14, 256, 1),
                (64, 28, 64, 3),
                (128, 14, 128, 3),
                (256, 7, 256, 3),
                (96, 56, 24, 1),
            )
        ],
        # the same operations over more channels and a smaller map (3–15 MOPs): a deeper GEMM
        [qlinear_conv(*s) for s in _DEEP_SMALL_CONVS],
        [qlinear_conv(*s, signed=True) for s in _DEEP_SMALL_CONVS[:2]],
        [integer_conv(*s) for s in _DEEP_SMALL_CONVS[:2]],
        # 3×3 of 16 to 31 input channels (.shallow; (16, 56, 16, 3) is among the ones above)
        [qlinear_conv(*s) for s in ((16, 28, 16, 3), (24, 56, 24, 3), (16, 112, 16, 3))],
        [qlinear_conv(16, 28, 16, 3, signed=True)],
        # an image's first layer as ConvInteger (.stem)
        [integer_conv(*s, stride=2) for s in ((3, 224, 16, 7), (3, 224, 32, 3), (3, 112, 16, 3))],
        [qlinear_conv(c, size, c, 3, group=c) for c, size in (*_QLINEAR_DEPTHWISE, (8, 112))],
        # a vision transformer's patch embedding (.patch): one GEMM over C·k·k, the stem's few
        # channels notwithstanding
        [qlinear_conv(*s, patch=True) for s in _PATCHES],
        [integer_conv(*s, patch=True) for s in _PATCHES],
        # few output channels (.narrow) and a pointwise stem, as MobileNetV2's first blocks
        [
            qlinear_conv(*s)
            for s in (
                (16, 112, 8, 1),
                (32, 56, 8, 1),
                (8, 112, 48, 1),
                (8, 56, 16, 1),
                (16, 56, 96, 1),
                (24, 28, 144, 1),
            )
        ],
        [qlinear_conv(16, 112, 8, 1, signed=True)],
        [
            qlinear_conv(*s, stride=2)
            for s in ((3, 224, 16, 7), (3, 224, 32, 3), (3, 112, 16, 3), (3, 224, 16, 3))
        ],
        [qlinear_conv(*s, signed=True, stride=2) for s in ((3, 224, 16, 7), (3, 224, 32, 3))],
        [
            qlinear_conv(*s, signed=True)
            for s in ((16, 56, 16, 3), (64, 28, 64, 3), (128, 14, 128, 3), (96, 56, 24, 1), (256, 7, 256, 3))
        ],
        [qlinear_conv(c, size, c, 3, group=c, signed=True) for c, size in _QLINEAR_DEPTHWISE],
        [
            batched_matmul(*s)
            for s in ((8, 128, 128, 16), (8, 128, 16, 128), (24, 64, 64, 64), (12, 128, 128, 64))
        ],
        [qlinear_matmul(*s) for s in ((1, 256, 256), (16, 512, 512), (128, 768, 768), (256, 1024, 1024))],
        [qlinear_matmul(*s, signed=True) for s in ((1, 256, 256), (16, 512, 512), (128, 768, 768))],
        [integer_matmul(*s) for s in _INTEGER_MATMULS],
        [
            integer_conv(*s)
            for s in ((16, 56, 16, 3), (64, 28, 64, 3), (128, 14, 128, 3), (32, 56, 64, 1), (256, 14, 256, 1))
        ],
        [integer_conv(c, size, c, 3, group=c) for c, size in ((32, 56), (96, 28), (192, 14), (384, 7))],
        [integer_conv(*s) for s in ((16, 112, 8, 1), (32, 56, 8, 1), (16, 56, 96, 1), (24, 28, 144, 1))],
        [
            integer_conv(*s, unsigned=True)
            for s in (
                (16, 56, 16, 3),
                (64, 28, 64, 3),
                (128, 14, 128, 3),
                (48, 16, 192, 3),
                (32, 56, 64, 1),
                (256, 14, 256, 1),
            )
        ],
        [integer_matmul(*s, unsigned=True) for s in ((1, 256, 256), (16, 512, 512), (128, 768, 768))],
        [
            gemm(*s)
            for s in ((1, 256, 256), (16, 512, 512), (128, 768, 768), (1024, 128, 128), (9600, 64, 64))
        ],
        [
            broadcast(op, count, width, column)
            for op in ("Mul", "Add")
            for column in (True, False)
            for count, width in ((64, 64), (1024, 128), (9600, 128))
        ],
        # up to a message-passing GNN's 9,600 edges × 384 (14.7 MB of updates, 29 MB of indices, past
        # every cache: 17–19 ns an element added, against 13 at 614,400 elements)
        [
            scatter_elements(r, w, u, red)
            for red in ("none", "add")
            for r, w, u in ((480, 64, 9600), (60, 16, 480), (1000, 128, 4000), (480, 384, 9600))
        ],
        [
            outer(op, left, right, span, full)
            for op in ("Mul", "Add")
            for left, right, span, full in (
                (9600, 128, 3, False),
                (4096, 64, 8, False),
                (1024, 64, 32, False),
                (128, 128, 16, True),
                (64, 64, 128, True),
                (64, 64, 512, True),
            )
        ],
        [expand(c, w) for c, w in ((64, 64), (1024, 128), (9600, 128))],
        [slice_(c, w) for c, w in ((64, 64), (1024, 128), (9600, 128))],
        [dynamic_matmul(*s) for s in (*_INTEGER_MATMULS, (128, 768, 3072))],
        [dynamic_matmul(*s, unsigned=True) for s in ((1, 256, 256), (16, 512, 512), (128, 768, 768))],
        [
            shared_dynamic_matmul(*s)
            for s in ((1, 256, 256), (256, 64, 64), (16, 512, 512), (256, 64, 256), (128, 768, 768))
        ],
        [
            recurrent(op, *s)
            for op in ("LSTM", "GRU")
            for s in ((20, 1, 64, 64), (50, 1, 128, 128), (20, 8, 256, 256))
        ],
        [
            recurrent(op, 32, batch, size, hidden, directions)
            for op in ("LSTM", "GRU")
            for batch, size, hidden in ((1, 64, 64), (4, 64, 64), (1, 256, 256), (4, 256, 256))
            for directions in (1, 2)
        ],
        [
            quantized_lstm(32, batch, size, hidden, directions)
            for batch, size, hidden in ((1, 128, 128), (1, 256, 256), (4, 256, 256))
            for directions in (1, 2)
        ],
        [binary(op, n) for op in ("Add", "Mul", "Sub", "Div") for n in sizes],
        [unary(op, n) for op in ("Relu", "Neg", "Abs") for n in sizes],
        [scalar_binary(op, n) for op in ("Add", "Mul", "Div") for n in sizes],
        [unary("Clip", n) for n in sizes],
        [unary(op, n) for op in ("Exp", "Erf", "Tanh", "Sigmoid", "Sqrt") for n in sizes],
        [unary("Gelu", n, domain=MS) for n in sizes],
        [
            rows(op, count, width)
            for op in ("Softmax", "LayerNormalization", "ReduceMean")
            for count, width in ((16, 64), (128, 128), (512, 768), (2048, 768), (256, 64), (1024, 64))
        ],
        [bias_gelu(count, width) for count, width in ((16, 64), (256, 256), (128, 1024), (512, 3072))],
        [rows("SkipLayerNormalization", count, 768, domain=MS) for count in (16, 128, 512)],
        # the mask a constant onnxcost reads (at most 64×64 here), the rows many
        [masked_softmax(count, seq) for count, seq in ((8, 32), (8, 64), (64, 64), (256, 64))],
        # four sizes, for a table of its own: onnxruntime's BatchNormalization runs on one thread
        # whatever the threads (32×240²: 640 µs on 1, 621 on 2), the normalization class's others not
        [batch_norm(c, size) for c, size in ((16, 56), (64, 28), (256, 14), (64, 56), (32, 112), (32, 240))],
        [
            pool(op, c, size)
            for op in ("MaxPool", "AveragePool", "GlobalAveragePool")
            for c, size in ((32, 56), (64, 28), (256, 14))
        ],
        # a stem's pooling over more than the L2 holds (ResNet's 64×112², 16×112² on two images):
        # MaxPool took 0.065 ns an element on 16×112² and 0.15–0.17 on 32×112² and 64×112² here
        [pool(op, c, 112) for op in ("MaxPool", "AveragePool") for c in (32, 64)],
        # channels not a multiple of 16: no NCHWc kernel, onnxruntime's own (0.2 ns an element here,
        # four times the pooling class's); NCHWc ones past the L2 (96×160²: 0.21 ns an element)
        [
            pool("GlobalAveragePool", c, size)
            for c, size in ((8, 32), (40, 40), (200, 14), (24, 80), (24, 160))
        ],
        [pool("GlobalAveragePool", 96, size) for size in (80, 160)],
        [
            transpose(s, p)
            for s, p in (
                ((1, 12, 128, 64), [0, 2, 1, 3]),
                ((1, 4, 32, 32), [0, 2, 3, 1]),
                ((64, 768), [1, 0]),
                ((1, 64, 56, 56), [0, 2, 3, 1]),
                ((8, 16, 256, 64), [0, 2, 1, 3]),
                # several axes moved: onnxruntime's element-by-element kernel
                ((4, 16, 16, 4), [3, 2, 1, 0]),
                ((32, 32, 32), [2, 1, 0]),
                ((8, 64, 64, 4), [0, 3, 2, 1]),
                ((64, 64, 64), [2, 1, 0]),
                # the last axis in place: blocks of 8 to 64 elements copied (attention's heads)
                ((2, 128, 4, 16), [0, 2, 1, 3]),
                ((8, 128, 8, 8), [0, 2, 1, 3]),
                ((2, 128, 12, 32), [0, 2, 1, 3]),
                ((2, 65, 3, 4, 16), [2, 0, 3, 1, 4]),
            )
        ],
        [concat(n) for n in sizes],
        [where(n) for n in sizes[:4]],
        # a YOLO head's 16 bins over 525 to 8,400 anchors, 4 box edges each
        [softmax_axis(16, 4, anchors) for anchors in (525, 2100, 8400)],
        [gather(r, w, t) for r, w, t in ((16, 128, 1000), (128, 768, 30522), (512, 768, 30522))],
        [resize(c, size) for c, size in ((16, 28), (64, 56), (128, 28))],
        [quantize(op, n) for op in ("QuantizeLinear", "DequantizeLinear") for n in sizes],
        [dynamic_quantize(n) for n in sizes],
    ]
    for group in groups:
        yield from group[::2] if quick else group
