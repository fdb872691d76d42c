"""Stage 4, memory: takes a Graph, returns a Schedule (order, lifetimes, peak, arena) and the fit."""
