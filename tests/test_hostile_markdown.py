"""Hostile input to the Markdown reader: each bad table is a ReadError naming the file,
line, column and value, or the claims are exactly the cells GFM shows.

Cases checked exactly in ``test_markdown.py`` (a ragged row's line, a duplicate claim's
line and column, a mapped stance off the scale) are not repeated here. The reader has no
dates, so the date cases of the other readers do not apply.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import stancematrix as sm
from stancematrix.exceptions import ReadError
from tests.timing import BOUND, timed

markdown_it = pytest.importorskip("markdown_it")

TABLE = "| Issue | A | B |\n|---|---|---|\n| i | x | y |\n| j | z |  |\n"
CELLS = [("A", "i", "x"), ("A", "j", "z"), ("B", "i", "y")]


def cells(matrix: sm.StanceMatrix) -> list[tuple[str, str, str | None]]:
    return [(c.actor, c.issue, c.summary) for c in matrix]


def where(error: ReadError) -> tuple[object, ...]:
    return (error.source, error.line, error.column, error.field, error.value)


def read_error(data: object, **options: object) -> ReadError:
    with pytest.raises(ReadError) as info:
        sm.read_markdown(data, **options)  # type: ignore[call-overload]
    return info.value


def gfm_cells(markdown: str) -> list[list[str]]:
    """The text of each table cell as a GFM parser (markdown-it-py) shows it."""
    parser = markdown_it.MarkdownIt("commonmark").enable("table")
    rows: list[list[str]] = []
    for token in parser.parse(markdown):
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append("".join(child.content for child in token.children or []))
    return rows


class TestEmptyAndHeader:
    def test_empty_file(self, tmp_path: Path):
        """An empty file holds no table: a matrix without claims citing the file."""
        path = tmp_path / "empty.md"
        path.write_bytes(b"")
        m = sm.read_markdown(path)
        assert (0, [], [], ["empty.md"]) == (
            len(m),
            list(m.actors),
            list(m.issues),
            [s.id for s in m.sources],
        )

    def test_no_table(self):
        """Text without a pipe table is a matrix without claims, not an error."""
        assert [] == cells(sm.read_markdown("# Title\n\nSome text | with a pipe.\n"))

    def test_header_only(self):
        """A header and delimiter row without rows declares the actors and no claims."""
        m = sm.read_markdown("| Issue | A | B |\n|---|---|---|\n")
        assert (["A", "B"], [], 0) == ([a.key for a in m.actors], list(m.issues), len(m))

    def test_header_without_delimiter(self):
        """A pipe line without a delimiter row under it is not a table (as in GFM)."""
        text = "| Issue | A |\n| i | x |\n"
        assert [] == gfm_cells(text)
        assert [] == cells(sm.read_markdown(text))

    def test_delimiter_of_another_width(self):
        """A delimiter row whose cell count differs from the header's is not a table."""
        text = "| Issue | A |\n|---|\n| i | x |\n"
        assert [] == gfm_cells(text)
        assert [] == cells(sm.read_markdown(text))


