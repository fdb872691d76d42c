"""ONNX Runtime's LLM-serving attention ops (com.microsoft): PagedAttention over a block KV cache,
the selected-index sparse attentions (SparsePagedAttention, DynamicSparseAttention) and the
indexers that choose what they read (SparseAttentionIndexer and its packed variants).

How many keys a query sees is run-time data (past lengths, the selection). These rules take its
static upper bound: a sequence's KV capacity (block_table width × block size, or a folded
attention_metadata bound), a local window, the selection capacity; every figure is "estimated".
A paged cache is one pool shared by every sequence and updated in place: the bytes counted are
the rows the batch can read and the new rows written, not the whole pool.
"""

from __future__ import annotations

from onnxcost.dtypes import nbytes_of
from onnxcost.rules.common import tensor_bytes
from onnxcost.rules.contrib import ROTARY_FLOPS_PER_ELEMENT
from onnxcost.rules.contrib_attention import SOFTCAP_FLOPS
from onnxcost.rules.contrib_attention_more import attention_flops
from onnxcost.rules.indexing import ceil_log2, split_reads
from onnxcost.rules.quant import QUANTIZE_FLOPS
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import dtype_rule, shape_rule
from onnxcost.symbolic.formulas import floordiv, normalize
from onnxcost.types import MS_DOMAIN, Dim, Work

MS = MS_DOMAIN
SINK_FLOPS = 2  # exp(sink) added to the softmax denominator, per query row and head
RMS_PER_ELEMENT, RMS_PER_ROW = 4, 4  # x², Σ, ·1/rms, ·γ; ÷n, +ε, √, 1/x
PAGED_NOTE = "keys per query: the sequence's KV capacity (block_table × block size) or a metadata bound"


def _at_most(value: Dim, bound: Dim) -> Dim:
    """min(value, bound) on ints; `value` when either is a symbol."""
    if isinstance(value, int) and isinstance(bound, int):
        return min(value, bound)
    return value


def _scalars(view: NodeView, index: int) -> list[int] | None:
    """A folded int input as a list (None when absent or unknown)."""
    value = view.value(index) if view.has_input(index) else None
    return None if value is None else [int(v) for v in value.reshape(-1)]


def _heads(view: NodeView) -> tuple[int, int, Dim]:
    """(H, Hkv, head size) of a packed (tokens, ·) query, or packed QKV when key is absent."""
    heads, kv_heads = int(view.attr("num_heads")), int(view.attr("kv_num_heads"))
    width = view.in_shape(0)[-1]
    parts = heads if view.has_input(1) else heads + 2 * kv_heads
    return heads, kv_heads, floordiv(width, parts)


def _qk_extras(view: NodeView, rows: Dim, heads: int, kv_heads: int, head: Dim,
               rotary: int, norm: int, sink: int) -> Dim:  # fmt: skip
    """Rotary on Q and new K, per-head RMS norm of Q and K, softmax sinks (`rows` query tokens)."""
    extra: Dim = 0
    if int(view.attr("do_rotary") or 0):
        cos = view.in_shape(rotary) if view.has_input(rotary) else None
        width = 2 * cos[-1] if cos is not None else head
        extra += ROTARY_FLOPS_PER_ELEMENT * rows * (heads + kv_heads) * width
    if view.has_input(norm):
        extra += rows * (heads + kv_heads) * (RMS_PER_ELEMENT * head + RMS_PER_ROW)
    if view.has_input(sink):
        extra += SINK_FLOPS * rows * heads
    return extra


def _paged_bytes(view: NodeView, rows_read: Dim, new_rows: Dim, caches: tuple[int, ...]) -> dict[str, Dim]:
    """Reads: every input but the caches, + `rows_read` rows of each cache; writes: output + new rows."""
    reads = [(i, tensor_bytes(view, i)) for i in range(len(view.inputs)) if i not in caches]
    output = view.output(0)
    written = output.nbytes if output is not None and output.shape is not None else 0
    for index in caches:
        if not view.has_input(index):
            continue
        cache = view.in_shape(index)
        row = cache[2] * cache[3]  # kv heads × (packed) head size
        reads.append((index, nbytes_of(rows_read * row, view.input(index).dtype)))
        written += nbytes_of(new_rows * row, view.input(index).dtype)
    activations, weights = split_reads(view, reads)
    return {"bytes_read_activations": normalize(activations), "bytes_read_weights": normalize(weights),
            "bytes_written": normalize(written)}  # fmt: skip


