"""Streaming readers (issue 17): input is read piece by piece, never held whole."""

from __future__ import annotations

import contextlib
import gc
import gzip
import io
import itertools
import json
import random
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import cast
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._io import jsonreader, jsonstream, source
from stancematrix._io.json import _MatrixReader
from stancematrix.exceptions import ReadError

from .strategies import hostile_matrices

MB = 1 << 20
# Line ends of every kind, multi-byte characters, quotes and commas.
stream_texts = st.lists(
    st.sampled_from(["a", "b", ",", '"', "\n", "\r", "\r\n", "é", "€", "😀", " "]),
    max_size=60,
).map("".join)


@contextlib.contextmanager
def small_pieces(chunk: int, batch: int | None = None) -> Iterator[None]:
    """Read in blocks of *chunk* bytes (and JSON claims in batches of *batch* bytes)."""
    saved = source._CHUNK, jsonstream.BATCH, jsonstream._SMALL
    source._CHUNK = chunk  # type: ignore[misc]
    if batch is not None:
        jsonstream.BATCH = batch  # type: ignore[misc]
        jsonstream._SMALL = max(batch // 8, 1)  # type: ignore[misc]
    try:
        yield
    finally:
        source._CHUNK, jsonstream.BATCH, jsonstream._SMALL = saved  # type: ignore[misc]


def raised(call: Callable[[], object]) -> str:
    """The message of the ReadError *call* raises."""
    with pytest.raises(ReadError) as info:
        call()
    return str(info.value)


class Unseekable(io.RawIOBase):
    """A byte stream that cannot be rewound, as a pipe."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


class TestPieces:
    @given(stream_texts, st.integers(1, 17), st.booleans())
    def test_pieces_end_at_line_ends(self, text, chunk, compressed):
        """The pieces join to the input, and each but the last ends at a line end, never
        between the CR and LF of a CRLF or inside a UTF-8 character."""
        data = text.encode()
        given = gzip.compress(data) if compressed else data
        with small_pieces(chunk):
            pieces = cast(
                "list[bytes]", list(source.open_stream(given, looks_like_text="").pieces())
            )
            texts = list(source.open_stream(given, looks_like_text="").texts())
        assert data == b"".join(pieces)
        assert text == "".join(texts)
        for piece, after in itertools.pairwise(pieces):
            assert piece[-1:] in (b"\n", b"\r")
            assert not (piece.endswith(b"\r") and after.startswith(b"\n"))

    @given(stream_texts, st.integers(0, 80), st.integers(1, 9))
    def test_invalid_utf8_located_as_whole(self, text, at, chunk):
        """Invalid UTF-8 is placed at the same line and column whatever the pieces."""
        data = text.encode()
        at = min(at, len(data))
        while at < len(data) and (data[at] & 0xC0) == 0x80:
            at += 1  # not inside a character, so only the inserted byte is invalid
        data = data[:at] + b"\xff" + data[at:]
        whole = raised(lambda: source.decode(data, "<bytes>"))
        with small_pieces(chunk):
            assert whole == raised(
                lambda: list(source.open_stream(data, looks_like_text="").texts())
            )

    @given(stream_texts, st.integers(0, 80), st.integers(1, 9))
    def test_lone_surrogate_located_as_whole(self, text, at, chunk):
        """A lone surrogate in text given as such is refused at its line and column."""
        at = min(at, len(text))
        if text[at - 1 : at + 1] == "\r\n":
            at -= 1
        given = text[:at] + "\ud800" + text[at:] + "\n"
        whole = raised(lambda: source.decode(given, "<string>"))
        with small_pieces(chunk):
            streamed = source.open_stream(given, looks_like_text="")
            assert whole == raised(lambda: list(streamed.texts()))

    def test_bom_dropped_once(self):
        """A leading BOM is dropped from the first piece only."""
        data = "\ufeffa\n\ufeffb\n".encode()
        with small_pieces(2):
            assert "a\n\ufeffb\n" == "".join(source.open_stream(data, looks_like_text="").texts())

    def test_unseekable_stream_read_twice(self):
        """A stream that cannot be rewound is kept as read, so it can be read again."""
        data = b"a,b\r\nc,d\n" * 10
        pipe = io.BufferedReader(Unseekable(data))  # type: ignore[type-var]
        stream = source.open_stream(pipe, looks_like_text="")
        with small_pieces(4):
            first = stream.whole()
            assert (data, data) == (first, stream.whole())

    def test_unseekable_stream_that_failed_fails_again(self):
        """A pipe whose reading failed (a truncated gzip stream) fails again when read
        again, rather than ending quietly where the first reading stopped."""
        data = gzip.compress(b"a,b\n" * 50_000)[:-20]
        pipe = io.BufferedReader(Unseekable(data))  # type: ignore[type-var]
        stream = source.open_stream(pipe, looks_like_text="")
        first = raised(stream.whole)
        assert "gzip" in first
        assert first == raised(stream.whole)

    def test_seekable_file_rewound(self):
        """An open file is read again from where it stood when it was given."""
        file = io.BytesIO(b"skip" + gzip.compress(b"x\ny\n"))
        file.read(4)
        stream = source.open_stream(file, looks_like_text="")
        assert (b"x\ny\n", b"x\ny\n") == (stream.whole(), stream.whole())


class TestBatchCounts:
    @given(st.lists(st.sampled_from([":", "\n", "\r", "\r\n", "\\", "u003a", "u003A", "a", "é"])))
    def test_one_pass_counts(self, parts):
        """The colons and line ends of a batch counted in one pass are those counted apart,
        in bytes and in text."""
        text = "".join(parts)
        for data in (text, text.encode()):
            assert (jsonreader.colons(data), jsonstream._ends(data)) == jsonstream._counts(data)


class TestReadersInPieces:
    @settings(suppress_health_check=[HealthCheck.too_slow], max_examples=40)
    @given(hostile_matrices(), st.integers(1, 64), st.booleans())
    def test_long_csv_and_json(self, m, chunk, compressed):
        """The long CSV and the JSON document read in small pieces equal the matrix."""
        for read, text in ((sm.read_csv, m.to_csv()), (sm.read_json, m.to_json())):
            data = text.encode()
            with small_pieces(chunk, batch=64):
                assert m == read(gzip.compress(data) if compressed else data)

    @settings(suppress_health_check=[HealthCheck.too_slow], max_examples=40)
    @given(hostile_matrices(), st.integers(1, 64))
    def test_json_decoded_to_dicts(self, m, chunk):
        """Without msgspec's typed records (claims decoded to dicts), the JSON document
        read in small pieces equals the matrix too."""
        with mock.patch.object(jsonstream, "_TYPED", None), small_pieces(chunk, batch=64):
            assert m == sm.read_json(m.to_json().encode())

    @settings(suppress_health_check=[HealthCheck.too_slow], max_examples=40)
    @given(hostile_matrices(), st.integers(1, 64), st.integers(0, 3))
    def test_json_keys_decoded_as_text(self, m, chunk, most):
        """With the declared keys of the larger parts decoded as any text (too many of
        them to decode as one of the declared), the document read in small pieces equals
        the matrix too."""
        with mock.patch.object(jsonstream, "_LITERAL_MOST", most), small_pieces(chunk, batch=64):
            assert m == sm.read_json(m.to_json().encode())

    @settings(suppress_health_check=[HealthCheck.too_slow], max_examples=40)
    @given(hostile_matrices(), st.integers(1, 64))
    def test_mapped_csv_and_markdown(self, m, chunk):
        """Mapped CSV and Markdown read in small pieces as read whole: the same matrix and
        the same problems, at the same lines."""
        columns = {"actor": "actor", "issue": "issue", "stance": "stance", "summary": "summary"}
        for read, data in (
            (lambda d: sm.read_csv(d, columns=columns, lenient=True), m.to_csv().encode()),
            (lambda d: sm.read_markdown(d, lenient=True), m.to_markdown().encode()),
        ):
            whole, problems = read(data)
            with small_pieces(chunk):
                streamed, found = read(data)
            assert (whole, list(map(str, problems))) == (streamed, list(map(str, found)))


def big_matrix(claims: int, seed: int = 0) -> sm.StanceMatrix:
    """A matrix of *claims* votes: 200 actors, dated roll calls, some summaries."""
    rng = random.Random(seed)
    scale = sm.Scale.votes()
    actors = [sm.Actor(f"A{a:03d}", f"Actor {a}") for a in range(200)]
    issues = [
        sm.Issue(f"I{i:05d}", f"Roll call {i}", f"Proposition {i}", date=sm.PartialDate(2001))
        for i in range(claims // 200 + 1)
    ]
    labels = scale.labels
    # Periods are values: parse each of the few distinct months once (set-up time).
    months = {
        (year, month): sm.Period.parse(f"{year}-{month:02d}")
        for year in range(2000, 2001 + claims // 20000)
        for month in range(1, 13)
    }
    positions = [
        sm.Position(
            actors[k % 200].key,
            issues[k // 200].key,
            labels[rng.randrange(len(labels))],
            "un",
            date=months[2000 + k // 20000, 1 + k % 12],
            summary=f"vote {rng.randrange(10**6)}" if k % 7 == 0 else None,
        )
        for k in range(claims)
    ]
    return sm.StanceMatrix.from_positions(
        positions, actors=actors, issues=issues, sources=[sm.Source("un", "UN")], scale=scale
    )


def measured(call: Callable[[], object]) -> tuple[ReadError | None, float, int]:
    """What *call* raised, the seconds it took and its peak of traced memory."""
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    error = None
    try:
        call()
    except ReadError as raised_error:
        error = raised_error
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return error, elapsed, peak


@pytest.fixture(scope="module")
def big() -> sm.StanceMatrix:
    return big_matrix(200_000)


class TestMalformedEarly:
    """A large gzip within the limits with a malformed row near its start is reported at
    that row, fast and small: the reader did not read everything first."""

    def check(self, text: str, read: Callable[[bytes], object], line: int) -> None:
        assert len(text) > 10 * MB  # held whole and parsed (10x or more), over the bound
        data = gzip.compress(text.encode(), 1)
        started = time.perf_counter()
        with pytest.raises(ReadError) as info:
            read(data)
        elapsed = time.perf_counter() - started  # (timed apart: tracemalloc slows reading)
        error, _, peak = measured(lambda: read(data))
        assert (line, str(info.value)) == (info.value.line, str(error))
        assert elapsed < 2
        assert peak < 100 * MB

    def test_long_csv(self, big):
        """A ragged row on line 4 of the long CSV."""
        text = big.to_csv()
        lines = text.split("\r\n")
        lines[3] += ",extra"
        self.check("\r\n".join(lines), sm.read_csv, 4)

    def test_mapped_csv(self):
        """A ragged row on line 3 of a mapped table."""
        rows = [f"A{k % 997},I{k},yes,a note on roll call {k % 1013}" for k in range(1_000_000)]
        rows[1] += ",extra"
        text = "actor,issue,stance,note\n" + "\n".join(rows)
        columns = {"actor": "actor", "issue": "issue", "stance": "stance", "note": "note"}
        self.check(text, lambda d: sm.read_csv(d, columns=columns), 3)

    def test_json(self, big):
        """A stance that is not a string in the document's second claim, placed at the
        claim as the located reader places it."""
        text = big.to_json()
        at = text.index('"stance": ', text.index('"claims": [') + 100)
        text = text[:at] + '"stance": 5,' + text[text.index("\n", at) :]
        line = text.count("\n", 0, text.rindex("{", 0, at)) + 1  # where the claim starts
        self.check(text, sm.read_json, line)

    def test_markdown(self):
        """A ragged row on line 5 of a long pipe table."""
        rows = [f"| i{k} | said yes {k % 997} | said no {k % 1013} |" for k in range(1_000_000)]
        rows[2] = "| i | x |"
        text = "| | a | b |\n|---|---|---|\n" + "\n".join(rows) + "\n"
        self.check(text, sm.read_markdown, 5)


class TestPeakMemory:
    @pytest.mark.parametrize("kind", ["csv", "json"])
    def test_peak_within_three_times_the_matrix(self, big, kind, tmp_path):
        """Reading 200k claims peaks at most 3x the memory the matrix it makes holds."""
        path = tmp_path / f"m.{kind}"
        path.write_text(big.to_csv() if kind == "csv" else big.to_json(), encoding="utf-8")
        read = sm.read_csv if kind == "csv" else sm.read_json
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        m = read(path)
        held, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert big == m
        assert peak - before <= 3 * (held - before)


@pytest.fixture(scope="module")
def text() -> str:
    """A document of 600 claims, each with a date, every seventh with a summary."""
    return big_matrix(600, seed=3).to_json()


class TestJsonBatches:
    """Problems found in a batch of claims are placed as the whole-document reader
    places them."""

    def whole(self, text: str) -> str:
        return raised(lambda: _MatrixReader(text, "<string>").located())

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ('"stance": "yes"', '"stance": 5'),
            ('"actor": "A150"', '"actor": "nobody"'),
            ('"stance": "no"', '"stance": "maybe"'),
            ('"stance": "yes"', '"stance": yes'),
            ('"source": "un"', '"source": "un",\n      "source": "un"'),
            ('"date": "2000-05"', '"date": "2000-13"'),
            ('"summary": "vote', '"surmise": "vote'),
            ('"issue": "I00001"', '"issue": "I99999"'),
            ('"source": "un"', '"source": "UN"'),
        ],
    )
    @pytest.mark.parametrize("where", ["first", "middle", "last"])
    @pytest.mark.parametrize(
        "typed", ["declared", "text", "dicts"], ids=["records", "text-records", "dicts"]
    )
    def test_same_error(self, text, old, new, where, typed, monkeypatch):
        """A bad claim early, midway or last is reported with the same line, column,
        path and reason as the whole-document reader gives, from its batch."""
        at = {
            "first": lambda: text.index(old),
            "middle": lambda: text.index(old, len(text) // 2),
            "last": lambda: text.rindex(old),
        }[where]()
        bad = text[:at] + new + text[at + len(old) :]
        expected = self.whole(bad)
        monkeypatch.setattr(_MatrixReader, "located", None)  # the whole reader is not asked
        if typed == "text":  # records of any text, not only the declared keys
            monkeypatch.setattr(jsonstream, "_LITERAL_MOST", 0)
        if typed == "dicts":
            monkeypatch.setattr(jsonstream, "_TYPED", None)
        with small_pieces(4096, batch=2000):
            assert expected == raised(lambda: sm.read_json(bad))

    def test_key_written_with_an_escape(self, text, monkeypatch):
        """A field whose key is written with a \\u escape is read in its batch, even in
        a batch where no other claim has it."""
        document = json.loads(text)
        document["claims"] = [
            {k: v for k, v in claim.items() if k != "summary"} for claim in document["claims"]
        ]
        document["claims"][-1]["summary"] = "escaped key"
        plain = json.dumps(document, indent=2, ensure_ascii=False)
        escaped = plain.replace('"summary": "escaped key"', '"\\u0073ummary": "escaped key"')
        assert '"summary"' not in escaped
        monkeypatch.setattr(_MatrixReader, "fast", None)  # read a batch at a time, or fail
        monkeypatch.setattr(_MatrixReader, "located", None)
        with small_pieces(4096, batch=2000):
            found = sm.read_json(escaped)
        monkeypatch.undo()
        assert sm.read_json(plain) == found
        assert ["escaped key"] == [p.summary for p in found if p.summary is not None]

    @pytest.mark.parametrize("field", ["summary", "quote", "note", "until", "order"])
    def test_field_of_one_claim_only(self, text, field, monkeypatch):
        """A field only the last claim has (its text holding colons) is read in its batch,
        though every colon before it is a key of the fields the other claims have."""
        document = json.loads(text)
        document["claims"] = [
            {k: v for k, v in claim.items() if k != "summary"} for claim in document["claims"]
        ]
        document["claims"][-1][field] = {"order": 2, "until": "2024-12-31"}.get(
            field, "at 10:30: yes"
        )
        plain = json.dumps(document, indent=2, ensure_ascii=False)
        whole = _MatrixReader(plain, "<string>").located()
        monkeypatch.setattr(_MatrixReader, "fast", None)  # read a batch at a time, or fail
        monkeypatch.setattr(_MatrixReader, "located", None)
        with small_pieces(4096, batch=2000):
            found = sm.read_json(plain)
        assert whole == found
        assert 1 == sum(getattr(p, field) is not None for p in found)

    @pytest.mark.parametrize(("most", "builds"), [(4096, 4), (3, 4), (4096, 1), (4096, 0)])
    def test_dates_learnt(self, most, builds, monkeypatch):
        """Batches with dates seen before and batches with new ones (once the decoder
        knows the dates seen) read as the whole-document reader reads them, however
        many dates the decoder learns and however often it is made."""
        m = big_matrix(2000, seed=5)
        document = json.loads(m.to_json())
        for k, claim in enumerate(document["claims"]):
            if k % 500 == 499 or k > 1800:  # a new date now and then, then one per claim
                claim["date"] = f"{1900 + k % 97}-{1 + k % 12:02d}-{1 + k % 28:02d}"
            if k % 250 == 0:
                del claim["date"]
        text = json.dumps(document, indent=2, ensure_ascii=False)
        whole = _MatrixReader(text, "<string>").located()
        monkeypatch.setattr(jsonstream, "_DATES_MOST", most)
        monkeypatch.setattr(jsonstream, "_DATED_BUILDS", builds)
        monkeypatch.setattr(_MatrixReader, "fast", None)  # read a batch at a time, or fail
        monkeypatch.setattr(_MatrixReader, "located", None)
        with small_pieces(4096, batch=4000):
            assert whole == sm.read_json(text)

    def test_keys_not_kept(self, text, monkeypatch):
        """Once read, nothing else holds the declared keys than the matrix does (typing's
        cache of Literal types, which the typed decoder is made of, would)."""
        typed = sm.read_json(text)
        monkeypatch.setattr(jsonstream, "_TYPED", None)
        plain = sm.read_json(text)
        gc.collect()
        for part in ("actors", "issues"):
            key = getattr(plain, part)[1].key
            assert sys.getrefcount(key) == sys.getrefcount(getattr(typed, part)[1].key)

    def test_streamed(self, text, monkeypatch):
        """A document as to_json writes it is read a batch at a time, never whole."""
        monkeypatch.setattr(_MatrixReader, "fast", None)
        monkeypatch.setattr(_MatrixReader, "located", None)
        with small_pieces(4096, batch=2000):
            assert big_matrix(600, seed=3) == sm.read_json(text.encode())

    def test_repeated_claim_across_batches(self, text):
        """A claim given twice, in two batches, is reported as the whole reader does."""
        document = json.loads(text)
        document["claims"].append(dict(document["claims"][0]))
        bad = json.dumps(document, ensure_ascii=False, indent=2)
        with small_pieces(4096, batch=2000):
            assert self.whole(bad) == raised(lambda: sm.read_json(bad))

    def test_other_layouts_read_whole(self, text):
        """A document laid out otherwise (one line, or keys after the claims) still reads."""
        m = sm.read_json(text)
        document = json.loads(text)
        claims = document.pop("claims")
        moved = json.dumps({**document, "claims": claims, "metadata": {"x": "y"}}, indent=2)
        with small_pieces(4096, batch=2000):
            assert m == sm.read_json(json.dumps(json.loads(text)))
            assert {"x": "y"} == dict(sm.read_json(moved).metadata)
