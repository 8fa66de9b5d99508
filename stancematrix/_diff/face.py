"""The diff's face: :func:`diff` over matrices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Unpack

from stancematrix._store import store_of

from .compute import DiffOptions, compare_stores
from .matrixdiff import MatrixDiff

if TYPE_CHECKING:
    from stancematrix._matrix import StanceMatrix

__all__ = ["diff"]


def diff(
    old: StanceMatrix,
    new: StanceMatrix,
    **options: Unpack[DiffOptions],
) -> MatrixDiff:
    """What changed from *old* to *new*; see :mod:`stancematrix._diff.compute` for the pairing rule.

    Args:
        old: The matrix before.
        new: The matrix after, on the same scale.
        **options: The keyword options below (:class:`~stancematrix._diff.compute.DiffOptions`).
        stance_only: Compare claims by actor, issue, source, date and stance only:
            changes of summary, quote or note wording alone are not reported.
        ignore_case: Compare claims' summary, quote and note case-insensitively.
        ignore_whitespace: Compare them with runs of whitespace read as one space and
            leading and trailing whitespace ignored.
        actors: Keys or aliases (in either matrix) of the only actors to compare.
        issues: Keys or aliases (in either matrix) of the only issues to compare.

    With any option, a claim whose only differences are ignored counts as unchanged and
    the diff keeps no record of it, so ``apply`` leaves the old claim in place. A diff
    limited by *actors* or *issues* records and patches only those actors' or issues'
    entries and cells (and no metadata); sources are always compared.

    Raises:
        InvalidValueError: If the matrices are on different scales, or an argument is not
            a matrix.
        UnknownActorError, UnknownIssueError: If a name in *actors* or *issues* is in
            neither matrix.
    """
    return compare_stores(store_of(old, "old"), store_of(new, "new"), **options)
