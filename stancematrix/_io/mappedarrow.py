"""The pyarrow engine of mapped CSV reads: ``read_csv(path, columns=…, engine="pyarrow")``.

The table is split by ``pyarrow.csv`` (in C, on several threads) as the input is read:
one of pyarrow's threads reads the stream (decompressed within the gzip limits, and
checked as it comes, see :class:`_Feed`) while others parse what has come. The key
columns are dictionary-encoded as they are parsed, so the matrix is built from codes:
actors and issues in order of first appearance (as the python engine declares them),
each distinct stance, source and date converted once, and the rows put in canonical
order by spreading them by cell (or by one sort when a cell holds several claims).

The result is the python engine's, exactly; this module only makes it faster. So
whatever this engine cannot read as the python engine would, it leaves to it
(:func:`read` returns None and the python engine reads the stream again):

- input the two CSV parsers read differently: a NUL byte, a blank line (a row of empty
  fields to pyarrow, so an empty key), a quote in the header, a header naming a column
  twice, text after a closing quote or a quote left open (the python engine refuses
  these last two, pyarrow would not);
- any problem at all (a ragged row, invalid UTF-8, an unknown stance, an empty key, a
  repeated claim, conflicting names): the python engine then raises its own
  :class:`ReadError`, naming the file, line, column and value;
- an empty table.

Text columns (``summary``, ``quote``, ``note``), ``until``, ``order`` and qualified dates
are split by pyarrow and then built by the python engine's own code, as is every table
when numpy is not installed.

pyarrow is imported only when this engine is asked for (the ``arrow`` extra).
"""

from __future__ import annotations

import io
import re
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final

from stancematrix._dates import Period, encode, end_code
from stancematrix._io.arrow import pyarrow
from stancematrix._io.mapped import MAPPED_FIELDS, MappingOptions, base_name, read_columns
from stancematrix._io.source import Stream
from stancematrix._matrix import StanceMatrix
from stancematrix._store import (
    CellIndex,
    Columns,
    Declarations,
    Problem,
    Store,
    face,
    from_columns,
)
from stancematrix.exceptions import StanceMatrixError

__all__ = ["ENGINES", "read"]

ENGINES: Final = ("python", "pyarrow")
"""The engines :func:`stancematrix.read_csv` reads a mapped table with."""

# The fields built column-wise here; the others go through the python engine's build.
_FAST: Final = frozenset(
    {"actor", "issue", "stance", "source", "date", "actor_name", "issue_title"}
)
_LINE_END: Final = re.compile(rb"[\r\n]")
_QUOTE: Final = re.compile(rb'"')


class _Fallback(Exception):
    """This input is the python engine's to read (see the module docs)."""


def read(stream: Stream, options: MappingOptions) -> StanceMatrix | None:
    """The matrix of the CSV *stream* mapped as *options* say, or None for the python engine.

    pyarrow parses the stream as it is decompressed (one of its threads reads it while
    others parse), within the gzip limits. None means the python engine must read it
    (see the module docs): it then reads the stream again, and returns the same matrix
    or raises the located error.

    Raises:
        MissingDependencyError: If pyarrow is not installed.
    """
    pa = pyarrow()
    try:
        return _read(pa, stream, options)
    except (_Fallback, StanceMatrixError, Problem, UnicodeError, pa.ArrowException):
        return None


