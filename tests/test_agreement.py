from __future__ import annotations

import csv
import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._query.agreement import METHODS
from stancematrix._store import store_of
from stancematrix.exceptions import DuplicateKeyError, InvalidValueError, UnknownActorError
from stancematrix.results import Agreement
from tests.conftest import ROOT
from tests.strategies import agreement_methods, matrices, partial_dates, wide_matrices

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


def reference(m: sm.StanceMatrix, a: str, b: str, method: str) -> tuple[float | None, int]:
    """The definitions, written out plainly over position() (no bitsets, no numpy)."""
    scale = m.scale
    values = [level.value for level in scale.levels]
    low, high = min(values), max(values)
    mid = (low + high) / 2
    pairs = []
    for issue in m.issues:
        pa, pb = m.position(a, issue.key), m.position(b, issue.key)
        if pa is None or pb is None:
            continue
        x, y = scale.value(pa.stance), scale.value(pb.stance)
        if x is None or y is None:
            continue
        pairs.append((x, y))
    n = len(pairs)
    if n == 0:
        return None, 0
    if method == "identical":
        return sum(1 for x, y in pairs if x == y) / n, n
    if method == "coincidence":
        total = 0.0
        for x, y in pairs:
            sx, sy = (x > mid) - (x < mid), (y > mid) - (y < mid)
            if sx == sy:
                total += 1
            elif sx == 0 or sy == 0:
                total += 0.5
        return total / n, n
    if method == "s-score":
        return 1 - 2 * sum(abs(x - y) for x, y in pairs) / (n * (high - low)), n
    # Cohen's weighted kappa, linear disagreement weights |x - y| / range.
    assert "kappa" == method, f"no reference for the method {method!r}"
    observed = sum(abs(x - y) / (high - low) for x, y in pairs) / n
    if observed == 0:
        return 1.0, n
    xs = [x for x, _ in pairs]
    ys = [y for _, y in pairs]
    expected = 0.0
    for u in values:
        for v in values:
            expected += (xs.count(u) / n) * (ys.count(v) / n) * abs(u - v) / (high - low)
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
        result = sm.agreement(m, "US", "RU", method="coincidence")
        both = [i.key for i in m.issues if m.position("US", i.key) and m.position("RU", i.key)]
        assert len(both) == result.n
        assert result.score is not None
        assert 0 < result.score < 1

    def test_abstain_is_half(self):
        """Yes against abstain counts 0.5 in the coincidence index, yes against no 0."""
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
        assert Agreement("A", "B", "coincidence", 0.5, 3) == sm.agreement(m, "A", "B")
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
        assert Agreement("A", "B", "coincidence", 1.0, 1) == sm.agreement(m, "A", "B")

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
        assert "US–RU coincidence: 0.250 (n=8)" == sm.agreement(m, "US", "RU").to_text()
        grid = sm.agreement_matrix(m, actors=["US", "RU"]).to_markdown()
        assert "| US | 1.000 | 0.250 |" in grid


class TestAgreementLaws:
    @settings(max_examples=150)
    @given(matrices(max_claims=20), agreement_methods)
    def test_symmetric_in_range_and_self_one(self, m, method):
        """Agreement is symmetric, in range, and 1 with oneself wherever one has a stance."""
        table = sm.agreement_matrix(m, method=method)
        size = len(table.actors)
        low = -1 if method == "s-score" else 0
        for x in range(size):
            for y in range(size):
                assert table.counts[x][y] == table.counts[y][x]
                s, t = table.scores[x][y], table.scores[y][x]
                assert (s is None) == (t is None) == (table.counts[x][y] == 0)
                if s is not None and t is not None:
                    assert s == pytest.approx(t, abs=1e-12)
                    assert s <= 1 + 1e-12
                    if method != "kappa":
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


class TestBlocs:
    def test_unga_extract_blocs_are_deterministic(self):
        """Two runs give the same groups; every actor is in exactly one group."""
        m = unga_extract()
        first = sm.blocs(m, k=3)
        assert first == sm.blocs(m, k=3)
        assert 3 == len(first.groups)
        assert sorted(a.key for a in m.actors) == sorted(itertools.chain(*first.groups))

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

    @settings(max_examples=100)
    @given(matrices(max_claims=20), st.integers(1, 4))
    def test_k_groups_partition_the_actors(self, m, k):
        """Blocs partition the actors; there are at least k groups (fewer merges if no
        evidence links them) and at most the number of actors."""
        result = sm.blocs(m, k=k)
        members = list(itertools.chain(*result.groups))
        assert sorted(a.key for a in m.actors) == sorted(members)
        assert min(k, len(m.actors)) <= len(result.groups) <= len(m.actors)


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
