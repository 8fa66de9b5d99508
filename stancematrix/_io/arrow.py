"""Arrow interop: a matrix as an Arrow table of its claims, and any Arrow stream as a matrix.

The table is the long layout (:data:`~stancematrix._io.schema.CLAIM_COLUMNS`, one row per
claim, all text; dates as their text such as ``"2025-07"``), and its schema metadata holds
the declarations under the key ``stancematrix``: the JSON document of
:func:`stancematrix.to_json` with its ``claims`` list empty (actors, issues, sources, scale,
metadata). So the table alone is lossless, and anything that speaks Arrow (pandas ≥ 2.2,
polars, DuckDB) reads a matrix through the Arrow PyCapsule protocol
(:meth:`StanceMatrix.__arrow_c_stream__`) with no code of ours.

pyarrow is imported only when one of these functions is called (the ``arrow`` extra).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from stancematrix._dates import PartialDate, Period, decode, encode, exact, from_exact, period_of
from stancematrix._io.json import read_json, to_json
from stancematrix._io.mapped import MappingOptions, order_of, read_columns
from stancematrix._io.schema import CLAIM_COLUMNS
from stancematrix._matrix import StanceMatrix
from stancematrix._store import Declarations, Problem, Text, build, face, from_columns, store_of
from stancematrix.exceptions import (
    MissingDependencyError,
    ReadError,
    StanceMatrixError,
)

if TYPE_CHECKING:
    from stancematrix._model import Source
    from stancematrix._scale import Scale

__all__ = ["METADATA_KEY", "from_arrow", "matrix_of_table", "pyarrow", "to_arrow"]

#: The schema metadata key that holds a matrix's declarations.
METADATA_KEY: Final = b"stancematrix"

# The claim columns that hold codes into the declarations (the rest are text or the date).
_CODED: Final = ("actor", "issue", "stance", "source")
_TEXT: Final = ("summary", "quote", "note")
_REQUIRED: Final = ("actor", "issue", "stance")


def pyarrow() -> Any:
    """The pyarrow module.

    Raises:
        MissingDependencyError: If pyarrow is not installed (the ``arrow`` extra).
    """
    try:
        import pyarrow as pa
    except ImportError as error:
        raise MissingDependencyError("pyarrow", "arrow", "Arrow and Parquet") from error
    return pa


# -- writing ------------------------------------------------------------------------------


def _wrap(pa: Any, codes: array[int]) -> Any:
    """The code column *codes* as an Arrow integer array, sharing its memory."""
    kind = {1: pa.int8(), 2: pa.int16(), 4: pa.int32(), 8: pa.int64()}[codes.itemsize]
    return pa.Array.from_buffers(kind, len(codes), [None, pa.py_buffer(codes)])


# The declarations text of the last few declarations written, by identity: slices and
# snapshots of one matrix share its declarations, and writing them is most of to_arrow's time.
_WRITTEN: dict[int, tuple[Declarations, str]] = {}
_KEEP: Final = 8


def declarations_text(matrix: StanceMatrix) -> str:
    """*matrix*'s declarations as one line of JSON: its JSON document with no claims."""
    decl = store_of(matrix).decl
    known = _WRITTEN.get(id(decl))
    if known is not None and known[0] is decl:
        return known[1]
    text = to_json(face(StanceMatrix, build(decl, [])), indent=None)
    if len(_WRITTEN) >= _KEEP:
        _WRITTEN.pop(next(iter(_WRITTEN)), None)
    _WRITTEN[id(decl)] = (decl, text)
    return text