class _Feed(io.RawIOBase):
    """A stream's pieces as the binary file pyarrow reads, checked as they are read.

    The checks find input the two parsers could read differently (see :meth:`_check`).
    Such input, or any error reading the stream (a gzip bomb, a truncated file), ends the
    file early and is kept in :attr:`problem`: the reader then leaves the input to the
    python engine, which reports it where it is.
    """

    def __init__(self, pieces: Iterator[bytes | str]) -> None:
        super().__init__()
        self._pieces: Iterator[bytes | str] | None = pieces
        self._held = bytearray()
        self._inside = False  # within a quoted field at the end of the last piece
        self._first = True
        self.problem: Exception | None = None
        self.breaks = False  # whether a quoted field holds a line break

    def readable(self) -> bool:
        return True

    def header(self) -> list[str]:
        """The names in the first line; :class:`_Fallback` where pyarrow could differ."""
        self._fill(1)
        found = _LINE_END.search(self._held)
        if found is None or self.problem is not None:
            raise _Fallback("no rows")
        head = bytes(self._held[: found.start()])
        if b'"' in head:
            raise _Fallback("a quoted header")
        header = head.decode("utf-8").split(",")
        if len(set(header)) < len(header):
            raise _Fallback("a column named twice")
        return header

    def read(self, size: int | None = -1) -> bytes:
        """Up to *size* bytes (all that is left when negative); fewer only at the end."""
        self._fill(size)
        held = self._held
        size = len(held) if size is None or size < 0 else min(size, len(held))
        out = bytes(memoryview(held)[:size])
        del held[:size]
        return out

    def _fill(self, size: int | None) -> None:
        while self._pieces is not None and (size is None or size < 0 or len(self._held) < size):
            try:
                piece = next(self._pieces, None)
                if piece is None:
                    self._pieces = None
                    break
                raw = piece.encode("utf-8") if isinstance(piece, str) else piece
                self._check(raw)
            except Exception as error:  # the python engine reports it, where it is
                self.problem = error
                self._held.clear()
                self._stop()
                break
            self._held += raw

    def _check(self, raw: bytes) -> None:
        """:class:`_Fallback` where the two parsers could read this piece differently.

        The python engine's ``csv.reader`` (strict) and ``pyarrow.csv`` agree on CSV
        without NUL bytes whose quoted fields are closed and followed by a delimiter (a
        blank line is left to :func:`_built`: an empty key). A quote opens a field only
        at its start (after a comma or line end), ``""`` inside one is a quote, and the
        closing quote must end the field. Pieces end at line ends, so a field's start
        and a quote's next byte are always in the same piece.
        """
        if b"\x00" in raw or (self._first and raw[:1] in (b"\n", b"\r")):
            raise _Fallback("a NUL byte or a blank first line")
        self._first = False
        if b'"' not in raw:
            return
        inside = self._inside
        skip = opened = -1
        for match in _QUOTE.finditer(raw):
            at = match.start()
            if at == skip:
                continue
            if not inside:
                inside = at == 0 or raw[at - 1 : at] in (b",", b"\n", b"\r")
                opened = at
                continue
            after = raw[at + 1 : at + 2]
            if after == b'"':
                skip = at + 1
            elif after in (b"", b",", b"\n", b"\r"):
                inside = False
                if opened >= 0 and _LINE_END.search(raw, opened, at):
                    self.breaks = True
            else:
                raise _Fallback("text after a closing quote")
        self._inside = inside
        if inside:  # the piece ends at a line end, so inside the field
            self.breaks = True

    def _stop(self) -> None:
        """Read no more of the stream (so a file it opened is closed now)."""
        pieces, self._pieces = self._pieces, None
        if pieces is not None:
            getattr(pieces, "close", lambda: None)()

    def close(self) -> None:
        """Stop reading the stream, and close this file."""
        self._stop()
        super().close()

    def finished(self) -> None:
        """:class:`_Fallback` if reading stopped at a problem or inside a quoted field."""
        if self.problem is not None:
            raise _Fallback("a problem reading the stream") from self.problem
        if self._inside:
            raise _Fallback("a quote left open")


def _read(pa: Any, stream: Stream, options: MappingOptions) -> StanceMatrix:
    import pyarrow.csv as pacsv

    # pyarrow splits the input faster when no quoted field holds a line break; the feed
    # finds out, and a table that has one is read again, split the slower way.
    for breaks in (False, True):
        feed = _Feed(stream.pieces())
        try:
            header = feed.header()
            where = _where(options.columns_of(header, ()), header)
            # The first column of each key field is dictionary-encoded as it is parsed (in
            # parallel); a fallback column is read only where it is needed.
            keys = {where[field][0] for field in where.keys() & _FAST}
            text, coded = pa.string(), pa.dictionary(pa.int32(), pa.string())
            try:
                table = pacsv.read_csv(
                    feed,
                    read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
                    parse_options=pacsv.ParseOptions(
                        newlines_in_values=breaks, ignore_empty_lines=False
                    ),
                    convert_options=pacsv.ConvertOptions(
                        column_types={c: coded if c in keys else text for c in header},
                        strings_can_be_null=False,
                        quoted_strings_can_be_null=False,
                    ),
                )
            except pa.ArrowException:
                if breaks or not feed.breaks:
                    raise
            feed.finished()
        finally:
            feed.close()
        if breaks or not feed.breaks:
            break
    if not table.num_rows:
        raise _Fallback("no rows")
    table = table.unify_dictionaries()
    if set(where) <= _FAST:
        built = _built(pa, table, stream.name, where, options)
        if built is not None:
            return built
    values = [tuple(column.to_pylist()) for column in table.columns]
    return read_columns(header, values, name=stream.name, options=options)


