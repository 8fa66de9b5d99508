from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from textwrap import dedent

import pytest
import tabulate
from hypothesis import given, settings
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._cli import main
from stancematrix._io import fit
from stancematrix._io.text import display_width
from stancematrix.exceptions import InvalidValueError
from tests.conftest import ROOT
from tests.strategies import hostile_matrices, hostile_texts

CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def ukraine() -> sm.StanceMatrix:
    return sm.load_dataset("ukraine")


@pytest.fixture(scope="module")
def three(ukraine: sm.StanceMatrix) -> sm.StanceMatrix:
    return ukraine.select(actors=["US", "RU"], issues=["territory", "energy", "ceasefire"])


def one_cell(summary: str, actor: str = "Actor", issue: str = "Issue") -> sm.StanceMatrix:
    return sm.StanceMatrix.from_positions(
        [sm.Position("A", "I", "support", "S", summary=summary)],
        actors=[sm.Actor("A", actor)],
        issues=[sm.Issue("I", issue, "A proposition.")],
        sources=[sm.Source("S", "Source")],
    )


class TestGolden:
    def test_simple(self, three):
        """The default: tabulate's simple format, issues × actors, stance labels."""
        expected = dedent(
            """\
            Issue                  United States               Russia
            ---------------------  --------------------------  ---------------
            Territorial integrity  support / oppose            strongly oppose
            Energy                 support                     oppose
            Ceasefire              support / strongly support  oppose"""
        )
        assert expected == three.to_text(width=100)

    def test_wrapped_grid(self, three):
        """Long cells wrap to the width; tablefmt is handed to tabulate."""
        expected = dedent(
            """\
            +-----------------------+------------------------+
            | Issue                 | Russia                 |
            +=======================+========================+
            | Territorial integrity | Claims Crimea as       |
            |                       | integral part of       |
            |                       | Russia; backs          |
            |                       | separatists in Donbas  |
            |                       | Russia annexed Crimea  |
            |                       | expanded territorial   |
            |                       | demands                |
            +-----------------------+------------------------+
            | Energy                | Uses energy exports as |
            |                       | geopolitical leverage  |
            +-----------------------+------------------------+
            | Ceasefire             | Russia’s response was  |
            |                       | a military escalation  |
            +-----------------------+------------------------+"""
        )
        assert expected == three.to_text(tablefmt="grid", width=50, cell="summary", actors=["RU"])


class TestWidth:
    @pytest.mark.parametrize("tablefmt", ["simple", "grid", "github", "plain", "rounded_outline"])
    @pytest.mark.parametrize("width", [40, 60, 100])
    def test_fits(self, ukraine, tablefmt, width):
        """Every line fits the width when each column can keep six columns."""
        out = ukraine.to_text(tablefmt=tablefmt, width=width, cell="summary", actors=["US", "RU"])
        assert max(display_width(line) for line in out.splitlines()) <= width

    def test_github_stays_one_table(self):
        """A github table whose header row is wider than the width keeps that row on one
        line and all its columns in one table; only body cells wrap, onto continuation
        rows."""
        m = sm.StanceMatrix.from_positions(
            [sm.Position(f"actor-with-a-long-key-{k}", "I", "support", "S") for k in range(3)],
            actors=[
                sm.Actor(f"actor-with-a-long-key-{k}", f"Actor number {k} with a long name")
                for k in range(3)
            ],
            issues=[sm.Issue("I", "Issue", "A proposition.")],
            sources=[sm.Source("S", "Source")],
        )
        out = m.to_text(tablefmt="github", width=30).splitlines()
        assert [True] * 3 + [False] * (len(out) - 3) == [line[:1] == "|" for line in out]
        assert 3 == sum(f"actor-with-a-long-key-{k}" in out[0] for k in range(3))
        assert re.fullmatch(r"\|[-|]+\|", out[1])

    def test_terminal_default(self, three, monkeypatch):
        """Without width= the terminal's width is used."""
        monkeypatch.setenv("COLUMNS", "45")
        assert three.to_text(width=45) == three.to_text()

    def test_bad_width(self, three):
        """A width that is not a positive int is refused."""
        with pytest.raises(InvalidValueError):
            three.to_text(width=0)

    def test_unknown_tablefmt(self, three):
        """An unknown tablefmt names the ones tabulate knows."""
        with pytest.raises(InvalidValueError, match="grid"):
            three.to_text(tablefmt="nope")


