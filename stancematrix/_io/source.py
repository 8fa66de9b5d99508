"""Turning what a reader is given (a path, a file object, bytes or text) into text.

Gzip input is decompressed incrementally and bounded (see :data:`MAX_RATIO` and
:data:`MAX_SIZE`), so a small file that expands to gigabytes (a "gzip bomb") is refused
with a :class:`ReadError` before the memory is spent.
"""

from __future__ import annotations

import os
import zlib
from typing import IO, Final, TypeAlias

from stancematrix._scale import lone_surrogate
from stancematrix.exceptions import ReadError

__all__ = ["MAX_RATIO", "MAX_SIZE", "Input", "decode", "locate", "read_data", "read_text"]

Input: TypeAlias = "str | os.PathLike[str] | bytes | IO[str] | IO[bytes]"
"""What readers accept: a path, text or bytes holding the data, or an open file."""

_GZIP_MAGIC = b"\x1f\x8b"

MAX_RATIO: Final = 100
"""The default limit on how many times its own size gzip input may expand to.

The ratio is checked once the output passes :data:`_RATIO_FLOOR` (1 MiB), so a small file
that compresses very well is never refused. Text rarely compresses more than 20×; a gzip
bomb compresses about 1000×."""
MAX_SIZE: Final = 2_000_000_000
"""The default limit on the bytes gzip input may expand to (2 GB), whatever its ratio."""
_RATIO_FLOOR: Final = 1 << 20
_CHUNK: Final = 1 << 20  # bytes decompressed per step


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
        return _gunzip(_read_path(source), source, max_ratio, max_size), source
    if isinstance(source, os.PathLike):
        path = os.fspath(source)
        return _gunzip(_read_path(path), path, max_ratio, max_size), path
    if isinstance(source, bytes | bytearray | memoryview):
        return _gunzip(bytes(source), "<bytes>", max_ratio, max_size), "<bytes>"
    name = str(getattr(source, "name", "<stream>"))
    try:
        data = source.read()
    except OSError as error:
        raise ReadError(f"cannot read: {error}", source=name) from error
    if isinstance(data, str):
        return data, name
    return _gunzip(data, name, max_ratio, max_size), name


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
    compressed size.

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


def _read_path(path: str) -> bytes:
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError as error:
        raise ReadError(f"cannot open: {error.strerror or error}", source=path) from error


def _gunzip(data: bytes, name: str, max_ratio: float, max_size: int) -> bytes:
    """*data*, decompressed step by step if it is gzip (every member), within the limits."""
    if data[:2] != _GZIP_MAGIC:
        return data
    limit = min(max_size, max(max_ratio * len(data), _RATIO_FLOOR))
    parts: list[bytes] = []
    total = 0
    pending = data
    try:
        while pending:
            inflate = zlib.decompressobj(wbits=31)
            while not inflate.eof:
                chunk = inflate.decompress(pending, _CHUNK)
                pending = inflate.unconsumed_tail
                if not chunk and not pending:
                    raise EOFError("the stream ends before its end-of-stream marker")
                total += len(chunk)
                if total > limit:
                    raise _too_large(name, len(data), total, max_ratio, max_size)
                parts.append(chunk)
            pending = inflate.unused_data
            if pending[:2] != _GZIP_MAGIC:
                if pending.strip(b"\0"):
                    raise OSError("trailing data after the gzip stream is not gzip")
                break  # nothing, or zero padding after the last member
    except (EOFError, OSError, zlib.error) as error:
        raise ReadError(f"corrupt or truncated gzip data: {error}", source=name) from error
    return b"".join(parts)


def _too_large(name: str, size: int, total: int, max_ratio: float, max_size: int) -> ReadError:
    if total > max_size:
        limit = f"the limit of {max_size:,} bytes (max_size)"
    else:
        limit = f"{max_ratio:g} times its compressed size of {size:,} bytes (max_ratio)"
    return ReadError(
        f"gzip data expands beyond {limit}; refused as a possible decompression bomb "
        "(pass a larger max_size or max_ratio, or --max-size/--max-ratio, if you trust it)",
        source=name,
    )


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
