from __future__ import annotations

import pytest

import stancematrix as sm
from stancematrix import _datasets as datasets
from stancematrix._datasets import DATASETS
from stancematrix.exceptions import InvalidValueError, UnknownDatasetError

# Seed 001's two position tables, cell for cell: (row label, issue key, US cell, RU cell).
SEED_001_TABLES = [
    [
        (
            "Territorial Integrity",
            "territory",
            "Supports Ukraine’s sovereignty over Crimea and Donbas",
            "Claims Crimea as integral part of Russia; backs separatists in Donbas",
        ),
        (
            "NATO Expansion",
            "nato-expansion",
            "Encourages Eastern European alliances",
            "Opposes NATO’s eastward expansion, citing security threats",
        ),
        (
            "Energy Influence",
            "energy",
            "Aims to reduce European dependence on Russian gas",
            "Uses energy exports as geopolitical leverage",
        ),
    ],
    [
        (
            "Ukraine’s Sovereignty",
            "sovereignty",
            "Supports full sovereignty and Western integration",
            "Calls for recognizing Crimea as Russian territory",
        ),
        (
            "NATO Expansion",
            "ukraine-nato",
            "Open to Ukraine joining NATO",
            "Strongly opposes NATO deployment near its borders",
        ),
        (
            "Sanctions",
            "sanctions",
            "Enforces economic sanctions to pressure Russia",
            "Views sanctions as unfair and destabilizing",
        ),
    ],
]


@pytest.fixture(scope="module")
def ukraine() -> sm.StanceMatrix:
    return sm.load_dataset("ukraine")


def pipe_tables(text: str) -> list[list[list[str]]]:
    """The body rows of every pipe table in *text* (enough for the seeds' simple tables)."""
    tables: list[list[list[str]]] = []
    rows: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            tables.append([r for r in rows[1:] if not set("".join(r)) <= set("-: ")])
            rows = []
    return tables


class TestUkraine:
    def test_names(self):
        """The article dataset is listed."""
        assert "ukraine" in sm.dataset_names()

    def test_unknown(self):
        """An unknown dataset name is a KeyError-like error suggesting the right one."""
        with pytest.raises(UnknownDatasetError, match="did you mean 'ukraine'") as info:
            sm.load_dataset("ukrain")
        assert isinstance(info.value, KeyError)

    def test_actors_and_issues(self, ukraine):
        """The five main actors and the core issues are there, each issue with a proposition."""
        assert {"US", "RU", "UA", "EU", "NATO"} <= {a.key for a in ukraine.actors}
        keys = {i.key for i in ukraine.issues}
        assert {
            "territory",
            "nato-expansion",
            "sanctions",
            "energy",
            "security-guarantees",
            "ceasefire",
            "military-aid",
            "demilitarized-zone",
        } <= keys
        assert "RU" == ukraine.actor("Russian Government").key
        assert "US" == ukraine.actor("trump administration").key
        assert "UA" == ukraine.actor("Kyiv").key

    def test_seed_000_descriptions(self, ukraine):
        """Seed 000's table of discussion areas gives the issues' descriptions."""
        assert "Addressing concerns of both Ukraine and Russia regarding NATO expansion." in (
            ukraine.issue("Security Guarantees").description or ""
        )
        assert (
            "negotiating the status of crimea and other disputed territories."
            == ukraine.issue("Territorial Integrity").description
        )
        assert (
            "Establishing a verifiable and lasting ceasefire agreement."
            == ukraine.issue("Ceasefire Implementation").description
        )

    @pytest.mark.parametrize("table", [0, 1])
    def test_seed_001_tables_cell_for_cell(self, ukraine, table):
        """Each cell of the ukraine-strategy tables is one claim of that source in its cell,
        quoting the cell; any other claim of the source there quotes the article's prose."""
        cells = {cell for t in SEED_001_TABLES for _, _, us, ru in t for cell in (us, ru)}
        for _, issue, us, ru in SEED_001_TABLES[table]:
            for actor, cell in (("US", us), ("RU", ru)):
                claims = ukraine.claims(actor, issue, source="ukraine-strategy")
                tabled = [c for c in claims if c.quote in cells]
                assert [(cell, cell)] == [(c.summary, c.quote) for c in tabled]
                for c in claims:
                    assert c in tabled or len(c.quote or "") > len(cell)

    def test_seed_001_tables_match_the_article(self, seed_documents):
        """The expected cells above are exactly the article's two position tables."""
        tables = pipe_tables(seed_documents["001_c0d855e066a24974.txt"])
        expected = [[[label, us, ru] for label, _, us, ru in t] for t in SEED_001_TABLES]
        assert expected == tables[:2]

    def test_every_claim_is_quoted_and_sourced(self, ukraine):
        """Every claim carries a quote; every cited source is declared."""
        assert all(c.quote for c in ukraine)
        assert {c.source for c in ukraine} == {s.id for s in ukraine.sources}

    def test_quotes_verified(self, ukraine, seed_documents):
        """Every quote appears verbatim in its seed document."""
        assert () == sm.verify_quotes(ukraine, seed_documents)

    def test_claims_per_seed(self, ukraine):
        """Every seed contributes claims."""
        counts = {s.id: len(ukraine.claims(source=s.id)) for s in ukraine.sources}
        assert all(n > 0 for n in counts.values())
        assert {
            "complex-terrain",
            "ukraine-strategy",
            "us-russia-relations",
            "putin-pivot",
            "second-term-pivot",
        } == set(counts)

    def test_territory_conflict_kept(self, ukraine):
        """Seed 001's US support for Ukraine's territory and seeds 002/004's acknowledgement
        of Russian control are both kept."""
        stances = {(c.source, c.stance) for c in ukraine.claims("US", "territory")}
        assert ("ukraine-strategy", "support") in stances
        assert ("us-russia-relations", "oppose") in stances
        assert ("second-term-pivot", "oppose") in stances

    def test_sanctions_shift_dated(self, ukraine):
        """The second-term article's US move on sanctions: easing in the first months of the
        term, then oil and secondary sanctions, both within its first six months (from
        2025-01-20 to about 2025-07) and told in that order, with no boundary the text does
        not give."""
        claims = ukraine.claims("US", "sanctions", source="second-term-pivot")
        by_stance = {c.stance: (c.date, c.order) for c in claims}
        span = sm.Period.parse("2025-01-20/2025-07~")
        assert (span, 1) == by_stance["oppose"]
        assert (span, 2) == by_stance["strongly support"]

    def test_loaded_through_the_public_reader(self):
        """The packaged file is an ordinary JSON document the public reader accepts."""
        from importlib import resources

        data = resources.files("stancematrix._datasets").joinpath("ukraine.json").read_bytes()
        assert sm.load_dataset("ukraine") == sm.read_json(data)

    def test_file_is_in_canonical_form(self):
        """Writing the dataset back gives a document that reads back equal."""
        m = sm.load_dataset("ukraine")
        assert m == sm.read_json(m.to_json())


