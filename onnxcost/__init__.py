"""onnxcost: static cost analysis of ONNX graphs (MACs, FLOPs, params, bytes, memory, latency)."""

from onnxcost.lazy import defer

defer("sympy")

from onnxcost.api import analyze  # noqa: E402
from onnxcost.types import NodeCost, Report, TensorInfo  # noqa: E402

__all__ = ["NodeCost", "Report", "TensorInfo", "__version__", "analyze"]
__version__ = "0.1.0"