class TestWideCharacters:
    def test_aligned(self):
        """CJK text counts two columns per character, so borders line up."""
        m = one_cell("中文字符 很长的文字", actor="中国", issue="議題")
        out = m.to_text(tablefmt="grid", cell="summary", width=80)
        widths = {display_width(line) for line in out.splitlines()}
        assert 1 == len(widths)

    def test_wrapped_by_display_width(self):
        """Wide text is wrapped by display width, not by character count."""
        m = one_cell("字" * 30)
        out = m.to_text(tablefmt="grid", cell="summary", width=40)
        assert max(display_width(line) for line in out.splitlines()) <= 40
        assert "字" * 30 == "".join(re.findall("字", out))

    def test_tabulate_left_as_found(self):
        """Rendering leaves tabulate's wide-character switch as it was."""
        before = tabulate.WIDE_CHARS_MODE, getattr(tabulate, "wcwidth", None)
        one_cell("中文").to_text()
        assert before == (tabulate.WIDE_CHARS_MODE, getattr(tabulate, "wcwidth", None))


class TestControlCharacters:
    @settings(max_examples=100)
    @given(hostile_texts, st.sampled_from(["simple", "grid", "plain", "github"]))
    def test_no_control_characters(self, text, tablefmt):
        """No escape, carriage return or other control character reaches the terminal."""
        m = one_cell(text, actor=text.strip() or "x")
        out = m.to_text(tablefmt=tablefmt, cell="both", width=60)
        assert CONTROL.search(out) is None

    def test_escape_made_visible(self):
        """An ANSI colour sequence shows as text instead of colouring the terminal."""
        out = one_cell("\x1b[31mred\x1b[0m").to_text(cell="summary")
        assert "␛[31mred␛[0m" in out


def renderings(m: sm.StanceMatrix) -> list[Callable[[], str]]:
    """Every text renderer over *m*: the grid, results and a diff."""
    a, b = m.actors[0].key, m.actors[-1].key
    early = m.select(issues=[m.issues[0].key])
    return [
        lambda: m.to_text(cell="both", tablefmt="grid", width=60),
        lambda: m.to_text(transpose=True, width=44),
        lambda: sm.compare(m, a, b).to_text(),
        lambda: sm.agreement_matrix(m).to_text(),
        lambda: m.timeline(a, m.issues[0].key).to_text(),
        lambda: m.shifts().to_text(),
        lambda: sm.diff(early, m).to_text(width=70),
    ]


class TestThreads:
    @settings(max_examples=10, deadline=None)
    @given(st.lists(hostile_matrices(max_claims=6), min_size=2, max_size=4))
    def test_concurrent_equals_serial(self, matrices):
        """Eight threads rendering different matrices at once print exactly what one
        thread prints, and tabulate's module settings are never touched."""
        jobs = [job for m in matrices for job in renderings(m)]
        expected = [job() for job in jobs]
        settings_before = tabulate.WIDE_CHARS_MODE, getattr(tabulate, "wcwidth", None)
        results: dict[int, list[str]] = {}
        errors: list[BaseException] = []
        start = threading.Barrier(8)

        def work(worker: int) -> None:
            start.wait()
            try:
                results[worker] = [job() for _ in range(3) for job in jobs]
            except BaseException as error:  # reported below, with the thread's traceback
                errors.append(error)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [] == errors
        for worker in range(8):
            assert expected * 3 == results[worker]
        assert settings_before == (tabulate.WIDE_CHARS_MODE, getattr(tabulate, "wcwidth", None))

    def test_no_global_switch(self, monkeypatch):
        """Rendering wide text reads no tabulate module setting: it works with them broken."""
        monkeypatch.setattr(tabulate, "WIDE_CHARS_MODE", True)
        monkeypatch.setattr(tabulate, "wcwidth", None, raising=False)
        out = one_cell("中文字符 很长的文字", actor="中国").to_text(tablefmt="grid", cell="summary")
        assert 1 == len({display_width(line) for line in out.splitlines()})


