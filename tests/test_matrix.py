from __future__ import annotations

import pickle
import random

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._store import Declarations, Problem, face, from_columns, store_of
from stancematrix._store.declare import fold
from stancematrix.exceptions import (
    AmbiguousNameError,
    DuplicateClaimError,
    DuplicateKeyError,
    InvalidValueError,
    UnknownActorError,
    UnknownIssueError,
    UnknownSourceError,
    UnknownStanceError,
)
from tests.strategies import matrices, wide_matrices

ACTORS = [
    sm.Actor("US", "United States", "state", ["Washington", "Trump Administration"]),
    sm.Actor("RU", "Russia", "state", ["Kremlin", "Moscow"]),
]
ISSUES = [
    sm.Issue("sovereignty", "Sovereignty", "Ukraine is fully sovereign."),
    sm.Issue(
        "territory",
        "Territory",
        "Ukraine keeps all its territory.",
        parent="sovereignty",
        aliases=["Territorial Integrity"],
    ),
    sm.Issue("sanctions", "Sanctions", "Sanctions on Russia are kept."),
]
SOURCES = [sm.Source("a", "Article A"), sm.Source("b", "Article B")]
CLAIMS = [
    sm.Position("US", "territory", "support", "a", summary="Supports sovereignty"),
    sm.Position("US", "territory", "oppose", "b", date="2025-01/2025-03"),
    sm.Position("RU", "territory", "strongly oppose", "a"),
    sm.Position("US", "sanctions", "oppose", "b", date="2025-02"),
    sm.Position("US", "sanctions", "strongly support", "b", date="2025-07"),
]


def build(claims=CLAIMS, **kwargs):
    parts = {"actors": ACTORS, "issues": ISSUES, "sources": SOURCES, **kwargs}
    return sm.StanceMatrix.from_positions(claims, **parts)


def rebuild(m, claims):
    """A matrix like *m* but holding *claims*."""
    return sm.StanceMatrix.from_positions(
        claims,
        actors=m.actors,
        issues=m.issues,
        sources=m.sources,
        scale=m.scale,
        metadata=m.metadata,
    )


