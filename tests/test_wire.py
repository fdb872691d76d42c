"""The wire reader: large payloads dropped, everything else as in the file, whole or windowed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

from onnxcost.model import wire


def _save(tmp_path: Path, big: bool) -> Path:
    """y = x @ w + b, with a weight above ELIDE_BYTES when `big`."""
    rows = 256 if big else 8
    weights = [nh.from_array(np.ones((rows, 128), np.float32), "w"),
               nh.from_array(np.ones(128, np.float32), "b")]  # fmt: skip
    nodes = [h.make_node("MatMul", ["x", "w"], ["xw"]), h.make_node("Add", ["xw", "b"], ["y"])]
    graph = h.make_graph(nodes, "g", [h.make_tensor_value_info("x", T.FLOAT, [1, rows])],
                         [h.make_tensor_value_info("y", T.FLOAT, [1, 128])], weights)  # fmt: skip
    path = tmp_path / "model.onnx"
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]), path)
    return path


def test_a_file_without_large_payloads_is_read_as_it_is(tmp_path: Path) -> None:
    path = _save(tmp_path, big=False)
    assert wire.read_model_bytes(str(path)) == path.read_bytes()


@pytest.mark.parametrize("whole", [True, False], ids=["read whole", "read through a window"])
def test_a_large_payload_is_dropped_and_marked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, whole: bool
) -> None:
    path = _save(tmp_path, big=True)
    if not whole:
        monkeypatch.setattr(wire, "READ_WHOLE_BYTES", 0)
    proto = onnx.ModelProto.FromString(wire.read_model_bytes(str(path)))
    original = onnx.load(path)
    weight, bias = proto.graph.initializer
    assert not weight.raw_data and wire.elided_bytes(weight) == 256 * 128 * 4
    assert list(weight.dims) == [256, 128] and weight.data_type == T.FLOAT
    assert bias == original.graph.initializer[1]
    assert proto.graph.node == original.graph.node
