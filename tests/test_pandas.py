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
        assert [
            *("actor", "issue", "stance", "source", "date", "summary", "quote", "note", "until"),
            "order",
        ] == list(frame.columns)
        assert len(ukraine) == len(frame)
        first = next(iter(ukraine))
        assert first.summary == frame.iloc[0]["summary"]

    def test_wide(self, ukraine):
        """The wide frame is the grid, indexed by issue key, one column per actor key."""
        m = ukraine.select(
            actors=["US", "RU"], issues=["territory", "energy"], sources=["ukraine-strategy"]
        )
        frame = m.to_dataframe(layout="wide")
        assert ["US", "RU"] == list(frame.columns)
        assert ["territory", "energy"] == list(frame.index)
        assert "strongly oppose" == frame.loc["territory", "RU"]


class TestNumericFrames:
    """Numeric DataFrames for analysis (issue 13, item 6)."""

    def test_wide_values(self, ukraine):
        """values="value" holds the scale value of the stance each cell shows, NaN if none."""
        frame = ukraine.to_dataframe(layout="wide", values="value")
        assert "float64" == str(frame.dtypes.iloc[0])
        for issue in ukraine.issues:
            for actor in ukraine.actors:
                label = ukraine.stance(actor.key, issue.key)
                expected = None if label is None else ukraine.scale.value(label)
                got = frame.loc[issue.key, actor.key]
                assert (expected is None and got != got) or expected == got

    @given(matrices())
    def test_wide_values_follow_the_cell_rule(self, m):
        """Every cell's value is position()'s stance's value, as of a date and transposed."""
        frame = m.to_dataframe(layout="wide", values="value", as_of="2025-06", transpose=True)
        for actor in m.actors:
            for issue in m.issues:
                claim = m.position(actor.key, issue.key, as_of="2025-06")
                value = None if claim is None else m.scale.value(claim.stance)
                got = frame.loc[actor.key, issue.key]
                assert (value is None and got != got) or value == got

    def test_values_checked(self, ukraine):
        """An unknown values= or values="value" with the long layout is refused."""
        with pytest.raises(sm.exceptions.InvalidValueError, match="values"):
            ukraine.to_dataframe(layout="wide", values="number")
        with pytest.raises(sm.exceptions.InvalidValueError, match="layout='wide'"):
            ukraine.to_dataframe(values="value")

    def test_agreement_frame(self, ukraine):
        """An agreement matrix gives its scores (NaN where none) or its n as DataFrames."""
        result = sm.agreement_matrix(ukraine)
        scores, counts = result.to_dataframe(), result.to_dataframe("n")
        assert list(result.actors) == list(scores.index) == list(scores.columns)
        for i, a in enumerate(result.actors):
            for j, b in enumerate(result.actors):
                score = result.scores[i][j]
                got = scores.loc[a, b]
                assert (score is None and got != got) or score == got
                assert result.counts[i][j] == counts.loc[a, b]
        assert "int64" == str(counts.dtypes.iloc[0])
        with pytest.raises(sm.exceptions.InvalidValueError, match="'score' or 'n'"):
            result.to_dataframe("both")  # type: ignore[arg-type]


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
            {"actor": ["A"], "issue": ["i"], "stance": ["yes"], "summary": ["a\ud800"]},
            dtype=object,  # pandas' pyarrow-backed strings (with pyarrow installed) refuse it
        )
        with pytest.raises(sm.exceptions.ReadError, match=r"Position\.summary.*lone surrogate"):
            sm.from_dataframe(frame, scale=sm.Scale.votes())
