"""What the memory stage plans over: a graph's kernels (units) and its activation buffers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class MemoryOptions:
    """What the runtime is assumed to do: run ops in place, fuse epilogues, in-place depthwise."""

    inplace: bool = True
    fuse: bool = True
    inplace_depthwise: bool = False
    qdq: str = "as-run"  # "as-run": DQ → op → Q runs as one integer op; "as-written": as spelled


class Buffer(NamedTuple):
    """One block of activation memory: its tensors (root first, then views), size and users."""

    tensors: tuple[str, ...]
    size: int
    producer: int  # unit index; -1 for a graph input
    readers: tuple[int, ...]  # unit indices, each once
    pinned: bool  # holds a graph output: live until the last step


class Unit(NamedTuple):
    """What runs as one kernel: its nodes (file order), buffers read and made, in-place options."""

    nodes: tuple[str, ...]
    reads: tuple[int, ...]
    makes: tuple[int, ...]
    reuse: tuple[int, ...]  # input buffers the (single) output may overwrite if they die here
    preds: tuple[int, ...]  # units whose outputs this one consumes
    constant: bool  # computes constants only: no memory, reads nothing at run time


class MemoryProblem(NamedTuple):
    """The graph as the schedule sees it: units in file order and activation buffers."""

    units: tuple[Unit, ...]
    buffers: tuple[Buffer, ...]
    options: MemoryOptions
    warnings: tuple[str, ...] = ()
