"""Turning what a reader is given (a path, a file object, bytes or text) into text.

Gzip input is decompressed incrementally and bounded (see :data:`MAX_RATIO` and
:data:`MAX_SIZE`), so a small file that expands to gigabytes (a "gzip bomb") is refused
with a :class:`ReadError` before the memory is spent.
"""

from __future__ import annotations

import io
import os
import pathlib
import zlib
from collections.abc import Iterable, Iterator
from itertools import chain, repeat
from typing import IO, Any, Final, TypeAlias

from stancematrix._scale import lone_surrogate
from stancematrix.exceptions import ReadError

__all__ = [
    "MAX_RATIO",
    "MAX_SIZE",
    "Input",
    "Stream",
    "decode",
    "decode_piece",
    "line_ends",
    "lines",
    "locate",
    "open_stream",
    "read_data",
    "read_text",
]

Input: TypeAlias = "str | os.PathLike[str] | bytes | IO[str] | IO[bytes]"
"""What readers accept: a path, text or bytes holding the data, or an open file."""

_GZIP_MAGIC = b"\x1f\x8b"
_BOM: Final = "\ufeff".encode()

MAX_RATIO: Final = 100
"""The default limit on how many times its own size gzip input may expand to.

The ratio is that of the output so far to the compressed bytes read so far, checked once
the output passes :data:`_RATIO_FLOOR` (1 MiB), so a small file that compresses very well
is never refused, and a bomb is refused within its first MiB or so, before a streaming
reader has parsed much of it. Text rarely compresses more than 20×; a gzip bomb
compresses about 1000×."""
MAX_SIZE: Final = 2_000_000_000
"""The default limit on the bytes gzip input may expand to (2 GB), whatever its ratio."""
_RATIO_FLOOR: Final = 1 << 20
_GIVEN: Final = (str, bytes, bytearray, memoryview, os.PathLike)  # read again by reopening
_CHUNK: Final = 1 << 20  # bytes decompressed per step


