from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings

import stancematrix as sm
from stancematrix._io.schema import CLAIM_COLUMNS
from stancematrix.exceptions import MissingDependencyError, ReadError
from tests.strategies import hostile_matrices, rich_matrices

pa = pytest.importorskip("pyarrow")


@pytest.fixture(scope="module")
def ukraine() -> sm.StanceMatrix:
    return sm.load_dataset("ukraine")


def claims(m: sm.StanceMatrix) -> list[tuple[object, ...]]:
    """The claims' fields, sorted: what a mapped table keeps of a matrix."""
    return sorted(
        (c.actor, c.issue, c.stance, c.source, str(c.date), c.summary, c.quote, c.note) for c in m
    )


def tiny(*claims: sm.Position) -> sm.StanceMatrix:
    """A matrix of one actor, issue and source holding *claims*."""
    return sm.StanceMatrix.from_positions(
        claims,
        actors=[sm.Actor("a", "A")],
        issues=[sm.Issue("i", "I", "I?")],
        sources=[sm.Source("s", "S")],
    )


class TestToArrow:
    def test_long_columns(self, ukraine):
        """The table has the long layout's columns, all text, one row per claim."""
        table = ukraine.to_arrow()
        assert list(CLAIM_COLUMNS) == table.column_names
        assert [pa.string()] * len(CLAIM_COLUMNS) == list(table.schema.types)
        assert len(ukraine) == table.num_rows

    def test_rows_are_the_claims(self, ukraine):
        """Row k is the matrix's k-th claim, dates (until too) and order as their text,
        null where empty."""
        rows = ukraine.to_arrow().to_pylist()
        for row, claim in zip(rows, ukraine, strict=True):
            assert {
                "actor": claim.actor,
                "issue": claim.issue,
                "stance": claim.stance,
                "source": claim.source,
                "date": None if claim.date is None else str(claim.date),
                "summary": claim.summary,
                "quote": claim.quote,
                "note": claim.note,
                "until": None if claim.until is None else str(claim.until),
                "order": None if claim.order is None else str(claim.order),
            } == row

    def test_declarations_in_the_metadata(self, ukraine):
        """The schema metadata holds the JSON document with an empty claims list."""
        text = ukraine.to_arrow().schema.metadata[b"stancematrix"].decode("utf-8")
        document = json.loads(ukraine.to_json())
        document["claims"] = []
        assert document == json.loads(text)

    def test_undated_and_spans(self):
        """Undated claims give null, spans their START/END text."""
        m = tiny(
            sm.Position("a", "i", "support", "s"),
            sm.Position("a", "i", "oppose", "s", date=sm.Period("2024-01", "2025")),
        )
        assert [None, "2024-01/2025"] == m.to_arrow().column("date").to_pylist()

    def test_empty(self):
        """An empty matrix is an empty table with the same columns."""
        table = tiny().to_arrow()
        assert (0, list(CLAIM_COLUMNS)) == (table.num_rows, table.column_names)

    def test_import_does_not_import_pyarrow(self):
        """Importing stancematrix leaves pyarrow unimported."""
        code = "import sys, stancematrix; print('pyarrow' in sys.modules)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert "False" == out.stdout.strip()

    def test_missing_pyarrow(self, ukraine, monkeypatch):
        """Without pyarrow, to_arrow raises the library's error naming the extra."""
        monkeypatch.setitem(sys.modules, "pyarrow", None)
        with pytest.raises(MissingDependencyError, match=r"stancematrix\[arrow\]") as info:
            ukraine.to_arrow()
        assert isinstance(info.value, ImportError)
        assert ("pyarrow", "arrow") == (info.value.package, info.value.extra)
        with pytest.raises(MissingDependencyError):
            sm.from_arrow(object())


class TestStream:
    def test_pyarrow_table(self, ukraine):
        """pa.table(m) reads the matrix through the C stream, metadata included."""
        assert ukraine.to_arrow().equals(pa.table(ukraine), check_metadata=True)

    def test_requested_schema_none(self, ukraine):
        """__arrow_c_stream__ accepts requested_schema=None and returns a capsule."""
        capsule = ukraine.__arrow_c_stream__(None)
        assert "PyCapsule" == type(capsule).__name__

    def test_polars(self, ukraine):
        """polars.DataFrame(m) is the claims table; pl.from_arrow(m) its rows as structs."""
        pl = pytest.importorskip("polars")
        frame = pl.DataFrame(ukraine)
        assert (len(ukraine), list(CLAIM_COLUMNS)) == (frame.height, frame.columns)
        assert frame.equals(pl.from_arrow(ukraine).struct.unnest())
        assert [c.stance for c in ukraine] == frame["stance"].to_list()

    def test_duckdb(self, ukraine):
        """DuckDB queries a matrix by its variable name."""
        duckdb = pytest.importorskip("duckdb")
        m = ukraine
        got = duckdb.sql("select actor, count(*) from m group by actor order by actor").fetchall()
        expected: dict[str, int] = {}
        for c in ukraine:
            expected[c.actor] = expected.get(c.actor, 0) + 1
        assert sorted(expected.items()) == got
        assert m is ukraine  # the query read the local name


