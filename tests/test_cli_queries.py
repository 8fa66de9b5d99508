"""The command line does what the library does: issue 13, item 3."""

from __future__ import annotations

import pytest

import stancematrix as sm
from stancematrix._cli import main
from stancematrix._query import methods

WAHL = (
    "party,thesis,answer\n"
    "SPD,T1,Stimme zu\n"
    "CDU,T1,Stimme nicht zu\n"
    "SPD,T2,Neutral\n"
    "CDU,T2,Stimme zu\n"
)
STANCES = ["Stimme zu=support", "Stimme nicht zu=oppose", "Neutral=neutral"]
COLUMNS = "actor=party,issue=thesis,stance=answer"


def stances_args():
    """--stances VALUE=LABEL for each pair of STANCES."""
    return [arg for pair in STANCES for arg in ("--stances", pair)]


@pytest.fixture
def wahl(tmp_path):
    """A Wahl-O-Mat-like answer table with German cell values."""
    path = tmp_path / "wahl.csv"
    path.write_text(WAHL, encoding="utf-8")
    return path


def expected_wahl(path, **options):
    """The library's reading of the answer table."""
    stances = dict(pair.split("=") for pair in STANCES)
    columns = {"actor": "party", "issue": "thesis", "stance": "answer"}
    return sm.read_csv(path, columns=columns, stances=stances, **options)


def out(text):
    """A command's printed text: the library's, ending in one newline."""
    return text.rstrip("\n") + "\n"


class TestStancesAndScale:
    """--stances and --scale read any table for every command that reads one."""

    def test_stances_pairs_show(self, wahl, capsys):
        """--stances VALUE=LABEL maps "Stimme zu" onto support for show."""
        assert 0 == main(["show", str(wahl), "--columns", COLUMNS, *stances_args()])
        assert out(expected_wahl(wahl).to_text(tablefmt="simple_grid")) == capsys.readouterr().out

    def test_stances_file_convert(self, wahl, tmp_path, capsys):
        """--stances FILE reads one VALUE=LABEL a line; convert writes the mapped matrix."""
        mapping = tmp_path / "stances.txt"
        mapping.write_text("# Wahl-O-Mat\n" + "\n".join(STANCES) + "\n", encoding="utf-8")
        target = tmp_path / "wahl.json"
        args = ["convert", str(wahl), str(target), "--columns", COLUMNS]
        assert 0 == main([*args, "--stances", str(mapping)])
        assert expected_wahl(wahl) == sm.read_json(target)

    def test_scale_file(self, wahl, tmp_path, capsys):
        """--scale FILE builds the user's scale from label,value,symbol rows."""
        scale = tmp_path / "three.csv"
        scale.write_text(
            "label,value,symbol\noppose,-1,-\nneutral,0,0\nsupport,1,+\n", encoding="utf-8"
        )
        args = ["coverage", str(wahl), "--columns", COLUMNS, *stances_args()]
        assert 0 == main([*args, "--scale", str(scale)])
        user = sm.Scale(
            "three",
            [sm.Level("oppose", -1, "-"), sm.Level("neutral", 0, "0"), sm.Level("support", 1, "+")],
        )
        assert out(sm.coverage(expected_wahl(wahl, scale=user)).to_text()) == (
            capsys.readouterr().out
        )

    def test_scale_names_stay(self, capsys):
        """The built-in scale names still work (votes)."""
        path = self.write("who,rc,v\nUS,1,yes\nRU,1,no\n")
        args = ["validate", path, "--columns", "actor=who,issue=rc,stance=v", "--scale", "votes"]
        assert 0 == main(args)
        assert f"{path}: ok: 2 actors, 1 issues, 2 claims, 1 sources\n" == capsys.readouterr().out

    @pytest.fixture(autouse=True)
    def _tmp(self, tmp_path):
        self.tmp = tmp_path

    def write(self, text):
        """Write *text* to a file in the test's folder; its path."""
        path = self.tmp / "t.csv"
        path.write_text(text, encoding="utf-8")
        return str(path)

    def test_unknown_scale_names_the_flag(self, wahl, capsys):
        """A --scale that is neither a name nor a file names the flag."""
        args = ["show", str(wahl), "--columns", COLUMNS, "--scale", "seven-point"]
        assert 2 == main(args)
        assert "--scale" in capsys.readouterr().err


