"""Building a store: claims checked, coded against the declarations and put in canonical order.

Two ways in, one set of rules:

- :func:`build` takes :class:`~stancematrix.Position` values (what users and the
  lossless readers have);
- :func:`from_columns` takes coded columns (what the fast readers, the slicing
  operations and patches have), without making a :class:`Position` per claim.

Both check every claim, sort the rows canonically (see :mod:`.columns`) and refuse a
claim given twice. A :class:`~.problems.Problems` that collects lets a lenient reader
find every bad claim in one pass: each is recorded with its position in the input and
left out.
"""

from __future__ import annotations

import itertools
import operator
from array import array
from collections.abc import Iterable, Mapping
from itertools import islice, repeat
from typing import Any, NamedTuple

from stancematrix._dates import decode, encode, end_code, exact, last_day_code
from stancematrix._model import Position
from stancematrix._scale import refuse_surrogate
from stancematrix.exceptions import DuplicateClaimError, InvalidValueError, StanceMatrixError

from .columns import NO_TEXT, CellIndex, Columns, Row, Text, any_set, sort_key
from .declare import Declarations
from .problems import Problem, Problems
from .store import Store
from .vector import extremes

__all__ = ["build", "from_columns"]


def _encode_row(decl: Declarations, index: int, position: Position) -> Row:
    if not isinstance(position, Position):
        raise Problem(
            "claims", index, None, InvalidValueError("claim", position, "must be a Position")
        )
    actor = decl.actor_keys.get(position.actor)
    if actor is None:
        raise Problem("claims", index, "actor", decl.unknown_actor(position.actor))
    issue = decl.issue_keys.get(position.issue)
    if issue is None:
        raise Problem("claims", index, "issue", decl.unknown_issue(position.issue))
    source = decl.source_keys.get(position.source)
    if source is None:
        try:
            decl.source_code(position.source)
        except StanceMatrixError as error:
            raise Problem("claims", index, "source", error) from None
    try:
        stance = decl.scale.code(position.stance)
    except StanceMatrixError as error:
        raise Problem("claims", index, "stance", error) from None
    date = position.date
    return Row(
        actor,
        issue,
        encode(date.start) if date is not None else 0,
        end_code(date),
        encode(position.until),
        source,  # type: ignore[arg-type]  # found above
        stance,
        position.summary,
        position.quote,
        position.note,
        exact(date, position.until, position.order),
    )


def _cites_dropped(position: Position, dropped: set[tuple[str, str]]) -> bool:
    return ("actors", position.actor) in dropped or ("issues", position.issue) in dropped


def build(
    decl: Declarations, positions: Iterable[Position], problems: Problems | None = None
) -> Store:
    """The store of *positions* (in any order) over *decl*.

    Raises:
        Problem: For the first bad claim (part ``"claims"``, its position in
            *positions*), unless *problems* collects.
    """
    problems = Problems() if problems is None else problems
    dropped = problems.dropped
    rows: list[Row] = []
    given: list[int] = []  # each row's position in the input
    for i, position in enumerate(positions):
        if dropped and isinstance(position, Position) and _cites_dropped(position, dropped):
            continue
        try:
            rows.append(_encode_row(decl, i, position))
        except Problem as problem:
            problems.add(problem)
            continue
        given.append(i)
    order = sorted(range(len(rows)), key=lambda k: sort_key(rows[k]))
    columns = [array("i"), array("i"), array("b"), array("i"), array("i"), array("i"), array("i")]
    actor, issue, stance, source, start, end, until = columns
    text: dict[int, Text] = {}
    previous: Row | None = None
    store = Store(decl, Columns.of(columns, text, CellIndex(actor, issue, 0, 0)))
    for k in order:
        row = rows[k]
        if row == previous:
            problems.add(
                Problem("claims", given[k], None, DuplicateClaimError(store.position(row)))
            )
            continue
        previous = row
        if row.summary is not None or row.quote is not None or row.note is not None or row.dates:
            text[len(actor)] = (row.summary, row.quote, row.note, row.dates)
        actor.append(row.actor)
        issue.append(row.issue)
        stance.append(row.stance)
        source.append(row.source)
        start.append(row.start)
        end.append(row.end)
        until.append(row.until)
    cells = CellIndex(actor, issue, len(decl.actors), len(decl.issues))
    return Store(decl, Columns.of(columns, text, cells))


