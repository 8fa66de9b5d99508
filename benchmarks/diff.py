"""Benchmark: ``sm.diff`` against pandas, csv-diff and daff on the UN General Assembly votes.

Usage::

    pip install -e . pandas csv-diff daff
    python benchmarks/diff.py                       # full data (870,109 votes)
    python benchmarks/diff.py --limit 100000        # the first 100,000 votes only

Snapshot A is every vote: ``load_dataset("unga")`` where the package has it, otherwise
``votes.csv.gz`` read with the csv module into the columnar constructor. Snapshot B is A
with 5% of the votes changed, 1% removed and 1% added in cells A leaves empty (seed 5).
Each tool diffs A against B in memory:

- ``sm.diff(A, B)``;
- pandas: an outer merge of two DataFrames (rcid, country, vote) on (rcid, country) with
  an indicator, then the added, removed and changed rows;
- csv-diff: ``compare`` of the two ``load_csv`` dictionaries (keyed ``rcid/country``);
- daff: ``TableDiff.hilite`` with the same primary key, at smaller sizes (it is slow),
  with its growth reported.

Times are the best of ``--repeat`` runs; memory is the peak traced by ``tracemalloc`` in
a separate run. The functions are importable (``benchmarks.diff``) for the runner.
"""

from __future__ import annotations

import argparse
import csv
import gc
import gzip
import io
import json
import random
import sys
import time
import tracemalloc
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import stancematrix as sm  # noqa: E402
from stancematrix._store import Declarations, face, from_columns, slicing, store_of  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "unga"
SEED = 5


def load_votes(folder: Path = DATA, limit: int | None = None) -> sm.StanceMatrix:
    """The UN votes as a matrix: countries × roll calls, stances no/abstain/yes."""
    with gzip.open(folder / "roll_calls.csv.gz", "rt", encoding="utf-8", newline="") as f:
        dates = {row["rcid"]: row["date"] for row in csv.DictReader(f)}
    actor_code: dict[str, int] = {}
    actor_names: dict[str, str] = {}
    issue_code: dict[str, int] = {}
    scale = sm.Scale.votes()
    stance_code = {label: scale.code(label) for label in scale.labels}
    actor, issue, stance = array("i"), array("i"), array("b")
    with gzip.open(folder / "votes.csv.gz", "rt", encoding="utf-8", newline="") as f:
        for n, (rcid, country, code, vote) in enumerate(csv.reader(f)):
            if n == 0:
                continue
            if limit is not None and n > limit:
                break
            key = code or country
            actor.append(actor_code.setdefault(key, len(actor_code)))
            actor_names.setdefault(key, country)
            issue.append(issue_code.setdefault(rcid, len(issue_code)))
            stance.append(stance_code[vote])
    issue_dates = [int(dates[rcid].replace("-", "")) for rcid in issue_code]
    start = array("i", map(issue_dates.__getitem__, issue))
    return face(
        sm.StanceMatrix,
        from_columns(
            Declarations.declare(
                [sm.Actor(key, actor_names[key]) for key in actor_code],
                [
                    sm.Issue(
                        rcid, f"Roll call {rcid}", f"Adopt roll call {rcid}.", date=dates[rcid]
                    )
                    for rcid in issue_code
                ],
                [sm.Source("unga", "UN General Assembly voting record")],
                scale,
                None,
            ),
            actor=actor,
            issue=issue,
            stance=stance,
            source=array("i", bytes(4 * len(actor))),
            start=start,
            end=array("i", bytes(4 * len(actor))),
        ),
    )