class TestConstruction:
    def test_summary(self):
        """A matrix knows its actors, issues, sources, scale and number of claims."""
        m = build()
        assert 5 == len(m)
        assert ("US", "RU") == tuple(a.key for a in m.actors)
        assert sm.Scale.five_point() == m.scale
        assert (
            "<StanceMatrix: 2 actors × 3 issues, 5 claims from 2 sources, scale 'five-point'>"
            == repr(m)
        )

    def test_init_is_not_the_constructor(self):
        """Calling the class directly points to the named constructors."""
        with pytest.raises(TypeError, match="from_positions"):
            sm.StanceMatrix()

    def test_unknown_actor(self):
        """A claim for an undeclared actor raises, naming the actor."""
        with pytest.raises(UnknownActorError, match="unknown actor 'UA'") as info:
            build([sm.Position("UA", "territory", "support", "a")])
        assert isinstance(info.value, KeyError)
        assert "UA" == info.value.key

    def test_alias_in_claim_points_to_key(self):
        """A claim naming an actor by alias is rejected with the key suggested."""
        with pytest.raises(UnknownActorError, match="did you mean 'RU'"):
            build([sm.Position("Kremlin", "territory", "support", "a")])

    def test_unknown_issue(self):
        """A claim for an undeclared issue raises, suggesting close keys."""
        with pytest.raises(UnknownIssueError, match="did you mean 'territory'"):
            build([sm.Position("US", "teritory", "support", "a")])

    def test_unknown_source(self):
        """A claim citing an undeclared source raises, naming it."""
        with pytest.raises(UnknownSourceError, match="unknown source 'c'"):
            build([sm.Position("US", "territory", "support", "c")])

    def test_stance_off_scale(self):
        """A stance that is not on the matrix's scale raises, listing the scale's labels."""
        with pytest.raises(UnknownStanceError, match="'yes' is not on the 'five-point' scale"):
            build([sm.Position("US", "territory", "yes", "a")])

    def test_custom_scale(self):
        """A matrix on the vote scale accepts votes and rejects five-point labels."""
        m = build([sm.Position("US", "territory", "yes", "a")], scale=sm.Scale.votes())
        assert "yes" == m.claims("US", "territory")[0].stance
        with pytest.raises(UnknownStanceError):
            build([sm.Position("US", "territory", "support", "a")], scale=sm.Scale.votes())

    def test_duplicate_claim(self):
        """The same claim twice is rejected, naming the claim."""
        with pytest.raises(DuplicateClaimError, match="actor='RU'"):
            build([*CLAIMS, CLAIMS[2]])

    def test_same_cell_different_claims(self):
        """Claims differing only in their quote are different claims, both kept."""
        claims = [sm.Position("US", "territory", "support", "a", quote=q) for q in ("x", "y")]
        assert 2 == len(build(claims).claims("US", "territory"))

    def test_duplicate_actor_key(self):
        """Two actors with the same key are rejected."""
        with pytest.raises(DuplicateKeyError, match="'US' is claimed by 'US' and 'US'"):
            build(actors=[*ACTORS, sm.Actor("US", "Again")])

    def test_alias_collision(self):
        """An alias shared by two actors (case-insensitively) is rejected, naming both."""
        with pytest.raises(DuplicateKeyError, match="'moscow' is claimed by 'RU' and 'XX'"):
            build(actors=[*ACTORS, sm.Actor("XX", "Other", aliases=["moscow"])])

    def test_alias_equal_to_other_key(self):
        """An alias may not equal another actor's key."""
        with pytest.raises(DuplicateKeyError):
            build(actors=[*ACTORS, sm.Actor("XX", "Other", aliases=["us"])])

    def test_duplicate_source(self):
        """Two sources with the same id are rejected."""
        with pytest.raises(DuplicateKeyError, match="source key or alias 'a'"):
            build(sources=[*SOURCES, sm.Source("a", "Again")])

    def test_unknown_parent(self):
        """An issue whose parent is not declared is rejected."""
        with pytest.raises(UnknownIssueError, match="'nowhere'"):
            build(issues=[*ISSUES, sm.Issue("x", "X", "X.", parent="nowhere")])

    def test_parent_cycle(self):
        """Issue parents may not form a cycle."""
        issues = [sm.Issue("x", "X", "X.", parent="y"), sm.Issue("y", "Y", "Y.", parent="x")]
        with pytest.raises(InvalidValueError, match="its own ancestor"):
            build([], issues=issues)

    def test_wrong_types(self):
        """Something that is not a Position (or Actor …) is rejected, not coerced."""
        with pytest.raises(InvalidValueError, match="must be a Position"):
            build([("US", "territory", "support", "a")])
        with pytest.raises(InvalidValueError, match="must hold Actor values"):
            build(actors=["US"])
        with pytest.raises(InvalidValueError, match="keys and values must be strings"):
            build(metadata={"year": 2025})

    def test_empty(self):
        """A matrix may have no claims."""
        m = build([])
        assert 0 == len(m)
        assert () == m.claims("US")


class TestLookup:
    @pytest.mark.parametrize("name", ["RU", "ru", "Kremlin", "MOSCOW"])
    def test_actor_by_key_or_alias(self, name):
        """Actors are found by key or alias, case-insensitively."""
        assert "RU" == build().actor(name).key

    def test_issue_by_alias(self):
        """Issues are found by key or alias, case-insensitively."""
        assert "territory" == build().issue("territorial integrity").key

    def test_unknown_actor_suggests(self):
        """An unknown name suggests close keys or aliases, in their own spelling."""
        with pytest.raises(UnknownActorError, match="did you mean 'Kremlin'"):
            build().actor("Kreml")

    def test_source(self):
        """Sources are found by exact id."""
        assert "Article B" == build().source("b").title
        with pytest.raises(UnknownSourceError):
            build().source("B")

    def test_cell(self):
        """claims(actor, issue) gives the cell's claims, by date (undated first)."""
        cell = build().claims("Washington", "territory")
        assert [None, sm.Period("2025-01", "2025-03")] == [c.date for c in cell]

    def test_filters(self):
        """claims() filters by actor, issue and source, alone or together."""
        m = build()
        assert 4 == len(m.claims("US"))
        assert 3 == len(m.claims(issue="territory"))
        assert 3 == len(m.claims(source="b"))
        assert 2 == len(m.claims("US", source="b", issue="sanctions"))
        assert 5 == len(m.claims())

    def test_contains(self):
        """A matrix contains exactly the claims it was built from."""
        m = build()
        assert all(claim in m for claim in CLAIMS)
        assert sm.Position("RU", "territory", "oppose", "a") not in m
        assert sm.Position("UA", "territory", "oppose", "a") not in m
        assert "RU" not in m

    def test_metadata_read_only(self):
        """Metadata is exposed read-only."""
        m = build(metadata={"title": "T"})
        with pytest.raises(TypeError):
            m.metadata["title"] = "changed"  # type: ignore[index, unused-ignore]