class TestValidate:
    """validate maps columns, names flags and caps its problem list."""

    def test_columns_flag(self, wahl, capsys):
        """--columns maps a table onto a matrix; the file validates."""
        assert 0 == main(["validate", str(wahl), "--columns", COLUMNS, *stances_args()])
        assert f"{wahl}: ok: 2 actors, 2 issues, 4 claims, 1 sources\n" == capsys.readouterr().out

    def test_repeated_column_flag(self, wahl, capsys):
        """Repeated --column FIELD=COLUMN is the same as --columns."""
        columns = [
            "--column",
            "actor=party",
            "--column",
            "issue=thesis",
            "--column",
            "stance=answer",
        ]
        assert 0 == main(["validate", str(wahl), *columns, *stances_args()])
        assert f"{wahl}: ok: 2 actors, 2 issues, 4 claims, 1 sources\n" == capsys.readouterr().out

    def test_message_names_flags(self, wahl, capsys):
        """An unmapped table's message names --column, never "columns=" (Python wording)."""
        assert 1 == main(["validate", str(wahl)])
        printed = capsys.readouterr().out
        assert "--column FIELD=COLUMN" in printed
        assert "columns=" not in printed

    def test_fallback_hint_names_flags(self, tmp_path, capsys):
        """An empty actor's hint names --column actor=code,name, not columns={...}."""
        path = tmp_path / "gap.csv"
        path.write_text("a,i,s\n,I,support\n", encoding="utf-8")
        assert 1 == main(["validate", str(path), "--columns", "actor=a,issue=i,stance=s"])
        printed = capsys.readouterr().out
        assert "--column actor=code,name" in printed
        assert "columns=" not in printed

    def test_show_error_names_flags(self, wahl, capsys):
        """show on an unmapped table: the one-line error names --column too."""
        assert 2 == main(["show", str(wahl)])
        err = capsys.readouterr().err
        assert "--column FIELD=COLUMN" in err
        assert "columns=" not in err

    def test_columns_fallback_chain(self, tmp_path, capsys):
        """In --columns, names after actor=... without '=' are its fallback chain."""
        path = tmp_path / "chain.csv"
        path.write_text("code,name,i,s\nUS,,I,support\n,Russia,I,oppose\n", encoding="utf-8")
        args = ["show", str(path), "--columns", "actor=code,name,issue=i,stance=s"]
        assert 0 == main([*args, "--labels", "key", "--format", "markdown"])
        columns = {"actor": ("code", "name"), "issue": "i", "stance": "s"}
        expected = sm.read_csv(path, columns=columns).to_markdown(labels="key")
        assert out(expected) == capsys.readouterr().out

    def test_max_errors(self, tmp_path, capsys):
        """--max-errors N prints N problems and a count of the rest."""
        path = tmp_path / "bad.csv"
        rows = "".join(f"A{n},I{n},maybe\n" for n in range(30))
        path.write_text("a,i,s\n" + rows, encoding="utf-8")
        args = ["validate", str(path), "--columns", "actor=a,issue=i,stance=s"]
        assert 1 == main([*args, "--max-errors", "5"])
        lines = capsys.readouterr().out.splitlines()
        assert 6 == len(lines)
        assert (
            f"{path}: … and 25 more problems (30 in all; --max-errors 0 shows them all)"
            == (lines[-1])
        )

    def test_max_errors_default_20(self, tmp_path, capsys):
        """By default at most 20 problems are printed."""
        path = tmp_path / "bad.csv"
        rows = "".join(f"A{n},I{n},maybe\n" for n in range(30))
        path.write_text("a,i,s\n" + rows, encoding="utf-8")
        assert 1 == main(["validate", str(path), "--columns", "actor=a,issue=i,stance=s"])
        assert 21 == len(capsys.readouterr().out.splitlines())


