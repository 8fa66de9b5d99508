from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

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