def _where(columns: Mapping[str, str | Sequence[str]], header: list[str]) -> dict[str, list[str]]:
    """Field → its columns' names; :class:`_Fallback` for a mapping the python engine refuses."""
    where: dict[str, list[str]] = {}
    for field, given in columns.items():
        names = [given] if isinstance(given, str) else list(given)
        if field not in MAPPED_FIELDS or not names or any(c not in header for c in names):
            raise _Fallback("a bad mapping")
        where[field] = names
    if not {"actor", "issue", "stance"} <= set(where):
        raise _Fallback("a bad mapping")
    return where


def _built(
    pa: Any, table: Any, name: str, where: dict[str, list[str]], options: MappingOptions
) -> StanceMatrix | None:
    """The matrix built column-wise, or None for the python engine's build.

    None when numpy is not installed, or a date is qualified (kept as written).
    """
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy comes with pyarrow in the test extra
        return None

    scale = options.the_scale()

    held: dict[str, tuple[Any, list[str]]] = {}

    def coded(column: str) -> tuple[Any, list[str]]:
        """A column's rows as indices into its distinct values, in order of first appearance.

        pyarrow builds each batch's dictionary in that order and unifies them in batch order.
        """
        encoded = table.column(column).combine_chunks()
        return encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist()

    def values(field: str) -> tuple[Any, list[str]]:
        """Per row, the first non-empty value of the field's columns (as :func:`coded`).

        A fallback column is read only at the rows the columns before it leave empty.
        """
        if field not in held:
            chain = where[field]
            index, distinct = coded(chain[0])
            for column in chain[1:]:
                if "" not in distinct:
                    break
                empty = np.flatnonzero(index == distinct.index(""))
                filled = table.column(column).take(empty).to_pylist()
                code = {v: k for k, v in enumerate(distinct)}
                for value in filled:
                    code.setdefault(value, len(code))
                index = index.astype(np.int64)
                index[empty] = [code[value] for value in filled]
                merged = list(code)
                first = np.full(len(merged), len(index), np.int64)  # first row of each value
                first[index[::-1]] = np.arange(len(index) - 1, -1, -1)
                seen = np.argsort(first, kind="stable")[: np.count_nonzero(first < len(index))]
                rank = np.zeros(len(merged), np.int64)
                rank[seen] = np.arange(len(seen))
                index, distinct = rank[index], [merged[k] for k in seen]
            held[field] = index, distinct
        return held[field]

    def names(key: str, field: str) -> dict[str, str]:
        """Per key, its one non-empty *field* value; :class:`_Fallback` when it has two."""
        if field not in where:
            return {}
        (keys, key_values), (given, given_values) = values(key), values(field)
        named = given != (given_values.index("") if "" in given_values else -1)
        pairs = np.unique(keys[named].astype(np.int64) * len(given_values) + given[named])
        owners, found = np.divmod(pairs, len(given_values))
        if len(np.unique(owners)) < len(owners):
            raise _Fallback("conflicting names")
        return {key_values[k]: given_values[v] for k, v in zip(owners, found, strict=True)}

    def codes(field: str, convert: Callable[[str], Any], required: bool) -> tuple[Any, list[Any]]:
        """Rows' indices into the field's distinct values (first seen first), converted once.

        A blank line is a row of empty fields to pyarrow (an error to the python engine),
        so an empty required field sends any such input to the python engine too.
        """
        indices, distinct = values(field)
        if required and "" in distinct:
            raise _Fallback(f"an empty {field}")
        return indices, [convert(v) if v else None for v in distinct]

    actor_names = names("actor", "actor_name")
    issue_titles = names("issue", "issue_title")
    actor, actors = codes("actor", options.actor(actor_names), True)
    issue, issues = codes("issue", options.issue(issue_titles), True)
    stance, labels = codes("stance", options.stance(scale), True)
    stance = np.asarray(labels, np.int64)[stance]
    zeros = np.zeros(len(actor), np.int64)
    source = zeros
    sources = [options.cited(base_name(name))]
    if "source" in where:
        source, sources = codes("source", options.source, True)
    start = end = zeros
    if "date" in where:
        date, periods = codes("date", Period.parse, False)
        if any(p is not None and p.qualified for p in periods):
            return None
        start = np.asarray([0 if p is None else encode(p.start) for p in periods], np.int64)[date]
        end = np.asarray(list(map(end_code, periods)), np.int64)[date]
    decl = Declarations.declare(actors, issues, sources, scale, options.metadata)
    return face(StanceMatrix, _store(np, decl, actor, issue, stance, source, start, end))