class TestQueryOptions:
    """--sources, --as-of and --labels mean what the library's arguments mean."""

    def test_compare_sources(self, capsys):
        """compare --sources counts only those sources' claims."""
        m = sm.load_dataset("ukraine")
        source = m.sources[0].id
        assert 0 == main(["compare", "US", "RU", "--sources", source])
        assert out(sm.compare(m, "US", "RU", sources=[source]).to_text()) == (
            capsys.readouterr().out
        )

    def test_agreement_sources_as_of(self, capsys):
        """agreement --sources --as-of equals agreement_matrix(sources=, as_of=)."""
        m = sm.load_dataset("ukraine")
        source = m.sources[-1].id
        assert 0 == main(["agreement", "--sources", source, "--as-of", "2025-07"])
        expected = sm.agreement_matrix(m, sources=[source], as_of="2025-07")
        assert out(expected.to_text()) == capsys.readouterr().out

    def test_show_labels_key(self, capsys):
        """show --labels key labels rows and columns by key."""
        assert 0 == main(["show", "--labels", "key"])
        expected = sm.load_dataset("ukraine").to_text(labels="key", tablefmt="simple_grid")
        assert out(expected) == capsys.readouterr().out

    def test_show_sources(self, capsys):
        """show --sources shows only those sources' claims."""
        m = sm.load_dataset("ukraine")
        source = m.sources[0].id
        assert 0 == main(["show", "--sources", source, "--format", "markdown"])
        assert out(m.select(sources=[source]).to_markdown()) == capsys.readouterr().out


class TestQueryCommands:
    """Every library query has a command printing what the library prints."""

    @pytest.mark.parametrize(
        ("argv", "call"),
        [
            (["coverage"], lambda m: sm.coverage(m)),
            (["coverage", "--as-of", "2020"], lambda m: sm.coverage(m, as_of="2020")),
            (["polarization"], lambda m: sm.polarization(m)),
            (
                ["polarization", "--actors", "US", "RU", "UA"],
                lambda m: sm.polarization(m, actors=["US", "RU", "UA"]),
            ),
            (
                ["common-ground", "--actors", "US", "UA", "--tolerance", "1"],
                lambda m: sm.common_ground(m, ["US", "UA"], tolerance=1),
            ),
            (["deadlocks"], lambda m: sm.deadlocks(m)),
            (["deadlocks", "--actors", "US", "RU"], lambda m: sm.deadlocks(m, ["US", "RU"])),
            (["shifts"], lambda m: m.shifts()),
            (["shifts", "--actor", "US"], lambda m: m.shifts(actor="US")),
            (["shifts", "--issue", "sanctions"], lambda m: m.shifts(issue="sanctions")),
            (["conflicts", "--as-of", "2025-07"], lambda m: sm.conflicts(m, as_of="2025-07")),
            (
                ["conflicts", "--kind", "disagreement"],
                lambda m: sm.conflicts(m, kind="disagreement"),
            ),
        ],
    )
    def test_text(self, argv, call, capsys):
        """The command's text is the library result's to_text()."""
        assert 0 == main(argv)
        assert out(call(sm.load_dataset("ukraine")).to_text()) == capsys.readouterr().out

    def test_markdown(self, capsys):
        """--format markdown is the result's to_markdown()."""
        assert 0 == main(["deadlocks", "--format", "markdown"])
        assert out(sm.deadlocks(sm.load_dataset("ukraine")).to_markdown()) == (
            capsys.readouterr().out
        )


class TestBlocsMessage:
    """blocs without an option names the flags to give."""

    def test_names_flags(self, capsys):
        """The message names --threshold and --k, not Python arguments."""
        assert 2 == main(["blocs"])
        err = capsys.readouterr().err
        assert "--threshold" in err
        assert "--k" in err
        assert "None" not in err


