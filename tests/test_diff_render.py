from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings

import stancematrix as sm
from stancematrix._diff.values import CHANGE_KINDS
from tests.conftest import ROOT
from tests.strategies import matrix_pairs

DATA = ROOT / "tests" / "data"
FORMATS = {
    "txt": lambda d: d.to_text(),
    "md": lambda d: d.to_markdown(),
    "csv": lambda d: d.to_csv(),
    "html": lambda d: d.to_html(),
    "json": lambda d: d.to_json(),
}


def snapshots() -> sm.MatrixDiff:
    m = sm.load_dataset("ukraine")
    return sm.diff(m.as_of("2025-03"), m.as_of("2025-07"))


def build(summary: str) -> tuple[sm.StanceMatrix, sm.StanceMatrix]:
    def matrix(stance: str, text: str | None) -> sm.StanceMatrix:
        return sm.StanceMatrix.from_positions(
            [sm.Position("US", "aid", stance, "a", summary=text)],
            actors=[sm.Actor("US", "United States")],
            issues=[sm.Issue("aid", "Aid", "Aid flows.")],
            sources=[sm.Source("a", "A")],
        )

    return matrix("oppose", "before"), matrix("support", summary)


class TestGolden:
    @pytest.mark.parametrize("ext", sorted(FORMATS))
    def test_article_snapshots(self, ext):
        """Each renderer's output for the article dataset's early- vs mid-2025 snapshots."""
        expected = (DATA / f"diff_ukraine_2025.{ext}").read_bytes().decode("utf-8")
        assert expected == FORMATS[ext](snapshots())

    def test_golden_json_reads_back(self):
        """The committed JSON document reads back as the diff it was written from."""
        assert snapshots() == sm.read_diff(DATA / "diff_ukraine_2025.json")

    def test_version_1_reads_back(self):
        """A committed diff document of format version 1 still reads, losing nothing."""
        text = (DATA / "diff_ukraine_2025_v1.json").read_text(encoding="utf-8")
        again = sm.read_diff(text).to_json()
        assert text.replace('"format_version": 1', '"format_version": 2', 1) == again


class TestText:
    def test_summary_line_first(self):
        """The first line is the summary of counts, like csv-diff's header."""
        d = snapshots()
        assert d.summary() == d.to_text(width=200).splitlines()[0]
        assert d.summary().startswith("4 claims added, 4 claims removed, 4 claims changed")

    def test_no_changes(self):
        """An empty diff says so."""
        m = sm.load_dataset("ukraine")
        assert "no changes\n" == sm.diff(m, m).to_text()

    def test_control_characters_are_visible(self):
        """Escape sequences in data cannot reach the terminal."""
        a, b = build("red \x1b[31m text\r\u202e")
        out = sm.diff(a, b).to_text()
        assert "\x1b" not in out
        assert "\r" not in out
        assert "\u202e" not in out
        assert "␛[31m" in out

    def test_stance_only(self):
        """stance_only shows stance shifts and the claim changes that moved a stance."""
        out = snapshots().to_text(stance_only=True)
        assert "Stance shifts (5)" in out
        assert "Claims changed (2)" in out  # NATO and US sovereignty: no stance moved
        assert "Claims added" not in out

    def test_kinds(self):
        """kinds picks sections by count name, generic change, or shift kind."""
        out = snapshots().to_text(kinds=["reversed"], width=200)  # one line a shift
        assert ["US", "US"] == [
            line.split()[0] for line in out.splitlines() if "reversed by" in line
        ]
        assert "Claims" not in out
        assert "Claims added (4)" in snapshots().to_text(kinds="added")

    def test_tablefmt(self):
        """The table format is handed to tabulate."""
        out = snapshots().to_text(kinds=["reversed"], tablefmt="grid")
        assert "+--" in out
        assert "| US " in out

    def test_unknown_kind(self):
        """An unknown kind is an error listing the known ones."""
        with pytest.raises(sm.exceptions.InvalidValueError, match="claims added"):
            snapshots().to_text(kinds=["flipped"])


class TestMarkdown:
    def test_pipes_and_newlines_stay_in_their_cell(self):
        """Table syntax in data is escaped, so every row keeps its columns."""
        a, b = build("a | b\nc *d*")
        out = sm.diff(a, b).to_markdown()
        for line in out.splitlines():
            if line.startswith("|"):
                cells = re.split(r"(?<!\\)\|", line)[1:-1]
                assert 5 == len(cells)
        assert "a \\| b<br>c \\*d\\*" in out


class TestCsv:
    @settings(max_examples=100)  # generating pairs is the slow part
    @given(matrix_pairs())
    def test_rows_cover_every_change(self, pair):
        """Every change has rows under one record number, in the listed order."""
        d = sm.diff(*pair)
        rows = list(csv.DictReader(io.StringIO(d.to_csv())))
        records = {row["record"] for row in rows}
        changes = (
            len(d.shifts)
            + len(d.claims)
            + len(d.actors)
            + len(d.issues)
            + len(d.sources)
            + len(d.metadata)
        )
        assert changes == len(records)

    def test_formula_neutralised(self):
        """Text a spreadsheet would evaluate is prefixed with an apostrophe."""
        a, b = build("=HYPERLINK(1)")
        rows = list(csv.DictReader(io.StringIO(sm.diff(a, b).to_csv())))
        assert ["'=HYPERLINK(1)"] == [r["new"] for r in rows if r["field"] == "summary"]


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        if tag == "td":
            self._open = True
            self.cells.append("")

    def handle_endtag(self, tag):
        if tag == "td":
            self._open = False

    def handle_data(self, data):
        if self._open:
            self.cells[-1] += data


class TestHtml:
    def test_text_is_escaped(self):
        """Markup in data shows as text."""
        a, b = build("<script>alert(1)</script> & co")
        out = sm.diff(a, b).to_html()
        assert "<script>" not in out
        parser = _Cells()
        parser.feed(out)
        assert "<script>alert(1)</script> & co" in parser.cells

    def test_rows_carry_their_kind(self):
        """Each row's class names its kind, for styling."""
        out = snapshots().to_html(stance_only=True)
        assert 2 == out.count('<tr class="sm-reversed">')


class TestJson:
    def test_versioned(self):
        """The document names its format version and type."""
        document = json.loads(snapshots().to_json())
        assert (2, "stancematrix diff") == (document["format_version"], document["type"])

    def test_counts_vocabulary(self):
        """Counts use the documented kind names, in order."""
        assert list(CHANGE_KINDS) == list(snapshots().counts())
