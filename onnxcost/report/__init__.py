"""Renderers: take a Report (or a comparison, schedule, sweep, verdicts), return text, JSON or charts."""
