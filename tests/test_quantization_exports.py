"""Quantized and half-precision forms of real exports, through `onnxcost compare`.

A MobileNetV2 (the sample models/mobilenetv2.onnx, torchvision's architecture) and a small BERT
exported from PyTorch here, each quantized by onnxruntime.quantization (dynamic, static QDQ,
static QOperator) and converted to float16 by onnxconverter-common (inputs and outputs float16,
or kept float32 behind Casts). Whatever the form, the model does the same products: MACs are
equal; what changes is the dtype they run in and the bytes of the weights.

Measured B/A (float32 = A), weight bytes:

| form       | MobileNetV2 | BERT   | on top of the ¼ payload                                     |
|------------|-------------|--------|-------------------------------------------------------------|
| dynamic    | 0.2539      | 0.2594 | float32 biases and LayerNorm γ/β, per-tensor scales         |
| QDQ        | 0.2539      | 0.2506 | int32 biases, per-channel float32 scales and zero points    |
| QOperator  | 0.2539      | 0.2507 | the same, biases as QLinearConv/QGemm int32 inputs          |
| fp16 (±io) | 0.5000      | 0.5000 |                                                             |

Int8 share of the MACs: 100 % in every static form; dynamic MobileNetV2 100 % (uint8 × int8
ConvInteger / MatMulInteger); dynamic BERT 96 %: the attention products Q·Kᵀ and P·V multiply
two activations and stay float32 (2 layers × 2 products × 32·32·128 = 524,288 MACs).

A MatMul stack quantized by MatMulNBitsQuantizer (4-bit, block 32) weighs exactly the packed
nibbles plus one scale per block (plus packed zero points when asymmetric): 5/32 of the float32
weights with float32 scales, 4.5/32 with float16 scales, 4.625/32 with float16 scales and zero
points; its QDQ form (DequantizeLinear with block_size, int4/uint4 weights) weighs the same.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from click.testing import CliRunner
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

import onnxcost
from onnxcost.cli import main
from onnxcost.dtypes import INTEGER_DTYPES

torch = pytest.importorskip("torch")
float16 = pytest.importorskip("onnxconverter_common.float16")
quantization = pytest.importorskip("onnxruntime.quantization")
nbits = pytest.importorskip("onnxruntime.quantization.matmul_nbits_quantizer")
nn = torch.nn

MODELS = Path(__file__).resolve().parents[1] / "models"
INT8_FORMS = ("dynamic", "qdq", "qoperator")
FP16_FORMS = ("fp16", "fp16_io")
FORMS = INT8_FORMS + FP16_FORMS

VOCAB, HIDDEN, HEADS, FFN, LAYERS, SEQ = 1000, 128, 4, 512, 2, 32


class EncoderLayer(nn.Module):
    """A post-norm BERT layer: Q/K/V/O projections, softmax attention, GELU feed-forward."""

    def __init__(self) -> None:
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(HIDDEN, HIDDEN) for _ in range(4))
        self.norm1, self.norm2 = nn.LayerNorm(HIDDEN), nn.LayerNorm(HIDDEN)
        self.up, self.down = nn.Linear(HIDDEN, FFN), nn.Linear(FFN, HIDDEN)

    def forward(self, x, mask):
        b, s, _ = x.shape
        head = HIDDEN // HEADS
        q, k, v = (f(x).view(b, s, HEADS, head).transpose(1, 2) for f in (self.q, self.k, self.v))
        scores = torch.softmax(q @ k.transpose(-1, -2) / head**0.5 + mask, dim=-1)
        context = (scores @ v).transpose(1, 2).reshape(b, s, HIDDEN)
        x = self.norm1(x + self.o(context))
        return self.norm2(x + self.down(nn.functional.gelu(self.up(x))))


class SmallBert(nn.Module):
    """Word, position and segment embeddings, two encoder layers and the tanh pooler."""

    def __init__(self) -> None:
        super().__init__()
        self.words = nn.Embedding(VOCAB, HIDDEN)
        self.positions = nn.Embedding(SEQ, HIDDEN)
        self.segments = nn.Embedding(2, HIDDEN)
        self.norm = nn.LayerNorm(HIDDEN)
        self.layers = nn.ModuleList(EncoderLayer() for _ in range(LAYERS))
        self.pooler = nn.Linear(HIDDEN, HIDDEN)

    def forward(self, ids, segments, mask):
        x = self.norm(self.words(ids) + self.segments(segments) + self.positions.weight[None])
        additive = (1.0 - mask[:, None, None, :].float()) * -10000.0
        for layer in self.layers:
            x = layer(x, additive)
        return x, torch.tanh(self.pooler(x[:, 0]))


def export_bert(path: Path) -> Path:
    """The small BERT, batch 1 × 32 tokens, through the TorchScript exporter."""
    torch.manual_seed(0)
    args = (torch.randint(0, VOCAB, (1, SEQ)), torch.zeros(1, SEQ, dtype=torch.long),
            torch.ones(1, SEQ, dtype=torch.long))  # fmt: skip
    torch.onnx.export(SmallBert().eval(), args, str(path), dynamo=False, opset_version=17,
                      input_names=["input_ids", "token_type_ids", "attention_mask"],
                      output_names=["hidden", "pooled"])  # fmt: skip
    return path


class RandomReader(quantization.CalibrationDataReader):
    """Two deterministic calibration batches shaped from the model's inputs."""

    def __init__(self, path: Path) -> None:
        rng = np.random.default_rng(0)
        graph = onnx.load(str(path), load_external_data=False).graph
        self.batches = []
        for _ in range(2):
            feed = {}
            for value in graph.input:
                tensor = value.type.tensor_type
                shape = [d.dim_value or 1 for d in tensor.shape.dim]
                if tensor.elem_type == T.FLOAT:
                    feed[value.name] = rng.standard_normal(shape).astype(np.float32)
                else:
                    feed[value.name] = rng.integers(0, 2, shape).astype(np.int64)
            self.batches.append(feed)
        self.remaining = iter(self.batches)

    def get_next(self):
        return next(self.remaining, None)


