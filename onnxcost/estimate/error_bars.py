"""The interval around an estimated latency from the profile's error bars (profile `error_bars`:
(low, high) factors on a predicted time, from the profile's validation or, for a calibrated
profile, its own held-out fit).

A class's own bar scales that class's time: within a class the error is taken as systematic (one
factor for all its nodes) and classes as independent, so their deviations add in quadrature. The
"*" bar, a model-level spread (validated totals), scales as one term the time of every class
without a bar of its own and the overheads; the "run-to-run" bar, the host's own variation
between runs of the same graph (a calibrated profile's passes), scales the whole total T as one
more term:
  low  = T − √Σ_terms (t·(1 − low))²,  high = T + √Σ_terms (t·(high − 1))²
A profile without bars gives no interval.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

ANY_CLASS = "*"
RUN_TO_RUN = "run-to-run"


def interval(
    class_seconds: Mapping[str, float], total_s: float, bars: Mapping[str, tuple[float, float]]
) -> tuple[float, float] | None:
    """(low, high) seconds around `total_s` from the time of each class; None without bars."""
    if not bars:
        return None
    terms: list[tuple[float, tuple[float, float]]] = []
    shared = 0.0
    for kind, seconds in class_seconds.items():
        if kind in bars:
            terms.append((seconds, bars[kind]))
        else:
            shared += seconds
    if ANY_CLASS in bars:
        shared += max(total_s - sum(class_seconds.values()), 0.0)  # the overheads: validated in totals
        terms.append((shared, bars[ANY_CLASS]))
    if RUN_TO_RUN in bars:
        terms.append((total_s, bars[RUN_TO_RUN]))
    below = math.sqrt(sum((seconds * (1 - low)) ** 2 for seconds, (low, _) in terms))
    above = math.sqrt(sum((seconds * (high - 1)) ** 2 for seconds, (_, high) in terms))
    return max(total_s - below, 0.0), total_s + above
