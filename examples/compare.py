"""Print where the United States and Russia stand on each issue, claim by claim.

Run it with ``python examples/compare.py`` (optionally naming two actors, by key or
alias: ``python examples/compare.py Kyiv Kremlin``).
"""

from __future__ import annotations

import sys

from tabulate import tabulate

import stancematrix as sm


def cell(matrix: sm.StanceMatrix, actor: str, issue: str) -> str:
    """Every claim on the cell as 'stance (source, date)', one per line."""
    lines = []
    for claim in matrix.claims(actor, issue):
        when = f", {claim.date}" if claim.date else ""
        lines.append(f"{claim.stance} ({claim.source}{when})")
    return "\n".join(lines) or "—"


def main(argv: list[str]) -> int:
    a_name, b_name = (argv + ["US", "RU"][len(argv) :])[:2]
    matrix = sm.load_dataset("ukraine")
    a, b = matrix.actor(a_name), matrix.actor(b_name)
    rows = [
        (issue.title, cell(matrix, a.key, issue.key), cell(matrix, b.key, issue.key))
        for issue in matrix.issues
        if matrix.claims(a.key, issue.key) or matrix.claims(b.key, issue.key)
    ]
    print(f"{a.name} vs {b.name}: every sourced claim per issue ({matrix.metadata['title']})")
    print(tabulate(rows, headers=["Issue", a.name, b.name], tablefmt="simple_grid"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
