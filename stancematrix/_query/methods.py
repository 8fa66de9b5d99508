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

Most methods are *linear*: the mean, over the issues (or those a mask counts), of a weight
per (level, level); :func:`linear` makes their row from that weight function. Kappa and
pi (chance-corrected) are made by :func:`chance_corrected`.
Everything that lists or picks methods — :func:`stancematrix.agreement` and its
siblings, the command line, the tests — reads this table; nothing restates it.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import attrs

from stancematrix._scale import Scale
from stancematrix._shifts import side
from stancematrix.exceptions import InvalidValueError

if TYPE_CHECKING:
    from .bits import Bits

__all__ = [
    "DEFAULT",
    "DEPRECATED",
    "REGISTRY",
    "Method",
    "chance_corrected",
    "get",
    "linear",
    "names",
]

#: Scores and n by pair (x, y) of positions in the actors scored.
Found: TypeAlias = dict[tuple[int, int], tuple[float | None, int]]
#: ``weights[s][t]``: what one issue with levels s and t adds, before averaging.
Weights: TypeAlias = list[list[float]]
#: A numpy array (numpy is optional, so it is not named in annotations).
Array: TypeAlias = Any
#: The bitset path: the score and n of each pair.
BitsScorer: TypeAlias = Callable[["Bits", Scale, Iterable[tuple[int, int]]], Found]
#: The numpy path: from ``table[x, y, s, t]`` and ``n[x, y]``, every pair's score (nan or
#: anything where n is 0: those scores are dropped), or the scores and the n each counts
#: (for methods that count only some issues).
FastScorer: TypeAlias = Callable[[Array, Array, Scale], Array | tuple[Array, Array]]


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
    counted: Callable[[Scale], Weights] | None = None,
) -> Method:
    """The row of a method that averages a per-(level, level) weight over the issues.

    With *counted* (1 for the pairs of levels an issue counts with, 0 for those it is
    left out with), the mean is over the counted issues only, and ``n`` is their number.
    """
    return Method(
        name,
        definition,
        functools.partial(_linear_bits, weights, counted),
        functools.partial(_linear_fast, weights, counted),
        lowest,
    )


# -- the linear methods ---------------------------------------------------------------------


def _identical(scale: Scale) -> Weights:
    """1 for the same level, else 0."""
    k = len(scale.levels)
    return [[float(s == t) for t in range(k)] for s in range(k)]


def _agree(scale: Scale) -> Weights:
    """Voeten's "agree" index, generalised.

    1 on the same side of the neutral point (or both on it), 0.5 when exactly one is on
    it, 0 on opposite sides.
    """
    sides = [side(scale, level.value) for level in scale.levels]
    return [[1.0 if a == b else 0.5 if a == 0 or b == 0 else 0.0 for b in sides] for a in sides]


def _same_side(scale: Scale) -> Weights:
    """1 when both are on the same side of the neutral point (neither on it), else 0."""
    sides = [side(scale, level.value) for level in scale.levels]
    return [[float(a == b != 0) for b in sides] for a in sides]


def _both_sided(scale: Scale) -> Weights:
    """1 when neither is on the neutral point (both voted yes or no), else 0."""
    sides = [side(scale, level.value) for level in scale.levels]
    return [[float(a != 0 and b != 0) for b in sides] for a in sides]


def _s_score(scale: Scale) -> Weights:
    """``1 - 2 * |x - y| / range`` over the levels' values."""
    values = [level.value for level in scale.levels]
    span = scale.maximum - scale.minimum
    return [[1 - 2 * abs(x - y) / span for y in values] for x in values]


def _s_score_squared(scale: Scale) -> Weights:
    """``1 - 2 * ((x - y) / range)²`` over the levels' values."""
    values = [level.value for level in scale.levels]
    span = scale.maximum - scale.minimum
    return [[1 - 2 * ((x - y) / span) ** 2 for y in values] for x in values]


