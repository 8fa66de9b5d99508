"""pandas interop: matrices to DataFrames and back (the optional ``pandas`` extra).

pandas is imported only when one of these functions is called, so stancematrix imports
and works without it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Literal, Unpack

from stancematrix._dates import PartialDate, Period
from stancematrix._io.layout import Grid, Layout, LayoutOptions, grid
from stancematrix._io.mapped import MappingOptions, read_columns
from stancematrix._io.schema import CLAIM, CLAIM_COLUMNS
from stancematrix.exceptions import InvalidValueError

if TYPE_CHECKING:
    from stancematrix._matrix import StanceMatrix
    from stancematrix._model import Source
    from stancematrix._query.agreement import AgreementMatrix
    from stancematrix._scale import Scale

__all__ = ["agreement_frame", "from_dataframe", "to_dataframe"]

# The long layout's columns, in the order tables give a claim's fields, and the places of
# those that hold a date (written as its text).
_LONG = CLAIM_COLUMNS
_DATES = frozenset(k for k, name in enumerate(_LONG) if name in CLAIM.of(PartialDate, Period))


def _pandas() -> Any:
    try:
        import pandas  # type: ignore[import-untyped,unused-ignore]
    except ImportError as error:  # pragma: no cover - exercised only without pandas
        raise ImportError(
            "pandas is needed for DataFrames: pip install 'stancematrix[pandas]'"
        ) from error
    return pandas


def to_dataframe(
    matrix: StanceMatrix,
    *,
    layout: Literal["long", "wide"] = "long",
    values: Literal["text", "value"] = "text",
    **options: Unpack[LayoutOptions],
) -> Any:
    """*matrix* as a pandas DataFrame.

    Args:
        matrix: The matrix.
        layout: ``"long"``: one row per claim with the columns ``actor``, ``issue``,
            ``stance``, ``source``, ``date`` (text such as ``"2025-03"``), ``summary``,
            ``quote``, ``note``, ``until`` (None where empty) and ``order`` (a nullable
            whole number). ``"wide"``: the grid, indexed by
            issue (or actor, transposed), one column per actor.
        values: What the wide layout's cells hold: ``"text"``, the text the grid shows
            (strings, ``cell=`` chooses which); ``"value"``, the scale value of the
            stance each cell shows (the claim :meth:`StanceMatrix.position` picks, as of
            ``as_of``) as a float, NaN where there is no claim or no position.
        **options: What the wide layout's grid shows: the fields of
            :class:`~stancematrix._io.layout.Layout`, except that ``labels`` defaults to
            ``"key"`` here.

    Raises:
        ImportError: If pandas is not installed.
        InvalidValueError: If *layout* is not ``"long"`` or ``"wide"``, or *values* is
            not ``"text"`` or ``"value"`` (or ``"value"`` with the long layout).
    """
    Layout.check(options, "to_dataframe")
    if values not in ("text", "value"):
        raise InvalidValueError("values", values, "must be 'text' or 'value'")
    if values == "value" and layout != "wide":
        raise InvalidValueError("values", values, "'value' is for layout='wide'")
    pandas = _pandas()
    if layout == "long":
        fields = attrgetter(*_LONG)
        rows = [
            tuple(
                str(value) if k in _DATES and value is not None else value
                for k, value in enumerate(fields(c))
            )
            for c in matrix
        ]
        frame = pandas.DataFrame.from_records(rows, columns=list(_LONG))
        for name in CLAIM.of(int):  # whole numbers, missing where None (not floats)
            frame[name] = frame[name].astype("Int64")
        return frame
    if layout != "wide":
        raise InvalidValueError("layout", layout, "must be 'long' or 'wide'")
    options.setdefault("labels", "key")
    table = grid(matrix, Layout(**options))
    cells: list[list[Any]] = (
        table.texts() if values == "text" else _values(matrix, table, options.get("as_of"))
    )
    frame = pandas.DataFrame(cells, columns=table.column_labels, index=table.row_labels)
    frame.index.name = table.corner
    return frame


def _values(matrix: StanceMatrix, table: Grid, as_of: Any) -> list[list[float]]:
    """The scale value of the stance each cell of *table* shows as of *as_of*; NaN if none."""
    scale = matrix.scale
    value = {label: float("nan") for label in scale.labels}
    value.update((level.label, float(level.value)) for level in scale.levels)
    actors = [matrix.actors[a].key for a in table.actor_order]
    issues = [matrix.issues[i].key for i in table.issue_order]

    def one(actor: str, issue: str) -> float:
        label = matrix.stance(actor, issue, as_of)
        return float("nan") if label is None else value[label]

    if table.transpose:
        return [[one(a, i) for i in issues] for a in actors]
    return [[one(a, i) for a in actors] for i in issues]


def agreement_frame(result: AgreementMatrix, values: Literal["score", "n"]) -> Any:
    """*result* as a numeric DataFrame (see :meth:`AgreementMatrix.to_dataframe`)."""
    if values not in ("score", "n"):
        raise InvalidValueError("values", values, "must be 'score' or 'n'")
    pandas = _pandas()
    if values == "n":
        cells: Any = [list(row) for row in result.counts]
    else:
        cells = [[float("nan") if s is None else s for s in row] for row in result.scores]
    frame = pandas.DataFrame(cells, index=list(result.actors), columns=list(result.actors))
    frame.index.name = "actor"
    return frame


def _texts(column: Any) -> tuple[str, ...]:
    """*column*'s values as their ``str()``, missing ones as ``""``."""
    try:
        return tuple(column.astype(str).where(column.notna(), ""))
    except UnicodeEncodeError:
        # pandas' pyarrow-backed strings cannot hold a lone surrogate; the mapped reader
        # refuses it with its location, so hand it over as it is.
        missing = column.isna()
        return tuple("" if gone else str(v) for v, gone in zip(column, missing, strict=True))


def from_dataframe(
    frame: Any,
    *,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    scale: Scale | None = None,
    stances: Mapping[str, str] | None = None,
    cite: Source | str | None = None,
    metadata: Mapping[str, str] | None = None,
) -> StanceMatrix:
    """Build a matrix from a long DataFrame, with the CSV reader's column mapping.

    Args:
        frame: A pandas DataFrame, one claim per row.
        columns: Field → column name(s), as for :func:`stancematrix.read_csv`; by
            default the long layout of :func:`to_dataframe` (``actor``, ``issue``,
            ``stance``, and ``source``, ``date``, ``summary``, ``quote``, ``note``,
            ``until``, ``order`` where present).
        scale: The scale, as for :func:`stancematrix.read_csv`.
        stances: Cell value → stance label, as for :func:`stancematrix.read_csv`.
        cite: The source claims cite without a ``source`` column (default ``"dataframe"``).
        metadata: Metadata for the matrix.

    Values are read as their ``str()``; missing values (NaN, None, NaT) count as empty
    cells. Errors name row ``k`` (0-based) as line ``k + 2``, as in the equivalent CSV.

    Raises:
        ReadError: As :func:`stancematrix.read_csv` does for a mapped table.
    """
    _pandas()
    if columns is None:
        columns = {field: field for field in _LONG if field in frame.columns}
    header = [str(column) for column in frame.columns]
    values = [_texts(frame[column]) for column in frame.columns]
    options = MappingOptions(
        columns=columns, scale=scale, stances=stances, cite=cite, metadata=metadata
    )
    return read_columns(
        header, values, name="<dataframe>", options=options, default_cite="dataframe"
    )
