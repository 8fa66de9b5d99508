"""Issue-level structure and the sources behind it.

Polarization, common ground, deadlocks, and coverage (conflicts between sources are in
:mod:`stancematrix._query.conflicts`).

Where an actor's stance on an issue is needed, it is the claim
:meth:`StanceMatrix.position` returns, on the matrix narrowed to *sources* and seen as of
*as_of* (the rule every comparison in stancematrix uses). Coverage looks at every claim
instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import attrs

from stancematrix import _table
from stancematrix._shifts import side
from stancematrix._store import cells, store_of
from stancematrix.exceptions import InvalidValueError

from .common import LeftOut, When, left_out, left_out_note, narrow

if TYPE_CHECKING:
    from stancematrix._matrix import StanceMatrix

__all__ = [
    "Coverage",
    "IssuePolarization",
    "IssueRow",
    "IssueStances",
    "Polarization",
    "common_ground",
    "coverage",
    "deadlocks",
    "polarization",
]


def _grid(view: StanceMatrix, actor_codes: list[int]) -> dict[int, dict[int, tuple[str, float]]]:
    """Per issue code, per actor code: the known stance (label, value) of each cell."""
    wanted = set(actor_codes)
    scale = view.scale
    labels = scale.labels
    values = [level.value for level in scale.levels]
    k = len(values)
    store = store_of(view)
    stance = store.cols.stance
    out: dict[int, dict[int, tuple[str, float]]] = {}
    for a, i, n in zip(*cells.chosen_rows(store), strict=True):
        code = stance[n]
        if a in wanted and code < k:
            out.setdefault(i, {})[a] = (labels[code], values[code])
    return out


def _actor_codes(view: StanceMatrix, actors: Iterable[str] | None) -> list[int]:
    """The named actors' codes in the order named (all if None); a repeat is an error."""
    return store_of(view).decl.codes("actor", actors)


# -- polarization --------------------------------------------------------------------------


@attrs.frozen
class IssuePolarization:
    """How divided the actors are on one issue.

    Attributes:
        issue: The issue's key.
        n: How many actors have a known stance on it.
        counts: How many of them hold each level of the scale, in scale order.
        mean: The mean stance value (None when n is 0).
        spread: The standard deviation of the stance values divided by half the scale's
            range: 0 when all agree, 1 when they split evenly between the two extremes
            (None when n is 0).
    """

    issue: str
    n: int
    counts: tuple[int, ...]
    mean: float | None
    spread: float | None


@attrs.frozen
class Polarization(_table.HtmlView):
    """Every issue's :class:`IssuePolarization`, most divided first.

    Attributes:
        levels: The scale's level labels (the order of each row's counts).
        rows: One row per issue; issues with no known stance come last; ties keep the
            matrix's issue order.
        left_out: The actors asked about that count on no issue because they have no
            known stance, with why.
    """

    levels: tuple[str, ...]
    rows: tuple[IssuePolarization, ...]
    left_out: tuple[LeftOut, ...] = ()

    def __iter__(self) -> Iterator[IssuePolarization]:
        return iter(self.rows)

    _EMPTY = "no issues"

    def _table(self) -> tuple[list[str], list[list[str | float | None]], str]:
        rows: list[list[str | float | None]] = [
            [r.issue, r.n, *r.counts, r.mean, r.spread] for r in self.rows
        ]
        return ["issue", "n", *self.levels, "mean", "spread"], rows, "polarization"

    def _note(self) -> str:
        return left_out_note(self.left_out)


def polarization(
    m: StanceMatrix,
    *,
    actors: Iterable[str] | None = None,
    as_of: When = None,
    sources: Iterable[str] | None = None,
) -> Polarization:
    """How divided the actors (all, or the named ones) are on each issue.

    Unknown stances ("no position reported", or no claim) are left out, never counted
    as neutral.

    Raises:
        UnknownActorError: If an actor is unknown.
        DuplicateKeyError: If an actor is named twice (directly or by alias).
        UnknownSourceError: If a source id is unknown.
        InvalidValueError: If *as_of* is not a date.
    """
    view = narrow(m, as_of, sources)
    scale = view.scale
    half = (scale.maximum - scale.minimum) / 2
    levels = tuple(level.label for level in scale.levels)
    index = {label: n for n, label in enumerate(levels)}
    codes = _actor_codes(view, actors)
    grid = _grid(view, codes)
    counted = {a for stances in grid.values() for a in stances}
    skipped = left_out(view, codes, [a in counted for a in codes])
    rows: list[IssuePolarization] = []
    for i, issue in enumerate(view.issues):
        cells = list(grid.get(i, {}).values())
        counts = [0] * len(levels)
        for label, _ in cells:
            counts[index[label]] += 1
        if not cells:
            rows.append(IssuePolarization(issue.key, 0, tuple(counts), None, None))
            continue
        values = [value for _, value in cells]
        mean = sum(values) / len(values)
        variance = sum((v - mean) ** 2 for v in values) / len(values)
        rows.append(
            IssuePolarization(
                issue.key, len(values), tuple(counts), mean, math.sqrt(variance) / half
            )
        )
    rows.sort(key=lambda r: (r.spread is None, -(r.spread or 0.0)))
    return Polarization(levels, tuple(rows), skipped)


