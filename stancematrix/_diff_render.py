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
import html
import io
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Final, NamedTuple

from tabulate import tabulate

from ._model import Position
from .exceptions import InvalidValueError

if TYPE_CHECKING:
    from ._diff import MatrixDiff

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


# -- escaping (private until the shared helpers of the formats module are merged) ---------

_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MARKDOWN_SPECIAL = re.compile(r"([\\|*_`\[\]<>&~!])")
_NEWLINE = re.compile(r"\r\n|\r|\n")


def _terminal(text: str) -> str:
    """Control characters made visible (ESC as ␛ …), so data cannot drive the terminal."""

    def visible(match: re.Match[str]) -> str:
        code = ord(match[0])
        if code < 0x20:
            return chr(0x2400 + code)
        return "\u2421" if code == 0x7F else f"<U+{code:04X}>"

    return _CONTROL.sub(visible, text)


def _markdown(text: str) -> str:
    """Text as the inline content of one GFM table cell."""
    out = _NEWLINE.sub("<br>", _MARKDOWN_SPECIAL.sub(r"\\\1", text))
    if out != out.strip():
        lead = out[: len(out) - len(out.lstrip())]
        trail = out[len(out.rstrip()) :] if out.strip() else ""
        body = out.strip()
        out = "".join(f"&#{ord(c)};" for c in lead) + body + "".join(f"&#{ord(c)};" for c in trail)
    return out


def _formula(text: str) -> str:
    """A ``'`` before text a spreadsheet would run as a formula (reversibly)."""
    return "'" + text if re.match(r"'*[=+\-@\t\r]", text) else text


# -- the rows -----------------------------------------------------------------------------


def _check_kinds(kinds: Iterable[str] | None) -> frozenset[str] | None:
    from ._diff import CHANGE_KINDS

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


def _moved(kind: str | None, size: float) -> str:
    if kind is None:
        return ""
    if kind in ("became known", "became unknown"):
        return kind
    return f"{kind} by {size:g}"


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
            for part, old, new in diff._orders
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


def to_text(diff: MatrixDiff, *, kinds: Iterable[str] | None, stance_only: bool) -> str:
    """See :meth:`MatrixDiff.to_text`."""
    rows = _rows(diff, kinds, stance_only)
    out = [_terminal(diff.summary())]
    for section, items in _sections(rows):
        headers, cells = _table_rows(items, section)
        table = tabulate(
            [[_terminal(c) for c in row] for row in cells],
            headers=headers,
            tablefmt="simple",
            disable_numparse=True,
            maxcolwidths=[None] * (len(headers) - 2) + [48, 48],
        )
        out += ["", f"{section} ({sum(1 for r in items if r.actor or r.issue)})", table]
    return "\n".join(out) + "\n"


def to_markdown(diff: MatrixDiff, *, kinds: Iterable[str] | None, stance_only: bool) -> str:
    """See :meth:`MatrixDiff.to_markdown`."""
    rows = _rows(diff, kinds, stance_only)
    out = [f"**{_markdown(diff.summary())}**"]
    for section, items in _sections(rows):
        headers, cells = _table_rows(items, section)
        lines = [
            "| " + " | ".join(headers) + " |",
            "|" + "|".join("---" for _ in headers) + "|",
        ]
        lines += ["| " + " | ".join(_markdown(c) for c in row) + " |" for row in cells]
        out += ["", f"### {section}", "", *lines]
    return "\n".join(out) + "\n"


def to_html(diff: MatrixDiff, *, kinds: Iterable[str] | None, stance_only: bool) -> str:
    """See :meth:`MatrixDiff.to_html`."""
    rows = _rows(diff, kinds, stance_only)
    e = html.escape
    out = [
        '<section class="stancematrix-diff">',
        f'<p class="summary">{e(diff.summary())}</p>',
    ]
    for section, items in _sections(rows):
        headers, cells = _table_rows(items, section)
        out.append(f"<h3>{e(section)}</h3>")
        out.append('<table class="stancematrix-diff-table">')
        out.append("<thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in headers) + "</tr></thead>")
        out.append("<tbody>")
        for row, cell in zip(items, cells, strict=True):
            css = row.kind.replace(" ", "-")
            body = "".join(f"<td>{e(c).replace(chr(10), '<br>')}</td>" for c in cell)
            out.append(f'<tr class="{e(css)}">{body}</tr>')
        out.append("</tbody>")
        out.append("</table>")
    out.append("</section>")
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
                f"{shift.size:g}",
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
                f"{change.size:g}" if name == "stance" and change.kind else "",
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


def to_csv(diff: MatrixDiff, *, kinds: Iterable[str] | None, stance_only: bool) -> str:
    """See :meth:`MatrixDiff.to_csv`."""
    buffer = io.StringIO()
    # "\r\n" (RFC 4180) also makes the writer quote fields holding a lone "\r".
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_CSV_HEADER)
    for number, rows in enumerate(_csv_records(diff, kinds, stance_only), 1):
        for row in rows:
            writer.writerow([str(number), *(_formula(cell) for cell in row)])
    return buffer.getvalue()
