"""The cell rule, once: which claims of a cell hold as of a date, and which one it shows.

A cell's rows are sorted by start date with undated rows (start 0) first. As of an
encoded last day *last* (:data:`~stancematrix._dates.END` for "now"):

- a dated row is *visible* once it has begun (``start <= last``); undated rows are
  always visible;
- the rows that *hold* are the visible rows with the latest start (:func:`latest`):
  dated rows hide undated ones, later dates hide earlier ones, and rows from different
  sources dated alike all hold, so a conflict stays visible;
- the row the cell *shows* (:func:`chosen`) is the first of those by source rank;
- a row *expires* (:func:`expiry`) after the last day of its ``until``, and once a
  newer edition of its source's series is visible (a source whose ``published`` date
  has begun, in the same ``series``). An expired row no longer holds, but it still
  hides the older rows of its cell: a cell whose latest claims have all expired shows
  nothing. Expiry applies as of a date only: as of no date
  (:data:`~stancematrix._dates.END`, a matrix's own view) a cell shows its latest claim
  whether or not it has expired, so a snapshot (:func:`as_of_mask`) shows the same as
  the matrix it was cut from did on its date.

:meth:`StanceMatrix.position` and ``stance``, snapshots (:func:`as_of_mask`), timelines
(:func:`steps`), the diff's stance shifts, the grid of cell stances and every query that
compares actors call these functions and nothing else.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from stancematrix._dates import END, encode, last_day_code

from .store import Store

__all__ = [
    "as_of_mask",
    "chosen",
    "chosen_rows",
    "edition_ends",
    "expiry",
    "latest",
    "stance_grid",
    "steps",
]


def edition_ends(store: Store) -> list[int]:
    """Per source code: the encoded date its next edition is published (0: none).

    A source's next edition is the source of the same ``series`` with the earliest
    ``published`` date after its own; as of that date the older edition expires.
    """
    sources = store.decl.sources
    published: dict[str, list[int]] = {}
    for source in sources:
        if source.series is not None:
            published.setdefault(source.series, []).append(encode(source.published))
    out = [0] * len(sources)
    for code, source in enumerate(sources):
        if source.series is not None:
            own = encode(source.published)
            out[code] = min((p for p in published[source.series] if p > own), default=0)
    return out


def expiry(store: Store) -> Sequence[int] | None:
    """Each row's expiry: the first encoded day as of which it no longer holds (0: never).

    A row expires the day after its ``until`` and when the next edition of its source
    (:func:`edition_ends`) is published, whichever comes first. None when no row of
    *store* ever expires (the common case, which keeps the fast paths). Made once per
    store.
    """
    if store.expiry is not False:
        return store.expiry  # type: ignore[return-value]
    cols = store.cols
    editions = edition_ends(store)
    out: Sequence[int] | None = None
    if any(editions) or any(cols.until):
        by_source = list(map(editions.__getitem__, cols.source))
        out = [
            min(e, last_day_code(u) + 1) if e and u else e or (last_day_code(u) + 1 if u else 0)
            for e, u in zip(by_source, cols.until, strict=True)
        ]
    store.expiry = out
    return out


def latest(
    start: Sequence[int],
    lo: int,
    hi: int,
    last: int = END,
    stop: Sequence[int] | None = None,
) -> Sequence[int]:
    """Rows ``lo:hi`` of one cell that hold as of the encoded day *last*.

    *stop* is :func:`expiry` (None when nothing expires): the rows with the latest
    visible start hold unless they have expired by *last* (never when *last* is END).
    """
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
    if stop is None or last == END:
        return range(first, visible)
    return [n for n in range(first, visible) if not 0 < stop[n] <= last]


def chosen(store: Store, lo: int, hi: int, last: int = END) -> int:
    """The row the cell of rows ``lo:hi`` shows as of *last*; -1 when none holds then."""
    start = store.cols.start
    stop = expiry(store)
    if hi - lo == 1:
        held = stop is None or last == END or not 0 < stop[lo] <= last
        return lo if start[lo] <= last and held else -1
    return min(latest(start, lo, hi, last, stop), key=store.cols.source.__getitem__, default=-1)


def chosen_rows(store: Store) -> tuple[Sequence[int], Sequence[int], Sequence[int]]:
    """The actor code, issue code and shown row of each filled cell, in row order."""
    cols = store.cols
    if cols.cells.single:  # as of no date nothing expires: every row shows
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
    """The row the cell of rows ``lo:hi`` shows at each date its stance may change.

    In date order: the cell's stance through time, as :func:`chosen` gives it as of the
    first day each dated row begins and as of each day a row expires (-1 where nothing
    holds from then on). Undated rows take no step of their own.
    """
    start = store.cols.start
    stop = expiry(store)
    moments = {start[n] for n in range(lo, hi) if start[n]}
    if stop is not None:
        moments.update(stop[n] for n in range(lo, hi) if stop[n])
    return [chosen(store, lo, hi, moment) for moment in sorted(moments)]


def as_of_mask(store: Store, last: int) -> bytes:
    """One byte per row: 1 where the row holds as of *last* (see the module docs)."""
    cols = store.cols
    stop = expiry(store)
    if cols.cells.single and stop is None:  # one claim per cell: keep the begun ones
        return bytes(map(last.__ge__, cols.start))
    flags = bytearray(len(cols.start))
    for lo, hi in cols.runs():
        for n in latest(cols.start, lo, hi, last, stop):
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
