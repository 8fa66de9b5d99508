from __future__ import annotations

import csv
import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from scipy.cluster.hierarchy import cut_tree, fcluster, linkage
from scipy.spatial.distance import squareform

import stancematrix as sm
from stancematrix._query import methods
from stancematrix._query.agreement import METHODS
from stancematrix._store import store_of
from stancematrix.exceptions import (
    DuplicateKeyError,
    InvalidValueError,
    UnknownActorError,
    UnknownIssueError,
)
from stancematrix.results import Agreement, LeftOut
from tests.conftest import ROOT
from tests.strategies import (
    agreement_methods,
    linked_matrices,
    matrices,
    partial_dates,
    wide_matrices,
)

EXTRACT = ROOT / "tests" / "data" / "unga_extract.csv"


def unga_extract() -> sm.StanceMatrix:
    """The committed UNGA extract as a matrix (built with from_positions, not a reader)."""
    with EXTRACT.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    actors = list(dict.fromkeys(r["country"] for r in rows))
    issues = list(dict.fromkeys(r["rcid"] for r in rows))
    return sm.StanceMatrix.from_positions(
        [sm.Position(r["country"], r["rcid"], r["vote"], "unga", date=r["date"]) for r in rows],
        actors=[sm.Actor(a, a) for a in actors],
        issues=[sm.Issue(i, f"roll call {i}", "The General Assembly adopts it.") for i in issues],
        sources=[sm.Source("unga", "UN General Assembly voting record")],
        scale=sm.Scale.votes(),
    )


def reference(
    m: sm.StanceMatrix, a: str, b: str, method: str, weights: dict[str, float] | None = None
) -> tuple[float | None, int]:
    """The definitions, written out plainly over position() (no bitsets, no numpy)."""
    scale = m.scale
    values = [level.value for level in scale.levels]
    low, high = min(values), max(values)
    span = high - low
    mid = (low + high) / 2
    pairs = []
    for issue in m.issues:
        pa, pb = m.position(a, issue.key), m.position(b, issue.key)
        if pa is None or pb is None:
            continue
        x, y = scale.value(pa.stance), scale.value(pb.stance)
        if x is None or y is None:
            continue
        pairs.append((x, y, 1.0 if weights is None else weights.get(issue.key, 1.0)))

    def side(v: float) -> int:
        return (v > mid) - (v < mid)

    if method == "state-department":
        pairs = [(x, y, w) for x, y, w in pairs if side(x) != 0 and side(y) != 0]
    n = len(pairs)
    if n == 0:
        return None, 0
    total = sum(w for _, _, w in pairs)

    def mean(f) -> float:
        return float(sum(w * f(x, y) for x, y, w in pairs) / total)

    if method == "identical":
        return mean(lambda x, y: float(x == y)), n
    if method == "agree":
        return mean(lambda x, y: 1.0 if side(x) == side(y) else 0.5 * (0 in (side(x), side(y)))), n
    if method == "state-department":
        return mean(lambda x, y: float(side(x) == side(y))), n
    if method == "s-score":
        return 1 - 2 * mean(lambda x, y: abs(x - y) / span), n
    if method == "s-score-squared":
        return 1 - 2 * mean(lambda x, y: ((x - y) / span) ** 2), n
    # Chance-corrected: 1 - observed / expected disagreement.
    power = 1 if method == "kappa" else 2
    assert method in ("kappa", "kappa-squared", "pi"), f"no reference for {method!r}"

    def d(u: float, v: float) -> float:
        return (abs(u - v) / span) ** power

    observed = mean(d)
    if observed == 0:
        return 1.0, n
    px = {v: sum(w for x, _, w in pairs if x == v) / total for v in values}
    py = {v: sum(w for _, y, w in pairs if y == v) / total for v in values}
    if method == "pi":
        px = py = {v: (px[v] + py[v]) / 2 for v in values}
    expected = sum(px[u] * py[v] * d(u, v) for u in values for v in values)
    return 1 - observed / expected, n


