"""Arena plans: an offset for every activation buffer so that buffers alive together never overlap.

The planner is TensorFlow Lite Micro's greedy one: take the buffers largest first, and put each
at the lowest offset where it fits among the already placed buffers whose lifetimes overlap its
own. The arena is the highest end of any buffer. No plan can be smaller than the largest sum of
sizes alive at one step (the live-set lower bound, i.e. the peak); greedy plans usually land on
it or close. When largest-first leaves a gap, other orders are tried and the smallest arena
kept: largest first placing each buffer where the arena grows least and next to a neighbour in
time, largest size × lifetime first, longest lived first, and first produced first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_ALIGNMENT = 16  # bytes; TFLite Micro aligns arena offsets to 16


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
        if best.arena_bytes <= _aligned(bound, alignment):
            break
    assert best is not None
    return best


def _aligned(value: int, alignment: int) -> int:
    return -(-value // alignment) * alignment


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
    bucket = 64  # steps per bucket of the index of placed buffers by time
    buckets: dict[int, list[int]] = {}
    offsets = [0] * len(intervals)
    top = 0
    for i in order:
        size, first, last = intervals[i]
        busy: list[tuple[int, int]] = []
        near: dict[int, int] = {}
        seen: set[int] = set()
        for b in range(max(first // bucket - 1, 0), last // bucket + 2):
            for j in buckets.get(b, ()):
                if j in seen:
                    continue
                seen.add(j)
                other_size, other_first, other_last = intervals[j]
                if other_first <= last and first <= other_last:
                    busy.append((offsets[j], offsets[j] + other_size))
                elif adjacent:
                    gap = other_first - last if other_first > last else first - other_last
                    near[offsets[j]] = min(gap, near.get(offsets[j], gap))
        busy.sort()
        if adjacent:
            offset = _best_place(busy, near, size, top, alignment)
        else:
            offset = 0
            for lo, hi in busy:
                if offset + size <= lo:
                    break
                offset = max(offset, _aligned(hi, alignment))
        offsets[i] = offset
        top = max(top, offset + size)
        for b in range(first // bucket, last // bucket + 1):
            buckets.setdefault(b, []).append(i)
    return offsets


def _best_place(
    busy: list[tuple[int, int]], near: dict[int, int], size: int, top: int, alignment: int
) -> int:
    """The feasible offset that grows the arena least, then is nearest a neighbour's, then lowest."""
    candidates = {0, *near, *(_aligned(hi, alignment) for _, hi in busy)}
    best: tuple[int, float, int] | None = None
    for offset in candidates:
        if any(lo < offset + size and offset < hi for lo, hi in busy):
            continue
        key = (max(top, offset + size), near.get(offset, float("inf")), offset)
        if best is None or key < best:
            best = key
    assert best is not None
    return best[2]
