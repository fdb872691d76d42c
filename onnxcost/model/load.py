"""Stage 1: read a model file (or take a ModelProto) without touching external weight files.

Files are read by onnxcost.model.wire, which drops large tensor payloads before protobuf parses
the rest: a weight costs its metadata, never its bytes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import onnx
from google.protobuf.message import DecodeError

from onnxcost.errors import ModelLoadError
from onnxcost.model.wire import elided_bytes, external_location, read_model_bytes


@dataclass(frozen=True)
class LoadedModel:
    """A parsed model: the proto (functions inlined), where it came from, and load-time notes."""

    proto: onnx.ModelProto
    path: str
    opsets: dict[str, int]
    warnings: tuple[str, ...]


def load_model(source: str | os.PathLike[str] | onnx.ModelProto) -> LoadedModel:
    """Load a path or a ModelProto; external data stays on disk, local functions are inlined."""
    if isinstance(source, onnx.ModelProto):
        proto, path = source, ""
    else:
        path = os.fspath(source)
        proto = _read(path)
    if not proto.HasField("graph"):
        raise ModelLoadError(f"{path or 'model'}: not an ONNX model (no graph)")
    _check_text(proto.graph, path or "model")
    _mend_descriptions(proto, path or "model")
    warnings = [*_version_notes(proto), *_dtype_notes(proto.graph), *_external_data_notes(proto, path)]
    if not proto.graph.output:
        warnings.append("the graph declares no outputs: every node is costed as if it ran")
    if proto.functions:
        proto = _inline_functions(proto, path)
    opsets = opsets_of(proto)
    return LoadedModel(proto=proto, path=path, opsets=opsets, warnings=tuple(warnings))


def opsets_of(proto: onnx.ModelProto) -> dict[str, int]:
    """Opset version per domain; the default domain is '' (also spelled 'ai.onnx')."""
    opsets: dict[str, int] = {}
    for entry in proto.opset_import:
        domain = "" if entry.domain in ("", "ai.onnx") else entry.domain
        opsets[domain] = max(opsets.get(domain, 0), entry.version)
    if "" not in opsets:
        # IR-3 era files sometimes omit opset_import: onnx treats that as opset 1.
        opsets[""] = 1
    return opsets


def _read(path: str) -> onnx.ModelProto:
    """Parse the file's protobuf; every failure becomes one ModelLoadError line."""
    if not os.path.exists(path):
        raise ModelLoadError(f"{path}: no such file")
    if os.path.isdir(path):
        raise ModelLoadError(f"{path}: is a folder, not an ONNX file")
    if not os.path.isfile(path):  # stat only: a FIFO or a device is never opened
        raise ModelLoadError(f"{path}: not a regular file (a FIFO, socket or device), not an ONNX file")
    size = os.path.getsize(path)
    if size == 0:
        raise ModelLoadError(f"{path}: empty file")
    try:
        proto = onnx.ModelProto.FromString(read_model_bytes(path))
    except (DecodeError, ValueError, RuntimeError, UnicodeDecodeError) as exc:
        if isinstance(exc, RecursionError) or "MaxDepth" in str(exc):
            raise ModelLoadError(f"{path}: subgraphs nested deeper than protobuf reads (100 message levels, "
                                 "about 30 nested If/Loop bodies)") from None  # fmt: skip
        raise ModelLoadError(f"{path}: not a readable ONNX file (corrupt or truncated: {exc})") from None
    except OSError as exc:
        raise ModelLoadError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not proto.HasField("graph") or not (proto.graph.node or proto.graph.output):
        raise ModelLoadError(f"{path}: not an ONNX model (no graph)")
    return proto


def _mend_descriptions(proto: onnx.ModelProto, where: str) -> None:
    """Descriptive text that is not UTF-8 (producer, doc strings, metadata) is decoded with U+FFFD
    for the bad bytes; an opset domain that is not is a ModelLoadError."""
    for opset in proto.opset_import:
        if isinstance(opset.domain, bytes):
            raise ModelLoadError(f"{where}: an opset domain is not valid UTF-8 ({opset.domain[:60]!r})")
    holders = [(proto, ("producer_name", "producer_version", "domain", "doc_string")),
               (proto.graph, ("name", "doc_string"))]  # fmt: skip
    holders += [(entry, ("key", "value")) for entry in proto.metadata_props]
    for holder, fields in holders:
        for field in fields:
            text = getattr(holder, field)
            if isinstance(text, bytes):
                setattr(holder, field, text.decode("utf-8", errors="replace"))


