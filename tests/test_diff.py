from __future__ import annotations

import contextlib

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._diff.values import CHANGE_KINDS, SHIFT_KINDS, shift_kind
from stancematrix._store import store_of
from stancematrix.exceptions import PatchConflictError, ReadError
from tests.strategies import matrices, matrix_pairs

FIVE = sm.Scale.five_point()


def build(
    claims,
    *,
    actors=("US", "RU"),
    issues=("sanctions", "aid"),
    sources=("a", "b"),
    scale=None,
    metadata=None,
):
    return sm.StanceMatrix.from_positions(
        claims,
        actors=[a if isinstance(a, sm.Actor) else sm.Actor(a, a) for a in actors],
        issues=[i if isinstance(i, sm.Issue) else sm.Issue(i, i, f"Yes to {i}.") for i in issues],
        sources=[s if isinstance(s, sm.Source) else sm.Source(s, s) for s in sources],
        scale=scale,
        metadata=metadata,
    )


def some(value: sm.Position | None) -> sm.Position:
    assert value is not None
    return value


def claim(stance, source="a", date=None, actor="US", issue="sanctions", **text):
    return sm.Position(actor, issue, stance, source, date=date, **text)


class TestLaws:
    @settings(max_examples=100)  # generating pairs is the slow part
    @given(matrices())
    def test_diff_with_itself_is_empty(self, m):
        """A matrix differs from itself in nothing."""
        d = sm.diff(m, m)
        assert not d
        assert () == d.claims
        assert () == d.shifts
        assert 0 == sum(d.counts().values())

    @given(matrix_pairs())
    def test_apply_gives_new(self, pair):
        """Applying diff(a, b) to a gives b."""
        a, b = pair
        assert b == sm.diff(a, b).apply(a)

    @given(matrix_pairs())
    def test_invert_is_diff_the_other_way(self, pair):
        """Inverting diff(a, b) gives diff(b, a), which undoes it."""
        a, b = pair
        d = sm.diff(a, b)
        assert sm.diff(b, a) == d.invert()
        assert a == d.invert().apply(b)
        assert d == d.invert().invert()

    @given(matrix_pairs())
    def test_json_reads_back_equal(self, pair):
        """A diff's JSON document reads back as an equal diff."""
        d = sm.diff(*pair)
        back = sm.read_diff(d.to_json())
        assert d == back
        assert hash(d) == hash(back)
        assert d.to_json() == back.to_json()

    @settings(max_examples=100)  # generating pairs is the slow part
    @given(matrix_pairs())
    def test_counts_equal_listed_changes(self, pair):
        """Each count is the number of listed changes of that kind."""
        d = sm.diff(*pair)
        counts = d.counts()
        assert list(CHANGE_KINDS) == list(counts)
        for name, entities in (("actors", d.actors), ("issues", d.issues), ("sources", d.sources)):
            for change in ("added", "removed", "renamed", "changed"):
                listed = [e for e in entities if e.change == change]
                assert len(listed) == counts[f"{name} {change}"]
        for change in ("added", "removed", "changed"):
            assert len([c for c in d.claims if c.change == change]) == counts[f"claims {change}"]
        assert len(d.metadata) == counts["metadata changed"]
        assert len(d.unpaired) == counts["cells unpaired"]
        for kind in SHIFT_KINDS:
            assert len([s for s in d.shifts if s.kind == kind]) == counts[kind]

    @settings(max_examples=100)  # generating pairs is the slow part
    @given(matrix_pairs())
    def test_every_change_is_real(self, pair):
        """Claims listed as removed are in the old matrix, added ones in the new, and a
        changed claim differs in at least one field."""
        a, b = pair
        d = sm.diff(a, b)
        for change in d.claims:
            if change.old is not None:
                assert change.old in a
            if change.new is not None:
                assert change.new in b
            if change.change == "changed":
                assert change.fields
                assert some(change.old).actor == some(change.new).actor
                assert some(change.old).issue == some(change.new).issue

    @settings(max_examples=100)  # generating pairs is the slow part
    @given(matrix_pairs())
    def test_unpaired_cells_have_both_sides(self, pair):
        """An unpaired cell holds removed and added claims and nothing paired by guesswork."""
        d = sm.diff(*pair)
        for cell in d.unpaired:
            changes = [c for c in d.claims if (c.actor, c.issue) == cell]
            assert {"removed", "added"} <= {c.change for c in changes}
            assert all(c.unpaired for c in changes if c.change != "changed")

    @settings(max_examples=100)  # generating pairs is the slow part
    @given(matrix_pairs())
    def test_shifts_state_the_cells_stance(self, pair):
        """A shift's claims are what position() states for the cell on each side."""
        a, b = pair
        for shift in sm.diff(a, b).shifts:
            for side, m in ((shift.old, a), (shift.new, b)):
                has = shift.actor in {x.key for x in m.actors} and shift.issue in {
                    i.key for i in m.issues
                }
                assert side == (m.position(shift.actor, shift.issue) if has else None)
            assert (shift.kind, shift.size) == shift_kind(
                a.scale,
                shift.old.stance if shift.old else None,
                shift.new.stance if shift.new else None,
            )

    @settings(max_examples=50)
    @given(matrix_pairs(), st.data())
    def test_selected_actors_only(self, pair, data):
        """With actors=, only changes in those actors' cells and entries are listed, and
        applying the diff changes only those."""
        a, b = pair
        keys = sorted({x.key for x in a.actors} & {x.key for x in b.actors})
        if not keys:
            return
        chosen = data.draw(st.lists(st.sampled_from(keys), min_size=1, unique=True))
        d = sm.diff(a, b, actors=chosen)
        assert all(c.actor in chosen for c in d.claims)
        assert all(e.key in chosen for e in d.actors)
        full = sm.diff(a, b)
        assert [c for c in full.claims if c.actor in chosen] == list(d.claims)