class TestLongText:
    @pytest.mark.parametrize("char", ["é", "中", "e\u0301", "x"])
    def test_wrapping_is_linear(self, char):
        """One 100,000-character summary wraps in well under two seconds."""
        m = one_cell(char * 100_000)
        started = time.perf_counter()
        out = m.to_text(cell="summary", width=80)
        assert time.perf_counter() - started < 2
        assert char * 100_000 == "".join(re.findall(re.escape(char), out))


# -- fitting the width -------------------------------------------------------------------

short_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé中", min_size=1, max_size=5)
phrases = st.lists(short_words, min_size=1, max_size=4).map(" ".join)
FRAME_CHARS = set("-=+|:─━═│┃║┌┐└┘├┤┬┴┼╭╮╯╰┏┓┗┛┣┫┳┻╋┍┑┕┙┝┥┯┷┿╒╕╘╛╞╡╤╧╪╔╗╚╝╠╣╦╩╬")


@st.composite
def wordy_matrices(draw: st.DrawFn) -> sm.StanceMatrix:
    """Matrices whose labels and summaries are phrases of words at most 10 cells wide."""
    actor_keys = draw(st.lists(short_words, min_size=1, max_size=9, unique_by=str.casefold))
    issue_keys = draw(st.lists(short_words, min_size=1, max_size=6, unique_by=str.casefold))
    labels = sm.Scale.five_point().labels
    claims = draw(
        st.lists(
            st.builds(
                sm.Position,
                actor=st.sampled_from(actor_keys),
                issue=st.sampled_from(issue_keys),
                stance=st.sampled_from(labels),
                source=st.just("s"),
                summary=st.none() | st.lists(short_words, min_size=1, max_size=12).map(" ".join),
                date=st.none() | st.sampled_from(["2020", "2021-03"]),
            ),
            max_size=20,
            unique_by=lambda p: (p.actor, p.issue, p.source, p.date),
        )
    )
    return sm.StanceMatrix.from_positions(
        claims,
        actors=[sm.Actor(k, draw(phrases)) for k in actor_keys],
        issues=[sm.Issue(k, draw(phrases), "p") for k in issue_keys],
        sources=[sm.Source("s", "s")],
    )


def tokens(text: str) -> set[str]:
    """The words of *text*, borders left out."""
    return {t for t in text.split() if not set(t) <= FRAME_CHARS}


def assert_fits(text: str, width: int) -> None:
    widest = max((display_width(line) for line in text.splitlines()), default=0)
    assert widest <= width, text