class TestNamesPeopleType:
    """Lookups by the names tables show, as people type them (issue 13, item 2)."""

    @pytest.mark.parametrize("name", ["Russia", "russia", "RUSSIA", " Russia ", "Russia."])
    def test_actor_by_display_name(self, name):
        """An actor is found by its display name, ignoring case, spacing and punctuation."""
        assert "RU" == build().actor(name).key

    @pytest.mark.parametrize("name", ["Sanctions", "sanctions", "SANCTIONS"])
    def test_issue_by_title(self, name):
        """An issue is found by its title."""
        assert "sanctions" == build().issue(name).key

    def test_accents_ignored(self):
        """Accents and typographic apostrophes do not matter, either way round."""
        actors = [sm.Actor("CI", "Côte d’Ivoire"), sm.Actor("SN", "Senegal", aliases=["Sénégal"])]
        m = sm.StanceMatrix.from_positions([], actors=actors, issues=ISSUES, sources=SOURCES)
        assert "CI" == m.actor("cote d'ivoire").key
        assert "CI" == m.actor("COTE D IVOIRE").key
        assert "SN" == m.actor("senegal").key
        assert "SN" == m.actor("Sènègal").key

    def test_key_or_alias_wins_over_a_name(self):
        """A key or alias is tried before display names, so it never becomes ambiguous."""
        actors = [sm.Actor("EU", "European Union"), sm.Actor("X", "eu")]
        m = sm.StanceMatrix.from_positions([], actors=actors, issues=ISSUES, sources=SOURCES)
        assert "EU" == m.actor("eu").key
        assert "X" == m.actor("X").key

    def test_shared_title_is_ambiguous(self):
        """A title several issues share is refused, listing their keys; a key still works."""
        issues = [sm.Issue(k, "China representation", "Seat the PRC.") for k in ("1", "2", "3")]
        m = sm.StanceMatrix.from_positions([], actors=ACTORS, issues=issues, sources=SOURCES)
        with pytest.raises(AmbiguousNameError) as info:
            m.issue("china representation")
        assert ("1", "2", "3") == info.value.matches
        assert isinstance(info.value, KeyError)
        assert (
            "'china representation' is the title of 3 issues ('1', '2', '3'); "
            "name one by its key" == str(info.value)
        )
        assert "2" == m.issue("2").key

    def test_near_miss_suggested(self):
        """A misspelt name suggests the entry it is close to, as spelled."""
        with pytest.raises(UnknownActorError) as info:
            build().actor("Rusia")
        assert ("Russia",) == info.value.suggestions
        with pytest.raises(UnknownIssueError) as issue_info:
            build().issue("Sanctons")
        assert ("sanctions",) == issue_info.value.suggestions  # key and title fold alike

    def test_exact_name_never_suggests_another(self):
        """A name that is another entry's near miss resolves to its own entry."""
        actors = [sm.Actor("EU", "European Union"), sm.Actor("EUR", "European countries")]
        m = sm.StanceMatrix.from_positions([], actors=actors, issues=ISSUES, sources=SOURCES)
        assert "EU" == m.actor("European Union").key
        assert "EUR" == m.actor("european countries").key

    def test_names_work_everywhere_a_key_does(self):
        """select, claims, position and stance take names too."""
        m = build()
        assert ["RU"] == [a.key for a in m.select(actors=["Russia"]).actors]
        assert 1 == len(m.claims("Russia", "Territory"))
        assert "strongly oppose" == m.stance("Russia", "Territory")
        assert "strongly oppose" == m.position("russia", "territory").stance

    def test_select_names_one_actor_twice(self):
        """A key and a name of the same actor in one selection is a duplicate."""
        with pytest.raises(DuplicateKeyError):
            build().select(actors=["RU", "Russia"])

    @given(matrices())
    def test_every_unique_name_finds_its_entry(self, m):
        """A display name (title) no other entry shares, and no key or alias folds to, finds it."""
        for entries, label, find in (
            (m.actors, lambda e: e.name, m.actor),
            (m.issues, lambda e: e.title, m.issue),
        ):
            labels = [fold(label(e)) for e in entries]
            aliases = {fold(text) for e in entries for text in (e.key, *e.aliases)}
            for entry in entries:
                folded = fold(label(entry))
                if folded and labels.count(folded) == 1 and folded not in aliases:
                    assert entry.key == find(label(entry)).key

    @given(st.text(max_size=30))
    def test_fold_is_idempotent(self, text):
        """Folding twice is folding once."""
        assert fold(text) == fold(fold(text))