class TestShiftKind:
    @pytest.mark.parametrize(
        ("old", "new", "kind", "size"),
        [
            ("oppose", "strongly support", "reversed", 3),
            ("support", "strongly oppose", "reversed", 3),
            ("support", "strongly support", "hardened", 1),
            ("neutral", "strongly support", "hardened", 2),
            ("strongly oppose", "oppose", "softened", 1),
            ("support", "neutral", "softened", 1),
            (None, "oppose", "became known", None),
            ("no position reported", "neutral", "became known", None),
            ("neutral", None, "became unknown", None),
            ("support", "no position reported", "became unknown", None),
            ("support", "support", None, None),
            (None, "no position reported", None, None),
        ],
    )
    def test_kinds(self, old, new, kind, size):
        """Kinds are measured from the scale's neutral point; unknown is never neutral."""
        assert (kind, size) == shift_kind(FIVE, old, new)

    def test_midpoint_of_an_asymmetric_scale(self):
        """The neutral point is the scale's midpoint, not zero."""
        scale = sm.Scale("grades", [sm.Level("low", 1), sm.Level("mid", 2), sm.Level("high", 3)])
        assert ("reversed", 2) == shift_kind(scale, "low", "high")
        assert ("hardened", 1) == shift_kind(scale, "mid", "high")


