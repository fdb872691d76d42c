"""Stage 1, load: takes an ONNX file, returns a LoadedModel and node facts from operator schemas."""
