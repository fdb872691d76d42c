"""ONNX Runtime's fused normalizations (com.microsoft): skip and simplified (RMS) layer norms,
group norms and the embedding + layer norm of BERT-like encoders.

Each costs what its unfused pieces cost, counted by the default domain's tables (the 5-per-element
+ 5-per-row statistics of a layer norm), and registers its output shapes and dtypes: ONNX shape
inference knows nothing of this domain.
"""

from __future__ import annotations

from collections.abc import Sequence

from onnxcost.dtypes import nbytes_of
from onnxcost.rules.common import tensor_bytes
from onnxcost.rules.contrib import SILU_FLOPS
from onnxcost.rules.norm import STATS_PER_ELEMENT, STATS_PER_GROUP, layer_normalization
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import dtype_rule, shape_rule
from onnxcost.symbolic.formulas import normalize, product
from onnxcost.types import DEFAULT_DOMAIN, MS_DOMAIN, Dim, Work

MS = MS_DOMAIN

# RMS normalization: per element square, sum, scale by 1/rms and by γ (4); per row divide by
# n, add ε, sqrt, reciprocal (4).
RMS_PER_ELEMENT = 4
RMS_PER_ROW = 4


# --------------------------------------------------------------------------- normalizations


def _rows(shape: Sequence[Dim], axis: int = -1) -> Dim:
    """Elements before the normalized axis (one statistics row each)."""
    return product(shape[: axis % len(shape)])


def _layer_norm_flops(elements: Dim, rows: Dim, affine_terms: int) -> Dim:
    """FLOPs = elements·(5 + affine terms) + 5·rows (the default-domain LayerNormalization's count)."""
    return elements * (STATS_PER_ELEMENT + affine_terms) + STATS_PER_GROUP * rows


def _rms_norm_flops(elements: Dim, rows: Dim) -> Dim:
    """FLOPs = 4·elements + 4·rows: x², Σ, ·1/rms, ·γ per element; ÷n, +ε, √, 1/x per row."""
    return RMS_PER_ELEMENT * elements + RMS_PER_ROW * rows


@rule("SkipLayerNormalization", domain=MS)
def skip_layer_normalization(view: NodeView) -> Work:
    """s = x + skip (+ bias); LayerNorm(s)·γ (+ β): FLOPs = elements·(1 + bias + 5 + 1 + β) + 5·rows."""
    x = view.in_shape(0)
    elements = view.in_numel(0)
    adds = 1 + int(view.has_input(4))
    affine = 1 + int(view.has_input(3))
    return Work(flops=adds * elements + _layer_norm_flops(elements, _rows(x), affine))


@rule("SkipSimplifiedLayerNormalization", domain=MS)
def skip_simplified_layer_normalization(view: NodeView) -> Work:
    """s = x + skip (+ bias); RMSNorm(s)·γ: FLOPs = elements·(1 + bias + 4) + 4·rows."""
    x = view.in_shape(0)
    elements = view.in_numel(0)
    adds = 1 + int(view.has_input(3))
    return Work(flops=adds * elements + _rms_norm_flops(elements, _rows(x)))


@shape_rule("SkipLayerNormalization", "SkipSimplifiedLayerNormalization", domain=MS)
def _skip_norm_shape(node, shapes, values):
    x = shapes[0]
    stats = None if x is None else (*x[:-1], 1)
    return [x, stats, stats, x]


@dtype_rule("SkipLayerNormalization", "SkipSimplifiedLayerNormalization", domain=MS)
def _skip_norm_dtype(node, dtypes):
    return [dtypes[0], "float32", "float32", dtypes[0]]


@rule("SimplifiedLayerNormalization", domain=DEFAULT_DOMAIN)
@rule("SimplifiedLayerNormalization", domain=MS)
def simplified_layer_normalization(view: NodeView) -> Work:
    """RMSNorm: y = x / √(mean(x²) + ε) · γ: FLOPs = 4·elements + 4·rows (rows = ∏ dims before axis)."""
    x = view.in_shape(0)
    return Work(flops=_rms_norm_flops(view.in_numel(0), _rows(x, int(view.attr("axis", -1)))))


