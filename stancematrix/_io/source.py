"""Turning what a reader is given (a path, a file object, bytes or text) into text."""

from __future__ import annotations

import gzip
import os
import zlib
from typing import IO, TypeAlias

from stancematrix._scale import lone_surrogate
from stancematrix.exceptions import ReadError

__all__ = ["Input", "locate", "read_text"]

Input: TypeAlias = "str | os.PathLike[str] | bytes | IO[str] | IO[bytes]"
"""What readers accept: a path, text or bytes holding the data, or an open file."""

_GZIP_MAGIC = b"\x1f\x8b"


def read_text(source: Input, *, looks_like_text: str) -> tuple[str, str]:
    """Return ``(text, name)`` for *source*.

    A ``str`` is taken as the data itself when it contains a line break (LF or CR) or
    starts (after whitespace) with one of the characters in *looks_like_text*; otherwise
    as a path, as it always has been. So text that may be one line (untrusted input,
    say) should be passed as bytes or :class:`io.StringIO`, and a file as a
    :class:`pathlib.Path`; either way, error messages show at most a short prefix of any
    value (:func:`stancematrix.exceptions.shown`), so a file opened by mistake does not
    have its content echoed whole.
    Bytes and files may be gzip-compressed; text is decoded as UTF-8, and a leading
    byte-order mark is dropped.

    Raises:
        ReadError: If the file cannot be opened, is a truncated or corrupt gzip stream,
            or is not valid UTF-8 (naming the line and column of the first bad byte), or
            text given as a ``str`` or text file holds a lone surrogate (such as U+D800, half
            a UTF-16 pair that no UTF-8 document can hold).
    """
    if isinstance(source, str):
        stripped = source.lstrip()
        if "\n" in source or "\r" in source or (stripped[:1] and stripped[0] in looks_like_text):
            return _checked(_strip_bom(source), "<string>"), "<string>"
        return _read_path(source)
    if isinstance(source, os.PathLike):
        return _read_path(os.fspath(source))
    if isinstance(source, bytes | bytearray | memoryview):
        return _decode(bytes(source), "<bytes>")
    name = str(getattr(source, "name", "<stream>"))
    try:
        data = source.read()
    except OSError as error:
        raise ReadError(f"cannot read: {error}", source=name) from error
    if isinstance(data, str):
        return _checked(_strip_bom(data), name), name
    return _decode(data, name)


def _read_path(path: str) -> tuple[str, str]:
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        raise ReadError(f"cannot open: {error.strerror or error}", source=path) from error
    return _decode(data, path)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as error:
            raise ReadError(f"corrupt or truncated gzip data: {error}", source=name) from error
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
    return _strip_bom(text), name


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
