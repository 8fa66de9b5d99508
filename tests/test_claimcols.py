from __future__ import annotations

import json
from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._io.claimcols import ClaimCoder, coded_store, json_claims
from stancematrix._io.json import _document, _MatrixReader
from stancematrix._io.schema import CLAIM
from stancematrix._store import build, store_of
from stancematrix.exceptions import ReadError
from tests.strategies import ordered_matrices

ACTORS = [sm.Actor("US", "United States"), sm.Actor("RU", "Russia")]
ISSUES = [sm.Issue("sanctions", "Sanctions", "Keep sanctions.")]
SOURCES = [sm.Source("s", "Source")]


def fast(text: str) -> sm.StanceMatrix | None:
    """The JSON fast path's reading of *text* (None when it refers it to the located one)."""
    return _MatrixReader("", "<string>").fast(text)


def located(text: str) -> sm.StanceMatrix:
    """The JSON located (slow) path's reading of *text*."""
    return _MatrixReader(text, "<string>").located()


def document(*claims: Mapping[str, object]) -> str:
    """A JSON matrix document with these claims."""
    empty = sm.StanceMatrix.from_positions([], actors=ACTORS, issues=ISSUES, sources=SOURCES)
    data = _document(empty)
    data["claims"] = list(claims)
    return json.dumps(data, indent=2)


def decl_of(m: sm.StanceMatrix):
    return store_of(m).decl


US = {"actor": "US", "issue": "sanctions", "stance": "support", "source": "s"}
RU = {"actor": "RU", "issue": "sanctions", "stance": "oppose", "source": "s"}


class TestReaderFastPath:
    @given(ordered_matrices())
    def test_fast_equals_located(self, m):
        """Ends of validity, orders and qualified or open dates take the fast path, which
        builds the matrix the located path builds."""
        text = m.to_json()
        assert m == located(text) == fast(text)

    @given(ordered_matrices(), st.integers(1, 5))
    def test_batches_equal_one(self, m, size):
        """Claims coded in batches of any size make the store one batch makes."""
        claims = [_document(m)["claims"][k : k + size] for k in range(0, len(m), size)]
        coder = ClaimCoder(decl_of(m))
        for batch in claims:
            fields = {f for claim in batch for f in claim}
            assert coder.add({f: [claim.get(f) for claim in batch] for f in fields})
        assert store_of(m) == coder.store()

    def test_ukraine(self):
        """The ukraine dataset (untils, orders, qualified dates) is read the fast way."""
        m = sm.load_dataset("ukraine")
        assert m == fast(m.to_json())

    @pytest.mark.parametrize(
        ("claim", "expected"),
        [
            ({**US, "date": "2025-01~"}, "2025-01~||"),
            ({**US, "date": "2025/.."}, "2025/..||"),
            ({**US, "date": "2025", "until": "2026?"}, "2025|2026?|"),
            ({**US, "order": 2}, "||2"),
        ],
    )
    def test_kept_as_written(self, claim, expected):
        """A qualified or open date, a qualified until or an order is kept as written
        beside the codes, as the slow path keeps it."""
        text = document(claim, RU)
        m = fast(text)
        assert m is not None
        assert expected == store_of(m).cols.text[0][3]  # US (declared first) is row 0
        assert located(text) == m

    def test_plain_until_coded(self):
        """A plain until is a code only, with no text kept."""
        m = fast(document({**US, "date": "2025", "until": "2026-02"}))
        assert m is not None
        assert {} == store_of(m).cols.text
        assert [20260200] == list(store_of(m).cols.until)

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"order": 0}, "whole number from 1"),
            ({"order": True}, "whole number"),
            ({"order": 1.5}, "whole number"),
            ({"order": "2"}, "whole number"),
            ({"until": "2024", "date": "2025"}, "ends before it begins"),
            ({"until": "2025-13"}, "until"),
            ({"until": 2025}, "string"),
        ],
    )
    def test_refused_then_located(self, change, message):
        """A bad order or until is not read by the fast path; the located path names it."""
        text = document(RU, {**US, **change})
        assert None is fast(text)
        with pytest.raises(ReadError, match=rf"<string>:\d+:\d+: .*{message}"):
            sm.read_json(text)

    def test_text_until_in_csv_style(self):
        """A text reader's absent value ("") works for dates and untils too."""
        m = sm.StanceMatrix.from_positions(
            [sm.Position("US", "sanctions", "support", "s", date="2025", until="2026~")],
            actors=ACTORS,
            issues=ISSUES,
            sources=SOURCES,
        )
        columns = {
            "actor": ["US"],
            "issue": ["sanctions"],
            "stance": ["support"],
            "source": ["s"],
            "date": ["2025"],
            "until": ["2026~"],
            "order": [""],
        }
        assert store_of(m) == coded_store(decl_of(m), columns, absent="")

    @given(ordered_matrices())
    def test_coded_store_equals_build(self, m):
        """Coding the claims column-wise gives the store building them one by one gives."""
        claims = _document(m)["claims"]
        columns = {f: [claim.get(f) for claim in claims] for f in CLAIM.fields}
        assert build(decl_of(m), list(m)) == coded_store(decl_of(m), columns)


class TestWriterFastPath:
    @given(ordered_matrices(), st.sampled_from([None, 0, 2]))
    def test_same_text_as_json_dumps(self, m, indent):
        """Claims with untils, orders and qualified dates are written column-wise, exactly
        as json.dumps writes the document."""
        assert None is not json_claims(store_of(m), CLAIM.fields, indent)
        expected = json.dumps(_document(m), ensure_ascii=False, indent=indent) + "\n"
        assert expected == m.to_json(indent=indent)

    def test_ukraine(self):
        """The ukraine dataset's claims are written column-wise."""
        m = sm.load_dataset("ukraine")
        claims = json_claims(store_of(m), CLAIM.fields, 2)
        assert claims is not None
        assert _document(m)["claims"] == json.loads(claims)
