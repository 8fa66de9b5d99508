"""Built-in datasets, shipped as package data and read with the public readers."""

from __future__ import annotations

import functools
from importlib import resources

from stancematrix._json import read_json
from stancematrix._matrix import StanceMatrix
from stancematrix.exceptions import UnknownDatasetError

__all__ = ["dataset_names", "load_dataset"]

# name -> file in this package; each file carries its own title and citation in metadata.
_FILES = {"ukraine": "ukraine.json"}


def dataset_names() -> tuple[str, ...]:
    """The names :func:`load_dataset` accepts, sorted.

    ``"ukraine"``: US, Russian, Ukrainian, EU, NATO and other positions on the war in
    Ukraine, 2024–2025, encoded from five news analyses, each claim with a verbatim quote.
    """
    return tuple(sorted(_FILES))


@functools.cache
def load_dataset(name: str) -> StanceMatrix:
    """Load a built-in dataset by name (see :func:`dataset_names`).

    The data files are ordinary documents in the library's own formats, read with the
    same readers users have; the matrix's ``metadata`` holds the title and citation.
    Matrices are immutable, so repeated loads return the same object.

    Raises:
        UnknownDatasetError: If *name* is not a built-in dataset.
    """
    file = _FILES.get(name)
    if file is None:
        raise UnknownDatasetError(name, _FILES)
    data = resources.files(__name__).joinpath(file).read_bytes()
    return read_json(data)
