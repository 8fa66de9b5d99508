"""The cell rule, once: which claims of a cell hold as of a date, and which one it shows.

A cell's rows are sorted by start date with undated rows (start 0) first. As of an
encoded last day *last* (:data:`~stancematrix._dates.END` for "now"):

- a dated row is *visible* once it has begun (``start <= last``); undated rows are
  always visible;
- the rows that *hold* are the visible rows with the latest start (:func:`latest`):
  dated rows hide undated ones, later dates hide earlier ones, and rows from different
  sources dated alike all hold, so a conflict stays visible;
- the row the cell *shows* (:func:`chosen`) is the first of those by source rank;
- a claim with a higher ``order`` than others of its source came later in the source's
  account: it begins, for this rule, on the last day of its date (it is known to hold by
  then, and the source does not say when it began), and in a cell it hides the source's
  lower-ordered claims that begin with it (:func:`holding`);
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
from typing import NamedTuple, cast

from stancematrix._dates import END, encode, from_exact, last_day_code

from .columns import any_set
from .store import Store

__all__ = [
    "Timing",
    "as_of_mask",
    "chosen",
    "chosen_rows",
    "edition_ends",
    "expiry",
    "holding",
    "latest",
    "stance_grid",
    "steps",
    "timing",
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


class Timing(NamedTuple):
    """What the cell rule needs beyond the start column, per row (see :func:`timing`).

    Attributes:
        stop: Each row's expiry: the first encoded day as of which it no longer holds
            (0: never); None when no row expires.
        begin: Each row's effective start (its start, or for a claim that comes later in
            its source's order, the last day of its date); None when no row has an order.
        order: Each row's order in its source (0: none); None when no row has one.
    """

    stop: Sequence[int] | None
    begin: Sequence[int] | None
    order: Sequence[int] | None


def timing(store: Store) -> Timing:
    """The :class:`Timing` of *store*'s rows, made once per store.

    A row expires the day after its ``until`` and when the next edition of its source
    (:func:`edition_ends`) is published, whichever comes first. A dated row whose source
    has claims of a lower order (in any cell) begins, for the rule, on the last day of
    its date: the source tells it after those, so it is known to hold by then, and not
    before.
    """
    if store.timing is not None:
        return cast(Timing, store.timing)
    cols = store.cols
    editions = edition_ends(store)
    stop: Sequence[int] | None = None
    if any(editions) or any_set(cols.until):
        by_source = list(map(editions.__getitem__, cols.source))
        stop = [
            min(e, last_day_code(u) + 1) if e and u else e or (last_day_code(u) + 1 if u else 0)
            for e, u in zip(by_source, cols.until, strict=True)
        ]
    order: list[int] | None = None
    begin: list[int] | None = None
    marked = [n for n, text in cols.text.items() if text[3] is not None]
    places = {n: from_exact(cols.text[n][3])[2] for n in marked}  # type: ignore[arg-type]
    if any(places.values()):
        order = [0] * len(cols)
        for n, place in places.items():
            order[n] = place or 0
        begin = list(cols.start)
        first: dict[int, int] = {}  # per source: its lowest order
        for n, place in places.items():
            if place:
                first[cols.source[n]] = min(place, first.get(cols.source[n], place))
        for n, place in places.items():
            if place and place > first[cols.source[n]] and cols.start[n]:
                end = cols.end[n]
                begin[n] = last_day_code(cols.start[n] if end in (0, END) else end)
    made = Timing(stop, begin, order)
    store.timing = made
    return made


def expiry(store: Store) -> Sequence[int] | None:
    """Each row's expiry (see :class:`Timing`); None when no row of *store* expires."""
    return timing(store).stop


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
    Rows must be sorted by start (so no row has an order: see :func:`holding`).
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


def holding(store: Store, lo: int, hi: int, last: int = END) -> Sequence[int]:
    """Rows ``lo:hi`` of one cell that hold as of *last*: the cell rule, in full."""
    stop, begin, order = timing(store)
    if begin is None or order is None:
        return latest(store.cols.start, lo, hi, last, stop)
    visible = [n for n in range(lo, hi) if begin[n] <= last]
    if not visible:
        return visible
    top = max(begin[n] for n in visible)
    rows = [n for n in visible if begin[n] == top]
    source = store.cols.source
    highest: dict[int, int] = {}
    for n in rows:  # of one source's claims that begin together, the later ordered
        highest[source[n]] = max(highest.get(source[n], 0), order[n])
    rows = [n for n in rows if order[n] == highest[source[n]]]
    if stop is None or last == END:
        return rows
    return [n for n in rows if not 0 < stop[n] <= last]


def chosen(store: Store, lo: int, hi: int, last: int = END) -> int:
    """The row the cell of rows ``lo:hi`` shows as of *last*; -1 when none holds then."""
    if hi - lo == 1:
        stop, begin, _ = timing(store)
        held = stop is None or last == END or not 0 < stop[lo] <= last
        starts = store.cols.start if begin is None else begin
        return lo if starts[lo] <= last and held else -1
    return min(holding(store, lo, hi, last), key=store.cols.source.__getitem__, default=-1)


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
    first day each dated row begins (for a later-ordered claim, the last day of its date)
    and as of each day a row expires (-1 where nothing holds from then on). Undated rows
    take no step of their own.
    """
    stop, begin, _ = timing(store)
    starts = store.cols.start if begin is None else begin
    moments = {starts[n] for n in range(lo, hi) if starts[n]}
    if stop is not None:
        moments.update(stop[n] for n in range(lo, hi) if stop[n])
    return [chosen(store, lo, hi, moment) for moment in sorted(moments)]


def as_of_mask(store: Store, last: int) -> bytes:
    """One byte per row: 1 where the row holds as of *last* (see the module docs)."""
    cols = store.cols
    stop, begin, _ = timing(store)
    if cols.cells.single and stop is None:  # one claim per cell: keep the begun ones
        return bytes(map(last.__ge__, cols.start if begin is None else begin))
    flags = bytearray(len(cols.start))
    for lo, hi in cols.runs():
        for n in holding(store, lo, hi, last):
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
