"""Indexing: gathers and scatters touch only the indexed elements; masks and data-dependent selections.

Scatters are costed as in-place updates (what runtimes do when `data` is not read again): the
untouched elements of `data` alias the output, so only the updated elements are read and written.
"""

from __future__ import annotations

import sympy

from onnxcost.dtypes import nbytes_of
from onnxcost.rules.common import tensor_bytes
from onnxcost.rules.registry import NodeView, rule
from onnxcost.types import Dim, Work

SCATTER_NOTE = "in place: only the updated elements are read and written"


def ceil_log2(count: Dim) -> Dim:
    """⌈log2 count⌉ (0 for count ≤ 1); a sympy ceiling for an unbound count."""
    if isinstance(count, int):
        return max(count - 1, 0).bit_length()
    return sympy.ceiling(sympy.log(count, 2))


def split_reads(view: NodeView, reads: list[tuple[int, Dim]]) -> tuple[Dim, Dim]:
    """(activation bytes, weight bytes) of (input index, bytes read) pairs; constants are weights."""
    activations: Dim = 0
    weights: Dim = 0
    for index, size in reads:
        info = view.input(index)
        if info is not None and info.is_constant:
            weights = weights + size
        else:
            activations = activations + size
    return activations, weights


def _touched(view: NodeView, count: Dim, data: int, indices: list[int], written: Dim, **kw) -> Work:
    """0-FLOP Work reading `count` elements of input `data` plus the index inputs in full."""
    dtype = view.input(data).dtype
    reads = [(data, nbytes_of(count, dtype))] + [(i, tensor_bytes(view, i)) for i in indices]
    activations, weights = split_reads(view, reads)
    return Work(status="zero", bytes_read_activations=activations, bytes_read_weights=weights,
                bytes_written=written, **kw)  # fmt: skip


@rule("GatherElements", "GatherND")
def gather_indexed(view: NodeView) -> Work:
    """0 FLOPs; reads the indices and the gathered elements (= output elements), writes the output."""
    return _touched(view, view.out_numel(0), 0, [1], view.output(0).nbytes)


def _scatter(view: NodeView, updates: int, indices: list[int], reduction: str) -> Work:
    """Reads indices and updates (and the updated data elements when reducing), writes the updates."""
    count = view.in_numel(updates)
    dtype = view.input(0).dtype
    size = nbytes_of(count, dtype)
    reads = [(i, tensor_bytes(view, i)) for i in (*indices, updates)]
    if reduction != "none":
        reads.append((0, size))
    activations, weights = split_reads(view, reads)
    flops = 0 if reduction == "none" else count
    return Work(flops=flops, status="zero" if reduction == "none" else "ok", note=SCATTER_NOTE,
                bytes_read_activations=activations, bytes_read_weights=weights,
                bytes_written=size)  # fmt: skip


@rule("ScatterElements", "ScatterND")
def scatter_indexed(view: NodeView) -> Work:
    """FLOPs = updates elements if reducing (add/mul/max/min), else 0; reads indices, updates (+ data)."""
    return _scatter(view, 2, [1], str(view.attr("reduction", "none")))


@rule("Scatter")
def scatter(view: NodeView) -> Work:
    """0 FLOPs (deprecated ScatterElements, no reduction); reads indices and updates, writes the updates."""
    return _scatter(view, 2, [1], "none")


@rule("TensorScatter")
def tensor_scatter(view: NodeView) -> Work:
    """0 FLOPs; a KV-cache write in place: reads update and write_indices, writes the update's elements."""
    return _scatter(view, 1, [2] if view.has_input(2) else [], "none")


@rule("Compress")
def compress(view: NodeView) -> Work:
    """0 FLOPs; reads the condition and the kept slices (= output elements), writes the output."""
    return _touched(view, view.out_numel(0), 0, [1], view.output(0).nbytes)


@rule("NonZero")
def non_zero(view: NodeView) -> Work:
    """FLOPs = input elements (one compare with zero each); the output size is data-dependent."""
    return Work(flops=view.in_numel(0), note="output length data-dependent")


@rule("Unique")
def unique(view: NodeView) -> Work:
    """FLOPs ≈ elements × (⌈log2 n⌉ + 1): sort n items (elements or slices on axis), compare neighbours."""
    shape = view.in_shape(0)
    axis = view.attr("axis")
    items = view.in_numel(0) if axis is None or not shape else shape[int(axis) % len(shape)]
    flops = view.in_numel(0) * (ceil_log2(items) + 1)
    return Work(flops=flops, status="estimated", note="comparison sort; output sizes data-dependent")


@rule("OneHot")
def one_hot(view: NodeView) -> Work:
    """0 FLOPs: fill with off_value, write on_value once per index; reads indices, depth, values."""
    return Work(status="zero", note="fill + one write per index")
