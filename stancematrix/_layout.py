"""The grid every table renderer draws: which rows, which columns, what each cell says.

The options, shared by the text, Markdown, CSV (wide), HTML and pandas (wide) renderers:

- ``transpose``: rows are issues and columns actors (the articles' layout) unless true.
- ``actors`` / ``issues``: keys or aliases choosing which to show and in what order
  (default: all, in the matrix's order).
- ``cell``: what a cell shows — ``"stance"`` (the label), ``"symbol"`` (the scale's compact
  symbol, or the label where a level has none), ``"summary"`` (the source's wording) or
  ``"both"`` (``"support — Supports …"``).
- ``as_of``: only the claims that hold on that date (see :meth:`StanceMatrix.as_of`).
- ``labels``: ``"name"`` (actor names and issue titles, the default) or ``"key"``;
  ``actor_labels`` / ``issue_labels`` override single labels (``{"US": "U.S. Position"}``).
- ``corner``: the top-left header (default ``"Issue"``, or ``"Actor"`` when transposed).

A cell backed by several claims lists each distinct text once, in the matrix's order:
stances and symbols joined by ``" / "``, summaries one per line. A cell with no claim
(or, for summaries, no claim with a summary) is empty.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

from ._dates import PartialDate
from ._store import NO_TEXT, store_of
from .exceptions import InvalidValueError

if TYPE_CHECKING:
    from ._matrix import StanceMatrix
    from ._model import Position

__all__ = ["CELLS", "Cell", "Grid", "Labels", "grid"]

Cell: TypeAlias = Literal["stance", "symbol", "summary", "both"]
CELLS: Final = ("stance", "symbol", "summary", "both")
Labels: TypeAlias = Literal["name", "key"]


class Grid:
    """A laid-out matrix: header labels, row labels, and each cell's claims and text."""

    __slots__ = (
        "_matrix",
        "_mode",
        "_single",
        "_store",
        "actor_order",
        "cell",
        "column_labels",
        "corner",
        "issue_order",
        "row_labels",
        "spans",
        "transpose",
    )

    def __init__(
        self,
        matrix: StanceMatrix,
        actor_order: list[int],
        issue_order: list[int],
        *,
        transpose: bool,
        cell: Cell,
        labels: Labels,
        actor_labels: Mapping[str, str],
        issue_labels: Mapping[str, str],
        corner: str | None,
    ) -> None:
        self._matrix = matrix
        self._store = store_of(matrix)
        self.cell = cell
        self.transpose = transpose
        self.actor_order = actor_order
        self.issue_order = issue_order
        actors = [matrix.actors[a] for a in actor_order]
        issues = [matrix.issues[i] for i in issue_order]
        actor_names = [
            actor_labels.get(a.key, a.name if labels == "name" else a.key) for a in actors
        ]
        issue_names = [
            issue_labels.get(i.key, i.title if labels == "name" else i.key) for i in issues
        ]
        cells = self._store.cols.cells
        if transpose:
            self.corner = "Actor" if corner is None else corner
            self.column_labels = issue_names
            self.row_labels = actor_names
            self.spans = [[cells.span(a, i) for i in issue_order] for a in actor_order]
        else:
            self.corner = "Issue" if corner is None else corner
            self.column_labels = actor_names
            self.row_labels = issue_names
            self.spans = [[cells.span(a, i) for a in actor_order] for i in issue_order]
        scale = matrix.scale
        if cell == "symbol":
            symbols = [level.symbol or level.label for level in scale.levels]
            self._single: list[str] = [*symbols, scale.unknown_symbol or scale.unknown]
        else:
            self._single = list(scale.labels)
        self._mode = cell

    def claims(self, span: tuple[int, int]) -> tuple[Position, ...]:
        """The claims backing the cell with this span."""
        return tuple(self._store.claims(range(*span)))

    def sources(self, span: tuple[int, int]) -> list[int]:
        """The codes of the sources cited in the cell with this span, in order, each once."""
        source = self._store.cols.source
        return list(dict.fromkeys(source[n] for n in range(*span)))

    def text(self, span: tuple[int, int]) -> str:
        """What the cell with this span shows."""
        lo, hi = span
        cols = self._store.cols
        if self._mode in ("stance", "symbol"):
            stance = cols.stance
            if hi - lo == 1:
                return self._single[stance[lo]]
            return " / ".join(dict.fromkeys(self._single[stance[n]] for n in range(lo, hi)))
        texts = cols.text
        labels = self._store.decl.labels
        parts: list[str] = []
        for n in range(lo, hi):
            summary = texts.get(n, NO_TEXT)[0]
            if self._mode == "summary":
                if summary is not None:
                    parts.append(summary)
            else:
                label = labels[cols.stance[n]]
                parts.append(label if summary is None else f"{label} — {summary}")
        return "\n".join(dict.fromkeys(parts))

    def texts(self) -> list[list[str]]:
        """Every cell's text, row by row."""
        text = self.text
        return [[text(span) for span in row] for row in self.spans]


def _as_date(value: object) -> PartialDate | datetime.date | str:
    if isinstance(value, PartialDate | datetime.date | str):
        return value
    raise InvalidValueError("as_of", value, "must be a date, a PartialDate or 'YYYY[-MM[-DD]]'")


def _order(
    matrix: StanceMatrix, names: Iterable[str] | None, kind: Literal["actor", "issue"]
) -> list[int]:
    if names is None:
        count = len(matrix.actors if kind == "actor" else matrix.issues)
        return list(range(count))
    if isinstance(names, str):
        raise InvalidValueError(f"{kind}s", names, "must be a list of keys, not one string")
    decl = store_of(matrix).decl
    if kind == "actor":
        order = [decl.actor_code(name) for name in names]
    else:
        order = [decl.issue_code(name) for name in names]
    if len(set(order)) != len(order):
        raise InvalidValueError(f"{kind}s", list(names), f"names an {kind} twice")
    return order


def grid(
    matrix: StanceMatrix,
    *,
    transpose: bool = False,
    actors: Sequence[str] | None = None,
    issues: Sequence[str] | None = None,
    cell: Cell = "stance",
    as_of: Any = None,
    labels: Labels = "name",
    actor_labels: Mapping[str, str] | None = None,
    issue_labels: Mapping[str, str] | None = None,
    corner: str | None = None,
) -> Grid:
    """Lay *matrix* out with the shared table options (see the module docs).

    Raises:
        InvalidValueError: If *cell* or *labels* is not one of the choices, or an actor
            or issue is named twice.
        UnknownActorError, UnknownIssueError: If *actors* or *issues* names nothing.
    """
    if cell not in CELLS:
        raise InvalidValueError("cell", cell, f"must be one of {', '.join(CELLS)}")
    if labels not in ("name", "key"):
        raise InvalidValueError("labels", labels, "must be 'name' or 'key'")
    actor_order = _order(matrix, actors, "actor")
    issue_order = _order(matrix, issues, "issue")
    if as_of is not None:
        matrix = matrix.as_of(_as_date(as_of))
    return Grid(
        matrix,
        actor_order,
        issue_order,
        transpose=transpose,
        cell=cell,
        labels=labels,
        actor_labels=_labels(matrix, actor_labels, "actor"),
        issue_labels=_labels(matrix, issue_labels, "issue"),
        corner=corner,
    )


def _labels(
    matrix: StanceMatrix, given: Mapping[str, str] | None, kind: Literal["actor", "issue"]
) -> dict[str, str]:
    if not given:
        return {}
    find = matrix.actor if kind == "actor" else matrix.issue
    return {find(name).key: label for name, label in given.items()}