class Stream:
    """What a reader is given, opened to be read piece by piece (see :func:`open_stream`).

    :meth:`pieces` gives the input as it comes (decompressed bytes, or text when text was
    given) and :meth:`texts` the same pieces decoded; every piece but the last ends at a
    line end (LF, CRLF or a lone CR, never between the CR and LF of a CRLF), so no line
    and no UTF-8 character is split between pieces. Either may be called again to read
    the input from its start: a path or bytes are read again, a seekable file is
    rewound, and an unseekable file (a pipe) is kept as read the first time, so only
    then is the whole input held.
    """

    def __init__(
        self, source: Input, name: str, max_ratio: float, max_size: int, size: int | None = None
    ) -> None:
        self.source = source
        self.name = name
        self.max_ratio = max_ratio
        self.max_size = max_size
        self.size = size  # the size of the input as given, where known
        self._start: int | None = None
        self._replay: list[bytes | str] | None = None  # an unseekable file's pieces so far
        self._live: Iterator[bytes | str] | None = None
        self._failed: ReadError | None = None  # why an unseekable file's reading stopped
        self._read = False
        if not isinstance(source, _GIVEN):
            try:
                self._start = source.tell() if source.seekable() else None
            except (OSError, ValueError, AttributeError):
                self._start = None
            if self._start is None:
                self._replay = []

    def bound(self) -> int:
        """An upper bound on the length of the input's text (for the csv field limit)."""
        source = self.source
        if isinstance(source, str):
            return len(source)
        if isinstance(source, bytes | bytearray | memoryview) and source[:2] != _GZIP_MAGIC:
            return len(source)
        return max(self.max_size, self.size or 0, _file_size(source))

    def pieces(self) -> Iterator[bytes | str]:
        """The input in pieces cut at line ends, from its start.

        Bytes (decompressed, a leading UTF-8 BOM dropped) or, for text given as such,
        ``str`` (a leading BOM dropped, not yet checked).

        Raises:
            ReadError: If the file cannot be opened or read, or its gzip stream is
                corrupt, truncated or expands beyond the limits.
        """
        if self._replay is None:
            if self._read and self._start is not None:
                try:
                    self.source.seek(self._start)  # type: ignore[union-attr]
                except (OSError, ValueError) as error:
                    raise ReadError(f"cannot read: {error}", source=self.name) from error
            self._read = True
            yield from self._fresh()
            return
        replay = self._replay
        if self._live is None:
            self._live = self._fresh()
        k = 0
        while True:
            if k < len(replay):
                yield replay[k]
                k += 1
                continue
            if self._failed is not None:
                raise self._failed
            try:
                piece = next(self._live, None)
            except ReadError as error:  # kept: a later reading must not end here quietly
                self._failed = error
                raise
            if piece is None:
                return
            replay.append(piece)

    def _fresh(self) -> Iterator[bytes | str]:
        first = True
        for piece in _lines(self._blocks()):
            if first:
                first = False
                if piece[:1] == "\ufeff":
                    piece = piece[1:]
                elif piece[:3] == _BOM:
                    piece = piece[3:]
            yield piece

    def texts(self) -> Iterator[str]:
        """The input in pieces of text cut at line ends (see :meth:`pieces`).

        Raises:
            ReadError: As :meth:`pieces` does, and if bytes are not valid UTF-8 (naming
                the line and column of the first bad byte) or text given as such holds
                a lone surrogate.
        """
        return self._checked(decode=True)  # type: ignore[return-value]

    def checked(self) -> Iterator[bytes | str]:
        """As :meth:`pieces`, text given as such checked as :meth:`texts` checks it.

        Bytes are left to be decoded (:func:`decode_piece`).
        """
        return self._checked(decode=False)

    def whole(self) -> bytes | str:
        """The whole input at once: its bytes (decompressed), or the text given."""
        pieces = list(self.pieces())
        if pieces:
            return _join(pieces)
        return "" if isinstance(self.source, str | io.TextIOBase) else b""

    def _checked(self, *, decode: bool) -> Iterator[bytes | str]:
        lines = 0  # line ends before the piece
        for piece in self.pieces():
            if isinstance(piece, str):
                at = lone_surrogate(piece)
                if at is not None:
                    line, column = locate(piece, at)
                    raise ReadError(
                        f"\\u{ord(piece[at]):04x} is a lone surrogate, not a character",
                        source=self.name,
                        line=lines + line,
                        column=column,
                    )
                yield piece
                lines += line_ends(piece)
            elif decode:
                text = decode_piece(piece, self.name, lines)
                yield text
                lines += line_ends(text)
            else:
                yield piece  # (lines are counted only to place an error in text)

    def _blocks(self) -> Iterator[bytes | str]:
        """The input's blocks as read, decompressed if they are gzip."""
        source = self.source
        if isinstance(source, str):
            yield from _slices(source)
            return
        if isinstance(source, bytes | bytearray | memoryview):
            data = bytes(source)
            if data[:2] == _GZIP_MAGIC:
                if self._may_pass_max_size(len(data)):
                    _exhaust(_inflate(_slices(data), self.name, len(data), self))
                yield from _inflate(_slices(data), self.name, len(data), self)
            else:
                yield from _slices(data)
            return
        if isinstance(source, os.PathLike):
            try:
                file = open(os.fspath(source), "rb")  # noqa: SIM115 - closed below
            except OSError as error:
                raise ReadError(
                    f"cannot open: {error.strerror or error}", source=self.name
                ) from error
            with file:
                yield from self._file_blocks(file)
            return
        yield from self._file_blocks(source)

    def _may_pass_max_size(self, size: int) -> bool:
        """Whether *size* bytes of gzip may expand past ``max_size`` within the ratio.

        If so, the input is first decompressed once without keeping anything, so that
        the size limit refuses it before a reader has parsed any of it; otherwise the
        ratio limit, checked as the output grows, refuses it first.
        """
        return max(self.max_ratio * size, _RATIO_FLOOR) > self.max_size

    def _file_blocks(self, file: IO[Any]) -> Iterator[bytes | str]:
        first = _read_block(file, self.name)
        if isinstance(first, str):
            yield first
            while block := _read_block(file, self.name):
                yield block
            return
        head: bytes | str = first
        while len(head) < 2 and (more := _read_block(file, self.name)):
            head = _join([head, more])
        if head[:2] != _GZIP_MAGIC:
            yield head
            while block := _read_block(file, self.name):
                yield block
            return
        left = _remaining(file)
        if left is None:  # an unseekable stream: its compressed size is known once read
            rest: list[bytes | str] = [head]
            while block := _read_block(file, self.name):
                rest.append(block)
            data = _join(rest)
            if self._may_pass_max_size(len(data)):
                _exhaust(_inflate(_slices(data), self.name, len(data), self))
            yield from _inflate(_slices(data), self.name, len(data), self)
            return
        size = left + len(head)

        def blocks() -> Iterator[bytes | str]:
            yield head
            while block := _read_block(file, self.name):
                yield block

        if self._may_pass_max_size(size):
            try:
                start = file.tell() - len(head)
            except (OSError, ValueError) as error:
                raise ReadError(f"cannot read: {error}", source=self.name) from error
            _exhaust(_inflate(blocks(), self.name, size, self))
            file.seek(start)
            head = _read_block(file, self.name)
        yield from _inflate(blocks(), self.name, size, self)


