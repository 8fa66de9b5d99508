"""Every agreement method, registered in one place.

A method scores a pair of actors from their contingency table over the issues both have
a known stance on: how many issues on which one says level *s* and the other level *t*.
Its row in :data:`REGISTRY` says what it is called, what it means in one line, and how it
scores on both paths :mod:`stancematrix._query.agreement` takes:

* ``bits``: from per-level bitsets (:class:`~stancematrix._query.bits.Bits`), always
  available;
* ``fast``: from the numpy one-hot table ``table[x, y, s, t]`` of every pair (the
  ``fast`` extra), for large matrices. It must give exactly the ``bits`` path's floats:
  the same operations on the same exact counts, in the same order.

Most methods are *linear*: the mean, over the issues, of a weight per (level, level);
:func:`linear` makes their row from that weight function. Kappa has its own functions.
Everything that lists or picks methods — :func:`stancematrix.agreement` and its
siblings, the command line, the tests — reads this table; nothing restates it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import attrs

from stancematrix._scale import Scale
from stancematrix._shifts import side
from stancematrix.exceptions import InvalidValueError

if TYPE_CHECKING:
    from .bits import Bits

__all__ = ["DEFAULT", "REGISTRY", "Method", "get", "linear", "names"]

#: Scores and n by pair (x, y) of positions in the actors scored.
Found: TypeAlias = dict[tuple[int, int], tuple[float | None, int]]
#: ``weights[s][t]``: what one issue with levels s and t adds, before averaging.
Weights: TypeAlias = list[list[float]]
#: A numpy array (numpy is optional, so it is not named in annotations).
Array: TypeAlias = Any
#: The bitset path: the score and n of each pair.
BitsScorer: TypeAlias = Callable[["Bits", Scale, Iterable[tuple[int, int]]], Found]
#: The numpy path: from ``table[x, y, s, t]`` and ``n[x, y]``, every pair's score (nan or
#: anything where n is 0: those scores are dropped).
FastScorer: TypeAlias = Callable[[Array, Array, Scale], Array]


@attrs.frozen
class Method:
    """One registered agreement method.

    Attributes:
        name: What users call it (``method=``, ``--method``).
        definition: What the score means, in one line (help text and docs).
        bits: Its scores from bitsets.
        fast: Its scores from the numpy contingency table, equal to ``bits``'s.
        lowest: The lowest score it can give (None if unbounded below); the range a
            :func:`~stancematrix.blocs` threshold may take.
    """

    name: str
    definition: str
    bits: BitsScorer
    fast: FastScorer
    lowest: float | None = None


def linear(
    name: str,
    definition: str,
    weights: Callable[[Scale], Weights],
    lowest: float | None = None,
) -> Method:
    """The row of a method that averages a per-(level, level) weight over the issues."""
    return Method(
        name,
        definition,
        functools.partial(_linear_bits, weights),
        functools.partial(_linear_fast, weights),
        lowest,
    )


# -- the linear methods ---------------------------------------------------------------------


def _identical(scale: Scale) -> Weights:
    """1 for the same level, else 0."""
    k = len(scale.levels)
    return [[float(s == t) for t in range(k)] for s in range(k)]


def _coincidence(scale: Scale) -> Weights:
    """The UN voting-coincidence index, generalised.

    1 on the same side of the neutral point (or both on it), 0.5 when exactly one is on
    it, 0 on opposite sides.
    """
    sides = [side(scale, level.value) for level in scale.levels]
    return [[1.0 if a == b else 0.5 if a == 0 or b == 0 else 0.0 for b in sides] for a in sides]


def _s_score(scale: Scale) -> Weights:
    """``1 - 2 * |x - y| / range`` over the levels' values."""
    values = [level.value for level in scale.levels]
    span = scale.maximum - scale.minimum
    return [[1 - 2 * abs(x - y) / span for y in values] for x in values]


def _plan(w: Weights, k: int) -> tuple[float, list[tuple[float, list[tuple[int, int]]]]]:
    """The base weight (the commonest) and the groups of cells with other weights."""
    cells_by_weight: dict[float, list[tuple[int, int]]] = {}
    for s in range(k):
        for t in range(k):
            cells_by_weight.setdefault(w[s][t], []).append((s, t))
    base = max(sorted(cells_by_weight), key=lambda v: len(cells_by_weight[v]))
    plan = [(v - base, cells) for v, cells in sorted(cells_by_weight.items()) if v != base]
    return base, plan


