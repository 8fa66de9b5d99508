"""The laws a diff keeps as a patch, under every option and selection (public API only).

``d = sm.diff(old, new, **options)``; ``d.apply(old)`` is *new* as the options see it:

- with no option, exactly *new*;
- with ``stance_only``, ``ignore_case`` or ``ignore_whitespace``, a matrix the same
  options find no difference from *new*, whose every claim is *old*'s or *new*'s (a claim
  the options call unchanged keeps *old*'s wording);
- with ``actors=`` or ``issues=``, *new* in the selected actors' or issues' entries and
  cells, *old* everywhere else (other cells, metadata), with whatever entries the kept
  cells still cite.
"""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stancematrix as sm
from tests.strategies import loose_pairs, matrix_pairs

TEXT_OPTIONS = [
    {"stance_only": True},
    {"ignore_case": True},
    {"ignore_whitespace": True},
    {"ignore_case": True, "ignore_whitespace": True},
]


def build(claims, actors="AB", issues="ij"):
    return sm.StanceMatrix.from_positions(
        claims,
        actors=[sm.Actor(k, k) for k in actors],
        issues=[sm.Issue(k, k.upper(), "P") for k in issues],
        sources=[sm.Source("s", "S")],
    )


def claim(actor="A", issue="i", stance="support", summary=None):
    return sm.Position(actor, issue, stance, "s", summary=summary)


def cells_of(m: sm.StanceMatrix, part: str, key: str) -> set[sm.Position]:
    return {c for c in m if getattr(c, part) == key}


def entry(m: sm.StanceMatrix, part: str, key: str) -> object:
    return next((e for e in getattr(m, f"{part}s") if e.key == key), None)


class TestTextOptions:
    @pytest.mark.parametrize("options", TEXT_OPTIONS, ids=lambda o: "+".join(o))
    def test_gained_claim_differing_in_wording(self, options):
        """A cell gaining a claim that differs from its old one only in wording patches."""
        old = build([claim(summary="Yes")])
        new = build([claim(summary="Yes"), claim(summary="YES"), claim(summary="Aye")])
        patched = sm.diff(old, new, **options).apply(old)
        assert (set(new), False) == (set(patched), bool(sm.diff(patched, new, **options)))

    @settings(max_examples=40)  # generating pairs is the slow part
    @given(loose_pairs(), st.sampled_from(TEXT_OPTIONS))
    def test_apply_gives_new_as_the_options_see_it(self, pair, options):
        """apply(old) differs from new in nothing the options compare, and invents nothing."""
        old, new = pair
        patched = sm.diff(old, new, **options).apply(old)
        assert not sm.diff(patched, new, **options)
        assert set(patched) <= set(old) | set(new)

    @settings(max_examples=30)
    @given(loose_pairs())
    def test_without_options_exactly_new(self, pair):
        """With no option, apply(old) is new itself."""
        old, new = pair
        assert new == sm.diff(old, new).apply(old)


class TestSelections:
    def test_selected_actor_keeps_issue_others_use(self):
        """Selecting actors never removes an issue an unselected actor's cell still uses."""
        old = build([claim("A", "i"), claim("B", "j", "oppose")])
        new = build([claim("A", "i", "oppose")], actors="AC", issues="i")
        for chosen in (["A"], ["C"], ["A", "C"]):
            patched = sm.diff(old, new, actors=chosen).apply(old)
            assert cells_of(old, "actor", "B") == cells_of(patched, "actor", "B")

    def test_reordered_with_unselected_addition(self):
        """A reordering next to an unselected new actor is no KeyError: the order is kept."""
        old = build([claim("A"), claim("B")], actors="AB")
        new = build([claim("A"), claim("B")], actors="BAc")
        patched = sm.diff(old, new, actors=["A", "B"]).apply(old)
        assert ("A", "B") == tuple(a.key for a in patched.actors)

    def test_a_key_in_either_matrix_means_that_key(self):
        """A selected key new adds is not also the old actor whose name it is."""
        issues = [sm.Issue("i", "I", "p")]
        source = [sm.Source("s", "S")]
        old = sm.StanceMatrix.from_positions(
            [], actors=[sm.Actor("X", "0"), sm.Actor("A", "a")], issues=issues, sources=source
        )
        new = sm.StanceMatrix.from_positions(
            [], actors=[sm.Actor("0", "zero")], issues=issues, sources=source
        )
        patched = sm.diff(old, new, actors=["0"]).apply(old)
        assert ["0", "X", "A"] == [a.key for a in patched.actors]
        assert ["A"] == [a.key for a in sm.diff(old, new, actors=["X"]).apply(old).actors]

    @settings(max_examples=40)  # generating pairs is the slow part
    @given(matrix_pairs(), st.sampled_from(["actor", "issue"]), st.data())
    def test_apply_changes_only_the_selection(self, pair, part, data):
        """apply(old) is new in the selected entries and cells and old everywhere else."""
        old, new = pair
        keys = sorted({e.key for m in pair for e in getattr(m, f"{part}s")})
        chosen = data.draw(st.lists(st.sampled_from(keys), min_size=1, unique=True))
        options: dict[str, Any] = data.draw(st.sampled_from([{}, *TEXT_OPTIONS]))
        patched = sm.diff(old, new, **options, **{f"{part}s": chosen}).apply(old)
        present = {e.key for m in (patched, new) for e in getattr(m, f"{part}s")}
        if present & set(chosen):
            again: dict[str, Any] = {f"{part}s": sorted(present & set(chosen))}
            assert not sm.diff(patched, new, **options, **again)
        assert old.metadata == patched.metadata
        for key in {e.key for e in getattr(old, f"{part}s")} - set(chosen):
            assert entry(old, part, key) == entry(patched, part, key)
            assert cells_of(old, part, key) == cells_of(patched, part, key)
        for key in chosen:
            assert entry(new, part, key) == entry(patched, part, key)
            if not options:
                assert cells_of(new, part, key) == cells_of(patched, part, key)


class TestTruthAndSummary:
    def test_reorder_only(self):
        """A diff that only reorders is true, and its summary says what moved."""
        d = sm.diff(build([], actors="AB"), build([], actors="BA"))
        assert (True, "actors reordered") == (bool(d), d.summary())

    @settings(max_examples=30)
    @given(matrix_pairs())
    def test_true_exactly_when_summary_names_a_change(self, pair):
        """bool(d) is True exactly when summary() is not "no changes"."""
        d = sm.diff(*pair)
        assert bool(d) == (d.summary() != "no changes")


class TestPickle:
    def test_fresh_diff_and_inverse(self):
        """A diff pickles before its claims are read, and so does its inverse."""
        old = build([claim("A", "i"), claim("B", "j", "oppose")])
        new = build([claim("A", "i", "oppose")], actors="AC", issues="i")
        d = sm.diff(old, new)
        back, inverse = pickle.loads(pickle.dumps(d)), pickle.loads(pickle.dumps(d.invert()))
        assert (d, sm.diff(new, old)) == (back, inverse)

    @settings(max_examples=30)
    @given(matrix_pairs())
    def test_round_trip(self, pair):
        """Any diff and its inverse read back equal from a pickle, and still apply."""
        old, new = pair
        d = pickle.loads(pickle.dumps(sm.diff(old, new)))
        assert (new, old) == (d.apply(old), pickle.loads(pickle.dumps(d.invert())).apply(new))
