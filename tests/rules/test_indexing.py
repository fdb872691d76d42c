"""Hand-worked figures for indexing, layout and generator ops (gathers, scatters, masks, Range...)."""

import pytest

from tests.rules.harness import Case, In, W, check

CASES = [
    Case("GatherElements", [In("x", (4, 5)), W("i", (4, 3), "int64")], attrs={"axis": 1},
         # output = indices shape (4, 3) = 12 elements; read 12·4 B gathered + 12·8 B indices = 144;
         # written 12·4 = 48
         macs=0, flops=0, bytes_read=144, bytes_written=48, status="zero",
         why="12 gathered floats + 12 int64 indices"),
    Case("GatherND", [In("x", (2, 3, 4)), In("i", (2, 2), "int64")],
         # each index row (2 coords) picks a slice x[a, b, :] of 4 → output (2, 4) = 8 elements;
         # read 8·4 + 4·8 = 64; written 32
         macs=0, flops=0, bytes_read=64, bytes_written=32, why="2 slices of 4 floats"),
    Case("ScatterElements", [In("x", (4, 5)), W("i", (2, 5), "int64"), In("u", (2, 5))],
         attrs={"axis": 0, "reduction": "add"}, opset=18,
         # 10 updates, each one add: 10 FLOPs; read indices 80 + updates 40 + the 10 data
         # elements updated 40 = 160; written the 10 updated floats = 40
         macs=0, flops=10, bytes_read=160, bytes_written=40, status="ok",
         why="reduction add: 10 updates, 1 add each"),
    Case("ScatterND", [In("x", (4, 4, 4)), W("i", (2, 1), "int64"), In("u", (2, 4, 4))],
         # 2 slices of 4·4 = 32 updates, no reduction: 0 FLOPs; read indices 16 + updates 128
         # = 144; written 128
         macs=0, flops=0, bytes_read=144, bytes_written=128, status="zero",
         why="2 slices of 16 floats replaced"),
    Case("ScatterND", [In("x", (4, 4, 4)), W("i", (2, 1), "int64"), In("u", (2, 4, 4))],
         attrs={"reduction": "mul"}, opset=16,
         # 32 updates × 1 multiply = 32 FLOPs; read 16 + 128 + 128 (data updated) = 272
         macs=0, flops=32, bytes_read=272, bytes_written=128, why="reduction mul: 32 multiplies"),
    Case("Scatter", [In("x", (3, 3)), W("i", (2, 3), "int64"), In("u", (2, 3))], opset=10,
         # 6 updates: read indices 48 + updates 24 = 72; written 24
         macs=0, flops=0, bytes_read=72, bytes_written=24, why="deprecated Scatter, 6 updates"),
    Case("TensorScatter", [In("past", (2, 4, 16, 8)), In("upd", (2, 4, 1, 8)),
                           In("pos", (2,), "int64")], opset=24,
         # one new token per sequence: 2·4·1·8 = 64 floats; read 256 + indices 16 = 272;
         # written 256 (the cache is updated in place)
         macs=0, flops=0, bytes_read=272, bytes_written=256, why="KV-cache append of 64 floats"),
    Case("Compress", [In("x", (3, 2)), W("c", (3,), "bool", [0, 1, 1])], attrs={"axis": 0},
         out_shapes=[((2, 2), "float32")],
         # 2 rows kept: read 2·2·4 = 16 + condition 3 = 19; written 16
         macs=0, flops=0, bytes_read=19, bytes_written=16, why="2 of 3 rows kept"),
    Case("NonZero", [In("x", (3, 4))],
         # one compare with zero per element: 12
         macs=0, flops=12, bytes_read=48, why="12 compares"),
    Case("Unique", [In("x", (8,))], outputs=4,
         # n = 8 items: sort 8·⌈log2 8⌉ = 24 compares + 8 neighbour compares = 32
         macs=0, flops=32, status="estimated", why="sort 8 elements: 8·(3 + 1)"),
    Case("Unique", [In("x", (6, 4))], attrs={"axis": 0}, outputs=4,
         # n = 6 rows of 4: 24 elements · (⌈log2 6⌉ = 3 + 1) = 96
         macs=0, flops=96, why="sort 6 rows of 4: 24·(3 + 1)"),
    Case("OneHot", [In("i", (4,), "int64"), W("d", (), "int64", 10), W("v", (2,), "float32", [0, 1])],
         out_shapes=[((4, 10), "float32")],
         # a fill and 4 writes: 0 FLOPs; output 4·10·4 = 160 bytes written
         macs=0, flops=0, bytes_written=160, status="zero", why="depth 10, 4 indices"),
    Case("DepthToSpace", [In("x", (1, 8, 2, 3))], attrs={"blocksize": 2},
         # permuting copy: 48 floats read (192 B) and written (192 B)
         macs=0, flops=0, bytes_read=192, bytes_written=192, why="block 2: 48 floats moved"),
    Case("SpaceToDepth", [In("x", (1, 2, 4, 6))], attrs={"blocksize": 2},
         # 48 floats read and written
         macs=0, flops=0, bytes_read=192, bytes_written=192, why="block 2: 48 floats moved"),
    Case("ReverseSequence", [In("x", (4, 3)), W("l", (3,), "int64", [1, 2, 3])],
         attrs={"batch_axis": 1, "time_axis": 0},
         # 12 floats (48 B) + 3 lengths (24 B) read; 48 B written
         macs=0, flops=0, bytes_read=72, bytes_written=48, why="12 floats reversed per batch"),
    Case("BitCast", [In("x", (2, 3))], attrs={"to": 6}, opset=26,
         # same bits: nothing moved
         macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero", why="float32 → int32 bits"),
    Case("CenterCropPad", [In("x", (20, 10, 3)), W("s", (3,), "int64", [10, 20, 3])], opset=18,
         # axis 0 cropped 20 → 10, axis 1 padded 10 → 20: kept centre 10·10·3 = 300 floats
         # read = 1,200 B; output 10·20·3 = 600 floats written = 2,400 B
         macs=0, flops=0, bytes_read=1200, bytes_written=2400, why="crop 20→10, pad 10→20"),
    Case("Trilu", [In("x", (4, 5))],
         # one select per element: 20
         macs=0, flops=20, why="4×5 mask: 20 selects"),
    Case("Range", [In("a", (), "int64"), In("b", (), "int64"), In("d", (), "int64")],
         out_shapes=[((10,), "int64")],
         # 10 outputs, one add each: 10
         macs=0, flops=10, why="10 values, 1 add each"),
    Case("EyeLike", [In("x", (4, 4))],
         # fill: 0 FLOPs; reads only the shape (0 B); writes 16·4 = 64 B
         macs=0, flops=0, bytes_read=0, bytes_written=64, status="zero", why="4×4 identity"),
    Case("Multinomial", [In("x", (2, 5))], attrs={"sample_size": 3},
         # per row: 5 exp + 5 adds = 10, ×2 rows = 20; per sample 1 draw + ⌈log2 5⌉ = 3
         # compares = 4, ×2·3 samples = 24; total 44
         macs=0, flops=44, status="estimated", why="2 rows of 5 classes, 3 samples each"),
    Case("ImageDecoder", [In("b", (1000,), "uint8")], opset=20,
         out_shapes=[((32, 32, 3), "uint8")],
         # 32·32·3 = 3,072 samples × 14 = 43,008
         macs=0, flops=43_008, status="estimated", why="32×32 RGB: 3,072·14"),
    Case("SwiGLU", [In("a", (2, 8)), In("b", (2, 8))], opset=28,
         # 16 elements × (Swish 6 + 1 multiply) = 112
         macs=0, flops=112, why="16 elements × 7"),
    Case("CumProd", [In("x", (3, 4)), W("axis", (), "int64", 1)], opset=26,
         # one multiply per element: 12
         macs=0, flops=12, why="12 running products"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)


def test_range_length_follows_a_symbolic_limit() -> None:
    import numpy as np

    from onnxcost.rules.generate import _range_shape
    from onnxcost.symbolic.formulas import symbol, to_json

    # Range(0, L, 2) inside a body whose L comes from Shape(): ⌈L/2⌉ elements
    values = [np.array(0), np.array(symbol("L"), dtype=object), np.array(2)]
    (shape,) = _range_shape(None, [(), (), ()], values)
    assert to_json(shape[0]) == "ceiling(L/2)"
    # plain numbers: ⌈(10 − 1) / 3⌉ = 3; an empty range is 0 long
    ints = [np.array(1), np.array(10), np.array(3)]
    assert _range_shape(None, [(), (), ()], ints) == [(3,)]
    assert _range_shape(None, [(), (), ()], [np.array(5.0), np.array(1.0), np.array(1.0)]) == [(0,)]
