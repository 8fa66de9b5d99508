from __future__ import annotations

from typing import Any

import attrs
import pytest

import stancematrix as sm
from stancematrix._io import csv as csv_format
from stancematrix._io import mapped, schema
from stancematrix._io.schema import ACTOR, CLAIM, ENTRIES, ISSUE, LEVEL, SOURCE, Entry

MODELS = [(ACTOR, sm.Actor), (ISSUE, sm.Issue), (SOURCE, sm.Source), (CLAIM, sm.Position)]
ALL = [*MODELS, (LEVEL, sm.Level)]


def uncarried(entry: Entry) -> dict[str, set[str]]:
    """Per format whose table is kept by hand, the fields of *entry* it has no place for."""
    columns = set(csv_format.RECORDS[entry.name]) & set(csv_format.COLUMNS)
    out = {"csv": {f for f in entry.fields if csv_format.RENAMED.get(f, f) not in columns}}
    if entry.name == "claim":
        # The CSV claim row, pandas' long DataFrame and the column mapping.
        out["tables"] = set(entry.fields) - set(schema.CLAIM_COLUMNS)
        out["mapped"] = set(entry.fields) - set(mapped.MAPPED_FIELDS)
    return {name: missing for name, missing in out.items() if missing}


@attrs.frozen
class ActorWithWebsite(sm.Actor):
    website: str | None = None


@attrs.frozen
class PositionWithTone(sm.Position):
    tone: str | None = None


@attrs.frozen
class IssueWithVotes(sm.Issue):
    votes: dict[str, int] = attrs.field(factory=dict)


class TestDerived:
    @pytest.mark.parametrize(("entry", "cls"), ALL, ids=[e.name for e, _ in ALL])
    def test_fields_are_the_classes(self, entry, cls):
        """An entry's fields are its attrs class's, in the class's order."""
        assert tuple(f.name for f in attrs.fields(cls)) == entry.fields

    def test_required(self):
        """The fields without a default are the required ones."""
        assert {
            "actor": ("key", "name"),
            "issue": ("key", "title", "proposition"),
            "source": ("id", "title"),
            "claim": ("actor", "issue", "stance", "source"),
            "level": ("label", "value"),
        } == {entry.name: entry.required for entry, _ in ALL}

    def test_kinds(self):
        """Lists, dates and numbers are told apart by the annotations."""
        assert ("aliases", "tags") == ISSUE.of(tuple)
        assert ("date",) == ISSUE.of(sm.PartialDate)
        assert ("published",) == SOURCE.of(sm.PartialDate)
        assert ("date",) == CLAIM.of(sm.Period)
        assert ("value",) == LEVEL.of(float)
        assert ("order",) == CLAIM.of(int)

    def test_unknown_kind_refused(self):
        """A field of a kind no format can write is an error when the table is derived."""
        with pytest.raises(TypeError, match=r"IssueWithVotes\.votes"):
            schema.derive("issue", IssueWithVotes)

    def test_claim_columns_reorder_the_claim(self):
        """The tables' claim order is the claim's fields with the date after the source."""
        assert sorted(CLAIM.fields) == sorted(schema.CLAIM_COLUMNS)
        # The long CSV keeps version 1's columns in place and adds version 2's last.
        first = schema.CLAIM_COLUMNS[:-2]
        assert first == csv_format.COLUMNS[1 : 1 + len(first)]
        assert ("until", "order", "series") == csv_format.COLUMNS[-3:]

    def test_scale_data(self):
        """The scale's plain data leaves out what is empty."""
        scale = sm.Scale("s", [sm.Level("no", -1), sm.Level("yes", 1, "+")], "none", None)
        assert {
            "name": "s",
            "levels": [{"label": "no", "value": -1}, {"label": "yes", "value": 1, "symbol": "+"}],
            "unknown": {"label": "none"},
        } == schema.scale_data(scale)


class TestEveryFieldCarried:
    @pytest.mark.parametrize(("entry", "cls"), MODELS, ids=[e.name for e, _ in MODELS])
    def test_tables_by_hand_hold_every_field(self, entry, cls):
        """Every format table kept by hand has a place for every field of the model."""
        assert {} == uncarried(entry)

    def test_a_new_field_is_caught(self):
        """A field added to a model class is reported by each format that lacks it."""
        assert {"csv": {"website"}} == uncarried(schema.derive("actor", ActorWithWebsite))
        assert {"csv": {"tone"}, "tables": {"tone"}, "mapped": {"tone"}} == uncarried(
            schema.derive("claim", PositionWithTone)
        )

    def test_every_field_round_trips(self):
        """A matrix with every field of every entry set reads back equal from each format."""
        m = full_matrix()
        assert m == sm.read_csv(m.to_csv())
        assert m == sm.read_json(m.to_json())
        d = sm.diff(m.select(actors=["B"]), m)
        assert d == sm.read_diff(d.to_json())

    def test_every_claim_field_in_the_dataframe(self):
        """pandas' long DataFrame has a column for every field of a claim, filled in."""
        pytest.importorskip("pandas")
        m = full_matrix()
        (claim,) = m
        (row,) = m.to_dataframe().to_dict("records")
        assert {f: str(getattr(claim, f)) for f in CLAIM.fields} == {
            f: str(row[f]) for f in CLAIM.fields
        }


SAMPLES: dict[type[Any], Any] = {
    str: "text",
    tuple: ("first", "second"),
    float: 0.5,
    int: 2,
    sm.PartialDate: sm.PartialDate.parse("2024-05"),
    sm.Period: sm.Period.parse("2024-01/2024-03"),
}


def full(entry: Entry, tag: str, **given: Any) -> Any:
    """An *entry* with every field set: the *given* values, else a sample of its kind."""

    def sample(field: str) -> Any:
        value = SAMPLES[entry.kinds[field]]
        if isinstance(value, str):
            return f"{tag} {field}"
        if isinstance(value, tuple):
            return tuple(f"{tag} {field} {v}" for v in value)
        return value

    return entry.cls(**{f: given[f] if f in given else sample(f) for f in entry.fields})


def full_matrix() -> sm.StanceMatrix:
    """A matrix in which each field of each entry is set somewhere."""
    scale = sm.Scale(
        "s",
        [full(LEVEL, "no", label="no", value=-1), full(LEVEL, "yes", label="yes", value=1)],
        unknown="unknown",
        unknown_symbol="?",
    )
    entries = {
        "actor": [full(ACTOR, "A", key="A"), full(ACTOR, "B", key="B")],
        "issue": [full(ISSUE, "P", key="P", parent=None), full(ISSUE, "I", key="I", parent="P")],
        "source": [full(SOURCE, "S", id="S")],
    }
    assert {"actor", "issue", "source"} == {entry.name for entry in ENTRIES}
    claim = full(CLAIM, "C", actor="A", issue="I", stance="yes", source="S")
    return sm.StanceMatrix.from_positions(
        [claim],
        actors=entries["actor"],
        issues=entries["issue"],
        sources=entries["source"],
        scale=scale,
        metadata={"title": "every field"},
    )