class TestPairing:
    def test_same_source_and_date_is_a_change(self):
        """A claim whose stance changed, same source and date, is one changed claim."""
        a = build([claim("oppose", date="2025-01")])
        b = build([claim("strongly oppose", date="2025-01")])
        (change,) = sm.diff(a, b).claims
        assert ("changed", ("stance",), "hardened", 1) == (
            change.change,
            change.fields,
            change.kind,
            change.size,
        )

    def test_one_claim_each_side_pairs_across_source_and_date(self):
        """A cell with one claim on each side is one change even when source and date moved."""
        a = build([claim("oppose", "a", "2025-01")])
        b = build([claim("support", "b", "2025-05")])
        d = sm.diff(a, b)
        (change,) = d.claims
        assert ("stance", "source", "date") == change.fields
        assert () == d.unpaired
        (shift,) = d.shifts
        assert ("reversed", 2, "a", "b") == (
            shift.kind,
            shift.size,
            some(shift.old).source,
            some(shift.new).source,
        )

    def test_pairs_by_source_and_date_before_the_rest(self):
        """With several claims, a unique (source, date) match pairs; the rest are unpaired."""
        a = build(
            [claim("oppose", "a", "2025"), claim("oppose", "b"), claim("neutral", "b", "2024")]
        )
        b = build(
            [claim("support", "a", "2025"), claim("oppose", "a"), claim("support", "b", "2026")]
        )
        d = sm.diff(a, b)
        changes = {(c.change, some(c.old or c.new).source) for c in d.claims}
        assert ("changed", "a") in changes
        assert 1 == d.counts()["claims changed"]
        assert (("US", "sanctions"),) == d.unpaired
        assert 2 == d.counts()["claims removed"]
        assert 2 == d.counts()["claims added"]

    def test_duplicate_source_and_date_is_not_guessed(self):
        """Two claims with the same source and date on one side are never paired by guess."""
        a = build([claim("oppose", summary="x"), claim("oppose", summary="y")])
        b = build([claim("support", summary="x"), claim("support", summary="y")])
        d = sm.diff(a, b)
        assert {"removed", "added"} == {c.change for c in d.claims}
        assert (("US", "sanctions"),) == d.unpaired
        assert all(c.unpaired for c in d.claims)

    def test_added_to_empty_cell_is_not_unpaired(self):
        """A claim added where nothing was removed is a plain addition."""
        d = sm.diff(build([]), build([claim("support")]))
        (change,) = d.claims
        assert ("added", False) == (change.change, change.unpaired)
        assert ("became known",) == tuple(s.kind for s in d.shifts)


class TestOptions:
    def test_stance_only_ignores_wording(self):
        """stance_only leaves out changes of summary, quote and note alone."""
        a = build([claim("oppose", summary="Against", quote="no")])
        b = build([claim("oppose", summary="Opposed", note="read")])
        assert 1 == len(sm.diff(a, b).claims)
        assert not sm.diff(a, b, stance_only=True)
        c = build([claim("support", summary="Opposed")])
        assert ("stance", "summary", "quote") == sm.diff(a, c, stance_only=True).claims[0].fields

    def test_ignore_case_and_whitespace(self):
        """ignore_case and ignore_whitespace compare text loosely, and only as asked."""
        a = build([claim("oppose", summary="Against  sanctions ")])
        b = build([claim("oppose", summary="against sanctions")])
        assert sm.diff(a, b)
        assert sm.diff(a, b, ignore_case=True)
        assert sm.diff(a, b, ignore_whitespace=True)
        assert not sm.diff(a, b, ignore_case=True, ignore_whitespace=True)

    def test_options_hold_for_large_matrices(self):
        """The bulk path for one-claim cells honours the text options too."""
        actors = [f"A{n}" for n in range(20)]
        old = [
            claim("oppose", actor=a, issue=i, summary="Text")
            for a in actors
            for i in ("sanctions", "aid")
        ]
        new = [attrs.evolve(c, summary="text") for c in old]
        a, b = build(old, actors=actors), build(new, actors=actors)
        assert 40 == len(sm.diff(a, b).claims)
        assert not sm.diff(a, b, ignore_case=True)
        assert not sm.diff(a, b, stance_only=True)

    def test_selected_issues_by_alias(self):
        """issues= takes keys or aliases, found in either matrix."""
        issues = [sm.Issue("sanctions", "S", "Yes.", aliases=("sanc",)), "aid"]
        a = build([claim("oppose"), claim("oppose", issue="aid")], issues=issues)
        b = build([claim("support"), claim("support", issue="aid")], issues=issues)
        d = sm.diff(a, b, issues=["SANC"])
        assert [("US", "sanctions")] == [(c.actor, c.issue) for c in d.claims]

    def test_unknown_selection(self):
        """A selected name in neither matrix is an unknown-actor error."""
        with pytest.raises(sm.exceptions.UnknownActorError):
            sm.diff(build([]), build([]), actors=["XX"])

    def test_different_scales(self):
        """Matrices on different scales cannot be diffed."""
        with pytest.raises(sm.exceptions.InvalidValueError, match="different scales"):
            sm.diff(build([]), build([], scale=sm.Scale.votes()))

    def test_not_a_matrix(self):
        """Both arguments must be matrices."""
        with pytest.raises(sm.exceptions.InvalidValueError):
            sm.diff(build([]), "matrix")  # type: ignore[arg-type]


