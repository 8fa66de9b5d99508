"""The result objects in notebooks: ``_repr_html_`` draws each result's table as HTML."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest

import stancematrix as sm
from stancematrix._table import PREVIEW_COLUMNS, PREVIEW_ROWS
from stancematrix.exceptions import InvalidValueError


class Page(HTMLParser):
    """The tags, the table's rows (cells with their classes) and the paragraphs' text."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: set[str] = set()
        self.rows: list[list[str]] = []
        self.classes: list[list[str | None]] = []
        self.paragraphs: list[str] = []
        self._cell: list[str] | None = None
        self._paragraph: list[str] | None = None
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.update(name for name, _ in attrs)
        if tag == "tr":
            self.rows.append([])
            self.classes.append([])
        elif tag in ("td", "th"):
            self._cell = []
            self.classes[-1].append(dict(attrs).get("class"))
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")
        elif tag == "p":
            self._paragraph = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "p" and self._paragraph is not None:
            self.paragraphs.append("".join(self._paragraph))
            self._paragraph = None

    def handle_data(self, data: str) -> None:
        for part in (self._cell, self._paragraph):
            if part is not None:
                part.append(data)


@pytest.fixture(scope="module")
def ukraine() -> sm.StanceMatrix:
    return sm.load_dataset("ukraine")


#: Every result with a table, made from a matrix.
TABLES: dict[str, Callable[[sm.StanceMatrix], Any]] = {
    "compare": lambda m: sm.compare(m, "US", "RU"),
    "agreement_matrix": sm.agreement_matrix,
    "blocs": lambda m: sm.blocs(m, k=2),
    "polarization": sm.polarization,
    "common_ground": lambda m: sm.common_ground(m, ["US", "UA"]),
    "deadlocks": sm.deadlocks,
    "conflicts": sm.conflicts,
    "coverage": sm.coverage,
    "shifts": lambda m: m.shifts(),
    "timeline": lambda m: m.timeline("US", "sanctions"),
}


def square(n_actors: int, n_issues: int, sources: int = 1) -> sm.StanceMatrix:
    """Every actor on every issue, supporting in the first source, opposing in the others."""
    actors = [sm.Actor(f"A{a}", f"Actor {a}") for a in range(n_actors)]
    issues = [sm.Issue(f"I{i}", f"Issue {i}", "A proposition.") for i in range(n_issues)]
    claims = [
        sm.Position(a.key, i.key, "oppose" if s else "support", f"S{s}", quote=f"q{s}")
        for a in actors
        for i in issues
        for s in range(sources)
    ]
    return sm.StanceMatrix.from_positions(
        claims,
        actors=actors,
        issues=issues,
        sources=[sm.Source(f"S{s}", f"Source {s}") for s in range(sources)],
    )


class TestEveryResult:
    @pytest.mark.parametrize("name", TABLES)
    def test_table_as_text(self, ukraine, name):
        """The HTML table holds exactly the headers and cells of the text table."""
        result = TABLES[name](ukraine)
        headers, rows, title = result._table()
        page = Page(result._repr_html_())
        expected = [list(headers)] + [
            ["—" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v) for v in row]
            for row in rows
        ]
        assert expected == page.rows
        assert (title or None) == (page.paragraphs[0] if title else None)

    @pytest.mark.parametrize("name", TABLES)
    def test_only_inert_markup(self, ukraine, name):
        """A result's HTML has no script, link or attribute but ``class``."""
        page = Page(TABLES[name](ukraine)._repr_html_())
        assert set(page.tags) <= {"div", "style", "p", "em", "table", "thead", "tbody"} | {
            "tr",
            "th",
            "td",
            "br",
        }
        assert {"class"} == page.attributes

    def test_one_pair(self, ukraine):
        """One pair's agreement is its line of text, as a paragraph."""
        agreed = sm.agreement(ukraine, "US", "UA")
        assert [agreed.to_text()] == Page(agreed._repr_html_()).paragraphs


class TestNumbers:
    def test_gap_right_aligned(self, ukraine):
        """A comparison's gap column is right-aligned; its text columns are not."""
        page = Page(sm.compare(ukraine, "US", "RU")._repr_html_())
        gap = page.rows[0].index("gap")
        assert all("sm-num" == row[gap] for row in page.classes[1:])
        assert all(row[0] is None for row in page.classes[1:])

    def test_agreement_shows_n(self, ukraine):
        """Agreement cells show the score and n, right-aligned; the label column is text."""
        page = Page(sm.agreement_matrix(ukraine, actors=["US", "UA"])._repr_html_())
        assert [["", "US", "UA"], ["US", "1.000 (n=13)", "0.250 (n=4)"]] == page.rows[:2]
        assert [None, "sm-num", "sm-num"] == page.classes[1]

    def test_coverage_cells_right_aligned(self, ukraine):
        """Coverage's claims/sources cells are right-aligned under every issue."""
        page = Page(sm.coverage(ukraine)._repr_html_())
        assert {"sm-num"} == {c for row in page.classes[1:] for c in row[1:]}

    def test_left_out_note(self, ukraine):
        """The actors a result left out are named under its table."""
        page = Page(sm.agreement_matrix(ukraine)._repr_html_())
        assert "left out: EU (no claims)" == page.paragraphs[-1]


