"""A capped constant folder for shape chains and weight generators (numpy, symbolic-aware).

Values are numpy arrays; a shape value that depends on unbound dims is an object array of
ints and sympy expressions, so Reshape targets computed from Shape chains stay exact.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import onnx
from onnx import numpy_helper

from onnxcost.dtypes import dtype_name, numpy_dtype
from onnxcost.symbolic.formulas import equal, floordiv, larger, normalize, product, smaller
from onnxcost.types import NodeInfo

# No folded tensor is ever larger than this many elements.
FOLD_CAP_ELEMENTS = 1_000_000

Value = np.ndarray
Folder = Callable[[NodeInfo, Sequence[Value | None]], list[Value] | None]
FOLDERS: dict[str, Folder] = {}


def folder(*op_types: str) -> Callable[[Folder], Folder]:
    """Register a folding function for default-domain ops."""

    def register(fn: Folder) -> Folder:
        for op_type in op_types:
            FOLDERS[op_type] = fn
        return fn

    return register


def fold_node(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    """Output values of a node whose needed inputs are known, or None (unknown op, too big)."""
    fn = FOLDERS.get(node.op_type) if node.domain == "" else None
    if fn is None:
        return None
    try:
        outputs = fn(node, values)
    except (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError, OverflowError):
        return None
    if outputs is None:
        return None
    arrays = [None if o is None else _as_array(o) for o in outputs]
    if any(a is not None and a.size > FOLD_CAP_ELEMENTS for a in arrays):
        return None
    return arrays


def _as_array(value: object) -> Value:
    """numpy helpers return bare scalars (or sympy objects) for 0-d results: wrap them."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, np.generic):
        return np.asarray(value)
    return np.array(value, dtype=object)


def tensor_value(tensor: onnx.TensorProto) -> Value | None:
    """A small in-file tensor as numpy (None when external, too big or of an exotic type)."""
    count = product(tensor.dims)
    if count > FOLD_CAP_ELEMENTS or tensor.data_location == onnx.TensorProto.EXTERNAL:
        return None
    if numpy_dtype(dtype_name(tensor.data_type)) is None:
        return None
    try:
        return numpy_helper.to_array(tensor)
    except (ValueError, TypeError):
        return None


def constant_attr_value(attrs: Mapping[str, Any]) -> Value | None:
    """The value of a Constant node from whichever value attribute it carries."""
    if "value" in attrs and isinstance(attrs["value"], onnx.TensorProto):
        return tensor_value(attrs["value"])
    for key, dtype in (("value_float", np.float32), ("value_int", np.int64)):
        if key in attrs:
            return np.array(attrs[key], dtype=dtype)
    for key, dtype in (("value_floats", np.float32), ("value_ints", np.int64)):
        if key in attrs:
            return np.array(list(attrs[key]), dtype=dtype)
    if "value_string" in attrs:
        return np.array(attrs["value_string"], dtype=object)
    if "value_strings" in attrs:
        return np.array(list(attrs["value_strings"]), dtype=object)
    return None


def _ints(value: Value | None) -> list[Any] | None:
    """A 0-d or 1-d value as a list of ints / dims."""
    if value is None:
        return None
    return [normalize(v) if not isinstance(v, np.integer) else int(v) for v in value.reshape(-1)]


def _input_or_attr(node: NodeInfo, values: Sequence[Value | None], index: int, attr: str) -> Any:
    """Opset-dependent operand: from input `index` if given, else from attribute `attr`."""
    if len(node.inputs) > index and node.inputs[index]:
        return _ints(values[index])
    return node.attrs.get(attr)


def _symbolic(value: Value) -> bool:
    return value.dtype == object


