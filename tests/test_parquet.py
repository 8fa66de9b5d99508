from __future__ import annotations

import gzip
import io

import pytest
from hypothesis import given, settings

import stancematrix as sm
from stancematrix._cli import main
from stancematrix._io import registry
from stancematrix.exceptions import ReadError, UnsupportedFormatError
from tests.strategies import hostile_matrices, rich_matrices

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture(scope="module")
def ukraine() -> sm.StanceMatrix:
    return sm.load_dataset("ukraine")


def parquet(m: sm.StanceMatrix) -> bytes:
    return registry.encode(m, "parquet")


class TestRoundTrip:
    @settings(max_examples=100)  # each example writes and reads a table: CI time
    @given(rich_matrices())
    def test_exact(self, m):
        """read_parquet(to_parquet(m)) equals m: declarations, text, dates, sources, scale."""
        assert m == sm.read_parquet(parquet(m))

    @settings(max_examples=100)  # each example writes and reads a table: CI time
    @given(hostile_matrices())
    def test_hostile_text(self, m):
        """Hostile text, own scales and metadata survive a Parquet file."""
        assert m == sm.read_parquet(parquet(m))

    def test_file(self, ukraine, tmp_path):
        """m.to_parquet(path) then sm.read(path) (by extension) gives m back."""
        path = tmp_path / "m.parquet"
        ukraine.to_parquet(path)
        assert ukraine == sm.read(path)
        assert ukraine == sm.read(str(path))
        assert ukraine == sm.read_parquet(path.read_bytes())

    def test_file_objects(self, ukraine):
        """A binary file (or stream) is written and read."""
        sink = io.BytesIO()
        ukraine.to_parquet(sink)
        assert ukraine == sm.read_parquet(io.BytesIO(sink.getvalue()))

    def test_gzip_looked_through(self, ukraine, tmp_path):
        """A gzip-compressed Parquet file (m.parquet.gz) is read."""
        path = tmp_path / "m.parquet.gz"
        path.write_bytes(gzip.compress(parquet(ukraine)))
        assert ukraine == sm.read(path)

    def test_same_matrix_same_bytes(self, ukraine):
        """Writing is deterministic: the same matrix gives the same file."""
        assert parquet(ukraine) == parquet(sm.read_parquet(parquet(ukraine)))

    def test_declarations_in_file_metadata(self, ukraine):
        """The file's key-value metadata holds the declarations under 'stancematrix'."""
        meta = pq.read_metadata(io.BytesIO(parquet(ukraine))).metadata
        assert ukraine.to_arrow().schema.metadata[b"stancematrix"] == meta[b"stancematrix"]

    def test_others_read_it(self, ukraine, tmp_path):
        """pyarrow and DuckDB read the file as the claims table."""
        duckdb = pytest.importorskip("duckdb")
        path = tmp_path / "m.parquet"
        ukraine.to_parquet(path)
        assert ukraine.to_arrow().equals(pq.read_table(path))
        with duckdb.connect() as con:
            rows = con.execute("select actor, issue, stance from read_parquet(?)", [str(path)])
            assert [(c.actor, c.issue, c.stance) for c in ukraine] == rows.fetchall()


class TestForeignFiles:
    def test_mapped(self, tmp_path):
        """A Parquet file without declarations is mapped, citing the file by default."""
        path = tmp_path / "votes.parquet"
        pq.write_table(pa.table({"who": ["US", "RU"], "rcid": [7, 7], "vote": ["yes", "no"]}), path)
        m = sm.read_parquet(
            path,
            columns={"actor": "who", "issue": "rcid", "stance": "vote"},
            stances={"yes": "support", "no": "oppose"},
        )
        assert [
            ("US", "7", "support", "votes.parquet"),
            ("RU", "7", "oppose", "votes.parquet"),
        ] == [(c.actor, c.issue, c.stance, c.source) for c in m]

    def test_long_layout_without_declarations(self, ukraine, tmp_path):
        """A long-layout file written by pandas (no declarations) reads the same claims."""
        path = tmp_path / "long.parquet"
        ukraine.to_dataframe().to_parquet(path)
        read = sm.read_parquet(path)
        assert sorted(map(str, ukraine)) == sorted(map(str, read))