class TestAgreementOnUNGA:
    @pytest.mark.parametrize("method", METHODS)
    def test_matches_plain_reference(self, method):
        """Every pair's score and n on the UNGA extract equal the plain computation."""
        m = unga_extract()
        table = sm.agreement_matrix(m, method=method)
        for a, b in itertools.product(table.actors, repeat=2):
            expected_score, expected_n = reference(m, a, b, method)
            got = table.get(a, b)
            assert expected_n == got.n
            if expected_score is None:
                assert got.score is None
            else:
                assert got.score == pytest.approx(expected_score, abs=1e-12)

    def test_us_russia(self):
        """The US and Russia share the roll calls both voted on, counted once each."""
        m = unga_extract()
        result = sm.agreement(m, "US", "RU", method="agree")
        both = [i.key for i in m.issues if m.position("US", i.key) and m.position("RU", i.key)]
        assert len(both) == result.n
        assert result.score is not None
        assert 0 < result.score < 1

    def test_abstain_is_half(self):
        """Yes against abstain counts 0.5 in the agree index, yes against no 0."""
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "1", "yes", "s"),
                sm.Position("B", "1", "abstain", "s"),
                sm.Position("A", "2", "yes", "s"),
                sm.Position("B", "2", "no", "s"),
                sm.Position("A", "3", "no", "s"),
                sm.Position("B", "3", "no", "s"),
                sm.Position("A", "4", "yes", "s"),
            ],
            actors=[sm.Actor("A", "A"), sm.Actor("B", "B")],
            issues=[sm.Issue(k, k, "p") for k in "1234"],
            sources=[sm.Source("s", "s")],
            scale=sm.Scale.votes(),
        )
        assert Agreement("A", "B", "agree", 0.5, 3) == sm.agreement(m, "A", "B")
        # State Department: only issues 2 and 3 (both voted yes or no); they agree on 3.
        expected = Agreement("A", "B", "state-department", 0.5, 2)
        assert expected == sm.agreement(m, "A", "B", method="state-department")
        assert 1 / 3 == sm.agreement(m, "A", "B", method="identical").score
        # S-score: distances 1, 2, 0 over range 2: 1 - 2 * 3 / (3 * 2) = 0.
        assert 0.0 == sm.agreement(m, "A", "B", method="s-score").score

    def test_no_position_is_not_neutral(self):
        """A 'no position reported' claim is left out of n, not scored as neutral."""
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "1", "support", "s"),
                sm.Position("B", "1", "no position reported", "s"),
                sm.Position("A", "2", "support", "s"),
                sm.Position("B", "2", "support", "s"),
            ],
            actors=[sm.Actor("A", "A"), sm.Actor("B", "B")],
            issues=[sm.Issue(k, k, "p") for k in "12"],
            sources=[sm.Source("s", "s")],
        )
        assert Agreement("A", "B", "agree", 1.0, 1) == sm.agreement(m, "A", "B")

    def test_bad_method_and_actor(self):
        """An unknown method or actor raises the library's errors."""
        m = sm.load_dataset("ukraine")
        with pytest.raises(InvalidValueError, match="method"):
            sm.agreement(m, "US", "RU", method="cosine")
        with pytest.raises(UnknownActorError):
            sm.agreement_matrix(m, actors=["US", "XX"])
        with pytest.raises(DuplicateKeyError):
            sm.agreement_matrix(m, actors=["US", "Kremlin", "RU"])

    def test_text_and_markdown(self):
        """Results print as a line or a grid of scores."""
        m = sm.load_dataset("ukraine")
        assert "US–RU agree: 0.300 (n=10)" == sm.agreement(m, "US", "RU").to_text()
        grid = sm.agreement_matrix(m, actors=["US", "RU"]).to_markdown()
        assert "| US | 1.000 (n=13) | 0.300 (n=10) |" in grid


