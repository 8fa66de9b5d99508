"""Large and odd content: 100 kB summaries, 10,000 actors, emoji and right-to-left names,
NUL bytes. Nothing is dropped, truncated or re-coded; the lossless formats give it back
exactly, and the display formats show it (NUL as a visible stand-in, as documented).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

import stancematrix as sm
from stancematrix._io.text import display_width

markdown_it = pytest.importorskip("markdown_it")

ODD_NAMES = [
    "🇺🇦 Україна",  # a flag (two regional indicators) and Cyrillic
    "مصر",  # Arabic, right to left
    "ישראל",  # Hebrew, right to left
    "👩\u200d👩\u200d👧 family",  # an emoji ZWJ sequence
    "e\u0301tat",  # a combining accent
    "中华人民共和国",  # wide characters
    "עברית and English",  # mixed direction
]


def lossless(matrix: sm.StanceMatrix) -> list[sm.StanceMatrix]:
    """The matrix read back from every lossless format, from UTF-8 bytes."""
    return [
        sm.read_json(matrix.to_json().encode()),
        sm.read_json(matrix.to_json(indent=None).encode()),
        sm.read_csv(matrix.to_csv().encode()),
        sm.read_csv(matrix.to_csv(spreadsheet_safe=False).encode()),
    ]


def one_claim(summary: str, *, actor: str = "A", name: str = "Actor") -> sm.StanceMatrix:
    return sm.StanceMatrix.from_positions(
        [sm.Position(actor, "I", "support", "S", summary=summary, quote=summary, note=summary)],
        actors=[sm.Actor(actor, name)],
        issues=[sm.Issue("I", "Issue", "A proposition.")],
        sources=[sm.Source("S", "Source")],
    )


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(markup: str) -> str:
    """All the text an HTML parser finds, tags removed and ``<br>`` a newline."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


@pytest.fixture(scope="module")
def long_summary() -> str:
    """100 kB of mixed text: markup, pipes, newlines, emoji, RTL, a formula trigger."""
    piece = "=cmd | <b>bold</b> *x* 🇺🇦 مصر ישראל \\ `code`\n"
    text = (piece * (100_000 // len(piece) + 1))[:100_000]
    return text.strip()


class TestLongSummaries:
    def test_lossless(self, long_summary: str):
        """A 100 kB summary, quote and note come back exactly from JSON and CSV."""
        m = one_claim(long_summary)
        for read in lossless(m):
            assert m == read
            assert long_summary == read.claims()[0].summary

    def test_markdown_cell(self, long_summary: str):
        """In Markdown the whole summary is one cell, read back whole."""
        m = one_claim(long_summary)
        out = m.to_markdown(cell="summary")
        assert 3 == len(out.splitlines())
        assert [long_summary] == [c.summary for c in sm.read_markdown(out)]

    def test_html_cell(self, long_summary: str):
        """In HTML the whole summary shows, as text."""
        page = html_text(one_claim(long_summary).to_html(cell="summary"))
        assert long_summary in page

    def test_text_wrapped_whole(self, long_summary: str):
        """The text table wraps it to the width and loses no character."""
        out = one_claim(long_summary).to_text(cell="summary", width=80)
        assert all(display_width(line) <= 80 for line in out.splitlines())
        assert re.sub(r"\s", "", long_summary) in re.sub(r"\s", "", out)


@pytest.fixture(scope="module")
def many_actors() -> sm.StanceMatrix:
    """10,000 actors with odd names, each with one claim on one of two issues."""
    n = 10_000
    actors = [sm.Actor(f"a{k}", f"{ODD_NAMES[k % len(ODD_NAMES)]} {k}") for k in range(n)]
    scale = sm.Scale.five_point()
    claims = [
        sm.Position(
            f"a{k}",
            "i" if k % 3 else "j",
            scale.labels[k % len(scale.labels)],
            "s",
            summary=f"{ODD_NAMES[k % len(ODD_NAMES)]} says {k}" if k % 2 else None,
        )
        for k in range(n)
    ]
    return sm.StanceMatrix.from_positions(
        claims,
        actors=actors,
        issues=[sm.Issue("i", "Issue i", "p"), sm.Issue("j", "Issue j", "q")],
        sources=[sm.Source("s", "S")],
    )


class TestManyActors:
    def test_lossless(self, many_actors: sm.StanceMatrix):
        """10,000 actors and their claims come back exactly, in order."""
        for read in lossless(many_actors):
            assert many_actors == read
            assert [a.key for a in many_actors.actors] == [a.key for a in read.actors]

    def test_markdown_round_trip(self, many_actors: sm.StanceMatrix):
        """Transposed to 10,000 rows, Markdown reads back every summary in its cell."""
        out = many_actors.to_markdown(cell="summary", transpose=True, labels="key")
        read = sm.read_markdown(out)
        expected = {(c.actor, c.issue, c.summary) for c in many_actors if c.summary}
        assert expected == {(c.issue, c.actor, c.summary) for c in read}

    def test_html_has_every_row(self, many_actors: sm.StanceMatrix):
        """The transposed HTML grid has a row for each of the 10,000 actors."""
        out = many_actors.to_html(transpose=True, page=False)
        assert 10_000 == out.count('<th scope="row">')

    def test_text_aligned(self, many_actors: sm.StanceMatrix):
        """The transposed text table's lines all have the same display width."""
        sample = many_actors.select(actors=[f"a{k}" for k in range(0, 10_000, 997)])
        out = sample.to_text(transpose=True, tablefmt="grid", width=120)
        widths = {display_width(line) for line in out.splitlines()}
        assert 1 == len(widths)


class TestOddNames:
    @pytest.mark.parametrize("name", ODD_NAMES)
    def test_names_and_keys_survive(self, name: str):
        """Emoji, right-to-left and combining text as keys and names survive every format."""
        m = one_claim(name, actor=name, name=name)
        for read in lossless(m):
            assert m == read
        md = m.to_markdown(cell="summary", labels="key")
        assert [(name, name)] == [(c.actor, c.summary) for c in sm.read_markdown(md)]
        assert name in html_text(m.to_html(cell="summary"))
        assert name in m.to_text(cell="summary", width=200)

    def test_lookup_by_odd_name(self):
        """Keys in any script are found by key, case-insensitively where case exists."""
        m = one_claim("s", actor="Україна", name="Ukraine")
        assert "Україна" == m.actor("УКРАЇНА").key


class TestNulBytes:
    def test_preserved_by_lossless_formats(self):
        """NUL in keys, names and text is kept exactly by JSON and CSV."""
        m = one_claim("a\x00b", actor="A\x00", name="N\x00")
        for read in lossless(m):
            assert m == read
            assert "a\x00b" == read.claims()[0].summary

    def test_json_escapes_it(self):
        """JSON writes NUL as the \\u0000 escape, never as a raw byte."""
        out = one_claim("a\x00b").to_json()
        assert "\x00" not in out
        assert "a\\u0000b" in out

    def test_display_formats_show_a_stand_in(self):
        """Markdown and HTML show U+FFFD and text shows ␀, rather than hiding NUL."""
        m = one_claim("a\x00b")
        assert "| a\ufffdb |" in m.to_markdown(cell="summary")
        assert "a\ufffdb" in html_text(m.to_html(cell="summary"))
        assert "a␀b" in m.to_text(cell="summary")

    def test_markdown_reader_keeps_it(self):
        """A NUL byte in a Markdown cell is kept by the reader."""
        m = sm.read_markdown(b"| Issue | A |\n|---|---|\n| i | a\x00b |\n")
        assert "a\x00b" == m.claims()[0].summary
