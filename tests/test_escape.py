from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from stancematrix._escape import (
    FORMULA_TRIGGERS,
    html_text,
    markdown_cell,
    neutralise_formula,
    restore_formula,
    terminal_text,
    unescape_markdown_cell,
)
from tests.strategies import hostile_texts

CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What Markdown can carry: control characters other than tab, LF, FF and CR show as U+FFFD.
MARKDOWN_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def markdown_shows(text: str) -> str:
    return MARKDOWN_CONTROL.sub("\ufffd", text)


# Where markdown_cell puts an invisible U+2060 so an e-mail address is not an autolink.
_ADDRESS_AT = re.compile("(?<=[A-Za-z0-9._+-])@(?=[A-Za-z0-9])")


def gfm_shows(text: str) -> str:
    """The text a GFM parser shows for markdown_cell(text): markdown_shows(text), with a
    word joiner after each "@" an address could surround."""
    return _ADDRESS_AT.sub("@\u2060", markdown_shows(text))


class TestMarkdownCell:
    @given(hostile_texts)
    def test_inverse(self, text):
        """unescape_markdown_cell undoes markdown_cell (control characters become U+FFFD)."""
        assert markdown_shows(text) == unescape_markdown_cell(markdown_cell(text))

    def test_control_characters(self):
        """Escape sequences cannot reach a terminal through Markdown."""
        assert "\ufffd\\[31mred" == markdown_cell("\x1b[31mred")

    @given(hostile_texts)
    def test_no_unescaped_pipe_or_newline(self, text):
        """An escaped cell holds no line break and no pipe that is not escaped."""
        escaped = markdown_cell(text)
        assert "\n" not in escaped
        assert "\r" not in escaped
        assert re.search(r"(?<!\\)(\\\\)*\|", escaped.replace("\\|", "")) is None

    def test_examples(self):
        """Pipes, markup and HTML are backslash-escaped; newlines become <br>."""
        assert "a \\| b" == markdown_cell("a | b")
        assert "\\*x\\* \\_y\\_ \\`z\\`" == markdown_cell("*x* _y_ `z`")
        assert "\\<b\\>\\&amp;" == markdown_cell("<b>&amp;")
        assert "one<br>two" == markdown_cell("one\ntwo")
        assert "&#32;x&#32;" == markdown_cell(" x ")

    def test_reads_hand_written_escapes(self):
        """Entities and <br/> written by hand are read as the text they stand for."""
        assert "a & b\nc|d" == unescape_markdown_cell("a &amp; b<br/>c\\|d")


class TestHtmlText:
    @given(hostile_texts)
    def test_no_markup_characters(self, text):
        """Escaped text holds no <, >, or quote characters."""
        escaped = html_text(text)
        assert not set("<>\"'") & set(escaped)


class TestTerminalText:
    @given(hostile_texts)
    def test_no_control_characters(self, text):
        """Only newlines survive among control characters."""
        assert CONTROL.search(terminal_text(text)) is None

    def test_escape_is_visible(self):
        """ESC shows as the control picture ␛, bidi overrides by their code point."""
        assert "␛[31mred" == terminal_text("\x1b[31mred")
        assert "<U+202E>x" == terminal_text("\u202ex")
        assert "a\nb" == terminal_text("a\nb")


class TestFormula:
    @given(hostile_texts | st.text())
    def test_inverse(self, text):
        """restore_formula undoes neutralise_formula exactly."""
        assert text == restore_formula(neutralise_formula(text))

    @given(hostile_texts)
    def test_never_starts_with_a_trigger(self, text):
        """A neutralised cell never starts with a formula trigger."""
        out = neutralise_formula(text)
        assert not out.startswith(tuple(FORMULA_TRIGGERS))

    def test_examples(self):
        """Triggers get one quote; text with quotes before a trigger gets one more."""
        assert "'=1+1" == neutralise_formula("=1+1")
        assert "''=x" == neutralise_formula("'=x")
        assert "'plain" == neutralise_formula("'plain")
        assert "plain" == neutralise_formula("plain")
