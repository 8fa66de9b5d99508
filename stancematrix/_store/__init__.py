"""The engine: the column store, its builder and the cell rule, behind one boundary.

Everything that works on a matrix's claims goes through the names exported here, and
nothing outside this package reads a private attribute of a store or of the matrix:

- :class:`Declarations` — actors, issues, sources, scale and metadata with their indexes
  and lookups (:mod:`.declare`);
- :class:`Columns`, :class:`CellIndex` — the claims, coded column by column in canonical
  order, and where each cell's rows lie (:mod:`.columns`);
- :class:`Store` — one matrix's declarations and columns (:mod:`.store`);
- :func:`build`, :func:`from_columns`, :class:`Problem`, :class:`Problems` — checking
  and coding claims, raising or collecting located problems (:mod:`.build`);
- :mod:`.cells` — the cell rule: which claims hold as of a date and which one a cell shows;
- :mod:`.slicing` — snapshots, selections and taken rows;
- :func:`store_of`, :func:`face` — the store behind a matrix, and a matrix over a store.

This package imports only the values (:mod:`stancematrix._model`, ``_scale``, ``_dates``,
``exceptions``).
"""

from . import cells, slicing
from .build import build, from_columns
from .columns import NO_TEXT, CellIndex, Columns, Row, Text
from .declare import Declarations
from .face import F, Faced, face, store_of
from .problems import Problem, Problems
from .store import Store

__all__ = [
    "NO_TEXT",
    "CellIndex",
    "Columns",
    "Declarations",
    "F",
    "Faced",
    "Problem",
    "Problems",
    "Row",
    "Store",
    "Text",
    "build",
    "cells",
    "face",
    "from_columns",
    "slicing",
    "store_of",
]
