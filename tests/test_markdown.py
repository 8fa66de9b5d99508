from __future__ import annotations

import contextlib
from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix.exceptions import ReadError
from tests.strategies import hostile_texts, matrices, names
from tests.test_datasets import SEED_001_TABLES, pipe_tables
from tests.test_escape import MARKDOWN_CONTROL, gfm_shows

markdown_it = pytest.importorskip("markdown_it")

SEED_001 = "001_c0d855e066a24974.txt"
SEED_001_HEADERS = [
    ("Aspect", "Trump Administration", "Russian Government"),
    ("Key Points", "U.S. Position", "Russian Position"),
]
SEED_001_ACTORS = {
    "Trump Administration": "US",
    "Russian Government": "RU",
    "U.S. Position": "US",
    "Russian Position": "RU",
}


@pytest.fixture(scope="module")
def ukraine() -> sm.StanceMatrix:
    return sm.load_dataset("ukraine")


def parsed_cells(markdown: str) -> list[list[str]]:
    """The cells a CommonMark + GFM-tables parser sees, as text; fails on any markup."""
    parser = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    rows: list[list[str]] = []
    for token in parser.parse(markdown):
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            text = ""
            for child in token.children or []:
                if child.type == "text":
                    text += child.content
                elif child.type == "softbreak" or (
                    child.type == "html_inline" and child.content == "<br>"
                ):
                    text += "\n"
                else:
                    raise AssertionError(f"markup in a cell: {child.type} {child.content!r}")
            rows[-1].append(text)
    return rows


def one_cell_matrix(summary: str, actor_name: str = "Actor") -> sm.StanceMatrix:
    return sm.StanceMatrix.from_positions(
        [sm.Position("A", "I", "support", "S", summary=summary)],
        actors=[sm.Actor("A", actor_name)],
        issues=[sm.Issue("I", "Issue", "A proposition.")],
        sources=[sm.Source("S", "Source")],
    )


class TestRender:
    def test_golden(self, ukraine):
        """Issues are rows, actors columns, cells stance labels; several claims are joined."""
        m = ukraine.select(actors=["US", "RU"], issues=["territory", "energy", "ceasefire"])
        expected = dedent(
            """\
            | Issue | United States | Russia |
            |---|---|---|
            | Territorial integrity | support / oppose | strongly oppose |
            | Energy | support | oppose |
            | Ceasefire | support / strongly support | oppose |
            """
        )
        assert expected == m.to_markdown()

    def test_golden_symbols_transposed(self, ukraine):
        """Transposed, with keys and the scale's symbols."""
        m = ukraine.select(actors=["US", "RU"], issues=["territory", "energy", "ceasefire"])
        expected = dedent(
            """\
            | Actor | territory | energy | ceasefire |
            |---|---|---|---|
            | US | + / - | + | + / ++ |
            | RU | -- | - | - |
            """
        )
        assert expected == m.to_markdown(cell="symbol", transpose=True, labels="key")

    def test_golden_citations(self, ukraine):
        """Citations add footnote markers and a numbered source list."""
        m = ukraine.select(
            actors=["US"], issues=["energy", "ceasefire"], sources=["ukraine-strategy"]
        )
        source = m.source("ukraine-strategy")
        expected = (
            "| Issue | United States |\n"
            "|---|---|\n"
            "| Energy | support — Aims to reduce European dependence on Russian gas[^1] |\n"
            "| Ceasefire |  |\n"
            "\n"
            f"[^1]: ukraine-strategy: {source.title} — 001\\_c0d855e066a24974.txt\n"
        )
        assert expected == m.to_markdown(cell="both", citations=True)

    def test_order_and_subset(self, ukraine):
        """actors= and issues= choose and order the columns and rows, by key or alias."""
        out = ukraine.to_markdown(actors=["Kremlin", "US"], issues=["Energy Influence"])
        assert "| Issue | Russia | United States |" == out.splitlines()[0]
        assert "| Energy | oppose | support |" == out.splitlines()[2]

    @pytest.mark.parametrize("table", [0, 1])
    def test_seed_001_reproduced(self, ukraine, seed_documents, table):
        """The dataset's claims quoting seed 001's table cells render as its tables, line
        for line (the source's other claims quote its prose)."""
        rows = SEED_001_TABLES[table]
        corner, us, ru = SEED_001_HEADERS[table]
        article = ukraine.select(
            actors=["US", "RU"],
            issues=[issue for _, issue, _, _ in rows],
            sources=["ukraine-strategy"],
        )
        m = sm.StanceMatrix.from_positions(
            [c for c in article if c.quote == c.summary],
            actors=article.actors,
            issues=article.issues,
            sources=article.sources,
            scale=article.scale,
        )
        out = m.to_markdown(
            cell="summary",
            corner=corner,
            actor_labels={"US": us, "RU": ru},
            issue_labels={issue: label for label, issue, _, _ in rows},
        )
        assert [[[label, u, r] for label, _, u, r in rows]] == pipe_tables(out)
        assert out in seed_documents[SEED_001]

    @settings(max_examples=100)
    @given(hostile_texts, hostile_texts)
    def test_hostile_text_is_one_cell(self, summary, actor_name):
        """A GFM parser sees exactly the intended header and cell text, and no markup."""
        m = one_cell_matrix(summary, actor_name.strip() or "x")
        cells = parsed_cells(m.to_markdown(cell="summary"))
        expected = [["Issue", actor_name.strip() or "x"], ["Issue", summary]]
        assert [[gfm_shows(c) for c in row] for row in expected] == cells

    def test_html_stays_text(self):
        """Raw HTML in a cell is shown as text, not passed through."""
        html = (
            markdown_it.MarkdownIt("commonmark")
            .enable("table")
            .render(one_cell_matrix("<script>alert(1)</script>").to_markdown(cell="summary"))
        )
        assert "<script>" not in html
        assert "&lt;script&gt;" in html


