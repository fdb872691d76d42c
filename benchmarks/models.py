"""Build the benchmark models into benchmarks/.cache/ (git-ignored); each builder is idempotent.

- resnet50: ResNet-50 defined here in torch (no torchvision), exported at 1x3x224x224.
- bert / gpt2: BertModel(BertConfig()) and GPT2Model(GPT2Config()) with random weights
  (no hub download) and eager attention (the SDPA path exports IsNaN, which onnx-tool cannot
  shape), exported at batch 1, seq 128, weights embedded; `*_ext` variants hold
  the same graphs with their weights in an external-data file; bert_dyn has symbolic batch and
  seq; resnet50_dyn has a symbolic batch (the sweep benchmark).
- synthetic_{1k,10k,100k}: transformer blocks built with onnx.helper (MatMul, Add,
  LayerNormalization, Softmax, Reshape/Transpose whose targets come from Shape chains,
  Gelu written with Erf), symbolic `batch` and `seq`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

CACHE = Path(__file__).resolve().parent / ".cache"
SEQ = 128


def path_of(name: str) -> Path:
    return CACHE / f"{name}.onnx"


def ensure(name: str) -> Path:
    """The cached model file, built first if it is missing."""
    path = path_of(name)
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        BUILDERS[name](path)
    return path


# --- ResNet-50 --------------------------------------------------------------------------


def _resnet50():
    import torch
    from torch import nn

    class Bottleneck(nn.Module):
        def __init__(self, cin: int, width: int, stride: int) -> None:
            super().__init__()
            cout = width * 4
            self.conv1 = nn.Conv2d(cin, width, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(width)
            self.conv2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(width)
            self.conv3 = nn.Conv2d(width, cout, 1, bias=False)
            self.bn3 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU()
            self.down = None
            if stride != 1 or cin != cout:
                self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                          nn.BatchNorm2d(cout))  # fmt: skip

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.relu(self.bn2(self.conv2(out)))
            out = self.bn3(self.conv3(out))
            return self.relu(out + (x if self.down is None else self.down(x)))

    layers: list[nn.Module] = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
                               nn.MaxPool2d(3, 2, 1)]  # fmt: skip
    cin = 64
    for width, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
        for i in range(blocks):
            layers.append(Bottleneck(cin, width, stride if i == 0 else 1))
            cin = width * 4
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2048, 1000)]
    return nn.Sequential(*layers).eval()


def build_resnet50(path: Path, dynamic: bool = False) -> None:
    import torch

    torch.manual_seed(0)
    model = _resnet50()
    axes = {"input": {0: "batch"}, "logits": {0: "batch"}} if dynamic else None
    with torch.no_grad():
        torch.onnx.export(model, (torch.randn(1, 3, 224, 224),), str(path), dynamo=False,
                          input_names=["input"], output_names=["logits"], opset_version=17,
                          dynamic_axes=axes)  # fmt: skip


# --- BERT-base and GPT-2 small ----------------------------------------------------------


def _export_transformer(module, path: Path, dynamic: bool = False) -> None:
    import torch

    ids = torch.zeros(1, SEQ, dtype=torch.long)
    mask = torch.ones(1, SEQ, dtype=torch.long)

    class Wrapper(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = module

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    with torch.no_grad():
        torch.onnx.export(Wrapper().eval(), (ids, mask), str(path), dynamo=False,
                          input_names=["input_ids", "attention_mask"],
                          output_names=["last_hidden_state"], opset_version=17,
                          dynamic_axes={n: {0: "batch", 1: "seq"} for n in
                                        ("input_ids", "attention_mask", "last_hidden_state")}
                          if dynamic else None)  # fmt: skip
    # one self-contained file: torch writes the weights inline below 2 GB already
    model = onnx.load(str(path))
    onnx.save(model, str(path))


def build_bert(path: Path) -> None:
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    _export_transformer(BertModel(BertConfig(attn_implementation="eager")).eval(), path)


def build_bert_dyn(path: Path) -> None:
    """BERT-base with symbolic batch and seq (the sweep's model)."""
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    _export_transformer(BertModel(BertConfig(attn_implementation="eager")).eval(), path, dynamic=True)


def build_gpt2(path: Path) -> None:
    import torch
    from transformers import GPT2Config, GPT2Model

    torch.manual_seed(0)
    _export_transformer(GPT2Model(GPT2Config(attn_implementation="eager")).eval(), path)


def _external(source: str) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        model = onnx.load(str(ensure(source)))
        data = path.with_suffix(".onnx.data").name
        if (path.parent / data).exists():
            os.remove(path.parent / data)
        onnx.save(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                  location=data, size_threshold=1024)  # fmt: skip

    return build


# --- synthetic transformer graphs -------------------------------------------------------

D, HEADS, FF = 32, 4, 128
NODES_PER_BLOCK = 43


def _block(nodes: list, inits: list, x: str, i: int, rng: np.random.Generator) -> str:
    """One pre-LN transformer block on x [batch, seq, D]; returns its output name."""
    p = f"b{i}_"

    def weight(name: str, shape: tuple[int, ...]) -> str:
        inits.append(numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32) * 0.02, p + name))
        return p + name

    def node(op: str, inputs: list[str], out: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [p + out], name=p + out, **attrs))
        return p + out

    ln1 = node("LayerNormalization", [x, weight("ln1_g", (D,)), weight("ln1_b", (D,))], "ln1", axis=-1)
    # the reshape targets come from a Shape chain, as torch exports them
    shape = node("Shape", [x], "shape")
    b = node("Unsqueeze", [node("Gather", [shape, "c_zero"], "batch", axis=0), "c_axes0"], "batch_u")
    s = node("Unsqueeze", [node("Gather", [shape, "c_one"], "seq", axis=0), "c_axes0"], "seq_u")
    heads_shape = node("Concat", [b, s, "c_heads", "c_head_dim"], "heads_shape", axis=0)
    model_shape = node("Concat", [b, s, "c_model_dim"], "model_shape", axis=0)
    qkv = []
    for name, perm in (("q", (0, 2, 1, 3)), ("k", (0, 2, 3, 1)), ("v", (0, 2, 1, 3))):
        proj = node("MatMul", [ln1, weight(f"w{name}", (D, D))], f"{name}_mm")
        proj = node("Add", [proj, weight(f"b{name}", (D,))], f"{name}_add")
        proj = node("Reshape", [proj, heads_shape], f"{name}_heads")
        qkv.append(node("Transpose", [proj], f"{name}_t", perm=list(perm)))
    scores = node("Div", [node("MatMul", qkv[:2], "scores_mm"), "c_scale"], "scores")
    probs = node("Softmax", [scores], "probs", axis=-1)
    ctx = node("Transpose", [node("MatMul", [probs, qkv[2]], "ctx_mm")], "ctx_t", perm=[0, 2, 1, 3])
    ctx = node("Reshape", [ctx, model_shape], "ctx")
    attn = node("Add", [node("MatMul", [ctx, weight("wo", (D, D))], "o_mm"), weight("bo", (D,))], "o_add")
    x = node("Add", [x, attn], "res1")
    ln2 = node("LayerNormalization", [x, weight("ln2_g", (D,)), weight("ln2_b", (D,))], "ln2", axis=-1)
    h = node("Add", [node("MatMul", [ln2, weight("w1", (D, FF))], "ff1_mm"), weight("b1", (FF,))], "ff1")
    # gelu(h) = 0.5 * h * (1 + erf(h / sqrt(2)))
    erf = node("Erf", [node("Div", [h, "c_sqrt2"], "gelu_div")], "gelu_erf")
    gelu = node("Mul", [node("Mul", [h, node("Add", [erf, "c_one_f"], "gelu_add")], "gelu_mul"),
                        "c_half"], "gelu")  # fmt: skip
    h = node("Add", [node("MatMul", [gelu, weight("w2", (FF, D))], "ff2_mm"), weight("b2", (D,))], "ff2")
    # a residual through an Identity and a Cast pair, as exporters leave them
    x = node("Add", [x, h], "res2")
    x = node("Identity", [x], "id")
    x = node("Cast", [node("Cast", [x], "cast16", to=TensorProto.FLOAT16)], "cast32", to=TensorProto.FLOAT)
    return x


