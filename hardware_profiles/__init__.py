"""Hardware profiles shipped with onnxcost: one TOML file per device."""
