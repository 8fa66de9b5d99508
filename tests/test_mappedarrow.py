"""The pyarrow engine of mapped CSV reads: ``read_csv(..., columns=…, engine="pyarrow")``."""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._io import mappedarrow
from stancematrix._io.mapped import MappingOptions
from stancematrix._io.source import Stream, open_stream
from stancematrix._store import store_of
from stancematrix.exceptions import (
    InvalidValueError,
    MissingDependencyError,
    ReadError,
    StanceMatrixError,
)
from tests.test_streaming import Unseekable, small_pieces

pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parent.parent
UNGA = ROOT.parent / "shared" / "data" / "unga" / "votes.csv.gz"
VOTES = {"actor": ("country_code", "country"), "issue": "rcid", "stance": "vote"}
COLUMNS = {
    "actor": ("who", "name"),
    "actor_name": "name",
    "issue": "q",
    "issue_title": "title",
    "stance": "how",
    "source": "src",
    "date": "when",
}
PLAIN = (
    "\ufeffwho,name,q,title,how,src,when\r\n"
    'A,"Alpha, Inc.",1,"Speed ""limits""",support,s1,2024-05\r\n'
    ',Beta,1,"Speed ""limits""",oppose,s2,2024\r\n'
    "A,,2,,neutral,s1,\r\n"
    'A,"Alpha, Inc.",1,,oppose,s1,2024-06-01/2024-07\r\n'
).encode()


def outcome(data: Any, engine: str, **options: Any) -> tuple[Any, ...]:
    """The matrix a read gives, or its error's type and message."""
    try:
        return ("read", sm.read_csv(data, engine=engine, **options))  # type: ignore[call-overload]
    except StanceMatrixError as error:
        return ("error", type(error), str(error))


def stream(data: bytes) -> Stream:
    """*data* as the CSV reader opens it."""
    return open_stream(data, looks_like_text="")


def options(columns: dict[str, Any]) -> MappingOptions:
    """The mapping by *columns*, other options left to their defaults."""
    return MappingOptions(columns=columns)


