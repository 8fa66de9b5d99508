"""The stance matrix: actors × issues, with every sourced, dated claim behind each cell.

Claims are stored column by column in compact arrays (a few bytes each for actor, issue,
stance, source and dates) with their optional text kept aside in a sparse table, so a
matrix of a million text-less votes costs tens of bytes per claim rather than one Python
object each. :class:`~stancematrix.Position` objects are made on demand.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import types
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple

import attrs

from ._dates import PartialDate, Period, _decode, _encode, _last_day_code, _moment
from ._model import Actor, Issue, Position, Source
from ._scale import Scale
from .exceptions import (
    DuplicateClaimError,
    DuplicateKeyError,
    InvalidValueError,
    StanceMatrixError,
    UnknownActorError,
    UnknownIssueError,
    UnknownSourceError,
)

if TYPE_CHECKING:
    from ._compare import Shifts, Timeline
    from ._diff import MatrixDiff

__all__ = ["StanceMatrix"]

_Text = tuple[str | None, str | None, str | None]  # summary, quote, note
_NO_TEXT: Final[_Text] = (None, None, None)


class _Located(Exception):
    """Internal: an error raised while building, with where it happened."""

    def __init__(self, part: str, index: int, field: str | None, error: StanceMatrixError):
        super().__init__(part, index, field, error)
        self.part = part
        self.index = index
        self.field = field
        self.error = error


class _Row(NamedTuple):
    actor: int
    issue: int
    start: int
    end: int
    source: int
    stance: int
    summary: str | None
    quote: str | None
    note: str | None


def _sort_key(row: _Row) -> tuple[Any, ...]:
    # None sorts before any text; text fields are never "" so (False, "") is unambiguous.
    return (
        row.actor,
        row.issue,
        row.start,
        row.end,
        row.source,
        row.stance,
        (row.summary is not None, row.summary or ""),
        (row.quote is not None, row.quote or ""),
        (row.note is not None, row.note or ""),
    )


def _index_names(
    part: str, entries: Sequence[Actor | Issue]
) -> tuple[dict[str, int], dict[str, int]]:
    """Map exact keys and case-folded keys/aliases to positions; reject collisions."""
    keys: dict[str, int] = {}
    names: dict[str, int] = {}
    for i, entry in enumerate(entries):
        for name in (entry.key, *entry.aliases):
            folded = name.casefold()
            if folded in names and names[folded] != i:
                owner = entries[names[folded]].key
                raise _Located(
                    part, i, "key", DuplicateKeyError(part[:-1], name, (owner, entry.key))
                )
            names[folded] = i
        keys[entry.key] = i
    return keys, names


@functools.lru_cache(maxsize=4096)
def _period(start: int, end: int) -> Period | None:
    first = _decode(start)
    if first is None:
        return None
    return Period(first, _decode(end))


class _CellIndex:
    """Where each (actor, issue) cell's claims lie in the actor-then-issue sorted columns.

    Dense (one offset per possible cell, 8 bytes each) when most cells are filled, as in a
    roll-call matrix; a dictionary of the filled cells when the matrix is sparse.
    """

    __slots__ = ("_dense", "_issues", "_sparse", "_total", "single")

    def __init__(self, actor: array[int], issue: array[int], n_actors: int, n_issues: int):
        self._issues = n_issues
        self._total = len(actor)
        cells = n_actors * n_issues
        self._dense: array[int] | None = None
        self._sparse: dict[int, tuple[int, int]] = {}
        #: True when no cell holds more than one claim (a roll-call matrix).
        self.single = True
        if cells <= 4 * len(actor) + 1024:
            dense = array("q", [0]) * (cells + 1)
            filled = 0  # offsets[c] = first row whose cell is >= c
            for n, c in enumerate(map(n_issues.__mul__, actor)):
                c += issue[n]
                if filled <= c:
                    while filled <= c:
                        dense[filled] = n
                        filled += 1
                else:
                    self.single = False
            while filled <= cells:
                dense[filled] = len(actor)
                filled += 1
            self._dense = dense
            return
        start = 0
        for n in range(1, len(actor) + 1):
            if n == len(actor) or (actor[n], issue[n]) != (actor[start], issue[start]):
                self._sparse[actor[start] * n_issues + issue[start]] = (start, n)
                self.single = self.single and n - start == 1
                start = n

    def span(self, actor: int, issue: int) -> tuple[int, int]:
        """Rows ``lo:hi`` holding the cell's claims (empty if none)."""
        c = actor * self._issues + issue
        if self._dense is not None:
            return self._dense[c], self._dense[c + 1]
        return self._sparse.get(c, (0, 0))

    def actor_span(self, actor: int) -> tuple[int, int]:
        """Rows ``lo:hi`` holding every claim of one actor."""
        if self._dense is not None:
            return self._dense[actor * self._issues], self._dense[(actor + 1) * self._issues]
        spans = [
            self._sparse[c]
            for c in range(actor * self._issues, (actor + 1) * self._issues)
            if c in self._sparse
        ]
        if not spans:
            return 0, 0
        return spans[0][0], spans[-1][1]


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

    __slots__ = (
        "_actor",
        "_actor_keys",
        "_actor_names",
        "_actors",
        "_cells",
        "_end",
        "_hash",
        "_issue",
        "_issue_keys",
        "_issue_names",
        "_issues",
        "_metadata",
        "_scale",
        "_source",
        "_source_keys",
        "_sources",
        "_stance",
        "_start",
        "_text",
    )

    _actors: tuple[Actor, ...]
    _issues: tuple[Issue, ...]
    _sources: tuple[Source, ...]
    _scale: Scale
    _metadata: Mapping[str, str]
    _actor_keys: dict[str, int]
    _actor_names: dict[str, int]
    _issue_keys: dict[str, int]
    _issue_names: dict[str, int]
    _source_keys: dict[str, int]
    _actor: array[int]
    _issue: array[int]
    _stance: array[int]
    _source: array[int]
    _start: array[int]
    _end: array[int]
    _text: dict[int, _Text]
    _cells: _CellIndex
    _hash: int | None

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
            return cls._build(positions, actors, issues, sources, scale, metadata)
        except _Located as located:
            raise located.error from None

    @classmethod
    def _build(
        cls,
        positions: Iterable[Position],
        actors: Iterable[Actor],
        issues: Iterable[Issue],
        sources: Iterable[Source],
        scale: Scale | None,
        metadata: Mapping[str, str] | None,
    ) -> StanceMatrix:
        """Build, raising :class:`_Located` so readers can say where input went wrong."""
        self = cls._declare(actors, issues, sources, scale, metadata)
        rows = [self._encode_row(i, p) for i, p in enumerate(positions)]
        order = sorted(range(len(rows)), key=lambda i: _sort_key(rows[i]))
        self._fill(rows, order)
        return self

    @classmethod
    def _declare(
        cls,
        actors: Iterable[Actor],
        issues: Iterable[Issue],
        sources: Iterable[Source],
        scale: Scale | None,
        metadata: Mapping[str, str] | None,
    ) -> StanceMatrix:
        """A matrix with its declarations checked and indexed, and no claims yet."""
        self = object.__new__(cls)
        self._scale = Scale.five_point() if scale is None else scale
        if not isinstance(self._scale, Scale):
            raise _Located(
                "scale", 0, None, InvalidValueError("scale", self._scale, "must be a Scale")
            )
        self._metadata = _freeze_metadata(metadata)
        self._actors = _entries("actors", actors, Actor)
        self._issues = _entries("issues", issues, Issue)
        self._sources = _entries("sources", sources, Source)
        self._actor_keys, self._actor_names = _index_names("actors", self._actors)
        self._issue_keys, self._issue_names = _index_names("issues", self._issues)
        self._source_keys = {}
        for i, source in enumerate(self._sources):
            if source.id in self._source_keys:
                raise _Located(
                    "sources", i, "id", DuplicateKeyError("source", source.id, (source.id,))
                )
            self._source_keys[source.id] = i
        self._check_parents()
        return self

    @classmethod
    def _from_columns(
        cls,
        *,
        actors: Iterable[Actor],
        issues: Iterable[Issue],
        sources: Iterable[Source],
        scale: Scale | None,
        metadata: Mapping[str, str] | None,
        actor: array[int],
        issue: array[int],
        stance: array[int],
        source: array[int],
        start: array[int],
        end: array[int],
        text: Mapping[int, _Text] | None = None,
        canonical: bool = False,
    ) -> StanceMatrix:
        """Build from coded columns, without making a :class:`Position` per claim.

        Row ``n`` of the six equally long columns is one claim: ``actor[n]``, ``issue[n]``
        and ``source[n]`` index the declared entries, ``stance[n]`` indexes
        ``scale.labels``, and ``start[n]``/``end[n]`` are :func:`_encode`-d dates (0 for
        none; an end is 0 when the date is not a span). ``text`` maps a row to its
        ``(summary, quote, note)`` and leaves out rows without text; it must hold
        non-empty strings or None. The caller is trusted on dates and text (readers
        check those as they parse); codes are range-checked here.

        With ``canonical=True`` the caller promises the rows are already in canonical
        order with no duplicates (as in a slice of another matrix), and nothing is
        sorted or checked for duplicates; otherwise rows are sorted and duplicates
        raise. The columns are adopted, not copied: do not change them afterwards.

        Raises:
            _Located: Like :meth:`_build`, with the input row as the index.
        """
        self = cls._declare(actors, issues, sources, scale, metadata)
        columns = {
            "actor": (actor, len(self._actors)),
            "issue": (issue, len(self._issues)),
            "source": (source, len(self._sources)),
            "stance": (stance, len(self._scale.labels)),
        }
        n = len(actor)
        for field, (column, size) in columns.items():
            if len(column) != n:
                raise _Located(
                    "claims",
                    0,
                    field,
                    InvalidValueError(field, len(column), f"column length differs from {n}"),
                )
            if n and (min(column) < 0 or max(column) >= size):
                bad = next(i for i, code in enumerate(column) if not 0 <= code < size)
                raise _Located(
                    "claims",
                    bad,
                    field,
                    InvalidValueError(field, column[bad], f"code out of range 0..{size - 1}"),
                )
        if len(start) != n or len(end) != n:
            raise _Located(
                "claims", 0, "date", InvalidValueError("date", n, "date column lengths differ")
            )
        texts = dict(text or {})
        if not canonical:
            order = self._canonical_order(actor, issue, start, end, source, stance, texts)
            if order is not None:
                actor, issue, start, end, source, stance = (
                    array(column.typecode, map(column.__getitem__, order))
                    for column in (actor, issue, start, end, source, stance)
                )
                position = {old: new for new, old in enumerate(order)}
                texts = {position[old]: value for old, value in texts.items()}
        self._actor, self._issue, self._stance = actor, issue, stance
        self._source, self._start, self._end = source, start, end
        self._text = texts
        self._hash = None
        self._cells = _CellIndex(actor, issue, len(self._actors), len(self._issues))
        return self

    def _canonical_order(
        self,
        actor: array[int],
        issue: array[int],
        start: array[int],
        end: array[int],
        source: array[int],
        stance: array[int],
        text: Mapping[int, _Text],
    ) -> list[int] | None:
        """The row order that sorts the columns canonically (None if already sorted).

        Raises:
            _Located: If two rows are the same claim.
        """
        # One integer per row orders like _sort_key without the text: cell, start, end,
        # source, stance. Dates are below 10**8 < 2**27.
        n_issues, n_sources = len(self._issues), len(self._sources)
        n_labels = len(self._scale.labels)
        keys = [
            ((((a * n_issues + i) << 27 | s) << 27 | e) * n_sources + src) * n_labels + st
            for a, i, s, e, src, st in zip(actor, issue, start, end, source, stance, strict=True)
        ]
        in_order = all(map(int.__lt__, keys, keys[1:]))
        if in_order:
            return None
        if not text:
            order = sorted(range(len(keys)), key=keys.__getitem__)
            for previous, current in itertools.pairwise(order):
                if keys[previous] == keys[current]:
                    raise _Located(
                        "claims",
                        current,
                        None,
                        DuplicateClaimError(
                            self._position(
                                self._raw(
                                    actor, issue, start, end, source, stance, current, _NO_TEXT
                                )
                            )
                        ),
                    )
            return order

        def full(n: int) -> tuple[Any, ...]:
            summary, quote, note = text.get(n, _NO_TEXT)
            return (
                keys[n],
                (summary is not None, summary or ""),
                (quote is not None, quote or ""),
                (note is not None, note or ""),
            )

        order = sorted(range(len(keys)), key=full)
        for previous, current in itertools.pairwise(order):
            if full(previous) == full(current):
                row = self._raw(
                    actor, issue, start, end, source, stance, current, text.get(current, _NO_TEXT)
                )
                raise _Located("claims", current, None, DuplicateClaimError(self._position(row)))
        return order

    @staticmethod
    def _raw(
        actor: array[int],
        issue: array[int],
        start: array[int],
        end: array[int],
        source: array[int],
        stance: array[int],
        n: int,
        text: _Text,
    ) -> _Row:
        return _Row(actor[n], issue[n], start[n], end[n], source[n], stance[n], *text)

    def _check_parents(self) -> None:
        for i, issue in enumerate(self._issues):
            if issue.parent is not None and issue.parent not in self._issue_keys:
                raise _Located(
                    "issues",
                    i,
                    "parent",
                    UnknownIssueError(issue.parent, self._issue_keys),
                )
            seen = {issue.key}
            parent = issue.parent
            while parent is not None:
                if parent in seen:
                    raise _Located(
                        "issues",
                        i,
                        "parent",
                        InvalidValueError(
                            "Issue.parent", issue.parent, f"issue {issue.key!r} is its own ancestor"
                        ),
                    )
                seen.add(parent)
                parent = self._issues[self._issue_keys[parent]].parent

    def _encode_row(self, index: int, position: Position) -> _Row:
        if not isinstance(position, Position):
            raise _Located(
                "claims", index, None, InvalidValueError("claim", position, "must be a Position")
            )
        actor = self._actor_keys.get(position.actor)
        if actor is None:
            raise _Located(
                "claims", index, "actor", self._unknown(UnknownActorError, position.actor)
            )
        issue = self._issue_keys.get(position.issue)
        if issue is None:
            raise _Located(
                "claims", index, "issue", self._unknown(UnknownIssueError, position.issue)
            )
        source = self._source_keys.get(position.source)
        if source is None:
            raise _Located(
                "claims",
                index,
                "source",
                UnknownSourceError(position.source, self._source_keys),
            )
        try:
            stance = self._scale.code(position.stance)
        except StanceMatrixError as error:
            raise _Located("claims", index, "stance", error) from None
        date = position.date
        return _Row(
            actor,
            issue,
            _encode(date.start) if date is not None else 0,
            _encode(date.end) if date is not None else 0,
            source,
            stance,
            position.summary,
            position.quote,
            position.note,
        )

    def _unknown(
        self, error: type[UnknownActorError | UnknownIssueError], name: str
    ) -> StanceMatrixError:
        """An unknown-key error that points from an alias or miscased key to the key."""
        entries: Sequence[Actor | Issue]
        if error is UnknownActorError:
            names, entries = self._actor_names, self._actors
        else:
            names, entries = self._issue_names, self._issues
        hit = names.get(name.casefold())
        keys = [entry.key for entry in entries]
        return error(name, keys, suggestions=[] if hit is None else [entries[hit].key])

    def _fill(self, rows: Sequence[_Row], order: Sequence[int]) -> None:
        self._actor = array("i")
        self._issue = array("i")
        self._stance = array("b")
        self._source = array("i")
        self._start = array("i")
        self._end = array("i")
        self._text = {}
        self._hash = None
        previous: _Row | None = None
        for n, i in enumerate(order):
            row = rows[i]
            if row == previous:
                raise _Located("claims", i, None, DuplicateClaimError(self._position(row)))
            previous = row
            self._actor.append(row.actor)
            self._issue.append(row.issue)
            self._stance.append(row.stance)
            self._source.append(row.source)
            self._start.append(row.start)
            self._end.append(row.end)
            if row.summary is not None or row.quote is not None or row.note is not None:
                self._text[n] = (row.summary, row.quote, row.note)
        self._cells = _CellIndex(self._actor, self._issue, len(self._actors), len(self._issues))

    # -- reading ------------------------------------------------------------------------

    def _position(self, row: _Row) -> Position:
        return Position(
            actor=self._actors[row.actor].key,
            issue=self._issues[row.issue].key,
            stance=self._scale.labels[row.stance],
            source=self._sources[row.source].id,
            summary=row.summary,
            quote=row.quote,
            date=_period(row.start, row.end),
            note=row.note,
        )

    def _row(self, n: int) -> _Row:
        summary, quote, note = self._text.get(n, _NO_TEXT)
        return _Row(
            self._actor[n],
            self._issue[n],
            self._start[n],
            self._end[n],
            self._source[n],
            self._stance[n],
            summary,
            quote,
            note,
        )

    @property
    def actors(self) -> tuple[Actor, ...]:
        """Every actor, in declared order."""
        return self._actors

    @property
    def issues(self) -> tuple[Issue, ...]:
        """Every issue, in declared order."""
        return self._issues

    @property
    def sources(self) -> tuple[Source, ...]:
        """Every source, in declared (rank) order."""
        return self._sources

    @property
    def scale(self) -> Scale:
        """The stance scale every claim is on."""
        return self._scale

    @property
    def metadata(self) -> Mapping[str, str]:
        """Free-form string metadata (title, citation, licence …), read-only."""
        return self._metadata

    def __len__(self) -> int:
        """The number of claims."""
        return len(self._actor)

    def __iter__(self) -> Iterator[Position]:
        """Every claim, in the matrix's deterministic order."""
        for n in range(len(self._actor)):
            yield self._position(self._row(n))

    def __contains__(self, claim: object) -> bool:
        if not isinstance(claim, Position):
            return False
        actor = self._actor_keys.get(claim.actor)
        issue = self._issue_keys.get(claim.issue)
        if actor is None or issue is None:
            return False
        lo, hi = self._cells.span(actor, issue)
        return any(self._position(self._row(n)) == claim for n in range(lo, hi))

    def actor(self, name: str) -> Actor:
        """The actor with key or alias *name* (case-insensitive).

        Raises:
            UnknownActorError: If no actor has that key or alias; it suggests close ones.
        """
        return self._actors[_find(self._actor_names, self._actors, UnknownActorError, name)]

    def issue(self, name: str) -> Issue:
        """The issue with key or alias *name* (case-insensitive).

        Raises:
            UnknownIssueError: If no issue has that key or alias; it suggests close ones.
        """
        return self._issues[_find(self._issue_names, self._issues, UnknownIssueError, name)]

    def source(self, id: str) -> Source:
        """The source with this id (exact).

        Raises:
            UnknownSourceError: If no source has that id.
        """
        i = self._source_keys.get(id)
        if i is None:
            raise UnknownSourceError(str(id), self._source_keys)
        return self._sources[i]

    def claims(
        self,
        actor: str | None = None,
        issue: str | None = None,
        *,
        source: str | None = None,
        since: PartialDate | datetime.date | str | None = None,
        until: PartialDate | datetime.date | str | None = None,
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
        rows: Iterable[int] = self._rows(actor, issue)
        if source is not None:
            s = self._source_keys[self.source(source).id]
            rows = [n for n in rows if self._source[n] == s]
        if since is not None or until is not None:
            first = _moment(since, "since")[0] if since is not None else 0
            last = _moment(until, "until")[1] if until is not None else 99999999
            start, end = self._start, self._end
            rows = [
                n
                for n in rows
                if start[n] and start[n] <= last and _last_day_code(end[n] or start[n]) >= first
            ]
        return tuple(self._position(self._row(n)) for n in rows)

    def _rows(self, actor: str | None, issue: str | None) -> Sequence[int]:
        """The rows of one actor, one issue, one cell, or all claims."""
        a = self._actor_code(actor) if actor is not None else None
        i = self._issue_code(issue) if issue is not None else None
        if a is not None and i is not None:
            return range(*self._cells.span(a, i))
        if a is not None:
            return range(*self._cells.actor_span(a))
        if i is not None:
            span = self._cells.span
            return [n for k in range(len(self._actors)) for n in range(*span(k, i))]
        return range(len(self._actor))

    def _actor_code(self, name: str) -> int:
        code = self._actor_keys.get(name)
        if code is None:
            code = _find(self._actor_names, self._actors, UnknownActorError, name)
        return code

    def _issue_code(self, name: str) -> int:
        code = self._issue_keys.get(name)
        if code is None:
            code = _find(self._issue_names, self._issues, UnknownIssueError, name)
        return code

    def position(
        self,
        actor: str,
        issue: str,
        as_of: PartialDate | datetime.date | str | None = None,
    ) -> Position | None:
        """The one claim that states *actor*'s stance on *issue*, now or as of a date.

        The rule: among the claims visible at *as_of* (see :meth:`as_of`; all claims
        when it is None) the one with the latest date wins; undated claims count only
        when no dated claim is visible. Claims from different sources on the same date
        are ranked by source order (the first declared source wins), then by the
        matrix's claim order. Use :meth:`claims` or :meth:`as_of` to see every claim,
        including the ones this choice hides.

        Returns:
            The claim, or None when nothing is known about the cell then.

        Raises:
            UnknownActorError, UnknownIssueError: If *actor* or *issue* is unknown.
            InvalidValueError: If *as_of* is not a date.
        """
        lo, hi = self._cells.span(self._actor_code(actor), self._issue_code(issue))
        last = _moment(as_of, "as_of")[1] if as_of is not None else 99999999
        if hi - lo == 1:
            row = lo if self._start[lo] <= last else None
        else:
            latest = self._latest(lo, hi, last)
            row = min(latest, key=self._source.__getitem__, default=None)
        return None if row is None else self._position(self._row(row))

    def _latest(self, lo: int, hi: int, last: int) -> range:
        """Rows ``lo:hi`` of one cell that hold as of the encoded day *last*."""
        start = self._start
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
        return range(first, visible)

    # -- derived matrices ---------------------------------------------------------------

    def as_of(self, date: PartialDate | datetime.date | str) -> StanceMatrix:
        """The snapshot at *date*: in each cell, the claims that hold then.

        A dated claim is visible once its date has begun: its first day is on or before
        *date* (a partial *date* such as ``"2025-03"`` means its last day, so "as of
        March 2025" sees everything dated in March). Each cell keeps its visible claims
        with the latest start; claims from different sources dated alike are all kept,
        so a conflict between sources stays visible. Undated claims are kept in a cell
        only while no dated claim is visible there. Actors, issues, sources and the scale
        are unchanged.

        Raises:
            InvalidValueError: If *date* is not a date.
        """
        last = _moment(date, "as_of")[1]
        start = self._start
        if self._cells.single:
            rows: Sequence[int] = [n for n, s in enumerate(start) if s <= last]
        else:
            actor, issue = self._actor, self._issue
            rows = []
            n, total = 0, len(start)
            while n < total:
                hi = n + 1
                while hi < total and actor[hi] == actor[n] and issue[hi] == issue[n]:
                    hi += 1
                rows.extend(self._latest(n, hi, last))
                n = hi
        if len(rows) == len(start):
            return self
        return self._take(rows)

    def select(
        self,
        actors: Iterable[str] | None = None,
        issues: Iterable[str] | None = None,
        sources: Iterable[str] | None = None,
    ) -> StanceMatrix:
        """The sub-matrix of the named actors, issues and sources, in the order given.

        Args:
            actors: Keys or aliases of the actors to keep, in display order; all if None.
            issues: Keys or aliases of the issues to keep, in display order; all if None.
                An issue whose parent is left out keeps its parent key only if the
                parent is kept; otherwise the link is dropped from the sub-matrix.
            sources: Ids of the sources to keep, in rank order; all if None. Claims
                citing other sources are left out.

        Raises:
            UnknownActorError, UnknownIssueError, UnknownSourceError: If a name is unknown.
            DuplicateKeyError: If a name is given twice (directly or by alias).
        """
        a_codes = _codes(actors, len(self._actors), self._actor_code, "actor", self._actors)
        i_codes = _codes(issues, len(self._issues), self._issue_code, "issue", self._issues)
        s_codes = _codes(
            sources,
            len(self._sources),
            lambda s: self._source_keys[self.source(s).id],
            "source",
            self._sources,
        )
        kept_issues = {self._issues[i].key for i in i_codes}
        new_issues = [
            issue
            if issue.parent is None or issue.parent in kept_issues
            else attrs.evolve(issue, parent=None)
            for issue in (self._issues[i] for i in i_codes)
        ]
        a_map = _remap(a_codes, len(self._actors))
        i_map = _remap(i_codes, len(self._issues))
        s_map = _remap(s_codes, len(self._sources))
        span = self._cells.span
        if issues is None and sources is None:
            rows: list[int] = [n for a in a_codes for n in range(*self._cells.actor_span(a))]
        else:
            source = self._source
            rows = [
                n
                for a in a_codes
                for i in i_codes
                for n in range(*span(a, i))
                if s_map[source[n]] >= 0
            ]
        ordered = s_codes == sorted(s_codes)
        return self._take(
            rows,
            actors=[self._actors[a] for a in a_codes],
            issues=new_issues,
            sources=[self._sources[s] for s in s_codes],
            maps=(a_map, i_map, s_map),
            canonical=ordered,
        )

    def _take(
        self,
        rows: Sequence[int],
        *,
        actors: Sequence[Actor] | None = None,
        issues: Sequence[Issue] | None = None,
        sources: Sequence[Source] | None = None,
        maps: tuple[Sequence[int], Sequence[int], Sequence[int]] | None = None,
        canonical: bool = True,
    ) -> StanceMatrix:
        """A matrix of the given rows, with the declarations recoded through *maps*."""

        def column(values: array[int], recode: Sequence[int] | None = None) -> array[int]:
            taken = map(values.__getitem__, rows)
            if recode is not None:
                taken = map(recode.__getitem__, taken)
            return array(values.typecode, taken)

        a_map, i_map, s_map = maps if maps is not None else (None, None, None)
        text = self._text
        new_text = {new: text[old] for new, old in enumerate(rows) if old in text} if text else {}
        try:
            return StanceMatrix._from_columns(
                actors=self._actors if actors is None else actors,
                issues=self._issues if issues is None else issues,
                sources=self._sources if sources is None else sources,
                scale=self._scale,
                metadata=self._metadata,
                actor=column(self._actor, a_map),
                issue=column(self._issue, i_map),
                stance=column(self._stance),
                source=column(self._source, s_map),
                start=column(self._start),
                end=column(self._end),
                text=new_text,
                canonical=canonical,
            )
        except _Located as located:  # pragma: no cover - a slice of a valid matrix is valid
            raise located.error from None

    # -- queries over time (issue 4) -----------------------------------------------------

    def stance(
        self,
        actor: str,
        issue: str,
        as_of: PartialDate | datetime.date | str | None = None,
    ) -> str | None:
        """The stance label of :meth:`position`, without building the claim.

        The fast accessor for bulk lookups: same rule, same arguments, same errors as
        :meth:`position`; returns the claim's stance, or None when nothing is known then.
        """
        lo, hi = self._cells.span(self._actor_code(actor), self._issue_code(issue))
        if hi - lo == 1 and as_of is None:
            return self._scale.labels[self._stance[lo]]
        last = _moment(as_of, "as_of")[1] if as_of is not None else 99999999
        latest = self._latest(lo, hi, last)
        row = min(latest, key=self._source.__getitem__, default=None)
        return None if row is None else self._scale.labels[self._stance[row]]

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
        from ._compare import timeline

        return timeline(self, actor, issue)

    def shifts(self, actor: str | None = None, issue: str | None = None) -> Shifts:
        """Every stance shift in the matrix (see :meth:`timeline`).

        Optionally only those of one actor or one issue; in the matrix's order: by actor,
        issue, then date.

        Raises:
            UnknownActorError, UnknownIssueError: If *actor* or *issue* is unknown.
        """
        from ._compare import shifts

        return shifts(self, actor, issue)

    # -- diff ---------------------------------------------------------------------------

    def changes(
        self,
        since: PartialDate | datetime.date | str,
        until: PartialDate | datetime.date | str,
        **options: Any,
    ) -> MatrixDiff:
        """What changed between two dates: ``diff(self.as_of(since), self.as_of(until))``.

        Keyword options are those of :func:`stancematrix.diff`.

        Raises:
            InvalidValueError: If *since* or *until* is not a date.
        """
        from ._diff import diff

        return diff(self.as_of(since), self.as_of(until), **options)

    # -- output -------------------------------------------------------------------------

    def to_json(self, *, indent: int | None = 2) -> str:
        """This matrix as a versioned JSON document; see :func:`stancematrix.to_json`."""
        from ._json import to_json

        return to_json(self, indent=indent)

    def to_text(self, **options: Any) -> str:
        """This matrix as a text table (tabulate); *options* as for ``render(m, "text")``.

        Takes ``tablefmt`` (any tabulate format), ``width`` (default: the terminal's) and
        the shared layout options ``transpose``, ``actors``, ``issues``, ``cell``
        (``"stance"``, ``"symbol"``, ``"summary"`` or ``"both"``), ``as_of``, ``labels``,
        ``actor_labels``, ``issue_labels`` and ``corner``.
        """
        from ._formats import _text

        return _text.render(self, **options)

    def to_markdown(self, **options: Any) -> str:
        """This matrix as a GitHub-flavoured Markdown pipe table, every cell escaped.

        Takes ``citations=True`` (footnote markers and a numbered source list) and the
        shared layout options (see :meth:`to_text`).
        """
        from ._formats import _markdown

        return _markdown.render(self, **options)

    def to_csv(self, **options: Any) -> str:
        """This matrix as CSV: ``layout="long"`` (lossless, the default) or ``"wide"``.

        ``spreadsheet_safe`` (default True) neutralises cells a spreadsheet would run as
        formulas; :func:`stancematrix.read_csv` undoes it. The wide layout takes the
        shared layout options (see :meth:`to_text`).
        """
        from ._formats import _csv

        return _csv.render(self, **options)

    def to_html(self, **options: Any) -> str:
        """This matrix as a coloured HTML grid: a page, or a fragment with ``page=False``.

        Takes ``title`` and the shared layout options (see :meth:`to_text`).
        """
        from ._formats import _html

        return _html.render(self, **options)

    def to_dataframe(self, **options: Any) -> Any:
        """This matrix as a pandas DataFrame: ``layout="long"`` (one row per claim) or ``"wide"``.

        Needs the optional ``pandas`` extra.
        """
        from ._formats import _pandas

        return _pandas.to_dataframe(self, **options)

    # -- value semantics ----------------------------------------------------------------

    def _key(self) -> tuple[Any, ...]:
        return (
            self._scale,
            self._actors,
            self._issues,
            self._sources,
            tuple(sorted(self._metadata.items())),
            self._actor,
            self._issue,
            self._stance,
            self._source,
            self._start,
            self._end,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StanceMatrix):
            return NotImplemented
        if self is other:
            return True
        return self._key() == other._key() and self._text == other._text

    def __hash__(self) -> int:
        if self._hash is None:
            key = self._key()
            columns = tuple(column.tobytes() for column in key[5:])
            self._hash = hash((key[:5], columns, frozenset(self._text.items())))
        return self._hash

    def __repr__(self) -> str:
        return (
            f"<StanceMatrix: {len(self._actors)} actors × {len(self._issues)} issues, "
            f"{len(self)} claims from {len(self._sources)} sources, "
            f"scale {self._scale.name!r}>"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild,
            (
                list(self),
                self._actors,
                self._issues,
                self._sources,
                self._scale,
                dict(self._metadata),
            ),
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


def _names(entries: Sequence[Actor | Issue]) -> list[str]:
    return [name for entry in entries for name in (entry.key, *entry.aliases)]


def _find(
    names: Mapping[str, int],
    entries: Sequence[Actor | Issue],
    error: type[UnknownActorError | UnknownIssueError],
    name: str,
) -> int:
    """The position of the entry with key or alias *name*, case-insensitively."""
    i = names.get(name.casefold()) if isinstance(name, str) else None
    if i is None:
        raise error(str(name), _names(entries))
    return i


def _codes(
    names: Iterable[str] | None,
    size: int,
    code: Callable[[str], int],
    kind: str,
    entries: Sequence[Actor | Issue | Source],
) -> list[int]:
    """The codes of the named entries, in the order named; all codes if *names* is None."""
    if names is None:
        return list(range(size))
    if isinstance(names, str):
        names = [names]
    codes: list[int] = []
    seen: dict[int, str] = {}
    for name in names:
        c = code(name)
        if c in seen:
            entry = entries[c]
            key = entry.id if isinstance(entry, Source) else entry.key
            raise DuplicateKeyError(kind, name, (seen[c], key))
        seen[c] = name
        codes.append(c)
    return codes


def _remap(codes: Sequence[int], size: int) -> list[int]:
    """Map old codes to new ones (their position in *codes*); -1 for codes left out."""
    mapping = [-1] * size
    for new, old in enumerate(codes):
        mapping[old] = new
    return mapping


def _entries(part: str, values: Iterable[Any], kind: type[Any]) -> tuple[Any, ...]:
    entries = tuple(values)
    for i, entry in enumerate(entries):
        if not isinstance(entry, kind):
            raise _Located(
                part, i, None, InvalidValueError(part, entry, f"must hold {kind.__name__} values")
            )
    return entries


def _freeze_metadata(metadata: Mapping[str, str] | None) -> Mapping[str, str]:
    items = dict(metadata or {})
    for key, value in items.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise _Located(
                "metadata",
                0,
                str(key),
                InvalidValueError("metadata", (key, value), "keys and values must be strings"),
            )
    return types.MappingProxyType(items)
