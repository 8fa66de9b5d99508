"""Benchmarks: stancematrix side by side with pandas, numpy, csv-diff and daff on the UN votes.

Usage::

    pip install '.[bench]'
    python benchmarks/run.py                 # the full data (870,109 votes), every operation
    python benchmarks/run.py --quick         # one repeat, smaller growth sizes
    python benchmarks/run.py --data tests/data/unga --quick --json /tmp/smoke.json

The data are the three CSV tables in ``--data`` (default ``../shared/data/unga``). Where
that folder does not exist, the runner writes the same tables from the dataset shipped in
the package (``load_dataset("unga")``) to a temporary folder and uses those, so a fresh
checkout needs nothing else. Peers that are not installed are reported as "not
installed"; stancematrix operations that are not built yet (``to_markdown``, ``to_csv``,
``read_csv``, ``agreement_matrix``, ``diff``) as "not available".

Times are the best of ``--repeat`` runs (wall clock, ``time.perf_counter``). Memory is
measured in a separate run under ``tracemalloc`` (so it does not slow the timed runs):
bytes still held by the result ("held"), or the peak while the operation runs ("peak").
Everything is printed as a table and written as JSON (``--json``, default
``benchmarks/results.json``).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import gc
import gzip
import importlib
import io
import json
import math
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import stancematrix as sm  # noqa: E402
from stancematrix._datasets import unga as _unga  # noqa: E402
from stancematrix._store import Declarations, face, from_columns, store_of  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "unga"
TABLES = ("votes", "roll_calls", "roll_call_issues")
SEED = 7
FULL = True  # targets are for the full data; smaller runs are marked "(small data)"


def peer(name: str) -> Any:
    """The peer module *name*, or None when it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


pd = peer("pandas")
np = peer("numpy")
csv_diff = peer("csv_diff")
daff = peer("daff")


# -- results ------------------------------------------------------------------------------


@dataclass
class Result:
    """One row of the table."""

    group: str
    operation: str
    size: int | None = None
    stancematrix: float | None = None  # seconds
    peer: str = ""
    peer_time: float | None = None  # seconds
    target: str = ""
    status: str = "info"  # pass, miss, info, n/a
    memory: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """stancematrix time / peer time."""
        if self.stancematrix is None or not self.peer_time:
            return None
        return self.stancematrix / self.peer_time


def judge(
    result: Result,
    *,
    at_most: float | None = None,
    speedup: float | None = None,
    seconds: float | None = None,
) -> Result:
    """Set target and status: a ratio to the peer, a speed-up over it, or a time limit."""
    if at_most is not None:
        result.target = f"≤ {at_most:g}× peer"
        ok = None if result.ratio is None else result.ratio <= at_most
    elif speedup is not None:
        result.target = f"≥ {speedup:g}× faster"
        ok = None if result.ratio is None else result.ratio <= 1 / speedup
    else:
        assert seconds is not None
        result.target = f"≤ {seconds * 1000:g} ms" if seconds < 1 else f"≤ {seconds:g} s"
        ok = None if result.stancematrix is None else result.stancematrix <= seconds
    result.status = "n/a" if ok is None else "pass" if ok else "miss"
    if not FULL and result.status in {"pass", "miss"}:
        result.status += " (small data)"
    return result


def best(function: Callable[[], Any], repeat: int) -> float:
    """The best wall-clock time of *repeat* calls, in seconds."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def race(
    ours: Callable[[], Any] | None, theirs: Callable[[], Any] | None, repeat: int
) -> tuple[float | None, float | None]:
    """Best times of two functions run alternately, so that a busy moment on a shared
    machine hits both sides alike; None for a side that is None."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for function, out in ((ours, times[0]), (theirs, times[1])):
            if function is not None:
                out.append(best(function, 1))
    return (min(times[0]) if times[0] else None, min(times[1]) if times[1] else None)