def to_arrow(matrix: StanceMatrix) -> Any:
    """*matrix*'s claims as a ``pyarrow.Table``, its declarations in the schema metadata.

    One row per claim in the matrix's order, with the string columns ``actor``, ``issue``,
    ``stance``, ``source``, ``date`` (text such as ``"2025-07"``, null when undated),
    ``summary``, ``quote`` and ``note`` (null when empty). The schema metadata's
    ``stancematrix`` key holds the declarations as JSON, so :func:`from_arrow` reads the
    table back equal.

    Raises:
        MissingDependencyError: If pyarrow is not installed.
    """
    pa = pyarrow()
    import pyarrow.compute as pc

    store = store_of(matrix)
    decl, cols = store.decl, store.cols
    n = len(cols)
    keys = {
        "actor": [a.key for a in decl.actors],
        "issue": [i.key for i in decl.issues],
        "stance": list(decl.scale.labels),
        "source": [s.id for s in decl.sources],
    }
    data: dict[str, Any] = {
        name: pa.array(keys[name], pa.string()).take(_wrap(pa, getattr(cols, name)))
        for name in _CODED
    }
    start = _wrap(pa, cols.start).cast(pa.int64())
    end = _wrap(pa, cols.end).cast(pa.int64())
    pairs = pc.add(pc.multiply(start, 1 << 32), end).dictionary_encode()
    texts = [
        None if period is None else str(period)
        for period in (period_of(p >> 32, p & 0xFFFFFFFF) for p in pairs.dictionary.to_pylist())
    ]
    data["date"] = pa.array(texts, pa.string()).take(pairs.indices)
    untils = [None if u == 0 else str(decode(u)) for u in cols.until] if any(cols.until) else None
    data["until"] = pa.nulls(n, pa.string()) if untils is None else pa.array(untils, pa.string())
    data["order"] = pa.nulls(n, pa.string())
    exact = {row: text[3] for row, text in cols.text.items() if text[3] is not None}
    if exact:  # qualified dates or an order: as written
        columns = {name: data[name].to_pylist() for name in ("date", "until", "order")}
        for row, written in exact.items():
            values = from_exact(written)
            for name, value in zip(("date", "until", "order"), values, strict=True):
                columns[name][row] = None if value is None else str(value)
        data.update((name, pa.array(v, pa.string())) for name, v in columns.items())
    for k, name in enumerate(_TEXT):
        if cols.text:
            column: list[str | None] = [None] * n
            for row, text in cols.text.items():
                column[row] = text[k]
            data[name] = pa.array(column, pa.string())
        else:
            data[name] = pa.nulls(n, pa.string())
    schema = pa.schema(
        [pa.field(name, pa.string()) for name in CLAIM_COLUMNS],
        metadata={METADATA_KEY: declarations_text(matrix).encode("utf-8")},
    )
    return pa.Table.from_arrays([data[name] for name in CLAIM_COLUMNS], schema=schema)


# -- reading ------------------------------------------------------------------------------


def _table(obj: Any) -> Any:
    """*obj* as a ``pyarrow.Table`` (it must have ``__arrow_c_stream__``)."""
    pa = pyarrow()
    if isinstance(obj, pa.Table):
        return obj
    if not hasattr(obj, "__arrow_c_stream__"):
        raise ReadError(
            f"expected a table with __arrow_c_stream__ (a pyarrow table, a polars or pandas "
            f"DataFrame, a DuckDB relation), got {type(obj).__name__}",
            source="<arrow>",
            value=obj,
        )
    return pa.table(obj)


def _located(name: str, row: int, column: str, reason: str, value: object) -> ReadError:
    return ReadError(reason, source=name, field=f"claims[{row}].{column}", value=value)


def checked(pa: Any, table: Any, name: str) -> None:
    """Check *table*'s data in full (text is valid UTF-8 …), naming the first bad column.

    Raises:
        ReadError: If a column's data is invalid (a corrupt file, say).
    """
    for column, values in zip(table.column_names, table.columns, strict=True):
        try:
            values.validate(full=True)
        except pa.ArrowException as error:
            raise ReadError(
                f"invalid data in column {column!r}: {error}", source=name, field=str(column)
            ) from error


def _codes(
    pa: Any, table: Any, name: str, column: str, convert: Callable[[str], Any]
) -> tuple[Any, list[Any]]:
    """Column *column* coded: each distinct value converted once; a failure names its row.

    Returns each row's index into the converted distinct values (an Arrow array) and those
    values; a null is converted as ``""``.
    """
    import pyarrow.compute as pc

    values = _text_column(pa, table, name, column)
    encoded = values.dictionary_encode(null_encoding="encode")
    converted: list[Any] = []
    for k, value in enumerate(encoded.dictionary.to_pylist()):
        try:
            converted.append(convert("" if value is None else value))
        except StanceMatrixError as error:
            row = pc.index(encoded.indices, pa.scalar(k, encoded.indices.type)).as_py()
            reason = error.reason if isinstance(error, ReadError) else str(error)
            raise _located(name, row, column, reason, value) from error
    return encoded.indices, converted


