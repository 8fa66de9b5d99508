"""Markdown: GitHub-flavoured pipe tables out, and pipe tables read back from documents.

Rendering writes one pipe table (``| Issue | United States | Russia |``, then
``|---|---|---|``, then one row per issue) with every label and cell escaped by
:func:`stancematrix._escape.markdown_cell`, so pipes, newlines, backslashes, emphasis,
code, links and raw HTML in the data show as text and cannot break the table. With
``citations=True`` each cell ends with GFM footnote markers (``[^1]``) for the sources
behind it, and the sources are listed as numbered footnotes under the table.

Reading finds every pipe table in a document (outside fenced code blocks, which show
tables as code): a header row, a delimiter row
(``|---|:-:|``) and the rows after it up to the first line without a ``|`` (articles
often put text straight after a table). The first column holds row labels (issues), the
other headers name actors; each non-empty cell becomes a claim whose summary is the cell's
text (escapes, entities and ``<br>`` undone) and whose stance is the scale's "no position
reported" unless ``stances`` maps the cell text to a label.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Final, Literal, Unpack, overload

from stancematrix._diff.report import tables
from stancematrix._escape import markdown_cell, unescape_markdown_cell
from stancematrix._io.layout import Layout, LayoutOptions, grid
from stancematrix._io.source import MAX_RATIO, MAX_SIZE, Input, open_stream
from stancematrix._matrix import StanceMatrix
from stancematrix._model import Actor, Issue, Position, Source
from stancematrix._scale import Scale
from stancematrix._store import Declarations, Problem, Problems, build, face
from stancematrix.exceptions import ReadError, StanceMatrixError

if TYPE_CHECKING:
    from stancematrix._diff.matrixdiff import MatrixDiff
    from stancematrix._model import Position as _Position

__all__ = ["EXTENSIONS", "NAME", "read", "render", "render_diff"]

NAME: Final = "markdown"
EXTENSIONS: Final = (".md", ".markdown")


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _delimiter(columns: int) -> str:
    return "|" + "---|" * columns


def _citation(source: Source) -> str:
    parts = [source.title]
    by = ", ".join(p for p in (source.author, source.publisher) if p)
    if by:
        parts.append(by)
    if source.published is not None:
        parts.append(str(source.published))
    if source.document is not None:
        parts.append(source.document)
    return f"{source.id}: " + " — ".join(parts)


def render(
    matrix: StanceMatrix, *, citations: bool = False, **layout: Unpack[LayoutOptions]
) -> str:
    """Render *matrix* as a GitHub-flavoured Markdown pipe table.

    Args:
        matrix: The matrix.
        citations: Add footnote markers (``[^1]``) to each cell for the sources behind it
            and list those sources, numbered in order of first citation, under the table.
        **layout: What the table shows and how: the fields of
            :class:`~stancematrix._io.layout.Layout`.

    Raises:
        InvalidValueError: If a layout option is invalid (see
            :class:`~stancematrix._io.layout.Layout`).
    """
    laid_out = grid(matrix, Layout.of(layout))
    cache: dict[str, str] = {}

    def escape(text: str) -> str:
        out = cache.get(text)
        if out is None:
            out = cache[text] = markdown_cell(text)
        return out

    lines = [
        _row([escape(laid_out.corner), *map(escape, laid_out.column_labels)]),
        _delimiter(len(laid_out.column_labels) + 1),
    ]
    numbers: dict[int, int] = {}
    text = laid_out.text
    for label, spans in zip(laid_out.row_labels, laid_out.spans, strict=True):
        cells = [escape(label)]
        for span in spans:
            shown = escape(text(span))
            if citations:
                for s in laid_out.sources(span):
                    number = numbers.setdefault(s, len(numbers) + 1)
                    shown += f"[^{number}]"
            cells.append(shown)
        lines.append(_row(cells))
    if numbers:
        lines.append("")
        lines.extend(
            f"[^{number}]: {markdown_cell(_citation(matrix.sources[s]))}"
            for s, number in numbers.items()
        )
    return "\n".join(lines) + "\n"


# -- reading --------------------------------------------------------------------------------

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
# Matched against the stripped line, so no two ``\s*`` are ever adjacent (no backtracking
# blow-up on a long run of spaces).
_DELIMITER = re.compile(r"\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?")


_CELL_PIPE = re.compile(r"(?<!\\)\|")


def _split(line: str) -> list[str] | None:
    r"""The raw cells of a table line, or None if it has no unescaped pipe.

    As in GFM, a pipe preceded by a backslash never separates cells, even after another
    backslash (``a\\|`` is ``a``, a backslash and an escaped pipe: one cell).
    """
    stripped = line.strip()
    cells = _CELL_PIPE.split(stripped)
    if len(cells) == 1:
        return None
    if stripped.startswith("|"):
        cells.pop(0)
    if stripped.endswith("|") and not stripped.endswith("\\|"):
        cells.pop()
    return [cell.strip() for cell in cells]


def _cell(raw: str) -> str:
    r"""A cell's text: GFM first turns ``\|`` into ``|``, then reads inline escapes."""
    return unescape_markdown_cell(raw.replace("\\|", "|"))


