"""Reprint the two position tables of the ``ukraine-strategy`` article, cell for cell.

Each cell is the summary of the one ``ukraine-strategy`` claim for that actor and issue, so
the output matches the article's tables: the dataset keeps the article's own wording. With the
article's labels, ``to_markdown`` gives back its table lines exactly.
"""

from __future__ import annotations

import stancematrix as sm

TABLES = [
    (
        ("Aspect", "Trump Administration", "Russian Government"),
        {
            "territory": "Territorial Integrity",
            "nato-expansion": "NATO Expansion",
            "energy": "Energy Influence",
        },
    ),
    (
        ("Key Points", "U.S. Position", "Russian Position"),
        {
            "sovereignty": "Ukraine’s Sovereignty",
            "ukraine-nato": "NATO Expansion",
            "sanctions": "Sanctions",
        },
    ),
]


def main() -> int:
    matrix = sm.load_dataset("ukraine")
    for (corner, us, ru), rows in TABLES:
        table = matrix.select(actors=["US", "RU"], issues=list(rows), sources=["ukraine-strategy"])
        print(
            table.to_markdown(
                cell="summary", corner=corner, actor_labels={"US": us, "RU": ru}, issue_labels=rows
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
