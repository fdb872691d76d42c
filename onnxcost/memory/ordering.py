"""Memory-minimizing execution orders: exact search per segment, beam search beyond.

1. Segments. A unit comparable to every other unit (each other unit is its ancestor or its
   descendant) is a cut: every order runs its ancestors first and its descendants after, and
   the live set there is fixed. Cuts split the graph into segments whose orders are
   independent: the peak is the largest segment peak. Chains and ResNets are almost all cuts;
   an Inception module or a DenseNet layer is one small segment.
2. Exact search per segment (Serenity, Ahn et al., MLSys 2020): dynamic programming over the
   sets of finished units (downsets), layer by layer, keeping for each set the smallest peak
   that reaches it. Pruning: (a) a state whose peak reaches the best known order's peak is
   dropped (so only strict improvements survive); (b) a ready unit that neither raises the
   peak so far nor grows the live bytes is run at once, the only successor of its state (moving
   it first in any optimal completion never makes a later step worse). A segment whose search
   tries more than WORK_LIMIT transitions, or a graph that has spent TOTAL_WORK_LIMIT, falls
   back to (3). Before any search, an order is proven optimal when its peak equals the floor:
   the largest inputs + outputs that one unit holds at once.
3. Heuristic: beam search over the same states, keeping the BEAM_WIDTH best by (peak so far,
   live bytes now); a width of 1 is the greedy "smallest step peak, then smallest live growth"
   rule. The width shrinks with the segment's size so that 10,000 units stay within seconds.
4. Per segment, the file order is evaluated too and the best of the three kept, so the
   result is never worse than the file order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from onnxcost.memory.problem import MemoryProblem

# Limits chosen by measurement (docs/schedule.md): see the timings there.
# Work is counted in transitions tried (one step() each, about 1.5 µs measured on the test
# machine for segments under 512 units; a transition of a bigger segment counts 1 + units/512):
# 1,000,000 is about 1.5 s.
WORK_LIMIT = 1_000_000  # per segment
TOTAL_WORK_LIMIT = 2_000_000  # per graph
BEAM_WIDTH = 16
BEAM_EXPANSIONS = 400_000
BEAM_MAX_UNITS = 400  # larger segments get the linear-time greedy instead of the beam


@dataclass(frozen=True)
class SearchInfo:
    """How the order was found: segments, how many were solved exactly, search work."""

    segments: int
    exact_segments: int
    heuristic_segments: int
    work: int  # transitions tried by the exact searches

    @property
    def exact(self) -> bool:
        """True when every segment's order is optimal."""
        return self.heuristic_segments == 0

    def describe(self) -> str:
        """One line for the report."""
        kind = "exact" if self.exact else "heuristic on some segments"
        return (
            f"{kind}: {self.segments} segments, {self.exact_segments} solved "
            f"exactly, {self.heuristic_segments} by beam search or greedy, {self.work} transitions"
        )


@dataclass
class _Compact:
    """The activation units (constant ones left out) as integer lists."""

    ids: list[int]  # problem unit index of each compact unit
    preds: list[list[int]]
    succs: list[list[int]]
    reads: list[tuple[int, ...]]
    makes: list[tuple[int, ...]]
    reuse: list[tuple[int, ...]]
    size: list[int]
    readers: list[list[int]]
    pinned: list[bool]
    is_input: list[bool]


def min_memory_units(problem: MemoryProblem) -> tuple[list[int], SearchInfo]:
    """A unit order of smallest peak (exact per segment when small enough), constants placed early."""
    compact = _compact(problem)
    n = len(compact.ids)
    segments = _segments(compact)
    order: list[int] = []
    remaining = [len(r) for r in compact.readers]
    live = sum(
        compact.size[b]
        for b in range(len(compact.size))
        if compact.is_input[b] and (compact.readers[b] or compact.pinned[b])
    )
    seg_of = [0] * n
    for index, segment in enumerate(segments):
        for u in segment:
            seg_of[u] = index
    budget = TOTAL_WORK_LIMIT
    exact = heuristic = work = 0
    for index, segment in enumerate(segments):
        if len(segment) == 1:
            chosen = list(segment)
            exact += 1
        else:
            local = _Local(compact, segment, index, seg_of)
            chosen, found_exact, used = local.solve(live, min(WORK_LIMIT, budget))
            budget = max(budget - used, 0)
            work += used
            exact += found_exact
            heuristic += not found_exact
        order.extend(chosen)
        for u in segment:
            live += sum(compact.size[m] for m in compact.makes[u])
            for b in compact.makes[u]:
                if not compact.readers[b] and not compact.pinned[b]:
                    live -= compact.size[b]
            for b in compact.reads[u]:
                remaining[b] -= 1
                if remaining[b] == 0 and not compact.pinned[b]:
                    live -= compact.size[b]
    info = SearchInfo(len(segments), exact, heuristic, work)
    return _with_constants(problem, [compact.ids[u] for u in order]), info


