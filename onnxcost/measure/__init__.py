"""Runs onnxruntime: takes models and a profile, returns calibrated profiles and validations."""
