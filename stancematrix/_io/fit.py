"""Terminal tables that fit a width, measured and drawn without any global state.

Widths are terminal cells: East Asian wide and fullwidth characters take two, combining
marks and format characters none, everything else one (:func:`display_width`). Cells are
wrapped at spaces; a word is split only when it is wider than its column.

:func:`draw` lays a table out in one of tabulate's plain-text frames (``simple``,
``grid``, ``rounded_outline`` …) at the widths it is given; :func:`fit` chooses those
widths so that the table fits, in this order:

1. every column at its natural width, if that fits;
2. otherwise each column as wide as its widest line of text, without the padding a
   header is given when there is room; failing that, each column at least as wide as its
   longest word, the room left shared out so that narrow columns keep their width first;
3. otherwise the columns are split into groups drawn one under another, each repeating
   the first column (the row labels; the first *labels* columns where a row is named by
   more than one, e.g. actor and issue): as few groups as the columns at their minimum
   widths need, packed so that the columns whose text would wrap most are given room
   (each column is counted as wide as its text, or as a common level if that is less,
   at the widest level that needs no more groups), and then each group's widths chosen
   as in 2.;
4. a group of one column that still cannot fit has its longest words split.

``github`` is a Markdown table, and stays one: its header row is never wrapped (a header
cell on two lines would end the table) and its columns are never split into groups (that
would make two tables). A long body cell continues on the next table rows. It fits the
width whenever its header row does.

Nothing here reads or changes tabulate's module settings (its wide-character mode), so
tables can be drawn from many threads at once; tabulate is only asked for the characters
of its frames.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any, Final

import tabulate as _tabulate

from stancematrix.exceptions import InvalidValueError

__all__ = [
    "FRAMES",
    "display_width",
    "draw",
    "fit",
    "fits",
    "longest_word",
    "narrowest",
    "text_width",
    "wrap",
]

#: The tabulate formats drawn here, every line a border or a row of cells (``github``
#: too: a body cell wrapped onto more lines continues on the next table rows).
FRAMES: Final = (
    "plain",
    "simple",
    "grid",
    "simple_grid",
    "rounded_grid",
    "heavy_grid",
    "mixed_grid",
    "double_grid",
    "fancy_grid",
    "outline",
    "simple_outline",
    "rounded_outline",
    "heavy_outline",
    "mixed_outline",
    "double_outline",
    "fancy_outline",
    "psql",
    "pretty",
    "presto",
    "github",
)
#: Columns tabulate adds to a header's width (its ``MIN_PADDING``), kept so tables look
#: as they did when tabulate drew them.
_HEADER_PAD: Final = 2
#: Frames that must stay one table with a one-line header (Markdown).
_ONE_TABLE: Final = frozenset({"github"})


@lru_cache(maxsize=8192)
def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """How many terminal cells *text* (one line, no control characters) takes."""
    if text.isascii():
        return len(text)
    return _wide_width(text)


@lru_cache(maxsize=1024)
def _wide_width(text: str) -> int:  # a table measures each cell more than once
    return sum(map(_char_width, text))


def text_width(width: object = None) -> int:
    """*width*, or when it is None the terminal's width.

    That is ``COLUMNS`` if set, else the terminal's, else 80 when output is no terminal.

    Raises:
        InvalidValueError: If *width* is not None or a positive int.
    """
    if width is None:
        return shutil.get_terminal_size((80, 24)).columns
    if type(width) is not int or width < 1:
        raise InvalidValueError("width", width, "must be a positive int")
    return width


def _pieces(word: str, atoms: re.Pattern[str] | None) -> Iterator[str]:
    if atoms is None:
        yield from word
    else:
        for match in atoms.finditer(word):
            yield match[0]


def _wrap_line(line: str, width: int, atoms: re.Pattern[str] | None) -> Iterator[str]:
    """Greedy word wrap of one line; each word is measured once, so this is linear."""
    parts: list[str] = []
    used = 0
    for word in line.split(" "):
        size = display_width(word)
        if parts and used + 1 + size <= width:
            parts.append(word)
            used += 1 + size
            continue
        if parts:
            yield " ".join(parts)
        if size > width:  # wider than the column: split, piece by piece
            start, taken, k = 0, 0, 0
            measure = _char_width if atoms is None else display_width
            for piece in _pieces(word, atoms):
                w = measure(piece)
                if taken + w > width and k > start:
                    yield word[start:k]
                    start, taken = k, 0
                taken += w
                k += len(piece)
            word, size = word[start:], taken
        parts, used = [word], size
    if parts:
        yield " ".join(parts)


def wrap(text: str, width: int, atoms: re.Pattern[str] | None = None) -> list[str]:
    """*text* as lines at most *width* cells wide, split at spaces and newlines.

    A word (a run without spaces) is split only when it is wider than *width*, and then
    never inside a match of *atoms* (an escape sequence that must stay whole).
    """
    width = max(width, 1)
    return [piece for line in text.split("\n") for piece in _wrap_line(line, width, atoms)]


def longest_word(text: str) -> int:
    """The width of the widest word of *text*: the narrowest column that keeps it whole."""
    return max((display_width(word) for word in text.split()), default=0)


def _natural(text: str) -> int:
    return max((display_width(line) for line in text.split("\n")), default=0)


def _frame(tablefmt: str) -> Any:
    return _tabulate._table_formats[tablefmt]  # type: ignore[attr-defined]


def _overhead(tablefmt: str, columns: int) -> int:
    """The cells a frame's borders, separators and padding take around *columns* cells."""
    frame = _frame(tablefmt)
    parts = [frame.headerrow, frame.datarow]
    parts += [
        line
        for line in (frame.lineabove, frame.linebelowheader, frame.linebetweenrows)
        if line is not None
    ]
    edges = max(display_width(p.begin) + display_width(p.end) for p in parts)
    seps = max(display_width(p.sep) for p in parts)
    return edges + seps * (columns - 1) + 2 * int(frame.padding) * columns