def _capacity(view: NodeView, table: int, cache: int) -> tuple[Dim, Dim]:
    """(batch, keys a sequence can hold) = (block_table rows, blocks per sequence × block size)."""
    blocks = view.in_shape(table)
    return blocks[0], blocks[1] * view.in_shape(cache)[1]


def _quantized_cache(view: NodeView, scale: int, rows_read: Dim, new_rows: Dim, width: Dim) -> Dim:
    """An int8 / fp8 cache with a scale: 1 FLOP per element read (·scale), 4 per element written."""
    if not view.has_input(scale):
        return 0
    return rows_read * width + QUANTIZE_FLOPS * new_rows * width


# -------------------------------------------------------------------------- PagedAttention


@rule("PagedAttention", domain=MS)
def paged_attention(view: NodeView) -> Work:
    """MACs = tokens·H·T·(hd + v_hd), T = KV capacity (≤ window + 1); FLOPs = 2·MACs + 7/score + extras."""
    tokens = view.in_shape(0)[0]
    heads, kv_heads, head = _heads(view)
    latent = str(view.attr("kv_cache_layout")) == "LATENT"
    if latent:
        head = floordiv(view.in_shape(0)[-1], heads)
    v_head = int(view.attr("v_head_size") or 0) or head
    batch, total = _capacity(view, 7, 3)
    metadata = _scalars(view, 16)
    if metadata and len(metadata) > 1 and metadata[1] > 0:
        total = metadata[1]
    window = int(view.attr("local_window_size"))
    if window >= 0:
        total = _at_most(total, window + 1)
    scores = tokens * heads * total
    macs = scores * (head + v_head)
    extra = _qk_extras(view, tokens, heads, kv_heads, head, 8, 12, 11)
    if float(view.attr("softcap") or 0.0) > 0:
        extra += SOFTCAP_FLOPS * scores
    rows_read = batch * total
    extra += _quantized_cache(view, 14, rows_read * kv_heads, tokens * kv_heads, head)
    extra += _quantized_cache(view, 15, rows_read * kv_heads, tokens * kv_heads, v_head)
    flops = attention_flops(macs, scores, int(view.attr("is_causal")), extra)
    return Work(macs=macs, flops=flops, status="estimated", note=PAGED_NOTE,
                **_paged_bytes(view, rows_read, tokens, (3, 4)))  # fmt: skip


@shape_rule("PagedAttention", "SparsePagedAttention", domain=MS)
def _paged_shape(node, shapes, values):
    q = shapes[0]
    key_cache, value_cache = shapes[3], shapes[4] if len(node.inputs) > 4 and node.inputs[4] else None
    if q is None:
        return [None, key_cache, value_cache]
    heads, kv_heads = int(node.attrs["num_heads"]), int(node.attrs["kv_num_heads"])
    packed = not (len(node.inputs) > 1 and node.inputs[1])
    latent = node.attrs.get("kv_cache_layout") == "LATENT"
    head = floordiv(q[1], heads if latent or not packed else heads + 2 * kv_heads)
    v_head = int(node.attrs.get("v_head_size") or 0) or head
    return [(q[0], heads * v_head), key_cache, value_cache]


@dtype_rule("PagedAttention", "SparsePagedAttention", domain=MS)
def _paged_dtype(node, dtypes):
    value_cache = dtypes[4] if len(dtypes) > 4 and dtypes[4] else dtypes[3]
    return [dtypes[0], dtypes[3], value_cache]


# --------------------------------------------------------------------- SparsePagedAttention


@rule("SparsePagedAttention", domain=MS)
def sparse_paged_attention(view: NodeView) -> Work:
    """MACs = tokens·H·k·2hd, k = selected capacity (+ local window); FLOPs = 2·MACs + 7/score + extras."""
    tokens = view.in_shape(0)[0]
    heads, kv_heads, head = _heads(view)
    batch, capacity = _capacity(view, 7, 3)
    selected = view.in_shape(9)[1]
    window = int(view.attr("local_window_size"))
    local: Dim = 0
    if str(view.attr("attention_mode")) == "local_plus_selected":
        local = _at_most(capacity, window) if window >= 0 else capacity
    keys = selected + local
    metadata = _scalars(view, 21)
    if metadata and len(metadata) > 4 and metadata[4] > 0:
        keys = _at_most(keys, metadata[4])
    scores = tokens * heads * keys
    macs = scores * 2 * head
    extra = _qk_extras(view, tokens, heads, kv_heads, head, 14, 17, 16)
    if float(view.attr("softcap") or 0.0) > 0:
        extra += SOFTCAP_FLOPS * scores
    from_main = keys if str(view.attr("selected_kv_source")) == "main" else local
    rows_read = _at_most(tokens * from_main, batch * capacity)
    extra += _quantized_cache(view, 19, rows_read * kv_heads, tokens * kv_heads, head)
    extra += _quantized_cache(view, 20, rows_read * kv_heads, tokens * kv_heads, head)
    flops = attention_flops(macs, scores, 1, extra)
    return Work(macs=macs, flops=flops, status="estimated",
                note="keys per query: the selection capacity (+ local window)",
                **_paged_bytes(view, rows_read, tokens, (3, 4)))  # fmt: skip


