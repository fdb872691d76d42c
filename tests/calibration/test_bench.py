"""The benchmarks calibrate runs (onnxcost.measure.calibration.bench)."""

from __future__ import annotations

import onnx.numpy_helper

from onnxcost.measure.calibration.bench import benchmarks, image_benchmarks
from onnxcost.measure.calibration.fit import MIN_SIZES_FOR_OP_TABLE


def _sizes(op: str, quick: bool) -> set[int]:
    """The input elements of every benchmark of `op`."""
    found = set()
    for bench in benchmarks(quick):
        if any(node.op_type == op for node in bench.model.graph.node):
            dims = bench.model.graph.input[0].type.tensor_type.shape.dim
            elements = 1
            for dim in dims:
                elements *= dim.dim_value
            found.add(elements)
    return found


def test_batch_normalization_is_benchmarked_at_sizes_enough_for_a_table_of_its_own() -> None:
    # one size gave it no table, and the normalization class's (LayerNorm, Softmax: parallel)
    # timed it 1.65× faster on 2 threads, where onnxruntime runs it on one
    # 16·56² = 64·28² = 256·14² = 50,176; 64·56² = 200,704; 32·112² = 401,408; 32·240² = 1,843,200
    assert _sizes("BatchNormalization", quick=False) == {50_176, 200_704, 401_408, 1_843_200}
    assert len(_sizes("BatchNormalization", quick=True)) >= MIN_SIZES_FOR_OP_TABLE


def test_an_evicted_benchmark_tiles_its_input_past_the_size_first() -> None:
    import numpy as np
    import onnxruntime as ort

    from onnxcost.measure.calibration.bench import EVICT_PREFIX, dynamic_matmul, evicted

    plain = dynamic_matmul(256, 64, 64)
    cold = evicted(plain, 4 << 20)
    # it runs, and gives the benchmark's output shape
    feeds = {"x": np.ones((256, 64), np.float32)}
    outputs = [ort.InferenceSession(b.model.SerializeToString()).run(None, feeds)[0] for b in (plain, cold)]
    assert outputs[0].shape == outputs[1].shape == (256, 64)
    # a 256×64 float input is 64 KiB: 64 copies make the 4 MiB
    copies = next(t for t in cold.model.graph.initializer if t.name == f"{EVICT_PREFIX}copies")
    assert list(onnx.numpy_helper.to_array(copies)) == [64, 1]
    assert [n.op_type for n in cold.model.graph.node[:3]] == ["Tile", "ReduceMax", "Add"]
    # the benchmark's own nodes read the input through the prefix; the original is left as it was
    quantize = next(n for n in cold.model.graph.node if n.name == "quantize")
    assert list(quantize.input) == [f"{EVICT_PREFIX}x"]
    assert len(plain.model.graph.node) == len(cold.model.graph.node) - 3


def test_each_image_benchmark_pairs_one_image_with_two_of_the_same_convolution() -> None:
    for one, two in image_benchmarks():
        dims = [b.model.graph.input[0].type.tensor_type.shape.dim for b in (one, two)]
        shapes = [[d.dim_value for d in of] for of in dims]
        assert shapes[0][0] == 1 and shapes[1] == [2, *shapes[0][1:]]
        weights = [next(i for i in b.model.graph.initializer if i.name == "w") for b in (one, two)]
        assert weights[0].dims == weights[1].dims
        assert [n.op_type for n in one.model.graph.node] == ["QLinearConv", "DequantizeLinear"]
