from __future__ import annotations

import pytest
from hypothesis import given, settings

import stancematrix as sm
from tests.strategies import matrices

pandas = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def ukraine() -> sm.StanceMatrix:
    return sm.load_dataset("ukraine")


class TestToDataFrame:
    def test_long(self, ukraine):
        """The long frame has one row per claim with the model's fields."""
        frame = ukraine.to_dataframe()
        assert ["actor", "issue", "stance", "source", "date", "summary", "quote", "note"] == list(
            frame.columns
        )
        assert len(ukraine) == len(frame)
        first = next(iter(ukraine))
        assert first.summary == frame.iloc[0]["summary"]

    def test_wide(self, ukraine):
        """The wide frame is the grid, indexed by issue key, one column per actor key."""
        m = ukraine.select(
            actors=["US", "RU"], issues=["territory", "energy"], sources=["seed-001"]
        )
        frame = m.to_dataframe(layout="wide")
        assert ["US", "RU"] == list(frame.columns)
        assert ["territory", "energy"] == list(frame.index)
        assert "strongly oppose" == frame.loc["territory", "RU"]


class TestFromDataFrame:
    @settings(max_examples=30)
    @given(matrices(min_claims=1))
    def test_claims_round_trip(self, matrix):
        """from_dataframe(to_dataframe(m)) holds the same claims."""
        read = sm.from_dataframe(matrix.to_dataframe(), scale=matrix.scale)
        assert set(matrix) == set(read)

    def test_mapping(self):
        """The CSV reader's column mapping and fallback chains work on frames."""
        frame = pandas.DataFrame(
            {
                "rcid": [1, 1, 2],
                "country": ["Ukraine", "Zanzibar", "Ukraine"],
                "country_code": ["UA", None, "UA"],
                "vote": ["yes", "no", "abstain"],
            }
        )
        m = sm.from_dataframe(
            frame,
            columns={"actor": ("country_code", "country"), "issue": "rcid", "stance": "vote"},
            scale=sm.Scale.votes(),
        )
        assert [("UA", "1", "yes"), ("UA", "2", "abstain"), ("Zanzibar", "1", "no")] == [
            (c.actor, c.issue, c.stance) for c in m
        ]

    def test_errors_name_the_row(self):
        """A bad value is a ReadError naming its row (as a CSV line) and value."""
        frame = pandas.DataFrame({"a": ["x", "y"], "i": ["1", "1"], "s": ["yes", "maybe"]})
        with pytest.raises(sm.exceptions.ReadError, match="maybe") as info:
            sm.from_dataframe(
                frame, columns={"actor": "a", "issue": "i", "stance": "s"}, scale=sm.Scale.votes()
            )
        assert 3 == info.value.line

    def test_missing_values(self):
        """None, NaN and pandas.NA all count as empty cells (here: a fallback is used)."""
        frame = pandas.DataFrame(
            {
                "code": pandas.array(["UA", None, pandas.NA, float("nan")], dtype=object),
                "name": ["Ukraine", "A", "B", "C"],
                "vote": ["yes", "no", "no", "yes"],
            }
        )
        m = sm.from_dataframe(
            frame.assign(rcid=1),
            columns={"actor": ("code", "name"), "issue": "rcid", "stance": "vote"},
            scale=sm.Scale.votes(),
        )
        assert ["UA", "A", "B", "C"] == [a.key for a in m.actors]


class TestLoneSurrogates:
    def test_refused(self):
        """A lone surrogate in a data frame's text is a ReadError naming the field."""
        pandas = pytest.importorskip("pandas")
        frame = pandas.DataFrame(
            {"actor": ["A"], "issue": ["i"], "stance": ["yes"], "summary": ["a\ud800"]}
        )
        with pytest.raises(sm.exceptions.ReadError, match=r"Position\.summary.*lone surrogate"):
            sm.from_dataframe(frame, scale=sm.Scale.votes())
