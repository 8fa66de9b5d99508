"""Every file format, registered in one ordered place.

A format is one module with the same shape as every other: ``NAME``, ``EXTENSIONS``
(the file name endings it claims, longest first where they overlap), ``render(matrix,
**options) -> str`` for matrices (``bytes`` for a binary format such as Parquet),
``render_diff(diff, **options) -> str`` for diffs, and ``read(source, **options)`` where
the format can be read. Its row in :data:`FORMATS` says which of these it has; modules
are imported only when a format is used, so ``import stancematrix`` stays fast.

Everything that lists or picks formats — :func:`stancematrix.render` and ``read``, the
``to_*`` conveniences of matrices and diffs, the command line, the docs' tests — reads
this table; nothing restates it.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from types import ModuleType
from typing import IO, Any, Literal, NamedTuple, TypeAlias

from stancematrix.exceptions import UnsupportedFormatError

__all__ = [
    "FORMATS",
    "Format",
    "Kind",
    "arrow",
    "by_extension",
    "dataframes",
    "encode",
    "get",
    "names",
    "read",
    "render",
]

#: What a format can render: a matrix, or a diff between two.
Kind: TypeAlias = Literal["matrix", "diff"]

_Input: TypeAlias = "str | os.PathLike[str] | bytes | IO[str] | IO[bytes]"


class Format(NamedTuple):
    """One registered format.

    Attributes:
        name: What users call it (``--format``, ``render(m, name)``).
        extensions: The file name endings it claims (``.gz`` is looked through).
        module: The module that implements it.
        kinds: What it renders: ``"matrix"``, ``"diff"`` or both.
        readable: Whether its module can read a matrix back (``read``).
        lenient: Whether its reader can collect every problem (``lenient=True``)
            instead of stopping at the first.
        binary: Whether it renders bytes rather than text (:func:`encode` gives those;
            :func:`render` gives text only).
    """

    name: str
    extensions: tuple[str, ...]
    module: str
    kinds: tuple[Kind, ...] = ("matrix", "diff")
    readable: bool = False
    lenient: bool = False
    binary: bool = False

    def load(self) -> ModuleType:
        """The format's module, imported on first use."""
        return importlib.import_module(self.module)


FORMATS: tuple[Format, ...] = (
    Format("text", (".txt",), "stancematrix._io.text"),
    Format(
        "markdown",
        (".md", ".markdown"),
        "stancematrix._io.markdown",
        readable=True,
        lenient=True,
    ),
    Format("csv", (".csv",), "stancematrix._io.csv", readable=True, lenient=True),
    Format("json", (".json",), "stancematrix._io.json", readable=True),
    Format("html", (".html", ".htm"), "stancematrix._io.html"),
    Format(
        "parquet",
        (".parquet",),
        "stancematrix._io.parquet",
        kinds=("matrix",),
        readable=True,
        binary=True,
    ),
)
"""Every format, in the order they are listed to users."""

_DATAFRAMES = "stancematrix._io.pandas"
_ARROW = "stancematrix._io.arrow"
_COMPRESSED = (".gz",)


def _fits(fmt: Format, readable: bool, kind: Kind, text: bool) -> bool:
    return kind in fmt.kinds and (fmt.readable or not readable) and not (text and fmt.binary)


def names(*, readable: bool = False, kind: Kind = "matrix", text: bool = False) -> list[str]:
    """The formats that render *kind* (readable ones, with *readable*; text, with *text*)."""
    return [f.name for f in FORMATS if _fits(f, readable, kind, text)]


def get(name: str, *, readable: bool = False, kind: Kind = "matrix", text: bool = False) -> Format:
    """The format called *name* (case-insensitive).

    Raises:
        UnsupportedFormatError: If no format has that name (or none that can be read, with
            *readable*, or none that renders *kind*, or text, with *text*); the error lists
            those that exist.
    """
    for fmt in FORMATS:
        if isinstance(name, str) and fmt.name == name.lower() and _fits(fmt, readable, kind, text):
            return fmt
    raise UnsupportedFormatError(
        str(name), names(readable=readable, kind=kind, text=text), reading=readable
    )


def by_extension(path: str | os.PathLike[str], *, readable: bool = True) -> Format:
    """The format a file name's extension names; ``.gz`` is looked through.

    Raises:
        UnsupportedFormatError: If the extension names no (readable) format.
    """
    name = os.fspath(path).lower()
    for ending in _COMPRESSED:
        if name.endswith(ending):
            name = name[: -len(ending)]
    for fmt in FORMATS:
        if (fmt.readable or not readable) and name.endswith(fmt.extensions):
            return fmt
    extension = os.path.splitext(name)[1] or os.fspath(path)
    raise UnsupportedFormatError(extension, names(readable=readable), reading=readable)


def render(value: Any, format: str, *, kind: Kind = "matrix", **options: Any) -> str:
    """Render a matrix (or, with ``kind="diff"``, a diff) as text in the named format.

    See each format's ``render`` (or ``render_diff``) for *options*. A binary format
    (Parquet) is written with its own function (``to_parquet``) or :func:`encode`.

    Raises:
        UnsupportedFormatError: If no text format has that name; the error lists those
            that exist.
    """
    module = get(format, kind=kind, text=True).load()
    function: Callable[..., str] = module.render if kind == "matrix" else module.render_diff
    return function(value, **options)


def encode(value: Any, format: str, *, kind: Kind = "matrix", **options: Any) -> bytes:
    """Render a matrix (or diff) in the named format as the bytes of a file.

    Text formats are encoded as UTF-8; a binary format gives its own bytes.
    """
    fmt = get(format, kind=kind)
    if not fmt.binary:
        return render(value, format, kind=kind, **options).encode("utf-8")
    function: Callable[..., bytes] = fmt.load().render
    return function(value, **options)


def read(source: _Input, format: str | None = None, **options: Any) -> Any:
    """Read *source* in the named format, or the one its file name's extension names."""
    if format is None:
        name = getattr(source, "name", None) if not isinstance(source, str) else source
        if isinstance(source, os.PathLike):
            name = os.fspath(source)
        if not isinstance(name, str) or "\n" in name or "\r" in name:
            raise UnsupportedFormatError("<no file name>", names(readable=True), reading=True)
        fmt = by_extension(name)
    else:
        fmt = get(format, readable=True)
    function: Callable[..., Any] = fmt.load().read
    return function(source, **options)


def dataframes() -> ModuleType:
    """The pandas interop module (``to_dataframe``, ``from_dataframe``), imported on use."""
    return importlib.import_module(_DATAFRAMES)


def arrow() -> ModuleType:
    """The Arrow interop module (``to_arrow``, ``from_arrow``), imported on use."""
    return importlib.import_module(_ARROW)