def _check_codes(decl: Declarations, columns: tuple[array[int], ...], *dates: array[int]) -> None:
    n = len(columns[0])
    sizes = (len(decl.actors), len(decl.issues), len(decl.labels), len(decl.sources))
    for field, column, size in zip(
        ("actor", "issue", "stance", "source"), columns, sizes, strict=True
    ):
        if len(column) != n:
            raise Problem(
                "claims",
                0,
                field,
                InvalidValueError(field, len(column), f"column length differs from {n}"),
            )
        if not n:
            continue
        low, high = extremes(column)
        if low < 0 or high >= size:
            bad = next(i for i, code in enumerate(column) if not 0 <= code < size)
            raise Problem(
                "claims",
                bad,
                field,
                InvalidValueError(field, column[bad], f"code out of range 0..{size - 1}"),
            )
    if any(len(column) != n for column in dates):
        raise Problem(
            "claims", 0, "date", InvalidValueError("date", n, "date column lengths differ")
        )


def _check_texts(texts: Mapping[int, Text]) -> Mapping[int, Text]:
    """*texts* checked, each a full :data:`Text` (a 3-tuple gets ``dates`` None)."""
    if any(len(values) == 3 for values in texts.values()):
        texts = {
            row: (*values[:3], None) if len(values) == 3 else values
            for row, values in texts.items()
        }
    for row, values in texts.items():
        for field, value in zip(("summary", "quote", "note", "date"), values, strict=True):
            if value is not None:
                try:
                    refuse_surrogate(f"Position.{field}", value)
                except InvalidValueError as error:
                    raise Problem("claims", row, field, error) from None
    return texts


def _check_until(decl: Declarations, codes: tuple[array[int], ...], until: array[int]) -> None:
    """Refuse a row whose end of validity comes before its date begins."""
    if not any_set(until):
        return
    actor, issue, source, start = codes
    for n, code in enumerate(until):
        # A start code with 00 parts sorts before its first day and after every earlier day.
        if code and start[n] and last_day_code(code) < start[n]:
            claim = (
                f"{decl.actors[actor[n]].key!r} on {decl.issues[issue[n]].key!r} "
                f"from {decl.sources[source[n]].id!r}, dated {decode(start[n])}"
            )
            reason = f"the claim ({claim}) ends before it begins"
            error = InvalidValueError("Position.until", str(decode(code)), reason)
            raise Problem("claims", n, "until", error)


def from_columns(
    decl: Declarations,
    *,
    actor: array[int],
    issue: array[int],
    stance: array[int],
    source: array[int],
    start: array[int],
    end: array[int],
    until: array[int] | None = None,
    text: Mapping[int, Text] | None = None,
    canonical: bool = False,
    problems: Problems | None = None,
) -> Store:
    """The store of coded columns over *decl* (see :mod:`.columns` for the coding).

    *until* is the encoded end of validity of each row (None: no row has one).

    ``text`` maps a row to its ``(summary, quote, note)`` and leaves out rows without
    text; it must hold non-empty strings or None. The caller is trusted on dates and on
    text being non-empty (readers check those as they parse); codes are range-checked
    here, and (unless *canonical*) text holding a lone surrogate and an end of validity
    before the claim's date are refused.

    With ``canonical=True`` the caller promises the rows are already in canonical order
    with no duplicates (as in a slice of another matrix), and nothing is sorted or checked
    for duplicates; otherwise rows are sorted and a repeated claim is a problem: its later
    rows are left out when *problems* collects. The columns are adopted, not copied: do
    not change them afterwards.

    Raises:
        Problem: Part ``"claims"`` with the input row as the index, for a code out of
            range, text with a lone surrogate or (unless *problems* collects) a repeated
            claim.
    """
    problems = Problems() if problems is None else problems
    if until is None:
        until = array("i", bytes(4 * len(actor)))
    _check_codes(decl, (actor, issue, stance, source), start, end, until)
    texts: Mapping[int, Text] = text or {}
    if not canonical:
        texts = _check_texts(texts)
        _check_until(decl, (actor, issue, source, start), until)
    n_actors, n_issues = len(decl.actors), len(decl.issues)
    cells: CellIndex | None = None
    if not canonical:
        # Rows in cells of their own, in cell order (a roll-call matrix as written) are
        # canonical and none repeats, whatever the other columns hold: nothing to sort.
        cells = CellIndex.if_ordered(actor, issue, n_actors, n_issues)
        order: list[int] | _Decoded | None = None
        if cells is None or not cells.single:
            order = _canonical_order(
                decl, (actor, issue, stance, source, start, end, until), texts, problems
            )
        if isinstance(order, _Decoded):
            actor, issue, stance = order.actor, order.issue, order.stance
            if len(source) != len(actor):  # repeats left out: the zero columns shrink too
                source, start, end, until = (
                    array(column.typecode, bytes(column.itemsize * len(actor)))
                    for column in (source, start, end, until)
                )
            cells = None
        elif order is not None:
            actor, issue, stance, source, start, end, until = (
                array(column.typecode, list(map(column.__getitem__, order)))
                for column in (actor, issue, stance, source, start, end, until)
            )
            if texts:
                position = {old: new for new, old in enumerate(order)}
                texts = {position[old]: value for old, value in texts.items() if old in position}
            cells = None
    if cells is None:
        cells = CellIndex(actor, issue, n_actors, n_issues)
    return Store(decl, Columns(actor, issue, stance, source, start, end, until, dict(texts), cells))