class TestOrderAndEquality:
    def test_order(self):
        """Claims are ordered by actor, issue (declared order), then date."""
        keys = [(c.actor, c.issue, str(c.date)) for c in build()]
        assert [
            ("US", "territory", "None"),
            ("US", "territory", "2025-01/2025-03"),
            ("US", "sanctions", "2025-02"),
            ("US", "sanctions", "2025-07"),
            ("RU", "territory", "None"),
        ] == keys

    @given(matrices(), st.randoms())
    def test_input_order_does_not_matter(self, m, rnd):
        """Shuffling the claims gives an equal matrix with the same order and hash."""
        claims = list(m)
        rnd.shuffle(claims)
        again = rebuild(m, claims)
        assert m == again
        assert list(m) == list(again)
        assert hash(m) == hash(again)

    @given(matrices())
    def test_rebuild_from_own_claims(self, m):
        """Every claim a matrix yields is in it, and building from them gives it back."""
        assert all(c in m for c in m)
        assert len(m) == len(set(m))
        assert m == rebuild(m, list(m))

    @given(matrices(), matrices())
    def test_equality_is_by_value(self, a, b):
        """Matrices are equal exactly when their content is, and equal ones hash alike."""
        same = (a.actors, a.issues, a.sources, a.scale, dict(a.metadata), list(a)) == (
            b.actors,
            b.issues,
            b.sources,
            b.scale,
            dict(b.metadata),
            list(b),
        )
        assert same == (a == b)
        if a == b:
            assert hash(a) == hash(b)

    @given(matrices())
    def test_pickle(self, m):
        """A matrix survives pickling."""
        assert m == pickle.loads(pickle.dumps(m))

    def test_differs_by_text(self):
        """Matrices differing only in one claim's summary are not equal."""
        other = [
            *CLAIMS[:-1],
            sm.Position(
                "US", "sanctions", "strongly support", "b", date="2025-07", summary="changed"
            ),
        ]
        assert build() != build(other)

    def test_not_equal_to_other_types(self):
        """A matrix is never equal to a non-matrix."""
        assert build() != list(build())


class TestCellIndex:
    def test_dense_and_sparse_agree(self):
        """Dense (filled) and sparse matrices answer cell lookups alike."""
        rnd = random.Random(7)
        actors = [sm.Actor(f"A{i}", f"Actor {i}") for i in range(40)]
        issues = [sm.Issue(f"I{i}", f"Issue {i}", "P.") for i in range(60)]
        for n_claims in (2000, 30):  # dense above, sparse below 40*60 cells
            cells = rnd.sample([(a, i) for a in range(40) for i in range(60)], n_claims)
            claims = [sm.Position(f"A{a}", f"I{i}", "support", "a") for a, i in cells]
            m = sm.StanceMatrix.from_positions(
                claims, actors=actors, issues=issues, sources=SOURCES
            )
            filled = set(cells)
            for a in range(40):
                assert sum(1 for c in cells if c[0] == a) == len(m.claims(f"A{a}"))
                for i in range(0, 60, 7):
                    assert ((a, i) in filled) == bool(m.claims(f"A{a}", f"I{i}"))

    @given(matrices(max_claims=30))
    def test_spans_match_a_scan(self, m):
        """Each cell's and each actor's claims are what a scan of all claims finds, and the
        index knows whether any cell holds two claims."""
        claims = list(m)
        for a in m.actors:
            assert [c for c in claims if c.actor == a.key] == list(m.claims(a.key))
            for i in m.issues:
                expected = [c for c in claims if (c.actor, c.issue) == (a.key, i.key)]
                assert expected == list(m.claims(a.key, i.key))
        cells = [(c.actor, c.issue) for c in claims]
        assert (len(set(cells)) == len(cells)) == store_of(m).cols.cells.single