def _linear_bits(
    weights: Callable[[Scale], Weights],
    bits: Bits,
    scale: Scale,
    pairs: Iterable[tuple[int, int]],
) -> Found:
    known = bits.known
    out: Found = {}
    # Σ w·T = base·n + Σ (w - base)·T: take the commonest weight as the base so that the
    # fewest cells need counting, and count each group of equally weighted cells with one
    # AND of side-by-side bitsets.
    base, plan = _plan(weights(scale), len(scale.levels))
    actors = range(len(known))
    left = [[bits.concat(x, [s for s, _ in cells]) for x in actors] for _, cells in plan]
    right = [[bits.concat(y, [t for _, t in cells]) for y in actors] for _, cells in plan]
    factors = [f for f, _ in plan]
    by_x: dict[int, list[int]] = {}
    for x, y in pairs:
        by_x.setdefault(x, []).append(y)
    for x, ys in by_x.items():
        kx = known[x]
        ns = [(kx & known[y]).bit_count() for y in ys]
        totals = [base * n for n in ns]
        for f, lg, rg in zip(factors, left, right, strict=True):
            lx = lg[x]
            totals = [
                total + f * (lx & rg[y]).bit_count() for total, y in zip(totals, ys, strict=True)
            ]
        for y, n, total in zip(ys, ns, totals, strict=True):
            out[x, y] = (total / n, n) if n else (None, 0)
    return out


def _linear_fast(
    weights: Callable[[Scale], Weights], table: Array, n: Array, scale: Scale
) -> Array:
    import numpy as np

    base, plan = _plan(weights(scale), len(scale.levels))
    total = base * n.astype(np.float64)
    for f, cells in plan:
        count = sum(table[:, :, s, t] for s, t in cells)
        total = total + f * count
    return total / n


# -- kappa ----------------------------------------------------------------------------------


def _distances(scale: Scale) -> Weights:
    """Kappa's linear disagreement weights ``|x - y| / range``."""
    values = [level.value for level in scale.levels]
    span = scale.maximum - scale.minimum
    return [[abs(x - y) / span for y in values] for x in values]


def _kappa_bits(bits: Bits, scale: Scale, pairs: Iterable[tuple[int, int]]) -> Found:
    k = len(scale.levels)
    d = _distances(scale)
    levels = bits.levels
    out: Found = {}
    for x, y in pairs:
        bx, by = levels[x], levels[y]
        table = [[(bx[s] & by[t]).bit_count() for t in range(k)] for s in range(k)]
        n = sum(map(sum, table))
        if n == 0:
            out[x, y] = (None, 0)
            continue
        rows = [sum(r) for r in table]
        cols = [sum(table[s][t] for s in range(k)) for t in range(k)]
        observed = sum(d[s][t] * table[s][t] for s in range(k) for t in range(k))
        if observed == 0:
            out[x, y] = (1.0, n)
            continue
        expected = sum(d[s][t] * rows[s] * cols[t] for s in range(k) for t in range(k)) / n
        out[x, y] = (1 - observed / expected, n)
    return out


def _kappa_fast(table: Array, n: Array, scale: Scale) -> Array:
    import numpy as np

    k, size = len(scale.levels), len(n)
    d = _distances(scale)
    rows, cols = table.sum(axis=3), table.sum(axis=2)
    observed = np.zeros((size, size))
    expected = np.zeros((size, size))
    for s in range(k):
        for t in range(k):
            observed = observed + d[s][t] * table[:, :, s, t]
            expected = expected + d[s][t] * rows[:, :, s] * cols[:, :, t]
    return np.where(observed == 0, 1.0, 1 - observed / (expected / n))


# -- the registry ---------------------------------------------------------------------------

REGISTRY: Final[tuple[Method, ...]] = (
    linear("identical", "the share of issues with the very same stance", _identical, 0.0),
    linear(
        "coincidence",
        "the UN voting-coincidence index: the same side 1, one neutral 0.5, opposed 0",
        _coincidence,
        0.0,
    ),
    linear(
        "s-score",
        "1 - 2·|x - y| / range, averaged: 1 full agreement, -1 the opposite extremes",
        _s_score,
        -1.0,
    ),
    Method(
        "kappa",
        "Cohen's weighted kappa (linear weights): agreement beyond chance, 1 perfect, 0 chance",
        _kappa_bits,
        _kappa_fast,
    ),
)
"""Every agreement method, in the order they are listed to users."""

#: The method used when none is named.
DEFAULT: Final = "coincidence"


def names() -> tuple[str, ...]:
    """The registered methods' names, in order."""
    return tuple(m.name for m in REGISTRY)


def get(name: str) -> Method:
    """The method called *name*.

    Raises:
        InvalidValueError: If no method has that name; the message lists those that exist.
    """
    for method in REGISTRY:
        if method.name == name:
            return method
    raise InvalidValueError("method", name, f"expected one of {', '.join(names())}")
