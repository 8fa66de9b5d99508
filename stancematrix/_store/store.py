"""The engine's state of one matrix: its declarations and its columns."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from stancematrix._dates import decode, from_exact, period_of
from stancematrix._model import Position

from .columns import NO_TEXT, Columns, Row
from .declare import Declarations

__all__ = ["Store"]

_new = object.__new__
_set = object.__setattr__


class Store:
    """One matrix as the engine holds it: :class:`Declarations` and :class:`Columns`.

    Immutable by contract. Derived data that costs time to make (the grid of cell
    stances, the hash) is made on first use and kept.

    Attributes:
        decl: The declarations.
        cols: The claims' columns and cell index.
        grid: The stance grid of :func:`~stancematrix._store.cells.stance_grid` once it
            has been made, else None (read it directly in hot loops; never set it).
        timing: What the cell rule needs beyond the start column, as
            :func:`~stancematrix._store.cells.timing` makes it on first use (None until
            then).
    """

    __slots__ = ("_hash", "cols", "decl", "grid", "timing")

    decl: Declarations
    cols: Columns
    grid: bytes | None
    timing: Any

    def __init__(self, decl: Declarations, cols: Columns) -> None:
        """Pair declarations with columns coded against them."""
        self.decl = decl
        self.cols = cols
        self.grid = None
        self.timing = None
        self._hash: int | None = None

    def __len__(self) -> int:
        return len(self.cols.actor)

    def claim(self, n: int) -> Position:
        """Row *n* as a :class:`Position`, read straight from the columns."""
        # Every stored row was validated when the matrix was built, so the claim is made
        # without running Position's validators again (a third of the cost of a lookup).
        cols, decl = self.cols, self.decl
        position = _new(Position)
        _set(position, "actor", decl.actors[cols.actor[n]].key)
        _set(position, "issue", decl.issues[cols.issue[n]].key)
        _set(position, "stance", decl.labels[cols.stance[n]])
        _set(position, "source", decl.sources[cols.source[n]].id)
        summary, quote, note, dates = cols.text.get(n, NO_TEXT)
        _set(position, "summary", summary)
        _set(position, "quote", quote)
        _set(position, "note", note)
        _set(position, "order", None)
        if dates is not None:
            date, until, order = from_exact(dates)
            _set(position, "date", date)
            _set(position, "until", until)
            _set(position, "order", order)
            return position
        start = cols.start[n]
        _set(position, "date", period_of(start, cols.end[n]) if start else None)
        until_code = cols.until[n]
        _set(position, "until", decode(until_code) if until_code else None)
        return position

    def claims(self, rows: Iterable[int]) -> Iterator[Position]:
        """The claims of *rows*, in that order."""
        return map(self.claim, rows)

    def position(self, row: Row) -> Position:
        """A coded row (not necessarily stored) as a :class:`Position`."""
        decl = self.decl
        position = _new(Position)
        _set(position, "actor", decl.actors[row.actor].key)
        _set(position, "issue", decl.issues[row.issue].key)
        _set(position, "stance", decl.labels[row.stance])
        _set(position, "source", decl.sources[row.source].id)
        _set(position, "summary", row.summary)
        _set(position, "quote", row.quote)
        _set(position, "date", period_of(row.start, row.end))
        _set(position, "note", row.note)
        _set(position, "until", decode(row.until))
        _set(position, "order", None)
        if row.dates is not None:
            date, until, order = from_exact(row.dates)
            _set(position, "date", date)
            _set(position, "until", until)
            _set(position, "order", order)
        return position

    # -- value semantics ----------------------------------------------------------------

    def _key(self) -> tuple[Any, ...]:
        return (*self.decl.key(), *self.cols.codes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Store):
            return NotImplemented
        if self is other:
            return True
        return self._key() == other._key() and self.cols.text == other.cols.text

    def __hash__(self) -> int:
        if self._hash is None:
            key = self._key()
            columns = tuple(column.tobytes() for column in self.cols.codes)
            self._hash = hash((key[:5], columns, frozenset(self.cols.text.items())))
        return self._hash
