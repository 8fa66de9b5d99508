"""stancematrix: who holds which position on which issue, according to whom, as of when."""

from . import exceptions, results
from ._datasets import dataset_names, load_dataset
from ._dates import PartialDate, Period, Precision
from ._diff.face import diff
from ._diff.matrixdiff import MatrixDiff
from ._io.arrow import from_arrow
from ._io.csv import read as read_csv
from ._io.json import read_diff, read_json, to_json
from ._io.markdown import read as read_markdown
from ._io.pandas import from_dataframe
from ._io.parquet import read_parquet
from ._io.registry import read, render
from ._matrix import StanceMatrix
from ._model import Actor, Issue, Position, Source
from ._query.agreement import agreement, agreement_matrix
from ._query.blocs import blocs
from ._query.compare import compare
from ._query.conflicts import conflicts
from ._query.structure import common_ground, coverage, deadlocks, polarization
from ._scale import Level, Scale
from ._verify import QuoteFailure, verify_quotes
from .exceptions import StanceMatrixError

__all__ = [
    "Actor",
    "Issue",
    "Level",
    "MatrixDiff",
    "PartialDate",
    "Period",
    "Position",
    "Precision",
    "QuoteFailure",
    "Scale",
    "Source",
    "StanceMatrix",
    "StanceMatrixError",
    "agreement",
    "agreement_matrix",
    "blocs",
    "common_ground",
    "compare",
    "conflicts",
    "coverage",
    "dataset_names",
    "deadlocks",
    "diff",
    "exceptions",
    "from_arrow",
    "from_dataframe",
    "load_dataset",
    "polarization",
    "read",
    "read_csv",
    "read_diff",
    "read_json",
    "read_markdown",
    "read_parquet",
    "render",
    "results",
    "to_json",
    "verify_quotes",
]

__version__ = "0.1.0"