def _compact(problem: MemoryProblem) -> _Compact:
    """Index the non-constant units; preds pass through constant units transitively."""
    index_of: dict[int, int] = {}
    ids: list[int] = []
    through: dict[int, frozenset[int]] = {}
    preds: list[list[int]] = []
    for u, unit in enumerate(problem.units):
        found: set[int] = set()
        for p in unit.preds:
            if p in index_of:
                found.add(index_of[p])
            else:
                found |= through[p]
        if unit.constant:
            through[u] = frozenset(found)
            continue
        index_of[u] = len(ids)
        ids.append(u)
        preds.append(sorted(found))
    succs: list[list[int]] = [[] for _ in ids]
    for u, ps in enumerate(preds):
        for p in ps:
            succs[p].append(u)
    buffers = problem.buffers
    return _Compact(
        ids=ids,
        preds=preds,
        succs=succs,
        reads=[problem.units[u].reads for u in ids],
        makes=[problem.units[u].makes for u in ids],
        reuse=[problem.units[u].reuse for u in ids],
        size=[b.size for b in buffers],
        readers=[[index_of[r] for r in b.readers] for b in buffers],
        pinned=[b.pinned for b in buffers],
        is_input=[b.producer < 0 for b in buffers],
    )


def _segments(compact: _Compact) -> list[list[int]]:
    """Maximal runs of non-cut units between cuts (each cut a segment of its own), in order."""
    n = len(compact.ids)
    ancestors = [0] * n
    for u in range(n):
        mask = 0
        for p in compact.preds[u]:
            mask |= ancestors[p] | (1 << p)
        ancestors[u] = mask
    descendants = [0] * n
    for u in range(n - 1, -1, -1):
        mask = 0
        for s in compact.succs[u]:
            mask |= descendants[s] | (1 << s)
        descendants[u] = mask
    segments: list[list[int]] = []
    run: list[int] = []
    for u in range(n):
        if ancestors[u].bit_count() + descendants[u].bit_count() == n - 1:
            if run:
                segments.append(run)
                run = []
            segments.append([u])
        else:
            run.append(u)
    if run:
        segments.append(run)
    return segments


