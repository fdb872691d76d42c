"""Synthetic ONNX graphs for the schedule's tests and benchmark, built with onnx.helper.

All values are float32 rows [1, C]: a MatMul by a weight changes C, so sizes vary freely while
shape inference stays trivial; weights are shared between blocks to keep the files small.
"""

from __future__ import annotations

import random

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh


class Builder:
    """Accumulates nodes, weights and values; `model()` gives the ModelProto."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: dict[str, onnx.TensorProto] = {}
        self.inputs: list[onnx.ValueInfoProto] = []
        self.count = 0

    def input(self, name: str, width: int) -> str:
        self.inputs.append(h.make_tensor_value_info(name, T.FLOAT, [1, width]))
        return name

    def op(self, op_type: str, *inputs: str, name: str | None = None, **attrs) -> str:
        self.count += 1
        name = name or f"{op_type.lower()}{self.count}"
        self.nodes.append(h.make_node(op_type, list(inputs), [name], name=name, **attrs))
        return name

    def weight(self, rows: int, cols: int) -> str:
        name = f"w_{rows}x{cols}"
        if name not in self.inits:
            values = np.full((rows, cols), 0.01, dtype=np.float32)
            self.inits[name] = nh.from_array(values, name)
        return name

    def dense(self, x: str, rows: int, cols: int, name: str | None = None) -> str:
        return self.op("MatMul", x, self.weight(rows, cols), name=name)

    def model(self, outputs: list[str]) -> onnx.ModelProto:
        graph = h.make_graph(
            self.nodes, "synthetic", self.inputs,
            [h.make_tensor_value_info(o, T.FLOAT, None) for o in outputs],
            initializer=list(self.inits.values()),
        )  # fmt: skip
        return h.make_model(graph, opset_imports=[h.make_opsetid("", 17)], ir_version=8)


def inception_block(b: Builder, x: str, width: int) -> str:
    """Four branches of different widths and depths, concatenated back to `width`: 12 nodes."""
    quarter = width // 4
    one = b.op("Relu", b.dense(x, width, quarter))
    two = b.op("Relu", b.dense(b.op("Relu", b.dense(x, width, 3 * width)), 3 * width, quarter))
    three = b.op("Relu", b.dense(b.op("Relu", b.dense(x, width, quarter // 2)), quarter // 2, quarter))
    four = b.dense(b.op("Sigmoid", x), width, quarter)
    return b.op("Concat", one, two, three, four, axis=1)


def branchy_chain(blocks: int, width: int = 64) -> onnx.ModelProto:
    """A chain of Inception-like blocks: 12 nodes each, cut points between blocks."""
    b = Builder()
    x = b.input("x", width)
    for _ in range(blocks):
        x = inception_block(b, x, width)
    return b.model([x])


def wide_fan(branches: int, depth: int, width: int = 16) -> onnx.ModelProto:
    """One input, `branches` parallel chains of `depth` nodes, summed: one big segment."""
    b = Builder()
    x = b.input("x", width)
    ends = []
    for i in range(branches):
        y = x
        for j in range(depth):
            wide = width * (1 + (i + j) % 5)
            y = b.dense(y, width if j == 0 else width * (1 + (i + j - 1) % 5), wide)
            y = b.op("Tanh", y)
        ends.append(b.dense(y, width * (1 + (i + depth - 1) % 5), width))
    return b.model([b.op("Sum", *ends)])


def unet(levels: int, width: int = 32) -> onnx.ModelProto:
    """U-Net style: an encoder whose outputs skip across to the decoder (Concat), widths growing."""
    b = Builder()
    x = b.input("x", width)
    skips = []
    w = width
    for _ in range(levels):
        x = b.op("Relu", b.dense(x, w, 2 * w))
        skips.append((x, 2 * w))
        x = b.dense(x, 2 * w, w)
    for skip, skip_w in reversed(skips):
        x = b.op("Relu", b.dense(x, w, skip_w))
        x = b.dense(b.op("Concat", x, skip, axis=1), 2 * skip_w, w)
    return b.model([x])


def nas_cells(cells: int, width: int = 32) -> onnx.ModelProto:
    """NAS-style cells: each node of a cell reads two earlier values of the cell, all concatenated."""
    rng = random.Random(7)
    b = Builder()
    prev = [b.input("x", width)]
    for _ in range(cells):
        values = list(prev[-2:])
        for _ in range(5):
            left, right = rng.sample(values, 2) if len(values) > 1 else (values[0], values[0])
            mixed = b.op("Add", b.op("Relu", b.dense(left, width, width)),
                         b.op("Sigmoid", b.dense(right, width, width)))  # fmt: skip
            values.append(mixed)
        fresh = values[len(prev[-2:]) :]  # the 5 new values (the first cell has one input, not 2)
        prev.append(b.dense(b.op("Concat", *fresh, axis=1), len(fresh) * width, width))
    return b.model([prev[-1]])


def random_dag(seed: int, nodes: int) -> onnx.ModelProto:
    """A random DAG of `nodes` ops (MatMul, Relu, Add, Concat, Sigmoid) on rows of random widths."""
    rng = random.Random(seed)
    b = Builder()
    values: list[tuple[str, int]] = [(b.input("x", 8), 8)]
    if rng.random() < 0.5:
        values.append((b.input("y", 4), 4))
    used: set[str] = set()
    for _ in range(nodes):
        kind = rng.choice(["MatMul", "MatMul", "Relu", "Add", "Concat", "Sigmoid"])
        a, wa = rng.choice(values)
        if kind == "MatMul":
            cols = rng.choice([2, 4, 8, 16, 32])
            out, wo = b.dense(a, wa, cols), cols
        elif kind in ("Relu", "Sigmoid"):
            out, wo = b.op(kind, a), wa
        else:
            c, wc = rng.choice(values)
            if kind == "Add" and wc == wa and c != a:
                out, wo = b.op("Add", a, c), wa
            else:
                out, wo = b.op("Concat", a, c, axis=1), wa + wc
            used.add(c)
        used.add(a)
        values.append((out, wo))
    outputs = [name for name, _ in values[1:] if name not in used] or [values[-1][0]]
    return b.model(outputs)
