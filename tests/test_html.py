from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings

import stancematrix as sm
from tests.strategies import hostile_texts

TAGS = {
    "html", "head", "meta", "title", "body", "div", "style", "h1", "h2", "table", "thead",
    "tbody", "tr", "th", "td", "br", "ul", "li", "span", "ol", "code", "strong",
}  # fmt: skip


class Page(HTMLParser):
    """Collects the tags, the cells (with their attributes and text) and all text."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.cells: list[dict[str, str | None]] = []
        self.headers: list[str] = []
        self.items: list[str] = []
        self._in: str | None = None
        self._text: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "br" and self._in:
            self._text.append("\n")
        if tag in ("td", "th", "li"):
            self._in = tag
            self._text = []
            if tag == "td":
                self.cells.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag == self._in:
            text = "".join(self._text)
            if tag == "td":
                self.cells[-1]["text"] = text
            elif tag == "th":
                self.headers.append(text)
            else:
                self.items.append(text)
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._text.append(data)


@pytest.fixture(scope="module")
def ukraine() -> sm.StanceMatrix:
    return sm.load_dataset("ukraine")


def one_cell(summary: str, stance: str = "support", name: str = "Actor") -> sm.StanceMatrix:
    return sm.StanceMatrix.from_positions(
        [sm.Position("A", "I", stance, "S", summary=summary, date="2025-03")],
        actors=[sm.Actor("A", name)],
        issues=[sm.Issue("I", "Issue", "A proposition.")],
        sources=[sm.Source("S", name, author=summary)],
    )


class TestStructure:
    def test_grid(self, ukraine):
        """One cell per actor and issue, carrying the stance shown and the claims' keys."""
        m = ukraine.select(actors=["US", "RU"], issues=["territory", "energy"])
        page = Page(m.to_html())
        assert ["Issue", "United States", "Russia", "Territorial integrity", "Energy"] == (
            page.headers
        )
        cells = [(c["data-actor"], c["data-issue"], c["text"]) for c in page.cells]
        assert [
            ("US", "territory", "support / oppose"),
            ("RU", "territory", "strongly oppose"),
            ("US", "energy", "support"),
            ("RU", "energy", "oppose"),
        ] == cells

    def test_tooltip(self, ukraine):
        """Each cell's tooltip lists its claims' stance, summary, source and date."""
        m = ukraine.select(actors=["US"], issues=["sanctions"], sources=["second-term-pivot"])
        (cell,) = Page(m.to_html()).cells
        title = cell["title"]
        assert title is not None
        claims = m.claims("US", "sanctions")
        for claim in claims:
            assert f"{claim.stance} — {claim.summary}" in title
            assert f"date: {claim.date}" in title
        assert m.source("second-term-pivot").title in title

    def test_legend_and_sources(self, ukraine):
        """The legend names every level, no position and no claim; sources are listed."""
        page = Page(ukraine.to_html())
        for level in ukraine.scale.levels:
            assert f"{level.label} ({level.symbol})" in page.items
        assert {
            "no position reported",
            "no claim",
            "claims disagree (one band per stance, in claim order)",
        } <= set(page.items)
        assert 5 == sum(
            item.startswith(tuple(s.id for s in ukraine.sources)) for item in page.items
        )

    def test_colours(self):
        """Oppose and support are coloured apart; no position is hatched, not coloured."""
        oppose = Page(one_cell("x", "strongly oppose").to_html()).cells[0]
        support = Page(one_cell("x", "strongly support").to_html()).cells[0]
        unknown = Page(one_cell("x", "no position reported").to_html()).cells[0]
        assert "background:#b2182b" in (oppose["style"] or "")
        assert "background:#2166ac" in (support["style"] or "")
        assert unknown.get("style") is None
        assert "sm-none" in (unknown["class"] or "")

    def test_disagreement_is_split_not_averaged(self):
        """A cell whose claims disagree shows each stance's colour in a band, in claim order."""
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "I", "strongly support", "S", date="2025-01"),
                sm.Position("A", "I", "strongly oppose", "T", date="2025-01"),
            ],
            actors=[sm.Actor("A", "Actor")],
            issues=[sm.Issue("I", "Issue", "A proposition.")],
            sources=[sm.Source("S", "One"), sm.Source("T", "Two")],
        )
        (cell,) = Page(m.to_html()).cells
        style = cell["style"] or ""
        assert "linear-gradient(90deg, #2166ac 0% 50%, #b2182b 50% 100%)" in style
        assert "#f7f7f7" not in style  # the midpoint grey an average would give
        assert "sm-mixed" in (cell["class"] or "")
        assert "strongly support / strongly oppose" == cell["text"]

    def test_split_cell_with_no_position(self):
        """A claim reporting no position is a hatched band beside the others."""
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "I", "support", "S"),
                sm.Position("A", "I", "no position reported", "T"),
            ],
            actors=[sm.Actor("A", "Actor")],
            issues=[sm.Issue("I", "Issue", "A proposition.")],
            sources=[sm.Source("S", "One"), sm.Source("T", "Two")],
        )
        (cell,) = Page(m.to_html()).cells
        assert "linear-gradient(90deg, #8caed2 0% 50%, #ddd 50% 100%)" in (cell["style"] or "")

    def test_article_conflicts_split(self, ukraine):
        """Every cell of the article dataset with more than one stance is split, none grey."""
        page = Page(ukraine.to_html())
        mixed = [c for c in page.cells if " / " in (c.get("data-stance") or "")]
        assert mixed
        for cell in mixed:
            bands = (cell["style"] or "").count("%,") + 1
            assert len((cell["data-stance"] or "").split(" / ")) == bands

    def test_page_and_fragment(self, ukraine):
        """A page is a whole document; a fragment is one div with its own style."""
        page = ukraine.to_html()
        fragment = ukraine.to_html(page=False)
        assert page.startswith("<!DOCTYPE html>")
        assert fragment.startswith('<div class="stancematrix">')
        assert fragment.strip() in page
        assert "http" not in page.replace('lang="en"', "")  # nothing is fetched

    def test_golden(self, ukraine):
        """The article dataset's page is stable (update the file deliberately)."""
        from pathlib import Path

        golden = Path(__file__).parent / "data" / "ukraine.html"
        assert golden.read_text(encoding="utf-8") == ukraine.to_html()