class TestDiffStanceOnly:
    """diff --stance-only reaches the renderer."""

    def test_equals_library(self, capsys):
        """The printed text is d.to_text(stance_only=True), shorter than without it."""
        m = sm.load_dataset("ukraine")
        d = sm.diff(m.as_of("2025-03"), m.as_of("2025-07"), stance_only=True)
        argv = ["diff", "ukraine", "--from", "2025-03", "--to", "2025-07"]
        assert 0 == main([*argv, "--stance-only"])
        assert out(d.to_text(stance_only=True)) == capsys.readouterr().out
        assert d.to_text(stance_only=True) != d.to_text()


class TestShowGrid:
    """show prints the grid in every format; --layout long gives the lossless CSV."""

    def test_csv_is_the_grid(self, capsys):
        """show --format csv is the wide layout."""
        assert 0 == main(["show", "--format", "csv"])
        assert out(sm.load_dataset("ukraine").to_csv(layout="wide")) == capsys.readouterr().out

    def test_layout_long(self, capsys):
        """show --format csv --layout long is the lossless long layout."""
        assert 0 == main(["show", "--format", "csv", "--layout", "long"])
        assert out(sm.render(sm.load_dataset("ukraine"), "csv")) == capsys.readouterr().out


class TestMethods:
    """--method choices come from the registry and its deprecated names."""

    def test_choices(self):
        """agreement and blocs offer every method name."""
        from tests.test_cli import option

        expected = [*methods.names(), *methods.DEPRECATED]
        assert expected == option("agreement", "--method").choices
        assert expected == option("blocs", "--method").choices


#: Every query command, and the library call it prints.
QUERY_CALLS = [
    (["compare", "US", "RU"], lambda m: sm.compare(m, "US", "RU")),
    (["timeline", "US", "sanctions"], lambda m: m.timeline("US", "sanctions")),
    (["agreement"], lambda m: sm.agreement_matrix(m)),
    (["agreement", "--pair", "US", "UA"], lambda m: sm.agreement(m, "US", "UA")),
    (["blocs", "--k", "2"], lambda m: sm.blocs(m, k=2)),
    (["coverage"], lambda m: sm.coverage(m)),
    (["polarization"], lambda m: sm.polarization(m)),
    (["common-ground", "--actors", "US", "UA"], lambda m: sm.common_ground(m, ["US", "UA"])),
    (["deadlocks"], lambda m: sm.deadlocks(m)),
    (["shifts"], lambda m: m.shifts()),
    (["conflicts"], lambda m: sm.conflicts(m)),
]


class TestLabels:
    """--labels name prints actors' names and issues' titles on every query command."""

    @pytest.mark.parametrize(("argv", "call"), QUERY_CALLS, ids=[a[0] for a, _ in QUERY_CALLS])
    def test_every_query_command(self, argv, call, capsys):
        """Each query command takes --labels; name relabels the result, key is the default."""
        from stancematrix._query.labels import relabel

        m = sm.load_dataset("ukraine")
        assert 0 == main([*argv, "--labels", "name"])
        named = capsys.readouterr().out
        assert out(relabel(call(m), m).to_text()) == named
        assert 0 == main(argv)
        assert out(call(m).to_text()) == capsys.readouterr().out

    def test_compare_names(self, capsys):
        """compare --labels name heads the columns with names and the rows with titles."""
        assert 0 == main(["compare", "US", "RU", "--labels", "name", "--format", "markdown"])
        header, _, *rows = capsys.readouterr().out.splitlines()[2:]
        cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in [header, *rows]]
        assert ["issue", "United States", "United States says", "Russia", "Russia says"] == (
            cells[0][:5]
        )
        assert "Sanctions on Russia" in [row[0] for row in cells[1:]]
        assert "sanctions" not in [row[0] for row in cells[1:]]

    def test_blocs_and_left_out_names(self, capsys):
        """Blocs list their members by name, and the actors left out too."""
        assert 0 == main(["blocs", "--k", "2", "--labels", "name", "--format", "markdown"])
        printed = capsys.readouterr().out
        assert "United States, US Congress, Ukraine" in printed
        assert "left out: European Union (no claims)" in printed

    def test_same_help_everywhere(self):
        """--labels has the same choices and wording on show and every query command,
        only the default differs (show: name; queries: key)."""
        from tests.test_cli import commands, option

        queries = [a[0] for a, _ in QUERY_CALLS]
        for command in {*queries, "show"}:
            action = option(command, "--labels")
            default = "name" if command == "show" else "key"
            assert ("name", "key") == tuple(action.choices)
            assert default == action.default
            assert action.help.endswith(f"(default: {default})")
        assert len({option(c, "--labels").help for c in queries}) == 1
        assert "show" in commands()


