"""Hand-worked figures for sequence and optional ops (containers: only plain tensors' bytes count)."""

import pytest
from onnx import TensorProto, helper

from tests.rules.harness import Case, In, check


def _relu_body() -> object:
    """SequenceMap body: Relu over one (3,) float element."""
    return helper.make_graph(
        [helper.make_node("Relu", ["e"], ["r"])], "body",
        [helper.make_tensor_value_info("e", TensorProto.FLOAT, [3])],
        [helper.make_tensor_value_info("r", TensorProto.FLOAT, [3])],
    )  # fmt: skip


CASES = [
    Case("SequenceConstruct", [In("a", (2, 3)), In("b", (4,))],
         # copies both tensors into the sequence: read 24 + 16 = 40 B, written 40 B
         macs=0, flops=0, bytes_read=40, bytes_written=40, status="zero", why="6 + 4 floats copied"),
    Case("SequenceEmpty", [],
         # nothing read or written
         macs=0, flops=0, bytes_read=0, bytes_written=0, why="empty container"),
    Case("SequenceInsert", [In("s", (2, 3), "seq(float32)"), In("t", (2, 3))],
         # the inserted (2, 3) float tensor read and copied: 24 B each way
         macs=0, flops=0, bytes_read=24, bytes_written=24, why="one 6-float tensor inserted"),
    Case("SequenceAt", [In("s", (2, 3), "seq(float32)"), In("p", (), "int64")],
         out_shapes=[((2, 3), "float32")],
         # the chosen (2, 3) element read and written: 24 B each way
         macs=0, flops=0, bytes_read=24, bytes_written=24, why="one 6-float element out"),
    Case("SequenceErase", [In("s", (2, 3), "seq(float32)")],
         # a reference dropped: no data
         macs=0, flops=0, bytes_read=0, bytes_written=0, why="drop the last element"),
    Case("SequenceLength", [In("s", (2, 3), "seq(float32)")],
         # one int64 scalar written: 8 B
         macs=0, flops=0, bytes_read=0, bytes_written=8, why="length as int64 scalar"),
    Case("SplitToSequence", [In("x", (6, 4))],
         # 24 floats read (96 B) and copied into the pieces (96 B)
         macs=0, flops=0, bytes_read=96, bytes_written=96, why="6 rows into a sequence"),
    Case("ConcatFromSequence", [In("s", (2, 4), "seq(float32)")], attrs={"axis": 0},
         out_shapes=[((6, 4), "float32")],
         # output 6·4 floats = 96 B, every element read once and written once
         macs=0, flops=0, bytes_read=96, bytes_written=96, why="3 pieces of (2, 4) → (6, 4)"),
    Case("SequenceMap", [In("s", (3,), "seq(float32)")], attrs={"body": _relu_body()},
         # body: Relu on 3 floats = 3 FLOPs, run once per element of a sequence of unknown
         # length SequenceMap_0_trips
         macs=0, flops="3*SequenceMap_0_trips", status="estimated",
         why="Relu body × sequence length symbol"),
    Case("Optional", [In("x", (2, 3))],
         # wraps without a copy
         macs=0, flops=0, bytes_read=0, bytes_written=0, why="wrap a tensor"),
    Case("OptionalGetElement", [In("o", (2, 3), "optional(float32)")], opset=18,
         # unwraps without a copy
         macs=0, flops=0, bytes_read=0, bytes_written=0, why="unwrap a tensor"),
    Case("OptionalHasElement", [In("o", (2, 3), "optional(float32)")], opset=18,
         # one bool written: 1 B
         macs=0, flops=0, bytes_read=0, bytes_written=1, why="presence as one bool"),
    Case("OptionalHasElement", [In("o", (2, 3), "optional(seq(float32))")], opset=18,
         # an optional sequence: still one bool written
         macs=0, flops=0, bytes_written=1, why="optional sequence"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)
