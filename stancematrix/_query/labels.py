"""Results for reading: a copy with actors' names and issues' titles where the keys were.

The queries answer with keys (what a program looks things up by); a reader may want
names. :func:`relabel` returns a result of the same type whose actor and issue keys are
replaced by the matrix's names and titles, for printing only (the command line's
``--labels name``): a copy's keys are labels, and two actors of one name print alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from .agreement import Agreement, AgreementMatrix
from .blocs import Blocs
from .common import LeftOut
from .compare import Comparison
from .conflicts import Conflicts
from .structure import Coverage, IssueStances, Polarization
from .time import Shift, Shifts, Timeline

if TYPE_CHECKING:
    from collections.abc import Mapping

    from stancematrix._matrix import StanceMatrix

__all__ = ["relabel"]

R = TypeVar("R")


def relabel(result: R, m: StanceMatrix) -> R:
    """A copy of *result* with *m*'s actor names and issue titles in place of the keys.

    Keys *m* does not know stay as they are; an object that is not a query result is
    returned as it is.
    """
    actor = {a.key: a.name for a in m.actors}
    issue = {i.key: i.title for i in m.issues}
    new: Any = result
    if isinstance(result, Comparison):
        a, b = result.a, result.b
        rows = _rows(result.rows, issue)
        new = attrs.evolve(
            result,
            a=attrs.evolve(a, key=a.name, aliases=()),
            b=attrs.evolve(b, key=b.name, aliases=()),
            rows=rows,
        )
    elif isinstance(result, Agreement):
        new = attrs.evolve(result, a=actor.get(result.a, result.a), b=actor.get(result.b, result.b))
    elif isinstance(result, AgreementMatrix | Coverage | IssueStances):
        new = attrs.evolve(result, actors=_names(result.actors, actor))
        if isinstance(new, Coverage):
            new = attrs.evolve(new, issues=_names(new.issues, issue))
        if isinstance(new, IssueStances):
            rows = _rows(new.rows, issue)
            new = attrs.evolve(new, rows=rows)
    elif isinstance(result, Blocs):
        groups = tuple(_names(g, actor) for g in result.groups)
        new = attrs.evolve(result, groups=groups)
    elif isinstance(result, Polarization):
        rows = _rows(result.rows, issue)
        new = attrs.evolve(result, rows=rows)
    elif isinstance(result, Conflicts):
        found = tuple(_cell(c, actor, issue) for c in result.conflicts)
        new = attrs.evolve(result, conflicts=found)
    elif isinstance(result, Shifts):
        new = attrs.evolve(result, shifts=tuple(_cell(s, actor, issue) for s in result.shifts))
    elif isinstance(result, Timeline):
        new = _cell(result, actor, issue)
    if hasattr(new, "left_out"):
        left = tuple(LeftOut(actor.get(x.actor, x.actor), x.reason) for x in new.left_out)
        new = attrs.evolve(new, left_out=left)
    return new  # type: ignore[no-any-return]


def _rows(rows: tuple[Any, ...], issue: Mapping[str, str]) -> tuple[Any, ...]:
    """Rows (with an ``issue`` key) with the issue's title in its place."""
    return tuple(attrs.evolve(r, issue=issue.get(r.issue, r.issue)) for r in rows)


def _names(keys: tuple[str, ...], names: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(names.get(k, k) for k in keys)


C = TypeVar("C", Shift, Timeline, Any)


def _cell(x: C, actor: Mapping[str, str], issue: Mapping[str, str]) -> C:
    """*x* (with ``actor`` and ``issue`` keys) with the name and title in their place."""
    return attrs.evolve(x, actor=actor.get(x.actor, x.actor), issue=issue.get(x.issue, x.issue))
