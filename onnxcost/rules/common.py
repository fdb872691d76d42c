"""Small building blocks that many rules share."""

from __future__ import annotations

from onnxcost.rules.registry import NodeView
from onnxcost.symbolic.formulas import product
from onnxcost.types import Dim, Work

VIEW_NOTE = "view: no data moved"


def per_output_element(view: NodeView, flops_per_element: Dim, output: int = 0) -> Work:
    """FLOPs = output elements × FLOPs per element."""
    return Work(flops=view.out_numel(output) * flops_per_element)


def view_op(note: str = VIEW_NOTE) -> Work:
    """A metadata-only op (Reshape-like): no arithmetic and no bytes moved."""
    return Work(status="zero", note=note, bytes_read_activations=0, bytes_read_weights=0,
                bytes_written=0)  # fmt: skip


def data_movement(note: str = "") -> Work:
    """A copy-like op: no arithmetic, every input read and every output written once."""
    return Work(status="zero", note=note)


def tensor_bytes(view: NodeView, index: int) -> Dim:
    """Bytes of an input (0 when absent)."""
    info = view.input(index)
    if info is None or info.shape is None:
        return 0
    return info.nbytes


def spatial_kernel(view: NodeView, weight_index: int = 1) -> list[Dim]:
    """kernel_shape from the attribute, else from the weight's trailing dims."""
    kernel = view.attr("kernel_shape")
    if kernel:
        return list(kernel)
    return list(view.in_shape(weight_index)[2:])


def numel(shape: tuple[Dim, ...]) -> Dim:
    """Elements of a shape."""
    return product(shape)


def patch_kernel(view: NodeView, weight_index: int) -> str:
    """The kernel of an integer convolution of one group whose windows neither overlap nor pad (a
    vision transformer's patch embedding: stride = kernel > 1), "patch": onnxruntime runs it as
    one integer GEMM over C·k·k, whatever its few channels; else ""."""
    kernel = spatial_kernel(view, weight_index)
    strides = list(view.attr("strides", []) or [])
    pads = list(view.attr("pads", []) or [])
    tiles = len(strides) == len(kernel) and all(
        isinstance(k, int) and k > 1 and int(s) == k for s, k in zip(strides, kernel, strict=True)
    )
    one_group = int(view.attr("group", 1)) == 1
    return "patch" if tiles and one_group and not any(int(p) for p in pads) else ""


def conv_kernel(view: NodeView, group: int) -> str:
    """The kernel a convolution runs where its attributes choose one: "strided" for a depthwise
    one of a stride over 1 (onnxruntime's generic kernel unfolds each group's whole input for a
    quarter of its outputs; its NCHWc kernel reads 4× the input for the same outputs), else ""."""
    channels = view.in_shape(0)[1]
    strided = any(int(step) > 1 for step in view.attr("strides", []) or [])
    return "strided" if strided and group > 1 and group == channels else ""
