from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix.exceptions import DuplicateKeyError, InvalidValueError
from stancematrix.results import LeftOut
from tests.strategies import matrices, partial_dates


@pytest.fixture(scope="module")
def ukraine() -> sm.StanceMatrix:
    return sm.load_dataset("ukraine")


def known_values(m: sm.StanceMatrix, actors, issue: str) -> dict[str, float]:
    """Each named actor's known stance value on *issue*, by position()."""
    out = {}
    for a in actors:
        p = m.position(a, issue)
        if p is not None and m.scale.value(p.stance) is not None:
            value = m.scale.value(p.stance)
            assert value is not None
            out[a] = value
    return out


class TestConflicts:
    def test_seed_001_against_002_and_004_on_territory(self, ukraine):
        """Seed 001's US support for Ukraine's territory conflicts with seeds 002 and 004,
        and both quotes are given."""
        territory = [c for c in sm.conflicts(ukraine) if (c.actor, c.issue) == ("US", "territory")]
        pairs = {(c.first.source, c.second.source) for c in territory}
        assert {
            ("ukraine-strategy", "us-russia-relations"),
            ("ukraine-strategy", "second-term-pivot"),
        } == pairs
        for c in territory:
            assert c.first.quote is not None
            assert c.second.quote is not None
            assert {"support", "oppose"} == {c.first.stance, c.second.stance}
        assert "acknowledging Moscow’s control over certain Ukrainian territories" in (
            sm.conflicts(ukraine).to_text(width=1000)
        )

    def test_periods_that_do_not_overlap_do_not_conflict(self, ukraine):
        """Seed 002's 2014 claim and seed 004's 2025 claim on US territory do not conflict."""
        for c in sm.conflicts(ukraine):
            dates = {str(c.first.date), str(c.second.date)}
            assert {"2014", "2025-01/2025-03"} != dates

    def test_bad_gap(self, ukraine):
        """A gap must be a positive number."""
        with pytest.raises(InvalidValueError):
            sm.conflicts(ukraine, gap=0)

    @settings(max_examples=150)
    @given(matrices(max_claims=16), st.none() | st.integers(1, 4))
    def test_matches_definition(self, m, gap):
        """Exactly the pairs of claims from different sources, overlapping in time, on
        opposite sides of neutral (or at least gap apart) are reported."""
        scale = m.scale
        mid = scale.midpoint
        expected = []
        for a, i in itertools.product(m.actors, m.issues):
            for p, q in itertools.combinations(m.claims(a.key, i.key), 2):
                x, y = scale.value(p.stance), scale.value(q.stance)
                if p.source == q.source or x is None or y is None:
                    continue
                if not ((x - mid) * (y - mid) < 0 or (gap is not None and abs(x - y) >= gap)):
                    continue
                apart = (
                    p.date
                    and q.date
                    and (p.date.first_day > q.date.last_day or q.date.first_day > p.date.last_day)
                )
                if apart:
                    continue
                expected.append((p, q))
        assert expected == [(c.first, c.second) for c in sm.conflicts(m, gap=gap)]

    @settings(max_examples=60)
    @given(matrices(max_claims=16), partial_dates())
    def test_as_of_keeps_undated_claims(self, m, when):
        """conflicts(as_of=t) reports the conflicts whose two claims may hold at t: each
        kept by the snapshot m.as_of(t), or undated."""
        snapshot = m.as_of(when)

        def may_hold(p: sm.Position) -> bool:
            return p.date is None or p in snapshot.claims(p.actor, p.issue)

        expected = [c for c in sm.conflicts(m) if may_hold(c.first) and may_hold(c.second)]
        assert expected == list(sm.conflicts(m, as_of=when))

    @settings(max_examples=150)
    @given(matrices(max_claims=16), st.none() | st.integers(1, 4))
    def test_kind_matches_definition(self, m, gap):
        """A conflict is a change exactly when some source has dated claims, with different
        starts, matching each claim's stance (by side, or by stance for a one-sided gap
        conflict), and the two claims are not dated alike; told_by is the first such
        source in rank order."""
        scale = m.scale
        ranks = [s.id for s in m.sources]

        def side(p: sm.Position) -> int:
            value = scale.value(p.stance)
            assert value is not None
            return int(value > scale.midpoint) - int(value < scale.midpoint)

        for c in sm.conflicts(m, gap=gap):
            p, q = c.first, c.second

            def phase(r: sm.Position, p=p, q=q) -> int | None:
                if scale.value(r.stance) is None:
                    return None
                if side(p) != side(q):
                    return 0 if side(r) == side(p) else 1 if side(r) == side(q) else None
                return 0 if r.stance == p.stance else 1 if r.stance == q.stance else None

            cell = m.claims(c.actor, c.issue)
            tellers = {
                r.source
                for r in cell
                for t in cell
                if r.source == t.source
                and r.date is not None
                and t.date is not None
                and r.date.start != t.date.start
                and (phase(r), phase(t)) == (0, 1)
            }
            alike = p.date is not None and q.date is not None and p.date.start == q.date.start
            told_by = None if alike or not tellers else min(tellers, key=ranks.index)
            assert (told_by, "change" if told_by else "disagreement") == (c.told_by, c.kind)

    @settings(max_examples=60)
    @given(matrices(max_claims=16), st.sampled_from(["disagreement", "change"]))
    def test_kind_filter(self, m, kind):
        """kind= keeps exactly the conflicts of that kind, in order."""
        expected = [c for c in sm.conflicts(m) if c.kind == kind]
        assert expected == list(sm.conflicts(m, kind=kind))

    def test_bad_kind(self, ukraine):
        """An unknown kind is an error naming the kinds."""
        with pytest.raises(InvalidValueError, match="disagreement, change"):
            sm.conflicts(ukraine, kind="time")

    def test_territory_is_a_disagreement(self, ukraine):
        """Seed 001 against the Trump-plan and second-term articles on US territory is a
        disagreement: no source tells the US moving between those stances."""
        territory = [c for c in sm.conflicts(ukraine) if (c.actor, c.issue) == ("US", "territory")]
        assert {
            ("ukraine-strategy", "us-russia-relations"),
            ("ukraine-strategy", "second-term-pivot"),
        } == {(c.first.source, c.second.source) for c in territory}
        assert {("disagreement", None)} == {(c.kind, c.told_by) for c in territory}
        assert set(territory) <= set(sm.conflicts(ukraine).disagreements)

    def test_rapprochement_is_a_change(self, ukraine):
        """Every conflict on US–Russia rapprochement is the praise-then-criticism change the
        second-term article tells (its conciliatory start, then the shift)."""
        reset = [c for c in sm.conflicts(ukraine) if c.issue == "us-russia-reset"]
        assert 7 == len(reset)
        assert {("change", "second-term-pivot")} == {(c.kind, c.told_by) for c in reset}
        assert reset == [
            c for c in sm.conflicts(ukraine, kind="change") if c.issue == "us-russia-reset"
        ]

    def test_kinds_partition(self, ukraine):
        """Disagreements and changes together are all the conflicts."""
        found = sm.conflicts(ukraine)
        assert sorted(found, key=repr) == sorted(found.disagreements + found.changes, key=repr)
        assert found.disagreements == sm.conflicts(ukraine, kind="disagreement").conflicts
        assert found.changes == sm.conflicts(ukraine, kind="change").conflicts

    def test_as_of_is_not_empty(self, ukraine):
        """As of the end of 2025 the undated claims still conflict with the dated ones: the
        territory disagreement with seed 004 stays."""
        found = sm.conflicts(ukraine, as_of="2025-12-31")
        assert 0 < len(found)
        assert ("ukraine-strategy", "second-term-pivot", "disagreement") in {
            (c.first.source, c.second.source, c.kind) for c in found if c.issue == "territory"
        }

    def test_kind_in_text_and_markdown(self, ukraine):
        """Text and Markdown show each conflict's kind, with the source that tells a change,
        and a line saying what the kinds mean."""
        found = sm.conflicts(ukraine)
        text, markdown = found.to_text(width=1000), found.to_markdown()
        for out in (text, markdown):
            assert "change (second-term-pivot)" in out
            assert "disagreement" in out
            assert "kind: disagreement = the sources disagree" in out
        assert "| kind " in markdown
        none = sm.conflicts(ukraine.select(sources=["putin-pivot"]))
        assert "kind:" not in none.to_text() + none.to_markdown()

    def test_as_of_on_the_dataset(self, ukraine):
        """As of 2014 only undated claims and 2014's remain; seed 004's 2025 claim is gone."""
        sources = {c.second.source for c in sm.conflicts(ukraine, as_of="2014")}
        assert "second-term-pivot" not in sources


