"""The JSON document format: lossless, versioned, with a stable key order.

A document is one object::

    {
      "format_version": 2,
      "metadata": {"title": "…"},                       (optional)
      "scale": {"name": …, "levels": […], "unknown": {…}},  (optional: five-point)
      "actors":  [{"key", "name", "kind"?, "aliases"?}, …],
      "issues":  [{"key", "title", "proposition", "parent"?, "description"?, "aliases"?,
                   "date"?, "tags"?}, …],
      "sources": [{"id", "title", "author"?, "publisher"?, "document"?, "published"?,
                   "series"?}, …],
      "claims":  [{"actor", "issue", "stance", "source",
                   "summary"?, "quote"?, "date"?, "note"?, "until"?}, …]
    }

Keys marked ``?`` are optional and left out when empty; unknown keys are errors, so a
misspelt key is reported rather than ignored. Dates are written ``2025``, ``2025-07``,
``2025-07-14`` or ``START/END``. An entry's keys are its class's fields, in their order
(see :mod:`stancematrix._io.schema`).

Format version 2 added a claim's ``until`` and a source's ``series``; version 1
documents (which have neither) still read.

Diffs have a document of their own (:mod:`stancematrix._io.jsondiff`); this module is
the format's entry in the registry for both.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

from stancematrix._io.jsondiff import DIFF_FORMAT_VERSION, diff_to_json, read_diff
from stancematrix._io.jsonreader import Reader, join, kind_of
from stancematrix._io.schema import CLAIM, ENTRIES, compact, scale_data
from stancematrix._io.source import Input, read_text
from stancematrix._matrix import StanceMatrix
from stancematrix._store import Declarations, Problem, build, face
from stancematrix.exceptions import InvalidValueError

if TYPE_CHECKING:
    from stancematrix._diff.matrixdiff import MatrixDiff

__all__ = [
    "DIFF_FORMAT_VERSION",
    "EXTENSIONS",
    "FORMAT_VERSION",
    "NAME",
    "diff_to_json",
    "read",
    "read_diff",
    "read_json",
    "render",
    "render_diff",
    "to_json",
]

NAME: Final = "json"
EXTENSIONS: Final = (".json",)
FORMAT_VERSION: Final = 2

# The lists of entries, in document order: actors, issues, sources, claims.
_PARTS: Final = (*ENTRIES, CLAIM)
_TOP: Final = ("format_version", "metadata", "scale", *(entry.part for entry in _PARTS))
_REQUIRED: Final = ("format_version", *(entry.part for entry in _PARTS))


# -- writing ------------------------------------------------------------------------------


def _document(matrix: StanceMatrix) -> dict[str, Any]:
    document: dict[str, Any] = {"format_version": FORMAT_VERSION}
    if matrix.metadata:
        document["metadata"] = dict(matrix.metadata)
    document["scale"] = scale_data(matrix.scale)
    lists: tuple[Iterable[object], ...] = (matrix.actors, matrix.issues, matrix.sources, matrix)
    for entry, values in zip(_PARTS, lists, strict=True):
        document[entry.part] = [compact(value, entry.fields) for value in values]
    return document


def to_json(matrix: StanceMatrix, *, indent: int | None = 2) -> str:
    """Write *matrix* as a JSON document (see the module docs for its shape).

    Keys come in a fixed order, optional fields are left out when empty, and text is
    written as UTF-8 rather than escaped. :func:`read_json` reads it back equal.

    Args:
        matrix: The matrix to write.
        indent: Spaces per indentation level; ``None`` for one line.
    """
    return json.dumps(_document(matrix), ensure_ascii=False, indent=indent) + "\n"


# -- reading ------------------------------------------------------------------------------


class _MatrixReader(Reader):
    """Checks a matrix document's shape, reporting errors with path, line and column."""

    def read(self) -> StanceMatrix:
        root = self.obj(self.parse(), "", _REQUIRED, _TOP)
        self.check_version(root, FORMAT_VERSION, "", oldest=1)
        metadata: dict[str, str] = {}
        if "metadata" in root:
            node = root["metadata"]
            if not isinstance(node, dict):
                raise self.fail(f"expected an object, got {kind_of(node)}", "metadata", value=node)
            metadata = {
                self.string(key, "metadata"): self.string(value, join("metadata", key))
                for key, value in node.items()
            }
        scale = self.scale(root["scale"], "scale") if "scale" in root else None
        parts = {
            entry.part: [
                self.entry(node, f"{entry.part}[{i}]", entry)
                for i, node in enumerate(self.items(root, entry.part, ""))
            ]
            for entry in _PARTS
        }
        try:
            decl = Declarations.declare(
                parts["actors"], parts["issues"], parts["sources"], scale, metadata
            )
            return face(StanceMatrix, build(decl, parts["claims"]))
        except Problem as located:
            nodes = root.get(located.part)
            node = nodes[located.index] if isinstance(nodes, list) else root
            path = f"{located.part}[{located.index}]" if isinstance(nodes, list) else located.part
            if located.field is not None:
                path = join(path, located.field)
            raise self.fail(str(located.error), path, node) from located.error


def read_json(source: Input) -> StanceMatrix:
    """Read a matrix from a JSON document written by :meth:`StanceMatrix.to_json`.

    Args:
        source: A path, an open file, bytes, or the JSON text itself (a ``str`` holding
            a line break or starting with ``{`` or ``[``; any other ``str`` is a file
            name). Gzip-compressed input is recognised and decompressed.

    Raises:
        ReadError: If the input is not valid UTF-8 or JSON, has the wrong
            ``format_version``, a missing, unknown or repeated key, a value of the wrong
            type, or describes an invalid matrix (an unknown actor, a stance off the scale,
            a duplicate claim …). The error names the file, the line and column of the
            object concerned, and its path (``claims[3].stance``).
    """
    text, name = read_text(source, looks_like_text="{[")
    return _MatrixReader(text, name).read()


#: The format's entry points, as the registry expects them.
render = to_json
read = read_json


def render_diff(
    diff: MatrixDiff,
    *,
    indent: int | None = 2,
    kinds: Iterable[str] | None = None,
    stance_only: bool = False,
) -> str:
    """Write a diff as its versioned JSON document (see :meth:`MatrixDiff.to_json`).

    The document is a patch and holds every change, so the reports' filters do not apply.

    Raises:
        InvalidValueError: If *kinds* or *stance_only* is given.
    """
    for option, value in (("kinds", kinds), ("stance_only", stance_only)):
        if value not in (None, False):
            raise InvalidValueError(
                option, value, "does not apply to the JSON diff, which holds every change"
            )
    return diff_to_json(diff, indent=indent)