def _exhaust(pieces: Iterator[bytes]) -> None:
    for _ in pieces:
        pass


def open_stream(
    source: Input,
    *,
    looks_like_text: str,
    max_ratio: float = MAX_RATIO,
    max_size: int = MAX_SIZE,
) -> Stream:
    """*source* opened to be read piece by piece (see :class:`Stream`).

    A ``str`` is told apart from a path as :func:`read_text` says; nothing is read yet
    (so a missing file is reported when its pieces are first asked for).
    """
    if isinstance(source, str):
        stripped = source.lstrip()
        if "\n" in source or "\r" in source or (stripped[:1] and stripped[0] in looks_like_text):
            return Stream(source, "<string>", max_ratio, max_size, len(source))
        return Stream(pathlib.Path(source), source, max_ratio, max_size)
    if isinstance(source, os.PathLike):
        return Stream(source, os.fspath(source), max_ratio, max_size)
    if isinstance(source, bytes | bytearray | memoryview):
        return Stream(source, "<bytes>", max_ratio, max_size, len(source))
    return Stream(source, str(getattr(source, "name", "<stream>")), max_ratio, max_size)


def read_data(
    source: Input,
    *,
    looks_like_text: str,
    max_ratio: float = MAX_RATIO,
    max_size: int = MAX_SIZE,
) -> tuple[bytes | str, str]:
    """Return ``(data, name)`` for *source*: its bytes, decompressed, or the text given.

    *data* is a ``str`` when the source was text (a ``str`` holding the data, or a text
    file), else bytes not yet decoded (see :func:`decode`). See :func:`read_text` for
    how a ``str`` is told apart from a path, and for the limits.

    Raises:
        ReadError: If the file cannot be opened or read, or its gzip stream is corrupt,
            truncated or expands beyond the limits.
    """
    if isinstance(source, str):
        stripped = source.lstrip()
        if "\n" in source or "\r" in source or (stripped[:1] and stripped[0] in looks_like_text):
            return source, "<string>"
    stream = open_stream(
        source, looks_like_text=looks_like_text, max_ratio=max_ratio, max_size=max_size
    )
    return stream.whole(), stream.name


def read_text(
    source: Input,
    *,
    looks_like_text: str,
    max_ratio: float = MAX_RATIO,
    max_size: int = MAX_SIZE,
) -> tuple[str, str]:
    """Return ``(text, name)`` for *source*.

    A ``str`` is taken as the data itself when it contains a line break (LF or CR) or
    starts (after whitespace) with one of the characters in *looks_like_text*; otherwise
    as a path, as it always has been. So text that may be one line (untrusted input,
    say) should be passed as bytes or :class:`io.StringIO`, and a file as a
    :class:`pathlib.Path`; either way, error messages show at most a short prefix of any
    value (:func:`stancematrix.exceptions.shown`), so a file opened by mistake does not
    have its content echoed whole.
    Bytes and files may be gzip-compressed; text is decoded as UTF-8, and a leading
    byte-order mark is dropped. Gzip input is decompressed step by step and refused as
    soon as its output passes *max_size* bytes, or (past 1 MiB) *max_ratio* times the
    compressed bytes read so far. Readers that stream use :func:`open_stream` instead.

    Raises:
        ReadError: If the file cannot be opened, is a truncated or corrupt gzip stream,
            expands beyond the limits (naming the limit), or is not valid UTF-8 (naming
            the line and column of the first bad byte), or text given as a ``str`` or
            text file holds a lone surrogate (such as U+D800, half a UTF-16 pair that no
            UTF-8 document can hold).
    """
    data, name = read_data(
        source, looks_like_text=looks_like_text, max_ratio=max_ratio, max_size=max_size
    )
    return decode(data, name), name