class TestAgreementLaws:
    @settings(max_examples=150)
    @given(matrices(max_claims=20), agreement_methods)
    def test_symmetric_in_range_and_self_one(self, m, method):
        """Agreement is symmetric, in range, and 1 with oneself wherever one has a stance."""
        table = sm.agreement_matrix(m, method=method)
        size = len(table.actors)
        low = methods.get(method).lowest
        for x in range(size):
            for y in range(size):
                assert table.counts[x][y] == table.counts[y][x]
                s, t = table.scores[x][y], table.scores[y][x]
                assert (s is None) == (t is None) == (table.counts[x][y] == 0)
                if s is not None and t is not None:
                    assert s == pytest.approx(t, abs=1e-12)
                    assert s <= 1 + 1e-12
                    if low is not None:
                        assert s >= low - 1e-12
            if table.counts[x][x]:
                assert 1.0 == pytest.approx(table.scores[x][x])

    @settings(max_examples=150)
    @given(matrices(max_claims=20), agreement_methods)
    def test_matches_reference(self, m, method):
        """Every pair's score and n equal the plain definition over position()."""
        table = sm.agreement_matrix(m, method=method)
        for a, b in itertools.product(table.actors, repeat=2):
            expected_score, expected_n = reference(m, a, b, method)
            got = sm.agreement(m, a, b, method=method)
            assert expected_n == got.n == table.get(a, b).n
            if expected_score is None:
                assert got.score is None
            else:
                assert got.score == pytest.approx(expected_score, abs=1e-9)
                assert got.score is not None
                assert math.isclose(got.score, table.get(a, b).score or 0.0, abs_tol=1e-12)

    @settings(max_examples=100)
    @given(matrices(max_claims=20), partial_dates(), agreement_methods)
    def test_as_of_is_agreement_of_the_snapshot(self, m, when, method):
        """agreement(as_of=t) is the agreement of the snapshot m.as_of(t)."""
        snapshot = m.as_of(when)
        for a, b in itertools.product([x.key for x in m.actors], repeat=2):
            got = sm.agreement(m, a, b, method=method, as_of=when)
            assert sm.agreement(snapshot, a, b, method=method) == got


SHARED_UNGA = ROOT.parent / "shared" / "data" / "unga"


