"""Private: the one stance each (actor, issue) cell has for comparisons and agreement.

A cell's stance is the claim :meth:`StanceMatrix.position` returns for it, after the
matrix is narrowed to the requested *sources* (:meth:`StanceMatrix.select`) and then to the
snapshot at *as_of* (:meth:`StanceMatrix.as_of`). Every query in :mod:`stancematrix` that
compares actors uses this rule, so their answers agree with ``position()``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from ._dates import PartialDate
from ._matrix import StanceMatrix

__all__ = ["chosen_rows", "narrow"]

When = PartialDate | datetime.date | str | None


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


def chosen_rows(m: StanceMatrix) -> tuple[Sequence[int], Sequence[int], Sequence[int]]:
    """The actor code, issue code and row of each filled cell's :meth:`position` claim.

    Cells come in the matrix's order (actor, then issue).
    """
    actor, issue, start, source = m._actor, m._issue, m._start, m._source
    total = len(actor)
    if m._cells.single:
        return actor, issue, range(total)
    actors: list[int] = []
    issues: list[int] = []
    rows: list[int] = []
    n = 0
    while n < total:
        hi = n + 1
        a, i = actor[n], issue[n]
        while hi < total and actor[hi] == a and issue[hi] == i:
            hi += 1
        # position(): the rows with the latest start (all undated if none is dated),
        # the first of them by source rank, then by claim order.
        top = start[hi - 1]
        first = hi - 1
        while first > n and start[first - 1] == top:
            first -= 1
        best = min(range(first, hi), key=source.__getitem__)
        actors.append(a)
        issues.append(i)
        rows.append(best)
        n = hi
    return actors, issues, rows
