"""Signal processing: DFT, STFT, the window generators and the mel filter bank.

Transform cost, the choice made here: a transform whose length N is a power of two is
counted as a radix-2 FFT, 5·N·log2(N) real FLOPs (the convention of the benchFFT methodology,
http://www.fftw.org/speed/method.html, for a complex transform; real input and one-sided output
are not discounted, so a real FFT is counted at up to twice its 2.5·N·log2(N)), status "estimated";
any other N (or an unbound one) as the direct DFT the spec defines: each of the N_out output
bins sums N complex products, 4 real MACs each.
"""

from __future__ import annotations

from onnxcost.rules.kernels import fft_flops, is_power_of_two, naive_dft_macs
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import shape_rule
from onnxcost.symbolic.formulas import floordiv, product
from onnxcost.types import Dim, Work

FFT_NOTE = "radix-2 FFT: 5·N·log2(N) FLOPs per transform"
HANN_FLOPS = 5  # a0 − a1·cos(2π·n/N): mul, div, cos, mul, sub
BLACKMAN_FLOPS = 9  # a0 − a1·cos(2πn/N) + a2·cos(4πn/N): mul, div, cos, mul, ×2, cos, mul, sub, add
MEL_POINT_FLOPS = 7  # mel step, mel→Hz (div, expm1, mul), Hz→bin (add, mul, floor-divide)
MEL_ENTRY_FLOPS = 2  # triangle weight: subtract, divide


def transform_work(transforms: Dim, n: Dim, n_out: Dim, inverse: bool) -> Work:
    """`transforms` 1-D transforms of length n giving n_out bins (+2 FLOPs per bin for 1/N scaling)."""
    scale = 2 * transforms * n_out if inverse else 0
    if is_power_of_two(n) and n > 1:
        return Work(flops=transforms * fft_flops(n) + scale, status="estimated", note=FFT_NOTE)
    macs = transforms * naive_dft_macs(n, n_out)
    note = "" if isinstance(n, int) else "N unbound: direct DFT counted"
    return Work(macs=macs, flops=2 * macs + scale, status="estimated" if note else "ok", note=note)


def _scalar(view: NodeView, index: int) -> int | None:
    value = view.value(index)
    return None if value is None else int(value.reshape(-1)[0])


def _with_notes(work: Work, notes: list[str]) -> Work:
    """`work` marked "estimated" with the assumptions made, when there are any."""
    if not notes:
        return work
    note = "; ".join([*notes, work.note] if work.note else notes)
    return Work(macs=work.macs, flops=work.flops, status="estimated", note=note)


def _dft(view: NodeView, axis: int, notes: list[str]) -> Work:
    """Transforms = elements ÷ (N_axis · components); N = dft_length or the axis length."""
    x = view.in_shape(0)
    axis %= len(x)
    onesided = bool(view.attr("onesided"))
    n = _scalar(view, 1) if view.has_input(1) else x[axis]
    if n is None:
        n = x[axis] if onesided else view.out_shape(0)[axis]
        if onesided:
            notes.append("dft_length not constant: input length assumed")
    transforms = product(d for i, d in enumerate(x[:-1]) if i != axis)
    n_out = floordiv(n, 2) + 1 if onesided else n
    return _with_notes(transform_work(transforms, n, n_out, bool(view.attr("inverse"))), notes)


@rule("DFT", since=17)
def dft_17(view: NodeView) -> Work:
    """FLOPs = T·5·N·log2 N (N = 2^k: FFT), else MACs = T·4·N·N_out (direct DFT); axis attribute."""
    return _dft(view, int(view.attr("axis")), [])


@rule("DFT", since=20)
def dft_20(view: NodeView) -> Work:
    """FLOPs = T·5·N·log2 N (N = 2^k: FFT), else MACs = T·4·N·N_out (direct DFT); axis input (−2)."""
    axis = _scalar(view, 2) if view.has_input(2) else -2
    if axis is None:
        return _dft(view, -2, ["axis not constant: −2 assumed"])
    return _dft(view, axis, [])


def _frame_length(view: NodeView, notes: list[str]) -> Dim:
    """frame_length input, else the window's length, else from the output's bins."""
    if view.has_input(3):
        length = _scalar(view, 3)
        if length is not None:
            return length
    if view.has_input(2):
        return view.in_shape(2)[0]
    bins = view.out_shape(0)[2]
    if not view.attr("onesided"):
        return bins
    notes.append("frame_length not constant: 2·(bins − 1) assumed")
    return 2 * (bins - 1)


@rule("STFT")
def stft(view: NodeView) -> Work:
    """Per frame a DFT of frame_length (FFT or direct, as DFT) + frame_length·components window multiplies."""
    signal = view.in_shape(0)
    notes: list[str] = []
    n = _frame_length(view, notes)
    transforms = signal[0] * view.out_shape(0)[1]
    n_out = floordiv(n, 2) + 1 if view.attr("onesided") else n
    work = transform_work(transforms, n, n_out, inverse=False)
    if view.has_input(2):
        windowing = transforms * n * signal[-1]
        work = Work(macs=work.macs, flops=work.flops + windowing, status=work.status, note=work.note)
    return _with_notes(work, notes)


@shape_rule("STFT")
def _stft_shape(node, shapes, values):
    signal = shapes[0]
    step = values[1]
    if signal is None or step is None:
        return [None]
    if len(node.inputs) > 3 and node.inputs[3] and values[3] is not None:
        n = int(values[3].reshape(-1)[0])
    elif len(node.inputs) > 2 and node.inputs[2] and shapes[2] is not None:
        n = shapes[2][0]
    else:
        return [None]
    frames = floordiv(signal[1] - n, int(step.reshape(-1)[0])) + 1
    bins = floordiv(n, 2) + 1 if node.attrs.get("onesided", 1) else n
    return [(signal[0], frames, bins, 2)]


@rule("HannWindow", "HammingWindow")
def cosine_window(view: NodeView) -> Work:
    """FLOPs = 5 × size: a0 − a1·cos(2π·n/N) per element."""
    return Work(flops=HANN_FLOPS * view.out_numel(0))


@rule("BlackmanWindow")
def blackman_window(view: NodeView) -> Work:
    """FLOPs = 9 × size: a0 − a1·cos(2π·n/N) + a2·cos(4π·n/N) per element."""
    return Work(flops=BLACKMAN_FLOPS * view.out_numel(0))


@rule("MelWeightMatrix")
def mel_weight_matrix(view: NodeView) -> Work:
    """FLOPs ≈ 2 × (bins × mels) triangle weights + 7 × (mels + 2) band edges (upper bound)."""
    bins, mels = view.out_shape(0)
    flops = MEL_ENTRY_FLOPS * bins * mels + MEL_POINT_FLOPS * (mels + 2)
    return Work(flops=flops, status="estimated", note="every matrix entry counted as inside a band")