def _text_column(pa: Any, table: Any, name: str, column: str) -> Any:
    """Column *column* of *table* as one string array (all null is text too)."""
    values = table.column(column).combine_chunks()
    if _other_text(pa, values.type):
        return values.cast(pa.string())
    if not pa.types.is_string(values.type):
        raise ReadError(
            f"column {column!r} holds {values.type}, expected text", source=name, field=column
        )
    return values


def _take(pa: Any, codes: list[int], indices: Any, typecode: str) -> array[int]:
    """``codes[i]`` for each of *indices*, as a Python array of *typecode*."""
    kind = pa.int8() if typecode == "b" else pa.int32()
    taken = pa.array(codes, kind).take(indices)
    out = array(typecode)
    out.frombytes(taken.buffers()[1].to_pybytes()[: out.itemsize * len(taken)])
    return out


def matrix_of_table(table: Any, name: str, declarations: bytes) -> StanceMatrix:
    """The matrix of a claims table with its declarations (see the module docs).

    Raises:
        ReadError: If the declarations are not a valid document, a column is missing or
            not text, or a value is bad (naming ``claims[ROW].COLUMN``).
    """
    pa = pyarrow()
    checked(pa, table, name)
    try:
        text = declarations.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReadError(
            "the declarations metadata is not UTF-8", source=name, field="stancematrix"
        ) from error
    try:
        declared = read_json(text.encode("utf-8"))
    except ReadError as error:
        raise ReadError(
            f"the declarations metadata: {error.reason}",
            source=name,
            line=error.line,
            column=error.column,
            field="stancematrix" + ("" if error.field is None else f".{error.field}"),
            value=error.value,
        ) from error
    if len(declared):
        raise ReadError(
            "the declarations metadata holds claims; they belong in the table's rows",
            source=name,
            field="stancematrix.claims",
        )
    missing = [c for c in CLAIM_COLUMNS if c not in table.column_names]
    extra = [c for c in table.column_names if c not in CLAIM_COLUMNS]
    for problem, columns in (("missing", missing), ("unknown", extra)):
        if columns:
            raise ReadError(
                f"{problem} column{'s' * (len(columns) > 1)} {', '.join(map(repr, columns))}; "
                f"a claims table has the columns {', '.join(map(repr, CLAIM_COLUMNS))}",
                source=name,
                field=columns[0],
            )
    if len(set(table.column_names)) < len(table.column_names):
        raise ReadError("a column appears twice", source=name)
    return _claims(pa, table, name, store_of(declared).decl)


def _claims(pa: Any, table: Any, name: str, decl: Declarations) -> StanceMatrix:
    def code_of(kind: Any) -> Callable[[str], int]:
        def convert(value: str) -> int:
            if not value:
                raise ReadError(f"empty {kind} value")
            return decl.code(kind, value) if kind != "stance" else decl.scale.code(value)

        return convert

    coded = {column: _codes(pa, table, name, column, code_of(column)) for column in _CODED}
    date, periods = _codes(pa, table, name, "date", lambda v: Period.parse(v) if v else None)
    starts = [0 if p is None else encode(p.start) for p in periods]
    ends = [0 if p is None else encode(p.end) for p in periods]
    until, untils = _codes(pa, table, name, "until", lambda v: PartialDate.parse(v) if v else None)
    order, orders = _codes(pa, table, name, "order", lambda v: order_of(v) if v else None)
    text_columns = [_text_column(pa, table, name, column) for column in _TEXT]
    texts: dict[int, Text] = {}
    if any(c.null_count < len(c) for c in text_columns):
        lists = [c.to_pylist() for c in text_columns]
        for k, (summary, quote, note) in enumerate(zip(*lists, strict=True)):
            if summary or quote or note:
                texts[k] = (summary or None, quote or None, note or None, None)
    if any(o is not None for o in orders) or any(
        x is not None and x.qualified for x in (*periods, *untils)
    ):  # qualified dates or an order: kept as written beside the codes
        rows = zip(date.to_pylist(), until.to_pylist(), order.to_pylist(), strict=True)
        for k, (d, u, o) in enumerate(rows):
            written = exact(periods[d], untils[u], orders[o])
            if written is not None:
                texts[k] = (*texts.get(k, (None, None, None, None))[:3], written)
    actor, issue, stance, source = (
        _take(pa, values, indices, "b" if column == "stance" else "i")
        for column, (indices, values) in coded.items()
    )
    try:
        store = from_columns(
            decl,
            actor=actor,
            issue=issue,
            stance=stance,
            source=source,
            start=_take(pa, starts, date, "i"),
            end=_take(pa, ends, date, "i"),
            until=_take(pa, [0 if u is None else encode(u) for u in untils], until, "i"),
            text=texts,
        )
    except Problem as located:
        raise _located(
            name, located.index, located.field or "claim", str(located.error), None
        ) from located.error
    return face(StanceMatrix, store)