class TestIndicesFromTheLiterature:
    def test_coincidence_is_the_deprecated_name_of_agree(self):
        """method="coincidence" still scores, as "agree", with a DeprecationWarning."""
        m = sm.load_dataset("ukraine")
        with pytest.warns(DeprecationWarning, match="'agree'.*'state-department'"):
            old = sm.agreement(m, "US", "RU", method="coincidence")
        assert sm.agreement(m, "US", "RU", method="agree") == old
        with pytest.warns(DeprecationWarning, match="now called .agree."):
            grid = sm.agreement_matrix(m, method="coincidence")
        assert sm.agreement_matrix(m, method="agree") == grid
        assert "coincidence" not in METHODS

    def test_state_department_us_russia_2010s(self):
        """US–Russia 2010–2019: the State Department index is 0.317 over n = 676 votes."""
        m = sm.load_dataset("unga", since="2010", until="2019")
        result = sm.agreement(m, "US", "RU", method="state-department")
        assert (0.317, 676) == (round(result.score or 0, 3), result.n)

    def test_state_department_equals_pandas_on_the_shared_votes(self):
        """An independent pandas computation from the raw UNGA files gives the same."""
        pd = pytest.importorskip("pandas")
        if not (SHARED_UNGA / "votes.csv.gz").exists():
            pytest.skip("../shared/data/unga is not here")
        votes = pd.read_csv(SHARED_UNGA / "votes.csv.gz", keep_default_na=False)
        calls = pd.read_csv(SHARED_UNGA / "roll_calls.csv.gz", usecols=["rcid", "date"])
        calls = calls[(calls.date >= "2010") & (calls.date < "2020")]
        votes = votes[votes.rcid.isin(calls.rcid)]
        wide = votes[votes.country_code.isin(["US", "RU"])].pivot(
            index="rcid", columns="country_code", values="vote"
        )
        both = wide[wide.US.isin(["yes", "no"]) & wide.RU.isin(["yes", "no"])]
        expected = (both.US == both.RU).mean()
        m = sm.load_dataset("unga", since="2010", until="2019")
        result = sm.agreement(m, "US", "RU", method="state-department")
        assert (len(both), expected) == (result.n, pytest.approx(result.score, abs=1e-12))

    def test_min_n_hides_scores_from_too_few_issues(self):
        """With min_n, a pair counted on fewer issues scores None but keeps its n."""
        m = sm.load_dataset("ukraine")
        assert Agreement("US", "RU", "agree", None, 10) == sm.agreement(m, "US", "RU", min_n=11)
        assert 0.3 == sm.agreement(m, "US", "RU", min_n=10).score
        grid = sm.agreement_matrix(m, actors=["US", "RU"], min_n=11)
        assert ((1.0, None), (None, None)) == grid.scores
        assert ((13, 10), (10, 10)) == grid.counts
        assert "— (n=10)" in grid.to_text()
        with pytest.raises(InvalidValueError, match="min_n"):
            sm.agreement(m, "US", "RU", min_n=0)

    @pytest.mark.parametrize("method", ["kappa", "kappa-squared", "pi"])
    def test_chance_corrected_is_one_when_the_chance_term_is_zero(self, method):
        """Two actors who always say the same one stance: no chance term, κ = π = 1.0."""
        m = sm.StanceMatrix.from_positions(
            [sm.Position(a, i, "support", "s") for a in "AB" for i in "pq"],
            actors=[sm.Actor("A", "A"), sm.Actor("B", "B")],
            issues=[sm.Issue(k, k, "p") for k in "pq"],
            sources=[sm.Source("s", "s")],
        )
        assert Agreement("A", "B", method, 1.0, 2) == sm.agreement(m, "A", "B", method=method)

    def test_pi_pools_the_two_actors_stances(self):
        """Scott's pi on a worked example: yes/no against always yes."""
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "1", "yes", "s"),
                sm.Position("A", "2", "no", "s"),
                sm.Position("B", "1", "yes", "s"),
                sm.Position("B", "2", "yes", "s"),
            ],
            actors=[sm.Actor("A", "A"), sm.Actor("B", "B")],
            issues=[sm.Issue(k, k, "p") for k in "12"],
            sources=[sm.Source("s", "s")],
            scale=sm.Scale.votes(),
        )
        # Observed: one yes/no of weight 1 in 2 issues = 0.5. Pooled: yes 3/4, no 1/4;
        # expected = 2 · 3/4 · 1/4 · 1 = 0.375; pi = 1 - 0.5 / 0.375 = -1/3.
        result = sm.agreement(m, "A", "B", method="pi")
        assert 2 == result.n
        assert -1 / 3 == pytest.approx(result.score)


