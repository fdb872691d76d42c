"""Arena plans: an offset for every activation buffer so that buffers alive together never overlap.

The planner is TensorFlow Lite Micro's greedy one: take the buffers largest first, and put each
at the lowest offset where it fits among the already placed buffers whose lifetimes overlap its
own. The arena is the highest end of any buffer. No plan can be smaller than the largest sum of
sizes alive at one step (the live-set lower bound, i.e. the peak); greedy plans usually land on
it or close. When largest-first ends more than 1% above the bound, other placement orders are
tried and the smallest arena kept: largest first, each where the arena grows least and next to a
neighbour in time; largest size × lifetime first; longest lived first; first produced first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_ALIGNMENT = 16  # bytes; TFLite Micro aligns arena offsets to 16
GOOD_ENOUGH = 0.01  # stop trying placement orders once the arena is within 1% of the bound
# Each placement order costs O(buffers²); past this many buffers only the first is tried.
SEARCH_BUFFERS = 5_000


@dataclass(frozen=True)
class Placement:
    """A buffer's place in the arena: [offset, offset + size) from first_step to last_step."""

    index: int  # position in the planner's input
    size: int
    offset: int
    first_step: int
    last_step: int


@dataclass(frozen=True)
class ArenaPlan:
    """Offsets for every buffer, the arena size and the lower bound it is compared with."""

    placements: tuple[Placement, ...]
    arena_bytes: int
    lower_bound_bytes: int
    strategy: str


def lower_bound(intervals: Sequence[tuple[int, int, int]]) -> int:
    """Largest sum of sizes alive at one step = max over steps of Σ size of (size, first, last)."""
    events: dict[int, int] = {}
    for size, first, last in intervals:
        events[first] = events.get(first, 0) + size
        events[last + 1] = events.get(last + 1, 0) - size
    best = running = 0
    for step in sorted(events):
        running += events[step]
        best = max(best, running)
    return best


def plan_arena(
    intervals: Sequence[tuple[int, int, int]], alignment: int = DEFAULT_ALIGNMENT
) -> ArenaPlan:
    """Greedy offsets for (size, first step, last step) buffers; the best of three placement orders."""
    bound = lower_bound(intervals)
    largest = lambda i: (-intervals[i][0], intervals[i][1], i)  # noqa: E731
    strategies = {
        "largest first (TFLite Micro)": (largest, False),
        "largest first, next to neighbours in time": (largest, True),
        "largest area (size x lifetime) first": (
            lambda i: (-intervals[i][0] * (intervals[i][2] - intervals[i][1] + 1), i), False),
        "longest lived first": (
            lambda i: (intervals[i][1] - intervals[i][2], -intervals[i][0], i), False),
        "first produced first": (lambda i: (intervals[i][1], -intervals[i][0], i), False),
    }  # fmt: skip
    if len(intervals) > SEARCH_BUFFERS:
        strategies = dict(list(strategies.items())[:1])
    best: ArenaPlan | None = None
    for name, (key, adjacent) in strategies.items():
        order = sorted(range(len(intervals)), key=key)
        offsets = _place(intervals, order, alignment, adjacent)
        arena = max((offsets[i] + intervals[i][0] for i in range(len(intervals))), default=0)
        if best is None or arena < best.arena_bytes:
            placements = tuple(
                Placement(i, size, offsets[i], first, last)
                for i, (size, first, last) in enumerate(intervals)
            )
            best = ArenaPlan(placements, arena, bound, name)
        if best.arena_bytes <= max(_aligned(bound, alignment), bound * (1 + GOOD_ENOUGH)):
            break
    assert best is not None
    return best


def _aligned(value: int, alignment: int) -> int:
    return -(-value // alignment) * alignment


NEAR_STEPS = 128  # how far in time a neighbour may be for the "next to neighbours" placement


def _place(
    intervals: Sequence[tuple[int, int, int]],
    order: Sequence[int],
    alignment: int,
    adjacent: bool = False,
) -> list[int]:
    """Offsets, placing buffers in `order`, each at the lowest gap among overlapping placed ones.

    With `adjacent`, each goes instead where the arena grows least, and among such places to
    the offset of a placed buffer nearest in time that it does not overlap (reusing the block a
    neighbour just freed keeps later buffers from being squeezed between the two).
    """
    n = len(intervals)
    first = np.zeros(n, dtype=np.int64)
    last = np.zeros(n, dtype=np.int64)
    low = np.zeros(n, dtype=np.int64)
    high = np.zeros(n, dtype=np.int64)  # offset + size, rounded up to the alignment
    offsets = [0] * n
    top = 0
    for placed, i in enumerate(order):
        size, start, stop = intervals[i]
        span = slice(0, placed)
        overlap = (first[span] <= stop) & (last[span] >= start)
        lo, hi = low[span][overlap], high[span][overlap]
        if lo.size:
            by_offset = np.argsort(lo, kind="stable")
            lo, hi = lo[by_offset], hi[by_offset]
            reach = np.maximum.accumulate(hi)
            gap_starts = np.concatenate(([0], reach[:-1]))
            fitting = gap_starts[lo - gap_starts >= size]
            candidates = np.concatenate((fitting, reach[-1:]))
        else:
            candidates = np.zeros(1, dtype=np.int64)
        offset = int(candidates.min())
        if adjacent:
            offset = _next_to_neighbours(
                candidates, lo, hi, size, top, start, stop,
                first[span][~overlap], last[span][~overlap], low[span][~overlap],
            )  # fmt: skip
        offsets[i] = offset
        top = max(top, offset + size)
        first[placed], last[placed] = start, stop
        low[placed], high[placed] = offset, _aligned(offset + size, alignment)
    return offsets


def _next_to_neighbours(
    candidates: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    size: int,
    top: int,
    start: int,
    stop: int,
    others_first: np.ndarray,
    others_last: np.ndarray,
    others_offset: np.ndarray,
) -> int:
    """The feasible offset that grows the arena least, then is nearest a neighbour's, then lowest.

    Feasible: a gap start (`candidates`) or the offset of a buffer close in time that does not
    overlap this one, when [offset, offset + size) meets no overlapping buffer (`lo`, `hi`).
    """
    distance = np.where(others_first > stop, others_first - stop, start - others_last)
    close = distance <= NEAR_STEPS
    near_offsets, near_distance = others_offset[close], distance[close]
    if near_offsets.size and lo.size:
        clash = (lo[None, :] < near_offsets[:, None] + size) & (near_offsets[:, None] < hi[None, :])
        free = ~clash.any(axis=1)
        near_offsets, near_distance = near_offsets[free], near_distance[free]
    offsets = np.concatenate((candidates, near_offsets))
    gaps = np.concatenate((np.full(candidates.size, np.iinfo(np.int64).max), near_distance))
    if near_offsets.size:
        # a gap start that is also some neighbour's offset counts as near
        for index, offset in enumerate(candidates.tolist()):
            same = near_distance[near_offsets == offset]
            if same.size:
                gaps[index] = same.min()
    growth = np.maximum(offsets + size, top)
    best = np.lexsort((offsets, gaps, growth))[0]
    return int(offsets[best])
