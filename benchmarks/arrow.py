"""Arrow and Parquet on the full UN votes: to_arrow, from_arrow, to_parquet, read_parquet.

Usage::

    pip install '.[arrow]' polars duckdb
    python benchmarks/arrow.py            # best of 5 runs each
    python benchmarks/arrow.py --repeat 1

The target (issue 15) is ``to_arrow()`` in at most 0.2 s. The first call writes the
declarations (the actors, issues and sources as JSON) and keeps them for the matrix's
later calls; both the first call (a fresh matrix each run) and a repeated one are timed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import stancematrix as sm  # noqa: E402


def best(repeat: int, run: Callable[[], Any], before: Callable[[], Any] | None = None) -> float:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Arrow and Parquet on the UN votes")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    fresh: dict[str, sm.StanceMatrix] = {}

    def reload() -> None:
        fresh["m"] = sm.load_dataset("unga")

    reload()
    m = fresh["m"]
    table = m.to_arrow()
    rows: list[tuple[str, float]] = [
        ("to_arrow(), first call", best(args.repeat, lambda: fresh["m"].to_arrow(), reload)),
        ("to_arrow(), again", best(args.repeat, m.to_arrow)),
        ("from_arrow(table)", best(args.repeat, lambda: sm.from_arrow(table))),
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "unga.parquet")
        rows.append(("to_parquet(path)", best(args.repeat, lambda: m.to_parquet(path))))
        rows.append(("read_parquet(path)", best(args.repeat, lambda: sm.read_parquet(path))))
        size = os.path.getsize(path)
        assert m == sm.read_parquet(path)
    try:
        import polars as pl

        rows.append(("polars.DataFrame(m)", best(args.repeat, lambda: pl.DataFrame(m))))
    except ImportError:
        pass
    try:
        import duckdb

        def query() -> Any:
            claims = m  # noqa: F841 - DuckDB finds the matrix by this local name
            return duckdb.sql("select stance, count(*) from claims group by stance").fetchall()

        rows.append(
            (
                "duckdb.sql('select stance, count(*) from m group by stance')",
                best(args.repeat, query),
            )
        )
    except ImportError:
        pass
    print(f"full UNGA: {len(m):,} claims; Parquet file {size / 1e6:.1f} MB; best of {args.repeat}")
    for name, seconds in rows:
        print(f"{name:60} {seconds:8.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