class TestColumns:
    def test_missing_cell(self):
        """A row with a cell missing is ragged at its line, never padded as GFM would."""
        text = "| Issue | A | B |\n|---|---|---|\n| i | x |\n"
        error = read_error(text)
        assert ("<string>", 3, 1, None, "| i | x |") == where(error)
        assert "ragged row: 2 cells where the header has 3" == error.reason

    def test_extra_cell(self):
        """A row with an extra cell is ragged, never trimmed as GFM would."""
        text = "| Issue | A |\n|---|---|\n| i | x | y |\n"
        assert ["i", "x"] == gfm_cells(text)[1]  # what GFM would silently show
        error = read_error(text)
        assert ("<string>", 3, 1, None, "| i | x | y |") == where(error)

    def test_row_without_outer_pipes(self):
        """Outer pipes are optional, as in GFM."""
        text = "Issue | A | B\n---|:-:|--:\ni | x | y\nj | z | w\n"
        assert [["Issue", "A", "B"], ["i", "x", "y"], ["j", "z", "w"]] == gfm_cells(text)
        assert [*CELLS[:2], ("B", "i", "y"), ("B", "j", "w")] == cells(sm.read_markdown(text))

    def test_duplicated_column(self):
        """Two columns with one header are both read: one claim per cell, none dropped."""
        m = sm.read_markdown("| Issue | A | A |\n|---|---|---|\n| i | x | y |\n")
        assert [("A", "i", "x"), ("A", "i", "y")] == cells(m)

    def test_duplicated_column_same_text(self):
        """The same text under both is one claim given twice: an error at the second cell."""
        error = read_error("| Issue | A | A |\n|---|---|---|\n| i | x | x |\n")
        assert ("<string>", 3, 3, None, "x") == where(error)
        assert "duplicate claim" in error.reason

    def test_headers_clashing_by_case(self):
        """Headers differing only in case would be one actor twice: named where."""
        error = read_error("| Issue | A | a |\n|---|---|---|\n| i | x | y |\n")
        assert ("<string>", 1, 3, None, "a") == where(error)

    def test_row_labels_clashing_by_case(self):
        """Row labels differing only in case are named at the second row."""
        error = read_error("| Issue | A |\n|---|---|\n| i | x |\n| I | y |\n")
        assert ("<string>", 4, 1, None, "I") == where(error)

    def test_empty_header(self):
        """An empty header cell cannot name an actor: an error at its column."""
        error = read_error("| Issue |  |\n|---|---|\n| i | x |\n")
        assert ("<string>", 1, 2, None, "") == where(error)

    def test_empty_row_label(self):
        """An empty row label cannot name an issue: an error at its row."""
        error = read_error("| Issue | A |\n|---|---|\n|  | x |\n")
        assert ("<string>", 3, 1, None, "") == where(error)

    def test_unmapped_columns_left_out(self):
        """With actors=, columns not in it are left out, as documented."""
        m = sm.read_markdown(TABLE, actors={"A": "US"})
        assert [("US", "i", "x"), ("US", "j", "z")] == cells(m)


class TestPipesAndCode:
    @pytest.mark.parametrize(
        ("row", "expected"),
        [
            ("| i | a \\| b |", "a | b"),  # an escaped pipe is text
            ("| i | a\\\\\\| b |", "a\\| b"),  # an escaped backslash, then an escaped pipe
            ("| i | a\\\\|", "a|"),  # GFM: the pipe after a backslash is escaped
            ("| i | `x \\| y` |", "`x | y`"),  # in a code span too
        ],
    )
    def test_escaped_pipes_as_gfm(self, row: str, expected: str):
        """Cells split exactly where GFM splits them and keep the text it shows."""
        text = f"| Issue | A |\n|---|---|\n{row}\n"
        shown = gfm_cells(text)[1][1]
        assert [expected] == [c.summary for c in sm.read_markdown(text)]
        assert expected.replace("`", "") == shown  # GFM shows code spans' text

    def test_unescaped_pipe_in_code_span(self):
        """An unescaped pipe in a code span still splits the row (as in GFM): ragged."""
        error = read_error("| Issue | A |\n|---|---|\n| i | `x | y` |\n")
        assert (3, "ragged row: 3 cells where the header has 2") == (error.line, error.reason)

    @pytest.mark.parametrize("fence", ["```", "~~~", "````markdown"])
    def test_table_in_fenced_code_is_code(self, fence: str):
        """A table inside a fenced code block is shown as code, so it gives no claims."""
        close = fence.rstrip("markdown")
        text = f"Example:\n\n{fence}\n| Issue | C |\n|---|---|\n| k | w |\n{close}\n\n{TABLE}"
        assert 1 == len([row for row in gfm_cells(text) if row == ["Issue", "A", "B"]])
        assert CELLS == cells(sm.read_markdown(text))

    def test_unclosed_fence_hides_the_rest(self):
        """An unclosed fence runs to the end of the document, as in GFM."""
        assert [] == cells(sm.read_markdown("```\n" + TABLE))


