"""How ops name the dims the shapes leave open: Loop trips, generation lengths, unnamed input dims.

A dim nothing derives is named after its node (`<node>_<what>`), so that `--dim NAME=INT` binds it.
"""

from __future__ import annotations

import re

# A Loop whose M is at least this large is a while-loop in disguise (tf2onnx writes INT64_MAX).
UNBOUNDED_TRIPS = 2**31

# com.microsoft generation loops: decoder runs (and beams) unknown statically are named dims.
BEAM_OPS = ("BeamSearch", "WhisperBeamSearch")
GENERATION_OPS = (*BEAM_OPS, "GreedySearch", "Sampling")


def trip_symbol_name(node_name: str, what: str = "trips") -> str:
    """The dim name a Loop's unknown trip count (or another run-time count: `what`) gets
    ('--dim NAME=INT' binds it)."""
    return f"{clean_name(node_name)}_{what}"


def input_dim_name(value: str, axis: int) -> str:
    """The name an input's unnamed dim gets (`x_d0`), which --dim binds."""
    return f"{clean_name(value)}_d{axis}"


def clean_name(text: str) -> str:
    """A node or value name as the start of a symbol: letters, digits and underscores."""
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", text).strip("_") or "node"
    cleaned = re.sub(r"_+", "_", cleaned)
    return f"n_{cleaned}" if cleaned[0].isdigit() else cleaned
