from __future__ import annotations

import functools
from array import array
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._store import Problem, store_of, vector
from stancematrix._store.columns import CellIndex
from stancematrix._store.vector import CellLayout, cell_layout, extremes
from stancematrix.exceptions import DuplicateClaimError
from tests.strategies import matrices
from tests.test_matrix import columns_of, from_rows


@pytest.fixture
def no_numpy() -> Iterator[None]:
    """Run a test on the path without numpy."""
    before = vector.use_numpy(False)
    try:
        yield
    finally:
        vector.use_numpy(before)


def without_numpy(function, *args):
    before = vector.use_numpy(False)
    try:
        return function(*args)
    finally:
        vector.use_numpy(before)


@st.composite
def coded_rows(draw: st.DrawFn, ordered: bool = True) -> tuple[array[int], array[int], int, int]:
    """Actor and issue code columns, sorted by cell unless *ordered* is False; few issues
    (a dense layout) or thousands (a sparse one)."""
    n_actors = draw(st.integers(1, 5))
    n_issues = draw(st.sampled_from([1, 2, 3, 7, 3000]))
    cells = draw(st.lists(st.tuples(st.integers(0, n_actors - 1), st.integers(0, n_issues - 1))))
    if ordered:
        cells.sort()
    actor = array("i", [a for a, _ in cells])
    issue = array("i", [i for _, i in cells])
    return actor, issue, n_actors, n_issues


def scan(actor: array[int], issue: array[int], n_issues: int) -> dict[int, tuple[int, int]]:
    """Each filled cell's rows lo:hi, by looking at every row (sorted input)."""
    spans: dict[int, tuple[int, int]] = {}
    for n, (a, i) in enumerate(zip(actor, issue, strict=True)):
        c = a * n_issues + i
        lo, _ = spans.get(c, (n, n))
        spans[c] = (lo, n + 1)
    return spans


class TestCellLayout:
    @given(coded_rows(ordered=False))
    def test_numpy_and_maps_agree(self, rows):
        """The layout is the same with numpy and without it, sorted input or not."""
        assert without_numpy(cell_layout, *rows) == cell_layout(*rows)

    @given(coded_rows())
    @pytest.mark.parametrize("numpy", [True, False])
    def test_spans_match_a_scan(self, numpy, rows):
        """Each cell's rows are where a scan of the rows finds them, and ``single`` says
        whether any cell holds two rows."""
        actor, issue, n_actors, n_issues = rows
        layout = cell_layout(*rows) if numpy else without_numpy(cell_layout, *rows)
        spans = scan(actor, issue, n_issues)
        assert layout.ordered
        assert all(hi - lo == 1 for lo, hi in spans.values()) == layout.single
        if layout.dense is None:
            assert spans == layout.sparse
        else:
            assert n_actors * n_issues + 1 == len(layout.dense)
            found = {
                c: (layout.dense[c], layout.dense[c + 1])
                for c in range(n_actors * n_issues)
                if layout.dense[c] < layout.dense[c + 1]
            }
            assert spans == found

    def test_unordered_rows(self, no_numpy):
        """Rows out of cell order are said to be so, without a layout."""
        actor, issue = array("i", [0, 1, 0]), array("i", [0, 0, 1])
        assert CellLayout(False, False, None, {}) == cell_layout(actor, issue, 2, 2)

    def test_unordered_rows_numpy(self):
        """numpy finds rows out of cell order too."""
        actor, issue = array("i", [1, 0]), array("i", [0, 0])
        assert not cell_layout(actor, issue, 2, 2).ordered

    def test_dense_offsets(self):
        """A dense layout's offsets: the first row of each cell, one past the last."""
        actor, issue = array("i", [0, 0, 1, 1]), array("i", [0, 0, 0, 2])
        for layout in (
            cell_layout(actor, issue, 2, 3),
            without_numpy(cell_layout, actor, issue, 2, 3),
        ):
            assert array("q", [0, 2, 2, 2, 3, 3, 4]) == layout.dense
            assert not layout.single

    def test_sparse_spans(self):
        """A sparse layout maps each filled cell to its rows."""
        actor, issue = array("i", [0, 1, 1]), array("i", [5, 2, 2])
        for layout in (
            cell_layout(actor, issue, 2, 5000),
            without_numpy(cell_layout, actor, issue, 2, 5000),
        ):
            assert {5: (0, 1), 5002: (1, 3)} == layout.sparse
            assert layout.dense is None

    def test_no_rows(self, no_numpy):
        """No rows: ordered, single, every offset 0."""
        empty = array("i")
        assert CellLayout(True, True, array("q", [0, 0, 0]), {}) == cell_layout(empty, empty, 1, 2)


