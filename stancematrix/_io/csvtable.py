"""A CSV table read a batch of rows at a time into columns: what mapped reading reads.

:class:`Table` reads the rows from the input's stream of text pieces (never the whole
text), keeps each column's equal values once, and finds a row's line only when an error
needs it; :class:`ReadErrors` is where a reader's problems go.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import chain, islice, repeat
from typing import Any, Final

from stancematrix._io.schema import CLAIM_COLUMNS
from stancematrix._io.source import Stream, lines
from stancematrix.exceptions import SHOWN, InvalidValueError, ReadError, shown

__all__ = ["MAPPED_FIELDS", "ReadErrors", "Table", "field_limit", "mapped_columns"]

MAPPED_FIELDS: Final = (*CLAIM_COLUMNS, "actor_name", "issue_title")
"""The fields a column mapping may name."""
_BATCH: Final = 1 << 13  # rows read by the csv module at a time


class ReadErrors:
    """A reader's :class:`ReadError` s: raised at once, or (lenient) collected in ``errors``."""

    def __init__(self, name: str, lenient: bool) -> None:
        self.name = name
        self.errors: list[ReadError] | None = [] if lenient else None

    def add(self, error: ReadError) -> None:
        """Raise *error*, or collect it when lenient."""
        if self.errors is None:
            raise error
        self.errors.append(error)


def mapped_columns(
    header: list[str], columns: Mapping[str, str | Sequence[str]], name: str
) -> dict[str, list[int]]:
    """Field → the header's indices of the columns mapped to it (a fallback chain).

    Raises:
        ReadError: If a column appears twice in the header or a mapped one is missing.
        InvalidValueError: If *columns* maps an unknown field or misses a required one.
    """
    index: dict[str, int] = {}
    for i, column in enumerate(header):
        if column in index:
            raise ReadError(
                f"column {shown(column)} appears twice in the header",
                source=name,
                line=1,
                column=i + 1,
                value=column,
            )
        index[column] = i
    out: dict[str, list[int]] = {}
    for field, given in columns.items():
        if field not in MAPPED_FIELDS:
            raise InvalidValueError(
                "columns", field, f"must map fields among {', '.join(MAPPED_FIELDS)}"
            )
        names = [given] if isinstance(given, str) else list(given)
        if not names:
            raise InvalidValueError("columns", given, f"gives no column for {field!r}")
        for column in names:
            if column not in index:
                raise ReadError(
                    f"missing required column {shown(column)} (mapped to {field}); "
                    f"the header has {_listed(header)}",
                    source=name,
                    line=1,
                    field=column,
                )
        out[field] = [index[c] for c in names]
    for field in ("actor", "issue", "stance"):
        if field not in out:
            raise InvalidValueError("columns", dict(columns), f"must map {field!r} to a column")
    return out


