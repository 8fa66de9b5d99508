"""Hostile input to the CSV reader: each bad file is a ReadError naming where, or is read
exactly as written.

Cases already checked exactly in ``test_csv.py`` (an unknown stance's location, invalid
UTF-8's line and column, a duplicate actor) are not repeated here.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import stancematrix as sm
from stancematrix._io.csv import COLUMNS
from stancematrix.exceptions import ReadError
from tests.timing import BOUND, timed

VOTES = {"actor": "who", "issue": "what", "stance": "how"}


def sample() -> sm.StanceMatrix:
    return sm.StanceMatrix.from_positions(
        [sm.Position("US", "energy", "support", "s1", summary="Cuts gas imports", date="2025-03")],
        actors=[sm.Actor("US", "United States")],
        issues=[sm.Issue("energy", "Energy", "Prop.")],
        sources=[sm.Source("s1", "Source one")],
    )


SAMPLE = sample()
LINES = SAMPLE.to_csv().split("\r\n")  # ends with "" after the last CRLF
CLAIM = next(k for k, line in enumerate(LINES) if line.startswith("claim,"))
HEADER = LINES[0]


def join(lines: list[str], end: str = "\r\n") -> str:
    return end.join(lines)


def edited(k: int, old: str, new: str) -> str:
    """The sample with the first *old* in line index *k* replaced by *new*."""
    lines = list(LINES)
    assert old in lines[k]
    lines[k] = lines[k].replace(old, new, 1)
    return join(lines)


def where(error: ReadError) -> tuple[object, ...]:
    return (error.source, error.line, error.column, error.field, error.value)


def col(field: str) -> int:
    return COLUMNS.index(field) + 1


def read_error(data: object, **options: object) -> ReadError:
    with pytest.raises(ReadError) as info:
        sm.read_csv(data, **options)  # type: ignore[call-overload]
    return info.value


class TestEmptyAndHeader:
    def test_empty_file(self, tmp_path: Path):
        """An empty file is not a long CSV: line 1 of that file, no value."""
        path = tmp_path / "empty.csv"
        path.write_bytes(b"")
        error = read_error(path)
        assert (str(path), 1, None, None, None) == where(error)
        assert "not a stancematrix long CSV" in error.reason

    def test_empty_bytes(self):
        """Empty bytes are an empty file too."""
        assert ("<bytes>", 1, None, None, None) == where(read_error(b""))

    def test_header_only(self):
        """A header without the format record says the format record is missing at line 2."""
        error = read_error(HEADER + "\r\n")
        assert ("<string>", 2, None, None, None) == where(error)
        assert "no format record" in error.reason

    def test_header_only_file_without_line_end(self, tmp_path: Path):
        """The header alone, without a line end, is the same error."""
        path = tmp_path / "header.csv"
        path.write_text(HEADER, encoding="utf-8")
        assert (str(path), 2, None, None, None) == where(read_error(path))

    @pytest.mark.parametrize(
        ("header", "column", "field"),
        [
            (HEADER.replace(",note,", ","), col("note"), "note"),  # missing
            (HEADER + ",extra", len(COLUMNS) + 1, None),  # extra
            (HEADER.replace(",note,", ",quote,"), col("note"), "note"),  # duplicated
            (HEADER.replace(",note,", ",notes,"), col("note"), "note"),  # renamed
            (HEADER.replace("record,", "Record,"), 1, "record"),  # odd case
            (HEADER.replace(",symbol", ""), col("symbol"), "symbol"),  # last one missing
        ],
        ids=["missing", "extra", "duplicated", "renamed", "odd-case", "last-missing"],
    )
    def test_wrong_columns(self, header: str, column: int, field: str | None):
        """A header that differs from the long layout names the first column that differs."""
        error = read_error(join([header, *LINES[1:]]))
        assert ("<string>", 1, column, field, header) == where(error)
        assert "pass columns=" in error.reason


class TestRecords:
    def test_no_format_record(self):
        """The format record must come first; another record there is named."""
        lines = [LINES[0], *LINES[2:]]
        error = read_error(join(lines))
        assert ("<string>", 2, 1, "record", "scale") == where(error)

    def test_format_record_twice(self):
        """A second format record is an error at its line."""
        lines = [*LINES[:3], LINES[1], *LINES[3:]]
        assert ("<string>", 4, 1, "record", "format") == where(read_error(join(lines)))

    def test_format_version(self):
        """Another format version is rejected, naming the value."""
        error = read_error(edited(1, ",2,", ",3,"))
        assert ("<string>", 2, col("value"), "value", "3") == where(error)

    def test_format_key(self):
        """The format record's key is spreadsheet-safe or plain, nothing else."""
        error = read_error(edited(1, "spreadsheet-safe", "Spreadsheet-Safe"))
        assert ("<string>", 2, col("key"), "key", "Spreadsheet-Safe") == where(error)

    def test_unknown_record(self):
        """An unknown record kind (here a plural) is named, not skipped."""
        error = read_error(edited(CLAIM, "claim,", "claims,"))
        assert ("<string>", CLAIM + 1, 1, "record", "claims") == where(error)

    def test_field_the_record_lacks(self):
        """A value in a column the record does not have is an error at that column."""
        lines = list(LINES)
        lines[CLAIM] += "x"  # the last column, series, is not a claim's
        error = read_error(join(lines))
        assert ("<string>", CLAIM + 1, col("series"), "series", "x") == where(error)

    def test_scale_twice(self):
        """A second scale record is an error, not a replacement."""
        lines = [*LINES[:3], LINES[2], *LINES[3:]]
        assert ("<string>", 4, 1, "record", "scale") == where(read_error(join(lines)))

    def test_metadata_key_twice(self):
        """A repeated metadata key is an error at the repeat, not last-wins."""
        first = "metadata,,,,,,,,,k,,,,,,,,,,,,,,v,,,,"
        lines = [*LINES[:2], first, first.replace(",v,", ",w,"), *LINES[2:]]
        assert ("<string>", 4, col("key"), "key", "k") == where(read_error(join(lines)))


