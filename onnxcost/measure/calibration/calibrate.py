"""Calibrate: measure this host on each thread count and write one profile per thread count."""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import tomllib

from onnxcost.errors import OnnxcostError
from onnxcost.estimate.hardware import COLD_LEVEL, bundled_text, parse_profile
from onnxcost.measure.calibration.bench import benchmarks
from onnxcost.measure.calibration.host import host
from onnxcost.measure.calibration.run import Pass, combine, pass_label, passes, run_pass
from onnxcost.measure.calibration.write import Provenance, profile_toml
from onnxcost.util.atomic import write_text


def output_paths(output: str | Path, threads: Sequence[int]) -> dict[int, Path]:
    """One file per thread count: `output` itself for a single count, else `<stem>-t<N><suffix>`."""
    path = Path(output)
    if len(threads) == 1:
        return {threads[0]: path}
    return {t: path.with_name(f"{path.stem}-t{t}{path.suffix or '.toml'}") for t in threads}


def calibrate(
    output: str | Path,
    threads: Sequence[int],
    quick: bool = False,
    progress: Callable[[int, str], None] = lambda threads, label: None,
    after_pass: Callable[[int], None] = lambda number: None,
) -> dict[int, Path]:
    """Measure every benchmark on each thread count and write the profiles; returns their paths.
    `after_pass(n)` runs after pass n of every thread count (benchmarks/validation.py measures
    its models there, so that they and the benchmarks sample the machine over the same
    minutes)."""
    import onnxruntime

    if not threads or min(threads) < 1:
        raise OnnxcostError("--threads: give thread counts of 1 or more, e.g. --threads 1,2")
    paths = output_paths(output, threads)
    for path in paths.values():
        if not path.parent.is_dir():
            raise OnnxcostError(f"{path}: folder {path.parent} does not exist")
    where = Provenance(host(), datetime.date.today().isoformat(), onnxruntime.__version__, quick)
    generic = tomllib.loads(bundled_text("generic-x86"))
    chosen = list(benchmarks(quick))
    counts = sorted(set(threads))
    runs: dict[int, list[Pass]] = {count: [] for count in counts}
    total = passes(quick)
    cache_bytes = next((cache.size_bytes for cache in where.host.caches if cache.name == COLD_LEVEL), 0)
    # passes outermost: every thread count samples the machine over the same minutes
    with tempfile.TemporaryDirectory(prefix="onnxcost-calibrate-") as folder:
        for number in range(1, total + 1):
            step = pass_label(number, total)
            for count in counts:
                runs[count].append(
                    run_pass(
                        count,
                        chosen,
                        folder,
                        lambda label, count=count: progress(count, label),
                        step,
                        cache_bytes,
                    )
                )
            after_pass(number)
    measured = {count: combine(count, chosen, runs[count]) for count in counts}
    for count, path in paths.items():
        name = path.stem
        text = profile_toml(name, measured[count], where, generic, measured.get(1))
        parse_profile(tomllib.loads(text), str(path))  # what is written must load
        write_text(path, text)
    return paths