class TestEntities:
    def test_added_removed_renamed_changed(self):
        """Keys are identities: a new name is a rename, another field a change."""
        a = build([], actors=[sm.Actor("US", "USA"), sm.Actor("RU", "Russia"), sm.Actor("X", "X")])
        b = build(
            [],
            actors=[
                sm.Actor("US", "United States"),
                sm.Actor("RU", "Russia", "state"),
                sm.Actor("UA", "Ukraine"),
            ],
        )
        d = sm.diff(a, b)
        assert [
            ("US", "renamed", ("name",)),
            ("RU", "changed", ("kind",)),
            ("X", "removed", ()),
            ("UA", "added", ()),
        ] == [(e.key, e.change, e.fields) for e in d.actors]
        assert b == d.apply(a)

    def test_reorder(self):
        """A change in declared order is recorded and applied."""
        a = build([], actors=["US", "RU"])
        b = build([], actors=["RU", "US"])
        d = sm.diff(a, b)
        assert ("actor",) == d.reordered
        assert b == d.apply(a)
        assert d

    def test_metadata(self):
        """Metadata entries added, removed and changed are listed by key."""
        d = sm.diff(
            build([], metadata={"a": "1", "b": "2"}), build([], metadata={"b": "3", "c": "4"})
        )
        assert [("a", "1", None), ("b", "2", "3"), ("c", None, "4")] == [
            (m.key, m.old, m.new) for m in d.metadata
        ]


class TestApply:
    def test_conflict_names_the_cell(self):
        """Applying to a matrix whose cell differs from the old side names that cell."""
        a = build([claim("oppose")])
        b = build([claim("support")])
        other = build([claim("neutral")])
        with pytest.raises(PatchConflictError, match="'US', 'sanctions'") as info:
            sm.diff(a, b).apply(other)
        assert ("US", "sanctions") == (info.value.actor, info.value.issue)
        assert isinstance(info.value, ValueError)

    def test_conflict_on_added_claim_already_there(self):
        """Adding a claim the matrix already holds is a conflict, not a duplicate."""
        d = sm.diff(build([]), build([claim("oppose")]))
        with pytest.raises(PatchConflictError, match="already holds"):
            d.apply(build([claim("oppose")]))

    def test_conflict_on_entities(self):
        """An entry that is missing, already there or different is a conflict naming it."""
        a = build([], actors=["US"])
        b = build([], actors=["US", "UA"])
        with pytest.raises(PatchConflictError, match="'UA' already exists") as info:
            sm.diff(a, b).apply(b)
        assert "UA" == info.value.key
        renamed = build([], actors=[sm.Actor("US", "United States")])
        with pytest.raises(PatchConflictError, match="'US' is not as the diff expects"):
            sm.diff(a, renamed).apply(build([], actors=[sm.Actor("US", "America")]))

    def test_conflict_on_scale(self):
        """A matrix on another scale is a conflict."""
        d = sm.diff(build([]), build([claim("oppose")]))
        with pytest.raises(PatchConflictError, match="scale"):
            d.apply(build([], scale=sm.Scale.votes()))

    def test_conflict_on_metadata(self):
        """Metadata that differs from the old side is a conflict naming the key."""
        d = sm.diff(build([], metadata={"t": "1"}), build([], metadata={"t": "2"}))
        with pytest.raises(PatchConflictError, match="'t'"):
            d.apply(build([], metadata={"t": "3"}))

    def test_removed_actor_with_claims_left(self):
        """Removing an actor that still has claims in the target is a conflict."""
        a = build([], actors=["US", "RU"])
        b = build([], actors=["US"])
        with pytest.raises(PatchConflictError, match="'RU'"):
            sm.diff(a, b).apply(build([claim("oppose", actor="RU")], actors=["US", "RU"]))

    def test_patch_with_context(self):
        """Content the diff does not touch is carried over, like a patch."""
        a = build([claim("oppose")])
        b = build([claim("support")])
        target = build([claim("oppose"), claim("neutral", issue="aid")])
        assert build([claim("support"), claim("neutral", issue="aid")]) == sm.diff(a, b).apply(
            target
        )


