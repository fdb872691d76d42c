"""`python -m onnxcost` runs the command line."""

import gc

gc.disable()  # from the first import on: see onnxcost.cli._no_collections

from onnxcost.cli import run  # noqa: E402

run()
