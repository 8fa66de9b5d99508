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
import re
from array import array
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from json.encoder import encode_basestring
from typing import Final

from stancematrix._dates import Period, encode, period_of
from stancematrix._scale import lone_surrogate
from stancematrix._store import Declarations, Problem, Store, Text, from_columns
from stancematrix.exceptions import StanceMatrixError

# A date as the fast paths take it: a plain date or period, with no qualifier or open end.
_PLAIN_DATE: Final = re.compile(r"[0-9]{4}(?:-[0-9]{2}){0,2}(?:/[0-9]{4}(?:-[0-9]{2}){0,2})?")

__all__ = ["FIELDS", "REQUIRED", "TEXTS", "ClaimCoder", "coded_store", "json_claims", "no_gc"]

#: The claim fields the fast path codes; a claim with any other field is read the located way.
FIELDS: Final = ("actor", "issue", "stance", "source", "date", "summary", "quote", "note")
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


class ClaimCoder:
    """Codes claims given column by column, in batches, against *decl*.

    Each batch (:meth:`add`) is a mapping field → one value per claim; each distinct
    value is checked, looked up or parsed once (the tables persist across batches), and
    the codes are appended to arrays, so a reader that streams batches holds only the
    arrays and one batch. *absent* is the value that stands for a field left out (None
    in JSON, ``""`` in CSV); *restore*, if given, is applied to each distinct text first
    (the CSV reader's undoing of spreadsheet safety).

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
        }
        self._lookups: dict[str, Callable[[str], int | None]] = {
            "actor": decl.actor_keys.get,
            "issue": decl.issue_keys.get,
            "stance": self._stance,
            "source": decl.source_keys.get,
        }
        self._tables: dict[str, dict[Hashable, int]] = {f: {} for f in (*REQUIRED, "date")}
        self._ends: dict[Hashable, int] = {}

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
        table, lookup = self._tables[field], self._lookups[field]
        for value in set(values).difference(table):
            code = lookup(self._text(value))
            if code is None:
                raise _Refused
            table[value] = code
        self.codes[field].extend(list(map(table.__getitem__, values)))

    def _dates(self, values: Column | None, n: int) -> None:
        if values is None:
            self.codes["start"].extend(array("i", bytes(4 * n)))
            self.codes["end"].extend(array("i", bytes(4 * n)))
            return
        starts, ends = self._tables["date"], self._ends
        for value in set(values).difference(starts):
            if value == self.absent:
                starts[value] = ends[value] = 0
                continue
            text = self._text(value)
            if not _PLAIN_DATE.fullmatch(text):  # qualified or open: kept as written elsewhere
                raise _Refused
            try:
                period = Period.parse(text)
            except StanceMatrixError:
                raise _Refused from None
            starts[value], ends[value] = encode(period.start), encode(period.end)
        self.codes["start"].extend(list(map(starts.__getitem__, values)))
        self.codes["end"].extend(list(map(ends.__getitem__, values)))

    def _texts(self, columns: Mapping[str, Column], n: int) -> None:
        absent = self.absent
        given = [columns.get(field) for field in TEXTS]
        if all(values is None or set(values) == {absent} for values in given):
            return
        absent_column = [absent] * n
        rows = zip(*(absent_column if v is None else v for v in given), strict=True)
        for row, values in enumerate(rows, self.rows):
            if values == (absent, absent, absent):
                continue
            text = tuple(None if v == absent else self._text(v) for v in values)
            if any(v is not None and (not v or lone_surrogate(v) is not None) for v in text):
                raise _Refused
            self.text[row] = (*text, None)  # type: ignore[assignment]  # no qualified date

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
            self._dates(columns.get("date"), n)
            self._texts(columns, n)
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
    if set(fields) - {"until", "order"} != set(FIELDS):
        return None
    cols = store.cols
    if any(cols.until) or any(t[3] is not None for t in cols.text.values()):
        return None  # validity ends, orders or qualified dates: the general writer
    fields = [f for f in fields if f in FIELDS]
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
    dates = list(map(dated.__getitem__, zip(cols.start, cols.end, strict=True)))
    dated_any = any(dates)
    texts = cols.text
    slots = {"summary": 0, "quote": 1, "note": 2}
    out: list[list[str | None]] = []
    for field in fields:
        if field in keyed:
            codes, table = keyed[field]
            out.append(list(map(table.__getitem__, codes)))
        elif field == "date":
            if dated_any:
                out.append(dates)
        elif texts:
            slot = slots[field]
            column: list[str | None] = [None] * len(cols)
            for row, values in texts.items():
                value = values[slot]
                if value is not None:
                    column[row] = f'"{field}": {encode_basestring(value)}'
            out.append(column)
    if texts or (dated_any and None in dated.values()):
        claims = [inner.join(filter(None, parts)) for parts in zip(*out, strict=True)]
    else:
        claims = list(map(inner.join, zip(*out, strict=True)))
    return list_start + item.join([start + claim + end for claim in claims]) + list_end
