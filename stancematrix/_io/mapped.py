"""Reading any table by a column mapping: each row one claim, its fields named by *columns*.

What :func:`stancematrix.read_csv` does with ``columns=`` and
:func:`stancematrix.from_dataframe` does with a DataFrame: the table's columns are mapped
onto :data:`MAPPED_FIELDS` (a claim's fields, see :data:`schema.CLAIM_COLUMNS`, plus an
actor's name and an issue's title), actors and issues are declared in order of first
appearance, and the claims are built column by column by the engine. An actor's name and
an issue's title are the first non-empty value in its rows; a different one is reported
with both rows' lines, never dropped silently.
"""

from __future__ import annotations

import gc
import os
from array import array
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from stancematrix._dates import PartialDate, Period, encode, end_code, exact
from stancematrix._io.csvtable import (
    MAPPED_FIELDS,
    ReadErrors,
    Table,
    field_limit,
    mapped_columns,
)
from stancematrix._matrix import StanceMatrix
from stancematrix._model import Actor, Issue, Source, titled_issue
from stancematrix._scale import Scale
from stancematrix._store import (
    NO_TEXT,
    Declarations,
    Problem,
    Problems,
    Text,
    face,
    from_columns,
)
from stancematrix.exceptions import InvalidValueError, ReadError, StanceMatrixError

__all__ = [
    "MAPPED_FIELDS",
    "MappingOptions",
    "ReadErrors",
    "Table",
    "field_limit",
    "order_of",
    "read_columns",
    "read_mapped",
]


@attrs.frozen(kw_only=True)
class MappingOptions:
    """How the rows of a mapped table become claims: the keywords of every mapped reader.

    :func:`stancematrix.read_csv` (with ``columns=``), :func:`stancematrix.from_arrow`,
    :func:`stancematrix.read_parquet` and :func:`stancematrix.from_dataframe` take the
    same five keywords; each makes one of these and hands it down, and the entries a
    table declares are made here, once for every reader and engine.

    Attributes:
        columns: Field → column name or fallback chain of names; None for a reader's
            default columns (see :meth:`columns_of`).
        scale: The stances' scale; None for :meth:`Scale.five_point`.
        stances: Cell value → stance label, for values that are not labels themselves.
        cite: The source claims cite without a ``source`` column: a :class:`Source`, an
            id for one titled by the id, or None for the reader's default.
        metadata: The matrix's metadata.
    """

    columns: Mapping[str, str | Sequence[str]] | None = None
    scale: Scale | None = None
    stances: Mapping[str, str] | None = None
    cite: Source | str | None = None
    metadata: Mapping[str, str] | None = None

    def asks_to_map(self) -> bool:
        """Whether a table carrying its own declarations must be mapped all the same."""
        return any(o is not None for o in (self.columns, self.scale, self.stances, self.metadata))

    def columns_of(
        self, header: Sequence[str], defaults: Sequence[str]
    ) -> Mapping[str, str | Sequence[str]]:
        """The mapping given, else each of the *defaults* the *header* names, as itself."""
        if self.columns is not None:
            return self.columns
        return {field: field for field in defaults if field in header}

    def the_scale(self) -> Scale:
        """The scale given, else the five-point scale."""
        return Scale.five_point() if self.scale is None else self.scale

    def cited(self, default: str) -> Source:
        """The source claims cite without a ``source`` column (*default* names it if unset)."""
        cite = default if self.cite is None else self.cite
        return cite if isinstance(cite, Source) else Source(cite, cite)

    def stance(self, scale: Scale) -> Callable[[str], int]:
        """A cell value's stance code on *scale* (through :attr:`stances`)."""
        stances = self.stances
        if stances is None:
            return scale.code
        return lambda value: scale.code(stances.get(value, value))

    @staticmethod
    def actor(names: Mapping[str, str]) -> Callable[[str], Actor]:
        """The actor of a key, named by its ``actor_name`` in *names*, else by its key."""
        return lambda key: Actor(key, names.get(key) or key)

    @staticmethod
    def issue(titles: Mapping[str, str]) -> Callable[[str], Issue]:
        """The issue of a key, titled (and put) by its ``issue_title``, else by its key."""
        return lambda key: titled_issue(key, titles.get(key) or key)

    @staticmethod
    def source(value: str) -> Source:
        """The source a ``source`` column's value names (titled by its id)."""
        return Source(value, value)