class TestFit:
    def test_groups_repeat_what_names_a_row(self, ukraine):
        """Shifts and conflicts too wide for the width are split into column groups that
        each start with the actor and the issue."""
        for out in (ukraine.shifts().to_text(width=60), sm.conflicts(ukraine).to_text(width=60)):
            groups = out.split("\n\n")
            assert len(groups) > 1
            assert [["actor", "issue"]] * len(groups) == [g.split()[:2] for g in groups]

    def test_header_padding_goes_before_content(self):
        """When the table is a little too wide, the spaces after short headers are given
        up before any cell is wrapped."""
        mixed = [sm.Position("A", "I", st_, f"S{k}") for k, st_ in enumerate(["support", "oppose"])]
        m = sm.StanceMatrix.from_positions(
            [*mixed, *(sm.Position(k, "I", "support", "S0") for k in "BCDEFG")],
            actors=[sm.Actor(k, k) for k in "ABCDEFG"],
            issues=[sm.Issue("I", "I", "p")],
            sources=[sm.Source("S0", "0"), sm.Source("S1", "1")],
        )
        wide = m.to_text(tablefmt="grid", labels="key", width=200).splitlines()
        narrow = m.to_text(tablefmt="grid", labels="key", width=len(wide[0]) - 2).splitlines()
        assert "support / oppose" in narrow[3]
        assert len(wide) == len(narrow)

    @settings(max_examples=80, deadline=None)
    @given(
        m=wordy_matrices(),
        width=st.integers(40, 200),
        tablefmt=st.sampled_from(["simple", "grid", "plain", "simple_grid", "github", "psql"]),
        cell=st.sampled_from(["stance", "summary", "both"]),
        transpose=st.booleans(),
    )
    def test_grid_fits_and_keeps_words(self, m, width, tablefmt, cell, transpose):
        """Every line fits the width, and every word shown is a whole word of the grid in
        one of its fallback layouts (names, keys, symbols) — none is split. A Markdown
        table (``github``) fits whenever its header row does; a wider header row is kept
        whole on one line, as documented."""
        out = m.to_text(tablefmt=tablefmt, width=width, cell=cell, transpose=transpose)
        whole: set[str] = set()
        heads: set[str] = set()
        for labels in ("name", "key"):
            for shown in {cell, "symbol"} if cell == "stance" else {cell}:
                wide = m.to_text(
                    tablefmt=tablefmt, width=10_000, cell=shown, labels=labels, transpose=transpose
                )
                whole |= tokens(wide)
                heads.add(" ".join(wide.splitlines()[0].split()))
        head = out.splitlines()[0]
        if tablefmt == "github" and display_width(head) > width:
            # kept whole on one line: the words of a layout's header row drawn unconstrained
            assert " ".join(head.split()) in heads
            return
        assert_fits(out, width)
        whole |= tokens("Symbols: -- strongly oppose, - oppose, 0 neutral, + support, "
                        "++ strongly support, ? no position reported")  # fmt: skip
        assert tokens(out) <= whole

    @settings(max_examples=40, deadline=None)
    @given(m=wordy_matrices(), width=st.integers(40, 200), data=st.data())
    def test_results_and_diffs_fit_and_keep_words(self, m, width, data):
        """Result tables and diff reports fit the width and show the same words as
        when nothing has to fit."""
        a = data.draw(st.sampled_from(m.actors)).key
        b = data.draw(st.sampled_from(m.actors)).key
        issue = data.draw(st.sampled_from(m.issues)).key
        before = m.select(issues=[m.issues[0].key])
        for render in (
            lambda w: sm.compare(m, a, b).to_text(width=w),
            lambda w: sm.conflicts(m).to_text(width=w),
            lambda w: m.timeline(a, issue).to_text(width=w),
            lambda w: m.shifts().to_text(width=w),
            lambda w: sm.agreement_matrix(m).to_text(width=w),
            lambda w: sm.coverage(m).to_text(width=w),
            lambda w: sm.diff(before, m).to_text(width=w),
        ):
            out = render(width)
            assert_fits(out, width)
            assert tokens(render(10_000)) == tokens(out)

    def test_order_of_fallbacks(self):
        """Too wide with names, the grid shows keys; then also symbols, with a legend;
        then column groups that repeat the row labels."""
        actors = [sm.Actor(f"A{n}", f"Supercalifragilistic{n}") for n in range(4)]
        m = sm.StanceMatrix.from_positions(
            [sm.Position(a.key, "I", "strongly support", "s") for a in actors],
            actors=actors,
            issues=[sm.Issue("I", "Antidisestablishmentarianism", "p")],
            sources=[sm.Source("s", "s")],
        )
        names = m.to_text(tablefmt="grid", width=200)
        assert {"Supercalifragilistic0", "Antidisestablishmentarianism"} <= tokens(names)
        keys = m.to_text(tablefmt="grid", width=80)
        assert {"A0", "A3", "I", "strongly", "support"} <= tokens(keys)
        assert "Supercalifragilistic0" not in keys
        symbols = m.to_text(tablefmt="grid", width=40)
        assert {"A0", "A3"} <= tokens(symbols)
        assert "| ++ " in symbols
        assert "strongly" not in symbols.split("Symbols:")[0]
        assert "Symbols: -- strongly oppose," in symbols
        groups = m.to_text(tablefmt="grid", width=25)
        assert 2 <= groups.count("| Issue ")
        for out, width in ((names, 200), (keys, 80), (symbols, 40), (groups, 25)):
            assert_fits(out, width)

    def test_long_word_split_only_when_wider_than_the_column(self):
        """A word wider than any column can be is split; its neighbours stay whole."""
        out = one_cell("short " + "x" * 120 + " words").to_text(cell="summary", width=50)
        assert_fits(out, 50)
        assert {"short", "words"} <= tokens(out)
        assert "x" * 120 == "".join(re.findall("x+", out))


