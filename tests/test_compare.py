from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._shifts import classify
from stancematrix.exceptions import InvalidValueError, UnknownActorError, UnknownIssueError
from tests.strategies import hostile_texts, matrices, partial_dates


@pytest.fixture(scope="module")
def ukraine() -> sm.StanceMatrix:
    return sm.load_dataset("ukraine")


class TestCompare:
    def test_seed_001_gaps(self, ukraine):
        """By seed 001's tables, the US and Russia are opposed on territory, NATO and
        sanctions, and the rows come largest gap first."""
        result = sm.compare(ukraine, "US", "RU", sources=["ukraine-strategy"])
        territory = result.row("territory")
        assert ("support", "strongly oppose", 3, "opposed") == (
            territory.a.stance if territory.a else None,
            territory.b.stance if territory.b else None,
            territory.gap,
            territory.relation,
        )
        assert (2, "opposed") == (
            result.row("nato-expansion").gap,
            result.row("nato-expansion").relation,
        )
        assert (3, "opposed") == (
            result.row("ukraine-nato").gap,
            result.row("ukraine-nato").relation,
        )
        assert (2, "opposed") == (result.row("sanctions").gap, result.row("sanctions").relation)
        russia = result.row("sanctions").b
        assert russia is not None
        assert "Views sanctions as unfair and destabilizing" == russia.summary
        gaps = [r.gap for r in result.rows if r.gap is not None]
        assert sorted(gaps, reverse=True) == gaps
        assert 7 == result.n  # the six table rows, and Western integration from the prose

    def test_latest_claims_by_default(self, ukraine):
        """Without a source filter each side is position(): the US's 2025 sanctions threat."""
        row = sm.compare(ukraine, "US", "RU").row("sanctions")
        assert row.a == ukraine.position("US", "sanctions")
        assert row.a is not None
        assert ("strongly support", 3, "opposed") == (row.a.stance, row.gap, row.relation)

    def test_as_of(self, ukraine):
        """As of March 2025 the US still opposed sanctions: same side as Russia."""
        row = sm.compare(ukraine, "US", "RU", as_of="2025-03").row("sanctions")
        assert row.a is not None
        assert ("oppose", "same") == (row.a.stance, row.relation)

    def test_unknown_rows_last(self, ukraine):
        """Issues where only one side is known come last, with relation 'unknown'."""
        result = sm.compare(ukraine, "US", "RU")
        unknown = [r for r in result.rows if r.gap is None]
        assert unknown == list(result.rows[-len(unknown) :])
        assert {"unknown"} == {r.relation for r in unknown}

    def test_relations(self):
        """Same, close (adjacent levels), apart, opposed (across neutral)."""
        scale = sm.Scale.five_point()
        from stancematrix._query.compare import relation

        assert "same" == relation(scale, "support", "support")
        assert "close" == relation(scale, "support", "strongly support")
        assert "close" == relation(scale, "neutral", "support")
        assert "apart" == relation(scale, "neutral", "strongly support")
        assert "opposed" == relation(scale, "oppose", "support")
        assert "unknown" == relation(scale, "no position reported", "support")
        assert "unknown" == relation(scale, None, "support")

    def test_printing(self, ukraine):
        """A comparison prints as a table with both stances, summaries, gap and relation."""
        text = sm.compare(ukraine, "US", "RU", sources=["ukraine-strategy"]).to_text(width=400)
        assert text.splitlines()[0] == "United States vs Russia: 7 issues where both are known"
        assert "Claims Crimea as integral part of Russia; backs separatists in Donbas" in text
        one = sm.compare(ukraine, "RU", "DE").to_text(width=400).splitlines()[0]
        assert "Russia vs Germany: 1 issue where both are known" == one
        markdown = sm.compare(ukraine, "US", "RU").to_markdown()
        assert "| sanctions " in markdown

    def test_unknown_actor(self, ukraine):
        """An unknown actor raises UnknownActorError."""
        with pytest.raises(UnknownActorError):
            sm.compare(ukraine, "US", "XX")

    @settings(max_examples=100)
    @given(matrices(max_claims=16), st.data())
    def test_select_then_compare(self, m, data):
        """Comparing on a sub-matrix of some issues gives the full comparison's rows for them."""
        keys = [a.key for a in m.actors]
        a, b = data.draw(st.sampled_from(keys)), data.draw(st.sampled_from(keys))
        drawn = data.draw(st.sets(st.sampled_from([i.key for i in m.issues])))
        issues = [i.key for i in m.issues if i.key in drawn]  # ties keep the issue order
        actors = list(dict.fromkeys([a, b]))
        full = sm.compare(m, a, b)
        part = sm.compare(m.select(actors=actors, issues=issues), a, b)
        assert [r for r in full.rows if r.issue in issues] == list(part.rows)
        assert part == sm.compare(m.select(actors=actors, issues=issues), a, b)

    @settings(max_examples=100)
    @given(matrices(max_claims=16), st.data())
    def test_rows_match_position(self, m, data):
        """Each row holds both actors' position() claims; n counts rows with both known."""
        keys = [a.key for a in m.actors]
        a, b = data.draw(st.sampled_from(keys)), data.draw(st.sampled_from(keys))
        result = sm.compare(m, a, b)
        for row in result.rows:
            assert m.position(a, row.issue) == row.a
            assert m.position(b, row.issue) == row.b
        expected = [
            i.key
            for i in m.issues
            if m.position(a, i.key) is not None or m.position(b, i.key) is not None
        ]
        assert sorted(expected) == sorted(r.issue for r in result.rows)
        assert sum(1 for r in result.rows if r.gap is not None) == result.n


