"""Hand-worked figures for data movement: views move nothing, copies read and write everything,
Gather and Slice read only what they keep, Resize interpolates."""

import numpy as np
import pytest
from onnx import numpy_helper

from tests.rules.harness import Case, In, W, check


def _i64(*values: int) -> W:
    """A constant int64 operand (shape, axes, pads, sizes...)."""
    return W(f"c{len(values)}_{'_'.join(map(str, values)) or 'empty'}".replace("-", "m"),
             value=list(values), dtype="int64")


CASES = [
    # --- views: 0 FLOPs, 0 bytes -----------------------------------------------------------
    Case("Reshape", [In("x", (2, 3, 4)), _i64(6, 4)],
         # [2,3,4] → [6,4]: metadata only; the int64 shape operand is not read either
         macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero",
         why="Reshape view: 0 bytes"),
    Case("Reshape", [In("x", ("batch", 3, 4)), _i64(0, -1)],
         # symbolic [batch,3,4] → [batch,12]: still 0 bytes
         macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero",
         why="symbolic Reshape view: 0 bytes"),
    Case("Flatten", [In("x", (2, 3, 4, 5))], attrs={"axis": 1},
         # [2,3,4,5] → [2,60]: 0 bytes
         macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero",
         why="Flatten view: 0 bytes"),
    Case("Squeeze", [In("x", (1, 8, 1))], attrs={"axes": [0, 2]}, opset=11,
         # Squeeze-11 axes attribute: [1,8,1] → [8]: 0 bytes
         macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero",
         why="Squeeze-11 axes attr: 0 bytes"),
    Case("Squeeze", [In("x", (1, 8, 1)), _i64(0, 2)], opset=13,
         # Squeeze-13 axes input: 0 bytes, the axes operand included
         macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero",
         why="Squeeze-13 axes input: 0 bytes"),
    Case("Unsqueeze", [In("x", (8,))], attrs={"axes": [0]}, opset=11,
         # Unsqueeze-11 axes attribute: [8] → [1,8]: 0 bytes
         macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero",
         why="Unsqueeze-11 axes attr: 0 bytes"),
    Case("Unsqueeze", [In("x", (8,)), _i64(0, 2)], opset=13,
         # Unsqueeze-13 axes input: [8] → [1,8,1]: 0 bytes
         macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero",
         why="Unsqueeze-13 axes input: 0 bytes"),
    Case("Identity", [In("x", (5, 5))],
         # 0 bytes
         macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero",
         why="Identity view: 0 bytes"),
    # --- Dropout: identity at inference, mask and scale in training -------------------------
    Case("Dropout", [In("x", (4, 10))], attrs={"is_test": 1}, opset=6,
         # Dropout-6 is_test = 1 (what Caffe2-era exports carry): identity, 0 bytes
         macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero",
         why="Dropout-6 is_test=1: identity"),
    Case("Dropout", [In("x", (4, 10))], opset=6,
         # Dropout-6 default is_test = 0 means training: mask compare and scale = 2·40 = 80
         macs=0, flops=80, why="Dropout-6 default is_test=0: training, 2·40"),
    Case("Dropout", [In("x", (4, 10))], opset=10,
         # Dropout-10: inference identity: 0 FLOPs, 0 bytes
         macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero",
         why="Dropout-10 inference: identity"),
    Case("Dropout", [In("x", (4, 10)), W("ratio", value=0.5), W("t", value=False, dtype="bool")],
         opset=13,
         # training_mode = false: identity, 0 bytes
         macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero",
         why="Dropout-13 training_mode false: identity"),
    Case("Dropout", [In("x", (4, 10)), W("ratio", value=0.5), W("t", value=True, dtype="bool")],
         opset=13, outputs=2,
         # training_mode = true: mask compare and scale = 2 per element: 2·40 = 80;
         # reads x 160 + ratio 4 + flag 1 = 165; writes y 160 + bool mask 40 = 200
         macs=0, flops=80, bytes_read=165, bytes_written=200,
         why="Dropout-13 training_mode true: 2·40"),
    # --- Shape, Size, Constant, ConstantOfShape --------------------------------------------
    # Shape and Size of a symbolic input: the value ([batch, 3, 8], 24·batch) is known as soon as
    # the dims are, so it is folded as with static dims: 0 bytes (the formula at any binding equals
    # the bound analysis). The rule itself runs on an input of unknown rank (test below).
    Case("Shape", [In("x", ("batch", 3, 8))], opset=13,
         macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero",
         why="Shape of symbolic input: folded, nothing moved"),
    Case("Shape", [In("x", ("batch", 3, 8))], attrs={"start": 1}, opset=15,
         macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero",
         why="Shape-15 start=1 of symbolic input: folded"),
    Case("Size", [In("x", ("batch", 3, 8))], opset=13,
         macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero",
         why="Size of symbolic input: folded"),
    Case("Constant", [],
         attrs={"value": numpy_helper.from_array(np.zeros((3, 4), np.float32), "v")},
         # part of the model: 0 bytes moved
         macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero",
         why="Constant: 0 bytes"),
    Case("ConstantOfShape", [_i64(2, 3)], opset=13,
         # constant shape: folded, nothing runs
         macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero",
         why="ConstantOfShape of a constant shape: folded"),
    Case("ConstantOfShape", [In("s", (2,), "int64")], opset=13,
         out_shapes=[((2, 3), "float32")],
         # run-time fill: reads the int64[2] shape (16 bytes), writes 2·3 floats (24 bytes)
         macs=0, flops=0, bytes_read=16, bytes_written=24, status="zero",
         why="ConstantOfShape of a run-time shape: fill 24 bytes"),
    # --- copies: every input read once, every output written once ---------------------------
    Case("Transpose", [In("x", (2, 3, 4))], attrs={"perm": [2, 0, 1]},
         # reads and writes 24 floats: 96 bytes each way
         macs=0, flops=0, bytes_read=96, bytes_written=96, status="zero",
         why="Transpose: 96 bytes in, 96 out"),
    Case("Transpose", [In("x", ("batch", 16, 64))], attrs={"perm": [0, 2, 1]},
         # 1,024·batch floats: 4,096·batch bytes each way
         macs=0, flops=0, bytes_read="4096*batch", bytes_written="4096*batch",
         why="symbolic Transpose: 4096·batch bytes"),
    Case("Concat", [In("a", (2, 3)), In("b", (2, 5))], attrs={"axis": 1}, opset=13,
         # reads 6 + 10 floats = 64 bytes, writes [2,8] = 64 bytes
         macs=0, flops=0, bytes_read=64, bytes_written=64, status="zero",
         why="Concat: 64 bytes in, 64 out"),
    Case("Split", [In("x", (6, 5))], attrs={"axis": 0, "split": [2, 4]}, opset=11, outputs=2,
         # Split-11 sizes attribute: reads 30 floats (120 bytes), writes [2,5] + [4,5] = 120
         macs=0, flops=0, bytes_read=120, bytes_written=120, status="zero",
         why="Split-11 split attr: 120 bytes each way"),
    Case("Split", [In("x", (6, 5)), _i64(2, 4)], attrs={"axis": 0}, opset=13, outputs=2,
         # Split-13 sizes input: 120 + the int64[2] sizes operand 16 = 136 read; 120 written
         macs=0, flops=0, bytes_read=136, bytes_written=120, status="zero",
         why="Split-13 split input: 136 in, 120 out"),
    Case("Split", [In("x", (6, 5))], attrs={"axis": 0, "num_outputs": 3}, opset=18, outputs=3,
         # Split-18 num_outputs = 3: three [2,5]; 120 bytes each way
         macs=0, flops=0, bytes_read=120, bytes_written=120, status="zero",
         why="Split-18 num_outputs: 120 bytes each way"),
    Case("Tile", [In("x", (2, 3)), _i64(2, 2)], opset=13,
         # reads 6 floats (24) + repeats int64[2] (16) = 40; writes [4,6] = 96
         macs=0, flops=0, bytes_read=40, bytes_written=96, status="zero",
         why="Tile 2×2: 40 in, 96 out"),
    Case("Expand", [In("x", (3, 1)), _i64(2, 3, 4)], opset=13,
         # reads 3 floats (12) + shape int64[3] (24) = 36; writes [2,3,4] = 96
         macs=0, flops=0, bytes_read=36, bytes_written=96, status="zero",
         why="Expand [3,1]→[2,3,4]: 36 in, 96 out"),
    Case("Cast", [In("x", (10,))], attrs={"to": 10}, opset=13,
         # float32 → float16: reads 40 bytes, writes 20
         macs=0, flops=0, bytes_read=40, bytes_written=20, status="zero",
         why="Cast f32→f16: 40 in, 20 out"),
    Case("CastLike", [In("x", (10,)), In("like", (1,), "float16")], opset=15,
         # reads 40 + the float16 target 2 = 42; writes 10 float16 = 20
         macs=0, flops=0, bytes_read=42, bytes_written=20, status="zero",
         why="CastLike f32→f16: 42 in, 20 out"),
    Case("Pad", [In("x", (1, 3, 4, 4)), _i64(0, 0, 1, 1, 0, 0, 1, 1)], opset=13,
         # pads input: reads 48 floats (192) + int64[8] (64) = 256; writes [1,3,6,6] = 432
         macs=0, flops=0, bytes_read=256, bytes_written=432, status="zero",
         why="Pad-13 pads input: 256 in, 432 out"),
    Case("Pad", [In("x", (1, 3, 4, 4))], attrs={"pads": [0, 0, 1, 1, 0, 0, 1, 1]}, opset=2,
         # Pad-2 pads attribute: reads 192, writes 432
         macs=0, flops=0, bytes_read=192, bytes_written=432, status="zero",
         why="Pad-2 pads attr: 192 in, 432 out"),
    # --- Slice and Gather: only what they keep ----------------------------------------------
    Case("Slice", [In("x", (10, 20))], attrs={"starts": [2], "ends": [6], "axes": [0]}, opset=9,
         # Slice-9 attributes: rows 2..5 kept: [4,20] = 80 floats: reads 320, writes 320
         macs=0, flops=0, bytes_read=320, bytes_written=320, status="zero",
         why="Slice-9 attrs: reads only the kept 320 bytes"),
    Case("Slice", [In("x", (10, 20)), _i64(2), _i64(6), _i64(0)], opset=10,
         # Slice-10 inputs: same kept [4,20] = 320 bytes; index operands not counted
         macs=0, flops=0, bytes_read=320, bytes_written=320, status="zero",
         why="Slice-10 inputs: reads only the kept 320 bytes"),
    Case("Slice", [In("x", (10, 20)), _i64(1), _i64(20), _i64(1), _i64(3)], opset=13,
         # step 3 over columns 1..19: columns 1,4,7,10,13,16,19 = 7: [10,7] = 70 floats = 280
         macs=0, flops=0, bytes_read=280, bytes_written=280, status="zero",
         why="Slice-13 step 3: 280 bytes"),
    Case("Slice", [In("x", ("batch", 128, 64)), _i64(0), _i64(1), _i64(1)], opset=13,
         # first token of each sequence: [batch,1,64] = 64·batch floats = 256·batch bytes
         macs=0, flops=0, bytes_read="256*batch", bytes_written="256*batch",
         why="symbolic Slice: 256·batch bytes"),
    Case("Slice", [W("table", (10, 20)), In("start", (1,), "int64"), _i64(6), _i64(0)],
         opset=13, out_shapes=[((4, 20), "float32")],
         # a weight sliced at a run-time start: the kept [4,20] = 320 bytes are weight bytes
         macs=0, flops=0, bytes_read=320, bytes_written=320, status="zero",
         why="Slice of a weight: reads only the kept 320 bytes"),
    Case("Gather", [W("emb", (1000, 64)), In("ids", (2, 8), "int64")], opset=13,
         # embedding lookup: 16 rows of 64 floats = 4,096 bytes of the table + 16 int64 indices
         # (128) = 4,224 read; writes [2,8,64] = 4,096; the table's 64,000 params
         macs=0, flops=0, bytes_read=4_224, bytes_written=4_096, params=64_000,
         status="zero", why="Gather embedding: 16 rows + indices"),
    Case("Gather", [In("x", (4, 10, 32)), _i64(0, 3)], attrs={"axis": 1}, opset=13,
         # gathers [4,2,32] = 256 floats = 1,024 bytes + indices 16 = 1,040; writes 1,024
         macs=0, flops=0, bytes_read=1_040, bytes_written=1_024, status="zero",
         why="Gather axis 1 activations: 1,024 + 16"),
    Case("Gather", [In("x", ("batch", 128, 64)), In("i", (), "int64")], attrs={"axis": 1},
         opset=13,
         # scalar index on axis 1: [batch,64] = 256·batch bytes + 8 index bytes
         macs=0, flops=0, bytes_read="256*batch + 8", bytes_written="256*batch",
         why="symbolic Gather: 256·batch + 8"),
    # --- Resize / Upsample: nearest copies, linear lerps, cubic 4^r taps --------------------
    Case("Resize", [In("x", (1, 3, 4, 4)), W("scales", value=[1.0, 1.0, 2.0, 2.0])], opset=10,
         # Resize-10 nearest ×2: out [1,3,8,8] = 192; 0 FLOPs; reads 48 floats + 4 scales =
         # 208 bytes, writes 768
         macs=0, flops=0, bytes_read=208, bytes_written=768, status="zero",
         why="Resize-10 nearest: copy"),
    Case("Resize", [In("x", (1, 3, 4, 4)), W("scales", value=[1.0, 1.0, 2.0, 2.0])],
         attrs={"mode": "linear"}, opset=10,
         # bilinear over 2 axes: 3 lerps × 3 FLOPs = 9 per output; 192 outputs → 1,728
         macs=0, flops=1_728, why="Resize-10 linear: 9 · 192"),
    Case("Resize",
         [In("x", (1, 3, 4, 4)), W("roi", value=[]), W("scales", value=[]),
          _i64(1, 3, 8, 8)],
         attrs={"mode": "cubic"}, opset=11,
         # Resize-11 sizes input, bicubic: 4^2 = 16 taps × (mul, add) = 32 per output;
         # 192 outputs → 6,144
         macs=0, flops=6_144, why="Resize-11 cubic via sizes: 32 · 192"),
    Case("Resize", [In("x", (1, 3, 4, 4)), None, W("scales", value=[1.0, 1.0, 2.0, 2.0])],
         attrs={"mode": "nearest"}, opset=13,
         # Resize-13 (roi omitted) nearest: 0 FLOPs
         macs=0, flops=0, status="zero", why="Resize-13 nearest: copy"),
    Case("Resize", [In("x", (1, 2, 4, 4, 4)), None, W("scales", value=[1.0, 1.0, 2, 2, 2])],
         attrs={"mode": "linear"}, opset=13,
         # trilinear: 2^3 − 1 = 7 lerps × 3 = 21 per output; out 2·8·8·8 = 1,024 → 21,504
         macs=0, flops=21_504, why="Resize-13 trilinear: 21 · 1,024"),
    Case("Resize", [In("x", (1, 3, 4, 4)), None, W("scales", value=[1.0, 1.0, 1.0, 2.0])],
         attrs={"mode": "cubic"}, opset=13,
         # only W resized (r = 1): 4 taps × 2 = 8 per output; out [1,3,4,8] = 96 → 768
         macs=0, flops=768, why="Resize-13 cubic one axis: 8 · 96"),
    Case("Resize", [In("x", ("batch", 3, 4, 4)), None, W("scales", value=[1.0, 1.0, 2.0, 2.0])],
         attrs={"mode": "linear"}, opset=13,
         # out [batch,3,8,8] = 192·batch outputs × 9 = 1,728·batch
         macs=0, flops="1728*batch", why="symbolic Resize-13 linear: 9 · 192·batch"),
    Case("Upsample", [In("x", (1, 3, 4, 4)), W("scales", value=[1.0, 1.0, 2.0, 2.0])], opset=9,
         # Upsample-9 nearest ×2: 0 FLOPs, writes [1,3,8,8] = 768 bytes
         macs=0, flops=0, bytes_written=768, status="zero", why="Upsample-9 nearest: copy"),
    Case("Upsample", [In("x", (1, 3, 4, 4))],
         attrs={"mode": "linear", "scales": [1.0, 1.0, 2.0, 2.0]}, opset=7,
         # Upsample-7 scales attribute, bilinear: 9 per output × 192 = 1,728
         macs=0, flops=1_728, why="Upsample-7 linear: 9 · 192"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)


def test_shape_of_an_input_of_unknown_rank_runs_and_writes_its_int64_dims() -> None:
    import onnx
    from onnx import helper

    import onnxcost
    from onnxcost.symbolic.formulas import to_json

    graph = helper.make_graph(
        [helper.make_node("Shape", ["x"], ["s"], name="shape")], "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, None)],
        [helper.make_tensor_value_info("s", onnx.TensorProto.INT64, None)],
    )  # fmt: skip
    report = onnxcost.analyze(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]))
    (node,) = report.nodes
    # the rank is unknown: the output is int64[r] with r an underived dim named after the node
    # (shape_d0, which --dim binds), 8·r bytes written
    assert node.status == "zero" and node.bytes_read == 0
    assert to_json(node.bytes_written) == "8*shape_d0"
