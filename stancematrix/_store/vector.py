"""Whole-column arithmetic over code columns, in C: numpy when installed, else maps.

numpy (the ``fast`` extra) is imported on first use. Without it every function here
gives the same answer from C-level maps over the :mod:`array` columns, more slowly; the
tests run both ways and compare.
"""

from __future__ import annotations

import operator
from array import array
from collections import Counter, deque
from itertools import accumulate, compress, islice, pairwise, repeat
from typing import Any, NamedTuple

__all__ = ["CellLayout", "cell_layout", "extremes", "numpy", "use_numpy"]

_numpy: Any = None
_tried = False
_enabled = True


def numpy() -> Any:
    """The numpy module, or None when it is not installed or not in use."""
    global _numpy, _tried
    if not _enabled:
        return None
    if not _tried:
        _tried = True
        try:
            import numpy as np

            _numpy = np
        except ImportError:  # pragma: no cover - depends on the environment
            _numpy = None
    return _numpy


def use_numpy(enabled: bool) -> bool:
    """Use numpy when installed (True, the default) or never; returns the setting before.

    For tests and benchmarks of the path without numpy.
    """
    global _enabled
    before, _enabled = _enabled, enabled
    return before


def _view(np: Any, column: array[int]) -> Any:
    """*column* as a numpy array over the same memory (no copy)."""
    return np.frombuffer(column, dtype=np.dtype(column.typecode))  # the same C types


def extremes(column: array[int]) -> tuple[int, int]:
    """The least and the greatest value of a non-empty code column."""
    np = numpy()
    if np is None:
        return min(column), max(column)
    values = _view(np, column)
    return int(values.min()), int(values.max())


class CellLayout(NamedTuple):
    """Where the cells' rows lie, for rows in cell order (see :func:`cell_layout`).

    Attributes:
        ordered: Whether the rows are in cell order; if not, nothing else is filled in.
        single: Whether no cell holds more than one row.
        dense: The dense offsets (``dense[c]`` is the first row whose cell is ``>= c``,
            one more than there are cells), or None for a sparse layout.
        sparse: Cell → rows ``lo:hi``, for the filled cells of a sparse layout.
    """

    ordered: bool
    single: bool
    dense: array[int] | None
    sparse: dict[int, tuple[int, int]]


_UNORDERED = CellLayout(ordered=False, single=False, dense=None, sparse={})


def cell_layout(actor: array[int], issue: array[int], n_actors: int, n_issues: int) -> CellLayout:
    """The :class:`CellLayout` of rows with these actor and issue codes.

    A row's cell is ``actor * n_issues + issue``; rows are in cell order when their cells
    never decrease. The layout is dense (an offset per possible cell) when there are at
    most ``4 * rows + 1024`` cells, else sparse. No Python code runs per row.
    """
    n_cells = n_actors * n_issues
    dense_wanted = n_cells <= 4 * len(actor) + 1024
    np = numpy()
    if np is not None:
        return _numpy_layout(np, actor, issue, n_issues, n_cells, dense_wanted)
    cells = list(map(operator.add, map(operator.mul, actor, repeat(n_issues)), issue))
    if not all(map(operator.le, cells, islice(cells, 1, None))):
        return _UNORDERED
    single = all(map(operator.lt, cells, islice(cells, 1, None)))
    if dense_wanted:
        counts: bytearray | list[int]  # rows per cell; dense[c] is the sum of those before c
        if single:
            counts = bytearray(n_cells)
            deque(map(counts.__setitem__, cells, repeat(1)), maxlen=0)
        else:
            counts = [0] * n_cells
            tally = Counter(cells)
            deque(map(counts.__setitem__, tally.keys(), tally.values()), maxlen=0)
        dense = array("q", [0])
        dense.extend(accumulate(counts))
        return CellLayout(True, single, dense, {})
    # The first row of each run of one cell.
    starts = [0, *compress(range(1, len(cells)), map(operator.ne, islice(cells, 1, None), cells))]
    return _sparse(
        single, list(map(cells.__getitem__, starts)) if cells else [], starts, len(cells)
    )


def _numpy_layout(
    np: Any,
    actor: array[int],
    issue: array[int],
    n_issues: int,
    n_cells: int,
    dense_wanted: bool,
) -> CellLayout:
    """:func:`cell_layout` computed with numpy."""
    cells = _view(np, actor).astype(np.int64) * n_issues + _view(np, issue)
    steps = cells[1:] - cells[:-1]
    if bool((steps < 0).any()):
        return _UNORDERED
    single = bool((steps > 0).all())
    if dense_wanted:
        offsets = np.zeros(n_cells + 1, dtype=np.int64)
        np.cumsum(np.bincount(cells, minlength=n_cells), out=offsets[1:])
        dense = array("q")
        dense.frombytes(offsets.tobytes())
        return CellLayout(True, single, dense, {})
    starts = [0, *(np.flatnonzero(steps) + 1).tolist()]
    return _sparse(single, cells[starts].tolist() if len(cells) else [], starts, len(cells))


def _sparse(single: bool, cells: list[int], starts: list[int], n: int) -> CellLayout:
    """The sparse layout of *n* rows in runs of one cell: each run's cell and first row."""
    if not cells:
        return CellLayout(True, single, None, {})
    spans = pairwise([*starts, n])
    return CellLayout(True, single, None, dict(zip(cells, spans, strict=True)))
