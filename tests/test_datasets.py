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
        assert (
            "Addressing concerns of both Ukraine and Russia regarding NATO expansion."
            == ukraine.issue("Security Guarantees").description
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
        """Each cell of seed 001's tables is the one ukraine-strategy claim in its cell, verbatim."""
        for _, issue, us, ru in SEED_001_TABLES[table]:
            for actor, cell in (("US", us), ("RU", ru)):
                claims = ukraine.claims(actor, issue, source="ukraine-strategy")
                assert [cell] == [c.summary for c in claims]
                assert cell == claims[0].quote

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
        assert {"complex-terrain", "ukraine-strategy", "us-russia-relations", "putin-pivot", "second-term-pivot"} == set(counts)

    def test_territory_conflict_kept(self, ukraine):
        """Seed 001's US support for Ukraine's territory and seeds 002/004's acknowledgement
        of Russian control are both kept."""
        stances = {(c.source, c.stance) for c in ukraine.claims("US", "territory")}
        assert ("ukraine-strategy", "support") in stances
        assert ("us-russia-relations", "oppose") in stances
        assert ("second-term-pivot", "oppose") in stances

    def test_sanctions_shift_dated(self, ukraine):
        """The second-term article's US move on sanctions: easing in the first months of the
        term (2025-01 up to 2025-07), oil and secondary sanctions by 2025-07, with no
        boundary the text does not give."""
        claims = ukraine.claims("US", "sanctions", source="second-term-pivot")
        by_stance = {c.stance: c.date for c in claims}
        assert sm.Period("2025-01", "2025-07") == by_stance["oppose"]
        assert sm.Period("2025-07") == by_stance["strongly support"]

    def test_loaded_through_the_public_reader(self):
        """The packaged file is an ordinary JSON document the public reader accepts."""
        from importlib import resources

        data = resources.files("stancematrix._datasets").joinpath("ukraine.json").read_bytes()
        assert sm.load_dataset("ukraine") == sm.read_json(data)

    def test_file_is_in_canonical_form(self):
        """Writing the dataset back gives a document that reads back equal."""
        m = sm.load_dataset("ukraine")
        assert m == sm.read_json(m.to_json())


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
