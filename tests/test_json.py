from __future__ import annotations

import gzip
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._io import jsonreader
from stancematrix._io.json import _document, _MatrixReader
from stancematrix.exceptions import ReadError
from tests.strategies import hostile_matrices, matrices

SMALL = """{
  "format_version": 1,
  "actors": [
    {"key": "US", "name": "United States"},
    {"key": "RU", "name": "Russia"}
  ],
  "issues": [{"key": "sanctions", "title": "Sanctions", "proposition": "Keep sanctions."}],
  "sources": [{"id": "s", "title": "Source"}],
  "claims": [
    {"actor": "US", "issue": "sanctions", "stance": "support", "source": "s"},
    {"actor": "RU", "issue": "sanctions", "stance": "oppose", "source": "s", "date": "2025"}
  ]
}
"""


def edit(change):
    """SMALL with *change* applied to its decoded form, as JSON text."""
    document = json.loads(SMALL)
    change(document)
    return json.dumps(document, indent=2)


class TestRoundTrip:
    @given(matrices())
    def test_read_back_equal(self, m):
        """read_json(to_json(m)) == m for any matrix, whatever its text holds."""
        assert m == sm.read_json(m.to_json())

    @given(matrices())
    def test_one_line(self, m):
        """The compact one-line form reads back equal too."""
        text = m.to_json(indent=None)
        assert 1 == text.count("\n")
        assert m == sm.read_json(text)

    @given(matrices())
    def test_stable(self, m):
        """Writing is deterministic: the same matrix gives the same text."""
        assert m.to_json() == sm.read_json(m.to_json()).to_json()

    def test_key_order_and_omissions(self):
        """Keys come in a fixed order; empty optional fields are left out."""
        m = sm.read_json(SMALL)
        document = json.loads(m.to_json())
        assert ["format_version", "scale", "actors", "issues", "sources", "claims"] == list(
            document
        )
        assert {
            "actor": "RU",
            "issue": "sanctions",
            "stance": "oppose",
            "source": "s",
            "date": "2025",
        } == document["claims"][1]

    def test_non_ascii_kept(self):
        """Text is written as UTF-8, not as \\u escapes."""
        m = sm.read_json(SMALL.replace('"Source"', '"Kyiv’s “view”"'))
        assert "Kyiv’s “view”" in m.to_json()

    def test_default_scale(self):
        """A document without a scale uses the five-point scale."""
        assert sm.Scale.five_point() == sm.read_json(SMALL).scale


class TestInputs:
    def test_path_bytes_file_gzip(self, tmp_path):
        """A path, bytes, a text or binary file, and gzip data all read alike."""
        expected = sm.read_json(SMALL)
        path = tmp_path / "m.json"
        path.write_text(SMALL, encoding="utf-8")
        gz = tmp_path / "m.json.gz"
        gz.write_bytes(gzip.compress(SMALL.encode()))
        assert expected == sm.read_json(path)
        assert expected == sm.read_json(str(path))
        assert expected == sm.read_json(str(gz))
        assert expected == sm.read_json(SMALL.encode())
        assert expected == sm.read_json(io.StringIO(SMALL))
        assert expected == sm.read_json(io.BytesIO(SMALL.encode()))

    def test_bom(self):
        """A UTF-8 byte-order mark is dropped."""
        assert sm.read_json(SMALL) == sm.read_json(b"\xef\xbb\xbf" + SMALL.encode())

    def test_missing_file(self, tmp_path):
        """A missing file is a ReadError naming the path."""
        with pytest.raises(ReadError, match="cannot open") as info:
            sm.read_json(tmp_path / "absent.json")
        assert str(tmp_path / "absent.json") == info.value.source

    def test_invalid_utf8(self):
        """Invalid UTF-8 is reported with its line and column."""
        data = SMALL.encode().replace(b"Russia", b"Russ\xffa")
        with pytest.raises(ReadError, match=r"<bytes>:5:32: invalid UTF-8 \(byte 0xff\)"):
            sm.read_json(data)

    def test_truncated_gzip(self):
        """A truncated gzip stream is reported, not read partially."""
        data = gzip.compress(SMALL.encode())[:-20]
        with pytest.raises(ReadError, match="truncated gzip"):
            sm.read_json(data)


