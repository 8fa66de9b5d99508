"""Claims that stop holding: a claim's ``until``, and editions of a source series."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix.exceptions import InvalidValueError, ReadError
from tests.strategies import partial_dates, periods, validity_matrices

DATA = Path(__file__).parent / "data"
ACTORS = [sm.Actor("A", "Alpha"), sm.Actor("B", "Beta"), sm.Actor("N", "Nu")]
ISSUES = [sm.Issue("q1", "Q1", "Q1 holds."), sm.Issue("q2", "Q2", "Q2 holds.")]


def one_cell(*claims: sm.Position, sources: list[sm.Source] | None = None) -> sm.StanceMatrix:
    return sm.StanceMatrix.from_positions(
        claims,
        actors=ACTORS,
        issues=ISSUES,
        sources=sources or [sm.Source("s", "S"), sm.Source("t", "T")],
    )


def editions() -> sm.StanceMatrix:
    """Two editions of one series: A and N answer in 2021, A and B in 2025."""
    sources = [
        sm.Source("e2021", "Edition 2021", series="wom", published="2021-09-01"),
        sm.Source("e2025", "Edition 2025", series="wom", published="2025-02-06"),
    ]
    answers = {
        ("e2021", "2021-09-26"): [
            ("A", "q1", "support"),
            ("A", "q2", "oppose"),
            ("N", "q1", "support"),
            ("N", "q2", "oppose"),
        ],
        ("e2025", "2025-02-23"): [
            ("A", "q1", "oppose"),
            ("A", "q2", "oppose"),
            ("B", "q1", "support"),
            ("B", "q2", "oppose"),
        ],
    }
    claims = [
        sm.Position(actor, issue, stance, source, date=date)
        for (source, date), rows in answers.items()
        for actor, issue, stance in rows
    ]
    return sm.StanceMatrix.from_positions(claims, actors=ACTORS, issues=ISSUES, sources=sources)


class TestUntil:
    def test_partial_until_means_its_last_day(self):
        """A claim until 2025-02 holds on 28 February and no longer on 1 March."""
        m = one_cell(sm.Position("A", "q1", "support", "s", date="2024", until="2025-02"))
        assert "support" == m.stance("A", "q1", as_of="2025-02-28")
        assert None is m.stance("A", "q1", as_of="2025-03-01")
        assert 1 == len(m.as_of("2025-02"))
        assert 0 == len(m.as_of("2025-03"))

    def test_expired_claim_still_hides_older_ones(self):
        """After a newer claim expires the cell shows nothing, not the claim it replaced."""
        m = one_cell(
            sm.Position("A", "q1", "support", "s", date="2020"),
            sm.Position("A", "q1", "oppose", "s", date="2022", until="2023"),
        )
        assert "oppose" == m.stance("A", "q1", as_of="2023-12-31")
        assert None is m.position("A", "q1", as_of="2024-01-01")
        assert 0 == len(m.as_of("2024"))

    def test_matrix_view_shows_the_latest_claim(self):
        """Without a date a cell shows its latest claim, expired or not (the record)."""
        m = one_cell(sm.Position("A", "q1", "support", "s", date="2020", until="2020"))
        assert "support" == m.stance("A", "q1")
        assert "support" == m.as_of("2020").stance("A", "q1")

    def test_undated_claim_with_until(self):
        """An undated claim holds until its until, like a dated one."""
        m = one_cell(sm.Position("A", "q1", "support", "s", until="2020"))
        assert "support" == m.stance("A", "q1", as_of="2020-12-31")
        assert None is m.stance("A", "q1", as_of="2021")

    def test_until_before_date_names_the_claim(self):
        """A claim ending before it begins is refused, naming actor, issue and source."""
        with pytest.raises(InvalidValueError, match=r"'A' on 'q1' from 's', dated 2025.*ends"):
            sm.Position("A", "q1", "support", "s", date="2025", until="2024-12")

    def test_until_on_the_first_day_is_valid(self):
        """A claim may end on the day it begins (a partial until reaches its last day)."""
        assert (
            sm.PartialDate(2025, 3)
            == sm.Position("A", "q1", "x", "s", "2025", until="2025-03").until
        )

    @given(periods(), partial_dates())
    def test_until_before_date_is_invalid(self, date: sm.Period, until: sm.PartialDate):
        """Property: a claim is refused exactly when its until ends before its date begins."""
        make = lambda: sm.Position("A", "q1", "x", "s", date=date, until=until)  # noqa: E731
        if until.last_day < date.first_day:
            with pytest.raises(InvalidValueError, match="'A' on 'q1' from 's'"):
                make()
        else:
            assert until == make().until

    def test_timeline_and_shifts_see_the_expiry(self):
        """An expiry that reveals another source's claim of the same date is a shift."""
        m = one_cell(
            sm.Position("A", "q1", "support", "s", date="2020", until="2021"),
            sm.Position("A", "q1", "oppose", "t", date="2020"),
        )
        assert ["reversed"] == [s.kind for s in m.timeline("A", "q1").shifts]
        assert ["reversed"] == [s.kind for s in m.shifts()]

    def test_changes_between_dates(self):
        """changes() between two dates reports the claim that expired in between."""
        m = one_cell(sm.Position("A", "q1", "support", "s", date="2020", until="2021"))
        assert ["became unknown"] == [s.kind for s in m.changes("2020", "2022").shifts]

    def test_columns_reader_refuses_until_before_date(self):
        """A mapped table's until before its date is an error naming the line."""
        data = b"who,q,how,when,until\nA,q1,support,2025,2024\n"
        columns = {"actor": "who", "issue": "q", "stance": "how", "date": "when", "until": "until"}
        with pytest.raises(ReadError, match=r"'A' on 'q1'.*ends before it begins") as info:
            sm.read_csv(data, columns=columns)
        assert 2 == info.value.line


