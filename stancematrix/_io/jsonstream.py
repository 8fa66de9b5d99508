"""Reading a matrix document a batch of claims at a time, as :meth:`to_json` lays it out.

A raw line break never occurs inside a JSON string, so in the text ``to_json`` writes
(``indent=2``) the line ``  "claims": [`` opens the claims list, and a ``},`` that ends a
line ends a claim (claims are flat objects). :func:`read` decodes the declarations
before the claims at once, then the claims in batches of about :data:`BATCH` bytes, each
with ``json.loads("[" + batch + "]")`` (with msgspec installed, into typed records whose
keys, labels and learnt dates are the declared objects: :class:`ClaimDecoder`), and
codes each batch into columns (:class:`~stancematrix._io.claimcols.ClaimCoder`) before
it reads the next; so it holds the coded columns and one batch, never the whole text
and its objects.

A batch that does not code is checked with positions (the located reader on that
batch's text, its lines and columns counted from where the batch starts), and its first
problem is raised there and then. Whatever this path cannot vouch for (a document laid
out otherwise, a problem only the whole document shows, such as a claim given twice in
two batches) makes :func:`read` return None, and the caller reads the whole document
the located way, as it always has.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from itertools import repeat
from operator import attrgetter
from typing import Any, Final, Literal

from stancematrix._io.claimcols import FIELDS, REQUIRED, ClaimCoder
from stancematrix._io.jsonreader import Decoder, Reader, colons, join, loads, tally
from stancematrix._io.schema import CLAIM
from stancematrix._io.source import Stream, decode_piece, line_ends, locate
from stancematrix._store import Declarations, Problem, Store, build
from stancematrix.exceptions import ReadError

__all__ = ["BATCH", "ClaimDecoder", "claim_columns", "claim_decoder", "read", "text_colons"]

#: The bytes of claims decoded at a time (the first batches fewer).
BATCH: Final = 1 << 20
_SMALL: Final = 1 << 16  # the first batch; a failing batch is narrowed down to this
_MARK: Final = '\n  "claims": ['
_MARK_COLUMN: Final = len(_MARK)  # the column just after the list's "[" (1-based)


def claim_columns(claims: list[Any]) -> dict[str, list[Any]] | None:
    """The claims as columns (field → values, None where left out), or None.

    None unless the claims are objects with the required keys and known keys only, none
    of them null.
    """
    if any(kind is not dict for kind in set(map(type, claims))):
        return None
    n = len(claims)
    columns: dict[str, list[Any]] = {}
    given, total = 0, sum(map(len, claims))
    for field in FIELDS:
        if given == total and field not in REQUIRED:  # (and n > 0, as REQUIRED come first)
            break  # every key is accounted for: the other fields are left out everywhere
        values = list(map(dict.get, claims, repeat(field)))
        count = n - values.count(None)
        if field in REQUIRED and count != n:
            return None
        if count:
            columns[field] = values
        given += count
    # Every key a claim holds is a known field with a value that is not null.
    return columns if given == total else None


def _typed_decoder() -> Any:
    """A msgspec decoder of a list of claims into records, or None without msgspec.

    Each field is typed as the claim format has it (text; ``order`` a whole number), a
    field left out is None, and a null, a value of another type or a key that is not a
    field fails the decode (the caller then takes the path that says where).
    """
    try:  # the fast extra: claims decoded straight into typed records, not dicts
        import msgspec
    except ImportError:  # pragma: no cover - msgspec is in the test extra
        return None
    return msgspec.json.Decoder(list[_record({})])  # type: ignore[misc]


def _literal(values: tuple[str, ...]) -> Any:
    """``Literal[values]``, not kept in typing's cache (which would keep the values)."""
    make = getattr(getattr(Literal, "_getitem", None), "__wrapped__", None)
    return Literal[values] if make is None else make(Literal, *values)


def _record(declared: Mapping[str, tuple[str, ...]]) -> Any:
    """The msgspec record of a claim, its *declared* fields typed as one of their values."""
    import msgspec

    fields: list[tuple[Any, ...]] = []
    for f in FIELDS:
        kind: Any = _literal(declared[f]) if f in declared else int if f == "order" else str
        fields.append((f, kind) if f in REQUIRED else (f, kind, None))  # (null: refused)
    return msgspec.defstruct("Claim", fields, forbid_unknown_fields=True, gc=False)


