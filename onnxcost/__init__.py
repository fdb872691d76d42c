"""onnxcost: static cost analysis of ONNX graphs (MACs, FLOPs, params, bytes, memory, latency)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from onnxcost.util.lazy import defer

defer("sympy")

if TYPE_CHECKING:
    from onnxcost.api import analyze
    from onnxcost.report.document import report_document
    from onnxcost.types import NodeCost, Report, TensorInfo

__all__ = ["NodeCost", "Report", "TensorInfo", "__version__", "analyze", "report_document"]
__version__ = "0.1.0"

# Public names and their modules, imported on first use: the command line starts before onnx.
_EXPORTS = {"analyze": "onnxcost.api", "NodeCost": "onnxcost.types", "Report": "onnxcost.types",
            "TensorInfo": "onnxcost.types", "report_document": "onnxcost.report.document"}  # fmt: skip


def __getattr__(name: str) -> Any:
    """`onnxcost.analyze` and the public types, imported when first asked for."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'onnxcost' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
