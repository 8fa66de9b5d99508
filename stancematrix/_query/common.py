"""What the queries share: the view a question is asked of, and the cells' stances in it.

A query's actor stance on an issue is the claim the cell shows
(:func:`stancematrix._store.cells.chosen`) after the matrix is narrowed to the requested
*sources* (:meth:`StanceMatrix.select`) and then seen as of *as_of*
(:meth:`StanceMatrix.as_of`), so every answer agrees with ``position()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeAlias

from stancematrix._dates import DateLike

if TYPE_CHECKING:
    from stancematrix._matrix import StanceMatrix

__all__ = ["When", "narrow"]

#: A date a query may be asked as of.
When: TypeAlias = DateLike | None


def narrow(m: StanceMatrix, as_of: When, sources: Iterable[str] | None) -> StanceMatrix:
    """*m* restricted to *sources* (in the given rank order), then the snapshot at *as_of*.

    Raises:
        UnknownSourceError: If a source id is unknown.
        InvalidValueError: If *as_of* is not a date.
    """
    if sources is not None:
        m = m.select(sources=list(sources))
    if as_of is not None:
        m = m.as_of(as_of)
    return m