class TestCoverage:
    def test_counts(self, ukraine):
        """US sanctions: 10 claims from 4 sources; the EU knows nothing about territory."""
        result = sm.coverage(ukraine)
        us, sanctions = result.actors.index("US"), result.issues.index("sanctions")
        assert (10, 4, True) == (
            result.claims[us][sanctions],
            result.sources[us][sanctions],
            result.known[us][sanctions],
        )
        assert ("EU", "territory") in result.missing
        assert "10/4" in result.to_text()

    @settings(max_examples=100)
    @given(matrices(max_claims=16))
    def test_matches_claims(self, m):
        """Counts equal the claims() of each cell; known means some stance is on the scale."""
        result = sm.coverage(m)
        for x, a in enumerate(m.actors):
            for y, i in enumerate(m.issues):
                claims = m.claims(a.key, i.key)
                assert len(claims) == result.claims[x][y]
                assert len({c.source for c in claims}) == result.sources[x][y]
                known = any(m.scale.value(c.stance) is not None for c in claims)
                assert known == result.known[x][y]
        cells = len(m.actors) * len(m.issues)
        assert cells - len(result.missing) == pytest.approx(result.share * cells)

    def test_names_actors_and_issues_with_nothing_known(self):
        """Coverage names the actors and issues with no known stance, and says so."""
        m = sm.load_dataset("unga").select(issues=["5309", "5310", "5311"])
        result = sm.coverage(m)
        assert 13 == len(result.empty_actors)
        assert "CS" in result.empty_actors
        assert () == result.empty_issues
        assert "no known stance at all: actors CS, TW" in result.to_text()
        assert "no known stance at all: actors CS, TW" in result.to_markdown()
        assert 1.0 > result.share
        assert () == sm.coverage(m.select(drop_empty=True)).empty_actors