class TestRegistry:
    def test_row(self):
        """parquet is a readable, binary, matrix-only format claiming .parquet."""
        fmt = registry.get("parquet")
        assert (True, True, ("matrix",), (".parquet",)) == (
            fmt.readable,
            fmt.binary,
            fmt.kinds,
            fmt.extensions,
        )
        assert "parquet" == registry.by_extension("data/m.parquet").name
        assert "parquet" not in registry.names(text=True)

    def test_render_is_text_only(self, ukraine):
        """sm.render refuses a binary format, listing the text formats."""
        with pytest.raises(UnsupportedFormatError) as info:
            sm.render(ukraine, "parquet")
        assert "parquet" not in info.value.formats
        assert "json" in info.value.formats

    def test_encode_text_formats(self, ukraine):
        """encode gives a text format's UTF-8 bytes."""
        assert ukraine.to_json().encode("utf-8") == registry.encode(ukraine, "json")


class TestCommandLine:
    def test_convert_by_extension(self, ukraine, tmp_path):
        """convert writes .parquet; show and validate read it."""
        out = tmp_path / "m.parquet"
        assert 0 == main(["convert", "ukraine", str(out)])
        assert ukraine == sm.read_parquet(out)
        assert 0 == main(["validate", str(out)])
        back = tmp_path / "m.json"
        assert 0 == main(["convert", str(out), str(back)])
        assert ukraine == sm.read_json(back)

    def test_gz_name(self, ukraine, tmp_path):
        """convert to m.parquet.gz writes the Parquet file gzip-compressed; it reads back."""
        out = tmp_path / "m.parquet.gz"
        assert 0 == main(["convert", "ukraine", str(out)])
        assert parquet(ukraine) == gzip.decompress(out.read_bytes())
        assert ukraine == sm.read(out)

    def test_show_format_parquet_to_a_file(self, ukraine, tmp_path):
        """show --format parquet -o writes the selected matrix."""
        out = tmp_path / "us.parquet"
        assert 0 == main(["show", "--format", "parquet", "--actors", "US", "-o", str(out)])
        assert ukraine.select(actors=["US"]) == sm.read_parquet(out)

    @pytest.mark.parametrize(
        "argv",
        [["show", "--format", "parquet"], ["convert", "ukraine", "-", "--to", "parquet"]],
    )
    def test_no_binary_on_standard_output(self, argv, capsys):
        """Parquet is never written to standard output: a usage error, nothing printed."""
        assert 2 == main(argv)
        captured = capsys.readouterr()
        assert ("", True) == (captured.out, "binary format" in captured.err)

    def test_validate_bad_file(self, tmp_path, capsys):
        """validate reports a file that is not Parquet and exits 1."""
        path = tmp_path / "bad.parquet"
        path.write_bytes(b"PAR1 not really")
        assert 1 == main(["validate", str(path)])
        assert f"{path}: not a readable Parquet file" in capsys.readouterr().out

    def test_stdin(self, ukraine, monkeypatch, capsys):
        """--input-format parquet reads standard input's bytes."""
        data = parquet(ukraine)

        class Stdin:
            buffer = io.BytesIO(data)

        monkeypatch.setattr("sys.stdin", Stdin())
        assert 0 == main(["convert", "-", "-", "--input-format", "parquet", "--to", "json"])
        assert ukraine == sm.read_json(capsys.readouterr().out)


class TestMissing:
    def test_missing_file(self, tmp_path):
        """A missing file is a ReadError naming it."""
        with pytest.raises(ReadError, match="cannot open") as info:
            sm.read_parquet(tmp_path / "none.parquet")
        assert str(tmp_path / "none.parquet") == info.value.source

    def test_text_mode_file(self, tmp_path):
        """A file opened in text mode is refused with a clear message."""
        path = tmp_path / "m.parquet"
        path.write_text("x", encoding="utf-8")
        with path.open(encoding="utf-8") as file, pytest.raises(ReadError, match="binary mode"):
            sm.read_parquet(file)

    def test_missing_pyarrow(self, ukraine, monkeypatch, tmp_path):
        """Without pyarrow, Parquet raises the library's error naming the extra."""
        import sys

        from stancematrix.exceptions import MissingDependencyError

        monkeypatch.setitem(sys.modules, "pyarrow", None)
        with pytest.raises(MissingDependencyError, match=r"stancematrix\[arrow\]"):
            ukraine.to_parquet(tmp_path / "m.parquet")
        with pytest.raises(MissingDependencyError, match=r"stancematrix\[arrow\]"):
            sm.read_parquet(b"PAR1")
        assert not (tmp_path / "m.parquet").exists()
