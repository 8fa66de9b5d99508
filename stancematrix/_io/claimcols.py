"""Claims given column by column, coded once per distinct value: the readers' fast path.

The lossless readers (the JSON document, the CSV long layout) first decode their input
with the fastest decoder at hand and hand the claims here as columns of plain values,
one list per field. Each column is checked and coded **once per distinct value** (a
country code, a stance label or a date is looked up or parsed once, not once per claim),
and the coded columns become a store through :func:`stancematrix._store.from_columns`.

This path never reports an error: :func:`coded_store` returns ``None`` when anything
is off (an unknown key, a value of the wrong type, an empty text, an invalid date, a
repeated claim, a field this path does not know), and the reader then reads the input
again the located way, which names the file, line, column and field of the problem. So
errors are exactly as precise as before, and only valid input takes the fast path.
"""

from __future__ import annotations

import contextlib
import gc
import operator
from array import array
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from itertools import compress, repeat
from json.encoder import encode_basestring
from typing import Final, cast

from stancematrix._dates import (
    PartialDate,
    Period,
    decode,
    encode,
    end_code,
    exact,
    from_exact,
    period_of,
)
from stancematrix._io.schema import CLAIM_COLUMNS
from stancematrix._scale import lone_surrogate
from stancematrix._store import Declarations, Problem, Store, Text, from_columns
from stancematrix.exceptions import StanceMatrixError

__all__ = ["FIELDS", "REQUIRED", "TEXTS", "ClaimCoder", "coded_store", "json_claims", "no_gc"]

#: The claim fields the fast path codes; a claim with any other field is read the located way.
FIELDS: Final = CLAIM_COLUMNS
#: The fields every claim has.
REQUIRED: Final = ("actor", "issue", "stance", "source")
#: The free-text fields, kept per row (``None`` or non-empty text).
TEXTS: Final = ("summary", "quote", "note")

Column = Sequence[Hashable]


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a block runs.

    Reading makes millions of short-lived, acyclic containers (rows, decoded objects),
    and the collector's passes over them cost more than the read itself (3x for
    csv.reader over the UNGA long CSV). Reference counting still frees everything; the
    collector resumes, if it was on, when the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Refused(Exception):
    """A value the fast path does not vouch for (the located reader will say what)."""


def _filled(
    table: Mapping[Hashable, int], values: Column, distinct: set[Hashable], kind: str
) -> array[int]:
    """The codes of *values* (each a key of *table*) as an array of *kind*.

    A column of one distinct value, or of values all coded 0, is filled in C without a
    look-up per value.
    """
    n = len(values)
    if len(distinct) == 1:
        return array(kind, [table[next(iter(distinct))]]) * n
    if not any(map(table.__getitem__, distinct)):
        return array(kind, bytes(array(kind).itemsize * n))
    return array(kind, list(map(table.__getitem__, values)))


