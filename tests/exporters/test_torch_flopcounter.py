"""Models exported from PyTorch (legacy and dynamo exporters) against torch's FlopCounterMode.

FlopCounterMode counts 2 FLOPs per multiply-accumulate of convolutions and matrix products,
so its total ÷ 2 must equal onnxcost's Conv/Gemm/MatMul MACs of the exported graph.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

import onnxcost
from onnxcost.cli import main
from tests.user_exports.nets import BasicBlock

MAC_OPS = {"Conv", "ConvTranspose", "Gemm", "MatMul", "Einsum"}


class SmallResNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 32, 7, 2, 3), nn.BatchNorm2d(32), nn.ReLU(),
                                  nn.MaxPool2d(3, 2, 1))  # fmt: skip
        self.layers = nn.Sequential(BasicBlock(32, 32, 1), BasicBlock(32, 64, 2), BasicBlock(64, 128, 2))
        self.fc = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.layers(self.stem(x))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class DepthwiseNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 16, 3, 2, 1), nn.ReLU6(),
            nn.Conv2d(16, 16, 3, 1, 1, groups=16), nn.ReLU6(),
            nn.Conv2d(16, 48, 1), nn.ReLU6(),
            nn.ConvTranspose2d(48, 8, 4, 2, 1),
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


class Attention(nn.Module):
    """Multi-head self-attention written out, plus a GELU feed-forward and LayerNorm."""

    def __init__(self, d: int = 64, heads: int = 4) -> None:
        super().__init__()
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.norm = nn.LayerNorm(d)
        self.ffn = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
        self.heads = heads

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, d = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        a = torch.softmax(q @ k.transpose(-1, -2) * (d // self.heads) ** -0.5, dim=-1)
        x = self.norm(x + self.out((a @ v).transpose(1, 2).reshape(b, n, d)))
        return self.norm(x + self.ffn(x))


MODELS = {
    "resnet": (SmallResNet, (1, 3, 64, 64)),
    "depthwise": (DepthwiseNet, (2, 3, 32, 32)),
    "attention": (Attention, (2, 32, 64)),
}


def _torch_macs(model: nn.Module, example: torch.Tensor) -> float:
    with FlopCounterMode(display=False) as counter:
        model(example)
    return counter.get_total_flops() / 2


def _export(model: nn.Module, example: torch.Tensor, path: Path, dynamo: bool, **kw) -> None:
    torch.onnx.export(model, (example,), str(path), dynamo=dynamo, **kw)


@pytest.mark.parametrize("dynamo", [False, True], ids=["legacy", "dynamo"])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_macs_equal_flop_counter(tmp_path: Path, name: str, dynamo: bool) -> None:
    factory, shape = MODELS[name]
    torch.manual_seed(0)
    model = factory().eval()
    example = torch.randn(*shape)
    path = tmp_path / f"{name}.onnx"
    _export(model, example, path, dynamo)
    report = onnxcost.analyze(path)
    assert report.unsupported == {}
    macs = sum(n.macs for n in report.nodes if n.op_type in MAC_OPS)
    assert macs == pytest.approx(_torch_macs(model, example), rel=0.01)
    params = sum(p.numel() for p in model.parameters())
    # the graph's params are at least the module's (BN running stats and folded constants add)
    assert report.totals.params >= params * 0.99


def test_dynamic_batch_export_binds_to_the_static_figures(tmp_path: Path) -> None:
    torch.manual_seed(0)
    model = SmallResNet().eval()
    example = torch.randn(1, 3, 64, 64)
    dynamic = tmp_path / "dynamic.onnx"
    static = tmp_path / "static.onnx"
    _export(model, example, dynamic, False, input_names=["x"],
            dynamic_axes={"x": {0: "batch", 2: "height", 3: "width"}})  # fmt: skip
    _export(model, torch.randn(4, 3, 64, 64), static, False, input_names=["x"])
    runner = CliRunner()
    free = json.loads(runner.invoke(main, ["analyze", str(dynamic), "--format", "json"]).stdout)
    assert isinstance(free["totals"]["macs"], str) and "batch" in free["totals"]["macs"]
    bound = runner.invoke(main, ["analyze", str(dynamic), "--format", "json", "--dim", "batch=4",
                                 "--dim", "height=64", "--dim", "width=64"])  # fmt: skip
    fixed = runner.invoke(main, ["analyze", str(static), "--format", "json"])
    assert bound.exit_code == fixed.exit_code == 0
    for key in ("macs", "flops", "params", "bytes_written"):
        assert json.loads(bound.stdout)["totals"][key] == json.loads(fixed.stdout)["totals"][key]


class TokenTypeEmbedding(nn.Module):
    """HF BERT's embedding pattern: a buffer sliced to seq, expanded to (batch, seq) and gathered,
    then a linear layer (the export spells expand as Where(Equal(shape, −1), 1, shape) → Expand)."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("token_type_ids", torch.zeros(1, 64, dtype=torch.long))
        self.types = nn.Embedding(2, 16)
        self.fc = nn.Linear(16, 16)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, seq = x.shape[0], x.shape[1]
        ids = self.token_type_ids[:, :seq].expand(batch, seq)
        ids = torch.gather(ids, 1, torch.zeros(batch, seq, dtype=torch.long))
        return self.fc(x + self.types(ids))


def test_dynamic_axes_through_expand_and_gather_stay_exact_formulas(tmp_path: Path) -> None:
    path = tmp_path / "embedding.onnx"
    _export(TokenTypeEmbedding().eval(), torch.randn(2, 8, 16), path, False, input_names=["x"],
            dynamic_axes={"x": {0: "batch", 1: "seq"}})  # fmt: skip
    from onnxcost.symbolic.formulas import to_json

    report = onnxcost.analyze(path)
    assert report.warnings == ()  # no underived dim: Where/Equal over the shape fold
    # the linear layer: 16·16 MACs per token
    assert to_json(report.totals.macs) == "256*batch*seq"
    bound = onnxcost.analyze(path, dims={"batch": 2, "seq": 8})
    assert bound.totals.macs == 256 * 2 * 8