class TestErrors:
    def test_not_json(self):
        """Malformed JSON is reported with line and column."""
        with pytest.raises(ReadError, match=r"<string>:3:3: not valid JSON") as info:
            sm.read_json('{\n  "format_version": 1,\n  ]')
        assert (3, 3) == (info.value.line, info.value.column)

    def test_wrong_version(self):
        """A document of another format_version is rejected, naming both versions."""
        with pytest.raises(
            ReadError, match=r"unsupported format_version 3.*reads format_version 1 to 2"
        ):
            sm.read_json(edit(lambda d: d.update(format_version=3)))

    def test_version_must_be_int(self):
        """format_version "1" (a string) is not format_version 1."""
        with pytest.raises(ReadError, match="unsupported format_version '1'"):
            sm.read_json(edit(lambda d: d.update(format_version="1")))

    def test_unknown_key(self):
        """A misspelt key is an error naming it and its place, never ignored."""
        text = SMALL.replace('"date": "2025"}', '"date": "2025", "qoute": "x"}')
        with pytest.raises(ReadError, match=r"claims\[1\]: unknown key 'qoute'") as info:
            sm.read_json(text)
        assert (11, 5) == (info.value.line, info.value.column)

    def test_missing_key(self):
        """A missing required key is named with the object's path."""
        with pytest.raises(ReadError, match=r"issues\[0\]: missing required key 'proposition'"):
            sm.read_json(edit(lambda d: d["issues"][0].pop("proposition")))

    def test_duplicate_key(self):
        """A key repeated within one object is an error, not last-wins."""
        text = SMALL.replace('"name": "Russia"', '"name": "Russia", "name": "USSR"')
        with pytest.raises(ReadError, match="key 'name' appears twice") as info:
            sm.read_json(text)
        assert 5 == info.value.line

    def test_wrong_type(self):
        """A value of the wrong type names the path and what was found."""

        def change(d):
            d["claims"][0]["stance"] = 1

        with pytest.raises(
            ReadError, match=r"claims\[0\]\.stance: expected a string, got a number"
        ):
            sm.read_json(edit(change))

    def test_unknown_actor_located(self):
        """A claim for an undeclared actor names the claim's path, line and column."""
        text = SMALL.replace('{"actor": "RU"', '{"actor": "UA"')
        with pytest.raises(ReadError) as info:
            sm.read_json(text)
        assert "<string>:11:5: claims[1].actor: unknown actor 'UA'" == str(info.value)
        assert "claims[1].actor" == info.value.field

    def test_stance_off_scale_located(self):
        """A stance off the scale names the claim and the scale's labels."""
        text = SMALL.replace('"stance": "oppose"', '"stance": "against"')
        with pytest.raises(ReadError, match=r"claims\[1\]\.stance: stance 'against' is not on"):
            sm.read_json(text)

    def test_bad_date_located(self):
        """An invalid date names the path and the value."""
        text = SMALL.replace('"date": "2025"', '"date": "2025-02-30"')
        with pytest.raises(ReadError, match=r"claims\[1\]\.date: .*'2025-02-30'"):
            sm.read_json(text)

    def test_period_ending_before_start(self):
        """A period that ends before it starts is a read error naming the value."""
        text = SMALL.replace('"date": "2025"', '"date": "2025/2024"')
        with pytest.raises(ReadError, match="ends before it starts"):
            sm.read_json(text)

    def test_duplicate_claim_located(self):
        """A duplicated claim is reported at the repeated entry."""

        def change(d):
            d["claims"].append(dict(d["claims"][0]))

        with pytest.raises(ReadError, match=r"claims\[2\]: duplicate claim"):
            sm.read_json(edit(change))

    def test_invalid_field_value(self):
        """A value the model rejects (an empty summary) names the field's path."""

        def change(d):
            d["claims"][0]["summary"] = ""

        with pytest.raises(ReadError, match=r"claims\[0\]\.summary: Position.summary"):
            sm.read_json(edit(change))

    def test_not_an_object(self):
        """A top level that is not an object is rejected."""
        with pytest.raises(ReadError, match="expected an object, got a list"):
            sm.read_json("[]")

    def test_deep_nesting(self):
        """Absurdly deep nesting is a ReadError, not a crash."""
        with pytest.raises(ReadError):
            sm.read_json("{" + '"a":[' * 100_000)

    def test_bad_scale(self):
        """A scale whose values do not increase is rejected with its path."""

        def change(d):
            d["scale"] = {
                "name": "x",
                "levels": [{"label": "a", "value": 1}, {"label": "b", "value": 0}],
            }

        with pytest.raises(ReadError, match=r"scale: Scale\.levels: values must increase"):
            sm.read_json(edit(change))


@pytest.fixture(params=["msgspec", "stdlib"])
def decoder(request, monkeypatch):
    """Run a test with msgspec (when installed) and with the standard library's decoder."""
    if request.param == "msgspec":
        pytest.importorskip("msgspec")
    else:
        monkeypatch.setattr(jsonreader, "_msgspec_json", None)
    return request.param


def fast(text):
    """The fast path's reading of *text* (None when it refers the text to the located one)."""
    return _MatrixReader("", "<string>").fast(text)


