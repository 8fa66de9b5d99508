"""Diff and patch: what changed between two matrices, stance-aware and reversible.

Nothing is imported here; the public names are re-exported by :mod:`stancematrix`.
"""
