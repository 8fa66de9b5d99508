"""Two editions of a voting-advice tool: agreement with n, blocs, and what changed between them.

The table (``tests/data/voting_advice.csv``, written by hand; the parties are made up) has
one row per party, thesis and edition, as Wahl-O-Mat-style tools publish them: two
elections, theses repeated across both or asked once, a party renamed between them (Left
Alliance became Left Alliance–Solidarity) and parties that stood only once (Homeland
Movement in 2021, New Bloc in 2025).

How it is encoded:

- each edition is one :class:`~stancematrix.Source` of the series ``"voting-advice"``,
  with the day the tool was published; once the 2025 edition is out, the 2021 answers no
  longer hold (``as_of``), so a party that did not stand again drops out;
- a renamed party keeps one key: its newest name is its name and its older names are
  aliases (the mapped reader refuses two names for one key, so the names are gathered
  here, by election date);
- answers are read with :func:`stancematrix.read_csv`'s column mapping onto a
  three-level scale.

Run it with ``python examples/voting_advice.py [TABLE.csv]``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import stancematrix as sm

TABLE = Path(__file__).resolve().parent.parent / "tests" / "data" / "voting_advice.csv"
SERIES = "voting-advice"
#: Edition id → (title, the day the tool was published, election day).
EDITIONS = {
    "va2021": ("Voting advice 2021", "2021-09-02", "2021-09-26"),
    "va2025": ("Voting advice 2025", "2025-02-06", "2025-02-23"),
}
SCALE = sm.Scale(
    "voting-advice",
    [sm.Level("disagree", -1, "-"), sm.Level("neutral", 0, "0"), sm.Level("agree", 1, "+")],
    "skipped",
)
COLUMNS = {
    "actor": "party",
    "issue": "thesis",
    "issue_title": "thesis_title",
    "stance": "answer",
    "source": "edition",
    "date": "election",
}


def party_names(path: Path) -> dict[str, list[str]]:
    """Each party's names, oldest election first."""
    names: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as file:
        for row in sorted(csv.DictReader(file), key=lambda r: r["election"]):
            seen = names.setdefault(row["party"], [])
            if row["party_name"] not in seen:
                seen.append(row["party_name"])
    return names


def load(path: Path = TABLE) -> sm.StanceMatrix:
    """The table as a matrix of two editions of one series."""
    answers = sm.read_csv(path, columns=COLUMNS, scale=SCALE)
    names = party_names(path)
    actors = [
        sm.Actor(a.key, names[a.key][-1], "party", aliases=names[a.key][:-1])
        for a in answers.actors
    ]
    sources = [
        sm.Source(s.id, EDITIONS[s.id][0], series=SERIES, published=EDITIONS[s.id][1])
        for s in answers.sources
    ]
    return sm.StanceMatrix.from_positions(
        answers, actors=actors, issues=answers.issues, sources=sources, scale=SCALE
    )


def main(argv: list[str]) -> int:
    m = load(Path(argv[0]) if argv else TABLE)
    for title, _, election in EDITIONS.values():
        print(f"== {title} (as of election day {election}) ==")
        print(sm.agreement_matrix(m, as_of=election).to_text())
        print()
        print(sm.blocs(m, k=2, as_of=election).to_text())
        print()
    first, last = (election for _, _, election in EDITIONS.values())
    print("== Parties that stood once ==")
    for a, b in (("HM", "NB"), ("HM", "CU"), ("NB", "CU")):
        for day in (first, last):
            result = sm.agreement(m, a, b, as_of=day)
            print(f"{a}–{b} as of {day}: score {result.score}, n={result.n}")
    print()
    renamed = m.actor("Left Alliance")
    print(f"Renamed: {', '.join(renamed.aliases)} → {renamed.name} (key {renamed.key})")
    print()
    print("== Shifts between editions ==")
    print(m.shifts().to_text(width=100))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
