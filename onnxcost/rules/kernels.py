"""Pure cost maths of the heavy kernels, shared by the rules and tested on their own."""

from __future__ import annotations

from collections.abc import Sequence

from onnxcost.shape_rules import broadcast
from onnxcost.symbolic import floordiv, product
from onnxcost.types import Dim


def conv_macs(
    out_shape: Sequence[Dim], kernel: Sequence[Dim], in_channels: Dim, group: int
) -> Dim:
    """Conv MACs = N·Cout·∏(spatial out) · (Cin/group) · ∏(kernel)."""
    return product(out_shape) * floordiv(in_channels, group) * product(kernel)


def conv_transpose_macs(
    in_shape: Sequence[Dim], kernel: Sequence[Dim], out_channels: Dim, group: int
) -> Dim:
    """ConvTranspose MACs = N·Cin·∏(spatial in) · (Cout/group) · ∏(kernel) (each input scatters)."""
    return product(in_shape) * floordiv(out_channels, group) * product(kernel)


def matmul_macs(a_shape: Sequence[Dim], b_shape: Sequence[Dim]) -> Dim:
    """MatMul MACs = ∏(broadcast batch) · M · K · N (1-D operands promoted as numpy does)."""
    a, b = list(a_shape), list(b_shape)
    if len(a) == 1:
        a = [1, *a]
    if len(b) == 1:
        b = [*b, 1]
    batch = broadcast(tuple(a[:-2]), tuple(b[:-2])) if (a[:-2] or b[:-2]) else ()
    return product(batch) * a[-2] * a[-1] * b[-1]


def gemm_macs(m: Dim, k: Dim, n: Dim) -> Dim:
    """Gemm MACs = M·K·N (the α, β scaling and bias are element-wise FLOPs on top)."""
    return m * k * n


def einsum_letters(
    equation: str, shapes: Sequence[Sequence[Dim]]
) -> tuple[dict[str, Dim], str]:
    """Size of each index letter and the output subscripts of an einsum equation."""
    equation = equation.replace(" ", "")
    lhs, _, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum {equation!r} has {len(terms)} operands, got {len(shapes)}")
    sizes: dict[str, Dim] = {}
    ellipsis_dims: tuple[Dim, ...] = ()
    for term, shape in zip(terms, shapes, strict=True):
        if "..." in term:
            head, tail = term.split("...")
            extra = len(shape) - len(head) - len(tail)
            ell = tuple(shape[len(head) : len(head) + extra])
            ellipsis_dims = broadcast(ellipsis_dims, ell) if ellipsis_dims else ell
            letters = head + tail
            dims = list(shape[: len(head)]) + list(shape[len(head) + extra :])
        else:
            letters, dims = term, list(shape)
        for letter, dim in zip(letters, dims, strict=True):
            if letter not in sizes or sizes[letter] == 1:
                sizes[letter] = dim
    for i, dim in enumerate(ellipsis_dims):
        sizes[f"\x00{i}"] = dim
    ell_letters = "".join(f"\x00{i}" for i in range(len(ellipsis_dims)))
    if "->" in equation:
        output = rhs.replace("...", ell_letters)
    else:
        seen = [c for c in lhs.replace(",", "").replace("...", "") if c.isalpha()]
        output = ell_letters + "".join(sorted(c for c in set(seen) if seen.count(c) == 1))
    return sizes, output


def einsum_macs(equation: str, shapes: Sequence[Sequence[Dim]]) -> Dim:
    """Einsum MACs = ∏(size of every distinct index) · (operands − 1) (pairwise products)."""
    sizes, _ = einsum_letters(equation, shapes)
    return product(sizes.values()) * max(len(shapes) - 1, 1)


def attention_flops(seq: Dim, d_model: Dim) -> Dim:
    """Self-attention FLOPs = 8·N·d² (Q, K, V, output projections) + 4·N²·d (scores, weighted sum)."""
    return 8 * seq * d_model * d_model + 4 * seq * seq * d_model


def sdpa_macs(batch_heads: Dim, q_len: Dim, kv_len: Dim, head_dim: Dim, v_dim: Dim) -> Dim:
    """Scaled dot-product attention MACs = B·H·(Lq·Lkv·dk + Lq·Lkv·dv)."""
    return batch_heads * q_len * kv_len * (head_dim + v_dim)


def window_reads(out_numel: Dim, kernel: Sequence[Dim]) -> Dim:
    """Elements a pooling window reads = output elements · ∏(kernel)."""
    return out_numel * product(kernel)
