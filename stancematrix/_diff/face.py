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
        actors: Keys, aliases or names (in either matrix) of the only actors to compare;
            a key of either matrix means that key only.
        issues: Keys, aliases or titles (in either matrix) of the only issues to compare,
            read the same way.

    What ``diff(old, new, **options).apply(old)`` gives:

    - with no option, exactly *new*;
    - with *stance_only*, *ignore_case* or *ignore_whitespace*, a matrix in which the
      same options find no difference from *new*: a claim whose only differences are
      ignored counts as unchanged, the diff keeps no record of it, and ``apply`` leaves
      *old*'s claim (with its wording) in place. Identical claims are paired before
      loosely equal ones, so a claim the diff adds never duplicates one it keeps;
    - with *actors* or *issues*, *new*'s entries and cells for the selected actors or
      issues, and *old*'s everywhere else (the other cells and entries, all metadata).
      Entries of the other kind and sources are compared, except that one still cited by
      a claim outside the selection is never removed; a reordering is recorded only when
      every entry of that kind on both sides is selected.

    Raises:
        InvalidValueError: If the matrices are on different scales, or an argument is not
            a matrix.
        UnknownActorError, UnknownIssueError: If a name in *actors* or *issues* is in
            neither matrix.
    """
    return compare_stores(store_of(old, "old"), store_of(new, "new"), **options)
