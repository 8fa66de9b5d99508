"""Private: print query results as plain-text or Markdown tables through tabulate.

Cell text is made safe by the renderers' shared helpers in :mod:`stancematrix._escape`:
control characters are shown, not obeyed, in text tables, and Markdown cells are escaped
so data cannot break the table.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._escape import markdown_cell as _escape_markdown
from ._escape import terminal_text

__all__ = ["markdown", "markdown_cell", "text"]

Cell = str | int | float | None


def _plain(value: Cell) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def markdown_cell(value: Cell) -> str:
    """One value as the text of one Markdown table cell (or paragraph), escaped."""
    return _escape_markdown(_plain(value))


def text(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    title: str = "",
    *,
    width: int | None = None,
) -> str:
    """A plain-text table (the ``simple`` frame) under an optional title line.

    Title and table fit *width* terminal cells (default: the terminal's width), by the
    rules of :mod:`stancematrix._io.fit`: words are kept whole where they fit their
    column, and a table too wide is split into column groups.

    Raises:
        InvalidValueError: If *width* is not a positive int.
    """
    from ._io.fit import text_width, wrap  # tabulate is loaded when a table is drawn
    from ._io.tablefmt import lookup, table

    width = text_width(width)
    body = table(lookup("simple"), headers, [[_plain(v) for v in row] for row in rows], width)
    if not title:
        return body
    return "\n".join([*wrap(terminal_text(title), width), body])


def markdown(headers: Sequence[str], rows: Sequence[Sequence[Cell]], title: str = "") -> str:
    """A GitHub-flavoured Markdown table under an optional title paragraph."""
    from tabulate import tabulate

    body = tabulate(
        [[markdown_cell(v) for v in row] for row in rows],
        headers=[markdown_cell(h) for h in headers],
        tablefmt="github",
        disable_numparse=True,
    )
    return f"{markdown_cell(title)}\n\n{body}" if title else body