def held(function: Callable[[], Any]) -> tuple[int, int]:
    """Bytes still allocated by *function*'s result, and the peak while it ran."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    result = function()
    gc.collect()
    after, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return after - before, peak - before


def mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


# -- data ---------------------------------------------------------------------------------


def table(folder: Path, name: str) -> Path:
    for candidate in (folder / f"{name}.csv.gz", folder / f"{name}.csv"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(folder / f"{name}.csv.gz")


def export(data: _unga.Data, folder: Path) -> None:
    """Write *data* as the three gzip-compressed CSV tables (for a fresh machine)."""
    rc = data.roll_calls
    labels = dict(data.topics)
    width = len(rc["rcid"])
    stance = ("", "no", "abstain", "yes")

    def write(name: str, header: Sequence[str], rows: Iterator[Sequence[Any]]) -> None:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        (folder / f"{name}.csv.gz").write_bytes(gzip.compress(text.getvalue().encode(), 6))

    write(
        "votes",
        _unga.VOTES_COLUMNS,
        (
            (rc["rcid"][n], name, "" if key == name else key, stance[data.votes[a * width + n]])
            for n in range(width)
            for a, (key, name) in enumerate(data.actors)
            if data.votes[a * width + n]
        ),
    )
    write(
        "roll_calls",
        _unga.ROLL_CALL_COLUMNS,
        ([rc[c][n] for c in _unga.ROLL_CALL_COLUMNS] for n in range(width)),
    )
    write(
        "roll_call_issues",
        _unga.TOPIC_COLUMNS,
        ((rc["rcid"][n], code, labels[code]) for n in range(width) for code in rc["topics"][n]),
    )


def subset(data: _unga.Data, size: int) -> _unga.Data:
    """The first *size* votes of *data* in roll-call order (then actor order), keeping only
    the roll calls and countries they involve, as a smaller dataset of the same kind."""
    width = len(data.roll_calls["rcid"])
    if size >= len(data.votes) - data.votes.count(0):
        return data
    columns = [data.votes[n::width] for n in range(width)]  # one bytes per roll call
    kept, total = [], 0
    for n, column in enumerate(columns):
        count = len(column) - column.count(0)
        if total + count > size:
            column = bytes(column)
            keep = size - total
            trimmed = bytearray(len(column))
            for a, b in enumerate(column):
                if b and keep:
                    trimmed[a], keep = b, keep - 1
            columns[n] = bytes(trimmed)
            kept.append(n)
            break
        kept.append(n)
        total += count
    actors = [a for a in range(len(data.actors)) if any(columns[n][a] for n in kept)]
    votes = bytes(columns[n][a] for a in actors for n in kept)
    roll_calls = {c: [values[n] for n in kept] for c, values in data.roll_calls.items()}
    return _unga.Data(tuple(data.actors[a] for a in actors), data.topics, roll_calls, votes)


def frame(data: _unga.Data) -> Any:
    """The votes as a pandas DataFrame with actor key, rcid, vote and date columns."""
    m = _unga.matrix(data)
    keys = [a.key for a in m.actors]
    rcids = [int(i.key) for i in m.issues]
    return pd.DataFrame(
        {
            "actor": pd.Categorical.from_codes(
                np.frombuffer(store_of(m).cols.actor, np.intc), keys
            ).astype(str),
            "rcid": np.asarray(rcids)[np.frombuffer(store_of(m).cols.issue, np.intc)],
            "vote": np.asarray(m.scale.labels, dtype=object)[
                np.frombuffer(store_of(m).cols.stance, np.int8)
            ],
            "date": pd.to_datetime(
                pd.Series(np.frombuffer(store_of(m).cols.start, np.intc)).astype(str),
                format="%Y%m%d",
            ),
        }
    )


# -- operations ---------------------------------------------------------------------------


def bench_import(repeat: int) -> list[Result]:
    code = "import time; t = time.perf_counter(); import {}; print(time.perf_counter() - t)"

    def measure(module: str) -> float:
        runs = [
            float(
                subprocess.run(
                    [sys.executable, "-c", code.format(module)],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=ROOT,
                ).stdout
            )
            for _ in range(repeat)
        ]
        return min(runs)

    result = Result("import", "import stancematrix (fresh interpreter, best of runs)")
    result.stancematrix = measure("stancematrix")
    if pd is not None:
        result.peer, result.peer_time = "import pandas", measure("pandas")
    return [judge(result, seconds=0.15)]


def bench_load(folder: Path, data: _unga.Data, blob: bytes, repeat: int) -> list[Result]:
    paths = [table(folder, name) for name in TABLES]
    results = []
    package = Result(
        "load", "load from package data (decode + build)", len(data.votes) - data.votes.count(0)
    )
    read = None if pd is None else lambda: pd.read_csv(paths[0], keep_default_na=False)
    read_all = (
        None if pd is None else lambda: [pd.read_csv(p, keep_default_na=False) for p in paths]
    )
    package.stancematrix, package.peer_time = race(
        lambda: _unga.matrix(_unga.decode(blob)), read, repeat
    )
    from_csv = Result(
        "load", "load from the three CSVs (stancematrix._datasets.unga)", package.size
    )
    from_csv.stancematrix, from_csv.peer_time = race(
        lambda: _unga.matrix(_unga.read_csv(*paths)), read_all, repeat
    )
    generic = Result("load", "sm.read_csv(votes, columns=…) (issue 3 reader)", package.size)
    columns = {"actor": ("country_code", "country"), "issue": "rcid", "stance": "vote"}
    if hasattr(sm, "read_csv"):
        generic.stancematrix, generic.peer_time = race(
            lambda: sm.read_csv(paths[0], columns=columns, scale=sm.Scale.votes()), read, repeat
        )
    else:
        generic.note = "sm.read_csv not available"
    arrow = Result("load", "sm.read_csv(votes, columns=…, engine='pyarrow')", package.size)
    if peer("pyarrow") is not None and read is not None:
        arrow.stancematrix, arrow.peer_time = race(
            lambda: sm.read_csv(
                paths[0], columns=columns, scale=sm.Scale.votes(), engine="pyarrow"
            ),
            read,
            repeat,
        )
        arrow.peer = "pandas.read_csv(votes)"
    else:
        arrow.note = "pyarrow or pandas not installed"
    memory = Result("memory", "memory held by the loaded matrix", package.size)
    net, peak = held(lambda: _unga.matrix(_unga.decode(blob)))
    per_vote = net / package.size
    memory.memory = f"{per_vote:.1f} B/vote held ({mb(net)}; peak {mb(peak)})"
    memory.extra = {"bytes_per_vote": per_vote, "held": net, "peak": peak}
    memory.status = ("pass" if per_vote <= 60 else "miss") + ("" if FULL else " (small data)")
    memory.target = "≤ 60 B/vote"
    if read is not None:
        package.peer = "pandas.read_csv(votes)"
        from_csv.peer = "pandas.read_csv(all three)"
        generic.peer = package.peer
        p_net, _ = held(read)
        df = read()
        deep = int(df.memory_usage(deep=True).sum())
        memory.peer = "pandas.read_csv(votes)"
        memory.note = (
            f"pandas: {p_net / len(df):.1f} B/vote held by tracemalloc, "
            f"{deep / len(df):.1f} B/vote by memory_usage(deep=True)"
        )
        memory.extra |= {"pandas_bytes_per_vote": p_net / len(df), "pandas_deep": deep / len(df)}
    results += [judge(package, at_most=4), judge(from_csv, at_most=4)]
    results.append(judge(generic, at_most=4) if generic.stancematrix else generic)
    results.append(judge(arrow, at_most=1.5) if arrow.stancematrix else arrow)
    results.append(memory)
    return results


def bench_lookups(m: sm.StanceMatrix, df: Any, repeat: int, count: int) -> list[Result]:
    rng = random.Random(SEED)
    actors = [a.key for a in m.actors]
    issues = [i.key for i in m.issues]
    pairs = [(rng.choice(actors), rng.choice(issues)) for _ in range(count)]
    theirs = None
    peer = None
    if pd is not None:
        pivot = df.pivot(index="actor", columns="rcid", values="vote")
        int_pairs = [(a, int(i)) for a, i in pairs]

        def theirs() -> None:
            at = pivot.at
            for key in int_pairs:
                at[key]

        peer = "DataFrame.at on the pivot"
    results = []
    # position() builds the full claim (a Position); stance() is the documented fast
    # accessor that returns only the label, under the same rule.
    for name in ("position", "stance"):
        result = Result("lookup", f"{count:,} random point lookups: m.{name}(a, i)", len(m))
        method = getattr(m, name, None)
        if method is None:
            result.note = f"{name} not available"
            results.append(result)
            continue

        def ours(method: Any = method) -> None:
            for a, i in pairs:
                method(a, i)

        result.peer = peer
        result.stancematrix, result.peer_time = race(ours, theirs, repeat)
        results.append(judge(result, speedup=20))
    return results


def bench_slices(m: sm.StanceMatrix, df: Any, repeat: int) -> list[Result]:
    rng = random.Random(SEED)
    actors = rng.sample([a.key for a in m.actors], min(20, len(m.actors)))
    issues = rng.sample([i.key for i in m.issues], min(100, len(m.issues)))
    results = []
    cases = [
        ("all claims of one actor: m.claims(actor)", actors, lambda a: m.claims(a), "actor", str),
        (
            "all claims of one actor: m.select(actors=[a])",
            actors,
            lambda a: m.select(actors=[a]),
            "actor",
            str,
        ),
        (
            "all claims of one roll call: m.claims(issue=i)",
            issues,
            lambda i: m.claims(issue=i),
            "rcid",
            int,
        ),
        (
            "all claims of one roll call: m.select(issues=[i])",
            issues,
            lambda i: m.select(issues=[i]),
            "rcid",
            int,
        ),
    ]
    for label, keys, ours, column, convert in cases:
        result = Result("slice", label + " (mean per call)", len(m))
        theirs = None
        if pd is not None:
            values = [convert(k) for k in keys]
            series = df[column]
            result.peer = f"df[df.{column} == x]"
            theirs = lambda: [df[series == v] for v in values]  # noqa: B023, E731
        mine, peer_time = race(lambda: [ours(k) for k in keys], theirs, repeat)  # noqa: B023
        result.stancematrix = None if mine is None else mine / len(keys)
        result.peer_time = None if peer_time is None else peer_time / len(keys)
        results.append(judge(result, speedup=20))
    return results


def bench_as_of(m: sm.StanceMatrix, df: Any, repeat: int) -> list[Result]:
    results = []
    for day in ("2000-01-01", "2020-12-31"):
        result = Result("as_of", f"m.as_of('{day}') snapshot", len(m))
        if not hasattr(m, "as_of"):
            result.note = "as_of not available"
            results.append(result)
            continue
        net, peak = held(lambda: m.as_of(day))  # noqa: B023
        result.memory = f"held {mb(net)}, peak {mb(peak)}"
        theirs = None
        if pd is not None:
            stamp = pd.Timestamp(day)

            def theirs() -> Any:
                visible = df[df["date"] <= stamp]  # noqa: B023
                return visible.sort_values("date", kind="stable").drop_duplicates(
                    ["actor", "rcid"], keep="last"
                )

            result.peer = "filter + sort + drop_duplicates(keep='last')"
            result.extra["rows"] = [len(m.as_of(day)), len(theirs())]
        result.stancematrix, result.peer_time = race(lambda: m.as_of(day), theirs, repeat)  # noqa: B023
        results.append(judge(result, at_most=1))
    return results


# -- diff ---------------------------------------------------------------------------------


def changed(m: sm.StanceMatrix) -> sm.StanceMatrix:
    """*m* with 5% of votes changed, 1% removed and 1% added (fixed seed)."""
    rng = random.Random(SEED)
    n = len(m)
    rows = list(range(n))
    rng.shuffle(rows)
    n_change, n_remove = n * 5 // 100, n // 100
    change = set(rows[:n_change])
    remove = set(rows[n_change : n_change + n_remove])
    width = len(m.issues)
    cols = store_of(m).cols
    filled = {cols.actor[k] * width + cols.issue[k] for k in range(n)}
    dates = [
        0 if i.date is None else i.date.year * 10000 + (i.date.month or 0) * 100 + (i.date.day or 0)
        for i in m.issues
    ]
    added: set[int] = set()
    cells = len(m.actors) * width
    while len(added) < n // 100 and len(filled) + len(added) < cells:
        c = rng.randrange(cells)
        if c not in filled:
            added.add(c)
    actor, issue, stance, start = array("i"), array("i"), array("b"), array("i")
    for k in range(n):
        if k in remove:
            continue
        actor.append(cols.actor[k])
        issue.append(cols.issue[k])
        s = cols.stance[k]
        stance.append((s + rng.randrange(1, 3)) % 3 if k in change else s)
        start.append(cols.start[k])
    for c in sorted(added):
        a, i = divmod(c, width)
        actor.append(a)
        issue.append(i)
        stance.append(rng.randrange(3))
        start.append(dates[i])
    zeros = array("i", bytes(4 * len(actor)))
    return face(
        sm.StanceMatrix,
        from_columns(
            Declarations.declare(m.actors, m.issues, m.sources, m.scale, m.metadata),
            actor=actor,
            issue=issue,
            stance=stance,
            source=zeros,
            start=start,
            end=array("i", zeros),
        ),
    )


def table_of(m: sm.StanceMatrix) -> tuple[list[str], list[list[str]]]:
    """The votes of *m* as rows ``key, actor, rcid, vote`` (key = ``actor/rcid``)."""
    keys = [a.key for a in m.actors]
    issues = [i.key for i in m.issues]
    labels = m.scale.labels
    rows = [
        [f"{keys[a]}/{issues[i]}", keys[a], issues[i], labels[s]]
        for a, i, s in zip(*store_of(m).cols.codes[:3], strict=True)
    ]
    return ["key", "actor", "rcid", "vote"], rows


def diff_counts(found: Any) -> dict[str, int] | str:
    """Added, removed and changed claims as a diff result reports them, if it does."""
    counts = getattr(found, "counts", None)
    counts = counts() if callable(counts) else counts
    if not isinstance(counts, dict):
        return "no counts"
    return {k: counts.get(f"claims {k}", counts.get(k)) for k in ("added", "removed", "changed")}


def pandas_diff(a: Any, b: Any) -> dict[str, int]:
    merged = a.merge(b, on=["actor", "rcid"], how="outer", suffixes=("_a", "_b"), indicator=True)
    both = merged[merged["_merge"] == "both"]
    return {
        "added": int((merged["_merge"] == "right_only").sum()),
        "removed": int((merged["_merge"] == "left_only").sum()),
        "changed": int((both["vote_a"] != both["vote_b"]).sum()),
    }


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def daff_diff(header: list[str], a: list[list[str]], b: list[list[str]]) -> Any:
    flags = daff.CompareFlags()
    flags.addPrimaryKey("key")
    old = daff.PythonTableView([header, *a])
    new = daff.PythonTableView([header, *b])
    alignment = daff.Coopy.compareTables(old, new, flags).align()
    out: list[list[Any]] = []
    highlighter = daff.TableDiff(alignment, flags)
    highlighter.hilite(daff.PythonTableView(out))
    return highlighter.getSummary()


def bench_diff(
    data: _unga.Data,
    sizes: Sequence[int],
    daff_sizes: Sequence[int],
    csv_diff_sizes: Sequence[int],
    repeat: int,
) -> list[Result]:
    results = []
    for size in sorted(set(sizes) | set(daff_sizes) | set(csv_diff_sizes)):
        a = _unga.matrix(subset(data, size))
        b = changed(a)
        header, rows_a = table_of(a)
        _, rows_b = table_of(b)
        expected = None
        ours_time = None
        ours_call = None
        if hasattr(sm, "diff"):
            ours_call = lambda: sm.diff(a, b)  # noqa: B023, E731
            _, peak = held(ours_call)
        if pd is not None and size in sizes:
            fa = pd.DataFrame(rows_a, columns=header)
            fb = pd.DataFrame(rows_b, columns=header)
            result = Result(
                "diff",
                "sm.diff(A, B) vs pandas outer-merge diff",
                size,
                peer="pandas merge(how='outer', indicator=True)",
            )
            ours_time, result.peer_time = race(
                ours_call,
                lambda: pandas_diff(fa, fb),  # noqa: B023
                repeat,
            )
            result.stancematrix = ours_time
            expected = pandas_diff(fa, fb)
            _, p_peak = held(lambda: pandas_diff(fa, fb))  # noqa: B023
            ours = f"peak {mb(peak)}; " if ours_time else ""
            result.memory = f"{ours}pandas peak {mb(p_peak)}"
            result.extra["counts"] = expected
            if ours_call is not None:
                result.extra["stancematrix_counts"] = diff_counts(ours_call())
            result.note = "" if ours_time else "sm.diff not available"
            results.append(judge(result, at_most=1))
        if ours_call is not None and ours_time is None:
            ours_time = best(ours_call, repeat)
        if csv_diff is not None and size in csv_diff_sizes:
            text_a, text_b = csv_text(header, rows_a), csv_text(header, rows_b)

            def run_csv_diff() -> Any:
                return csv_diff.compare(
                    csv_diff.load_csv(io.StringIO(text_a), key="key"),  # noqa: B023
                    csv_diff.load_csv(io.StringIO(text_b), key="key"),  # noqa: B023
                )

            result = Result(
                "diff",
                "sm.diff(A, B) vs csv-diff compare (incl. load_csv)",
                size,
                ours_time,
                "csv_diff.compare",
            )
            result.peer_time = best(run_csv_diff, 1)
            if expected is not None:
                got = run_csv_diff()
                result.extra["counts"] = {k: len(v) for k, v in got.items()}
            result.note = "" if ours_time else "sm.diff not available"
            results.append(judge(result, speedup=10))
        if daff is not None and size in daff_sizes:
            result = Result(
                "diff", "sm.diff(A, B) vs daff (TableDiff.hilite)", size, ours_time, "daff"
            )
            result.peer_time = best(lambda: daff_diff(header, rows_a, rows_b), 1)  # noqa: B023
            summary = daff_diff(header, rows_a, rows_b)
            result.extra["counts"] = {
                "added": summary.row_inserts,
                "removed": summary.row_deletes,
                "changed": summary.row_updates,
            }
            result.note = "" if ours_time else "sm.diff not available"
            results.append(judge(result, speedup=40))
    return results


# -- agreement ----------------------------------------------------------------------------


def numpy_coincidence(m: sm.StanceMatrix) -> Any:
    """The UN voting-coincidence index of every pair of actors, by one-hot matmul.

    Identical votes count 1, one side abstaining 0.5, opposed votes 0, over the roll calls
    both voted on; NaN where there are none. Built from the matrix's own columns.
    """
    a = np.frombuffer(store_of(m).cols.actor, np.intc)
    i = np.frombuffer(store_of(m).cols.issue, np.intc)
    s = np.frombuffer(store_of(m).cols.stance, np.int8)
    hot = np.zeros((3, len(m.actors), len(m.issues)), np.float32)
    hot[s, a, i] = 1
    no, abstain, yes = hot
    present = no + abstain + yes
    both = present @ present.T
    same = yes @ yes.T + abstain @ abstain.T + no @ no.T
    half = abstain @ (yes + no).T
    with np.errstate(invalid="ignore", divide="ignore"):
        return (same + 0.5 * (half + half.T)) / both


def cross_check(found: Any, m: sm.StanceMatrix) -> str:
    """How far *found* (whatever agreement_matrix returns) is from the numpy baseline."""
    names = ("scores", "values", "matrix")
    for candidate in (found, *(getattr(found, name, None) for name in names)):
        try:
            rows = [[math.nan if v is None else v for v in row] for row in candidate]
            values = np.asarray(rows, dtype=float)
        except (TypeError, ValueError):
            continue
        expected = numpy_coincidence(m)
        if values.shape == expected.shape:
            both = ~np.isnan(expected) & ~np.isnan(values)
            gap = float(np.max(np.abs(values[both] - expected[both]))) if both.any() else 0.0
            return f"max |difference| from numpy {gap:.2g}"
    return "result not array-like; not cross-checked"


def bench_agreement(
    m: sm.StanceMatrix, counts: Sequence[int], repeat: int, *, quick: bool = False
) -> list[Result]:
    results = []
    keys = [a.key for a in m.actors]
    for count in counts:
        count = min(count, len(keys))
        sub = m if count == len(keys) else m.select(actors=keys[:count])
        result = Result("agreement", f"{count}×{count} agreement matrix (coincidence)", len(sub))
        agreement = getattr(sm, "agreement_matrix", None)
        if agreement is None:
            result.note = "sm.agreement_matrix not available"
        elif np is not None:
            result.extra["cross_check"] = cross_check(agreement(sub, method="agree"), sub)
        if np is not None:
            result.peer = "numpy one-hot matmul incl. building"
        # BLAS threads make numpy noisy on a shared machine: take the best of more runs
        # (a --quick run times once, as every other group does).
        result.stancematrix, result.peer_time = race(
            None if agreement is None else lambda: agreement(sub, method="agree"),  # noqa: B023
            None if np is None else lambda: numpy_coincidence(sub),  # noqa: B023
            repeat if quick else max(repeat, 5),
        )
        results.append(judge(result, at_most=1.5))
    return results


# -- rendering ----------------------------------------------------------------------------


def bench_render(m: sm.StanceMatrix, df: Any, repeat: int) -> list[Result]:
    issues = [i.key for i in m.issues if i.date is not None and i.date.year >= 2019][:50]
    if len(issues) < 50:
        issues = [i.key for i in m.issues][-50:]
    sub = m.select(issues=issues)
    shape = f"{len(sub.actors)}×{len(sub.issues)}"
    results = []
    pivot = None
    if pd is not None:
        part = df[df["rcid"].isin([int(i) for i in issues])]
        pivot = part.pivot(index="actor", columns="rcid", values="vote")
    for method, peer_call in (("to_markdown", "to_markdown"), ("to_csv", "to_csv")):
        result = Result("render", f"{method}() of a {shape} sub-matrix", len(sub))
        render = getattr(sub, method, None)
        if render is not None:
            result.stancematrix = best(render, repeat)
        else:
            result.note = f"StanceMatrix.{method} not available"
        if pivot is not None:
            result.peer = f"pivot.{peer_call}()"
            result.peer_time = best(getattr(pivot, peer_call), repeat)
        results.append(judge(result, seconds=0.005))
    return results


# -- lossless formats (issue 15 item 1, issue 17) ----------------------------------------


def bench_lossless(m: sm.StanceMatrix, folder: Path, repeat: int) -> list[Result]:
    """read_json/to_json and the long CSV's read/write against the standard library on the
    same text, and the readers' peak memory against the memory the matrix they make holds.

    Peers: ``json.loads`` of the document's text (already in memory) and ``json.dumps``
    of the same document with the same indent; ``csv.reader`` over the long CSV's text
    (every row listed) and ``csv.writer`` writing those rows. stancematrix reads from the
    file, as users do. The matrix's memory is what tracemalloc still counts allocated
    after the read, its result kept (``held``): the store's columns, cell index and
    declarations; the reader's peak is tracemalloc's peak during the same read.
    """
    n = len(m)
    results = []
    text = m.to_json()
    path = folder / "matrix.json"
    path.write_text(text, encoding="utf-8")
    document = json.loads(text)  # the document to_json writes, as plain data

    result = Result("lossless", "read_json(file) vs json.loads(text)", n)
    result.stancematrix, result.peer_time = race(
        lambda: sm.read_json(path), lambda: json.loads(text), repeat
    )
    result.peer = "json.loads(same text)"
    results.append(judge(result, at_most=2))

    result = Result("lossless", "to_json() vs json.dumps(indent=2)", n)
    result.stancematrix, result.peer_time = race(
        lambda: m.to_json(),
        lambda: json.dumps(document, ensure_ascii=False, indent=2),
        repeat,
    )
    result.peer = "json.dumps(same document, indent=2)"
    results.append(judge(result, at_most=2))

    csv_text = m.to_csv()
    csv_path = folder / "matrix.csv"
    csv_path.write_text(csv_text, encoding="utf-8", newline="")
    rows = list(csv.reader(io.StringIO(csv_text, newline="")))

    def write_rows() -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        return out.getvalue()

    result = Result("lossless", "read_csv(long file) vs csv.reader(text)", n)
    result.stancematrix, result.peer_time = race(
        lambda: sm.read_csv(csv_path),
        lambda: list(csv.reader(io.StringIO(csv_text, newline=""))),
        repeat,
    )
    result.peer = "list(csv.reader(same text))"
    gc.disable()
    try:
        quiet = best(lambda: list(csv.reader(io.StringIO(csv_text, newline=""))), repeat)
    finally:
        gc.enable()
    result.extra["peer_without_gc_s"] = quiet
    result.note = f"csv.reader with the GC paused: {fmt_time(quiet)}"
    results.append(judge(result, at_most=2))

    result = Result("lossless", "to_csv() (long) vs csv.writer(rows)", n)
    result.stancematrix, result.peer_time = race(lambda: m.to_csv(), write_rows, repeat)
    result.peer = "csv.writer(same rows)"
    results.append(judge(result, at_most=2))

    for label, read in (
        ("read_csv(long)", lambda: sm.read_csv(csv_path)),
        ("read_json", lambda: sm.read_json(path)),
    ):
        kept, peak = held(read)
        result = Result("lossless", f"{label}: peak memory vs the matrix's", n)
        result.memory = f"peak {mb(peak)}, matrix {mb(kept)}"
        result.extra.update(peak_bytes=peak, matrix_bytes=kept)
        result.target = "≤ 3× the matrix"
        result.status = "pass" if peak <= 3 * kept else "miss"
        if not FULL:
            result.status += " (small data)"
        result.note = f"{peak / kept:.1f}× the matrix" if kept else ""
        results.append(result)
    return results


# -- growth -------------------------------------------------------------------------------


def bench_load_growth(data: _unga.Data, sizes: Sequence[int], repeat: int) -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            part = subset(data, size)
            blob = _unga.encode(part)
            n = len(part.votes) - part.votes.count(0)
            result = Result("growth", "load from package data vs pandas.read_csv(votes)", n)
            theirs = None
            if pd is not None:
                folder = Path(tmp) / str(size)
                folder.mkdir()
                export(part, folder)
                path = folder / "votes.csv.gz"
                result.peer = "pandas.read_csv(votes)"
                theirs = lambda: pd.read_csv(path, keep_default_na=False)  # noqa: B023, E731
            result.stancematrix, result.peer_time = race(
                lambda: _unga.matrix(_unga.decode(blob)),  # noqa: B023
                theirs,
                repeat,
            )
            results.append(judge(result, at_most=4))
    return results


def slopes(results: list[Result]) -> dict[str, Any]:
    """Log-log slope of time against size per operation (1.0 = linear)."""
    out: dict[str, Any] = {}
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        if r.size:
            groups.setdefault((r.group, r.operation), []).append(r)
    for (group, operation), rows in groups.items():
        rows = sorted(rows, key=lambda r: r.size or 0)
        if len(rows) < 2:
            continue
        for who, attribute in (("stancematrix", "stancematrix"), ("peer", "peer_time")):
            first, last = getattr(rows[0], attribute), getattr(rows[-1], attribute)
            if first and last and rows[-1].size != rows[0].size:
                slope = math.log(last / first) / math.log(rows[-1].size / rows[0].size)
                out.setdefault(f"{group}: {operation}", {})[who] = round(slope, 2)
    return out


# -- main ---------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "stancematrix": sm.__version__,
    }
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as file:
            for line in file:
                if line.startswith("model name"):
                    info["processor"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    for name, module in (("pandas", pd), ("numpy", np), ("csv-diff", csv_diff), ("daff", daff)):
        info[name] = getattr(module, "__version__", "installed") if module else "not installed"
    if module := peer("importlib.metadata"):
        for name in ("csv-diff", "daff"):
            if info[name] == "installed":
                with contextlib.suppress(Exception):  # only a version label
                    info[name] = module.version(name)
    return info


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def render_table(results: list[Result]) -> str:
    from tabulate import tabulate

    rows = []
    for r in results:
        ratio = r.ratio
        rows.append(
            [
                r.operation,
                f"{r.size:,}" if r.size else "",
                fmt_time(r.stancematrix),
                r.peer or "—",
                fmt_time(r.peer_time),
                "—" if ratio is None else f"{ratio:.2f}×" if ratio >= 0.1 else f"1/{1 / ratio:.0f}",
                r.target,
                r.status,
                "; ".join(filter(None, (r.memory, r.note))),
            ]
        )
    headers = [
        "operation",
        "size",
        "stancematrix",
        "peer",
        "peer time",
        "ratio",
        "target",
        "status",
        "memory / note",
    ]
    return tabulate(rows, headers, tablefmt="github")


def readme_table(report: dict[str, Any]) -> str:
    """The README's Performance table for a results JSON written by this runner."""
    lines = [
        "| operation | votes | stancematrix | peer | ratio | target | status | memory / note |",
        "|---|---:|---:|---|---:|---|---|---|",
    ]
    for row in report["results"]:
        ratio = row["ratio"]
        peer_time = f" {fmt_time(row['peer_time'])}" if row["peer_time"] else ""
        cells = [
            row["operation"].replace("|", "\\|"),
            f"{row['size']:,}" if row["size"] else "",
            fmt_time(row["stancematrix"]),
            (row["peer"] or "—") + peer_time,
            "—" if ratio is None else f"{ratio:.2f}×",
            row["target"],
            row["status"],
            "; ".join(filter(None, (row["memory"], row["note"]))),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    machine = report["machine"]
    lines.append("")
    lines.append(
        f"Run {machine['date']} on {machine['cpus']} CPUs ({machine['processor']}), "
        f"{machine['platform']}, Python {machine['python']}; pandas {machine['pandas']}, "
        f"numpy {machine['numpy']}, csv-diff {machine['csv-diff']}, daff {machine['daff']}; "
        f"best of {report['repeat']} runs."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="stancematrix benchmarks on the UN votes")
    parser.add_argument("--data", type=Path, default=DATA, help=f"CSV folder (default {DATA})")
    parser.add_argument("--quick", action="store_true", help="one repeat, small growth sizes")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per operation")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results.json")
    parser.add_argument("--only", default="", help="comma-separated groups to run")
    parser.add_argument(
        "--markdown", type=Path, help="print the README table for a results JSON and stop"
    )
    args = parser.parse_args(argv)
    if args.markdown:
        print(readme_table(json.loads(args.markdown.read_text(encoding="utf-8"))))
        return 0
    repeat = args.repeat or (1 if args.quick else 5)
    only = set(filter(None, args.only.split(",")))

    def wanted(group: str) -> bool:
        return not only or group in only

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.data
        if not all(
            (folder / f"{t}.csv.gz").exists() or (folder / f"{t}.csv").exists() for t in TABLES
        ):
            print(
                f"no CSV tables in {folder}; writing them from the packaged dataset",
                file=sys.stderr,
            )
            folder = Path(tmp)
            export(_unga.package_data(), folder)
        data = _unga.read_csv(*(table(folder, t) for t in TABLES))
        blob = _unga.encode(data)
        m = _unga.matrix(_unga.decode(blob))
        n = len(m)
        full = n > 100_000
        global FULL
        FULL = full
        df = frame(data) if pd is not None and np is not None else None
        print(
            f"data: {folder} — {n:,} votes, {len(m.actors)} actors, {len(m.issues):,} roll "
            f"calls; repeat {repeat}",
            file=sys.stderr,
        )
        results: list[Result] = []
        steps: list[tuple[str, Callable[[], list[Result]]]] = [
            ("import", lambda: bench_import(1 if args.quick else 7)),
            ("load", lambda: bench_load(folder, data, blob, repeat)),
            ("lookup", lambda: bench_lookups(m, df, repeat, 10_000 if args.quick else 100_000)),
            ("slice", lambda: bench_slices(m, df, repeat)),
            ("as_of", lambda: bench_as_of(m, df, repeat)),
            (
                "diff",
                lambda: bench_diff(
                    data,
                    sizes=(10_000, 100_000, n) if full and not args.quick else (n,),
                    daff_sizes=(1_000, 10_000) if full and not args.quick else (min(n, 1_000),),
                    csv_diff_sizes=(10_000, 100_000, n)
                    if full and not args.quick
                    else (min(n, 1000),),
                    repeat=repeat,
                ),
            ),
            ("agreement", lambda: bench_agreement(m, (50, 100, 200), repeat, quick=args.quick)),
            ("render", lambda: bench_render(m, df, repeat)),
            ("lossless", lambda: bench_lossless(m, Path(tmp), repeat)),
            (
                "growth",
                lambda: bench_load_growth(
                    data, (10_000, 100_000, n) if full else (n // 10 or 1, n), repeat
                ),
            ),
        ]
        for group, step in steps:
            if not wanted(group):
                continue
            if df is None and group in {"lookup", "slice", "as_of", "render"}:
                print(f"{group}: pandas or numpy not installed; stancematrix only", file=sys.stderr)
            started = time.perf_counter()
            try:
                rows = step()
            except Exception as error:  # report it and go on with the rest
                rows = [
                    Result(
                        group,
                        f"{group} failed",
                        note=f"{type(error).__name__}: {error}",
                        status="error",
                    )
                ]
            results += rows
            print(f"{group}: {time.perf_counter() - started:.1f} s", file=sys.stderr)

    print(render_table(results))
    report = {
        "machine": machine(),
        "data": {
            "folder": str(args.data),
            "votes": n,
            "actors": len(m.actors),
            "roll_calls": len(m.issues),
        },
        "repeat": repeat,
        "results": [asdict(r) | {"ratio": r.ratio} for r in results],
        "growth_slopes": slopes([r for r in results if r.group in {"growth", "diff", "agreement"}]),
    }
    print("\ngrowth (log-log slope of time vs size; 1.0 = linear):")
    for operation, slope in report["growth_slopes"].items():
        print(f"  {operation}: {slope}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}", file=sys.stderr)
    misses = [r for r in results if r.status in {"miss", "error"}]
    return 0 if not any(r.status == "error" for r in misses) else 1


if __name__ == "__main__":
    raise SystemExit(main())
