"""How often actors agree: pairwise agreement scores, the agreement matrix, and blocs.

Each actor's stances are held as one Python integer per scale level with one bit per
issue (:class:`~stancematrix._query.bits.Bits`), so the number of issues on which actor
*x* says level *s* and actor *y* says level *t* is one AND and a bit count. Those counts (a
contingency table per pair, or the weighted sums of it a method needs) give every method
in :mod:`stancematrix._query.methods`; large matrices count them with numpy instead.
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final

import attrs

from stancematrix import _table
from stancematrix._store import Store, store_of
from stancematrix._store import cells as cell_rule
from stancematrix.exceptions import InvalidValueError

from . import methods
from .bits import Bits
from .common import When, narrow

if TYPE_CHECKING:
    from stancematrix._matrix import StanceMatrix

__all__ = [
    "METHODS",
    "Agreement",
    "AgreementMatrix",
    "Blocs",
    "agreement",
    "agreement_matrix",
    "blocs",
]

#: The agreement methods' names, in order (see :data:`stancematrix._query.methods.REGISTRY`).
METHODS: Final = methods.names()


@attrs.frozen
class Agreement:
    """How much two actors agree, by one method, over the issues both have a stance on.

    Attributes:
        a: The first actor's key.
        b: The second actor's key.
        method: The method's name (see :func:`agreement`).
        score: The score, or None when *n* is 0.
        n: The number of issues on which both actors have a known stance.
    """

    a: str
    b: str
    method: str
    score: float | None
    n: int

    def to_text(self) -> str:
        """One line: the two actors, the method, the score and n."""
        score = "—" if self.score is None else f"{self.score:.3f}"
        return f"{self.a}–{self.b} {self.method}: {score} (n={self.n})"

    def to_markdown(self) -> str:
        """The same line as :meth:`to_text`, for Markdown."""
        return _table.markdown_cell(self.to_text())


@attrs.frozen
class AgreementMatrix:
    """Pairwise agreement of a set of actors, by one method.

    Attributes:
        actors: The actors' keys, in the matrix's order.
        method: The method's name.
        scores: ``scores[i][j]`` is the agreement of actors *i* and *j* (None where n is 0).
        counts: ``counts[i][j]`` is the number of issues both have a known stance on.
    """

    actors: tuple[str, ...]
    method: str
    scores: tuple[tuple[float | None, ...], ...]
    counts: tuple[tuple[int, ...], ...]

    def get(self, a: str, b: str) -> Agreement:
        """The :class:`Agreement` of two actors, by key.

        Raises:
            KeyError: If an actor is not in this matrix.
        """
        i, j = self.actors.index(a), self.actors.index(b)
        return Agreement(a, b, self.method, self.scores[i][j], self.counts[i][j])

    def _table(self) -> tuple[list[str], list[list[str | float | None]], str]:
        rows: list[list[str | float | None]] = [
            [key, *row] for key, row in zip(self.actors, self.scores, strict=True)
        ]
        return ["", *self.actors], rows, f"agreement ({self.method})"

    def to_text(self, *, width: int | None = None) -> str:
        """A plain-text grid of scores.

        Args:
            width: The widest a line may be, in terminal cells (default: the
                terminal's width, 80 when there is none); see ``StanceMatrix.to_text``.
        """
        return _table.text(*self._table(), width=width)

    def to_markdown(self) -> str:
        """A Markdown grid of scores."""
        return _table.markdown(*self._table())


def agreement(
    m: StanceMatrix,
    a: str,
    b: str,
    *,
    method: str = methods.DEFAULT,
    as_of: When = None,
    sources: Iterable[str] | None = None,
) -> Agreement:
    """How much actors *a* and *b* agree, over the issues both have a known stance on.

    Each actor's stance on an issue is the one :meth:`StanceMatrix.position` gives on the
    matrix narrowed to *sources* and seen as of *as_of* (see :func:`compare`). Issues where
    either has no claim, or "no position reported", are left out — never counted as
    neutral; the result's ``n`` says how many issues count.

    Methods, each averaged over the ``n`` issues:

    - ``"identical"``: the share of issues with the very same stance.
    - ``"coincidence"``: the UN voting-coincidence index — identical 1, one side
      abstaining (neutral) 0.5, opposed 0. On scales with more than one level per side,
      two stances on the same side of neutral count as identical.
    - ``"s-score"``: ``1 - 2 * Σ|x - y| / (n * range)`` over the stances' values, so 1 is
      full agreement and -1 always the opposite extreme.
    - ``"kappa"``: Cohen's weighted kappa with linear weights ``|x - y| / range``:
      agreement beyond what the two actors' own stance frequencies would give by chance
      (1 perfect, 0 chance, negative worse than chance; 1 whenever they never differ).

    Raises:
        UnknownActorError: If *a* or *b* is unknown.
        InvalidValueError: If *method* is not one of the above, or *as_of* not a date.
        UnknownSourceError: If a source id is unknown.
    """
    scorer = methods.get(method)
    actor_a, actor_b = m.actor(a), m.actor(b)
    view = store_of(narrow(m, as_of, sources))
    codes = [view.decl.actor_code(actor_a.key), view.decl.actor_code(actor_b.key)]
    bits = Bits(view, sorted(set(codes)))
    x, y = (0, 0) if codes[0] == codes[1] else (0, 1) if codes[0] < codes[1] else (1, 0)
    score, n = scorer.bits(bits, view.decl.scale, [(x, y)])[x, y]
    return Agreement(actor_a.key, actor_b.key, method, score, n)


def agreement_matrix(
    m: StanceMatrix,
    *,
    method: str = methods.DEFAULT,
    actors: Iterable[str] | None = None,
    as_of: When = None,
    sources: Iterable[str] | None = None,
) -> AgreementMatrix:
    """The :func:`agreement` of every pair of actors (all, or the named ones).

    Args:
        m: The matrix.
        method: A name from :data:`METHODS` (see :func:`agreement`).
        actors: Keys or aliases of the actors to include, in this order; all if None.
        as_of: Use the snapshot at this date.
        sources: Only these sources' claims count.

    Raises:
        UnknownActorError: If an actor is unknown.
        DuplicateKeyError: If an actor is named twice (directly or by alias).
        InvalidValueError: If *method* is unknown or *as_of* is not a date.
        UnknownSourceError: If a source id is unknown.
    """
    scorer = methods.get(method)
    codes = store_of(m).decl.codes("actor", actors)
    keys = [m.actors[c].key for c in codes]
    view = store_of(narrow(m, as_of, sources))
    fast = numpy_scores(view, codes, method) if USE_NUMPY else None
    if fast is not None:
        return AgreementMatrix(tuple(keys), method, *fast)
    bits = Bits(view, codes)
    size = len(codes)
    pairs = [(x, y) for x in range(size) for y in range(x, size)]
    found = scorer.bits(bits, view.decl.scale, pairs)
    scores = tuple(tuple(found[min(x, y), max(x, y)][0] for y in range(size)) for x in range(size))
    counts = tuple(tuple(found[min(x, y), max(x, y)][1] for y in range(size)) for x in range(size))
    return AgreementMatrix(tuple(keys), method, scores, counts)


#: Use numpy for large agreement matrices when it is installed (the ``fast`` extra).
USE_NUMPY = True
#: The least number of (actor, issue) cells for which the numpy path pays off.
NUMPY_CELLS = 100_000

Grid = tuple[tuple[float | None, ...], ...]


def numpy_scores(
    view: Store, codes: Sequence[int], method: str
) -> tuple[Grid, tuple[tuple[int, ...], ...]] | None:
    """The scores and counts of every pair by one-hot matrix products, or None.

    None when numpy is not installed or the matrix is small. The counts are exact
    integers and the scores are computed from them with the same floating-point
    operations, in the same order, as the method's bitset path, so both give equal results.

    Raises:
        InvalidValueError: If *method* is unknown.
    """
    scorer = methods.get(method)
    n_issues = len(view.decl.issues)
    if len(codes) * n_issues < NUMPY_CELLS:
        return None
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    scale = view.decl.scale
    k, size = len(scale.levels), len(codes)
    # One row per (level, actor), one column per issue, 1 where the actor's position()
    # stance on the issue is that level: built straight from the columns.
    a_col, i_col, rows = cell_rule.chosen_rows(view)
    actor = np.frombuffer(a_col, dtype=np.int32) if isinstance(a_col, array) else np.array(a_col)
    issue = np.frombuffer(i_col, dtype=np.int32) if isinstance(i_col, array) else np.array(i_col)
    stance = np.frombuffer(view.cols.stance, dtype=np.int8)
    if not isinstance(rows, range):
        stance = stance[np.array(rows, dtype=np.intp)]
    where = np.full(len(view.decl.actors), -1, dtype=np.intp)
    where[list(codes)] = np.arange(size)
    x = where[actor]
    keep = (x >= 0) & (stance < k)  # listed actors; "no position reported" counts as none
    dtype = np.float32 if n_issues < 2**24 else np.float64  # sums of ones stay exact
    flat = np.zeros((k * size, n_issues), dtype=dtype)
    flat[stance[keep].astype(np.intp) * size + x[keep], issue[keep]] = 1
    table = (flat @ flat.T).astype(np.int64).reshape(k, size, k, size).transpose(1, 3, 0, 2)
    # table[x, y, s, t]: issues where actor x says level s and actor y level t.
    n = table.sum(axis=(2, 3))
    with np.errstate(divide="ignore", invalid="ignore"):
        score = scorer.fast(table, n, scale)
    upper = np.triu(np.ones((size, size), dtype=bool))
    score = np.where(upper, score, score.T)  # the bitset path mirrors x <= y too
    known = n > 0
    scores = tuple(
        tuple(v if ok else None for v, ok in zip(row, ok_row, strict=True))
        for row, ok_row in zip(score.tolist(), known.tolist(), strict=True)
    )
    return scores, tuple(map(tuple, n.tolist()))


@attrs.frozen
class Blocs:
    """Groups of actors that stand together, from average-linkage clustering.

    Attributes:
        method: The agreement method clustered on.
        threshold: The least average agreement within a merged group, if given.
        k: The number of groups asked for, if given.
        groups: Each group's actor keys in the matrix's order; groups ordered by their
            first member.
        cohesion: Each group's average pairwise agreement (None for a single actor or
            when no pair in it shares an issue).
    """

    method: str
    threshold: float | None
    k: int | None
    groups: tuple[tuple[str, ...], ...]
    cohesion: tuple[float | None, ...]

    def _table(self) -> tuple[list[str], list[list[str | float | None]], str]:
        rows: list[list[str | float | None]] = [
            [n + 1, len(g), c, ", ".join(g)]
            for n, (g, c) in enumerate(zip(self.groups, self.cohesion, strict=True))
        ]
        rule = f"threshold {self.threshold}" if self.threshold is not None else f"k={self.k}"
        return ["bloc", "size", "cohesion", "members"], rows, f"blocs ({self.method}, {rule})"

    def to_text(self, *, width: int | None = None) -> str:
        """A plain-text table, one bloc per line.

        Args:
            width: The widest a line may be, in terminal cells (default: the
                terminal's width, 80 when there is none); see ``StanceMatrix.to_text``.
        """
        return _table.text(*self._table(), width=width)

    def to_markdown(self) -> str:
        """A Markdown table, one bloc per row."""
        return _table.markdown(*self._table())


def blocs(
    m: StanceMatrix,
    *,
    threshold: float | None = None,
    k: int | None = None,
    method: str = methods.DEFAULT,
    actors: Iterable[str] | None = None,
    as_of: When = None,
    sources: Iterable[str] | None = None,
) -> Blocs:
    """Group actors that agree, by average-linkage clustering of the agreement matrix.

    Starting from one group per actor, the two groups with the highest average pairwise
    agreement (over the pairs that share an issue) merge, again and again: while that
    average is at least *threshold*, or until *k* groups are left. Ties go to the groups
    whose first members come first in the matrix, so the result is deterministic. Pairs
    that share no issue give no evidence; groups with no such pair never merge.

    Args:
        m: The matrix.
        threshold: Merge while the best average agreement is at least this.
        k: Merge until this many groups remain (fewer merges if evidence runs out).
        method: The agreement method (see :func:`agreement`).
        actors: The actors to group; all if None.
        as_of: Use the snapshot at this date.
        sources: Only these sources' claims count.

    Raises:
        InvalidValueError: Unless exactly one of *threshold* and *k* is given, or if *k*
            is below 1, or *method* is unknown.
        UnknownActorError, DuplicateKeyError: If an actor is unknown or named twice.
    """
    if (threshold is None) == (k is None):
        raise InvalidValueError("blocs", (threshold, k), "give exactly one of threshold and k")
    if k is not None and (not isinstance(k, int) or k < 1):
        raise InvalidValueError("k", k, "must be a positive integer")
    matrix = agreement_matrix(m, method=method, actors=actors, as_of=as_of, sources=sources)
    size = len(matrix.actors)
    members: dict[int, list[int]] = {x: [x] for x in range(size)}
    total: dict[tuple[int, int], float] = {}
    count: dict[tuple[int, int], int] = {}
    heap: list[tuple[float, int, int, int, int]] = []
    version = [0] * size
    for x in range(size):
        for y in range(x + 1, size):
            score = matrix.scores[x][y]
            if score is not None:
                total[x, y], count[x, y] = score, 1
                heap.append((-score, x, y, 0, 0))
    heapq.heapify(heap)
    while heap and (k is None or len(members) > k):
        negative, x, y, vx, vy = heapq.heappop(heap)
        if x not in members or y not in members or (vx, vy) != (version[x], version[y]):
            continue
        if threshold is not None and -negative < threshold:
            break
        members[x].extend(members.pop(y))
        version[x] += 1
        total.pop((x, y), None)
        count.pop((x, y), None)
        for c in members:
            if c == x:
                continue
            s = total.pop((min(x, c), max(x, c)), 0.0) + total.pop((min(y, c), max(y, c)), 0.0)
            n = count.pop((min(x, c), max(x, c)), 0) + count.pop((min(y, c), max(y, c)), 0)
            if n:
                key = (min(x, c), max(x, c))
                total[key], count[key] = s, n
                heapq.heappush(heap, (-s / n, key[0], key[1], version[key[0]], version[key[1]]))
    groups: list[tuple[str, ...]] = []
    cohesion: list[float | None] = []
    for first in sorted(members):
        group = sorted(members[first])
        groups.append(tuple(matrix.actors[x] for x in group))
        known = [
            score
            for i, x in enumerate(group)
            for y in group[i + 1 :]
            if (score := matrix.scores[x][y]) is not None
        ]
        cohesion.append(sum(known) / len(known) if known else None)
    return Blocs(method, threshold, k, tuple(groups), tuple(cohesion))
