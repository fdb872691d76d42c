"""Stage 2, shapes: takes a LoadedModel and bindings, returns a ShapedGraph (shape, dtype per value)."""