def _check_text(graph: onnx.GraphProto, where: str) -> None:
    """ONNX names are UTF-8 text; protobuf hands back bytes for one that is not, which is a
    ModelLoadError naming it (at any depth of subgraphs)."""
    sparse = [entry.values for entry in graph.sparse_initializer]
    for value in (*graph.input, *graph.output, *graph.value_info, *graph.initializer, *sparse):
        if isinstance(value.name, bytes):
            raise ModelLoadError(f"{where}: the value name {value.name[:60]!r} is not valid UTF-8")
    for value in (*graph.input, *graph.output, *graph.value_info):
        for dim in _tensor_type(value.type).shape.dim:
            if isinstance(dim.dim_param, bytes) or isinstance(dim.denotation, bytes):
                raise ModelLoadError(f"{where}: value {value.name!r} has a dim name that is not valid UTF-8 "
                                     f"({(dim.dim_param or dim.denotation)[:60]!r})")  # fmt: skip
    for index, node in enumerate(graph.node):
        for field in ("name", "op_type", "domain"):
            if isinstance(getattr(node, field), bytes):
                raise ModelLoadError(f"{where}: node #{index} has a {field} that is not valid UTF-8 "
                                     f"({getattr(node, field)[:60]!r})")  # fmt: skip
        for name in (*node.input, *node.output):
            if isinstance(name, bytes):
                raise ModelLoadError(f"{where}: node #{index} ({node.op_type}) names a value that is not "
                                     f"valid UTF-8 ({name[:60]!r})")  # fmt: skip
        for attribute in node.attribute:
            if isinstance(attribute.name, bytes):
                raise ModelLoadError(f"{where}: node #{index} ({node.op_type}) has an attribute name that is "
                                     f"not valid UTF-8 ({attribute.name[:60]!r})")  # fmt: skip
            for body in (attribute.g,) if attribute.HasField("g") else attribute.graphs:
                _check_text(body, where)


def _tensor_type(type_proto: onnx.TypeProto) -> onnx.TypeProto.Tensor:
    """The tensor type a value holds, through sequences and optionals (empty when none)."""
    for _ in range(64):
        kind = type_proto.WhichOneof("value")
        if kind == "tensor_type":
            return type_proto.tensor_type
        if kind == "sequence_type":
            type_proto = type_proto.sequence_type.elem_type
        elif kind == "optional_type":
            type_proto = type_proto.optional_type.elem_type
        else:
            break
    return onnx.TypeProto.Tensor()


def _dtype_notes(graph: onnx.GraphProto) -> list[str]:
    """Notes for graph values and weights of an element type ONNX does not define."""
    from onnxcost.dtypes import dtype_name

    odd = {}
    for value in (*graph.input, *graph.output, *graph.value_info):
        elem_type = value.type.tensor_type.elem_type
        if value.type.HasField("tensor_type") and elem_type and not dtype_name(elem_type):
            odd.setdefault(value.name, elem_type)
    for tensor in graph.initializer:
        if tensor.data_type and not dtype_name(tensor.data_type):
            odd.setdefault(tensor.name, tensor.data_type)
    return [f"{name!r} has element type {code}, which ONNX does not define: its bytes count 32 bits "
            "an element" for name, code in list(odd.items())[:5]]  # fmt: skip


def _version_notes(proto: onnx.ModelProto) -> list[str]:
    """Notes for an IR version or a default-domain opset newer than the installed onnx knows: the
    operators' newest known schemas are used for it."""
    notes = []
    if proto.ir_version > onnx.IR_VERSION:
        notes.append(f"IR version {proto.ir_version} is newer than the installed onnx knows "
                     f"({onnx.IR_VERSION}); read as that version")  # fmt: skip
    known = onnx.defs.onnx_opset_version()
    for entry in proto.opset_import:
        if entry.domain in ("", "ai.onnx") and entry.version > known:
            notes.append(f"opset {entry.version} is newer than the installed onnx knows ({known}); operators "
                         f"are costed by their opset-{known} definitions")  # fmt: skip
    return notes


def _external_data_notes(proto: onnx.ModelProto, path: str) -> list[str]:
    """Notes about external-data files that are absent (their sizes come from metadata anyway)."""
    folder = os.path.dirname(path) if path else ""
    missing: set[str] = set()
    for tensor in proto.graph.initializer:
        if tensor.data_location != onnx.TensorProto.EXTERNAL or elided_bytes(tensor) is not None:
            continue
        location = external_location(tensor)
        if path and location and not os.path.exists(os.path.join(folder, location)):
            missing.add(location)
    return [
        f"external data file {name!r} is not present; weight sizes come from the model's metadata"
        for name in sorted(missing)
    ]


def _inline_functions(proto: onnx.ModelProto, path: str) -> onnx.ModelProto:
    """Replace calls to model-local functions by their bodies."""
    try:
        import onnx.inliner

        return onnx.inliner.inline_local_functions(proto)
    except Exception as exc:  # the inliner raises a bare C++ error type on malformed functions
        raise ModelLoadError(f"{path or 'model'}: cannot inline local functions ({exc})") from None