class TestRows:
    def test_short_row(self):
        """A row with too few fields is ragged, at its line, carrying the row."""
        lines = list(LINES)
        lines[CLAIM] = lines[CLAIM].rsplit(",", 3)[0]
        error = read_error(join(lines))
        assert (CLAIM + 1, len(COLUMNS) - 3) == (error.line, len(error.value))  # type: ignore[arg-type]
        assert "ragged row" in error.reason

    def test_long_row(self):
        """A row with an extra field is ragged too, never trimmed."""
        error = read_error(edited(CLAIM, "imports,", "imports,,"))
        assert (CLAIM + 1, len(COLUMNS) + 1) == (error.line, len(error.value))  # type: ignore[arg-type]

    def test_unterminated_quote_at_end(self):
        """A quote still open at the end of the file is malformed CSV at the last line."""
        text = join(LINES[:CLAIM]) + '\r\nclaim,US,energy,support,s1,,"Cuts gas'
        error = read_error(text)
        assert ("<string>", CLAIM + 1) == (error.source, error.line)
        assert "malformed CSV" in error.reason

    def test_unterminated_quote_swallowing_lines(self):
        """A quote opened mid-file is malformed CSV, not a field running to the end."""
        error = read_error(edited(CLAIM, ",Cuts", ',"Cuts'))
        assert "malformed CSV" in error.reason
        assert CLAIM + 1 == error.line

    def test_quote_inside_unquoted_field_is_kept(self):
        """A stray quote inside an unquoted field is data, kept exactly."""
        m = sm.read_csv(edited(CLAIM, "Cuts", 'C"uts'))
        assert 'C"uts gas imports' == m.claims()[0].summary


