"""One measured job per process: `python probe.py TOOL MODEL [NAME=1x128 ...]`.

TOOL is `load` (onnx.load alone), `infer` (onnx.load + onnx.shape_inference.infer_shapes) or
`onnx_tool` (onnx-tool's profile: load, shapes with the inputs bound, MACs and params). The
figures it found go to stdout as one JSON line.
"""

from __future__ import annotations

import json
import sys


def _shapes(args: list[str]) -> dict[str, tuple[int, ...]]:
    shapes = {}
    for text in args:
        name, _, dims = text.rpartition("=")
        shapes[name] = tuple(int(d) for d in dims.split("x"))
    return shapes


def main(tool: str, path: str, args: list[str]) -> dict[str, object]:
    import onnx

    if tool == "load":
        model = onnx.load(path)
        return {"nodes": len(model.graph.node)}
    if tool == "infer":
        model = onnx.shape_inference.infer_shapes(onnx.load(path))
        return {"value_info": len(model.graph.value_info)}
    if tool == "onnx_tool":
        import numpy as np
        import onnx_tool

        model = onnx_tool.Model(path, {"verbose": False})
        graph = model.graph
        graph.graph_reorder_nodes()
        feeds = {}
        for name, shape in _shapes(args).items():
            dtype = graph.tensormap[name].dtype if name in graph.tensormap else np.float32
            feeds[name] = np.zeros(shape, dtype=dtype)
        graph.shape_infer(feeds)
        graph.profile()
        return {"macs": round(graph.macs[0]), "params": int(graph.params)}
    raise SystemExit(f"unknown tool {tool!r}")


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], sys.argv[3:])))
