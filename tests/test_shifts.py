from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._shifts import (
    BECAME_KNOWN,
    BECAME_UNKNOWN,
    HARDENED,
    REVERSED,
    SOFTENED,
    classify,
)
from stancematrix.exceptions import UnknownStanceError
from tests.strategies import scales

FIVE = sm.Scale.five_point()


class TestClassify:
    @pytest.mark.parametrize(
        ("old", "new", "expected"),
        [
            ("oppose", "strongly support", (REVERSED, 3)),
            ("support", "strongly support", (HARDENED, 1)),
            ("neutral", "support", (HARDENED, 1)),
            ("strongly oppose", "oppose", (SOFTENED, 1)),
            ("support", "neutral", (SOFTENED, 1)),
            (None, "support", (BECAME_KNOWN, None)),
            ("no position reported", "oppose", (BECAME_KNOWN, None)),
            ("oppose", None, (BECAME_UNKNOWN, None)),
            ("support", "support", None),
            (None, "no position reported", None),
        ],
    )
    def test_kinds(self, old, new, expected):
        """Each kind of move on the five-point scale, with its size."""
        assert expected == classify(FIVE, old, new)

    def test_unknown_label(self):
        """A label off the scale raises UnknownStanceError."""
        with pytest.raises(UnknownStanceError):
            classify(FIVE, "support", "love")

    @given(st.data(), scales())
    def test_reverse_move_mirrors(self, data, scale):
        """Moving back undoes the move: reversed stays reversed, hardened becomes softened,
        became known becomes became unknown, with the same size."""
        labels = [None, *scale.labels]
        old, new = data.draw(st.sampled_from(labels)), data.draw(st.sampled_from(labels))
        forth, back = classify(scale, old, new), classify(scale, new, old)
        mirror = {
            REVERSED: REVERSED,
            HARDENED: SOFTENED,
            SOFTENED: HARDENED,
            BECAME_KNOWN: BECAME_UNKNOWN,
            BECAME_UNKNOWN: BECAME_KNOWN,
        }
        if forth is None:
            assert back is None
        else:
            assert back is not None
            assert (mirror[forth[0]], forth[1]) == back