class _Table:
    def __init__(self, line: int, header: list[str]) -> None:
        self.line = line
        self.header = header
        self.rows: Iterator[tuple[int, list[str]]] = iter(())


class _Lines:
    """The lines of text pieces (CRLF and lone CR read as LF), one looked ahead."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._lines = chain.from_iterable(map(_split_lines, texts))
        self.number = 0  # the line number of current (1-based)
        self.current: str | None = None
        self.ahead: str | None = next(self._lines, None)
        self.advance()

    def advance(self) -> None:
        """Move on one line."""
        self.current, self.ahead = self.ahead, next(self._lines, None)
        self.number += 1


def _split_lines(piece: str) -> list[str]:
    """The lines of *piece*, which ends at a line end (but perhaps the last piece)."""
    found = piece.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if found[-1] == "":
        found.pop()
    return found


def _tables(texts: Iterable[str], name: str, problems: list[ReadError] | None) -> Iterator[_Table]:
    """The pipe tables of the text, each with its rows read as they are asked for.

    A table's rows the caller leaves unread are skipped before the next table is found.
    """
    at = _Lines(texts)
    while at.current is not None and at.ahead is not None:
        fence = _FENCE.match(at.current)
        if fence:  # a fenced code block shows its text as code, never as a table
            at.advance()
            while at.current is not None:
                line = at.current
                closing = _FENCE.match(line)
                at.advance()
                if (
                    closing
                    and closing[1][0] == fence[1][0]
                    and len(closing[1]) >= len(fence[1])
                    and not line[closing.end() :].strip()
                ):
                    break
            continue
        header = _split(at.current)
        if header is None or not _DELIMITER.fullmatch(at.ahead.strip()):
            at.advance()
            continue
        delimiter = _split(at.ahead) or []
        if len(delimiter) != len(header):
            at.advance()
            continue
        table = _Table(at.number, [_cell(c) for c in header])
        at.advance()
        at.advance()
        table.rows = _rows(at, len(header), name, problems)
        yield table
        for _ in table.rows:  # what the caller left unread
            pass


def _rows(
    at: _Lines, width: int, name: str, problems: list[ReadError] | None
) -> Iterator[tuple[int, list[str]]]:
    while at.current is not None:
        line = at.current
        cells = _split(line)
        if cells is None or not line.strip():
            return
        if len(cells) != width:
            error = ReadError(
                f"ragged row: {len(cells)} cells where the header has {width}",
                source=name,
                line=at.number,
                column=1,
                value=line,
            )
            if problems is None:
                raise error
            problems.append(error)
        else:
            yield at.number, [_cell(c) for c in cells]
        at.advance()


@overload
def read(
    source: Input,
    *,
    actors: Mapping[str, str] | None = ...,
    issues: Mapping[str, str] | None = ...,
    stances: Mapping[str, str] | None = ...,
    scale: Scale | None = ...,
    cite: Source | str | None = ...,
    lenient: Literal[False] = ...,
    max_ratio: float = ...,
    max_size: int = ...,
) -> StanceMatrix: ...
@overload
def read(
    source: Input,
    *,
    actors: Mapping[str, str] | None = ...,
    issues: Mapping[str, str] | None = ...,
    stances: Mapping[str, str] | None = ...,
    scale: Scale | None = ...,
    cite: Source | str | None = ...,
    lenient: Literal[True],
    max_ratio: float = ...,
    max_size: int = ...,
) -> tuple[StanceMatrix, list[ReadError]]: ...
def read(
    source: Input,
    *,
    actors: Mapping[str, str] | None = None,
    issues: Mapping[str, str] | None = None,
    stances: Mapping[str, str] | None = None,
    scale: Scale | None = None,
    cite: Source | str | None = None,
    lenient: bool = False,
    max_ratio: float = MAX_RATIO,
    max_size: int = MAX_SIZE,
) -> StanceMatrix | tuple[StanceMatrix, list[ReadError]]:
    """Read the claims in a document's pipe tables (see the module docs).

    Args:
        source: A path, an open file, bytes (gzip is recognised) or the Markdown text (a
            ``str`` holding a line break or starting with ``|`` or ``#``; any other
            ``str`` is a file name).
        actors: Header label → actor key. Without it every header is an actor key; with
            it, columns whose header is not in it are left out, as are tables none of
            whose headers are in it.
        issues: Row label → issue key; labels not in it are issue keys themselves. Each
            issue's title and proposition are its first row label.
        stances: Cell text → stance label; other cells get the scale's unknown label.
        scale: The scale (default :meth:`Scale.five_point`).
        cite: The source every claim cites: a :class:`Source`, or an id for one titled by
            the id. By default one named after the file (``"<string>"`` for text).
        lenient: Instead of raising at the first problem, leave out the rows and claims
            that have one and return ``(matrix, problems)``.
        max_ratio: Refuse gzip input that expands to more than this many times its own
            size (checked past 1 MiB of output), as a decompression bomb would.
        max_size: Refuse gzip input that expands to more than this many bytes.

    Raises:
        ReadError: On a ragged row, an empty or clashing label, a stance off the scale,
            a repeated claim, gzip input beyond the limits, or unreadable input; it names
            the file, line and column.
    """
    stream = open_stream(source, looks_like_text="|#", max_ratio=max_ratio, max_size=max_size)
    name = stream.name
    problems: list[ReadError] | None = [] if lenient else None
    scale = Scale.five_point() if scale is None else scale
    if cite is None:
        cite = Source(os.path.basename(name) or name, os.path.basename(name) or name)
    elif isinstance(cite, str):
        cite = Source(cite, cite)
    actor_list: dict[str, Actor] = {}
    issue_list: dict[str, Issue] = {}
    claims: list[_Position] = []
    where: list[tuple[int, int, str]] = []
    declared: dict[tuple[str, str], tuple[int, int]] = {}  # where each key first appears

    def fail(error: ReadError) -> None:
        if problems is None:
            raise error
        problems.append(error)

    for table in _tables(stream.texts(), name, problems):
        columns: list[tuple[int, str]] = []
        for c, label in enumerate(table.header[1:], start=1):
            key = label if actors is None else actors.get(label)
            if key is not None:
                columns.append((c, key))
        if not columns:
            continue
        try:
            for c, key in columns:
                if key not in actor_list:
                    actor_list[key] = Actor(key, table.header[c])
                    declared[("actors", key)] = (table.line, c + 1)
        except StanceMatrixError as error:
            fail(_error(str(error), name, table.line, c + 1, table.header[c]))
            continue
        for line, cells in table.rows:
            label = cells[0]
            key = label if issues is None else issues.get(label, label)
            if key not in issue_list:
                try:
                    issue_list[key] = Issue(key, label, label)
                    declared[("issues", key)] = (line, 1)
                except StanceMatrixError as error:
                    fail(_error(str(error), name, line, 1, label))
                    continue
            for c, actor in columns:
                cell = cells[c]
                if not cell:
                    continue
                stance = scale.unknown if stances is None else stances.get(cell, scale.unknown)
                try:
                    claims.append(Position(actor, key, stance, cite.id, summary=cell))
                except StanceMatrixError as error:
                    fail(_error(str(error), name, line, c + 1, cell))
                    continue
                where.append((line, c + 1, cell))
    return _finish(
        claims,
        where,
        actor_list,
        issue_list,
        declared,
        cite,
        scale,
        name,
        problems,
        lenient=lenient,
    )


def _error(reason: str, name: str, line: int, column: int, value: str) -> ReadError:
    return ReadError(reason, source=name, line=line, column=column, value=value)


def _finish(
    claims: list[Position],
    where: list[tuple[int, int, str]],
    actors: Mapping[str, Actor],
    issues: Mapping[str, Issue],
    declared: Mapping[tuple[str, str], tuple[int, int]],
    cite: Source,
    scale: Scale,
    name: str,
    problems: list[ReadError] | None,
    *,
    lenient: bool,
) -> StanceMatrix | tuple[StanceMatrix, list[ReadError]]:
    collected = Problems(collect=problems is not None)
    actor_values = list(actors.values())
    issue_values = list(issues.values())
    try:
        decl = Declarations.declare(actor_values, issue_values, [cite], scale, None, collected)
        matrix = face(StanceMatrix, build(decl, claims, collected))
    except Problem as problem:
        raise _located(
            problem, where, actor_values, issue_values, declared, name
        ) from problem.error
    for found in collected.found or []:
        assert problems is not None
        problems.append(_located(found, where, actor_values, issue_values, declared, name))
    if lenient:
        return matrix, problems or []
    return matrix


def _located(
    problem: Problem,
    where: list[tuple[int, int, str]],
    actors: list[Actor],
    issues: list[Issue],
    declared: Mapping[tuple[str, str], tuple[int, int]],
    name: str,
) -> ReadError:
    """A build problem as a read error at the line and column it came from."""
    if problem.part == "claims":
        line, column, value = where[problem.index]
        return _error(str(problem.error), name, line, column, value)
    entry = (actors if problem.part == "actors" else issues)[problem.index]
    line, column = declared[problem.part, entry.key]
    return _error(str(problem.error), name, line, column, entry.key)


def render_diff(
    diff: MatrixDiff, *, kinds: Iterable[str] | None = None, stance_only: bool = False
) -> str:
    """Render *diff* as Markdown: the summary in bold, then a pipe table per section.

    See :meth:`MatrixDiff.to_text` for the options.
    """
    out = [f"**{markdown_cell(diff.summary())}**"]
    for table in tables(diff, kinds, stance_only):
        lines = [_row(table.headers), _delimiter(len(table.headers))]
        lines += [_row([markdown_cell(c) for c in row]) for row in table.cells]
        out += ["", f"### {table.title}", "", *lines]
    return "\n".join(out) + "\n"