class TestCodingsReadAgainstTheText:
    """Issue 16: each coding the articles do not support is fixed, and the queries say so."""

    def test_expanded_territorial_demands(self, ukraine):
        """Russia's 'expanded territorial demands' are 'strongly oppose', like its annexation
        claims, so shifts() shows no Russian softening on territory."""
        (claim,) = ukraine.claims("RU", "territory", source="second-term-pivot")
        assert "strongly oppose" == claim.stance
        assert "expanded territorial demands" in claim.quote
        assert [] == [s for s in ukraine.shifts() if (s.actor, s.issue) == ("RU", "territory")]

    def test_patriot_halt_is_not_opposition(self, ukraine):
        """The halt over depleted US stocks is not coded as opposing military aid, so no
        source disagrees with another on US military aid."""
        assert all("halted" not in (c.quote or "") for c in ukraine.claims("US", "military-aid"))
        assert {"support", "strongly support"} == {
            c.stance for c in ukraine.claims("US", "military-aid") if str(c.date) != "2014/2017"
        }
        assert [] == [c for c in sm.conflicts(ukraine) if c.issue == "military-aid"]

    def test_crimea_as_russian_territory(self, ukraine):
        """'Calls for recognizing Crimea as Russian territory' flatly denies that Ukraine is
        fully sovereign: 'strongly oppose', with the reason in the note."""
        (claim,) = ukraine.claims("RU", "sovereignty", source="ukraine-strategy")
        assert "strongly oppose" == claim.stance
        assert "flatly denies" in (claim.note or "")

    def test_eu_forecast_is_no_position(self, ukraine):
        """A forecast that 'some of its members may oppose' an agreement is no EU position."""
        assert () == ukraine.claims("EU")
        assert None is ukraine.stance("EU", "security-guarantees")

    def test_compare_us_ru_on_territory(self, ukraine):
        """The US and Russia are no longer 'same' on territory: opposed by the position
        tables, and by the latest claims a US concession against Russia's strongest stance."""
        latest = sm.compare(ukraine, "US", "RU").row("territory")
        assert latest.a is not None
        assert latest.b is not None
        assert ("oppose", "strongly oppose", 1, "close") == (
            latest.a.stance,
            latest.b.stance,
            latest.gap,
            latest.relation,
        )
        tables = sm.compare(ukraine, "US", "RU", sources=["ukraine-strategy"]).row("territory")
        assert "opposed" == tables.relation

    def test_compare_us_ru_on_territory_before_the_second_term(self, ukraine):
        """Before 2025 the US (2014: annexation a violation of international law) and
        Russia are opposed on territory."""
        row = sm.compare(ukraine, "US", "RU", as_of="2024").row("territory")
        assert row.a is not None
        assert row.b is not None
        assert ("support", "strongly oppose", "opposed") == (
            row.a.stance,
            row.b.stance,
            row.relation,
        )

    def test_conflict_kinds(self, ukraine):
        """Territory (seed 001 against seeds 002 and 004) is reported as a disagreement
        between sources; no rapprochement conflict is."""
        found = sm.conflicts(ukraine)
        assert {"territory", "ukraine-nato"} == {c.issue for c in found.disagreements}
        assert {
            ("ukraine-strategy", "us-russia-relations"),
            ("ukraine-strategy", "second-term-pivot"),
        } == {
            (c.first.source, c.second.source) for c in found.disagreements if c.issue == "territory"
        }
        assert [] == [c for c in found.disagreements if c.issue == "us-russia-reset"]

    def test_no_hardening_from_the_2019_call(self, ukraine):
        """The alleged 2019 act is not a dated US position: US military aid hardens by one
        step from the Obama administration's non-lethal aid to the first Trump term, and by
        one step from the 2018 lethal aid to the second-term packages."""
        assert all(c.date != sm.Period("2019-07") for c in ukraine.claims("US"))
        shifts = [s for s in ukraine.shifts() if (s.actor, s.issue) == ("US", "military-aid")]
        assert [
            ("hardened", 1, "2014/2017", "2017/2021"),
            ("hardened", 1, "2018", "2025-01-20/2025-07~"),
        ] == [(s.kind, s.size, str(s.before.date), str(s.after.date)) for s in shifts]
        assert all(s.after.date is None or "2019" not in str(s.after.date) for s in shifts)

    def test_shifts(self, ukraine):
        """The dataset's shifts are the ones the articles tell, and nothing more."""
        expected = [
            ("US", "territory", "reversed", 2),
            # 2014 Western sanctions; Trump's voiced opposition; Biden-era sanctions; the
            # second term's easing, then oil sanctions.
            ("US", "sanctions", "reversed", 2),
            ("US", "sanctions", "reversed", 2),
            ("US", "sanctions", "reversed", 2),
            ("US", "sanctions", "reversed", 3),
            ("US", "military-aid", "hardened", 1),
            ("US", "military-aid", "hardened", 1),
            ("US", "us-russia-reset", "hardened", 1),
            ("US", "us-russia-reset", "reversed", 3),
            ("CONGRESS", "sanctions", "hardened", 1),
        ]
        assert expected == [(s.actor, s.issue, s.kind, s.size) for s in ukraine.shifts()]

    def test_conflict_count(self, ukraine):
        """16 conflicts (21 before the fixes, 14 after them; the plan's 'tightening' of
        sanctions adds two changes); the position tables' US support on territory against
        the Trump-plan and second-term articles is one of them."""
        found = sm.conflicts(ukraine)
        assert (16, 5, 11) == (len(found), len(found.disagreements), len(found.changes))
        territory = {(c.first.source, c.second.source) for c in found if c.issue == "territory"}
        assert {
            ("ukraine-strategy", "us-russia-relations"),
            ("ukraine-strategy", "second-term-pivot"),
        } == territory