def base_name(name: str) -> str:
    """The base name of a file's *name*, the source a table cites by default."""
    return os.path.basename(name) or name


def _first(columns: list[Sequence[str]], indices: list[int]) -> Sequence[str]:
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


def _conflicts(
    table: Table,
    cols: list[Sequence[str]],
    indices: list[int],
    keys: Sequence[str],
    given: Sequence[str],
    clash: set[str],
    what: str,
    row_of: Callable[[int], int],
    problems: ReadErrors,
) -> None:
    """Report each row whose *what* field differs from the first row's for its key.

    Each error is placed at the conflicting row and names the first row's line too; when
    lenient, the first value is kept.
    """
    first: dict[str, int] = {}
    for k, (key, value) in enumerate(zip(keys, given, strict=True)):
        if key not in clash or not value:
            continue
        if key not in first:
            first[key] = k
            continue
        kept = given[first[key]]
        if value == kept:
            continue
        column = next(i for i in indices if cols[i][k])
        there, here = table.line(row_of(first[key])), table.line(row_of(k))
        problems.add(
            table.error(
                f"conflicting {table.header[column]} for {what} {key!r}: {kept!r} at "
                f"{table.name}:{there}, {value!r} at {table.name}:{here}; an {what} has one "
                f"{'name' if what == 'actor' else 'title'}",
                row_of(k),
                column,
                value,
            )
        )