class TestEncodingAndLineEnds:
    def test_bom(self):
        """A UTF-8 byte-order mark is dropped, from bytes, text and gzip alike."""
        data = SAMPLE.to_csv().encode()
        assert SAMPLE == sm.read_csv(b"\xef\xbb\xbf" + data)
        assert SAMPLE == sm.read_csv("\ufeff" + SAMPLE.to_csv())
        assert SAMPLE == sm.read_csv(gzip.compress(b"\xef\xbb\xbf" + data))

    def test_bom_mid_file_is_data(self):
        """Only a leading BOM is dropped; U+FEFF inside a field is kept."""
        m = sm.read_csv(edited(CLAIM, "Cuts", "\ufeffCuts"))
        assert "\ufeffCuts gas imports" == m.claims()[0].summary

    @pytest.mark.parametrize("end", ["\r\n", "\n", "\r"], ids=["CRLF", "LF", "CR"])
    def test_line_ends(self, end: str):
        """CRLF, LF and lone CR line ends read the same matrix."""
        assert SAMPLE == sm.read_csv(join(LINES, end))

    @pytest.mark.parametrize("end", ["\r\n", "\n", "\r"], ids=["CRLF", "LF", "CR"])
    def test_line_numbers_with_any_line_end(self, end: str):
        """Errors name the same line whatever the line ends are."""
        lines = list(LINES)
        lines[CLAIM] = lines[CLAIM].replace("support", "maybe")
        assert CLAIM + 1 == read_error(join(lines, end)).line

    def test_line_ends_inside_fields_kept(self):
        """CR, LF and CRLF inside a quoted field are data, kept exactly."""
        m = sm.StanceMatrix.from_positions(
            [sm.Position("A", "I", "support", "S", summary="a\rb\nc\r\nd\n\re")],
            actors=[sm.Actor("A", "A")],
            issues=[sm.Issue("I", "I", "p")],
            sources=[sm.Source("S", "S")],
        )
        assert m == sm.read_csv(m.to_csv())
        assert m == sm.read_csv(m.to_csv(spreadsheet_safe=False).encode())

    def test_invalid_utf8_in_gzip(self):
        """Invalid UTF-8 inside gzip data is located in the decompressed text."""
        data = edited(CLAIM, "Cuts", "Cu\udcfats").encode("utf-8", "surrogateescape")
        error = read_error(gzip.compress(data))
        assert ("<bytes>", CLAIM + 1, len("claim,US,energy,support,s1,2025-03,Cu") + 1) == (
            error.source,
            error.line,
            error.column,
        )

    def test_latin1_file(self, tmp_path: Path):
        """A Latin-1 export is not guessed at: invalid UTF-8 at its byte, naming the file."""
        path = tmp_path / "latin1.csv"
        path.write_bytes(edited(CLAIM, "Cuts", "Coupe française").encode("latin-1"))
        error = read_error(path)
        column = len("claim,US,energy,support,s1,2025-03,Coupe fran") + 1
        assert (str(path), CLAIM + 1, column) == (error.source, error.line, error.column)

    def test_nul_bytes_preserved(self):
        """NUL bytes in a field are data: read, and written back, exactly."""
        m = sm.read_csv(edited(CLAIM, "Cuts", "Cu\x00ts").encode())
        assert "Cu\x00ts gas imports" == m.claims()[0].summary
        assert m == sm.read_csv(m.to_csv())


class TestStances:
    @pytest.mark.parametrize("stance", ["Support", "SUPPORT", "support ", " support", "sup port"])
    def test_odd_case_or_spaces_rejected(self, stance: str):
        """Stances are matched exactly: odd case or spaces are errors at the stance field."""
        error = read_error(edited(CLAIM, ",support,", f",{stance},"))
        assert ("<string>", CLAIM + 1, col("stance"), "stance", stance) == where(error)

    def test_mapped_odd_case_rejected(self):
        """In a mapped table too, 'Yes' is not 'yes' unless stances= says so."""
        text = "who,what,how\nA,1,Yes\n"
        error = read_error(text, columns=VOTES, scale=sm.Scale.votes())
        assert ("<string>", 2, 3, "how", "Yes") == where(error)
        m = sm.read_csv(text, columns=VOTES, scale=sm.Scale.votes(), stances={"Yes": "yes"})
        assert ["yes"] == [c.stance for c in m]

    def test_mapping_to_unknown_label(self):
        """A stances= mapping onto a label off the scale is an error at the cell."""
        error = read_error(
            "who,what,how\nA,1,Y\n", columns=VOTES, scale=sm.Scale.votes(), stances={"Y": "Yes"}
        )
        assert ("<string>", 2, 3, "how", "Y") == where(error)

    def test_empty_stance(self):
        """An empty stance is an error, not 'no position reported'."""
        error = read_error(edited(CLAIM, ",support,", ",,"))
        assert (CLAIM + 1, col("stance"), "stance") == (error.line, error.column, error.field)


