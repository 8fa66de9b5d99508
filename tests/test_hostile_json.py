"""Hostile input to the JSON reader: each bad document is a ReadError naming the file, the
line and column of the object concerned, its path and the value; or it is read exactly.

Cases checked exactly in ``test_json.py`` (malformed JSON's location, an unknown or
repeated key, an undeclared actor, a BOM, invalid UTF-8) are not repeated here.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import stancematrix as sm
from stancematrix.exceptions import ReadError
from tests.test_json import SMALL
from tests.timing import BOUND, timed

# SMALL's layout: line 1 "{", actors at lines 4-5, issue line 7, source line 8, claims
# at lines 10 and 11, each object starting in column 5 (the issue in column 14, the
# source in column 15).
CLAIM0, CLAIM1 = (10, 5), (11, 5)


def where(error: ReadError) -> tuple[object, ...]:
    return (error.source, error.line, error.column, error.field, error.value)


def read_error(data: object) -> ReadError:
    with pytest.raises(ReadError) as info:
        sm.read_json(data)  # type: ignore[arg-type]
    return info.value


def replaced(old: str, new: str) -> str:
    assert 1 == SMALL.count(old)
    return SMALL.replace(old, new)


def edit(change: Callable[[dict[str, Any]], object]) -> str:
    document = json.loads(SMALL)
    change(document)
    return json.dumps(document, indent=2)


class TestEmpty:
    @pytest.mark.parametrize(
        ("data", "line", "column"), [(b"", 1, 1), (b"   \n  ", 2, 3), (b"\xef\xbb\xbf", 1, 1)]
    )
    def test_empty(self, data: bytes, line: int, column: int):
        """An empty (or blank, or BOM-only) document is not valid JSON, at its end."""
        error = read_error(data)
        assert ("<bytes>", line, column, None, None) == where(error)
        assert "not valid JSON" in error.reason
        assert "not valid JSON" in error.reason

    def test_empty_file(self, tmp_path: Path):
        """An empty file names the file."""
        path = tmp_path / "empty.json"
        path.write_bytes(b"")
        error = read_error(path)
        assert (str(path), 1, 1) == (error.source, error.line, error.column)

    def test_empty_object(self):
        """{} lacks the required keys and says which."""
        error = read_error("{}")
        assert ("<string>", 1, 1, None, None) == where(error)
        assert "missing required key 'format_version'" in error.reason

    @pytest.mark.parametrize("cut", [1, 40, len(SMALL) // 2, len(SMALL) - 3])
    def test_truncated_text(self, cut: int):
        """A document cut short is not valid JSON, located at or before its end."""
        error = read_error(SMALL[:cut])
        assert "not valid JSON" in error.reason
        assert error.line is not None
        assert error.line <= SMALL[:cut].count("\n") + 1


class TestVersion:
    @pytest.mark.parametrize("version", [0, 3, -1, "1", True, 1.0, None, [1], {"v": 1}])
    def test_wrong_format_version(self, version: object):
        """Only the integers 1 and 2 are format versions; anything else names the value."""
        error = read_error(edit(lambda d: d.update(format_version=version)))
        assert ("<string>", 1, 1, "format_version", version) == where(error)
        assert "unsupported format_version" in error.reason

    def test_missing_format_version(self):
        """A document without format_version is not guessed at."""
        error = read_error(edit(lambda d: d.pop("format_version")))
        assert ("<string>", 1, 1) == (error.source, error.line, error.column)
        assert "missing required key 'format_version'" in error.reason


def _set(path: tuple[Any, ...], value: object) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        node: Any = document
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value

    return change


class TestTypes:
    @pytest.mark.parametrize(
        ("path", "value", "field", "reason"),
        [
            (("actors",), {"US": "x"}, "actors", "expected a list, got an object"),
            (("claims",), "none", "claims", "expected a list, got a string"),
            (("actors", 0, "key"), 1, "actors[0].key", "expected a string, got a number"),
            (("actors", 0, "name"), None, "actors[0].name", "expected a string, got null"),
            (("actors", 0, "aliases"), "USA", "actors[0].aliases", "expected a list of strings"),
            (("actors", 0, "aliases"), [1], "actors[0].aliases[0]", "expected a string"),
            (("issues", 0, "tags"), [True], "issues[0].tags[0]", "got a boolean"),
            (("issues", 0, "date"), 2025, "issues[0].date", "expected a string, got a number"),
            (("sources", 0, "published"), [], "sources[0].published", "got a list"),
            (("claims", 0, "stance"), ["support"], "claims[0].stance", "got a list"),
            (("claims", 1, "date"), 2025, "claims[1].date", "expected a string, got a number"),
            (("claims", 0, "summary"), {"text": "x"}, "claims[0].summary", "got an object"),
            (("metadata",), ["x"], "metadata", "expected an object, got a list"),
            (("metadata",), {"k": 1}, "metadata.k", "expected a string, got a number"),
            (("scale",), "five-point", "scale", "expected an object, got a string"),
        ],
    )
    def test_wrong_type(self, path: tuple[Any, ...], value: object, field: str, reason: str):
        """A value of the wrong type names its path and what it found, never coerced."""
        error = read_error(edit(_set(path, value)))
        assert field == error.field
        assert reason in error.reason
        # The value named is the offending one: the list item or metadata value itself.
        found = value[0] if field.endswith("]") else value  # type: ignore[index]
        assert (found["k"] if field == "metadata.k" else found) == error.value  # type: ignore[index]

    @pytest.mark.parametrize(
        ("path", "value", "field", "reason"),
        [
            (("issues", 0, "tags"), ["ok", 2], "issues[0].tags[1]", "got a number"),
            (("actors", 0, "aliases"), ["ok", "\ud800"], "actors[0].aliases[1]", "surrogate"),
            (("actors", 0, "name"), "N\ud800", "actors[0].name", "surrogate"),
        ],
    )
    def test_bad_text_after_good_text(
        self, path: tuple[Any, ...], value: object, field: str, reason: str
    ):
        """An entry's bad text after good text is named as when it comes first."""
        error = read_error(edit(_set(path, value)))
        assert field == error.field
        assert reason in error.reason

    @pytest.mark.parametrize(
        ("path", "value"),
        [(("issues", 0, "title"), "T\u00e9"), (("issues", 0, "tags"), ["\u00e9", "ok"])],
    )
    def test_text_beyond_ascii(self, path: tuple[Any, ...], value: object):
        """An entry's text beyond ASCII reads as given."""
        m = sm.read_json(edit(_set(path, value)))
        expected = tuple(value) if isinstance(value, list) else value
        assert expected == getattr(m.issues[0], path[2])

    def test_wrong_type_located(self):
        """A wrong-typed field is located at the object holding it."""
        error = read_error(replaced('"stance": "oppose"', '"stance": -1'))
        assert ("<string>", *CLAIM1, "claims[1].stance", -1) == where(error)

    def test_claim_not_an_object(self):
        """A claim that is a list, not an object, names its index."""
        error = read_error(edit(_set(("claims", 1), ["RU", "sanctions", "oppose", "s"])))
        assert "claims[1]" == error.field
        assert "expected an object, got a list" in error.reason

    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            ("NaN", "finite"),
            ("Infinity", "finite"),
            ("-Infinity", "finite"),
            ("1e999", "finite"),
            ('"1"', "expected a number"),
            ("true", "expected a number, got a boolean"),
            ("9" * 5000, "more than"),
        ],
    )
    def test_bad_level_value(self, value: str, reason: str):
        """Level values are finite numbers; a number too long to convert is a ReadError."""
        document = edit(
            lambda d: d.update(
                scale={
                    "name": "s",
                    "levels": [{"label": "no", "value": 0}, {"label": "yes", "value": 1}],
                }
            )
        )
        error = read_error(document.replace('"value": 1', f'"value": {value}'))
        assert reason in error.reason
        assert error.line is not None

    def test_long_number_located(self):
        """The 5000-digit number's own line and column are named."""
        text = replaced('"title": "Source"', '"title": "Source", "x": ' + "9" * 5000)
        error = read_error(text)
        assert ("<string>", 8, SMALL.splitlines()[7].index('"title"') + 25) == (
            error.source,
            error.line,
            error.column,
        )