class TestIssueWeights:
    def test_a_double_weighted_issue_counts_twice(self):
        """Weight 2 on the issue they agree on: (1 + 1 + 0) / 3, n still 2."""
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "1", "yes", "s"),
                sm.Position("B", "1", "yes", "s"),
                sm.Position("A", "2", "yes", "s"),
                sm.Position("B", "2", "no", "s"),
            ],
            actors=[sm.Actor("A", "A"), sm.Actor("B", "B")],
            issues=[sm.Issue(k, k, "p") for k in "12"],
            sources=[sm.Source("s", "s")],
            scale=sm.Scale.votes(),
        )
        assert 0.5 == sm.agreement(m, "A", "B").score
        weighted = sm.agreement(m, "A", "B", weights={"1": 2})
        assert (2 / 3, 2) == (weighted.score, weighted.n)
        assert ((1.0, 2 / 3), (2 / 3, 1.0)) == sm.agreement_matrix(m, weights={"1": 2}).scores

    @pytest.mark.parametrize("weight", [0, -1, 1.5, True, "2"])
    def test_weights_are_positive_integers(self, weight):
        """A weight that is not a positive integer is refused, naming the issue."""
        m = sm.load_dataset("ukraine")
        with pytest.raises(InvalidValueError, match="weights\\['sanctions'\\]"):
            sm.agreement_matrix(m, weights={"sanctions": weight})

    def test_unknown_issue_in_weights(self):
        """A weight for an unknown issue is an UnknownIssueError."""
        with pytest.raises(UnknownIssueError):
            sm.agreement(sm.load_dataset("ukraine"), "US", "RU", weights={"nope": 2})

    @settings(max_examples=100, deadline=None)
    @given(matrices(max_claims=20), agreement_methods, st.data())
    def test_weighted_scores_match_the_weighted_reference(self, m, method, data):
        """Every method, weighted, equals the plain weighted definition; n is unweighted."""
        weights = {
            i.key: data.draw(st.integers(1, 3), label=f"weight of {i.key}") for i in m.issues
        }
        table = sm.agreement_matrix(m, method=method, weights=weights)
        for a, b in itertools.product(table.actors, repeat=2):
            expected_score, expected_n = reference(m, a, b, method, weights)
            got = table.get(a, b)
            assert expected_n == got.n
            if expected_score is None:
                assert got.score is None
            else:
                assert got.score == pytest.approx(expected_score, abs=1e-9)
            assert got == sm.agreement(m, a, b, method=method, weights=weights)


class TestLeftOut:
    def test_agreement_matrix_names_actors_without_votes(self):
        """The agreement matrix lists the actors whose scores are all None, and why."""
        m = sm.load_dataset("unga").select(issues=["5309"], actors=["US", "RU", "CS"])
        result = sm.agreement_matrix(m)
        assert (LeftOut("CS", "no claims"),) == result.left_out
        assert (None, None, None) == result.scores[2]
        assert "left out: CS (no claims)" in result.to_text()
        assert "left out: CS (no claims)" in result.to_markdown()

    def test_nothing_left_out_is_not_mentioned(self):
        """A matrix where every actor has a stance has no left_out line."""
        result = sm.agreement_matrix(unga_extract())
        assert () == result.left_out
        assert "left out" not in result.to_text()

    @settings(max_examples=100)
    @given(st.one_of(matrices(max_claims=20), wide_matrices()), agreement_methods)
    def test_left_out_are_the_actors_with_no_known_stance(self, m, method):
        """left_out holds exactly the actors with no known stance, on both paths."""
        expected = [
            a.key
            for a in m.actors
            if not any(
                (p := m.position(a.key, i.key)) and m.scale.value(p.stance) is not None
                for i in m.issues
            )
        ]
        result = sm.agreement_matrix(m, method=method)
        assert expected == [x.actor for x in result.left_out]


def scipy_blocs(m: sm.StanceMatrix, keys: list[str], method: str) -> tuple[np.ndarray, list[str]]:
    """scipy's average linkage on 1 - score over *keys* (the oracle), and the keys."""
    table = sm.agreement_matrix(m, method=method, actors=keys)
    distances = np.array([[1 - (s if s is not None else 1) for s in row] for row in table.scores])
    np.fill_diagonal(distances, 0)
    return linkage(squareform(distances, checks=False), method="average"), keys


def partition(keys: list[str], labels) -> set[frozenset[str]]:
    """The groups of *keys* by cluster label."""
    return {frozenset(k for k, x in zip(keys, labels, strict=True) if x == c) for c in set(labels)}