class TestEditions:
    def test_series_needs_a_published_date(self):
        """A source in a series without a published date is refused."""
        with pytest.raises(InvalidValueError, match="'e1' is an edition of a series"):
            sm.Source("e1", "Edition", series="wom")

    def test_newer_edition_supersedes_older(self):
        """As of the newer edition's publication the older edition's claims stop holding."""
        m = editions()
        assert "support" == m.stance("N", "q1", as_of="2025-02-05")
        assert None is m.stance("N", "q1", as_of="2025-02-06")
        assert {"A", "B"} == {c.actor for c in m.as_of("2025-02-23")}

    def test_party_that_stood_once_has_no_agreement_later(self):
        """A party of the old edition shares no issue with a newer one as of the new edition."""
        m = editions()
        result = sm.agreement(m, "N", "B", as_of="2025-02-23")
        assert (None, 0) == (result.score, result.n)
        assert 2 == sm.agreement(m, "N", "A", as_of="2021-12-31").n

    def test_shift_between_editions(self):
        """A changed answer is a shift from the old edition's claim to the new one's."""
        shifts = list(editions().shifts())
        assert [("A", "q1", "reversed")] == [(s.actor, s.issue, s.kind) for s in shifts]
        assert ("e2021", "e2025") == (shifts[0].before.source, shifts[0].after.source)

    def test_selecting_one_edition_keeps_its_claims(self):
        """Without the newer edition in the matrix nothing supersedes the older one."""
        old = editions().select(sources=["e2021"])
        assert "support" == old.stance("N", "q1", as_of="2030")

    @pytest.mark.parametrize(
        ("other", "as_of", "expected"),
        [
            (("e2", "wom", "2025"), "2024-12-31", "support"),  # a partial date: its first day
            (("e2", "wom", "2025"), "2025-01-01", None),
            (("p2", "poll", "2025"), "2026", "support"),  # another series: independent
        ],
    )
    def test_newer_edition_published(
        self, other: tuple[str, str, str], as_of: str, expected: str | None
    ):
        """An edition supersedes its own series' older ones from its published first day."""
        key, series, published = other
        sources = [
            sm.Source("e1", "E1", series="wom", published="2021"),
            sm.Source(key, key, series=series, published=published),
        ]
        m = one_cell(sm.Position("A", "q1", "support", "e1", date="2021"), sources=sources)
        assert expected == m.stance("A", "q1", as_of=as_of)


