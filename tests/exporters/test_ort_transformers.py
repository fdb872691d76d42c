"""A small BERT exported from PyTorch (TorchScript and dynamo exporters), then fused by
onnxruntime.transformers' optimizer into EmbedLayerNormalization, Attention or
MultiHeadAttention, SkipLayerNormalization and BiasGelu or FastGelu.

The fused ops count exactly the products they replace: Attention = Q/K/V projection + Q·Kᵀ +
P·V (the output projection stays a MatMul), MultiHeadAttention = Q·Kᵀ + P·V with the
projections left as MatMuls. So MACs are equal as formulas over the unbound batch and seq, and
FLOPs differ only by what the fusion itself changes: the attention-mask preparation it absorbs
into EmbedLayerNormalization's mask index (a few FLOPs per batch row), and, with
`enable_gelu_approximation`, erf GELU (5 FLOPs per element) replaced by tanh FastGelu (9).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from onnxruntime.transformers import fusion_options, optimizer

from tests.exporters.common import analyze_clean, contrib_ops

nn = torch.nn

VOCAB, HIDDEN, HEADS, FFN, LAYERS, MAX_POSITIONS = 100, 64, 4, 256, 2, 32
DIMS = {"batch": 2, "seq": 16}


class Layer(nn.Module):
    """A post-norm BERT encoder layer written out as the Hugging Face model does."""

    def __init__(self) -> None:
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(HIDDEN, HIDDEN) for _ in range(4))
        self.norm1, self.norm2 = nn.LayerNorm(HIDDEN), nn.LayerNorm(HIDDEN)
        self.up, self.down = nn.Linear(HIDDEN, FFN), nn.Linear(FFN, HIDDEN)

    def forward(self, x, mask):
        b, s, _ = x.shape
        head = HIDDEN // HEADS
        q = self.q(x).view(b, s, HEADS, head).transpose(1, 2)
        k = self.k(x).view(b, s, HEADS, head).permute(0, 2, 3, 1)
        v = self.v(x).view(b, s, HEADS, head).transpose(1, 2)
        scores = torch.softmax(torch.matmul(q, k) / head**0.5 + mask, dim=-1)
        context = torch.matmul(scores, v).transpose(1, 2).reshape(b, s, HIDDEN)
        x = self.norm1(x + self.o(context))
        return self.norm2(x + self.down(nn.functional.gelu(self.up(x))))


class TinyBert(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.words = nn.Embedding(VOCAB, HIDDEN)
        self.positions = nn.Embedding(MAX_POSITIONS, HIDDEN)
        self.segments = nn.Embedding(2, HIDDEN)
        self.norm = nn.LayerNorm(HIDDEN)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))
        self.register_buffer("position_ids", torch.arange(MAX_POSITIONS).unsqueeze(0))

    def forward(self, ids, segments, mask):
        positions = self.position_ids[:, : ids.shape[1]]
        x = self.norm(self.words(ids) + self.segments(segments) + self.positions(positions))
        additive = (1.0 - mask[:, None, None, :].float()) * -10000.0
        for layer in self.layers:
            x = layer(x, additive)
        return x


def _export(folder: Path, dynamo: bool) -> Path:
    torch.manual_seed(0)
    model = TinyBert().eval()
    args = (torch.randint(0, VOCAB, (2, 16)), torch.zeros(2, 16, dtype=torch.long),
            torch.ones(2, 16, dtype=torch.long))  # fmt: skip
    names = ["input_ids", "token_type_ids", "attention_mask"]
    path = folder / f"bert_{'dynamo' if dynamo else 'torchscript'}.onnx"
    if dynamo:
        torch.onnx.export(model, args, str(path), input_names=names, dynamo=True, opset_version=18)
    else:
        axes = {name: {0: "batch", 1: "seq"} for name in names}
        torch.onnx.export(model, args, str(path), input_names=names, dynamic_axes=axes,
                          opset_version=17, dynamo=False)  # fmt: skip
    return path


def _optimize(source: Path, target: Path, multi_head: bool = False) -> Path:
    options = fusion_options.FusionOptions("bert")
    if multi_head:
        options.use_multi_head_attention = True
        options.enable_gelu_approximation = True
    fused = optimizer.optimize_model(str(source), model_type="bert", num_heads=HEADS,
                                     hidden_size=HIDDEN, optimization_options=options)  # fmt: skip
    fused.save_model_to_file(str(target))
    return target


@pytest.fixture(scope="module")
def torchscript_bert(tmp_path_factory) -> Path:
    return _export(tmp_path_factory.mktemp("bert"), dynamo=False)


def test_attention_fusion_keeps_macs_as_formulas(torchscript_bert: Path, tmp_path) -> None:
    fused = _optimize(torchscript_bert, tmp_path / "fused.onnx")
    assert {"EmbedLayerNormalization", "Attention", "SkipLayerNormalization",
            "BiasGelu"} <= contrib_ops(fused)  # fmt: skip
    before, after = analyze_clean(torchscript_bert), analyze_clean(fused)
    # 2 layers · (4 projections + 2 FFN products: 98,304 MACs per token, + Q·Kᵀ and P·V: 256·seq)
    assert str(before.totals.macs) == "256*batch*seq**2 + 98304*batch*seq"
    assert after.totals.macs == before.totals.macs
    bound_before, bound_after = analyze_clean(torchscript_bert, dims=DIMS), analyze_clean(fused, dims=DIMS)
    assert bound_after.totals.macs == bound_before.totals.macs == 3_276_800
    assert bound_after.totals.flops == pytest.approx(bound_before.totals.flops, rel=0.01)


def test_multi_head_attention_fusion_keeps_macs(torchscript_bert: Path, tmp_path) -> None:
    fused = _optimize(torchscript_bert, tmp_path / "fused_mha.onnx", multi_head=True)
    assert {"MultiHeadAttention", "FastGelu", "SkipLayerNormalization"} <= contrib_ops(fused)
    before, after = analyze_clean(torchscript_bert, dims=DIMS), analyze_clean(fused, dims=DIMS)
    assert after.totals.macs == before.totals.macs
    # FastGelu's tanh form: 4 more FLOPs than erf GELU on each of 2·16·256 FFN activations, ×2 layers
    gelu_change = 4 * 2 * 16 * FFN * LAYERS
    assert after.totals.flops - gelu_change == pytest.approx(before.totals.flops, rel=0.001)


def test_dynamo_export_fused(tmp_path) -> None:
    exported = _export(tmp_path, dynamo=True)
    fused = _optimize(exported, tmp_path / "fused.onnx")
    assert {"SkipLayerNormalization"} <= contrib_ops(fused)
    before, after = analyze_clean(exported), analyze_clean(fused)
    assert after.totals.macs == before.totals.macs == 3_276_800
    assert after.totals.flops == pytest.approx(before.totals.flops, rel=0.01)


class RMSNorm(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(HIDDEN))

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6))


class DecoderBlock(nn.Module):
    """A pre-norm causal decoder block with RMSNorm (LLaMA/T5 style)."""

    def __init__(self) -> None:
        super().__init__()
        self.norm1, self.norm2 = RMSNorm(), RMSNorm()
        self.qkv = nn.Linear(HIDDEN, 3 * HIDDEN, bias=False)
        self.out = nn.Linear(HIDDEN, HIDDEN, bias=False)
        self.up, self.down = nn.Linear(HIDDEN, FFN, bias=False), nn.Linear(FFN, HIDDEN, bias=False)

    def forward(self, x):
        b, s, _ = x.shape
        q, k, v = (t.view(b, s, HEADS, -1).transpose(1, 2) for t in self.qkv(self.norm1(x)).split(HIDDEN, -1))
        context = nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.out(context.transpose(1, 2).reshape(b, s, HIDDEN))
        return x + self.down(torch.relu(self.up(self.norm2(x))))


class TinyDecoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(VOCAB, HIDDEN)
        self.blocks = nn.ModuleList(DecoderBlock() for _ in range(LAYERS))
        self.norm = RMSNorm()

    def forward(self, ids):
        x = self.embed(ids)
        for block in self.blocks:
            x = block(x)
        return self.norm(x)


def test_rms_norm_fusions_keep_macs_and_flops(tmp_path) -> None:
    torch.manual_seed(0)
    source = tmp_path / "decoder.onnx"
    torch.onnx.export(TinyDecoder().eval(), (torch.randint(0, VOCAB, (1, 16)),), str(source),
                      input_names=["ids"], dynamic_axes={"ids": {0: "batch", 1: "seq"}},
                      opset_version=17, dynamo=False)  # fmt: skip
    fused = optimizer.optimize_model(str(source), model_type="t5", num_heads=HEADS, hidden_size=HIDDEN)
    target = tmp_path / "decoder_fused.onnx"
    fused.save_model_to_file(str(target))
    # SimplifiedLayerNormalization is in the onnx domain (onnxruntime registers it there)
    assert "SkipSimplifiedLayerNormalization" in contrib_ops(target)
    before, after = analyze_clean(source, dims=DIMS), analyze_clean(target, dims=DIMS)
    assert any(n.op_type == "SimplifiedLayerNormalization" for n in after.nodes)
    assert after.totals.macs == before.totals.macs
    # RMSNorm fused or not: x², Σ, ·1/rms, ·γ per element and ÷n, +ε, √, 1/x per row
    assert after.totals.flops == before.totals.flops
