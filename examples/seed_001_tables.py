"""Reprint the two position tables of the ``ukraine-strategy`` article, cell for cell.

Each cell is the summary of the ``ukraine-strategy`` claim quoting that table cell (the
article's prose adds claims beside two of them, which are left out here), so the output
matches the article's tables: the dataset keeps the article's own wording. With the
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
        article = matrix.select(
            actors=["US", "RU"], issues=list(rows), sources=["ukraine-strategy"]
        )
        table = sm.StanceMatrix.from_positions(
            [claim for claim in article if claim.quote == claim.summary],  # the table cells
            actors=article.actors,
            issues=article.issues,
            sources=article.sources,
            scale=article.scale,
        )
        print(
            table.to_markdown(
                cell="summary", corner=corner, actor_labels={"US": us, "RU": ru}, issue_labels=rows
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
