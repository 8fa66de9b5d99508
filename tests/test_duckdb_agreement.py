"""examples/duckdb_agreement.py: the cell rule and the agreement matrix in SQL equal the
library's, pair by pair (issue 15, item 4)."""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

import attrs
import pytest
from hypothesis import given, settings

import stancematrix as sm
from tests.conftest import ROOT
from tests.strategies import matrices
from tests.test_agreement import unga_extract

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
    # The SQL covers plain dates only: the second-term claims' order and approximate end
    # (the library's, refused by the recipe; see TestExample) become a plain period.
    full = sm.load_dataset("ukraine")
    m = sm.StanceMatrix.from_positions(
        [
            attrs.evolve(c, order=None, date=sm.Period.parse(str(c.date).replace("~", "")))
            if c.order is not None or (c.date is not None and c.date.qualified)
            else c
            for c in full
        ],
        actors=full.actors,
        issues=full.issues,
        sources=full.sources,
        scale=full.scale,
        metadata=full.metadata,
    )
    path = tmp_path_factory.mktemp("duckdb") / "ukraine.parquet"
    m.to_parquet(path)
    return m, str(path)


class TestAgreement:
    def test_unga_extract(self, tmp_path):
        """On the committed UNGA extract, SQL's agreement equals agreement_matrix exactly."""
        m = unga_extract()
        path = tmp_path / "extract.parquet"
        m.to_parquet(path)
        found = recipe.agreement(str(path))
        assert [] == recipe.mismatches(m, found)
        assert len(m.actors) ** 2 == len(found)  # every pair shares an issue here

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

    def test_refuses_what_it_does_not_cover(self, tmp_path):
        """The article dataset as shipped (claims ordered within a source, approximate
        dates) is refused with a message, not given a wrong answer."""
        path = tmp_path / "ukraine.parquet"
        sm.load_dataset("ukraine").to_parquet(path)
        with pytest.raises(SystemExit, match="an until, an order or a qualified date"):
            recipe.agreement(str(path))

    def test_main_on_a_file(self, ukraine_file, capsys):
        """The command line prints 0 mismatches for a file and exits 0."""
        _, path = ukraine_file
        assert 0 == recipe.main([path, "--as-of", "2025-03"])
        assert "mismatches with sm.agreement_matrix: 0" in capsys.readouterr().out