@shape_rule("SimplifiedLayerNormalization", domain=DEFAULT_DOMAIN)
@shape_rule("SimplifiedLayerNormalization", "LayerNormalization", domain=MS)
def _norm_shape(node, shapes, values):
    x = shapes[0]
    if x is None:
        return [None, None, None]
    axis = int(node.attrs.get("axis", -1)) % len(x)
    stats = (*x[:axis], *([1] * (len(x) - axis)))
    if node.op_type == "SimplifiedLayerNormalization":
        return [x, stats]
    return [x, stats, stats]


@dtype_rule("SimplifiedLayerNormalization", domain=DEFAULT_DOMAIN)
@dtype_rule("SimplifiedLayerNormalization", "LayerNormalization", domain=MS)
def _norm_dtype(node, dtypes):
    return [dtypes[0], "float32", "float32"]


rule("LayerNormalization", domain=MS)(layer_normalization)


@rule("GroupNorm", "SkipGroupNorm", domain=MS)
def group_norm(view: NodeView) -> Work:
    """FLOPs = elements·(5 + 2 affine + skip adds + 5 if SiLU) + 5·N·groups."""
    x = view.in_shape(0)
    elements = view.in_numel(0)
    per_element = 0
    if view.node.op_type == "SkipGroupNorm":
        per_element += 1 + int(view.has_input(4))
    if int(view.attr("activation") or 0) == 1:
        per_element += SILU_FLOPS
    groups = int(view.attr("groups"))
    return Work(flops=per_element * elements + _layer_norm_flops(elements, x[0] * groups, 2))


@shape_rule("GroupNorm", "SkipGroupNorm", domain=MS)
def _group_norm_shape(node, shapes, values):
    return [shapes[0], shapes[0]]


EMBED_TABLES = (2, 3, 4)  # word, position, segment embedding inputs


@rule("EmbedLayerNormalization", domain=MS)
def embed_layer_normalization(view: NodeView) -> Work:
    """Gather t tables, add, LayerNorm·γ+β: FLOPs = B·S·H·(t − 1 + 7) + 5·B·S + B·S mask sums."""
    ids = view.in_shape(0)
    hidden = view.in_shape(2)[-1]
    tokens = product(ids)
    tables = [i for i in EMBED_TABLES if view.has_input(i)]
    elements = tokens * hidden
    flops = (len(tables) - 1) * elements + _layer_norm_flops(elements, tokens, 2)
    if view.has_input(7):
        flops += view.in_numel(7)
    return Work(flops=flops, **embedding_reads(view, tables, tokens * hidden))


def embedding_reads(view: NodeView, tables: Sequence[int], gathered: Dim) -> dict[str, Dim]:
    """Bytes read: `gathered` elements (one row per token) of each table, other inputs whole."""
    weights: Dim = 0
    activations: Dim = 0
    for index, info in enumerate(view.inputs):
        if info is None or info.shape is None:
            continue
        size = nbytes_of(gathered, info.dtype) if index in tables else tensor_bytes(view, index)
        if info.is_constant:
            weights += size
        else:
            activations += size
    return {"bytes_read_weights": normalize(weights), "bytes_read_activations": normalize(activations)}


@shape_rule("EmbedLayerNormalization", domain=MS)
def _embed_shape(node, shapes, values):
    ids, table = shapes[0], shapes[2]
    if ids is None or table is None:
        return [None, None, None]
    out = (*ids, table[-1])
    return [out, (ids[0],), out]


@dtype_rule("EmbedLayerNormalization", domain=MS)
def _embed_dtype(node, dtypes):
    return [dtypes[2], "int32", dtypes[2]]