class TestUncodedPositions:
    """Issue 16: the positions the articles state that were not coded are, with new actors
    where the text names them."""

    @pytest.mark.parametrize(
        ("actor", "issue", "stance", "source", "date", "words"),
        [
            (
                "CONGRESS",
                "sanctions",
                "support",
                "complex-terrain",
                "2017/2021",
                "Congress imposed sanctions",
            ),
            (
                "CONGRESS",
                "sanctions",
                "strongly support",
                "second-term-pivot",
                "2025-01-20/2025-07~",
                "criticized Trump’s initial reluctance",
            ),
            (
                "CONGRESS",
                "sanctions",
                "strongly support",
                "second-term-pivot",
                "2025-01-20/2025-07~",
                "tariffs of up to 500%",
            ),
            (
                "US",
                "sanctions",
                "support",
                "complex-terrain",
                "2017/2021",
                "threatened secondary sanctions",
            ),
            (
                "US",
                "sanctions",
                "strongly support",
                "ukraine-strategy",
                None,
                "Tightening economic measures aimed at crippling pivotal sectors",
            ),
            (
                "US",
                "sanctions",
                "support",
                "us-russia-relations",
                "2014",
                "imposition of Western economic sanctions",
            ),
            (
                "US",
                "sanctions",
                "support",
                "us-russia-relations",
                "2022",
                "led to additional sanctions",
            ),
            ("RU", "peace-plan", "support", "us-russia-relations", None, "some officials welcomed"),
            (
                "RU",
                "ukraine-nato",
                "strongly oppose",
                "ukraine-strategy",
                None,
                "insistence on Ukraine’s non-alignment",
            ),
            (
                "FR",
                "us-russia-reset",
                "oppose",
                "second-term-pivot",
                "2025-01-20/2025-07~",
                "Germany, France, and Poland—warned",
            ),
            (
                "PL",
                "us-russia-reset",
                "oppose",
                "second-term-pivot",
                "2025-01-20/2025-07~",
                "Germany, France, and Poland—warned",
            ),
            (
                "US",
                "military-aid",
                "neutral",
                "complex-terrain",
                "2014/2017",
                "only non-lethal assistance",
            ),
        ],
    )
    def test_coded(self, ukraine, actor, issue, stance, source, date, words):
        """The position is a claim of its source, with the stance and date the text gives,
        quoting the words."""
        found = [
            (c.stance, None if c.date is None else str(c.date))
            for c in ukraine.claims(actor, issue, source=source)
            if words in (c.quote or "")
        ]
        assert [(stance, date)] == found

    def test_new_actors(self, ukraine):
        """Congress, France and Poland are actors, found by their names."""
        assert "CONGRESS" == ukraine.actor("US lawmakers").key
        assert ("France", "Poland") == (ukraine.actor("FR").name, ukraine.actor("PL").name)

    def test_putin_unwillingness_not_coded(self, ukraine):
        """Putin's 'unwillingness to concede ground' is a negotiating style, not a stance on
        an issue: no claim quotes it."""
        assert [] == [c for c in ukraine if "concede ground" in (c.quote or "")]


