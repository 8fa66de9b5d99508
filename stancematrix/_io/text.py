"""Text: the matrix as a table for a terminal.

``tablefmt`` is one of the formats :mod:`stancematrix._io.tablefmt` accepts (``"simple"``
by default, ``"grid"``, ``"rounded_outline"`` …, and markup formats such as ``"github"``
or ``"html"`` whose cells are escaped for their syntax); others are refused.

The plain-text frames fit ``width`` terminal cells (by default the terminal's width, 80
when output is not a terminal), counting East Asian wide characters as two and
combining marks as none, and never split a word narrower than its column. When a grid
cannot fit that way it falls back, in this order, until it does: actors and issues
labelled by key; cells shown as the scale's symbols (with a legend line); columns split
into groups drawn one under another, each repeating the row labels (see
:mod:`stancematrix._io.fit`). Terminal control characters in the data (escape sequences,
carriage returns, bidirectional overrides …) are shown as visible stand-ins such as
``␛``, so data cannot recolour the terminal or move the cursor.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Final, Unpack

import attrs

from stancematrix._diff.report import tables
from stancematrix._escape import terminal_text
from stancematrix._io.layout import Layout, LayoutOptions, grid

from .fit import display_width, fits, narrowest, text_width, wrap
from .tablefmt import TableFormat, lookup, table

if TYPE_CHECKING:
    from stancematrix._diff.matrixdiff import MatrixDiff
    from stancematrix._matrix import StanceMatrix

__all__ = ["EXTENSIONS", "NAME", "display_width", "render", "render_diff", "text_width"]

NAME: Final = "text"
EXTENSIONS: Final = (".txt",)


def _cells(matrix: StanceMatrix, options: Layout) -> tuple[list[str], list[list[str]]]:
    laid_out = grid(matrix, options)
    header = [laid_out.corner, *laid_out.column_labels]
    body = [
        [label, *texts] for label, texts in zip(laid_out.row_labels, laid_out.texts(), strict=True)
    ]
    return header, body


def _fallback(
    matrix: StanceMatrix, options: Layout, frame: str, width: int
) -> tuple[Layout, list[str], list[list[str]]]:
    """The layout to draw when *options* does not fit.

    Key labels, then also symbols: the first that fits, else the narrowest (which is then
    split into column groups).
    """
    tries = [options]
    if options.labels == "name":
        tries.append(attrs.evolve(tries[-1], labels="key"))
    if options.cell == "stance":
        tries.append(attrs.evolve(tries[-1], cell="symbol"))
    found: list[tuple[int, int, Layout, list[str], list[list[str]]]] = []
    for attempt in tries:
        header, body = _cells(matrix, attempt)
        need = narrowest(frame, header, body)
        if need <= width:
            return attempt, header, body
        found.append((need, -len(found), attempt, header, body))
    _, _, attempt, header, body = min(found, key=lambda t: t[:2])
    return attempt, header, body


def _legend(matrix: StanceMatrix) -> str:
    scale = matrix.scale
    pairs = [f"{level.symbol} {level.label}" for level in scale.levels if level.symbol]
    if scale.unknown_symbol:
        pairs.append(f"{scale.unknown_symbol} {scale.unknown}")
    return "Symbols: " + ", ".join(pairs)


def render(
    matrix: StanceMatrix,
    *,
    tablefmt: str = "simple",
    width: int | None = None,
    **layout: Unpack[LayoutOptions],
) -> str:
    """Render *matrix* as a text table.

    Args:
        matrix: The matrix.
        tablefmt: A table format from :data:`stancematrix._io.tablefmt.TABLEFMTS`.
        width: The widest the table may be, in terminal cells; by default the width
            of the terminal (80 when there is none). Plain-text tables fit it: cells are
            wrapped at spaces, a word is split only when it is wider than its column,
            and a grid that cannot fit falls back to key labels, then to symbols, then
            to groups of columns (see the module's docstring).
        **layout: What the table shows and how: the fields of
            :class:`~stancematrix._io.layout.Layout`.

    Raises:
        UnsupportedFormatError: If *tablefmt* is unknown or refused.
        InvalidValueError: If *width* is not a positive int, or a layout option is
            invalid (see :class:`~stancematrix._io.layout.Layout`).
    """
    options = Layout.of(layout)  # unknown or invalid layout options fail first
    fmt = lookup(tablefmt)
    width = text_width(width)
    header, body = _cells(matrix, options)
    if fmt.fits and not fits(fmt.drawn_as, header, body, width):
        attempt, header, body = _fallback(matrix, options, fmt.drawn_as, width)
    else:
        attempt = options
    drawn = table(fmt, header, body, width)
    if attempt.cell == "symbol" and options.cell != "symbol":
        drawn += "\n" + "\n".join(wrap(terminal_text(_legend(matrix)), width))
    return drawn


def _title(text: str, fmt: TableFormat, width: int) -> str:
    text = terminal_text(text)
    return "\n".join(wrap(text, width)) if fmt.fits else text


def render_diff(
    diff: MatrixDiff,
    *,
    kinds: Iterable[str] | None = None,
    stance_only: bool = False,
    tablefmt: str = "simple",
    width: int | None = None,
) -> str:
    """Render *diff* as a text report: the summary, then a table per section.

    Plain-text tables and lines fit *width* as :func:`render`'s do (by default the
    terminal's width). See :meth:`MatrixDiff.to_text` for the other options.

    Raises:
        UnsupportedFormatError: If *tablefmt* is unknown or refused.
        InvalidValueError: If *width* is not a positive int or a kind is unknown.
    """
    fmt = lookup(tablefmt)
    width = text_width(width)
    out = [_title(diff.summary(), fmt, width)]
    for section in tables(diff, kinds, stance_only):
        count = sum(1 for r in section.rows if r.actor or r.issue)
        drawn = table(fmt, section.headers, section.cells, width)
        out += ["", _title(f"{section.title} ({count})", fmt, width), drawn]
    return "\n".join(out) + "\n"