class TestPreview:
    def test_long_result_cut(self):
        """Past the preview's rows, a result shows the first ones and says how many exist."""
        found = sm.conflicts(square(3, 100, sources=2))
        page = Page(found._repr_html_())
        assert 300 == len(found)
        assert 1 + PREVIEW_ROWS == len(page.rows)
        assert (
            f"Showing {PREVIEW_ROWS} of 300 rows: to_text() or to_markdown() prints all."
            == (page.paragraphs[-1])
        )

    def test_wide_result_cut(self):
        """Past the preview's columns, a grid shows the first ones and says how many exist."""
        page = Page(sm.coverage(square(2, 40))._repr_html_())
        assert [PREVIEW_COLUMNS] * 3 == [len(row) for row in page.rows]
        assert f"Showing {PREVIEW_COLUMNS} of 41 columns" in page.paragraphs[-1]

    def test_small_result_whole(self, ukraine):
        """A result within the preview size is drawn whole, with no note of a cut."""
        assert "Showing" not in sm.conflicts(ukraine)._repr_html_()


class TestRelabel:
    """relabel (the command line's --labels name) swaps keys for names and titles."""

    def test_names_and_titles(self, ukraine):
        """A comparison's actors and issues read as names and titles; the original keeps
        its keys."""
        from stancematrix._query.labels import relabel

        found = sm.compare(ukraine, "US", "RU")
        named = relabel(found, ukraine)
        assert ("United States", "Russia") == (named.a.key, named.b.key)
        assert "Sanctions on Russia" in [row.issue for row in named.rows]
        assert "sanctions" in [row.issue for row in found.rows]

    def test_unknown_keys_stay(self, ukraine):
        """Keys the matrix does not know are left as they are."""
        from stancematrix._query.labels import relabel

        other = ukraine.select(actors=["US", "RU"])
        named = relabel(sm.agreement_matrix(ukraine, actors=["US", "UA"]), other)
        assert ("United States", "UA") == named.actors

    def test_other_objects_as_they_are(self, ukraine):
        """An object that is not a query result comes back as it is."""
        from stancematrix._query.labels import relabel

        assert "US" == relabel("US", ukraine)


def wordless(n_issues: int = 3) -> sm.StanceMatrix:
    """Two actors on *n_issues* issues, dated, with no summary or quote (like UNGA votes)."""
    actors = [sm.Actor("A", "Actor A"), sm.Actor("B", "Actor B")]
    issues = [sm.Issue(f"I{i}", f"Issue {i}", "A proposition.") for i in range(n_issues)]
    claims = [
        sm.Position(a.key, i.key, stance, "S", date=f"2020-0{d}")
        for a in actors
        for i in issues
        for d, stance in ((1, "support"), (2, "oppose" if a.key == "A" else "support"))
    ]
    return sm.StanceMatrix.from_positions(
        claims, actors=actors, issues=issues, sources=[sm.Source("S", "Source")]
    )


#: Each result kind with no rows, and the line it shows instead of a table.
EMPTY: dict[str, tuple[Callable[[sm.StanceMatrix], Any], str]] = {
    "compare": (lambda m: sm.compare(m, "EU", "EU"), "no issues on which either"),
    "agreement_matrix": (lambda m: sm.agreement_matrix(m, actors=[]), "no actors"),
    "blocs": (lambda m: sm.blocs(m, threshold=0.5, actors=["EU"]), "no blocs"),
    "polarization": (lambda m: sm.polarization(m.select(issues=[])), "no issues"),
    "common_ground": (lambda m: sm.common_ground(m.select(issues=[]), ["US"]), "no issues"),
    "deadlocks": (lambda m: sm.deadlocks(m, ["PL", "FR"]), "no issues"),
    "conflicts": (lambda m: sm.conflicts(m, sources=["putin-pivot"]), "no conflicts"),
    "coverage": (lambda m: sm.coverage(m.select(actors=[])), "no actors"),
    "shifts": (lambda m: m.shifts(actor="PL"), "no shifts"),
    "timeline": (lambda m: m.timeline("EU", "sovereignty"), "no claims"),
}


