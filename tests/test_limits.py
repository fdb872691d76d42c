"""Bounded steps (onnxcost.util.limits): an allocation beyond the bound fails at once, and the
process's own limit comes back after."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from onnxcost.util.limits import bounded_memory

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc are Linux's"
)


def test_an_allocation_beyond_the_bound_is_a_memory_error_and_the_limit_returns() -> None:
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    with pytest.raises(MemoryError), bounded_memory(256 << 20):
        np.ones(1 << 30, dtype=np.uint8)  # 1 GiB against a 256 MiB bound
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    with bounded_memory(256 << 20):
        assert np.ones(1 << 20, dtype=np.uint8).sum() == 1 << 20  # 1 MiB fits


def test_a_hostile_initializer_does_not_make_shape_inference_allocate_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import onnx
    from onnx import TensorProto as T
    from onnx import helper as h

    from onnxcost.api import analyze

    # a Reshape whose shape initializer claims 2^40 int64 elements (8 TiB) but holds 8 bytes
    shape = onnx.TensorProto(name="shape", data_type=T.INT64, dims=[1 << 40], raw_data=b"\x04" + b"\0" * 7)
    graph = h.make_graph([h.make_node("Reshape", ["x", "shape"], ["y"])], "g",
                         [h.make_tensor_value_info("x", T.FLOAT, [4])],
                         [h.make_tensor_value_info("y", T.FLOAT, None)], [shape])  # fmt: skip
    path = tmp_path / "hostile.onnx"
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)], ir_version=8), str(path))
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(
        resource.RLIMIT_AS, (min(hard, 16 << 30) if hard != resource.RLIM_INFINITY else 16 << 30, hard)
    )
    try:
        try:
            analyze(str(path))
        except Exception as exc:  # a one-line OnnxcostError is fine; a MemoryError is not
            assert type(exc).__name__ != "MemoryError"
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def test_an_isolated_step_hands_back_its_bytes() -> None:
    from onnxcost.util.limits import run_isolated

    assert run_isolated(lambda: b"x" * (3 << 20)) == b"x" * (3 << 20)  # more than a pipe's buffer


def test_a_crash_or_a_hang_in_an_isolated_step_ends_the_child_only() -> None:
    import os
    import time

    from onnxcost.util.limits import run_isolated

    with pytest.raises(RuntimeError, match="crashed"):
        run_isolated(lambda: os.abort())  # SIGABRT, as a native library's failed assertion
    started = time.monotonic()
    with pytest.raises(RuntimeError, match=r"longer than 0\.5 s"):
        run_isolated(lambda: time.sleep(30) or b"", seconds=0.5)
    assert time.monotonic() - started < 5
