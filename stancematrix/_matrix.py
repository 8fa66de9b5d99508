"""The stance matrix: actors × issues, with every sourced, dated claim behind each cell.

:class:`StanceMatrix` is the face of the library's engine (:mod:`stancematrix._store`): its
one piece of state is a :class:`~stancematrix._store.Store` of declarations and coded
columns, and every method resolves what the user typed, asks the engine, and wraps the
answer. :class:`~stancematrix.Position` objects are made on demand.

The output conveniences (``to_text()`` …) go through the format registry
(:mod:`stancematrix._io.registry`), so this module imports no renderer or reader;
timelines, shifts and ``changes()`` come from services that work on stores
(:mod:`stancematrix._query.time`, :mod:`stancematrix._diff.compute`) and never import
this module, so nothing here closes an import cycle.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any, Final, Unpack

from . import _store
from ._dates import END, DateLike, last_day_code, moment
from ._diff.compute import DiffOptions, compare_stores
from ._diff.matrixdiff import MatrixDiff
from ._io import registry
from ._model import Actor, Issue, Position, Source
from ._query.time import Shifts, Timeline, shifts, timeline
from ._scale import Scale
from ._store import Declarations, Problem, Store, cells, slicing
from .exceptions import InvalidValueError

__all__ = ["StanceMatrix"]

When = DateLike

#: The most actors and issues a notebook shows of a matrix (``_repr_html_``).
PREVIEW_ACTORS: Final = 12
PREVIEW_ISSUES: Final = 30


class StanceMatrix:
    """An immutable collection of actors, issues, a scale, sources and claims.

    Several claims may back one (actor, issue) cell: different sources, different dates,
    or a source that says two things. Build a matrix with :meth:`from_positions` or a
    reader such as :func:`stancematrix.read_json`; every constructor validates its input.

    Order is deterministic: actors, issues and sources keep the order they were declared
    in; claims are ordered by actor, then issue (both in declared order), then date
    (undated first, then by start and end), source, stance and text. Two matrices built
    from the same claims in any order are equal, and hash alike.
    """

    __slots__ = ("_store",)

    _store: Store

    def __init__(self) -> None:
        raise TypeError(
            "build a StanceMatrix with StanceMatrix.from_positions() or a reader such as "
            "stancematrix.read_json()"
        )

    # -- construction -------------------------------------------------------------------

    @classmethod
    def from_positions(
        cls,
        positions: Iterable[Position],
        *,
        actors: Iterable[Actor],
        issues: Iterable[Issue],
        sources: Iterable[Source],
        scale: Scale | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> StanceMatrix:
        """Build a matrix from claims and the actors, issues and sources they cite.

        Args:
            positions: The claims, in any order.
            actors: Every actor, in display order.
            issues: Every issue, in display order.
            sources: Every source claims may cite, in rank order.
            scale: The stance scale; :meth:`Scale.five_point` if not given.
            metadata: Free-form string metadata (title, citation, licence …).

        Raises:
            DuplicateKeyError: If two actors (or issues, or sources) share a key, or a key
                or alias of one equals a key or alias of another (case-insensitively).
            UnknownActorError: If a claim names an actor that is not declared.
            UnknownIssueError: If a claim names an undeclared issue, or an issue's parent
                is not declared.
            UnknownSourceError: If a claim cites an undeclared source.
            UnknownStanceError: If a claim's stance is not on the scale.
            DuplicateClaimError: If the same claim is given twice.
            InvalidValueError: If a value has the wrong type or issue parents form a cycle.
        """
        try:
            decl = Declarations.declare(actors, issues, sources, scale, metadata)
            return _store.face(cls, _store.build(decl, positions))
        except Problem as problem:
            raise problem.error from None

    def _wrap(self, store: Store) -> StanceMatrix:
        return self if store is self._store else _store.face(self, store)

    # -- reading ------------------------------------------------------------------------

    @property
    def actors(self) -> tuple[Actor, ...]:
        """Every actor, in declared order."""
        return self._store.decl.actors

    @property
    def issues(self) -> tuple[Issue, ...]:
        """Every issue, in declared order."""
        return self._store.decl.issues

    @property
    def sources(self) -> tuple[Source, ...]:
        """Every source, in declared (rank) order."""
        return self._store.decl.sources

    @property
    def scale(self) -> Scale:
        """The stance scale every claim is on."""
        return self._store.decl.scale

    @property
    def metadata(self) -> Mapping[str, str]:
        """Free-form string metadata (title, citation, licence …), read-only."""
        return self._store.decl.metadata

    def __len__(self) -> int:
        """The number of claims."""
        return len(self._store)

    def __iter__(self) -> Iterator[Position]:
        """Every claim, in the matrix's deterministic order."""
        return self._store.claims(range(len(self._store)))

    def __contains__(self, claim: object) -> bool:
        if not isinstance(claim, Position):
            return False
        decl = self._store.decl
        actor = decl.actor_keys.get(claim.actor)
        issue = decl.issue_keys.get(claim.issue)
        if actor is None or issue is None:
            return False
        lo, hi = self._store.cols.cells.span(actor, issue)
        return any(c == claim for c in self._store.claims(range(lo, hi)))

    def actor(self, name: str) -> Actor:
        """The actor *name* names: its key, an alias or its display name.

        The exact key wins; then a key or alias in any case; then, ignoring case, accents,
        punctuation and spacing, a key or alias and last the display name. Every method
        that takes an actor resolves it this way.

        Raises:
            UnknownActorError: If nothing matches; it suggests close keys, aliases or names.
            AmbiguousNameError: If *name* is the display name of several actors.
        """
        decl = self._store.decl
        return decl.actors[decl.actor_code(name)]

    def issue(self, name: str) -> Issue:
        """The issue *name* names: its key, an alias or its title (resolved as :meth:`actor`).

        Raises:
            UnknownIssueError: If nothing matches; it suggests close keys, aliases or titles.
            AmbiguousNameError: If *name* is the title of several issues.
        """
        decl = self._store.decl
        return decl.issues[decl.issue_code(name)]

    def source(self, id: str) -> Source:
        """The source with this id (exact).

        Raises:
            UnknownSourceError: If no source has that id.
        """
        decl = self._store.decl
        return decl.sources[decl.source_code(id)]

    def claims(
        self,
        actor: str | None = None,
        issue: str | None = None,
        *,
        source: str | None = None,
        since: When | None = None,
        until: When | None = None,
    ) -> tuple[Position, ...]:
        """The claims matching every filter given, in the matrix's order.

        Args:
            actor: Key or alias of an actor.
            issue: Key or alias of an issue.
            source: Id of a source.
            since: Keep claims whose date reaches this date or later (a claim dated
                ``2025-03`` reaches every day of March 2025).
            until: Keep claims whose date starts on or before this date (for a partial
                date, on or before its last day).

        With a date filter, undated claims are left out: nothing says when they held.
        With both *actor* and *issue* this is a constant-time lookup of one cell.

        Raises:
            UnknownActorError, UnknownIssueError, UnknownSourceError: If a filter names
                nothing in the matrix.
            InvalidValueError: If *since* or *until* is not a date.
        """
        store = self._store
        rows: Iterable[int] = self._rows(actor, issue)
        if source is not None:
            s = store.decl.source_code(source)
            rows = [n for n in rows if store.cols.source[n] == s]
        if since is not None or until is not None:
            first = moment(since, "since")[0] if since is not None else 0
            last = moment(until, "until")[1] if until is not None else END
            start, end = store.cols.start, store.cols.end
            rows = [
                n
                for n in rows
                if start[n] and start[n] <= last and last_day_code(end[n] or start[n]) >= first
            ]
        return tuple(store.claims(rows))

    def _rows(self, actor: str | None, issue: str | None) -> Sequence[int]:
        """The rows of one actor, one issue, one cell, or all claims."""
        decl, index = self._store.decl, self._store.cols.cells
        a = decl.actor_code(actor) if actor is not None else None
        i = decl.issue_code(issue) if issue is not None else None
        if a is not None and i is not None:
            return range(*index.span(a, i))
        if a is not None:
            return range(*index.actor_span(a))
        if i is not None:
            spans = index.issue_spans(i, len(decl.actors))
            if index.single:
                return [lo for lo, hi in spans if hi > lo]
            return [n for lo, hi in spans for n in range(lo, hi)]
        return range(len(self._store))

    def position(self, actor: str, issue: str, as_of: When | None = None) -> Position | None:
        """The one claim that states *actor*'s stance on *issue*, now or as of a date.

        The rule: among the claims visible at *as_of* (see :meth:`as_of`; all claims
        when it is None) the one with the latest date wins; undated claims count only
        when no dated claim is visible. Dates compare by their start (a period by its
        first end; where two starts begin on the same day, the more precise one is the
        later: ``2025-03-01`` after ``2025-03``, which is after ``2025``). Claims from
        different sources with the same start are ranked by source order (the first
        declared source wins), then by the matrix's claim order. With *as_of*, a claim
        that has expired by then (see :meth:`as_of`) holds no more, and the cell shows
        nothing if every claim with the latest start has. Use :meth:`claims` or
        :meth:`as_of` to see every claim, including the ones this choice hides;
        :meth:`stance` gives the winning claim's stance alone, faster.

        Returns:
            The claim, or None when nothing is known about the cell then.

        Raises:
            UnknownActorError, UnknownIssueError: If *actor* or *issue* is unknown.
            InvalidValueError: If *as_of* is not a date.
        """
        store = self._store
        lo, hi = store.cols.cells.span(store.decl.actor_code(actor), store.decl.issue_code(issue))
        last = moment(as_of, "as_of")[1] if as_of is not None else END
        row = cells.chosen(store, lo, hi, last) if hi > lo else -1
        return None if row < 0 else store.claim(row)

    def stance(self, actor: str, issue: str, as_of: When | None = None) -> str | None:
        """The stance label of :meth:`position`, without building the claim.

        The fast accessor for bulk lookups: same rule, same arguments, same errors as
        :meth:`position`; returns the claim's stance, or None when nothing is known then.
        """
        store = self._store
        decl = store.decl
        if as_of is None:
            # The common case in a handful of operations: exact keys and the grid of
            # position() stances (made once, on first use, for dense cell indexes).
            # Anything else takes the general path, which also raises the errors.
            grid = store.grid
            if grid is None and store.cols.cells.dense is not None:
                grid = cells.stance_grid(store)
            try:
                code = grid[  # type: ignore[index]
                    decl.actor_keys[actor] * store.cols.cells.n_issues + decl.issue_keys[issue]
                ]
            except (KeyError, TypeError):
                pass
            else:
                return decl.labels[code - 1] if code else None
        lo, hi = store.cols.cells.span(decl.actor_code(actor), decl.issue_code(issue))
        last = moment(as_of, "as_of")[1] if as_of is not None else END
        row = cells.chosen(store, lo, hi, last) if hi > lo else -1
        return None if row < 0 else decl.labels[store.cols.stance[row]]

    # -- derived matrices ---------------------------------------------------------------

    def as_of(self, date: When) -> StanceMatrix:
        """The snapshot at *date*: in each cell, the claims that hold then.

        A dated claim is visible once its date has begun: its first day is on or before
        *date* (a partial *date* such as ``"2025-03"`` means its last day, so "as of
        March 2025" sees everything dated in March). Each cell keeps its visible claims
        with the latest start; claims from different sources dated alike are all kept,
        so a conflict between sources stays visible. Undated claims are kept in a cell
        only while no dated claim is visible there. A claim past its ``until``, or whose
        source has a newer edition of its ``series`` published by *date*, no longer holds:
        it is left out, and still hides the older claims of its cell. Actors, issues,
        sources and the scale are unchanged.

        .. versionchanged:: Unreleased claims expire (``until``, editions).

        Raises:
            InvalidValueError: If *date* is not a date.
        """
        return self._wrap(slicing.as_of(self._store, moment(date, "as_of")[1]))

    def select(
        self,
        actors: Iterable[str] | None = None,
        issues: Iterable[str] | None = None,
        sources: Iterable[str] | None = None,
        *,
        drop_empty: bool = False,
    ) -> StanceMatrix:
        """The sub-matrix of the named actors, issues and sources, in the order given.

        Args:
            actors: Keys or aliases of the actors to keep, in display order; all if None.
            issues: Keys or aliases of the issues to keep, in display order; all if None.
                An issue whose parent is left out keeps its parent key only if the
                parent is kept; otherwise the link is dropped from the sub-matrix.
            sources: Ids of the sources to keep, in rank order; all if None. Claims
                citing other sources are left out.
            drop_empty: Also leave out the actors and issues left without any claim
                (a claim of "no position reported" counts as a claim), e.g. those of
                other editions after selecting one source. Sources are kept as named.

        Raises:
            UnknownActorError, UnknownIssueError, UnknownSourceError: If a name is unknown.
            DuplicateKeyError: If a name is given twice (directly or by alias).
            InvalidValueError: If *drop_empty* is not a bool.

        .. versionchanged:: Unreleased *drop_empty*.
        """
        if not isinstance(drop_empty, bool):
            raise InvalidValueError("drop_empty", drop_empty, "must be True or False")
        store = slicing.select(self._store, actors, issues, sources)
        return self._wrap(slicing.drop_empty(store) if drop_empty else store)

    # -- time ---------------------------------------------------------------------------

    def timeline(self, actor: str, issue: str) -> Timeline:
        """One cell through time: its claims in date order and the shifts between them.

        The cell's stance at each distinct start date of its dated claims is what
        :meth:`position` returns as of that date (the first source by rank among the
        claims starting then). Wherever it changes from one date to the next, a
        :class:`~stancematrix.results.Shift` records the kind (see
        :func:`stancematrix._shifts.classify`), the size of the move on the scale and
        both claims. Undated claims are listed first and take part in no shift: nothing
        says when they held.

        Raises:
            UnknownActorError, UnknownIssueError: If *actor* or *issue* is unknown.
        """
        decl = self._store.decl
        return timeline(self._store, decl.actor_code(actor), decl.issue_code(issue))

    def shifts(self, actor: str | None = None, issue: str | None = None) -> Shifts:
        """Every stance shift in the matrix (see :meth:`timeline`).

        Optionally only those of one actor or one issue; in the matrix's order: by actor,
        issue, then date.

        Raises:
            UnknownActorError, UnknownIssueError: If *actor* or *issue* is unknown.
        """
        decl = self._store.decl
        a_codes = range(len(decl.actors)) if actor is None else [decl.actor_code(actor)]
        i_codes = range(len(decl.issues)) if issue is None else [decl.issue_code(issue)]
        return shifts(self._store, a_codes, i_codes)

    def changes(
        self,
        since: When,
        until: When,
        **options: Unpack[DiffOptions],
    ) -> MatrixDiff:
        """What changed between two dates: ``diff(self.as_of(since), self.as_of(until))``.

        The keyword options are those of :func:`stancematrix.diff`.

        Raises:
            InvalidValueError: If *since* or *until* is not a date.
            UnknownActorError, UnknownIssueError: If *actors* or *issues* names an
                unknown one.
        """
        return compare_stores(self.as_of(since)._store, self.as_of(until)._store, **options)

    # -- output -------------------------------------------------------------------------

    def to_json(self, *, indent: int | None = 2) -> str:
        """This matrix as a versioned JSON document; see :func:`stancematrix.to_json`."""
        return registry.render(self, "json", indent=indent)

    def to_text(self, **options: Any) -> str:
        """This matrix as a text table; *options* as for ``render(m, "text")``.

        Takes ``tablefmt`` (one of the escaped formats the README lists; others raise
        :class:`~stancematrix.exceptions.UnsupportedFormatError`), ``width`` (default: the
        terminal's; the table fits it, falling back to key labels, then symbols, then
        column groups), ``max_rows`` and ``max_columns`` (a preview: the first and last
        rows or columns with a ``…`` between and a line counting the rest; by default
        every row and column is drawn) and the shared layout options: the fields of
        :class:`~stancematrix._io.layout.Layout`.
        """
        return registry.render(self, "text", **options)

    def to_markdown(self, **options: Any) -> str:
        """This matrix as a GitHub-flavoured Markdown pipe table, every cell escaped.

        Takes ``citations=True`` (footnote markers and a numbered source list) and the
        shared layout options (see :meth:`to_text`).
        """
        return registry.render(self, "markdown", **options)

    def to_csv(self, **options: Any) -> str:
        """This matrix as CSV: ``layout="long"`` (lossless, the default) or ``"wide"``.

        ``spreadsheet_safe`` (default True) neutralises cells a spreadsheet would run as
        formulas; :func:`stancematrix.read_csv` undoes it. The wide layout takes the
        shared layout options (see :meth:`to_text`).
        """
        return registry.render(self, "csv", **options)

    def to_html(self, **options: Any) -> str:
        """This matrix as a coloured HTML grid: a page, or a fragment with ``page=False``.

        Takes ``title`` and the shared layout options (see :meth:`to_text`).
        """
        return registry.render(self, "html", **options)

    def to_dataframe(self, **options: Any) -> Any:
        """This matrix as a pandas DataFrame: ``layout="long"`` (one row per claim) or ``"wide"``.

        Needs the optional ``pandas`` extra.
        """
        return registry.dataframes().to_dataframe(self, **options)

    def to_arrow(self) -> Any:
        """The claims as a ``pyarrow.Table``, lossless (see :func:`stancematrix.from_arrow`).

        One row per claim, the long layout's string columns (``actor``, ``issue``,
        ``stance``, ``source``, ``date``, ``summary``, ``quote``, ``note``; null where
        empty), and the declarations (actors, issues, sources, scale, metadata) as JSON
        under the schema metadata key ``stancematrix``.

        Raises:
            MissingDependencyError: If pyarrow is not installed (the ``arrow`` extra).
        """
        return registry.arrow().to_arrow(self)

    def to_parquet(self, path: str | os.PathLike[str] | IO[bytes]) -> None:
        """Write this matrix to a Parquet file, lossless (see :func:`stancematrix.read_parquet`).

        The file holds :meth:`to_arrow`'s table, the declarations in its key-value
        metadata. Needs the optional ``arrow`` extra.
        """
        registry.get("parquet").load().to_parquet(self, path)

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """The claims table (:meth:`to_arrow`) as an Arrow C stream (the PyCapsule protocol).

        So ``pyarrow.table(m)``, ``polars.DataFrame(m)`` and DuckDB's
        ``duckdb.sql("select * from m")`` read a matrix directly.
        """
        return self.to_arrow().__arrow_c_stream__(requested_schema)

    def _repr_html_(self) -> str:
        """Jupyter's view: the HTML grid of the first actors and issues, and what was cut.

        At most :data:`PREVIEW_ACTORS` actors and :data:`PREVIEW_ISSUES` issues are drawn,
        so a matrix of the size of the UN votes displays at once; ``to_html()`` draws all.
        """
        decl = self._store.decl
        head = f"<p><code>{html.escape(repr(self))}</code></p>"
        if not decl.actors or not decl.issues:
            return head
        actors = [a.key for a in decl.actors[:PREVIEW_ACTORS]]
        issues = [i.key for i in decl.issues[:PREVIEW_ISSUES]]
        body = registry.render(self, "html", page=False, actors=actors, issues=issues)
        if len(actors) < len(decl.actors) or len(issues) < len(decl.issues):
            body += (
                f"<p><em>Showing {len(actors)} of {len(decl.actors)} actors and "
                f"{len(issues)} of {len(decl.issues)} issues: <code>select(...)</code> "
                "narrows the matrix, <code>to_html()</code> draws it all.</em></p>\n"
            )
        return head + "\n" + body

    # -- value semantics ----------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StanceMatrix):
            return NotImplemented
        return self._store == other._store

    def __hash__(self) -> int:
        return hash(self._store)

    def __repr__(self) -> str:
        decl = self._store.decl
        return (
            f"<StanceMatrix: {len(decl.actors)} actors × {len(decl.issues)} issues, "
            f"{len(self)} claims from {len(decl.sources)} sources, "
            f"scale {decl.scale.name!r}>"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        decl = self._store.decl
        return (
            _rebuild,
            (list(self), decl.actors, decl.issues, decl.sources, decl.scale, dict(decl.metadata)),
        )


def _rebuild(
    positions: list[Position],
    actors: tuple[Actor, ...],
    issues: tuple[Issue, ...],
    sources: tuple[Source, ...],
    scale: Scale,
    metadata: dict[str, str],
) -> StanceMatrix:
    return StanceMatrix.from_positions(
        positions, actors=actors, issues=issues, sources=sources, scale=scale, metadata=metadata
    )
