"""Conflicts between sources: two claims on one cell that cannot both be right at once.

A conflict is a pair of claims on one (actor, issue) cell, from different sources, whose
periods overlap (an undated claim overlaps every other: nothing says when it held) and
whose stances lie on opposite sides of the neutral point (or at least *gap* apart).

Each conflict has a kind, telling a disagreement from a change over time:

- ``"change"`` (changed over time): some source of the cell *tells the change itself*,
  reporting the actor at one time with the stance of one claim and at another time with
  the stance of the other. The two claims then fit that one story, each describing
  another phase of it. Two dated claims that the cell rule holds together (dated alike)
  are never a change: at that date the sources do disagree.
- ``"disagreement"`` (sources disagree): no source tells such a change, so the sources
  give different accounts of the actor's stance.

"At different times" is the cell rule's (:mod:`stancematrix._store.cells`): two dated
claims of a source are told apart when they never both hold (:func:`cells.latest`);
an undated claim tells no time, so it never makes a source a witness. Stances match a
phase by side of the neutral point; for a *gap* conflict on one side, by the very stance.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Final

import attrs

from stancematrix import _table
from stancematrix._dates import last_day_code, moment
from stancematrix._model import Position
from stancematrix._shifts import side
from stancematrix._store import cells, store_of
from stancematrix.exceptions import InvalidValueError

from .common import When, narrow

if TYPE_CHECKING:
    from stancematrix._matrix import StanceMatrix
    from stancematrix._store import Store

__all__ = ["CONFLICT_KINDS", "Conflict", "Conflicts", "conflicts"]

#: The kinds of conflict: the sources disagree, or a source tells a change over time.
CONFLICT_KINDS: Final = ("disagreement", "change")

_KIND_NOTE: Final = (
    "kind: disagreement = the sources disagree; change = changed over time"
    " (the source named reports both stances, at different times)"
)


@attrs.frozen
class Conflict:
    """Two claims on one cell, from different sources, that disagree in overlapping time.

    Attributes:
        actor: The actor's key.
        issue: The issue's key.
        first: The claim that comes first in the matrix's order (with its quote).
        second: The other claim.
        kind: ``"disagreement"`` when the sources disagree, ``"change"`` when a source
            reports both stances at different times (see :func:`conflicts`).
        told_by: For a change, the id of the first source (in rank order) that tells it;
            None for a disagreement.

    .. versionchanged:: Unreleased
       ``kind`` and ``told_by``.
    """

    actor: str
    issue: str
    first: Position
    second: Position
    kind: str = "disagreement"
    told_by: str | None = None


def _kind_text(c: Conflict) -> str:
    return f"change ({c.told_by})" if c.told_by else c.kind


def _conflict_row(c: Conflict) -> list[str | float | None]:
    return [
        c.actor,
        c.issue,
        _kind_text(c),
        f"{c.first.stance} ({c.first.source}, {c.first.date or 'undated'})",
        c.first.quote,
        f"{c.second.stance} ({c.second.source}, {c.second.date or 'undated'})",
        c.second.quote,
    ]


_CONFLICT_HEADERS: Final = ["actor", "issue", "kind", "one source", "quote", "another", "quote"]


@attrs.frozen
class Conflicts(_table.HtmlView):
    """Every conflict between sources, in the matrix's order.

    Attributes:
        conflicts: The conflicts.
    """

    conflicts: tuple[Conflict, ...]

    def __iter__(self) -> Iterator[Conflict]:
        return iter(self.conflicts)

    def __len__(self) -> int:
        return len(self.conflicts)

    @property
    def disagreements(self) -> tuple[Conflict, ...]:
        """The conflicts where the sources disagree (kind ``"disagreement"``)."""
        return tuple(c for c in self.conflicts if c.kind == "disagreement")

    @property
    def changes(self) -> tuple[Conflict, ...]:
        """The conflicts a change over time explains (kind ``"change"``)."""
        return tuple(c for c in self.conflicts if c.kind == "change")

    _EMPTY = "no conflicts"
    _LABELS = 2

    def _optional(self) -> tuple[int, ...]:
        return (4, 6)  # the quotes

    def _table(self) -> tuple[list[str], list[list[str | float | None]], str]:
        return _CONFLICT_HEADERS, [_conflict_row(c) for c in self.conflicts], ""

    def _note(self) -> str:
        return _KIND_NOTE if self.conflicts else ""


def _apart(store: Store, lo: int, hi: int, r: int, s: int) -> bool:
    """Whether dated rows *r* and *s* of the cell ``lo:hi`` never hold together.

    They are tested where the later of them begins (its date, or for a claim its source
    tells later in order, the last day of its date), by the cell rule.
    """
    start = store.cols.start
    if not (start[r] and start[s]):
        return False
    begin = cells.timing(store).begin or start
    held = cells.holding(store, lo, hi, max(begin[r], begin[s]))
    return not (r in held and s in held)


def _witness(store: Store, lo: int, hi: int, p: int, q: int, values: list[float]) -> int:
    """The best-ranked source (code) of cell ``lo:hi`` telling *p*'s and *q*'s stances apart.

    That is, a source with a dated row matching *p*'s stance and another matching *q*'s
    that never hold together; -1 when no source does.
    """
    cols = store.cols
    scale = store.decl.scale
    stance, source, start = cols.stance, cols.source, cols.start
    k = len(values)
    sp, sq = side(scale, values[stance[p]]), side(scale, values[stance[q]])

    def phase(row: int) -> int | None:  # which claim's stance the row matches, if any
        code = stance[row]
        if code >= k:
            return None
        if sp != sq:
            here = side(scale, values[code])
            return 0 if here == sp else 1 if here == sq else None
        return 0 if code == stance[p] else 1 if code == stance[q] else None

    told = [
        source[r]
        for r in range(lo, hi)
        if start[r] and phase(r) == 0
        for s in range(lo, hi)
        if source[s] == source[r] and phase(s) == 1 and _apart(store, lo, hi, r, s)
    ]
    return min(told, default=-1)


def conflicts(
    m: StanceMatrix,
    *,
    gap: float | None = None,
    as_of: When = None,
    sources: Iterable[str] | None = None,
    kind: str | None = None,
) -> Conflicts:
    """The (actor, issue) cells where different sources disagree about the same time.

    Two claims on one cell conflict when they cite different sources, their dates overlap
    (an undated claim overlaps every other claim of its cell: nothing says when it held),
    and their stances lie on opposite sides of the scale's neutral point — or, if *gap*
    is given, also when they are at least *gap* apart on the scale. "No position
    reported" conflicts with nothing. Each conflicting pair of claims is reported once.

    Each conflict has a kind (see :mod:`stancematrix._query.conflicts`): ``"change"``
    when some source of the cell itself reports the actor with both stances at different
    times (the conflict is a change over time that source tells; ``told_by`` names it),
    ``"disagreement"`` otherwise (the sources disagree). Two claims dated alike are a
    disagreement whatever other sources say.

    With *as_of*, the claims that may hold at that date count: those the snapshot
    :meth:`StanceMatrix.as_of` keeps (in each cell, the visible dated claims with the
    latest start) and every undated claim, which may hold at any date (the snapshot
    drops undated claims once a dated one is visible; here they stay, or a conflict
    between an undated and a dated claim would vanish). Which source tells a change is
    judged on all the cell's claims, earlier and later. With *sources*, only those
    sources' claims count, for the conflicts and for the witnesses of a change.

    Args:
        m: The matrix.
        gap: Also report claims at least this far apart on the scale.
        as_of: Only the claims that may hold at this date.
        sources: Only these sources' claims.
        kind: Only conflicts of this kind (``"disagreement"`` or ``"change"``); all if
            None.

    Raises:
        InvalidValueError: If *gap* is not a positive number, *as_of* not a date or
            *kind* not a kind of conflict.
        UnknownSourceError: If a source id is unknown.

    .. versionchanged:: Unreleased
       Conflicts have a kind, *kind* filters them, and *as_of* keeps undated claims.
    """
    if gap is not None and (type(gap) not in (int, float) or not gap > 0):
        raise InvalidValueError("gap", gap, "must be a number > 0")
    if kind is not None and kind not in CONFLICT_KINDS:
        raise InvalidValueError("kind", kind, f"must be one of {', '.join(CONFLICT_KINDS)}")
    last = None if as_of is None else moment(as_of, "as_of")[1]
    m = narrow(m, None, sources)
    if len(m.sources) < 2:
        return Conflicts(())
    scale = m.scale
    values = [level.value for level in scale.levels]
    k = len(values)
    store = store_of(m)
    cols = store.cols
    stance, source, start, end = cols.stance, cols.source, cols.start, cols.end
    found: list[Conflict] = []
    for lo, hi in cols.runs():
        rows: Iterable[int] = range(lo, hi)
        if last is not None:
            held = set(cells.holding(store, lo, hi, last))
            rows = [n for n in rows if not start[n] or n in held]
        rows = [n for n in rows if stance[n] < k]
        for x, p in enumerate(rows):
            vp = values[stance[p]]
            for q in rows[x + 1 :]:
                if source[q] == source[p]:
                    continue
                vq = values[stance[q]]
                opposed = side(scale, vp) * side(scale, vq) < 0
                if not opposed and (gap is None or abs(vp - vq) < gap):
                    continue
                if start[p] and start[q]:
                    if start[p] > last_day_code(end[q] or start[q]):
                        continue
                    if start[q] > last_day_code(end[p] or start[p]):
                        continue
                witness = -1
                if not (start[p] and start[q]) or _apart(store, lo, hi, p, q):
                    witness = _witness(store, lo, hi, p, q, values)
                what = "change" if witness >= 0 else "disagreement"
                if kind is not None and what != kind:
                    continue
                first, second = store.claim(p), store.claim(q)
                told = store.decl.sources[witness].id if witness >= 0 else None
                found.append(Conflict(first.actor, first.issue, first, second, what, told))
    return Conflicts(tuple(found))
