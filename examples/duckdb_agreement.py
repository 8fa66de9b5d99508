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
   ``stancematrix/_store/cells.py``, ``timing`` and ``holding``), in full: a dated claim
   is visible once it has begun, an undated one always; each (actor, issue) cell keeps
   its visible claims with the latest begin, so claims from different sources dated
   alike are all kept; of one source's claims among those, only the highest in the
   source's ``order`` (a claim ordered after others of its source begins on the last day
   of its date); and a claim stops holding after its ``until`` or once a newer edition
   of its source's ``series`` is published, while still hiding the older claims of its
   cell. EDTF qualifiers (``2025~``, ``2025?``) do not move a date, and an open end
   (``2025-01/..``) runs to the end of time. The claim a cell *shows* is the first of
   those that hold by source (in declared order), in the snapshot as the library's
   matrix view shows it.
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

# A date's text without its EDTF qualifiers (~, ?, %): they do not move a date.
_PLAIN = "regexp_replace({text}, '[~?%]', '', 'g')"

# The first day of a date's text ("2025", "2025-07", "2025-07-14") as the library codes
# it: YYYYMMDD with 00 for an unknown month or day; 0 when there is none.
_DAY = """
    CASE WHEN {text} IS NULL OR {text} = '' THEN 0 ELSE
        CAST(substr({text}, 1, 4) AS INTEGER) * 10000
        + coalesce(TRY_CAST(substr({text}, 6, 2) AS INTEGER), 0) * 100
        + coalesce(TRY_CAST(substr({text}, 9, 2) AS INTEGER), 0)
    END
"""

#: The last day a date code can mean (``20250300`` → ``20250331``, ``20250000`` →
#: ``20251231``), as ``stancematrix._dates.last_day_code``.
MACROS_SQL = """
CREATE OR REPLACE TEMP MACRO last_day_code(code) AS
    CASE WHEN code % 100 <> 0 THEN code
         WHEN code % 10000 = 0 THEN code + 1231
         ELSE code + day(last_day(make_date(CAST(code // 10000 AS INTEGER),
                                            CAST(code // 100 % 100 AS INTEGER), 1)))
    END;
"""

#: The claims of the file as codes: each claim's source rank, the day its source's next
#: edition is published (0: none), stance code and side, its start and end days (an open
#: end is END), the day its validity ends (``until``, 0: none) and its order in its source
#: (0: none). ``{path}`` is the Parquet file, the others SQL expressions.
CLAIMS_SQL = """
CREATE OR REPLACE TEMP VIEW claims AS
SELECT
    c.actor, c.issue, c.stance, c.source, c.date, c.summary, c.quote, c.note,
    s.rank AS source_rank,
    s.next_edition,
    l.code AS stance_code,
    l.side,
    l.known,
    {start} AS start_day,
    CASE WHEN split_part(c.date, '/', 2) = '..' THEN {end_of_time} ELSE {end} END AS end_day,
    {until} AS until_day,
    coalesce(TRY_CAST({order} AS INTEGER), 0) AS place
FROM read_parquet({path}) AS c
JOIN sources AS s ON c.source = s.id
JOIN levels AS l ON c.stance = l.label
"""

#: The cell rule (``stancematrix/_store/cells.py``: ``timing`` and ``holding``) over the
#: rows of ``{rows}`` as of the encoded day ``{last}``, as the table ``{name}``:
#:
#: - a row *expires* (``stop``) the day after its ``until``'s last day, or when its
#:   source's next edition is published, whichever comes first; as of no date (END)
#:   nothing expires;
#: - a row *begins* on its first day, except a dated row whose order is above its source's
#:   lowest: it begins on the last day of its date (the source tells it later);
#: - a row is visible once it has begun; of a cell's visible rows those with the latest
#:   begin hold, and of one source's rows among them only its highest-ordered, unless
#:   expired.
HOLDING_SQL = """
CREATE OR REPLACE TEMP TABLE {name} AS
WITH timed AS (
    SELECT *,
        CASE WHEN place > 0 AND start_day <> 0
                  AND place > min(place) FILTER (WHERE place > 0) OVER (PARTITION BY source)
             THEN last_day_code(CASE WHEN end_day IN (0, {end_of_time}) THEN start_day
                                     ELSE end_day END)
             ELSE start_day END AS begin_day,
        CASE WHEN next_edition > 0 AND until_day > 0
                 THEN least(next_edition, last_day_code(until_day) + 1)
             WHEN next_edition > 0 THEN next_edition
             WHEN until_day > 0 THEN last_day_code(until_day) + 1
             ELSE 0 END AS stop_day
    FROM {rows}
), visible AS (
    SELECT * FROM timed WHERE begin_day <= {last}
), latest AS (
    SELECT * FROM visible
    QUALIFY begin_day = max(begin_day) OVER (PARTITION BY actor, issue)
), ordered AS (
    SELECT * FROM latest
    QUALIFY place = max(place) OVER (PARTITION BY actor, issue, source)
)
SELECT * EXCLUDE (begin_day, stop_day) FROM ordered
WHERE {last} = {end_of_time} OR NOT (stop_day > 0 AND stop_day <= {last})
"""