class TestFormats:
    def test_json_round_trip(self):
        """JSON writes until and series and reads them back."""
        m = editions()
        m = sm.StanceMatrix.from_positions(
            [attrs.evolve(c, until="2029") for c in m],
            actors=m.actors,
            issues=m.issues,
            sources=m.sources,
        )
        text = m.to_json()
        assert '"until": "2029"' in text
        assert '"series": "wom"' in text
        assert m == sm.read_json(text)

    def test_version_1_json_reads(self):
        """A committed format version 1 document still reads."""
        m = sm.read_json(DATA / "matrix_v1.json")
        assert 10 == len(m)
        assert m == sm.read_json(m.to_json())

    def test_version_1_csv_reads(self):
        """A committed format version 1 long CSV (without until and series) still reads."""
        assert sm.read_json(DATA / "matrix_v1.json") == sm.read_csv(DATA / "matrix_v1.csv")

    def test_version_1_csv_with_version_2_header_is_refused(self):
        """The format record's version must match the header's."""
        text = (DATA / "matrix_v1.csv").read_text(encoding="utf-8").replace(",1,", ",2,", 1)
        with pytest.raises(ReadError, match="unsupported format version") as info:
            sm.read_csv(text)
        assert 2 == info.value.line

    def test_dataframe_round_trip_keeps_until(self):
        """The long DataFrame has an until column that from_dataframe reads back."""
        pytest.importorskip("pandas")
        m = one_cell(sm.Position("A", "q1", "support", "s", date="2020", until="2021-06"))
        frame = m.to_dataframe()
        assert ["2021-06"] == list(frame["until"])
        back = sm.from_dataframe(frame, cite=sm.Source("s", "S"))
        assert [sm.PartialDate(2021, 6)] == [c.until for c in back]

    def test_diff_reports_until(self):
        """A claim whose until changed is a changed claim naming the field."""
        old = one_cell(sm.Position("A", "q1", "support", "s", date="2020"))
        new = one_cell(sm.Position("A", "q1", "support", "s", date="2020", until="2021"))
        (change,) = sm.diff(old, new).claims
        assert ("changed", ("until",)) == (change.change, change.fields)


class TestProperties:
    @given(validity_matrices())
    def test_json_round_trip(self, m: sm.StanceMatrix):
        """Property: JSON keeps until and series."""
        assert m == sm.read_json(m.to_json())

    @given(validity_matrices(), st.booleans())
    def test_csv_round_trip(self, m: sm.StanceMatrix, safe: bool):
        """Property: the long CSV keeps until and series."""
        assert m == sm.read_csv(m.to_csv(spreadsheet_safe=safe))

    @given(validity_matrices(), validity_matrices())
    def test_diff_then_patch(self, old: sm.StanceMatrix, new: sm.StanceMatrix):
        """Property: applying diff(old, new) to old gives new, through its JSON too."""
        if old.scale != new.scale:
            new = sm.StanceMatrix.from_positions(
                [],
                actors=new.actors,
                issues=new.issues,
                sources=new.sources,
                scale=old.scale,
                metadata=new.metadata,
            )
        d = sm.diff(old, new)
        assert new == d.apply(old)
        assert new == sm.read_diff(d.to_json()).apply(old)

    @given(validity_matrices(), partial_dates(2000, 2030))
    def test_snapshot_is_stable(self, m: sm.StanceMatrix, day: sm.PartialDate):
        """Property: a snapshot's own view shows what the matrix showed as of its date."""
        snap = m.as_of(day)
        for actor in m.actors:
            for issue in m.issues:
                assert m.stance(actor.key, issue.key, as_of=day) == snap.stance(
                    actor.key, issue.key
                )


