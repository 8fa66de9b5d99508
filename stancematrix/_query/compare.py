"""Actor against actor: :func:`compare`, and how two stances relate."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

import attrs

from stancematrix import _table
from stancematrix._model import Actor, Position
from stancematrix._scale import Scale
from stancematrix._shifts import side

from .common import When, narrow
from .time import says

if TYPE_CHECKING:
    from stancematrix._matrix import StanceMatrix

__all__ = [
    "RELATIONS",
    "Comparison",
    "ComparisonRow",
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


@attrs.frozen
class Comparison(_table.HtmlView):
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

    _EMPTY = "no issues on which either has a claim"

    def _optional(self) -> tuple[int, ...]:
        return (2, 4)  # the "says" columns: empty when no claim has words

    def _table(self) -> tuple[list[str], list[list[str | float | None]], str]:
        headers = ["issue", self.a.key, f"{self.a.key} says", self.b.key, f"{self.b.key} says"]
        headers += ["gap", "relation"]
        rows: list[list[str | float | None]] = [
            [r.issue, _cell(r.a), says(r.a), _cell(r.b), says(r.b), r.gap, r.relation]
            for r in self.rows
        ]
        issues = "issue" if self.n == 1 else "issues"
        title = f"{self.a.name} vs {self.b.name}: {self.n} {issues} where both are known"
        return headers, rows, title


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