class TestTimeDiff:
    def test_changes_is_diff_of_snapshots(self):
        """m.changes(t1, t2) is diff(m.as_of(t1), m.as_of(t2))."""
        m = sm.load_dataset("ukraine")
        assert sm.diff(m.as_of("2025-03"), m.as_of("2025-07")) == m.changes("2025-03", "2025-07")

    def test_changes_takes_the_options(self):
        """m.changes passes diff's options on."""
        m = sm.load_dataset("ukraine")
        expected = sm.diff(m.as_of("2025-03"), m.as_of("2025-07"), actors=["US"], stance_only=True)
        assert expected == m.changes("2025-03", "2025-07", actors=["US"], stance_only=True)
        assert {"US"} == {s.actor for s in expected.shifts}

    def test_us_shift_in_2025(self):
        """Early- to mid-2025, the US reversed on sanctions and hardened by one step on
        military aid (from its 2018 lethal aid, not from the alleged 2019 act), each shown
        with the source on both sides."""
        m = sm.load_dataset("ukraine")
        shifts = {(s.actor, s.issue): s for s in m.changes("2025-03", "2025-07").shifts}
        sanctions = shifts["US", "sanctions"]
        assert ("reversed", 3, "oppose", "strongly support") == (
            sanctions.kind,
            sanctions.size,
            some(sanctions.old).stance,
            some(sanctions.new).stance,
        )
        assert ("second-term-pivot", "second-term-pivot") == (
            some(sanctions.old).source,
            some(sanctions.new).source,
        )
        aid = shifts["US", "military-aid"]
        assert ("hardened", 1, "complex-terrain", "second-term-pivot") == (
            aid.kind,
            aid.size,
            some(aid.old).source,
            some(aid.new).source,
        )


class TestReadDiff:
    def test_located_errors(self):
        """A bad value names the path, line and column."""
        m = sm.load_dataset("ukraine")
        text = m.changes("2025-03", "2025-07").to_json()
        bad = text.replace('"stance": "oppose"', '"stance": "against"', 1)
        with pytest.raises(ReadError, match=r"stance") as info:
            sm.read_diff(bad)
        assert info.value.line is not None
        assert info.value.field is not None
        assert info.value.field.startswith("claims[")

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("[]", "expected an object"),
            ('{"format_version": 3, "type": "stancematrix diff", "scale": {}}', "format_version"),
            ('{"format_version": 1, "type": "matrix", "scale": {}}', "not a diff"),
            ("{", "not valid JSON"),
        ],
    )
    def test_not_a_diff(self, text, message):
        """Documents that are not diffs are read errors."""
        with pytest.raises(ReadError, match=message):
            sm.read_diff(text)

    def test_inconsistent_change(self):
        """A change label that does not fit its sides is an error, not ignored."""
        d = sm.diff(build([claim("oppose")]), build([claim("support")]))
        bad = d.to_json().replace('"change": "changed"', '"change": "added"')
        with pytest.raises(ReadError, match="change is 'changed'"):
            sm.read_diff(bad)


@st.composite
def grid_pairs(draw, actors=40, issues=40):
    """Two one-claim-per-cell matrices over a grid too big for a dense cell index."""
    scale = sm.Scale.votes()
    cells = [(a, i) for a in range(actors) for i in range(issues)]
    chosen = draw(st.lists(st.sampled_from(cells), max_size=30, unique=True))
    extra = draw(st.lists(st.sampled_from(cells), max_size=10, unique=True))
    old_claims = {c: draw(st.sampled_from(scale.labels)) for c in chosen}
    new_claims = {
        c: draw(st.sampled_from(scale.labels)) if draw(st.booleans()) else v
        for c, v in old_claims.items()
        if draw(st.integers(0, 5))
    }
    new_claims.update((c, draw(st.sampled_from(scale.labels))) for c in extra)
    keys = [f"A{n}" for n in range(actors)]
    reordered = draw(st.permutations(keys)) if draw(st.booleans()) else keys

    def matrix(claims, actor_order):
        return build(
            [
                sm.Position(keys[a], f"I{i}", stance, "v", date="2020-01-02")
                for (a, i), stance in claims.items()
            ],
            actors=actor_order,
            issues=[f"I{i}" for i in range(issues)],
            sources=["v"],
            scale=scale,
        )

    return matrix(old_claims, keys), matrix(new_claims, reordered)


