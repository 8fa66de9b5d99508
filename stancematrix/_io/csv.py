"""CSV (RFC 4180, via the csv module): a lossless long layout, a wide layout, and any table.

**Long layout** (``layout="long"``, the default): one row per record, with a header. The
first column, ``record``, says what the row holds; the other columns are the model's
field names, empty where a record has no such field or the field is None (text fields are
never ``""``, so empty always means "none")::

    record,actor,issue,stance,source,date,summary,quote,note,key,name,title,proposition,
      kind,aliases,parent,description,tags,author,publisher,document,published,label,
      value,symbol

=============  =========================================================================
record         fields
=============  =========================================================================
``format``     ``key`` (``spreadsheet-safe`` or ``plain``), ``value`` (the version, 1);
               always the first row
``metadata``   ``key``, ``value``
``scale``      ``name``, ``label`` and ``symbol`` (the unknown label and its symbol)
``level``      ``label``, ``value``, ``symbol``, in scale order
``actor``      ``key``, ``name``, ``kind``, ``aliases``
``issue``      ``key``, ``title``, ``proposition``, ``parent``, ``description``,
               ``aliases``, ``date``, ``tags``
``source``     ``key`` (the id), ``title``, ``author``, ``publisher``, ``document``,
               ``published``
``claim``      ``actor``, ``issue``, ``stance``, ``source``, ``date``, ``summary``,
               ``quote``, ``note``
=============  =========================================================================

``aliases`` and ``tags`` are JSON lists (``["Kyiv","Ukrainian Government"]``); dates are
``2025``, ``2025-07``, ``2025-07-14`` or ``START/END``; level values are numbers.
:func:`read` reads it back equal to the matrix written.

**Spreadsheet safety** (``spreadsheet_safe=True``, the default): a spreadsheet evaluates a
cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return as a formula, so
text from articles or other people's data could run formulas (CSV injection). Such text
cells get a leading ``'`` (see :func:`stancematrix._escape.neutralise_formula`); the
``format`` row records this and the long reader undoes it exactly, so the round trip
stays lossless. It is on by default because CSV files are mostly opened in
spreadsheets and the cost is small and reversible; pass ``spreadsheet_safe=False`` for
tools that read the CSV themselves and want the text untouched.

**Wide layout** (``layout="wide"``): the grid of the shared layout options (issues × actors
by default, see :mod:`stancematrix._io.layout`) for spreadsheets; not meant to be read back.

**Any table**: :func:`read` with ``columns=`` maps a long table's columns onto claims,
e.g. roll-call votes with ``columns={"actor": ("country_code", "country"), "issue":
"rcid", "stance": "vote"}`` and ``scale=Scale.votes()``.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import re
import threading
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import repeat
from typing import Any, Final, Literal, overload

from stancematrix._dates import PartialDate, Period, encode, period_of
from stancematrix._escape import neutralise_formula, restore_formula
from stancematrix._io.layout import Cell, Labels, grid
from stancematrix._io.source import Input, read_text
from stancematrix._matrix import StanceMatrix
from stancematrix._model import Actor, Issue, Position, Source
from stancematrix._scale import Level, Scale
from stancematrix._store import (
    NO_TEXT,
    Declarations,
    Problem,
    Problems,
    Text,
    face,
    from_columns,
    store_of,
)
from stancematrix._store import build as build_store
from stancematrix.exceptions import InvalidValueError, ReadError, StanceMatrixError

__all__ = ["COLUMNS", "EXTENSIONS", "FORMAT_VERSION", "MAPPED_FIELDS", "NAME", "read", "render"]

NAME: Final = "csv"
EXTENSIONS: Final = (".csv",)
FORMAT_VERSION: Final = 1

COLUMNS: Final = (
    "record",
    "actor",
    "issue",
    "stance",
    "source",
    "date",
    "summary",
    "quote",
    "note",
    "key",
    "name",
    "title",
    "proposition",
    "kind",
    "aliases",
    "parent",
    "description",
    "tags",
    "author",
    "publisher",
    "document",
    "published",
    "label",
    "value",
    "symbol",
)
_INDEX: Final = {name: i for i, name in enumerate(COLUMNS)}
_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "format": ("key", "value"),
    "metadata": ("key", "value"),
    "scale": ("name", "label", "symbol"),
    "level": ("label", "value", "symbol"),
    "actor": ("key", "name", "kind", "aliases"),
    "issue": (
        "key",
        "title",
        "proposition",
        "parent",
        "description",
        "aliases",
        "date",
        "tags",
    ),
    "source": ("key", "title", "author", "publisher", "document", "published"),
    "claim": ("actor", "issue", "stance", "source", "date", "summary", "quote", "note"),
}
_NUMERIC: Final = {("level", "value"), ("format", "value")}
_JSON_LISTS: Final = ("aliases", "tags")
# A number as render writes it (JSON's grammar): no spaces, underscores, signs or words.
_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")

MAPPED_FIELDS: Final = (
    "actor",
    "issue",
    "stance",
    "source",
    "date",
    "summary",
    "quote",
    "note",
    "actor_name",
    "issue_title",
)
"""The fields a column mapping may name."""


# -- writing --------------------------------------------------------------------------------


def _number(value: float) -> str:
    return repr(value)


def _long_rows(matrix: StanceMatrix, safe: bool) -> Iterator[list[str]]:
    width = len(COLUMNS)

    def text(value: object) -> str:
        if value is None or value == ():
            return ""
        if isinstance(value, tuple):
            return json.dumps(list(value), ensure_ascii=False)
        out = str(value)
        return neutralise_formula(out) if safe else out

    def row(record: str, **fields: object) -> list[str]:
        out = [""] * width
        out[0] = record
        for name, value in fields.items():
            if (record, name) in _NUMERIC:
                out[_INDEX[name]] = str(value)
            else:
                out[_INDEX[name]] = text(value)
        return out

    yield list(COLUMNS)
    yield row("format", key="spreadsheet-safe" if safe else "plain", value=FORMAT_VERSION)
    for key, value in matrix.metadata.items():
        yield row("metadata", key=key, value=value)
    scale = matrix.scale
    yield row("scale", name=scale.name, label=scale.unknown, symbol=scale.unknown_symbol)
    for level in scale.levels:
        yield row("level", label=level.label, value=_number(level.value), symbol=level.symbol)
    for actor in matrix.actors:
        yield row("actor", key=actor.key, name=actor.name, kind=actor.kind, aliases=actor.aliases)
    for issue in matrix.issues:
        yield row(
            "issue",
            key=issue.key,
            title=issue.title,
            proposition=issue.proposition,
            parent=issue.parent,
            description=issue.description,
            aliases=issue.aliases,
            date=issue.date,
            tags=issue.tags,
        )
    for source in matrix.sources:
        yield row(
            "source",
            key=source.id,
            title=source.title,
            author=source.author,
            publisher=source.publisher,
            document=source.document,
            published=source.published,
        )
    # Claims straight from the matrix's columns: no Position per claim.
    actor_keys = [text(a.key) for a in matrix.actors]
    issue_keys = [text(i.key) for i in matrix.issues]
    source_ids = [text(s.id) for s in matrix.sources]
    labels = [text(label) for label in scale.labels]
    dates: dict[tuple[int, int], str] = {}
    cols = store_of(matrix).cols
    texts = cols.text
    blank = [""] * (width - 9)
    for n, (a, i, st, src, start, end) in enumerate(zip(*cols.codes, strict=True)):
        date = dates.get((start, end))
        if date is None:
            date = dates[start, end] = "" if start == 0 else text(period_of(start, end))
        summary, quote, note = texts.get(n, NO_TEXT)
        yield [
            "claim",
            actor_keys[a],
            issue_keys[i],
            labels[st],
            source_ids[src],
            date,
            text(summary),
            text(quote),
            text(note),
            *blank,
        ]


def render(
    matrix: StanceMatrix,
    *,
    layout: Literal["long", "wide"] = "long",
    spreadsheet_safe: bool = True,
    transpose: bool = False,
    actors: Sequence[str] | None = None,
    issues: Sequence[str] | None = None,
    cell: Cell = "stance",
    as_of: Any = None,
    labels: Labels = "name",
    actor_labels: Mapping[str, str] | None = None,
    issue_labels: Mapping[str, str] | None = None,
    corner: str | None = None,
) -> str:
    """Write *matrix* as CSV text (rows end in CRLF, as RFC 4180 says).

    Args:
        matrix: The matrix.
        layout: ``"long"`` (lossless, one row per record; see the module docs) or
            ``"wide"`` (the grid, for spreadsheets).
        spreadsheet_safe: Neutralise text cells a spreadsheet would run as formulas by
            prefixing ``'`` (undone by the long reader). On by default; see the module
            docs for why.
        transpose: Rows are actors and columns issues (default: the reverse); wide layout only.
        actors: Keys or aliases of the actors to show, in order (default: all).
        issues: Keys or aliases of the issues to show, in order (default: all).
        cell: What a cell shows: ``"stance"``, ``"symbol"``, ``"summary"`` or ``"both"``.
        as_of: Show only the claims that hold on this date (see ``StanceMatrix.as_of``).
        labels: Label actors and issues by ``"name"`` (names and titles) or ``"key"``.
        actor_labels: Actor key or alias → header label, overriding *labels*.
        issue_labels: Issue key or alias → row label, overriding *labels*.
        corner: The top-left header (default ``"Issue"``, or ``"Actor"`` transposed).

    Raises:
        InvalidValueError: If *layout* is not ``"long"`` or ``"wide"``, or a layout option
            is given with the long layout.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if layout == "long":
        given = {
            "transpose": transpose,
            "actors": actors,
            "issues": issues,
            "as_of": as_of,
            "actor_labels": actor_labels,
            "issue_labels": issue_labels,
            "corner": corner,
        }
        for option, value in given.items():
            if value not in (None, False):
                raise InvalidValueError(option, value, "is a wide-layout option")
        for option, value, default in (("cell", cell, "stance"), ("labels", labels, "name")):
            if value != default:
                raise InvalidValueError(option, value, "is a wide-layout option")
        writer.writerows(_long_rows(matrix, spreadsheet_safe))
        return buffer.getvalue()
    if layout != "wide":
        raise InvalidValueError("layout", layout, "must be 'long' or 'wide'")
    table = grid(
        matrix,
        transpose=transpose,
        actors=actors,
        issues=issues,
        cell=cell,
        as_of=as_of,
        labels=labels,
        actor_labels=actor_labels,
        issue_labels=issue_labels,
        corner=corner,
    )
    safe = neutralise_formula if spreadsheet_safe else str
    writer.writerow([safe(table.corner), *map(safe, table.column_labels)])
    text = table.text
    writer.writerows(
        [safe(label), *[safe(text(span)) for span in spans]]
        for label, spans in zip(table.row_labels, table.spans, strict=True)
    )
    return buffer.getvalue()


