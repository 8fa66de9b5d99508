from __future__ import annotations

import argparse
import io
import subprocess
import sys
import time

import attrs
import pytest

import stancematrix as sm
from stancematrix import _datasets as datasets
from stancematrix._cli import build_parser, main
from stancematrix._cli import read as cli_read
from stancematrix._datasets import unga
from stancematrix._io.layout import CELLS
from stancematrix._io.registry import names
from stancematrix._io.tablefmt import TABLEFMTS
from stancematrix._query import methods
from stancematrix._query.agreement import METHODS


def run(*args, stdin=None):
    """Run the real entry point (python -m stancematrix) and capture everything."""
    return subprocess.run(
        [sys.executable, "-m", "stancematrix", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def commands():
    """Every subcommand's parser, by name."""
    parser = build_parser()
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


class TestEntryPoint:
    def test_module_runs(self):
        """python -m stancematrix runs the command line."""
        result = run("datasets")
        assert 0 == result.returncode
        assert result.stdout.startswith("ukraine\t")

    def test_console_script_is_main(self):
        """The installed ``stancematrix`` script runs the package's main."""
        from importlib.metadata import entry_points

        (script,) = entry_points(group="console_scripts", name="stancematrix")
        assert "stancematrix._cli:main" == script.value
        assert main is script.load()

    def test_command_line_modules_small(self):
        """No module of the command line comes near the size limit (400 of 600 lines)."""
        from tests.test_architecture import MODULES

        sizes = {
            name: path.read_text(encoding="utf-8").count("\n")
            for name, path in MODULES.items()
            if name.startswith("stancematrix._cli")
        }
        assert len(sizes) >= 5
        assert {} == {name: n for name, n in sizes.items() if n > 450}

    def test_no_command_is_a_usage_error(self):
        """Without a command the usage goes to stderr and the exit status is 2."""
        result = run()
        assert 2 == result.returncode
        assert "" == result.stdout
        assert "usage:" in result.stderr

    def test_unknown_command(self):
        """An unknown command is a usage error naming the choices."""
        result = run("bogus")
        assert 2 == result.returncode
        assert "invalid choice: 'bogus'" in result.stderr

    @pytest.mark.parametrize("name", sorted(commands()))
    def test_every_command_has_help_with_an_example(self, name, capsys):
        """Each command's --help has a description and an example."""
        with pytest.raises(SystemExit) as exit:
            main([name, "--help"])
        assert 0 == exit.value.code
        out = capsys.readouterr().out
        assert "example:" in out
        assert f"stancematrix {name}" in out


class TestValidate:
    def test_clean_file(self, tmp_path, capsys):
        """A valid file gets a one-line summary and exit 0."""
        path = tmp_path / "m.json"
        path.write_text(sm.load_dataset("ukraine").to_json(), encoding="utf-8")
        assert 0 == main(["validate", str(path)])
        expected = f"{path}: ok: 10 actors, 13 issues, 80 claims, 5 sources\n"
        assert expected == capsys.readouterr().out

    def test_problems_are_located_and_exit_1(self, tmp_path, capsys):
        """Every bad file is reported with file:line:column and the status is 1."""
        bad = tmp_path / "bad.json"
        bad.write_text('{"format_version": 1,\n "actors": [}', encoding="utf-8")
        good = tmp_path / "good.json"
        good.write_text(sm.load_dataset("ukraine").to_json(), encoding="utf-8")
        assert 1 == main(["validate", str(bad), str(good)])
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].startswith(f"{bad}:2:13: not valid JSON")
        assert lines[1].startswith(f"{good}: ok:")

    def test_stdin(self, capsys, monkeypatch):
        """``-`` reads standard input."""
        result = run("validate", "-", stdin=sm.load_dataset("ukraine").to_json())
        assert 0 == result.returncode
        assert "-: ok: 10 actors" in result.stdout

    def test_missing_file(self, capsys):
        """A path that is neither a file nor a dataset is a problem, not a crash."""
        assert 1 == main(["validate", "no-such-file.json"])
        assert "no-such-file.json: no such file" in capsys.readouterr().out


@pytest.fixture
def article_json(tmp_path):
    path = tmp_path / "ukraine.json"
    path.write_text(sm.load_dataset("ukraine").to_json(), encoding="utf-8")
    return path


class TestShow:
    def test_no_arguments_prints_the_article_matrix(self, monkeypatch):
        """`stancematrix show` alone prints the built-in article matrix (with its names, on
        a terminal wide enough for them)."""
        monkeypatch.setenv("COLUMNS", "200")
        result = run("show", "--tablefmt", "plain")
        assert 0 == result.returncode
        header = result.stdout.splitlines()[0]
        assert "United" in header
        assert "Russia" in header

    def test_markdown_subset_matches_the_library(self, capsys):
        """Options map onto the renderer: same text as the library call."""
        args = ["show", "--actors", "US", "RU", "--issues", "territory", "--cell", "summary"]
        assert 0 == main([*args, "--format", "markdown"])
        expected = sm.load_dataset("ukraine").to_markdown(
            actors=["US", "RU"], issues=["territory"], cell="summary"
        )
        assert expected.rstrip("\n") + "\n" == capsys.readouterr().out

    @pytest.mark.parametrize("fmt", ["csv", "json", "html"])
    def test_formats_read_back_or_parse(self, fmt, tmp_path, capsys):
        """Each output format is what the library writes for the same matrix (csv: with
        --layout long, the lossless layout; the default is the grid, TestShowGrid)."""
        out = tmp_path / f"m.{fmt}"
        layout = ["--layout", "long"] if fmt == "csv" else []
        assert 0 == main(["show", "--format", fmt, *layout, "--output", str(out)])
        assert "" == capsys.readouterr().out
        expected = sm.render(sm.load_dataset("ukraine"), fmt)
        assert expected.rstrip("\n") + "\n" == out.read_bytes().decode("utf-8")

    def test_as_of_and_file_source(self, article_json, capsys):
        """A file SOURCE and --as-of show the snapshot."""
        assert 0 == main(
            ["show", str(article_json), "--as-of", "2025-03", "--format", "csv", "--layout", "long"]
        )
        expected = sm.load_dataset("ukraine").as_of("2025-03").to_csv()
        assert expected.rstrip("\n") + "\n" == capsys.readouterr().out

    def test_unknown_actor_is_one_line_exit_2(self):
        """A library error is one line on stderr with status 2 and no traceback."""
        result = run("show", "--actors", "USA")
        assert 2 == result.returncode
        assert "" == result.stdout
        assert 1 == len(result.stderr.splitlines())
        assert "unknown actor 'USA'" in result.stderr

    def test_debug_shows_the_traceback(self):
        """--debug lets the exception through."""
        result = run("--debug", "show", "--actors", "USA")
        assert 0 != result.returncode
        assert "Traceback" in result.stderr

    def test_missing_source(self):
        """A SOURCE that is neither a file nor a dataset is a read error (status 2)."""
        result = run("show", "nope.json")
        assert 2 == result.returncode
        assert "nope.json: no such file" in result.stderr

    def test_cell_with_json_is_a_usage_error(self, capsys):
        """Options that do not apply to a format are refused, not ignored."""
        assert 2 == main(["show", "--format", "json", "--cell", "summary"])
        assert "--cell" in capsys.readouterr().err


class TestQueries:
    def test_compare(self, capsys):
        """compare prints the library's comparison."""
        assert 0 == main(["compare", "US", "RU"])
        m = sm.load_dataset("ukraine")
        assert sm.compare(m, "US", "RU").to_text().rstrip("\n") + "\n" == capsys.readouterr().out

    def test_timeline_markdown(self, capsys):
        """timeline prints the cell's timeline, here as Markdown."""
        assert 0 == main(["timeline", "US", "sanctions", "--format", "markdown"])
        expected = sm.load_dataset("ukraine").timeline("US", "sanctions").to_markdown()
        assert expected.rstrip("\n") + "\n" == capsys.readouterr().out

    def test_agreement_pair_and_matrix(self, capsys):
        """agreement prints one pair with --pair, else the matrix."""
        m = sm.load_dataset("ukraine")
        assert 0 == main(["agreement", "--method", "s-score", "--pair", "US", "RU"])
        expected = sm.agreement(m, "US", "RU", method="s-score").to_text()
        assert expected.rstrip("\n") + "\n" == capsys.readouterr().out
        assert 0 == main(["agreement"])
        assert sm.agreement_matrix(m).to_text().rstrip("\n") + "\n" == capsys.readouterr().out

    def test_conflicts_and_blocs(self, capsys):
        """conflicts and blocs print the library's results."""
        m = sm.load_dataset("ukraine")
        assert 0 == main(["conflicts"])
        assert sm.conflicts(m).to_text().rstrip("\n") + "\n" == capsys.readouterr().out
        assert 0 == main(["blocs", "--k", "2"])
        assert sm.blocs(m, k=2).to_text().rstrip("\n") + "\n" == capsys.readouterr().out

    def test_renamed_method_works_with_a_note(self, capsys):
        """A deprecated method name still runs, as its new name, and says so on stderr."""
        m = sm.load_dataset("ukraine")
        assert 0 == main(["agreement", "--method", "coincidence", "--pair", "US", "RU"])
        out, err = capsys.readouterr()
        assert sm.agreement(m, "US", "RU", method="agree").to_text() + "\n" == out
        assert err.startswith("stancematrix: note: the agreement method 'coincidence'")
        assert 1 == err.count("\n")

    def test_unknown_method_is_a_usage_error(self):
        """A method that does not exist is refused by the parser (status 2)."""
        result = run("agreement", "--method", "cosine")
        assert 2 == result.returncode
        assert "invalid choice: 'cosine'" in result.stderr


class TestDiff:
    def test_dates(self, capsys):
        """diff SOURCE --from --to prints the time diff."""
        assert 0 == main(["diff", "ukraine", "--from", "2025-03", "--to", "2025-07"])
        m = sm.load_dataset("ukraine")
        expected = sm.diff(m.as_of("2025-03"), m.as_of("2025-07")).to_text()
        assert expected.rstrip("\n") + "\n" == capsys.readouterr().out

    def test_files_and_fail_if_diff(self, tmp_path, capsys):
        """--fail-if-diff exits 1 on differences and 0 on none."""
        m = sm.load_dataset("ukraine")
        old, new = tmp_path / "old.json", tmp_path / "new.json"
        old.write_text(m.as_of("2025-03").to_json(), encoding="utf-8")
        new.write_text(m.as_of("2025-07").to_json(), encoding="utf-8")
        assert 1 == main(["diff", str(old), str(new), "--fail-if-diff", "--format", "json"])
        assert sm.read_diff(capsys.readouterr().out) == sm.diff(
            m.as_of("2025-03"), m.as_of("2025-07")
        )
        assert 0 == main(["diff", str(old), str(old), "--fail-if-diff"])

    @pytest.mark.parametrize(
        "args",
        [
            ["diff", "ukraine"],
            ["diff", "ukraine", "--from", "2025"],
            ["diff", "a", "b", "--from", "1", "--to", "2"],
        ],
    )
    def test_usage_errors(self, args, capsys):
        """Missing or conflicting sides are usage errors (status 2)."""
        assert 2 == main(args)
        assert "error:" in capsys.readouterr().err


class TestConvert:
    def test_json_to_csv_and_back(self, article_json, tmp_path):
        """convert writes the format OUT's extension names, losslessly."""
        out = tmp_path / "m.csv"
        assert 0 == main(["convert", str(article_json), str(out)])
        assert sm.load_dataset("ukraine") == sm.read_csv(out)

    def test_column_mapping(self, tmp_path, capsys):
        """Column options read any long table, here the committed UNGA extract."""
        from tests.conftest import ROOT

        extract = ROOT / "tests" / "data" / "unga" / "votes.csv"
        out = tmp_path / "votes.json"
        args = ["convert", str(extract), str(out), "--actor-col", "country_code,country"]
        args += ["--issue-col", "rcid", "--stance-col", "vote", "--scale", "votes"]
        assert 0 == main(args)
        expected = sm.read_csv(
            extract,
            columns={"actor": ("country_code", "country"), "issue": "rcid", "stance": "vote"},
            scale=sm.Scale.votes(),
        )
        assert expected == sm.read_json(out)

    def test_stdout_needs_a_format(self, capsys):
        """Writing to '-' needs --to, since there is no extension to go by."""
        assert 2 == main(["convert", "ukraine", "-"])
        assert "--to" in capsys.readouterr().err
        assert 0 == main(["convert", "ukraine", "-", "--to", "json"])
        assert sm.load_dataset("ukraine") == sm.read_json(capsys.readouterr().out)


class TestDocs:
    def test_every_command_is_in_the_readme(self):
        """The README's command-line section shows every subcommand."""
        from tests.conftest import ROOT

        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        section = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
        for name in commands():
            assert f"stancematrix {name}" in section, name


def option(command, flag):
    """The action of one option of one subcommand."""
    (action,) = (a for a in commands()[command]._actions if flag in a.option_strings)
    return action


class TestRegistries:
    @pytest.mark.parametrize(
        ("command", "flag", "expected"),
        [
            ("show", "--format", names()),
            ("show", "--input-format", names(readable=True)),
            ("show", "--cell", list(CELLS)),
            ("convert", "--to", names()),
            ("convert", "--input-format", names(readable=True)),
            ("diff", "--format", names(kind="diff")),
            ("validate", "--input-format", names(readable=True)),
            ("agreement", "--method", [*METHODS, *methods.DEPRECATED]),
            ("blocs", "--method", [*METHODS, *methods.DEPRECATED]),
            ("show", "--tablefmt", list(TABLEFMTS)),
        ],
    )
    def test_choices_are_read_from_the_registries(self, command, flag, expected):
        """Format, cell and method choices are the registries' rows, in their order.

        Methods add the deprecated names still accepted (see methods.DEPRECATED).
        """
        assert expected == list(option(command, flag).choices)

    def test_tablefmt_help_lists_the_safe_formats(self):
        """show --help names every accepted table format."""
        text = " ".join(commands()["show"].format_help().split())
        assert ", ".join(TABLEFMTS) in text

    @pytest.mark.parametrize("tablefmt", ["unsafehtml", "latex_raw", "rst", "nope"])
    def test_unsafe_tablefmt_refused_by_the_parser(self, tablefmt, capsys):
        """A table format not in the safe list is a usage error naming the choices."""
        with pytest.raises(SystemExit) as caught:
            main(["show", "--tablefmt", tablefmt])
        assert 2 == caught.value.code
        err = capsys.readouterr().err
        assert f"argument --tablefmt: invalid choice: {tablefmt!r}" in err
        assert "'simple_grid'" in err

    @pytest.mark.parametrize("command", ["agreement", "blocs"])
    def test_method_help_defines_every_method(self, command):
        """--method's help gives each registered method's one-line definition."""
        text = option(command, "--method").help
        for method in methods.REGISTRY:
            assert f"{method.name}, {method.definition}" in text

    @pytest.mark.parametrize("fmt", names(kind="diff"))
    def test_every_diff_format(self, fmt, capsys):
        """diff --format prints what the diff's own method for that format gives."""
        assert 0 == main(
            ["diff", "ukraine", "--from", "2025-03", "--to", "2025-07", "--format", fmt]
        )
        m = sm.load_dataset("ukraine")
        expected = getattr(sm.diff(m.as_of("2025-03"), m.as_of("2025-07")), f"to_{fmt}")()
        assert expected.rstrip("\n") + "\n" == capsys.readouterr().out

    def test_datasets_reads_no_data(self, monkeypatch, capsys):
        """`datasets` prints each registered name, title and citation without loading."""

        def refuse(**options):
            raise AssertionError("datasets loaded data")

        rows = tuple(attrs.evolve(d, loader=refuse) for d in datasets.DATASETS)
        monkeypatch.setattr(datasets, "DATASETS", rows)
        monkeypatch.setattr(cli_read, "load_dataset", refuse)
        monkeypatch.setattr(unga, "package_data", refuse)
        assert 0 == main(["datasets"])
        expected = (
            "ukraine\tPositions on the war in Ukraine, 2014–2025\n"
            "unga\tUN General Assembly roll-call votes, 1946–2020\n"
            f"\t{unga.CITATION}\n"
        )
        assert expected == capsys.readouterr().out


class TestValidateEveryProblem:
    def test_csv_problems_are_all_reported(self, tmp_path, capsys):
        """validate lists every bad row of a CSV, each with file and line."""
        lines = sm.load_dataset("ukraine").to_csv().splitlines()
        claims = [n for n, line in enumerate(lines) if line.startswith("claim,")]
        for n in claims[:2]:
            fields = lines[n].split(",")
            fields[3] = "perhaps"  # the stance column
            lines[n] = ",".join(fields)
        path = tmp_path / "bad.csv"
        path.write_bytes("\r\n".join(lines).encode("utf-8") + b"\r\n")
        assert 1 == main(["validate", str(path)])
        out = capsys.readouterr().out.splitlines()
        assert [f"{path}:{claims[0] + 1}", f"{path}:{claims[1] + 1}"] == [
            ":".join(line.split(":")[:2]) for line in out
        ]
        assert all("perhaps" in line for line in out)


class TestTerminal:
    class FakeTTY:
        def isatty(self):
            return True

    def test_colour_only_on_a_tty_without_no_color(self, monkeypatch):
        """Colour needs a terminal and no NO_COLOR in the environment."""
        from stancematrix._cli.io import colour as _colour

        monkeypatch.delenv("NO_COLOR", raising=False)
        assert _colour(self.FakeTTY())
        assert not _colour(io.StringIO())
        monkeypatch.setenv("NO_COLOR", "1")
        assert not _colour(self.FakeTTY())

    def test_slow_reads_report_progress(self, monkeypatch, capsys):
        """A read slower than PROGRESS_AFTER is announced on stderr, then timed."""
        import stancematrix._cli.read as cli

        monkeypatch.setattr(cli, "PROGRESS_AFTER", 0.01)
        with cli.progress("big.csv"):
            time.sleep(0.2)
        err = capsys.readouterr().err
        assert "reading big.csv" in err
        assert "read big.csv in" in err

    def test_fast_reads_are_quiet(self, capsys):
        """A quick read prints nothing."""
        assert 0 == main(["validate", "ukraine"])
        assert "" == capsys.readouterr().err


class TestMessagesAreInert:
    def test_control_characters_in_a_file_name_are_shown_not_sent(self, tmp_path):
        """An escape sequence in a file name cannot recolour the terminal via an error."""
        result = run("show", str(tmp_path / "\x1b[2Jgone.json"))
        assert 2 == result.returncode
        assert "\x1b" not in result.stderr
        assert "gone.json" in result.stderr

    def test_validate_output_is_inert(self, tmp_path, capsys):
        """validate's problem lines carry no raw control characters either."""
        path = tmp_path / "\x1b[31mred.json"
        path.write_text("{", encoding="utf-8")
        assert 1 == main(["validate", str(path)])
        out = capsys.readouterr().out
        assert "\x1b" not in out
        assert "red.json" in out


class TestDiffJson:
    def test_kinds_refused(self, capsys):
        """The JSON diff holds every change: --kinds is refused, not silently ignored."""
        args = ["diff", "ukraine", "--from", "2025-03", "--to", "2025-07", "--format", "json"]
        assert 2 == main([*args, "--kinds", "reversed"])
        assert "kinds: does not apply to the JSON diff" in capsys.readouterr().err
        assert 0 == main(args)
        assert sm.read_diff(capsys.readouterr().out) == sm.load_dataset("ukraine").changes(
            "2025-03", "2025-07"
        )