def every_pair_scored(m: sm.StanceMatrix, keys: list[str], method: str) -> bool:
    """Whether every pair of *keys* has a score (state-department counts fewer issues)."""
    table = sm.agreement_matrix(m, method=method, actors=keys)
    return all(s is not None for row in table.scores for s in row)


def tie_before(m: sm.StanceMatrix, keys: list[str], method: str, merges: int) -> bool:
    """Whether two pairs of groups are (nearly) equally close at one of the first merges.

    Plain average linkage with exact fractions: where the closest pair is not unique,
    scipy and blocs may legitimately merge differently.
    """
    table = sm.agreement_matrix(m, method=method, actors=keys)
    d = [[1 - Fraction(s or 0) for s in row] for row in table.scores]
    groups = [[x] for x in range(len(keys))]
    for _ in range(merges):
        between = sorted(
            (sum(d[x][y] for x in g for y in h) / (len(g) * len(h)), p, q)
            for p, g in enumerate(groups)
            for q, h in enumerate(groups)
            if p < q
        )
        if len(between) > 1 and between[1][0] - between[0][0] < Fraction(1, 10**9):
            return True
        _, p, q = between[0]
        groups[p] += groups.pop(q)
    return False


class TestBlocs:
    def test_unga_extract_blocs_are_deterministic(self):
        """Two runs give the same groups; every actor is in exactly one group."""
        m = unga_extract()
        first = sm.blocs(m, k=3)
        assert first == sm.blocs(m, k=3)
        assert 3 == len(first.groups)
        assert sorted(a.key for a in m.actors) == sorted(itertools.chain(*first.groups))

    def test_unga_k_3_gives_three_blocs_and_names_those_left_out(self):
        """The issue's reproducer: exactly 3 blocs over the voters; non-voters listed."""
        m = sm.load_dataset("unga").select(issues=["5309", "5310", "5311"])
        result = sm.blocs(m, k=3)
        assert 3 == len(result.groups)
        roll_calls = ("5309", "5310", "5311")
        voters = {a.key for a in m.actors if any(m.position(a.key, i) for i in roll_calls)}
        assert sorted(voters) == sorted(itertools.chain(*result.groups))
        left = {x.actor for x in result.left_out}
        assert {a.key for a in m.actors} - voters == left
        assert {"no claims"} == {x.reason for x in result.left_out}
        assert "left out: CS (no claims)" in result.to_text()
        assert "left out: CS (no claims)" in result.to_markdown()

    def test_unga_k_3_equals_scipy_on_actors_sharing_every_issue(self):
        """On the UNGA extract (every pair shares an issue), k=3 is scipy's cut."""
        m = unga_extract()
        keys = [a.key for a in m.actors]
        z, _ = scipy_blocs(m, keys, "agree")
        expected = partition(keys, cut_tree(z, n_clusters=3).ravel())
        assert expected == {frozenset(g) for g in sm.blocs(m, k=3).groups}

    def test_actors_with_only_no_position_are_left_out(self):
        """An actor whose only claim is "no position reported" is left out, with why."""
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "q", "support", "s"),
                sm.Position("B", "q", "support", "s"),
                sm.Position("C", "q", "no position reported", "s"),
            ],
            actors=[sm.Actor(k, k) for k in "ABCD"],
            issues=[sm.Issue("q", "q", "p")],
            sources=[sm.Source("s", "s")],
        )
        result = sm.blocs(m, k=1)
        assert (("A", "B"),) == result.groups
        expected = (LeftOut("C", "no known stance"), LeftOut("D", "no claims"))
        assert expected == result.left_out

    def test_actors_the_method_cannot_count_are_left_out(self):
        """Under state-department, an actor who only abstained is left out, with why."""
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "q", "abstain", "s"),
                sm.Position("B", "q", "yes", "s"),
                sm.Position("C", "q", "yes", "s"),
            ],
            actors=[sm.Actor(k, k) for k in "ABCD"],
            issues=[sm.Issue("q", "q", "p")],
            sources=[sm.Source("s", "s")],
            scale=sm.Scale.votes(),
        )
        result = sm.blocs(m, k=1, method="state-department")
        assert (("B", "C"),) == result.groups
        expected = (
            LeftOut("A", "no issue the state-department method counts"),
            LeftOut("D", "no claims"),
        )
        assert expected == result.left_out

    def test_threshold_merges_only_close_groups(self):
        """With a threshold, each merged group's cohesion is at least close to it."""
        m = sm.load_dataset("ukraine")
        result = sm.blocs(m, threshold=0.9)
        assert ("NATO", "DE", "EUROPE") in result.groups or any(
            {"NATO", "DE"} <= set(g) for g in result.groups
        )
        assert ("RU",) in result.groups

    def test_one_of_threshold_and_k(self):
        """Exactly one of threshold and k must be given; k must be positive."""
        m = sm.load_dataset("ukraine")
        with pytest.raises(InvalidValueError):
            sm.blocs(m)
        with pytest.raises(InvalidValueError):
            sm.blocs(m, threshold=0.5, k=2)
        with pytest.raises(InvalidValueError):
            sm.blocs(m, k=0)

    def test_neither_option_is_said_plainly(self):
        """Calling blocs() with neither option says what to give, in words."""
        with pytest.raises(InvalidValueError) as raised:
            sm.blocs(sm.load_dataset("ukraine"))
        expected = (
            "blocs: give either threshold (the least average agreement within a bloc) "
            "or k (the number of blocs) (got neither)"
        )
        assert expected == str(raised.value)

    @pytest.mark.parametrize("threshold", [math.nan, math.inf, -math.inf, 1.5, -0.1, True, "0.5"])
    def test_threshold_out_of_range_is_refused(self, threshold):
        """A threshold that is not a number from the method's lowest score to 1 is refused."""
        with pytest.raises(InvalidValueError, match="threshold"):
            sm.blocs(sm.load_dataset("ukraine"), threshold=threshold)

    def test_threshold_range_follows_the_method(self):
        """s-score may take thresholds down to -1; kappa any number up to 1."""
        m = sm.load_dataset("ukraine")
        assert 1 == len(sm.blocs(m, threshold=-1, method="s-score").groups)
        assert 1 == len(sm.blocs(m, threshold=-100, method="kappa").groups)

    def test_k_above_the_actors_with_stances_is_refused(self):
        """Asking for more blocs than actors with a known stance is an error."""
        m = sm.load_dataset("unga").select(issues=["5309"])
        with pytest.raises(InvalidValueError, match="actors have a known stance"):
            sm.blocs(m, k=len(m.actors))

    def test_groups_without_shared_issue_cannot_make_fewer_blocs(self):
        """Two camps that share no issue cannot be one bloc: k=1 says so."""
        m = sm.StanceMatrix.from_positions(
            [sm.Position("A", "p", "support", "s"), sm.Position("B", "q", "support", "s")],
            actors=[sm.Actor("A", "A"), sm.Actor("B", "B")],
            issues=[sm.Issue("p", "p", "p"), sm.Issue("q", "q", "q")],
            sources=[sm.Source("s", "s")],
        )
        assert (("A",), ("B",)) == sm.blocs(m, k=2).groups
        with pytest.raises(InvalidValueError, match="2 groups that share no issue"):
            sm.blocs(m, k=1)

    @settings(max_examples=100)
    @given(matrices(max_claims=20), st.integers(1, 4))
    def test_k_groups_partition_the_actors_with_stances(self, m, k):
        """Blocs partition the actors with a known stance into exactly k groups (or refuse)."""
        try:
            result = sm.blocs(m, k=k)
        except InvalidValueError:
            return
        members = list(itertools.chain(*result.groups))
        left = [x.actor for x in result.left_out]
        assert sorted(a.key for a in m.actors) == sorted(members + left)
        assert k == len(result.groups)

    @settings(max_examples=200, deadline=None)
    @given(linked_matrices(), agreement_methods, st.data())
    def test_k_equals_scipy_average_linkage(self, m, method, data):
        """blocs(k=K) is scipy's average linkage on 1 - score, cut into K groups."""
        keys = [a.key for a in m.actors if any(m.position(a.key, i.key) for i in m.issues)]
        known = [k for k in keys if m.scale.value(m.position(k, "i0").stance) is not None]
        if not known or not every_pair_scored(m, known, method):
            event("a pair without a score: scipy needs every distance")
            return
        k = data.draw(st.integers(1, len(known)))
        result = sm.blocs(m, k=k, method=method)
        assert k == len(result.groups)
        assert known == [a for a in keys if a in set(itertools.chain(*result.groups))]
        if len(known) == 1 or tie_before(m, known, method, len(known) - k):
            event("tie: any closest pair may merge first")
            return
        z, _ = scipy_blocs(m, known, method)
        expected = partition(known, cut_tree(z, n_clusters=k).ravel())
        assert expected == {frozenset(g) for g in result.groups}

    @settings(max_examples=200, deadline=None)
    @given(linked_matrices(), agreement_methods, st.floats(0, 1))
    def test_threshold_equals_scipy_distance_cut(self, m, method, threshold):
        """blocs(threshold=t) is scipy's average linkage cut at distance 1 - t."""
        known = [
            a.key
            for a in m.actors
            if (p := m.position(a.key, "i0")) and m.scale.value(p.stance) is not None
        ]
        if len(known) < 2 or not every_pair_scored(m, known, method):
            event("a pair without a score: scipy needs every distance")
            return
        if tie_before(m, known, method, len(known) - 1):
            event("tie: any closest pair may merge first")
            return
        z, _ = scipy_blocs(m, known, method)
        if any(abs(h - (1 - threshold)) < 1e-9 for h in z[:, 2]):
            event("a merge at the threshold itself")
            return
        expected = partition(known, fcluster(z, 1 - threshold, criterion="distance"))
        result = sm.blocs(m, threshold=threshold, method=method)
        assert expected == {frozenset(g) for g in result.groups}


