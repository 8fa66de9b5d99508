"""Reading JSON documents with positions: the decoder and the checking :class:`Reader`.

:class:`Decoder` makes objects that remember where they start in the text;
:class:`Reader` checks a decoded document's shape and reports each problem with its path,
line and column.

The matrix document (:mod:`stancematrix._io.json`) and the diff document
(:mod:`stancematrix._io.jsondiff`) are both read by subclasses of :class:`Reader`; the
entries they hold are built from the field tables of :mod:`stancematrix._io.schema`.
"""

from __future__ import annotations

import functools
import json
import json.decoder
import json.scanner
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any, Final

from stancematrix._dates import PartialDate, Period
from stancematrix._io.schema import LEVEL, Entry
from stancematrix._io.source import locate
from stancematrix._scale import Scale
from stancematrix.exceptions import ReadError, StanceMatrixError

__all__ = ["Decoder", "Reader", "colons", "join", "kind_of", "loads", "tally"]

_msgspec_json: Any
try:  # the optional `fast` extra: msgspec decodes JSON about twice as fast as json.loads
    import msgspec.json as _msgspec_json
except ImportError:  # pragma: no cover - depends on the environment
    _msgspec_json = None


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


class Decoder(json.JSONDecoder):
    """Decodes objects that know their offset (``.offset``) and refuse a repeated key."""

    def __init__(self) -> None:
        super().__init__(object_pairs_hook=_pairs)
        self.parse_object = _parse_object
        self.scan_once = json.scanner.py_make_scanner(self)  # type: ignore[attr-defined]