class TestEscaping:
    @settings(max_examples=100)
    @given(hostile_texts)
    def test_data_only_as_text(self, text):
        """Hostile text never becomes markup: only the renderer's own tags appear."""
        name = text.strip() or "x"
        m = one_cell(text, name=name)
        page = Page(m.to_html(cell="summary", title=text))
        assert set(page.tags) <= TAGS
        text = text.replace("\x00", "\ufffd")  # NUL shows as U+FFFD
        shown = page.cells[0]["text"] or ""
        assert newlines(text) == newlines(shown)
        assert name.replace("\x00", "\ufffd") in page.headers
        assert text in (page.cells[0]["title"] or "")


def newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
class TestChromium:
    def test_cells_in_the_browser(self, ukraine, tmp_path):
        """Headless Chromium parses the page into exactly the cells rendered."""
        assert CHROMIUM is not None
        m = ukraine.select(actors=["US", "RU", "UA"])
        path = tmp_path / "m.html"
        path.write_text(m.to_html(), encoding="utf-8")
        result = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", path.as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert 0 == result.returncode, result.stderr[-2000:]
        dom = Page(result.stdout)
        source = Page(m.to_html())
        assert 3 * 12 == len(dom.cells)
        assert [(c["data-actor"], c["data-issue"], c["text"]) for c in source.cells] == [
            (c["data-actor"], c["data-issue"], c["text"]) for c in dom.cells
        ]
        assert "script" not in dom.tags


class TestSnapshot:
    def test_as_of_lists_the_snapshots_sources(self):
        """With as_of, the source list names the sources of the claims shown, as the
        snapshot's own page does."""
        m = sm.load_dataset("ukraine")
        for when in ("2024-06", "2025-01", "2025-07"):
            assert m.as_of(when).to_html() == m.to_html(as_of=when)


def square(n_actors: int, n_issues: int) -> sm.StanceMatrix:
    """Every actor supports every issue, from one source."""
    actors = [sm.Actor(f"A{a}", f"Actor {a}") for a in range(n_actors)]
    issues = [sm.Issue(f"I{i}", f"Issue {i}", "A proposition.") for i in range(n_issues)]
    claims = [sm.Position(a.key, i.key, "support", "S") for a in actors for i in issues]
    return sm.StanceMatrix.from_positions(
        claims, actors=actors, issues=issues, sources=[sm.Source("S", "One")]
    )


class TestNotebook:
    """Jupyter displays matrices and diffs through ``_repr_html_``."""

    def test_small_matrix_whole(self, ukraine):
        """A matrix within the preview size shows its whole grid under its repr."""
        shown = ukraine._repr_html_()
        assert shown.startswith("<p><code>&lt;StanceMatrix: 10 actors × 13 issues")
        assert ukraine.to_html(page=False) in shown
        assert "Showing" not in shown

    def test_large_matrix_cut(self):
        """A larger matrix shows the first 12 actors and 30 issues and says what was cut."""
        page = Page(square(20, 40)._repr_html_())
        assert ["Issue", *(f"Actor {a}" for a in range(12))] == page.headers[:13]
        assert 12 * 30 == len(page.cells)
        assert "Showing 12 of 20 actors and 30 of 40 issues" in square(20, 40)._repr_html_()

    def test_empty_matrix(self):
        """A matrix with no actors shows its repr alone."""
        empty = sm.StanceMatrix.from_positions([], actors=[], issues=[], sources=[])
        assert "<table" not in empty._repr_html_()
        assert "0 actors × 0 issues" in empty._repr_html_()

    def test_diff(self, ukraine):
        """A diff shows its HTML report; past 500 changes, its summary and how to see all."""
        small = sm.diff(ukraine.as_of("2025-03"), ukraine)
        assert small.to_html() == small._repr_html_()
        big = sm.diff(square(30, 20).select(issues=[]), square(30, 20))
        shown = big._repr_html_()
        assert "<table" not in shown
        assert "620 changes" in shown  # 20 issues and 600 claims added
        assert big.summary() in shown
