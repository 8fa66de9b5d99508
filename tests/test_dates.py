from __future__ import annotations

import datetime

import pytest
from hypothesis import given

import stancematrix as sm
from stancematrix.exceptions import InvalidValueError
from tests.strategies import edtf_dates, edtf_periods, partial_dates, periods


class TestPartialDate:
    def test_precision(self):
        """The precision follows which parts are given."""
        assert sm.Precision.YEAR == sm.PartialDate(2025).precision
        assert sm.Precision.MONTH == sm.PartialDate(2025, 7).precision
        assert sm.Precision.DAY == sm.PartialDate(2025, 7, 14).precision

    def test_bounds(self):
        """A month spans its first to its last day, February of a leap year included."""
        feb = sm.PartialDate(2024, 2)
        assert datetime.date(2024, 2, 1) == feb.first_day
        assert datetime.date(2024, 2, 29) == feb.last_day
        assert datetime.date(2025, 12, 31) == sm.PartialDate(2025).last_day

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2025", sm.PartialDate(2025)),
            ("2025-07", sm.PartialDate(2025, 7)),
            ("0001-01-01", sm.PartialDate(1, 1, 1)),
        ],
    )
    def test_parse(self, text, expected):
        """ISO 8601 year, month and day forms parse."""
        assert expected == sm.PartialDate.parse(text)

    @pytest.mark.parametrize(
        "text", ["", "25", "2025-7", "2025-13", "2025-02-30", "2025/07", " 2025", "0000", "2025-00"]
    )
    def test_parse_rejects(self, text):
        """Malformed or impossible dates are rejected, naming the value."""
        with pytest.raises(InvalidValueError) as info:
            sm.PartialDate.parse(text)
        assert text == info.value.value
        assert repr(text) in str(info.value)

    def test_day_without_month(self):
        """A day needs a month."""
        with pytest.raises(InvalidValueError, match="a day needs a month"):
            sm.PartialDate(2025, None, 3)

    def test_bool_is_not_an_int(self):
        """Booleans are not accepted as date parts."""
        with pytest.raises(InvalidValueError):
            sm.PartialDate(2025, True)

    @given(partial_dates())
    def test_text_round_trip(self, value):
        """Every partial date reads back from its text form."""
        assert value == sm.PartialDate.parse(str(value))

    @given(partial_dates())
    def test_first_day_not_after_last_day(self, value):
        """A partial date's first day is never after its last day."""
        assert value.first_day <= value.last_day


class TestPeriod:
    def test_point(self):
        """A single partial date is a period that is not a span."""
        period = sm.Period("2025-03")
        assert not period.is_period
        assert "2025-03" == str(period)

    def test_span(self):
        """START/END keeps each end's own precision."""
        period = sm.Period.parse("2025-01/2025-03-15")
        assert period.is_period
        assert datetime.date(2025, 1, 1) == period.first_day
        assert datetime.date(2025, 3, 15) == period.last_day
        assert "2025-01/2025-03-15" == str(period)

    def test_same_ends_collapse(self):
        """A period from a date to itself equals that date."""
        assert sm.Period("2025") == sm.Period("2025", "2025")

    def test_overlapping_precisions_allowed(self):
        """A year may end a period that starts within it."""
        assert "2025-03/2025" == str(sm.Period("2025-03", "2025"))

    def test_ends_before_start(self):
        """A period that ends before it starts is rejected, naming both ends."""
        with pytest.raises(InvalidValueError, match=r"ends before it starts \(2025-03\)"):
            sm.Period.parse("2025-03/2025-02")

    def test_from_date(self):
        """A datetime.date becomes a day-precision period."""
        assert "2025-07-14" == str(sm.Period(datetime.date(2025, 7, 14)))

    @pytest.mark.parametrize("text", ["2025/", "/2025", "2025/2026/2027", "2025-01-01T00:00"])
    def test_parse_rejects(self, text):
        """Malformed periods are rejected."""
        with pytest.raises(InvalidValueError):
            sm.Period.parse(text)

    @given(periods())
    def test_text_round_trip(self, value):
        """Every period reads back from its text form."""
        assert value == sm.Period.parse(str(value))

    @given(periods())
    def test_hashable(self, value):
        """Equal periods hash alike."""
        assert hash(value) == hash(sm.Period.parse(str(value)))