# -- common ground and deadlocks -----------------------------------------------------------


@attrs.frozen
class IssueRow:
    """The named actors' stances on one issue.

    Attributes:
        issue: The issue's key.
        stances: Each named actor's stance label, in the order named (None if unknown).
        gap: The distance between the highest and the lowest known stance on the scale.
    """

    issue: str
    stances: tuple[str | None, ...]
    gap: float


@attrs.frozen
class IssueStances(_table.HtmlView):
    """Issues picked by :func:`common_ground` or :func:`deadlocks`, with the stances.

    Attributes:
        actors: The actors' keys, in the order named.
        rows: One row per issue, in the matrix's issue order.
    """

    actors: tuple[str, ...]
    rows: tuple[IssueRow, ...]

    def __iter__(self) -> Iterator[IssueRow]:
        return iter(self.rows)

    @property
    def issues(self) -> tuple[str, ...]:
        """The issues' keys."""
        return tuple(r.issue for r in self.rows)

    _EMPTY = "no issues"

    def _table(self) -> tuple[list[str], list[list[str | float | None]], str]:
        rows: list[list[str | float | None]] = [[r.issue, *r.stances, r.gap] for r in self.rows]
        return ["issue", *self.actors, "gap"], rows, ""


def _issue_rows(
    m: StanceMatrix,
    actors: Iterable[str] | None,
    as_of: When,
    sources: Iterable[str] | None,
    keep: str,
    tolerance: float,
) -> IssueStances:
    view = narrow(m, as_of, sources)
    scale = view.scale
    codes = _actor_codes(view, actors)
    grid = _grid(view, codes)
    rows: list[IssueRow] = []
    for i, issue in enumerate(view.issues):
        cells = grid.get(i, {})
        values = [v for _, v in cells.values()]
        if not values:
            continue
        sides = {side(scale, v) for v in values}
        gap = max(values) - min(values)
        if keep == "common":
            if len(cells) < len(codes):
                continue
            if not (gap <= tolerance or sides in ({1}, {-1})):
                continue
        elif not {1, -1} <= sides:
            continue
        stances = tuple(cells[a][0] if a in cells else None for a in codes)
        rows.append(IssueRow(issue.key, stances, gap))
    return IssueStances(tuple(view.actors[a].key for a in codes), tuple(rows))


def common_ground(
    m: StanceMatrix,
    actors: Iterable[str] | None = None,
    *,
    tolerance: float = 0,
    as_of: When = None,
    sources: Iterable[str] | None = None,
) -> IssueStances:
    """Issues on which all the named actors (all actors if None) stand together.

    An issue is common ground when every named actor has a known stance on it and either
    all of them are on the same side of the neutral point, or the highest and the lowest
    stance are at most *tolerance* apart on the scale (with the default 0: all hold the
    very same stance, which includes all neutral).

    Raises:
        UnknownActorError: If an actor is unknown.
        DuplicateKeyError: If an actor is named twice (directly or by alias).
        InvalidValueError: If *tolerance* is negative or not a number.
    """
    if type(tolerance) not in (int, float) or not tolerance >= 0:
        raise InvalidValueError("tolerance", tolerance, "must be a number >= 0")
    return _issue_rows(m, actors, as_of, sources, "common", tolerance)


