"""Output safety: whatever text a matrix holds survives the lossless formats exactly and
shows as text, never as markup, formulas or terminal commands, in every other format.

The matrices come from :func:`tests.strategies.hostile_matrices`: table and markup syntax,
raw HTML, formula triggers, ANSI escape sequences, line breaks, wide and right-to-left
characters and any other text, in every field a renderer shows.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
import tabulate
from hypothesis import given, settings
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._escape import FORMULA_TRIGGERS, terminal_text
from stancematrix._io.csv import COLUMNS
from stancematrix._io.layout import grid
from stancematrix._io.tablefmt import TABLEFMTS
from stancematrix.exceptions import UnsupportedFormatError
from tests.strategies import hostile_matrices, hostile_texts, rich_matrices
from tests.test_escape import gfm_shows, markdown_shows

markdown_it = pytest.importorskip("markdown_it")

# Control characters a terminal acts on: C0 except newline, DEL, C1 (CSI is U+009B), and
# the bidirectional overrides and isolates.
TERMINAL_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What CommonMark cannot carry: control characters other than tab, LF, FF and CR.
# Every lossless writer/reader pair: (name, write, read).
LOSSLESS: list[tuple[str, Callable[[sm.StanceMatrix], str], Callable[..., sm.StanceMatrix]]] = [
    ("json", sm.StanceMatrix.to_json, sm.read_json),
    ("json-one-line", lambda m: m.to_json(indent=None), sm.read_json),
    ("csv-spreadsheet-safe", sm.StanceMatrix.to_csv, sm.read_csv),
    ("csv-plain", lambda m: m.to_csv(spreadsheet_safe=False), sm.read_csv),
]

cells_shown = st.sampled_from(["summary", "both", "stance", "symbol"])


def expected_grid(matrix: sm.StanceMatrix, **options: object) -> list[list[str]]:
    """The header and rows a table renderer is meant to show, as plain text."""
    layout = grid(matrix, **options)  # type: ignore[arg-type]
    rows = [[layout.corner, *layout.column_labels]]
    rows += [
        [label, *texts] for label, texts in zip(layout.row_labels, layout.texts(), strict=True)
    ]
    return rows


class TestLossless:
    @settings(max_examples=60)
    @given(matrix=hostile_matrices() | rich_matrices(max_claims=6))
    @pytest.mark.parametrize(("name", "write", "read"), LOSSLESS, ids=[f[0] for f in LOSSLESS])
    def test_every_pair_round_trips(self, name, write, read, matrix):
        """Any buildable matrix (hostile text anywhere; aliases, parents, descriptions and
        source details too) reads back equal from text, UTF-8 bytes and gzip."""
        text = write(matrix)
        assert matrix == read(text)
        assert matrix == read(text.encode("utf-8"))
        assert matrix == read(gzip.compress(text.encode("utf-8")))

    @settings(max_examples=40)
    @given(matrix=hostile_matrices())
    def test_across_formats(self, matrix):
        """JSON → matrix → CSV → matrix → JSON writes the same document."""
        again = sm.read_csv(sm.read_json(matrix.to_json()).to_csv())
        assert matrix.to_json() == again.to_json()


def markdown_table(markdown: str) -> list[list[str]]:
    """The table a CommonMark + GFM-tables parser sees, as text; fails on any markup."""
    parser = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    rows: list[list[str]] = []
    tables = 0
    for token in parser.parse(markdown):
        if token.type == "table_open":
            tables += 1
        elif token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows and tables:
            text = ""
            for child in token.children or []:
                if child.type == "text":
                    text += child.content
                elif child.type == "html_inline" and child.content == "<br>":
                    text += "\n"
                else:
                    raise AssertionError(f"markup in a cell: {child.type} {child.content!r}")
            rows[-1].append(text)
    assert 1 == tables
    return rows


class TestMarkdown:
    @settings(max_examples=80)
    @given(matrix=hostile_matrices(), cell=cells_shown, transpose=st.booleans())
    def test_cells_are_text(self, matrix, cell, transpose):
        """After a GFM parse, every header and cell is exactly the intended text."""
        out = matrix.to_markdown(cell=cell, transpose=transpose)
        expected = [
            [gfm_shows(text) for text in row]
            for row in expected_grid(matrix, cell=cell, transpose=transpose)
        ]
        assert expected == markdown_table(out)

    @settings(max_examples=40)
    @given(matrix=hostile_matrices())
    def test_citations_are_text(self, matrix):
        """With citations, the source list under the table is text too, one line each."""
        out = matrix.to_markdown(cell="summary", citations=True)
        parser = markdown_it.MarkdownIt("commonmark").enable("table")
        for token in parser.parse(out):
            if token.type == "inline":
                kinds = {child.type for child in token.children or []}
                assert kinds <= {"text", "softbreak", "html_inline"}
                for child in token.children or []:
                    if child.type == "html_inline":
                        assert "<br>" == child.content

    @given(hostile_texts)
    def test_no_raw_html_reaches_the_page(self, text):
        """Rendered to HTML by a CommonMark parser, data never opens a tag."""
        m = sm.StanceMatrix.from_positions(
            [sm.Position("A", "I", "support", "S", summary=text)],
            actors=[sm.Actor("A", text.strip() or "x")],
            issues=[sm.Issue("I", text.strip() or "x", "p")],
            sources=[sm.Source("S", "S")],
        )
        html = markdown_it.MarkdownIt("commonmark").enable("table").render(m.to_markdown())
        tags = set(re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", html))
        assert tags <= {"table", "thead", "tbody", "tr", "th", "td", "br"}


class Page(HTMLParser):
    """Every tag, attribute and piece of text of a page, with table cells collected."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.rows: list[list[str]] = []
        self.titles: list[str | None] = []
        self.items: list[str] = []
        self._cell: list[str] | None = None
        self._item: list[str] | None = None
        self._in_head = False
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
            if tag == "td":
                self.titles.append(dict(attrs).get("title"))
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")
        elif tag == "li":
            self._item = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "li" and self._item is not None:
            self.items.append("".join(self._item))
            self._item = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._item is not None:
            self._item.append(data)


