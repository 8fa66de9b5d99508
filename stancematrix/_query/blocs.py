"""Blocs: groups of actors that stand together, by average-linkage clustering.

The clustering runs over :func:`~stancematrix._query.agreement.agreement_matrix`: starting
from one group per actor, the two groups with the highest average pairwise agreement are
merged until a threshold or a number of groups is reached.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from stancematrix import _table
from stancematrix.exceptions import InvalidValueError

from . import methods
from .agreement import Grid, agreement_matrix
from .common import LeftOut, When, left_out_note

if TYPE_CHECKING:
    from stancematrix._matrix import StanceMatrix

__all__ = ["Blocs", "blocs"]


@attrs.frozen
class Blocs(_table.HtmlView):
    """Groups of actors that stand together, from average-linkage clustering.

    Attributes:
        method: The agreement method clustered on.
        threshold: The least average agreement within a merged group, if given.
        k: The number of groups asked for, if given.
        groups: Each group's actor keys in the order the actors were given; groups
            ordered by their first member.
        cohesion: Each group's average pairwise agreement (None for a single actor or
            when no pair in it shares an issue).
        left_out: The actors that are in no group because they have no known stance,
            with why.
    """

    method: str
    threshold: float | None
    k: int | None
    groups: tuple[tuple[str, ...], ...]
    cohesion: tuple[float | None, ...]
    left_out: tuple[LeftOut, ...] = ()

    _EMPTY = "no blocs"

    def _table(self) -> tuple[list[str], list[list[str | float | None]], str]:
        rows: list[list[str | float | None]] = [
            [n + 1, len(g), c, ", ".join(g)]
            for n, (g, c) in enumerate(zip(self.groups, self.cohesion, strict=True))
        ]
        rule = f"threshold {self.threshold}" if self.threshold is not None else f"k={self.k}"
        return ["bloc", "size", "cohesion", "members"], rows, f"blocs ({self.method}, {rule})"

    def _note(self) -> str:
        return left_out_note(self.left_out)


def _refuse_options(threshold: object, k: object) -> InvalidValueError:
    """The error for blocs() called with both or neither of threshold and k."""
    error = InvalidValueError("blocs", (threshold, k), "give threshold or k")
    given = "neither" if threshold is None else f"both: threshold={threshold!r}, k={k!r}"
    error.args = (
        "blocs: give either threshold (the least average agreement within a bloc) or k "
        f"(the number of blocs) (got {given})",
    )
    return error


def _check_threshold(threshold: object, lowest: float | None) -> float:
    """*threshold* as a float, or an error unless it is a number in the method's range."""
    low = "any number" if lowest is None else f"a number from {lowest:g}"
    reason = f"must be {low} up to 1 (the least average agreement within a bloc)"
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise InvalidValueError("threshold", threshold, reason)
    value = float(threshold)
    if not math.isfinite(value) or value > 1 or (lowest is not None and value < lowest):
        raise InvalidValueError("threshold", threshold, reason)
    return value


def _average_linkage(
    scores: Grid, k: int | None, limit: float | None
) -> tuple[dict[int, list[int]], int]:
    """Merge groups by average linkage on distances ``1 - score``; the groups left.

    Merges the closest pair of groups (the smallest mean distance over their members'
    pairs that share an issue; equal to 12 decimal places is a tie, won by the pair whose
    first members come first) until *k* groups remain or the closest pair is farther
    than *limit*. Returns the groups by first member, and how many groups were left
    when no pair with evidence remained (0 if evidence never ran out).
    """
    size = len(scores)
    members: dict[int, list[int]] = {x: [x] for x in range(size)}
    total: dict[tuple[int, int], float] = {}
    count: dict[tuple[int, int], int] = {}
    heap: list[tuple[float, int, int, int, int]] = []
    version = [0] * size
    for x in range(size):
        for y in range(x + 1, size):
            score = scores[x][y]
            if score is not None:
                total[x, y], count[x, y] = 1 - score, 1
                heap.append((round(1 - score, 12), x, y, 0, 0))
    heapq.heapify(heap)
    cut = None if limit is None else round(limit, 12)
    while k is None or len(members) > k:
        if not heap:
            return members, 0 if k is None else len(members)
        distance, x, y, vx, vy = heapq.heappop(heap)
        if x not in members or y not in members or (vx, vy) != (version[x], version[y]):
            continue
        if cut is not None and distance > cut:
            break
        members[x].extend(members.pop(y))
        version[x] += 1
        total.pop((x, y), None)
        count.pop((x, y), None)
        for c in members:
            if c == x:
                continue
            xc, yc = (min(x, c), max(x, c)), (min(y, c), max(y, c))
            s = total.pop(xc, 0.0) + total.pop(yc, 0.0)
            n = count.pop(xc, 0) + count.pop(yc, 0)
            if n:
                total[xc], count[xc] = s, n
                entry = (round(s / n, 12), xc[0], xc[1], version[xc[0]], version[xc[1]])
                heapq.heappush(heap, entry)
    return members, 0