def deadlocks(
    m: StanceMatrix,
    actors: Iterable[str] | None = None,
    *,
    as_of: When = None,
    sources: Iterable[str] | None = None,
) -> IssueStances:
    """Issues on which some of the named actors (all if None) support and some oppose.

    Support and opposition mean a stance above and below the scale's neutral point;
    actors with no known stance are shown as None and do not count either way.

    Raises:
        UnknownActorError: If an actor is unknown.
        DuplicateKeyError: If an actor is named twice (directly or by alias).
    """
    return _issue_rows(m, actors, as_of, sources, "deadlock", 0)


# -- coverage ------------------------------------------------------------------------------


@attrs.frozen
class Coverage(_table.HtmlView):
    """How many claims and sources back each (actor, issue) cell.

    Attributes:
        actors: The actors' keys, in the matrix's order.
        issues: The issues' keys, in the matrix's order.
        claims: ``claims[a][i]``: the number of claims on the cell.
        sources: ``sources[a][i]``: the number of different sources behind them.
        known: ``known[a][i]``: whether any of them states a stance (not "no position
            reported").
    """

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    claims: tuple[tuple[int, ...], ...]
    sources: tuple[tuple[int, ...], ...]
    known: tuple[tuple[bool, ...], ...]

    @property
    def missing(self) -> tuple[tuple[str, str], ...]:
        """The (actor, issue) cells where no stance is known, in the matrix's order."""
        return tuple(
            (a, i)
            for a, row in zip(self.actors, self.known, strict=True)
            for i, known in zip(self.issues, row, strict=True)
            if not known
        )

    @property
    def share(self) -> float:
        """The share of cells with a known stance (0 for a matrix without cells).

        Actors and issues with no known stance at all count too; see
        :attr:`empty_actors` and :attr:`empty_issues`, and
        ``select(..., drop_empty=True)`` to leave out those without claims.
        """
        cells = len(self.actors) * len(self.issues)
        return sum(map(sum, self.known)) / cells if cells else 0.0

    @property
    def empty_actors(self) -> tuple[str, ...]:
        """The actors with no known stance on any issue, in the matrix's order."""
        return tuple(a for a, row in zip(self.actors, self.known, strict=True) if not any(row))

    @property
    def empty_issues(self) -> tuple[str, ...]:
        """The issues on which no actor has a known stance, in the matrix's order."""
        return tuple(i for n, i in enumerate(self.issues) if not any(row[n] for row in self.known))

    def _note(self) -> str:
        parts = [
            f"{what} {', '.join(keys)}"
            for what, keys in (("actors", self.empty_actors), ("issues", self.empty_issues))
            if keys
        ]
        return "no known stance at all: " + "; ".join(parts) if parts else ""

    _EMPTY = "no actors"

    def _table(self) -> tuple[list[str], list[list[str | float | None]], str]:
        rows: list[list[str | float | None]] = []
        for a, claims, sources, known in zip(
            self.actors, self.claims, self.sources, self.known, strict=True
        ):
            row: list[str | float | None] = [a]
            for c, s, k in zip(claims, sources, known, strict=True):
                row.append(None if not c else f"{c}/{s}" + ("" if k else "?"))
            rows.append(row)
        title = f"claims/sources per cell ({self.share:.0%} of cells known)"
        return ["", *self.issues], rows, title

    def _numeric(self) -> range:
        return range(1, len(self.issues) + 1)


def coverage(
    m: StanceMatrix, *, as_of: When = None, sources: Iterable[str] | None = None
) -> Coverage:
    """Per actor and issue: how many claims and sources back it, and where nothing is known.

    Raises:
        UnknownSourceError: If a source id is unknown.
        InvalidValueError: If *as_of* is not a date.
    """
    view = narrow(m, as_of, sources)
    n_a, n_i = len(view.actors), len(view.issues)
    k = len(view.scale.levels)
    claims = [[0] * n_i for _ in range(n_a)]
    backing = [[0] * n_i for _ in range(n_a)]
    known = [[False] * n_i for _ in range(n_a)]
    cols = store_of(view).cols
    actor, issue, source, stance = cols.actor, cols.issue, cols.source, cols.stance
    for n, hi in cols.runs():  # one cell's rows at a time (they are contiguous)
        a, i = actor[n], issue[n]
        claims[a][i] = hi - n
        backing[a][i] = 1 if hi - n == 1 else len(set(source[n:hi]))
        known[a][i] = min(stance[n:hi]) < k
    return Coverage(
        tuple(a.key for a in view.actors),
        tuple(i.key for i in view.issues),
        tuple(map(tuple, claims)),
        tuple(map(tuple, backing)),
        tuple(map(tuple, known)),
    )