HTML_TAGS = {
    "html", "head", "meta", "title", "body", "div", "style", "h1", "h2", "table", "thead",
    "tbody", "tr", "th", "td", "br", "ul", "li", "span", "ol", "code", "strong",
}  # fmt: skip
HTML_ATTRIBUTES = {
    "lang", "charset", "class", "scope", "style", "title", "id",
    "data-actor", "data-issue", "data-stance",
}  # fmt: skip


def html_shows(text: str) -> str:
    """What an HTML page shows for *text*: NUL, which parsers drop, as U+FFFD."""
    return text.replace("\x00", "\ufffd")


class TestHtml:
    @settings(max_examples=80)
    @given(matrix=hostile_matrices(), cell=cells_shown, transpose=st.booleans())
    def test_cells_are_text(self, matrix, cell, transpose):
        """After an HTML parse, the grid is exactly the intended text, and data adds no
        tag or attribute of its own."""
        page = Page(matrix.to_html(cell=cell, transpose=transpose, title="<b>x</b>"))
        assert set(page.tags) <= HTML_TAGS
        assert {name for name, _ in page.attributes} <= HTML_ATTRIBUTES
        expected = expected_grid(matrix, cell=cell, transpose=transpose)
        assert [[html_shows(text) for text in row] for row in expected] == page.rows

    @settings(max_examples=40)
    @given(matrix=hostile_matrices())
    def test_tooltips_and_sources_are_text(self, matrix):
        """Each cell's tooltip holds its claims' summaries exactly; source titles show."""
        page = Page(matrix.to_html())
        layout = grid(matrix)
        spans = [span for row in layout.spans for span in row]
        for span, title in zip(spans, page.titles, strict=True):
            for claim in layout.claims(span):
                if claim.summary is not None:
                    assert title is not None
                    assert html_shows(claim.summary) in title
        used = {claim.source for claim in matrix}
        for source in matrix.sources:
            if source.id in used:
                line = html_shows(f"{source.id}: {source.title}")
                assert any(item.startswith(line) for item in page.items)