class TestPolarization:
    def test_ukraine(self, ukraine):
        """Sanctions split the US and Congress from Russia: two strongly support, one
        oppose."""
        row = next(r for r in sm.polarization(ukraine) if r.issue == "sanctions")
        assert (3, (0, 1, 0, 0, 2)) == (row.n, row.counts)
        assert row.spread == pytest.approx(0.7071, abs=1e-4)

    @settings(max_examples=100)
    @given(matrices(max_claims=16))
    def test_matches_definition(self, m):
        """n, counts, mean and spread follow the definition; most divided first."""
        result = sm.polarization(m)
        half = (m.scale.maximum - m.scale.minimum) / 2
        actors = [a.key for a in m.actors]
        for row in result:
            values = list(known_values(m, actors, row.issue).values())
            assert len(values) == row.n == sum(row.counts)
            if values:
                mean = sum(values) / len(values)
                sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
                assert row.mean == pytest.approx(mean)
                assert row.spread == pytest.approx(sd / half)
                assert row.spread is not None
                assert 0 <= row.spread <= 1 + 1e-9
        spreads = [r.spread for r in result if r.spread is not None]
        assert sorted(spreads, reverse=True) == spreads

    def test_left_out_actors_are_named(self):
        """Actors with no known stance count on no issue; the result names them and why."""
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "q", "support", "s"),
                sm.Position("B", "q", "no position reported", "s"),
            ],
            actors=[sm.Actor(k, k) for k in "ABC"],
            issues=[sm.Issue("q", "q", "p")],
            sources=[sm.Source("s", "s")],
        )
        result = sm.polarization(m)
        expected = (LeftOut("B", "no known stance"), LeftOut("C", "no claims"))
        assert expected == result.left_out
        assert "left out: B (no known stance), C (no claims)" in result.to_text()
        assert "left out: B (no known stance), C (no claims)" in result.to_markdown()
        assert () == sm.polarization(m, actors=["A"]).left_out


class TestCommonGroundAndDeadlocks:
    def test_ukraine(self, ukraine):
        """The US, NATO and Germany agree on military aid; the US and Russia deadlock on
        sanctions."""
        assert ("military-aid",) == sm.common_ground(ukraine, ["US", "NATO", "DE"]).issues
        assert "sanctions" in sm.deadlocks(ukraine, ["US", "RU"]).issues
        assert "military-aid" not in sm.deadlocks(ukraine).issues

    def test_repeated_actor(self, ukraine):
        """Naming an actor twice, even by an alias, is an error, not a silent merge."""
        with pytest.raises(DuplicateKeyError):
            sm.deadlocks(ukraine, ["US", "United States"])
        with pytest.raises(DuplicateKeyError):
            sm.polarization(ukraine, actors=["RU", "RU"])

    def test_bad_tolerance(self, ukraine):
        """A negative tolerance is rejected."""
        with pytest.raises(InvalidValueError):
            sm.common_ground(ukraine, ["US"], tolerance=-1)

    @settings(max_examples=100)
    @given(matrices(max_claims=16), st.data(), st.integers(0, 3))
    def test_match_definitions(self, m, data, tolerance):
        """Common ground: everyone known, and same side or within tolerance. Deadlock: some
        above and some below neutral."""
        actors = data.draw(
            st.lists(st.sampled_from([a.key for a in m.actors]), min_size=1, unique=True)
        )
        mid = m.scale.midpoint
        common, locked = [], []
        for issue in m.issues:
            values = known_values(m, actors, issue.key)
            v = list(values.values())
            if len(values) == len(actors) and (
                max(v) - min(v) <= tolerance or all(x > mid for x in v) or all(x < mid for x in v)
            ):
                common.append(issue.key)
            if any(x > mid for x in v) and any(x < mid for x in v):
                locked.append(issue.key)
        assert tuple(common) == sm.common_ground(m, actors, tolerance=tolerance).issues
        assert tuple(locked) == sm.deadlocks(m, actors).issues