def _file_size(source: object) -> int:
    if isinstance(source, os.PathLike):
        try:
            return os.path.getsize(source)
        except OSError:
            return 0
    return 0


def _read_block(file: IO[Any], name: str) -> bytes | str:
    try:
        block: bytes | str = file.read(_CHUNK)
    except OSError as error:
        raise ReadError(f"cannot read: {error}", source=name) from error
    return block if isinstance(block, bytes | str) else bytes(block)


def _remaining(file: IO[Any]) -> int | None:
    """The bytes left in *file* after where it stands, if it can tell."""
    try:
        return max(os.fstat(file.fileno()).st_size - file.tell(), 0)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass
    try:
        if not file.seekable():
            return None
        here = file.tell()
        end = file.seek(0, os.SEEK_END)
        file.seek(here)
        return max(end - here, 0)
    except (OSError, ValueError, AttributeError):
        return None


def _slices(data: bytes | str) -> Iterator[bytes | str]:
    for start in range(0, len(data), _CHUNK):
        yield data[start : start + _CHUNK]


def _lines(blocks: Iterator[bytes | str]) -> Iterator[bytes | str]:
    """*blocks* regrouped into pieces that end at a line end (but the last).

    A piece ends after an LF, or after a CR whose next character is known (so a CRLF is
    never split); a line longer than a block is held whole.
    """
    held: list[bytes | str] = []
    for block in blocks:
        if not block:
            continue
        lf, cr = ("\n", "\r") if isinstance(block, str) else (b"\n", b"\r")
        cut = block.rfind(lf) + 1  # type: ignore[arg-type]
        at_cr = block.rfind(cr, cut, len(block) - 1)  # type: ignore[arg-type]
        if at_cr >= 0:
            cut = at_cr + 1
        if not cut:
            held.append(block)
            continue
        yield _join([*held, block[:cut]])
        held = [block[cut:]] if cut < len(block) else []
    if held:
        yield _join(held)


def _join(parts: list[bytes | str]) -> bytes | str:
    if isinstance(parts[0], str):
        return "".join(parts)  # type: ignore[arg-type]
    return b"".join(parts)  # type: ignore[arg-type]


def _inflate(
    blocks: Iterator[bytes | str], name: str, size: int, limits: Stream
) -> Iterator[bytes]:
    """The decompressed bytes of the gzip *blocks* (every member), within the limits.

    *size* is the compressed size named in a refusal. The ratio is that of the output
    so far to the compressed bytes read so far, so a bomb is refused within its first
    MiB or so of output, before a reader has parsed (or kept) much of it.
    """
    max_ratio, max_size = limits.max_ratio, limits.max_size
    total = fed = 0
    inflate = zlib.decompressobj(wbits=31)
    between = b""  # after a member's end: the next member's start, or zero padding
    try:
        for block in blocks:
            data: bytes = block  # type: ignore[assignment]
            fed += len(data)
            while data:
                if inflate.eof:
                    if between or data[:2] != _GZIP_MAGIC:
                        between += data
                        data = b""
                        if not between.strip(b"\0") or between == _GZIP_MAGIC[:1]:
                            continue  # zero padding so far, or half a magic number
                        if between[:2] != _GZIP_MAGIC:
                            raise OSError("trailing data after the gzip stream is not gzip")
                        data, between = between, b""
                    inflate = zlib.decompressobj(wbits=31)
                while True:
                    chunk = inflate.decompress(data, _CHUNK)
                    data = inflate.unused_data if inflate.eof else inflate.unconsumed_tail
                    total += len(chunk)
                    if total > max_size or (
                        total > _RATIO_FLOOR and total > max_ratio * (fed - len(data))
                    ):
                        raise _too_large(name, size, fed - len(data), total, limits)
                    if chunk:
                        yield chunk
                    if inflate.eof or (not data and not chunk):
                        break
        if not inflate.eof:
            raise EOFError("the stream ends before its end-of-stream marker")
        if between.strip(b"\0"):
            raise OSError("trailing data after the gzip stream is not gzip")
    except (EOFError, OSError, zlib.error) as error:
        raise ReadError(f"corrupt or truncated gzip data: {error}", source=name) from error


