"""Bounds on what a third-party step may allocate: onnx's C++ shape inference propagates data
through a graph and can try to build values as large as a hostile graph declares."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

# What a bounded step may take beyond what the process already holds.
STEP_BYTES = 2 << 30


def _virtual_bytes() -> int | None:
    """This process's address space now (Linux /proc; None elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def bounded_memory(extra_bytes: int = STEP_BYTES) -> Iterator[None]:
    """Within the block, an allocation beyond `extra_bytes` more address space raises
    MemoryError instead of exhausting the machine (a soft RLIMIT_AS, restored after; nothing on
    systems without one)."""
    try:
        import resource
    except ImportError:  # not POSIX
        yield
        return
    used = _virtual_bytes()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if used is None:
        yield
        return
    cap = used + extra_bytes
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield  # a tighter limit is already in force
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