class TestNumpyPath:
    @settings(max_examples=100)
    @given(st.one_of(matrices(max_claims=20), wide_matrices()), agreement_methods)
    def test_same_results_as_bitsets(self, m, method):
        """With numpy installed, large matrices use one-hot matrix products; the results
        equal the bitset path's exactly."""
        pytest.importorskip("numpy")
        from stancematrix._query import agreement as _agreement

        assert _agreement.USE_NUMPY
        cells = _agreement.NUMPY_CELLS
        try:
            _agreement.NUMPY_CELLS = 0
            fast = sm.agreement_matrix(m, method=method)
            _agreement.USE_NUMPY = False
            plain = sm.agreement_matrix(m, method=method)
        finally:
            _agreement.NUMPY_CELLS = cells
            _agreement.USE_NUMPY = True
        assert plain == fast

    def test_unga_extract(self):
        """On the UNGA extract both paths agree for every method."""
        pytest.importorskip("numpy")
        from stancematrix._query import agreement as _agreement

        m = unga_extract()
        cells = _agreement.NUMPY_CELLS
        view_codes = list(range(len(m.actors)))
        for method in METHODS:
            assert _agreement.numpy_scores(store_of(m), view_codes, method) is None  # too small
            try:
                _agreement.NUMPY_CELLS = 0
                assert _agreement.numpy_scores(store_of(m), view_codes, method) is not None
                fast = sm.agreement_matrix(m, method=method)
                _agreement.USE_NUMPY = False
                plain = sm.agreement_matrix(m, method=method)
            finally:
                _agreement.NUMPY_CELLS = cells
                _agreement.USE_NUMPY = True
            assert plain == fast
