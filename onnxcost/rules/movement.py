"""Data movement: no arithmetic, real bytes; views (Reshape-like) move nothing."""

from __future__ import annotations

import itertools
from dataclasses import replace

from onnxcost.rules.common import data_movement, tensor_bytes, view_op
from onnxcost.rules.registry import NodeView, rule
from onnxcost.symbolic.formulas import product
from onnxcost.types import Work


@rule("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity")
def view_like(view: NodeView) -> Work:
    """0 FLOPs, 0 bytes: only the shape metadata changes."""
    return view_op()


@rule("Dropout")
def dropout(view: NodeView) -> Work:
    """0 FLOPs, 0 bytes at inference (identity); with training_mode: 2/elem (mask compare, scale)."""
    training = view.input(2)
    if training is not None and (training.value is None or bool(training.value.reshape(-1)[0])):
        return Work(flops=2 * view.out_numel(0), note="training mode")
    if view.opset < 7 and not int(view.attr("is_test", 0)):  # Dropout-1/6: is_test = 0 trains
        return Work(flops=2 * view.out_numel(0), note="training mode (is_test = 0)")
    return view_op("inference: identity")


@rule("Shape", "Size")
def shape_of(view: NodeView) -> Work:
    """0 FLOPs; reads no data, only the input's dims."""
    return Work(status="zero", bytes_read_activations=0, bytes_read_weights=0)


@rule("Constant")
def constant(view: NodeView) -> Work:
    """0 FLOPs, 0 bytes moved: a constant is part of the model, not computed."""
    return view_op("constant")


@rule("ConstantOfShape")
def constant_of_shape(view: NodeView) -> Work:
    """0 FLOPs; a fill at run time (a constant shape is folded first): reads the shape, writes the output."""
    return data_movement("fill")


@rule("Concat", "Split", "Tile", "Expand", "Cast", "CastLike", "Pad")
def copy_like(view: NodeView) -> Work:
    """0 FLOPs; each input read once and each output written once."""
    return data_movement()


@rule("Transpose")
def transpose(view: NodeView) -> Work:
    """0 FLOPs; the input read once and the output written once. A permutation that keeps the
    last axis (of more than one element) in place copies contiguous blocks (its trailing axes in
    place): kernel "blocks"; one that moves more than one axis otherwise (size-1 axes count:
    onnxruntime does not drop them first) takes its element-by-element kernel: kernel "generic".
    No perm reverses the axes."""
    perm = view.attr("perm")
    data = view.input(0)
    if perm is None:  # the default reverses the axes
        rank = len(data.shape) if data is not None and data.shape is not None else 0
        perm = list(reversed(range(rank)))
    order = [int(axis) for axis in perm]
    last = data.shape[-1] if data is not None and data.shape else None
    # a last axis of one element makes no blocks ([1, 512, 256, 1]: a 2-D transpose)
    if len(order) > 1 and order[-1] == len(order) - 1 and order != sorted(order) and _over_one(last):
        return replace(data_movement(), kernel="blocks")
    return replace(data_movement(), kernel="" if _moves_one_axis(order) else "generic")


def _over_one(dim: object) -> bool:
    """A dim known to hold more than one element."""
    return isinstance(dim, int) and dim > 1


def _moves_one_axis(perm: list[int]) -> bool:
    """Whether the permutation is the identity with at most one axis taken out and put back
    elsewhere ([0, 2, 3, 1] is; [0, 3, 2, 1] is not)."""
    if len(perm) < 3:
        return True
    rests = (perm[:index] + perm[index + 1 :] for index in range(len(perm)))
    return any(all(a < b for a, b in itertools.pairwise(rest)) for rest in rests)


@rule("Slice")
def slice_op(view: NodeView) -> Work:
    """0 FLOPs; reads only the elements kept (= output bytes) and writes them."""
    kept = view.output(0).nbytes
    if view.inputs[0].is_constant:
        return Work(status="zero", bytes_read_weights=kept, bytes_read_activations=0)
    return Work(status="zero", bytes_read_activations=kept, bytes_read_weights=0)


@rule("Gather")
def gather(view: NodeView) -> Work:
    """0 FLOPs; reads the indices and the gathered slices (= output bytes), writes the output."""
    gathered = view.output(0).nbytes
    data = view.input(0)
    indices = tensor_bytes(view, 1)
    if data is not None and data.is_constant:
        return Work(status="zero", bytes_read_weights=gathered, bytes_read_activations=indices)
    return Work(status="zero", bytes_read_activations=gathered + indices, bytes_read_weights=0)


@rule("Resize", "Upsample")
def resize(view: NodeView) -> Work:
    """FLOPs per output: nearest 0; linear 3·(2^r − 1) (lerps over r resized axes); cubic 2·4^r."""
    x, y = view.in_shape(0), view.out_shape(0)
    resized = sum(1 for a, b in zip(x, y, strict=False) if a != b)
    mode = str(view.attr("mode", "nearest"))
    out = product(y)
    if mode == "nearest" or resized == 0:
        return Work(status="zero", note="nearest: copy")
    if mode in ("linear", "bilinear", "trilinear"):
        return Work(flops=out * 3 * (2**resized - 1))
    return Work(flops=out * 2 * 4**resized)