_TYPED: Final = _typed_decoder()
#: A required field with at most this many declared values is decoded as one of them.
_LITERAL_MOST: Final = 1 << 15
#: The most dates a document's batches are decoded as one of, and how many times the
#: decoder that does it is made (again after a batch with a new date).
_DATES_MOST: Final = 1 << 12
_DATED_BUILDS: Final = 4


class ClaimDecoder:
    """Decodes a document's batches of claims into typed records (msgspec's).

    Where a required field has few enough declared values (keys, ids, the scale's
    labels), it is decoded as one of them: msgspec refuses any other value, and each
    value decoded is the declared text itself, not a copy, so coding it is a look-up
    that compares no characters.

    Dates are learnt: once a batch brings no date the batches before it did not, the
    next are decoded with the dates seen as the only ones (each the same object again),
    and a batch with a new date is decoded again with dates as any text. A decoded
    batch is the same either way.
    """

    def __init__(self, decl: Declarations) -> None:
        import msgspec

        values = {
            "actor": tuple(decl.actor_keys),
            "issue": tuple(decl.issue_keys),
            "stance": decl.labels,
            "source": tuple(decl.source_keys),
        }
        self._declared = {f: v for f, v in values.items() if 0 < len(v) <= _LITERAL_MOST}
        #: The required fields with one declared value (which each claim decoded has).
        self.only = {f: v[0] for f, v in self._declared.items() if len(v) == 1}
        self._plain = msgspec.json.Decoder(list[_record(self._declared)])  # type: ignore[misc]
        self._dated: Any = None
        self._dates: set[str] | None = set()  # None: too many to learn
        self._builds = 0

    def decode(self, data: bytes | str) -> list[Any]:
        """The claims of the JSON list *data*, as records.

        Raises:
            ValueError: If *data* is not a list of claims as the format has them, with
                the declared keys, ids and labels.
        """
        if self._dated is not None:
            try:
                return self._dated.decode(data)  # type: ignore[no-any-return]
            except ValueError:  # a date not seen before (or a problem the next decode has)
                self._dated = None
        claims: list[Any] = self._plain.decode(data)
        self._learn(claims)
        return claims

    def _learn(self, claims: list[Any]) -> None:
        """Note the dates of *claims*; decode with the dates seen once none is new."""
        if self._dates is None:
            return
        dates = set(map(attrgetter("date"), claims))
        dates.discard(None)
        if dates <= self._dates:
            if self._dates and self._builds < _DATED_BUILDS:
                import msgspec

                record = _record({**self._declared, "date": tuple(self._dates)})
                self._dated = msgspec.json.Decoder(list[record])  # type: ignore[valid-type]
                self._builds += 1
            return
        self._dates |= dates
        if len(self._dates) > _DATES_MOST:
            self._dates = None


def claim_decoder(decl: Declarations) -> ClaimDecoder | None:
    """The decoder of the batches of claims under *decl*, or None without msgspec."""
    return None if _TYPED is None else ClaimDecoder(decl)


def _typed_columns(
    batch: bytes | str, decoder: ClaimDecoder | None, expected: int
) -> tuple[dict[str, list[Any]], int] | None:
    """The claims of *batch* as columns and their number of keys, decoded as typed records.

    *expected* is the colons in *batch*, at least one per key: once the fields looked at
    account for all of them, no claim has any of the others. None when there is no
    *decoder* (msgspec is not installed), or the batch is not a list of claims as the
    format has them (and, with declared values, as *decoder* knows them).
    """
    if decoder is None:
        return None
    try:  # msgspec's ValidationError and DecodeError are ValueErrors
        data = b"".join((b"[", batch, b"]")) if isinstance(batch, bytes) else f"[{batch}]"
        claims = decoder.decode(data)
    except ValueError:
        return None
    n = len(claims)
    columns: dict[str, list[Any]] = {}
    keys = 0
    for field in FIELDS:
        if keys >= expected and field not in REQUIRED:
            break  # every colon is a key counted: the other fields are left out everywhere
        only = decoder.only.get(field)  # one declared value: every claim has it, as decoded
        values = [only] * n if only is not None else list(map(attrgetter(field), claims))
        count = n if field in REQUIRED else n - values.count(None)
        if count:
            columns[field] = values
            keys += count
    return columns, keys


