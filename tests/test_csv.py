from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._escape import FORMULA_TRIGGERS, neutralise_formula
from stancematrix._io import csvlong
from stancematrix._io.csv import COLUMNS
from stancematrix._io.mapped import Table
from stancematrix._io.source import open_stream
from stancematrix.exceptions import InvalidValueError, ReadError
from tests.strategies import hostile_matrices, hostile_texts, matrices, rich_matrices

DATA = Path(__file__).parent / "data"
VOTES = DATA / "votes_sample.csv.gz"
VOTE_COLUMNS = {"actor": ("country_code", "country"), "issue": "rcid", "stance": "vote"}


@pytest.fixture(scope="module")
def ukraine() -> sm.StanceMatrix:
    return sm.load_dataset("ukraine")


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def stance(matrix: sm.StanceMatrix, actor: str, issue: str) -> str | None:
    position = matrix.position(actor, issue)
    return None if position is None else position.stance


def claim_matrix(summary: str, **extra: Any) -> sm.StanceMatrix:
    return sm.StanceMatrix.from_positions(
        [sm.Position("A", "I", "support", "S", summary=summary, **extra)],
        actors=[sm.Actor("A", "Actor")],
        issues=[sm.Issue("I", "Issue", "A proposition.")],
        sources=[sm.Source("S", "Source")],
    )


class TestLongRoundTrip:
    @settings(max_examples=150)
    @given(rich_matrices(), st.booleans())
    def test_lossless(self, matrix, safe):
        """read_csv(m.to_csv()) == m, spreadsheet-safe or not."""
        assert matrix == sm.read_csv(matrix.to_csv(spreadsheet_safe=safe))

    @settings(max_examples=100)
    @given(matrices(min_claims=1))
    def test_lossless_plain_strategy(self, matrix):
        """The shared matrices() strategy round-trips too."""
        assert matrix == sm.read_csv(matrix.to_csv())

    @pytest.mark.parametrize("safe", [True, False])
    def test_empty_metadata(self, safe):
        """Empty metadata keys and values read back as "" (not refused as missing)."""
        matrix = sm.StanceMatrix.from_positions(
            [], actors=[], issues=[], sources=[], metadata={"": "", "k": "", " ": "=1"}
        )
        assert {"": "", "k": "", " ": "=1"} == sm.read_csv(
            matrix.to_csv(spreadsheet_safe=safe)
        ).metadata

    @given(hostile_texts, hostile_texts)
    def test_hostile_text(self, summary, note):
        """Pipes, quotes, newlines, formula triggers and escapes survive exactly."""
        matrix = claim_matrix(summary, note=note)
        assert matrix == sm.read_csv(matrix.to_csv())

    def test_dataset(self, ukraine):
        """The article dataset round-trips, also through bytes, gzip and a file object."""
        text = ukraine.to_csv()
        assert ukraine == sm.read_csv(text)
        assert ukraine == sm.read_csv(gzip.compress(text.encode()))
        assert ukraine == sm.read_csv(io.StringIO(text))

    def test_crlf_and_header(self, ukraine):
        """Rows end in CRLF (RFC 4180) and the header is the documented one."""
        text = ukraine.to_csv()
        assert text.startswith(",".join(COLUMNS) + "\r\n")
        assert text.endswith("\r\n")


