r"""The table formats (``tablefmt``) text output accepts, and how each escapes data.

tabulate knows many formats; most are a markup language in which a cell's text could
open a tag, a link or a command. Only the formats listed in :data:`TABLEFMTS` are
accepted, each with the function that makes a cell's text inert in its syntax; every
other name is refused with :class:`~stancematrix.exceptions.UnsupportedFormatError`
listing these.

- The plain-text frames (``simple``, ``grid``, ``rounded_outline`` … see
  :data:`stancematrix._io.fit.FRAMES`) are drawn to fit the width; terminal control
  characters are shown as visible stand-ins (``␛`` …).
- ``github`` and ``pipe``: Markdown pipe tables, cells escaped as in ``to_markdown``
  (control characters shown as in the frames).
  ``github`` is drawn to fit the width like the frames (a long body cell continues on
  the next table rows; wrapping never splits an escape) but stays one table with a
  one-line header row, so it fits whenever its header row does; ``pipe`` is not wrapped.
- ``html``: element text escaped, newlines as ``<br>``.
- ``latex``, ``latex_booktabs``, ``latex_longtable``: newlines become spaces and tabulate
  escapes every LaTeX special character (``\ { } $ & # ^ _ ~ %`` and ``< >``).
- ``mediawiki``: every ASCII punctuation character becomes a numeric character
  reference, newlines ``<br />``, so no link, template, tag or table syntax survives.
- ``tsv``: tabs and newlines become visible stand-ins (``␉``, ``␤``); cells are not
  padded.

Refused: ``unsafehtml`` and ``latex_raw`` (their purpose is to pass markup through), and
the formats whose escaping is not done here (``asciidoc``, ``colon_grid``, ``jira``,
``moinmoin``, ``orgtbl``, ``rst``, ``textile``, ``youtrack``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final

import attrs
import tabulate as _tabulate

from stancematrix._escape import html_text, markdown_cell, terminal_text
from stancematrix.exceptions import InvalidValueError, UnsupportedFormatError

from .fit import FRAMES, fit

__all__ = ["TABLEFMTS", "TableFormat", "UnsupportedTableFormatError", "lookup", "table"]


class UnsupportedTableFormatError(UnsupportedFormatError, InvalidValueError):
    """A ``tablefmt`` that is unknown or refused (also an ``InvalidValueError``, as before)."""

    def __init__(self, format: str, formats: Sequence[str]) -> None:
        self.format = self.value = format
        self.formats = tuple(formats)
        self.field = "tablefmt"
        self.reason = f"choose one of {', '.join(formats)}"
        Exception.__init__(self, f"unsupported tablefmt {format!r}; {self.reason}")

    def __reduce__(self) -> tuple[type[UnsupportedTableFormatError], tuple[str, tuple[str, ...]]]:
        return (type(self), (self.format, self.formats))


# What markdown_cell writes that must stay whole: a backslash escape, a character
# reference, a line break; otherwise one character.
_MARKDOWN_ATOMS: Final = re.compile(r"\\.|&#[0-9]+;|<br>|.", re.DOTALL)
_PUNCTUATION: Final = re.compile(r"[!-/:-@\[-`{-~]")


def _mediawiki(text: str) -> str:
    escaped = _PUNCTUATION.sub(lambda m: f"&#{ord(m[0])};", terminal_text(text))
    return escaped.replace("\n", "<br />")


def _latex(text: str) -> str:
    return terminal_text(text).replace("\n", " ")


def _tsv(text: str) -> str:
    return terminal_text(text).replace("\n", "\u2424")


def _markdown(text: str) -> str:
    return markdown_cell(terminal_text(text))


def _html(text: str) -> str:
    return html_text(terminal_text(text)).replace("\n", "<br>")


@attrs.frozen
class TableFormat:
    """One accepted ``tablefmt``.

    Attributes:
        name: The name users pass.
        escape: Makes one cell's text inert in the format's syntax.
        drawn_as: The tabulate format that draws it (the frames are drawn by
            :mod:`stancematrix._io.fit` instead, and fit the width).
        fits: Whether tables in it are wrapped to fit a terminal's width.
        atoms: The escape sequences its escaping writes, which wrapping never splits.
    """

    name: str
    escape: Callable[[str], str]
    drawn_as: str
    fits: bool = False
    atoms: re.Pattern[str] | None = None


#: Every accepted ``tablefmt``, in the order they are listed.
TABLEFMTS: Final = {
    fmt.name: fmt
    for fmt in (
        *(TableFormat(name, terminal_text, name, fits=True) for name in FRAMES[:-1]),
        TableFormat("github", _markdown, "github", fits=True, atoms=_MARKDOWN_ATOMS),
        TableFormat("pipe", _markdown, "pipe"),
        TableFormat("html", _html, "unsafehtml"),
        TableFormat("latex", _latex, "latex"),
        TableFormat("latex_booktabs", _latex, "latex_booktabs"),
        TableFormat("latex_longtable", _latex, "latex_longtable"),
        TableFormat("mediawiki", _mediawiki, "mediawiki"),
        TableFormat("tsv", _tsv, "tsv"),
    )
}


def lookup(name: object) -> TableFormat:
    """The accepted table format called *name*.

    Raises:
        UnsupportedFormatError: If *name* is unknown or refused (it is also an
            ``InvalidValueError`` for ``tablefmt``); the message lists the accepted ones.
    """
    found = TABLEFMTS.get(name) if isinstance(name, str) else None
    if found is None:
        raise UnsupportedTableFormatError(str(name), tuple(TABLEFMTS))
    return found


def table(
    tablefmt: TableFormat,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    labels: int = 1,
) -> str:
    """A table of *header* and *rows* (raw text) in *tablefmt*, escaped for it.

    Plain-text frames fit *width* (see :func:`stancematrix._io.fit.fit`; the first
    *labels* columns are repeated in each column group); the markup formats are drawn as
    they are, one table row per row.
    """
    escape = tablefmt.escape
    head = [escape(h) for h in header]
    body = [[escape(text) for text in row] for row in rows]
    if tablefmt.fits:
        return fit(tablefmt.drawn_as, head, body, width, tablefmt.atoms, labels)
    if tablefmt.name == "tsv":  # tabulate pads cells and drops a row's trailing empty ones
        return "\n".join("\t".join(row) for row in [head, *body])
    return str(
        _tabulate.tabulate(
            body, head, tablefmt=tablefmt.drawn_as, disable_numparse=True, stralign="left"
        )
    )
