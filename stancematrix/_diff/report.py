"""What a diff report shows, whatever the format: its rows, sections and CSV records.

Every format draws the same sections in the same order — stance shifts, claims changed,
removed and added, then actors, issues, sources, metadata and order changes — filtered
by the same two options:

- ``kinds``: the kinds to show, by the names :meth:`MatrixDiff.counts` uses (``"claims
  added"``, ``"actors renamed"``, ``"reversed"`` …), or ``"added"``, ``"removed"``,
  ``"changed"``, ``"renamed"`` for that change of any part; all kinds if None.
- ``stance_only``: only stance shifts, and the changed claims whose stance moved.

A claim is shown as ``stance (source, date)``; its text fields appear where they changed.
The format modules (``stancematrix._io``) draw these as tables; nothing here knows a
format.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Final, NamedTuple

from stancematrix._model import Position
from stancematrix.exceptions import InvalidValueError

from .matrixdiff import orders
from .values import CHANGE_KINDS

if TYPE_CHECKING:
    from .matrixdiff import MatrixDiff

__all__ = ["CSV_HEADER", "Row", "Table", "check_kinds", "csv_records", "rows", "tables"]

_GENERIC: Final = ("added", "removed", "changed", "renamed")
_TEXT_FIELDS: Final = ("summary", "quote", "note")


class Row(NamedTuple):
    """One change as every format sees it.

    Attributes:
        section: The title of the section it is shown in (``"Stance shifts"`` …).
        kind: Its count name (``"claims added"``, ``"reversed"`` …).
        actor: The actor key, where the change has one.
        issue: The issue key (or the key of a changed issue or source).
        what: The change in words: ``"reversed by 3"``, ``"stance, date"``, ``"added"`` …
        old: What it was.
        new: What it is.
    """

    section: str
    kind: str
    actor: str
    issue: str
    what: str
    old: str
    new: str


class Table(NamedTuple):
    """One section of a report, laid out as a table.

    Attributes:
        title: The section's title.
        rows: Its changes, one :class:`Row` each.
        headers: The column headers (columns empty in every row and unnamed are left out).
        cells: The cells of each row, under *headers*.
    """

    title: str
    rows: list[Row]
    headers: tuple[str, ...]
    cells: list[list[str]]


# -- the rows -----------------------------------------------------------------------------


def check_kinds(kinds: Iterable[str] | None) -> frozenset[str] | None:
    """The change kinds *kinds* chooses, with each generic kind spread over every part.

    Raises:
        InvalidValueError: If a kind is neither in :data:`CHANGE_KINDS` nor generic.
    """
    if kinds is None:
        return None
    if isinstance(kinds, str):
        kinds = [kinds]
    chosen: set[str] = set()
    known = (*CHANGE_KINDS, *_GENERIC)
    for kind in kinds:
        if kind not in known:
            raise InvalidValueError("kinds", kind, f"expected one of {', '.join(known)}")
        if kind in _GENERIC:
            chosen.update(k for k in CHANGE_KINDS if k.endswith(f" {kind}"))
        else:
            chosen.add(kind)
    return frozenset(chosen)


def _claim(claim: Position | None) -> str:
    if claim is None:
        return ""
    where = claim.source if claim.date is None else f"{claim.source}, {claim.date}"
    return f"{claim.stance} ({where})"


def _moved(kind: str | None, size: float | None) -> str:
    if kind is None:
        return ""
    return kind if size is None else f"{kind} by {size:g}"


def rows(diff: MatrixDiff, kinds: Iterable[str] | None, stance_only: bool) -> list[Row]:
    """Every change of *diff* the options choose, section by section.

    Raises:
        InvalidValueError: If *kinds* names an unknown kind.
    """
    chosen = check_kinds(kinds)

    def wanted(kind: str) -> bool:
        return chosen is None or kind in chosen

    found: list[Row] = [
        Row(
            "Stance shifts",
            shift.kind,
            shift.actor,
            shift.issue,
            _moved(shift.kind, shift.size),
            _claim(shift.old) or "(none)",
            _claim(shift.new) or "(none)",
        )
        for shift in diff.shifts
        if wanted(shift.kind)
    ]
    titles = {
        "changed": "Claims changed",
        "removed": "Claims removed",
        "added": "Claims added",
    }
    for change_kind in ("changed", "removed", "added"):
        for change in diff.claims:
            if change.change != change_kind or not wanted(f"claims {change_kind}"):
                continue
            if stance_only and "stance" not in change.fields:
                continue
            if change_kind == "changed":
                what = ", ".join(change.fields)
                moved = _moved(change.kind, change.size)
                what = f"{what}: {moved}" if moved else what
            else:
                what = "unpaired" if change.unpaired else ""
            found.append(
                Row(
                    titles[change_kind],
                    f"claims {change_kind}",
                    change.actor,
                    change.issue,
                    what,
                    _claim(change.old),
                    _claim(change.new),
                )
            )
            found.extend(
                Row(
                    titles[change_kind],
                    f"claims {change_kind}",
                    "",
                    "",
                    f"↳ {field}",
                    getattr(change.old, field) or "" if change.old is not None else "",
                    getattr(change.new, field) or "" if change.new is not None else "",
                )
                for field in _TEXT_FIELDS
                if (change_kind == "changed" and field in change.fields)
                or (
                    (change_kind != "changed" and field == "summary")
                    and getattr(change.old or change.new, field) is not None
                )
            )
    if stance_only:
        return found
    for title, part, entities in (
        ("Actors", "actors", diff.actors),
        ("Issues", "issues", diff.issues),
        ("Sources", "sources", diff.sources),
    ):
        for entity in entities:
            kind = f"{part} {entity.change}"
            if not wanted(kind):
                continue
            name = {"actors": "name", "issues": "title", "sources": "title"}[part]
            what = entity.change
            if entity.fields:
                what = f"{what}: {', '.join(entity.fields)}"
            found.append(
                Row(
                    title,
                    kind,
                    entity.key if part == "actors" else "",
                    entity.key if part != "actors" else "",
                    what,
                    str(getattr(entity.old, name)) if entity.old is not None else "",
                    str(getattr(entity.new, name)) if entity.new is not None else "",
                )
            )
    if wanted("metadata changed"):
        found.extend(
            Row("Metadata", "metadata changed", "", "", m.key, m.old or "", m.new or "")
            for m in diff.metadata
        )
    if chosen is None:
        found.extend(
            Row(
                "Order",
                "reordered",
                "",
                "",
                f"{part}s reordered",
                ", ".join(old),
                ", ".join(new),
            )
            for part, old, new in orders(diff)
        )
    return found


def _sections(found: list[Row]) -> Iterator[tuple[str, list[Row]]]:
    seen: dict[str, list[Row]] = {}
    for row in found:
        seen.setdefault(row.section, []).append(row)
    yield from seen.items()


_HEADERS: Final = ("actor", "issue", "change", "old", "new")


def _table(section: str, found: list[Row]) -> Table:
    headers = _HEADERS
    if section in ("Issues", "Sources"):
        headers = ("key", "", "change", "old", "new")
    if section in ("Metadata", "Order"):
        headers = ("", "", "key", "old", "new")
    keep = [i for i, h in enumerate(headers) if h or any((r[2:][i]) for r in found)]
    if section in ("Issues", "Sources"):
        cells = [[r.issue, r.actor, r.what, r.old, r.new] for r in found]
    else:
        cells = [[r.actor, r.issue, r.what, r.old, r.new] for r in found]
    return Table(
        section,
        found,
        tuple(headers[i] for i in keep if headers[i]),
        [[c[i] for i in keep if headers[i]] for c in cells],
    )


def tables(diff: MatrixDiff, kinds: Iterable[str] | None, stance_only: bool) -> list[Table]:
    """The report of *diff*: one table per section with a change, in order.

    Raises:
        InvalidValueError: If *kinds* names an unknown kind.
    """
    return [_table(section, found) for section, found in _sections(rows(diff, kinds, stance_only))]


# -- CSV records --------------------------------------------------------------------------

#: The columns of a diff as CSV: the record number, then a :func:`csv_records` row.
CSV_HEADER: Final = (
    "record",
    "part",
    "change",
    "actor",
    "issue",
    "key",
    "field",
    "old",
    "new",
    "kind",
    "size",
)


def csv_records(
    diff: MatrixDiff, *, kinds: Iterable[str] | None = None, stance_only: bool = False
) -> Iterator[list[tuple[str, ...]]]:
    """Each change the options choose, as the CSV rows of its fields.

    A row holds the :data:`CSV_HEADER` columns after ``record``; a change's rows share
    one record number, which the writer adds.

    Raises:
        InvalidValueError: If *kinds* names an unknown kind.
    """
    chosen = check_kinds(kinds)

    def wanted(kind: str) -> bool:
        return chosen is None or kind in chosen

    def fields(claim: Position | None) -> dict[str, str]:
        if claim is None:
            return {}
        return {
            name: str(value)
            for name in ("stance", "source", "date", "summary", "quote", "note", "until", "order")
            if (value := getattr(claim, name)) is not None
        }

    for shift in diff.shifts:
        if not wanted(shift.kind):
            continue
        old, new = fields(shift.old), fields(shift.new)
        yield [
            (
                "shift",
                shift.kind,
                shift.actor,
                shift.issue,
                "",
                name,
                old.get(name, ""),
                new.get(name, ""),
                shift.kind,
                "" if shift.size is None else f"{shift.size:g}",
            )
            for name in ("stance", "source", "date")
            if old.get(name) or new.get(name)
        ]
    for change in diff.claims:
        if not wanted(f"claims {change.change}"):
            continue
        if stance_only and "stance" not in change.fields:
            continue
        old, new = fields(change.old), fields(change.new)
        names = change.fields if change.change == "changed" else tuple(old or new)
        yield [
            (
                "claim",
                change.change,
                change.actor,
                change.issue,
                "",
                name,
                old.get(name, ""),
                new.get(name, ""),
                change.kind or "" if name == "stance" else "",
                f"{change.size:g}" if name == "stance" and change.size is not None else "",
            )
            for name in names
        ]
    if stance_only:
        return
    for part, entities in (
        ("actor", diff.actors),
        ("issue", diff.issues),
        ("source", diff.sources),
    ):
        for entity in entities:
            if not wanted(f"{part}s {entity.change}"):
                continue
            side = entity.old if entity.old is not None else entity.new
            names = entity.fields or tuple(n for n in ("name", "title") if hasattr(side, n))
            yield [
                (
                    part,
                    entity.change,
                    "",
                    "",
                    entity.key,
                    name,
                    _value(getattr(entity.old, name, None)),
                    _value(getattr(entity.new, name, None)),
                    "",
                    "",
                )
                for name in names
            ]
    if wanted("metadata changed"):
        for m in diff.metadata:
            yield [("metadata", "changed", "", "", m.key, "", m.old or "", m.new or "", "", "")]


def _value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value)
    return str(value)