class TestGolden:
    def test_long(self, ukraine):
        """The long layout of one ukraine-strategy cell pair, row for row."""
        m = ukraine.select(actors=["US"], issues=["energy"], sources=["ukraine-strategy"])
        expected = [
            list(COLUMNS),
            ["format", *[""] * 8, "spreadsheet-safe", *[""] * 13, "2", "", "", "", ""],
        ]
        got = rows(m.to_csv())
        assert expected == got[:2]
        records = [r[0] for r in got[1:]]
        assert ["format", "metadata", "metadata", "scale"] == records[:4]
        assert ["level"] * 5 + ["actor", "issue", "source", "claim"] == records[4:]
        claim = dict(zip(COLUMNS, got[-1], strict=True))
        assert {
            "actor": "US",
            "issue": "energy",
            "stance": "support",
            "source": "ukraine-strategy",
            "summary": "Aims to reduce European dependence on Russian gas",
        }.items() <= claim.items()
        level = dict(zip(COLUMNS, got[5], strict=True))
        assert ("strongly oppose", "-2", "'--") == (level["label"], level["value"], level["symbol"])
        actor = dict(zip(COLUMNS, got[10], strict=True))
        assert (
            '["Trump Administration", "U.S.", "United States", "Washington", "White House"]'
            == (actor["aliases"])
        )

    def test_wide(self, ukraine):
        """The wide layout is the issue × actor grid."""
        m = ukraine.select(
            actors=["US", "RU"], issues=["territory", "energy"], sources=["ukraine-strategy"]
        )
        expected = (
            "Issue,United States,Russia\r\n"
            "Territorial integrity,support,strongly oppose\r\n"
            "Energy,support,oppose\r\n"
        )
        assert expected == m.to_csv(layout="wide")

    def test_wide_summary_transposed(self, ukraine):
        """Wide layout options: transposed, keys, summaries."""
        m = ukraine.select(actors=["US", "RU"], issues=["energy"], sources=["ukraine-strategy"])
        expected = (
            "Actor,energy\r\n"
            "US,Aims to reduce European dependence on Russian gas\r\n"
            "RU,Uses energy exports as geopolitical leverage\r\n"
        )
        assert expected == m.to_csv(layout="wide", transpose=True, labels="key", cell="summary")


class TestSpreadsheetSafety:
    @given(hostile_texts)
    def test_no_cell_starts_a_formula(self, text):
        """By default no cell starts with = + - @ tab or CR (level values are numbers)."""
        matrix = claim_matrix(text)
        for row in rows(matrix.to_csv())[1:]:
            for column, cell in zip(COLUMNS, row, strict=True):
                if column != "value":
                    assert not cell.startswith(tuple(FORMULA_TRIGGERS)), (column, cell)

    def test_wide_is_safe(self):
        """The wide layout neutralises formulas too."""
        matrix = claim_matrix("=HYPERLINK(1)")
        assert "'=HYPERLINK(1)" in matrix.to_csv(layout="wide", cell="summary")

    def test_plain_leaves_text(self):
        """spreadsheet_safe=False writes text untouched and says so in the format row."""
        matrix = claim_matrix("=1+1")
        text = matrix.to_csv(spreadsheet_safe=False)
        assert ["format", "plain"] == [rows(text)[1][0], rows(text)[1][9]]
        assert "=1+1" in [cell for row in rows(text) for cell in row]
        assert matrix == sm.read_csv(text)

    def test_quote_is_undone_only_when_safe(self):
        """A leading ' in plain mode is data, kept as written."""
        matrix = claim_matrix("'=x")
        assert "'=x" == sm.read_csv(matrix.to_csv(spreadsheet_safe=False)).claims()[0].summary
        assert "'=x" == sm.read_csv(matrix.to_csv()).claims()[0].summary