class TestIfOrdered:
    @given(coded_rows(ordered=False))
    def test_none_exactly_when_out_of_order(self, rows):
        """CellIndex.if_ordered makes an index exactly when the rows are sorted by cell."""
        actor, issue, _, n_issues = rows
        cells = [a * n_issues + i for a, i in zip(actor, issue, strict=True)]
        index = CellIndex.if_ordered(*rows)
        assert (cells == sorted(cells)) == (index is not None)


class TestExtremes:
    @given(st.lists(st.integers(-(2**31), 2**31 - 1), min_size=1))
    def test_least_and_greatest(self, values):
        """The least and greatest value, with numpy and without."""
        column = array("i", values)
        assert (min(values), max(values)) == extremes(column)
        assert (min(values), max(values)) == without_numpy(extremes, column)

    @pytest.mark.parametrize("typecode", ["b", "B", "h", "i", "I", "l", "q"])
    def test_any_typecode(self, typecode):
        """Columns of any integer type, signed or not, are read as their own type."""
        column = array(typecode, [3, 1, 100])
        assert (1, 100) == extremes(column) == without_numpy(extremes, column)

    def test_small_codes(self):
        """A stance column (one byte per value) works too."""
        assert (-1, 3) == extremes(array("b", [3, -1, 0]))


class TestFromColumns:
    @given(matrices(), st.randoms(use_true_random=False))
    def test_any_row_order_without_numpy(self, m, rnd):
        """Without numpy, coded columns in any order build the matrix they code."""
        rows, text = columns_of(m)
        order = list(range(len(rows)))
        rnd.shuffle(order)
        moved = {new: text[old] for new, old in enumerate(order) if old in text}
        assert m == without_numpy(from_rows, m, [rows[n] for n in order], moved)

    @pytest.mark.parametrize("numpy", [True, False])
    def test_one_row_per_cell_in_order_is_kept_as_given(self, numpy):
        """Rows each in a cell of their own, in cell order, are adopted without sorting,
        whatever order their other columns are in."""
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "I", "oppose", "s", date="2025"),
                sm.Position("A", "J", "support", "s", date="2020"),
                sm.Position("B", "I", "neutral", "s"),
            ],
            actors=[sm.Actor("A", "A"), sm.Actor("B", "B")],
            issues=[sm.Issue("I", "I", "P."), sm.Issue("J", "J", "Q.")],
            sources=[sm.Source("s", "S")],
        )
        rows, text = columns_of(m)
        build = from_rows if numpy else functools.partial(without_numpy, from_rows)
        built = build(m, rows, text)
        assert m == built
        assert store_of(built).cols.cells.single

    @pytest.mark.parametrize("numpy", [True, False])
    def test_repeat_in_one_cell_is_found(self, numpy):
        """A claim given twice in a row is still refused when every other cell holds one."""
        m = sm.StanceMatrix.from_positions(
            [sm.Position("A", "I", "oppose", "s"), sm.Position("A", "J", "oppose", "s")],
            actors=[sm.Actor("A", "A")],
            issues=[sm.Issue("I", "I", "P."), sm.Issue("J", "J", "Q.")],
            sources=[sm.Source("s", "S")],
        )
        rows, text = columns_of(m)
        build = from_rows if numpy else functools.partial(without_numpy, from_rows)
        with pytest.raises(Problem) as caught:
            build(m, [rows[0], *rows], text)
        assert (1, DuplicateClaimError) == (caught.value.index, type(caught.value.error))
