from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._model import titled_issue
from stancematrix.exceptions import InvalidValueError


def made(call: object) -> tuple[object, ...]:
    """What *call* returns (with every field), or the type and message of its error."""
    try:
        value = call()  # type: ignore[operator]
    except InvalidValueError as error:
        return ("error", str(error))
    return ("made", value, attrs.asdict(value), hash(value))


class TestActor:
    def test_fields(self):
        """An actor keeps its key, name, kind and aliases; aliases become a tuple."""
        actor = sm.Actor("RU", "Russia", "state", ["Kremlin", "Moscow"])
        assert ("Kremlin", "Moscow") == actor.aliases

    def test_frozen(self):
        """Actors are immutable; attrs.evolve makes changed copies."""
        actor = sm.Actor("RU", "Russia")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            actor.key = "X"  # type: ignore[misc]
        assert "Russian Federation" == attrs.evolve(actor, name="Russian Federation").name

    @pytest.mark.parametrize("key", ["", " US", "US ", "  "])
    def test_key_must_be_trimmed_text(self, key):
        """Empty keys and keys with surrounding whitespace are rejected."""
        with pytest.raises(InvalidValueError, match=r"Actor\.key"):
            sm.Actor(key, "United States")

    def test_alias_repeats_key(self):
        """An alias may not repeat the key or another alias, case-insensitively."""
        with pytest.raises(InvalidValueError, match="repeats the key"):
            sm.Actor("US", "United States", aliases=["us"])
        with pytest.raises(InvalidValueError, match="'Washington'"):
            sm.Actor("US", "United States", aliases=["washington", "Washington"])

    def test_single_string_alias(self):
        """A single string is one alias, not one alias per character."""
        assert ("Kyiv",) == sm.Actor("UA", "Ukraine", aliases="Kyiv").aliases


class TestIssue:
    def test_own_parent(self):
        """An issue cannot be its own parent."""
        with pytest.raises(InvalidValueError, match="its own parent"):
            sm.Issue("energy", "Energy", "Europe cuts Russian gas.", parent="energy")

    def test_proposition_required(self):
        """Every issue states the proposition stances are measured against."""
        with pytest.raises(InvalidValueError, match=r"Issue\.proposition"):
            sm.Issue("energy", "Energy", "")


# Any text, and text made of what Issue's checks look for (blanks, lone surrogates).
_TEXTS = st.text(max_size=6) | st.text(st.sampled_from(["a", "é", " ", "\n", "\ud800"]), max_size=4)


class TestTitledIssue:
    @given(_TEXTS, _TEXTS)
    def test_same_as_issue(self, key, title):
        """titled_issue(key, title) is Issue(key, title, title), field for field, or
        raises the same error (blank, padded or surrogate text included)."""
        assert made(lambda: sm.Issue(key, title, title)) == made(lambda: titled_issue(key, title))

    @pytest.mark.parametrize("key", [" k", "", "\ud800", "k\n", 3])
    def test_bad_text_raises_as_issue_does(self, key):
        """Text Issue refuses is refused with Issue's own error."""
        with pytest.raises(InvalidValueError, match=r"Issue\.key"):
            titled_issue(key, "Title")


class TestSource:
    def test_published_parsed(self):
        """A publication date may be given as text and keeps its precision."""
        assert sm.PartialDate(2025, 7) == sm.Source("s", "T", published="2025-07").published


class TestPosition:
    def test_date_text(self):
        """A claim's date may be written as text."""
        claim = sm.Position("US", "sanctions", "support", "s1", date="2025-04/2025-07")
        assert sm.Period("2025-04", "2025-07") == claim.date

    @pytest.mark.parametrize("field", ["summary", "quote", "note"])
    def test_empty_text_rejected(self, field):
        """Text fields are None or non-empty, never ''."""
        with pytest.raises(InvalidValueError, match=f"Position.{field}"):
            sm.Position("US", "sanctions", "support", "s1", **{field: ""})  # type: ignore[arg-type]

    def test_non_string_rejected(self):
        """A non-string in a text field is rejected, naming the field."""
        with pytest.raises(InvalidValueError, match=r"Position\.summary"):
            sm.Position("US", "sanctions", "support", "s1", summary=3)  # type: ignore[arg-type]

    def test_equal_values_hash_alike(self):
        """Claims with equal fields are equal and hash alike."""
        a = sm.Position("US", "sanctions", "support", "s1", quote="q", date="2025")
        b = sm.Position("US", "sanctions", "support", "s1", quote="q", date=sm.Period("2025"))
        assert a == b
        assert hash(a) == hash(b)


# Text holding half a UTF-16 surrogate pair: valid in a Python str, never in UTF-8.
_ANY_CODE_POINT = st.text(st.characters(codec=None, exclude_categories=()), min_size=1)


class TestLoneSurrogates:
    @pytest.mark.parametrize(
        ("make", "field"),
        [
            (lambda t: sm.Actor("A", t), "Actor.name"),
            (lambda t: sm.Actor(t, "A"), "Actor.key"),
            (lambda t: sm.Actor("A", "A", aliases=[t]), "Actor.aliases"),
            (lambda t: sm.Issue("i", "I", "P", tags=[t]), "Issue.tags"),
            (lambda t: sm.Issue("i", "I", "P", description=t), "Issue.description"),
            (lambda t: sm.Source("s", "S", author=t), "Source.author"),
            (lambda t: sm.Position("A", "i", "support", "s", summary=t), "Position.summary"),
            (lambda t: sm.Level(t, 1), "Level.label"),
            (
                lambda t: sm.StanceMatrix.from_positions(
                    [], actors=[], issues=[], sources=[], metadata={"k": t}
                ),
                "metadata",
            ),
        ],
    )
    def test_refused(self, make, field):
        """Every text field refuses a lone surrogate, naming the field and the code point."""
        with pytest.raises(InvalidValueError, match=r"\\ud800 at character 2 is a lone") as info:
            make("a\ud800")
        assert field == info.value.field

    @given(_ANY_CODE_POINT)
    def test_accepted_text_encodes(self, text):
        """Text a claim accepts always writes as UTF-8 JSON; anything else is refused."""
        try:
            claim = sm.Position("A", "i", "support", "s", summary=text)
        except InvalidValueError:
            assert any(0xD800 <= ord(c) <= 0xDFFF for c in text)
            return
        m = sm.StanceMatrix.from_positions(
            [claim],
            actors=[sm.Actor("A", "A")],
            issues=[sm.Issue("i", "I", "P")],
            sources=[sm.Source("s", "S")],
        )
        assert text == sm.read_json(m.to_json().encode("utf-8")).claims()[0].summary
