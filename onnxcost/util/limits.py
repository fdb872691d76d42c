"""Bounds on what a third-party step may allocate: onnx's C++ shape inference propagates data
through a graph and can try to build values as large as a hostile graph declares."""

from __future__ import annotations

import os
import select
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# What a bounded step may take beyond what the process already holds, and how long.
STEP_BYTES = 2 << 30
STEP_SECONDS = 3.0


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


def run_isolated(
    step: Callable[[], bytes], extra_bytes: int = STEP_BYTES, seconds: float = STEP_SECONDS
) -> bytes:
    """`step()` in a forked child under bounded_memory, its bytes handed back through a pipe: a
    crash in native code (onnx's C++ on a hostile graph), an allocation past the bound or a run
    past `seconds` ends the child, not onnxcost (RuntimeError saying which). Where there is no
    fork, it runs here."""
    if not hasattr(os, "fork"):
        with bounded_memory(extra_bytes):
            return step()
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child: run, write, leave without cleanup of the parent's state
        os.close(read_end)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)  # what native code prints as it fails is not ours
        code = 0
        try:
            with bounded_memory(extra_bytes):
                data = step()
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
        except BaseException:
            code = 1
        os._exit(code)
    os.close(write_end)
    deadline = time.monotonic() + seconds
    chunks = []
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        while True:
            ready, _, _ = select.select([pipe], [], [], max(deadline - time.monotonic(), 0.0))
            if not ready:
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
                raise RuntimeError(f"took longer than {seconds:g} s")
            chunk = pipe.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    data = b"".join(chunks)
    _, status = os.waitpid(child, 0)
    if os.WIFSIGNALED(status):
        raise RuntimeError(f"crashed (signal {os.WTERMSIG(status)})")
    if os.WEXITSTATUS(status) != 0:
        raise RuntimeError("failed or ran out of its memory bound")
    return data