class TestNesting:
    @pytest.mark.parametrize("opening", ["[", '{"a":', '{"format_version": 1, "claims": ['])
    def test_deep_nesting(self, opening: str):
        """100,000 levels of nesting anywhere is a ReadError, and the reader still works."""
        error = read_error(opening * 100_000)
        assert "nested too deeply" in error.reason
        assert sm.read_json(SMALL) == sm.read_json(SMALL)

    def test_moderate_nesting_is_a_type_error(self):
        """Nesting the parser can follow is reported as the wrong type at its path."""
        error = read_error(edit(_set(("claims", 0, "note"), [[[[[["deep"]]]]]])))
        assert "claims[0].note" == error.field

    def test_recursion_limit_unchanged(self):
        """Reading deep nesting leaves the interpreter's recursion limit as it was."""
        limit = sys.getrecursionlimit()
        read_error("[" * 100_000)
        assert limit == sys.getrecursionlimit()


class TestLineEnds:
    @pytest.mark.parametrize("end", ["\r\n", "\r"], ids=["CRLF", "CR"])
    def test_same_matrix(self, end: str):
        """CRLF and lone-CR line ends read the same matrix as LF."""
        assert sm.read_json(SMALL) == sm.read_json(SMALL.replace("\n", end))

    @pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
    def test_same_location(self, end: str):
        """Errors name the same line and column whatever the line ends are."""
        text = replaced('"stance": "oppose"', '"stance": "Oppose"').replace("\n", end)
        assert CLAIM1 == (read_error(text).line, read_error(text).column)

    @pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
    def test_syntax_error_location(self, end: str):
        """A syntax error is located the same way with any line ends."""
        text = SMALL.replace('"sources"', '"sources" ').replace("\n", end)
        text = text.replace('"s"}', '"s",}', 1)
        error = read_error(text)
        assert (10, SMALL.splitlines()[9].index('"s"}') + 5) == (error.line, error.column)


