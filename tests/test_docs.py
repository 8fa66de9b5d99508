from __future__ import annotations

import doctest
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


class TestReadme:
    def test_examples_run(self):
        """Every >>> example in the README runs and prints what the README shows."""
        result = doctest.testfile(
            str(ROOT / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS
        )
        assert result.attempted > 0
        assert 0 == result.failed

    def test_quick_start_is_what_ci_runs(self):
        """.ci/run picks out exactly the README's two quick-start commands."""
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        block = re.search(r"## Quick start.*?```bash\n(.*?)```", readme, re.S)
        assert block is not None
        commands = block.group(1).strip().splitlines()
        # .ci/run selects the lines of this section that start with "python3 -m venv".
        assert 2 == len(commands)
        assert all(c.startswith("python3 -m venv") for c in commands)
        assert "pytest" in commands[1]
        ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
        assert "sed -n '/^## Quick start/,/^## /p' README.md | grep '^python3 -m venv'" in ci


def console_commands() -> list[str]:
    """Every ``$ stancematrix …`` command in the README's console blocks, as written
    (continuation lines joined, the trailing ``# comment`` dropped)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [
        command.splitlines()[0].removeprefix("$ ").split("  #")[0].strip()
        for block in re.findall(r"```console\n(.*?)```", readme, re.S)
        for command in re.split(r"\n(?=\$ )", block.replace("\\\n", " "))
        if command.startswith("$ stancematrix")
    ]


COMMANDS = console_commands()
WAHL = "party,thesis,answer\nSPD,T1,Stimme zu\nCDU,T1,Stimme nicht zu\nSPD,T2,Stimme zu\n"


@pytest.fixture
def readme_files(tmp_path, monkeypatch):
    """A folder holding the files the README's commands name, as the reader would."""
    import shutil

    import stancematrix as sm

    m = sm.load_dataset("ukraine")
    (tmp_path / "positions.json").write_text(m.to_json(), encoding="utf-8")
    (tmp_path / "more.csv").write_text(m.to_csv(), encoding="utf-8")
    (tmp_path / "old.json").write_text(m.as_of("2025-03").to_json(), encoding="utf-8")
    (tmp_path / "new.json").write_text(m.to_json(), encoding="utf-8")
    (tmp_path / "answers.csv").write_text(WAHL, encoding="utf-8")
    shutil.copy(ROOT / "tests" / "data" / "votes_sample.csv.gz", tmp_path / "votes.csv.gz")
    monkeypatch.chdir(tmp_path)
    return tmp_path


class TestReadmeCommands:
    def test_commands_found(self):
        """The README's command-line section is read (so the checks below mean something)."""
        assert 20 <= len(COMMANDS)
        assert "stancematrix show" == COMMANDS[0]

    @pytest.mark.parametrize("command", COMMANDS, ids=range(len(COMMANDS)))
    def test_runs_as_written(self, command, readme_files, capsys):
        """Each README command runs as written: status 0, or 1 where a diff is found on
        purpose (--fail-if-diff)."""
        import shlex

        from stancematrix._cli import main

        status = main(shlex.split(command)[1:])
        expected = 1 if "--fail-if-diff" in command else 0
        assert expected == status, capsys.readouterr().err

    def test_first_screen_is_real_output(self, capsys):
        """The README's first screen is what `stancematrix show` prints at 80 columns."""
        from stancematrix._cli import main

        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        first = re.search(r"```console\n\$ stancematrix show\n(.*?)```", readme, re.S)
        assert first is not None
        assert readme.index(first.group(0)) < readme.index("## Quick start")
        assert 0 == main(["show"])  # tests run at COLUMNS=80 (tests/conftest.py)
        assert capsys.readouterr().out == first.group(1)


class TestExamples:
    @pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
    def test_runs(self, script):
        """Every example script runs to completion and prints something."""
        result = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, cwd=ROOT, check=False
        )
        assert 0 == result.returncode, result.stderr
        assert result.stdout.strip()

    def test_compare_names_actors(self):
        """The main example accepts actors by alias and shows their names."""
        result = subprocess.run(
            [sys.executable, str(ROOT / "examples" / "compare.py"), "Kyiv", "Kremlin"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        assert result.stdout.startswith("Ukraine vs Russia")


class TestInstalledPackage:
    def test_dataset_ships_in_the_package(self, tmp_path):
        """Outside the source tree, the installed package still finds its dataset."""
        code = (
            "import stancematrix, sys; "
            "print(stancematrix.__file__); print(len(stancematrix.load_dataset('ukraine')))"
        )
        result = subprocess.run(
            [sys.executable, "-I", "-c", code],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=False,
        )
        if "No module named 'stancematrix'" in result.stderr:
            pytest.skip("stancematrix is not installed in this environment")
        assert 0 == result.returncode, result.stderr
        location, count = result.stdout.split()
        if location.startswith(str(ROOT / "stancematrix")):
            pytest.skip("stancematrix is installed in editable mode from this tree")
        assert int(count) > 0