class TestRead:
    def test_seed_001(self, seed_documents):
        """Seed 001's text gives its two tables' 12 cells as claims with no position."""
        m = sm.read_markdown(
            seed_documents[SEED_001], actors=SEED_001_ACTORS, cite="ukraine-strategy"
        )
        cells = sorted(c.summary or "" for c in m)
        expected = sorted(cell for table in SEED_001_TABLES for _, _, *cs in table for cell in cs)
        assert 12 == len(expected)
        assert expected == cells
        assert {"no position reported"} == {c.stance for c in m}
        assert ["US", "RU"] == [a.key for a in m.actors]
        assert ["ukraine-strategy"] == [s.id for s in m.sources]

    def test_issue_mapping_and_stances(self, seed_documents):
        """Row labels map to issue keys; cell text maps to stances."""
        issues = {"Territorial Integrity": "territory", "Energy Influence": "energy"}
        stance = {"Uses energy exports as geopolitical leverage": "oppose"}
        m = sm.read_markdown(
            seed_documents[SEED_001], actors=SEED_001_ACTORS, issues=issues, stances=stance
        )
        assert "oppose" == m.claims("RU", "energy")[0].stance
        assert "no position reported" == m.claims("US", "energy")[0].stance
        assert "Claims Crimea as integral part of Russia; backs separatists in Donbas" == (
            m.claims("RU", "territory")[0].summary
        )

    def test_without_mapping(self):
        """Without a mapping, headers are actor keys and row labels issue keys."""
        text = "| Issue | A | B |\n|:--|:-:|--:|\n| i | x \\| y | |\n| j | z<br>w | v |\n"
        m = sm.read_markdown(text)
        assert [("A", "i", "x | y"), ("A", "j", "z\nw"), ("B", "j", "v")] == [
            (c.actor, c.issue, c.summary) for c in m
        ]

    def test_ragged_row(self):
        """A row with the wrong number of cells is an error at its line."""
        text = "intro\n\n| Issue | A |\n|---|---|\n| i | x | extra |\n"
        with pytest.raises(ReadError, match="ragged row") as info:
            sm.read_markdown(text)
        assert 5 == info.value.line

    def test_lenient(self):
        """Lenient mode skips the ragged row and reports it."""
        text = "| Issue | A |\n|---|---|\n| i | x | extra |\n| j | y |\n"
        m, problems = sm.read_markdown(text, lenient=True)
        assert [("A", "j", "y")] == [(c.actor, c.issue, c.summary) for c in m]
        assert [3] == [p.line for p in problems]

    def test_duplicate_claim(self):
        """The same cell twice is a duplicate claim naming the second line."""
        text = "| Issue | A |\n|---|---|\n| i | x |\n| i | x |\n"
        with pytest.raises(ReadError, match="duplicate claim") as info:
            sm.read_markdown(text)
        assert (4, 2) == (info.value.line, info.value.column)

    def test_unknown_stance(self):
        """A mapped stance off the scale names the cell."""
        with pytest.raises(ReadError, match="maybe") as info:
            sm.read_markdown("| Issue | A |\n|---|---|\n| i | x |\n", stances={"x": "maybe"})
        assert (3, 2, "x") == (info.value.line, info.value.column, info.value.value)

    def test_table_ends_at_text(self):
        """A line without a pipe ends a table (articles put text right after tables)."""
        m = sm.read_markdown("| Issue | A |\n|---|---|\n| i | x |\nAfter the table.\n")
        assert 1 == len(m)


# Keys Markdown can carry exactly: no control characters it would replace.
markdown_keys = names.map(lambda key: MARKDOWN_CONTROL.sub("", key).strip()).filter(bool)