#: Every query result with a table, asked of any matrix.
RESULTS: dict[str, Callable[[sm.StanceMatrix], object]] = {
    "compare": lambda m: sm.compare(m, m.actors[0].key, m.actors[-1].key),
    "timeline": lambda m: m.timeline(m.actors[0].key, m.issues[0].key),
    "shifts": lambda m: m.shifts(),
    "agreement_matrix": sm.agreement_matrix,
    "blocs": lambda m: sm.blocs(m, threshold=0.5),
    "polarization": sm.polarization,
    "common_ground": sm.common_ground,
    "deadlocks": sm.deadlocks,
    "conflicts": sm.conflicts,
    "coverage": sm.coverage,
}
RESULT_TAGS = {"div", "style", "p", "em", "table", "thead", "tbody", "tr", "th", "td", "br"}


class TestResultHtml:
    @settings(max_examples=20)
    @given(matrix=hostile_matrices())
    @pytest.mark.parametrize("name", RESULTS)
    def test_cells_are_text(self, name, matrix):
        """A result's notebook view shows each header and cell as exactly its text, and
        data adds no tag or attribute."""
        result = RESULTS[name](matrix)
        headers, rows, title = result._table()  # type: ignore[attr-defined]
        page = Page(result._repr_html_())  # type: ignore[attr-defined]
        assert set(page.tags) <= RESULT_TAGS
        assert {name for name, _ in page.attributes} <= {"class"}
        optional = result._optional()  # type: ignore[attr-defined]
        kept = [  # a column that may be left out is, when empty in every row
            c
            for c in range(len(headers))
            if not (rows and c in optional and all(row[c] in (None, "") for row in rows))
        ]
        expected = [[headers[c] for c in kept]] + [
            ["—" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v) for v in row]
            for row in ([row[c] for c in kept] for row in rows)
        ]
        assert [[html_shows(text) for text in row] for row in expected] == page.rows
        assert html_shows(title) in page_text(result._repr_html_())  # type: ignore[attr-defined]

    @settings(max_examples=20)
    @given(matrix=hostile_matrices())
    def test_one_pair_is_text(self, matrix):
        """One pair's agreement is one paragraph of exactly its text line."""
        a, b = matrix.actors[0].key, matrix.actors[-1].key
        agreed = sm.agreement(matrix, a, b)
        page = Page(agreed._repr_html_())
        assert ["p"] == page.tags
        assert html_shows(agreed.to_text()) == page_text(agreed._repr_html_()).rstrip("\n")