class TestValues:
    @pytest.mark.parametrize("stance", ["Oppose", "OPPOSE", " oppose", "oppose ", "against"])
    def test_stance_odd_case_or_spaces(self, stance: str):
        """Stances match the scale's labels exactly; anything else names the claim."""
        error = read_error(replaced('"stance": "oppose"', f'"stance": "{stance}"'))
        assert ("<string>", *CLAIM1) == (error.source, error.line, error.column)
        assert "claims[1].stance" == error.field

    @pytest.mark.parametrize(
        "date",
        ["2025-02-30", "2025-13", "0000", "10000", "2025-01-01T00:00", "2025-1", "", "2025/2024"],
    )
    def test_invalid_date(self, date: str):
        """Invalid, out-of-range or over-precise claim dates name the claim and value."""
        error = read_error(replaced('"date": "2025"', f'"date": "{date}"'))
        assert ("<string>", *CLAIM1, "claims[1].date", date) == where(error)

    def test_invalid_issue_date(self):
        """An issue's date is checked too, at the issue."""
        text = replaced('"proposition": "Keep sanctions."', '"proposition": "K", "date": "2025-00"')
        error = read_error(text)
        assert ("<string>", 7, 14, "issues[0].date", "2025-00") == where(error)

    @pytest.mark.parametrize(
        ("old", "new", "field"),
        [
            ('"sanctions", "stance": "oppose"', '"Sanctions", "stance": "oppose"', "issue"),
            ('"oppose", "source": "s"', '"oppose", "source": "t"', "source"),
        ],
    )
    def test_undeclared(self, old: str, new: str, field: str):
        """A claim for an undeclared issue or source (keys match exactly) names the claim."""
        error = read_error(replaced(old, new))
        assert ("<string>", *CLAIM1, f"claims[1].{field}") == where(error)[:4]
        assert f"unknown {field}" in error.reason

    def test_duplicate_claim_located(self):
        """A repeated claim is named at the repeat's line and column."""
        second = '    {"actor": "US", "issue": "sanctions", "stance": "support", "source": "s"},\n'
        lines = SMALL.splitlines(keepends=True)
        text = "".join([*lines[:10], second, *lines[10:]])
        error = read_error(text)
        assert ("<string>", 11, 5, "claims[1]") == where(error)[:4]
        assert "duplicate claim" in error.reason

    def test_nul_escape_preserved(self):
        """A \\u0000 escape is a NUL character in the text, kept and written back."""
        m = sm.read_json(replaced('"title": "Source"', '"title": "So\\u0000urce"'))
        assert "So\x00urce" == m.sources[0].title
        assert m == sm.read_json(m.to_json())

    def test_raw_nul_rejected(self):
        """A raw NUL byte inside a string is invalid JSON, located at the byte."""
        text = replaced('"title": "Source"', '"title": "So\x00urce"')
        error = read_error(text.encode())
        assert (8, SMALL.splitlines()[7].index("Source") + 3) == (error.line, error.column)

    @pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "x\\udc00y"])
    def test_lone_surrogate(self, escape: str):
        """Half a surrogate pair is not text (it cannot be written as UTF-8): a ReadError."""
        error = read_error(replaced('"title": "Source"', f'"title": "{escape}"'))
        assert ("<string>", 8, 15, "sources[0].title") == where(error)[:4]
        assert "lone surrogate" in error.reason

    def test_surrogate_pair_is_a_character(self):
        """A proper surrogate pair is the character it encodes."""
        m = sm.read_json(replaced('"title": "Source"', '"title": "\\ud83d\\ude00"'))
        assert "\U0001f600" == m.sources[0].title

    def test_lone_surrogate_in_metadata_key(self):
        """Metadata keys are checked like values."""
        error = read_error(edit(lambda d: d.update(metadata={"\ud800": "x"})))
        assert "metadata" == error.field