class TestDates:
    @pytest.mark.parametrize(
        ("date", "reason"),
        [
            ("2025-02-30", "not a day"),  # invalid
            ("2025-13", "between 1 and 12"),  # invalid
            ("2025-00", "between 1 and 12"),  # invalid
            ("0000", "between 1 and 9999"),  # out of range
            ("10000", "expected YYYY"),  # out of range
            ("2025-03-01T10:00", "expected YYYY"),  # impossible precision
            ("2025-03-01-01", "expected YYYY"),  # impossible precision
            ("2025-3", "expected YYYY"),  # not the documented form
            ("25", "expected YYYY"),
            ("2025/2024", "ends before it starts"),
            ("2025/", "expected YYYY"),
            ("/2025", "expected YYYY"),
            (" 2025", "expected YYYY"),
        ],
    )
    def test_claim_date(self, date: str, reason: str):
        """An invalid claim date is an error at the date field, naming the value."""
        error = read_error(edited(CLAIM, "2025-03", date))
        assert ("<string>", CLAIM + 1, col("date"), "date", date) == where(error)
        assert reason in error.reason

    def test_period_in_a_partial_date_field(self):
        """A source's published date is one date; a period there is an error."""
        k = LINES.index(next(line for line in LINES if line.startswith("source,")))
        lines = list(LINES)
        cells = lines[k].split(",")
        cells[COLUMNS.index("published")] = "2024/2025"
        lines[k] = ",".join(cells)
        error = read_error(join(lines))
        assert ("<string>", k + 1, col("published"), "published", "2024/2025") == where(error)

    def test_mapped_date(self):
        """A mapped date column is checked the same way."""
        text = "who,what,how,when\nA,1,yes,2025\nB,1,no,2024-02-30\n"
        error = read_error(text, columns={**VOTES, "date": "when"}, scale=sm.Scale.votes())
        assert ("<string>", 3, 4, "when", "2024-02-30") == where(error)


class TestDeclarations:
    def test_duplicate_claim(self):
        """A repeated claim row is an error at the repeat."""
        lines = [*LINES[:CLAIM], LINES[CLAIM], *LINES[CLAIM:]]
        error = read_error(join(lines))
        assert ("<string>", CLAIM + 2) == (error.source, error.line)
        assert "duplicate claim" in error.reason

    def test_same_claim_different_text_is_two_claims(self):
        """The same cell with different summaries is two claims, both kept."""
        second = LINES[CLAIM].replace("Cuts gas imports", "Ends gas imports")
        m = sm.read_csv(join([*LINES[:CLAIM], second, *LINES[CLAIM:]]))
        assert ["Cuts gas imports", "Ends gas imports"] == [c.summary for c in m]

    @pytest.mark.parametrize(
        ("field", "old", "new"),
        [("actor", "US", "UA"), ("issue", "energy", "oil"), ("source", "s1", "s2")],
    )
    def test_undeclared(self, field: str, old: str, new: str):
        """A claim for an undeclared actor, issue or source names the field and value."""
        error = read_error(edited(CLAIM, f",{old},", f",{new},"))
        assert ("<string>", CLAIM + 1, col(field), field, new) == where(error)
        assert f"unknown {field} {new!r}" in error.reason

    def test_undeclared_case(self):
        """Keys in claims are matched exactly: 'us' is not the declared 'US'."""
        error = read_error(edited(CLAIM, ",US,", ",us,"))
        assert (CLAIM + 1, col("actor"), "us") == (error.line, error.column, error.value)

    @pytest.mark.parametrize("record", ["issue", "source"])
    def test_duplicate_declaration(self, record: str):
        """A second issue or source with the same key is an error at its line."""
        k = next(k for k, line in enumerate(LINES) if line.startswith(f"{record},"))
        lines = [*LINES[: k + 1], LINES[k], *LINES[k + 1 :]]
        error = read_error(join(lines))
        assert (k + 2, col("key"), "key") == (error.line, error.column, error.field)

    def test_mapped_duplicate_column(self):
        """A mapped table whose header repeats a column is an error at the repeat."""
        error = read_error("who,what,how,what\nA,1,yes,2\n", columns=VOTES, scale=sm.Scale.votes())
        assert ("<string>", 1, 4, None, "what") == where(error)

    def test_mapped_missing_column(self):
        """A mapped column the header lacks names the column."""
        error = read_error("who,what\nA,1\n", columns=VOTES)
        assert ("<string>", 1, None, "how", None) == where(error)

    def test_mapped_empty_file(self):
        """An empty file has none of the mapped columns."""
        error = read_error(b"", columns=VOTES)
        assert ("<bytes>", 1, None, "who", None) == where(error)

    def test_mapped_header_only(self):
        """A mapped table with a header and no rows is a matrix without claims."""
        m = sm.read_csv("who,what,how\r\n", columns=VOTES, cite="src")
        assert (0, [], ["src"]) == (len(m), list(m.actors), [s.id for s in m.sources])