def long_matrix(n_issues: int = 100, n_actors: int = 3) -> sm.StanceMatrix:
    """*n_actors* actors supporting *n_issues* issues, keyed I0, I1 …, no words."""
    actors = [sm.Actor(f"A{a}", f"Actor {a}") for a in range(n_actors)]
    issues = [sm.Issue(f"I{i}", f"Issue {i}", "A proposition.") for i in range(n_issues)]
    claims = [
        sm.Position(a.key, i.key, "support" if (n + k) % 3 else "oppose", "S")
        for n, a in enumerate(actors)
        for k, i in enumerate(issues)
    ]
    return sm.StanceMatrix.from_positions(
        claims, actors=actors, issues=issues, sources=[sm.Source("S", "Source")]
    )


@pytest.fixture
def long_file(tmp_path):
    """A JSON file of :func:`long_matrix`: more rows than a terminal preview shows."""
    path = tmp_path / "long.json"
    path.write_text(long_matrix().to_json(), encoding="utf-8")
    return path


HINT_SHOW = "--all prints the whole table; -o FILE or --format csv writes it all."
HINT_QUERY = "--all prints the whole table; -o FILE or --format markdown writes it all."


class TestPreview:
    """Long text tables print a bounded preview on standard output, like pandas."""

    def test_show_previews(self, long_file, capsys):
        """show prints the first and last 5 of 100 rows, the count and how to get all."""
        assert 0 == main(["show", str(long_file), "--labels", "key", "--tablefmt", "simple"])
        lines = capsys.readouterr().out.splitlines()
        assert ["I0", "I1", "I2", "I3", "I4", "…", "I95", "I96", "I97", "I98", "I99"] == [
            line.split()[0] for line in lines[2:13]
        ]
        assert "… 90 of 100 rows left out (the first 5 and the last 5 shown)." == lines[13]
        assert HINT_SHOW == lines[-1]

    def test_show_all(self, long_file, capsys):
        """show --all prints every row: the library's whole table."""
        assert 0 == main(["show", str(long_file), "--all", "--tablefmt", "simple"])
        whole = long_matrix().to_text(tablefmt="simple")
        assert out(whole) == capsys.readouterr().out
        assert "Issue 99" in whole

    def test_show_file_complete(self, long_file, tmp_path, capsys):
        """show -o FILE writes every row, with no preview."""
        target = tmp_path / "out.txt"
        assert 0 == main(["show", str(long_file), "--tablefmt", "simple", "-o", str(target)])
        assert out(long_matrix().to_text(tablefmt="simple")) == target.read_text("utf-8")

    def test_show_csv_complete(self, long_file, capsys):
        """show --format csv prints every row."""
        assert 0 == main(["show", str(long_file), "--format", "csv"])
        assert 101 == len(capsys.readouterr().out.splitlines())

    def test_wide_show_cuts_columns(self, tmp_path, capsys):
        """A grid of more than 20 actors shows the first and last 10, and says so."""
        path = tmp_path / "wide.json"
        path.write_text(long_matrix(30, 30).to_json(), encoding="utf-8")
        assert 0 == main(["show", str(path), "--labels", "key"])
        text = capsys.readouterr().out
        assert all(f"I{n}" in text.split() for n in range(30))  # 30 rows: within the limit
        assert "rows left out" not in text
        assert "… 10 of 30 columns left out (the first 10 and the last 10 shown)." in text
        assert {"A9", "A20"} <= set(text.split())
        assert "A10" not in text.split()
        assert HINT_SHOW == text.splitlines()[-1]

    def test_query_previews(self, long_file, capsys):
        """A query's long text table is previewed too; --all and markdown are complete."""
        assert 0 == main(["polarization", str(long_file)])
        preview = capsys.readouterr().out
        assert "… 90 of 100 rows left out (the first 5 and the last 5 shown)." in preview
        assert HINT_QUERY == preview.splitlines()[-1]
        polarization = sm.polarization(long_matrix())
        assert 0 == main(["polarization", str(long_file), "--all"])
        assert out(polarization.to_text()) == capsys.readouterr().out
        assert 0 == main(["polarization", str(long_file), "--format", "markdown"])
        assert out(polarization.to_markdown()) == capsys.readouterr().out

    def test_wide_query_cuts_columns(self, tmp_path, capsys):
        """A query's grid of more than 20 columns (coverage's issues) shows the first and
        last 10, and says how to get them all."""
        path = tmp_path / "wide.json"
        path.write_text(long_matrix(30, 3).to_json(), encoding="utf-8")
        assert 0 == main(["coverage", str(path)])
        text = capsys.readouterr().out
        assert "… 10 of 30 columns left out (the first 10 and the last 10 shown)." in text
        assert {"I9", "I20"} <= set(text.split())
        assert "I10" not in text.split()
        assert HINT_QUERY == text.splitlines()[-1]

    def test_short_tables_whole(self, capsys):
        """A table within the limit (the built-in article dataset) prints whole."""
        assert 0 == main(["conflicts"])
        assert "--all" not in capsys.readouterr().out


