"""What the queries share: the view a question is asked of, and the cells' stances in it.

A query's actor stance on an issue is the claim the cell shows
(:func:`stancematrix._store.cells.chosen`) after the matrix is narrowed to the requested
*sources* (:meth:`StanceMatrix.select`) and then seen as of *as_of*
(:meth:`StanceMatrix.as_of`), so every answer agrees with ``position()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypeAlias

import attrs

from stancematrix._dates import DateLike
from stancematrix._store import cells, store_of

if TYPE_CHECKING:
    from stancematrix._matrix import StanceMatrix

__all__ = ["LeftOut", "When", "left_out", "left_out_note", "narrow"]

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


@attrs.frozen
class LeftOut:
    """An actor a query left out, and why.

    Attributes:
        actor: The actor's key.
        reason: Why, in a few words (e.g. ``"no claims"``).
    """

    actor: str
    reason: str


def left_out(
    view: StanceMatrix, actor_codes: Sequence[int], known: Sequence[bool]
) -> tuple[LeftOut, ...]:
    """The actors of *actor_codes* with no known stance in *view*, in order, with why.

    *known* is True for each actor known to have a known stance (a False is checked
    here). An actor without claims in *view* is ``"no claims"``; one whose cells all show
    "no position reported" is ``"no known stance"``.
    """
    store = store_of(view)
    cell_index = store.cols.cells
    stance = store.cols.stance
    k = len(store.decl.scale.levels)
    actors = store.decl.actors
    out: list[LeftOut] = []
    for a, ok in zip(actor_codes, known, strict=True):
        if ok:
            continue
        lo, hi = cell_index.actor_span(a)
        if hi == lo:
            out.append(LeftOut(actors[a].key, "no claims"))
            continue
        spans = [cell_index.span(a, i) for i in range(len(store.decl.issues))]
        rows = [cells.chosen(store, lo, hi) for lo, hi in spans if hi > lo]
        if all(stance[r] >= k for r in rows if r >= 0):
            out.append(LeftOut(actors[a].key, "no known stance"))
    return tuple(out)


def left_out_note(found: Sequence[LeftOut]) -> str:
    """One line naming the actors left out and why ("" when none was)."""
    if not found:
        return ""
    return "left out: " + ", ".join(f"{x.actor} ({x.reason})" for x in found)