class TestValidationLaws:
    @given(matrices(min_claims=1), st.data())
    def test_any_duplicate_rejected(self, m, data):
        """Repeating any claim of any matrix raises DuplicateClaimError naming it."""
        repeated = data.draw(st.sampled_from(list(m)))
        with pytest.raises(DuplicateClaimError) as info:
            rebuild(m, [*m, repeated])
        assert repeated == info.value.claim

    @given(matrices(min_claims=1), st.data())
    def test_any_off_scale_stance_rejected(self, m, data):
        """A claim whose stance is not on the scale is rejected, whatever the label."""
        label = data.draw(st.text(min_size=1).filter(lambda t: t.strip() == t and t not in m.scale))
        bad = attrs.evolve(data.draw(st.sampled_from(list(m))), stance=label)
        with pytest.raises(UnknownStanceError) as info:
            rebuild(m, [*m, bad])
        assert label == info.value.stance

    @given(matrices(min_claims=1), st.data())
    def test_any_undeclared_actor_rejected(self, m, data):
        """A claim naming an actor the matrix does not declare is rejected."""
        known = {name.casefold() for a in m.actors for name in (a.key, *a.aliases)}
        key = data.draw(
            st.text(min_size=1).filter(lambda t: t.strip() == t and t.casefold() not in known)
        )
        bad = attrs.evolve(data.draw(st.sampled_from(list(m))), actor=key)
        with pytest.raises(UnknownActorError) as info:
            rebuild(m, [*m, bad])
        assert key == info.value.key


def columns_of(m):
    """The coded columns of *m*, in its own order."""
    rows = [store_of(m).cols.row(n) for n in range(len(m))]
    text = {
        n: (r.summary, r.quote, r.note)
        for n, r in enumerate(rows)
        if r.summary or r.quote or r.note
    }
    return rows, text


def from_rows(m, rows, text, canonical=False):
    from array import array

    decl = Declarations.declare(m.actors, m.issues, m.sources, m.scale, m.metadata)
    store = from_columns(
        decl,
        actor=array("i", [r.actor for r in rows]),
        issue=array("i", [r.issue for r in rows]),
        stance=array("b", [r.stance for r in rows]),
        source=array("i", [r.source for r in rows]),
        start=array("i", [r.start for r in rows]),
        end=array("i", [r.end for r in rows]),
        text=text,
        canonical=canonical,
    )
    return face(sm.StanceMatrix, store)


class TestFromColumns:
    @given(matrices(), st.randoms(use_true_random=False))
    def test_any_row_order_gives_the_same_matrix(self, m, rnd):
        """Coded columns in any order build the matrix they code."""
        rows, text = columns_of(m)
        order = list(range(len(rows)))
        rnd.shuffle(order)
        shuffled = [rows[n] for n in order]
        moved = {new: text[old] for new, old in enumerate(order) if old in text}
        assert m == from_rows(m, shuffled, moved)

    @given(matrices(min_claims=1), st.data())
    def test_duplicate_row_rejected(self, m, data):
        """A row given twice is a duplicate claim, with or without text."""
        rows, text = columns_of(m)
        n = data.draw(st.integers(0, len(rows) - 1))
        if n in text:
            text[len(rows)] = text[n]
        with pytest.raises(Problem) as caught:
            from_rows(m, [*rows, rows[n]], text)
        assert isinstance(caught.value.error, DuplicateClaimError)

    def test_code_out_of_range(self):
        """A code past the declared entries is reported with its row and field."""
        m = build()
        rows, text = columns_of(m)
        rows[2] = rows[2]._replace(actor=5)
        with pytest.raises(Problem) as caught:
            from_rows(m, rows, text)
        assert (2, "actor") == (caught.value.index, caught.value.field)
        assert isinstance(caught.value.error, InvalidValueError)


