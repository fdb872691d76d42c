"""Pure cost maths of the heavy kernels, shared by the rules and tested on their own."""

from __future__ import annotations

from collections.abc import Sequence

from onnxcost.rules.shape_rules import broadcast, einsum_letters
from onnxcost.symbolic.formulas import floordiv, product, smaller
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


def recurrent_macs(
    seq: Dim, batch: Dim, input_size: Dim, hidden: Dim, directions: Dim, gates: int
) -> Dim:
    """Recurrent-cell MACs = seq·batch·directions·gates·hidden·(input + hidden) (W·x and R·h per gate)."""
    return seq * batch * directions * gates * hidden * (input_size + hidden)


def lstm_macs(seq: Dim, batch: Dim, input_size: Dim, hidden: Dim, directions: Dim) -> Dim:
    """LSTM MACs = seq·batch·directions·4·hidden·(input + hidden) (gates i, o, f, c)."""
    return recurrent_macs(seq, batch, input_size, hidden, directions, 4)


def gru_macs(seq: Dim, batch: Dim, input_size: Dim, hidden: Dim, directions: Dim) -> Dim:
    """GRU MACs = seq·batch·directions·3·hidden·(input + hidden) (gates z, r, h)."""
    return recurrent_macs(seq, batch, input_size, hidden, directions, 3)


def rnn_macs(seq: Dim, batch: Dim, input_size: Dim, hidden: Dim, directions: Dim) -> Dim:
    """Simple RNN MACs = seq·batch·directions·hidden·(input + hidden)."""
    return recurrent_macs(seq, batch, input_size, hidden, directions, 1)


def is_power_of_two(n: Dim) -> bool:
    """True for an int n = 2^k, k ≥ 0 (False for a symbol)."""
    return isinstance(n, int) and n > 0 and n & (n - 1) == 0


def fft_flops(n: int) -> int:
    """Radix-2 complex FFT of power-of-two length n: 5·n·log2(n) real FLOPs (FFTW's convention)."""
    return 5 * n * (n.bit_length() - 1)


def naive_dft_macs(n_in: Dim, n_out: Dim) -> Dim:
    """Direct DFT real MACs = 4·n_in·n_out (n_out bins, each n_in complex MACs of 4 real MACs)."""
    return 4 * n_in * n_out


def interpolation_flops(values: Dim, taps: Dim) -> Dim:
    """Weighted sum of `taps` neighbours per value: values·(taps multiplies + taps − 1 adds)."""
    return values * (2 * taps - 1)


def lu_det_macs(m: Dim) -> Dim:
    """Gaussian elimination of an m×m matrix: Σ_{k<m} (m−k)² = (m−1)·m·(2m−1)/6 multiply-subtracts."""
    return floordiv((m - 1) * m * (2 * m - 1), 6)


def box_pairs(boxes: Dim, kept: Dim | None = None) -> Dim:
    """IoU evaluations of greedy NMS, worst case: n(n−1)/2, or n·kept when at most `kept` survive."""
    pairs = floordiv(boxes * (boxes - 1), 2)
    if kept is None:
        return pairs
    return smaller(pairs, boxes * kept)


def linear_weight_flops(rank: int) -> int:
    """N-linear weights at a point: floor, t, 1 − t per dim + 2^r corner products = 3r + 2^r·(r−1)."""
    return 3 * rank + 2**rank * (rank - 1)


def cubic_weight_flops(rank: int) -> int:
    """N-cubic weights at a point: floor, t, 4 Horner cubics (6) per dim + 4^r products = 26r + 4^r·(r−1)."""
    return 26 * rank + 4**rank * (rank - 1)


def recurrence(
    tokens: Dim, out_heads: Dim, state_heads: Dim, key_dim: Dim, value_dim: Dim, update_rule: str
) -> tuple[Dim, Dim]:
    """(MACs, FLOPs beside 2·MACs) of `tokens` recurrent steps of one linear-attention update rule."""
    gated, delta = update_rule in ("gated", "gated_delta"), update_rule in ("delta", "gated_delta")
    state = state_heads * key_dim * value_dim
    macs = tokens * (state * (1 + int(delta)) + out_heads * key_dim * value_dim)
    per_token = out_heads * value_dim  # output scale
    if gated:
        per_token += state  # exp(g)·S
    if delta:
        per_token += 2 * state_heads * value_dim  # v − Sᵀk, β·(…)
    return macs, tokens * per_token
