from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

import stancematrix as sm
from tests.conftest import ROOT

EXTRACT = ROOT / "tests" / "data" / "unga"

GROUPS = {
    "import",
    "load",
    "memory",
    "lookup",
    "slice",
    "as_of",
    "diff",
    "agreement",
    "render",
    "growth",
    "lossless",
}


class TestRunner:
    def test_smoke_run_on_the_extract(self, tmp_path):
        """benchmarks/run.py --quick on the committed extract prints the table and writes
        JSON with every group, marking targets as not judged on small data."""
        out = tmp_path / "results.json"
        result = subprocess.run(
            [
                sys.executable,
                "benchmarks/run.py",
                "--data",
                "tests/data/unga",
                "--quick",
                "--json",
                str(out),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert 0 == result.returncode, result.stderr
        assert "| operation" in result.stdout
        report = json.loads(out.read_text(encoding="utf-8"))
        assert 1669 == report["data"]["votes"]
        rows = report["results"]
        assert GROUPS <= {row["group"] for row in rows}
        assert not [row for row in rows if row["status"] == "error"]
        judged = [row["status"] for row in rows if row["status"] not in {"info", "n/a"}]
        assert judged
        assert all(status.endswith("(small data)") for status in judged)

    def test_measures_operations_once_they_exist(self, tmp_path, monkeypatch):
        """When diff, agreement_matrix, read_csv and the renderers exist, the runner times
        them and cross-checks agreement against its numpy baseline."""
        pytest.importorskip("numpy")
        pytest.importorskip("pandas")
        spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
        assert spec is not None
        assert spec.loader is not None
        run = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, "bench_run", run)
        spec.loader.exec_module(run)
        monkeypatch.setattr(sm, "diff", lambda a, b: None, raising=False)
        monkeypatch.setattr(
            sm, "agreement_matrix", lambda m, method: run.numpy_coincidence(m), raising=False
        )
        monkeypatch.setattr(sm, "read_csv", lambda path, **options: None, raising=False)
        monkeypatch.setattr(sm.StanceMatrix, "to_markdown", lambda self: "", raising=False)
        monkeypatch.setattr(sm.StanceMatrix, "to_csv", lambda self: "", raising=False)
        out = tmp_path / "results.json"
        only = "load,diff,agreement,render"
        arguments = ["--data", str(EXTRACT), "--quick", "--only", only, "--json", str(out)]
        assert 0 == run.main(arguments)
        rows = json.loads(out.read_text(encoding="utf-8"))["results"]
        timed = {row["operation"] for row in rows if row["stancematrix"] is not None}
        assert {row["operation"] for row in rows if row["group"] != "memory"} == timed
        checks = {row["extra"].get("cross_check") for row in rows if row["group"] == "agreement"}
        assert {"max |difference| from numpy 0"} == checks
