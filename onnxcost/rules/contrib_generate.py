"""ONNX Runtime's text-generation loops (com.microsoft): BeamSearch, WhisperBeamSearch,
GreedySearch and Sampling run a decoder subgraph once per generated token.

Cost = encoder body once + (init_decoder once + decoder for the remaining runs) × beams, with the
engine's summed cost of each body (run once, at the batch the body declares), plus the search
itself per run and sequence row (log-softmax and beam top-k, argmax, or sampling) over the
vocabulary. Decoder runs = max_length − the tokens already there (the prompt for a decoder-only
model, the decoder start ids for an encoder-decoder); an unknown max_length or num_beams becomes a
named dim (NODE_trips, NODE_beams) that --dim binds. Generation may stop early at EOS: the
figures are an upper bound, "estimated".
"""

from __future__ import annotations

from collections.abc import Mapping

from onnxcost.rules.contrib import SOFTMAX_FLOPS
from onnxcost.rules.dim_names import BEAM_OPS, trip_symbol_name
from onnxcost.rules.indexing import ceil_log2
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import dtype_rule, shape_rule
from onnxcost.symbolic.formulas import normalize, substitute, symbol
from onnxcost.types import MS_DOMAIN, Dim, SubgraphCost, Work

MS = MS_DOMAIN
BEAM_SCORE_FLOPS = SOFTMAX_FLOPS + 1  # log-softmax, + the beam's running score
SAMPLE_DRAW_FLOPS = 1  # one generator draw


def _value(view: NodeView, index: int) -> int | None:
    value = view.value(index) if view.has_input(index) else None
    return None if value is None or value.size == 0 else int(value.reshape(-1)[0])


def _named(view: NodeView, what: str) -> Dim:
    """The dim NODE_<what>, bound by --dim when the user gives it."""
    name = trip_symbol_name(view.node.name, what)
    return substitute(symbol(name), view.options.get("dims", {}))


def _start_tokens(view: NodeView) -> Dim:
    """Tokens before the first decoder run: the prompt (decoder-only), else the decoder start ids."""
    if int(view.attr("model_type") or 0) == 0:
        return view.in_shape(0)[1]
    if view.node.op_type in BEAM_OPS and view.has_input(10):
        return view.in_shape(10)[1]
    return 1


def _decoder_runs(view: NodeView, start: Dim) -> Dim:
    """max_length − the tokens the first decoder run starts from (a named dim if max_length is unknown)."""
    max_length = _value(view, 1)
    if max_length is None:
        return _named(view, "trips")
    runs = max_length - start
    return max(runs, 0) if isinstance(runs, int) else normalize(runs)


def _scaled_sum(parts: list[tuple[SubgraphCost, Dim]]) -> dict:
    """Sum of bodies × run counts: arithmetic, bytes and MACs per dtype."""
    fields = ("macs", "flops", "bytes_read_weights", "bytes_read_activations", "bytes_written")
    out: dict = {name: 0 for name in fields}
    by_dtype: dict[str, Dim] = {}
    for body, times in parts:
        for name in fields:
            out[name] = out[name] + getattr(body, name) * times
        for dtype, macs in body.macs_by_dtype.items():
            by_dtype[dtype] = normalize(by_dtype.get(dtype, 0) + macs * times)
    out = {name: normalize(value) for name, value in out.items()}
    out["macs_by_dtype"] = by_dtype
    return out


def _vocab(view: NodeView, scores_output: int | None) -> Dim | None:
    """Vocabulary size: the vocab_size attribute, else the last dim of a scores output or vocab_mask."""
    size = int(view.attr("vocab_size") or -1)
    if size > 0:
        return size
    if scores_output is not None:
        info = view.output(scores_output)
        if info is not None and info.shape:
            return info.shape[-1]
    return None


