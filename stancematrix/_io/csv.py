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
from collections.abc import Iterator, Mapping, Sequence
from itertools import repeat
from typing import Any, Final, Literal, Unpack, overload

from stancematrix._dates import decode, from_exact, period_of
from stancematrix._escape import neutralise_formula
from stancematrix._io import mappedarrow
from stancematrix._io.csvlong import (
    COLUMNS,
    COLUMNS_V1,
    FORMAT_VERSION,
    INDEX,
    NUMERIC,
    RECORDS,
    RENAMED,
    read_long,
)
from stancematrix._io.layout import Layout, LayoutOptions, grid
from stancematrix._io.mapped import (
    MAPPED_FIELDS,
    MappingOptions,
    ReadErrors,
    Table,
    field_limit,
    read_mapped,
)
from stancematrix._io.schema import CLAIM_COLUMNS, ENTRIES, LEVEL, Entry
from stancematrix._io.source import MAX_RATIO, MAX_SIZE, Input, open_stream
from stancematrix._matrix import StanceMatrix
from stancematrix._model import Source
from stancematrix._scale import Scale
from stancematrix._store import NO_TEXT, store_of
from stancematrix.exceptions import InvalidValueError, ReadError

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
# The options with a choice for a default: the long layout names them last, in this order.
_CHOICES: Final = ("cell", "labels")
# The claim columns _claim_lines writes, in order (CLAIM_COLUMNS, unless it grows).
_CLAIM_LINES: Final = (
    *("actor", "issue", "stance", "source", "date", "summary", "quote", "note"),
    *("until", "order"),
)


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
            if (record, name) in NUMERIC:
                out[INDEX[name]] = repr(value)
            else:
                out[INDEX[name]] = text(value)
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
    if CLAIM_COLUMNS != _CLAIM_LINES:  # fields _claim_lines does not know: a row per claim
        for claim in matrix:
            yield row("claim", **{f: getattr(claim, f) for f in CLAIM_COLUMNS})


def _claim_lines(matrix: StanceMatrix, safe: bool) -> str:
    """The claim rows of the long layout, as ``csv.writer`` writes them (CRLF ends).

    Each distinct key, label and date is quoted (and neutralised) once, and each row
    joined from the pieces: the same text as writing the rows, without a list per row.
    """
    buffer = io.StringIO()
    quoting = csv.writer(buffer, lineterminator="\r\n")  # quotes what render's writer quotes

    def quoted(value: str | None) -> str:
        if not value:
            return ""
        buffer.seek(0)
        buffer.truncate()
        quoting.writerow([neutralise_formula(value) if safe else value])
        return buffer.getvalue()[:-2]

    store = store_of(matrix)
    decl, cols = store.decl, store.cols
    if not len(cols) or CLAIM_COLUMNS != _CLAIM_LINES:
        return ""
    actors = [quoted(a.key) for a in decl.actors]
    issues = [quoted(i.key) for i in decl.issues]
    sources = [quoted(s.id) for s in decl.sources]
    labels = [quoted(label) for label in decl.labels]
    spans = {
        span: quoted(str(period_of(*span))) if span[0] else ""
        for span in set(zip(cols.start, cols.end, strict=True))
    }
    # record, actor, issue, stance, source, date | summary, quote, note, then empty fields
    heads = map(
        ",".join,
        zip(
            repeat("claim"),
            map(actors.__getitem__, cols.actor),
            map(issues.__getitem__, cols.issue),
            map(labels.__getitem__, cols.stance),
            map(sources.__getitem__, cols.source),
            map(spans.__getitem__, zip(cols.start, cols.end, strict=True)),
            strict=False,
        ),
    )
    # after note: version 1's other columns empty, then until, order and series (empty)
    gap = "," * (len(COLUMNS_V1) - 1 - len(CLAIM_COLUMNS[:-2]) + 1)
    texts = cols.text
    lines = []
    for n, (head, until) in enumerate(zip(heads, cols.until, strict=True)):
        summary, quote, note, exact = texts.get(n, NO_TEXT)
        ends = quoted(str(decode(until))) if until else ""
        order = ""
        if exact is not None:  # qualified dates or an order: as written
            date, end, place = from_exact(exact)
            head = head[: head.rfind(",")] + "," + quoted(str(date) if date else None)
            ends, order = quoted(str(end) if end else None), "" if place is None else str(place)
        lines.append(
            f"{head},{quoted(summary)},{quoted(quote)},{quoted(note)}{gap}{ends},{order},\r\n"
        )
    return "".join(lines)


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
        return buffer.getvalue() + _claim_lines(matrix, spreadsheet_safe)
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
    max_ratio: float = ...,
    max_size: int = ...,
    engine: Literal["python", "pyarrow"] = ...,
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
    max_ratio: float = ...,
    max_size: int = ...,
    engine: Literal["python", "pyarrow"] = ...,
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
    max_ratio: float = MAX_RATIO,
    max_size: int = MAX_SIZE,
    engine: Literal["python", "pyarrow"] = "python",
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
        max_ratio: Refuse gzip input that expands to more than this many times its own
            size (checked past 1 MiB of output), as a decompression bomb would.
        max_size: Refuse gzip input that expands to more than this many bytes.
        engine: How a table read with *columns* is split and built: ``"python"`` (the
            default, the csv module) or ``"pyarrow"`` (``pyarrow.csv`` and Arrow compute,
            several times faster on large tables; the ``arrow`` extra). Both give the
            same matrix and the same errors: whatever the pyarrow engine cannot read
            exactly as the python engine would (a problem to report, a blank line, text
            after a closing quote …) it hands to the python engine. A *lenient* read
            always uses the python engine.

    Raises:
        ReadError: On gzip input beyond the limits, malformed or ragged rows, an unknown
            stance, an empty key, a duplicate key or claim, a missing column, an invalid
            date, a truncated gzip stream or invalid UTF-8, naming the file, line, column
            and value.
        InvalidValueError: If *columns* maps an unknown field or misses a required one,
            or *engine* is not ``"python"`` or ``"pyarrow"`` (or is ``"pyarrow"`` without
            *columns*).
        MissingDependencyError: If *engine* is ``"pyarrow"`` and pyarrow is not installed.
    """
    if engine not in mappedarrow.ENGINES or (engine != "python" and columns is None):
        reason = (
            "applies only with columns=" if engine == "pyarrow" else "must be 'python' or 'pyarrow'"
        )
        raise InvalidValueError("engine", engine, reason)
    options = MappingOptions(
        columns=columns, scale=scale, stances=stances, cite=cite, metadata=metadata
    )
    stream = open_stream(source, looks_like_text="", max_ratio=max_ratio, max_size=max_size)
    if engine == "pyarrow" and columns is not None and not lenient:
        found = mappedarrow.read(stream, options)
        if found is not None:
            return found  # else the python engine reads the stream again, to locate
    name = stream.name
    problems = ReadErrors(name, lenient)
    with field_limit(stream.bound()):
        if columns is None:
            for option, value in (("scale", scale), ("stances", stances), ("cite", cite)):
                if value is not None:
                    raise InvalidValueError(option, value, "applies only with columns=")
            matrix = read_long(stream, problems)
        else:
            matrix = read_mapped(
                lambda: Table.parse(stream, columns, problems), name, options, problems
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