def _store(np: Any, decl: Declarations, *columns: Any) -> Store:
    """The store of coded columns (numpy arrays) in input order, put in canonical order.

    Raises:
        _Fallback: If a claim is repeated (the python engine reports it).
    """
    n_actors, n_issues = len(decl.actors), len(decl.issues)
    actor, issue, stance, source, start, end = columns
    n = len(actor)
    cell = actor.astype(np.int64)
    cell *= n_issues
    cell += issue
    counts = np.bincount(cell, minlength=n_actors * n_issues)
    single = not len(counts) or int(counts.max()) <= 1
    dated = bool(start.any() or end.any() or source.any())
    if single:  # one claim per cell, so in cell order: spread each column by cell
        held = counts.astype(bool)

        def ordered(column: Any, kind: Any) -> Any:
            spread = np.zeros(len(counts), kind)
            spread[cell] = column
            return spread[held]

        actor, issue = np.nonzero(held.reshape(n_actors, n_issues))
        stance = ordered(stance, np.int8)
        if dated:
            source, start, end = (ordered(c, np.int64) for c in (source, start, end))
    else:  # canonical order (see _store.columns): until is 0 here
        keys = (stance, source, end, start, cell) if dated else (stance, cell)
        order = np.lexsort(keys)
        cell = cell[order]
        same = cell[1:] == cell[:-1]
        actor, issue, stance, source, start, end = (
            c[order] for c in (actor, issue, stance, source, start, end)
        )
        for column in (start, end, source, stance) if dated else (stance,):
            same &= column[1:] == column[:-1]
        if same.any():
            raise _Fallback("a repeated claim")
    coded = [_array(np, actor, "i"), _array(np, issue, "i"), _array(np, stance, "b")]
    coded += [_array(np, c, "i") if dated else _zeros(n) for c in (source, start, end)]
    coded.append(_zeros(n))  # until
    if len(counts) > 4 * n + 1024:  # sparse: the engine's own index
        actor_codes, issue_codes, stance_codes, source_codes, starts, ends, until = coded
        return from_columns(
            decl,
            actor=actor_codes,
            issue=issue_codes,
            stance=stance_codes,
            source=source_codes,
            start=starts,
            end=ends,
            until=until,
            canonical=True,
        )
    dense = array("q", [0]) * (len(counts) + 1)
    np.cumsum(counts, out=np.frombuffer(dense, np.int64)[1:])
    cells = CellIndex.of_dense(dense, n_issues, n, single)
    return Store(decl, Columns.of(coded, {}, cells))


def _zeros(n: int) -> array[int]:
    """A column of *n* zero codes."""
    return array("i", bytes(4 * n))


def _array(np: Any, values: Any, typecode: str) -> array[int]:
    """A numpy integer array as a Python array of *typecode*."""
    out = array(typecode, [0]) * len(values)
    kind = {"b": np.int8, "i": np.int32, "q": np.int64}[typecode]
    np.copyto(np.frombuffer(out, kind), values, casting="unsafe")
    return out
