"""Sequences and optionals: containers of tensors, costed by the tensors that go in or come out.

A sequence or optional value has no shape (TensorInfo.shape is None): its size is unknown, so a
rule counts only the bytes of the plain tensors it reads or writes, and says so in its note.
"""

from __future__ import annotations

from onnxcost.rules.common import tensor_bytes
from onnxcost.rules.control import scaled_body
from onnxcost.rules.dim_names import trip_symbol_name
from onnxcost.rules.indexing import split_reads
from onnxcost.rules.registry import NodeView, rule
from onnxcost.symbolic.formulas import normalize, substitute, symbol
from onnxcost.types import Dim, Work

UNKNOWN_NOTE = "sequence size unknown: its bytes are not counted"


def _known_bytes(view: NodeView, index: int, output: bool = False) -> Dim:
    """Bytes of a plain tensor input or output; 0 for a sequence/optional or an unknown shape."""
    info = view.output(index) if output else view.input(index)
    if info is None or info.shape is None:
        return 0
    return info.nbytes


def _metadata(note: str, written: Dim = 0) -> Work:
    return Work(status="zero", note=note, bytes_read_activations=0, bytes_read_weights=0,
                bytes_written=written)  # fmt: skip


@rule("SequenceConstruct")
def sequence_construct(view: NodeView) -> Work:
    """0 FLOPs; each input tensor read once and copied into the sequence (written = Σ input bytes)."""
    reads = [(i, tensor_bytes(view, i)) for i in range(len(view.inputs))]
    activations, weights = split_reads(view, reads)
    return Work(status="zero", bytes_read_activations=activations, bytes_read_weights=weights,
                bytes_written=normalize(activations + weights))  # fmt: skip


@rule("SequenceEmpty")
def sequence_empty(view: NodeView) -> Work:
    """0 FLOPs, 0 bytes: an empty container."""
    return _metadata("empty sequence")


@rule("SequenceErase")
def sequence_erase(view: NodeView) -> Work:
    """0 FLOPs, 0 bytes: drops one reference (the position index is negligible)."""
    return _metadata("container update: no tensor data moved")


@rule("SequenceLength")
def sequence_length(view: NodeView) -> Work:
    """0 FLOPs; reads no tensor data, writes one int64 scalar."""
    return _metadata("reads the container's length", _known_bytes(view, 0, output=True))


@rule("SequenceInsert")
def sequence_insert(view: NodeView) -> Work:
    """0 FLOPs; the inserted tensor read and copied into the sequence (the others are shared)."""
    size = tensor_bytes(view, 1)
    activations, weights = split_reads(view, [(1, size)])
    return Work(status="zero", note="other elements shared, not copied",
                bytes_read_activations=activations, bytes_read_weights=weights,
                bytes_written=size)  # fmt: skip


@rule("SequenceAt")
def sequence_at(view: NodeView) -> Work:
    """0 FLOPs; the chosen tensor read and written out (= output bytes, 0 when its shape is unknown)."""
    size = _known_bytes(view, 0, output=True)
    note = "" if size else "element shape unknown: bytes not counted"
    return Work(status="zero", note=note, bytes_read_activations=size, bytes_read_weights=0,
                bytes_written=size)  # fmt: skip


@rule("SplitToSequence")
def split_to_sequence(view: NodeView) -> Work:
    """0 FLOPs; the input read once and copied into the sequence's tensors (written = input bytes)."""
    size = tensor_bytes(view, 0)
    activations, weights = split_reads(view, [(0, size), (1, tensor_bytes(view, 1))])
    return Work(status="zero", bytes_read_activations=activations, bytes_read_weights=weights,
                bytes_written=size)  # fmt: skip


@rule("ConcatFromSequence")
def concat_from_sequence(view: NodeView) -> Work:
    """0 FLOPs; every element read once and written into the output (both = output bytes)."""
    size = _known_bytes(view, 0, output=True)
    status = "zero" if size else "estimated"
    note = "" if size else "output shape unknown: bytes not counted"
    return Work(status=status, note=note, bytes_read_activations=size, bytes_read_weights=0,
                bytes_written=size)  # fmt: skip


@rule("SequenceMap")
def sequence_map(view: NodeView) -> Work:
    """Cost = body cost × sequence length (the symbol NODE_trips, bound with --dim); 0 without a body cost."""
    body = view.subgraph_costs.get("body")
    if body is None:
        return _metadata("body not costed")
    length = substitute(symbol(trip_symbol_name(view.node.name)), view.options.get("dims", {}))
    return scaled_body(
        body, length, f"body × {length} (sequence length; bind with --dim)", estimated=True
    )


@rule("Optional")
def optional(view: NodeView) -> Work:
    """0 FLOPs, 0 bytes: wraps a value (or none) without copying it."""
    return _metadata("wrapper: no data moved")


@rule("OptionalGetElement")
def optional_get_element(view: NodeView) -> Work:
    """0 FLOPs, 0 bytes: unwraps the value without copying it."""
    return _metadata("unwrap: no data moved")


@rule("OptionalHasElement")
def optional_has_element(view: NodeView) -> Work:
    """0 FLOPs; reads no tensor data, writes one bool."""
    return _metadata("presence test", _known_bytes(view, 0, output=True))