def make_forms(source: Path, folder: Path) -> dict[str, Path]:
    """float → dynamic, static QDQ, static QOperator, float16 (and float16 behind float32 I/O)."""
    paths = {"float": source}
    paths["dynamic"] = folder / f"{source.stem}_dynamic.onnx"
    quantization.quantize_dynamic(source, paths["dynamic"], weight_type=quantization.QuantType.QInt8)
    for form, quant_format in (("qdq", quantization.QuantFormat.QDQ),
                               ("qoperator", quantization.QuantFormat.QOperator)):  # fmt: skip
        paths[form] = folder / f"{source.stem}_{form}.onnx"
        quantization.quantize_static(source, paths[form], RandomReader(source), quant_format=quant_format)
    for form, keep_io in (("fp16", False), ("fp16_io", True)):
        paths[form] = folder / f"{source.stem}_{form}.onnx"
        converted = float16.convert_float_to_float16(onnx.load(str(source)), keep_io_types=keep_io)
        onnx.save(converted, str(paths[form]))
    return paths


def compare_json(a: Path, b: Path) -> dict:
    result = CliRunner().invoke(main, ["compare", str(a), str(b), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> dict[str, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("forms")
    bert = export_bert(folder / "bert.onnx")
    return {"mobilenetv2": make_forms(MODELS / "mobilenetv2.onnx", folder),
            "bert": make_forms(bert, folder)}  # fmt: skip


@pytest.fixture(scope="module")
def compared(forms) -> dict[tuple[str, str], dict]:
    """(model, form) → the `compare float form --format json` document."""
    return {(model, form): compare_json(paths["float"], paths[form])
            for model, paths in forms.items() for form in FORMS}  # fmt: skip


CASES = [(model, form) for model in ("mobilenetv2", "bert") for form in FORMS]


def _ids(case: tuple[str, str]) -> str:
    return "-".join(case)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_every_form_has_the_float_macs(case, compared) -> None:
    totals = compared[case]["diff"]["totals"]
    assert totals["macs"]["ratio"] == pytest.approx(1.0, abs=0.01)
    assert totals["macs"]["a"] == totals["macs"]["b"]  # quantizing changes no product's size
    assert not compared[case]["b"]["unsupported"]


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_weight_bytes_shrink_with_the_number_format(case, compared) -> None:
    ratio = compared[case]["diff"]["totals"]["weight_bytes"]["ratio"]
    # int8: ¼ of float32, plus the scales, zero points and int32 biases; fp16: ½
    low, high = (0.24, 0.32) if case[1] in INT8_FORMS else (0.49, 0.51)
    assert low <= ratio <= high, ratio


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_macs_are_counted_in_the_dtype_they_run_in(case, compared) -> None:
    model, form = case
    by_dtype = compared[case]["b"]["totals"]["macs_by_dtype"]
    macs = compared[case]["b"]["totals"]["macs"]
    if form in FP16_FORMS:
        assert by_dtype == {"float16": macs}
        return
    integer = sum(v for k, v in by_dtype.items() if k in INTEGER_DTYPES)
    assert set(by_dtype) - {"float32"} <= {"int8", "uint8"}
    if (model, form) == ("bert", "dynamic"):
        # Q·Kᵀ and P·V multiply two activations: dynamic quantization leaves them float32,
        # 2 layers × 2 products × 32·32·128 = 524,288 MACs
        assert by_dtype["float32"] == LAYERS * 2 * SEQ * SEQ * HIDDEN == 524_288
        assert integer == macs - 524_288
    else:
        assert integer == macs


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_layers_are_matched_across_the_renames(case, compared) -> None:
    diff = compared[case]["diff"]
    assert diff["layers_matched"] >= 0.9 * diff["layers_a"]
    assert diff["layers_matched"] == diff["layers_a"]  # all of them, in fact


@pytest.mark.parametrize("case", [c for c in CASES if c[1] in ("qdq", "qoperator")], ids=_ids)
def test_static_int8_weights_are_filed_as_int8(case, compared) -> None:
    diff = compared[case]["diff"]
    by_dtype = {k: v["b"] for k, v in diff["weight_bytes_by_dtype"].items()}
    # int8 payloads, int32 biases (QLinearConv/QGemm inputs or DequantizeLinear'd), few floats
    assert set(by_dtype) == {"int8", "int32", "float32"}
    assert by_dtype["int8"] > 0.99 * (diff["totals"]["weight_bytes"]["b"] - by_dtype["int32"])


def test_float16_io_casts_are_costed(forms, compared) -> None:
    diff = compared[("mobilenetv2", "fp16_io")]["diff"]
    assert diff["only_in_b"] == {"Cast": 2}
    report = compared[("mobilenetv2", "fp16_io")]["b"]
    (cast_in,) = [n for n in report["nodes"] if n["op_type"] == "Cast" and n["inputs"] == ["input"]]
    # 1·3·224·224 = 150,528 elements: read as float32, written as float16
    assert cast_in["bytes_read"] == 150_528 * 4 and cast_in["bytes_written"] == 150_528 * 2
    # without keep_io_types the input itself is float16: half the bytes of the first conv's read
    plain = compared[("mobilenetv2", "fp16")]["b"]["model"]["inputs"][0]
    assert plain["dtype"] == "float16"


# ----------------------------------------------------------------------- MatMulNBits (4-bit)

STACK = (512, 1024, 768, 512)  # a MatMul stack: (K, N) = (512, 1024), (1024, 768), (768, 512)
WEIGHTS = tuple(itertools.pairwise(STACK))
BLOCK = 32


def matmul_stack(dtype: np.dtype) -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    elem = T.FLOAT16 if dtype == np.float16 else T.FLOAT
    inits, nodes, x = [], [], "x"
    for i, (k, n) in enumerate(WEIGHTS):
        inits.append(nh.from_array((rng.standard_normal((k, n)) * 0.05).astype(dtype), f"w{i}"))
        nodes += [h.make_node("MatMul", [x, f"w{i}"], [f"m{i}"], name=f"mm{i}"),
                  h.make_node("Relu", [f"m{i}"], [f"r{i}"], name=f"relu{i}")]  # fmt: skip
        x = f"r{i}"
    graph = h.make_graph(nodes, "stack", [h.make_tensor_value_info("x", elem, [1, STACK[0]])],
                         [h.make_tensor_value_info(x, elem, [1, STACK[-1]])], inits)  # fmt: skip
    return h.make_model(graph, opset_imports=[h.make_opsetid("", 21)])


def quantize_4bit(dtype: np.dtype, symmetric: bool, quant_format) -> onnxcost.Report:
    quantizer = nbits.MatMulNBitsQuantizer(matmul_stack(dtype), bits=4, block_size=BLOCK,
                                           is_symmetric=symmetric, quant_format=quant_format)  # fmt: skip
    quantizer.process()
    return onnxcost.analyze(quantizer.model.model)


def hand_4bit(scale_bytes: int, zero_points: bool) -> tuple[int, int]:
    """(weight bytes, params): per weight [K, N], N·⌈K/32⌉ blocks of 16 bytes (32 nibbles) and one
    scale each, plus ⌈blocks/2⌉ bytes of 4-bit zero points per row; params count the N·K weights,
    the scales and the zero points."""
    size = params = 0
    for k, n in WEIGHTS:
        blocks = -(-k // BLOCK)
        size += n * blocks * BLOCK // 2 + n * blocks * scale_bytes
        params += n * k + n * blocks
        if zero_points:
            size += n * -(-blocks // 2)
            params += n * blocks
    return size, params


FLOAT32_BYTES = sum(4 * k * n for k, n in WEIGHTS)


@pytest.mark.parametrize(
    ("dtype", "symmetric", "scale_bytes", "thirty_seconds"),
    [(np.float32, True, 4, 5.0), (np.float16, True, 2, 4.5), (np.float16, False, 2, 4.625)],
    ids=["fp32-scales", "fp16-scales", "fp16-scales-zero-points"],
)
@pytest.mark.parametrize("form", ["MatMulNBits", "QDQ"])
def test_matmul_nbits_weighs_packed_nibbles_and_scales(dtype, symmetric, scale_bytes,
                                                       thirty_seconds, form) -> None:  # fmt: skip
    quant_format = quantization.QuantFormat.QDQ if form == "QDQ" else quantization.QuantFormat.QOperator
    report = quantize_4bit(dtype, symmetric, quant_format)
    ops = {n.op_type for n in report.nodes}
    assert ("MatMulNBits" in ops) == (form == "MatMulNBits") and not report.unsupported
    size, params = hand_4bit(scale_bytes, zero_points=not symmetric)
    assert report.totals.weight_bytes == size
    assert report.totals.weight_bytes * 32 == FLOAT32_BYTES * thirty_seconds
    assert 4.5 / 32 <= size / FLOAT32_BYTES <= 5 / 32 or not symmetric
    assert report.totals.params == params
    # the products keep their count and their float dtype (weight-only: activations stay float)
    products = sum(k * n for k, n in WEIGHTS)
    assert dict(report.totals.macs_by_dtype) == {np.dtype(dtype).name: products}
    # each product reads its packed weight, scales and zero points, never a float copy
    assert sum(n.bytes_read_weights for n in report.nodes if n.macs) == size


def _nbits_4096(zero_points: bool) -> onnx.ModelProto:
    """One MatMulNBits, K = N = 4096, block 32, float16 scales (and packed uint8 zero points)."""
    k = n = 4096
    blocks = k // BLOCK
    inits = [nh.from_array(np.zeros((n, blocks, BLOCK // 2), np.uint8), "b"),
             nh.from_array(np.ones(n * blocks, np.float16), "scales")]  # fmt: skip
    inputs = ["a", "b", "scales"]
    if zero_points:
        inits.append(nh.from_array(np.full(n * blocks // 2, 0x88, np.uint8), "zero_points"))
        inputs.append("zero_points")
    node = h.make_node("MatMulNBits", inputs, ["y"], domain="com.microsoft", K=k, N=n, bits=4,
                       block_size=BLOCK)  # fmt: skip
    graph = h.make_graph([node], "nbits", [h.make_tensor_value_info("a", T.FLOAT16, [1, k])],
                         [h.make_tensor_value_info("y", T.FLOAT16, [1, n])], inits)  # fmt: skip
    return h.make_model(graph, opset_imports=[h.make_opsetid("", 21), h.make_opsetid("com.microsoft", 1)])


def test_matmul_nbits_4096_by_hand() -> None:
    # B: 4096·4096 nibbles = 8,388,608 B; scales: 4096·128 blocks × 2 B = 1,048,576 B;
    # 9,437,184 B = 4.5/32 of the float32 weight's 67,108,864 B. Params: 16,777,216 weights +
    # 524,288 scales.
    report = onnxcost.analyze(_nbits_4096(zero_points=False))
    assert report.totals.weight_bytes == 9_437_184 and 9_437_184 * 32 == 67_108_864 * 4.5
    assert dict(report.totals.weight_bytes_by_dtype) == {"float16": 1_048_576, "uint4": 8_388_608}
    assert report.totals.params == report.nodes[0].params == 16_777_216 + 524_288
    # packed uint8 zero points: 4096 rows × 64 bytes = 262,144 B (524,288 4-bit values) more
    report = onnxcost.analyze(_nbits_4096(zero_points=True))
    assert report.totals.weight_bytes == 9_699_328
    assert dict(report.totals.weight_bytes_by_dtype) == {"float16": 1_048_576, "uint4": 8_650_752}
    assert report.totals.params == 16_777_216 + 2 * 524_288
    assert dict(report.totals.macs_by_dtype) == {"float16": 16_777_216}