class Reader:
    """Checks a decoded document's shape, reporting errors with path, line and column."""

    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name

    def parse(self) -> Any:
        """The decoded text.

        Raises:
            ReadError: If it is not valid JSON (placed with :func:`locate`: CR, LF and
                CRLF all end lines), nests too deeply or holds a number with more digits
                than ``int()`` converts.
        """
        try:
            return json.loads(self.text, cls=Decoder)
        except json.JSONDecodeError as error:
            line, column = locate(self.text, error.pos)
            raise ReadError(
                f"not valid JSON: {error.msg}", source=self.name, line=line, column=column
            ) from error
        except RecursionError as error:
            raise ReadError("JSON is nested too deeply", source=self.name) from error
        except ValueError as error:  # an integer longer than int() converts
            limit = sys.get_int_max_str_digits()
            # Tried only where a run of digits starts, so the search stays linear.
            found = re.search(f"(?<![0-9])[0-9]{{{limit + 1},}}", self.text)
            offset = found.start() if found else None
            raise ReadError(
                f"a number has more than {limit} digits",
                source=self.name,
                line=None if offset is None else locate(self.text, offset)[0],
                column=None if offset is None else locate(self.text, offset)[1],
            ) from error

    def check_version(
        self, root: Mapping[str, Any], supported: int, document: str, oldest: int | None = None
    ) -> int:
        """The ``format_version`` of *root*: *supported*, or one back to *oldest*.

        *document* names the kind of document in the message: ``""`` or ``"diff "``.
        """
        version = root["format_version"]
        oldest = supported if oldest is None else oldest
        if type(version) is not int or not oldest <= version <= supported:
            versions = f"{oldest} to {supported}" if oldest < supported else str(supported)
            raise self.fail(
                f"unsupported format_version {version!r}; this version of stancematrix "
                f"reads {document}format_version {versions}",
                "format_version",
                root,
                version,
            )
        return version

    def fail(self, reason: str, path: str, node: object = None, value: object = None) -> ReadError:
        """A :class:`ReadError` at *path*, placed where *node* starts (if it knows)."""
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
        """*node* as an object with the *required* keys and no key outside *allowed*."""
        if not isinstance(node, dict):
            raise self.fail(f"expected an object, got {kind_of(node)}", path, value=node)
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
        """``node[key]``, which must be a list."""
        value = node[key]
        if not isinstance(value, list):
            raise self.fail(f"expected a list, got {kind_of(value)}", join(path, key), node, value)
        return value

    def entry(self, node: object, path: str, entry: Entry) -> Any:
        """*node* as one *entry* (an actor, issue, source, claim or level)."""
        return self.build(self.obj(node, path, entry.required, entry.fields), path, entry)

    def build(self, node: Mapping[str, Any], path: str, entry: Entry) -> Any:
        """The *entry* an object with the right keys describes, each value checked."""
        kwargs: dict[str, Any] = {}
        kinds = entry.kinds
        for key in entry.fields:
            if key in node:
                value = node[key]
                kind = kinds[key]
                if kind is str and type(value) is str and value.isascii():
                    kwargs[key] = value  # as self.string returns it, without a path made
                    continue
                if kind is tuple and type(value) is list and _ascii_texts(value):
                    kwargs[key] = tuple(value)  # as self.strings returns it
                    continue
                check = self.converter(kind)
                try:
                    kwargs[key] = check(value, join(path, key))
                except ReadError as error:
                    if error.line is not None:
                        raise
                    # A value has no position of its own: name the object's.
                    raise self.fail(error.reason, error.field or path, node, error.value) from None
        try:
            return entry.cls(**kwargs)
        except StanceMatrixError as error:
            field = getattr(error, "field", "")
            attribute = field.rpartition(".")[2] if isinstance(field, str) else ""
            where = join(path, attribute) if attribute in node else path
            raise self.fail(str(error), where, node) from error

    def converter(self, kind: type[Any]) -> Callable[[Any, str], Any]:
        """How a value of a field of *kind* (see :data:`schema.KINDS`) is checked."""
        if kind is tuple:
            return self.strings
        if kind is float:
            return self.number
        if kind is int:
            return self.whole
        if kind is PartialDate or kind is Period:
            return functools.partial(self.date, kind)
        return self.string

    def string(self, value: Any, path: str) -> str:
        """*value*, which must be a string of characters (no lone surrogate)."""
        if not isinstance(value, str):
            raise self.fail(f"expected a string, got {kind_of(value)}", path, value=value)
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
        """*value*, which must be a list of strings, as a tuple."""
        if not isinstance(value, list):
            raise self.fail(f"expected a list of strings, got {kind_of(value)}", path, value=value)
        return tuple(self.string(item, f"{path}[{i}]") for i, item in enumerate(value))

    def number(self, value: Any, path: str) -> float:
        """*value*, which must be a number (not a boolean)."""
        if type(value) not in (int, float):
            raise self.fail(f"expected a number, got {kind_of(value)}", path, value=value)
        return value  # type: ignore[no-any-return]

    def whole(self, value: Any, path: str) -> int:
        """*value*, which must be a whole number (not a boolean)."""
        if type(value) is not int:
            raise self.fail(f"expected a whole number, got {kind_of(value)}", path, value=value)
        return value

    def date(
        self, kind: type[PartialDate] | type[Period], value: Any, path: str
    ) -> PartialDate | Period:
        """*value*, which must be a date's text, parsed as *kind*."""
        try:
            return _parse_date(kind, self.string(value, path))  # type: ignore[arg-type]
        except StanceMatrixError as error:
            raise self.fail(str(error), path, value=value) from error

    def scale(self, node: Any, path: str) -> Scale:
        """*node* as a scale (the shape :func:`schema.scale_data` writes)."""
        node = self.obj(node, path, ("name", "levels"), ("name", "levels", "unknown"))
        levels = [
            self.entry(item, f"{join(path, 'levels')}[{i}]", LEVEL)
            for i, item in enumerate(self.items(node, "levels", path))
        ]
        kwargs: dict[str, Any] = {"name": self.string(node["name"], join(path, "name"))}
        if "unknown" in node:
            where = join(path, "unknown")
            unknown = self.obj(node["unknown"], where, ("label",), ("label", "symbol"))
            kwargs["unknown"] = self.string(unknown["label"], join(where, "label"))
            symbol = unknown.get("symbol")
            kwargs["unknown_symbol"] = (
                None if symbol is None else self.string(symbol, join(where, "symbol"))
            )
        try:
            return Scale(levels=levels, **kwargs)
        except StanceMatrixError as error:
            raise self.fail(str(error), path, node) from error


