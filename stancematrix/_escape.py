"""Escaping helpers shared by every renderer (matrices, diffs …).

Each helper makes untrusted text safe for one kind of output and is as small as that
output allows. The names are stable: other renderers import them.

- :func:`markdown_cell` / :func:`unescape_markdown_cell`: text inside a GFM pipe-table cell;
  :func:`markdown_paragraph`: the same text on a line of its own.
- :func:`html_text`: text in HTML element content or a quoted attribute value.
- :func:`terminal_text`: text for a terminal, with control characters made visible.
- :func:`neutralise_formula` / :func:`restore_formula`: spreadsheet formula triggers.
"""

from __future__ import annotations

import html
import re
from typing import Final

__all__ = [
    "FORMULA_TRIGGERS",
    "html_text",
    "markdown_cell",
    "markdown_paragraph",
    "neutralise_formula",
    "restore_formula",
    "terminal_text",
    "unescape_markdown_cell",
]

# -- Markdown -------------------------------------------------------------------------------

# ASCII punctuation that could end a cell (|), escape (\), or start inline markup:
# emphasis (* _), code (`), links and images ([ ] !), strikethrough (~), raw HTML and
# autolinks (< >), entity references (&).
_MARKDOWN_SPECIAL = re.compile(r"([\\|*_`\[\]<>&~!])")
# Control characters CommonMark cannot carry as character references (it shows U+FFFD).
_MARKDOWN_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_MARKDOWN_TOKEN = re.compile(
    r"\\([!-/:-@\[-`{-~])"  # a backslash escape of ASCII punctuation
    r"|(&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});)"  # an entity
    r"|(<br\s*/?>)",  # a line break
)


# What GFM's autolink extension turns into a live link, and how each is defused: a URL
# scheme's "://" (and mailto:/xmpp:) gets its colon escaped, "www." its dot, each in a
# text node of its own that the extension never scans; an e-mail address's "@" gets an
# invisible U+2060 WORD JOINER after it (not a domain character), because GFM rejoins
# escaped characters with their neighbours before it looks for addresses.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9])(:)(?=//)|(?<=mailto)(:)|(?<=xmpp)(:)|(www)(\.)")
_JOINER: Final = "\u2060"
_AT = re.compile("(?<=[A-Za-z0-9._+-])@(?:(" + _JOINER + ")|(?=[A-Za-z0-9]))")
# Block syntax a line of text must not start: an ATX heading, a bullet or ordered list
# item, or a thematic break made of dashes (``*`` and ``_`` are escaped everywhere).
_BLOCK_START = re.compile(
    r"(#{1,6}|[-+])(?=[ \t]|$)|(-)(?=[ \t]*-[ \t]*-)|[0-9]{1,9}([.)])(?=[ \t]|$)"
)


def _defuse_autolinks(out: str) -> str:
    out = _AUTOLINK.sub(lambda m: m[4] + "\\." if m[4] else "\\:", out)
    # The data's own joiner after "@" is written as a reference, so reading drops only ours.
    return _AT.sub(lambda m: "@&#8288;" if m[1] else "@" + _JOINER, out)


