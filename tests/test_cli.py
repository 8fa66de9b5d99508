from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

import stancematrix as sm
from stancematrix._cli import build_parser, main


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
        assert f"{path}: ok: 7 actors, 12 issues, 70 claims, 5 sources\n" == capsys.readouterr().out

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
        assert "-: ok: 7 actors" in result.stdout

    def test_missing_file(self, capsys):
        """A path that is neither a file nor a dataset is a problem, not a crash."""
        assert 1 == main(["validate", "no-such-file.json"])
        assert "no-such-file.json: no such file" in capsys.readouterr().out
