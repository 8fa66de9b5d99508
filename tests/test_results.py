"""The result objects in notebooks: ``_repr_html_`` draws each result's table as HTML."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest

import stancematrix as sm
from stancematrix._table import PREVIEW_COLUMNS, PREVIEW_ROWS


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