def ordered() -> sm.StanceMatrix:
    """A source telling two US stances in sequence over one undivided period."""
    span = "2025-01-20/2025-07~"
    return one_cell(
        sm.Position("A", "q1", "oppose", "s", date=span, order=1),
        sm.Position("A", "q1", "strongly support", "s", date=span, order=2),
        sm.Position("B", "q1", "support", "t", date="2025-03"),
    )


class TestOrder:
    def test_order_must_be_positive(self):
        """An order is a whole number from 1."""
        for bad in (0, -1, 1.5, True, "2"):
            with pytest.raises(InvalidValueError, match=r"Position\.order"):
                sm.Position("A", "q1", "x", "s", order=bad)  # type: ignore[arg-type]

    def test_later_claim_alone_in_its_cell_begins_on_its_last_day(self):
        """A later-ordered claim that is alone in its cell holds from the last day of its
        date, as in a cell it shares (the rule is the source's, not the cell's)."""
        m = sm.StanceMatrix.from_positions(
            [
                sm.Position("A", "1", "support", "s", date="2024-05", order=1),
                sm.Position("A", "2", "oppose", "s", date="2024-05", order=2),
            ],
            actors=[sm.Actor("A", "A")],
            issues=[sm.Issue("1", "One", "One"), sm.Issue("2", "Two", "Two")],
            sources=[sm.Source("s", "S")],
        )
        assert [("A", "1")] == [(p.actor, p.issue) for p in m.as_of("2024-05-15")]
        assert None is m.position("A", "2", as_of="2024-05-15")
        assert "oppose" == m.stance("A", "2", as_of="2024-05-31")

    def test_earlier_holds_until_the_later_is_known(self):
        """Inside the shared period the earlier claim holds; once it ends, the later one."""
        m = ordered()
        assert "oppose" == m.stance("A", "q1", as_of="2025-01-20")
        assert "oppose" == m.stance("A", "q1", as_of="2025-06")
        assert "strongly support" == m.stance("A", "q1", as_of="2025-07-31")
        assert "strongly support" == m.stance("A", "q1")

    def test_timeline_follows_the_order(self):
        """The timeline shifts from the earlier to the later claim, dates as written."""
        (shift,) = ordered().timeline("A", "q1").shifts
        assert ("reversed", 1, 2) == (shift.kind, shift.before.order, shift.after.order)
        assert ["reversed"] == [s.kind for s in ordered().shifts()]

    def test_snapshots_follow_the_order(self):
        """as_of keeps the earlier claim inside the period and the later one after it."""
        m = ordered()
        assert [1] == [c.order for c in m.as_of("2025-06").claims("A", "q1")]
        assert [2] == [c.order for c in m.as_of("2025-08").claims("A", "q1")]

    def test_order_is_within_one_source(self):
        """Another source's claims are not ordered against this one's."""
        m = one_cell(
            sm.Position("A", "q1", "oppose", "s", date="2025", order=2),
            sm.Position("A", "q1", "support", "t", date="2025", order=1),
        )
        assert {"oppose", "support"} == {c.stance for c in m.as_of("2025-12").claims("A", "q1")}

    def test_formats_keep_the_order(self):
        """JSON, the long CSV and DataFrames write the order and read it back."""
        m = ordered()
        assert m == sm.read_json(m.to_json())
        assert m == sm.read_csv(m.to_csv())
        pytest.importorskip("pandas")
        back = sm.from_dataframe(m.to_dataframe(), cite="s")
        assert [1, 2, None] == [c.order for c in back]
