"""One cell through time: timelines and stance shifts, from the cell rule.

A cell's stance at each distinct start date of its dated claims is the claim
:func:`stancematrix._store.cells.chosen` shows as of that date (:func:`~stancematrix.
_store.cells.steps`); wherever it changes from one date to the next, a :class:`Shift`
records the kind (:func:`stancematrix._shifts.classify`), the size and both claims.

These functions work on the engine's stores, so the matrix's own ``timeline()`` and
``shifts()`` use them without this module knowing the matrix class.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

import attrs

from stancematrix import _table
from stancematrix._model import Position
from stancematrix._shifts import classify
from stancematrix._store import Store, cells

__all__ = ["Shift", "Shifts", "Timeline", "says", "shifts", "timeline"]


def says(p: Position | None) -> str | None:
    """What a claim says in words: its summary, else its quote."""
    if p is None:
        return None
    return p.summary or p.quote


@attrs.frozen
class Shift:
    """A change of one actor's stance on one issue between two dated claims.

    Attributes:
        actor: The actor's key.
        issue: The issue's key.
        kind: ``reversed``, ``hardened``, ``softened``, ``became known`` or
            ``became unknown`` (see :func:`stancematrix._shifts.classify`).
        size: How far the stance moved on the scale (None for the "became" kinds).
        before: The claim that held before (with its source, quote and date).
        after: The claim that holds from its date on.
    """

    actor: str
    issue: str
    kind: str
    size: float | None
    before: Position
    after: Position


def _shift_row(s: Shift) -> list[str | float | None]:
    return [
        s.actor,
        s.issue,
        s.kind,
        s.size,
        f"{s.before.stance} ({s.before.source}, {s.before.date})",
        f"{s.after.stance} ({s.after.source}, {s.after.date})",
    ]


_SHIFT_HEADERS: Final = ["actor", "issue", "kind", "size", "before", "after"]


@attrs.frozen
class Shifts(_table.HtmlView):
    """Every stance shift found in a matrix, in the matrix's order (actor, issue, date).

    Attributes:
        shifts: The shifts.
    """

    shifts: tuple[Shift, ...]

    def __iter__(self) -> Iterator[Shift]:
        return iter(self.shifts)

    def __len__(self) -> int:
        return len(self.shifts)

    _EMPTY = "no shifts"
    _LABELS = 2

    def _table(self) -> tuple[list[str], list[list[str | float | None]], str]:
        return _SHIFT_HEADERS, [_shift_row(s) for s in self.shifts], ""


@attrs.frozen
class Timeline(_table.HtmlView):
    """One cell through time: every claim in date order and the shifts between them.

    Attributes:
        actor: The actor's key.
        issue: The issue's key.
        claims: Every claim on the cell: undated ones first, then by date, source, stance.
        shifts: The stance changes between consecutive dates (see
            :meth:`StanceMatrix.timeline`).
    """

    actor: str
    issue: str
    claims: tuple[Position, ...]
    shifts: tuple[Shift, ...]

    _EMPTY = "no claims"

    def _optional(self) -> tuple[int, ...]:
        return (3,)  # what each claim says: empty when none has words

    def _table(self) -> tuple[list[str], list[list[str | float | None]], str]:
        moves = {s.after: s for s in self.shifts}  # claims are unique within a matrix
        rows: list[list[str | float | None]] = []
        for claim in self.claims:
            shift = moves.get(claim)
            rows.append(
                [
                    None if claim.date is None else str(claim.date),
                    claim.stance,
                    claim.source,
                    says(claim),
                    None if shift is None else shift.kind,
                ]
            )
        headers = ["date", "stance", "source", "says", "shift"]
        return headers, rows, f"{self.actor} on {self.issue}"


def _cell_shifts(store: Store, lo: int, hi: int, claims: Sequence[Position]) -> list[Shift]:
    """Shifts between the claims a cell of rows ``lo:hi`` shows at consecutive dates."""
    scale = store.decl.scale
    found: list[Shift] = []
    previous: Position | None = None
    for row in cells.steps(store, lo, hi):
        if row < 0:  # nothing holds for a while (claims expired): no stance to move from
            continue
        claim = claims[row - lo]
        if previous is not None:
            moved = classify(scale, previous.stance, claim.stance)
            if moved is not None:
                kind, size = moved
                found.append(Shift(claim.actor, claim.issue, kind, size, previous, claim))
        previous = claim
    return found


def timeline(store: Store, actor: int, issue: int) -> Timeline:
    """The timeline of the cell of actor code *actor* and issue code *issue*."""
    lo, hi = store.cols.cells.span(actor, issue)
    claims = tuple(store.claims(range(lo, hi)))
    decl = store.decl
    return Timeline(
        decl.actors[actor].key,
        decl.issues[issue].key,
        claims,
        tuple(_cell_shifts(store, lo, hi, claims)),
    )


def shifts(store: Store, actors: Sequence[int], issues: Sequence[int]) -> Shifts:
    """Every shift in the cells of these actor and issue codes, by actor, issue, date."""
    index, start = store.cols.cells, store.cols.start
    timing = cells.timing(store)
    plain = timing.stop is None and timing.order is None  # the start column says it all
    if index.single:  # one claim per cell: nothing can shift
        return Shifts(())
    found: list[Shift] = []
    for a in actors:
        for i in issues:
            lo, hi = index.span(a, i)
            # A shift needs two different dated starts in the cell (or an expiry, or an
            # order).
            if hi - lo < 2 or ((start[hi - 1] == start[lo] or not start[hi - 2]) and plain):
                continue
            claims = tuple(store.claims(range(lo, hi)))
            found.extend(_cell_shifts(store, lo, hi, claims))
    return Shifts(tuple(found))