def _canonical_order(
    decl: Declarations,
    codes: tuple[array[int], ...],
    text: Mapping[int, Text],
    problems: Problems,
) -> list[int] | _Decoded | None:
    """The rows to keep, in canonical order (None if all are kept and already in order).

    A repeated claim's later rows are problems (in input order when no row has text,
    else in canonical order) and, when problems are collected, left out. When only the
    actor, issue and stance vary (votes), the sorted columns themselves are returned,
    decoded from the sorted keys in C.
    """
    actor, issue, stance, source, start, end, until = codes
    # One integer per row in canonical order (actor, issue, start, end, until, source,
    # stance), computed with C-level maps; dates are below 10**8. Columns that are all zero take
    # no part in the order and are left out of the key.
    mul, add = operator.mul, operator.add
    keys: list[int] = list(map(add, map(mul, actor, repeat(len(decl.issues))), issue))
    varying = [
        (column, size)
        for column, size in (
            (start, 10**8),
            (end, 10**8),
            (until, 10**8),
            (source, len(decl.sources)),
        )
        if len(column) and max(column)
    ]
    for column, size in [*varying, (stance, len(decl.labels))]:
        keys = list(map(add, map(mul, keys, repeat(size)), column))
    if all(map(operator.lt, keys, islice(keys, 1, None))):
        return None  # already canonical, no duplicates

    def claim(k: int) -> Position:
        store = Store(decl, Columns.of(codes, text, _NO_CELLS))
        return store.claim(k)

    ordered: list[int] | None = None  # the sorted keys, when no text joins the order
    if text:

        def full(k: int) -> tuple[Any, ...]:
            return (keys[k], *((t is not None, t or "") for t in text.get(k, NO_TEXT)))

        order = sorted(range(len(keys)), key=full)
        repeats = [
            current
            for previous, current in itertools.pairwise(order)
            if full(previous) == full(current)
        ]
    else:
        ordered = sorted(keys)
        repeats = []
        if not all(map(operator.lt, ordered, islice(ordered, 1, None))):
            twice = {a for a, b in itertools.pairwise(ordered) if a == b}
            seen: set[int] = set()
            for k, key in enumerate(keys):  # the later rows of each repeated claim
                if key in twice:
                    if key in seen:
                        repeats.append(k)
                    seen.add(key)
    for k in repeats:
        problems.add(Problem("claims", k, None, DuplicateClaimError(claim(k))))
    if ordered is not None and not varying:
        # Only actor, issue and stance vary (the common case, votes): the sorted keys,
        # each once, decoded in C are the columns.
        if repeats:
            ordered = sorted(set(ordered))
        n_labels, n_issues = len(decl.labels), len(decl.issues)
        cells = list(map(operator.floordiv, ordered, repeat(n_labels)))
        return _Decoded(
            array("i", list(map(operator.floordiv, cells, repeat(n_issues)))),
            array("i", list(map(operator.mod, cells, repeat(n_issues)))),
            array("b", list(map(operator.mod, ordered, repeat(n_labels)))),
        )
    if ordered is not None:
        order = sorted(range(len(keys)), key=keys.__getitem__)
    if repeats:
        dropped = set(repeats)
        order = [k for k in order if k not in dropped]
    return order


class _Decoded(NamedTuple):
    actor: array[int]
    issue: array[int]
    stance: array[int]


_NO_CELLS = CellIndex(array("i"), array("i"), 0, 0)
