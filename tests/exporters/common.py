"""Shared helpers of the exporter tests: analyze a produced file and check it is fully costed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import onnx
import onnxruntime as ort

import onnxcost
from onnxcost.dtypes import INTEGER_DTYPES

MODELS = Path(__file__).resolve().parents[2] / "models"


def analyze_clean(path: Path, **kwargs) -> onnxcost.Report:
    """The report of `path`, asserting that every node has a cost rule."""
    report = onnxcost.analyze(str(path), **kwargs)
    assert not report.unsupported, f"{path.name}: unsupported ops {dict(report.unsupported)}"
    assert all(n.status != "unsupported" for n in report.nodes), [
        (n.op_type, n.note) for n in report.nodes if n.status == "unsupported"
    ]
    return report


def op_types(path: Path) -> Counter:
    """Count of (domain, op_type) over the main graph's nodes."""
    model = onnx.load(str(path), load_external_data=False)
    return Counter((n.domain or "", n.op_type) for n in model.graph.node)


def contrib_ops(path: Path) -> set[str]:
    """The com.microsoft op types of a model."""
    return {op for domain, op in op_types(path) if domain == "com.microsoft"}


def ort_optimize(source: Path, target: Path, level=ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED) -> Path:
    """Run onnxruntime's graph optimizer at `level` on the CPU provider and save its result."""
    options = ort.SessionOptions()
    options.graph_optimization_level = level
    options.optimized_model_filepath = str(target)
    ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
    return target


def integer_share(report: onnxcost.Report) -> float:
    """Fraction of the MACs that run in an integer dtype."""
    by_dtype = report.totals.macs_by_dtype
    integer = sum(v for k, v in by_dtype.items() if k in INTEGER_DTYPES)
    return integer / report.totals.macs