class TestSelect:
    def test_subset_in_given_order(self):
        """Selected actors and issues come in the order named, aliases accepted."""
        m = build()
        s = m.select(actors=["Kremlin", "US"], issues=["sanctions", "Territorial Integrity"])
        assert ["RU", "US"] == [a.key for a in s.actors]
        assert ["sanctions", "territory"] == [i.key for i in s.issues]
        assert [
            ("RU", "territory"),
            ("US", "sanctions"),
            ("US", "sanctions"),
            ("US", "territory"),
            ("US", "territory"),
        ] == [(c.actor, c.issue) for c in s]

    def test_parent_left_out_drops_the_link(self):
        """An issue whose parent is not selected loses the link; a kept parent keeps it."""
        m = build()
        assert None is m.select(issues=["territory"]).issue("territory").parent
        both = m.select(issues=["territory", "sovereignty"])
        assert "sovereignty" == both.issue("territory").parent

    def test_sources_filter_claims(self):
        """Selecting sources keeps only the claims that cite them."""
        s = build().select(sources=["a"])
        assert ["a"] == [src.id for src in s.sources]
        assert {"a"} == {c.source for c in s}
        assert 2 == len(s)

    def test_reordered_sources_stay_canonical(self):
        """Reversing the source rank re-sorts claims as if built from scratch."""
        m = build()
        s = m.select(sources=["b", "a"])
        assert s == rebuild(s, list(s))

    def test_unknown_and_repeated_names(self):
        """Unknown names raise with suggestions; a name given twice is an error."""
        m = build()
        with pytest.raises(UnknownActorError):
            m.select(actors=["USA"])
        with pytest.raises(DuplicateKeyError):
            m.select(actors=["US", "Washington"])
        with pytest.raises(UnknownSourceError):
            m.select(sources=["c"])

    @given(matrices())
    def test_select_everything_is_identity(self, m):
        """Selecting every actor, issue and source in order gives the matrix back."""
        everything = m.select(
            actors=[a.key for a in m.actors],
            issues=[i.key for i in m.issues],
            sources=[s.id for s in m.sources],
        )
        assert m == everything.select() == m.select()

    @given(matrices(), st.data())
    def test_select_keeps_exactly_the_matching_claims(self, m, data):
        """A selection holds the claims of the chosen actors, issues and sources."""
        actors = data.draw(st.lists(st.sampled_from([a.key for a in m.actors]), unique=True))
        issues = data.draw(st.lists(st.sampled_from([i.key for i in m.issues]), unique=True))
        sources = data.draw(st.lists(st.sampled_from([s.id for s in m.sources]), unique=True))
        s = m.select(actors=actors, issues=issues, sources=sources)
        expected = [c for c in m if c.actor in actors and c.issue in issues and c.source in sources]
        assert sorted(expected, key=repr) == sorted(s, key=repr)
        assert s == rebuild(s, list(s))


class TestSelectDropEmpty:
    def test_unga_roll_calls_drop_the_states_that_did_not_vote(self):
        """drop_empty=True leaves out the 13 states with no vote on 5309–5311."""
        m = sm.load_dataset("unga").select(issues=["5309", "5310", "5311"])
        assert 200 == len(m.actors)
        dropped = m.select(drop_empty=True)
        assert 187 == len(dropped.actors)
        assert list(m) == list(dropped)
        assert "CS" not in {a.key for a in dropped.actors}

    def test_one_edition_keeps_only_its_actors_and_issues(self):
        """Selecting one source with drop_empty keeps only what that source speaks about."""
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "p", "support", "old"),
                sm.Position("B", "q", "oppose", "old"),
                sm.Position("C", "q", "support", "new"),
                sm.Position("A", "r", "no position reported", "new"),
            ],
            actors=[sm.Actor(k, k) for k in "ABC"],
            issues=[sm.Issue(k, k, "p") for k in "pqr"],
            sources=[sm.Source("old", "old"), sm.Source("new", "new")],
        )
        new = m.select(sources=["new"], drop_empty=True)
        assert (["A", "C"], ["q", "r"]) == (
            [a.key for a in new.actors],
            [i.key for i in new.issues],
        )
        assert 3 == len(m.select(sources=["new"]).actors)

    def test_drop_empty_must_be_a_bool(self):
        """drop_empty takes True or False only."""
        with pytest.raises(InvalidValueError, match="drop_empty"):
            build().select(drop_empty="yes")

    @given(matrices(), st.data())
    def test_same_claims_and_no_empty_entries(self, m, data):
        """drop_empty keeps every claim, and exactly the actors and issues with claims."""
        sources = data.draw(st.lists(st.sampled_from([s.id for s in m.sources]), unique=True))
        plain = m.select(sources=sources)
        dropped = m.select(sources=sources, drop_empty=True)
        assert list(plain) == list(dropped)
        assert [a for a in plain.actors if any(c.actor == a.key for c in plain)] == list(
            dropped.actors
        )
        assert [i.key for i in plain.issues if any(c.issue == i.key for c in plain)] == [
            i.key for i in dropped.issues
        ]


