"""Print how often the United States and Russia (the USSR until 1991) voted together in the
UN General Assembly, decade by decade, by four agreement measures.

Run it with ``python examples/unga_us_russia.py``; it uses the built-in dataset
``load_dataset("unga")``.
"""

from __future__ import annotations

from tabulate import tabulate

import stancematrix as sm

PAIR = ("US", "RU")
METHODS = ("identical", "agree", "state-department", "s-score", "kappa")


def main() -> int:
    matrix = sm.load_dataset("unga").select(actors=PAIR)
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
    raise SystemExit(main())
