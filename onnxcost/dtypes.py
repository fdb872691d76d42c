"""ONNX element types: names, item sizes and which ones count as parameters."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import onnx

if TYPE_CHECKING:
    from onnxcost.symbolic.poly import Dim

_NAMES: dict[int, str] = {
    onnx.TensorProto.FLOAT: "float32",
    onnx.TensorProto.UINT8: "uint8",
    onnx.TensorProto.INT8: "int8",
    onnx.TensorProto.UINT16: "uint16",
    onnx.TensorProto.INT16: "int16",
    onnx.TensorProto.INT32: "int32",
    onnx.TensorProto.INT64: "int64",
    onnx.TensorProto.STRING: "string",
    onnx.TensorProto.BOOL: "bool",
    onnx.TensorProto.FLOAT16: "float16",
    onnx.TensorProto.DOUBLE: "float64",
    onnx.TensorProto.UINT32: "uint32",
    onnx.TensorProto.UINT64: "uint64",
    onnx.TensorProto.COMPLEX64: "complex64",
    onnx.TensorProto.COMPLEX128: "complex128",
    onnx.TensorProto.BFLOAT16: "bfloat16",
}
for _attr, _name in (
    ("FLOAT8E4M3FN", "float8e4m3fn"),
    ("FLOAT8E4M3FNUZ", "float8e4m3fnuz"),
    ("FLOAT8E5M2", "float8e5m2"),
    ("FLOAT8E5M2FNUZ", "float8e5m2fnuz"),
    ("UINT4", "uint4"),
    ("INT4", "int4"),
    ("FLOAT4E2M1", "float4e2m1"),
    ("FLOAT8E8M0", "float8e8m0"),
    ("UINT2", "uint2"),
    ("INT2", "int2"),
):
    if hasattr(onnx.TensorProto, _attr):
        _NAMES[getattr(onnx.TensorProto, _attr)] = _name

# Bits per element; strings have no fixed size and count as one pointer (8 bytes).
_BITS: dict[str, int] = {
    "float32": 32, "uint8": 8, "int8": 8, "uint16": 16, "int16": 16, "int32": 32,
    "int64": 64, "string": 64, "bool": 8, "float16": 16, "float64": 64, "uint32": 32,
    "uint64": 64, "complex64": 64, "complex128": 128, "bfloat16": 16,
    "float8e4m3fn": 8, "float8e4m3fnuz": 8, "float8e5m2": 8, "float8e5m2fnuz": 8,
    "float8e8m0": 8, "uint4": 4, "int4": 4, "float4e2m1": 4, "uint2": 2, "int2": 2,
}  # fmt: skip

# Element types whose constants are indices, shapes or masks, not learned parameters.
NON_PARAM_DTYPES = frozenset({"int64", "int32", "bool", "string", "uint64", "uint32"})

INTEGER_DTYPES = frozenset(
    {"int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
     "int4", "uint4", "int2", "uint2", "bool"}
)  # fmt: skip


def dtype_name(elem_type: int) -> str:
    """The readable name of an ONNX elem_type ('' when undefined)."""
    return _NAMES.get(elem_type, "")


def bits_of(dtype: str) -> int:
    """Bits per element of a dtype; unknown dtypes count as 32 bits."""
    return _BITS.get(dtype, 32)


def nbytes_of(count: Dim, dtype: str) -> Dim:
    """Bytes of `count` elements = ceil(count × bits / 8) (sub-byte types packed)."""
    if not isinstance(count, int):
        return _formula_nbytes(count, dtype)
    bits = bits_of(dtype)
    if bits % 8 == 0:
        return count * (bits // 8)
    return -(-count * bits // 8)


@functools.lru_cache(maxsize=65536)
def _formula_nbytes(count: Dim, dtype: str) -> Dim:
    """nbytes_of for a symbolic count (cached: sympy arithmetic is slow)."""
    from onnxcost.symbolic.formulas import ceildiv

    bits = bits_of(dtype)
    if bits % 8 == 0:
        return count * (bits // 8)
    return ceildiv(count * bits, 8)


def numpy_dtype(dtype: str) -> np.dtype | None:
    """The numpy dtype used to fold constants of this type (None when numpy has none)."""
    try:
        return np.dtype(dtype) if dtype not in ("bfloat16", "string") else None
    except TypeError:
        return None