def both(data: Any, **options: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """What the python and the pyarrow engine make of *data*."""
    return outcome(data, "python", **options), outcome(data, "pyarrow", **options)


class TestSameAsPython:
    def test_plain_table_is_built_by_pyarrow_and_equal(self):
        """A table with quotes, CRLF, a BOM, fallbacks, names, sources and dates takes the
        pyarrow build and gives the python engine's matrix."""
        built = mappedarrow.read(stream(PLAIN), MappingOptions(columns=COLUMNS))
        assert built is not None
        assert sm.read_csv(PLAIN, columns=COLUMNS) == built
        assert "Alpha, Inc." == built.actor("A").name
        assert 'Speed "limits"' == built.issue("1").title

    def test_votes_without_source_cite_the_file(self):
        """Without a source column, claims cite the file's base name, as in python."""
        data = b"who,q,how\nA,1,yes\nB,1,no\nA,2,abstain\n"
        python, arrow = both(
            data,
            columns={"actor": "who", "issue": "q", "stance": "how"},
            scale=sm.Scale.votes(),
            cite=None,
        )
        assert python == arrow
        assert ["<bytes>"] == [s.id for s in arrow[1].sources]

    def test_gzip_input_reads_the_same(self, tmp_path):
        """A gzip file reads through the pyarrow engine equal to the python engine."""
        path = tmp_path / "t.csv.gz"
        path.write_bytes(gzip.compress(PLAIN))
        assert sm.read_csv(path, columns=COLUMNS) == sm.read_csv(
            path, columns=COLUMNS, engine="pyarrow"
        )

    def test_text_columns_and_qualified_dates_read_the_same(self):
        """Summaries, until, order and qualified dates take the python build, equal."""
        data = (
            b"who,q,how,when,until,order,note\n"
            b"A,1,support,2024~,2025,1,hello\n"
            b"A,1,oppose,2024~,,2,\n"
            b"B,1,neutral,2023/..,,,\n"
        )
        columns = {
            "actor": "who",
            "issue": "q",
            "stance": "how",
            "date": "when",
            "until": "until",
            "order": "order",
            "note": "note",
        }
        python, arrow = both(data, columns=columns)
        assert "read" == python[0]
        assert python == arrow

    def test_stances_mapping_and_metadata_apply(self):
        """stances= and metadata= mean what they mean to the python engine."""
        data = b"who,q,how\nA,1,Y\nB,1,N\n"
        options = {
            "columns": {"actor": "who", "issue": "q", "stance": "how"},
            "stances": {"Y": "support", "N": "oppose"},
            "metadata": {"k": "v"},
        }
        python, arrow = both(data, **options)
        assert python == arrow
        assert {"k": "v"} == dict(arrow[1].metadata)

    def test_str_text_reads_the_same(self):
        """CSV text given as a str reads equal through both engines."""
        text = PLAIN.decode("utf-8")
        python, arrow = both(text, columns=COLUMNS)
        assert python == arrow

    @pytest.mark.skipif(not UNGA.exists(), reason="../shared/data/unga is not here")
    def test_unga_votes_equal(self):
        """The full UNGA votes file reads equal through both engines."""
        python = sm.read_csv(UNGA, columns=VOTES, scale=sm.Scale.votes())
        arrow = sm.read_csv(UNGA, columns=VOTES, scale=sm.Scale.votes(), engine="pyarrow")
        assert 870_109 == len(arrow)
        assert python == arrow
        cells = [store_of(m).cols.cells for m in (python, arrow)]
        assert (cells[0].dense, cells[0].single) == (cells[1].dense, cells[1].single)


class TestErrors:
    @pytest.mark.parametrize(
        ("data", "line", "field", "value"),
        [
            (b"who,q,how\nA,1,support\nB,1,maybe\n", 3, "how", "maybe"),
            (b"who,q,how\nA,1,support\n,2,oppose\n", 3, "who", ""),
            (b"who,q,how\nA,1,support\nA,1,support\n", 3, None, None),
            (b"who,q,how\nA,1,support\nB,1\n", 3, None, None),
        ],
        ids=["unknown stance", "empty key", "repeated claim", "ragged row"],
    )
    def test_errors_are_the_python_engines_located_errors(self, data, line, field, value):
        """A bad row is the python engine's ReadError, naming file, line, column and value."""
        columns = {"actor": "who", "issue": "q", "stance": "how"}
        with pytest.raises(ReadError) as raised:
            sm.read_csv(data, columns=columns, engine="pyarrow")
        python, arrow = both(data, columns=columns)
        assert python == arrow
        error = raised.value
        assert ("<bytes>", line) == (error.source, error.line)
        if field is not None:
            assert (field, value) == (error.field, error.value)

    @pytest.mark.parametrize(
        "data",
        [
            b'who,q,how\nA,"1"x,support\n',
            b'who,q,how\nA,1,"support\n',
            b"who,q,how\nA,1,supp\xffort\n",
            b"who,q,how\nA,1,support\n\nB,1,oppose\n",
            b"who,q,how\nA,1\x00,support\n",
        ],
        ids=["text after a closing quote", "open quote", "invalid UTF-8", "blank line", "NUL"],
    )
    def test_inputs_pyarrow_reads_otherwise_go_to_python(self, data):
        """Input pyarrow would read differently is the python engine's to refuse or read."""
        columns = {"actor": "who", "issue": "q", "stance": "how"}
        assert None is mappedarrow.read(stream(data), MappingOptions(columns=columns))
        python, arrow = both(data, columns=columns)
        assert python == arrow

    def test_trailing_blank_line_reads_as_python_reads_it(self):
        """A blank last line is dropped by both engines."""
        data = b"who,q,how\nA,1,support\n\n"
        python, arrow = both(data, columns={"actor": "who", "issue": "q", "stance": "how"})
        assert "read" == python[0]
        assert python == arrow

    def test_gzip_limits_still_apply(self):
        """Gzip input beyond max_size is refused as a possible bomb, as with python."""
        data = gzip.compress(b"who,q,how\n" + b"A,1,support\n" * 1000)
        with pytest.raises(ReadError, match="max_size"):
            sm.read_csv(
                data,
                columns={"actor": "who", "issue": "q", "stance": "how"},
                engine="pyarrow",
                max_size=100,
            )

    def test_gzip_bomb_refused_by_ratio_as_with_python(self):
        """Gzip input expanding beyond max_ratio is refused with python's error, before
        pyarrow has parsed much of it."""
        data = gzip.compress(b"who,q,how\n" + b"A,1,support\n" * 400_000)
        columns = {"actor": "who", "issue": "q", "stance": "how"}
        python, arrow = both(data, columns=columns, max_ratio=20)
        assert ("error", ReadError) == python[:2]
        assert "max_ratio" in python[2]
        assert python == arrow

    def test_truncated_gzip_far_in_gets_pythons_error(self):
        """A gzip stream cut short after pyarrow has parsed much of it is refused with the
        python engine's error."""
        data = gzip.compress(
            b"who,q,how\n" + b"".join(b"A%d,1,support\n" % k for k in range(50_000))
        )
        columns = {"actor": "who", "issue": "q", "stance": "how"}
        python, arrow = both(data[:-100], columns=columns)
        assert ("error", ReadError) == python[:2]
        assert python == arrow

    def test_pipe_read_by_pyarrow(self):
        """A pipe (a stream that cannot be rewound) is read by the pyarrow build."""
        pipe = io.BufferedReader(Unseekable(gzip.compress(PLAIN)))  # type: ignore[type-var]
        built = mappedarrow.read(open_stream(pipe, looks_like_text=""), options(COLUMNS))
        assert sm.read_csv(PLAIN, columns=COLUMNS) == built

    def test_pipe_with_a_late_problem_gets_pythons_error(self):
        """A problem far into a pipe sends it to the python engine, which reads the pipe
        again as kept and names the problem's line."""
        rows = b"".join(b"A%d,1,support\n" % k for k in range(20_000))
        data = b"who,q,how\n" + rows + b"B,1,maybe\n" + rows
        columns = {"actor": "who", "issue": "q", "stance": "how"}
        pipe = io.BufferedReader(Unseekable(data))  # type: ignore[type-var]
        with pytest.raises(ReadError) as error:
            sm.read_csv(pipe, columns=columns, engine="pyarrow")
        assert (20_002, "maybe") == (error.value.line, error.value.value)
        assert None is mappedarrow.read(
            open_stream(io.BytesIO(data), looks_like_text=""), options(columns)
        )

    def test_quoted_line_break_across_pieces(self):
        """A quoted field holding line breaks, read in pieces that end inside it, is read
        by the pyarrow build as python reads it."""
        columns = {"actor": "who", "issue": "q", "stance": "how", "summary": "text"}
        data = b'who,q,how,text\nA,1,support,"one\ntwo\r\n""three"""\nB,1,oppose,x\n'
        with small_pieces(3):
            built = mappedarrow.read(open_stream(data, looks_like_text=""), options(columns))
            python = sm.read_csv(data, columns=columns)
        assert python == built
        assert 'one\ntwo\r\n"three"' == python.claims()[0].summary

    def test_fallback_chain_merged_in_order_of_first_appearance(self):
        """A fallback column's values join the first column's in the order rows show them
        (a value in both columns is one actor), as python declares them."""
        data = b"who,name,q,how\nB,x,1,support\n,C,1,oppose\n,B,2,oppose\nA,,2,support\n"
        columns = {"actor": ("who", "name"), "issue": "q", "stance": "how"}
        built = mappedarrow.read(open_stream(data, looks_like_text=""), options(columns))
        assert built is not None
        assert ["B", "C", "A"] == [a.key for a in built.actors]
        assert sm.read_csv(data, columns=columns) == built

    def test_unknown_engine_is_refused(self):
        """An engine other than python or pyarrow is an InvalidValueError naming both."""
        with pytest.raises(InvalidValueError, match="'python' or 'pyarrow'"):
            sm.read_csv(PLAIN, columns=COLUMNS, engine="polars")  # type: ignore[call-overload]

    def test_pyarrow_engine_needs_columns(self):
        """The long layout has no pyarrow engine: engine='pyarrow' needs columns=."""
        with pytest.raises(InvalidValueError, match="applies only with columns="):
            sm.read_csv(b"record\n", engine="pyarrow")

    def test_missing_pyarrow_is_a_missing_dependency(self, monkeypatch):
        """Without pyarrow, engine='pyarrow' raises MissingDependencyError naming the extra."""
        monkeypatch.setitem(sys.modules, "pyarrow", None)
        with pytest.raises(MissingDependencyError, match=r"stancematrix\[arrow\]"):
            sm.read_csv(PLAIN, columns=COLUMNS, engine="pyarrow")

    def test_lenient_reads_with_python(self):
        """A lenient read with engine='pyarrow' collects problems as the python engine does."""
        data = b"who,q,how\nA,1,support\nB,1,maybe\n"
        columns = {"actor": "who", "issue": "q", "stance": "how"}
        m, errors = sm.read_csv(data, columns=columns, engine="pyarrow", lenient=True)
        assert 1 == len(m)
        assert [3] == [e.line for e in errors]


# -- the law: every input both engines accept gives the same matrix, and any other the
# same error ------------------------------------------------------------------------------

_KEYS = st.sampled_from(["A", "B", "c d", "", "é", 'q"x', "a,b", "x\ny", " A"])
_STANCES = st.sampled_from(["support", "oppose", "neutral", "", "maybe", "Y"])
_DATES = st.sampled_from(["", "2024", "2024-05", "2024-05-01", "2024~", "2023/2024", "nope"])
_HEADER = ["who", "name", "q", "title", "how", "src", "when"]


@st.composite
def tables(draw: st.DrawFn) -> bytes:
    """CSV files of claims: well formed by csv.writer, or joined raw (quotes may break)."""
    rows = draw(
        st.lists(
            st.tuples(_KEYS, _KEYS, _KEYS, _KEYS, _STANCES, _KEYS, _DATES).map(list),
            max_size=8,
        )
    )
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if draw(st.booleans()):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator=end).writerows([_HEADER, *rows])
        text = buffer.getvalue()
    else:
        text = end.join(",".join(row) for row in [_HEADER, *rows]) + draw(
            st.sampled_from(["", end, end + end])
        )
    return (draw(st.sampled_from(["", "\ufeff"])) + text).encode("utf-8")


