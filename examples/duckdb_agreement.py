"""The hand-off past one machine: the cell rule and the agreement matrix in SQL, with DuckDB.

A matrix written with ``m.to_parquet(path)`` is a plain Parquet table of claims (one row
per claim: actor, issue, stance, source, date, summary, quote, note) with the
declarations as JSON in the file's key-value metadata. DuckDB queries such a file without
loading it into Python, streaming and spilling to disk as it needs, so the questions
below scale to claims tables far larger than the library holds in memory (a
news-monitoring pipeline's tens of millions of extracted claims).

This recipe answers two of the library's questions in SQL and gives exactly what the
library gives:

1. **The cell rule as of a date** (:meth:`StanceMatrix.as_of`, defined once in
   ``stancematrix/_store/cells.py``): a dated claim is visible once its first day is on or
   before the date, an undated one always; each (actor, issue) cell keeps its visible
   claims with the latest start, so claims from different sources dated alike are all
   kept. The claim a cell *shows* is the first of those by source (in declared order).
2. **The agreement matrix** (:func:`stancematrix.agreement_matrix` with the default
   method, ``agree``: Voeten's agree index, see ``stancematrix/_query/methods.py``): for
   each pair of actors, over the issues on which both show a stance on the scale (not
   its unknown label), 1 when both are on the same side of the scale's neutral point (or
   both on it), 0.5 when exactly one is on it, 0 when on opposite sides, averaged; ``n``
   is the number of those issues. Sums are kept in integers (twice the weights), so the
   scores are the library's floats exactly.

Only the declarations (a few kilobytes: sources, actors, the scale) are read in Python.

Run it::

    python examples/duckdb_agreement.py                 # UNGA 2010-2019: SQL vs library
    python examples/duckdb_agreement.py --full          # all 870,109 UNGA votes
    python examples/duckdb_agreement.py claims.parquet  # any file written by to_parquet
    python examples/duckdb_agreement.py claims.parquet --as-of 2025-06

With no file it writes the built-in UNGA dataset (the 2010s, or with ``--full`` all of
it) to a temporary Parquet file, computes the agreement matrix both ways and prints the
number of mismatches (0). Needs the
``arrow`` extra and ``duckdb``.
"""

from __future__ import annotations

import argparse
import calendar
import os
import sys
import tempfile
import time
from typing import Any

import duckdb

import stancematrix as sm

#: The encoded day after every date ("no limit"): YYYYMMDD codes, as the library's.
END = 99999999

# The first day of a date's text ("2025", "2025-07", "2025-07-14" or "START/END") as the
# library codes it: YYYYMMDD with 00 for an unknown month or day; 0 when undated.
_DAY = """
    CASE WHEN {text} IS NULL OR {text} = '' THEN 0 ELSE
        CAST(substr({text}, 1, 4) AS INTEGER) * 10000
        + coalesce(TRY_CAST(substr({text}, 6, 2) AS INTEGER), 0) * 100
        + coalesce(TRY_CAST(substr({text}, 9, 2) AS INTEGER), 0)
    END
"""

#: The claims of the file as codes: each claim's source rank, stance code and side, and
#: its start and end days (``{path}`` is the Parquet file, ``{start}``/``{end}`` the days).
CLAIMS_SQL = """
CREATE OR REPLACE TEMP VIEW claims AS
SELECT
    c.actor, c.issue, c.stance, c.source, c.date, c.summary, c.quote, c.note,
    s.rank AS source_rank,
    l.code AS stance_code,
    l.side,
    l.known,
    {start} AS start_day,
    {end} AS end_day
FROM read_parquet({path}) AS c
JOIN sources AS s ON c.source = s.id
JOIN levels AS l ON c.stance = l.label
"""