class TestFromArrow:
    @settings(max_examples=100)  # each example writes and reads a table: CI time
    @given(rich_matrices())
    def test_round_trip(self, m):
        """from_arrow(to_arrow(m)) equals m: declarations, text, dates and sources."""
        assert m == sm.from_arrow(m.to_arrow())

    @settings(max_examples=100)  # each example writes and reads a table: CI time
    @given(hostile_matrices())
    def test_round_trip_hostile_text(self, m):
        """Hostile text and scales survive the round trip."""
        assert m == sm.from_arrow(m)

    def test_the_matrix_itself(self, ukraine):
        """Anything with __arrow_c_stream__ is read, the matrix included."""
        assert ukraine == sm.from_arrow(ukraine)

    def test_polars_frame(self, ukraine):
        """A polars frame of the claims is read (mapped, as its metadata is dropped)."""
        pl = pytest.importorskip("polars")
        assert claims(ukraine) == claims(sm.from_arrow(pl.DataFrame(ukraine)))

    def test_duckdb_relation(self, ukraine):
        """A DuckDB relation is read."""
        duckdb = pytest.importorskip("duckdb")
        m = ukraine  # noqa: F841 - the query reads the local name
        relation = duckdb.sql("select * from m where actor = 'US'")
        assert claims(ukraine.select(actors=["US"])) == claims(sm.from_arrow(relation))

    def test_pandas_frame(self, ukraine):
        """A pandas (>= 2.2) DataFrame is read through its C stream."""
        frame = pytest.importorskip("pandas").DataFrame(ukraine.to_dataframe())
        if not hasattr(frame, "__arrow_c_stream__"):
            pytest.skip("pandas < 2.2 has no __arrow_c_stream__")
        assert claims(ukraine) == claims(sm.from_arrow(frame))

    def test_columns_mapping(self):
        """columns= maps a foreign table as read_csv does, numbers and dates as text."""
        import datetime

        table = pa.table(
            {
                "country": ["US", "RU"],
                "vote": ["yes", "no"],
                "rcid": [1, 1],
                "day": [datetime.date(2020, 1, 2), None],
            }
        )
        m = sm.from_arrow(
            table,
            columns={"actor": "country", "issue": "rcid", "stance": "vote", "date": "day"},
            stances={"yes": "support", "no": "oppose"},
            cite="votes",
        )
        assert [
            ("US", "1", "support", "votes", "2020-01-02"),
            ("RU", "1", "oppose", "votes", None),
        ] == [
            (c.actor, c.issue, c.stance, c.source, None if c.date is None else str(c.date))
            for c in m
        ]

    def test_mapped_errors_name_the_line(self):
        """A mapped table's errors name row k as line k + 2, as the same CSV would."""
        table = pa.table({"actor": ["A", "B"], "issue": ["i", "i"], "stance": ["support", "x"]})
        with pytest.raises(ReadError) as info:
            sm.from_arrow(table)
        assert (3, "'x'") == (info.value.line, repr(info.value.value))

    def test_not_a_table(self):
        """An object without __arrow_c_stream__ is a ReadError naming its type."""
        with pytest.raises(ReadError, match="got list"):
            sm.from_arrow([1, 2])


def damaged(m: sm.StanceMatrix, column: str, row: int, value: object) -> object:
    """m's claims table with one value replaced (the declarations kept)."""
    table = m.to_arrow()
    values = table.column(column).to_pylist()
    values[row] = value
    return table.set_column(table.column_names.index(column), column, pa.array(values, pa.string()))


class TestBadTables:
    @pytest.mark.parametrize(
        ("column", "value", "reason"),
        [
            ("stance", "maybe", "not on the"),
            ("stance", None, "empty stance"),
            ("actor", "nobody", "nobody"),
            ("actor", "", "empty actor"),
            ("issue", "nothing", "nothing"),
            ("source", "nowhere", "nowhere"),
            ("date", "2025-13", "date"),
            ("date", "yesterday", "YYYY"),
        ],
    )
    def test_bad_value_names_row_and_column(self, ukraine, column, value, reason):
        """A bad value is a ReadError naming claims[row].column."""
        with pytest.raises(ReadError, match=reason) as info:
            sm.from_arrow(damaged(ukraine, column, 5, value))
        assert f"claims[5].{column}" == info.value.field

    def test_repeated_claim(self, ukraine):
        """A claim given twice is a ReadError naming the row."""
        table = ukraine.to_arrow()
        twice = pa.concat_tables([table, table.slice(3, 1)])
        with pytest.raises(ReadError, match=r"twice|more than once|duplicate") as info:
            sm.from_arrow(twice)
        assert info.value.field is not None
        assert info.value.field.startswith(f"claims[{len(ukraine)}]")

    def test_missing_column(self, ukraine):
        """A missing column is named."""
        table = ukraine.to_arrow().drop_columns(["stance"])
        with pytest.raises(ReadError, match="missing column 'stance'"):
            sm.from_arrow(table)

    def test_column_not_text(self, ukraine):
        """A column of numbers where text belongs is named with its type."""
        table = ukraine.to_arrow()
        table = table.set_column(1, "issue", pa.array(range(len(ukraine))))
        with pytest.raises(ReadError, match="'issue' holds int64") as info:
            sm.from_arrow(table)
        assert "issue" == info.value.field

    @pytest.mark.parametrize(
        ("metadata", "where"),
        [
            (b"{not json", "stancematrix"),
            (b'{"format_version": 1, "actors": [], "issues": [], "sources": []}', "claims"),
            (
                b'{"format_version": 1, "actors": [{"key": ""}], "issues": [], "sources": [], '
                b'"claims": []}',
                "stancematrix.actors[0]",
            ),
            (b"\xff", "stancematrix"),
        ],
    )
    def test_bad_declarations(self, ukraine, metadata, where):
        """Declarations that do not parse are a ReadError naming the metadata and place."""
        table = ukraine.to_arrow().replace_schema_metadata({b"stancematrix": metadata})
        with pytest.raises(ReadError) as info:
            sm.from_arrow(table)
        assert info.value.field is not None
        assert where in str(info.value)
