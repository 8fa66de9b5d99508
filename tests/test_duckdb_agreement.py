"""examples/duckdb_agreement.py: the cell rule and the agreement matrix in SQL equal the
library's, pair by pair (issue 15, item 4)."""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stancematrix as sm
from tests.conftest import ROOT
from tests.strategies import matrices, ordered_matrices
from tests.test_agreement import SHARED_UNGA, unga_extract

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")


def _recipe() -> Any:
    spec = importlib.util.spec_from_file_location(
        "duckdb_agreement", ROOT / "examples" / "duckdb_agreement.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("duckdb_agreement", module)
    spec.loader.exec_module(module)
    return module


recipe = _recipe()


def held(m: sm.StanceMatrix) -> list[tuple[Any, ...]]:
    """m's claims as the example's sorted rows."""
    rows = [
        (c.actor, c.issue, c.stance, c.source, None if c.date is None else str(c.date), *texts)
        for c in m
        for texts in [(c.summary, c.quote, c.note)]
    ]
    return sorted(rows, key=repr)


@pytest.fixture(scope="module")
def ukraine_file(tmp_path_factory) -> tuple[sm.StanceMatrix, str]:
    """The article dataset as shipped (claims ordered within a source, approximate
    dates), written to Parquet."""
    m = sm.load_dataset("ukraine")
    path = tmp_path_factory.mktemp("duckdb") / "ukraine.parquet"
    m.to_parquet(path)
    return m, str(path)


def ruled_matrices() -> st.SearchStrategy[sm.StanceMatrix]:
    """Small matrices using the whole cell rule: until, editions of a series, qualified
    and open dates (validity_matrices), and dated claims ordered within their source."""
    return ordered_matrices(max_claims=10, dated_only=True)


class TestAgreement:
    def test_unga_extract(self, tmp_path):
        """On the committed UNGA extract, SQL's agreement equals agreement_matrix exactly."""
        m = unga_extract()
        path = tmp_path / "extract.parquet"
        m.to_parquet(path)
        found = recipe.agreement(str(path))
        assert [] == recipe.mismatches(m, found)
        assert len(m.actors) ** 2 == len(found)  # every pair shares an issue here

    @pytest.mark.skipif(
        not (SHARED_UNGA / "votes.csv.gz").exists(), reason="../shared/data/unga is not here"
    )
    def test_full_unga_as_of(self, tmp_path):
        """On all 870,109 UN votes, as of 27 March 2014, no pair differs (a minute or two)."""
        m = sm.load_dataset("unga")
        path = tmp_path / "unga.parquet"
        m.to_parquet(path)
        found = recipe.agreement(str(path), "2014-03-27")
        assert [] == recipe.mismatches(m, found, as_of="2014-03-27")

    @pytest.mark.parametrize("as_of", [None, "2014", "2022-03", "2025-03", "2025-06-15"])
    def test_ukraine_as_of(self, ukraine_file, as_of):
        """With sources, dates and several claims per cell, as of any date: no mismatch."""
        m, path = ukraine_file
        assert [] == recipe.mismatches(m, recipe.agreement(path, as_of), as_of=as_of)

    @settings(max_examples=25, deadline=None)
    @given(matrices(max_claims=16))
    def test_generated(self, tmp_path_factory, m):
        """On generated matrices (ties, undated claims, unknown stances) the SQL snapshot
        and agreement, now and as of a date, are the library's."""
        path = str(tmp_path_factory.mktemp("gen") / "m.parquet")
        m.to_parquet(path)
        assert [] == recipe.mismatches(m, recipe.agreement(path))
        assert [] == recipe.mismatches(m, recipe.agreement(path, "2025-06"), as_of="2025-06")
        assert held(m.as_of("2025-06")) == recipe.snapshot(path, "2025-06")

    @settings(max_examples=60, deadline=None)
    @given(ruled_matrices(), st.sampled_from(["2001", "2010-06", "2020-02-29", "2025", "2030"]))
    def test_whole_rule(self, tmp_path_factory, m, as_of):
        """With until, editions, orders and qualified or open dates, the SQL snapshot and
        agreement, now and as of a date, are the library's."""
        path = str(tmp_path_factory.mktemp("rule") / "m.parquet")
        m.to_parquet(path)
        assert [] == recipe.mismatches(m, recipe.agreement(path))
        assert [] == recipe.mismatches(m, recipe.agreement(path, as_of), as_of=as_of)
        assert held(m.as_of(as_of)) == recipe.snapshot(path, as_of)

    def test_mismatches_are_reported(self, ukraine_file):
        """mismatches() names a pair whose SQL result differs (it is not vacuous)."""
        m, path = ukraine_file
        found = recipe.agreement(path)
        found["US", "RU"] = (0.123, 99)
        assert [("US", "RU", (0.123, 99))] == [w[:3] for w in recipe.mismatches(m, found)]


class TestCellRule:
    @pytest.mark.parametrize("as_of", [None, "2014", "2022-03", "2025-03", "2025-06-15"])
    def test_snapshot(self, ukraine_file, as_of):
        """The SQL snapshot holds exactly m.as_of(date)'s claims, ties across sources kept
        (no date: the claims that hold now)."""
        m, path = ukraine_file
        expected = held(m.as_of("9999-12-31" if as_of is None else as_of))
        assert expected == recipe.snapshot(path, as_of)

    def test_one_claim_per_cell_keeps_the_order_rule(self, tmp_path):
        """With one claim per cell and nothing expiring, a claim ordered later in its
        source still begins on the last day of its date, in SQL as in the library."""
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "1", "support", "s", date="2024-05", order=1),
                sm.Position("A", "2", "oppose", "s", date="2024-05", order=2),
                sm.Position("B", "2", "oppose", "s", date="2024-04"),
            ],
            actors=[sm.Actor("A", "A"), sm.Actor("B", "B")],
            issues=[sm.Issue("1", "One", "One"), sm.Issue("2", "Two", "Two")],
            sources=[sm.Source("s", "S")],
        )
        path = str(tmp_path / "m.parquet")
        m.to_parquet(path)
        assert 2 == len(m.as_of("2024-05-15"))
        assert 3 == len(m.as_of("2024-05-31"))
        for day in ("2024-05-15", "2024-05-31"):
            assert held(m.as_of(day)) == recipe.snapshot(path, day)
            found = recipe.agreement(path, day)
            assert [] == recipe.mismatches(m, found, as_of=day)

    def test_newer_edition_ends_a_claim_before_its_until(self, tmp_path):
        """A claim valid until 2025 stops holding when its series' next edition is
        published in 2022, whichever comes first."""
        sources = [
            sm.Source("w1", "Wave 1", series="w", published="2020"),
            sm.Source("w2", "Wave 2", series="w", published="2022"),
        ]
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "1", "support", "w1", date="2020", until="2025"),
                sm.Position("B", "1", "oppose", "w1", date="2020"),
            ],
            actors=[sm.Actor("A", "A"), sm.Actor("B", "B")],
            issues=[sm.Issue("1", "One", "One")],
            sources=sources,
        )
        path = str(tmp_path / "m.parquet")
        m.to_parquet(path)
        assert [] == held(m.as_of("2023"))
        assert held(m.as_of("2023")) == recipe.snapshot(path, "2023")
        assert held(m.as_of("2021")) == recipe.snapshot(path, "2021")
        assert [] == recipe.mismatches(m, recipe.agreement(path, "2021"), as_of="2021")

    @pytest.mark.parametrize(
        ("date", "code"),
        [(None, 99999999), ("2025", 20251231), ("2024-02", 20240229), ("2025-06-15", 20250615)],
    )
    def test_last_day(self, date, code):
        """as_of dates mean their last day, as in the library."""
        assert code == recipe.last_day(date)


class TestExample:
    def test_needs_declarations(self, tmp_path):
        """A Parquet file without declarations is refused with a message."""
        pa = pytest.importorskip("pyarrow")
        pq = pytest.importorskip("pyarrow.parquet")
        path = tmp_path / "plain.parquet"
        pq.write_table(pa.table({"actor": ["a"]}), path)
        with pytest.raises(SystemExit, match="no stancematrix declarations"):
            recipe.agreement(str(path))

    def test_file_without_until_and_order_columns(self, tmp_path):
        """A claims file without the until and order columns (written before they
        existed) reads as if they were empty."""
        pq = pytest.importorskip("pyarrow.parquet")
        m = unga_extract()
        table = m.to_arrow()
        table = table.drop_columns(["until", "order"])
        path = tmp_path / "old.parquet"
        pq.write_table(table, path)
        assert [] == recipe.mismatches(m, recipe.agreement(str(path)))

    def test_main_on_a_file(self, ukraine_file, capsys):
        """The command line prints 0 mismatches for a file and exits 0."""
        _, path = ukraine_file
        assert 0 == recipe.main([path, "--as-of", "2025-03"])
        assert "mismatches with sm.agreement_matrix: 0" in capsys.readouterr().out
