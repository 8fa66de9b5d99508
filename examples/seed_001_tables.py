"""Reprint seed 001's two position tables from the dataset, cell for cell.

Each cell is the summary of the one seed-001 claim for that actor and issue, so the output
matches the article's tables: the dataset keeps the article's own wording.
"""

from __future__ import annotations

from tabulate import tabulate

import stancematrix as sm

TABLES = [
    ("Aspect", ["territory", "nato-expansion", "energy"]),
    ("Key Points", ["sovereignty", "ukraine-nato", "sanctions"]),
]


def main() -> int:
    matrix = sm.load_dataset("ukraine")
    for first, issues in TABLES:
        rows = []
        for key in issues:
            cells = [
                "; ".join(c.summary or "" for c in matrix.claims(actor, key, source="seed-001"))
                for actor in ("US", "RU")
            ]
            rows.append([matrix.issue(key).title, *cells])
        print(tabulate(rows, headers=[first, "United States", "Russia"], tablefmt="github"))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
