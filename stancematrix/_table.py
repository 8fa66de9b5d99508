"""Private: print query results as plain-text or Markdown tables through tabulate.

Kept small on purpose; once the renderers' escaping helpers (``stancematrix/_formats/``)
are merged, :func:`markdown_cell` should defer to them.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["markdown", "text"]

Cell = str | int | float | None


def _plain(value: Cell) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def markdown_cell(value: Cell) -> str:
    """One cell's text made safe for a Markdown table: pipes escaped, newlines as <br>."""
    text = _plain(value).replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")


def text(headers: Sequence[str], rows: Sequence[Sequence[Cell]], title: str = "") -> str:
    """A plain-text table (tabulate's ``simple`` format) under an optional title line."""
    from tabulate import tabulate

    body = tabulate(
        [[_plain(v) for v in row] for row in rows],
        headers=list(headers),
        tablefmt="simple",
        disable_numparse=True,
    )
    return f"{title}\n{body}" if title else body


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