class TestEncodingAndLineEnds:
    def test_bom(self):
        """A UTF-8 byte-order mark is dropped."""
        assert CELLS == cells(sm.read_markdown(b"\xef\xbb\xbf" + TABLE.encode()))

    def test_invalid_utf8(self):
        """Invalid UTF-8 names the line and column of the bad byte."""
        error = read_error(TABLE.encode().replace(b"| z |", b"| \xc3( |"))
        assert ("<bytes>", 4, 7, None, None) == where(error)
        assert "invalid UTF-8 (byte 0xc3)" == error.reason

    @pytest.mark.parametrize("end", ["\r\n", "\r"], ids=["CRLF", "CR"])
    def test_line_ends(self, end: str):
        """CRLF and lone-CR line ends read the same cells, errors the same lines."""
        assert CELLS == cells(sm.read_markdown(TABLE.replace("\n", end)))
        error = read_error((TABLE + "| k | w |\n").replace("\n", end))
        assert 5 == error.line

    def test_nul_bytes_kept_when_read(self):
        """A NUL byte in a cell is kept in the claim's text (and shown as U+FFFD when
        rendered, since CommonMark cannot carry it)."""
        m = sm.read_markdown(TABLE.replace("| x |", "| x\x00y |").encode())
        assert "x\x00y" == m.claims("A", "i")[0].summary
        assert "| x\ufffdy |" in m.to_markdown(cell="summary", labels="key")

    def test_character_references(self):
        """&#0; and surrogate references are U+FFFD, as CommonMark says; others decode."""
        text = TABLE.replace("| x |", "| &#0;&#xD800;&amp;&#x1F600; |")
        assert "\ufffd\ufffd&\U0001f600" == sm.read_markdown(text).claims("A", "i")[0].summary


class TestStances:
    @pytest.mark.parametrize("label", ["Support", "support ", "SUPPORT"])
    def test_mapped_to_odd_case(self, label: str):
        """stances= must map onto the scale's exact labels; others name the cell."""
        error = read_error(TABLE, stances={"x": label})
        assert ("<string>", 3, 2, None, "x") == where(error)

    def test_cell_text_matched_exactly(self):
        """stances= keys match the cell's text exactly: 'X' is not 'x'."""
        m = sm.read_markdown(TABLE, stances={"X": "support"})
        assert {"no position reported"} == {c.stance for c in m}

    def test_cell_padding_is_not_text(self):
        """Spaces around a cell's text are table padding (GFM strips them), not text."""
        m = sm.read_markdown(TABLE.replace("| x |", "|    x      |"), stances={"x": "support"})
        assert "support" == m.claims("A", "i")[0].stance


class TestLargeAndCompressed:
    def test_very_long_cell(self):
        """A 1 MB cell reads back whole."""
        text = "w" * 1_000_000
        m = sm.read_markdown(TABLE.replace("| x |", f"| {text} |"))
        assert text == m.claims("A", "i")[0].summary

    def test_many_rows(self):
        """10,000 rows read in order, none dropped."""
        rows = "".join(f"| r{k} | {k} |\n" for k in range(10_000))
        m = sm.read_markdown("| Issue | A |\n|---|---|\n" + rows)
        assert [str(k) for k in range(10_000)] == [c.summary for c in m.claims("A")]

    @pytest.mark.parametrize("keep", [2, 10, 0.5, -1])
    def test_truncated_gzip(self, tmp_path: Path, keep: float):
        """A gzip file cut anywhere is a ReadError naming the file."""
        data = gzip.compress(TABLE.encode())
        path = tmp_path / "t.md.gz"
        path.write_bytes(data[: int(len(data) * keep) if isinstance(keep, float) else keep])
        error = read_error(path)
        assert (str(path), True) == (error.source, "gzip" in error.reason)


class TestHangs:
    def test_spaces_under_a_header(self):
        """A long run of spaces under a table header is read at once, not backtracked."""
        took, m = timed(lambda: sm.read_markdown("|a|b|\n" + " " * 20_000 + "x\n"))
        assert (True, 0) == (took < BOUND, len(m))

    def test_padded_delimiter_row_still_a_table(self):
        """A delimiter row with spaces around it still starts a table."""
        m = sm.read_markdown("| Issue | A |\n   |  ---  |  ---  |   \n| i | x |\n")
        assert [("A", "i", "x")] == cells(m)

    def test_many_duplicates_lenient(self):
        """Lenient reading of 4,000 duplicate rows collects 3,999 problems in one pass."""
        text = "| Issue | A |\n|---|---|\n" + "| i | x |\n" * 4_000
        took, (m, problems) = timed(lambda: sm.read_markdown(text, lenient=True))
        assert (True, 1, 3_999) == (took < BOUND, len(m), len(problems))


class TestLoneSurrogates:
    def test_refused_at_its_place(self):
        """A lone surrogate in Markdown text is a ReadError at its line and column."""
        error = read_error("| Issue | A |\n|---|---|\n| i | x\udc00 |\n")
        assert ("<string>", 3, 8) == (error.source, error.line, error.column)
        assert "lone surrogate" in error.reason