def _plan(w: Weights, k: int) -> tuple[float, list[tuple[float, list[tuple[int, int]]]]]:
    """The base weight (the commonest) and the groups of cells with other weights."""
    cells_by_weight: dict[float, list[tuple[int, int]]] = {}
    for s in range(k):
        for t in range(k):
            cells_by_weight.setdefault(w[s][t], []).append((s, t))
    base = max(sorted(cells_by_weight), key=lambda v: len(cells_by_weight[v]))
    plan = [(v - base, cells) for v, cells in sorted(cells_by_weight.items()) if v != base]
    return base, plan


def _totals(
    w: Weights, bits: Bits, k: int, by_x: dict[int, list[int]]
) -> dict[tuple[int, int], tuple[float, int]]:
    """Per pair: Σ w[s][t]·T[s][t] over its contingency table T, and Σ T (its n)."""
    known = bits.known
    # Σ w·T = base·n + Σ (w - base)·T: take the commonest weight as the base so that the
    # fewest cells need counting, and count each group of equally weighted cells with one
    # AND of side-by-side bitsets.
    base, plan = _plan(w, k)
    actors = range(len(known))
    left = [[bits.concat(x, [s for s, _ in cells]) for x in actors] for _, cells in plan]
    right = [[bits.concat(y, [t for _, t in cells]) for y in actors] for _, cells in plan]
    factors = [f for f, _ in plan]
    out: dict[tuple[int, int], tuple[float, int]] = {}
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
            out[x, y] = (total, n)
    return out


def _linear_bits(
    weights: Callable[[Scale], Weights],
    counted: Callable[[Scale], Weights] | None,
    bits: Bits,
    scale: Scale,
    pairs: Iterable[tuple[int, int]],
) -> Found:
    k = len(scale.levels)
    by_x: dict[int, list[int]] = {}
    for x, y in pairs:
        by_x.setdefault(x, []).append(y)
    totals = _totals(weights(scale), bits, k, by_x)
    ns = None if counted is None else _totals(counted(scale), bits, k, by_x)
    out: Found = {}
    for pair, (total, n) in totals.items():
        if ns is not None:
            n = int(ns[pair][0])
        out[pair] = (total / n, n) if n else (None, 0)
    return out


def _weighted(w: Weights, table: Array, n: Array) -> Array:
    """Σ w[s][t]·table[:, :, s, t], by the same plan (and float operations) as :func:`_totals`."""
    import numpy as np

    base, plan = _plan(w, len(w))
    total = base * n.astype(np.float64)
    for f, cells in plan:
        count = sum(table[:, :, s, t] for s, t in cells)
        total = total + f * count
    return total


def _linear_fast(
    weights: Callable[[Scale], Weights],
    counted: Callable[[Scale], Weights] | None,
    table: Array,
    n: Array,
    scale: Scale,
) -> Array | tuple[Array, Array]:
    total = _weighted(weights(scale), table, n)
    if counted is None:
        return total / n
    used = _weighted(counted(scale), table, n).astype(n.dtype)
    return total / used, used


# -- chance-corrected: kappa and pi ---------------------------------------------------------


def _distances(scale: Scale, power: int) -> Weights:
    """Disagreement weights ``(|x - y| / range) ** power``."""
    values = [level.value for level in scale.levels]
    span = scale.maximum - scale.minimum
    return [[(abs(x - y) / span) ** power for y in values] for x in values]


def _chance_bits(
    power: int, pooled: bool, bits: Bits, scale: Scale, pairs: Iterable[tuple[int, int]]
) -> Found:
    """Scores ``1 - observed / expected`` disagreement (1.0 when they never differ).

    Expected disagreement comes from each actor's own stance frequencies (Cohen's kappa)
    or, when *pooled*, from both actors' frequencies pooled (Scott's pi).
    """
    k = len(scale.levels)
    d = _distances(scale, power)
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
        if pooled:
            both = [rows[s] + cols[s] for s in range(k)]
            expected = sum(d[s][t] * both[s] * both[t] for s in range(k) for t in range(k)) / (
                4 * n
            )
        else:
            expected = sum(d[s][t] * rows[s] * cols[t] for s in range(k) for t in range(k)) / n
        out[x, y] = (1 - observed / expected, n)
    return out


