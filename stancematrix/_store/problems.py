"""Where building went wrong: :class:`Problem`, and :class:`Problems` to raise or collect them."""

from __future__ import annotations

from stancematrix.exceptions import StanceMatrixError

__all__ = ["Problem", "Problems"]


class Problem(Exception):
    """A build error with where it happened, for a reader to turn into a located error.

    Attributes:
        part: ``"claims"``, ``"actors"``, ``"issues"``, ``"sources"``, ``"scale"`` or
            ``"metadata"``.
        index: The position of the bad entry or claim in what the builder was given.
        field: The field at fault, if known (``"actor"``, ``"key"``, ``"parent"`` …).
        error: The library error to report.
    """

    def __init__(self, part: str, index: int, field: str | None, error: StanceMatrixError):
        super().__init__(part, index, field, error)
        self.part = part
        self.index = index
        self.field = field
        self.error = error


class Problems:
    """What a build does with a problem: raise it (the default) or collect it and go on.

    Collecting, the builder leaves out the bad claim (or entry, with the claims that cite
    it) and carries on, so one pass finds every problem.

    Attributes:
        found: The problems collected, in the order met (None when raising).
        dropped: ``(part, key)`` of the entries left out, whose claims are left out too.
    """

    __slots__ = ("dropped", "found")

    def __init__(self, *, collect: bool = False) -> None:
        self.found: list[Problem] | None = [] if collect else None
        self.dropped: set[tuple[str, str]] = set()

    @property
    def collecting(self) -> bool:
        """Whether problems are collected rather than raised."""
        return self.found is not None

    def add(self, problem: Problem) -> None:
        """Raise *problem*, or collect it.

        Raises:
            Problem: Unless collecting.
        """
        if self.found is None:
            raise problem
        self.found.append(problem)