def snapshot_b(
    a: sm.StanceMatrix,
    *,
    changed: float = 0.05,
    removed: float = 0.01,
    added: float = 0.01,
    seed: int = SEED,
) -> sm.StanceMatrix:
    """*a* with a share of votes changed to another vote, removed, and added in empty cells."""
    rng = random.Random(seed)
    n = len(a)
    rows = list(range(n))
    rng.shuffle(rows)
    n_change, n_remove, n_add = int(n * changed), int(n * removed), int(n * added)
    change = set(rows[:n_change])
    remove = set(rows[n_change : n_change + n_remove])
    width = len(a.issues)
    cols = store_of(a).cols
    filled = {x * width + i for x, i in zip(cols.actor, cols.issue, strict=True)}
    new_cells: set[int] = set()
    total = len(a.actors) * width
    while len(new_cells) < n_add and len(filled) + len(new_cells) < total:
        cell = rng.randrange(total)
        if cell not in filled:
            new_cells.add(cell)
    dates = [0 if i.date is None else int(str(i.date).replace("-", "")) for i in a.issues]
    actor, issue, stance, start = array("i"), array("i"), array("b"), array("i")
    for k in range(n):
        if k in remove:
            continue
        actor.append(cols.actor[k])
        issue.append(cols.issue[k])
        s = cols.stance[k]
        stance.append((s + rng.randrange(1, 3)) % 3 if k in change else s)
        start.append(cols.start[k])
    for cell in sorted(new_cells):
        x, i = divmod(cell, width)
        actor.append(x)
        issue.append(i)
        stance.append(rng.randrange(3))
        start.append(dates[i])
    return face(
        sm.StanceMatrix,
        from_columns(
            Declarations.declare(a.actors, a.issues, a.sources, a.scale, None),
            actor=actor,
            issue=issue,
            stance=stance,
            source=array("i", bytes(4 * len(actor))),
            start=start,
            end=array("i", bytes(4 * len(actor))),
        ),
    )


def rows_of(m: sm.StanceMatrix) -> list[tuple[str, str, str]]:
    """The votes as (rcid, country, vote) rows."""
    actors = [x.key for x in m.actors]
    issues = [i.key for i in m.issues]
    labels = m.scale.labels
    return [
        (issues[i], actors[x], labels[s])
        for x, i, s in zip(*store_of(m).cols.codes[:3], strict=True)
    ]


def frame_of(m: sm.StanceMatrix) -> Any:
    """The votes as the DataFrame pandas users would hold: rcid (int), country, vote."""
    import pandas as pd

    rows = rows_of(m)
    frame = pd.DataFrame(rows, columns=["rcid", "country", "vote"])
    frame["rcid"] = frame["rcid"].astype("int64")
    return frame


def pandas_diff(a: Any, b: Any) -> dict[str, int]:
    """Outer-merge diff: rows only in A (removed), only in B (added), votes that differ."""
    merged = a.merge(b, on=["rcid", "country"], how="outer", suffixes=("_a", "_b"), indicator=True)
    both = merged[merged["_merge"] == "both"]
    return {
        "added": int((merged["_merge"] == "right_only").sum()),
        "removed": int((merged["_merge"] == "left_only").sum()),
        "changed": int((both["vote_a"] != both["vote_b"]).sum()),
    }


def csv_text(rows: Sequence[tuple[str, str, str]]) -> str:
    """The rows as CSV with a ``key`` column ``rcid/country`` (csv-diff keys on one column)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["key", "rcid", "country", "vote"])
    writer.writerows([f"{r}/{c}", r, c, v] for r, c, v in rows)
    return out.getvalue()


def csv_diff_inputs(a_rows: Any, b_rows: Any) -> tuple[Any, Any]:
    """csv-diff's in-memory inputs: ``load_csv`` dictionaries keyed ``rcid/country``."""
    from csv_diff import load_csv

    return (
        load_csv(io.StringIO(csv_text(a_rows)), key="key"),
        load_csv(io.StringIO(csv_text(b_rows)), key="key"),
    )


def csv_diff_compare(old: Any, new: Any) -> dict[str, int]:
    """csv-diff's ``compare`` on the loaded dictionaries."""
    from csv_diff import compare

    result = compare(old, new)
    return {k: len(result[k]) for k in ("added", "removed", "changed")}


def daff_diff(a_rows: Sequence[tuple[str, ...]], b_rows: Sequence[tuple[str, ...]]) -> Any:
    """daff's table diff with (rcid, country) as primary key."""
    import daff

    header = ["rcid", "country", "vote"]
    flags = daff.CompareFlags()
    flags.addPrimaryKey("rcid")
    flags.addPrimaryKey("country")
    old = daff.PythonTableView([header, *map(list, a_rows)])
    new = daff.PythonTableView([header, *map(list, b_rows)])
    alignment = daff.Coopy.compareTables(old, new, flags).align()
    out: list[list[Any]] = []
    highlighter = daff.TableDiff(alignment, flags)
    highlighter.hilite(daff.PythonTableView(out))
    return highlighter.getSummary()


