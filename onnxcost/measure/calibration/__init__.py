"""`onnxcost hardware calibrate`: a profile of this host measured with onnxruntime's CPU provider
(bench: the benchmark graphs; run: measuring them; fit: the size tables; host: what the system
says about itself; write: the TOML profile)."""
