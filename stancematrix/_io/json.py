"""The JSON document format: lossless, versioned, with a stable key order.

A document is one object::

    {
      "format_version": 1,
      "metadata": {"title": "…"},                       (optional)
      "scale": {"name": …, "levels": […], "unknown": {…}},  (optional: five-point)
      "actors":  [{"key", "name", "kind"?, "aliases"?}, …],
      "issues":  [{"key", "title", "proposition", "parent"?, "description"?, "aliases"?,
                   "date"?, "tags"?}, …],
      "sources": [{"id", "title", "author"?, "publisher"?, "document"?, "published"?}, …],
      "claims":  [{"actor", "issue", "stance", "source",
                   "summary"?, "quote"?, "date"?, "note"?}, …]
    }

Keys marked ``?`` are optional and left out when empty; unknown keys are errors, so a
misspelt key is reported rather than ignored. Dates are written ``2025``, ``2025-07``,
``2025-07-14`` or ``START/END``.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any, Final

from stancematrix._dates import PartialDate, Period
from stancematrix._diff.matrixdiff import Changes, ClaimData, MatrixDiff, changes, orders
from stancematrix._diff.matrixdiff import make as make_diff
from stancematrix._diff.values import (
    PARTS,
    Claim,
    EntityChange,
    MetadataChange,
    Part,
    entity_key,
    from_position,
    shift_kind,
    to_position,
)
from stancematrix._io.source import Input, locate, read_text
from stancematrix._matrix import StanceMatrix
from stancematrix._model import Actor, Issue, Position, Source
from stancematrix._scale import Level, Scale
from stancematrix._store import Declarations, Problem, build, face
from stancematrix.exceptions import ReadError, StanceMatrixError

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
FORMAT_VERSION: Final = 1

_TOP = ("format_version", "metadata", "scale", "actors", "issues", "sources", "claims")
_ACTOR = ("key", "name", "kind", "aliases")
_ISSUE = ("key", "title", "proposition", "parent", "description", "aliases", "date", "tags")
_SOURCE = ("id", "title", "author", "publisher", "document", "published")
_CLAIM = ("actor", "issue", "stance", "source", "summary", "quote", "date", "note")


# -- writing ------------------------------------------------------------------------------


def _document(matrix: StanceMatrix) -> dict[str, Any]:
    scale = matrix.scale
    unknown: dict[str, Any] = {"label": scale.unknown}
    if scale.unknown_symbol is not None:
        unknown["symbol"] = scale.unknown_symbol
    document: dict[str, Any] = {"format_version": FORMAT_VERSION}
    if matrix.metadata:
        document["metadata"] = dict(matrix.metadata)
    document["scale"] = {
        "name": scale.name,
        "levels": [_compact(level, ("label", "value", "symbol")) for level in scale.levels],
        "unknown": unknown,
    }
    document["actors"] = [_compact(actor, _ACTOR) for actor in matrix.actors]
    document["issues"] = [_compact(issue, _ISSUE) for issue in matrix.issues]
    document["sources"] = [_compact(source, _SOURCE) for source in matrix.sources]
    document["claims"] = [_compact(claim, _CLAIM) for claim in matrix]
    return document


def _compact(value: object, fields: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fields:
        item = getattr(value, name)
        if item is None or item == ():
            continue
        if isinstance(item, PartialDate | Period):
            item = str(item)
        elif isinstance(item, tuple):
            item = list(item)
        out[name] = item
    return out


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


# How to build one kind of entry: its class, its fields, the required ones, converters.
_Spec = tuple[
    Callable[..., Any],
    tuple[str, ...],
    tuple[str, ...],
    Mapping[str, Callable[[Any, str], Any]],
]


class _Object(dict[str, Any]):
    """A decoded JSON object that remembers where it started in the text."""

    __slots__ = ("offset",)
    offset: int


class _DuplicateKey(Exception):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    for key, value in pairs:
        if key in obj:
            raise _DuplicateKey(key)
        obj[key] = value
    return obj


def _parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> tuple[_Object, int]:
    start = s_and_end[1] - 1
    try:
        obj, end = json.decoder.JSONObject(s_and_end, *args, **kwargs)  # type: ignore[attr-defined]
    except _DuplicateKey as duplicate:
        raise json.JSONDecodeError(
            f"key {duplicate.args[0]!r} appears twice in this object", s_and_end[0], start
        ) from None
    obj.offset = start
    return obj, end


class _Decoder(json.JSONDecoder):
    def __init__(self) -> None:
        super().__init__(object_pairs_hook=_pairs)
        self.parse_object = _parse_object
        self.scan_once = json.scanner.py_make_scanner(self)  # type: ignore[attr-defined]


class _Reader:
    """Checks a decoded document's shape, reporting errors with path, line and column."""

    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name

    def fail(self, reason: str, path: str, node: object = None, value: object = None) -> ReadError:
        offset = getattr(node, "offset", None)
        line = column = None
        if offset is not None:
            line, column = locate(self.text, offset)
        return ReadError(
            reason, source=self.name, line=line, column=column, field=path or None, value=value
        )

    def obj(
        self, node: object, path: str, required: tuple[str, ...], allowed: tuple[str, ...]
    ) -> Mapping[str, Any]:
        if not isinstance(node, dict):
            raise self.fail(f"expected an object, got {_kind(node)}", path, value=node)
        for key in node:
            if key not in allowed:
                raise self.fail(
                    f"unknown key {key!r} (expected one of {', '.join(allowed)})", path, node
                )
        for key in required:
            if key not in node:
                raise self.fail(f"missing required key {key!r}", path, node)
        return node

    def items(self, node: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = node[key]
        if not isinstance(value, list):
            raise self.fail(f"expected a list, got {_kind(value)}", _join(path, key), node, value)
        return value

    def build(
        self,
        node: Mapping[str, Any],
        path: str,
        make: Callable[..., object],
        fields: tuple[str, ...],
        convert: Mapping[str, Callable[[Any, str], Any]],
    ) -> Any:
        kwargs: dict[str, Any] = {}
        for key in fields:
            if key in node:
                value = node[key]
                check: Callable[[Any, str], Any] = convert.get(key, self.string)
                try:
                    kwargs[key] = check(value, _join(path, key))
                except ReadError as error:
                    if error.line is not None:
                        raise
                    # A value has no position of its own: name the object's.
                    raise self.fail(error.reason, error.field or path, node, error.value) from None
        try:
            return make(**kwargs)
        except StanceMatrixError as error:
            field = getattr(error, "field", "")
            attribute = field.rpartition(".")[2] if isinstance(field, str) else ""
            where = _join(path, attribute) if attribute in node else path
            raise self.fail(str(error), where, node) from error

    def string(self, value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise self.fail(f"expected a string, got {_kind(value)}", path, value=value)
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as error:  # a \ud800-style escape of half a pair
                code = ord(value[error.start])
                raise self.fail(
                    f"\\u{code:04x} is a lone surrogate, not a character", path, value=value
                ) from None
        return value

    def strings(self, value: Any, path: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(f"expected a list of strings, got {_kind(value)}", path, value=value)
        return tuple(self.string(item, f"{path}[{i}]") for i, item in enumerate(value))

    def number(self, value: Any, path: str) -> float:
        if type(value) not in (int, float):
            raise self.fail(f"expected a number, got {_kind(value)}", path, value=value)
        return value  # type: ignore[no-any-return]

    def scale(self, node: Any, path: str) -> Scale:
        node = self.obj(node, path, ("name", "levels"), ("name", "levels", "unknown"))
        levels = []
        for i, item in enumerate(self.items(node, "levels", path)):
            where = f"{_join(path, 'levels')}[{i}]"
            item = self.obj(item, where, ("label", "value"), ("label", "value", "symbol"))
            levels.append(
                self.build(item, where, Level, ("label", "value", "symbol"), {"value": self.number})
            )
        kwargs: dict[str, Any] = {"name": self.string(node["name"], _join(path, "name"))}
        if "unknown" in node:
            where = _join(path, "unknown")
            unknown = self.obj(node["unknown"], where, ("label",), ("label", "symbol"))
            kwargs["unknown"] = self.string(unknown["label"], _join(where, "label"))
            symbol = unknown.get("symbol")
            kwargs["unknown_symbol"] = (
                None if symbol is None else self.string(symbol, _join(where, "symbol"))
            )
        try:
            return Scale(levels=levels, **kwargs)
        except StanceMatrixError as error:
            raise self.fail(str(error), path, node) from error

    def read(self) -> StanceMatrix:
        try:
            root = json.loads(self.text, cls=_Decoder)
        except json.JSONDecodeError as error:
            raise ReadError(
                f"not valid JSON: {error.msg}",
                source=self.name,
                line=locate(self.text, error.pos)[0],
                column=locate(self.text, error.pos)[1],
            ) from error
        except RecursionError as error:
            raise ReadError("JSON is nested too deeply", source=self.name) from error
        except ValueError as error:  # an integer longer than int() converts
            limit = sys.get_int_max_str_digits()
            found = re.search(f"[0-9]{{{limit + 1},}}", self.text)
            offset = found.start() if found else None
            raise ReadError(
                f"a number has more than {limit} digits",
                source=self.name,
                line=None if offset is None else locate(self.text, offset)[0],
                column=None if offset is None else locate(self.text, offset)[1],
            ) from error
        root = self.obj(root, "", ("format_version", "actors", "issues", "sources", "claims"), _TOP)
        version = root["format_version"]
        if type(version) is not int or version != FORMAT_VERSION:
            raise self.fail(
                f"unsupported format_version {version!r}; this version of stancematrix "
                f"reads format_version {FORMAT_VERSION}",
                "format_version",
                root,
                version,
            )
        metadata: dict[str, str] = {}
        if "metadata" in root:
            node = root["metadata"]
            if not isinstance(node, dict):
                raise self.fail(f"expected an object, got {_kind(node)}", "metadata", value=node)
            metadata = {
                self.string(key, "metadata"): self.string(value, _join("metadata", key))
                for key, value in node.items()
            }
        scale = self.scale(root["scale"], "scale") if "scale" in root else None
        parts: dict[str, list[Any]] = {}
        for kind, (make, fields, required, convert) in self.specs.items():
            part = f"{kind}s"
            built = []
            for i, node in enumerate(self.items(root, part, "")):
                where = f"{part}[{i}]"
                node = self.obj(node, where, required, fields)
                built.append(self.build(node, where, make, fields, convert))
            parts[part] = built
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
                path = _join(path, located.field)
            raise self.fail(str(located.error), path, node) from located.error

    @property
    def specs(self) -> dict[str, _Spec]:
        """Per kind of entry: its class, its fields, the required ones, and converters."""
        return {
            "actor": (Actor, _ACTOR, ("key", "name"), {"aliases": self.strings}),
            "issue": (
                Issue,
                _ISSUE,
                ("key", "title", "proposition"),
                {"aliases": self.strings, "tags": self.strings, "date": self.partial_date},
            ),
            "source": (Source, _SOURCE, ("id", "title"), {"published": self.partial_date}),
            "claim": (
                Position,
                _CLAIM,
                ("actor", "issue", "stance", "source"),
                {"date": self.period},
            ),
        }

    def partial_date(self, value: Any, path: str) -> PartialDate:
        try:
            return PartialDate.parse(self.string(value, path))
        except StanceMatrixError as error:
            raise self.fail(str(error), path, value=value) from error

    def period(self, value: Any, path: str) -> Period:
        try:
            return Period.parse(self.string(value, path))
        except StanceMatrixError as error:
            raise self.fail(str(error), path, value=value) from error


def _join(path: str, key: str) -> str:
    if not key.isidentifier():  # e.g. a metadata key: quoted, so no raw control character
        key = json.dumps(key)
        return f"{path}[{key}]" if path else key
    return f"{path}.{key}" if path else key


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
    }.get(type(value), "an object")


def read_json(source: Input) -> StanceMatrix:
    """Read a matrix from a JSON document written by :meth:`StanceMatrix.to_json`.

    Args:
        source: A path, an open file, bytes, or the JSON text itself (a string starting
            with ``{``). Gzip-compressed input is recognised and decompressed.

    Raises:
        ReadError: If the input is not valid UTF-8 or JSON, has the wrong
            ``format_version``, a missing, unknown or repeated key, a value of the wrong
            type, or describes an invalid matrix (an unknown actor, a stance off the scale,
            a duplicate claim …). The error names the file, the line and column of the
            object concerned, and its path (``claims[3].stance``).
    """
    text, name = read_text(source, looks_like_text="{[")
    return _Reader(text, name).read()


# -- JSON ---------------------------------------------------------------------------------

#: The version of the diff document :meth:`MatrixDiff.to_json` writes.
DIFF_FORMAT_VERSION: Final = 1
_DIFF_TOP: Final = (
    "format_version",
    "type",
    "options",
    "scale",
    "metadata",
    "actors",
    "issues",
    "sources",
    "order",
    "claims",
    "unpaired",
    "shifts",
)
_OPTIONS: Final = ("stance_only", "ignore_case", "ignore_whitespace")


def diff_to_json(patch: MatrixDiff, *, indent: int | None = 2) -> str:
    """Write a diff as a versioned JSON document (see :meth:`MatrixDiff.to_json`)."""
    fields = {"actor": _ACTOR, "issue": _ISSUE, "source": _SOURCE}

    def entity(change: EntityChange) -> dict[str, Any]:
        out: dict[str, Any] = {"change": change.change}
        if change.index is not None:
            out["index"] = change.index
        for side in ("old", "new"):
            value = getattr(change, side)
            if value is not None:
                out[side] = _compact(value, fields[change.part])
        return out

    def claim(value: Claim | None) -> dict[str, Any] | None:
        return None if value is None else _compact(to_position(value), _CLAIM)

    document: dict[str, Any] = {
        "format_version": DIFF_FORMAT_VERSION,
        "type": "stancematrix diff",
        "options": patch.options,
    }
    # The scale is written exactly as a matrix document writes it.
    empty = StanceMatrix.from_positions([], actors=[], issues=[], sources=[], scale=patch.scale)
    document["scale"] = _document(empty)["scale"]
    document["metadata"] = [
        {
            "key": m.key,
            **({"old": m.old} if m.old is not None else {}),
            **({"new": m.new} if m.new is not None else {}),
        }
        for m in patch.metadata
    ]
    for name, entities in (
        ("actors", patch.actors),
        ("issues", patch.issues),
        ("sources", patch.sources),
    ):
        document[name] = [entity(e) for e in entities]
    document["order"] = [
        {"part": part, "old": list(old), "new": list(new)} for part, old, new in orders(patch)
    ]
    claims = []
    for change in patch.claims:
        item: dict[str, Any] = {"change": change.change}
        if change.old is not None:
            item["old"] = _compact(change.old, _CLAIM)
        if change.new is not None:
            item["new"] = _compact(change.new, _CLAIM)
        claims.append(item)
    document["claims"] = claims
    document["unpaired"] = [{"actor": a, "issue": i} for a, i in patch.unpaired]
    shifts = []
    for old, new, actor, issue in sorted(changes(patch).shifts, key=lambda s: s[2:]):
        item = {"actor": actor, "issue": issue}
        if old is not None:
            item["old"] = claim(old)
        if new is not None:
            item["new"] = claim(new)
        shifts.append(item)
    document["shifts"] = shifts
    return json.dumps(document, ensure_ascii=False, indent=indent) + "\n"


def read_diff(source: Input) -> MatrixDiff:
    """Read a diff from the JSON document :meth:`MatrixDiff.to_json` wrote.

    Args:
        source: A path, an open file, bytes (gzip is recognised), or the JSON text.

    Raises:
        ReadError: If the input is not valid JSON or not a diff document of a supported
            ``format_version``, has a missing, unknown or repeated key or a value of the
            wrong type, or describes an impossible diff (a stance off the scale, a
            changed claim whose two sides are in different cells …). The error names the
            file, the line and column of the object concerned, and its path
            (``claims[3].new.stance``).
    """
    text, name = read_text(source, looks_like_text="{[")
    return _DiffReader(text, name).read_diff()


class _DiffReader(_Reader):
    """Checks a diff document's shape, reporting errors with path, line and column."""

    def read_diff(self) -> MatrixDiff:
        root = self.parse()
        root = self.obj(root, "", ("format_version", "type", "scale"), _DIFF_TOP)
        version = root["format_version"]
        if type(version) is not int or version != DIFF_FORMAT_VERSION:
            raise self.fail(
                f"unsupported format_version {version!r}; this version of stancematrix "
                f"reads diff format_version {DIFF_FORMAT_VERSION}",
                "format_version",
                root,
                version,
            )
        if root["type"] != "stancematrix diff":
            raise self.fail(
                "not a diff document (type must be 'stancematrix diff')", "type", root, root["type"]
            )
        options: dict[str, bool] = {}
        if "options" in root:
            node = self.obj(root["options"], "options", (), _OPTIONS)
            for key, value in node.items():
                if type(value) is not bool:
                    raise self.fail(
                        f"expected true or false, got {_kind(value)}", f"options.{key}", node, value
                    )
                options[key] = value
        scale = self.scale(root["scale"], "scale")
        metadata = []
        for i, node in enumerate(self.list_of(root, "metadata")):
            where = f"metadata[{i}]"
            node = self.obj(node, where, ("key",), ("key", "old", "new"))
            values = {k: self.string(node[k], f"{where}.{k}") for k in node}
            if values.get("old") == values.get("new"):
                raise self.fail("a metadata change needs differing old and new", where, node)
            metadata.append(MetadataChange(values["key"], values.get("old"), values.get("new")))
        entities: dict[Part, list[EntityChange]] = {}
        named: tuple[tuple[Part, str], ...] = (
            ("actor", "actors"),
            ("issue", "issues"),
            ("source", "sources"),
        )
        for part, name in named:
            entities[part] = [
                self.entity(part, node, f"{name}[{i}]")
                for i, node in enumerate(self.list_of(root, name))
            ]
        orders = []
        for i, node in enumerate(self.list_of(root, "order")):
            where = f"order[{i}]"
            node = self.obj(node, where, ("part", "old", "new"), ("part", "old", "new"))
            part = node["part"]
            if part not in PARTS:
                raise self.fail(
                    f"part must be one of {', '.join(PARTS)}", f"{where}.part", node, part
                )
            old = self.strings(node["old"], f"{where}.old")
            new = self.strings(node["new"], f"{where}.new")
            orders.append((part, old, new))
        changed, removed, added = [], [], []
        for i, node in enumerate(self.list_of(root, "claims")):
            where = f"claims[{i}]"
            node = self.obj(node, where, ("change",), ("change", "old", "new"))
            old_claim = self.claim(node, "old", where, scale)
            new_claim = self.claim(node, "new", where, scale)
            change = "added" if old_claim is None else "removed" if new_claim is None else "changed"
            if old_claim is None and new_claim is None:
                raise self.fail("a claim change needs an old or a new claim", where, node)
            if node["change"] != change:
                raise self.fail(
                    f"change is {change!r} for these sides", f"{where}.change", node, node["change"]
                )
            if old_claim is not None and new_claim is not None:
                if old_claim[:2] != new_claim[:2]:
                    raise self.fail("a changed claim must stay in its cell", where, node)
                changed.append((old_claim, new_claim))
            elif old_claim is not None:
                removed.append(old_claim)
            elif new_claim is not None:
                added.append(new_claim)
        unpaired = []
        for i, node in enumerate(self.list_of(root, "unpaired")):
            where = f"unpaired[{i}]"
            node = self.obj(node, where, ("actor", "issue"), ("actor", "issue"))
            unpaired.append(
                (
                    self.string(node["actor"], f"{where}.actor"),
                    self.string(node["issue"], f"{where}.issue"),
                )
            )
        shifts = []
        for i, node in enumerate(self.list_of(root, "shifts")):
            where = f"shifts[{i}]"
            node = self.obj(node, where, ("actor", "issue"), ("actor", "issue", "old", "new"))
            cell = (
                self.string(node["actor"], f"{where}.actor"),
                self.string(node["issue"], f"{where}.issue"),
            )
            old_claim = self.claim(node, "old", where, scale)
            new_claim = self.claim(node, "new", where, scale)
            for claim in (old_claim, new_claim):
                if claim is not None and claim[:2] != cell:
                    raise self.fail("a shift's claims must be in its cell", where, node)
            kind, _ = shift_kind(
                scale,
                None if old_claim is None else old_claim[3],
                None if new_claim is None else new_claim[3],
            )
            if kind is None:
                raise self.fail("the stance does not move between these claims", where, node)
            shifts.append((old_claim, new_claim, *cell))
        return make_diff(
            scale=scale,
            entities=entities,
            orders=orders,
            metadata=metadata,
            data=ClaimData(
                value=Changes(tuple(changed), tuple(removed), tuple(added), tuple(shifts)),
                empty=not (changed or removed or added),
            ),
            unpaired=unpaired,
            options=options,
        )

    def parse(self) -> Any:
        try:
            return json.loads(self.text, cls=_Decoder)
        except json.JSONDecodeError as error:
            raise ReadError(
                f"not valid JSON: {error.msg}",
                source=self.name,
                line=error.lineno,
                column=error.colno,
            ) from error
        except RecursionError as error:
            raise ReadError("JSON is nested too deeply", source=self.name) from error

    def list_of(self, root: Mapping[str, Any], key: str) -> list[Any]:
        return self.items(root, key, "") if key in root else []

    def entity(self, part: Part, node: Any, where: str) -> EntityChange:
        node = self.obj(node, where, ("change",), ("change", "index", "old", "new"))
        make, fields, required, convert = self.specs[part]
        sides: dict[str, Any] = {}
        for side in ("old", "new"):
            if side in node:
                path = f"{where}.{side}"
                value = self.obj(node[side], path, required, fields)
                sides[side] = self.build(value, path, make, fields, convert)
        index = node.get("index")
        if index is not None and (type(index) is not int or index < 0):
            raise self.fail("expected a non-negative integer", f"{where}.index", node, index)
        old, new = sides.get("old"), sides.get("new")
        if old is None and new is None:
            raise self.fail(f"an {part} change needs an old or a new {part}", where, node)
        if old is not None and new is not None:
            if entity_key(old) != entity_key(new):
                raise self.fail(f"a changed {part} must keep its key", where, node)
            if old == new:
                raise self.fail(f"a changed {part} must change", where, node)
            if index is not None:
                raise self.fail("only an added or removed entry has an index", where, node)
        elif index is None:
            raise self.fail(f"an added or removed {part} needs an index", where, node)
        change = EntityChange(part, old, new, index)
        if node["change"] != change.change:
            raise self.fail(
                f"change is {change.change!r} for these sides",
                f"{where}.change",
                node,
                node["change"],
            )
        return change

    def claim(self, node: Mapping[str, Any], side: str, where: str, scale: Scale) -> Claim | None:
        if side not in node:
            return None
        path = f"{where}.{side}"
        make, fields, required, convert = self.specs["claim"]
        value = self.obj(node[side], path, required, fields)
        position = self.build(value, path, make, fields, convert)
        if position.stance not in scale:
            try:
                scale.code(position.stance)
            except StanceMatrixError as error:
                raise self.fail(str(error), f"{path}.stance", value, position.stance) from error
        return from_position(position)


#: The format's entry points, as the registry expects them.
render = to_json
read = read_json
render_diff = diff_to_json