class TestLongErrors:
    def lines(self, ukraine: sm.StanceMatrix) -> list[str]:
        m = ukraine.select(actors=["US"], issues=["energy"], sources=["ukraine-strategy"])
        return m.to_csv().split("\r\n")

    def test_not_long(self):
        """A table without the long header asks for a column mapping."""
        with pytest.raises(ReadError, match="pass columns=") as info:
            sm.read_csv("a,b\r\n1,2\r\n")
        assert 1 == info.value.line

    def test_unknown_stance(self, ukraine):
        """A stance off the scale names the line, column and value."""
        lines = self.lines(ukraine)
        lines[-2] = lines[-2].replace(",support,", ",supports,")
        with pytest.raises(ReadError, match="supports") as info:
            sm.read_csv("\r\n".join(lines))
        assert (len(lines) - 1, COLUMNS.index("stance") + 1, "stance", "supports") == (
            info.value.line,
            info.value.column,
            info.value.field,
            info.value.value,
        )

    def test_duplicate_claim(self, ukraine):
        """A repeated claim row is an error at the repeat's line."""
        lines = self.lines(ukraine)
        lines.insert(-1, lines[-2])
        with pytest.raises(ReadError, match="duplicate claim") as info:
            sm.read_csv("\r\n".join(lines))
        assert info.value.line in (len(lines) - 2, len(lines) - 1)

    def test_duplicate_key(self, ukraine):
        """Two actors with one key is an error naming the second's line."""
        lines = self.lines(ukraine)
        actor = next(k for k, line in enumerate(lines) if line.startswith("actor,"))
        lines.insert(actor + 1, lines[actor])
        with pytest.raises(ReadError, match="claimed by") as info:
            sm.read_csv("\r\n".join(lines))
        assert actor + 2 == info.value.line
        assert "US" == info.value.value

    def test_invalid_date(self, ukraine):
        """An invalid date names its line and column."""
        lines = self.lines(ukraine)
        lines[-2] = lines[-2].replace("ukraine-strategy,,", "ukraine-strategy,2025-13,", 1)
        with pytest.raises(ReadError, match="2025-13") as info:
            sm.read_csv("\r\n".join(lines))
        assert (len(lines) - 1, COLUMNS.index("date") + 1) == (info.value.line, info.value.column)

    def test_ragged(self, ukraine):
        """A row with too few fields is reported at its line."""
        lines = self.lines(ukraine)
        lines[-2] = lines[-2].rsplit(",", 3)[0]
        with pytest.raises(ReadError, match="ragged") as info:
            sm.read_csv("\r\n".join(lines))
        assert len(lines) - 1 == info.value.line

    def test_field_not_of_record(self, ukraine):
        """A value in a column the record does not use is an error, not ignored."""
        lines = self.lines(ukraine)
        lines[-2] += "X"
        with pytest.raises(ReadError, match="has no 'series' field"):
            sm.read_csv("\r\n".join(lines))

    def test_malformed(self, ukraine):
        """An unclosed quote is malformed CSV, reported where the input ends."""
        lines = self.lines(ukraine)
        lines[-2] += ',"x'
        with pytest.raises(ReadError, match="malformed CSV") as info:
            sm.read_csv("\r\n".join(lines))
        assert len(lines) - 1 == info.value.line

    def test_unclosed_quote_in_table(self):
        """An unclosed quote is malformed CSV in a mapped table too."""
        with pytest.raises(ReadError, match="malformed CSV") as info:
            sm.read_csv(
                'a,b,c\nx,"y,1\nz,1,1\n', columns={"actor": "a", "issue": "b", "stance": "c"}
            )
        assert 3 == info.value.line

    def test_lenient(self, ukraine):
        """Lenient mode returns the valid rest and every problem with its line."""
        lines = self.lines(ukraine)
        lines[-2] = lines[-2].replace(",support,", ",supports,")
        matrix, problems = sm.read_csv("\r\n".join(lines), lenient=True)
        assert 0 == len(matrix)
        assert [len(lines) - 1] == [p.line for p in problems]

    def test_invalid_utf8(self):
        """Invalid UTF-8 names the line and column of the bad byte."""
        with pytest.raises(ReadError, match="invalid UTF-8") as info:
            sm.read_csv(b"record\r\nab\xffc\r\n")
        assert (2, 3) == (info.value.line, info.value.column)

    def test_truncated_gzip(self, ukraine):
        """A truncated gzip stream is a read error."""
        data = gzip.compress(ukraine.to_csv().encode())
        with pytest.raises(ReadError, match="truncated"):
            sm.read_csv(data[: len(data) // 2])

    def test_mapping_options_need_columns(self):
        """scale= without columns= is a mistake, not ignored."""
        with pytest.raises(InvalidValueError):
            sm.read_csv("record\r\n", scale=sm.Scale.votes())


class TestMapped:
    def test_votes(self):
        """Roll-call votes read with a column mapping; gzip is transparent."""
        m = sm.read_csv(
            VOTES, columns={**VOTE_COLUMNS, "actor_name": "country"}, scale=sm.Scale.votes()
        )
        raw = rows(gzip.decompress(VOTES.read_bytes()).decode())
        assert len(raw) - 1 == len(m)
        assert ["47", "5309"] == [i.key for i in m.issues]
        assert "yes" == stance(m, "UA", "5309")
        assert "no" == stance(m, "RU", "5309")
        assert "Yemen Arab Republic" == m.actor("Yemen Arab Republic").key
        assert "United States" == m.actor("US").name
        assert ("votes_sample.csv.gz",) == tuple(s.id for s in m.sources)
        for rcid, country, code, vote in raw[1:]:
            assert vote == stance(m, code or country, rcid)

    def test_empty_actor_without_fallback(self):
        """An empty actor code is an error naming line, column and a fix — never a guess."""
        with pytest.raises(ReadError, match="fallback") as info:
            sm.read_csv(
                VOTES, columns={**VOTE_COLUMNS, "actor": "country_code"}, scale=sm.Scale.votes()
            )
        assert (48, 3, "country_code", "") == (
            info.value.line,
            info.value.column,
            info.value.field,
            info.value.value,
        )

    def test_lenient_drops_and_reports(self):
        """Lenient mode leaves out the row with an empty code and reports it."""
        m, problems = sm.read_csv(
            VOTES,
            columns={**VOTE_COLUMNS, "actor": "country_code"},
            scale=sm.Scale.votes(),
            lenient=True,
        )
        assert [48] == [p.line for p in problems]
        assert 223 == len(m)

    def test_unknown_stance(self):
        """A value off the scale names line, column and value."""
        text = "who,what,how\r\nA,1,yes\r\nB,1,perhaps\r\n"
        with pytest.raises(ReadError, match="perhaps") as info:
            sm.read_csv(
                text,
                columns={"actor": "who", "issue": "what", "stance": "how"},
                scale=sm.Scale.votes(),
            )
        assert (3, 3, "perhaps") == (info.value.line, info.value.column, info.value.value)

    def test_stance_mapping(self):
        """stances= maps raw values onto the scale."""
        text = "who,what,how\nA,1,Y\nB,1,N\n"
        m = sm.read_csv(
            text,
            columns={"actor": "who", "issue": "what", "stance": "how"},
            scale=sm.Scale.votes(),
            stances={"Y": "yes", "N": "no"},
        )
        assert ["yes", "no"] == [c.stance for c in m]

    def test_missing_column(self):
        """A mapped column the header lacks is a read error naming it."""
        with pytest.raises(ReadError, match="missing required column 'vote'"):
            sm.read_csv("a,b,c\n1,2,3\n", columns={"actor": "a", "issue": "b", "stance": "vote"})

    def test_unmapped_field(self):
        """Mapping an unknown field, or leaving out a required one, is a usage error."""
        with pytest.raises(InvalidValueError):
            sm.read_csv("a,b\n1,2\n", columns={"actor": "a", "issue": "b"})
        with pytest.raises(InvalidValueError):
            sm.read_csv("a,b\n1,2\n", columns={"actor": "a", "issue": "b", "stance": "b", "x": "a"})

    def test_duplicate_claim(self):
        """The same vote twice is a duplicate claim at the second row's line."""
        text = "who,what,how\nA,1,yes\nB,1,no\nA,1,yes\n"
        with pytest.raises(ReadError, match="duplicate claim") as info:
            sm.read_csv(
                text,
                columns={"actor": "who", "issue": "what", "stance": "how"},
                scale=sm.Scale.votes(),
            )
        assert 4 == info.value.line

    def test_ragged_row(self):
        """A ragged row is reported at its line (a quoted newline counts as a line)."""
        text = 'who,what,how\nA,"1\n",yes\nB,1\n'
        with pytest.raises(ReadError, match="ragged") as info:
            sm.read_csv(
                text,
                columns={"actor": "who", "issue": "what", "stance": "how"},
                scale=sm.Scale.votes(),
            )
        assert 4 == info.value.line

    def test_dates_sources_text(self):
        """Dates, sources and text columns are mapped; dates are checked."""
        text = "who,what,how,when,src,why\nA,i,support,2025-03,s1,Because\nA,i,oppose,2024,s2,\n"
        columns = {
            "actor": "who",
            "issue": "what",
            "stance": "how",
            "date": "when",
            "source": "src",
            "summary": "why",
        }
        m = sm.read_csv(text, columns=columns)
        assert [("oppose", "2024", "s2", None), ("support", "2025-03", "s1", "Because")] == [
            (c.stance, str(c.date), c.source, c.summary) for c in m
        ]
        with pytest.raises(ReadError, match="2025-3") as info:
            sm.read_csv(text.replace("2025-03", "2025-3"), columns=columns)
        assert (2, 4) == (info.value.line, info.value.column)

    @settings(max_examples=50)
    @given(matrices(min_claims=1))
    def test_foreign_long_table(self, matrix):
        """A plain long table of claims (as pandas would write) reads back the same claims."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["actor", "issue", "stance", "source", "date", "summary", "quote", "note"])
        for c in matrix:
            writer.writerow(
                [
                    c.actor,
                    c.issue,
                    c.stance,
                    c.source,
                    c.date or "",
                    c.summary or "",
                    c.quote or "",
                    c.note or "",
                ]
            )
        columns = {
            f: f for f in ("actor", "issue", "stance", "source", "date", "summary", "quote", "note")
        }
        read = sm.read_csv(buffer.getvalue(), columns=columns, scale=matrix.scale)
        assert list(matrix) == sorted(read, key=lambda c: list(matrix).index(c))
        assert set(matrix) == set(read)


class TestRealVotes:
    def test_shared_votes_header(self):
        """The shared UNGA file has the columns the README maps (full reads are benchmarks)."""
        path = Path(__file__).resolve().parents[2] / "shared" / "data" / "unga" / "votes.csv.gz"
        if not path.exists():
            pytest.skip("shared UNGA data not present")
        with gzip.open(path, "rt", encoding="utf-8") as file:
            assert ["rcid", "country", "country_code", "vote"] == next(csv.reader(file))


ABC = {"actor": "a", "issue": "b", "stance": "c"}


class TestMappedEdges:
    def test_header_only(self):
        """A table with a header and no rows is an empty matrix."""
        assert 0 == len(sm.read_csv("a,b,c\r\n", columns=ABC))

    def test_every_row_ragged_lenient(self):
        """Lenient mode with no valid row returns an empty matrix and every problem."""
        m, problems = sm.read_csv("a,b,c\nx,1\ny\n", columns=ABC, lenient=True)
        assert (0, [2, 3]) == (len(m), [p.line for p in problems])

    def test_blank_line_inside(self):
        """A blank line between rows is a ragged row, not skipped silently."""
        with pytest.raises(ReadError, match="ragged") as info:
            sm.read_csv("a,b,c\nx,1,support\n\ny,1,oppose\n", columns=ABC)
        assert 3 == info.value.line

    def test_duplicate_shows_the_row(self):
        """A duplicate claim's error carries the row's values."""
        with pytest.raises(ReadError) as info:
            sm.read_csv("a,b,c\nx,1,support\nx,1,support\n", columns=ABC)
        assert (3, ["x", "1", "support"]) == (info.value.line, info.value.value)


# Text UTF-8 can hold (no lone surrogates), without the characters that need quoting.
plain_fields = st.text(
    alphabet=st.characters(blacklist_characters=',"\r\n\x00', blacklist_categories=["Cs"]),
    max_size=5,
)


class TestPlainSplit:
    @given(
        st.integers(1, 4).flatmap(
            lambda width: st.lists(
                st.lists(plain_fields, min_size=width, max_size=width).filter(
                    lambda row: any(row)  # an empty line is a ragged row, tested elsewhere
                ),
                min_size=1,
                max_size=6,
            )
        ),
        st.booleans(),
    )
    def test_same_as_csv_module(self, table, final_newline):
        """Quote-free tables split by str.split read exactly as the csv module reads them."""
        text = "\n".join(",".join(row) for row in table) + ("\n" if final_newline else "")
        parsed = Table.parse(open_stream(text.encode(), looks_like_text=""))
        got = [parsed.header, *(list(row) for row in zip(*parsed.columns, strict=True))]
        assert rows(text) == got


class TestOptions:
    @pytest.mark.parametrize(
        "option",
        [{"transpose": True}, {"actors": ["US"]}, {"cell": "summary"}, {"labels": "key"}],
    )
    def test_wide_options_refused_in_long(self, ukraine, option):
        """A wide-layout option given with the long layout is a mistake, not ignored."""
        with pytest.raises(InvalidValueError, match="wide-layout option"):
            ukraine.to_csv(**option)

    def test_unknown_layout(self, ukraine):
        """Only the long and wide layouts exist."""
        with pytest.raises(InvalidValueError, match="'long' or 'wide'"):
            ukraine.to_csv(layout="tall")

    def test_lenient_drops_every_duplicate(self):
        """Lenient mode leaves out each repeated claim, reporting each repeat's line."""
        text = "a,b,c\nx,1,support\ny,1,oppose\nx,1,support\ny,1,oppose\nx,1,support\n"
        m, problems = sm.read_csv(text, columns=ABC, lenient=True)
        assert [("x", "support"), ("y", "oppose")] == [(c.actor, c.stance) for c in m]
        assert [4, 5, 6] == [p.line for p in problems]

    def test_first_repeat_reported(self):
        """Strict mode reports the first repeated row in file order."""
        text = "a,b,c\ny,1,oppose\nx,1,support\nx,1,support\ny,1,oppose\n"
        with pytest.raises(ReadError) as info:
            sm.read_csv(text, columns=ABC)
        assert 4 == info.value.line

    def test_quoted_multiline_lines(self):
        """With quoted newlines, errors name the line a row starts on."""
        text = 'a,b,c\nx,"1\n2",support\ny,1,maybe\n'
        with pytest.raises(ReadError, match="maybe") as info:
            sm.read_csv(text, columns=ABC)
        assert 4 == info.value.line


class TestFastLong:
    @given(hostile_matrices(), st.booleans())
    def test_written_as_csv_writer_writes(self, m, safe):
        """The claim rows are the text csv.writer gives for their fields, quoting included."""
        text = m.to_csv(spreadsheet_safe=safe)
        rows = list(csv.reader(io.StringIO(text, newline="")))
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        assert out.getvalue() == text
        claims = [row for row in rows if row[0] == "claim"]
        mark = neutralise_formula if safe else str
        expected = [
            [
                "claim",
                *(
                    "" if value is None else mark(str(value))
                    for value in (c.actor, c.issue, c.stance, c.source, c.date)
                ),
                *("" if value is None else mark(value) for value in (c.summary, c.quote, c.note)),
                *[""] * (len(COLUMNS) - 9),
            ]
            for c in m
        ]
        assert expected == claims

    @given(hostile_matrices(), st.booleans())
    def test_fast_path_reads_what_is_written(self, m, safe):
        """The column-wise reader reads every file the writer writes, equal to the matrix."""
        assert m == csvlong._fast([m.to_csv(spreadsheet_safe=safe)], "<string>")

    def test_claim_rows_first_take_the_located_path(self):
        """Claims before their declarations are not the fast path's, and still read."""
        m = sm.read_csv(VOTES, columns=VOTE_COLUMNS, scale=sm.Scale.votes())
        lines = m.to_csv().splitlines(keepends=True)
        first_claim = next(k for k, line in enumerate(lines) if line.startswith("claim,"))
        moved = lines[:2] + lines[first_claim:] + lines[2:first_claim]
        assert None is csvlong._fast(["".join(moved)], "<string>")
        assert m == sm.read_csv(io.StringIO("".join(moved)))

    def test_error_keeps_its_line(self):
        """A bad claim deep in a file is reported with its line, as before."""
        m = sm.read_csv(VOTES, columns=VOTE_COLUMNS, scale=sm.Scale.votes())
        lines = m.to_csv().splitlines(keepends=True)
        lines[-3] = lines[-3].replace(",yes,", ",maybe,").replace(",no,", ",maybe,")
        lines[-3] = lines[-3].replace(",abstain,", ",maybe,").replace(",absent,", ",maybe,")
        with pytest.raises(ReadError, match=rf"<string>:{len(lines) - 2}:4: .*maybe"):
            sm.read_csv("".join(lines))