def _mapped(
    table: Table, name: str, options: MappingOptions, cite: Source, problems: ReadErrors
) -> StanceMatrix:
    where = mapped_columns(table.header, options.columns_of(table.header, ()), name)
    bad: set[int] = set()
    for k in table.ragged:
        problems.add(table.ragged_error(k))
        bad.add(k)
    if table.ragged:  # lenient: carry on with the rows that fit
        kept: list[int] | None = [k for k in range(table.count) if k not in bad]
    else:
        kept = None
    n = len(table.columns[0]) if table.columns else 0
    cols = table.columns

    def row_of(k: int) -> int:
        return k if kept is None else kept[k]

    cache: dict[str, Sequence[str]] = {}

    def values(field: str) -> Sequence[str]:
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

    def names(key: str, name: str, what: str) -> dict[str, str]:
        """Per key, the first non-empty *name* value; a different later one is a conflict."""
        if name not in where:
            return {}
        keys, given = values(key), values(name)
        out: dict[str, str] = {}
        clash: set[str] = set()
        for key_value, value in dict.fromkeys(zip(keys, given, strict=True)):  # unique pairs
            if not value:
                continue
            if key_value not in out:
                out[key_value] = value
            elif out[key_value] != value:
                clash.add(key_value)
        if clash:
            _conflicts(table, cols, where[name], keys, given, clash, what, row_of, problems)
        return out

    actor_names = names("actor", "actor_name", "actor")
    issue_titles = names("issue", "issue_title", "issue")

    actor, actors = codes("actor", options.actor(actor_names), True)
    issue, issues = codes("issue", options.issue(issue_titles), True)
    scale = options.the_scale()
    stance_index, stance_codes = codes("stance", options.stance(scale), True)
    stance = (
        array("b", map(stance_codes.__getitem__, stance_index))
        if stance_codes
        else array("b", bytes(n))
    )
    if "source" in where:
        source, sources = codes("source", options.source, True)
    else:
        source, sources = array("i", bytes(4 * n)), [cite]
    date: array[int] = array("i")
    periods: list[Any] = []
    if "date" in where:
        date, periods = codes("date", Period.parse, False)
        starts = [0 if p is None else encode(p.start) for p in periods]
        ends = [end_code(p) for p in periods]
        start = array("i", map(starts.__getitem__, date)) if periods else array("i", bytes(4 * n))
        end = array("i", map(ends.__getitem__, date)) if periods else array("i", bytes(4 * n))
    else:
        start = array("i", bytes(4 * n))
        end = array("i", bytes(4 * n))
    until = array("i", bytes(4 * n))
    ends_at: array[int] = array("i")
    validity: list[Any] = []
    if "until" in where:
        ends_at, validity = codes("until", PartialDate.parse, False)
        if validity:
            until = array("i", map(list(map(encode, validity)).__getitem__, ends_at))
    text_columns = [values(f) for f in ("summary", "quote", "note")]
    texts: dict[int, Text] = {}
    if any(f in where for f in ("summary", "quote", "note")):
        for k, (summary, quote, note) in enumerate(zip(*text_columns, strict=True)):
            if summary or quote or note:
                texts[k] = (summary or None, quote or None, note or None, None)
    places: array[int] = array("i")
    orders: list[Any] = []
    if "order" in where:
        places, orders = codes("order", order_of, False)
    if (
        any(p is not None and p.qualified for p in periods)
        or any(u is not None and u.qualified for u in validity)
        or any(orders)
    ):  # qualified dates and orders: kept as written beside the codes
        for k in range(n):
            written = exact(
                periods[date[k]] if periods else None,
                validity[ends_at[k]] if validity else None,
                orders[places[k]] if orders else None,
            )
            if written is not None:
                texts[k] = (*texts.get(k, NO_TEXT)[:3], written)
    if drop:
        keep = [k for k in range(n) if k not in drop]
        actor, issue, stance, source, start, end, until = (
            array(c.typecode, map(c.__getitem__, keep))
            for c in (actor, issue, stance, source, start, end, until)
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
        decl = Declarations.declare(actors, issues, sources, scale, options.metadata)
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
            until=until,
            text=texts,
            problems=collected,
        )
    except Problem as located:
        raise row_error(located) from located.error
    for found in collected.found or []:
        problems.add(row_error(found))
    return face(StanceMatrix, store)


def order_of(value: str) -> int:
    """A claim's order as a table gives it: a whole number from 1 (``"2"``, ``"2.0"``)."""
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not number.is_integer() or number < 1:
        raise InvalidValueError("order", value, "must be a whole number from 1")
    return int(number)


def read_mapped(
    table: Callable[[], Table],
    name: str,
    options: MappingOptions,
    problems: ReadErrors,
    default_cite: str | None = None,
) -> StanceMatrix:
    """The matrix of the table *table* makes, mapped as *options* say (see :func:`read_csv`).

    Args:
        table: Makes the table (it is made with the garbage collector paused).
        name: The table's name in errors.
        options: The mapping; its :attr:`~MappingOptions.columns` must be given.
        problems: Where a row's problem goes (raised, or collected when lenient).
        default_cite: The source cited when *options* names none (default: the base
            name of *name*).
    """
    cite = options.cited(base_name(name) if default_cite is None else default_cite)
    was_enabled = gc.isenabled()
    gc.disable()  # hundreds of thousands of small rows: collections would dominate
    try:
        return _mapped(table(), name, options, cite, problems)
    finally:
        if was_enabled:
            gc.enable()


def read_columns(
    header: list[str],
    values: Sequence[Sequence[str]],
    *,
    name: str,
    options: MappingOptions,
    default_cite: str | None = None,
) -> StanceMatrix:
    """Like :func:`stancematrix.read_csv` with *columns*, for a table split into string columns.

    Row ``k`` of *values* is reported as line ``k + 2`` (as if a header came first).
    """
    return read_mapped(
        lambda: Table(name, header, values),
        name,
        options,
        ReadErrors(name, lenient=False),
        default_cite,
    )