class TestOnePropositionOneThing:
    """Issue 16: bundled propositions are split or narrowed, so each claim measures one
    thing."""

    def test_propositions(self, ukraine):
        """Sovereignty, territory, Western integration and ceasefire each state one thing."""
        assert "Ukraine is a fully sovereign state." == ukraine.issue("sovereignty").proposition
        assert "Crimea" in ukraine.issue("territory").proposition
        assert "Ukraine is free to integrate with Western institutions." == (
            ukraine.issue("western-integration").proposition
        )
        assert "sovereignty" == ukraine.issue("western-integration").parent
        assert "The fighting stops under a ceasefire." == ukraine.issue("ceasefire").proposition

    def test_security_guarantees_description(self, ukraine):
        """The description states the one-sided proposition first and places the article's
        wider framing (both sides' NATO concerns)."""
        description = ukraine.issue("security-guarantees").description or ""
        assert description.startswith("Firm guarantees for Ukraine’s security.")
        assert "NATO expansion and Ukraine’s NATO membership" in description

    def test_western_integration_claims(self, ukraine):
        """The article's prose sets US support for Western integration against Russia's
        insistence on non-alignment."""
        row = sm.compare(ukraine, "US", "RU").row("western-integration")
        assert row.a is not None
        assert row.b is not None
        assert ("support", "strongly oppose", "opposed") == (
            row.a.stance,
            row.b.stance,
            row.relation,
        )
        assert "supports its integration with Western institutions" in (row.a.quote or "")
        assert "non-alignment with Western institutions" in (row.b.quote or "")

    def test_freeze_is_ceasefire_and_territory(self, ukraine):
        """The plan's freeze supports the ceasefire; its territorial cost is the territory
        claim, and no other claim rests on freezing along the current lines."""
        (freeze,) = [c for c in ukraine.claims(issue="ceasefire") if "freezing" in (c.quote or "")]
        assert ("US", "support", "us-russia-relations") == (
            freeze.actor,
            freeze.stance,
            freeze.source,
        )
        assert "coded on territory" in (freeze.note or "")
        assert any(
            "This freeze effectively means" in (c.quote or "")
            for c in ukraine.claims("US", "territory")
        )

    def test_claims_on_changed_issues_rechecked(self, ukraine):
        """The claims on sovereignty read against the narrowed proposition: the US table
        cell's 'Western integration' is measured on western-integration."""
        (table,) = [
            c
            for c in ukraine.claims("US", "sovereignty", source="ukraine-strategy")
            if c.quote == c.summary
        ]
        assert "measured on western-integration" in (table.note or "")


