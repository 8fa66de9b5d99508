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
from stancematrix._table import check_limit, cut_line

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


class _Preview:
    """Where a preview cuts the grid: the keys kept, and where the ``…`` row and column go."""

    def __init__(
        self, matrix: StanceMatrix, options: Layout, max_rows: int | None, max_columns: int | None
    ) -> None:
        if isinstance(options.actors, str) or isinstance(options.issues, str):
            max_rows = max_columns = None  # refused by the grid, as without a preview
        actors = [a.key for a in matrix.actors] if options.actors is None else [*options.actors]
        issues = [i.key for i in matrix.issues] if options.issues is None else [*options.issues]
        rows, columns = (actors, issues) if options.transpose else (issues, actors)
        self.lines: list[str] = []
        self.row_gap: int | None = None
        self.column_gap: int | None = None
        if max_rows is not None and len(rows) > max_rows:
            self.row_gap, rows = self._cut(rows, max_rows, "rows")
        if max_columns is not None and len(columns) > max_columns:
            self.column_gap, columns = self._cut(columns, max_columns, "columns")
        actors, issues = (rows, columns) if options.transpose else (columns, rows)
        self.options = (
            attrs.evolve(options, actors=actors, issues=issues) if self.lines else options
        )

    def _cut(self, keys: list[str], keep: int, what: str) -> tuple[int, list[str]]:
        first, last = (keep + 1) // 2, keep // 2
        self.lines.append(cut_line(keep, len(keys), what))
        return first, [*keys[:first], *keys[len(keys) - last :]]

    def gaps(self, header: list[str], body: list[list[str]]) -> tuple[list[str], list[list[str]]]:
        """*header* and *body* with a ``…`` column and row where keys were left out."""
        if self.column_gap is not None:
            at = self.column_gap + 1  # after the row labels
            header = [*header[:at], "…", *header[at:]]
            body = [[*row[:at], "…", *row[at:]] for row in body]
        if self.row_gap is not None:
            body = [*body[: self.row_gap], ["…"] * len(header), *body[self.row_gap :]]
        return header, body


def render(
    matrix: StanceMatrix,
    *,
    tablefmt: str = "simple",
    width: int | None = None,
    max_rows: int | None = None,
    max_columns: int | None = None,
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
        max_rows: Draw at most this many rows, the first and the last with a row of
            ``…`` between, and a line counting those left out (default: all rows).
        max_columns: The same for columns (the row labels aside).
        **layout: What the table shows and how: the fields of
            :class:`~stancematrix._io.layout.Layout`.

    Raises:
        UnsupportedFormatError: If *tablefmt* is unknown or refused.
        InvalidValueError: If *width*, *max_rows* or *max_columns* is not a positive
            int, or a layout option is invalid (see
            :class:`~stancematrix._io.layout.Layout`).
    """
    options = Layout.of(layout)  # unknown or invalid layout options fail first
    fmt = lookup(tablefmt)
    width = text_width(width)
    preview = _Preview(
        matrix,
        options,
        check_limit("max_rows", max_rows),
        check_limit("max_columns", max_columns),
    )
    options = preview.options
    header, body = _cells(matrix, options)
    if fmt.fits and not fits(fmt.drawn_as, header, body, width):
        attempt, header, body = _fallback(matrix, options, fmt.drawn_as, width)
    else:
        attempt = options
    drawn = table(fmt, *preview.gaps(header, body), width)
    for cut in preview.lines:
        drawn += "\n" + "\n".join(wrap(cut, width))
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