def from_arrow(
    obj: Any,
    *,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    scale: Scale | None = None,
    stances: Mapping[str, str] | None = None,
    cite: Source | str | None = None,
    metadata: Mapping[str, str] | None = None,
) -> StanceMatrix:
    """Build a matrix from any Arrow table: anything with ``__arrow_c_stream__``.

    A table written by :meth:`StanceMatrix.to_arrow` (its schema metadata holding the
    declarations) is read back equal: actors, issues, sources, scale and metadata
    included. Any other table — a pyarrow table, a polars or pandas (≥ 2.2) DataFrame, a
    DuckDB relation — is one claim per row, mapped as :func:`stancematrix.read_csv` maps
    a CSV file with ``columns=``.

    Args:
        obj: The table.
        columns: Field → column name(s), as for :func:`stancematrix.read_csv`; by
            default the long layout's columns that are present (``actor``, ``issue``,
            ``stance``, and ``source``, ``date``, ``summary``, ``quote``, ``note``).
            Given (or *scale*, *stances* or *metadata*), the table is mapped even when
            it carries declarations.
        scale: The scale of a mapped table, as for :func:`stancematrix.read_csv`.
        stances: Cell value → stance label, for a mapped table.
        cite: The source claims of a mapped table cite without a ``source`` column
            (default ``"arrow"``).
        metadata: Metadata for a mapped table.

    Values of a mapped table are read as their text (numbers and dates as ``str()``
    gives them, nulls as empty cells), and errors name row ``k`` (0-based) as line
    ``k + 2``, as in the equivalent CSV file. Errors in a lossless table name the row
    and column as ``claims[k].stance``.

    Raises:
        MissingDependencyError: If pyarrow is not installed.
        ReadError: If *obj* is not an Arrow table, or its claims are bad (see above).
    """
    table = _table(obj)
    options = MappingOptions(
        columns=columns, scale=scale, stances=stances, cite=cite, metadata=metadata
    )
    declarations = (table.schema.metadata or {}).get(METADATA_KEY)
    if declarations is not None and not options.asks_to_map():
        return matrix_of_table(table, "<arrow>", declarations)
    return mapped(table, "<arrow>", options, "arrow")


def mapped(table: Any, name: str, options: MappingOptions, default_cite: str) -> StanceMatrix:
    """The matrix of *table* mapped as *options* say (see :func:`from_arrow`).

    Without :attr:`~MappingOptions.columns`, the long layout's columns present are read.
    """
    pa = pyarrow()
    checked(pa, table, name)
    header = [str(column) for column in table.column_names]
    columns = options.columns_of(header, CLAIM_COLUMNS)
    values: list[tuple[str, ...]] = []
    for column in table.columns:
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            column = column.cast(pa.string()) if _castable(pa, column.type) else _texts(column)
        values.append(tuple("" if v is None else v for v in column.to_pylist()))
    return read_columns(
        header,
        values,
        name=name,
        options=attrs.evolve(options, columns=columns),
        default_cite=default_cite,
    )


def _other_text(pa: Any, kind: Any) -> bool:
    """Whether *kind* is text held other than as ``string`` (or all null)."""
    if pa.types.is_dictionary(kind):
        return _other_text(pa, kind.value_type) or bool(pa.types.is_string(kind.value_type))
    return bool(
        pa.types.is_null(kind) or pa.types.is_large_string(kind) or str(kind) == "string_view"
    )


def _castable(pa: Any, kind: Any) -> bool:
    """Whether casting *kind* to ``string`` gives the text ``str()`` would."""
    return bool(
        pa.types.is_integer(kind)
        or pa.types.is_dictionary(kind)
        or pa.types.is_boolean(kind)
        or _other_text(pa, kind)
    )


def _texts(column: Any) -> Any:
    """*column* as the text ``str()`` gives each value (dates as ``2025-07-14``)."""
    pa = pyarrow()
    return pa.array([None if v is None else str(v) for v in column.to_pylist()], pa.string())
