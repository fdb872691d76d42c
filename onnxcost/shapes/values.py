"""Each value's TensorInfo: from folding, ONNX inference, own rules and declared types, in that order."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import onnx
import sympy

from onnxcost.dtypes import dtype_name
from onnxcost.errors import ShapeError
from onnxcost.rules.shape_rules import DataDim, check_rank, infer_output_dtypes, infer_output_shapes
from onnxcost.shapes.bindings import ABSURD_DIM
from onnxcost.shapes.context import Context, NeedsInference, TypeFacts
from onnxcost.shapes.fold import FOLD_CAP_ELEMENTS, FOLDERS, constant_attr_value, fold_node, tensor_value
from onnxcost.symbolic.formulas import (
    bind_dim_param,
    dim_param_names,
    free_names,
)
from onnxcost.symbolic.poly import Poly
from onnxcost.types import DEFAULT_DOMAIN, ML_DOMAIN, Dim, NodeInfo, TensorInfo

ABSURD_ELEMENTS = 2**53
# Ops whose outputs differ from run to run even with constant inputs.
NONDETERMINISTIC_OPS = frozenset(
    {"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial",
     "Bernoulli"}
)  # fmt: skip
WEIGHT_GENERATORS = frozenset({"Constant", "ConstantOfShape"})
# Ops that write a tensor of data from their operands: fed by the graph's inputs (a Shape of an
# input, a loop counter), what they write is made at run time, an activation (zero states).
MATERIALIZING_OPS = frozenset({"ConstantOfShape", "Expand", "Tile", "Range", "EyeLike"})
STRICT_DOMAINS = (DEFAULT_DOMAIN, ML_DOMAIN)


_PLACEHOLDER = re.compile(r"unk__\d+")


def declared_dims(type_proto: onnx.TypeProto, context: Context, label: str) -> tuple[Dim, ...] | None:
    """Dims of a graph input or output type, each a number, a bound or named dim, or (unknown: `?`,
    -1, empty) a symbol named after the value."""
    if not type_proto.tensor_type.HasField("shape"):
        return None
    out: list[Dim] = []
    for axis, dim in enumerate(type_proto.tensor_type.shape.dim):
        value: Dim | None = None
        placeholder = ""
        if dim.HasField("dim_value"):
            check_declared(dim.dim_value)
            value = None if dim.dim_value == -1 else int(dim.dim_value)
        elif dim.HasField("dim_param"):
            param = dim.dim_param
            if _PLACEHOLDER.fullmatch(param) and param not in context.input_dims:
                placeholder = param  # ONNX inference's name for one unknown dim it propagated
            else:
                value = bind_dim_param(param, context.dims)
                if value is not None:
                    context.declared_names |= free_names(value) | dim_param_names(param)
        if value is None:
            value = context.symbols.dim(None, f"d{axis}", f"dim {axis} of {label!r}", label=label,
                                        placeholder=placeholder)  # fmt: skip
        out.append(value)
    return tuple(out)


def check_declared(size: int) -> None:
    if size < -1:
        raise ShapeError(f"negative dim {size} in the model")
    if size > ABSURD_DIM:
        raise ShapeError(f"absurd dim {size} in the model (more than 2^40)")


def value_info(
    name: str,
    type_proto: onnx.TypeProto,
    context: Context,
    bound_shape: tuple[int, ...] | None,
) -> TensorInfo:
    """TensorInfo of a graph input or output from its declared type."""
    kind = type_proto.WhichOneof("value")
    if kind != "tensor_type":
        return TensorInfo(name, None, "", elem_type=_elem_kind(kind))
    dtype = dtype_name(type_proto.tensor_type.elem_type)
    _rank_checked(tuple(type_proto.tensor_type.shape.dim), f"value {name!r}")
    shape = bound_shape if bound_shape is not None else declared_dims(type_proto, context, name)
    return _checked(TensorInfo(name, shape, dtype))


def _elem_kind(kind: str | None) -> str:
    return {"sequence_type": "sequence", "optional_type": "optional", "map_type": "map",
            "sparse_tensor_type": "sparse_tensor"}.get(kind or "", "unknown")  # fmt: skip


def initializer_info(tensor: onnx.TensorProto) -> TensorInfo:
    """A weight: its dims and dtype from metadata, its value only when small and in the file."""
    _rank_checked(tuple(tensor.dims), f"initializer {tensor.name!r}")
    shape = tuple(int(d) for d in tensor.dims)
    for d in shape:
        if d < 0:
            raise ShapeError(f"initializer {tensor.name!r} has a negative dim {d}")
    return _checked(
        TensorInfo(
            tensor.name,
            shape,
            dtype_name(tensor.data_type),
            is_constant=True,
            is_weight=True,
            value=tensor_value(tensor),
        )
    )


def _rank_checked(shape: Sequence[object] | None, what: str) -> None:
    if shape is not None:
        check_rank(what, len(shape))


def _checked(info: TensorInfo) -> TensorInfo:
    count = info.numel
    if isinstance(count, int) and count > ABSURD_ELEMENTS:
        raise ShapeError(f"tensor {info.name!r} has an absurd shape {info.shape}")
    return info


def node_outputs(
    node: NodeInfo,
    tensors: Mapping[str, TensorInfo],
    context: Context,
    bodies: bool = False,
    ruled: list[tuple[Dim, ...] | None] | None = None,
) -> list[TensorInfo]:
    """TensorInfo for each output of `node` (`bodies`: it has graph attributes): folded, inferred
    from the bound inputs, or derived by shape rules (`ruled`: derived already, from the bodies),
    in that order; the declared type fills only what none of them derives."""
    op_type = node.op_type
    present = [tensors.get(name) for name in node.inputs if name]
    deterministic = op_type not in NONDETERMINISTIC_OPS and not bodies
    constant = deterministic and all(t is not None and t.is_constant for t in present)
    from_inputs = bodies or any(t is not None and t.from_inputs for t in present)
    varies = bool(context.varying) and not context.varying.isdisjoint(node.inputs)
    values: list[np.ndarray | None] | None = None
    if op_type == "Constant":
        values = [constant_attr_value(node.attrs)]
        constant = True
    elif deterministic and node.domain == "" and op_type in FOLDERS:
        values = fold_node(node, fold_inputs(node, tensors))
    typed = None
    results = []
    for position, name in enumerate(node.outputs):
        if not name:
            continue
        value = values[position] if values and position < len(values) else None
        type_proto = context.inferred.get(name)
        shape: tuple[Dim | DataDim | None, ...] | None = None
        keys: tuple[str, ...] = ()
        dtype = ""
        if type_proto is not None:
            kind, shape, keys, dtype = read_type(type_proto, context)
            if kind != "tensor_type":
                results.append(TensorInfo(name, None, "", elem_type=_elem_kind(kind)))
                continue
        declared = context.declared.get(name)
        if value is not None:
            shape = tuple(int(d) for d in value.shape)
            dtype = dtype or _numpy_name(value)
        elif shape is None or None in shape:
            if ruled is None:
                in_shapes = [tensors[n].shape if n in tensors else None for n in node.inputs]
                in_values = [tensors[n].value if n in tensors else None for n in node.inputs]
                ruled = infer_output_shapes(node, in_shapes, in_values)
            shape = merge_shapes(shape, ruled[position] if position < len(ruled) else None)
        if op_type == "Constant" and value is None:
            shape, dtype = _constant_meta(node, shape, dtype)
        if context.strict and (shape is None or None in shape) and node.domain in STRICT_DOMAINS:
            raise NeedsInference(name)
        if declared is not None and declared.WhichOneof("value") == "tensor_type":
            shape, keys = _with_declared(name, shape, keys, declared, context)
            dtype = dtype or dtype_name(declared.tensor_type.elem_type)
        _rank_checked(shape, f"node {node.name!r} ({op_type}): output {name!r}")
        if shape is not None and not plain_shape(shape):
            if len(keys) != len(shape):
                keys = ("",) * len(shape)
            shape = tuple(
                _clean_dim(d, node, name, axis, position, context, key)
                for axis, (d, key) in enumerate(zip(shape, keys, strict=True))
            )
        if not dtype:
            if typed is None:
                typed = infer_output_dtypes(node, [tensors[n].dtype if n in tensors else ""
                                                   for n in node.inputs])  # fmt: skip
            dtype = typed[position] or ""
        if context.strict and not dtype:
            raise NeedsInference(name)
        if not dtype and present and present[0] is not None:
            dtype = present[0].dtype
        is_constant = (constant or value is not None) and not varies
        if from_inputs and op_type in MATERIALIZING_OPS and not shape_like(dtype, shape):
            is_constant, value = False, None  # made at run time from the inputs: an activation
        if varies:
            context.varying.add(name)
        weight = constant and op_type in WEIGHT_GENERATORS and not from_inputs
        results.append(_checked(TensorInfo(
            name, shape, dtype, is_constant=is_constant, is_weight=weight,
            value=value if value is not None and value.size <= FOLD_CAP_ELEMENTS else None,
            from_inputs=from_inputs and op_type != "Constant",
        )))  # fmt: skip
    return results


def is_runtime_data(op_type: str, info: TensorInfo) -> bool:
    """A tensor of data an op writes at run time from the graph's inputs (a zero state sized by
    the batch), as opposed to a shape vector computed from them: an activation, never a constant."""
    return info.from_inputs and op_type in MATERIALIZING_OPS and not shape_like(info.dtype, info.shape)


def shape_like(dtype: str, shape: Sequence[object] | None) -> bool:
    """An integer vector or scalar: a shape, an index or a count, which the folder keeps."""
    return shape is not None and len(shape) <= 1 and (dtype.startswith(("int", "uint")) or dtype == "bool")


def _with_declared(
    name: str,
    shape: tuple[Dim | DataDim | None, ...] | None,
    keys: tuple[str, ...],
    declared: onnx.TypeProto,
    context: Context,
) -> tuple[tuple[Dim | DataDim | None, ...] | None, tuple[str, ...]]:
    """The derived dims, with the declared ones filling the gaps; a declared number that differs
    from a derived one is recorded (a warning); a declared name the user bound to a number the
    derivation contradicts is an error."""
    if not declared.tensor_type.HasField("shape"):
        return shape, keys
    raw = declared.tensor_type.shape.dim
    if shape is None:
        shape, keys = (None,) * len(raw), ("",) * len(raw)
    if len(shape) != len(raw):
        return shape, keys
    if len(keys) != len(shape):
        keys = ("",) * len(shape)
    out = list(shape)
    out_keys = list(keys)
    for axis, (dim, spec) in enumerate(zip(shape, raw, strict=True)):
        which = spec.WhichOneof("value")
        param = spec.dim_param if which == "dim_param" else ""
        if param:
            context.declared_names |= dim_param_names(param)
        if which == "dim_value" and spec.dim_value >= 0 and context.symbols.is_data_dependent(dim):
            out[axis] = int(spec.dim_value)  # the exporter knew what the data makes it
        elif dim is None:
            if which == "dim_value" and spec.dim_value >= 0:
                out[axis] = int(spec.dim_value)
            elif param and _PLACEHOLDER.fullmatch(param) and param not in context.input_dims:
                out_keys[axis] = out_keys[axis] or f"declared:{param}"
            elif param:
                out[axis] = bind_dim_param(param, context.dims)
        elif isinstance(dim, int):
            if which == "dim_value" and spec.dim_value >= 0 and spec.dim_value != dim:
                context.mismatches.append((name, axis, int(spec.dim_value), dim))
            elif param in context.dims and param not in context.input_dims and context.dims[param] != dim:
                raise ShapeError(
                    f"--dim {param}={context.dims[param]}: the bound inputs make dim {axis} of {name!r} "
                    f"(declared {param}) {dim}"
                )
    return tuple(out), tuple(out_keys)


def read_type(type_proto: onnx.TypeProto, context: Context) -> TypeFacts:
    """(kind, dims, placeholders, dtype) of an inferred type (see _inferred_dims), read once per
    distinct type."""
    key = type_proto.SerializeToString()
    found = context.types.get(key)
    if found is None:
        kind = type_proto.WhichOneof("value")
        if kind != "tensor_type":
            found = (kind, None, (), "")
        else:
            shape, keys = _inferred_dims(type_proto.tensor_type, context)
            found = (kind, shape, keys, dtype_name(type_proto.tensor_type.elem_type))
        context.types[key] = found
    return found


def _inferred_dims(
    tensor_type: onnx.TypeProto.Tensor, context: Context
) -> tuple[tuple[Dim | None, ...] | None, tuple[str, ...]]:
    """The dims of an inferred tensor type (unknown ones None) and, per dim, its placeholder
    name ('unk__N') if it has one, else ''. A named dim is one of the inputs' (or a formula of
    them): inference propagates those unchanged."""
    if not tensor_type.HasField("shape"):
        return None, ()
    out: list[Dim | None] = []
    keys: list[str] = []
    for dim in tensor_type.shape.dim:
        which = dim.WhichOneof("value")
        key = ""
        value: Dim | None = None
        if which == "dim_value":
            check_declared(dim.dim_value)
            value = None if dim.dim_value == -1 else dim.dim_value
        elif which == "dim_param":
            param = dim.dim_param
            if param.startswith("unk__") and param not in context.input_dims:
                key = param
            else:
                value = bind_dim_param(param, context.dims)
        out.append(value)
        keys.append(key)
    return tuple(out), tuple(keys)


def plain_shape(shape: tuple[object, ...]) -> bool:
    """Every dim is already a clean size: a plain int from 0 to ABSURD_DIM."""
    if not shape:
        return True
    return set(map(type, shape)) == {int} and min(shape) >= 0 and max(shape) <= ABSURD_DIM


def _clean_dim(
    dim: object,
    node: NodeInfo,
    tensor: str,
    axis: int,
    position: int,
    context: Context,
    placeholder: str = "",
) -> Dim:
    """A derived dim as an int or a symbol: numpy and sympy integers become ints; a dim the data
    decides (DataDim), one nothing derived, or one that is not a whole size (a fraction, or
    negative on a branch that never runs) becomes the node's named symbol; an unknown dim that
    inference named 'unk__N' gets the same symbol wherever it appears."""
    if isinstance(dim, DataDim):
        return context.symbols.dim(node, dim.key, dim.what, data=True, bound=dim.bound,
                                   placeholder=placeholder)  # fmt: skip
    if isinstance(dim, bool):
        return int(dim)
    value: int | None = None
    whole_float = isinstance(dim, float | np.floating) and float(dim).is_integer()
    if isinstance(dim, int | np.integer) or whole_float:
        value = int(dim)
    elif isinstance(dim, Poly):
        return dim
    elif isinstance(dim, sympy.Expr):
        if not dim.is_number:
            return dim
        if dim.is_integer:
            value = int(dim)
    if value is None or value < 0:
        key = f"d{axis}" if position == 0 else f"out{position}_d{axis}"
        what = f"dim {axis} of {tensor!r}"
        return context.symbols.dim(node, key, what, placeholder=placeholder if value is None else "")
    if value > ABSURD_DIM:
        raise ShapeError(f"node {node.name!r}: {tensor!r} would have an absurd dim ({value})")
    return value


def fold_inputs(node: NodeInfo, tensors: Mapping[str, TensorInfo]) -> list[np.ndarray | None]:
    """Values handed to the folder; Shape and Size get the input's dims as their operand."""
    infos = [tensors.get(name) if name else None for name in node.inputs]
    if node.op_type in ("Shape", "Size") and node.domain == "" and infos and infos[0] is not None:
        shape = infos[0].shape
        if shape is None:
            return [None]
        if all(isinstance(d, int) for d in shape):
            return [np.array(shape, dtype=np.int64)]
        return [np.array(list(shape), dtype=object)]
    return [info.value if info is not None else None for info in infos]