class TestStance:
    @settings(max_examples=100)
    @given(matrices(max_claims=16), st.none() | partial_dates())
    def test_stance_is_positions_stance(self, m, when):
        """stance() is position().stance (None where position() is None), for any date."""
        for a, i in itertools.product(m.actors, m.issues):
            p = m.position(a.key, i.key, as_of=when)
            assert (None if p is None else p.stance) == m.stance(a.key, i.key, as_of=when)

    def test_start_and_precision_order_claims(self):
        """The latest start wins; on the same first day the more precise date is later."""
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "i", "oppose", "s", date="2025"),
                sm.Position("A", "i", "support", "s", date="2025-03"),
                sm.Position("A", "i", "neutral", "s", date="2025-03-01"),
            ],
            actors=[sm.Actor("A", "A")],
            issues=[sm.Issue("i", "i", "p")],
            sources=[sm.Source("s", "s")],
        )
        assert "neutral" == m.stance("A", "i")
        assert "oppose" == m.stance("A", "i", as_of="2025-02")
        assert "neutral" == m.stance("A", "i", as_of="2025-03-01")
        assert None is m.stance("A", "i", as_of="2024")

    def test_errors(self, ukraine):
        """stance() raises like position()."""
        with pytest.raises(UnknownIssueError):
            ukraine.stance("US", "nothing")
        with pytest.raises(InvalidValueError):
            ukraine.stance("US", "sanctions", as_of="March")
        assert "strongly support" == ukraine.stance("United States", "Economic sanctions")

    @settings(max_examples=100)
    @given(matrices(max_claims=16), partial_dates(), partial_dates())
    def test_as_of_monotone(self, m, t1, t2):
        """A cell known at one date stays known at every later date."""
        early, late = sorted([t1, t2], key=lambda d: d.last_day)
        for a, i in itertools.product(m.actors, m.issues):
            if m.position(a.key, i.key, as_of=early) is not None:
                assert m.position(a.key, i.key, as_of=late) is not None