class ClaimCoder:
    """Codes claims given column by column, in batches, against *decl*.

    Each batch (:meth:`add`) is a mapping field → one value per claim; each distinct
    value is checked, looked up or parsed once (the tables persist across batches), and
    the codes are appended to arrays, so a reader that streams batches holds only the
    arrays and one batch. *absent* is the value that stands for a field left out (None
    in JSON, ``""`` in CSV); *restore*, if given, is applied to each distinct text first
    (the CSV reader's undoing of spreadsheet safety).

    Keys, labels, dates and ``until`` are text; ``order`` is an ``int`` from 1 (a reader
    whose numbers are text converts them first). A claim whose date or ``until`` is
    qualified (``~``, ``?``, ``%``, an open end) or that has an order keeps them as
    written beside its codes, as :func:`~stancematrix._store.build` does.

    After any problem the coder is *refused* and :meth:`store` returns None.
    """

    def __init__(
        self,
        decl: Declarations,
        *,
        absent: Hashable = None,
        restore: Callable[[str], str] | None = None,
    ) -> None:
        self.decl = decl
        self.absent = absent
        self.restore = restore
        self.refused = False
        self.rows = 0
        self.text: dict[int, Text] = {}
        self.codes: dict[str, array[int]] = {
            "actor": array("i"),
            "issue": array("i"),
            "stance": array("b"),
            "source": array("i"),
            "start": array("i"),
            "end": array("i"),
            "until": array("i"),
        }
        self._lookups: dict[str, Callable[[str], int | None]] = {
            "actor": decl.actor_keys.get,
            "issue": decl.issue_keys.get,
            "stance": self._stance,
            "source": decl.source_keys.get,
        }
        self._tables: dict[str, dict[Hashable, int]] = {f: {} for f in REQUIRED}
        # Exact text → code, for looking values up as they are (not when restored first).
        self._keys: dict[str, dict[str, int]] = (
            {
                "actor": decl.actor_keys,
                "issue": decl.issue_keys,
                "stance": {label: code for code, label in enumerate(decl.labels)},
                "source": decl.source_keys,
            }
            if restore is None
            else {}
        )
        # Per distinct date: its start and end codes and the period (None when absent).
        self._starts: dict[Hashable, int] = {}
        self._ends: dict[Hashable, int] = {}
        self._periods: dict[Hashable, Period | None] = {}
        # Per distinct until: its code and the date (None when absent).
        self._until_codes: dict[Hashable, int] = {}
        self._untils: dict[Hashable, PartialDate | None] = {}
        # The dates and untils that codes do not say all of (qualified).
        self._qualified_dates: set[Hashable] = set()
        self._qualified_untils: set[Hashable] = set()

    def _stance(self, label: str) -> int | None:
        try:
            return self.decl.scale.code(label)
        except StanceMatrixError:
            return None

    def _text(self, value: Hashable) -> str:
        if type(value) is not str:
            raise _Refused
        return value if self.restore is None else self.restore(value)

    def _code(self, field: str, values: Column) -> None:
        keys = self._keys.get(field)
        if keys is not None:  # each value looked up as it is: no set of them made first
            column = self.codes[field]
            if len(keys) == 1:
                ((key, only),) = keys.items()
                if values.count(key) != len(values):
                    raise _Refused
                column += array(column.typecode, [only]) * len(values)
            else:  # an unknown value (or not text) is None, which array refuses (TypeError)
                column += array(column.typecode, list(map(keys.get, values)))  # type: ignore[arg-type]
            return
        table, lookup = self._tables[field], self._lookups[field]
        distinct = set(values)
        for value in distinct.difference(table):
            code = lookup(self._text(value))
            if code is None:
                raise _Refused
            table[value] = code
        kind = self.codes[field].typecode
        self.codes[field] += _filled(table, values, distinct, kind)

    def _dates(self, values: Column | None, n: int) -> None:
        if values is None:
            self.codes["start"] += array("i", bytes(4 * n))
            self.codes["end"] += array("i", bytes(4 * n))
            return
        starts, ends, periods = self._starts, self._ends, self._periods
        distinct = set(values)
        for value in distinct.difference(starts):
            if value == self.absent:
                starts[value] = ends[value] = 0
                periods[value] = None
                continue
            try:
                period = Period.parse(self._text(value))
            except StanceMatrixError:
                raise _Refused from None
            starts[value], ends[value] = encode(period.start), end_code(period)
            periods[value] = period
            if period.qualified:
                self._qualified_dates.add(value)
        self.codes["start"] += _filled(starts, values, distinct, "i")
        self.codes["end"] += _filled(ends, values, distinct, "i")

    def _until(self, values: Column | None, n: int) -> None:
        if values is None:
            self.codes["until"] += array("i", bytes(4 * n))
            return
        codes, untils = self._until_codes, self._untils
        distinct = set(values)
        for value in distinct.difference(codes):
            if value == self.absent:
                codes[value] = 0
                untils[value] = None
                continue
            try:
                until = PartialDate.parse(self._text(value))
            except StanceMatrixError:
                raise _Refused from None
            codes[value], untils[value] = encode(until), until
            if until.qualified:
                self._qualified_untils.add(value)
        self.codes["until"] += _filled(codes, values, distinct, "i")

    def _written(
        self, dates: Column | None, untils: Column | None, orders: Column | None, n: int
    ) -> dict[int, str]:
        """The rows of the batch whose codes fall short, and their dates as written.

        A row falls short when its date or until is qualified or it has an order (see
        :func:`~stancematrix._dates.exact`).
        """
        absent = self.absent
        rows: set[int] = set()
        if orders is not None:
            for order in set(orders):
                if order != absent and (type(order) is not int or order < 1):
                    raise _Refused
            rows.update(compress(range(n), map(operator.ne, orders, repeat(absent))))
        for values, qualified in ((dates, self._qualified_dates), (untils, self._qualified_untils)):
            if values is not None and qualified and not qualified.isdisjoint(values):
                rows.update(compress(range(n), map(qualified.__contains__, values)))
        if not rows:
            return {}
        none = [absent] * n
        dates, untils, orders = (none if v is None else v for v in (dates, untils, orders))
        written = {}
        periods, ends = self._periods, self._untils
        for k in rows:
            order = orders[k]
            text = exact(
                periods.get(dates[k]),  # (absent: not in the table when the column is left out)
                ends.get(untils[k]),
                None if order == absent else cast(int, order),
            )
            if text is not None:
                written[k] = text
        return written

    def _texts(self, columns: Mapping[str, Column], n: int, written: Mapping[int, str]) -> None:
        absent = self.absent
        given = [columns.get(field) for field in TEXTS]
        base = self.rows
        if not all(values is None or set(values) == {absent} for values in given):
            blank = (absent, absent, absent)
            absent_column = [absent] * n
            rows = zip(*(absent_column if v is None else v for v in given), strict=True)
            for row, values in enumerate(rows):
                if values == blank:
                    continue
                text = tuple(None if v == absent else self._text(v) for v in values)
                if any(v is not None and (not v or lone_surrogate(v) is not None) for v in text):
                    raise _Refused
                self.text[base + row] = (*text, written.get(row))  # type: ignore[assignment]
        for row, dates in written.items():
            self.text.setdefault(base + row, (None, None, None, dates))

    def add(self, columns: Mapping[str, Column]) -> bool:
        """Code one batch of claims; False (and refused from then on) on any problem."""
        if self.refused:
            return False
        n = len(next(iter(columns.values()), ()))
        if not set(columns) <= set(FIELDS) or any(len(v) != n for v in columns.values()):
            self.refused = True
            return False
        if not n:
            return True
        try:
            if any(field not in columns for field in REQUIRED):
                raise _Refused
            for field in REQUIRED:
                self._code(field, columns[field])
            dates, untils = columns.get("date"), columns.get("until")
            self._dates(dates, n)
            self._until(untils, n)
            written = self._written(dates, untils, columns.get("order"), n)
            self._texts(columns, n, written)
        except (_Refused, TypeError):  # TypeError: a list or object where text belongs
            self.refused = True
            return False
        self.rows += n
        return True

    def store(self) -> Store | None:
        """The store of every claim added, or None if any was refused or is repeated."""
        if self.refused:
            return None
        try:
            codes = self.codes
            return from_columns(
                self.decl,
                actor=codes["actor"],
                issue=codes["issue"],
                stance=codes["stance"],
                source=codes["source"],
                start=codes["start"],
                end=codes["end"],
                until=codes["until"],
                text=self.text,
            )
        except Problem:
            return None