#: The stance each cell shows (the library's matrix view: the rule as of no date over the
#: rows of ``{rows}``): of the rows that hold, the first by source rank, then in the
#: canonical order of rows (start, end, until, stance).
SHOWN_SQL = """
CREATE OR REPLACE TEMP TABLE shown AS
SELECT actor, issue, side, known FROM now_holding
QUALIFY row_number() OVER (
    PARTITION BY actor, issue
    ORDER BY source_rank, start_day, end_day, until_day, stance_code
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


def code(date: sm.PartialDate | None) -> int:
    """*date* as the library codes it: YYYYMMDD with 00 for an unknown month or day."""
    if date is None:
        return 0
    return date.year * 10000 + (date.month or 0) * 100 + (date.day or 0)


def next_editions(declared: sm.StanceMatrix) -> list[int]:
    """Per source, the coded day its series' next edition is published (0: none).

    A source's next edition is the source of the same ``series`` with the earliest
    ``published`` date after its own (``stancematrix/_store/cells.py``, ``edition_ends``).
    """
    published: dict[str, list[int]] = {}
    for source in declared.sources:
        if source.series is not None:
            published.setdefault(source.series, []).append(code(source.published))
    return [
        0
        if s.series is None
        else min((p for p in published[s.series] if p > code(s.published)), default=0)
        for s in declared.sources
    ]


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

    The table ``holding`` holds the claims that hold as of *as_of* (the snapshot
    ``m.as_of(as_of)``; with no date, those that hold in the matrix's own view), and
    ``shown`` the stance each cell of that snapshot shows. Returns the actors' keys in
    declared order.
    """
    declared = declarations(con, path)
    scale = declared.scale
    mid = scale.midpoint
    sides = [(level.value > mid) - (level.value < mid) for level in scale.levels]
    sources = [s.id for s in declared.sources]
    actors = [a.key for a in declared.actors]
    editions = next_editions(declared)
    table(
        con,
        "sources",
        id=("VARCHAR", sources),
        rank=("INTEGER", range(len(sources))),
        next_edition=("INTEGER", editions),
    )
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
    present = {
        row[0] for row in con.execute(f"DESCRIBE SELECT * FROM read_parquet({quoted})").fetchall()
    }

    def column(name: str) -> str:  # a file from before until and order: NULL
        return f'c."{name}"' if name in present else "NULL::VARCHAR"

    con.execute(MACROS_SQL)
    con.execute(
        CLAIMS_SQL.format(
            path=quoted,
            start=_DAY.format(text=_PLAIN.format(text="split_part(c.date, '/', 1)")),
            end=_DAY.format(text=_PLAIN.format(text="nullif(split_part(c.date, '/', 2), '')")),
            until=_DAY.format(text=_PLAIN.format(text=column("until"))),
            order=column("order"),
            end_of_time=END,
        )
    )
    rows = "claims"
    if as_of is not None:
        con.execute(
            HOLDING_SQL.format(name="holding", rows="claims", last=last_day(as_of), end_of_time=END)
        )
        rows = "holding"
    con.execute(HOLDING_SQL.format(name="now_holding", rows=rows, last=END, end_of_time=END))
    if as_of is None:
        con.execute("CREATE OR REPLACE TEMP TABLE holding AS SELECT * FROM now_holding")
    con.execute(SHOWN_SQL)
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
