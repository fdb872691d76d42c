"""Output shapes of the default domain's ops, for what ONNX's own inference leaves unknown.

ONNX shape inference keeps a named dim only through ops that pass it unchanged; a Conv over
`height` or a Reshape whose target comes from a Shape chain loses it. These rules keep the exact
expression (with floor where the op floors), so figures stay formulas in the user's dims.
Importing this module registers them all: the families are shapes_compute, shapes_movement and
shapes_data; the tables, decorators and dispatch are in shape_registry.
"""

from __future__ import annotations

from onnxcost.rules import shapes_data, shapes_movement  # noqa: F401  (they register on import)
from onnxcost.rules.shape_registry import (
    DOMAIN_DTYPE_RULES,
    DOMAIN_SHAPE_RULES,
    MAX_RANK,
    SHAPE_RULES,
    DataDim,
    Shape,
    broadcast,
    check_rank,
    dtype_rule,
    infer_output_dtypes,
    infer_output_shapes,
    shape_rule,
)
from onnxcost.rules.shapes_compute import einsum_letters, gemm_shape, matmul_shape, window_output

__all__ = [
    "DOMAIN_DTYPE_RULES",
    "DOMAIN_SHAPE_RULES",
    "MAX_RANK",
    "SHAPE_RULES",
    "DataDim",
    "Shape",
    "broadcast",
    "check_rank",
    "dtype_rule",
    "einsum_letters",
    "gemm_shape",
    "infer_output_dtypes",
    "infer_output_shapes",
    "matmul_shape",
    "shape_rule",
    "window_output",
]