class TestAsOf:
    def test_latest_claim_by_then(self):
        """As of a date, each cell shows its latest visible claims."""
        m = build()
        early = m.as_of("2025-02")
        assert ["oppose"] == [c.stance for c in early.claims("US", "sanctions")]
        assert ["oppose"] == [c.stance for c in early.claims("US", "territory")]
        late = m.as_of("2025-12-31")
        assert ["strongly support"] == [c.stance for c in late.claims("US", "sanctions")]

    def test_partial_date_means_its_last_day(self):
        """ "As of 2025-07" sees a claim dated 2025-07-31; "as of 2025-07-30" does not."""
        m = build([sm.Position("US", "sanctions", "support", "a", date="2025-07-31")])
        assert 1 == len(m.as_of("2025-07"))
        assert 0 == len(m.as_of("2025-07-30"))

    def test_undated_claims_until_a_dated_one(self):
        """Undated claims hold only while no dated claim is visible in the cell."""
        m = build()
        assert {"a"} == {c.source for c in m.as_of("2024").claims("US", "territory")}
        assert {"b"} == {c.source for c in m.as_of("2025-01").claims("US", "territory")}
        assert 1 == len(m.as_of("2024").claims("RU", "territory"))

    def test_sources_dated_alike_are_all_kept(self):
        """Two sources with claims of the same date both stay, so a conflict shows."""
        claims = [
            sm.Position("US", "sanctions", "support", "a", date="2025-03"),
            sm.Position("US", "sanctions", "oppose", "b", date="2025-03"),
        ]
        assert 2 == len(build(claims).as_of("2025-04"))

    def test_bad_date(self):
        """A date that is not one raises InvalidValueError naming as_of."""
        with pytest.raises(InvalidValueError, match="as_of"):
            build().as_of("March 2025")

    def test_dataset_us_sanctions(self):
        """The article dataset: the US opposed sanctions early in 2025, then hardened."""
        m = sm.load_dataset("ukraine")
        assert {"oppose"} == {c.stance for c in m.as_of("2025-03").claims("US", "sanctions")}
        assert {"strongly support"} == {
            c.stance for c in m.as_of("2025-07").claims("US", "sanctions")
        }

    @given(matrices(), st.data())
    def test_snapshot_is_a_fixed_point(self, m, data):
        """A snapshot's snapshot at the same date is the snapshot."""
        t = data.draw(st.dates()).isoformat()
        snapshot = m.as_of(t)
        assert snapshot == snapshot.as_of(t)
        assert set(snapshot) <= set(m)

    @given(matrices(), st.data())
    def test_visible_claims_stay_until_superseded(self, m, data):
        """A claim visible at t is visible later unless a later-starting claim hides it."""
        t1, t2 = sorted(data.draw(st.lists(st.dates(), min_size=2, max_size=2)))
        later = m.as_of(t2)
        for claim in m.as_of(t1):
            if claim in later:
                continue
            rivals = later.claims(claim.actor, claim.issue)
            assert rivals, claim
            assert all(
                r.date is not None
                and (claim.date is None or r.date.start.first_day >= claim.date.start.first_day)
                for r in rivals
            )