class TestTimeline:
    def test_us_sanctions(self, ukraine):
        """The second-term article's move from easing sanctions to oil sanctions is a reversal
        of size 3."""
        timeline = ukraine.timeline("US", "sanctions")
        assert list(ukraine.claims("US", "sanctions")) == list(timeline.claims)
        (shift,) = [s for s in timeline.shifts if s.after.stance == "strongly support"]
        assert ("reversed", 3) == (shift.kind, shift.size)
        assert ("oppose", "easing American sanctions") == (
            shift.before.stance,
            shift.before.summary,
        )
        assert ("strongly support", "2025-01-20/2025-07~") == (
            shift.after.stance,
            str(shift.after.date),
        )
        assert shift in ukraine.shifts()
        assert "reversed" in timeline.to_text()

    def test_shifts_filters(self, ukraine):
        """shifts() can be narrowed to one actor or issue, by key or alias."""
        assert all(s.actor == "RU" for s in ukraine.shifts(actor="Kremlin"))
        assert [s for s in ukraine.shifts() if s.issue == "sanctions"] == list(
            ukraine.shifts(issue="Economic sanctions")
        )
        with pytest.raises(UnknownActorError):
            ukraine.shifts(actor="XX")

    def test_undated_claims_never_shift(self):
        """Undated claims are listed but take part in no shift."""
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "i", "oppose", "s"),
                sm.Position("A", "i", "support", "s", date="2020"),
            ],
            actors=[sm.Actor("A", "A")],
            issues=[sm.Issue("i", "i", "p")],
            sources=[sm.Source("s", "s")],
        )
        assert () == m.timeline("A", "i").shifts
        assert 2 == len(m.timeline("A", "i").claims)

    @settings(max_examples=150)
    @given(matrices(max_claims=16))
    def test_shifts_chain_to_the_current_position(self, m):
        """Shifts of a cell chain (each starts where the previous ended), are classified by
        classify(), and the last one ends in the cell's current stance."""
        for a, i in itertools.product(m.actors, m.issues):
            shifts = m.timeline(a.key, i.key).shifts
            for before, after in itertools.pairwise(shifts):
                assert before.after.stance == after.before.stance
            for s in shifts:
                assert (s.kind, s.size) == classify(m.scale, s.before.stance, s.after.stance)
                assert s.before.date is not None
                assert s.after.date is not None
                assert s.before.date.start != s.after.date.start
            if shifts:
                assert shifts[-1].after.stance == m.stance(a.key, i.key)
        assert [s for a in m.actors for s in m.shifts(actor=a.key)] == list(m.shifts())


class TestPrinting:
    @settings(max_examples=60)
    @given(st.lists(hostile_texts, min_size=2, max_size=2))
    def test_markdown_cells_stay_cells(self, quotes):
        """Any quote, however hostile, stays inside its cell of a conflicts table, and reads
        back as itself."""
        from stancematrix._escape import _MARKDOWN_CONTROL, unescape_markdown_cell

        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "i", "support", "s", quote=quotes[0]),
                sm.Position("A", "i", "oppose", "t", quote=quotes[1]),
            ],
            actors=[sm.Actor("A", "A")],
            issues=[sm.Issue("i", "i", "p")],
            sources=[sm.Source("s", "s"), sm.Source("t", "t")],
        )
        # Markdown ends lines at \n and \r only (str.splitlines would also split at \f).
        table, note = sm.conflicts(m).to_markdown().rstrip("\n").split("\n\n")
        lines = table.split("\n")
        assert 3 == len(lines)
        assert note.startswith("kind: ")
        row = lines[2]
        cells = [c.strip(" ") for c in re.split(r"(?<!\\)\|", row)[1:-1]]
        assert 7 == len(cells)
        # Controls a Markdown file cannot carry become U+FFFD (see stancematrix._escape).
        shown = [_MARKDOWN_CONTROL.sub("\ufffd", q) for q in quotes]
        assert shown[0] == unescape_markdown_cell(cells[4])
        assert shown[1] == unescape_markdown_cell(cells[6])

    def test_text_shows_control_characters(self):
        """An escape sequence in a quote is shown, not sent to the terminal."""
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "i", "support", "s", quote="\x1b[2Jgone"),
                sm.Position("A", "i", "oppose", "t", quote="fine"),
            ],
            actors=[sm.Actor("A", "A")],
            issues=[sm.Issue("i", "i", "p")],
            sources=[sm.Source("s", "s"), sm.Source("t", "t")],
        )
        assert "\x1b" not in sm.conflicts(m).to_text()