def generation_work(view: NodeView, beams: Dim, search_per_row: Dim | None, vocab_note: str) -> Work:
    """Bodies × runs (× beams for the decoders) + the search per run and row."""
    bodies: Mapping[str, SubgraphCost] = view.subgraph_costs
    prompt = view.in_shape(0)
    runs = _decoder_runs(view, _start_tokens(view))
    parts: list[tuple[SubgraphCost, Dim]] = []
    if "encoder" in bodies:
        parts.append((bodies["encoder"], 1))
    first = 0
    if "init_decoder" in bodies:
        parts.append((bodies["init_decoder"], beams))
        first = 1
    parts.append((bodies["decoder"], normalize((runs - first) * beams)))
    summed = _scaled_sum(parts)
    notes = [f"decoder × {runs} runs × {beams} beams (EOS may stop earlier)"]
    if search_per_row is None:
        notes.append(vocab_note)
    else:
        summed["flops"] = normalize(summed["flops"] + runs * prompt[0] * beams * search_per_row)
    return Work(status="estimated", note="; ".join(notes), **summed)


def _beam_search_row(vocab: Dim | None, beams: Dim) -> Dim | None:
    """Per row and run: log-softmax + beam score (6·V) and the top-2·beams of beams·V (⌈log2 2k⌉·V)."""
    if vocab is None:
        return None
    return vocab * (BEAM_SCORE_FLOPS + ceil_log2(2 * beams))


VOCAB_NOTE = "vocabulary size unknown: the per-step search is not counted"


@rule("BeamSearch", "WhisperBeamSearch", domain=MS)
def beam_search(view: NodeView) -> Work:
    """encoder + (init_decoder + decoder × (runs − 1))·beams + runs·B·beams·V·(6 + ⌈log2 2·beams⌉)."""
    beams = _value(view, 3)
    beams = _named(view, "beams") if beams is None else beams
    return generation_work(view, beams, _beam_search_row(_vocab(view, 2), beams), VOCAB_NOTE)


@rule("GreedySearch", domain=MS)
def greedy_search(view: NodeView) -> Work:
    """encoder + init_decoder + decoder × (runs − 1), runs = max_length − start; + runs·B·V argmax."""
    return generation_work(view, 1, _vocab(view, None), VOCAB_NOTE)


@rule("Sampling", domain=MS)
def sampling(view: NodeView) -> Work:
    """As GreedySearch + per run and row: softmax 5V, top-p sort V·(⌈log2 V⌉ + 2), draw V + ⌈log2 V⌉ + 1."""
    vocab = _vocab(view, 1)
    if vocab is None:
        return generation_work(view, 1, None, VOCAB_NOTE)
    per_row = SOFTMAX_FLOPS * vocab + vocab + ceil_log2(vocab) + SAMPLE_DRAW_FLOPS
    if float(view.attr("temperature")) != 1.0:
        per_row += vocab
    if 0.0 < float(view.attr("top_p")) < 1.0:
        per_row += vocab * (ceil_log2(vocab) + 2)  # sort, running sum, cut at top_p
    return generation_work(view, 1, per_row, VOCAB_NOTE)


def _max_length(values) -> int | None:
    value = values[1] if len(values) > 1 else None
    return None if value is None or value.size == 0 else int(value.reshape(-1)[0])


@shape_rule("BeamSearch", "WhisperBeamSearch", domain=MS)
def _beam_search_shape(node, shapes, values):
    prompt = shapes[0]
    if prompt is None:
        return [None] * 5
    batch = prompt[0]
    length = _max_length(values)
    returned = values[4] if len(values) > 4 else None
    count = None if returned is None else int(returned.reshape(-1)[0])
    beams = values[3] if len(values) > 3 else None
    vocab = int(node.attrs.get("vocab_size") or -1)
    steps = None if length is None or node.attrs.get("model_type", 0) != 0 else normalize(length - prompt[1])
    width = None if beams is None else int(beams.reshape(-1)[0])
    scores = (steps, batch, width, vocab if vocab > 0 else None)
    return [(batch, count, length), (batch, count), scores, None, (batch,)]


@shape_rule("GreedySearch", "Sampling", domain=MS)
def _greedy_shape(node, shapes, values):
    prompt = shapes[0]
    if prompt is None:
        return [None, None]
    vocab = int(node.attrs.get("vocab_size") or -1)
    return [(prompt[0], _max_length(values)), (prompt[0], vocab if vocab > 0 else None)]


@dtype_rule("BeamSearch", "WhisperBeamSearch", "GreedySearch", "Sampling", domain=MS)
def _generation_dtype(node, dtypes):
    return ["int32", "float32", "float32", "float32", "float32"]
