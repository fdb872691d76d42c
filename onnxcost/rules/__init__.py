"""Cost rules, one module per op family; importing this package registers them all."""

from onnxcost.rules import (  # noqa: F401
    conv,
    elementwise,
    matmul,
    movement,
    norm,
    pool,
    reduce,
)
