"""The frozen result objects that queries return.

Each prints with ``to_text()`` and ``to_markdown()``. They are made by
:func:`stancematrix.compare`, :func:`~stancematrix.agreement`,
:func:`~stancematrix.agreement_matrix`, :func:`~stancematrix.blocs`,
:func:`~stancematrix.polarization`, :func:`~stancematrix.common_ground`,
:func:`~stancematrix.deadlocks`, :func:`~stancematrix.conflicts`,
:func:`~stancematrix.coverage`, :meth:`StanceMatrix.timeline
<stancematrix.StanceMatrix.timeline>` and :meth:`StanceMatrix.shifts
<stancematrix.StanceMatrix.shifts>`; import them from here for type annotations.
"""

from ._query.agreement import Agreement, AgreementMatrix
from ._query.blocs import Blocs
from ._query.common import LeftOut
from ._query.compare import Comparison, ComparisonRow
from ._query.conflicts import Conflict, Conflicts
from ._query.structure import (
    Coverage,
    IssuePolarization,
    IssueRow,
    IssueStances,
    Polarization,
)
from ._query.time import Shift, Shifts, Timeline

__all__ = [
    "Agreement",
    "AgreementMatrix",
    "Blocs",
    "Comparison",
    "ComparisonRow",
    "Conflict",
    "Conflicts",
    "Coverage",
    "IssuePolarization",
    "IssueRow",
    "IssueStances",
    "LeftOut",
    "Polarization",
    "Shift",
    "Shifts",
    "Timeline",
]
