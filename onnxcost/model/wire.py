"""A protobuf wire-format walker that drops the payloads of large tensors before parsing.

An analyzer needs a weight's dims and dtype, never its bytes. Parsing a 500 MB model with
`onnx.load` copies every payload; this walker copies only the small fields of the file and
leaves each large tensor as metadata marked EXTERNAL with the key `onnxcost_elided`, so no
later stage can mistake it for data it holds.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from onnxcost.errors import ModelLoadError

# Tensor payloads above this many bytes are dropped.
ELIDE_BYTES = 64 * 1024
# Files up to this size are read whole and walked in memory; larger ones through a window.
READ_WHOLE_BYTES = 8 * 1024 * 1024
ELIDED_KEY = "onnxcost_elided"

_VARINT, _I64, _LEN, _I32 = 0, 1, 2, 5
# TensorProto fields that hold data: float, int32, string, int64, raw, double, uint64.
_TENSOR_DATA_FIELDS = frozenset({4, 5, 6, 7, 9, 10, 11})
_TENSOR_DATA_LOCATION = 14
_TENSOR_EXTERNAL_DATA = 13
_EXTERNAL = 1


class _Truncated(Exception):
    """The buffer ends inside a field."""


def _varint(buf: memoryview | bytes | _FileBytes, pos: int, end: int) -> tuple[int, int]:
    """Decode a base-128 varint at `pos`; returns (value, position after it)."""
    result = 0
    shift = 0
    while True:
        if pos >= end:
            raise _Truncated
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7
        if shift > 70:
            raise ModelLoadError("not a protobuf file (malformed varint)")


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field_end(buf, pos: int, end: int, wire_type: int) -> tuple[int, int]:
    """(start of the field's payload, end of the field) for a field whose tag was read."""
    if wire_type == _VARINT:
        _, after = _varint(buf, pos, end)
        return pos, after
    if wire_type == _I64:
        if pos + 8 > end:
            raise _Truncated
        return pos, pos + 8
    if wire_type == _I32:
        if pos + 4 > end:
            raise _Truncated
        return pos, pos + 4
    if wire_type == _LEN:
        length, start = _varint(buf, pos, end)
        if start + length > end:
            raise _Truncated
        return start, start + length
    raise ModelLoadError(f"not an ONNX file (unsupported protobuf wire type {wire_type})")


def _next_field(buf, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, start of the payload, end of the field) of the field at `pos`."""
    tag, after = _varint(buf, pos, end)
    if tag >> 3 == 0:  # protobuf numbers fields from 1: zeros or noise, not a message
        raise ModelLoadError(f"not an ONNX file (a protobuf field numbered 0 at byte {pos})")
    payload_start, field_end = _field_end(buf, after, end, tag & 7)
    return tag, payload_start, field_end


Rewriter = Callable[[object, int, int], "bytes | None"]


def _rewrite(buf, start: int, end: int, children: dict[int, Rewriter]) -> bytes | None:
    """Copy a message, handing length-delimited fields listed in `children` to their rewriter
    when they are large enough to hold a large payload; everything else is copied verbatim.
    None when nothing changed (the message's own bytes stand)."""
    out = bytearray()
    pos = start
    copy_from = start
    while pos < end:
        tag_start = pos
        tag, payload_start, field_end = _next_field(buf, pos, end)
        field, wire_type = tag >> 3, tag & 7
        rewriter = children.get(field) if wire_type == _LEN else None
        if rewriter is not None and field_end - payload_start > ELIDE_BYTES:
            body = rewriter(buf, payload_start, field_end)
            if body is not None:
                out += buf[copy_from:tag_start]
                out += _encode_varint(tag) + _encode_varint(len(body)) + body
                copy_from = field_end
        pos = field_end
    if copy_from == start:
        return None
    out += buf[copy_from:end]
    return bytes(out)


def _tensor(buf, start: int, end: int) -> bytes | None:
    """A TensorProto without its data fields, marked as elided (data kept elsewhere); None when
    it has none."""
    out = bytearray()
    pos = start
    dropped = 0
    while pos < end:
        tag_start = pos
        tag, payload_start, field_end = _next_field(buf, pos, end)
        field = tag >> 3
        if field in _TENSOR_DATA_FIELDS:
            dropped += field_end - payload_start
        elif field != _TENSOR_DATA_LOCATION:
            out += buf[tag_start:field_end]
        pos = field_end
    if dropped == 0:
        return None
    entry = _string_field(1, ELIDED_KEY) + _string_field(2, str(dropped))
    out += _encode_varint((_TENSOR_EXTERNAL_DATA << 3) | _LEN) + _encode_varint(len(entry)) + entry
    out += _encode_varint(_TENSOR_DATA_LOCATION << 3) + _encode_varint(_EXTERNAL)
    return bytes(out)


def _string_field(field: int, text: str) -> bytes:
    data = text.encode()
    return _encode_varint((field << 3) | _LEN) + _encode_varint(len(data)) + data


def _sparse(buf, start: int, end: int) -> bytes | None:
    return _rewrite(buf, start, end, {1: _tensor, 2: _tensor})


def _attribute(buf, start: int, end: int) -> bytes | None:
    # AttributeProto: t=5, g=6, tensors=10, graphs=11, sparse_tensor=22, sparse_tensors=23
    return _rewrite(buf, start, end, {5: _tensor, 6: _graph, 10: _tensor, 11: _graph,
                                      22: _sparse, 23: _sparse})  # fmt: skip


def _node(buf, start: int, end: int) -> bytes | None:
    return _rewrite(buf, start, end, {5: _attribute})  # NodeProto.attribute = 5


def _graph(buf, start: int, end: int) -> bytes | None:
    # GraphProto: node=1, initializer=5, sparse_initializer=15
    return _rewrite(buf, start, end, {1: _node, 5: _tensor, 15: _sparse})


def _function(buf, start: int, end: int) -> bytes | None:
    return _rewrite(buf, start, end, {7: _node})  # FunctionProto.node = 7


class _FileBytes:
    """A file's bytes by position, read through a small moving window.

    The walker looks at tags and small fields only: the payloads it skips are never read, and
    nothing of the file is mapped into memory (a mapping can count every cached page of a
    freshly written file in the process's resident set).
    """

    WINDOW = 1 << 16

    def __init__(self, fd: int, size: int) -> None:
        self.fd = fd
        self.size = size
        self.start = 0
        self.data = b""

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, key: int | slice) -> int | bytes:
        if isinstance(key, slice):
            first, stop = key.start, key.stop
            if self.start <= first and stop <= self.start + len(self.data):
                return self.data[first - self.start : stop - self.start]
            return _read_exactly(self.fd, first, stop - first)
        if not self.start <= key < self.start + len(self.data):
            self.start = key
            self.data = os.pread(self.fd, self.WINDOW, key)
            if not self.data:
                raise _Truncated
        return self.data[key - self.start]


def _read_exactly(fd: int, offset: int, count: int) -> bytes:
    """`count` bytes at `offset` (pread may return fewer at a time)."""
    parts = []
    while count > 0:
        part = os.pread(fd, count, offset)
        if not part:
            raise _Truncated
        parts.append(part)
        offset += len(part)
        count -= len(part)
    return b"".join(parts)


def read_model_bytes(path: str) -> bytes:
    """The file's ModelProto bytes with every tensor payload above ELIDE_BYTES dropped."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size == 0:
            raise ModelLoadError(f"{path}: empty file")
        buf = handle.read() if size <= READ_WHOLE_BYTES else _FileBytes(handle.fileno(), size)
        try:
            # ModelProto: graph=7, functions=25
            rewritten = _rewrite(buf, 0, len(buf), {7: _graph, 25: _function})
            return buf[0 : len(buf)] if rewritten is None else rewritten
        except _Truncated:
            raise ModelLoadError(f"{path}: truncated file (ends inside a field)") from None
        except ModelLoadError as exc:
            raise ModelLoadError(f"{path}: {exc}") from None


def external_location(tensor: object) -> str:
    """Where a tensor's external data is said to be ("" if nowhere); a location that is not UTF-8
    (protobuf hands it back as bytes) as the file-system name it spells."""
    entries = getattr(tensor, "external_data", ())
    location = next((entry.value for entry in entries if entry.key == "location"), "")
    return os.fsdecode(location) if isinstance(location, bytes) else location


def elided_bytes(tensor: object) -> int | None:
    """Payload bytes the walker dropped from this TensorProto, or None if it holds its data."""
    for entry in getattr(tensor, "external_data", ()):
        if entry.key == ELIDED_KEY:
            return int(entry.value)
    return None