class _Local:
    """One segment's units as bit positions, with the transition of the search."""

    def __init__(self, compact: _Compact, segment: list[int], index: int, seg_of: list[int]):
        self.units = segment
        local = {u: i for i, u in enumerate(segment)}
        self.m = len(segment)
        self.pmask = [0] * self.m
        self.succs: list[list[int]] = [[] for _ in segment]
        for i, u in enumerate(segment):
            for p in compact.preds[u]:
                if p in local:
                    self.pmask[i] |= 1 << local[p]
                    self.succs[local[p]].append(i)
        rmask: dict[int, int] = {}
        stays: dict[int, bool] = {}
        for u in segment:
            for b in (*compact.reads[u], *compact.makes[u]):
                if b in rmask:
                    continue
                mask = 0
                later = False
                for r in compact.readers[b]:
                    if r in local:
                        mask |= 1 << local[r]
                    elif seg_of[r] > index:
                        later = True
                rmask[b] = mask
                stays[b] = later or compact.pinned[b]
        size = compact.size
        self.make_size = [sum(size[b] for b in compact.makes[u]) for u in segment]
        self.read_size = [[size[b] for b in compact.reads[u]] for u in segment]
        # bytes freed as soon as unit i runs: outputs nobody reads
        self.instant = [
            sum(size[b] for b in compact.makes[u] if not stays[b] and not rmask[b]) for u in segment
        ]
        # inputs freed when unit i is their last reader: (buffer, readers mask, size)
        self.frees = [
            [(b, rmask[b], size[b]) for b in compact.reads[u] if not stays[b] and size[b]]
            for u in segment
        ]
        self.reuse = [
            [(c, rmask[c], size[c]) for c in compact.reuse[u]
             if not stays[c] and not compact.is_input[c]]
            for u in segment
        ]  # fmt: skip
        self.rmask = rmask
        self.count = {b: mask.bit_count() for b, mask in rmask.items()}
        # buffers whose readers-left count the greedy search follows, per unit that reads them
        self.tracked = [
            [b for b in compact.reads[u] if not stays[b]] for u in segment
        ]

    def step(self, done: int, live: int, i: int) -> tuple[int, int]:
        """(bytes during unit i's step, live bytes after it) from the finished set `done`."""
        after = done | (1 << i)
        credit = 0
        for _, mask, size in self.reuse[i]:
            if not mask & ~after and size > credit:
                credit = size
        freed = self.instant[i]
        for _, mask, size in self.frees[i]:
            if not mask & ~after:
                freed += size
        made = self.make_size[i]
        return live + made - credit, live + made - freed

    def floor(self) -> int:
        """A peak no order can go under: some unit holds its inputs and its new outputs at once."""
        best = 0
        for i in range(self.m):
            credit = max((size for _, _, size in self.reuse[i]), default=0)
            held = sum(self.read_size[i]) + self.make_size[i] - credit
            best = max(best, held)
        return best

    def ready_after(self, done: int, ready: int, i: int) -> int:
        """The ready mask once unit i is finished."""
        after = done | (1 << i)
        ready &= ~(1 << i)
        for j in self.succs[i]:
            if not self.pmask[j] & ~after:
                ready |= 1 << j
        return ready

    def initial_ready(self) -> int:
        """Units whose predecessors all lie in earlier segments."""
        mask = 0
        for i in range(self.m):
            if not self.pmask[i]:
                mask |= 1 << i
        return mask

    def peak_of(self, order: Sequence[int], live: int) -> int:
        """The segment's peak (at least `live`, the bytes entering it) along a local order."""
        done, peak = 0, live
        for i in order:
            mem, live = self.step(done, live, i)
            peak = max(peak, mem)
            done |= 1 << i
        return peak

    def expansions(self, done: int, ready: int, peak: int, live: int) -> list[tuple[int, int, int]]:
        """(unit, step bytes, live after) for each unit to try next; a free move alone if any."""
        found = []
        bits = ready
        while bits:
            low = bits & -bits
            i = low.bit_length() - 1
            bits ^= low
            mem, after = self.step(done, live, i)
            if mem <= peak and after <= live:
                return [(i, mem, after)]
            found.append((i, mem, after))
        return found

    def solve(self, live: int, state_limit: int) -> tuple[list[int], bool, int]:
        """(local order mapped to units, whether it is proven optimal, states used)."""
        topo = list(range(self.m))
        best_order, best = topo, self.peak_of(topo, live)
        guess = self.beam(live) if self.m <= BEAM_MAX_UNITS else self.greedy(live)
        guess_peak = self.peak_of(guess, live)
        if guess_peak < best:
            best_order, best = guess, guess_peak
        if best <= self.floor():
            return [self.units[i] for i in best_order], True, 0
        better, used, complete = self.exact(live, best, state_limit)
        if better is not None:
            best_order = better
        return [self.units[i] for i in best_order], complete, used

    def exact(self, live: int, bound: int, limit: int) -> tuple[list[int] | None, int, bool]:
        """DP over finished sets: (an order beating `bound` or None, work done, search completed)."""
        full = (1 << self.m) - 1
        layers: list[dict[int, tuple[int, int, int, int, int]]] = []
        frontier = {0: (live, live, self.initial_ready(), -1, -1)}
        work = 0
        weight = 1 + self.m // 512  # a transition's bit-mask operations grow with the segment
        for _ in range(self.m):
            nxt: dict[int, tuple[int, int, int, int, int]] = {}
            for done, (peak, now, ready, _, _) in frontier.items():
                moves = self.expansions(done, ready, peak, now)
                work += len(moves) * weight
                if work > limit:
                    return None, work, False
                for i, mem, after in moves:
                    top = mem if mem > peak else peak
                    if top >= bound:
                        continue
                    key = done | (1 << i)
                    old = nxt.get(key)
                    if old is None:
                        nxt[key] = (top, after, self.ready_after(done, ready, i), done, i)
                    elif top < old[0]:
                        nxt[key] = (top, after, old[2], done, i)
            layers.append(frontier)
            frontier = nxt
            if not frontier:
                return None, work, True
        order = []
        state = frontier[full]
        for layer in reversed(layers):
            order.append(state[4])
            state = layer[state[3]]
        return order[::-1], work, True

    def beam(self, live: int) -> list[int]:
        """Beam search by (peak so far, live bytes); the width shrinks on big segments."""
        width = max(1, min(BEAM_WIDTH, BEAM_EXPANSIONS // (self.m * self.m)))
        frontier: list[tuple[int, int, int, int, tuple]] = [(live, live, 0, self.initial_ready(), ())]
        for _ in range(self.m):
            candidates: dict[int, tuple[int, int, int, int, tuple]] = {}
            for peak, now, done, ready, path in frontier:
                for i, mem, after in self.expansions(done, ready, peak, now):
                    top = mem if mem > peak else peak
                    key = done | (1 << i)
                    old = candidates.get(key)
                    if old is None or (top, after) < (old[0], old[1]):
                        candidates[key] = (top, after, key, self.ready_after(done, ready, i), (i, path))
            frontier = sorted(candidates.values(), key=lambda s: (s[0], s[1]))[:width]
        order: list[int] = []
        path = frontier[0][4]
        while path:
            order.append(path[0])
            path = path[1]
        return order[::-1]

    def greedy(self, live: int) -> list[int]:
        """Beam width 1 in linear time: per ready unit, cached byte changes, updated only when
        one of its inputs gets down to its last reader."""
        remaining = dict(self.count)
        waiting = [self.pmask[i].bit_count() for i in range(self.m)]
        ready = {i: self._deltas(i, remaining) for i in range(self.m) if not waiting[i]}
        peak, order = live, []
        finished = [False] * self.m
        while ready:
            slack = peak - live
            pick = None
            for i, (grow, change) in ready.items():
                if grow <= slack and change <= 0:
                    pick = i
                    break
            if pick is None:
                pick = min(ready, key=lambda i: (max(ready[i][0], slack), ready[i][1], i))
            grow, change = ready.pop(pick)
            peak = max(peak, live + grow)
            live += change
            order.append(pick)
            finished[pick] = True
            for b in self.tracked[pick]:
                remaining[b] -= 1
                if remaining[b] == 1:
                    j = self._last_reader(b, finished)
                    if j is not None and j in ready:
                        ready[j] = self._deltas(j, remaining)
            for j in self.succs[pick]:
                waiting[j] -= 1
                if not waiting[j]:
                    ready[j] = self._deltas(j, remaining)
        return order

    def _deltas(self, i: int, remaining: dict[int, int]) -> tuple[int, int]:
        """(step bytes − live, live after − live) of unit i given the readers left per buffer."""
        credit = max((size for c, _, size in self.reuse[i] if remaining[c] == 1), default=0)
        freed = self.instant[i] + sum(size for b, _, size in self.frees[i] if remaining[b] == 1)
        return self.make_size[i] - credit, self.make_size[i] - freed

    def _last_reader(self, b: int, finished: list[bool]) -> int | None:
        """The one reader of buffer b that has not run yet."""
        bits = self.rmask[b]
        while bits:
            low = bits & -bits
            bits ^= low
            j = low.bit_length() - 1
            if not finished[j]:
                return j
        return None


def _with_constants(problem: MemoryProblem, order: list[int]) -> list[int]:
    """Insert each constant unit right after the last unit it depends on (or first)."""
    position = {u: i for i, u in enumerate(order)}
    anchored: dict[int, list[int]] = {}
    for u, unit in enumerate(problem.units):
        if not unit.constant:
            continue
        anchor = max((position[p] for p in unit.preds), default=-1)
        position[u] = anchor
        anchored.setdefault(anchor, []).append(u)
    result = list(anchored.get(-1, []))
    for i, u in enumerate(order):
        result.append(u)
        result.extend(anchored.get(i, []))
    return result
