"""Speed of the min-memory search and of the arena planner on synthetic and real graphs.

Run from the repository root: `python benchmarks/schedule_search.py`. Prints one line per graph:
nodes, segments, seconds for graph building, the search alone and the whole `make_schedule`
(search + lifetimes + arena), and the peaks. Recorded results: docs/schedule.md.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from onnxcost.cost.graph import build_graph  # noqa: E402
from onnxcost.memory.ordering import min_memory_units  # noqa: E402
from onnxcost.memory.schedule import build_problem, make_schedule, simulate, topo_units  # noqa: E402
from onnxcost.model.load import load_model  # noqa: E402
from onnxcost.shapes.infer import infer_shapes  # noqa: E402
from tests.schedule_graphs import branchy_chain, nas_cells, unet, wide_fan  # noqa: E402

GRAPHS = {
    "10k branchy chain (834 Inception-like blocks)": lambda: branchy_chain(834),
    "10k one wide segment (500 branches x 10 deep)": lambda: wide_fan(500, 10),
    "8k NAS-style cells (300 cells, no cut points)": lambda: nas_cells(300),
    "U-Net style (12 levels)": lambda: unet(12),
    "small wide segment (8 branches x 4 deep)": lambda: wide_fan(8, 4),
}


def main() -> None:
    for name, build in GRAPHS.items():
        start = time.perf_counter()
        graph = build_graph(infer_shapes(load_model(build()), None, None))
        built = time.perf_counter() - start
        problem = build_problem(graph)
        topo = simulate(problem, topo_units(problem)).peak_bytes
        start = time.perf_counter()
        _, info = min_memory_units(problem)
        searched = time.perf_counter() - start
        start = time.perf_counter()
        schedule = make_schedule(graph, "min-memory")
        whole = time.perf_counter() - start
        print(f"{name}: {len(graph.nodes)} nodes; graph {built:.2f} s, search {searched:.2f} s, "
              f"make_schedule {whole:.2f} s; peak topo {topo:,} B -> min-memory "
              f"{schedule.peak_memory_bytes:,} B; arena {schedule.arena_bytes:,} B "
              f"(bound {schedule.lower_bound_bytes:,}); {info.describe()}")


if __name__ == "__main__":
    main()
