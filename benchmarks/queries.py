"""Measure the query targets of issue 4 on the full UNGA votes, against pandas and numpy.

Run: ``python benchmarks/queries.py [UNGA_FOLDER] [--json OUT.json]`` (needs pandas and
numpy). Uses
``load_dataset("unga")`` when available, else reads the CSV files of ``shared/data/unga``
with the csv module. Every figure is the best of several runs, measured in the same run as
its peer; the machine's load shows in the spread, so compare the ratios.
"""

from __future__ import annotations

import csv
import gzip
import json
import random
import sys
import time
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import stancematrix as sm
from stancematrix._dates import PartialDate, encode
from stancematrix._store import Declarations, Store, face, from_columns, store_of

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "unga"


def read_csv(folder: Path) -> sm.StanceMatrix:
    with gzip.open(folder / "roll_calls.csv.gz", "rt", encoding="utf-8", newline="") as f:
        rolls = list(csv.DictReader(f))
    issues = [
        sm.Issue(r["rcid"], (r["short"] or "").strip() or r["rcid"], "Adopt it.", date=r["date"])
        for r in rolls
    ]
    code = {r["rcid"]: n for n, r in enumerate(rolls)}
    day = {r["rcid"]: encode(PartialDate.parse(r["date"])) for r in rolls}
    scale = sm.Scale.votes()
    actors: list[sm.Actor] = []
    seen: dict[str, int] = {}
    actor, issue, stance, start = array("i"), array("i"), array("b"), array("i")
    with gzip.open(folder / "votes.csv.gz", "rt", encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for rcid, country, country_code, vote in rows:
            key = country_code or country
            a = seen.get(key)
            if a is None:
                a = seen[key] = len(actors)
                actors.append(sm.Actor(key, country))
            actor.append(a)
            issue.append(code[rcid])
            stance.append(scale.code(vote))
            start.append(day[rcid])
    n = len(actor)
    return face(
        sm.StanceMatrix,
        from_columns(
            Declarations.declare(actors, issues, [sm.Source("unga", "UNGA")], scale, None),
            actor=actor,
            issue=issue,
            stance=stance,
            source=array("i", [0]) * n,
            start=start,
            end=array("i", [0]) * n,
        ),
    )


def best(fn: Callable[[], Any], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv: list[str]) -> int:
    import numpy as np
    import pandas as pd

    json_path = None
    if "--json" in argv:
        at_flag = argv.index("--json")
        json_path = argv[at_flag + 1]
        argv = argv[:at_flag] + argv[at_flag + 2 :]
    folder = Path(argv[0]) if argv else DATA
    if "unga" in sm.dataset_names():
        m = sm.load_dataset("unga")
    elif (folder / "votes.csv.gz").is_file():
        m = read_csv(folder)
    else:
        print(f"no UNGA data at {folder}; skipping")
        return 0
    print(m)
    df = pd.read_csv(folder / "votes.csv.gz", keep_default_na=False)
    df["key"] = df.country_code.where(df.country_code != "", df.country)
    pivot = df.pivot(index="key", columns="rcid", values="vote")
    results: dict[str, float] = {}

    # 100,000 random point lookups.
    rnd = random.Random(4)
    actor_keys = [a.key for a in m.actors]
    issue_keys = [i.key for i in m.issues]
    queries = [(rnd.choice(actor_keys), rnd.choice(issue_keys)) for _ in range(100_000)]
    at, position, stance = pivot.at, m.position, m.stance
    int_queries = [(a, int(i)) for a, i in queries]  # the pivot's columns are int rcids

    def pandas_at() -> None:
        for a, i in int_queries:
            at[a, i]

    def sm_position() -> None:
        for a, i in queries:
            position(a, i)

    def sm_stance() -> None:
        for a, i in queries:
            stance(a, i)

    # The first stance() call on a fresh copy builds the grid: time it once.
    stance = face(m, Store(store_of(m).decl, store_of(m).cols)).stance
    results["stance, first 100k (builds the grid)"] = best(sm_stance, 1)
    results["pandas .at, 100k"] = best(pandas_at, 3)
    results["position, 100k"] = best(sm_position, 3)
    results["stance, 100k"] = best(sm_stance, 3)

    # All claims of one actor / one roll call.
    roll = "5309" if "5309" in issue_keys else issue_keys[len(issue_keys) // 2]
    results["pandas filter, actor US"] = best(lambda: df[df.key == "US"], 7)
    results["select(actors=[US])"] = best(lambda: m.select(actors=["US"]), 7)
    results["claims(US)"] = best(lambda: m.claims("US"), 7)
    results[f"pandas filter, roll call {roll}"] = best(lambda: df[df.rcid == int(roll)], 20)
    results[f"select(issues=[{roll}])"] = best(lambda: m.select(issues=[roll]), 20)
    results[f"claims(issue={roll})"] = best(lambda: m.claims(issue=roll), 20)

    # The snapshot as of a date: pandas filters by date and keeps each cell's latest.
    rolls = pd.read_csv(
        folder / "roll_calls.csv.gz", keep_default_na=False, usecols=["rcid", "date"]
    )
    dated = df.merge(rolls, on="rcid")
    dated["date"] = pd.to_datetime(dated["date"])
    cut = pd.Timestamp("1990-12-31")

    def pandas_as_of() -> Any:
        kept = dated[dated.date <= cut]
        return kept.sort_values("date").drop_duplicates(["key", "rcid"], keep="last")

    results["pandas filter-and-keep-latest, 1990"] = best(pandas_as_of, 5)
    results["as_of(1990-12-31)"] = best(lambda: m.as_of("1990-12-31"), 5)

    # The 200 x 200 agreement matrix (coincidence index), including building.
    def one_hot(dtype: Any) -> Any:
        a = np.frombuffer(store_of(m).cols.actor, dtype=np.int32)
        i = np.frombuffer(store_of(m).cols.issue, dtype=np.int32)
        s = np.frombuffer(store_of(m).cols.stance, dtype=np.int8).astype(np.int64)
        na, ni = len(m.actors), len(m.issues)
        z = np.zeros((3 * na, ni), dtype=dtype)
        z[s * na + a, i] = 1
        t = (z @ z.T).reshape(3, na, 3, na)
        n = t.sum(axis=(0, 2))
        same = t[0, :, 0] + t[1, :, 1] + t[2, :, 2]
        half = t[2, :, 1] + t[1, :, 2] + t[0, :, 1] + t[1, :, 0]
        with np.errstate(invalid="ignore", divide="ignore"):
            return (same + 0.5 * half) / n

    from stancematrix._query import agreement as _agreement

    def fresh() -> None:  # a copy without the cached grid
        sm.agreement_matrix(face(m, Store(store_of(m).decl, store_of(m).cols)), method="agree")

    def fresh_bitsets() -> None:
        _agreement.USE_NUMPY = False
        try:
            fresh()
        finally:
            _agreement.USE_NUMPY = True

    def cached_bitsets() -> None:
        _agreement.USE_NUMPY = False
        try:
            sm.agreement_matrix(m, method="agree")
        finally:
            _agreement.USE_NUMPY = True

    # Interleaved, and with a pause before each pure-Python run: BLAS threads keep
    # spinning for a while after a matmul and would steal the second CPU.
    contenders: dict[str, Callable[[], Any]] = {
        "agreement_matrix, incl. building": fresh,
        "agreement_matrix, grid cached": lambda: sm.agreement_matrix(m),
        "agreement_matrix bitsets only, incl. building": fresh_bitsets,
        "agreement_matrix bitsets only, grid cached": cached_bitsets,
        "numpy one-hot matmul, float64": lambda: one_hot(np.float64),
        "numpy one-hot matmul, float32": lambda: one_hot(np.float32),
    }
    timings: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(5):
        for name, fn in contenders.items():
            time.sleep(0.3)
            timings[name].append(best(fn, 1))
    results.update({name: min(times) for name, times in timings.items()})
    for method in ("identical", "s-score", "kappa"):
        time.sleep(0.3)
        results[f"agreement_matrix {method}, grid cached"] = best(
            lambda method=method: sm.agreement_matrix(m, method=method), 3
        )

    width = max(map(len, results))
    for name, seconds in results.items():
        print(f"{name:{width}}  {seconds * 1000:10.2f} ms")
    ratios = {
        "pandas .at / position": results["pandas .at, 100k"] / results["position, 100k"],
        "pandas .at / stance": results["pandas .at, 100k"] / results["stance, 100k"],
        "pandas .at / stance incl. grid": results["pandas .at, 100k"]
        / results["stance, first 100k (builds the grid)"],
        "pandas / select(actors)": results["pandas filter, actor US"]
        / results["select(actors=[US])"],
        "pandas / claims(actor)": results["pandas filter, actor US"] / results["claims(US)"],
        "pandas / select(issues)": results[f"pandas filter, roll call {roll}"]
        / results[f"select(issues=[{roll}])"],
        "pandas / claims(issue)": results[f"pandas filter, roll call {roll}"]
        / results[f"claims(issue={roll})"],
        "as_of / pandas": results["as_of(1990-12-31)"]
        / results["pandas filter-and-keep-latest, 1990"],
        "agreement / numpy float64": results["agreement_matrix, incl. building"]
        / results["numpy one-hot matmul, float64"],
        "agreement / numpy float32": results["agreement_matrix, incl. building"]
        / results["numpy one-hot matmul, float32"],
        "bitsets only / numpy float64": results["agreement_matrix bitsets only, incl. building"]
        / results["numpy one-hot matmul, float64"],
        "bitsets only / numpy float32": results["agreement_matrix bitsets only, incl. building"]
        / results["numpy one-hot matmul, float32"],
    }
    for name, ratio in ratios.items():
        print(f"{name:{width}}  {ratio:10.2f} x")
    if json_path is not None:
        Path(json_path).write_text(
            json.dumps({"seconds": results, "ratios": ratios}, indent=2) + "\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
