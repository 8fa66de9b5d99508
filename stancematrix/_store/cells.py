"""The cell rule, once: which claims of a cell hold as of a date, and which one it shows.

A cell's rows are sorted by start date with undated rows (start 0) first. As of an
encoded last day *last* (:data:`~stancematrix._dates.END` for "now"):

- a dated row is *visible* once it has begun (``start <= last``); undated rows are
  always visible;
- the rows that *hold* are the visible rows with the latest start (:func:`latest`):
  dated rows hide undated ones, later dates hide earlier ones, and rows from different
  sources dated alike all hold, so a conflict stays visible;
- the row the cell *shows* (:func:`chosen`) is the first of those by source rank.

:meth:`StanceMatrix.position` and ``stance``, snapshots (:func:`as_of_mask`), timelines
(:func:`steps`), the diff's stance shifts, the grid of cell stances and every query that
compares actors call these functions and nothing else.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from stancematrix._dates import END

from .store import Store

__all__ = ["as_of_mask", "chosen", "chosen_rows", "latest", "stance_grid", "steps"]


def latest(start: Sequence[int], lo: int, hi: int, last: int = END) -> range:
    """Rows ``lo:hi`` of one cell that hold as of the encoded day *last*."""
    visible = lo
    while visible < hi and start[visible] <= last:
        visible += 1
    # Rows are sorted by start with undated (0) first: the latest visible start is
    # at visible - 1, and the rows sharing it run back from there.
    if visible == lo:
        return range(lo, lo)
    top = start[visible - 1]
    first = visible - 1
    while first > lo and start[first - 1] == top:
        first -= 1
    return range(first, visible)


def chosen(store: Store, lo: int, hi: int, last: int = END) -> int:
    """The row the cell of rows ``lo:hi`` shows as of *last*; -1 when none holds then."""
    start = store.cols.start
    if hi - lo == 1:
        return lo if start[lo] <= last else -1
    return min(latest(start, lo, hi, last), key=store.cols.source.__getitem__, default=-1)


def chosen_rows(store: Store) -> tuple[Sequence[int], Sequence[int], Sequence[int]]:
    """The actor code, issue code and shown row of each filled cell, in row order."""
    cols = store.cols
    if cols.cells.single:
        return cols.actor, cols.issue, range(len(cols.actor))
    actors: list[int] = []
    issues: list[int] = []
    rows: list[int] = []
    for lo, hi in cols.runs():
        actors.append(cols.actor[lo])
        issues.append(cols.issue[lo])
        rows.append(chosen(store, lo, hi))
    return actors, issues, rows


def steps(store: Store, lo: int, hi: int) -> list[int]:
    """The row the cell of rows ``lo:hi`` shows at each of its distinct dated starts.

    In date order: the cell's stance through time, as :func:`chosen` gives it as of the
    first day each dated row begins. Undated rows take no step.
    """
    start = store.cols.start
    out: list[int] = []
    n = lo
    while n < hi:
        top = n + 1
        while top < hi and start[top] == start[n]:
            top += 1
        if start[n]:
            out.append(chosen(store, lo, hi, start[n]))
        n = top
    return out


def as_of_mask(store: Store, last: int) -> bytes:
    """One byte per row: 1 where the row holds as of *last* (see the module docs)."""
    cols = store.cols
    if cols.cells.single:  # every claim is its cell's only one: keep the begun ones
        return bytes(map(last.__ge__, cols.start))
    flags = bytearray(len(cols.start))
    for lo, hi in cols.runs():
        for n in latest(cols.start, lo, hi, last):
            flags[n] = 1
    return bytes(flags)


def stance_grid(store: Store) -> bytes:
    """One byte per (actor, issue) cell: 1 + the code of the stance it shows, or 0.

    Made on first use and kept (a store never changes); meant for dense cell indexes,
    where it costs at most about four bytes per claim.
    """
    if store.grid is not None:
        return store.grid
    cols = store.cols
    n_issues = len(store.decl.issues)
    grid = bytearray(len(store.decl.actors) * n_issues)
    shift = bytes(range(1, 256)) + b"\0"  # code + 1
    actor, issue, rows = chosen_rows(store)
    stance = cols.stance
    if isinstance(rows, range):  # one claim per cell: whole actors at a time
        for a in range(len(store.decl.actors)):
            lo, hi = cols.cells.actor_span(a)
            if lo == hi:
                continue
            part = bytearray(n_issues)
            deque(
                map(part.__setitem__, issue[lo:hi], stance[lo:hi].tobytes().translate(shift)),
                maxlen=0,
            )
            grid[a * n_issues : (a + 1) * n_issues] = part
    else:
        for a, i, n in zip(actor, issue, rows, strict=True):
            grid[a * n_issues + i] = stance[n] + 1
    store.grid = bytes(grid)
    return store.grid