def best(run: Callable[[], Any], repeat: int) -> float:
    """The best wall-clock time of *repeat* runs, in seconds."""
    times = []
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return min(times)


def peak(run: Callable[[], Any]) -> int:
    """The peak memory traced while *run* runs, in bytes."""
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def sm_counts(d: sm.MatrixDiff) -> dict[str, int]:
    """The diff's claim counts, named like the peers'."""
    counts = d.counts()
    return {k: counts[f"claims {k}"] for k in ("added", "removed", "changed")}


def measure(
    limit: int | None = None,
    repeat: int = 3,
    daff_sizes: Sequence[int] = (10_000, 50_000, 100_000, 200_000),
    folder: Path = DATA,
) -> dict[str, Any]:
    """Every figure of the diff benchmark, as a JSON-ready dictionary."""
    if limit is None and folder == DATA and "unga" in sm.dataset_names():
        a = sm.load_dataset("unga")  # the same votes, shipped with the package
    else:
        a = load_votes(folder, limit)
    b = snapshot_b(a)
    report: dict[str, Any] = {"votes_a": len(a), "votes_b": len(b)}
    ours = sm.diff(a, b)
    report["sm_counts"] = sm_counts(ours)
    report["sm_diff_s"] = best(lambda: sm.diff(a, b), repeat)
    report["sm_diff_peak_bytes"] = peak(lambda: sm.diff(a, b))
    report["sm_apply_s"] = best(lambda: ours.apply(a), 1)
    assert ours.apply(a) == b
    try:
        import pandas  # noqa: F401
    except ImportError:
        report["pandas"] = "not installed"
    else:
        fa, fb = frame_of(a), frame_of(b)
        report["pandas_counts"] = pandas_diff(fa, fb)
        report["pandas_diff_s"] = best(lambda: pandas_diff(fa, fb), repeat)
        report["pandas_diff_peak_bytes"] = peak(lambda: pandas_diff(fa, fb))
        report["ratio_sm_to_pandas"] = report["sm_diff_s"] / report["pandas_diff_s"]
    a_rows, b_rows = rows_of(a), rows_of(b)
    try:
        old, new = csv_diff_inputs(a_rows, b_rows)
    except ImportError:
        report["csv_diff"] = "not installed"
    else:
        report["csv_diff_counts"] = csv_diff_compare(old, new)
        report["csv_diff_compare_s"] = best(lambda: csv_diff_compare(old, new), 1)
        report["ratio_csv_diff_to_sm"] = report["csv_diff_compare_s"] / report["sm_diff_s"]
        del old, new
    try:
        import daff  # noqa: F401
    except ImportError:
        report["daff"] = "not installed"
    else:
        growth = []
        for size in daff_sizes:
            sub_a = _first(a, size)
            sub_b = snapshot_b(sub_a)
            ra, rb = rows_of(sub_a), rows_of(sub_b)
            t_daff = best(lambda: daff_diff(ra, rb), 1)  # noqa: B023
            t_sm = best(lambda: sm.diff(sub_a, sub_b), repeat)  # noqa: B023
            growth.append({"votes": size, "daff_s": t_daff, "sm_diff_s": t_sm})
        report["daff_growth"] = growth
        # Extrapolate daff linearly from its largest measured size (a lower bound if it
        # grows faster than linearly, which the growth table shows).
        last = growth[-1]
        report["daff_extrapolated_full_s"] = last["daff_s"] * len(a) / last["votes"]
        report["ratio_daff_to_sm"] = report["daff_extrapolated_full_s"] / report["sm_diff_s"]
        report["ratio_daff_to_sm_at_largest_daff_size"] = last["daff_s"] / last["sm_diff_s"]
    return report


def _first(m: sm.StanceMatrix, size: int) -> sm.StanceMatrix:
    """The first *size* votes of *m* (in claim order), with the same declarations."""
    rows = range(min(size, len(m)))
    return face(m, slicing.take(store_of(m), rows))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N votes")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None, help="also write the report here")
    args = parser.parse_args(argv)
    report = measure(args.limit, args.repeat, folder=args.data)
    text = json.dumps(report, indent=2)
    print(text)
    if args.json is not None:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
