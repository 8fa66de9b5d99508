"""How often actors agree: pairwise agreement scores and the agreement matrix.

Each actor's stances are held as one Python integer per scale level with one bit per
issue (:class:`~stancematrix._query.bits.Bits`), so the number of issues on which actor
*x* says level *s* and actor *y* says level *t* is one AND and a bit count. Those counts (a
contingency table per pair, or the weighted sums of it a method needs) give every method
in :mod:`stancematrix._query.methods`; large matrices count them with numpy instead.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from stancematrix import _table
from stancematrix._io import registry
from stancematrix._store import Store, store_of
from stancematrix._store import cells as cell_rule
from stancematrix.exceptions import InvalidValueError

from . import methods
from .bits import Bits
from .common import LeftOut, When, left_out, left_out_note, narrow

if TYPE_CHECKING:
    from stancematrix._matrix import StanceMatrix

__all__ = [
    "METHODS",
    "Agreement",
    "AgreementMatrix",
    "Grid",
    "agreement",
    "agreement_matrix",
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

    def _repr_html_(self) -> str:
        """Jupyter's view: the line of :meth:`to_text`, escaped."""
        return _table.html_line(self.to_text())


@attrs.frozen
class AgreementMatrix(_table.HtmlView):
    """Pairwise agreement of a set of actors, by one method.

    Attributes:
        actors: The actors' keys, in the matrix's order.
        method: The method's name.
        scores: ``scores[i][j]`` is the agreement of actors *i* and *j* (None where n is 0).
        counts: ``counts[i][j]`` is the number of issues both have a known stance on.
        left_out: The actors whose scores are all None because they have no known
            stance, with why.
    """

    actors: tuple[str, ...]
    method: str
    scores: tuple[tuple[float | None, ...], ...]
    counts: tuple[tuple[int, ...], ...]
    left_out: tuple[LeftOut, ...] = ()

    def get(self, a: str, b: str) -> Agreement:
        """The :class:`Agreement` of two actors, by key.

        Raises:
            KeyError: If an actor is not in this matrix.
        """
        i, j = self.actors.index(a), self.actors.index(b)
        return Agreement(a, b, self.method, self.scores[i][j], self.counts[i][j])

    _EMPTY = "no actors"

    def _table(self) -> tuple[list[str], list[list[str | float | None]], str]:
        rows: list[list[str | float | None]] = [
            [key, *(_with_n(score, n) for score, n in zip(scores, ns, strict=True))]
            for key, scores, ns in zip(self.actors, self.scores, self.counts, strict=True)
        ]
        return ["", *self.actors], rows, f"agreement ({self.method}; n: issues counted)"

    def _note(self) -> str:
        return left_out_note(self.left_out)

    def _numeric(self) -> range:
        return range(1, len(self.actors) + 1)

    def to_dataframe(self, values: Literal["score", "n"] = "score") -> Any:
        """The grid as a numeric pandas DataFrame indexed by actor key both ways.

        Args:
            values: ``"score"``: the scores as floats (NaN where a pair has none);
                ``"n"``: the number of issues each pair was counted on (ints).

        Raises:
            ImportError: If pandas is not installed (the ``pandas`` extra).
            InvalidValueError: If *values* is neither.
        """
        return registry.dataframes().agreement_frame(self, values)


def _with_n(score: float | None, n: int) -> str:
    """One cell of an agreement table: the score (— when there is none) and n."""
    return f"{'—' if score is None else f'{score:.3f}'} (n={n})"


def _repeat(view: Store, weights: Mapping[str, int] | None) -> list[int] | None:
    """Each issue's weight, in issue-code order (None when no weights are given).

    Raises:
        UnknownIssueError: If a key names no issue.
        InvalidValueError: If a weight is not a positive integer.
    """
    if weights is None:
        return None
    repeat = [1] * len(view.decl.issues)
    for key, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, int) or weight < 1:
            raise InvalidValueError(f"weights[{key!r}]", weight, "must be a positive integer")
        repeat[view.decl.issue_code(key)] = weight
    return repeat


def _check_min_n(min_n: object) -> int:
    """*min_n*, or an error unless it is an integer of at least 1."""
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 1:
        raise InvalidValueError("min_n", min_n, "must be an integer of at least 1")
    return min_n