def merge_shapes(
    inferred: tuple[Dim | None, ...] | None, ruled: tuple[Dim, ...] | None
) -> tuple[Dim | None, ...] | None:
    """Inferred dims where known, the rule's dims where inference left a gap."""
    if inferred is None:
        return ruled
    if ruled is None:
        return inferred
    if len(ruled) != len(inferred):  # inference merged If branches of other ranks: the rule knows
        return ruled if None not in ruled else inferred
    return tuple(r if i is None else i for i, r in zip(inferred, ruled, strict=True))


def _constant_meta(
    node: NodeInfo, shape: tuple[Dim | None, ...] | None, dtype: str
) -> tuple[tuple[Dim | None, ...] | None, str]:
    """Shape and dtype of a Constant whose value is too large to fold."""
    tensor = node.attrs.get("value")
    if isinstance(tensor, onnx.TensorProto):
        return tuple(int(d) for d in tensor.dims), dtype_name(tensor.data_type)
    sparse = node.attrs.get("sparse_value")
    if isinstance(sparse, onnx.SparseTensorProto):
        return tuple(int(d) for d in sparse.dims), dtype_name(sparse.values.data_type)
    return shape, dtype


def _numpy_name(value: np.ndarray) -> str:
    if value.dtype == object:
        return "int64"
    return {"float32": "float32", "float64": "float64"}.get(value.dtype.name, value.dtype.name)
