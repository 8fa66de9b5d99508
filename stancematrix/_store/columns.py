"""The column store: one claim per row, in canonical order, and where each cell's rows lie.

Claims are held column by column in compact arrays (a few bytes each for actor, issue,
stance, source and dates), with their optional text kept aside in a sparse table, so a
matrix of a million text-less votes costs tens of bytes per claim rather than one Python
object each. Row ``n`` is one claim: ``actor[n]``, ``issue[n]`` and ``source[n]`` index the
declared entries, ``stance[n]`` indexes the scale's labels, ``start[n]``/``end[n]`` are
:func:`~stancematrix._dates.encode`-d dates (0 for none; an end is 0 when the date is not a
span; :data:`~stancematrix._dates.END` when it is open), ``until[n]`` the encoded end of
validity (0 for none) and ``text.get(n)`` is its ``(summary, quote, note, dates)``, where
``dates`` is the claim's date and until as written (:func:`~stancematrix._dates.exact`)
when the codes lose their qualifiers, else None.

Rows are in canonical order: by actor, then issue (both in declared order), then date
(undated first, then by start and end), end of validity, source, stance and text. A cell's rows are
therefore contiguous, and :class:`CellIndex` says where they lie.

Both classes are public-internal: every module of the package may read their attributes;
nothing outside ``_store`` builds or changes them.
"""

from __future__ import annotations

import bisect
import sys
from array import array
from collections.abc import Mapping, Sequence
from typing import Any, Final, NamedTuple

from .vector import CellLayout, cell_layout

__all__ = ["NO_TEXT", "CellIndex", "Columns", "Row", "Text", "any_set", "sort_key"]

#: A claim's optional text: summary, quote, note, and its dates as written where the
#: codes lose something (see the module docs).
Text = tuple[str | None, str | None, str | None, str | None]
#: The text of a claim that has none.
NO_TEXT: Final[Text] = (None, None, None, None)


class Row(NamedTuple):
    """One claim as codes and text (see the module docs)."""

    actor: int
    issue: int
    start: int
    end: int
    until: int
    source: int
    stance: int
    summary: str | None
    quote: str | None
    note: str | None
    dates: str | None = None


def any_set(column: array[int]) -> bool:
    """Whether any value of a code column is not 0 (counted in C)."""
    raw = column.tobytes()
    return raw.count(0) != len(raw)


def sort_key(row: Row) -> tuple[Any, ...]:
    """The canonical order of rows (see the module docs)."""
    # None sorts before any text; text fields are never "" so (False, "") is unambiguous.
    return (
        row.actor,
        row.issue,
        row.start,
        row.end,
        row.until,
        row.source,
        row.stance,
        (row.summary is not None, row.summary or ""),
        (row.quote is not None, row.quote or ""),
        (row.note is not None, row.note or ""),
        (row.dates is not None, row.dates or ""),
    )


class CellIndex:
    """Where each (actor, issue) cell's claims lie in the actor-then-issue sorted columns.

    Dense (one offset per possible cell, 8 bytes each) when most cells are filled, as in a
    roll-call matrix; a dictionary of the filled cells when the matrix is sparse.

    Attributes:
        single: True when no cell holds more than one claim (a roll-call matrix). It only
            enables fast paths, so False is always safe.
        dense: The dense offsets (``dense[c]`` is the first row whose cell is ``>= c``,
            with ``c = actor * n_issues + issue``; one more offset than cells), or None
            for a sparse index. Read-only.
        n_issues: The number of issues cells are numbered by.
    """

    __slots__ = ("_by_issue", "_sparse", "_total", "dense", "n_issues", "single")

    dense: array[int] | None
    single: bool
    n_issues: int

    def __init__(self, actor: array[int], issue: array[int], n_actors: int, n_issues: int):
        """Index canonical-order *actor* and *issue* columns."""
        self._adopt(cell_layout(actor, issue, n_actors, n_issues), n_issues, len(actor))

    @classmethod
    def if_ordered(
        cls, actor: array[int], issue: array[int], n_actors: int, n_issues: int
    ) -> CellIndex | None:
        """The index of *actor* and *issue* columns if they are in cell order, else None.

        Rows are in cell order when they are sorted by actor, then issue; whether they are
        also in order within each cell is not looked at.
        """
        layout = cell_layout(actor, issue, n_actors, n_issues)
        if not layout.ordered:
            return None
        self = object.__new__(cls)
        self._adopt(layout, n_issues, len(actor))
        return self

    def _adopt(self, layout: CellLayout, n_issues: int, total: int) -> None:
        self.n_issues = n_issues
        self._total = total
        self._by_issue: dict[int, list[tuple[int, int]]] | None = None
        self.dense = layout.dense
        self._sparse: dict[int, tuple[int, int]] = layout.sparse
        self.single = layout.single

    @classmethod
    def of_dense(cls, dense: array[int], n_issues: int, total: int, single: bool) -> CellIndex:
        """An index over ready-made dense offsets (``len(dense) == cells + 1``)."""
        self = object.__new__(cls)
        self.n_issues, self._total, self.dense = n_issues, total, dense
        self._sparse, self._by_issue, self.single = {}, None, single
        return self

    def issue_spans(self, issue: int, n_actors: int) -> list[tuple[int, int]]:
        """Rows ``lo:hi`` of each cell on *issue*, in actor order (spans may be empty).

        A sparse index lists only the actors with claims on it.
        """
        dense = self.dense
        if dense is not None:
            n = self.n_issues
            return list(zip(dense[issue::n][:n_actors], dense[issue + 1 :: n], strict=False))
        if self._by_issue is None:  # built once: issue -> spans of the actors that have claims
            by_issue: dict[int, list[tuple[int, int]]] = {}
            for c, span in self._sparse.items():
                by_issue.setdefault(c % self.n_issues, []).append(span)
            for spans in by_issue.values():
                spans.sort()
            self._by_issue = by_issue
        return self._by_issue.get(issue, [])

    def span(self, actor: int, issue: int) -> tuple[int, int]:
        """Rows ``lo:hi`` holding the cell's claims (empty if none)."""
        c = actor * self.n_issues + issue
        if self.dense is not None:
            return self.dense[c], self.dense[c + 1]
        return self._sparse.get(c, (0, 0))

    def actor_span(self, actor: int) -> tuple[int, int]:
        """Rows ``lo:hi`` holding every claim of one actor."""
        if self.dense is not None:
            return self.dense[actor * self.n_issues], self.dense[(actor + 1) * self.n_issues]
        spans = [
            self._sparse[c]
            for c in range(actor * self.n_issues, (actor + 1) * self.n_issues)
            if c in self._sparse
        ]
        if not spans:
            return 0, 0
        return spans[0][0], spans[-1][1]