def agreement(
    m: StanceMatrix,
    a: str,
    b: str,
    *,
    method: str = methods.DEFAULT,
    as_of: When = None,
    sources: Iterable[str] | None = None,
    min_n: int = 1,
    weights: Mapping[str, int] | None = None,
) -> Agreement:
    """How much actors *a* and *b* agree, over the issues both have a known stance on.

    Each actor's stance on an issue is the one :meth:`StanceMatrix.position` gives on the
    matrix narrowed to *sources* and seen as of *as_of* (see :func:`compare`). Issues where
    either has no claim, or "no position reported", are left out — never counted as
    neutral; the result's ``n`` says how many issues count.

    The methods (each defined, with its formula and paper, in the README's "Agreement
    methods"; ``x`` and ``y`` are the two stances' values, ``range`` the scale's):

    - ``"identical"``: the share of issues with the very same stance.
    - ``"agree"`` (the default): Voeten's agree index — the same side of neutral 1, one
      neutral (abstaining) 0.5, opposite sides 0.
    - ``"state-department"``: the US State Department's voting coincidence — the share
      on the same side, over only the issues where neither is neutral (``n`` counts
      those).
    - ``"s-score"`` / ``"s-score-squared"``: Signorino and Ritter's S,
      ``1 - 2·mean(|x - y| / range)`` or ``1 - 2·mean(((x - y) / range)²)``.
    - ``"kappa"`` / ``"kappa-squared"``: Cohen's weighted kappa with linear or squared
      disagreement weights; ``"pi"``: Scott's pi (Häge 2011) with squared weights. Each
      is ``1 - observed / expected`` disagreement, expected by chance from the actors'
      own (kappa) or pooled (pi) stance frequencies; 1.0 whenever the actors never
      differ, including when the chance term is 0.
    - ``"coincidence"``: deprecated name of ``"agree"`` (a DeprecationWarning).

    Args:
        m: The matrix.
        a: The first actor's key or alias.
        b: The second actor's key or alias.
        method: The method's name.
        as_of: Use the snapshot at this date.
        sources: Only these sources' claims count.
        min_n: With fewer issues counted than this, the score is None (n is still given).
        weights: Issue key or alias → a positive integer weight (default 1 each): an
            issue of weight w counts as w issues in the score (and, for kappa and pi, in
            the chance term); ``n`` still counts issues once.

    Raises:
        UnknownActorError: If *a* or *b* is unknown.
        InvalidValueError: If *method* is not one of the above, *as_of* not a date, or
            *min_n* not an integer of at least 1.
        UnknownSourceError: If a source id is unknown.
    """
    scorer = methods.get(method)
    min_n = _check_min_n(min_n)
    actor_a, actor_b = m.actor(a), m.actor(b)
    view = store_of(narrow(m, as_of, sources))
    codes = [view.decl.actor_code(actor_a.key), view.decl.actor_code(actor_b.key)]
    bits = Bits(view, sorted(set(codes)))
    x, y = (0, 0) if codes[0] == codes[1] else (0, 1) if codes[0] < codes[1] else (1, 0)
    score, n = scorer.bits(bits, view.decl.scale, [(x, y)])[x, y]
    repeat = _repeat(view, weights)
    if repeat is not None:
        weighted = Bits(view, sorted(set(codes)), repeat)
        score = scorer.bits(weighted, view.decl.scale, [(x, y)])[x, y][0]
    return Agreement(actor_a.key, actor_b.key, scorer.name, score if n >= min_n else None, n)


def agreement_matrix(
    m: StanceMatrix,
    *,
    method: str = methods.DEFAULT,
    actors: Iterable[str] | None = None,
    as_of: When = None,
    sources: Iterable[str] | None = None,
    min_n: int = 1,
    weights: Mapping[str, int] | None = None,
) -> AgreementMatrix:
    """The :func:`agreement` of every pair of actors (all, or the named ones).

    Args:
        m: The matrix.
        method: A name from :data:`METHODS` (see :func:`agreement`).
        actors: Keys or aliases of the actors to include, in this order; all if None.
        as_of: Use the snapshot at this date.
        sources: Only these sources' claims count.
        min_n: Pairs with fewer issues counted than this score None (n still given).
        weights: Issue weights (see :func:`agreement`).

    Raises:
        UnknownActorError: If an actor is unknown.
        DuplicateKeyError: If an actor is named twice (directly or by alias).
        InvalidValueError: If *method* is unknown, *as_of* is not a date, or *min_n* is
            not an integer of at least 1.
        UnknownSourceError: If a source id is unknown.
    """
    scorer = methods.get(method)
    min_n = _check_min_n(min_n)
    method = scorer.name
    codes = store_of(m).decl.codes("actor", actors)
    keys = [m.actors[c].key for c in codes]
    narrowed = narrow(m, as_of, sources)
    view = store_of(narrowed)
    repeat = _repeat(view, weights)
    fast = numpy_scores(view, codes, method) if USE_NUMPY and repeat is None else None
    size = len(codes)
    pairs = [(x, y) for x in range(size) for y in range(x, size)]
    if fast is not None:
        scores, counts = fast
    else:
        found = scorer.bits(Bits(view, codes), view.decl.scale, pairs)
        scores = tuple(
            tuple(found[min(x, y), max(x, y)][0] for y in range(size)) for x in range(size)
        )
        counts = tuple(
            tuple(found[min(x, y), max(x, y)][1] for y in range(size)) for x in range(size)
        )
    if repeat is not None:  # the scores count each issue as often as its weight says
        found = scorer.bits(Bits(view, codes, repeat), view.decl.scale, pairs)
        scores = tuple(
            tuple(found[min(x, y), max(x, y)][0] for y in range(size)) for x in range(size)
        )
    # Narrowing keeps the actors and their codes; n of an actor with itself is how many
    # issues it has a known stance on.
    known = [counts[x][x] > 0 for x in range(len(codes))]
    skipped = left_out(narrowed, codes, known)
    if min_n > 1:
        scores = tuple(
            tuple(s if n >= min_n else None for s, n in zip(row, ns, strict=True))
            for row, ns in zip(scores, counts, strict=True)
        )
    return AgreementMatrix(tuple(keys), method, scores, counts, skipped)


#: Use numpy for large agreement matrices when it is installed (the ``fast`` extra).
USE_NUMPY = True
#: The least number of (actor, issue) cells for which the numpy path pays off.
NUMPY_CELLS = 100_000

#: A square grid of agreement scores (None where a pair has none).
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
        found = scorer.fast(table, n, scale)
    score, n = found if isinstance(found, tuple) else (found, n)
    upper = np.triu(np.ones((size, size), dtype=bool))
    score = np.where(upper, score, score.T)  # the bitset path mirrors x <= y too
    n = np.where(upper, n, n.T)
    known = n > 0
    scores = tuple(
        tuple(v if ok else None for v, ok in zip(row, ok_row, strict=True))
        for row, ok_row in zip(score.tolist(), known.tolist(), strict=True)
    )
    return scores, tuple(map(tuple, n.tolist()))
