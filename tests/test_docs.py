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
