"""Dims: takes dim names and sizes, returns exact ints, polynomials (Poly) or sympy formulas."""
