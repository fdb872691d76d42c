"""The CI gate: takes a Report (with its schedule and fit) and budgets or a baseline, returns verdicts.

Each budget or baseline figure comes back with its limit, margin and pass or fail (gate.py).
"""
