"""The interval around an estimated latency: each op class's time scaled by the profile's
error bar for that class (profile `error_bars`: (low, high) factors on a predicted time, from
the profile's validation or, for a calibrated profile, its own held-out fit).

Within a class the error is taken as systematic (one factor for all its nodes); classes are taken
as independent, so their deviations add in quadrature:
  low  = T − √Σ_c (t_c·(1 − low_c))²,  high = T + √Σ_c (t_c·(high_c − 1))²
A class the profile gives no bar takes the "*" bar if there is one, else none (exact).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

ANY_CLASS = "*"


def bar_for(bars: Mapping[str, tuple[float, float]], kind: str) -> tuple[float, float]:
    """The (low, high) factors of a class: its own, else "*", else (1, 1)."""
    return bars.get(kind) or bars.get(ANY_CLASS) or (1.0, 1.0)


def interval(
    class_seconds: Mapping[str, float], total_s: float, bars: Mapping[str, tuple[float, float]]
) -> tuple[float, float] | None:
    """(low, high) seconds around `total_s` from the time of each class; None without bars."""
    if not bars:
        return None
    below = above = 0.0
    for kind, seconds in class_seconds.items():
        low, high = bar_for(bars, kind)
        below += (seconds * (1 - low)) ** 2
        above += (seconds * (high - 1)) ** 2
    return max(total_s - math.sqrt(below), 0.0), total_s + math.sqrt(above)