def offsets_after_runs(dense: array[int], runs: Sequence[tuple[int, int]]) -> array[int]:
    """Cell offsets (sorted row numbers) renumbered for keeping only the rows in *runs*.

    An offset inside a kept run ``lo:hi`` moves down by the rows dropped before it; one in
    a dropped gap becomes the number of rows kept before the gap.
    """
    out = array("q")
    kept = done = 0
    for lo, hi in runs:
        gap_end = bisect.bisect_left(dense, lo, done)
        out.extend(array("q", [kept]) * (gap_end - done))
        run_end = bisect.bisect_left(dense, hi, gap_end)
        out.extend(minus(dense[gap_end:run_end], lo - kept))
        kept += hi - lo
        done = run_end
    out.extend(array("q", [kept]) * (len(dense) - done))
    return out


def minus(values: array[int], delta: int) -> array[int]:
    """Every value of an int64 array minus *delta* (each value must be >= delta), in C.

    The array's bytes are read as one big integer with a 64-bit lane per value, so one
    big-integer subtraction of ``delta`` in every lane does it: no lane borrows from the
    next because no value is below *delta*.
    """
    if not delta or not values:
        return values
    raw = values.tobytes()
    ones = (
        (b"\1" + bytes(values.itemsize - 1)) * len(values)
        if sys.byteorder == "little"
        else (bytes(values.itemsize - 1) + b"\1") * len(values)
    )
    shifted = int.from_bytes(raw, sys.byteorder) - delta * int.from_bytes(ones, sys.byteorder)
    out = array(values.typecode)
    out.frombytes(shifted.to_bytes(len(raw), sys.byteorder))
    return out


class Columns:
    """The seven code columns, the sparse text table and the cell index of one matrix.

    Immutable by contract: the arrays are adopted, never copied, and nobody changes them.

    Attributes:
        actor, issue, stance, source, start, end, until: The code columns (see the module
            docs).
        text: Row → ``(summary, quote, note)``, for the rows that have any text.
        cells: Where each cell's rows lie.
    """

    __slots__ = ("actor", "cells", "end", "issue", "source", "stance", "start", "text", "until")

    actor: array[int]
    issue: array[int]
    stance: array[int]
    source: array[int]
    start: array[int]
    end: array[int]
    until: array[int]
    text: Mapping[int, Text]
    cells: CellIndex

    def __init__(
        self,
        actor: array[int],
        issue: array[int],
        stance: array[int],
        source: array[int],
        start: array[int],
        end: array[int],
        until: array[int],
        text: Mapping[int, Text],
        cells: CellIndex,
    ) -> None:
        """Adopt canonical-order columns and their cell index."""
        self.actor, self.issue, self.stance = actor, issue, stance
        self.source, self.start, self.end, self.until = source, start, end, until
        self.text = text
        self.cells = cells

    @classmethod
    def of(cls, codes: Sequence[array[int]], text: Mapping[int, Text], cells: CellIndex) -> Columns:
        """Adopt the seven code columns given in the order of :attr:`codes`."""
        actor, issue, stance, source, start, end, until = codes
        return cls(actor, issue, stance, source, start, end, until, text, cells)

    def __len__(self) -> int:
        return len(self.actor)

    @property
    def codes(self) -> tuple[array[int], ...]:
        """The seven code columns: actor, issue, stance, source, start, end, until."""
        return (
            self.actor,
            self.issue,
            self.stance,
            self.source,
            self.start,
            self.end,
            self.until,
        )

    def row(self, n: int) -> Row:
        """Row *n* as codes and text."""
        summary, quote, note, dates = self.text.get(n, NO_TEXT)
        return Row(
            self.actor[n],
            self.issue[n],
            self.start[n],
            self.end[n],
            self.until[n],
            self.source[n],
            self.stance[n],
            summary,
            quote,
            note,
            dates,
        )

    def runs(self) -> list[tuple[int, int]]:
        """Rows ``lo:hi`` of every filled cell, in row order."""
        actor, issue = self.actor, self.issue
        total = len(actor)
        out: list[tuple[int, int]] = []
        n = 0
        while n < total:
            hi = n + 1
            a, i = actor[n], issue[n]
            while hi < total and actor[hi] == a and issue[hi] == i:
                hi += 1
            out.append((n, hi))
            n = hi
        return out
