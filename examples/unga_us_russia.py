"""Print how often the United States and Russia (the USSR until 1991) voted together in the
UN General Assembly, decade by decade, by four agreement measures.

Run it with ``python examples/unga_us_russia.py``. It uses the built-in dataset
``load_dataset("unga")`` when this version of stancematrix has it, and otherwise reads the
CSV files in this project's ``shared/data/unga/`` folder (or the folder given as the first
argument). Without either it says so and stops.
"""

from __future__ import annotations

import csv
import gzip
import sys
from array import array
from pathlib import Path

from tabulate import tabulate

import stancematrix as sm

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "unga"
PAIR = ("US", "RU")
METHODS = ("identical", "coincidence", "s-score", "kappa")


def read_csv(folder: Path) -> sm.StanceMatrix:
    """The US and Russian votes from the UNGA CSV files, with every roll call's date."""
    with gzip.open(folder / "roll_calls.csv.gz", "rt", encoding="utf-8", newline="") as f:
        rolls = {row["rcid"]: row for row in csv.DictReader(f)}
    issues = [
        sm.Issue(
            rcid,
            (row["short"] or "").strip() or f"roll call {rcid}",
            "The General Assembly adopts the proposal put to the vote.",
            date=row["date"],
        )
        for rcid, row in rolls.items()
    ]
    code = {issue.key: n for n, issue in enumerate(issues)}
    scale = sm.Scale.votes()
    actor, issue, stance = array("i"), array("i"), array("b")
    with gzip.open(folder / "votes.csv.gz", "rt", encoding="utf-8", newline="") as f:
        for rcid, _, country, vote in csv.reader(f):
            if country in PAIR:
                actor.append(PAIR.index(country))
                issue.append(code[rcid])
                stance.append(scale.code(vote))
    n = len(actor)
    return sm.StanceMatrix._from_columns(
        actors=[sm.Actor("US", "United States"), sm.Actor("RU", "Russia")],
        issues=issues,
        sources=[sm.Source("unga", "UN General Assembly voting record (Voeten; unvotes)")],
        scale=scale,
        metadata=None,
        actor=actor,
        issue=issue,
        stance=stance,
        source=array("i", [0]) * n,
        start=array("i", [0]) * n,
        end=array("i", [0]) * n,
    )


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else DATA
    if not argv and "unga" in sm.dataset_names():
        matrix = sm.load_dataset("unga").select(actors=PAIR)
    elif (folder / "votes.csv.gz").is_file():
        matrix = read_csv(folder)
    else:
        print(f"No UNGA data: neither load_dataset('unga') nor {folder} is available; skipping.")
        return 0
    decades: dict[int, list[str]] = {}
    for issue in matrix.issues:
        if issue.date is not None:
            decades.setdefault(issue.date.year // 10 * 10, []).append(issue.key)
    rows = []
    for decade, keys in sorted(decades.items()):
        part = matrix.select(issues=keys)
        scores = [sm.agreement(part, *PAIR, method=method) for method in METHODS]
        rows.append([f"{decade}s", scores[0].n, *(s.score for s in scores)])
    print("United States – Russia (USSR) agreement in the UN General Assembly, by decade")
    print(tabulate(rows, headers=["decade", "votes", *METHODS], floatfmt=".3f"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