class TestArguableCodings:
    """Issue 16: each arguable coding is decided, with the reason in the claim's note."""

    def test_sovereignty_is_no_reversal(self, ukraine):
        """'Defender of Ukraine's sovereignty' says nothing about Crimea: the report that
        Trump considered recognising the annexation is coded on territory, so there is no
        US reversal on sovereignty."""
        claims = ukraine.claims("US", "sovereignty", source="second-term-pivot")
        assert ["support"] == [c.stance for c in claims]
        assert "says nothing about Crimea" in (claims[0].note or "")
        moved = ukraine.claims("US", "territory", source="second-term-pivot")
        assert any("annexation of Crimea" in (c.quote or "") for c in moved)
        assert [] == [s for s in ukraine.shifts() if s.issue == "sovereignty"]

    def test_russia_on_ukraine_in_nato(self, ukraine):
        """The table cell stays a claim, its note citing the article's direct statement of
        Russia's non-alignment demand, which is now a claim beside it."""
        table, prose = sorted(
            ukraine.claims("RU", "ukraine-nato", source="ukraine-strategy"),
            key=lambda c: len(c.quote or ""),
        )
        assert ("strongly oppose", "strongly oppose") == (table.stance, prose.stance)
        assert "non-alignment with Western institutions" in (table.note or "")
        assert "non-alignment with Western institutions" in (prose.quote or "")

    def test_security_guarantees_without_formal_commitments(self, ukraine):
        """Ruling out formal commitments is kept as 'oppose' to firm guarantees, and the
        note says why not 'neutral'."""
        (claim,) = ukraine.claims("US", "security-guarantees")
        assert "oppose" == claim.stance
        assert "not ‘neutral’" in (claim.note or "")

    def test_settlement_is_not_rapprochement(self, ukraine):
        """A settlement that 'acknowledges Russian interests' is not coded as US-Russia
        rapprochement."""
        assert () == ukraine.claims("US", "us-russia-reset", source="ukraine-strategy")

    def test_aid_packages_coded_alike(self, ukraine):
        """'A robust military aid package' and 'expanded military aid packages' get one
        stance."""
        robust = ukraine.claims("US", "military-aid", source="ukraine-strategy")
        expanded = [
            c
            for c in ukraine.claims("US", "military-aid", source="second-term-pivot")
            if "expanded" in (c.quote or "")
        ]
        assert ["strongly support"] == [c.stance for c in robust]
        assert ["strongly support"] == [c.stance for c in expanded]

    def test_divided_europe_keeps_both_sides(self, ukraine):
        """European countries 'divided between supporters and opponents' keep one claim for
        each side, and the notes say the cell is mixed."""
        claims = ukraine.claims("EUROPE", "peace-plan")
        assert ["oppose", "support"] == sorted(c.stance for c in claims)
        assert "mixed" in (claims[0].note or "")

    def test_every_changed_claim_says_why(self, ukraine):
        """Every claim of the second-term article and every recoded claim has a note."""
        assert all(c.note for c in ukraine.claims(source="second-term-pivot"))


