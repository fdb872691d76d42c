"""The errors onnxcost reports to the user as one line (exit code 2)."""

from __future__ import annotations


class OnnxcostError(Exception):
    """Bad or unsupported input: the CLI prints the message alone and exits with code 2."""


class ModelLoadError(OnnxcostError):
    """The file is missing, corrupt, truncated or not an ONNX model."""


class ShapeError(OnnxcostError):
    """A binding or a dim is invalid (negative, absurd, unknown name, wrong rank)."""


class GraphError(OnnxcostError):
    """The graph is malformed: a cycle, an unknown operator, a value with two producers."""