@st.composite
def summary_matrices(draw: st.DrawFn) -> sm.StanceMatrix:
    """Matrices whose claims all carry a summary (any text), keyed by markdown_keys."""
    actors = draw(st.lists(markdown_keys, min_size=1, max_size=3, unique_by=str.casefold))
    issues = draw(st.lists(markdown_keys, min_size=1, max_size=3, unique_by=str.casefold))
    claim = st.builds(
        sm.Position,
        actor=st.sampled_from(actors),
        issue=st.sampled_from(issues),
        stance=st.just("support"),
        source=st.just("S"),
        summary=hostile_texts,
    )
    return sm.StanceMatrix.from_positions(
        draw(st.lists(claim, min_size=1, max_size=8, unique=True)),
        actors=[sm.Actor(key, key) for key in actors],
        issues=[sm.Issue(key, key, "p") for key in issues],
        sources=[sm.Source("S", "S")],
    )


def cell_set(markdown: str) -> set[tuple[str, str, str]]:
    """(row label, header, text) of every non-empty cell."""
    header, *body = parsed_cells(markdown)
    return {
        (row[0], column, cell)
        for row in body
        for column, cell in zip(header[1:], row[1:], strict=True)
        if cell
    }


class TestRoundTrip:
    @settings(max_examples=60)
    @given(summary_matrices())
    def test_markdown_claims_markdown(self, matrix):
        """Rendering summaries, reading them back and rendering again keeps every cell."""
        first = matrix.to_markdown(cell="summary", labels="key")
        read = sm.read_markdown(first, scale=matrix.scale)
        assert cell_set(first) == cell_set(read.to_markdown(cell="summary", labels="key"))

    @given(markdown_keys)
    def test_keys_survive(self, key):
        """Actor keys with markup characters come back as the same keys."""
        m = sm.StanceMatrix.from_positions(
            [sm.Position(key, "i", "support", "S", summary="s")],
            actors=[sm.Actor(key, "n")],
            issues=[sm.Issue("i", "t", "p")],
            sources=[sm.Source("S", "S")],
        )
        assert [key] == [
            a.key for a in sm.read_markdown(m.to_markdown(labels="key", cell="summary")).actors
        ]


class TestFuzz:
    @settings(max_examples=200)
    @given(st.binary(max_size=300) | st.text(alphabet="|-:\\ \nabAB<>&#;`*", max_size=200))
    def test_only_library_errors(self, data):
        """Any input gives a matrix or a library error, never a crash."""
        with contextlib.suppress(sm.StanceMatrixError):
            assert isinstance(
                sm.read_markdown(data if isinstance(data, bytes) else data + "\n"),
                sm.StanceMatrix,
            )

    @settings(max_examples=200)
    @given(st.text(alphabet="|-:\\ \nabAB<>&#;`*", max_size=200))
    def test_lenient_never_raises_on_table_problems(self, text):
        """Lenient mode reports every table problem instead of raising it."""
        matrix, problems = sm.read_markdown(text + "\n", lenient=True)
        assert isinstance(matrix, sm.StanceMatrix)
        assert all(isinstance(p, ReadError) and p.line is not None for p in problems)

    def test_clashing_headers(self):
        """Headers that differ only in case clash, reported at the header's line and column."""
        text = "| x | a | A |\n|---|---|---|\n| i | 1 | 2 |\n"
        with pytest.raises(ReadError, match="claimed by") as info:
            sm.read_markdown(text)
        assert (1, 3) == (info.value.line, info.value.column)

    def test_escaped_backslash_before_closing_pipe(self):
        """A backslash-escaped backslash ends a cell before a spaced pipe; straight before
        a pipe, GFM reads backslash-pipe as an escaped pipe (cmark-gfm, markdown-it agree)."""
        text = "| Issue | A |\n|---|---|\n| i | x\\\\ |\n| j | y \\\\|\n"
        m = sm.read_markdown(text)
        assert ["x\\", "y |"] == [c.summary for c in m]
        assert [["i", "x\\"], ["j", "y |"]] == parsed_cells(text)[1:]


class TestSnapshotCitations:
    @settings(max_examples=50)
    @given(matrices(max_claims=20), st.data())
    def test_as_of_cites_the_snapshots_sources(self, m, data):
        """With as_of, each cell's footnotes name the sources of the claims it shows: the
        table equals the snapshot's own table."""
        dates = [c.date.start for c in m if c.date is not None] or [sm.PartialDate(2000)]
        when = data.draw(st.sampled_from(dates))
        expected = m.as_of(when).to_markdown(citations=True, labels="key")
        assert expected == m.to_markdown(citations=True, labels="key", as_of=when)

    def test_article_dataset(self):
        """On the article dataset early in 2025 the footnotes follow the snapshot."""
        m = sm.load_dataset("ukraine")
        expected = m.as_of("2025-01").to_markdown(citations=True)
        assert expected == m.to_markdown(citations=True, as_of="2025-01")