#: The cell rule as of the encoded day ``$last``: the claims that hold (ties across
#: sources kept), and the one each cell shows.
CELLS_SQL = """
CREATE OR REPLACE TEMP TABLE holding AS
SELECT * FROM claims
WHERE start_day <= $last
QUALIFY start_day = max(start_day) OVER (PARTITION BY actor, issue);

CREATE OR REPLACE TEMP TABLE shown AS
SELECT actor, issue, side, known FROM holding
QUALIFY row_number() OVER (
    PARTITION BY actor, issue
    ORDER BY source_rank, end_day, stance_code,
             summary NULLS FIRST, quote NULLS FIRST, note NULLS FIRST
) = 1;
"""

#: The agree index of every pair of actors (x before or equal to y in declared order),
#: as twice the summed weights and n.
AGREEMENT_SQL = """
WITH known AS (
    SELECT k.rank, s.issue, s.side
    FROM shown AS s JOIN actors AS k ON s.actor = k.key
    WHERE s.known
)
SELECT x.rank AS x, y.rank AS y,
       count(*) AS n,
       sum(CASE WHEN x.side = y.side THEN 2 WHEN x.side = 0 OR y.side = 0 THEN 1 ELSE 0 END)
           AS twice
FROM known AS x JOIN known AS y ON x.issue = y.issue AND x.rank <= y.rank
GROUP BY ALL
"""


def declarations(con: duckdb.DuckDBPyConnection, path: str) -> sm.StanceMatrix:
    """The declarations stored in the file's key-value metadata, as a matrix without claims."""
    row = con.execute(
        "SELECT value FROM parquet_kv_metadata($path) WHERE key = 'stancematrix'",
        {"path": path},
    ).fetchone()
    if row is None:
        raise SystemExit(f"{path}: no stancematrix declarations; write it with m.to_parquet()")
    return sm.read_json(bytes(row[0]))


def refuse_what_the_sql_does_not_cover(
    con: duckdb.DuckDBPyConnection, path: str, declared: sm.StanceMatrix
) -> None:
    """Stop with a message if the file uses what this SQL does not implement.

    The SQL here is the cell rule of claims with plain dates: no end of validity
    (``until``), no order within a source, no approximate or open dates and no editions
    (sources of a ``series``). Those are the library's (see the README's "Dates"); a file
    with any of them would get a wrong answer here, so it is refused instead.
    """
    editions = [s.id for s in declared.sources if s.series is not None]
    if editions:
        raise SystemExit(f"{path}: sources of a series ({', '.join(editions)}) are not covered")
    row = con.execute(
        'SELECT count(*) FROM read_parquet($path) WHERE until IS NOT NULL OR "order" '
        "IS NOT NULL OR NOT regexp_full_match(coalesce(date, '2000'), $plain)",
        {"path": path, "plain": r"[0-9]{4}(-[0-9]{2}){0,2}(/[0-9]{4}(-[0-9]{2}){0,2})?"},
    ).fetchone()
    if row is not None and row[0]:
        raise SystemExit(
            f"{path}: {row[0]} claims have an until, an order or a qualified date, "
            "which this SQL does not cover"
        )


def last_day(date: str | None) -> int:
    """The encoded last day of *date* (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``); END if None."""
    if date is None:
        return END
    day = sm.PartialDate.parse(date)
    month = day.month or 12
    last = day.day or calendar.monthrange(day.year, month)[1]
    return day.year * 10000 + month * 100 + last