@folder("Identity")
def _identity(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    return [values[0]] if values[0] is not None else None


@folder("ConstantOfShape")
def _constant_of_shape(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    shape = _ints(values[0])
    if shape is None or not all(isinstance(d, int) for d in shape):
        return None
    if product(shape) > FOLD_CAP_ELEMENTS:
        return None
    fill = node.attrs.get("value")
    scalar = tensor_value(fill) if isinstance(fill, onnx.TensorProto) else None
    if scalar is None:
        scalar = np.zeros(1, dtype=np.float32)
    return [np.full(shape, scalar.reshape(-1)[0], dtype=scalar.dtype)]


@folder("Cast", "CastLike")
def _cast(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    value = values[0]
    if value is None:
        return None
    if node.op_type == "CastLike":
        target = values[1].dtype if values[1] is not None else None
    else:
        target = numpy_dtype(dtype_name(int(node.attrs["to"])))
    if target is None:
        return None
    if _symbolic(value):
        return [value] if np.issubdtype(target, np.integer) else None
    return [value.astype(target)]


@folder("Gather")
def _gather(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    data, indices = values[0], values[1]
    if data is None or indices is None:
        return None
    return [np.take(data, indices.astype(np.int64), axis=int(node.attrs.get("axis", 0)))]


@folder("Concat")
def _concat(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    if any(v is None for v in values):
        return None
    parts = [v for v in values if v is not None]
    if any(_symbolic(p) for p in parts):
        parts = [p.astype(object) for p in parts]
    return [np.concatenate(parts, axis=int(node.attrs["axis"]))]


@folder("Unsqueeze")
def _unsqueeze(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    data, axes = values[0], _input_or_attr(node, values, 1, "axes")
    if data is None or axes is None:
        return None
    rank = data.ndim + len(axes)
    shape = list(data.shape)
    for axis in sorted(a % rank for a in axes):
        shape.insert(axis, 1)
    return [data.reshape(shape)]


@folder("Squeeze")
def _squeeze(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    data, axes = values[0], _input_or_attr(node, values, 1, "axes")
    if data is None:
        return None
    if axes is None:
        return [np.squeeze(data)]
    return [np.squeeze(data, axis=tuple(a % data.ndim for a in axes))]


@folder("Reshape")
def _reshape(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    data, shape = values[0], _ints(values[1]) if len(values) > 1 else node.attrs.get("shape")
    if data is None or shape is None or not all(isinstance(d, int) for d in shape):
        return None
    allowzero = int(node.attrs.get("allowzero", 0))
    target = [data.shape[i] if d == 0 and not allowzero else d for i, d in enumerate(shape)]
    return [data.reshape(target)]


@folder("Flatten")
def _flatten(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    data = values[0]
    if data is None:
        return None
    axis = int(node.attrs.get("axis", 1)) % max(data.ndim, 1) if data.ndim else 0
    outer = int(np.prod(data.shape[:axis], dtype=np.int64))
    return [data.reshape(outer, -1)]


@folder("Transpose")
def _transpose(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    data = values[0]
    if data is None:
        return None
    perm = node.attrs.get("perm")
    return [np.transpose(data, perm if perm else None)]


@folder("Shape")
def _shape(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    # The shape itself arrives as values[0] (filled in by the caller from the input's dims).
    dims = values[0]
    if dims is None:
        return None
    start = int(node.attrs.get("start", 0))
    end = node.attrs.get("end")
    return [dims[start : None if end is None else int(end)]]


@folder("Size")
def _size(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    dims = values[0]
    if dims is None:
        return None
    total = product(int(d) if isinstance(d, np.integer) else d for d in dims.reshape(-1))
    return [np.array(total, dtype=np.int64 if isinstance(total, int) else object)]


@folder("Slice")
def _slice(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    data = values[0]
    if data is None:
        return None
    if node.opset < 10:
        starts, ends, axes, steps = (
            node.attrs.get("starts"), node.attrs.get("ends"), node.attrs.get("axes"), None
        )
    else:
        starts, ends = _ints(values[1]), _ints(values[2])
        axes = _ints(values[3]) if len(values) > 3 and node.inputs[3] else None
        steps = _ints(values[4]) if len(values) > 4 and node.inputs[4] else None
    if starts is None or ends is None:
        return None
    axes = list(axes) if axes is not None else list(range(len(starts)))
    steps = list(steps) if steps is not None else [1] * len(starts)
    index = [slice(None)] * data.ndim
    for start, end, axis, step in zip(starts, ends, axes, steps, strict=False):
        if not all(isinstance(v, int) for v in (start, end, step)):
            return None
        index[axis % data.ndim] = slice(start, end, step)
    return [data[tuple(index)]]


@folder("Range")
def _range(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    if any(v is None or _symbolic(v) for v in values[:3]):
        return None
    start, limit, delta = (v.reshape(-1)[0] for v in values[:3])
    count = max(int(np.ceil((limit - start) / delta)), 0)
    if count > FOLD_CAP_ELEMENTS:
        return None
    return [np.arange(start, limit, delta, dtype=values[0].dtype)]


@folder("Expand")
def _expand(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    data, shape = values[0], _ints(values[1])
    if data is None or shape is None or not all(isinstance(d, int) for d in shape):
        return None
    target = np.broadcast_shapes(data.shape, tuple(shape))
    if product(target) > FOLD_CAP_ELEMENTS:
        return None
    return [np.broadcast_to(data, target).copy()]


@folder("Tile")
def _tile(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    data, repeats = values[0], _ints(values[1])
    if data is None or repeats is None or product(repeats) * data.size > FOLD_CAP_ELEMENTS:
        return None
    return [np.tile(data, repeats)]


def _elementwise(fn: Callable[..., Any], symbolic_fn: Callable[..., Any] | None = None) -> Folder:
    def fold(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
        if any(v is None for v in values) or not values:
            return None
        arrays = [v for v in values if v is not None]
        if product(np.broadcast_shapes(*(a.shape for a in arrays))) > FOLD_CAP_ELEMENTS:
            return None
        if any(_symbolic(a) for a in arrays):
            if symbolic_fn is None:
                return None
            objects = [a.astype(object) for a in arrays]
            result = np.vectorize(symbolic_fn, otypes=[object])(*objects)
            return [np.vectorize(normalize, otypes=[object])(result)]
        with np.errstate(all="ignore"):
            result = fn(*arrays)
        return [np.asarray(result).astype(arrays[0].dtype, copy=False)]

    return fold


def _divide(a: Value, b: Value) -> Value:
    if np.issubdtype(a.dtype, np.integer):
        return np.trunc(a / b).astype(a.dtype)
    return a / b


FOLDERS["Add"] = _elementwise(np.add, lambda a, b: a + b)
FOLDERS["Sub"] = _elementwise(np.subtract, lambda a, b: a - b)
FOLDERS["Mul"] = _elementwise(np.multiply, lambda a, b: a * b)
FOLDERS["Div"] = _elementwise(_divide, floordiv)
FOLDERS["Neg"] = _elementwise(np.negative, lambda a: -a)
FOLDERS["Abs"] = _elementwise(np.abs)
FOLDERS["Sqrt"] = _elementwise(np.sqrt)
FOLDERS["Pow"] = _elementwise(np.power)
FOLDERS["Floor"] = _elementwise(np.floor)
FOLDERS["Ceil"] = _elementwise(np.ceil)
FOLDERS["Reciprocal"] = _elementwise(np.reciprocal)
FOLDERS["Mod"] = _elementwise(np.mod)
FOLDERS["Max"] = _elementwise(lambda *a: np.maximum.reduce(np.broadcast_arrays(*a)),
                               lambda *a: functools.reduce(larger, a))  # fmt: skip
FOLDERS["Min"] = _elementwise(lambda *a: np.minimum.reduce(np.broadcast_arrays(*a)),
                               lambda *a: functools.reduce(smaller, a))  # fmt: skip
FOLDERS["Relu"] = _elementwise(lambda a: np.maximum(a, 0))


def _compare(
    fn: Callable[[Value, Value], Value], symbolic_fn: Callable[[Any, Any], bool] | None = None
) -> Folder:
    """A comparison; over formulas, folded when every element is decided by the dims' ranges
    (a dim ≥ 1 never equals −1: exporters' `Where(Equal(shape, −1), …)` chains fold)."""

    def fold(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
        a, b = values[0], values[1]
        if a is None or b is None:
            return None
        if _symbolic(a) or _symbolic(b):
            if symbolic_fn is None or product(np.broadcast_shapes(a.shape, b.shape)) > FOLD_CAP_ELEMENTS:
                return None
            try:
                return [np.vectorize(symbolic_fn, otypes=[bool])(a.astype(object), b.astype(object))]
            except TypeError:  # an element the dims' values decide
                return None
        return [np.asarray(fn(a, b))]

    return fold


FOLDERS["Equal"] = _compare(np.equal, equal)
FOLDERS["Less"] = _compare(np.less, lambda a, b: bool(a < b))
FOLDERS["Greater"] = _compare(np.greater, lambda a, b: bool(a > b))
FOLDERS["LessOrEqual"] = _compare(np.less_equal, lambda a, b: bool(a <= b))
FOLDERS["GreaterOrEqual"] = _compare(np.greater_equal, lambda a, b: bool(a >= b))
FOLDERS["And"] = _compare(np.logical_and)
FOLDERS["Or"] = _compare(np.logical_or)


@folder("Not")
def _not(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    return [np.logical_not(values[0])] if values[0] is not None else None


@folder("Where")
def _where(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    cond, a, b = values[0], values[1], values[2]
    if cond is None or a is None or b is None or _symbolic(cond):
        return None
    if product(np.broadcast_shapes(cond.shape, a.shape, b.shape)) > FOLD_CAP_ELEMENTS:
        return None
    if _symbolic(a) or _symbolic(b):  # picks formulas and numbers alike
        return [np.where(cond, a.astype(object), b.astype(object))]
    return [np.where(cond, a, b)]


def _reduce(fn: Callable[..., Value]) -> Folder:
    def fold(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
        data = values[0]
        if data is None or _symbolic(data):
            return None
        axes = _input_or_attr(node, values, 1, "axes")
        keepdims = bool(node.attrs.get("keepdims", 1))
        if not axes:
            if int(node.attrs.get("noop_with_empty_axes", 0)):
                return [data]
            axes = list(range(data.ndim))
        return [np.asarray(fn(data, axis=tuple(a % data.ndim for a in axes), keepdims=keepdims))]

    return fold


FOLDERS["ReduceProd"] = _reduce(np.prod)
FOLDERS["ReduceSum"] = _reduce(np.sum)
FOLDERS["ReduceMax"] = _reduce(np.max)
FOLDERS["ReduceMin"] = _reduce(np.min)
FOLDERS["ReduceMean"] = _reduce(np.mean)


@folder("NonZero")
def _nonzero(node: NodeInfo, values: Sequence[Value | None]) -> list[Value] | None:
    data = values[0]
    if data is None or _symbolic(data):
        return None
    return [np.array(np.nonzero(data), dtype=np.int64)]
