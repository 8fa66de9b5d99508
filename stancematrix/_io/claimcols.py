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

from array import array
from collections.abc import Callable, Hashable, Mapping, Sequence
from json.encoder import encode_basestring
from typing import Final

from stancematrix._dates import Period, encode, period_of
from stancematrix._scale import lone_surrogate
from stancematrix._store import Declarations, Problem, Store, Text, from_columns
from stancematrix.exceptions import StanceMatrixError

__all__ = ["FIELDS", "REQUIRED", "TEXTS", "coded_store", "json_claims"]

#: The claim fields the fast path codes; a claim with any other field is read the located way.
FIELDS: Final = ("actor", "issue", "stance", "source", "date", "summary", "quote", "note")
#: The fields every claim has.
REQUIRED: Final = ("actor", "issue", "stance", "source")
#: The free-text fields, kept per row (``None`` or non-empty text).
TEXTS: Final = ("summary", "quote", "note")

Column = Sequence[Hashable]


def _code(values: Column, lookup: Callable[[str], int | None], typecode: str) -> array[int] | None:
    """*values* (strings) coded by *lookup*, called once per distinct value; None if any fails."""
    table: dict[Hashable, int] = {}
    for value in set(values):
        if type(value) is not str:
            return None
        code = lookup(value)
        if code is None:
            return None
        table[value] = code
    return array(typecode, list(map(table.__getitem__, values)))


def _stance(decl: Declarations) -> Callable[[str], int | None]:
    def code(label: str) -> int | None:
        try:
            return decl.scale.code(label)
        except StanceMatrixError:
            return None

    return code


def _dates(values: Column | None, n: int) -> tuple[array[int], array[int]] | None:
    """The encoded start and end of each row's date (None or its text), parsed once each."""
    if values is None:
        return array("i", bytes(4 * n)), array("i", bytes(4 * n))
    starts: dict[Hashable, int] = {}
    ends: dict[Hashable, int] = {}
    for value in set(values):
        if value is None:
            starts[value] = ends[value] = 0
            continue
        if type(value) is not str:
            return None
        try:
            period = Period.parse(value)
        except StanceMatrixError:
            return None
        starts[value], ends[value] = encode(period.start), encode(period.end)
    return (
        array("i", list(map(starts.__getitem__, values))),
        array("i", list(map(ends.__getitem__, values))),
    )


def _texts(columns: Mapping[str, Column], n: int) -> dict[int, Text] | None:
    """Row → (summary, quote, note) for the rows with any; None if a value is not text."""
    given = [columns.get(field) for field in TEXTS]
    for values in given:
        if values is None:
            continue
        for value in set(values):
            if value is not None and (
                type(value) is not str or not value or lone_surrogate(value) is not None
            ):
                return None
    present = [values for values in given if values is not None and set(values) != {None}]
    if not present:
        return {}
    none: list[None] = [None] * n
    summary, quote, note = (none if values is None else values for values in given)
    return {
        row: text  # type: ignore[misc]  # checked above: each value None or text
        for row, text in enumerate(zip(summary, quote, note, strict=True))
        if text != (None, None, None)
    }


def coded_store(decl: Declarations, columns: Mapping[str, Column]) -> Store | None:
    """The store of claims given as *columns* (field → one value per claim) over *decl*.

    Required columns hold strings (keys, ids and labels as declared); ``date`` holds None
    or a date's text; the text fields None or non-empty text. A column left out is all
    None.

    Returns:
        The store, or ``None`` if any value is not as the located reader would accept it,
        a claim is given twice, or a column is not one of :data:`FIELDS` (the caller then
        reads the located way, which reports the problem).
    """
    if not set(columns) <= set(FIELDS):
        return None
    n = len(next(iter(columns.values()), ()))
    if n and any(field not in columns for field in REQUIRED):
        return None
    if not n:
        columns = dict.fromkeys(REQUIRED, ())
    if any(len(values) != n for values in columns.values()):
        return None
    try:
        actor = _code(columns["actor"], decl.actor_keys.get, "i")
        issue = _code(columns["issue"], decl.issue_keys.get, "i")
        source = _code(columns["source"], decl.source_keys.get, "i")
        stance = _code(columns["stance"], _stance(decl), "b")
        dates = _dates(columns.get("date"), n)
        texts = _texts(columns, n)
    except TypeError:  # an unhashable value (a list or an object where text belongs)
        return None
    if actor is None or issue is None or source is None or stance is None:
        return None
    if dates is None or texts is None:
        return None
    try:
        return from_columns(
            decl,
            actor=actor,
            issue=issue,
            stance=stance,
            source=source,
            start=dates[0],
            end=dates[1],
            text=texts,
        )
    except Problem:
        return None


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
    if indent is None:
        item = inner = ", "
        start, end, list_start, list_end = "{", "}", "[", "]"
    else:
        pad = " " * indent
        item, inner = ",\n" + pad * 2, ",\n" + pad * 3
        start, end = "{\n" + pad * 3, "\n" + pad * 2 + "}"
        list_start, list_end = "[\n" + pad * 2, "\n" + pad + "]"
    cols = store.cols
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
