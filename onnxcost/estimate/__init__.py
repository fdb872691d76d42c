"""Stage 5, estimate: takes NodeCosts and a HardwareProfile, returns an Estimate (roofline, error bars)."""
