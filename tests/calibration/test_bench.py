"""The benchmarks calibrate runs (onnxcost.measure.calibration.bench)."""

from __future__ import annotations

from onnxcost.measure.calibration.bench import benchmarks
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
