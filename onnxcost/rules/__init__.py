"""Per-op rules (shape, dtype, cost): takes a node and its tensors, returns output shapes and Work.

One module per op family; onnxcost.rules.registry imports each when an op needs it.
"""