class Text(HTMLParser):
    """All the text an HTML fragment shows."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.feed(markup)
        self.close()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(markup: str) -> str:
    """All the text an HTML fragment shows."""
    return "".join(Text(markup).parts)


class TestSpreadsheetSafety:
    @settings(max_examples=60)
    @given(matrix=hostile_matrices())
    def test_long_layout(self, matrix):
        """No text cell of the long layout starts with = + - @ tab or CR."""
        rows = list(csv.reader(io.StringIO(matrix.to_csv(), newline="")))
        for row in rows[1:]:
            for column, value in zip(COLUMNS, row, strict=True):
                if column == "value" and row[0] in ("level", "format"):
                    continue  # numbers, written as numbers
                assert not value.startswith(tuple(FORMULA_TRIGGERS)), (row[0], column, value)

    @settings(max_examples=60)
    @given(matrix=hostile_matrices(), cell=cells_shown, transpose=st.booleans())
    def test_wide_layout(self, matrix, cell, transpose):
        """No cell of the wide layout, labels included, starts a formula."""
        out = matrix.to_csv(layout="wide", cell=cell, transpose=transpose)
        for row in csv.reader(io.StringIO(out, newline="")):
            for value in row:
                assert not value.startswith(tuple(FORMULA_TRIGGERS)), value

    @pytest.mark.parametrize("trigger", list(FORMULA_TRIGGERS))
    def test_each_trigger(self, trigger):
        """Each trigger character alone, and with a formula after it, is neutralised."""
        for text in (trigger + "1+1", trigger + 'HYPERLINK("http://x")', "'" + trigger):
            m = sm.StanceMatrix.from_positions(
                [sm.Position("A", "I", "support", "S", summary=text)],
                actors=[sm.Actor("A", "A")],
                issues=[sm.Issue("I", "I", "p")],
                sources=[sm.Source("S", "S")],
            )
            row = list(csv.reader(io.StringIO(m.to_csv(), newline="")))[-1]
            assert "'" + text == row[COLUMNS.index("summary")]
            assert m == sm.read_csv(m.to_csv())


class TestTerminal:
    @settings(max_examples=60)
    @given(
        matrix=hostile_matrices(),
        cell=cells_shown,
        tablefmt=st.sampled_from(["simple", "grid", "github", "rounded_outline", "plain"]),
    )
    def test_no_control_characters(self, matrix, cell, tablefmt):
        """Text output holds no character a terminal would act on, from data or labels."""
        out = matrix.to_text(cell=cell, tablefmt=tablefmt, width=100)
        assert TERMINAL_CONTROL.search(out) is None

    def test_ansi_cannot_recolour_or_move(self):
        """Colour, cursor-movement and screen-clearing sequences show as visible text."""
        hostile = "\x1b[31mred\x1b[0m \x1b[2J\x1b[H \x9b1A \rover\x08"
        m = sm.StanceMatrix.from_positions(
            [sm.Position("A", "I", "support", "S", summary=hostile)],
            actors=[sm.Actor("A", "\x1b]0;title\x07")],
            issues=[sm.Issue("I", "\u202eevil", "p")],
            sources=[sm.Source("S", "S")],
        )
        out = m.to_text(cell="summary", width=200)
        assert TERMINAL_CONTROL.search(out) is None
        assert "␛[31mred␛[0m" in out
        assert "␛]0;title␇" in out
        assert "<U+202E>evil" in out

    @settings(max_examples=30)
    @given(old=hostile_matrices(max_claims=4), new=hostile_matrices(max_claims=4))
    def test_diff_text(self, old, new):
        """A diff between hostile matrices prints no terminal control characters either."""
        try:
            out = sm.diff(old, new).to_text()
        except sm.StanceMatrixError:
            return  # matrices on different scales are not compared
        assert TERMINAL_CONTROL.search(out) is None


# Links and addresses GFM's autolink extension (GitHub's) would make live.
LINKY = st.sampled_from(
    [
        "https://evil.example/x",
        "HTTP://evil.example",
        "ftp://files.example/a",
        "www.evil.example",
        "WWW.evil.example/path",
        "victim@evil.example",
        "a.b+c_d-e@mail.evil.example",
        "mailto:x@evil.example",
        "xmpp:x@evil.example/r",
        "see (www.evil.example)",
    ]
)
linky_texts = st.tuples(hostile_texts, LINKY, hostile_texts).map(lambda t: f"{t[0]} {t[1]} {t[2]}")

# GFM's extended autolinks, for when cmark-gfm is not installed: www., a scheme's "://",
# mailto:/xmpp: and bare e-mail addresses, as the spec's autolink extension defines them.
GFM_AUTOLINK = re.compile(
    r"(?i)(?:^|[\s*_~(])www\.[a-z0-9_-]|(?:https?|ftp)://[a-z0-9_-]|(?:mailto|xmpp):"
    r"[a-z0-9.+_-]+@|[a-z0-9.+_-]@[a-z0-9_-]+\.[a-z0-9_-]"
)


def live_links(markdown: str) -> list[str]:
    """The links a GFM renderer makes of *markdown*: cmark-gfm's (GitHub's own parser)
    if it is installed, else what the GFM autolink pattern finds in the source (as
    cmark-gfm, it sees ``https\\://`` and ``www\\.`` as no link)."""
    try:
        import cmarkgfm  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return [found[0] for found in GFM_AUTOLINK.finditer(markdown)]
    return re.findall(r"<a\b[^>]*>", cmarkgfm.github_flavored_markdown_to_html(markdown))


class TestAutolinks:
    @settings(max_examples=60)
    @given(text=linky_texts)
    def test_matrix_markdown_has_no_live_link(self, text):
        """URLs and e-mail addresses in any field are text on GitHub, not links."""
        m = sm.StanceMatrix.from_positions(
            [sm.Position("A", "I", "support", "S", summary=text, quote=text)],
            actors=[sm.Actor("A", text.strip() or "x")],
            issues=[sm.Issue("I", text.strip() or "x", "p")],
            sources=[sm.Source("S", text.strip() or "x", document=text)],
        )
        for out in (m.to_markdown(cell="summary", citations=True), m.to_markdown()):
            assert [] == live_links(out)
        other = sm.StanceMatrix.from_positions([], actors=m.actors, issues=m.issues, sources=[])
        assert [] == live_links(sm.diff(m, other).to_markdown())
        assert [] == live_links(sm.conflicts(m).to_markdown())

    @settings(max_examples=60)
    @given(text=linky_texts)
    def test_links_read_back(self, text):
        """The defused links read back from Markdown as the text written."""
        m = sm.StanceMatrix.from_positions(
            [sm.Position("A", "I", "support", "S", summary=text)],
            actors=[sm.Actor("A", "A")],
            issues=[sm.Issue("I", "I", "p")],
            sources=[sm.Source("S", "S")],
        )
        back = sm.read_markdown(m.to_markdown(cell="summary", labels="key"))
        assert markdown_shows(text) == back.claims()[0].summary

    def test_unescaped_link_would_be_live(self):
        """The check sees a link where there is one (so an empty result means something)."""
        assert 3 == len(
            live_links("| a |\n|---|\n| https://x.example www.y.example a@b.example |\n")
        )


class TestResultTitles:
    @pytest.mark.parametrize("name", ["# Heading", "- item", "+ item", "1. first", "---"])
    def test_names_never_start_a_block(self, name):
        """An actor named like Markdown block syntax stays text in results' lines."""
        m = sm.StanceMatrix.from_positions(
            [sm.Position(k, "i", "support", "s") for k in (name, "B")],
            actors=[sm.Actor(name, name), sm.Actor("B", "B")],
            issues=[sm.Issue("i", "I", "p")],
            sources=[sm.Source("s", "S")],
        )
        compared, agreed = sm.compare(m, name, "B"), sm.agreement(m, name, "B")
        for out in (compared.to_markdown(), agreed.to_markdown()):
            html = markdown_it.MarkdownIt("commonmark").enable("table").render(out)
            assert not re.search(r"<(h[1-6]|ul|ol|li|hr)\b", html), html
            assert html.startswith("<p>")


# -- every tabulate format ------------------------------------------------------------------

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "[[javascript:alert(1)|click]]",
    "\\input{/etc/passwd}",
    "{{template}} ''bold'' |} {| !! ||",
    "*b* _i_ `c` [l](javascript:x) <script>x</script>",
    "$x^2$ & 100% #1 ~ \\\\ \\end{tabular}",
    "line\nbreak\ttab \x1b[31mred",
]
LATEX_COMMANDS = {
    "hline", "begin", "end", "textbackslash", "textasciitilde", "ensuremath", "toprule",
    "midrule", "bottomrule", "endhead", "\\", "&", "%", "$", "#", "_", "{", "}", "^",
}  # fmt: skip
MEDIAWIKI_CELL = re.compile(r"(?:[^!-/:-@\[-`{-~]|&#[0-9]+;|<br />)*")


