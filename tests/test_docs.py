from __future__ import annotations

import doctest
import importlib.util
import re
import subprocess
import sys

import pytest

import stancematrix as sm
from tests.conftest import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
EXAMPLE_VA = ROOT / "examples" / "voting_advice.py"


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


@pytest.fixture(scope="module")
def voting_advice_output() -> str:
    """What examples/voting_advice.py prints."""
    result = subprocess.run(
        [sys.executable, str(EXAMPLE_VA)], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return result.stdout


@pytest.fixture(scope="module")
def voting_advice() -> sm.StanceMatrix:
    """The matrix examples/voting_advice.py builds."""
    spec = importlib.util.spec_from_file_location("voting_advice", EXAMPLE_VA)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    m: sm.StanceMatrix = module.load()
    return m


class TestVotingAdviceExample:
    """examples/voting_advice.py over tests/data/voting_advice.csv."""

    def test_once_standing_parties_share_nothing(self, voting_advice_output):
        """A party that stood only in 2021 has no agreement with one of 2025, as of 2025."""
        assert "HM–NB as of 2025-02-23: score None, n=0" in voting_advice_output
        assert "HM–CU as of 2025-02-23: score None, n=0" in voting_advice_output
        assert "HM–CU as of 2021-09-26: score 0.9, n=5" in voting_advice_output

    def test_agreement_shows_n(self, voting_advice_output):
        """The agreement tables show n for every pair, over the edition's own theses."""
        assert (
            "CU  1.000 (n=5)  0.200 (n=5)  0.100 (n=5)  — (n=0)  0.800 (n=5)"
            in voting_advice_output
        )

    def test_blocs_per_edition(self, voting_advice_output):
        """Each edition has two blocs, and the party that did not stand is left out."""
        assert re.search(r"1\s+2\s+0\.900\s+CU, HM", voting_advice_output)
        assert re.search(r"1\s+2\s+0\.800\s+CU, NB", voting_advice_output)
        assert "left out: HM (no claims)" in voting_advice_output

    def test_shifts_between_editions(self, voting_advice):
        """The shifts are the two changed answers, each from the 2021 to the 2025 edition."""
        assert [("CU", "rent-cap", "softened"), ("GR", "nuclear", "softened")] == [
            (s.actor, s.issue, s.kind) for s in voting_advice.shifts()
        ]
        assert {("va2021", "va2025")} == {
            (s.before.source, s.after.source) for s in voting_advice.shifts()
        }

    def test_renamed_party_keeps_one_key(self, voting_advice):
        """The renamed party is one actor: its newest name, its old name an alias."""
        party = voting_advice.actor("Left Alliance")
        assert ("LA", "Left Alliance–Solidarity", ("Left Alliance",)) == (
            party.key,
            party.name,
            party.aliases,
        )

    def test_editions_form_a_series(self, voting_advice):
        """Both editions are sources of one series, dated by publication."""
        assert [("voting-advice", "2021-09-02"), ("voting-advice", "2025-02-06")] == [
            (s.series, str(s.published)) for s in voting_advice.sources
        ]


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