def _ascii_texts(values: list[Any]) -> bool:
    """Whether *values* are all strings of ASCII characters."""
    try:
        return "".join(values).isascii()
    except TypeError:  # not all strings
        return False


_BOM: Final = "\ufeff".encode()


def loads(data: bytes | str) -> Any:
    """*data* (UTF-8 bytes or text) decoded to plain values, fast and without positions.

    The decoder is msgspec when it is installed (the ``fast`` extra), else the C :func:`json.loads`;
    either way a repeated key keeps its last value (see :func:`tally` for how readers
    notice). A leading byte-order mark is skipped.

    Raises:
        ValueError: If *data* is not UTF-8 or not JSON either decoder reads.
        RecursionError: If it nests too deeply.
    """
    if _msgspec_json is not None:
        try:
            raw = data.encode("utf-8") if isinstance(data, str) else data
            return _msgspec_json.decode(raw[3:] if raw.startswith(_BOM) else raw)
        except (ValueError, UnicodeEncodeError):  # msgspec.DecodeError is a ValueError
            pass  # NaN, 1e400 …: json.loads may still read it
    text = data if isinstance(data, str) else data.decode("utf-8")
    return json.loads(text[1:] if text.startswith("\ufeff") else text)


_ESCAPED_COLON = re.compile(rb"\\u003[aA]")


def colons(data: bytes | str) -> int | None:
    r"""The colons in JSON *data*, or None if a string may hold one escaped (``\u003a``).

    In valid JSON every colon outside a string ends a key; so, with no colon escaped,
    ``colons(data) == tally(loads(data))`` exactly when no object repeats a key (a
    repeated key's pair is dropped by the decoder, and its colons with it).
    """
    # A single backslash is looked for at memchr's pace first: most text has none.
    if isinstance(data, str):
        if (
            "\\" in data
            and "\\u003" in data
            and _ESCAPED_COLON.search(data.encode("utf-8", "replace"))
        ):
            return None
        return data.count(":")
    if b"\\" in data and b"\\u003" in data and _ESCAPED_COLON.search(data):
        return None
    return data.count(b":")


def tally(node: Any) -> int:
    """The keys of *node*'s objects plus the colons in its strings (keys and values).

    Raises:
        RecursionError: If *node* nests too deeply.
    """
    if _msgspec_json is not None:
        try:  # in JSON as msgspec writes it, a colon is a key's or one in a string
            return _msgspec_json.encode(node).count(b":")  # type: ignore[no-any-return]
        except (ValueError, TypeError, OverflowError, RecursionError):
            pass  # a lone surrogate, an int past 64 bits …: counted below
    return _tally(node)


def _tally(node: Any) -> int:
    kind = type(node)
    if kind is str:
        return node.count(":")  # type: ignore[no-any-return]
    if kind is dict:
        return sum(1 + key.count(":") + _tally(value) for key, value in node.items())
    if kind is list:
        return sum(map(_tally, node))
    return 0


@functools.lru_cache(maxsize=65536)
def _parse_date(kind: Any, text: str) -> PartialDate | Period:
    """*text* parsed as *kind*, once per distinct text (dates repeat: votes of one day)."""
    return kind.parse(text)  # type: ignore[no-any-return]


def join(path: str, key: str) -> str:
    """The path of *key* inside the object at *path* (``claims[3].stance``)."""
    if not key.isidentifier():  # e.g. a metadata key: quoted, so no raw control character
        key = json.dumps(key)
        return f"{path}[{key}]" if path else key
    return f"{path}.{key}" if path else key


def kind_of(value: object) -> str:
    """What *value* is, for a message (``"a string"``, ``"null"``)."""
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
    }.get(type(value), "an object")