def coded_store(
    decl: Declarations,
    columns: Mapping[str, Column],
    *,
    absent: Hashable = None,
    restore: Callable[[str], str] | None = None,
) -> Store | None:
    """The store of claims given as *columns* (field → one value per claim) over *decl*.

    Required columns hold strings (keys, ids and labels as declared); ``date`` holds
    *absent* or a date's text; the text fields *absent* or non-empty text. A column left
    out is all absent. See :class:`ClaimCoder`.

    Returns:
        The store, or ``None`` if any value is not as the located reader would accept it,
        a claim is given twice, or a column is not one of :data:`FIELDS` (the caller then
        reads the located way, which reports the problem).
    """
    coder = ClaimCoder(decl, absent=absent, restore=restore)
    coder.add(columns)
    return coder.store()


# -- writing -------------------------------------------------------------------------------


def json_claims(store: Store, fields: Sequence[str], indent: int | None) -> str | None:
    """The claims of *store* as the JSON list a document holds them in, or None.

    The text is what ``json.dumps(…, ensure_ascii=False, indent=indent)`` writes for the
    list as a top-level key's value.

    Each distinct key, label and date is encoded once and each claim joined from the
    pieces, rather than each claim made a dict and encoded. *fields* is the order the
    document gives a claim's fields in; None if it names a field this path does not know.
    """
    if set(fields) != set(FIELDS):
        return None
    cols = store.cols
    if indent is None:
        item = inner = ", "
        start, end, list_start, list_end = "{", "}", "[", "]"
    else:
        pad = " " * indent
        item, inner = ",\n" + pad * 2, ",\n" + pad * 3
        start, end = "{\n" + pad * 3, "\n" + pad * 2 + "}"
        list_start, list_end = "[\n" + pad * 2, "\n" + pad + "]"
    if not len(cols):
        return "[]"
    decl = store.decl

    def pieces(field: str, values: Sequence[str]) -> list[str]:
        return [f'"{field}": {encode_basestring(value)}' for value in values]

    keyed = {
        "actor": (cols.actor, pieces("actor", [a.key for a in decl.actors])),
        "issue": (cols.issue, pieces("issue", [i.key for i in decl.issues])),
        "stance": (cols.stance, pieces("stance", decl.labels)),
        "source": (cols.source, pieces("source", [s.id for s in decl.sources])),
    }
    dated: dict[tuple[int, int], str | None] = {}
    for span in set(zip(cols.start, cols.end, strict=True)):
        period = period_of(*span)
        dated[span] = None if period is None else f'"date": {encode_basestring(str(period))}'
    optional: dict[str, list[str | None]] = {
        "date": list(map(dated.__getitem__, zip(cols.start, cols.end, strict=True)))
    }
    if any(cols.until):
        ends = {
            code: f'"until": {encode_basestring(str(decode(code)))}' if code else None
            for code in set(cols.until)
        }
        optional["until"] = list(map(ends.__getitem__, cols.until))
    texts = cols.text
    written = {row: values[3] for row, values in texts.items() if values[3] is not None}
    if written:  # qualified dates or orders: the claim's date, until and order as written
        _exact_pieces(optional, written, len(cols))
    for slot, field in enumerate(TEXTS):
        if all(values[slot] is None for values in texts.values()):
            continue
        column: list[str | None] = [None] * len(cols)
        for row, values in texts.items():
            value = values[slot]
            if value is not None:
                column[row] = f'"{field}": {encode_basestring(value)}'
        optional[field] = column
    out: list[list[str | None]] = []
    gaps = False
    for field in fields:
        if field in keyed:
            codes, table = keyed[field]
            out.append(list(map(table.__getitem__, codes)))
        elif field in optional and any(optional[field]):
            out.append(optional[field])
            gaps = gaps or None in optional[field]
    if gaps:
        claims = [inner.join(filter(None, parts)) for parts in zip(*out, strict=True)]
    else:
        claims = list(map(inner.join, zip(*out, strict=True)))
    return list_start + item.join([start + claim + end for claim in claims]) + list_end


def _exact_pieces(
    optional: dict[str, list[str | None]], written: Mapping[int, str], n: int
) -> None:
    """Set the date, until and order pieces of the rows *written* (their exact text)."""
    untils = optional.setdefault("until", [None] * n)
    orders = optional.setdefault("order", [None] * n)
    dates = optional["date"]
    parsed: dict[str, tuple[str | None, str | None, str | None]] = {}
    for row, text in written.items():
        if text not in parsed:
            date, until, order = from_exact(text)
            parsed[text] = (
                None if date is None else f'"date": {encode_basestring(str(date))}',
                None if until is None else f'"until": {encode_basestring(str(until))}',
                None if order is None else f'"order": {order}',
            )
        dates[row], untils[row], orders[row] = parsed[text]
