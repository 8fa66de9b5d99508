"""stancematrix: who holds which position on which issue, according to whom, as of when."""

from . import exceptions
from ._datasets import dataset_names, load_dataset
from ._dates import PartialDate, Period, Precision
from ._diff import MatrixDiff, diff, read_diff
from ._json import read_json, to_json
from ._matrix import StanceMatrix
from ._model import Actor, Issue, Position, Source
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
    "dataset_names",
    "diff",
    "exceptions",
    "load_dataset",
    "read_diff",
    "read_json",
    "to_json",
    "verify_quotes",
]

__version__ = "0.1.0"
