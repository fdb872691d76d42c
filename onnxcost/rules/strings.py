"""String ops: per-string operations (a lookup, a match, a case change) count 1 FLOP each.

Character-level work depends on string lengths, which a static analysis does not know; these
rules count one operation per string element and mark the figure as an estimate. A string
element's bytes are a pointer (8 bytes), see onnxcost.dtypes.
"""

from __future__ import annotations

from onnxcost.rules.common import data_movement
from onnxcost.rules.registry import NodeView, rule
from onnxcost.symbolic.formulas import larger
from onnxcost.types import Dim, Work

PER_STRING_NOTE = "one operation per string; character work depends on lengths"


@rule("StringConcat", "StringSplit")
def string_copy(view: NodeView) -> Work:
    """0 FLOPs; strings copied (concatenated or cut at delimiters): each input read, each output written."""
    return data_movement("character copies not counted")


@rule("StringNormalizer")
def string_normalizer(view: NodeView) -> Work:
    """FLOPs = elements × (1 stopword lookup if stopwords + 1 case change unless NONE)."""
    steps = int(bool(view.attr("stopwords"))) + int(view.attr("case_change_action") != "NONE")
    return Work(flops=view.in_numel(0) * steps, status="estimated", note=PER_STRING_NOTE)


@rule("RegexFullMatch")
def regex_full_match(view: NodeView) -> Work:
    """FLOPs = elements (one regex match evaluation each)."""
    return Work(flops=view.in_numel(0), status="estimated", note=PER_STRING_NOTE)


def _positive(value: Dim) -> Dim:
    return max(value, 0) if isinstance(value, int) else larger(value, 0)


@rule("TfIdfVectorizer")
def tfidf_vectorizer(view: NodeView) -> Work:
    """FLOPs = rows·Σ(n-grams of length n, skip s)·(n compares + 1 count) + weighting per output."""
    shape = view.in_shape(0)
    rows, length = (1, shape[0]) if len(shape) == 1 else (shape[0], shape[1])
    candidates: Dim = 0
    max_skip = int(view.attr("max_skip_count"))
    for n in range(int(view.attr("min_gram_length")), int(view.attr("max_gram_length")) + 1):
        for skip in range(max_skip + 1 if n > 1 else 1):
            candidates = candidates + _positive(length - (n - 1) * (skip + 1)) * (n + 1)
    weighting = {"TF": 0, "IDF": 2, "TFIDF": 1}[str(view.attr("mode"))]
    flops = rows * candidates + weighting * view.out_numel(0)
    return Work(flops=flops, status="estimated", note="every n-gram looked up; IDF: clamp + scale")