class TestBulkPath:
    @settings(max_examples=100)
    @given(st.one_of(matrix_pairs(), grid_pairs()))
    def test_same_as_cell_by_cell(self, pair):
        """The bulk comparison of one-claim cells finds what the cell-by-cell rule finds."""
        from stancematrix._diff import compute as module

        a, b = pair
        bulk = sm.diff(a, b)
        original = module.compare_single
        module.compare_single = module.compare_cells
        try:
            slow = sm.diff(a, b)
        finally:
            module.compare_single = original
        assert slow == bulk
        assert slow.claims == bulk.claims
        assert slow.shifts == bulk.shifts
        assert b == bulk.apply(a)

    def test_sparse_grid_uses_sets(self):
        """Matrices too sparse for a dense cell index are compared by sets of cells."""
        a, b = (
            build(
                [claim("yes", "v", actor="A1", issue="I3")],
                actors=[f"A{n}" for n in range(40)],
                issues=[f"I{n}" for n in range(40)],
                sources=["v"],
                scale=sm.Scale.votes(),
            ),
            build(
                [claim("no", "v", actor="A2", issue="I3")],
                actors=[f"A{n}" for n in range(40)],
                issues=[f"I{n}" for n in range(40)],
                sources=["v"],
                scale=sm.Scale.votes(),
            ),
        )
        assert store_of(a).cols.cells.dense is None
        d = sm.diff(a, b)
        assert [("removed", "A1"), ("added", "A2")] == [(c.change, c.actor) for c in d.claims]


@st.composite
def mutated(draw, data: bytes) -> bytes:
    """*data* with a few bytes flipped, deleted, inserted or the tail cut off."""
    buffer = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not buffer:
            break
        where = draw(st.integers(0, len(buffer) - 1))
        action = draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        if action == "flip":
            buffer[where] = draw(st.integers(0, 255))
        elif action == "delete":
            del buffer[where : where + draw(st.integers(1, 8))]
        elif action == "insert":
            buffer[where:where] = draw(st.sampled_from([b",", b'"', b"{", b"}", b"[]", b"1"]))
        else:
            del buffer[where:]
    return bytes(buffer)


SMALL_DIFF = sm.diff(
    sm.load_dataset("ukraine").as_of("2025-03").select(actors=["US", "EUROPE"]),
    sm.load_dataset("ukraine").as_of("2025-07").select(actors=["US", "EUROPE"]),
).to_json(indent=None)


class TestReadDiffFuzz:
    @settings(max_examples=200)
    @given(st.data())
    def test_mutated_documents(self, data):
        """A damaged diff document gives a diff or a library error, and what is accepted
        round-trips."""
        text = data.draw(mutated(SMALL_DIFF.encode("utf-8")))
        try:
            d = sm.read_diff(text)
        except sm.StanceMatrixError:
            return
        assert d == sm.read_diff(d.to_json())

    @settings(max_examples=100)
    @given(st.binary(max_size=200))
    def test_arbitrary_bytes(self, data):
        """Arbitrary input gives a library error or a diff."""
        with contextlib.suppress(sm.StanceMatrixError):
            sm.read_diff(data)


class TestReadDiffEntities:
    def test_entity_change_must_keep_its_key(self):
        """A changed entry whose two sides have different keys is an error at its path."""
        a = build([], actors=[sm.Actor("US", "USA")])
        b = build([], actors=[sm.Actor("US", "United States")])
        text = (
            sm.diff(a, b)
            .to_json()
            .replace(
                '"key": "US",\n        "name": "United', '"key": "UK",\n        "name": "United'
            )
        )
        with pytest.raises(ReadError, match="keep its key") as info:
            sm.read_diff(text)
        assert "actors[0]" == info.value.field

    def test_added_entry_needs_an_index(self):
        """An added entry without its position is an error, not appended somewhere."""
        d = sm.diff(build([], actors=["US"]), build([], actors=["US", "UA"]))
        text = d.to_json().replace('"index": 1,', "")
        with pytest.raises(ReadError, match="needs an index"):
            sm.read_diff(text)

    def test_order_round_trips(self):
        """A reordering is written and read back."""
        d = sm.diff(build([], actors=["US", "RU"]), build([], actors=["RU", "US"]))
        back = sm.read_diff(d.to_json())
        assert ("actor",) == back.reordered
        assert d == back