# -- reading --------------------------------------------------------------------------------


class _Rows:
    """CSV rows with the line each starts on."""

    def __init__(self, text: str, name: str) -> None:
        self.name = name
        self.reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        self.line = 1

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        while True:
            start = self.reader.line_num + 1
            try:
                row = next(self.reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise ReadError(
                    f"malformed CSV: {error}", source=self.name, line=self.reader.line_num
                ) from error
            yield start, row


class _Problems:
    def __init__(self, name: str, lenient: bool) -> None:
        self.name = name
        self.errors: list[ReadError] | None = [] if lenient else None

    def add(self, error: ReadError) -> None:
        if self.errors is None:
            raise error
        self.errors.append(error)


def _long(text: str, name: str, problems: _Problems) -> StanceMatrix:
    rows = iter(_Rows(text, name))
    first = next(rows, None)
    if first is None or first[1] != list(COLUMNS):
        header = [] if first is None else first[1]
        # The first column that differs (a missing, extra, repeated or renamed column).
        k = next(
            (k for k, (a, b) in enumerate(zip(header, COLUMNS, strict=False)) if a != b),
            min(len(header), len(COLUMNS)),
        )
        raise ReadError(
            "not a stancematrix long CSV (its header must be "
            f"{','.join(COLUMNS)}); pass columns= to read another table",
            source=name,
            line=1,
            column=k + 1 if header else None,
            field=COLUMNS[k] if k < len(COLUMNS) and header else None,
            value=None if first is None else ",".join(header),
        )
    safe = True
    records: dict[str, list[tuple[int, dict[str, str | None]]]] = {k: [] for k in _FIELDS}
    seen_format = False
    for line, row in rows:
        try:
            record, fields = _record(row, line, name, safe)
        except ReadError as error:
            if not seen_format:
                raise
            problems.add(error)
            continue
        if not seen_format:
            if record != "format":
                raise ReadError(
                    "the first row must be the format record",
                    source=name,
                    line=line,
                    column=1,
                    field="record",
                    value=record,
                )
            if fields["value"] != str(FORMAT_VERSION):
                raise ReadError(
                    f"unsupported format version; this version reads {FORMAT_VERSION}",
                    source=name,
                    line=line,
                    column=_INDEX["value"] + 1,
                    field="value",
                    value=fields["value"],
                )
            if fields["key"] not in ("spreadsheet-safe", "plain"):
                raise ReadError(
                    "the format record's key must be 'spreadsheet-safe' or 'plain'",
                    source=name,
                    line=line,
                    column=_INDEX["key"] + 1,
                    field="key",
                    value=fields["key"],
                )
            safe = fields["key"] == "spreadsheet-safe"
            seen_format = True
            continue
        if record == "format":
            problems.add(_at("the format record appears twice", name, line, "record", record))
            continue
        if safe:
            for field, value in fields.items():
                if value is not None and (record, field) not in _NUMERIC:
                    fields[field] = restore_formula(value)
        records[record].append((line, fields))
    if not seen_format:
        raise ReadError("no format record after the header", source=name, line=2)
    return _assemble(records, name, problems)


def _at(reason: str, name: str, line: int, field: str, value: object) -> ReadError:
    return ReadError(
        reason, source=name, line=line, column=_INDEX.get(field, 0) + 1, field=field, value=value
    )


def _record(row: list[str], line: int, name: str, safe: bool) -> tuple[str, dict[str, str | None]]:
    if len(row) != len(COLUMNS):
        raise ReadError(
            f"ragged row: {len(row)} fields where the header has {len(COLUMNS)}",
            source=name,
            line=line,
            value=row,
        )
    record = row[0]
    allowed = _FIELDS.get(record)
    if allowed is None:
        raise _at(
            f"unknown record {record!r} (expected one of {', '.join(_FIELDS)})",
            name,
            line,
            "record",
            record,
        )
    fields: dict[str, str | None] = {}
    for i, value in enumerate(row[1:], start=1):
        column = COLUMNS[i]
        if column in allowed:
            fields[column] = value or None
        elif value:
            raise _at(f"a {record} record has no {column!r} field", name, line, column, value)
    return record, fields


def _assemble(
    records: Mapping[str, list[tuple[int, dict[str, str | None]]]], name: str, problems: _Problems
) -> StanceMatrix:
    def build(line: int, fields: Mapping[str, str | None], make: Any, **kwargs: Any) -> Any:
        try:
            return make(**kwargs)
        except StanceMatrixError as error:
            field = getattr(error, "field", "")
            attribute = field.rpartition(".")[2] if isinstance(field, str) else ""
            column = {"id": "key", "levels": "label", "unknown": "label"}.get(attribute, attribute)
            column = column if column in fields else next(iter(fields))
            raise _at(str(error), name, line, column, fields.get(column)) from error

    def parse(line: int, fields: Mapping[str, str | None], field: str, kind: Any) -> Any:
        value = fields[field]
        if value is None:
            return () if kind is list else None
        try:
            if kind is list:
                items = json.loads(value)
                if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
                    raise InvalidValueError(field, value, "must be a JSON list of strings")
                return tuple(items)
            if kind is float:
                if not _NUMBER.fullmatch(value):
                    raise ValueError(value)
                return float(value) if any(c in value for c in ".eE") else int(value)
            return kind.parse(value)
        except (ValueError, StanceMatrixError) as error:
            reason = (
                str(error)
                if isinstance(error, StanceMatrixError)
                else f"not a valid {field}: {value!r}"
            )
            raise _at(reason, name, line, field, value) from error

    def each(record: str) -> Iterator[tuple[int, dict[str, str | None]]]:
        yield from records[record]

    def collect(record: str, convert: Any) -> list[Any]:
        out = []
        for line, fields in each(record):
            try:
                out.append(convert(line, fields))
            except ReadError as error:
                problems.add(error)
        return out

    metadata: dict[str, str] = {}
    for line, fields in each("metadata"):
        key, value = fields["key"], fields["value"]
        if key is None or value is None or key in metadata:
            reason = "repeated metadata key" if key in metadata else "metadata needs key and value"
            problems.add(_at(reason, name, line, "key", key))
            continue
        metadata[key] = value

    levels = collect(
        "level",
        lambda line, f: build(
            line,
            f,
            Level,
            label=f["label"],
            value=parse(line, f, "value", float),
            symbol=f["symbol"],
        ),
    )
    scales = records["scale"]
    scale: Scale | None = None
    if len(scales) > 1:
        problems.add(_at("the scale record appears twice", name, scales[1][0], "record", "scale"))
    if scales:
        line, fields = scales[0]
        scale = build(
            line,
            fields,
            Scale,
            name=fields["name"],
            levels=levels,
            unknown=fields["label"],
            unknown_symbol=fields["symbol"],
        )
    elif levels:
        raise _at("level records without a scale record", name, records["level"][0][0], "", "")

    actors = collect(
        "actor",
        lambda line, f: build(
            line,
            f,
            Actor,
            key=f["key"],
            name=f["name"],
            kind=f["kind"],
            aliases=parse(line, f, "aliases", list),
        ),
    )
    issues = collect(
        "issue",
        lambda line, f: build(
            line,
            f,
            Issue,
            key=f["key"],
            title=f["title"],
            proposition=f["proposition"],
            parent=f["parent"],
            description=f["description"],
            aliases=parse(line, f, "aliases", list),
            date=parse(line, f, "date", PartialDate),
            tags=parse(line, f, "tags", list),
        ),
    )
    sources = collect(
        "source",
        lambda line, f: build(
            line,
            f,
            Source,
            id=f["key"],
            title=f["title"],
            author=f["author"],
            publisher=f["publisher"],
            document=f["document"],
            published=parse(line, f, "published", PartialDate),
        ),
    )
    claims: list[Position] = []
    lines: list[tuple[int, dict[str, str | None]]] = []
    for line, fields in each("claim"):
        try:
            claims.append(
                build(
                    line,
                    fields,
                    Position,
                    actor=fields["actor"],
                    issue=fields["issue"],
                    stance=fields["stance"],
                    source=fields["source"],
                    summary=fields["summary"],
                    quote=fields["quote"],
                    date=parse(line, fields, "date", Period),
                    note=fields["note"],
                )
            )
            lines.append((line, fields))
        except ReadError as error:
            problems.add(error)
    parts = {"actors": records["actor"], "issues": records["issue"], "sources": records["source"]}
    try:
        decl = Declarations.declare(actors, issues, sources, scale, metadata)
    except Problem as located:
        if located.part not in parts:
            raise ReadError(str(located.error), source=name) from located.error
        line, fields = parts[located.part][located.index]
        problem = _at(str(located.error), name, line, "key", fields.get("key"))
        problems.add(problem)
        raise problem from located.error  # a broken declaration: nothing sensible left

    def claim_error(located: Problem) -> ReadError:
        line, fields = lines[located.index]
        column = located.field or "actor"
        return _at(str(located.error), name, line, column, fields.get(column))

    collected = Problems(collect=problems.errors is not None)
    try:
        store = build_store(decl, claims, collected)
    except Problem as located:
        raise claim_error(located) from located.error
    for found in collected.found or []:
        problems.add(claim_error(found))
    return face(StanceMatrix, store)


# -- reading any table ----------------------------------------------------------------------


def _columns(
    header: list[str], columns: Mapping[str, str | Sequence[str]], name: str
) -> dict[str, list[int]]:
    index: dict[str, int] = {}
    for i, column in enumerate(header):
        if column in index:
            raise ReadError(
                f"column {column!r} appears twice in the header",
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
                    f"missing required column {column!r} (mapped to {field}); "
                    f"the header has {', '.join(map(repr, header))}",
                    source=name,
                    line=1,
                    field=column,
                )
        out[field] = [index[c] for c in names]
    for field in ("actor", "issue", "stance"):
        if field not in out:
            raise InvalidValueError("columns", dict(columns), f"must map {field!r} to a column")
    return out


class _Table:
    """A table's rows, column by column, with each row's line found only when needed."""

    text: str | None
    one_line_rows: bool
    header: list[str]
    width: int
    ragged: list[int]
    rows: list[list[str]]
    columns: list[tuple[str, ...]]

    def __init__(self, name: str, header: list[str], columns: list[tuple[str, ...]]) -> None:
        """A table given column by column (rows are numbered as CSV lines, header first)."""
        self.text = None
        self.one_line_rows = False
        self._starts: list[int] | None = None
        self.name = name
        self.header = header
        self.width = len(header)
        self.ragged = []
        self.rows = []
        self.columns = columns

    @classmethod
    def parse(cls, text: str, name: str) -> _Table:
        """Parse CSV text."""
        self = cls(name, [], [])
        self.text = text
        if self._split_plain(text):
            return self
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            self.header = next(reader, [])
            rows = list(reader)
        except csv.Error as error:
            raise ReadError(f"malformed CSV: {error}", source=name, line=reader.line_num) from error
        self.width = len(self.header)
        if rows and rows[-1] == []:
            rows.pop()
        lengths = set(map(len, rows))
        self.ragged = (
            [k for k, n in enumerate(map(len, rows)) if n != self.width]
            if lengths - {self.width}
            else []
        )
        self.columns = list(zip(*rows, strict=False)) if not self.ragged else []
        if not rows:
            self.columns = [() for _ in self.header]
        self.rows = rows if self.ragged else []  # the columns hold it all
        return self

    def _split_plain(self, text: str) -> bool:
        """Split a table without quotes, CR or NUL by commas and newlines, in C.

        Such text means to the csv module exactly what it means to ``str.split``. Returns
        False (leaving the work to the csv module) unless every line has the header's
        number of fields.
        """
        if '"' in text or "\r" in text or "\x00" in text:
            return False
        body = text[:-1] if text.endswith("\n") else text
        lines = body.split("\n")
        header = lines[0].split(",")
        width = len(header)
        if len(lines) < 2 or set(map(str.count, lines, repeat(","))) != {width - 1}:
            return False
        fields = body.replace("\n", ",").split(",")
        self.header = header
        self.width = width
        self.columns = [tuple(fields[c + width :: width]) for c in range(width)]
        self.one_line_rows = True
        return True

    def row(self, row: int) -> list[str]:
        """Data row *row* (0-based) as read."""
        if self.rows:
            return self.rows[row]
        return [column[row] for column in self.columns]

    def line(self, row: int) -> int:
        """The line data row *row* (0-based) starts on."""
        if self.text is None or self.one_line_rows:
            return row + 2
        if self._starts is None:  # one pass, on the first error only
            reader = csv.reader(io.StringIO(self.text, newline=""))
            next(reader, None)
            starts = [reader.line_num + 1]
            starts.extend(reader.line_num + 1 for _ in reader)
            self._starts = starts
        return self._starts[min(row, len(self._starts) - 1)]

    def error(self, reason: str, row: int, column: int | None, value: object) -> ReadError:
        return ReadError(
            reason,
            source=self.name,
            line=self.line(row),
            column=None if column is None else column + 1,
            field=None if column is None else self.header[column],
            value=value,
        )


def _first(columns: list[tuple[str, ...]], indices: list[int]) -> tuple[str, ...]:
    """Per row, the value of the first of *indices*' columns that is not empty."""
    values = columns[indices[0]]
    if len(indices) == 1 or "" not in values:
        return values
    merged = list(values)
    k = -1
    while True:
        try:
            k = merged.index("", k + 1)
        except ValueError:
            return tuple(merged)
        for i in indices[1:]:
            if columns[i][k]:
                merged[k] = columns[i][k]
                break


def _mapped(
    table: _Table,
    name: str,
    columns: Mapping[str, str | Sequence[str]],
    scale: Scale,
    stances: Mapping[str, str] | None,
    cite: Source,
    metadata: Mapping[str, str] | None,
    problems: _Problems,
) -> StanceMatrix:
    where = _columns(table.header, columns, name)
    bad: set[int] = set()
    for k in table.ragged:
        problems.add(
            table.error(
                f"ragged row: {len(table.rows[k])} fields where the header has {table.width}",
                k,
                None,
                table.rows[k],
            )
        )
        bad.add(k)
    if table.ragged:  # lenient: carry on with the rows that fit
        table.columns = list(zip(*(r for r in table.rows if len(r) == table.width), strict=True))
        if not table.columns:
            table.columns = [() for _ in table.header]
        kept = [k for k in range(len(table.rows)) if k not in bad]
    else:
        kept = None
    n = len(table.columns[0]) if table.columns else 0
    cols = table.columns

    def row_of(k: int) -> int:
        return k if kept is None else kept[k]

    cache: dict[str, tuple[str, ...]] = {}

    def values(field: str) -> tuple[str, ...]:
        if field not in cache:
            cache[field] = _first(cols, where[field]) if field in where else ("",) * n
        return cache[field]

    drop: set[int] = set()

    def codes(field: str, convert: Any, required: bool) -> tuple[array[int], list[Any]]:
        column = values(field)
        unique = dict.fromkeys(column)
        decoded: dict[str, int] = {}
        entries: list[Any] = []
        failed: dict[str, str] = {}
        for value in unique:
            if not value:
                if required:
                    hint = ""
                    if field == "actor":
                        hint = "; map a fallback, e.g. columns={'actor': ('code', 'name')}"
                    failed[value] = f"empty {field} value{hint}"
                else:
                    decoded[value] = len(entries)
                    entries.append(None)
                continue
            try:
                entry = convert(value)
            except StanceMatrixError as error:
                failed[value] = str(error)
                continue
            decoded[value] = len(entries)
            entries.append(entry)
        if failed:
            for k, value in enumerate(column):
                if value in failed:
                    c = where.get(field, [0])[0]
                    problems.add(table.error(failed[value], row_of(k), c, value))
                    drop.add(k)
            return array("i", (decoded.get(v, 0) for v in column)), entries
        return array("i", list(map(decoded.__getitem__, column))), entries

    def names(key: str, name: str) -> dict[str, str]:
        if name not in where:
            return {}
        # Reversed, so the first row's name wins.
        return dict(zip(reversed(values(key)), reversed(values(name)), strict=True))

    actor_names = names("actor", "actor_name")
    issue_titles = names("issue", "issue_title")
    actor, actors = codes("actor", lambda v: Actor(v, actor_names.get(v) or v), True)
    issue, issues = codes(
        "issue", lambda v: Issue(v, issue_titles.get(v) or v, issue_titles.get(v) or v), True
    )

    def stance_code(value: str) -> int:
        label = value if stances is None else stances.get(value, value)
        return scale.code(label)

    stance_index, stance_codes = codes("stance", stance_code, True)
    stance = (
        array("b", map(stance_codes.__getitem__, stance_index))
        if stance_codes
        else array("b", bytes(n))
    )
    if "source" in where:
        source, sources = codes("source", lambda v: Source(v, v), True)
    else:
        source, sources = array("i", bytes(4 * n)), [cite]
    if "date" in where:
        date, periods = codes("date", Period.parse, False)
        starts = [0 if p is None else encode(p.start) for p in periods]
        ends = [0 if p is None else encode(p.end) for p in periods]
        start = array("i", map(starts.__getitem__, date)) if periods else array("i", bytes(4 * n))
        end = array("i", map(ends.__getitem__, date)) if periods else array("i", bytes(4 * n))
    else:
        start = array("i", bytes(4 * n))
        end = array("i", bytes(4 * n))
    text_columns = [values(f) for f in ("summary", "quote", "note")]
    texts: dict[int, Text] = {}
    if any(f in where for f in ("summary", "quote", "note")):
        for k, (summary, quote, note) in enumerate(zip(*text_columns, strict=True)):
            if summary or quote or note:
                texts[k] = (summary or None, quote or None, note or None)
    if drop:
        keep = [k for k in range(n) if k not in drop]
        actor, issue, stance, source, start, end = (
            array(c.typecode, map(c.__getitem__, keep))
            for c in (actor, issue, stance, source, start, end)
        )
        renumber = {old: new for new, old in enumerate(keep)}
        texts = {renumber[k]: t for k, t in texts.items() if k in renumber}
        kept_rows = [row_of(k) for k in keep]
    else:
        kept_rows = None

    collected = Problems(collect=problems.errors is not None)

    def row_error(located: Problem) -> ReadError:
        k = located.index
        row = kept_rows[k] if kept_rows is not None else row_of(k)
        return table.error(str(located.error), row, None, table.row(row))

    try:
        decl = Declarations.declare(actors, issues, sources, scale, metadata)
    except Problem as located:
        raise ReadError(str(located.error), source=name, field=located.part) from located.error
    try:
        store = from_columns(
            decl,
            actor=actor,
            issue=issue,
            stance=stance,
            source=source,
            start=start,
            end=end,
            text=texts,
            problems=collected,
        )
    except Problem as located:
        raise row_error(located) from located.error
    for found in collected.found or []:
        problems.add(row_error(found))
    return face(StanceMatrix, store)


@overload
def read(
    source: Input,
    *,
    columns: Mapping[str, str | Sequence[str]] | None = ...,
    scale: Scale | None = ...,
    stances: Mapping[str, str] | None = ...,
    cite: Source | str | None = ...,
    metadata: Mapping[str, str] | None = ...,
    lenient: Literal[False] = ...,
) -> StanceMatrix: ...
@overload
def read(
    source: Input,
    *,
    columns: Mapping[str, str | Sequence[str]] | None = ...,
    scale: Scale | None = ...,
    stances: Mapping[str, str] | None = ...,
    cite: Source | str | None = ...,
    metadata: Mapping[str, str] | None = ...,
    lenient: Literal[True],
) -> tuple[StanceMatrix, list[ReadError]]: ...
def read(
    source: Input,
    *,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    scale: Scale | None = None,
    stances: Mapping[str, str] | None = None,
    cite: Source | str | None = None,
    metadata: Mapping[str, str] | None = None,
    lenient: bool = False,
) -> StanceMatrix | tuple[StanceMatrix, list[ReadError]]:
    """Read a matrix from CSV: the long layout :func:`render` writes, or any long table.

    Without *columns* the input must be the long layout (see the module docs), and the
    matrix comes back exactly as written. With *columns*, each row of any table with a
    header is one claim.

    Args:
        source: A path, an open file, bytes or the CSV text (gzip is recognised, so
            ``votes.csv.gz`` reads as it is).
        columns: Field → column name, for ``actor``, ``issue`` and ``stance`` (required)
            and ``source``, ``date``, ``summary``, ``quote``, ``note``, ``actor_name``
            and ``issue_title``. A sequence of names is a fallback chain: a row takes the
            first of those columns that is not empty (``{"actor": ("country_code",
            "country")}``). An empty actor, issue or stance with no fallback left is an
            error, never a guess. Actors and issues are declared in order of first
            appearance; an actor's name is its ``actor_name`` (else its key), an issue's
            title and proposition its ``issue_title`` (else its key).
        scale: The scale of mapped stances (default :meth:`Scale.five_point`).
        stances: Cell value → stance label, for values that are not labels themselves
            (``{"Y": "yes", "N": "no"}``).
        cite: Without a ``source`` column, the source every claim cites (a
            :class:`Source`, or an id for one titled by the id; by default one named after
            the file).
        metadata: Metadata for a mapped matrix.
        lenient: Instead of raising at the first problem, leave out the rows that have
            one and return ``(matrix, problems)``; problems that leave nothing sensible
            to read (a bad header, a missing column, a broken declaration) still raise.

    Raises:
        ReadError: On malformed or ragged rows, an unknown stance, an empty key, a
            duplicate key or claim, a missing column, an invalid date, a truncated gzip
            stream or invalid UTF-8, naming the file, line, column and value.
        InvalidValueError: If *columns* maps an unknown field or misses a required one.
    """
    text, name = read_text(source, looks_like_text="")
    problems = _Problems(name, lenient)
    with _field_limit(len(text)):
        if columns is None:
            for option, value in (("scale", scale), ("stances", stances), ("cite", cite)):
                if value is not None:
                    raise InvalidValueError(option, value, "applies only with columns=")
            matrix = _long(text, name, problems)
        else:
            matrix = _read_mapped(
                lambda: _Table.parse(text, name),
                name,
                columns,
                scale,
                stances,
                cite,
                metadata,
                problems,
            )
    if lenient:
        return matrix, problems.errors or []
    return matrix


_FIELD_LIMIT_LOCK = threading.Lock()
_DEFAULT_FIELD_LIMIT: Final = 128 * 1024


@contextmanager
def _field_limit(size: int) -> Iterator[None]:
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


def _read_mapped(
    table: Callable[[], _Table],
    name: str,
    columns: Mapping[str, str | Sequence[str]],
    scale: Scale | None,
    stances: Mapping[str, str] | None,
    cite: Source | str | None,
    metadata: Mapping[str, str] | None,
    problems: _Problems,
) -> StanceMatrix:
    if cite is None:
        base = os.path.basename(name) or name
        cite = Source(base, base)
    elif isinstance(cite, str):
        cite = Source(cite, cite)
    was_enabled = gc.isenabled()
    gc.disable()  # hundreds of thousands of small rows: collections would dominate
    try:
        return _mapped(
            table(),
            name,
            columns,
            Scale.five_point() if scale is None else scale,
            stances,
            cite,
            metadata,
            problems,
        )
    finally:
        if was_enabled:
            gc.enable()


def read_columns(
    header: list[str],
    values: list[tuple[str, ...]],
    *,
    name: str,
    columns: Mapping[str, str | Sequence[str]],
    scale: Scale | None = None,
    stances: Mapping[str, str] | None = None,
    cite: Source | str | None = None,
    metadata: Mapping[str, str] | None = None,
) -> StanceMatrix:
    """Like :func:`read` with *columns*, for a table already split into string columns.

    Row ``k`` of *values* is reported as line ``k + 2`` (as if a header came first).
    """
    return _read_mapped(
        lambda: _Table(name, header, values),
        name,
        columns,
        scale,
        stances,
        cite,
        metadata,
        _Problems(name, lenient=False),
    )


def render_diff(diff: Any, **options: Any) -> str:
    """Render a diff as CSV, one row per field of each change.

    See :meth:`MatrixDiff.to_csv` for the columns and the options.
    """
    from stancematrix._diff.report import CSV_HEADER, csv_records

    buffer = io.StringIO()
    # "\r\n" (RFC 4180) also makes the writer quote fields holding a lone "\r".
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for number, rows in enumerate(csv_records(diff, **options), 1):
        for row in rows:
            writer.writerow([str(number), *(neutralise_formula(cell) for cell in row)])
    return buffer.getvalue()
