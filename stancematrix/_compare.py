"""Actor against actor, and one cell through time: :func:`compare`, timelines and shifts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Final

import attrs

from . import _table
from ._cells import When, narrow
from ._model import Actor, Position
from ._scale import Scale
from ._shifts import classify, side

if TYPE_CHECKING:
    from ._matrix import StanceMatrix

__all__ = [
    "RELATIONS",
    "Comparison",
    "ComparisonRow",
    "Shift",
    "Shifts",
    "Timeline",
    "compare",
    "relation",
]

#: Relations between two stances on one issue, from closest to furthest, then unknown.
RELATIONS: Final = ("same", "close", "apart", "opposed", "unknown")


def _known(scale: Scale, label: str | None) -> bool:
    return label is not None and label != scale.unknown


def relation(scale: Scale, a: str | None, b: str | None) -> str:
    """How two stances on one issue relate, on *scale*.

    ``"unknown"`` if either is None or the scale's unknown label; ``"same"`` if they are
    the same level; ``"opposed"`` if they lie on opposite sides of the neutral point;
    ``"close"`` if they are adjacent levels; ``"apart"`` otherwise (e.g. neutral and
    strongly support).

    Raises:
        UnknownStanceError: If a label is not on the scale.
    """
    if a is None or b is None:
        return "unknown"
    va, vb = scale.value(a), scale.value(b)
    if va is None or vb is None:
        return "unknown"
    if va == vb:
        return "same"
    if side(scale, va) * side(scale, vb) < 0:
        return "opposed"
    if abs(scale.code(a) - scale.code(b)) == 1:
        return "close"
    return "apart"


def _gap(scale: Scale, a: str | None, b: str | None) -> float | None:
    va = None if a is None else scale.value(a)
    vb = None if b is None else scale.value(b)
    if va is None or vb is None:
        return None
    return abs(va - vb)


@attrs.frozen
class ComparisonRow:
    """Two actors' stances on one issue: each side's claim, the gap and the relation.

    Attributes:
        issue: The issue's key.
        a: The first actor's claim (see :func:`compare` for which), or None.
        b: The second actor's claim, or None.
        gap: ``abs(value(a) - value(b))`` on the scale; None unless both stances are known.
        relation: One of ``same``, ``close``, ``apart``, ``opposed``, ``unknown``.
    """

    issue: str
    a: Position | None
    b: Position | None
    gap: float | None
    relation: str


def _cell(p: Position | None) -> str | None:
    return None if p is None else p.stance


def _summary(p: Position | None) -> str | None:
    if p is None:
        return None
    return p.summary or p.quote


@attrs.frozen
class Comparison:
    """Where two actors stand on every issue either has a claim on, largest gap first.

    Attributes:
        a: The first actor.
        b: The second actor.
        rows: One :class:`ComparisonRow` per issue; rows with a known gap come first,
            largest gap first, then the rows where a stance is unknown; ties keep the
            matrix's issue order.
        n: The number of issues on which both actors have a known stance.
    """

    a: Actor
    b: Actor
    rows: tuple[ComparisonRow, ...]
    n: int

    def row(self, issue: str) -> ComparisonRow:
        """The row of the issue with this key.

        Raises:
            KeyError: If the comparison has no row for that issue.
        """
        for row in self.rows:
            if row.issue == issue:
                return row
        raise KeyError(issue)

    def _table(self) -> tuple[list[str], list[list[str | float | None]], str]:
        headers = ["issue", self.a.key, f"{self.a.key} says", self.b.key, f"{self.b.key} says"]
        headers += ["gap", "relation"]
        rows: list[list[str | float | None]] = [
            [r.issue, _cell(r.a), _summary(r.a), _cell(r.b), _summary(r.b), r.gap, r.relation]
            for r in self.rows
        ]
        title = f"{self.a.name} vs {self.b.name}: {self.n} issues where both are known"
        return headers, rows, title

    def to_text(self) -> str:
        """A plain-text table, one issue per line."""
        return _table.text(*self._table())

    def to_markdown(self) -> str:
        """A Markdown table, one issue per row."""
        return _table.markdown(*self._table())


def compare(
    m: StanceMatrix,
    a: str,
    b: str,
    *,
    as_of: When = None,
    sources: Iterable[str] | None = None,
) -> Comparison:
    """Compare two actors issue by issue: both claims, the gap and how they relate.

    Each side's stance on an issue is :meth:`StanceMatrix.position` — the latest dated
    claim, first source by rank on ties — on the matrix narrowed to *sources* (if given)
    and seen as of *as_of* (if given). Issues on which neither actor has a claim are left
    out. "No position reported" is an unknown stance, never neutral.

    Args:
        m: The matrix.
        a: Key or alias of the first actor.
        b: Key or alias of the second actor.
        as_of: Compare the snapshot at this date (see :meth:`StanceMatrix.as_of`).
        sources: Only these sources' claims count, in this rank order.

    Raises:
        UnknownActorError: If *a* or *b* is unknown.
        UnknownSourceError: If a source id is unknown.
        InvalidValueError: If *as_of* is not a date.
    """
    actor_a, actor_b = m.actor(a), m.actor(b)
    view = narrow(m, as_of, sources)
    scale = view.scale
    rows: list[ComparisonRow] = []
    for issue in view.issues:
        pa = view.position(actor_a.key, issue.key)
        pb = view.position(actor_b.key, issue.key)
        if pa is None and pb is None:
            continue
        sa, sb = _cell(pa), _cell(pb)
        rows.append(ComparisonRow(issue.key, pa, pb, _gap(scale, sa, sb), relation(scale, sa, sb)))
    rows.sort(key=lambda r: (r.gap is None, -(r.gap or 0.0)))
    n = sum(1 for r in rows if r.gap is not None)
    return Comparison(actor_a, actor_b, tuple(rows), n)


# -- time ---------------------------------------------------------------------------------


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
class Shifts:
    """Every stance shift found in a matrix, in the matrix's order (actor, issue, date).

    Attributes:
        shifts: The shifts.
    """

    shifts: tuple[Shift, ...]

    def __iter__(self) -> Iterator[Shift]:
        return iter(self.shifts)

    def __len__(self) -> int:
        return len(self.shifts)

    def to_text(self) -> str:
        """A plain-text table, one shift per line."""
        return _table.text(_SHIFT_HEADERS, [_shift_row(s) for s in self.shifts])

    def to_markdown(self) -> str:
        """A Markdown table, one shift per row."""
        return _table.markdown(_SHIFT_HEADERS, [_shift_row(s) for s in self.shifts])


@attrs.frozen
class Timeline:
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
                    _summary(claim),
                    None if shift is None else shift.kind,
                ]
            )
        headers = ["date", "stance", "source", "says", "shift"]
        return headers, rows, f"{self.actor} on {self.issue}"

    def to_text(self) -> str:
        """A plain-text table, one claim per line, with the shift it starts."""
        return _table.text(*self._table())

    def to_markdown(self) -> str:
        """A Markdown table, one claim per row, with the shift it starts."""
        return _table.markdown(*self._table())


def _cell_shifts(m: StanceMatrix, lo: int, hi: int, claims: list[Position]) -> list[Shift]:
    """Shifts between the position() claims at consecutive dated starts of rows lo:hi."""
    start, source = m._start, m._source
    scale = m.scale
    shifts: list[Shift] = []
    previous: Position | None = None
    n = lo
    while n < hi:
        top = n + 1
        while top < hi and start[top] == start[n]:
            top += 1
        if start[n]:
            best = min(range(n, top), key=source.__getitem__)
            claim = claims[best - lo]
            if previous is not None:
                moved = classify(scale, previous.stance, claim.stance)
                if moved is not None:
                    kind, size = moved
                    shifts.append(Shift(claim.actor, claim.issue, kind, size, previous, claim))
            previous = claim
        n = top
    return shifts


def timeline(m: StanceMatrix, actor: str, issue: str) -> Timeline:
    """See :meth:`StanceMatrix.timeline`."""
    a, i = m._actor_code(actor), m._issue_code(issue)
    lo, hi = m._cells.span(a, i)
    claims = [m._position(m._row(n)) for n in range(lo, hi)]
    return Timeline(
        m.actors[a].key, m.issues[i].key, tuple(claims), tuple(_cell_shifts(m, lo, hi, claims))
    )


def shifts(m: StanceMatrix, actor: str | None = None, issue: str | None = None) -> Shifts:
    """See :meth:`StanceMatrix.shifts`."""
    if m._cells.single:  # one claim per cell: nothing can shift
        if actor is not None:
            m._actor_code(actor)
        if issue is not None:
            m._issue_code(issue)
        return Shifts(())
    a_codes = range(len(m.actors)) if actor is None else [m._actor_code(actor)]
    i_codes = range(len(m.issues)) if issue is None else [m._issue_code(issue)]
    found: list[Shift] = []
    start = m._start
    for a in a_codes:
        for i in i_codes:
            lo, hi = m._cells.span(a, i)
            # A shift needs two different dated starts in the cell.
            if hi - lo < 2 or start[hi - 1] == start[lo] or not start[hi - 2]:
                continue
            claims = [m._position(m._row(n)) for n in range(lo, hi)]
            found.extend(_cell_shifts(m, lo, hi, claims))
    return Shifts(tuple(found))
