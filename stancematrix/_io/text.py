"""Text: the matrix as a table for a terminal, drawn by tabulate.

Any ``tablefmt`` tabulate knows can be used (``"simple"`` by default, ``"grid"``,
``"github"``, ``"rounded_outline"`` …). Long cells are wrapped so the table fits in
``width`` columns (by default the terminal's), counting East Asian wide characters as two
columns and combining marks as none, so wide text stays aligned. Terminal control
characters in the data (escape sequences, carriage returns, bidirectional overrides …)
are shown as visible stand-ins such as ``␛``, so data cannot recolour the terminal or
move the cursor.
"""

from __future__ import annotations

import shutil
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Final, Unpack

import tabulate as _tabulate

from stancematrix._diff.report import tables
from stancematrix._escape import terminal_text
from stancematrix._io.layout import Layout, LayoutOptions, grid
from stancematrix.exceptions import InvalidValueError

if TYPE_CHECKING:
    from stancematrix._diff.matrixdiff import MatrixDiff
    from stancematrix._matrix import StanceMatrix

__all__ = ["EXTENSIONS", "NAME", "display_width", "render", "render_diff"]

NAME: Final = "text"
EXTENSIONS: Final = (".txt",)

_MIN_COLUMN: Final = 6
_LOCK = threading.Lock()


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """How many terminal columns *text* (one line, no control characters) takes."""
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


class _WideChars:
    """Stands in for the optional ``wcwidth`` package tabulate aligns wide text with."""

    @staticmethod
    def wcswidth(text: str) -> int:
        return display_width(text)


def _wrap_line(line: str, width: int) -> Iterator[str]:
    """Greedy word wrap by display width; words longer than *width* are split."""
    current = ""
    used = 0
    for word in line.split(" "):
        size = display_width(word)
        if current and used + 1 + size <= width:
            current += " " + word
            used += 1 + size
            continue
        if current or used:
            yield current
        current, used = "", 0
        while size > width:
            piece, taken = "", 0
            for char in word:
                w = _char_width(char)
                if taken + w > width and piece:
                    break
                piece += char
                taken += w
            yield piece
            word = word[len(piece) :]
            size = display_width(word)
        current, used = word, size
    yield current


def _wrap(text: str, width: int) -> str:
    return "\n".join(piece for line in text.split("\n") for piece in _wrap_line(line, width))


def _natural(text: str) -> int:
    return max((display_width(line) for line in text.split("\n")), default=0)


def _limits(natural: list[int], budget: int) -> list[int]:
    """Column widths that fit *budget*: narrow columns keep theirs, wide ones share the rest."""
    limits = list(natural)
    if sum(natural) <= budget:
        return limits
    order = sorted(range(len(natural)), key=natural.__getitem__)
    left = budget
    for k, column in enumerate(order):
        share = max(_MIN_COLUMN, left // (len(order) - k))
        limits[column] = min(natural[column], share)
        left -= limits[column]
    return limits


def _overhead(tablefmt: str, columns: int) -> int:
    """How many columns the format's borders and padding take around *columns* cells."""
    cell = "x" * 10  # wider than any minimum column width
    sample = _tabulate.tabulate([[cell] * columns], ["x"] * columns, tablefmt=tablefmt)
    return max(map(len, sample.splitlines())) - 10 * columns


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
        tablefmt: Any table format tabulate knows.
        width: The widest the table may be, in terminal columns; by default the width
            of the terminal (80 when there is none). Cells are wrapped to fit; each
            column keeps at least 6 columns, so very narrow widths may be exceeded.
        **layout: What the table shows and how: the fields of
            :class:`~stancematrix._io.layout.Layout`.

    Raises:
        InvalidValueError: If *tablefmt* is unknown, *width* is not a positive int, or
            a layout option is invalid (see :class:`~stancematrix._io.layout.Layout`).
    """
    options = Layout.of(layout)  # unknown or invalid layout options fail first
    if tablefmt not in _tabulate.tabulate_formats:
        raise InvalidValueError(
            "tablefmt", tablefmt, f"must be one of {', '.join(_tabulate.tabulate_formats)}"
        )
    if width is None:
        width = shutil.get_terminal_size((80, 24)).columns
    if type(width) is not int or width < 1:
        raise InvalidValueError("width", width, "must be a positive int")
    laid_out = grid(matrix, options)
    header = [terminal_text(t) for t in (laid_out.corner, *laid_out.column_labels)]
    body = [
        [terminal_text(label), *(terminal_text(t) for t in texts)]
        for label, texts in zip(laid_out.row_labels, laid_out.texts(), strict=True)
    ]
    columns = len(header)
    natural = [max(_natural(row[c]) for row in [header, *body]) for c in range(columns)]
    budget = max(width - _overhead(tablefmt, columns), columns)
    with _LOCK:
        saved = _tabulate.wcwidth, _tabulate.WIDE_CHARS_MODE  # type: ignore[attr-defined]
        if saved[0] is None:
            _tabulate.wcwidth = _WideChars  # type: ignore[attr-defined]
            _tabulate.WIDE_CHARS_MODE = True
        try:
            # Formats pad narrow headers, so a first try may overshoot: shrink and retry.
            for _ in range(4):
                limits = _limits(natural, budget)
                table = _tabulate.tabulate(
                    [[_wrap(t, limits[c]) for c, t in enumerate(row)] for row in body],
                    [_wrap(t, limits[c]) for c, t in enumerate(header)],
                    tablefmt=tablefmt,
                    disable_numparse=True,
                    stralign="left",
                )
                excess = max(map(display_width, table.splitlines()), default=0) - width
                if excess <= 0 or budget <= columns * _MIN_COLUMN:
                    break
                budget = max(budget - excess, columns * _MIN_COLUMN)
            return table
        finally:
            _tabulate.wcwidth, _tabulate.WIDE_CHARS_MODE = saved  # type: ignore[attr-defined]


def render_diff(
    diff: MatrixDiff,
    *,
    kinds: Iterable[str] | None = None,
    stance_only: bool = False,
    tablefmt: str = "simple",
) -> str:
    """Render *diff* as a text report: the summary, then a table per section.

    See :meth:`MatrixDiff.to_text` for the options.
    """
    out = [terminal_text(diff.summary())]
    for table in tables(diff, kinds, stance_only):
        drawn = _tabulate.tabulate(
            [[terminal_text(c) for c in row] for row in table.cells],
            headers=table.headers,
            tablefmt=tablefmt,
            disable_numparse=True,
            maxcolwidths=[None] * (len(table.headers) - 2) + [48, 48],
        )
        count = sum(1 for r in table.rows if r.actor or r.issue)
        out += ["", f"{table.title} ({count})", drawn]
    return "\n".join(out) + "\n"
