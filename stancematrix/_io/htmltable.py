"""HTML tables of text, shared by the diff report and the query results' notebook view.

The look is the matrix's (:mod:`stancematrix._io.html`): its font and grid. Every header
and cell is escaped (:func:`stancematrix._escape.html_text`), newlines become ``<br>``,
and nothing else is emitted but ``class`` attributes, so data cannot add markup.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from typing import Final

from stancematrix._escape import html_text

__all__ = ["NUMBER_STYLE", "SUMMARY_STYLE", "TABLE_STYLE", "render_table", "table"]

#: The matrix's look (its font and grid), for tables of text: results and diffs.
TABLE_STYLE: Final = """
.stancematrix { font-family: system-ui, sans-serif; color: #222; }
.stancematrix table.sm-grid { border-collapse: collapse; margin: 0.5em 0; }
.stancematrix .sm-grid th, .stancematrix .sm-grid td {
  border: 1px solid #ccc; padding: 0.35em 0.6em; vertical-align: top; max-width: 28em; }
.stancematrix .sm-grid thead th { background: #eee; text-align: left; }
"""
#: A result's title or a diff's summary line.
SUMMARY_STYLE: Final = ".stancematrix .sm-summary { font-weight: bold; }\n"
#: Numbers right-aligned, digits of equal width.
NUMBER_STYLE: Final = (
    ".stancematrix .sm-grid td.sm-num { text-align: right; font-variant-numeric: tabular-nums; }\n"
)


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Container[int] = (),
    row_classes: Sequence[str] | None = None,
) -> str:
    """A ``<table class="sm-grid">`` of text: every header and cell escaped.

    Newlines in a cell become ``<br>``; the cells of the columns in *numeric* are
    right-aligned (class ``sm-num``); *row_classes* gives each body row a class.
    """
    e = html_text
    out = [
        '<table class="sm-grid">',
        "<thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in headers) + "</tr></thead>",
        "<tbody>",
    ]
    for n, cells in enumerate(rows):
        css = "" if row_classes is None else f' class="{e(row_classes[n])}"'
        body = "".join(
            ('<td class="sm-num">' if c in numeric else "<td>")
            + e(text).replace("\n", "<br>")
            + "</td>"
            for c, text in enumerate(cells)
        )
        out.append(f"<tr{css}>{body}</tr>")
    out.append("</tbody>")
    out.append("</table>")
    return "\n".join(out)


def render_table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Container[int] = (),
    notes: Sequence[str] = (),
) -> str:
    """A query result as an HTML fragment: its title, the table, then each note.

    Text is escaped as in :func:`table`; the fragment carries its own ``<style>``.
    """
    e = html_text
    out = [
        '<div class="stancematrix sm-result">',
        f"<style>{TABLE_STYLE}{NUMBER_STYLE}{SUMMARY_STYLE}</style>",
    ]
    if title:
        out.append(f'<p class="sm-summary">{e(title)}</p>')
    out.append(table(headers, rows, numeric=numeric))
    out.extend(f"<p><em>{e(note)}</em></p>" for note in notes if note)
    out.append("</div>")
    return "\n".join(out) + "\n"