def text_colons(values: list[Any]) -> int:
    """The colons in *values* (strings, or None where a field is left out).

    Raises:
        TypeError: If a value is neither.
    """
    return "".join(filter(None, values)).count(":")


class _Fallback(Exception):
    """This path cannot vouch for the document: read it whole."""


def _ends(data: bytes | str) -> int:
    """The line ends in *data* (LF, CRLF and lone CR each once)."""
    if isinstance(data, str):
        return line_ends(data)
    if b"\r" not in data:
        return data.count(b"\n")
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


_MARKS: Final = b":\n\r\\"
_NOT_MARKS: Final = bytes(sorted(set(range(256)).difference(_MARKS)))


def _counts(data: bytes | str) -> tuple[int | None, int]:
    """``colons(data)`` and ``_ends(data)``, bytes read once for both.

    (The colons, line ends and backslashes are picked out in one pass, and counted in
    what is left: about a twentieth of a document's claims.)
    """
    if isinstance(data, str):
        return colons(data), _ends(data)
    marks = data.translate(None, _NOT_MARKS)
    ends = marks.count(b"\n")
    if b"\r" in marks:  # (a CRLF is looked for in the data: marks make CR, LF neighbours)
        ends += marks.count(b"\r") - data.count(b"\r\n")
    return (colons(data) if b"\\" in marks else marks.count(b":")), ends


def _join(parts: list[bytes | str]) -> bytes | str:
    if parts and isinstance(parts[0], str):
        return "".join(parts)  # type: ignore[arg-type]
    return b"".join(parts)  # type: ignore[arg-type]


class _Batches:
    """The claims' text in batches cut after a claim, with where each batch starts."""

    def __init__(self, pieces: Iterator[bytes | str], rest: bytes | str, line: int) -> None:
        self.pieces = pieces
        self.held: list[bytes | str] = [rest] if rest else []
        self.size = len(rest)
        self.line = line  # where the next batch starts: line, and column (1-based)
        self.column = _MARK_COLUMN
        self.limit = _SMALL  # the first batches are small (an early problem is met early)

    def __iter__(self) -> Iterator[tuple[bytes | str, int, int, bool, int | None]]:
        """Each batch's text, first line and column, whether it is the last, and colons.

        (The colons as :func:`~stancematrix._io.jsonreader.colons` counts them.)
        """
        for piece in self.pieces:
            self.held.append(piece)
            self.size += len(piece)
            if self.size < self.limit:
                continue
            text = _join(self.held)
            start = 0
            while len(text) - start >= self.limit:
                cut = self._cut(text, start, start + self.limit)
                if cut < 0:
                    cut = self._cut(text, start, len(text))
                if cut < 0:
                    break  # no claim ends here: read on
                batch = text[start:cut]  # the comma after it is neither's
                start = cut + 1
                line, column = self.line, self.column
                found, ends = _counts(batch)
                self.line += ends
                self.column = _column_after(batch, column)
                self.limit = min(2 * self.limit, BATCH)
                yield batch, line, column, False, found
            rest = text[start:]
            self.held, self.size = [rest], len(rest)
        text = _join(self.held) if self.held else ""
        end = _list_end(text)
        if end < 0:
            raise _Fallback
        yield text[:end], self.line, self.column, True, colons(text[:end])

    @staticmethod
    def _cut(text: bytes | str, start: int, end: int) -> int:
        """The last claim-ending comma (``},`` ending a line) in ``text[start:end]``, or -1."""
        if isinstance(text, str):
            found = max(text.rfind("},\n", start, end), text.rfind("},\r", start, end))
        else:
            found = max(text.rfind(b"},\n", start, end), text.rfind(b"},\r", start, end))
        return found + 1 if found >= 0 else -1


