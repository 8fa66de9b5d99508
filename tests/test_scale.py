from __future__ import annotations

import math

import pytest
from hypothesis import given

import stancematrix as sm
from stancematrix._query.methods import names
from stancematrix.exceptions import InvalidValueError, UnknownStanceError
from tests.strategies import scales


class TestScale:
    def test_five_point(self):
        """The default scale runs from strongly oppose to strongly support, then unknown."""
        scale = sm.Scale.five_point()
        assert (
            "strongly oppose",
            "oppose",
            "neutral",
            "support",
            "strongly support",
            "no position reported",
        ) == scale.labels
        assert 0 == scale.midpoint
        assert -2 == scale.value("strongly oppose")

    def test_unknown_is_not_neutral(self):
        """'no position reported' has no value, unlike neutral's 0."""
        scale = sm.Scale.five_point()
        assert scale.value("no position reported") is None
        assert 0 == scale.value("neutral")

    def test_votes(self):
        """The vote scale is no / abstain / yes."""
        scale = sm.Scale.votes()
        assert ("no", "abstain", "yes", "no position reported") == scale.labels
        assert "Y" == scale.symbol("yes")

    def test_unknown_label(self):
        """Looking up a label not on the scale names it and the scale's labels."""
        with pytest.raises(UnknownStanceError) as info:
            sm.Scale.votes().value("maybe")
        assert "'maybe'" in str(info.value)
        assert "'abstain'" in str(info.value)
        assert isinstance(info.value, ValueError)

    def test_labels_are_exact(self):
        """Labels match exactly: case differs, so it is a different label."""
        assert "Yes" not in sm.Scale.votes()
        assert "yes" in sm.Scale.votes()

    @pytest.mark.parametrize(
        ("levels", "unknown", "message"),
        [
            ([sm.Level("a", 0)], "u", "at least two"),
            ([sm.Level("a", 0), sm.Level("A", 1)], "u", "label given twice"),
            ([sm.Level("a", 1), sm.Level("b", 1)], "u", "values must increase"),
            ([sm.Level("a", 0), sm.Level("b", 1)], "B", "must differ"),
        ],
    )
    def test_invalid(self, levels, unknown, message):
        """Scales with too few levels, repeated labels or unordered values are rejected."""
        with pytest.raises(InvalidValueError, match=message):
            sm.Scale("custom", levels, unknown)

    @pytest.mark.parametrize("value", [float("nan"), True, "1"])
    def test_level_value_must_be_a_number(self, value):
        """A level's value is a finite number, not a bool or string."""
        with pytest.raises(InvalidValueError, match="finite number"):
            sm.Level("x", value)

    @given(scales())
    def test_codes_follow_labels(self, scale):
        """Each label's code is its position in labels."""
        assert list(range(len(scale.labels))) == [scale.code(label) for label in scale.labels]

    @given(scales())
    def test_values_increase(self, scale):
        """Level values increase along the scale; the midpoint lies between the ends."""
        values = [scale.value(label) for label in scale.labels[:-1]]
        assert values == sorted(values)
        assert scale.minimum <= scale.midpoint <= scale.maximum


class TestLevelBound:
    @pytest.mark.parametrize("value", [1.7e308, -1.7e308, 10**400, 1_000_001, -1_000_000.5])
    def test_beyond_bound_refused(self, value):
        """A level value beyond ±1,000,000 is refused, naming the bound."""
        with pytest.raises(InvalidValueError, match="from -1,000,000 to 1,000,000"):
            sm.Level("x", value)

    def test_bound_itself_accepted(self):
        """±1,000,000 are valid level values."""
        assert (-1_000_000, 1_000_000) == (
            sm.Level("x", -1_000_000).value,
            sm.Level("y", 1_000_000).value,
        )

    def test_extreme_scale_stays_finite(self):
        """At the bound, HTML renders and polarization and agreement are finite numbers."""
        scale = sm.Scale("wide", [sm.Level("low", -1_000_000), sm.Level("high", 1_000_000)])
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position(actor, "i", stance, "s")
                for actor, stance in [("A", "low"), ("B", "high"), ("C", "high")]
            ],
            actors=[sm.Actor(k, k) for k in "ABC"],
            issues=[sm.Issue("i", "I", "P")],
            sources=[sm.Source("s", "S")],
            scale=scale,
        )
        scores = [sm.agreement(m, "B", "C", method=name).score for name in names()]
        spread = [x for row in sm.polarization(m) for x in (row.mean, row.spread)]
        assert "<table" in m.to_html()
        assert all(x is not None and math.isfinite(x) for x in [*scores, *spread])
