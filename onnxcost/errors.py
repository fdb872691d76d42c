"""The errors onnxcost reports to the user as one line (exit code 2)."""

from __future__ import annotations


class OnnxcostError(Exception):
    """Bad or unsupported input: the CLI prints the message alone and exits with code 2."""


class ModelLoadError(OnnxcostError):
    """The file is missing, corrupt, truncated or not an ONNX model."""


class ShapeError(OnnxcostError):
    """A binding or a dim is invalid (negative, absurd, unknown name, wrong rank)."""


class FormulaTooLarge(ShapeError):
    """A size formula of unbound dims grew past the cap on its terms (binding the dims avoids it)."""

    def at(self, node: str, op_type: str) -> FormulaTooLarge:
        """The same error, naming the node where the formula grew."""
        return FormulaTooLarge(f"node {node!r} ({op_type}): {self}; bind the input dims (--dim, --input) "
                               "to get numbers")  # fmt: skip


class GraphError(OnnxcostError):
    """The graph is malformed: a cycle, an unknown operator, a value with two producers."""