def synthetic(n_nodes: int) -> onnx.ModelProto:
    """About `n_nodes` nodes of pre-LN transformer blocks (D=32, 4 heads, FF=128)."""
    rng = np.random.default_rng(0)
    nodes: list = []
    inits = [
        numpy_helper.from_array(np.array(0, np.int64), "c_zero"),
        numpy_helper.from_array(np.array(1, np.int64), "c_one"),
        numpy_helper.from_array(np.array([0], np.int64), "c_axes0"),
        numpy_helper.from_array(np.array([HEADS], np.int64), "c_heads"),
        numpy_helper.from_array(np.array([D // HEADS], np.int64), "c_head_dim"),
        numpy_helper.from_array(np.array([D], np.int64), "c_model_dim"),
        numpy_helper.from_array(np.array(np.sqrt(D // HEADS), np.float32), "c_scale"),
        numpy_helper.from_array(np.array(np.sqrt(2.0), np.float32), "c_sqrt2"),
        numpy_helper.from_array(np.array(1.0, np.float32), "c_one_f"),
        numpy_helper.from_array(np.array(0.5, np.float32), "c_half"),
    ]
    x = "x"
    for i in range(max(1, round(n_nodes / NODES_PER_BLOCK))):
        x = _block(nodes, inits, x, i, rng)
    graph = helper.make_graph(
        nodes, "synthetic_transformer",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "seq", D])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, ["batch", "seq", D])],
        inits,
    )  # fmt: skip
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def _synthetic(n_nodes: int) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        onnx.save(synthetic(n_nodes), str(path))

    return build


BUILDERS: dict[str, Callable[[Path], None]] = {
    "resnet50": build_resnet50,
    "resnet50_dyn": lambda path: build_resnet50(path, dynamic=True),
    "bert": build_bert,
    "gpt2": build_gpt2,
    "bert_dyn": build_bert_dyn,
    "bert_ext": _external("bert"),
    "gpt2_ext": _external("gpt2"),
    "synthetic_1k": _synthetic(1_000),
    "synthetic_10k": _synthetic(10_000),
    "synthetic_100k": _synthetic(100_000),
}

if __name__ == "__main__":
    import sys
    import time

    for name in sys.argv[1:] or BUILDERS:
        start = time.perf_counter()
        built = ensure(name)
        size = built.stat().st_size / 2**20
        print(f"{name}: {built} ({size:.1f} MiB, {time.perf_counter() - start:.1f} s)")
