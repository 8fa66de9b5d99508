"""Questions over matrices: comparisons, time, structure and agreement.

Nothing is imported here; the public functions are re-exported by :mod:`stancematrix`.
"""
