"""Layout changes that copy data (block rearrangements, reversals, crops) and masks."""

from __future__ import annotations

from onnxcost.dtypes import nbytes_of
from onnxcost.rules.common import data_movement, view_op
from onnxcost.rules.indexing import split_reads
from onnxcost.rules.registry import NodeView, rule
from onnxcost.symbolic.formulas import product, smaller
from onnxcost.types import Work


@rule("DepthToSpace", "SpaceToDepth", "ReverseSequence")
def rearrange(view: NodeView) -> Work:
    """0 FLOPs; a permuting copy: each input read once, the output written once."""
    return data_movement()


@rule("BitCast")
def bit_cast(view: NodeView) -> Work:
    """0 FLOPs, 0 bytes: the same bits reinterpreted as another type of the same width."""
    return view_op("reinterpretation: no data moved")




@rule("CenterCropPad")
def center_crop_pad(view: NodeView) -> Work:
    """0 FLOPs; reads the kept centre (∏ min(in, out) per axis), writes the output (padding is a fill)."""
    x, y = view.in_shape(0), view.out_shape(0)
    kept = product(smaller(a, b) for a, b in zip(x, y, strict=True))
    activations, weights = split_reads(view, [(0, nbytes_of(kept, view.input(0).dtype))])
    return Work(status="zero", bytes_read_activations=activations, bytes_read_weights=weights)


@rule("Trilu")
def trilu(view: NodeView) -> Work:
    """FLOPs = output elements: one select each (x where column − row is on the kept side of k, else 0)."""
    return Work(flops=view.out_numel(0))
