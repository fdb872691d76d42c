"""ONNX Runtime contrib ops (com.microsoft) outside the transformer families: image and signal
helpers, embeddings, padding removal, hashing, bit-mask dropout, finiteness checks, and the
opaque containers (EPContext, Snpe, SampleOp) whose work the graph does not show.

Ops that share a default-domain twin (GridSample, Unique) reuse its rule.
Data-dependent output sizes (Unique, RemovePadding, DynamicTimeWarping) get a fresh dim.
"""

from __future__ import annotations

from dataclasses import replace

from onnxcost.dtypes import bits_of, nbytes_of
from onnxcost.rules.common import data_movement, spatial_kernel
from onnxcost.rules.contrib_norm import embedding_reads
from onnxcost.rules.indexing import unique
from onnxcost.rules.kernels import (
    conv_transpose_macs,
    interpolation_flops,
    linear_weight_flops,
    window_reads,
)
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.sampling import grid_sample
from onnxcost.rules.shape_rules import SHAPE_RULES, broadcast, dtype_rule, shape_rule, window_output
from onnxcost.rules.signal import transform_work
from onnxcost.symbolic.formulas import ceildiv, floordiv, normalize, product
from onnxcost.types import MS_DOMAIN, Work

MS = MS_DOMAIN

# CropAndResize, per crop location: source y and x (multiply, add per dim: 4), bounds checks
# (2 per dim: 4); bilinear adds the corner weights (kernels.linear_weight_flops(2) = 10),
# nearest a round per dim (2). Per box the two scales (y2 − y1)·(H − 1)/(crop − 1): 6.
CROP_COORD_FLOPS = 4 + 4
CROP_BOX_FLOPS = 6
# WordConvEmbedding, per window position and filter: bias add, tanh, running max.
WORD_CONV_EPILOGUE = 3
# MurmurHash3_x86_32: per 4-byte block k·c1, rotl, k·c2, h ^= k, rotl, h·5 + n (7); finalization
# h ^= len and fmix32 (three xor-shifts of 2, two multiplies) = 10.
MURMUR_BLOCK_FLOPS = 7
MURMUR_FINAL_FLOPS = 10
MURMUR_STRING_BLOCKS = 4  # a string key's length is unknown: 16 bytes assumed
# Dropout in training: compare a draw with the ratio, scale the kept value (as BiasDropout).
TRAINING_DROPOUT_FLOPS = 2
FINITE_CHECK_FLOPS = 2  # isfinite(x), and-accumulate
DTW_CELL_FLOPS = 3  # min of three neighbours (2 compares) + the cell's cost
DTW_STEP_FLOPS = 2  # backtrack: pick the smallest of three predecessors
COMPLEX_PRODUCT_FLOPS = 6  # (a + bi)(c ± di): 4 multiplies, 2 adds
OPAQUE_NOTE = "{op}: the work inside is not visible in the graph; only its tensors are counted"


def _same_shape(node, shapes, values):
    return [shapes[0]]


def _training(view: NodeView, index: int) -> bool:
    """True when the training_mode input is given and not known to be false."""
    if not view.has_input(index):
        return False
    value = view.value(index)
    return value is None or bool(value.reshape(-1)[0])


# ----------------------------------------------------------------------- image sampling


rule("GridSample", domain=MS)(grid_sample)


@shape_rule("GridSample", domain=MS)
def _grid_sample_shape(node, shapes, values):
    x, grid = shapes[0], shapes[1]
    return [None if x is None or grid is None else (x[0], x[1], *grid[1:-1])]


@rule("CropAndResize", domain=MS)
def crop_and_resize(view: NodeView) -> Work:
    """Bilinear: FLOPs = R·C·ch·cw·7 (4 taps) + R·ch·cw·18 (coords, bounds, weights) + 6·R; nearest 10/loc."""
    out = view.out_shape(0)
    boxes = out[0]
    locations = boxes * out[2] * out[3]
    if str(view.attr("mode")) == "nearest":
        return Work(flops=locations * (CROP_COORD_FLOPS + 2) + boxes * CROP_BOX_FLOPS)
    flops = interpolation_flops(view.out_numel(0), 4)
    flops += locations * (CROP_COORD_FLOPS + linear_weight_flops(2)) + boxes * CROP_BOX_FLOPS
    return Work(flops=flops)


@shape_rule("CropAndResize", domain=MS)
def _crop_and_resize_shape(node, shapes, values):
    x, rois, size = shapes[0], shapes[1], values[3]
    if x is None or rois is None or size is None:
        return [None]
    crop_h, crop_w = (int(v) for v in size.reshape(-1)[:2])
    return [(rois[0], x[1], crop_h, crop_w)]