def payload_matrix(text: str) -> sm.StanceMatrix:
    """One cell with *text* in every field a table shows."""
    return sm.StanceMatrix.from_positions(
        [sm.Position("A", "I", "support", "S", summary=text)],
        actors=[sm.Actor("A", text.strip())],
        issues=[sm.Issue("I", text.strip(), "p")],
        sources=[sm.Source("S", "S")],
    )


def check_inert(tablefmt: str, out: str) -> None:
    """Fail if *out*, drawn in *tablefmt*, holds markup or control characters from data."""
    if tablefmt in ("github", "pipe"):
        markdown_table(out)  # raises on any inline markup
    elif tablefmt == "html":
        page = Page(out)
        assert set(page.tags) <= {"table", "thead", "tbody", "tr", "th", "td", "br"}
        assert {name for name, _ in page.attributes} <= {"style"}
    elif tablefmt.startswith("latex"):
        assert set(re.findall(r"\\([A-Za-z]+|.)", out)) <= LATEX_COMMANDS
    elif tablefmt == "mediawiki":
        for line in out.splitlines():
            if line.startswith(("{|", "|+", "|-", "|}")):
                continue
            separator = line[0]
            assert separator in "|!", line
            for cell in line[1:].split(separator * 2):
                assert MEDIAWIKI_CELL.fullmatch(cell.strip()), cell
    elif tablefmt == "tsv":
        assert 1 == len({line.count("\t") for line in out.splitlines()})
    assert TERMINAL_CONTROL.search(out.replace("\t", "") if tablefmt == "tsv" else out) is None


