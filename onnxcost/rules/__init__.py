"""Cost rules, one module per op family (onnxcost.rules.registry imports each when an op needs it)."""