def _share(minimum: Sequence[int], natural: Sequence[int], budget: int) -> list[int]:
    """Widths from *minimum* to *natural* summing to at most *budget*.

    The columns, from the narrowest, each take an equal share of what is left, or less if
    they need less.
    """
    widths = list(minimum)
    order = sorted(range(len(natural)), key=natural.__getitem__)
    left = budget
    for k, c in enumerate(order):
        reserved = sum(minimum[d] for d in order[k + 1 :])
        share = max(minimum[c], min(left - reserved, left // (len(order) - k)))
        widths[c] = min(natural[c], share)
        left -= widths[c]
    return widths


def _level(low: Sequence[int], high: Sequence[int], budget: int) -> list[int]:
    """Widths between *low* and *high* summing to at most *budget*, filling narrow first."""
    lo, hi = 0, max(high, default=0)
    while lo < hi:  # the highest level L with sum(clamp(L)) <= budget
        mid = (lo + hi + 1) // 2
        if sum(min(max(mid, a), b) for a, b in zip(low, high, strict=True)) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return [min(max(lo, a), b) for a, b in zip(low, high, strict=True)]


class _Sizes:
    """Each column's widths: natural, content, minimum and floor.

    *natural* is the content's width plus a header's padding; *content* the widest line
    of text; *minimum* the narrowest that keeps its words whole; *floor* the narrowest it
    can be at all (1, or its header's width where the header row must stay one line).
    """

    def __init__(self, tablefmt: str, header: Sequence[str], rows: Sequence[Sequence[str]]):
        pad = 0 if tablefmt == "pretty" else _HEADER_PAD
        self.one_table = tablefmt in _ONE_TABLE
        self.content = [_natural(h) for h in header]
        if self.one_table:
            self.floor = [max(_natural(h), 1) for h in header]
        else:
            self.floor = [1] * len(header)
        self.minimum = [max(longest_word(h), f) for h, f in zip(header, self.floor, strict=True)]
        for row in rows:
            for c, text in enumerate(row):
                self.content[c] = max(self.content[c], _natural(text))
                self.minimum[c] = max(self.minimum[c], longest_word(text))
        self.content = [max(n, m) for n, m in zip(self.content, self.minimum, strict=True)]
        #: The content's width with the header's padding, which is given up first.
        self.natural = [
            max(n, _natural(h) + pad) for n, h in zip(self.content, header, strict=True)
        ]


def narrowest(tablefmt: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> int:
    """The narrowest the table can be drawn with no word split and no column group."""
    return sum(_Sizes(tablefmt, header, rows).minimum) + _overhead(tablefmt, len(header))


def fits(tablefmt: str, header: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> bool:
    """Whether the table fits *width* with no word split and no column group."""
    return narrowest(tablefmt, header, rows) <= width


def _widths(tablefmt: str, sizes: _Sizes, columns: Sequence[int], width: int) -> list[int]:
    natural = [sizes.natural[c] for c in columns]
    content = [sizes.content[c] for c in columns]
    minimum = [sizes.minimum[c] for c in columns]
    floor = [sizes.floor[c] for c in columns]
    budget = width - _overhead(tablefmt, len(columns))
    if sum(natural) <= budget:
        return natural
    if sum(content) <= budget:  # every cell on one line; headers padded as room allows
        return _share(content, natural, budget)
    if sum(minimum) <= budget:
        return _share(minimum, content, budget)
    return _level(floor, minimum, max(budget, sum(floor)))


def _pack(tablefmt: str, widths: Sequence[int], width: int, labels: int) -> list[list[int]]:
    """Columns of *widths* in groups: the first *labels*, then as many others as fit."""
    groups: list[list[int]] = []
    group = list(range(labels))
    for c in range(labels, len(widths)):
        wanted = [*group, c]
        room = width - _overhead(tablefmt, len(wanted))
        if len(group) > labels and sum(widths[k] for k in wanted) > room:
            groups.append(group)
            group = [*range(labels), c]
        else:
            group = wanted
    groups.append(group)
    return groups


def _groups(tablefmt: str, sizes: _Sizes, width: int, labels: int = 1) -> list[list[int]]:
    """The columns of each group: the first *labels* columns, then as many others as fit.

    As few groups as the columns at their minimum widths need; of the ways to make that
    many, the one packed at the widest level (each column as wide as its content, or
    the level if that is less), so the columns that would wrap most get the room.
    """
    count = len(sizes.minimum)
    labels = max(1, min(labels, count - 1))
    if count <= labels or sizes.one_table:
        return [list(range(count))]
    fewest = _pack(tablefmt, sizes.minimum, width, labels)
    if len(fewest) == 1:
        return fewest

    def at(level: int) -> list[int]:
        return [min(max(level, m), c) for m, c in zip(sizes.minimum, sizes.content, strict=True)]

    lo, hi = 0, max(sizes.content)
    while lo < hi:  # the widest level that needs no more groups (more width, more groups)
        mid = (lo + hi + 1) // 2
        if len(_pack(tablefmt, at(mid), width, labels)) <= len(fewest):
            lo = mid
        else:
            hi = mid - 1
    return _pack(tablefmt, at(lo), width, labels)


def draw(
    tablefmt: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[int],
    atoms: re.Pattern[str] | None = None,
    natural: Sequence[int] | None = None,
) -> str:
    """The table in tabulate's frame *tablefmt*, each column wrapped to its width.

    Cells are left-aligned; a multi-line cell makes its row as tall as its lines. A
    column given less than its *natural* width is drawn as wide as its wrapped text.
    """
    frame = _frame(tablefmt)
    pad = " " * frame.padding
    hidden = frame.with_header_hide or ()
    cells = [
        [wrap(text, w, atoms) for text, w in zip(r, widths, strict=True)] for r in [header, *rows]
    ]
    if natural is not None:  # a column narrower than its natural width: as wide as its text
        widths = [
            w if w >= n else max(display_width(line) for r in cells for line in r[c])
            for c, (w, n) in enumerate(zip(widths, natural, strict=True))
        ]
    spans = [w + 2 * frame.padding for w in widths]

    def line(spec: Any) -> str:
        return str(spec.begin + spec.sep.join(spec.hline * s for s in spans) + spec.end).rstrip()

    def row(spec: Any, wrapped: list[list[str]]) -> list[str]:
        height = max((len(lines) for lines in wrapped), default=1)
        out = []
        for k in range(height):
            texts = []
            for lines, w in zip(wrapped, widths, strict=True):
                text = lines[k] if k < len(lines) else ""
                texts.append(pad + text + " " * (w - display_width(text)) + pad)
            out.append((spec.begin + spec.sep.join(texts) + spec.end).rstrip())
        return out

    lines: list[str] = []
    if frame.lineabove and "lineabove" not in hidden:
        lines.append(line(frame.lineabove))
    lines += row(frame.headerrow, cells[0])
    if frame.linebelowheader and "linebelowheader" not in hidden:
        lines.append(line(frame.linebelowheader))
    for k, wrapped in enumerate(cells[1:]):
        if k and frame.linebetweenrows:
            lines.append(line(frame.linebetweenrows))
        lines += row(frame.datarow, wrapped)
    if frame.linebelow and "linebelow" not in hidden:
        lines.append(line(frame.linebelow))
    return "\n".join(lines)


def fit(
    tablefmt: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    atoms: re.Pattern[str] | None = None,
    labels: int = 1,
) -> str:
    """The table drawn to fit *width* terminal cells (see the module's rules).

    The first *labels* columns name a row and are repeated in every column group.
    """
    sizes = _Sizes(tablefmt, header, rows)
    drawn = []
    for columns in _groups(tablefmt, sizes, width, labels):
        widths = _widths(tablefmt, sizes, columns, width)
        drawn.append(
            draw(
                tablefmt,
                [header[c] for c in columns],
                [[r[c] for c in columns] for r in rows],
                widths,
                atoms,
                [sizes.natural[c] for c in columns],
            )
        )
    return "\n\n".join(drawn)
