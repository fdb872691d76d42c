"""onnxcost: static cost analysis of ONNX graphs (MACs, FLOPs, params, bytes, memory, latency)."""

from onnxcost.api import analyze
from onnxcost.types import NodeCost, Report, TensorInfo

__all__ = ["NodeCost", "Report", "TensorInfo", "__version__", "analyze"]
__version__ = "0.1.0"
