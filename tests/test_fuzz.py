"""Fuzzing every reader: arbitrary bytes and mutated valid files.

Only the library's own exceptions may come out, and whatever a reader accepts must
survive being written and read again unchanged: through the same format, and through the
lossless JSON and long CSV formats. The Markdown reader is lossy by design (a cell's text
becomes a summary, control characters become U+FFFD), so for it the rendering of what
was read must read back to the same rendering. CI runs a bounded number of examples;
for a longer run set ``STANCEMATRIX_FUZZ_EXAMPLES`` (e.g. 100000).
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stancematrix as sm
from tests.strategies import matrices

EXAMPLES = int(os.environ.get("STANCEMATRIX_FUZZ_EXAMPLES", "200"))
fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

Reader = Callable[[bytes], sm.StanceMatrix]
Writer = Callable[[sm.StanceMatrix], str]


def to_markdown(matrix: sm.StanceMatrix) -> str:
    """The Markdown the reader reads back: cells show summaries, headers show keys."""
    return matrix.to_markdown(cell="summary", labels="key")


# (name, read bytes, write text) for every reader/writer pair the library has.
FORMATS: list[tuple[str, Reader, Writer]] = [
    ("json", sm.read_json, sm.StanceMatrix.to_json),
    ("csv", sm.read_csv, sm.StanceMatrix.to_csv),
    ("csv-plain", sm.read_csv, lambda m: m.to_csv(spreadsheet_safe=False)),
    ("markdown", sm.read_markdown, to_markdown),
]
# Readers that keep cell text, not whole matrices: what they accept is checked by its
# rendering, which must read back to the same rendering.
LOSSY = {sm.read_markdown}


# Built once: a strategy built inside the composite is built again for every draw.
_ACTIONS = st.sampled_from(["flip", "delete", "insert", "truncate", "swap"])
_INSERTS = st.sampled_from(
    [b",", b'"', b"|", b"\n", b"\r", b"{", b"}", b"\x00", b"\xff"]
) | st.binary(max_size=4)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """*data* with a few bytes flipped, deleted, inserted or the tail cut off."""
    buffer = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not buffer:
            break
        where = draw(st.integers(0, len(buffer) - 1))
        action = draw(_ACTIONS)
        if action == "flip":
            buffer[where] = draw(st.integers(0, 255))
        elif action == "delete":
            del buffer[where : where + draw(st.integers(1, 8))]
        elif action == "insert":
            buffer[where:where] = draw(_INSERTS)
        elif action == "truncate":
            del buffer[where:]
        else:
            other = draw(st.integers(0, len(buffer) - 1))
            buffer[where], buffer[other] = buffer[other], buffer[where]
    return bytes(buffer)


# Characters a terminal acts on (C0 but newline, DEL, C1, bidi overrides): an error
# message, which a command line prints, must not carry them raw from the input.
TERMINAL_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def assert_printable(error: sm.StanceMatrixError) -> None:
    """*error*'s message carries no terminal control character."""
    message = str(error)
    assert TERMINAL_CONTROL.search(message) is None, message


def check(read: Reader, write: Writer, data: bytes) -> None:
    """Reading *data* raises only library errors, whose messages carry no terminal control
    characters; what is accepted round-trips."""
    try:
        m = read(data)
    except sm.StanceMatrixError as error:
        assert_printable(error)
        return
    written = write(m)
    if read in LOSSY:
        assert written == write(read(written.encode("utf-8")))
    else:
        assert m == read(written.encode("utf-8"))
    assert m == sm.read_json(m.to_json().encode("utf-8"))
    assert m == sm.read_csv(m.to_csv().encode("utf-8"))


SAMPLE = sm.load_dataset("ukraine").select(
    actors=["US", "RU", "UA"], issues=["territory", "sanctions", "ceasefire"]
)


@pytest.mark.parametrize(("name", "read", "write"), FORMATS, ids=[f[0] for f in FORMATS])
class TestFuzz:
    @fuzz
    @given(data=st.binary(max_size=400))
    def test_arbitrary_bytes(self, name, read, write, data):
        """Arbitrary bytes give a matrix or a library error, nothing else."""
        check(read, write, data)

    @fuzz
    @given(st.data())
    def test_mutated_article_sample(self, name, read, write, data):
        """Mutations of a real document give a matrix or a library error."""
        check(read, write, data.draw(mutated(write(SAMPLE).encode("utf-8"))))

    @fuzz
    @given(m=matrices(max_claims=4), data=st.data())
    def test_mutated_generated(self, name, read, write, m, data):
        """Mutations of any writable matrix give a matrix or a library error."""
        check(read, write, data.draw(mutated(write(m).encode("utf-8"))))

    @fuzz
    @given(st.data())
    def test_mutated_gzip(self, name, read, write, data):
        """Corrupt or truncated gzip input is a library error, never a crash."""
        check(read, write, data.draw(mutated(gzip.compress(write(SAMPLE).encode("utf-8")))))


VOTE_TABLE = (
    "rcid,country,country_code,vote,date\r\n"
    "47,United States,US,yes,1946-01\r\n"
    "47,Yemen Arab Republic,,abstain,1946-01\r\n"
    '5309,"Korea, Republic of",KR,no,2014\r\n'
)


def read_votes(data: bytes) -> sm.StanceMatrix:
    return sm.read_csv(
        data,
        columns={
            "actor": ("country_code", "country"),
            "issue": "rcid",
            "stance": "vote",
            "date": "date",
            "actor_name": "country",
        },
        scale=sm.Scale.votes(),
    )


def check_mapped(data: bytes) -> None:
    """A mapped table gives a matrix or a library error; what is accepted is lossless."""
    try:
        m = read_votes(data)
    except sm.StanceMatrixError as error:
        assert_printable(error)
        return
    assert m == sm.read_json(m.to_json().encode("utf-8"))
    assert m == sm.read_csv(m.to_csv().encode("utf-8"))


class TestFuzzMappedCsv:
    @fuzz
    @given(data=st.binary(max_size=400))
    def test_arbitrary_bytes(self, data):
        """Arbitrary bytes read through a column mapping give a matrix or a library error."""
        check_mapped(data)

    @fuzz
    @given(st.data())
    def test_mutated_votes(self, data):
        """Mutations of a roll-call table give a matrix or a library error."""
        check_mapped(data.draw(mutated(VOTE_TABLE.encode("utf-8"))))