def markdown_cell(text: str) -> str:
    """Escape *text* so it is exactly one GFM pipe-table cell's inline text.

    Pipes, backslashes and the characters that start inline markup or raw HTML are
    backslash-escaped; a newline becomes ``<br>`` and a carriage return ``&#13;`` (either
    would end the row); whitespace at either end (which a table would trim) becomes a
    numeric character reference. Control characters other than tab, newline, form feed
    and carriage return, which CommonMark cannot carry (and which could drive a terminal
    showing the file), become U+FFFD. A CommonMark/GFM parser shows the cell as *text*
    with just that replacement, and :func:`unescape_markdown_cell` gives it back.

    Nothing in *text* becomes a link under GFM's autolink extension (GitHub's): the
    colon of ``scheme://``, ``mailto:`` and ``xmpp:`` and the dot of ``www.`` are
    backslash-escaped, and an ``@`` between address characters gets an invisible
    U+2060 WORD JOINER (a parser shows it; :func:`unescape_markdown_cell` drops it).
    For text that starts a line outside a table, use :func:`markdown_paragraph`.
    """
    out = _MARKDOWN_SPECIAL.sub(r"\\\1", _MARKDOWN_CONTROL.sub("\ufffd", text))
    out = _defuse_autolinks(out)
    out = out.replace("\r", "&#13;").replace("\n", "<br>")
    if out[:1].isspace() or out[-1:].isspace():
        stripped = out.strip()
        if not stripped:
            return "".join(f"&#{ord(c)};" for c in out)
        lead = out[: len(out) - len(out.lstrip())]
        trail = out[len(out.rstrip()) :]
        out = (
            "".join(f"&#{ord(c)};" for c in lead)
            + stripped
            + "".join(f"&#{ord(c)};" for c in trail)
        )
    return out


def markdown_paragraph(text: str) -> str:
    """Escape *text* as :func:`markdown_cell` does, for a line of its own (a title).

    A leading ``#``, ``-``, ``+`` or ``1.`` that would start a heading, list item or
    thematic break is backslash-escaped too, so the line is one paragraph of *text*.
    """
    out = markdown_cell(text)
    found = _BLOCK_START.match(out)
    if found is None:
        return out
    at = found.start(3) if found[3] else 0
    return out[:at] + "\\" + out[at:]


def unescape_markdown_cell(cell: str) -> str:
    """The text a GFM parser shows for one cell's source (backslash escapes, entities, ``<br>``).

    The inverse of :func:`markdown_cell`; also reads the escapes people write by hand.
    Other inline markup (emphasis, links …) is kept as written.
    """

    def replace(match: re.Match[str]) -> str:
        if match[1] is not None:
            return match[1]
        if match[2] is not None:
            return html.unescape(match[2])
        return "\n"

    return _MARKDOWN_TOKEN.sub(replace, cell.replace("@" + _JOINER, "@"))


# -- HTML -----------------------------------------------------------------------------------


def html_text(text: str) -> str:
    """Escape *text* for HTML element content or a double- or single-quoted attribute.

    A NUL character, which an HTML parser silently drops from text, becomes U+FFFD (as
    in Markdown) so that it shows rather than vanishing.
    """
    return html.escape(text, quote=True).replace("\x00", "\ufffd")


# -- terminals ------------------------------------------------------------------------------

# C0 controls except newline, DEL, C1 controls (which include CSI), and the bidirectional
# embeddings, overrides and isolates that reorder what a reader sees.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    char = match[0]
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ESC shows as ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def terminal_text(text: str) -> str:
    """*text* with every terminal control character made visible, keeping newlines.

    Escape (so every ANSI/VT100 sequence), carriage return, backspace, tab, bell, the
    other C0 and C1 controls and the Unicode bidirectional overrides are replaced by a
    visible stand-in (``␛``, ``␍``, ``<U+202E>`` …), so data can neither recolour the
    terminal, move the cursor, overwrite what was printed nor reorder text.
    """
    return _CONTROL.sub(_visible, text)


# -- spreadsheets ---------------------------------------------------------------------------

FORMULA_TRIGGERS: Final = "=+-@\t\r"
"""Leading characters that make a spreadsheet evaluate a cell as a formula."""

_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")


def neutralise_formula(text: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would evaluate as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return — or with one or
    more ``'`` followed by one of those, so that the mapping stays reversible — gets one
    more ``'`` in front. :func:`restore_formula` undoes it exactly.
    """
    return "'" + text if _NEEDS_QUOTE.match(text) else text


def restore_formula(text: str) -> str:
    """Undo :func:`neutralise_formula`."""
    return text[1:] if _QUOTED.match(text) else text