def table(con: duckdb.DuckDBPyConnection, name: str, **columns: tuple[str, Any]) -> None:
    """Create the temporary table *name* from columns given as (SQL type, values)."""
    fields = ", ".join(f"{column} {kind}" for column, (kind, _) in columns.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({fields})")
    values = ", ".join(f"unnest(?::{kind}[])" for kind, _ in columns.values())
    con.execute(f"INSERT INTO {name} SELECT {values}", [list(v) for _, v in columns.values()])


def prepare(con: duckdb.DuckDBPyConnection, path: str, as_of: str | None = None) -> list[str]:
    """Load the declarations' small tables, define the claims and apply the cell rule.

    Returns the actors' keys in declared order.
    """
    declared = declarations(con, path)
    refuse_what_the_sql_does_not_cover(con, path, declared)
    scale = declared.scale
    mid = scale.midpoint
    sides = [(level.value > mid) - (level.value < mid) for level in scale.levels]
    sources = [s.id for s in declared.sources]
    actors = [a.key for a in declared.actors]
    table(con, "sources", id=("VARCHAR", sources), rank=("INTEGER", range(len(sources))))
    table(con, "actors", key=("VARCHAR", actors), rank=("INTEGER", range(len(actors))))
    table(
        con,
        "levels",  # the scale's labels (the unknown one last), each level's side
        label=("VARCHAR", scale.labels),
        code=("INTEGER", range(len(scale.labels))),
        side=("INTEGER", [*sides, 0]),
        known=("BOOLEAN", [True] * len(sides) + [False]),
    )
    quoted = "'" + path.replace("'", "''") + "'"
    con.execute(
        CLAIMS_SQL.format(
            path=quoted,
            start=_DAY.format(text="split_part(c.date, '/', 1)"),
            end=_DAY.format(text="nullif(split_part(c.date, '/', 2), '')"),
        )
    )
    con.execute(CELLS_SQL.replace("$last", str(last_day(as_of))))
    return actors


def agreement(
    path: str, as_of: str | None = None, con: duckdb.DuckDBPyConnection | None = None
) -> dict[tuple[str, str], tuple[float | None, int]]:
    """Every pair's agree index and n, computed in DuckDB from the Parquet file *path*.

    Pairs with no issue in common are left out (the library gives them None and 0).
    """
    con = duckdb.connect() if con is None else con
    actors = prepare(con, path, as_of)
    out: dict[tuple[str, str], tuple[float | None, int]] = {}
    for x, y, n, twice in con.execute(AGREEMENT_SQL).fetchall():
        score = float(twice) / float(2 * n)
        out[actors[x], actors[y]] = out[actors[y], actors[x]] = (score, int(n))
    return out


def snapshot(path: str, as_of: str | None = None) -> list[tuple[Any, ...]]:
    """The claims that hold as of *as_of* (the cell rule), as sorted rows of the long layout."""
    con = duckdb.connect()
    prepare(con, path, as_of)
    return sorted(
        con.execute(
            "SELECT actor, issue, stance, source, date, summary, quote, note FROM holding"
        ).fetchall(),
        key=repr,
    )


def mismatches(
    matrix: sm.StanceMatrix, found: dict[tuple[str, str], tuple[float | None, int]], **options: Any
) -> list[tuple[str, str, tuple[float | None, int], tuple[float | None, int]]]:
    """The pairs whose SQL score or n differs from :func:`stancematrix.agreement_matrix`'s."""
    result = sm.agreement_matrix(matrix, **options)
    out = []
    for x, a in enumerate(result.actors):
        for y, b in enumerate(result.actors):
            expected = (result.scores[x][y], result.counts[x][y])
            got = found.get((a, b), (None, 0))
            if got != expected:
                out.append((a, b, got, expected))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("file", nargs="?", help="a Parquet file written by m.to_parquet()")
    parser.add_argument("--as-of", help="the snapshot date (YYYY, YYYY-MM or YYYY-MM-DD)")
    parser.add_argument("--full", action="store_true", help="all UNGA votes (no file given)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = args.file
        matrix = None
        if path is None:
            period = {} if args.full else {"since": "2010", "until": "2019"}
            matrix = sm.load_dataset("unga", **period)
            path = os.path.join(folder, "unga.parquet")
            matrix.to_parquet(path)
        started = time.perf_counter()
        found = agreement(path, args.as_of)
        took = time.perf_counter() - started
        print(f"{path}: {len(found)} ordered pairs scored in SQL in {took:.2f} s")
        if matrix is None:
            matrix = sm.read_parquet(path)
        wrong = mismatches(matrix, found, as_of=args.as_of)
        print(f"mismatches with sm.agreement_matrix: {len(wrong)}")
        for a, b, got, expected in wrong[:10]:
            print(f"  {a} {b}: SQL {got}, library {expected}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
