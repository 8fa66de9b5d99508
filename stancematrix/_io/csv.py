"""CSV (RFC 4180, via the csv module): a lossless long layout, a wide layout, and any table.

**Long layout** (``layout="long"``, the default): one row per record, with a header. The
first column, ``record``, says what the row holds; the other columns are the model's
field names, empty where a record has no such field or the field is None (text fields are
never ``""``, so empty always means "none"; metadata keys and values are always strings, so
there empty means ``""``)::

    record,actor,issue,stance,source,date,summary,quote,note,key,name,title,proposition,
      kind,aliases,parent,description,tags,author,publisher,document,published,label,
      value,symbol,until,order,series

=============  =========================================================================
record         fields
=============  =========================================================================
``format``     ``key`` (``spreadsheet-safe`` or ``plain``), ``value`` (the version, 2);
               always the first row
``metadata``   ``key``, ``value``
``scale``      ``name``, ``label`` and ``symbol`` (the unknown label and its symbol)
``level``      ``label``, ``value``, ``symbol``, in scale order
``actor``      ``key``, ``name``, ``kind``, ``aliases``
``issue``      ``key``, ``title``, ``proposition``, ``parent``, ``description``,
               ``aliases``, ``date``, ``tags``
``source``     ``key`` (the id), ``title``, ``author``, ``publisher``, ``document``,
               ``published``, ``series``
``claim``      ``actor``, ``issue``, ``stance``, ``source``, ``date``, ``summary``,
               ``quote``, ``note``, ``until``, ``order``
=============  =========================================================================

``aliases`` and ``tags`` are JSON lists (``["Kyiv","Ukrainian Government"]``); dates are
written as :mod:`stancematrix._dates` says; numbers as numbers. :func:`read` reads it back
equal to the matrix written, and still reads format version 1 (no until, order, series).

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
import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final, Literal, Unpack, overload

from stancematrix._dates import decode, from_exact, period_of
from stancematrix._escape import neutralise_formula, restore_formula
from stancematrix._io.layout import Layout, LayoutOptions, grid
from stancematrix._io.mapped import MAPPED_FIELDS, ReadErrors, Table, field_limit, read_mapped
from stancematrix._io.schema import CLAIM, CLAIM_COLUMNS, ENTRIES, LEVEL, Entry
from stancematrix._io.source import Input, read_text
from stancematrix._matrix import StanceMatrix
from stancematrix._model import Position, Source
from stancematrix._scale import Scale
from stancematrix._store import NO_TEXT, Declarations, Problem, Problems, face, store_of
from stancematrix._store import build as build_store
from stancematrix.exceptions import InvalidValueError, ReadError, StanceMatrixError

__all__ = [
    "COLUMNS",
    "EXTENSIONS",
    "FORMAT_VERSION",
    "MAPPED_FIELDS",
    "NAME",
    "RECORDS",
    "RENAMED",
    "read",
    "render",
]

NAME: Final = "csv"
EXTENSIONS: Final = (".csv",)
FORMAT_VERSION: Final = 2

# The header of format version 1: the claim's columns first.
_COLUMNS_V1: Final = (
    "record",
    *CLAIM_COLUMNS[:-2],  # all but until and order
    *("key", "name", "title", "proposition", "kind", "aliases", "parent", "description"),
    *("tags", "author", "publisher", "document", "published", "label", "value", "symbol"),
)
#: The header: version 1's, then the columns version 2 added (old columns keep their places).
COLUMNS: Final = (*_COLUMNS_V1, "until", "order", "series")
_INDEX: Final = {name: i for i, name in enumerate(COLUMNS)}
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
_NUMERIC: Final = {("format", "value"), *((LEVEL.name, name) for name in LEVEL.of(float))}
_NUMERIC.update(("claim", name) for name in CLAIM.of(int))
# A number as render writes it (JSON's grammar): no spaces, underscores, signs or words.
_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_WHOLE: Final = re.compile(r"-?(?:0|[1-9][0-9]*)")
# The options with a choice for a default: the long layout names them last, in this order.
_CHOICES: Final = ("cell", "labels")


# -- writing --------------------------------------------------------------------------------


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
                out[_INDEX[name]] = repr(value)
            else:
                out[_INDEX[name]] = text(value)
        return out

    def entry_row(entry: Entry, value: object) -> list[str]:
        return row(entry.name, **{RENAMED.get(f, f): getattr(value, f) for f in entry.fields})

    yield list(COLUMNS)
    yield row("format", key="spreadsheet-safe" if safe else "plain", value=FORMAT_VERSION)
    for key, value in matrix.metadata.items():
        yield row("metadata", key=key, value=value)
    scale = matrix.scale
    yield row("scale", name=scale.name, label=scale.unknown, symbol=scale.unknown_symbol)
    for level in scale.levels:
        yield entry_row(LEVEL, level)
    entries: tuple[Sequence[object], ...] = (matrix.actors, matrix.issues, matrix.sources)
    for entry, values in zip(ENTRIES, entries, strict=True):
        for item in values:
            yield entry_row(entry, item)
    # Claims straight from the matrix's columns (in CLAIM_COLUMNS order): no Position each.
    actor_keys = [text(a.key) for a in matrix.actors]
    issue_keys = [text(i.key) for i in matrix.issues]
    source_ids = [text(s.id) for s in matrix.sources]
    labels = [text(label) for label in scale.labels]
    dates: dict[tuple[int, int], str] = {}
    cols = store_of(matrix).cols
    texts = cols.text
    blank = [""] * (len(_COLUMNS_V1) - 1 - len(CLAIM_COLUMNS[:-2]))
    for n, (a, i, st, src, start, end, until) in enumerate(zip(*cols.codes, strict=True)):
        date = dates.get((start, end))
        if date is None:
            date = dates[start, end] = "" if start == 0 else text(period_of(start, end))
        summary, quote, note, exact = texts.get(n, NO_TEXT)
        ends, order = text(decode(until) if until else None), ""
        if exact is not None:  # qualified dates or an order: as written
            date, ends, order = map(text, from_exact(exact))
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
            ends,
            order,
            "",
        ]


def _refuse_layout(options: LayoutOptions) -> None:
    """Refuse the first layout option not at its default: the long layout has no grid.

    Options are checked in :class:`Layout`'s order, ``cell`` and ``labels`` (valid or not) last.
    """
    given: dict[str, Any] = dict(options)
    choices = {name: given.pop(name) for name in _CHOICES if name in given}
    changed = Layout(**given).changed()
    default = Layout()
    changed.update((k, v) for k, v in choices.items() if v != getattr(default, k))
    if changed:
        option = next(iter(changed))
        raise InvalidValueError(option, changed[option], "is a wide-layout option")


def render(
    matrix: StanceMatrix,
    *,
    layout: Literal["long", "wide"] = "long",
    spreadsheet_safe: bool = True,
    **options: Unpack[LayoutOptions],
) -> str:
    """Write *matrix* as CSV text (rows end in CRLF, as RFC 4180 says).

    Args:
        matrix: The matrix.
        layout: ``"long"`` (lossless, one row per record; see the module docs) or
            ``"wide"`` (the grid, for spreadsheets).
        spreadsheet_safe: Neutralise text cells a spreadsheet would run as formulas by
            prefixing ``'`` (undone by the long reader). On by default; see the module
            docs for why.
        **options: What the wide layout's grid shows: the fields of
            :class:`~stancematrix._io.layout.Layout` (``transpose``, ``cell``,
            ``labels`` …); the long layout takes none.

    Raises:
        InvalidValueError: If *layout* is not ``"long"`` or ``"wide"``, or a layout option
            is given with the long layout.
    """
    Layout.check(options, "render")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if layout == "long":
        _refuse_layout(options)
        writer.writerows(_long_rows(matrix, spreadsheet_safe))
        return buffer.getvalue()
    if layout != "wide":
        raise InvalidValueError("layout", layout, "must be 'long' or 'wide'")
    table = grid(matrix, Layout(**options))
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


def _long(text: str, name: str, problems: ReadErrors) -> StanceMatrix:
    rows = iter(_Rows(text, name))
    first = next(rows, None)
    version = FORMAT_VERSION
    if first is not None and first[1] == list(_COLUMNS_V1):
        version = 1
        # Version 2's columns are empty (a ragged row stays ragged).
        rows = ((n, [*row, "", "", ""] if len(row) == len(_COLUMNS_V1) else row) for n, row in rows)
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
    records: Mapping[str, list[tuple[int, dict[str, str | None]]]], name: str, problems: ReadErrors
) -> StanceMatrix:
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
                if not (_NUMBER if kind is float else _WHOLE).fullmatch(value):
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
            ``votes.csv.gz`` reads as it is). A ``str`` is the text itself when it holds
            a line break, otherwise a file name: pass a :class:`pathlib.Path` for a file,
            and bytes or :class:`io.StringIO` for text that may be a single line.
        columns: Field → column name, for ``actor``, ``issue`` and ``stance`` (required)
            and ``source``, ``date``, ``summary``, ``quote``, ``note``, ``until``,
            ``actor_name`` and ``issue_title``. A sequence of names is a fallback chain:
            a row takes the first of those columns that is not empty (``{"actor": ("country_code",
            "country")}``). An empty actor, issue or stance with no fallback left is an
            error, never a guess. Actors and issues are declared in order of first
            appearance; an actor's name is its ``actor_name`` (else its key), an issue's
            title and proposition its ``issue_title`` (else its key). Two different
            non-empty names (or titles) for one key are an error naming both lines.
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
    problems = ReadErrors(name, lenient)
    with field_limit(len(text)):
        if columns is None:
            for option, value in (("scale", scale), ("stances", stances), ("cite", cite)):
                if value is not None:
                    raise InvalidValueError(option, value, "applies only with columns=")
            matrix = _long(text, name, problems)
        else:
            matrix = read_mapped(
                lambda: Table.parse(text, name),
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
