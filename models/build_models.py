#!/usr/bin/env python
"""Build the onnxcost sample models, deterministically.

Usage::

    python models/build_models.py [OUT_DIR] [--no-int8]

OUT_DIR defaults to the folder of this script. Every model is built with
``onnx.helper`` and numpy only (no framework, no download). Weights are drawn from
``np.random.default_rng`` with a fixed seed per model and have small, realistic
magnitudes (He-normal convolution kernels, batch-norm statistics near 1, biases near 0);
they are not trained, so the models compute nothing meaningful, but their structure,
shapes, costs and weight sizes are those of the real networks.

Every file has ir_version 8, opset 17 for the default domain and producer_name
``onnxcost-models`` and carries no timestamp, so running the script twice gives
byte-identical files.

Models (NCHW, batch 1, float32 unless said otherwise):

* ``kws_dscnn.onnx``, ``vww_mobilenetv1_025.onnx``, ``ic_resnet8.onnx``,
  ``ad_autoencoder.onnx``: the four MLPerf Tiny v0.5+ reference architectures, replicated
  from the reference Keras code of github.com/mlcommons/tiny (``benchmark/training/*``),
  batch norm folded into the preceding convolution or dense layer.
* ``*_int8.onnx``: the same four, quantized to int8 QDQ with onnxruntime's
  ``quantize_static`` (see ``quantize_int8``).
* ``mobilenetv2.onnx``: torchvision's MobileNetV2 1.0 (224x224, 1000 classes).
* ``transformer_encoder.onnx`` (symbolic ``batch`` and ``seq``) and
  ``transformer_encoder_static.onnx`` (batch 2, seq 64, same weights): a 2-layer
  BERT-style encoder.

What the published MLPerf Tiny figures count
--------------------------------------------
MACs are multiply-accumulates of Conv, Gemm and MatMul (bias adds, batch norm,
pooling and activations excluded). Our builds match the published MACs (KWS 2.66 M,
VWW 7.49 M, IC 12.53 M, AD 0.264 M) to within 0.5 %.

The figures often quoted as "parameters" for these models (KWS 53 K, VWW 325 K, IC 96 K,
AD 270 K) are the sizes in kilobytes of the deployed int8 TFLite flatbuffers ("DS-CNN
requires only 53KB", "the 325KB MobileNet", ...). Only for the autoencoder, which is
almost all dense weights, is this close to the parameter count. The reference Keras
models have these parameter counts (``model.count_params()``, batch norm included with
its 4 values per channel: gamma, beta, moving mean and moving variance):

    ============ ===================== ======================== =================
    model        Keras params (BN in)  ours (BN folded, exact)  int8 .tflite size
    ============ ===================== ======================== =================
    KWS DS-CNN   24,908                22,604                   ~53 KB
    VWW MBv1     221,794               210,850                  ~325 KB
    IC ResNet-8  78,666                77,706                   ~96 KB
    AD FC-AE     269,992               265,864                  ~270 KB
    ============ ===================== ======================== =================

Folding a batch norm removes its 4 values per channel and adds one bias per channel
where the layer had none; every reference conv and dense layer has a bias, so the folded
count is the Keras count minus 4 per batch-normalized channel. The architectures are the
reference ones (they reproduce the published MACs and the published peak-activation
figures exactly); the parameter difference to the quoted "K" figures is what those
figures measure, not a difference in the networks.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

PRODUCER_NAME = "onnxcost-models"
PRODUCER_VERSION = "1"
OPSET = 17
IR_VERSION = 8
SEED = 20240917  # base seed; each model adds its own offset (see MODEL_SEEDS)

MODEL_SEEDS = {
    "kws_dscnn": 1,
    "vww_mobilenetv1_025": 2,
    "ic_resnet8": 3,
    "ad_autoencoder": 4,
    "mobilenetv2": 5,
    "transformer_encoder": 6,
}

FLOAT_FILES = (
    "kws_dscnn.onnx",
    "vww_mobilenetv1_025.onnx",
    "ic_resnet8.onnx",
    "ad_autoencoder.onnx",
    "mobilenetv2.onnx",
    "transformer_encoder.onnx",
    "transformer_encoder_static.onnx",
)
INT8_FILES = (
    "kws_dscnn_int8.onnx",
    "vww_mobilenetv1_025_int8.onnx",
    "ic_resnet8_int8.onnx",
    "ad_autoencoder_int8.onnx",
)


def _rng(model: str) -> np.random.Generator:
    return np.random.default_rng([SEED, MODEL_SEEDS[model]])


def tf_same_pads(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """(begin, end) padding of TensorFlow's padding='same' (the extra pixel goes at the end)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class GraphBuilder:
    """Collects nodes and initializers; names every node and tensor deterministically."""

    def __init__(self, name: str, rng: np.random.Generator, bn_eps: float) -> None:
        self.name = name
        self.rng = rng
        self.bn_eps = bn_eps
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._names: set[str] = set()
        self._counts: dict[str, int] = {}

    # -- naming ---------------------------------------------------------------------
    def fresh(self, prefix: str) -> str:
        n = self._counts.get(prefix, 0)
        self._counts[prefix] = n + 1
        name = prefix if n == 0 and prefix not in self._names else f"{prefix}_{n}"
        while name in self._names:
            n += 1
            name = f"{prefix}_{n}"
        self._names.add(name)
        return name

    # -- primitives -----------------------------------------------------------------
    def init(self, name: str, array: np.ndarray) -> str:
        if array.dtype == np.float64:
            array = array.astype(np.float32)
        name = self.fresh(name)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(
        self,
        op: str,
        inputs: Sequence[str],
        name: str | None = None,
        **attrs,
    ) -> str:
        """Append a single-output node; its output tensor is named after the node."""
        node_name = self.fresh(name or op.lower())
        self.nodes.append(helper.make_node(op, list(inputs), [node_name], name=node_name, **attrs))
        return node_name

    def const(self, name: str, value: np.ndarray) -> str:
        """A Constant node (how exporters emit shape-chain scalars)."""
        node_name = self.fresh(name)
        tensor = numpy_helper.from_array(np.asarray(value), node_name + "_value")
        self.nodes.append(
            helper.make_node("Constant", [], [node_name], name=node_name, value=tensor)
        )
        return node_name

    # -- weights --------------------------------------------------------------------
    def he_normal(self, shape: Sequence[int], fan_in: int) -> np.ndarray:
        return self.rng.normal(0.0, math.sqrt(2.0 / fan_in), size=tuple(shape))

    def bn_params(self, c: int) -> tuple[np.ndarray, ...]:
        gamma = self.rng.uniform(0.8, 1.2, c)
        beta = self.rng.normal(0.0, 0.05, c)
        mean = self.rng.normal(0.0, 0.05, c)
        var = self.rng.uniform(0.8, 1.25, c)
        return gamma, beta, mean, var

    def fold_bn(
        self, w: np.ndarray, b: np.ndarray | None, out_axis: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Fold an inference batch norm into the weights and bias of the layer before it."""
        c = w.shape[out_axis]
        gamma, beta, mean, var = self.bn_params(c)
        scale = gamma / np.sqrt(var + self.bn_eps)
        shape = [1] * w.ndim
        shape[out_axis] = c
        w = w * scale.reshape(shape)
        b0 = np.zeros(c) if b is None else b
        return w, (b0 - mean) * scale + beta

    # -- layers ---------------------------------------------------------------------
    def conv(
        self,
        x: str,
        cin: int,
        cout: int,
        kernel: tuple[int, int],
        stride: int = 1,
        pads: tuple[int, int, int, int] = (0, 0, 0, 0),
        group: int = 1,
        bias: bool = True,
        bn: bool = True,
        name: str = "conv",
    ) -> str:
        kh, kw = kernel
        fan_in = (cin // group) * kh * kw
        w = self.he_normal((cout, cin // group, kh, kw), fan_in)
        b = self.rng.normal(0.0, 0.02, cout) if bias else None
        if bn:
            w, b = self.fold_bn(w, b, out_axis=0)
        inputs = [x, self.init(f"{name}.weight", w.astype(np.float32))]
        if b is not None:
            inputs.append(self.init(f"{name}.bias", b.astype(np.float32)))
        attrs = {
            "kernel_shape": [kh, kw],
            "strides": [stride, stride],
            "pads": list(pads),
            "dilations": [1, 1],
            "group": group,
        }
        return self.node("Conv", inputs, name=name, **attrs)

    def gemm(self, x: str, k: int, n: int, name: str = "fc", bn: bool = False) -> str:
        """Dense layer as Gemm(x, W^T, b) with W stored [N, K] (transB=1, as torch exports)."""
        w = self.rng.normal(0.0, math.sqrt(1.0 / k), size=(n, k))
        b = self.rng.normal(0.0, 0.02, n)
        if bn:
            w, b = self.fold_bn(w, b, out_axis=0)
        wn = self.init(f"{name}.weight", w.astype(np.float32))
        bname = self.init(f"{name}.bias", b.astype(np.float32))
        return self.node("Gemm", [x, wn, bname], name=name, alpha=1.0, beta=1.0, transB=1)

    def matmul_add(
        self, x: str, k: int, n: int, name: str, bn: bool = False, std: float | None = None
    ) -> str:
        """Dense layer as MatMul(x, W) + b with W stored [K, N] (as tf2onnx exports)."""
        w = self.rng.normal(0.0, std if std is not None else math.sqrt(2.0 / k), size=(k, n))
        b = self.rng.normal(0.0, 0.02, n)
        if bn:
            w, b = self.fold_bn(w, b, out_axis=1)
        wn = self.init(f"{name}.weight", w.astype(np.float32))
        bname = self.init(f"{name}.bias", b.astype(np.float32))
        y = self.node("MatMul", [x, wn], name=f"{name}/MatMul")
        return self.node("Add", [y, bname], name=f"{name}/Add")

    def relu(self, x: str) -> str:
        return self.node("Relu", [x])

    # -- model ----------------------------------------------------------------------
    def model(
        self,
        inputs: Sequence[onnx.ValueInfoProto],
        outputs: Sequence[onnx.ValueInfoProto],
        doc: str,
    ) -> onnx.ModelProto:
        graph = helper.make_graph(
            self.nodes, self.name, list(inputs), list(outputs), initializer=self.initializers
        )
        return make_model(graph, doc)


def make_model(graph: onnx.GraphProto, doc: str) -> onnx.ModelProto:
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name=PRODUCER_NAME,
        producer_version=PRODUCER_VERSION,
        ir_version=IR_VERSION,
        doc_string=doc,
    )
    return model


def rename_output(b: GraphBuilder, tensor: str, new: str) -> str:
    """Give the producer of `tensor` the output name `new` (graph outputs get clean names)."""
    for node in b.nodes:
        for i, out in enumerate(node.output):
            if out == tensor:
                node.output[i] = new
    for node in b.nodes:
        for i, inp in enumerate(node.input):
            if inp == tensor:
                node.input[i] = new
    return new


def fvi(name: str, shape: Sequence[int | str], dtype: int = TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, dtype, list(shape))


# ====================================================================================
# MLPerf Tiny
# ====================================================================================


def build_kws_dscnn() -> onnx.ModelProto:
    """KWS DS-CNN (benchmark/training/keyword_spotting/keras_model.py, 'ds_cnn').

    Input 49x10x1 MFCC (Keras NHWC) -> here [1, 1, 49, 10]. Conv 64 (10x4) stride 2 'same'
    -> 25x5x64; 4 x (depthwise 3x3 'same' + pointwise 64), each followed by BN + ReLU;
    AveragePooling2D(pool_size=(int(49/2), int(10/2))) = (24, 5), strides = pool size,
    'valid': on a 25x5 map this is a 1x1 output from the first 24 rows (faithfully kept:
    it is not a global pool); Flatten; Dense 12 + softmax. Dropout is identity at inference.
    """
    b = GraphBuilder("kws_dscnn", _rng("kws_dscnn"), bn_eps=1e-3)
    x = "input"
    ph, pw = tf_same_pads(49, 10, 2), tf_same_pads(10, 4, 2)
    x = b.conv(x, 1, 64, (10, 4), 2, (ph[0], pw[0], ph[1], pw[1]), name="conv1")
    x = b.relu(x)
    for i in range(1, 5):
        x = b.conv(x, 64, 64, (3, 3), 1, (1, 1, 1, 1), group=64, name=f"dw{i}")
        x = b.relu(x)
        x = b.conv(x, 64, 64, (1, 1), 1, name=f"pw{i}")
        x = b.relu(x)
    x = b.node("AveragePool", [x], name="avgpool", kernel_shape=[24, 5], strides=[24, 5])
    x = b.node("Flatten", [x], name="flatten", axis=1)
    x = b.gemm(x, 64, 12, name="fc")
    x = b.node("Softmax", [x], name="softmax", axis=-1)
    rename_output(b, x, "output")
    return b.model(
        [fvi("input", [1, 1, 49, 10])],
        [fvi("output", [1, 12])],
        "MLPerf Tiny keyword spotting reference DS-CNN (12 classes), BN folded. "
        "Published: 2.66 M MACs; int8 TFLite ~53 KB.",
    )


def build_vww_mobilenetv1() -> onnx.ModelProto:
    """VWW MobileNetV1 alpha=0.25 (benchmark/training/visual_wake_words/vww_model.py).

    96x96x3 input, conv 8 (3x3, s2, 'same') -> 48x48x8, 13 depthwise-separable blocks
    (strides 1,2,1,2,1,2,1,1,1,1,1,2,1; pointwise widths 16,32,32,64,64,128 x6, 256, 256),
    BN + ReLU (plain ReLU, not ReLU6, in the reference) after every conv,
    AveragePooling2D(3x3) -> Flatten -> Dense 2 + softmax.
    """
    b = GraphBuilder("vww_mobilenetv1_025", _rng("vww_mobilenetv1_025"), bn_eps=1e-3)
    size = 96
    p = tf_same_pads(size, 3, 2)
    x = b.conv("input", 3, 8, (3, 3), 2, (p[0], p[0], p[1], p[1]), name="conv1")
    x = b.relu(x)
    size = 48
    cin = 8
    blocks = [(1, 16), (2, 32), (1, 32), (2, 64), (1, 64), (2, 128)]
    blocks += [(1, 128)] * 5 + [(2, 256), (1, 256)]
    for i, (stride, cout) in enumerate(blocks, start=2):
        p = tf_same_pads(size, 3, stride)
        x = b.conv(x, cin, cin, (3, 3), stride, (p[0], p[0], p[1], p[1]), group=cin, name=f"dw{i}")
        x = b.relu(x)
        size = -(-size // stride)
        x = b.conv(x, cin, cout, (1, 1), 1, name=f"pw{i}")
        x = b.relu(x)
        cin = cout
    x = b.node("AveragePool", [x], name="avgpool", kernel_shape=[size, size], strides=[size, size])
    x = b.node("Flatten", [x], name="flatten", axis=1)
    x = b.gemm(x, 256, 2, name="fc")
    x = b.node("Softmax", [x], name="softmax", axis=-1)
    rename_output(b, x, "output")
    return b.model(
        [fvi("input", [1, 3, 96, 96])],
        [fvi("output", [1, 2])],
        "MLPerf Tiny visual wake words reference MobileNetV1 alpha=0.25, 96x96, 2 classes, "
        "BN folded. Published: 7.49 M MACs; int8 TFLite ~325 KB.",
    )


def build_ic_resnet8() -> onnx.ModelProto:
    """IC ResNet-8 (benchmark/training/image_classification/keras_model.py, 16 filters).

    conv 16 3x3 + BN + ReLU; three stacks (16, 32, 64 filters; strides 1, 2, 2) of
    [conv3x3-BN-ReLU, conv3x3-BN] + identity (stack 1) or 1x1 stride-2 conv without BN
    (stacks 2, 3), Add, ReLU; AveragePooling2D(8) -> Flatten -> Dense 10 + softmax.
    """
    b = GraphBuilder("ic_resnet8", _rng("ic_resnet8"), bn_eps=1e-3)
    x = b.conv("input", 3, 16, (3, 3), 1, (1, 1, 1, 1), name="conv1")
    x = b.relu(x)
    size, cin = 32, 16
    for stack, (cout, stride) in enumerate([(16, 1), (32, 2), (64, 2)], start=1):
        p = tf_same_pads(size, 3, stride)
        y = b.conv(
            x, cin, cout, (3, 3), stride, (p[0], p[0], p[1], p[1]), name=f"stack{stack}.conv1"
        )
        y = b.relu(y)
        y = b.conv(y, cout, cout, (3, 3), 1, (1, 1, 1, 1), name=f"stack{stack}.conv2")
        if stride != 1:
            x = b.conv(x, cin, cout, (1, 1), stride, bn=False, name=f"stack{stack}.shortcut")
        x = b.node("Add", [x, y], name=f"stack{stack}.add")
        x = b.relu(x)
        size, cin = -(-size // stride), cout
    x = b.node("AveragePool", [x], name="avgpool", kernel_shape=[size, size], strides=[size, size])
    x = b.node("Flatten", [x], name="flatten", axis=1)
    x = b.gemm(x, 64, 10, name="fc")
    x = b.node("Softmax", [x], name="softmax", axis=-1)
    rename_output(b, x, "output")
    return b.model(
        [fvi("input", [1, 3, 32, 32])],
        [fvi("output", [1, 10])],
        "MLPerf Tiny image classification reference ResNet-8 (CIFAR-10), BN folded. "
        "Published: 12.53 M MACs; int8 TFLite ~96 KB.",
    )


def build_ad_autoencoder() -> onnx.ModelProto:
    """AD FC autoencoder (v0.1/benchmarks/anomaly_detection/keras_model.py).

    640 -> 4 x (Dense 128 + BN + ReLU) -> Dense 8 + BN + ReLU -> 4 x (Dense 128 + BN +
    ReLU) -> Dense 640. Dense layers as MatMul + Add (the tf2onnx form of a Keras Dense).
    """
    b = GraphBuilder("ad_autoencoder", _rng("ad_autoencoder"), bn_eps=1e-3)
    x = "input"
    widths = [128, 128, 128, 128, 8, 128, 128, 128, 128]
    k = 640
    for i, n in enumerate(widths, start=1):
        x = b.matmul_add(x, k, n, name=f"dense{i}", bn=True)
        x = b.relu(x)
        k = n
    x = b.matmul_add(x, k, 640, name="dense10", std=math.sqrt(1.0 / k))
    rename_output(b, x, "output")
    return b.model(
        [fvi("input", [1, 640])],
        [fvi("output", [1, 640])],
        "MLPerf Tiny anomaly detection reference FC autoencoder (ToyADMOS), BN folded. "
        "Published: 0.264 M MACs, 270 K params (Keras count incl. BN).",
    )


# ====================================================================================
# MobileNetV2 (torchvision)
# ====================================================================================


def build_mobilenetv2() -> onnx.ModelProto:
    """torchvision.models.mobilenet_v2 (width 1.0): BN folded, ReLU6 as Clip(x, 0, 6).

    torchvision counts 3,504,872 parameters: conv weights (no conv bias), BN weight and
    bias (2 per channel; running statistics are buffers) and the classifier. Folding turns
    the 2 BN values per channel into 1 conv bias, so this file holds 3,504,872 - 17,056 =
    3,487,816 weights, plus the two Clip bound scalars.
    """
    b = GraphBuilder("mobilenetv2", _rng("mobilenetv2"), bn_eps=1e-5)
    clip_min = b.init("clip_min", np.array(0.0, dtype=np.float32))
    clip_max = b.init("clip_max", np.array(6.0, dtype=np.float32))

    def conv_bn(x, cin, cout, k, stride, group=1, relu6=True, name="conv"):
        pad = (k - 1) // 2
        y = b.conv(
            x, cin, cout, (k, k), stride, (pad, pad, pad, pad), group=group, bias=False, name=name
        )
        if relu6:
            y = b.node("Clip", [y, clip_min, clip_max], name=f"{name}/relu6")
        return y

    x = conv_bn("input", 3, 32, 3, 2, name="features.0")
    cin = 32
    idx = 1
    settings = [
        (1, 16, 1, 1),
        (6, 24, 2, 2),
        (6, 32, 3, 2),
        (6, 64, 4, 2),
        (6, 96, 3, 1),
        (6, 160, 3, 2),
        (6, 320, 1, 1),
    ]
    for t, c, n, s in settings:
        for i in range(n):
            stride = s if i == 0 else 1
            hidden = cin * t
            pre = f"features.{idx}"
            y = x
            j = 0
            if t != 1:
                y = conv_bn(y, cin, hidden, 1, 1, name=f"{pre}.conv.{j}")
                j += 1
            y = conv_bn(y, hidden, hidden, 3, stride, group=hidden, name=f"{pre}.conv.{j}")
            j += 1
            y = conv_bn(y, hidden, c, 1, 1, relu6=False, name=f"{pre}.conv.{j}")
            if stride == 1 and cin == c:
                y = b.node("Add", [x, y], name=f"{pre}/add")
            x = y
            cin = c
            idx += 1
    x = conv_bn(x, cin, 1280, 1, 1, name=f"features.{idx}")
    x = b.node("GlobalAveragePool", [x], name="avgpool")
    x = b.node("Flatten", [x], name="flatten", axis=1)
    x = b.gemm(x, 1280, 1000, name="classifier.1")
    rename_output(b, x, "logits")
    return b.model(
        [fvi("input", [1, 3, 224, 224])],
        [fvi("logits", [1, 1000])],
        "torchvision MobileNetV2 1.0, 224x224, 1000 classes, BN folded, ReLU6 as Clip. "
        "Published: 3,504,872 params (torchvision, BN unfolded), 300.8 M MACs.",
    )


# ====================================================================================
# Transformer encoder
# ====================================================================================

VOCAB, D_MODEL, HEADS, FFN, MAX_POS, LAYERS = 1000, 128, 4, 512, 512, 2


def _transformer_weights() -> dict[str, np.ndarray]:
    """All transformer weights, drawn in a fixed order (shared by both variants)."""
    rng = _rng("transformer_encoder")
    d, f = D_MODEL, FFN
    w: dict[str, np.ndarray] = {
        "embeddings.word": rng.normal(0.0, 0.02, (VOCAB, d)),
        "embeddings.position": rng.normal(0.0, 0.02, (MAX_POS, d)),
    }
    for layer in range(LAYERS):
        p = f"layer{layer}"
        for proj in ("query", "key", "value", "output"):
            w[f"{p}.attn.{proj}.weight"] = rng.normal(0.0, math.sqrt(1.0 / d), (d, d))
            w[f"{p}.attn.{proj}.bias"] = rng.normal(0.0, 0.02, d)
        w[f"{p}.ln1.weight"] = rng.uniform(0.9, 1.1, d)
        w[f"{p}.ln1.bias"] = rng.normal(0.0, 0.02, d)
        w[f"{p}.ffn.fc1.weight"] = rng.normal(0.0, math.sqrt(1.0 / d), (d, f))
        w[f"{p}.ffn.fc1.bias"] = rng.normal(0.0, 0.02, f)
        w[f"{p}.ffn.fc2.weight"] = rng.normal(0.0, math.sqrt(1.0 / f), (f, d))
        w[f"{p}.ffn.fc2.bias"] = rng.normal(0.0, 0.02, d)
        w[f"{p}.ln2.weight"] = rng.uniform(0.9, 1.1, d)
        w[f"{p}.ln2.bias"] = rng.normal(0.0, 0.02, d)
    return {k: v.astype(np.float32) for k, v in w.items()}


def build_transformer(batch: int | str = "batch", seq: int | str = "seq") -> onnx.ModelProto:
    """BERT-style post-LN encoder: embeddings + 2 x (MHA, Add & LN, FFN with Gelu, Add & LN).

    The position table is sliced to the sequence length and every head reshape target is
    computed at run time through Shape -> Gather -> Unsqueeze -> Concat, as exporters
    write them, so the graph is valid for any batch and seq (seq <= 512).
    """
    w = _transformer_weights()
    # The builder's own generator is unused here: the weights come from
    # _transformer_weights so that both variants share them exactly.
    b = GraphBuilder("transformer_encoder", np.random.default_rng(0), bn_eps=0.0)
    head_dim = D_MODEL // HEADS
    W = {k: b.init(k, v) for k, v in w.items()}

    def i64(name, values):
        return b.const(name, np.array(values, dtype=np.int64))

    def f32(name, value):
        return b.const(name, np.array(value, dtype=np.float32))

    # Embeddings: word lookup + position table sliced to [seq, d].
    ids = "input_ids"
    x = b.node("Gather", [W["embeddings.word"], ids], name="embeddings/word", axis=0)
    ids_shape = b.node("Shape", [ids], name="embeddings/Shape")
    seq_len = b.node(
        "Gather", [ids_shape, i64("embeddings/one", 1)], name="embeddings/Gather_seq", axis=0
    )
    seq_1d = b.node(
        "Unsqueeze", [seq_len, i64("embeddings/axes0", [0])], name="embeddings/Unsqueeze_seq"
    )
    pos = b.node(
        "Slice",
        [
            W["embeddings.position"],
            i64("embeddings/zero_1d", [0]),
            seq_1d,
            i64("embeddings/axes0_slice", [0]),
        ],
        name="embeddings/position",
    )
    x = b.node("Add", [x, pos], name="embeddings/add")

    for layer in range(LAYERS):
        p = f"layer{layer}"

        def dense(inp, proj, p=p):
            y = b.node("MatMul", [inp, W[f"{p}.{proj}.weight"]], name=f"{p}/{proj}/MatMul")
            return b.node("Add", [y, W[f"{p}.{proj}.bias"]], name=f"{p}/{proj}/Add")

        # Dynamic dims of the block input, as an exporter writes them.
        shp = b.node("Shape", [x], name=f"{p}/attn/Shape")
        bdim = b.node("Gather", [shp, i64(f"{p}/attn/idx0", 0)], name=f"{p}/attn/Gather_b", axis=0)
        sdim = b.node("Gather", [shp, i64(f"{p}/attn/idx1", 1)], name=f"{p}/attn/Gather_s", axis=0)
        b1 = b.node("Unsqueeze", [bdim, i64(f"{p}/attn/ax_b", [0])], name=f"{p}/attn/Unsq_b")
        s1 = b.node("Unsqueeze", [sdim, i64(f"{p}/attn/ax_s", [0])], name=f"{p}/attn/Unsq_s")
        heads_shape = b.node(
            "Concat",
            [b1, s1, i64(f"{p}/attn/heads", [HEADS]), i64(f"{p}/attn/head_dim", [head_dim])],
            name=f"{p}/attn/Concat_heads",
            axis=0,
        )
        merged_shape = b.node(
            "Concat",
            [b1, s1, i64(f"{p}/attn/d_model", [D_MODEL])],
            name=f"{p}/attn/Concat_merge",
            axis=0,
        )

        def split_heads(t, perm, tag, p=p, heads_shape=heads_shape):
            r = b.node("Reshape", [t, heads_shape], name=f"{p}/attn/{tag}/Reshape")
            return b.node("Transpose", [r], name=f"{p}/attn/{tag}/Transpose", perm=perm)

        q = split_heads(dense(x, "attn.query"), [0, 2, 1, 3], "q")  # [b, h, s, dh]
        k = split_heads(dense(x, "attn.key"), [0, 2, 3, 1], "k")  # [b, h, dh, s]
        v = split_heads(dense(x, "attn.value"), [0, 2, 1, 3], "v")  # [b, h, s, dh]
        scores = b.node("MatMul", [q, k], name=f"{p}/attn/scores")
        scores = b.node(
            "Div", [scores, f32(f"{p}/attn/scale", math.sqrt(head_dim))], name=f"{p}/attn/Div_scale"
        )
        probs = b.node("Softmax", [scores], name=f"{p}/attn/Softmax", axis=-1)
        ctx = b.node("MatMul", [probs, v], name=f"{p}/attn/context")
        ctx = b.node("Transpose", [ctx], name=f"{p}/attn/ctx/Transpose", perm=[0, 2, 1, 3])
        ctx = b.node("Reshape", [ctx, merged_shape], name=f"{p}/attn/ctx/Reshape")
        attn = dense(ctx, "attn.output")
        x = b.node("Add", [x, attn], name=f"{p}/attn/residual")
        x = b.node(
            "LayerNormalization",
            [x, W[f"{p}.ln1.weight"], W[f"{p}.ln1.bias"]],
            name=f"{p}/ln1",
            axis=-1,
            epsilon=1e-5,
        )

        # FFN with exact Gelu: 0.5 * h * (1 + erf(h / sqrt(2))).
        h = dense(x, "ffn.fc1")
        sqrt2 = f32(f"{p}/ffn/sqrt2", math.sqrt(2.0))
        e = b.node(
            "Erf", [b.node("Div", [h, sqrt2], name=f"{p}/ffn/gelu/Div")], name=f"{p}/ffn/gelu/Erf"
        )
        e = b.node("Add", [e, f32(f"{p}/ffn/one", 1.0)], name=f"{p}/ffn/gelu/Add")
        g = b.node("Mul", [h, e], name=f"{p}/ffn/gelu/Mul")
        g = b.node("Mul", [g, f32(f"{p}/ffn/half", 0.5)], name=f"{p}/ffn/gelu/Mul_half")
        y = dense(g, "ffn.fc2")
        x = b.node("Add", [x, y], name=f"{p}/ffn/residual")
        x = b.node(
            "LayerNormalization",
            [x, W[f"{p}.ln2.weight"], W[f"{p}.ln2.bias"]],
            name=f"{p}/ln2",
            axis=-1,
            epsilon=1e-5,
        )

    rename_output(b, x, "last_hidden_state")
    static = isinstance(batch, int) and isinstance(seq, int)
    b.name = "transformer_encoder_static" if static else "transformer_encoder"
    return b.model(
        [fvi("input_ids", [batch, seq], TensorProto.INT64)],
        [fvi("last_hidden_state", [batch, seq, D_MODEL])],
        f"Small BERT-style transformer encoder: vocab {VOCAB}, d_model {D_MODEL}, "
        f"{HEADS} heads, ffn {FFN}, {LAYERS} layers, max positions {MAX_POS}; "
        f"input_ids [{batch}, {seq}].",
    )


# ====================================================================================
# int8 QDQ
# ====================================================================================

# Calibration inputs: a few deterministic synthetic samples in each model's input range.
CALIBRATION = {
    # MFCC features: roughly zero-mean, a few units wide.
    "kws_dscnn": ("normal", 4.0),
    # Images scaled to [0, 1] by the reference preprocessing.
    "vww_mobilenetv1_025": ("uniform", 1.0),
    "ic_resnet8": ("uniform", 1.0),
    # Log-mel frames, standardized.
    "ad_autoencoder": ("normal", 1.0),
}
N_CALIBRATION = 8


def calibration_samples(model: str, shape: Sequence[int]) -> list[np.ndarray]:
    kind, scale = CALIBRATION[model]
    rng = np.random.default_rng([SEED, MODEL_SEEDS[model], 99])
    if kind == "uniform":
        return [rng.uniform(0.0, scale, shape).astype(np.float32) for _ in range(N_CALIBRATION)]
    return [rng.normal(0.0, scale, shape).astype(np.float32) for _ in range(N_CALIBRATION)]


def quantize_int8(model: onnx.ModelProto, name: str) -> onnx.ModelProto:
    """Post-training static quantization to int8 QDQ with onnxruntime.

    Activations: QInt8, asymmetric (zero point may be non-zero), per tensor, MinMax
    calibration over N_CALIBRATION synthetic inputs. Weights: QInt8, symmetric, per output
    channel for Conv (axis 0) and Gemm/MatMul (the output-feature axis), as TFLite's int8
    converter does; Conv and Gemm biases int32 (scale = input scale * weight scale). This
    is the layout MCU toolchains deploy.

    onnxruntime folds each Relu that follows a Conv into the output quantization (the
    Relu node disappears, as in TFLite's fused activations). The MatMul + Add dense
    layers of the autoencoder keep a separate Add whose bias is an int8 tensor (only Conv
    and Gemm get int32 biases). No quant_pre_process: the float graphs are already in its
    output form (BN folded, no redundant nodes); we only run ONNX shape inference.
    The result is byte-identical across runs with the same onnxruntime version: MinMax
    calibration over fixed inputs is deterministic, and normalize_quantized pins the
    metadata.
    """
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    inp = model.graph.input[0]
    shape = [d.dim_value for d in inp.type.tensor_type.shape.dim]
    samples = calibration_samples(name, shape)

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self._it = iter([{inp.name: s} for s in samples])

        def get_next(self):
            return next(self._it, None)

    root = logging.getLogger()
    level = root.level
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"{name}.onnx"
        dst = Path(tmp) / f"{name}_int8.onnx"
        onnx.save(onnx.shape_inference.infer_shapes(model), src)
        # Silence the "consider pre-processing" advice onnxruntime logs on the root logger.
        root.setLevel(logging.ERROR)
        try:
            quantize_static(
                str(src),
                str(dst),
                Reader(),
                quant_format=QuantFormat.QDQ,
                activation_type=QuantType.QInt8,
                weight_type=QuantType.QInt8,
                per_channel=True,
                calibrate_method=CalibrationMethod.MinMax,
                extra_options={"ActivationSymmetric": False, "WeightSymmetric": True},
            )
        finally:
            root.setLevel(level)
        q = onnx.load(str(dst))
    return normalize_quantized(q, model)


def normalize_quantized(q: onnx.ModelProto, float_model: onnx.ModelProto) -> onnx.ModelProto:
    """Stamp our metadata and drop what onnxruntime adds that could vary between runs."""
    import onnxruntime

    q.producer_name = PRODUCER_NAME
    q.producer_version = PRODUCER_VERSION
    q.ir_version = IR_VERSION
    q.doc_string = (
        float_model.doc_string
        + f" int8 QDQ by onnxruntime {onnxruntime.__version__} quantize_static: "
        "activations QInt8 asymmetric per-tensor (MinMax), weights QInt8 symmetric "
        "per-channel, biases int32."
    )
    del q.metadata_props[:]
    q.metadata_props.append(
        onnx.StringStringEntryProto(key="onnxruntime_version", value=onnxruntime.__version__)
    )
    del q.graph.value_info[:]
    # Deterministic opset list: default domain pinned to OPSET, others sorted by name.
    opsets = {o.domain: o.version for o in q.opset_import}
    opsets[""] = OPSET
    del q.opset_import[:]
    for domain in sorted(opsets):
        q.opset_import.append(helper.make_opsetid(domain, opsets[domain]))
    return q


# ====================================================================================
# main
# ====================================================================================


def save(model: onnx.ModelProto, path: Path) -> None:
    onnx.checker.check_model(model, full_check=True)
    path.write_bytes(model.SerializeToString(deterministic=True))


def build_all(out_dir: str | os.PathLike, int8: bool = True) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    mlperf = {
        "kws_dscnn": build_kws_dscnn(),
        "vww_mobilenetv1_025": build_vww_mobilenetv1(),
        "ic_resnet8": build_ic_resnet8(),
        "ad_autoencoder": build_ad_autoencoder(),
    }
    models = dict(mlperf)
    models["mobilenetv2"] = build_mobilenetv2()
    models["transformer_encoder"] = build_transformer()
    models["transformer_encoder_static"] = build_transformer(2, 64)
    for name, model in models.items():
        path = out / f"{name}.onnx"
        save(model, path)
        written.append(path)
    if int8:
        for name, model in mlperf.items():
            path = out / f"{name}_int8.onnx"
            save(quantize_int8(model, name), path)
            written.append(path)
    expected = FLOAT_FILES + (INT8_FILES if int8 else ())
    assert tuple(p.name for p in written) == expected, "update FLOAT_FILES / INT8_FILES"
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default=str(Path(__file__).resolve().parent))
    parser.add_argument("--no-int8", action="store_true", help="skip the int8 QDQ models")
    args = parser.parse_args(argv)
    for path in build_all(args.out_dir, int8=not args.no_int8):
        print(f"{path.stat().st_size:>12,d}  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