class TestSourceFirst:
    """compare and timeline read SOURCE given first when that is the only reading."""

    def test_dataset_first(self, capsys):
        """compare ukraine-style: the dataset first gives what the dataset last gives."""
        assert 0 == main(["compare", "US", "RU", "ukraine"])
        last = capsys.readouterr().out
        assert 0 == main(["compare", "ukraine", "US", "RU"])
        assert last == capsys.readouterr().out

    def test_file_first(self, long_file, capsys):
        """A file named first is read as the source."""
        assert 0 == main(["compare", str(long_file), "A0", "A1", "--all"])
        assert out(sm.compare(long_matrix(), "A0", "A1").to_text()) == capsys.readouterr().out

    def test_timeline_source_first(self, capsys):
        """timeline SOURCE ACTOR ISSUE reads as timeline ACTOR ISSUE SOURCE."""
        assert 0 == main(["timeline", "US", "sanctions", "ukraine"])
        last = capsys.readouterr().out
        assert 0 == main(["timeline", "ukraine", "US", "sanctions"])
        assert last == capsys.readouterr().out

    def test_dataset_first_one_word_short(self, capsys):
        """compare unga US names a dataset and one actor: the error says two actors follow
        it (not "unknown actor 'unga'" from the default dataset)."""
        assert 2 == main(["compare", "unga", "US"])
        error = capsys.readouterr().err
        assert "unga is a built-in dataset, given as the source" in error
        assert "compare then takes A and B after it (e.g. compare unga A B)" in error
        assert 2 == main(["timeline", "ukraine", "US"])
        assert "timeline then takes ACTOR and ISSUE after it" in capsys.readouterr().err

    def test_neither_says_the_order(self, capsys):
        """When neither end names a file or dataset, the error says the order."""
        assert 2 == main(["compare", "US", "RU", "nowhere"])
        error = capsys.readouterr().err
        assert "nowhere: no such file, and not a built-in dataset (ukraine, unga)" in error
        assert "compare takes A B [SOURCE], the source last" in error