class TestTableFormats:
    @pytest.mark.parametrize("tablefmt", tabulate.tabulate_formats)
    @pytest.mark.parametrize("text", PAYLOADS)
    def test_every_format_escapes_or_refuses(self, tablefmt, text):
        """Every format tabulate offers either draws hostile text inert or is refused,
        for matrices and diffs alike."""
        m = payload_matrix(text)
        d = sm.diff(payload_matrix("x"), m)
        if tablefmt not in TABLEFMTS:
            with pytest.raises(UnsupportedFormatError, match="simple, grid"):
                m.to_text(tablefmt=tablefmt)
            with pytest.raises(UnsupportedFormatError):
                d.to_text(tablefmt=tablefmt)
            return
        check_inert(tablefmt, m.to_text(tablefmt=tablefmt, cell="both", width=60))
        check_inert(tablefmt, m.to_text(tablefmt=tablefmt, transpose=True, width=200))
        for table in d.to_text(tablefmt=tablefmt, width=60).split("\n\n")[1:]:
            title, _, rest = table.partition("\n")
            check_inert(tablefmt, rest if re.fullmatch(r"[\w ]+ \(\d+\)", title) else table)

    @settings(max_examples=40)
    @given(
        matrix=hostile_matrices(),
        cell=cells_shown,
        tablefmt=st.sampled_from(sorted(TABLEFMTS)),
        width=st.integers(40, 120),
    )
    def test_hostile_matrices(self, matrix, cell, tablefmt, width):
        """Hostile text in every field stays inert in every accepted format."""
        check_inert(tablefmt, matrix.to_text(tablefmt=tablefmt, cell=cell, width=width))

    @settings(max_examples=40)
    @given(matrix=hostile_matrices(), cell=cells_shown, transpose=st.booleans())
    @pytest.mark.parametrize("tablefmt", ["github", "pipe"])
    def test_markdown_cells_are_the_text(self, tablefmt, matrix, cell, transpose):
        """Unwrapped, a Markdown text table parses back to exactly the grid's text (with
        control characters made visible)."""
        out = matrix.to_text(tablefmt=tablefmt, cell=cell, transpose=transpose, width=10_000)
        expected = expected_grid(matrix, cell=cell, transpose=transpose)
        shown = [[gfm_shows(terminal_text(t)) for t in row] for row in expected]
        assert shown == markdown_table(out)

    @settings(max_examples=40)
    @given(matrix=hostile_matrices(), cell=cells_shown)
    def test_html_cells_are_the_text(self, matrix, cell):
        """An HTML text table parses back to the grid's text (tabulate pads and trims the
        spaces around it, which HTML does not show)."""
        page = Page(matrix.to_text(tablefmt="html", cell=cell))
        expected = expected_grid(matrix, cell=cell)
        assert [[html_shows(terminal_text(t)).strip() for t in row] for row in expected] == [
            [t.strip() for t in row] for row in page.rows
        ]

    def test_refusal_lists_the_safe_formats(self):
        """Refusing unsafehtml names the formats that are accepted instead."""
        with pytest.raises(UnsupportedFormatError) as caught:
            payload_matrix("x").to_text(tablefmt="unsafehtml")
        assert tuple(TABLEFMTS) == caught.value.formats
        assert "html" in str(caught.value)
