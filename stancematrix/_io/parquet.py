"""The Parquet format: the claims table of :mod:`stancematrix._io.arrow` in a Parquet file.

A lossless, binary, column-compressed format that DuckDB, polars, pandas and Spark read
directly: one row per claim in the long layout, and the declarations (actors, issues,
sources, scale, metadata) as JSON under the file's key-value metadata key
``stancematrix``. :func:`read_parquet` reads a file written by :func:`to_parquet` back
equal; a Parquet file from elsewhere (no declarations) is read as a mapped table, like
:func:`stancematrix.read_csv` with ``columns=``.

pyarrow is imported only when a Parquet file is read or written (the ``arrow`` extra).
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, Final

from stancematrix._io.arrow import METADATA_KEY, mapped, matrix_of_table, pyarrow, to_arrow
from stancematrix._io.mapped import MappingOptions, base_name
from stancematrix._matrix import StanceMatrix
from stancematrix.exceptions import ReadError

if TYPE_CHECKING:
    from stancematrix._model import Source
    from stancematrix._scale import Scale

__all__ = ["EXTENSIONS", "NAME", "read", "read_parquet", "render", "to_parquet"]

NAME: Final = "parquet"
EXTENSIONS: Final = (".parquet",)

#: Where Parquet data may come from: a path, the file's bytes, or a binary file.
ParquetInput = str | os.PathLike[str] | bytes | IO[bytes]

_COMPRESSION: Final = "zstd"
_GZIP_MAGIC: Final = b"\x1f\x8b"


def to_parquet(matrix: StanceMatrix, path: str | os.PathLike[str] | IO[bytes]) -> None:
    """Write *matrix* as a Parquet file (zstd-compressed) at *path* (or a binary file).

    The file holds :meth:`StanceMatrix.to_arrow`'s table: the claims in the long layout
    and the declarations in its key-value metadata, so :func:`read_parquet` reads it back
    equal.

    Raises:
        MissingDependencyError: If pyarrow is not installed (the ``arrow`` extra).
        OSError: If the file cannot be written.
    """
    pyarrow()
    import pyarrow.parquet as pq

    target = os.fspath(path) if isinstance(path, os.PathLike) else path
    pq.write_table(to_arrow(matrix), target, compression=_COMPRESSION)


def render(matrix: StanceMatrix) -> bytes:
    """*matrix* as the bytes of a Parquet file (see :func:`to_parquet`)."""
    pa = pyarrow()
    sink = pa.BufferOutputStream()
    to_parquet(matrix, sink)
    return bytes(sink.getvalue().to_pybytes())


def _data(source: ParquetInput) -> tuple[bytes, str]:
    """The bytes of *source* and its name for errors (gzip looked through)."""
    if isinstance(source, bytes | bytearray | memoryview):
        data, name = bytes(source), "<bytes>"
    elif isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        try:
            with open(name, "rb") as file:
                data = file.read()
        except OSError as error:
            raise ReadError(f"cannot open: {error.strerror or error}", source=name) from error
    else:
        name = str(getattr(source, "name", "<stream>"))
        try:
            data = source.read()
        except OSError as error:
            raise ReadError(f"cannot read: {error}", source=name) from error
        if not isinstance(data, bytes):
            raise ReadError("a Parquet file must be opened in binary mode ('rb')", source=name)
    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as error:
            raise ReadError(f"corrupt or truncated gzip data: {error}", source=name) from error
    return data, name


def read_parquet(
    source: ParquetInput,
    *,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    scale: Scale | None = None,
    stances: Mapping[str, str] | None = None,
    cite: Source | str | None = None,
    metadata: Mapping[str, str] | None = None,
) -> StanceMatrix:
    """Read a matrix from a Parquet file.

    A file written by :meth:`StanceMatrix.to_parquet` is read back equal. Any other
    Parquet file of one claim per row is mapped as :func:`stancematrix.from_arrow` maps
    a table without declarations (the options are those of
    :func:`stancematrix.read_csv` with ``columns=``; given *columns*, *scale*, *stances*
    or *metadata*, the file is mapped even when it has declarations).

    Args:
        source: A path, the file's bytes, or a file opened in binary mode; gzip-compressed
            data is decompressed.
        columns: Field → column name(s), for a mapped file.
        scale: The scale of a mapped file.
        stances: Cell value → stance label, for a mapped file.
        cite: The source claims of a mapped file cite without a ``source`` column
            (default: the file's base name).
        metadata: Metadata for a mapped file.

    Raises:
        MissingDependencyError: If pyarrow is not installed (the ``arrow`` extra).
        ReadError: If the file cannot be opened or is not Parquet, its declarations do not
            parse (naming ``stancematrix.<path>``), a column is missing or not text, or a
            value is bad: the error names the file and ``claims[ROW].COLUMN`` (row 0 first),
            or for a mapped file the line of the equivalent CSV (row + 2).
    """
    pa = pyarrow()
    import pyarrow.parquet as pq

    data, name = _data(source)
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError, ValueError) as error:
        raise ReadError(f"not a readable Parquet file: {error}", source=name) from error
    options = MappingOptions(
        columns=columns, scale=scale, stances=stances, cite=cite, metadata=metadata
    )
    declarations = (table.schema.metadata or {}).get(METADATA_KEY)
    if declarations is not None and not options.asks_to_map():
        return matrix_of_table(table, name, declarations)
    return mapped(table, name, options, base_name(name))


#: The format's reader, as the registry expects it.
read = read_parquet