def _column_after(batch: bytes | str, column: int) -> int:
    """The column just after the comma that follows *batch*, which starts at *column*."""
    breaks = "\n\r" if isinstance(batch, str) else b"\n\r"
    start = max(batch.rfind(breaks[0:1]), batch.rfind(breaks[1:2])) + 1  # type: ignore[arg-type]
    line = batch[start:]
    width = len(line.decode("utf-8", "replace")) if isinstance(line, bytes) else len(line)
    return (width if start else column - 1 + width) + 2


def _list_end(text: bytes | str) -> int:
    """Where the claims list's closing bracket is, if only ``}`` and space follow it; or -1."""
    if isinstance(text, str):
        stripped = text.rstrip()
        if not stripped.endswith("}"):
            return -1
        inner = stripped[:-1].rstrip()
        return len(inner) - 1 if inner.endswith("]") else -1
    raw = text.rstrip()
    if not raw.endswith(b"}"):
        return -1
    inner_bytes = raw[:-1].rstrip()
    return len(inner_bytes) - 1 if inner_bytes.endswith(b"]") else -1


class _BatchReader(Reader):
    """The located reader over one batch's text, placing problems in the whole document."""

    def __init__(self, text: str, name: str, line: int, column: int) -> None:
        super().__init__("[" + text + "]", name)
        self.line, self.column = line, column

    def fail(self, reason: str, path: str, node: object = None, value: object = None) -> ReadError:
        """As :meth:`Reader.fail`, placed in the whole document."""
        error = super().fail(reason, path, node, value)
        if error.line is None or error.column is None:
            return error
        return self.moved(error, error.line, error.column)

    def moved(self, error: ReadError, line: int, column: int) -> ReadError:
        """*error*, at *line* and *column* of this text placed in the whole document."""
        if line == 1:
            line, column = self.line, column + self.column - 2  # after the "[" put first
        else:
            line += self.line - 1
        return ReadError(
            error.reason,
            source=error.source,
            line=line,
            column=column,
            field=error.field,
            value=error.value,
        )

    def check(self, decl: Declarations, first: int, last: bool) -> None:
        """Raise the first problem of the batch's claims (numbered from *first*), if any.

        A syntax error is raised only where it must be the document's own: before the
        "]" put after the batch (the batch may have been cut inside a claim), or
        anywhere in the *last* batch; and never "extra data" (a batch past the list).

        Raises:
            _Fallback: If the batch shows no problem of its own, or it cannot tell.
        """
        try:
            nodes = json.loads(self.text, cls=Decoder)
        except json.JSONDecodeError as error:
            if error.msg == "Extra data" or (error.pos >= len(self.text) - 1 and not last):
                raise _Fallback from error
            line, column = locate(self.text, error.pos)
            placed = ReadError(f"not valid JSON: {error.msg}", source=self.name)
            raise self.moved(placed, line, column) from error
        except (RecursionError, ValueError) as error:
            raise _Fallback from error
        claims = [self.entry(node, f"claims[{first + i}]", CLAIM) for i, node in enumerate(nodes)]
        try:
            build(decl, claims)
        except Problem as located:
            path = f"{CLAIM.part}[{first + located.index}]"
            if located.field is not None:
                path = join(path, located.field)
            raise self.fail(str(located.error), path, nodes[located.index]) from located.error
        raise _Fallback


def _head(pieces: Iterator[bytes | str]) -> tuple[bytes | str, bytes | str] | None:
    """The text up to the claims list's "[" and the rest of the piece it is in, or None."""
    held: list[bytes | str] = []
    for piece in pieces:
        mark: bytes | str = _MARK if isinstance(piece, str) else _MARK.encode()
        held.append(piece)
        text = _join(held[-2:])  # the mark may straddle two pieces
        at = text.find(mark)  # type: ignore[arg-type]
        if at < 0:
            continue
        whole = _join(held)
        at += len(whole) - len(text)
        end = at + len(mark)
        return whole[:end], whole[end:]
    return None