class Table:
    """A table's rows, column by column, with each row's line found only when needed.

    Rows that do not have the header's width (read leniently) are kept apart in
    ``ragged`` (data row → its fields); ``columns`` hold the other rows.
    """

    stream: Stream | None
    one_line_rows: bool
    header: list[str]
    width: int
    ragged: dict[int, list[str]]
    columns: list[Sequence[str]]

    def __init__(self, name: str, header: list[str], columns: Sequence[Sequence[str]]) -> None:
        """A table given column by column (rows are numbered as CSV lines, header first)."""
        self.stream = None
        self.one_line_rows = False
        self._starts: list[int] = []
        self._reader: Any = None
        self.name = name
        self.header = header
        self.width = len(header)
        self.ragged = {}
        self.columns = list(columns)
        self.count = len(columns[0]) if columns else 0  # data rows, ragged ones included
        self._plain_lines = 0  # lines split by _split_plain before the csv reader took over

    @classmethod
    def parse(
        cls,
        stream: Stream,
        columns: Mapping[str, str | Sequence[str]] | None = None,
        problems: ReadErrors | None = None,
    ) -> Table:
        """Read CSV from *stream*, a batch of rows at a time.

        Each column's equal values are kept once. Pieces of text without quotes, CR or
        NUL whose lines all have the header's width are split by commas and newlines in
        C (they mean to the csv module exactly what they mean to ``str.split``); the rest
        go through the C csv reader. Given *columns*, the header is checked against them
        as soon as it is read; given *problems* that raise, a ragged row is reported as
        soon as it is met.
        """
        self = cls(stream.name, [], [])
        self.stream = stream
        self.one_line_rows = True
        texts = iter(stream.texts())
        shared: list[dict[str, str]] = []

        def start(header: list[str]) -> None:
            self.header, self.width = header, len(header)
            self.columns = [[] for _ in header]
            shared.extend({} for _ in header)
            if columns is not None:
                mapped_columns(header, columns, self.name)

        def extend(given: Sequence[Sequence[str]]) -> None:
            for column, seen, values in zip(self.columns, shared, given, strict=False):
                column.extend(map(seen.setdefault, values, values))  # type: ignore[attr-defined]

        def add(batch: list[list[str]]) -> None:
            if any(n != self.width for n in set(map(len, batch))):
                fitting = []
                for k, row in enumerate(batch, self.count):
                    if len(row) == self.width:
                        fitting.append(row)
                        continue
                    self.ragged[k] = row
                    if problems is not None and problems.errors is None:
                        raise self.ragged_error(k)
                self.count += len(batch)
                batch = fitting
            else:
                self.count += len(batch)
            if batch:
                extend(list(zip(*batch, strict=True)))

        piece = next(texts, None)
        while piece is not None:
            split = self._split_plain(piece, start)
            if split is None:
                break
            extend(split)
            self.count += len(split[0]) if split else 0
            piece = next(texts, None)
        if piece is not None:  # the rest through the csv module, from this piece on
            self.one_line_rows = False
            reader = csv.reader(lines(chain([piece], texts)), strict=True)
            try:
                if not self.header:
                    start(next(reader, []))
                last: list[str] | None = None
                while batch := list(islice(reader, _BATCH)):
                    if last is not None:
                        add([last])
                    last = batch.pop()
                    if batch:
                        add(batch)
                if last is not None and last != []:  # a last empty line is no row
                    add([last])
            except csv.Error as error:
                raise ReadError(
                    f"malformed CSV: {error}", source=self.name, line=self.lines_read(reader)
                ) from error
        if not self.header:
            start([])
        return self

    def lines_read(self, reader: Any) -> int:
        """The line *reader* stands on, counted from the start of the input."""
        return int(reader.line_num) + self._plain_lines

    def _split_plain(
        self, piece: str, start: Callable[[list[str]], None]
    ) -> list[Sequence[str]] | None:
        """The columns of *piece* split by commas and newlines in C, or None if it may not be."""
        if '"' in piece or "\r" in piece or "\x00" in piece:
            return None
        body = piece[:-1] if piece.endswith("\n") else piece
        found = body.split("\n")
        header: list[str] | None = None
        if not self.header:
            header = found[0].split(",")
            if len(header) < 2 or len(found) < 2:
                return None
            found = found[1:]
        width = len(header or self.header)
        if width < 2 or set(map(str.count, found, repeat(","))) != {width - 1}:
            return None
        if header is not None:
            start(header)
            self._plain_lines += 1
        self._plain_lines += len(found)
        fields = ",".join(found).split(",")
        return [fields[c::width] for c in range(width)]

    def row(self, row: int) -> list[str]:
        """Data row *row* (0-based) as read."""
        if row in self.ragged:
            return self.ragged[row]
        k = row - sum(1 for r in self.ragged if r < row)
        return [column[k] for column in self.columns]

    def ragged_error(self, row: int) -> ReadError:
        """The error of ragged data row *row*."""
        fields = self.ragged[row]
        return self.error(
            f"ragged row: {len(fields)} fields where the header has {self.width}",
            row,
            None,
            fields,
        )

    def line(self, row: int) -> int:
        """The line data row *row* (0-based) starts on (found by reading up to it again)."""
        if self.stream is None or self.one_line_rows:
            return row + 2
        if self._reader is None:
            self._reader = csv.reader(lines(self.stream.texts()))
            next(self._reader, None)
            self._starts = [self._reader.line_num + 1]
        while len(self._starts) <= row + 1:
            if next(self._reader, None) is None:
                break
            self._starts.append(self._reader.line_num + 1)
        return self._starts[min(row, len(self._starts) - 1)]

    def error(self, reason: str, row: int, column: int | None, value: object) -> ReadError:
        """A :class:`ReadError` placed at data row *row* and (0-based) *column*."""
        return ReadError(
            reason,
            source=self.name,
            line=self.line(row),
            column=None if column is None else column + 1,
            field=None if column is None else self.header[column],
            value=value,
        )


_FIELD_LIMIT_LOCK = threading.Lock()
_DEFAULT_FIELD_LIMIT: Final = 128 * 1024


@contextmanager
def field_limit(size: int) -> Iterator[None]:
    """Let the csv module read fields of up to *size* characters while reading.

    The csv module refuses fields over ``csv.field_size_limit()`` (128 KiB by default),
    which would make long text fields written by :func:`render` unreadable. No field is
    longer than the text it is in, so for text longer than the default limit the limit is
    raised to the text's length, under a lock, and put back afterwards.
    """
    if size <= _DEFAULT_FIELD_LIMIT and size <= csv.field_size_limit():
        yield
        return
    with _FIELD_LIMIT_LOCK:
        saved = csv.field_size_limit()
        csv.field_size_limit(max(saved, size))
        try:
            yield
        finally:
            csv.field_size_limit(saved)


def _listed(header: Sequence[str]) -> str:
    """The header's column names for an error message, cut to a short prefix.

    The "header" may be the first line of a file nobody meant to read (a one-line ``str``
    is a file name, see :func:`stancematrix.read_csv`), so it is never echoed whole.
    """
    count = f"{len(header)} column{'s' if len(header) != 1 else ''}"
    names = ", ".join(map(repr, header))
    return f"{count}: {names if len(names) <= SHOWN else names[: SHOWN - 1] + '…'}"
