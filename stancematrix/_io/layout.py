"""The grid every table renderer draws: which rows, which columns, what each cell says.

What to draw is one value, :class:`Layout`, shared by the text, Markdown, CSV (wide), HTML
and pandas (wide) renderers; its fields are documented there, once. A renderer takes its
own options by name and the layout's as keywords typed by :class:`LayoutOptions`
(``**layout: Unpack[LayoutOptions]``), builds one ``Layout(**layout)`` and hands it to
:func:`grid`.

A cell backed by several claims lists each distinct text once, in the matrix's order:
stances and symbols joined by ``" / "``, summaries one per line. A cell with no claim
(or, for summaries, no claim with a summary) is empty.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias, TypedDict, Unpack

import attrs

from stancematrix._dates import DateLike, PartialDate
from stancematrix._store import NO_TEXT, store_of
from stancematrix.exceptions import InvalidValueError

if TYPE_CHECKING:
    from stancematrix._matrix import StanceMatrix
    from stancematrix._model import Position

__all__ = ["CELLS", "LABELS", "Cell", "Grid", "Labels", "Layout", "LayoutOptions", "grid"]

Cell: TypeAlias = Literal["stance", "symbol", "summary", "both"]
#: What a cell can show, in the order choices are listed.
CELLS: Final = ("stance", "symbol", "summary", "both")
Labels: TypeAlias = Literal["name", "key"]
#: How actors and issues can be labelled.
LABELS: Final = ("name", "key")


def _one_of(choices: tuple[str, ...], message: str) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value not in choices:
            raise InvalidValueError(attribute.name, value, message)

    return check


@attrs.frozen(kw_only=True)
class Layout:
    """What a table shows and how: the options every grid renderer shares.

    Attributes:
        transpose: Rows are actors and columns issues (default: the reverse, the
            articles' layout).
        actors: Keys or aliases of the actors to show, in order (default: all, in the
            matrix's order).
        issues: Keys or aliases of the issues to show, in order (default: all, in the
            matrix's order).
        cell: What a cell shows: ``"stance"`` (the label), ``"symbol"`` (the scale's
            compact symbol, or the label where a level has none), ``"summary"`` (the
            source's wording) or ``"both"`` (``"support — Supports …"``).
        as_of: Show only the claims that hold on this date (see ``StanceMatrix.as_of``).
        labels: Label actors and issues by ``"name"`` (names and titles, the default) or
            ``"key"``.
        actor_labels: Actor key or alias → header label, overriding *labels*
            (``{"US": "U.S. Position"}``).
        issue_labels: Issue key or alias → row label, overriding *labels*.
        corner: The top-left header (default ``"Issue"``, or ``"Actor"`` transposed).

    Raises:
        InvalidValueError: If *cell* or *labels* is not one of the choices.
    """

    transpose: bool = False
    actors: Sequence[str] | None = None
    issues: Sequence[str] | None = None
    cell: Cell = attrs.field(
        default="stance", validator=_one_of(CELLS, f"must be one of {', '.join(CELLS)}")
    )
    as_of: Any = None
    labels: Labels = attrs.field(
        default="name", validator=_one_of(LABELS, "must be 'name' or 'key'")
    )
    actor_labels: Mapping[str, str] | None = None
    issue_labels: Mapping[str, str] | None = None
    corner: str | None = None

    @classmethod
    def of(cls, options: Mapping[str, Any], function: str = "render") -> Layout:
        """The layout of a renderer's ``**layout`` keywords.

        Raises:
            TypeError: For a keyword that is no layout option, worded as Python words it
                for a keyword the signature of *function* lacks.
            InvalidValueError: If *cell* or *labels* is not one of the choices.
        """
        cls.check(options, function)
        return cls(**options)

    @staticmethod
    def check(options: Mapping[str, Any], function: str = "render") -> None:
        """Refuse a keyword that is no layout option, as :meth:`of` does, building nothing.

        Raises:
            TypeError: For a keyword that is no layout option.
        """
        for name in options:
            if name not in _FIELDS:
                raise TypeError(f"{function}() got an unexpected keyword argument {name!r}")

    def changed(self) -> dict[str, Any]:
        """The options that differ from the defaults, by name."""
        default = Layout()
        return {
            field.name: getattr(self, field.name)
            for field in attrs.fields(Layout)
            if getattr(self, field.name) != getattr(default, field.name)
        }


_FIELDS: Final = frozenset(field.name for field in attrs.fields(Layout))


class LayoutOptions(TypedDict, total=False):
    """The fields of :class:`Layout`, as keywords a renderer takes (``**layout``)."""

    transpose: bool
    actors: Sequence[str] | None
    issues: Sequence[str] | None
    cell: Cell
    as_of: Any
    labels: Labels
    actor_labels: Mapping[str, str] | None
    issue_labels: Mapping[str, str] | None
    corner: str | None


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
        actor_names = _distinct(
            [(a.key, a.name if labels == "name" else a.key) for a in actors], actor_labels
        )
        issue_names = _distinct(
            [(i.key, i.title if labels == "name" else i.key) for i in issues], issue_labels
        )
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


def _distinct(labelled: list[tuple[str, str]], given: Mapping[str, str]) -> list[str]:
    """Each entry's label: the one *given* for its key, else its own name.

    Where entries shown together share a name, `` (key)`` is added to each (66 UN roll
    calls are titled "CHINA REPRESENTATION"), so the rows can be told apart.
    """
    counts = Counter(label for key, label in labelled if key not in given)
    return [
        given[key]
        if key in given
        else f"{label} ({key})"
        if counts[label] > 1 and label != key
        else label
        for key, label in labelled
    ]


def _as_date(value: object) -> DateLike:
    if isinstance(value, PartialDate | datetime.date | int | str) and not isinstance(value, bool):
        return value
    raise InvalidValueError(
        "as_of", value, "must be a date, a PartialDate, a year or 'YYYY[-MM[-DD]]'"
    )


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
    matrix: StanceMatrix, layout: Layout | None = None, /, **options: Unpack[LayoutOptions]
) -> Grid:
    """Lay *matrix* out as *layout* says (or as a :class:`Layout` of *options*).

    Raises:
        InvalidValueError: If *cell* or *labels* is not one of the choices, or an actor
            or issue is named twice.
        UnknownActorError, UnknownIssueError: If *actors* or *issues* names nothing.
    """
    if layout is None:
        layout = Layout(**options)
    actor_order = _order(matrix, layout.actors, "actor")
    issue_order = _order(matrix, layout.issues, "issue")
    if layout.as_of is not None:
        matrix = matrix.as_of(_as_date(layout.as_of))
    return Grid(
        matrix,
        actor_order,
        issue_order,
        transpose=layout.transpose,
        cell=layout.cell,
        labels=layout.labels,
        actor_labels=_labels(matrix, layout.actor_labels, "actor"),
        issue_labels=_labels(matrix, layout.issue_labels, "issue"),
        corner=layout.corner,
    )


def _labels(
    matrix: StanceMatrix, given: Mapping[str, str] | None, kind: Literal["actor", "issue"]
) -> dict[str, str]:
    if not given:
        return {}
    find = matrix.actor if kind == "actor" else matrix.issue
    return {find(name).key: label for name, label in given.items()}
