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
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from stancematrix._io import jsonstream
from stancematrix._io.claimcols import coded_store, json_claims, no_gc
from stancematrix._io.jsondiff import DIFF_FORMAT_VERSION, diff_to_json, read_diff
from stancematrix._io.jsonreader import Reader, colons, join, kind_of, loads, tally
from stancematrix._io.jsonstream import claim_columns, text_colons
from stancematrix._io.schema import CLAIM, ENTRIES, compact, scale_data
from stancematrix._io.source import MAX_RATIO, MAX_SIZE, Input, decode, open_stream
from stancematrix._matrix import StanceMatrix
from stancematrix._store import Declarations, Problem, build, face, store_of
from stancematrix.exceptions import InvalidValueError, ReadError

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


def _document(matrix: StanceMatrix, *, claims: bool = True) -> dict[str, Any]:
    document: dict[str, Any] = {"format_version": FORMAT_VERSION}
    if matrix.metadata:
        document["metadata"] = dict(matrix.metadata)
    document["scale"] = scale_data(matrix.scale)
    lists: tuple[Iterable[object], ...] = (matrix.actors, matrix.issues, matrix.sources, matrix)
    for entry, values in zip(_PARTS, lists, strict=True):
        if entry is CLAIM and not claims:
            document[entry.part] = []
        else:
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
    # The claims (last in the document, and nearly all of it) are written column-wise:
    # the same text json.dumps would give, at a fraction of the cost.
    claims = json_claims(store_of(matrix), CLAIM.fields, indent)
    if claims is None:
        return json.dumps(_document(matrix), ensure_ascii=False, indent=indent) + "\n"
    head = json.dumps(_document(matrix, claims=False), ensure_ascii=False, indent=indent)
    cut = head.rindex("[]")  # the empty claims list, just before the closing brace
    return head[:cut] + claims + head[cut + 2 :] + "\n"


# -- reading ------------------------------------------------------------------------------


class _MatrixReader(Reader):
    """Checks a matrix document's shape, reporting errors with path, line and column.

    :func:`read_json` first takes the fast path (:meth:`fast`); only a document it does
    not vouch for is decoded again with positions (:meth:`located`), which reports the
    problem with its file, line, column and path.
    """

    def declarations(self, root: Mapping[str, Any]) -> Declarations:
        """The declarations of a checked *root*: metadata, scale, actors, issues, sources.

        Raises:
            ReadError: For the first problem, placed where the decoder recorded positions.
        """
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
            for entry in ENTRIES
        }
        try:
            return Declarations.declare(
                parts["actors"], parts["issues"], parts["sources"], scale, metadata
            )
        except Problem as located:
            raise self.problem(root, located) from located.error

    def problem(self, root: Mapping[str, Any], located: Problem) -> ReadError:
        """The :class:`ReadError` of a *located* problem, placed at its entry."""
        nodes = root.get(located.part)
        node = nodes[located.index] if isinstance(nodes, list) else root
        path = f"{located.part}[{located.index}]" if isinstance(nodes, list) else located.part
        if located.field is not None:
            path = join(path, located.field)
        return self.fail(str(located.error), path, node)

    def located(self) -> StanceMatrix:
        """Decode with positions and check every entry, raising the first problem placed."""
        root = self.obj(self.parse(), "", _REQUIRED, _TOP)
        decl = self.declarations(root)
        claims = [
            self.entry(node, f"claims[{i}]", CLAIM)
            for i, node in enumerate(self.items(root, CLAIM.part, ""))
        ]
        try:
            return face(StanceMatrix, build(decl, claims))
        except Problem as located:
            raise self.problem(root, located) from located.error

    def fast(self, data: bytes | str) -> StanceMatrix | None:
        """The matrix in *data*, decoded fast and its claims coded column-wise.

        None if the document is not valid as it stands (or might repeat a key), so that
        :meth:`located` finds and places the problem; this path needs no positions, so
        the reader's own text may be empty.
        """
        expected = colons(data)
        if expected is None:
            return None
        try:
            root = loads(data)
        except (ValueError, RecursionError):
            return None
        if type(root) is not dict or type(root.get(CLAIM.part)) is not list:
            return None
        claims: list[Any] = root[CLAIM.part]
        columns = claim_columns(claims)
        if columns is None:
            return None
        try:
            counted = tally({k: v for k, v in root.items() if k != CLAIM.part}) + 1
            decl = self.declarations(self.obj(root, "", _REQUIRED, _TOP))
        except (RecursionError, ReadError):
            return None
        counted += sum(map(len, claims))
        if counted != expected:  # colons in the claims' text, or a key given twice
            try:  # (the coder refuses a value of the wrong type)
                counted += sum(text_colons(v) for f, v in columns.items() if f != "order")
            except TypeError:  # a list, object or number where text belongs
                return None
        if counted != expected:  # a key given twice somewhere: let the located reader say where
            return None
        store = coded_store(decl, columns)
        return None if store is None else face(StanceMatrix, store)


def read_json(
    source: Input, *, max_ratio: float = MAX_RATIO, max_size: int = MAX_SIZE
) -> StanceMatrix:
    """Read a matrix from a JSON document written by :meth:`StanceMatrix.to_json`.

    A document laid out as ``to_json`` writes it (indent 2, the claims last) is decoded a
    batch of claims at a time (:mod:`stancematrix._io.jsonstream`), so the whole text and
    its decoded objects are never held; a document laid out otherwise is read whole.

    Args:
        source: A path, an open file, bytes, or the JSON text itself (a ``str`` holding
            a line break or starting with ``{`` or ``[``; any other ``str`` is a file
            name). Gzip-compressed input is recognised and decompressed.
        max_ratio: Refuse gzip input that expands to more than this many times its own
            size (checked past 1 MiB of output), as a decompression bomb would.
        max_size: Refuse gzip input that expands to more than this many bytes.

    Raises:
        ReadError: If the input expands beyond *max_ratio* or *max_size*, is not valid
            UTF-8 or JSON, has the wrong
            ``format_version``, a missing, unknown or repeated key, a value of the wrong
            type, or describes an invalid matrix (an unknown actor, a stance off the scale,
            a duplicate claim …). The error names the file, the line and column of the
            object concerned, and its path (``claims[3].stance``).
    """
    stream = open_stream(source, looks_like_text="{[", max_ratio=max_ratio, max_size=max_size)
    name = stream.name
    reader = _MatrixReader("", name)
    with no_gc():
        store = jsonstream.read(
            stream, lambda root: reader.declarations(reader.obj(root, "", _REQUIRED, _TOP))
        )
    if store is not None:
        return face(StanceMatrix, store)
    data = stream.whole()
    if isinstance(data, str):
        data = decode(data, name)  # text given as such: refuse a lone surrogate first
    with no_gc():
        matrix = reader.fast(data)
    if matrix is None:
        matrix = _MatrixReader(decode(data, name), name).located()
    return matrix


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