class TestDatesAsPreciseAsTheText:
    """Issue 16: the second-term article names no year and no month boundary."""

    def test_no_invented_boundary(self, ukraine):
        """Every claim is dated the first six months of the term, from its start (a day of
        world knowledge) to about July ("within six months"): no month inside is named."""
        dates = {str(c.date) for c in ukraine.claims(source="second-term-pivot")}
        assert {"2025-01-20/2025-07~"} == dates

    def test_before_and_after_the_shift_by_order(self, ukraine):
        """Claims before the shift are order 1, after it order 2; each cell's in sequence."""
        orders = {
            (c.actor, c.issue, c.stance): c.order
            for c in ukraine.claims(source="second-term-pivot")
        }
        assert {1, 2} == set(orders.values())
        assert 1 == orders["US", "sanctions", "oppose"]
        assert 2 == orders["US", "sanctions", "strongly support"]
        assert 1 == orders["US", "us-russia-reset", "strongly support"]
        assert 2 == orders["US", "us-russia-reset", "oppose"]

    def test_no_boundary_inside_the_period(self, ukraine):
        """Anywhere inside the period the early stance holds; the later one once it ends."""
        for day in ("2025-01-20", "2025-04", "2025-06-30"):
            assert "oppose" == ukraine.stance("US", "sanctions", as_of=day)
        assert "strongly support" == ukraine.stance("US", "sanctions", as_of="2025-07-31")

    def test_shifts_follow_the_order(self, ukraine):
        """The second term's reversals run from the order-1 claim to the order-2 one."""
        found = [
            (s.issue, s.kind, s.before.order, s.after.order)
            for s in ukraine.shifts("US")
            if s.before.source == s.after.source == "second-term-pivot"
        ]
        assert [("sanctions", "reversed", 1, 2), ("us-russia-reset", "reversed", 1, 2)] == found

    def test_world_knowledge_recorded(self, ukraine):
        """Each note records the world knowledge the date rests on."""
        for claim in ukraine.claims(source="second-term-pivot"):
            assert "2025-01-20" in (claim.note or ""), claim

    def test_order_kept(self, ukraine):
        """As of 2025-03 the early stances hold; as of 2025-07 the later ones do."""
        assert "oppose" == ukraine.stance("US", "sanctions", as_of="2025-03")
        assert "strongly support" == ukraine.stance("US", "sanctions", as_of="2025-07")
        assert "strongly support" == ukraine.stance("US", "us-russia-reset", as_of="2025-03")
        assert "oppose" == ukraine.stance("US", "us-russia-reset", as_of="2025-07")


class TestSourceKeys:
    """Issue 13 item 4: the sources are named for their articles."""

    def test_readable_keys(self, ukraine):
        """Each source's key is a slug of its article, in the articles' order."""
        assert [
            "complex-terrain",
            "ukraine-strategy",
            "us-russia-relations",
            "putin-pivot",
            "second-term-pivot",
        ] == [s.id for s in ukraine.sources]

    def test_description_names_the_articles(self, ukraine):
        """The description names each article by title and key, not by seed number."""
        description = ukraine.metadata["description"]
        assert "seed" not in description.lower()
        for source in ukraine.sources:
            assert source.id in description
            assert source.title in description

    def test_title_spans_the_claims(self, ukraine):
        """The title's years are those of the claims' dates (2014 to 2025)."""
        years = {d.year for c in ukraine if c.date for d in (c.date.first_day, c.date.last_day)}
        assert "Positions on the war in Ukraine, 2014–2025" == ukraine.metadata["title"]
        assert (2014, 2025) == (min(years), max(years))


class TestRegistry:
    @pytest.mark.parametrize("dataset", DATASETS, ids=[d.name for d in DATASETS])
    def test_row_matches_metadata(self, dataset):
        """Each row's title and citation are what the loaded matrix's metadata says, so
        the listing cannot drift from the data."""
        metadata = sm.load_dataset(dataset.name).metadata
        assert metadata["title"] == dataset.title
        assert metadata.get("citation") == dataset.citation

    def test_names_are_the_registry(self):
        """dataset_names() lists every row, sorted, each name once."""
        names = [d.name for d in DATASETS]
        assert tuple(sorted(names)) == sm.dataset_names()
        assert len(set(names)) == len(names)

    def test_get(self):
        """get() finds a row by name and suggests close names for an unknown one."""
        assert "unga" == datasets.get("unga").name
        with pytest.raises(UnknownDatasetError, match="did you mean 'unga'"):
            datasets.get("unag")

    def test_one_row_is_all_it_takes(self, monkeypatch):
        """A new row is listed and loaded with the options it accepts; others are refused."""
        calls = []

        def loader(**options):
            calls.append(options)
            return sm.load_dataset("ukraine")

        extra = datasets.Dataset("extra", "Extra", None, loader, ("topics",))
        monkeypatch.setattr(datasets, "DATASETS", (*DATASETS, extra))
        assert "extra" in sm.dataset_names()
        assert sm.load_dataset("extra", topics=["a", "b"]) is sm.load_dataset("ukraine")
        assert [{"topics": ("a", "b")}] == calls
        with pytest.raises(InvalidValueError, match="'extra' dataset cannot be narrowed by since"):
            sm.load_dataset("extra", since="2020")