def _chance_fast(power: int, pooled: bool, table: Array, n: Array, scale: Scale) -> Array:
    import numpy as np

    k, size = len(scale.levels), len(n)
    d = _distances(scale, power)
    rows, cols = table.sum(axis=3), table.sum(axis=2)
    if pooled:
        rows = cols = rows + cols
    observed = np.zeros((size, size))
    expected = np.zeros((size, size))
    for s in range(k):
        for t in range(k):
            observed = observed + d[s][t] * table[:, :, s, t]
            expected = expected + d[s][t] * rows[:, :, s] * cols[:, :, t]
    return np.where(observed == 0, 1.0, 1 - observed / (expected / (4 * n if pooled else n)))


def chance_corrected(name: str, definition: str, power: int, pooled: bool) -> Method:
    """The row of a kappa (*pooled* False) or pi (True) with ``|x - y| ** power`` weights."""
    return Method(
        name,
        definition,
        functools.partial(_chance_bits, power, pooled),
        functools.partial(_chance_fast, power, pooled),
    )


# -- the registry ---------------------------------------------------------------------------

REGISTRY: Final[tuple[Method, ...]] = (
    linear("identical", "the share of issues with the very same stance", _identical, 0.0),
    linear(
        "agree",
        "Voeten's agree index: the same side 1, one neutral (abstaining) 0.5, opposed 0",
        _agree,
        0.0,
    ),
    linear(
        "state-department",
        "the US State Department's voting coincidence: the share on the same side, over "
        "the issues where neither is neutral (n counts only those)",
        _same_side,
        0.0,
        _both_sided,
    ),
    linear(
        "s-score",
        "1 - 2·|x - y| / range, averaged: 1 full agreement, -1 the opposite extremes",
        _s_score,
        -1.0,
    ),
    linear(
        "s-score-squared",
        "1 - 2·((x - y) / range)², averaged (Signorino and Ritter's S with squared distances)",
        _s_score_squared,
        -1.0,
    ),
    chance_corrected(
        "kappa",
        "Cohen's weighted kappa (linear weights): agreement beyond chance, 1 perfect, 0 chance",
        1,
        pooled=False,
    ),
    chance_corrected(
        "kappa-squared",
        "Cohen's weighted kappa with squared weights (fpsim's default)",
        2,
        pooled=False,
    ),
    chance_corrected(
        "pi",
        "Scott's pi (Häge 2011), squared weights: chance from both actors' pooled stances",
        2,
        pooled=True,
    ),
)
"""Every agreement method, in the order they are listed to users."""

#: The method used when none is named.
DEFAULT: Final = "agree"

#: Old names still accepted for one release, with a DeprecationWarning: old → new.
DEPRECATED: Final = {"coincidence": "agree"}


def names() -> tuple[str, ...]:
    """The registered methods' names, in order."""
    return tuple(m.name for m in REGISTRY)


def get(name: str) -> Method:
    """The method called *name*.

    Raises:
        InvalidValueError: If no method has that name; the message lists those that exist.
    """
    if name in DEPRECATED:
        new = DEPRECATED[name]
        warnings.warn(
            f"the agreement method {name!r} is now called {new!r} (Voeten's agree index); "
            f"{name!r} will be removed in the next release. For the US State Department's "
            "voting coincidence (yes and no votes only), use 'state-department'.",
            DeprecationWarning,
            stacklevel=3,
        )
        name = new
    for method in REGISTRY:
        if method.name == name:
            return method
    raise InvalidValueError("method", name, f"expected one of {', '.join(names())}")