# ------------------------------------------------------------------- DynamicSparseAttention


@rule("DynamicSparseAttention", domain=MS)
def dynamic_sparse_attention(view: NodeView) -> Work:
    """MACs = B·H·S·k·2hd, k = selected capacity (+ local window); FLOPs = 2·MACs + 7/score + extras."""
    q = view.in_shape(0)
    batch, seq = q[0], q[1]
    heads, kv_heads, head = _heads(view)
    keys = view.in_shape(7)[1]
    window = int(view.attr("local_window_size"))
    if str(view.attr("attention_mode")) == "local_plus_selected" and window > 0:
        keys += window
    scores = batch * heads * seq * keys
    macs = scores * 2 * head
    rows = batch * seq
    extra = _qk_extras(view, rows, heads, kv_heads, head, 11, 14, 16)
    if view.has_input(18):  # int8 main cache: new K and V quantized
        extra += 2 * QUANTIZE_FLOPS * rows * kv_heads * head
    flops = attention_flops(macs, scores, 1, extra)
    return Work(macs=macs, flops=flops, status="estimated",
                note="keys per query: the selection capacity (+ local window)")  # fmt: skip


@shape_rule("DynamicSparseAttention", domain=MS)
def _dynamic_sparse_shape(node, shapes, values):
    q = shapes[0]
    if q is None:
        return [None] * 4
    heads, kv_heads = int(node.attrs["num_heads"]), int(node.attrs["kv_num_heads"])
    packed = not (len(node.inputs) > 1 and node.inputs[1])
    head = floordiv(q[2], heads + 2 * kv_heads if packed else heads)
    past = shapes[3] if len(shapes) > 3 and node.inputs[3] else None
    total = values[10] if len(values) > 10 else None
    if total is not None:
        length: Dim = int(total.reshape(-1)[0])
    else:
        length = q[1] if past is None else normalize(past[2] + q[1])
    cache = (q[0], kv_heads, length, head)
    return [(q[0], q[1], heads * head), cache, cache, (q[0],)]


@dtype_rule("DynamicSparseAttention", domain=MS)
def _dynamic_sparse_dtype(node, dtypes):
    cache = dtypes[3] if len(dtypes) > 3 and dtypes[3] else dtypes[0]
    out = "bfloat16" if int(node.attrs.get("output_bf16", 0)) else dtypes[0]
    return [out, cache, cache, "int32"]


# --------------------------------------------------------------------------------- indexers


def _indexer_capacity(node_attrs) -> int:
    """Selected entries per query: token_budget + ratio − 1 (qsa) or index_topk (csa)."""
    ratio = int(node_attrs["compress_ratio"])
    if node_attrs.get("policy_mode") == "qsa":
        return int(node_attrs["token_budget"]) + ratio - 1
    return int(node_attrs["index_topk"])


def _indexer_flops(queries: Dim, entries: Dim, heads: int, head: Dim, capacity: int, csa: bool) -> Work:
    """MACs = Q·E·H·hd (q_h·k); FLOPs = 2·MACs + Q·E·(2H + H if csa + ⌈log2 cap⌉) + query RMS and RoPE."""
    macs = queries * entries * heads * head
    per_entry = 2 * heads + (heads if csa else 0) + ceil_log2(capacity)
    query_prep = heads * ((RMS_PER_ELEMENT + ROTARY_FLOPS_PER_ELEMENT) * head + RMS_PER_ROW)
    flops = 2 * macs + queries * (entries * per_entry + query_prep)
    return Work(macs=macs, flops=flops, status="estimated",
                note="entries scored: every visible block (upper bound)")  # fmt: skip