def _walk_keys(node):
    """Every key of every object in *node*."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _walk_keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk_keys(value)


def _walk_colons(node):
    """The colons in every string of *node*, keys included."""
    if isinstance(node, str):
        return node.count(":")
    if isinstance(node, dict):
        return sum(key.count(":") + _walk_colons(value) for key, value in node.items())
    if isinstance(node, list):
        return sum(map(_walk_colons, node))
    return 0


class TestFastPath:
    @given(matrices())
    def test_fast_equals_located(self, m):
        """The fast path reads every document the writer produces, equal to the located path."""
        text = m.to_json()
        assert _MatrixReader(text, "<string>").located() == fast(text) == m

    @given(hostile_matrices())
    def test_hostile_text(self, m):
        """Hostile text (quotes, colons, escapes, controls) takes the fast path and reads back."""
        assert m == fast(m.to_json()) == fast(m.to_json(indent=None))

    def test_both_decoders(self, decoder):
        """msgspec and json.loads read the same document to the same matrix."""
        assert sm.read_json(SMALL) == fast(SMALL.encode()) == fast(SMALL)

    def test_invalid_refers(self, decoder):
        """A document with a problem is not read by the fast path but by the located one."""
        assert None is fast(SMALL.replace('"support"', '"maybe"'))
        assert None is fast(SMALL.replace('"s"}', '"s", "quote": null}'))
        assert None is fast(SMALL.replace('"s"}', '"s", "extra": "x"}'))

    @pytest.mark.parametrize(
        ("old", "new", "where"),
        [
            ('"source": "s"}', '"source": "s", "source": "s"}', "10:"),
            ('"name": "Russia"}', '"name": "Russia", "key": "RU"}', "5:"),
            ('"source": "s"}', '"source": "s", "note": "a: b", "note": "c"}', "10:"),
            (
                '"source": "s"}',
                '"source": "s", "note": "a\\u003a", "note": "\\u003a"}',
                "10:",
            ),
            ('"date": "2025"', '"date": "2025", "summary": ":", "date": "2025"', "11:"),
        ],
    )
    def test_repeated_key_found(self, decoder, old, new, where):
        """A repeated key is found (the decoders keep the last value) and placed, even where
        colons inside strings or escaped colons could hide it."""
        text = SMALL.replace(old, new, 1)
        assert None is fast(text)
        with pytest.raises(ReadError, match=f"<string>:{where}.*appears twice"):
            sm.read_json(text)

    @given(
        st.recursive(
            st.none()
            | st.booleans()
            | st.integers()
            | st.floats()
            | st.text(alphabet=st.sampled_from(':a\\"\ud800é')),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(st.text(alphabet=":b\ud800"), inner, max_size=4)
            ),
            max_leaves=12,
        )
    )
    def test_tally_counts_keys_and_colons(self, node):
        """The keys and colons tally counts (from msgspec's text when it can write the
        value) are those a walk through the value counts."""
        expected = sum(1 for _ in _walk_keys(node)) + _walk_colons(node)
        assert expected == jsonreader.tally(node)

    def test_escaped_colon(self, decoder):
        """A colon written as an escape reads as a colon."""
        m = sm.read_json(SMALL.replace('"Russia"', '"Russia\\u003a"'))
        assert "Russia:" == m.actors[1].name

    def test_lone_surrogate_escape(self, decoder):
        """An escaped lone surrogate in a claim's text is still refused, with its place."""
        text = SMALL.replace('"s"}', '"s", "note": "\\ud800"}', 1)
        with pytest.raises(ReadError, match=r"<string>:10:\d+: .*surrogate"):
            sm.read_json(text)

    def test_unga_columns(self):
        """Many claims with dates and colons read back equal (the shape of a big document)."""
        actors = [sm.Actor(f"A{i}", f"Actor {i}") for i in range(30)]
        issues = [sm.Issue(f"i:{j}", f"T {j}", f"P: {j}", tags=("a:1",)) for j in range(40)]
        claims = [
            sm.Position(
                a.key, i.key, "support" if (n + k) % 3 else "oppose", "s", date=f"2020-0{k % 9 + 1}"
            )
            for n, a in enumerate(actors)
            for k, i in enumerate(issues)
        ]
        m = sm.StanceMatrix.from_positions(
            claims, actors=actors, issues=issues, sources=[sm.Source("s", "S")]
        )
        assert m == fast(m.to_json())


class TestFastWriter:
    @given(hostile_matrices(), st.sampled_from([None, 0, 1, 2, 4]))
    def test_same_text_as_json_dumps(self, m, indent):
        """to_json writes exactly what json.dumps writes for the document, at any indent."""
        expected = json.dumps(_document(m), ensure_ascii=False, indent=indent) + "\n"
        assert expected == m.to_json(indent=indent)

    @given(matrices(), st.sampled_from([None, 2]))
    def test_round_trip(self, m, indent):
        """What the column-wise writer writes, the reader reads back equal."""
        assert m == sm.read_json(m.to_json(indent=indent))