class TestDateLike:
    """Everywhere a date is taken, a date, a datetime, an int year and the strings work."""

    @pytest.mark.parametrize(
        "value",
        [2025, "2025", sm.PartialDate(2025)],
    )
    def test_year_forms(self, value):
        """An int year means the year, as the string does."""
        m = sm.load_dataset("ukraine")
        assert m.as_of("2025") == m.as_of(value)
        assert m.claims(since="2025") == m.claims(since=value)

    def test_day_forms(self):
        """A date and a datetime mean their calendar day."""
        m = sm.load_dataset("ukraine")
        day = datetime.date(2025, 3, 1)
        assert m.as_of("2025-03-01") == m.as_of(day)
        assert m.as_of(day) == m.as_of(datetime.datetime(2025, 3, 1, 23, 59))

    def test_position_date_int(self):
        """A claim's date may be an int year."""
        claim = sm.Position("A", "i", "support", "s", date=2024)
        assert sm.Period("2024") == claim.date

    @pytest.mark.parametrize("value", [True, 2025.0, 0, 10_000, [2025]])
    def test_not_dates(self, value):
        """A bool, a float, a year out of range or a list is refused, naming the value."""
        with pytest.raises(InvalidValueError) as info:
            sm.load_dataset("ukraine").as_of(value)
        assert value == info.value.value

    def test_dataset_since_int(self):
        """load_dataset("unga", since=2010) is the 2010 selection (the issue's reproducer)."""
        assert sm.load_dataset("unga", since="2010") == sm.load_dataset("unga", since=2010)


class TestEdtf:
    @pytest.mark.parametrize(
        ("text", "approximate", "uncertain"),
        [("2025-01~", True, False), ("2025?", False, True), ("2025-01-20%", True, True)],
    )
    def test_qualifiers(self, text: str, approximate: bool, uncertain: bool):
        """~ is approximate, ? uncertain, % both; the text is written back as given."""
        date = sm.PartialDate.parse(text)
        assert (approximate, uncertain) == (date.approximate, date.uncertain)
        assert text == str(date)

    def test_qualified_date_lies_where_written(self):
        """A qualifier changes nothing about which days a date means."""
        date = sm.PartialDate.parse("2025-01~")
        assert (datetime.date(2025, 1, 1), datetime.date(2025, 1, 31)) == (
            date.first_day,
            date.last_day,
        )
        assert sm.PartialDate(2025, 1) != date

    def test_open_end(self):
        """START/.. began then and has no known end."""
        period = sm.Period.parse("2025-01-20/..")
        assert (True, None, datetime.date.max) == (period.open_end, period.end, period.last_day)
        assert "2025-01-20/.." == str(period)

    @pytest.mark.parametrize("text", ["2025~~", "2025-~", "~2025", "../2025", "2025/..~", "2025/"])
    def test_malformed(self, text: str):
        """Anything else is an error naming the text."""
        with pytest.raises(InvalidValueError, match="date"):
            sm.Period.parse(text)

    def test_open_end_with_an_end_is_refused(self):
        """An open-ended period cannot also have an end."""
        with pytest.raises(InvalidValueError, match="open-ended"):
            sm.Period("2025", "2026", open_end=True)

    @given(edtf_dates())
    def test_date_round_trip(self, date: sm.PartialDate):
        """Property: every qualified partial date is written and read back exactly."""
        assert date == sm.PartialDate.parse(str(date))

    @given(edtf_periods())
    def test_period_round_trip(self, period: sm.Period):
        """Property: every period, qualified or open-ended, is written and read back exactly."""
        assert period == sm.Period.parse(str(period))

    def test_claims_keep_their_qualifiers(self):
        """A matrix keeps a claim's qualified date and until through JSON and CSV."""
        claim = sm.Position("A", "q", "support", "s", date="2025-01~/..", until="2025-07?")
        m = sm.StanceMatrix.from_positions(
            [claim],
            actors=[sm.Actor("A", "A")],
            issues=[sm.Issue("q", "Q", "Q.")],
            sources=[sm.Source("s", "S")],
        )
        assert [claim] == list(m)
        assert [claim] == list(sm.read_json(m.to_json()))
        assert [claim] == list(sm.read_csv(m.to_csv()))
        assert "support" == m.stance("A", "q", as_of="2025-07-31")
        assert None is m.stance("A", "q", as_of="2025-08")

    def test_mapped_table_keeps_qualifiers(self):
        """A mapped table's qualified and open-ended dates are kept as written."""
        data = b"who,q,how,when,until\nA,q1,support,2025-01~/..,2025-07?\nB,q1,oppose,2025,\n"
        columns = {"actor": "who", "issue": "q", "stance": "how", "date": "when", "until": "until"}
        m = sm.read_csv(data, columns=columns)
        assert [("2025-01~/..", "2025-07?"), ("2025", None)] == [
            (str(c.date), None if c.until is None else str(c.until)) for c in m
        ]
