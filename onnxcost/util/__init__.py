"""Plumbing for every stage: deferred imports, runs isolated under limits, atomic writes."""
