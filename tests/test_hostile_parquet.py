"""Hostile input to the Parquet reader: each bad file is a ReadError naming the file and,
for a bad value, the row and column (``claims[ROW].COLUMN``); or it is read exactly.

Round trips and foreign (mapped) files are in ``test_parquet.py``.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._io import registry
from stancematrix.exceptions import ReadError

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

UKRAINE = sm.load_dataset("ukraine")
GOOD = registry.encode(UKRAINE, "parquet")


def read_error(data: bytes) -> ReadError:
    with pytest.raises(ReadError) as info:
        sm.read_parquet(data)
    return info.value


def written(table: Any) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def with_value(column: str, row: int, value: object) -> bytes:
    """GOOD with one value of one column replaced (the declarations kept)."""
    table = UKRAINE.to_arrow()
    values = table.column(column).to_pylist()
    values[row] = value
    index = table.column_names.index(column)
    return written(table.set_column(index, column, pa.array(values, pa.string())))


def with_declarations(change: Any) -> bytes:
    """GOOD with its declarations document changed by *change* (bytes: replaced)."""
    table = UKRAINE.to_arrow()
    key = b"stancematrix"
    if isinstance(change, bytes):
        text = change
    else:
        document = json.loads(table.schema.metadata[key])
        change(document)
        text = json.dumps(document).encode("utf-8")
    return written(table.replace_schema_metadata({key: text}))


class TestNotParquet:
    @pytest.mark.parametrize(
        "data",
        [
            b"",
            b"PAR1",
            b"PAR1PAR1",
            b"hello",
            UKRAINE.to_json().encode(),
            UKRAINE.to_csv().encode(),
        ],
        ids=["empty", "magic", "two-magics", "text", "json", "csv"],
    )
    def test_not_parquet(self, data):
        """Data that is not Parquet is a ReadError naming the input, nothing else."""
        error = read_error(data)
        assert ("<bytes>", "not a readable Parquet file") == (
            error.source,
            error.reason.split(":")[0],
        )

    @pytest.mark.parametrize("cut", [1, 8, 100, len(GOOD) // 2, len(GOOD) - 9, len(GOOD) - 1])
    def test_truncated(self, cut):
        """A truncated file is a ReadError."""
        assert "not a readable Parquet file" in read_error(GOOD[:cut]).reason

    def test_names_the_file(self, tmp_path):
        """The error names the file it read."""
        path = tmp_path / "m.parquet"
        path.write_bytes(GOOD[:-3])
        with pytest.raises(ReadError) as info:
            sm.read(path)
        assert str(path) == info.value.source

    @settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.integers(0, 255)), max_size=4))
    def test_corrupted_bytes(self, changes):
        """Bytes changed anywhere give the matrix back or a ReadError, never another error."""
        data = bytearray(GOOD)
        for at, value in changes:
            data[at] = value
        try:
            m = sm.read_parquet(bytes(data))
        except ReadError:
            return
        assert isinstance(m, sm.StanceMatrix)


class TestColumns:
    @pytest.mark.parametrize("column", ["actor", "issue", "stance", "source", "date", "note"])
    def test_missing(self, column):
        """A missing column is named, with the columns a claims table has."""
        error = read_error(written(UKRAINE.to_arrow().drop_columns([column])))
        assert column == error.field
        assert f"missing column {column!r}" in error.reason

    def test_unknown(self):
        """An extra column is an error, not dropped silently."""
        table = UKRAINE.to_arrow()
        table = table.append_column("weight", pa.array(["1"] * table.num_rows))
        assert ("weight", True) == (
            (error := read_error(written(table))).field,
            "unknown column 'weight'" in error.reason,
        )

    def test_not_text(self):
        """A column of numbers where text belongs is named, with its type."""
        table = UKRAINE.to_arrow()
        table = table.set_column(2, "stance", pa.array(range(table.num_rows)))
        error = read_error(written(table))
        assert ("stance", "column 'stance' holds int64, expected text") == (
            error.field,
            error.reason,
        )

    def test_dictionary_text_is_text(self):
        """Dictionary-encoded text (as other writers store it) reads as text."""
        table = UKRAINE.to_arrow()
        table = table.set_column(0, "actor", table.column("actor").dictionary_encode())
        assert UKRAINE == sm.read_parquet(written(table))


class TestValues:
    @pytest.mark.parametrize(
        ("column", "value", "reason"),
        [
            ("stance", "Support", "'Support' is not on the"),
            ("stance", " support", "not on the"),
            ("stance", None, "empty stance value"),
            ("actor", None, "empty actor value"),
            ("actor", "XX", "XX"),
            ("issue", "nowhere", "nowhere"),
            ("source", "", "empty source value"),
            ("source", "made-up", "made-up"),
            ("date", "2025-02-30", "date"),
            ("date", "2025/2024", "date"),
            ("date", "soon", "expected YYYY"),
        ],
    )
    def test_bad_value(self, column, value, reason):
        """A bad value names the row and column, and carries the value."""
        error = read_error(with_value(column, 9, value))
        assert ("<bytes>", f"claims[9].{column}", value) == (error.source, error.field, error.value)
        assert reason in error.reason

    def test_repeated_claim(self):
        """A claim given twice names the later row."""
        table = UKRAINE.to_arrow()
        error = read_error(written(pa.concat_tables([table, table.slice(0, 1)])))
        assert f"claims[{len(UKRAINE)}].claim" == error.field

    def test_empty_text_is_none(self):
        """An empty summary reads as no summary (as in CSV): the claim is otherwise kept."""
        claim = next(iter(UKRAINE))
        read = sm.read_parquet(with_value("summary", 0, ""))
        assert len(UKRAINE) == len(read)
        assert None is next(iter(read)).summary or claim.summary is None


class TestDeclarations:
    @pytest.mark.parametrize(
        ("change", "field", "reason"),
        [
            (b"{not json", "stancematrix", "not valid JSON"),
            (b"\xff\xfe", "stancematrix", "not UTF-8"),
            (lambda d: d.update(format_version=99), "stancematrix.format_version", "version"),
            (lambda d: d.update(colour="red"), "stancematrix", "unknown key 'colour'"),
            (lambda d: d.pop("actors"), "stancematrix", "actors"),
            (lambda d: d["actors"][0].update(key=""), "stancematrix.actors[0].key", "empty"),
            (lambda d: d["actors"].append(d["actors"][0]), "stancematrix.actors[10]", "claimed by"),
            (lambda d: d["scale"].update(levels=[]), "stancematrix.scale", "level"),
        ],
    )
    def test_bad_declarations(self, change, field, reason):
        """Declarations that do not parse name the metadata key, path and reason."""
        error = read_error(with_declarations(change))
        assert field in str(error)
        assert reason.lower() in str(error).lower()

    def test_claims_in_declarations(self):
        """Claims smuggled into the declarations are an error, not dropped."""
        claim = {"actor": "US", "issue": "sanctions", "stance": "support", "source": "x"}

        def add(d: dict[str, Any]) -> None:
            d["claims"] = [claim]

        error = read_error(with_declarations(add))
        assert error.field is not None
        assert error.field.startswith("stancematrix")

    def test_undeclared_in_declarations_is_mapped_never(self):
        """A file whose declarations do not declare an actor of the rows names that row."""

        def drop_us(d: dict[str, Any]) -> None:
            d["actors"] = [a for a in d["actors"] if a["key"] != "US"]

        error = read_error(with_declarations(drop_us))
        assert error.field is not None
        assert error.field.endswith("].actor")


class TestSources:
    def test_corrupt_gzip(self):
        """A truncated gzip stream around a Parquet file is a ReadError."""
        import gzip

        data = gzip.compress(GOOD)[:-20]
        assert "corrupt or truncated gzip" in read_error(data).reason

    def test_stream_that_fails(self):
        """A file object whose read fails is a ReadError naming it."""

        class Broken(io.BytesIO):
            name = "broken.parquet"

            def read(self, *args: Any) -> bytes:
                raise OSError("device gone")

        with pytest.raises(ReadError, match="cannot read") as info:
            sm.read_parquet(Broken())
        assert "broken.parquet" == info.value.source

    def test_column_twice(self):
        """A column given twice is an error, not one of them dropped: in an Arrow table,
        and in a Parquet file (which pyarrow refuses to read)."""
        table = UKRAINE.to_arrow()
        twice = pa.Table.from_arrays(
            [*table.columns, table.column("note")],
            names=[*table.column_names, "note"],
        ).replace_schema_metadata(table.schema.metadata)
        with pytest.raises(ReadError, match="a column appears twice"):
            sm.from_arrow(twice)
        assert "not a readable Parquet file" in read_error(written(twice)).reason
