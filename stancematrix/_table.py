"""Private: query results as plain-text or Markdown tables (tabulate), or HTML for notebooks.

Cell text is made safe by the renderers' shared helpers in :mod:`stancematrix._escape`:
control characters are shown, not obeyed, in text tables, Markdown cells are escaped so
data cannot break the table, and HTML cells are escaped so data cannot add markup.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Final

from ._escape import html_text, markdown_paragraph, terminal_text
from ._escape import markdown_cell as _escape_cell

__all__ = [
    "PREVIEW_COLUMNS",
    "PREVIEW_ROWS",
    "HtmlView",
    "html",
    "html_line",
    "markdown",
    "markdown_cell",
    "text",
]

#: The most rows a notebook shows of a result (``_repr_html_``); the rest are counted.
PREVIEW_ROWS: Final = 200
#: The most columns a notebook shows of a result (the first column, labels, included).
PREVIEW_COLUMNS: Final = 31

Cell = str | int | float | None


def _plain(value: Cell) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def markdown_cell(value: Cell) -> str:
    """One value as a Markdown paragraph (a result's one line) or table cell, escaped.

    Safe on a line of its own: a leading ``#``, ``-``, ``+`` or ``1.`` cannot start a
    heading or list (:func:`stancematrix._escape.markdown_paragraph`).
    """
    return markdown_paragraph(_plain(value))


def text(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    title: str = "",
    *,
    width: int | None = None,
    note: str = "",
    labels: int = 1,
) -> str:
    """A plain-text table (the ``simple`` frame) under an optional title line.

    Title, table and an optional *note* after it fit *width* terminal cells (default:
    the terminal's width), by the rules of :mod:`stancematrix._io.fit`: words are kept
    whole where they fit their column, and a table too wide is split into column groups,
    each repeating the first *labels* columns (what names a row).

    Raises:
        InvalidValueError: If *width* is not a positive int.
    """
    from ._io.fit import text_width, wrap  # tabulate is loaded when a table is drawn
    from ._io.tablefmt import lookup, table

    width = text_width(width)
    body = table(
        lookup("simple"), headers, [[_plain(v) for v in row] for row in rows], width, labels
    )
    lines = [*wrap(terminal_text(title), width)] if title else []
    lines.append(body)
    if note:
        lines.extend(wrap(terminal_text(note), width))
    return "\n".join(lines)


def markdown(
    headers: Sequence[str], rows: Sequence[Sequence[Cell]], title: str = "", *, note: str = ""
) -> str:
    """A GitHub-flavoured Markdown table under an optional title paragraph, then *note*."""
    from tabulate import tabulate

    body = tabulate(
        [[_escape_cell(_plain(v)) for v in row] for row in rows],
        headers=[_escape_cell(h) for h in headers],
        tablefmt="github",
        disable_numparse=True,
    )
    if note:
        body += f"\n\n{markdown_cell(note)}"
    return f"{markdown_cell(title)}\n\n{body}" if title else body


def html(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    title: str = "",
    *,
    note: str = "",
    numeric: Collection[int] = (),
) -> str:
    """A result as an HTML fragment (Jupyter's view), cut to a preview if it is large.

    Numbers are right-aligned, and so are the columns in *numeric* (cells of numbers
    shown as text, e.g. ``0.750 (n=12)``). At most :data:`PREVIEW_ROWS` rows and
    :data:`PREVIEW_COLUMNS` columns are drawn; a line then says how many there are.
    """
    from ._io.htmltable import render_table

    keep = min(len(headers), PREVIEW_COLUMNS)
    shown = rows[:PREVIEW_ROWS]
    right = {c for c in numeric if c < keep}
    right.update(
        c
        for c in range(keep)
        if shown
        and all(isinstance(row[c], int | float) or row[c] is None for row in shown)
        and any(row[c] is not None for row in shown)
    )
    parts = [
        f"{n} of {total} {what}"
        for n, total, what in ((len(shown), len(rows), "rows"), (keep, len(headers), "columns"))
        if n < total
    ]
    cut = f"Showing {' and '.join(parts)}: to_text() or to_markdown() prints all." if parts else ""
    return render_table(
        title,
        headers[:keep],
        [[_plain(v) for v in row[:keep]] for row in shown],
        numeric=right,
        notes=(note, cut),
    )


def html_line(line: str) -> str:
    """A one-line result as an HTML paragraph, escaped."""
    return f'<p class="stancematrix">{html_text(line)}</p>\n'


class HtmlView:
    """What makes a result display as an HTML table in Jupyter: ``_repr_html_``.

    A result class inherits it and defines ``_table()`` (headers, rows and title, as
    :func:`text` takes them), and ``_note()`` and ``_numeric()`` when it has a note or
    numbers shown as text.
    """

    __slots__ = ()

    def _table(self) -> tuple[Sequence[str], Sequence[Sequence[Cell]], str]:
        raise NotImplementedError

    def _note(self) -> str:
        return ""

    def _numeric(self) -> Collection[int]:
        return ()

    def _repr_html_(self) -> str:
        """Jupyter's view: the result's table as HTML (a preview if it is large)."""
        headers, rows, title = self._table()
        return html(headers, rows, title, note=self._note(), numeric=self._numeric())
