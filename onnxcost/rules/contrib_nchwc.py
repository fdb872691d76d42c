"""ONNX Runtime's blocked-channel ops (com.microsoft.nchwc), which its CPU graph optimizer emits
at the default ORT_ENABLE_ALL level: Conv, pools and Upsample on NCHWc tensors, and the
ReorderInput / ReorderOutput copies between NCHW and NCHWc.

An NCHWc tensor is NCHW with its channels padded up to the MLAS block size (8 or 16) and stored
in channel blocks; its logical shape keeps rank 4. The reordered Conv weights carry the padded
channel counts, so a Conv's MACs are those of the channels it really computes, padding included.
"""

from __future__ import annotations

from onnxcost.rules.common import conv_kernel, data_movement, spatial_kernel
from onnxcost.rules.contrib import activation_flops, separate_activation
from onnxcost.rules.kernels import window_reads
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import shape_rule, window_output
from onnxcost.symbolic.formulas import normalize, product
from onnxcost.types import Work

NCHWC = "com.microsoft.nchwc"
# The activations MLAS's NCHWc convolution applies as it writes its output; any other it applies
# in a pass over each output block after (measured here on a 16→96 1×1 convolution over 56×56:
# Relu +0.02 ns an output element, Clip +0.12, Sigmoid +0.39).
IN_KERNEL_ACTIVATIONS = frozenset({"Relu"})


@rule("Conv", domain=NCHWC)
def nchwc_conv(view: NodeView) -> Work:
    """MACs = N·Cout·∏out·(Cin/group)·∏k over padded channels; FLOPs = 2·MACs + out·(bias + Sum + act)."""
    w = view.in_shape(1)
    macs = view.out_numel(0) * w[1] * product(spatial_kernel(view))
    out = view.out_numel(0)
    activation = view.attr("activation")
    per_output, note = activation_flops(activation)
    flops = 2 * macs + out * (int(view.has_input(2)) + int(view.has_input(3)) + per_output)
    epilogue = separate_activation(activation, IN_KERNEL_ACTIVATIONS)
    kernel = conv_kernel(view, int(view.attr("group", 1)))
    return Work(macs=macs, flops=flops, status="estimated" if note else "ok", note=note, epilogue=epilogue,
                kernel=kernel)  # fmt: skip


@shape_rule("Conv", domain=NCHWC)
def _conv_shape(node, shapes, values):
    x, w = shapes[0], shapes[1]
    if x is None or w is None:
        return [None]
    kernel = node.attrs.get("kernel_shape") or list(w[2:])
    return [(x[0], w[0], *window_output(node, x[2:], kernel))]


@rule("MaxPool", domain=NCHWC)
def nchwc_max_pool(view: NodeView) -> Work:
    """FLOPs = output elements × ∏kernel (one compare per window element)."""
    return Work(flops=window_reads(view.out_numel(0), view.attr("kernel_shape")))


@rule("AveragePool", domain=NCHWC)
def nchwc_average_pool(view: NodeView) -> Work:
    """FLOPs = output elements × (∏kernel + 1) (window adds and one divide)."""
    out = view.out_numel(0)
    return Work(flops=window_reads(out, view.attr("kernel_shape")) + out)


@shape_rule("MaxPool", "AveragePool", domain=NCHWC)
def _pool_shape(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    return [(x[0], x[1], *window_output(node, x[2:], node.attrs["kernel_shape"]))]


@rule("GlobalMaxPool", domain=NCHWC)
def nchwc_global_max_pool(view: NodeView) -> Work:
    """FLOPs = input elements (one compare each)."""
    return Work(flops=view.in_numel(0))


@rule("GlobalAveragePool", domain=NCHWC)
def nchwc_global_average_pool(view: NodeView) -> Work:
    """FLOPs = input elements + output elements (adds, then one divide per channel)."""
    return Work(flops=view.in_numel(0) + view.out_numel(0))


@shape_rule("GlobalMaxPool", "GlobalAveragePool", domain=NCHWC)
def _global_pool_shape(node, shapes, values):
    x = shapes[0]
    return [None if x is None else (x[0], x[1], *([1] * (len(x) - 2)))]


@rule("Upsample", domain=NCHWC)
def nchwc_upsample(view: NodeView) -> Work:
    """Nearest: 0 FLOPs (a copy); linear: 3 FLOPs per output per resized axis (one lerp each)."""
    if view.attr("mode") == "nearest":
        return data_movement()
    resized = sum(1 for s in view.attr("scales") if int(s) != 1)
    return Work(flops=3 * resized * view.out_numel(0))


@shape_rule("Upsample", domain=NCHWC)
def _upsample_shape(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    return [tuple(normalize(d * int(s)) for d, s in zip(x, node.attrs["scales"], strict=True))]


@rule("ReorderInput", "ReorderOutput", domain=NCHWC)
def reorder(view: NodeView) -> Work:
    """0 FLOPs; a layout copy: the input read once, the output written once."""
    return data_movement("NCHW ↔ NCHWc layout copy")


@shape_rule("ReorderInput", domain=NCHWC)
def _reorder_input_shape(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    if int(node.attrs.get("channels_last", 0)):
        return [(x[0], x[-1], *x[1:-1])]
    return [x]


@shape_rule("ReorderOutput", domain=NCHWC)
def _reorder_output_shape(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    channels = int(node.attrs.get("channels") or x[1])
    if int(node.attrs.get("channels_last", 0)):
        return [(x[0], *x[2:], channels)]
    return [(x[0], channels, *x[2:])]