class TestGroupWidths:
    def test_mixed_cell_not_one_symbol_a_line(self, ukraine):
        """At 80 columns the US column's mixed cell reads ``+ / ++ / -`` on one line: the
        groups leave room for the columns that would wrap most."""
        out = ukraine.to_text(tablefmt="simple_grid", width=80)
        assert any(
            line.startswith("│ sanctions ") and "│ + / ++ / - │" in line
            for line in out.splitlines()
        )
        assert not any(re.search(r"│ /\s+│", line) for line in out.splitlines())
        assert 2 == out.count("│ Issue ")

    @settings(max_examples=200, deadline=None)
    @given(
        cells=st.lists(
            st.lists(st.text("ab ", min_size=0, max_size=14), min_size=3, max_size=3),
            min_size=3,
            max_size=12,
        ),
        width=st.integers(12, 60),
        labels=st.integers(1, 2),
    )
    def test_no_more_groups_than_needed(self, cells, width, labels):
        """Giving room to wide columns never adds a group: there are as many as packing
        every column at its minimum width makes, each column once and in order."""
        header = [f"h{c}" for c in range(len(cells))]
        rows = [[column[r] for column in cells] for r in range(3)]
        sizes = fit._Sizes("simple", header, rows)
        groups = fit._groups("simple", sizes, width, labels)
        assert len(fit._pack("simple", sizes.minimum, width, labels)) == len(groups)
        assert [list(range(labels))] * len(groups) == [g[:labels] for g in groups]
        assert list(range(labels, len(header))) == [c for g in groups for c in g[labels:]]


class TestMatrixPreview:
    def test_max_rows_and_columns(self, ukraine):
        """max_rows and max_columns draw the first and last rows and columns with a … row
        and column between, and lines counting what was left out."""
        out = ukraine.to_text(labels="key", width=200, max_rows=4, max_columns=3)
        lines = out.splitlines()
        assert ["Issue", "US", "CONGRESS", "…", "EUROPE"] == lines[0].split()
        assert ["sovereignty", "territory", "…", "us-russia-reset", "peace-plan"] == [
            line.split()[0] for line in lines[2:7]
        ]
        assert "… 9 of 13 rows left out (the first 2 and the last 2 shown)." == lines[7]
        assert "… 7 of 10 columns left out (the first 2 and the last 1 shown)." == lines[8]

    def test_transposed_rows_are_actors(self, ukraine):
        """With transpose=True, max_rows cuts the actors."""
        out = ukraine.to_text(labels="key", width=200, max_rows=2, transpose=True, cell="symbol")
        lines = out.splitlines()
        assert ["Actor", "US", "…", "EUROPE"] == [
            line.split()[0] for line in [lines[0], *lines[2:5]]
        ]
        assert "… 8 of 10 rows left out (the first 1 and the last 1 shown)." in out

    def test_complete_unless_asked(self, ukraine):
        """to_text() draws every row and column, as DataFrame.to_string() does."""
        out = ukraine.to_text(labels="key", width=400)
        assert all(i.key in out for i in ukraine.issues)
        assert all(a.key in out for a in ukraine.actors)
        assert "…" not in out
        assert out == ukraine.to_text(labels="key", width=400, max_rows=13, max_columns=10)


GOLDEN80 = ROOT / "tests" / "data" / "golden80"


class TestGolden80:
    @pytest.mark.parametrize(
        ("name", "args"),
        [
            ("show", ["show"]),
            ("compare", ["compare", "US", "RU"]),
            ("conflicts", ["conflicts"]),
            ("diff", ["diff", "ukraine", "--from", "2025-03", "--to", "2025-07"]),
        ],
    )
    def test_command_at_80_columns(self, name, args, capsys, monkeypatch):
        """The command prints exactly the committed output on an 80-column terminal,
        no line wider than 80 cells."""
        monkeypatch.setenv("COLUMNS", "80")
        assert 0 == main(args)
        out = capsys.readouterr().out
        assert (GOLDEN80 / f"{name}.txt").read_text(encoding="utf-8") == out
        assert_fits(out, 80)
