"""Time the renderers and the column-mapped CSV reader on the UNGA roll-call votes.

Run from the repository root with the shared data beside it:

    python benchmarks/formats.py [path/to/votes.csv.gz]

It reports (best of several runs) the time to read votes.csv.gz with
``read_csv(columns=...)`` next to ``pandas.read_csv`` on the same file (if pandas is
installed), and the time to render a 200 actors × 50 issues sub-matrix to Markdown and
to CSV (long and wide) and text.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import stancematrix as sm

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "unga" / "votes.csv.gz"
COLUMNS = {"actor": ("country_code", "country"), "issue": "rcid", "stance": "vote"}


def best(function: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    votes = sm.read_csv(path, columns=COLUMNS, scale=sm.Scale.votes())
    print(votes)
    ours = best(lambda: sm.read_csv(path, columns=COLUMNS, scale=sm.Scale.votes()), 5)
    print(f"read_csv(columns=...)         {ours * 1000:8.1f} ms")
    try:
        import pandas
    except ImportError:
        print("pandas not installed: no ratio")
    else:
        theirs = best(lambda: pandas.read_csv(path), 5)
        print(f"pandas.read_csv               {theirs * 1000:8.1f} ms   ratio {ours / theirs:.1f}x")

    issues = [issue.key for issue in votes.issues[-50:]]
    actors = [actor.key for actor in votes.actors[:200]]
    sub = votes.select(actors=actors, issues=issues)
    print(sub)
    renders: dict[str, Callable[[], Any]] = {
        "markdown": lambda: sub.to_markdown(),
        "csv wide": lambda: sub.to_csv(layout="wide"),
        "csv long": lambda: sub.to_csv(),
        "markdown transposed": lambda: sub.to_markdown(transpose=True),
        "html": lambda: sub.to_html(),
        "text": lambda: sub.to_text(width=200),
    }
    for name, render in renders.items():
        print(f"render {name:22} {best(render, 20) * 1000:8.2f} ms")


if __name__ == "__main__":
    main()
