"""Every file format, registered in one ordered place.

Each format lives in its own module with the same shape: ``NAME``, ``EXTENSIONS`` (the
file name endings it claims, longest first where they overlap), ``render(matrix,
**options) -> str`` and, where the format can be read, ``read(source, **options)``.
Modules are imported only when a format is used, so ``import stancematrix`` stays fast.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple

from stancematrix.exceptions import UnsupportedFormatError

if TYPE_CHECKING:
    from stancematrix._io import Input
    from stancematrix._matrix import StanceMatrix

__all__ = ["FORMATS", "Format", "by_extension", "get", "read", "render"]


class Format(NamedTuple):
    """One registered format: its name, the extensions it claims and its module."""

    name: str
    extensions: tuple[str, ...]
    module: str
    readable: bool

    def load(self) -> ModuleType:
        """The format's module, imported on first use."""
        return importlib.import_module(f"{__name__}.{self.module}")


FORMATS: tuple[Format, ...] = (
    Format("text", (".txt",), "_text", False),
    Format("markdown", (".md", ".markdown"), "_markdown", True),
    Format("csv", (".csv",), "_csv", True),
    Format("json", (".json",), "_json", True),
    Format("html", (".html", ".htm"), "_html", False),
)
"""Every format, in the order they are listed to users."""

_COMPRESSED = (".gz",)


def _names(readable: bool = False) -> list[str]:
    return [f.name for f in FORMATS if f.readable or not readable]


def get(name: str, *, readable: bool = False) -> Format:
    """The format called *name* (case-insensitive).

    Raises:
        UnsupportedFormatError: If no format has that name (or none that can be read, with
            *readable*); the error lists those that exist.
    """
    for fmt in FORMATS:
        if isinstance(name, str) and fmt.name == name.lower() and (fmt.readable or not readable):
            return fmt
    raise UnsupportedFormatError(str(name), _names(readable), reading=readable)


def by_extension(path: str | os.PathLike[str]) -> Format:
    """The readable format a file name's extension names; ``.gz`` is looked through.

    Raises:
        UnsupportedFormatError: If the extension names no readable format.
    """
    name = os.fspath(path).lower()
    for ending in _COMPRESSED:
        if name.endswith(ending):
            name = name[: -len(ending)]
    for fmt in FORMATS:
        if fmt.readable and name.endswith(fmt.extensions):
            return fmt
    extension = os.path.splitext(name)[1] or os.fspath(path)
    raise UnsupportedFormatError(extension, _names(readable=True), reading=True)


def render(matrix: StanceMatrix, format: str, **options: Any) -> str:
    """Render *matrix* in the named format; see each format's ``render`` for *options*."""
    function: Callable[..., str] = get(format).load().render
    return function(matrix, **options)


def read(source: Input, format: str | None = None, **options: Any) -> Any:
    """Read *source* in the named format, or the one its file name's extension names."""
    if format is None:
        name = getattr(source, "name", None) if not isinstance(source, str) else source
        if isinstance(source, os.PathLike):
            name = os.fspath(source)
        if not isinstance(name, str) or "\n" in name or "\r" in name:
            raise UnsupportedFormatError("<no file name>", _names(readable=True), reading=True)
        fmt = by_extension(name)
    else:
        fmt = get(format, readable=True)
    function: Callable[..., Any] = fmt.load().read
    return function(source, **options)
