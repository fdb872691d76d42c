"""Recurrent layers and attention against torch's FlopCounterMode (an independent count).

FlopCounterMode counts 2 FLOPs per multiply-accumulate of the matrix products a recurrent
layer or scaled dot-product attention decomposes into (oneDNN's fused RNN and the fused SDPA
kernels are turned off so that the decomposed products are what it sees). Its total ÷ 2 must
equal onnxcost's MACs of the exported LSTM/GRU/RNN nodes, and kernels.sdpa_macs for attention.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn
from torch.nn import functional
from torch.utils.flop_counter import FlopCounterMode

import onnxcost
from onnxcost.rules.kernels import sdpa_macs


def _torch_flops(fn, *args) -> int:
    from torch.nn.attention import SDPBackend, sdpa_kernel

    fused_off = (torch.backends.mkldnn.flags(enabled=False), sdpa_kernel(SDPBackend.MATH))
    with fused_off[0], fused_off[1], FlopCounterMode(display=False) as mode:
        fn(*args)
    return mode.get_total_flops()


RECURRENT = {
    "lstm": (lambda: nn.LSTM(64, 128), (10, 1, 64)),
    "lstm_bidirectional_2_layers": (lambda: nn.LSTM(32, 48, num_layers=2, bidirectional=True), (7, 3, 32)),
    "lstm_batch_first": (lambda: nn.LSTM(16, 32, batch_first=True), (4, 9, 16)),
    "gru_bidirectional": (lambda: nn.GRU(40, 24, bidirectional=True), (12, 2, 40)),
    "rnn_tanh": (lambda: nn.RNN(10, 20), (20, 1, 10)),
}


@pytest.mark.parametrize("name", sorted(RECURRENT))
def test_recurrent_macs_equal_flop_counter(tmp_path: Path, name: str) -> None:
    make, shape = RECURRENT[name]
    torch.manual_seed(0)
    module = make().eval()
    x = torch.randn(*shape)
    path = tmp_path / f"{name}.onnx"
    torch.onnx.export(module, (x,), str(path), dynamo=False, opset_version=17)
    report = onnxcost.analyze(str(path))
    nodes = [n for n in report.nodes if n.op_type in ("LSTM", "GRU", "RNN")]
    assert nodes and all(n.status == "ok" for n in nodes)
    assert 2 * sum(n.macs for n in nodes) == _torch_flops(module, x)


@pytest.mark.parametrize(
    ("batch", "q_heads", "kv_heads", "q_len", "kv_len", "head", "v_head"),
    [(2, 8, 8, 128, 128, 64, 64), (1, 32, 8, 16, 116, 64, 64), (1, 4, 4, 10, 20, 16, 32)],
    ids=["mha", "gqa", "cross_dv"],
)
def test_sdpa_macs_equal_flop_counter(
    batch: int, q_heads: int, kv_heads: int, q_len: int, kv_len: int, head: int, v_head: int
) -> None:
    q = torch.randn(batch, q_heads, q_len, head)
    k = torch.randn(batch, kv_heads, kv_len, head)
    v = torch.randn(batch, kv_heads, kv_len, v_head)

    def sdpa(q, k, v):
        return functional.scaled_dot_product_attention(q, k, v, enable_gqa=q_heads != kv_heads)

    expected = _torch_flops(sdpa, q, k, v)
    assert 2 * sdpa_macs(batch * q_heads, q_len, kv_len, head, v_head) == expected
