"""Stage: budgets and baselines. Takes a model's figures (a Report, its schedule and fit) and
returns verdicts: each budget or baseline figure with its limit, margin and pass or fail."""