def _too_large(name: str, size: int, read: int, total: int, limits: Stream) -> ReadError:
    if total > limits.max_size:
        limit = f"the limit of {limits.max_size:,} bytes (max_size)"
    else:
        limit = (
            f"{limits.max_ratio:g} times its compressed size of {size:,} bytes (max_ratio): "
            f"its first {read:,} bytes gave {total:,}"
        )
    return ReadError(
        f"gzip data expands beyond {limit}; refused as a possible decompression bomb "
        "(pass a larger max_size or max_ratio, or --max-size/--max-ratio, if you trust it)",
        source=name,
    )


def lines(texts: Iterable[str]) -> Iterator[str]:
    """The lines of text pieces that end at line ends, as the C csv reader takes them.

    Each piece is split by :class:`io.StringIO` (LF, CRLF and lone CR end lines, kept as
    written), so the rows, and a csv reader's line numbers, are those of the whole text.
    """
    return chain.from_iterable(map(io.StringIO, texts, repeat("")))


def line_ends(text: str) -> int:
    """The line ends in *text*: LF, CRLF and lone CR each count once."""
    if "\r" not in text:
        return text.count("\n")
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def decode_piece(piece: bytes, name: str, lines: int) -> str:
    """*piece* decoded as UTF-8; it starts a line, after *lines* lines of its input.

    Raises:
        ReadError: If it is not valid UTF-8, naming the line and column of the first bad
            byte in the input.
    """
    try:
        return piece.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = locate(piece, error.start)
        raise ReadError(
            f"invalid UTF-8 (byte 0x{piece[error.start]:02x})",
            source=name,
            line=lines + line,
            column=column,
        ) from error


def decode(data: bytes | str, name: str) -> str:
    """*data* as text: bytes decoded as UTF-8, a ``str`` checked; a leading BOM dropped.

    Raises:
        ReadError: If bytes are not valid UTF-8 (naming the line and column of the
            first bad byte), or a ``str`` holds a lone surrogate.
    """
    if isinstance(data, str):
        return _checked(_strip_bom(data), name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = locate(data, error.start)
        raise ReadError(
            f"invalid UTF-8 (byte 0x{data[error.start]:02x})",
            source=name,
            line=line,
            column=column,
        ) from error
    return _strip_bom(text)


def locate(data: str | bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column of *offset* in *data*; CRLF, LF and lone CR end lines."""
    text = data.decode("latin-1") if isinstance(data, bytes) else data  # bytes map 1:1
    if 0 < offset < len(text) and text[offset - 1 : offset + 1] == "\r\n":
        line, column = locate(text, offset - 1)  # on the LF of a CRLF: the CR's line
        return line, column + 1
    breaks = text.count("\n", 0, offset) + text.count("\r", 0, offset)
    breaks -= text.count("\r\n", 0, offset)
    start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    return breaks + 1, offset - start + 1


def _checked(text: str, name: str) -> str:
    """*text*, unless it holds a lone surrogate (text from a ``str`` or a text file)."""
    at = lone_surrogate(text)
    if at is not None:
        line, column = locate(text, at)
        raise ReadError(
            f"\\u{ord(text[at]):04x} is a lone surrogate, not a character",
            source=name,
            line=line,
            column=column,
        )
    return text


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text