@rule("SparseAttentionIndexer", domain=MS)
def sparse_attention_indexer(view: NodeView) -> Work:
    """MACs = B·S·E·H·hd (E entries scored, Σ_h ReLU(q_h·k)); FLOPs = 2·MACs + top-k, RMS, RoPE, pooling."""
    q = view.in_shape(0)
    batch, seq = q[0], q[1]
    head = view.in_shape(2)[0]
    csa = str(view.attr("policy_mode")) == "csa"
    heads = floordiv(q[2], head) - (0 if csa or view.has_input(1) else 1)
    ratio = int(view.attr("compress_ratio"))
    past = _scalars(view, 12)
    cached = past[0] if past else view.in_shape(7)[1]
    if csa:
        new_entries = floordiv(seq, ratio)
        entries = cached + new_entries
        pooling = batch * new_entries * ratio * 2 * head * 7  # Ca/Cb gate softmax (5) + weighted sum (2)
    else:
        entries = floordiv(cached + seq, ratio)
        pooling = batch * (cached + seq) * head  # block mean-pooling of the raw keys
    work = _indexer_flops(batch * seq, entries, heads, head, _indexer_capacity(view.node.attrs), csa)
    keys_prep = batch * entries * (head * (RMS_PER_ELEMENT + ROTARY_FLOPS_PER_ELEMENT) + RMS_PER_ROW)
    return Work(macs=work.macs, flops=work.flops + pooling + keys_prep, status=work.status, note=work.note)


@shape_rule("SparseAttentionIndexer", domain=MS)
def _indexer_shape(node, shapes, values):
    q, past = shapes[0], shapes[7]
    if q is None:
        return [None] * 3
    selected = (q[0], q[1], _indexer_capacity(node.attrs))
    if (len(node.inputs) > 12 and node.inputs[12]) or past is None:
        present = past
    elif node.attrs.get("policy_mode") == "qsa":
        present = (past[0], normalize(past[1] + q[1]), past[2])
    else:
        present = (past[0], None, past[2])
    proj = None if past is None else (2, q[0], None, 2 * past[2])
    return [selected, present, proj]


@dtype_rule("SparseAttentionIndexer", "PackedSparseAttentionIndexer", domain=MS)
def _indexer_dtype(node, dtypes):
    state = dtypes[12] if len(dtypes) > 12 and dtypes[12] else dtypes[0]
    if node.op_type == "SparseAttentionIndexer":
        return ["int32", dtypes[7], dtypes[0]]
    return ["int32", "int32", state, dtypes[0], dtypes[0], "int32", dtypes[0], "int32", "int32"]


@rule("PackedSparseAttentionIndexer", domain=MS)
def packed_sparse_attention_indexer(view: NodeView) -> Work:
    """Per packed query ≤ state_capacity entries scored: MACs = N·C·H·hd; + top-k, RMS and RoPE of queries."""
    q = view.in_shape(0)
    head = view.in_shape(2)[0]
    csa = str(view.attr("policy_mode")) == "csa"
    heads = floordiv(q[1], head) - (0 if csa or view.has_input(1) else 1)
    entries = int(view.attr("state_capacity"))
    return _indexer_flops(q[0], entries, heads, head, _indexer_capacity(view.node.attrs), csa)


@shape_rule("PackedSparseAttentionIndexer", domain=MS)
def _packed_indexer_shape(node, shapes, values):
    q = shapes[0]
    state, buffer = shapes[12], shapes[13]
    gate = shapes[14] if len(shapes) > 14 and node.inputs[14] else None
    lengths = shapes[15]
    if q is None or state is None:
        return [None] * 9
    tokens, batch = q[0], state[0]
    width = int(node.attrs.get("max_output_entries") or 0) or _indexer_capacity(node.attrs)
    update = (batch, int(node.attrs.get("state_update_capacity") or 0), state[2])
    return [(tokens, width), (tokens,), state, buffer, gate, lengths, update, (tokens,), (batch,)]


@rule("PackedSparseAttentionIndexerMerge", domain=MS)
def packed_sparse_indexer_merge(view: NodeView) -> Work:
    """FLOPs ≈ 2·N·(C + A) (membership test, insert per candidate; A = max_output_entries for ranges)."""
    rows = view.in_shape(2)[0]
    base = view.in_shape(0)[1]
    extra = view.in_shape(5)[1] if view.has_input(5) else int(view.attr("max_output_entries"))
    return Work(flops=2 * rows * (base + extra), dtype="int32", status="estimated",
                note="candidate counts are data: every slot counted")  # fmt: skip


@shape_rule("PackedSparseAttentionIndexerMerge", domain=MS)
def _merge_shape(node, shapes, values):
    rows = shapes[2]
    if rows is None:
        return [None] * 3
    return [(rows[0], int(node.attrs["max_output_entries"])), (rows[0],), (rows[0],)]
