"""Renderers for :class:`~stancematrix.MatrixDiff`: text, Markdown, CSV and HTML.

Every renderer shows the same sections in the same order — stance shifts, claims
changed, removed and added, then actors, issues, sources, metadata and order changes —
filtered by the same two options:

- ``kinds``: the kinds to show, by the names :meth:`MatrixDiff.counts` uses (``"claims
  added"``, ``"actors renamed"``, ``"reversed"`` …), or ``"added"``, ``"removed"``,
  ``"changed"``, ``"renamed"`` for that change of any part; all kinds if None.
- ``stance_only``: only stance shifts, and the changed claims whose stance moved.

A claim is shown as ``stance (source, date)``; its text fields appear where they changed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Final, NamedTuple

from tabulate import tabulate

from stancematrix._diff.matrixdiff import orders
from stancematrix._diff.values import CHANGE_KINDS
from stancematrix._escape import html_text, markdown_cell, neutralise_formula, terminal_text
from stancematrix._model import Position
from stancematrix.exceptions import InvalidValueError

if TYPE_CHECKING:
    from stancematrix._diff.matrixdiff import MatrixDiff

__all__ = ["to_csv", "to_html", "to_markdown", "to_text"]

_GENERIC: Final = ("added", "removed", "changed", "renamed")
_TEXT_FIELDS: Final = ("summary", "quote", "note")


class _Row(NamedTuple):
    """One change as every renderer sees it."""

    section: str  # the section title
    kind: str  # the count name (``"claims added"``, ``"reversed"`` …)
    actor: str
    issue: str
    what: str  # the change in words: "reversed by 3", "stance, date", "added" …
    old: str
    new: str


# -- the rows -----------------------------------------------------------------------------


def _check_kinds(kinds: Iterable[str] | None) -> frozenset[str] | None:
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


def _rows(diff: MatrixDiff, kinds: Iterable[str] | None, stance_only: bool) -> list[_Row]:
    chosen = _check_kinds(kinds)

    def wanted(kind: str) -> bool:
        return chosen is None or kind in chosen

    rows: list[_Row] = [
        _Row(
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
            rows.append(
                _Row(
                    titles[change_kind],
                    f"claims {change_kind}",
                    change.actor,
                    change.issue,
                    what,
                    _claim(change.old),
                    _claim(change.new),
                )
            )
            rows.extend(
                _Row(
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
        return rows
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
            rows.append(
                _Row(
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
        rows.extend(
            _Row("Metadata", "metadata changed", "", "", m.key, m.old or "", m.new or "")
            for m in diff.metadata
        )
    if chosen is None:
        rows.extend(
            _Row(
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
    return rows


def _sections(rows: list[_Row]) -> Iterator[tuple[str, list[_Row]]]:
    seen: dict[str, list[_Row]] = {}
    for row in rows:
        seen.setdefault(row.section, []).append(row)
    yield from seen.items()


_HEADERS: Final = ("actor", "issue", "change", "old", "new")


def _table_rows(rows: list[_Row], section: str) -> tuple[tuple[str, ...], list[list[str]]]:
    headers = _HEADERS
    if section in ("Issues", "Sources"):
        headers = ("key", "", "change", "old", "new")
    if section in ("Metadata", "Order"):
        headers = ("", "", "key", "old", "new")
    keep = [i for i, h in enumerate(headers) if h or any((r[2:][i]) for r in rows)]
    if section in ("Issues", "Sources"):
        cells = [[r.issue, r.actor, r.what, r.old, r.new] for r in rows]
    else:
        cells = [[r.actor, r.issue, r.what, r.old, r.new] for r in rows]
    return (
        tuple(headers[i] for i in keep if headers[i]),
        [[c[i] for i in keep if headers[i]] for c in cells],
    )


# -- renderers ----------------------------------------------------------------------------


def to_text(
    diff: MatrixDiff,
    *,
    kinds: Iterable[str] | None = None,
    stance_only: bool = False,
    tablefmt: str = "simple",
) -> str:
    """See :meth:`MatrixDiff.to_text`."""
    rows = _rows(diff, kinds, stance_only)
    out = [terminal_text(diff.summary())]
    for section, items in _sections(rows):
        headers, cells = _table_rows(items, section)
        table = tabulate(
            [[terminal_text(c) for c in row] for row in cells],
            headers=headers,
            tablefmt=tablefmt,
            disable_numparse=True,
            maxcolwidths=[None] * (len(headers) - 2) + [48, 48],
        )
        out += ["", f"{section} ({sum(1 for r in items if r.actor or r.issue)})", table]
    return "\n".join(out) + "\n"


def to_markdown(
    diff: MatrixDiff, *, kinds: Iterable[str] | None = None, stance_only: bool = False
) -> str:
    """See :meth:`MatrixDiff.to_markdown`."""
    rows = _rows(diff, kinds, stance_only)
    out = [f"**{markdown_cell(diff.summary())}**"]
    for section, items in _sections(rows):
        headers, cells = _table_rows(items, section)
        lines = [
            "| " + " | ".join(headers) + " |",
            "|" + "|".join("---" for _ in headers) + "|",
        ]
        lines += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in cells]
        out += ["", f"### {section}", "", *lines]
    return "\n".join(out) + "\n"


# The matrix HTML's look (its font, grid and ColorBrewer red/blue ends), with a marker
# per kind of change.
_STYLE: Final = """
.stancematrix { font-family: system-ui, sans-serif; color: #222; }
.stancematrix table.sm-grid { border-collapse: collapse; margin: 0.5em 0; }
.stancematrix .sm-grid th, .stancematrix .sm-grid td {
  border: 1px solid #ccc; padding: 0.35em 0.6em; vertical-align: top; max-width: 28em; }
.stancematrix .sm-grid thead th { background: #eee; text-align: left; }
.stancematrix tr.sm-reversed td:first-child { border-left: 4px solid #b2182b; }
.stancematrix tr.sm-hardened td:first-child { border-left: 4px solid #2166ac; }
.stancematrix tr.sm-softened td:first-child { border-left: 4px solid #92c5de; }
.stancematrix tr.sm-became-known td:first-child,
.stancematrix tr.sm-claims-added td:first-child { border-left: 4px solid #4d9221; }
.stancematrix tr.sm-became-unknown td:first-child,
.stancematrix tr.sm-claims-removed td:first-child { border-left: 4px solid #999; }
.stancematrix .sm-summary { font-weight: bold; }
"""


def to_html(
    diff: MatrixDiff, *, kinds: Iterable[str] | None = None, stance_only: bool = False
) -> str:
    """See :meth:`MatrixDiff.to_html`."""
    rows = _rows(diff, kinds, stance_only)
    e = html_text
    out = [
        '<div class="stancematrix sm-diff">',
        f"<style>{_STYLE}</style>",
        f'<p class="sm-summary">{e(diff.summary())}</p>',
    ]
    for section, items in _sections(rows):
        headers, cells = _table_rows(items, section)
        out.append(f"<h3>{e(section)}</h3>")
        out.append('<table class="sm-grid">')
        out.append("<thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in headers) + "</tr></thead>")
        out.append("<tbody>")
        for row, cell in zip(items, cells, strict=True):
            css = "sm-" + row.kind.replace(" ", "-")
            body = "".join(f"<td>{e(c).replace(chr(10), '<br>')}</td>" for c in cell)
            out.append(f'<tr class="{e(css)}">{body}</tr>')
        out.append("</tbody>")
        out.append("</table>")
    out.append("</div>")
    return "\n".join(out) + "\n"


_CSV_HEADER: Final = (
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


def _csv_records(
    diff: MatrixDiff, kinds: Iterable[str] | None, stance_only: bool
) -> Iterator[list[tuple[str, ...]]]:
    """Each change as the CSV rows of its fields."""
    chosen = _check_kinds(kinds)

    def wanted(kind: str) -> bool:
        return chosen is None or kind in chosen

    def fields(claim: Position | None) -> dict[str, str]:
        if claim is None:
            return {}
        return {
            name: str(value)
            for name in ("stance", "source", "date", "summary", "quote", "note")
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


def to_csv(
    diff: MatrixDiff, *, kinds: Iterable[str] | None = None, stance_only: bool = False
) -> str:
    """See :meth:`MatrixDiff.to_csv`."""
    buffer = io.StringIO()
    # "\r\n" (RFC 4180) also makes the writer quote fields holding a lone "\r".
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_CSV_HEADER)
    for number, rows in enumerate(_csv_records(diff, kinds, stance_only), 1):
        for row in rows:
            writer.writerow([str(number), *(neutralise_formula(cell) for cell in row)])
    return buffer.getvalue()