def blocs(
    m: StanceMatrix,
    *,
    threshold: float | None = None,
    k: int | None = None,
    method: str = methods.DEFAULT,
    actors: Iterable[str] | None = None,
    as_of: When = None,
    sources: Iterable[str] | None = None,
    min_n: int = 1,
    weights: Mapping[str, int] | None = None,
) -> Blocs:
    """Group actors that agree: average-linkage clustering on the distance ``1 - score``.

    Only actors with a known stance are grouped; the others are listed in the result's
    ``left_out`` with why. Starting from one group per actor, the two closest groups
    merge, again and again. The distance between two groups is the mean of ``1 - score``
    over the pairs of their members that share an issue (UPGMA; when every pair shares an
    issue, this is exactly scipy's ``linkage(method="average")`` on ``1 - score``). Pairs
    that share no issue give no evidence either way.

    - With *k*, merging stops when *k* groups are left: there are exactly *k* blocs.
    - With *threshold*, merging stops before the closest pair is farther than
      ``1 - threshold``: every merge joined groups whose average agreement was at least
      *threshold* (scipy's ``fcluster(..., 1 - threshold, criterion="distance")``).

    Distances equal to 12 decimal places are ties; a tie goes to the pair of groups whose
    first members come first (in the order of *actors*, or the matrix's), so the result
    is deterministic.

    Args:
        m: The matrix.
        threshold: The least average agreement at which groups still merge.
        k: The number of blocs to make.
        method: The agreement method (see :func:`agreement`).
        actors: The actors to group; all if None.
        as_of: Use the snapshot at this date.
        sources: Only these sources' claims count.
        min_n: Pairs with fewer issues counted than this give no evidence.
        weights: Issue weights (see :func:`agreement`).

    Raises:
        InvalidValueError: Unless exactly one of *threshold* and *k* is given; if
            *threshold* is not a number in the method's range (up to 1); if *k* is not a
            positive integer, exceeds the number of actors with a known stance, or is
            below the number of groups of them that share no issue with one another; if
            *method* is unknown.
        UnknownActorError, DuplicateKeyError: If an actor is unknown or named twice.
    """
    if (threshold is None) == (k is None):
        raise _refuse_options(threshold, k)
    scorer = methods.get(method)
    limit = None if threshold is None else 1 - _check_threshold(threshold, scorer.lowest)
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
        raise InvalidValueError("k", k, "must be a positive integer")
    method = scorer.name
    matrix = agreement_matrix(
        m,
        method=method,
        actors=actors,
        as_of=as_of,
        sources=sources,
        min_n=min_n,
        weights=weights,
    )
    skipped = list(matrix.left_out)
    gone = {x.actor for x in skipped}
    kept: list[int] = []
    for x, key in enumerate(matrix.actors):
        if matrix.counts[x][x] > 0:
            kept.append(x)
        elif key not in gone:  # a known stance, but none the method counts
            skipped.append(LeftOut(key, f"no issue the {method} method counts"))
    if k is not None and k > len(kept):
        raise InvalidValueError("k", k, f"only {len(kept)} actors have a known stance")
    keys = [matrix.actors[x] for x in kept]
    scores = tuple(tuple(matrix.scores[x][y] for y in kept) for x in kept)
    members, stuck = _average_linkage(scores, k, limit)
    if stuck:
        raise InvalidValueError(
            "k",
            k,
            f"the actors fall into {stuck} groups that share no issue with one another; "
            f"ask for at least {stuck} blocs",
        )
    groups: list[tuple[str, ...]] = []
    cohesion: list[float | None] = []
    for first in sorted(members):
        group = sorted(members[first])
        groups.append(tuple(keys[x] for x in group))
        known = [
            score
            for i, x in enumerate(group)
            for y in group[i + 1 :]
            if (score := scores[x][y]) is not None
        ]
        cohesion.append(sum(known) / len(known) if known else None)
    order = {key: x for x, key in enumerate(matrix.actors)}
    skipped.sort(key=lambda x: order[x.actor])
    return Blocs(method, threshold, k, tuple(groups), tuple(cohesion), tuple(skipped))