class TestEmpty:
    @pytest.mark.parametrize("name", EMPTY)
    def test_says_nothing_found(self, ukraine, name):
        """A result with no rows prints a line saying so in text, Markdown and HTML,
        instead of a table of headers alone."""
        make, line = EMPTY[name]
        result = make(ukraine)
        assert [] == list(result._table()[1])
        text, markdown = result.to_text(width=80), result.to_markdown()
        assert any(line in shown for shown in text.splitlines())
        assert "---" not in text
        assert line in markdown
        assert "|" not in markdown
        assert any(line in p for p in Page(result._repr_html_()).paragraphs)

    def test_rows_print_a_table(self, ukraine):
        """A result with rows prints its table, not the empty line."""
        assert "no conflicts" not in sm.conflicts(ukraine).to_text(width=80)


class TestEmptyColumns:
    def test_compare_drops_says(self):
        """When no claim has words, compare leaves out both "says" columns and a line says
        they were empty in every row, in text, Markdown and HTML."""
        found = sm.compare(wordless(), "A", "B")
        line = "Columns A says, B says left out: empty in every row."
        text = found.to_text(width=80)
        assert ["issue", "A", "B", "gap", "relation"] == text.splitlines()[1].split()
        assert line == text.splitlines()[-1]
        markdown = found.to_markdown()
        assert "says" not in markdown.split("\n\n")[1]
        assert line in markdown
        page = Page(found._repr_html_())
        assert ["issue", "A", "B", "gap", "relation"] == page.rows[0]
        assert line in page.paragraphs

    def test_gap_still_right_aligned(self):
        """With the says columns left out, the gap column is still the numeric one."""
        page = Page(sm.compare(wordless(), "A", "B")._repr_html_())
        gap = page.rows[0].index("gap")
        assert all("sm-num" == row[gap] for row in page.classes[1:])

    def test_timeline_drops_says(self):
        """A timeline of claims without words leaves out its "says" column."""
        text = wordless().timeline("A", "I0").to_text(width=80)
        assert "Column says left out: empty in every row." == text.splitlines()[-1]
        assert ["date", "stance", "source", "shift"] == text.splitlines()[1].split()

    def test_columns_with_words_stay(self, ukraine):
        """A column holding text in some row is kept, and no line is added."""
        text = sm.compare(ukraine, "US", "RU").to_text(width=200)
        assert "US says" in text
        assert "left out: empty" not in text


class TestMaxRows:
    def test_text_cut_to_first_and_last(self):
        """to_text(max_rows=4) shows the first two and last two rows, a … row between,
        and a line counting the rest."""
        found = sm.compare(wordless(10), "A", "B")
        lines = found.to_text(width=80, max_rows=4).splitlines()
        body = [line.split()[0] for line in lines[3:8]]
        assert ["I0", "I1", "…", "I8", "I9"] == body
        assert "… 6 of 10 rows left out (the first 2 and the last 2 shown)." == lines[8]

    def test_complete_by_default(self):
        """to_text() without max_rows prints every row, as DataFrame.to_string() does."""
        text = sm.compare(wordless(100), "A", "B").to_text(width=80)
        assert all(f"I{n} " in text for n in range(100))
        assert "left out (the first" not in text

    def test_short_table_whole(self):
        """A table no longer than max_rows is drawn whole, with no line about a cut."""
        text = sm.compare(wordless(4), "A", "B").to_text(width=80, max_rows=4)
        assert "…" not in text

    def test_columns_cut_after_labels(self):
        """to_text(max_columns=4) keeps the label column, the first two and last two
        columns, a … column between, and a line counting the rest."""
        text = sm.coverage(square(2, 40)).to_text(width=200, max_columns=4)
        lines = text.splitlines()
        assert ["I0", "I1", "…", "I38", "I39"] == lines[1].split()
        assert ["A0", "1/1", "1/1", "…", "1/1", "1/1"] == lines[3].split()
        assert "… 36 of 40 columns left out (the first 2 and the last 2 shown)." == lines[-1]

    @pytest.mark.parametrize("bad", [0, -1, 2.0, "3", True])
    def test_limits_refused(self, bad):
        """max_rows and max_columns that are not positive ints are refused by name."""
        found = sm.compare(wordless(), "A", "B")
        with pytest.raises(InvalidValueError, match="max_rows"):
            found.to_text(max_rows=bad)
        with pytest.raises(InvalidValueError, match="max_columns"):
            wordless().to_text(max_columns=bad)