class TestLargeAndCompressed:
    def test_very_long_field(self):
        """A 1 MB summary reads back whole."""
        text = "x" * 1_000_000
        m = sm.read_json(
            replaced('"source": "s", "date"', f'"source": "s", "summary": "{text}", "date"')
        )
        assert text == m.claims("RU")[0].summary

    @pytest.mark.parametrize("keep", [2, 10, 0.5, -8, -1])
    def test_truncated_gzip(self, tmp_path: Path, keep: float):
        """A gzip file cut anywhere is a ReadError naming the file."""
        data = gzip.compress(SMALL.encode())
        path = tmp_path / "m.json.gz"
        path.write_bytes(data[: int(len(data) * keep) if isinstance(keep, float) else keep])
        error = read_error(path)
        assert (str(path), True) == (error.source, "gzip" in error.reason)


class TestHangs:
    def test_long_number_among_long_numbers(self):
        """One 4,301-digit integer after 500 of 4,300 digits is refused quickly, located."""
        text = "[" + ",".join(["9" * 4_300] * 500) + ",\n" + "9" * 4_301 + "]"
        took, error = timed(lambda: read_error(text))
        assert (True, 2, 1) == (took < BOUND, error.line, error.column)


class TestReadDiffNumbersAndLineEnds:
    def test_long_number_is_a_read_error(self):
        """A diff document with a 5,000-digit integer is a located ReadError."""
        with pytest.raises(ReadError, match="more than 4300 digits") as info:
            sm.read_diff('{"format_version":\n' + "9" * 5_000 + "}")
        assert (2, 1) == (info.value.line, info.value.column)

    @pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
    def test_syntax_error_location(self, end: str):
        """A diff's syntax error is located the same way with any line ends."""
        text = '{\n  "format_version": 1,\n  "type": "stancematrix diff",,\n}'.replace("\n", end)
        with pytest.raises(ReadError) as info:
            sm.read_diff(text)
        assert (3, 31) == (info.value.line, info.value.column)
