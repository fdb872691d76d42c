"""Stage 3, cost: takes a ShapedGraph, returns the Graph, a NodeCost per node and the totals."""