def read(stream: Stream, declarations: Callable[[Mapping[str, Any]], Declarations]) -> Store | None:
    """The store of the document *stream* holds, read a batch of claims at a time.

    *declarations* checks the decoded document (its claims list empty) and makes its
    declarations, raising :class:`ReadError` at a problem.

    Returns:
        The store, or None if this path cannot vouch for the document (the caller then
        reads it whole).

    Raises:
        ReadError: For the first problem in a batch of claims (placed in the document),
            or of the input itself (gzip limits, invalid UTF-8, a lone surrogate).
    """
    name = stream.name
    pieces = stream.checked()
    found = _head(pieces)
    if found is None:
        return None
    head, rest = found
    try:
        close: bytes | str = "]}" if isinstance(head, str) else b"]}"
        root = loads(head + close)  # type: ignore[operator]
        expected = colons(head)
        if type(root) is not dict or root.get(CLAIM.part) != [] or expected != tally(root):
            return None
        decl = declarations(root)
    except (ValueError, RecursionError):  # ReadError is a ValueError
        return None
    coder = ClaimCoder(decl)
    decoder = claim_decoder(decl)
    batches = _Batches(pieces, rest, _ends(head) + 1)
    first = 0
    try:
        for batch, line, column, last, marks in batches:
            claims = _claims(batch, coder, decoder, marks)
            if claims is None:
                batch, line, column, skipped = _narrowed(batch, line, column, decl, decoder)
                text = batch if isinstance(batch, str) else decode_piece(batch, name, line - 1)
                _BatchReader(text, name, line, column).check(decl, first + skipped, last)
            first += claims or 0
    except _Fallback:
        return None
    return coder.store()


def _narrowed(
    batch: bytes | str, line: int, column: int, decl: Declarations, decoder: ClaimDecoder | None
) -> tuple[bytes | str, int, int, int]:
    """The part of a failing *batch* that fails, found by halving it with the fast decoder.

    The located reader decodes in Python, so it is given only the first small part that
    fails to code on its own (and the claims, lines and column before it); if no half
    fails on its own, the whole batch.

    Returns:
        The part, its first line and column, and the claims of *batch* before it.
    """
    skipped = 0
    while len(batch) > _SMALL:
        middle = len(batch) // 2
        cut = (
            max(batch.rfind("},\n", 0, middle), batch.rfind("},\r", 0, middle))
            if isinstance(batch, str)
            else max(batch.rfind(b"},\n", 0, middle), batch.rfind(b"},\r", 0, middle))
        ) + 1
        if cut <= 0:
            break
        left, right = batch[:cut], batch[cut + 1 :]
        counted = _claims(left, ClaimCoder(decl), decoder, colons(left))
        if counted is None:
            batch = left
            continue
        if _claims(right, ClaimCoder(decl), decoder, colons(right)) is None:
            skipped += counted
            line, column = line + _ends(left), _column_after(left, column)
            batch = right
            continue
        break
    return batch, line, column, skipped


def _claims(
    batch: bytes | str, coder: ClaimCoder, decoder: ClaimDecoder | None, expected: int | None
) -> int | None:
    """Code the claims of *batch*; their number, or None if it does not code.

    *decoder* is :func:`claim_decoder`'s (None: decode to dicts); *expected* is
    ``colons(batch)``.
    """
    if expected is None:
        return None
    typed = _typed_columns(batch, decoder, expected)
    if typed is not None:
        columns, counted = typed
        n = len(columns[REQUIRED[0]]) if columns else 0
    else:
        try:
            claims = loads(b"[" + batch + b"]" if isinstance(batch, bytes) else f"[{batch}]")
        except (ValueError, RecursionError):
            return None
        if type(claims) is not list:
            return None
        found = claim_columns(claims)
        if found is None:
            return None
        columns, n = found, len(claims)
        counted = sum(map(len, claims))  # a colon per key; the text holds at least as many
    if counted != expected:  # colons in the claims' text, or a key given twice
        try:  # (the coder refuses a value of the wrong type)
            counted += sum(text_colons(v) for f, v in columns.items() if f != "order")
        except TypeError:  # a list, object or number where text belongs
            return None
    if counted != expected or not coder.add(columns):
        return None
    return n
