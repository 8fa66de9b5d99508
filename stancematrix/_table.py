"""Private: print query results as plain-text or Markdown tables through tabulate.

Cell text is made safe by the renderers' shared helpers in :mod:`stancematrix._escape`:
control characters are shown, not obeyed, in text tables, and Markdown cells are escaped
so data cannot break the table.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._escape import markdown_cell as _escape_cell
from ._escape import markdown_paragraph, terminal_text

__all__ = ["markdown", "markdown_cell", "text"]

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


def markdown(headers: Sequence[str], rows: Sequence[Sequence[Cell]], title: str = "") -> str:
    """A GitHub-flavoured Markdown table under an optional title paragraph."""
    from tabulate import tabulate

    body = tabulate(
        [[_escape_cell(_plain(v)) for v in row] for row in rows],
        headers=[_escape_cell(h) for h in headers],
        tablefmt="github",
        disable_numparse=True,
    )
    return f"{markdown_cell(title)}\n\n{body}" if title else body
