"""What the queries share: the view a question is asked of, and the cells' stances in it.

A query's actor stance on an issue is the claim the cell shows
(:func:`stancematrix._store.cells.chosen`) after the matrix is narrowed to the requested
*sources* (:meth:`StanceMatrix.select`) and then seen as of *as_of*
(:meth:`StanceMatrix.as_of`), so every answer agrees with ``position()``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypeAlias

import attrs

from stancematrix._dates import PartialDate
from stancematrix._store import cells, store_of

if TYPE_CHECKING:
    from stancematrix._matrix import StanceMatrix

__all__ = ["LeftOut", "When", "left_out", "left_out_note", "narrow"]

#: A date a query may be asked as of.
When: TypeAlias = PartialDate | datetime.date | str | None


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


def left_out(view: StanceMatrix, actor_codes: Sequence[int]) -> tuple[LeftOut, ...]:
    """The named actors with no known stance in *view*, in the order named, with why.

    An actor without claims is ``"no claims"``; one whose claims all say "no position
    reported" is ``"no known stance"``.
    """
    store = store_of(view)
    k = len(store.decl.scale.levels)
    stance = store.cols.stance
    claimed: set[int] = set()
    known: set[int] = set()
    for a, _, n in zip(*cells.chosen_rows(store), strict=True):
        claimed.add(a)
        if stance[n] < k:
            known.add(a)
    actors = store.decl.actors
    return tuple(
        LeftOut(actors[a].key, "no known stance" if a in claimed else "no claims")
        for a in actor_codes
        if a not in known
    )


def left_out_note(found: Sequence[LeftOut]) -> str:
    """One line naming the actors left out and why ("" when none was)."""
    if not found:
        return ""
    return "left out: " + ", ".join(f"{x.actor} ({x.reason})" for x in found)
