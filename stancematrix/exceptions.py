"""The exceptions stancematrix raises.

Every error derives from :class:`StanceMatrixError`. Errors that resemble a builtin also
inherit it, so ``except KeyError`` and ``except ValueError`` keep working: an unknown key
is a ``KeyError``; a bad value or unreadable input is a ``ValueError``. Each error carries
the data it is about as attributes and builds its message from them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "AmbiguousNameError",
    "DuplicateClaimError",
    "DuplicateKeyError",
    "InvalidValueError",
    "MissingDependencyError",
    "PatchConflictError",
    "ReadError",
    "StanceMatrixError",
    "UnknownActorError",
    "UnknownDatasetError",
    "UnknownIssueError",
    "UnknownKeyError",
    "UnknownSourceError",
    "UnknownStanceError",
    "UnsupportedFormatError",
]


#: The most characters of a value's ``repr`` an error message shows.
SHOWN: int = 60


def shown(value: object) -> str:
    """*value*'s ``repr`` for an error message, cut to :data:`SHOWN` characters.

    Messages never echo more than a short prefix of a value: the value may be long, or
    be the first line of a file nobody meant to show. The whole value stays on the
    error's attributes.
    """
    text = repr(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


class StanceMatrixError(Exception):
    """Base class of every error raised by stancematrix."""


class InvalidValueError(StanceMatrixError, ValueError):
    """A field was given a value it cannot hold.

    Attributes:
        field: The name of the field, e.g. ``"Actor.key"``.
        value: The offending value.
        reason: Why the value was rejected.
    """

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field}: {reason} (got {shown(value)})")


class UnknownKeyError(StanceMatrixError, KeyError):
    """A key or alias names nothing the matrix knows.

    Attributes:
        kind: What was looked up: ``"actor"``, ``"issue"``, ``"source"`` or ``"dataset"``.
        key: The key that was not found.
        suggestions: Known keys close to *key*, best first.
    """

    kind = "key"

    def __init__(
        self, key: str, known: Iterable[str] = (), *, suggestions: Iterable[str] = ()
    ) -> None:
        self.key = key
        found = list(suggestions)
        lowered = {str(k).casefold(): str(k) for k in known}
        close = difflib.get_close_matches(str(key).casefold(), list(lowered), n=3, cutoff=0.6)
        found += [lowered[c] for c in close if lowered[c] not in found]
        self.suggestions: tuple[str, ...] = tuple(found[:3])
        super().__init__(key)

    def __str__(self) -> str:
        message = f"unknown {self.kind} {shown(self.key)}"
        if self.suggestions:
            message += "; did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        return message


class UnknownActorError(UnknownKeyError):
    """No actor has this key or alias."""

    kind = "actor"


class UnknownIssueError(UnknownKeyError):
    """No issue has this key or alias."""

    kind = "issue"


class UnknownSourceError(UnknownKeyError):
    """No source has this id."""

    kind = "source"


class UnknownDatasetError(UnknownKeyError):
    """No built-in dataset has this name."""

    kind = "dataset"


class AmbiguousNameError(UnknownKeyError):
    """A display name or title that several actors or issues share; name one by key.

    Attributes:
        kind: ``"actor"`` or ``"issue"``.
        key: The name that was given.
        matches: The keys of the entries that carry it, in declared order.
    """

    def __init__(self, kind: str, name: str, matches: Iterable[str]) -> None:
        self.kind = kind
        self.matches: tuple[str, ...] = tuple(matches)
        super().__init__(name, suggestions=self.matches)

    def __str__(self) -> str:
        label = "display name" if self.kind == "actor" else "title"
        shown = ", ".join(repr(k) for k in self.matches[:5])
        more = f", … ({len(self.matches) - 5} more)" if len(self.matches) > 5 else ""
        return (
            f"{self.key!r} is the {label} of {len(self.matches)} {self.kind}s "
            f"({shown}{more}); name one by its key"
        )


class UnknownStanceError(StanceMatrixError, ValueError):
    """A stance label is not on the matrix's scale.

    Attributes:
        stance: The label that was given.
        scale: The name of the scale.
        labels: The labels the scale has.
    """

    def __init__(self, stance: str, scale: str, labels: Iterable[str]) -> None:
        self.stance = stance
        self.scale = scale
        self.labels = tuple(labels)
        known = ", ".join(repr(label) for label in self.labels)
        super().__init__(f"stance {shown(stance)} is not on the {scale!r} scale ({known})")


class DuplicateKeyError(StanceMatrixError, ValueError):
    """Two actors, issues or sources claim the same key or alias.

    Attributes:
        kind: ``"actor"``, ``"issue"`` or ``"source"``.
        key: The key or alias given twice (compared case-insensitively).
        owners: The keys of the entries that claim it.
    """

    def __init__(self, kind: str, key: str, owners: Iterable[str]) -> None:
        self.kind = kind
        self.key = key
        self.owners = tuple(owners)
        who = " and ".join(repr(o) for o in self.owners)
        super().__init__(f"{kind} key or alias {shown(key)} is claimed by {who}")


class DuplicateClaimError(StanceMatrixError, ValueError):
    """The same claim was given twice.

    Attributes:
        claim: The repeated claim (a :class:`stancematrix.Position`).
    """

    def __init__(self, claim: object) -> None:
        self.claim = claim
        super().__init__(f"duplicate claim: {shown(claim)}")


class ReadError(StanceMatrixError, ValueError):
    """Input could not be read into a matrix.

    Attributes:
        reason: What was wrong.
        source: The file name, or ``"<string>"`` / ``"<stream>"`` for in-memory input.
        line: 1-based line number, where known.
        column: 1-based column number, where known.
        field: The field or JSON path concerned, where known (e.g. ``"claims[3].stance"``).
        value: The offending value, where there is one.
    """

    def __init__(
        self,
        reason: str,
        *,
        source: str = "<string>",
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        value: object = None,
    ) -> None:
        self.reason = reason
        self.source = source
        self.line = line
        self.column = column
        self.field = field
        self.value = value
        where = source
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        if field is not None:
            where += f": {field}"
        super().__init__(f"{where}: {reason}")


class MissingDependencyError(StanceMatrixError, ImportError):
    """An optional feature needs a package that is not installed.

    Attributes:
        package: The package that is missing (``"pyarrow"``).
        extra: The stancematrix extra that installs it (``"arrow"``).
        feature: What needs it (``"Arrow and Parquet"``).
    """

    def __init__(self, package: str, extra: str, feature: str) -> None:
        self.package = package
        self.extra = extra
        self.feature = feature
        super().__init__(
            f"{feature} need{'s' * (' and ' not in feature)} {package}, which is not "
            f"installed: pip install 'stancematrix[{extra}]'",
            name=package,
        )


class UnsupportedFormatError(StanceMatrixError, ValueError):
    """No renderer or reader has this format name or file extension.

    Attributes:
        format: The format name or file extension asked for.
        formats: The names of the formats that exist (for reading, those that can be read).
    """

    def __init__(self, format: str, formats: Iterable[str], *, reading: bool = False) -> None:
        self.format = format
        self.formats = tuple(formats)
        what = "readable format" if reading else "format"
        super().__init__(
            f"unsupported {what} {shown(format)}; choose one of {', '.join(self.formats)}"
        )


class PatchConflictError(StanceMatrixError, ValueError):
    """A diff was applied to a matrix that does not hold what the diff's old side holds.

    Raised before anything is built, so a conflict never leaves a half-patched result.

    Attributes:
        reason: What did not match.
        actor: The actor key of the conflicting cell, where the conflict is in a cell.
        issue: The issue key of the conflicting cell, where the conflict is in a cell.
        key: The key of the conflicting actor, issue, source or metadata entry, where the
            conflict is in one.
    """

    def __init__(
        self,
        reason: str,
        *,
        actor: str | None = None,
        issue: str | None = None,
        key: str | None = None,
    ) -> None:
        self.reason = reason
        self.actor = actor
        self.issue = issue
        self.key = key
        super().__init__(f"patch conflict: {reason}")
