"""The CSV long layout's reader, and the table both its reader and writer follow.

See :mod:`stancematrix._io.csv` for the layout. :func:`read_long` first reads the rows
with the C :mod:`csv` reader from the input's stream of text pieces (so the whole text is
never held) and codes the claims column by column
(:class:`~stancematrix._io.claimcols.ClaimCoder`), in batches, so that only the coded
columns and one batch of rows are held; only a file it does not vouch for is read again
from its start, row by row with line numbers, which names the line, column and field of
the problem as soon as it meets it.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from operator import itemgetter
from typing import Any, Final

from stancematrix._escape import restore_formula
from stancematrix._io.claimcols import ClaimCoder, no_gc
from stancematrix._io.mapped import ReadErrors
from stancematrix._io.schema import CLAIM, CLAIM_COLUMNS, ENTRIES, LEVEL, Entry
from stancematrix._io.source import Stream, lines
from stancematrix._matrix import StanceMatrix
from stancematrix._model import Position
from stancematrix._scale import Scale
from stancematrix._store import Declarations, Problem, Problems, Store, face
from stancematrix._store import build as build_store
from stancematrix.exceptions import InvalidValueError, ReadError, StanceMatrixError

__all__ = [
    "COLUMNS",
    "COLUMNS_V1",
    "FORMAT_VERSION",
    "INDEX",
    "NUMERIC",
    "RECORDS",
    "RENAMED",
    "read_long",
]

FORMAT_VERSION: Final = 2

#: The header of format version 1: the claim's columns first.
COLUMNS_V1: Final = (
    "record",
    *CLAIM_COLUMNS[:-2],  # all but until and order
    *("key", "name", "title", "proposition", "kind", "aliases", "parent", "description"),
    *("tags", "author", "publisher", "document", "published", "label", "value", "symbol"),
)
#: The header: version 1's, then the columns version 2 added (old columns keep their places).
COLUMNS: Final = (*COLUMNS_V1, "until", "order", "series")
#: The claim fields the fast path codes: those of version 1, side by side after ``record``.
_FAST_FIELDS: Final = CLAIM_COLUMNS[:-2]
INDEX: Final = {name: i for i, name in enumerate(COLUMNS)}
RENAMED: Final = {"id": "key"}
"""The fields whose column is named otherwise: a source's id is its record's key."""

RECORDS: Final[dict[str, tuple[str, ...]]] = {
    "format": ("key", "value"),
    "metadata": ("key", "value"),
    "scale": ("name", "label", "symbol"),
    **{e.name: tuple(RENAMED.get(f, f) for f in e.fields) for e in (LEVEL, *ENTRIES)},
    CLAIM.name: CLAIM_COLUMNS,
}
"""Each record, in the order the long layout writes them, and the columns it fills."""
NUMERIC: Final = {("format", "value"), *((LEVEL.name, name) for name in LEVEL.of(float))}
NUMERIC.update(("claim", name) for name in CLAIM.of(int))
_BATCH: Final = 1 << 13  # claim rows coded at a time by the fast path
# A number as render writes it (JSON's grammar): no spaces, underscores, signs or words.
NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_WHOLE: Final = re.compile(r"-?(?:0|[1-9][0-9]*)")


class _SourceFailed(Exception):
    """The input itself failed (gzip limit, invalid UTF-8): carries the ReadError."""

    def __init__(self, error: ReadError) -> None:
        super().__init__(error)
        self.error = error


def _guarded(texts: Iterable[str]) -> Iterator[str]:
    try:
        yield from texts
    except ReadError as error:
        raise _SourceFailed(error) from error


class _Rows:
    """CSV rows with the line each starts on."""

    def __init__(self, texts: Iterable[str], name: str) -> None:
        self.name = name
        self.reader = csv.reader(lines(texts), strict=True)

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


def read_long(stream: Stream, problems: ReadErrors) -> StanceMatrix:
    """The matrix a long-layout CSV *stream* holds (see :mod:`stancematrix._io.csv`).

    Raises:
        ReadError: For the first problem (or a problem that leaves nothing to read, when
            *problems* collects), with its line, column and field.
    """
    name = stream.name
    try:
        with no_gc():
            fast = _fast(_guarded(stream.texts()), name)
    except _SourceFailed as failed:  # the input, not its rows: no second read
        raise failed.error from failed.error.__cause__
    if fast is not None:
        return fast
    rows: Iterator[tuple[int, list[str]]] = iter(_Rows(stream.texts(), name))
    first = next(rows, None)
    version = FORMAT_VERSION
    if first is not None and first[1] == list(COLUMNS_V1):
        version = 1
        # Version 2's columns are empty (a ragged row stays ragged).
        rows = ((n, [*row, "", "", ""] if len(row) == len(COLUMNS_V1) else row) for n, row in rows)
    elif first is None or first[1] != list(COLUMNS):
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
    records: dict[str, list[tuple[int, dict[str, str | None]]]] = {k: [] for k in RECORDS}
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
                raise _at("the first row must be the format record", name, line, "record", record)
            if fields["value"] != str(version):
                reason = f"unsupported format version; this version reads 1 and {FORMAT_VERSION}"
                raise _at(reason, name, line, "value", fields["value"])
            if fields["key"] not in ("spreadsheet-safe", "plain"):
                reason = "the format record's key must be 'spreadsheet-safe' or 'plain'"
                raise _at(reason, name, line, "key", fields["key"])
            safe = fields["key"] == "spreadsheet-safe"
            seen_format = True
            continue
        if record == "format":
            problems.add(_at("the format record appears twice", name, line, "record", record))
            continue
        if safe:
            for field, value in fields.items():
                if value is not None and (record, field) not in NUMERIC:
                    fields[field] = restore_formula(value)
        records[record].append((line, fields))
    if not seen_format:
        raise ReadError("no format record after the header", source=name, line=2)
    matrix = _assemble(records, name, problems)
    assert matrix is not None  # without coded, _assemble always makes one
    return matrix


def _fast(texts: Iterable[str], name: str) -> StanceMatrix | None:
    """The matrix, if the text is a valid long CSV with its claims last (as written).

    The rows are read by the C :mod:`csv` reader; the declarations are read as usual,
    and the claims coded column-wise in batches of :data:`_BATCH` rows. None at the first
    doubt (the located reader then reads it again and reports the problem).
    """
    reader = csv.reader(lines(texts), strict=True)
    width = len(COLUMNS)
    try:
        if next(reader, None) != list(COLUMNS):
            return None
        records: dict[str, list[tuple[int, dict[str, str | None]]]] = {k: [] for k in RECORDS}
        first = next(reader, None)
        if first is None:
            return None
        record, fields = _record(first, 2, name, False)
        if record != "format" or fields["value"] != str(FORMAT_VERSION):
            return None
        if fields["key"] not in ("spreadsheet-safe", "plain"):
            return None
        safe = fields["key"] == "spreadsheet-safe"
        claim: list[str] | None = None
        for row in reader:
            if row[:1] == [CLAIM.name]:
                claim = row
                break
            record, fields = _record(row, 0, name, safe)
            if record == "format":
                return None
            if safe:
                for field, value in fields.items():
                    if value is not None and (record, field) not in NUMERIC:
                        fields[field] = restore_formula(value)
            records[record].append((0, fields))

        def coded(decl: Declarations) -> Store | None:
            coder = ClaimCoder(decl, absent="", restore=restore_formula if safe else None)
            batch = [] if claim is None else [claim, *islice(reader, _BATCH - 1)]
            fields = len(_FAST_FIELDS) + 1  # after them, every column must be empty
            rest = itemgetter(slice(fields, None))
            blank = ("",) * (width - fields)
            while batch:
                if any(n != width for n in set(map(len, batch))):
                    return None
                columns = [list(map(itemgetter(k), batch)) for k in range(fields)]
                if set(columns[0]) != {CLAIM.name} or set(map(tuple, map(rest, batch))) != {blank}:
                    return None  # another record among the claims, or a field claims lack
                coder.add(dict(zip(_FAST_FIELDS, columns[1:], strict=True)))
                batch = list(islice(reader, _BATCH))
            return coder.store()

        return _assemble(records, name, ReadErrors(name, False), coded)
    except (csv.Error, ReadError):
        return None


def _at(reason: str, name: str, line: int, field: str, value: object) -> ReadError:
    return ReadError(
        reason, source=name, line=line, column=INDEX.get(field, 0) + 1, field=field, value=value
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
    allowed = RECORDS.get(record)
    if allowed is None:
        raise _at(
            f"unknown record {record!r} (expected one of {', '.join(RECORDS)})",
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
    records: Mapping[str, list[tuple[int, dict[str, str | None]]]],
    name: str,
    problems: ReadErrors,
    coded: Callable[[Declarations], Store | None] | None = None,
) -> StanceMatrix | None:
    """The matrix of *records*, or (with *coded*) of the store *coded* makes.

    *coded* is given the declarations and returns the claims' store (None if it makes
    none, and then so does this).
    """

    def build(line: int, fields: Mapping[str, str | None], make: Any, **kwargs: Any) -> Any:
        try:
            return make(**kwargs)
        except StanceMatrixError as error:
            field = getattr(error, "field", "")
            attribute = field.rpartition(".")[2] if isinstance(field, str) else ""
            column = {**RENAMED, "levels": "label", "unknown": "label"}.get(attribute, attribute)
            column = column if column in fields else next(iter(fields))
            raise _at(str(error), name, line, column, fields.get(column)) from error

    def parse(line: int, fields: Mapping[str, str | None], field: str, kind: Any) -> Any:
        value = fields[field]
        if value is None:
            return () if kind is tuple else None
        if kind is str:
            return value
        try:
            if kind is tuple:
                items = json.loads(value)
                if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
                    raise InvalidValueError(field, value, "must be a JSON list of strings")
                return tuple(items)
            if kind is float or kind is int:
                if not (NUMBER if kind is float else _WHOLE).fullmatch(value):
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
        # Metadata keys and values are strings, "" included: here an empty field is "".
        key, value = fields["key"] or "", fields["value"] or ""
        if key in metadata:
            problems.add(_at("repeated metadata key", name, line, "key", key))
            continue
        metadata[key] = value

    def make(entry: Entry) -> Any:
        def convert(line: int, f: Mapping[str, str | None]) -> Any:
            kwargs = {
                field: parse(line, f, RENAMED.get(field, field), entry.kinds[field])
                for field in entry.fields
            }
            return build(line, f, entry.cls, **kwargs)

        return convert

    levels = collect(LEVEL.name, make(LEVEL))
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

    actors, issues, sources = (collect(entry.name, make(entry)) for entry in ENTRIES)
    claim = make(CLAIM)
    claims: list[Position] = []
    lines: list[tuple[int, dict[str, str | None]]] = []
    for line, fields in each("claim"):
        try:
            claims.append(claim(line, fields))
            lines.append((line, fields))
        except ReadError as error:
            problems.add(error)
    parts = {entry.part: records[entry.name] for entry in ENTRIES}
    try:
        decl = Declarations.declare(actors, issues, sources, scale, metadata)
    except Problem as located:
        if located.part not in parts:
            raise ReadError(str(located.error), source=name) from located.error
        line, fields = parts[located.part][located.index]
        problem = _at(str(located.error), name, line, "key", fields.get("key"))
        problems.add(problem)
        raise problem from located.error  # a broken declaration: nothing sensible left
    if coded is not None:
        fast = coded(decl)
        return None if fast is None else face(StanceMatrix, fast)

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