@st.composite
def clean_tables(draw: st.DrawFn) -> bytes:
    """CSV files of claims both engines mostly accept: the pyarrow build's inputs."""
    keys = st.sampled_from(["A", "B", "c d", "é", 'q"x', "a,b", "x\ny", "7"])
    stance = st.sampled_from(["support", "oppose", "neutral", "Y"])
    dates = st.sampled_from(["", "2024", "2024-05", "2024-05-01", "2023/2024", "2024/.."])
    named, gaps = draw(st.booleans()), draw(st.booleans())
    rows = [
        [who, f"{who}!" if named and k % 2 else "", q, "", how, src, when]
        for k, (who, q, how, src, when) in enumerate(
            draw(st.lists(st.tuples(keys, keys, stance, keys, dates), max_size=12))
        )
    ]
    if gaps:  # some actors only named: the fallback ("who", "name") gives their key
        for k, row in enumerate(rows):
            if k % 3 == 1:
                row[:2] = ["", row[0]]
    buffer = io.StringIO()
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    csv.writer(buffer, lineterminator=end).writerows([_HEADER, *rows])
    return buffer.getvalue().encode("utf-8")


@st.composite
def mappings(draw: st.DrawFn) -> dict[str, Any]:
    """Column mappings over the tables' header, with optional fields and fallbacks."""
    columns: dict[str, Any] = {
        "actor": draw(st.sampled_from(["who", ("who", "name")])),
        "issue": "q",
        "stance": "how",
    }
    optional = {"actor_name": "name", "issue_title": "title", "source": "src", "date": "when"}
    columns.update({f: c for f, c in optional.items() if draw(st.booleans())})
    return columns


def agree(data: bytes, columns: dict[str, Any]) -> None:
    """Assert both engines read *data* to equal matrices and cell indexes, or fail alike."""
    python, arrow = both(data, columns=columns, stances={"Y": "support"})
    assert python == arrow
    if python[0] == "read":
        cells = [store_of(m).cols.cells for m in (python[1], arrow[1])]
        assert (cells[0].dense, cells[0].single) == (cells[1].dense, cells[1].single)


class TestLaw:
    @given(tables(), mappings())
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_engines_agree(self, data, columns):
        """Both engines give equal matrices, or the same error, on any CSV."""
        agree(data, columns)

    @given(clean_tables(), mappings())
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_engines_agree_on_clean_tables(self, data, columns):
        """Both engines give equal matrices and cell indexes on tables without problems."""
        agree(data, columns)

    @given(tables(), mappings(), st.integers(1, 64))
    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_engines_agree_in_small_pieces(self, data, columns, chunk):
        """Read in pieces of a few bytes (the pyarrow engine checks each as pyarrow reads
        it), both engines still agree."""
        with small_pieces(chunk):
            agree(data, columns)
