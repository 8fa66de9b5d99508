"""Private: query results as plain-text or Markdown tables (tabulate), or HTML for notebooks.

Cell text is made safe by the renderers' shared helpers in :mod:`stancematrix._escape`:
control characters are shown, not obeyed, in text tables, Markdown cells are escaped so
data cannot break the table, and HTML cells are escaped so data cannot add markup.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, ClassVar, Final

from ._escape import html_text, markdown_paragraph, terminal_text
from ._escape import markdown_cell as _escape_cell

__all__ = [
    "PREVIEW_COLUMNS",
    "PREVIEW_ROWS",
    "HtmlView",
    "check_limit",
    "cut_line",
    "html",
    "html_line",
    "markdown",
    "markdown_cell",
    "size",
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


def _shown(
    headers: Sequence[str], rows: Sequence[Sequence[Cell]], optional: Collection[int]
) -> tuple[list[int], str]:
    """The columns to draw: all but the *optional* ones empty in every row.

    Also the line that says which were left out (nothing is lost: they held nothing).
    """
    gone = [
        c
        for c in sorted(optional)
        if rows and c < len(headers) and all(row[c] is None or row[c] == "" for row in rows)
    ]
    keep = [c for c in range(len(headers)) if c not in gone]
    if not gone:
        return keep, ""
    s = "s" * (len(gone) != 1)
    return keep, f"Column{s} {', '.join(headers[c] for c in gone)} left out: empty in every row."


def _columns(
    headers: Sequence[str], rows: Sequence[Sequence[Cell]], keep: Sequence[int]
) -> tuple[list[str], list[list[Cell]]]:
    return [headers[c] for c in keep], [[row[c] for c in keep] for row in rows]


def _cut(rows: list[list[Cell]], max_rows: int | None) -> tuple[list[list[Cell]], str]:
    """At most *max_rows* of *rows*: the first and last halves, with ``…`` between.

    Also the line that says how many were left out ("" when none were).
    """
    if max_rows is None or len(rows) <= max_rows:
        return rows, ""
    head, tail = (max_rows + 1) // 2, max_rows // 2
    width = len(rows[0]) if rows else 0
    gap: list[Cell] = ["…"] * width
    shown = [*rows[:head], gap, *rows[len(rows) - tail :]]
    return shown, cut_line(max_rows, len(rows))


def _cut_columns(
    headers: list[str], rows: list[list[Cell]], max_columns: int | None, labels: int
) -> tuple[list[str], list[list[Cell]], str]:
    """At most *max_columns* columns after the first *labels*, with a ``…`` column between.

    The first and the last halves are kept; also the line that counts those left out.
    """
    count = len(headers) - labels
    if max_columns is None or count <= max_columns:
        return headers, rows, ""
    keep = max_columns
    at, tail = labels + (keep + 1) // 2, len(headers) - keep // 2

    def cut(row: Sequence[Any]) -> list[Any]:
        return [*row[:at], "…", *row[tail:]]

    return cut(headers), [cut(row) for row in rows], cut_line(keep, count, "columns")


def check_limit(name: str, value: object) -> int | None:
    """*value* as a preview's limit (``max_rows``, ``max_columns``): None or a positive int.

    Raises:
        InvalidValueError: If *value* is neither.
    """
    if value is None:
        return None
    if type(value) is not int or value < 1:
        from .exceptions import InvalidValueError

        raise InvalidValueError(name, value, "must be a positive int, or None for all")
    return value


def cut_line(shown: int, total: int, what: str = "rows") -> str:
    """The line under a preview: how many of how many rows it shows."""
    first, last = (shown + 1) // 2, shown // 2
    return (
        f"… {total - shown:,} of {total:,} {what} left out "
        f"(the first {first:,} and the last {last:,} shown)."
    )


def text(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    title: str = "",
    *,
    width: int | None = None,
    note: str = "",
    labels: int = 1,
    optional: Collection[int] = (),
    empty: str = "",
    max_rows: int | None = None,
    max_columns: int | None = None,
) -> str:
    """A plain-text table (the ``simple`` frame) under an optional title line.

    Title, table and an optional *note* after it fit *width* terminal cells (default:
    the terminal's width), by the rules of :mod:`stancematrix._io.fit`: words are kept
    whole where they fit their column, and a table too wide is split into column groups,
    each repeating the first *labels* columns (what names a row).

    The *optional* columns are left out when they are empty in every row, and a line
    says so. With no rows, the line *empty* stands in for the table. With *max_rows*,
    a longer table shows its first and last rows and a line counts the rest; with
    *max_columns* the same for the columns after the first *labels*.

    Raises:
        InvalidValueError: If *width*, *max_rows* or *max_columns* is not a positive int.
    """
    from ._io.fit import text_width, wrap  # tabulate is loaded when a table is drawn
    from ._io.tablefmt import lookup, table

    width = text_width(width)
    max_rows = check_limit("max_rows", max_rows)
    max_columns = check_limit("max_columns", max_columns)
    lines = [*wrap(terminal_text(title), width)] if title else []
    if not rows and empty:
        lines.append(terminal_text(empty))
    else:
        keep, dropped = _shown(headers, rows, optional)
        headers, shown = _columns(headers, rows, keep)
        shown, cut = _cut(shown, max_rows)
        headers, shown, cut_columns = _cut_columns(headers, shown, max_columns, labels)
        lines.append(
            table(
                lookup("simple"),
                headers,
                [[_plain(v) for v in row] for row in shown],
                width,
                labels,
            )
        )
        for extra in (cut, cut_columns, dropped):
            if extra:
                lines.extend(wrap(terminal_text(extra), width))
    if note:
        lines.extend(wrap(terminal_text(note), width))
    return "\n".join(lines)


def markdown(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    title: str = "",
    *,
    note: str = "",
    optional: Collection[int] = (),
    empty: str = "",
) -> str:
    """A GitHub-flavoured Markdown table under an optional title paragraph, then *note*.

    *optional* and *empty* as for :func:`text`.
    """
    from tabulate import tabulate

    if not rows and empty:
        body = markdown_cell(empty)
    else:
        keep, dropped = _shown(headers, rows, optional)
        headers, shown = _columns(headers, rows, keep)
        body = tabulate(
            [[_escape_cell(_plain(v)) for v in row] for row in shown],
            headers=[_escape_cell(h) for h in headers],
            tablefmt="github",
            disable_numparse=True,
        )
        if dropped:
            body += f"\n\n{markdown_cell(dropped)}"
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
    optional: Collection[int] = (),
    empty: str = "",
) -> str:
    """A result as an HTML fragment (Jupyter's view), cut to a preview if it is large.

    Numbers are right-aligned, and so are the columns in *numeric* (cells of numbers
    shown as text, e.g. ``0.750 (n=12)``). At most :data:`PREVIEW_ROWS` rows and
    :data:`PREVIEW_COLUMNS` columns are drawn; a line then says how many there are.
    *optional* and *empty* as for :func:`text` (the table's header stays, with the line
    *empty* under it).
    """
    from ._io.htmltable import render_table

    kept, dropped = _shown(headers, rows, optional)
    numeric = [kept.index(c) for c in numeric if c in kept]
    headers, all_rows = _columns(headers, rows, kept)
    keep = min(len(headers), PREVIEW_COLUMNS)
    shown = all_rows[:PREVIEW_ROWS]
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
        for n, total, what in ((len(shown), len(all_rows), "rows"), (keep, len(headers), "columns"))
        if n < total
    ]
    cut = f"Showing {' and '.join(parts)}: to_text() or to_markdown() prints all." if parts else ""
    return render_table(
        title,
        headers[:keep],
        [[_plain(v) for v in row[:keep]] for row in shown],
        numeric=right,
        notes=(empty if not rows else "", dropped, note, cut),
    )


def html_line(line: str) -> str:
    """A one-line result as an HTML paragraph, escaped."""
    return f'<p class="stancematrix">{html_text(line)}</p>\n'


class HtmlView:
    """What every query result with a table shares: its text, Markdown and HTML views.

    A result class inherits it and defines ``_table()`` (headers, rows and title, as
    :func:`text` takes them), and ``_note()``, ``_numeric()`` and ``_optional()`` when it
    has a note, numbers shown as text, or columns left out when empty in every row.
    ``_LABELS`` is how many first columns name a row; ``_EMPTY`` the line shown instead
    of a table with no rows ("no conflicts").
    """

    __slots__ = ()

    #: How many first columns name a row (repeated in each column group of a text table).
    _LABELS: ClassVar[int] = 1
    #: The line a result with no rows shows instead of its table.
    _EMPTY: ClassVar[str] = "no rows"

    def _table(self) -> tuple[Sequence[str], Sequence[Sequence[Cell]], str]:
        raise NotImplementedError

    def _note(self) -> str:
        return ""

    def _numeric(self) -> Collection[int]:
        return ()

    def _optional(self) -> Collection[int]:
        return ()

    def to_text(
        self,
        *,
        width: int | None = None,
        max_rows: int | None = None,
        max_columns: int | None = None,
    ) -> str:
        """A plain-text table, one row per line; then the result's note, if any.

        Columns that hold nothing in any row (a "says" column when no claim has words)
        are left out, with a line saying so; a result with no rows prints one line
        saying that ("no conflicts").

        Args:
            width: The widest a line may be, in terminal cells (default: the
                terminal's width, 80 when there is none); see ``StanceMatrix.to_text``.
            max_rows: Show at most this many rows, the first and the last, and a line
                counting those left out (default: every row).
            max_columns: The same for the columns after those that name a row
                (default: every column).
        """
        headers, rows, title = self._table()
        return text(
            headers,
            rows,
            title,
            width=width,
            note=self._note(),
            labels=self._LABELS,
            optional=self._optional(),
            empty=self._EMPTY,
            max_rows=max_rows,
            max_columns=max_columns,
        )

    def to_markdown(self) -> str:
        """A Markdown table like :meth:`to_text`'s, every row, every cell escaped."""
        headers, rows, title = self._table()
        return markdown(
            headers, rows, title, note=self._note(), optional=self._optional(), empty=self._EMPTY
        )

    def _repr_html_(self) -> str:
        """Jupyter's view: the result's table as HTML (a preview if it is large)."""
        headers, rows, title = self._table()
        return html(
            headers,
            rows,
            title,
            note=self._note(),
            numeric=self._numeric(),
            optional=self._optional(),
            empty=self._EMPTY,
        )


def size(view: HtmlView) -> tuple[int, int]:
    """How many rows and columns (after those naming a row) *view*'s table has."""
    headers, rows, _ = view._table()
    return len(rows), len(headers) - view._LABELS
