"""Actors' stances as bitsets: one Python integer per actor and scale level, one bit per issue.

The number of issues on which actor *x* says level *s* and actor *y* says level *t* is
``(bits.levels[x][s] & bits.levels[y][t]).bit_count()``: the agreement methods (see
:mod:`stancematrix._query.methods`) count their contingency tables this way.
"""

from __future__ import annotations

from collections.abc import Sequence

from stancematrix._store import Store
from stancematrix._store import cells as cell_rule

__all__ = ["Bits"]


class Bits:
    """Per actor and level, the set of issues (as int bits) where the actor says it.

    Attributes:
        levels: ``levels[x][s]``: the issues on which actor *x* (a position in the
            actors given) says level *s*.
        known: ``known[x]``: the issues on which actor *x* says any level.
        width: The number of issues (bits per level).
    """

    __slots__ = ("known", "levels", "width")

    def __init__(self, store: Store, actors: Sequence[int], repeat: Sequence[int] | None = None):
        """The bitsets of *actors*; with *repeat*, issue *i* takes ``repeat[i]`` bits.

        Repeating an issue's bit counts it that many times in every contingency table:
        integer issue weights.
        """
        k = len(store.decl.scale.levels)
        n_issues = len(store.decl.issues)
        self.width = n_issues if repeat is None else sum(repeat)
        # b"1" where a cell's byte (1 + stance code, 0 for no claim) is level s, else b"0";
        # "no position reported" (code k) is no level, so it counts as nothing.
        pick = [bytes(49 if b == s + 1 else 48 for b in range(256)) for s in range(k)]
        rows: dict[int, bytes | bytearray] = {}
        if store.cols.cells.dense is not None:  # the store's cached grid of cell stances
            grid = cell_rule.stance_grid(store)
            for a in actors:
                rows[a] = grid[a * n_issues : (a + 1) * n_issues]
        else:
            stance = store.cols.stance
            buffers = {a: bytearray(n_issues) for a in actors}
            for a, i, n in zip(*cell_rule.chosen_rows(store), strict=True):
                if a in buffers:
                    buffers[a][i] = stance[n] + 1
            rows.update(buffers)
        self.levels: list[list[int]] = []
        self.known: list[int] = []
        spread = None if repeat is None else [i for i, r in enumerate(repeat) for _ in range(r)]
        for a in actors:
            row = rows[a]
            if spread is not None:
                row = bytes(map(row.__getitem__, spread))
            bits = [int(row.translate(table) or b"0", 2) for table in pick]
            self.levels.append(bits)
            known = 0
            for b in bits:
                known |= b
            self.known.append(known)

    def concat(self, x: int, levels: Sequence[int]) -> int:
        """Actor *x*'s bits for each of *levels*, side by side in one integer."""
        value = 0
        for s in levels:
            value = (value << self.width) | self.levels[x][s]
        return value