@rule("MaxpoolWithMask", domain=MS)
def maxpool_with_mask(view: NodeView) -> Work:
    """FLOPs = output elements × ∏kernel × 2 (mask test and compare per window element)."""
    return Work(flops=2 * window_reads(view.out_numel(0), view.attr("kernel_shape")))


@shape_rule("MaxpoolWithMask", domain=MS)
def _maxpool_with_mask_shape(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    return [(x[0], x[1], *window_output(node, x[2:], node.attrs["kernel_shape"]))]


@rule("ConvTransposeWithDynamicPads", domain=MS)
def conv_transpose_dynamic_pads(view: NodeView) -> Work:
    """MACs = N·Cin·∏in·(Cout/group)·∏k (as ConvTranspose); FLOPs = 2·MACs + outputs if bias (input 3)."""
    group = int(view.attr("group"))
    w = view.in_shape(1)
    macs = conv_transpose_macs(view.in_shape(0), spatial_kernel(view), w[1] * group, group)
    bias = view.out_numel(0) if view.has_input(3) else 0
    return Work(macs=macs, flops=2 * macs + bias)


@shape_rule("ConvTransposeWithDynamicPads", domain=MS)
def _conv_transpose_dynamic_shape(node, shapes, values):
    has_pads = len(node.inputs) > 2 and bool(node.inputs[2])
    pads = values[2] if has_pads else None
    if has_pads and pads is None:
        return [None]
    attrs = dict(node.attrs)
    if pads is not None:
        attrs["pads"] = [int(p) for p in pads.reshape(-1)]
    return SHAPE_RULES["ConvTranspose"](replace(node, attrs=attrs), shapes[:2], values[:2])


# ---------------------------------------------------------------------- distances, complex


@rule("CDist", domain=MS)
def cdist(view: NodeView) -> Work:
    """MACs = M·K·N (squared differences summed); FLOPs = 2·MACs + M·K·N subtracts (+ M·K √ euclidean)."""
    a, b = view.in_shape(0), view.in_shape(1)
    pairs = a[0] * b[0]
    macs = pairs * a[1]
    root = pairs if str(view.attr("metric")) == "euclidean" else 0
    return Work(macs=macs, flops=2 * macs + macs + root)


@shape_rule("CDist", domain=MS)
def _cdist_shape(node, shapes, values):
    a, b = shapes[0], shapes[1]
    return [None if a is None or b is None else (a[0], b[0])]


@rule("ComplexMul", "ComplexMulConj", domain=MS)
def complex_mul(view: NodeView) -> Work:
    """FLOPs = 6 × complex outputs (= output elements / 2): (a + bi)·(c ± di), 4 multiplies + 2 adds."""
    return Work(flops=COMPLEX_PRODUCT_FLOPS * floordiv(view.out_numel(0), 2))


@shape_rule("ComplexMul", "ComplexMulConj", domain=MS)
def _complex_mul_shape(node, shapes, values):
    a, b = shapes[0], shapes[1]
    return [None if a is None or b is None else broadcast(a, b)]


# --------------------------------------------------------------------------------- FFTs


def _combined(works: list[Work]) -> Work:
    """The sum of several transforms' Work (estimated when any is)."""
    notes = [w.note for w in works if w.note]
    return Work(macs=normalize(sum((w.macs for w in works), 0)),
                flops=normalize(sum((w.flops for w in works), 0)),
                status="estimated" if any(w.status == "estimated" for w in works) else "ok",
                note=notes[0] if notes else "")  # fmt: skip


@rule("Rfft", domain=MS)
def rfft(view: NodeView) -> Work:
    """Per signal axis (last: real → n/2 + 1 bins): T·5·N·log2 N FLOPs (N = 2^k FFT), else T·4·N·Nout MACs."""
    shape = list(view.in_shape(0))
    n = shape[-1]
    bins = floordiv(n, 2) + 1
    works = [transform_work(floordiv(product(shape), n), n, bins, inverse=False)]
    shape[-1] = bins
    for axis in range(2, int(view.attr("signal_ndim")) + 1):
        size = shape[-axis]
        works.append(transform_work(floordiv(product(shape), size), size, size, inverse=False))
    return _combined(works)


@shape_rule("Rfft", domain=MS)
def _rfft_shape(node, shapes, values):
    x = shapes[0]
    return [None if x is None else (*x[:-1], floordiv(x[-1], 2) + 1, 2)]


@rule("Irfft", domain=MS)
def irfft(view: NodeView) -> Work:
    """Per signal axis as Rfft (last: bins → n = 2·(bins − 1) real values) + 2 FLOPs/value (1/N scaling)."""
    x = view.in_shape(0)
    shape = list(x[:-1])
    works = []
    for axis in range(int(view.attr("signal_ndim")), 1, -1):
        size = shape[-axis]
        works.append(transform_work(floordiv(product(shape), size), size, size, inverse=True))
    bins = shape[-1]
    n = 2 * (bins - 1)
    works.append(transform_work(floordiv(product(shape), bins), n, n, inverse=True))
    return _combined(works)


@shape_rule("Irfft", domain=MS)
def _irfft_shape(node, shapes, values):
    x = shapes[0]
    return [None if x is None else (*x[:-2], normalize(2 * (x[-2] - 1)))]


# --------------------------------------------------------------------------- embeddings


@rule("TorchEmbedding", domain=MS)
def torch_embedding(view: NodeView) -> Work:
    """0 FLOPs; reads the indices and one weight row per index (= output elements), writes the output."""
    reads = embedding_reads(view, [0], view.out_numel(0))
    return Work(status="zero", note="row gather", **reads)


@shape_rule("TorchEmbedding", domain=MS)
def _torch_embedding_shape(node, shapes, values):
    weight, indices = shapes[0], shapes[1]
    return [None if weight is None or indices is None else (*indices, weight[-1])]


@rule("WordConvEmbedding", domain=MS)
def word_conv_embedding(view: NodeView) -> Work:
    """MACs = words·P·F·win·E (P = L − win + 1); FLOPs = 2·MACs + words·P·F·3 (bias, tanh, max) + words·L."""
    sequence, weight = view.in_shape(0), view.in_shape(1)
    words, length = product(sequence[:-1]), sequence[-1]
    filters, window, char_size = weight[0], weight[2], weight[3]
    positions = length - window + 1
    macs = words * positions * filters * window * char_size
    flops = 2 * macs + words * positions * filters * WORD_CONV_EPILOGUE + words * length
    reads = embedding_reads(view, [3], words * length * char_size)
    return Work(macs=macs, flops=flops, status="estimated",
                note="every word at the full word length (upper bound)", **reads)  # fmt: skip


@shape_rule("WordConvEmbedding", domain=MS)
def _word_conv_shape(node, shapes, values):
    sequence, weight = shapes[0], shapes[1]
    return [None if sequence is None or weight is None else (*sequence[:-1], weight[0])]


# ------------------------------------------------------------------ padding, unfolding


@rule("RemovePadding", domain=MS)
def remove_padding(view: NodeView) -> Work:
    """FLOPs = batch (running sum of token counts); the kept rows are copied (their count is data)."""
    return Work(flops=view.in_shape(0)[0], note="rows kept: data-dependent")


@shape_rule("RemovePadding", domain=MS)
def _remove_padding_shape(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None] * 4
    return [(None, x[2]), (x[0], x[1]), (normalize(x[0] + 1),), (1,)]


@dtype_rule("RemovePadding", domain=MS)
def _remove_padding_dtype(node, dtypes):
    return [dtypes[0], "int32", "int32", "int32"]


@rule("RestorePadding", domain=MS)
def restore_padding(view: NodeView) -> Work:
    """0 FLOPs; the packed rows scattered into a zero-filled (batch, seq, hidden) output."""
    return data_movement("zero fill + row scatter")


@shape_rule("RestorePadding", domain=MS)
def _restore_padding_shape(node, shapes, values):
    x, offsets = shapes[0], shapes[1]
    return [None if x is None or offsets is None else (offsets[0], offsets[1], x[1])]


@rule("UnfoldTensor", domain=MS)
def unfold_tensor(view: NodeView) -> Work:
    """0 FLOPs; a copy of every window of `size` along `dim` (overlapping windows copied again)."""
    return data_movement("sliding-window copy")


@shape_rule("UnfoldTensor", domain=MS)
def _unfold_shape(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None]
    axis = int(node.attrs.get("dim", -1)) % len(x)
    size, step = int(node.attrs["size"]), int(node.attrs.get("step", 1))
    out = list(x)
    out[axis] = floordiv(x[axis] - size, step) + 1
    return [(*out, size)]


# -------------------------------------------------------------------- sets and hashing


rule("Unique", domain=MS)(unique)


@shape_rule("Unique", domain=MS)
def _unique_shape(node, shapes, values):
    x = shapes[0]
    return [(None,), x, (None,)]


@dtype_rule("Unique", domain=MS)
def _unique_dtype(node, dtypes):
    return [dtypes[0], "int64", "int64"]


@rule("MurmurHash3", domain=MS)
def murmur_hash3(view: NodeView) -> Work:
    """Integer FLOPs = elements × (7 per 4-byte block + 10 finalization); strings: 16 bytes assumed."""
    dtype = view.input(0).dtype
    if dtype == "string":
        blocks, note = MURMUR_STRING_BLOCKS, "string length unknown: 16 bytes assumed"
    else:
        blocks, note = max(bits_of(dtype) // 32, 1), ""
    flops = view.in_numel(0) * (MURMUR_BLOCK_FLOPS * blocks + MURMUR_FINAL_FLOPS)
    out = "uint32" if int(view.attr("positive")) else "int32"
    return Work(flops=flops, dtype=out, status="estimated" if note else "ok", note=note)


shape_rule("MurmurHash3", domain=MS)(_same_shape)


@dtype_rule("MurmurHash3", domain=MS)
def _murmur_dtype(node, dtypes):
    return ["uint32" if int(node.attrs.get("positive", 1)) else "int32"]


# ------------------------------------------------------------------- dropout, checks


def _dropout(view: NodeView, per_element: int, training_index: int) -> Work:
    """`per_element` FLOPs (+2 in training) per element; a plain copy when there are none."""
    if _training(view, training_index):
        per_element += TRAINING_DROPOUT_FLOPS
    if per_element == 0:
        return data_movement("inference: a copy, mask all ones")
    return Work(flops=per_element * view.in_numel(0))


@rule("BitmaskDropout", domain=MS)
def bitmask_dropout(view: NodeView) -> Work:
    """Inference: a copy (0 FLOPs); training: 2 × elements (mask compare, scale); mask: 32 bits per uint32."""
    return _dropout(view, 0, 2)


@rule("BitmaskBiasDropout", domain=MS)
def bitmask_bias_dropout(view: NodeView) -> Work:
    """FLOPs = elements × (1 bias + 1 if residual + 2 if training: mask compare and scale)."""
    return _dropout(view, 1 + int(view.has_input(2)), 4)


@shape_rule("BitmaskDropout", "BitmaskBiasDropout", domain=MS)
def _bitmask_dropout_shape(node, shapes, values):
    x = shapes[0]
    return [x, None if x is None else (ceildiv(product(x), 32),)]


@dtype_rule("BitmaskDropout", "BitmaskBiasDropout", domain=MS)
def _bitmask_dropout_dtype(node, dtypes):
    return [dtypes[0], "uint32"]


@rule("IsAllFinite", domain=MS)
def is_all_finite(view: NodeView) -> Work:
    """FLOPs = 2 × elements of every input (isfinite test, and-accumulate)."""
    elements = sum((view.in_numel(i) for i in range(len(view.inputs)) if view.has_input(i)), 0)
    return Work(flops=FINITE_CHECK_FLOPS * elements)


@shape_rule("IsAllFinite", domain=MS)
def _is_all_finite_shape(node, shapes, values):
    return [()]


@dtype_rule("IsAllFinite", domain=MS)
def _is_all_finite_dtype(node, dtypes):
    return ["bool"]


@rule("DynamicTimeWarping", domain=MS)
def dynamic_time_warping(view: NodeView) -> Work:
    """FLOPs = 3·M·N (min of 3 neighbours + cost per cell) + 2·(M + N) (backtrack, longest path)."""
    rows, cols = view.in_shape(0)[-2:]
    path = rows + cols
    flops = DTW_CELL_FLOPS * rows * cols + DTW_STEP_FLOPS * path
    return Work(flops=flops, bytes_written=nbytes_of(2 * (path - 1), "int32"), status="estimated",
                note="path length data-dependent: M + N − 1 written (upper bound)")  # fmt: skip


@shape_rule("DynamicTimeWarping", domain=MS)
def _dtw_shape(node, shapes, values):
    return [(2, None)]


@dtype_rule("DynamicTimeWarping", domain=MS)
def _dtw_dtype(node, dtypes):
    return ["int32"]


# ------------------------------------------------------------------------ opaque nodes


def _opaque(view: NodeView) -> Work:
    return Work(status="estimated", note=OPAQUE_NOTE.format(op=view.node.op_type))


@rule("EPContext", domain=MS)
def ep_context(view: NodeView) -> Work:
    """Unknown: a compiled execution-provider partition; inputs read, outputs written, 0 FLOPs counted."""
    return _opaque(view)


@rule("Snpe", domain=MS)
def snpe(view: NodeView) -> Work:
    """Unknown: an embedded SNPE DLC network; its inputs read and outputs written, 0 FLOPs counted."""
    return _opaque(view)


@rule("SampleOp", domain=MS)
def sample_op(view: NodeView) -> Work:
    """0 FLOPs: ORT's sample echo op (Y = X); a template, so marked estimated."""
    return Work(status="estimated", note="sample echo op: Y = X copied")


shape_rule("SampleOp", domain=MS)(_same_shape)