class TestLevels:
    @pytest.mark.parametrize(
        "value", ["inf", "-inf", "nan", "1e999", "", "one", "1_0", " 3", "+3", "0x10", "9" * 5000]
    )
    def test_bad_level_value(self, value: str):
        """A level value must be a finite number written plainly."""
        k = next(k for k, line in enumerate(LINES) if line.startswith("level,"))
        lines = list(LINES)
        lines[k] = lines[k].replace(",-2,", f",{value},")
        error = read_error(join(lines))
        assert (k + 1, col("value"), "value") == (error.line, error.column, error.field)


class TestLargeAndCompressed:
    def test_very_long_field(self):
        """A 1 MB field reads back whole (longer than the csv module's default limit)."""
        text = "x" * 1_000_000
        m = sm.read_csv(edited(CLAIM, "Cuts gas imports", text))
        assert text == m.claims()[0].summary

    def test_very_long_mapped_field(self):
        """A mapped table's long field reads back whole too."""
        text = "y" * 300_000
        m = sm.read_csv(
            f"who,what,how,why\nA,1,yes,{text}\n",
            columns={**VOTES, "summary": "why"},
            scale=sm.Scale.votes(),
        )
        assert text == m.claims()[0].summary

    @pytest.mark.parametrize("keep", [2, 10, 0.5, -8, -1])
    def test_truncated_gzip(self, tmp_path: Path, keep: float):
        """A gzip file cut anywhere is a ReadError naming the file, never a partial read."""
        data = gzip.compress(SAMPLE.to_csv().encode())
        cut = int(len(data) * keep) if isinstance(keep, float) else keep
        path = tmp_path / "m.csv.gz"
        path.write_bytes(data[:cut])
        error = read_error(path)
        assert str(path) == error.source
        assert "gzip" in error.reason

    def test_corrupt_gzip(self):
        """A gzip stream with a flipped byte is a ReadError, not garbage text."""
        data = bytearray(gzip.compress(SAMPLE.to_csv().encode()))
        data[len(data) // 2] ^= 0xFF
        assert "gzip" in read_error(bytes(data)).reason


class TestHangs:
    def test_many_duplicate_claims_lenient(self):
        """Lenient reading of 4,000 repeated claim rows collects each in one pass."""
        text = join(LINES[:-1] + [LINES[CLAIM]] * 4_000 + [""])
        took, (m, problems) = timed(lambda: sm.read_csv(text, lenient=True))
        assert (True, 1, 4_000) == (took < BOUND, len(m), len(problems))

    def test_many_duplicate_mapped_rows_lenient(self):
        """Lenient reading of 4,000 repeated mapped rows collects each in one pass."""
        text = "who,what,how\n" + "A,1,yes\n" * 4_001
        took, (m, problems) = timed(
            lambda: sm.read_csv(text, columns=VOTES, scale=sm.Scale.votes(), lenient=True)
        )
        assert (True, 1, 4_000) == (took < BOUND, len(m), len(problems))


class TestLoneSurrogates:
    def test_long_layout(self):
        """A lone surrogate in CSV text is a ReadError at its line and column."""
        error = read_error(edited(CLAIM, "Cuts gas imports", "Cuts \ud800"))
        assert (CLAIM + 1, "\\ud800 is a lone surrogate, not a character") == (
            error.line,
            error.reason,
        )

    def test_mapped(self):
        """A mapped table's lone surrogate is a ReadError at its line and column."""
        with pytest.raises(ReadError, match="lone surrogate") as info:
            sm.read_csv(
                "who,what,how,why\nA,1,yes,a\ud800\n",
                columns={**VOTES, "summary": "why"},
                scale=sm.Scale.votes(),
            )
        assert (2, 10) == (info.value.line, info.value.column)
