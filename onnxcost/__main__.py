"""`python -m onnxcost` runs the command line."""

from onnxcost.cli import run

run()