class TestPosition:
    def test_latest_then_source_rank(self):
        """The latest claim wins; on a tie the first declared source wins."""
        m = build()
        assert "strongly support" == m.position("US", "sanctions").stance
        assert "oppose" == m.position("Washington", "sanctions", as_of="2025-06").stance
        assert None is m.position("US", "sanctions", as_of="2024")
        tie = build(
            [
                sm.Position("US", "sanctions", "oppose", "b", date="2025-03"),
                sm.Position("US", "sanctions", "support", "a", date="2025-03"),
            ]
        )
        assert "a" == tie.position("US", "sanctions").source

    def test_unknown_names(self):
        """Unknown actors and issues raise their own errors."""
        with pytest.raises(UnknownActorError):
            build().position("USA", "sanctions")
        with pytest.raises(UnknownIssueError):
            build().position("US", "sanction")

    @given(matrices(), st.data())
    def test_position_is_a_snapshot_claim(self, m, data):
        """position() picks, among the snapshot's claims of the cell, the best-ranked source."""
        t = data.draw(st.none() | st.dates().map(str))
        snapshot = m if t is None else m.as_of(t)
        for actor in m.actors:
            for issue in m.issues:
                chosen = m.position(actor.key, issue.key, as_of=t)
                cell = snapshot.claims(actor.key, issue.key)
                if t is None:
                    cell = m.as_of("9999-12-31").claims(actor.key, issue.key)
                if not cell:
                    assert chosen is None
                    continue
                ranks = [m.sources.index(m.source(c.source)) for c in cell]
                assert chosen in cell
                assert min(ranks) == m.sources.index(m.source(chosen.source))


class TestClaimsByDate:
    def test_since_and_until(self):
        """Date filters keep dated claims whose period overlaps the range."""
        m = build()
        assert ["2025-07"] == [str(c.date) for c in m.claims("US", since="2025-04")]
        assert ["2025-01/2025-03", "2025-02"] == [
            str(c.date) for c in m.claims("US", since="2025-02", until="2025-02")
        ]
        assert 3 == len(m.claims(until="2025-12"))

    @given(matrices(), st.data())
    def test_filter_matches_definition(self, m, data):
        """since/until keep exactly the claims whose days overlap [since, until]."""
        a, b = sorted(data.draw(st.lists(st.dates(), min_size=2, max_size=2)))
        expected = [
            c for c in m if c.date is not None and c.date.first_day <= b and c.date.last_day >= a
        ]
        assert expected == list(m.claims(since=a, until=b))


class TestSelectWholeActorsOrIssues:
    @given(st.one_of(matrices(), wide_matrices()), st.data())
    def test_same_as_the_general_path(self, m, data):
        """Selecting whole actors (or whole issues) equals selecting them with every issue
        (or every actor) named, and each cell of the result holds the original claims."""
        actor_keys = [a.key for a in m.actors]
        issue_keys = [i.key for i in m.issues]
        actors = data.draw(st.lists(st.sampled_from(actor_keys), unique=True))
        issues = data.draw(st.lists(st.sampled_from(issue_keys), unique=True))
        for fast, general in [
            (m.select(actors=actors), m.select(actors=actors, issues=issue_keys)),
            (m.select(issues=issues), m.select(actors=actor_keys, issues=issues)),
        ]:
            assert general == fast
            assert hash(general) == hash(fast)
            for a in fast.actors:
                expected = [c for i in fast.issues for c in m.claims(a.key, i.key)]
                assert expected == list(fast.claims(a.key))
                for i in fast.issues:
                    assert m.claims(a.key, i.key) == fast.claims(a.key, i.key)
                    assert m.position(a.key, i.key) == fast.position(a.key, i.key)
            for i in fast.issues:
                expected = [c for a in fast.actors for c in m.claims(a.key, i.key)]
                assert expected == list(fast.claims(issue=i.key))


class TestSnapshotIndex:
    @given(st.one_of(matrices(max_claims=24), wide_matrices()), st.data())
    def test_cells_hold_their_claims(self, m, data):
        """Every cell of a snapshot holds exactly the snapshot's claims on it, whichever
        way (runs of rows or a row mask) the snapshot was cut."""
        dates = [c.date.start for c in m if c.date is not None] or [sm.PartialDate(2000)]
        when = data.draw(st.sampled_from(dates))
        snapshot = m.as_of(when)
        assert rebuild(m, list(snapshot)) == snapshot
        for a in m.actors:
            for i in m.issues:
                expected = tuple(c for c in snapshot if (c.actor, c.issue) == (a.key, i.key))
                assert expected == snapshot.claims(a.key, i.key)
                assert m.position(a.key, i.key, as_of=when) == snapshot.position(a.key, i.key)

    @given(st.lists(st.integers(0, 2**62), max_size=40), st.data())
    def test_minus_subtracts_in_every_lane(self, values, data):
        """The big-integer lane subtraction equals subtracting one by one."""
        from array import array

        from stancematrix._store.columns import minus as _minus

        delta = data.draw(st.integers(0, min(values, default=0)))
        assert [v - delta for v in values] == list(_minus(array("q", values), delta))
