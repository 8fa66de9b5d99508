"""The diff value: what changed from one matrix to another, and a patch that makes it.

:func:`stancematrix.diff` (:mod:`.compute`) finds the changes; a :class:`MatrixDiff` holds
them, counts them, inverts them and applies them (:mod:`.patch`); its ``to_*`` methods
render it through the format registry. See :mod:`stancematrix._diff.compute` for the
pairing rule.
"""

from __future__ import annotations

import html
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final, NamedTuple, TypeAlias

from stancematrix._io import registry
from stancematrix._scale import Scale
from stancematrix._store import F, face, store_of

from .patch import patch
from .values import (
    CHANGE_KINDS,
    PARTS,
    PLURALS,
    Claim,
    ClaimChange,
    EntityChange,
    MetadataChange,
    Part,
    StanceShift,
    claim_order,
    shift_kind,
    to_position,
)

__all__ = ["Changes", "ClaimData", "MatrixDiff", "ShiftData", "changes", "make", "orders"]

#: The most changes a notebook draws of a diff (``_repr_html_``); past it, the summary.
PREVIEW_CHANGES: Final = 500
_PARTS_COUNTED: Final = frozenset({"actors", "issues", "sources", "metadata", "claims", "cells"})

#: A stance shift as plain data: the old and new claims stating the cell, its actor and issue.
ShiftData: TypeAlias = tuple[Claim | None, Claim | None, str, str]


class Changes(NamedTuple):
    """A diff's claim changes as plain tuples."""

    changed: tuple[tuple[Claim, Claim], ...]
    removed: tuple[Claim, ...]
    added: tuple[Claim, ...]
    shifts: tuple[ShiftData, ...]


class ClaimData:
    """A diff's claim changes, made into plain tuples on first use.

    :func:`diff` finds changes as row numbers of the two matrices' columns; turning them
    into claims waits until something reads them, so a diff of a million votes costs
    only the comparison until it is looked at.
    """

    __slots__ = ("_make", "_value", "empty")

    def __init__(
        self,
        *,
        value: Changes | None = None,
        make: Callable[[], Changes] | None = None,
        empty: bool,
    ) -> None:
        self._value = value
        self._make = make
        self.empty = empty

    def get(self) -> Changes:
        """The changes, made on first use."""
        if self._value is None:
            assert self._make is not None
            self._value = self._make()
            self._make = None
        return self._value

    def invert(self) -> ClaimData:
        """The same changes the other way round (made when first read)."""

        def make() -> Changes:
            changes = self.get()
            return Changes(
                tuple((new, old) for old, new in changes.changed),
                changes.added,
                changes.removed,
                tuple((new, old, actor, issue) for old, new, actor, issue in changes.shifts),
            )

        return ClaimData(make=make, empty=self.empty)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle the changes themselves (made now if need be), never the closure.
        return (_claim_data, (self.get(), self.empty))


def _claim_data(value: Changes, empty: bool) -> ClaimData:
    return ClaimData(value=value, empty=empty)


class MatrixDiff:
    """What changed from one matrix to another; also a patch that makes the change.

    Build one with :func:`diff` (or :meth:`StanceMatrix.changes`, or :func:`read_diff`).
    A diff is an immutable value: two diffs are equal when they hold the same changes.
    It is false when it holds no change.
    """

    __slots__ = (
        "_actors",
        "_claim_cache",
        "_data",
        "_hash",
        "_issues",
        "_metadata",
        "_options",
        "_orders",
        "_scale",
        "_shift_cache",
        "_sources",
        "_unpaired",
    )

    _scale: Scale
    _actors: tuple[EntityChange, ...]
    _issues: tuple[EntityChange, ...]
    _sources: tuple[EntityChange, ...]
    _orders: tuple[tuple[Part, tuple[str, ...], tuple[str, ...]], ...]
    _metadata: tuple[MetadataChange, ...]
    _data: ClaimData
    _unpaired: frozenset[tuple[str, str]]
    _options: tuple[tuple[str, bool], ...]
    _claim_cache: tuple[ClaimChange, ...] | None
    _shift_cache: tuple[StanceShift, ...] | None
    _hash: int | None

    def __init__(self) -> None:
        raise TypeError("build a MatrixDiff with stancematrix.diff() or read_diff()")

    @classmethod
    def _make(
        cls,
        *,
        scale: Scale,
        entities: Mapping[Part, Sequence[EntityChange]],
        orders: Iterable[tuple[Part, tuple[str, ...], tuple[str, ...]]],
        metadata: Iterable[MetadataChange],
        data: ClaimData,
        unpaired: Iterable[tuple[str, str]],
        options: Mapping[str, bool],
    ) -> MatrixDiff:
        self = object.__new__(cls)
        self._scale = scale
        self._actors = tuple(entities.get("actor", ()))
        self._issues = tuple(entities.get("issue", ()))
        self._sources = tuple(entities.get("source", ()))
        self._orders = tuple(sorted(orders, key=lambda o: PARTS.index(o[0])))
        self._metadata = tuple(sorted(metadata, key=lambda m: m.key))
        self._data = data
        self._unpaired = frozenset(unpaired)
        self._options = tuple(sorted((k, bool(v)) for k, v in options.items()))
        self._claim_cache = None
        self._shift_cache = None
        self._hash = None
        return self

    # -- reading ----------------------------------------------------------------------

    @property
    def _changed(self) -> tuple[tuple[Claim, Claim], ...]:
        return self._data.get().changed

    @property
    def _removed(self) -> tuple[Claim, ...]:
        return self._data.get().removed

    @property
    def _added(self) -> tuple[Claim, ...]:
        return self._data.get().added

    @property
    def _shifts(self) -> tuple[ShiftData, ...]:
        return self._data.get().shifts

    @property
    def scale(self) -> Scale:
        """The scale both matrices are on."""
        return self._scale

    @property
    def actors(self) -> tuple[EntityChange, ...]:
        """Actors added, removed, renamed or changed, in declaration order."""
        return self._actors

    @property
    def issues(self) -> tuple[EntityChange, ...]:
        """Issues added, removed, renamed or changed, in declaration order."""
        return self._issues

    @property
    def sources(self) -> tuple[EntityChange, ...]:
        """Sources added, removed, renamed or changed, in declaration order."""
        return self._sources

    @property
    def reordered(self) -> tuple[str, ...]:
        """The parts whose declared order of the entries kept on both sides changed.

        Some of ``"actor"``, ``"issue"`` and ``"source"``.
        """
        return tuple(part for part, _, _ in self._orders)

    @property
    def metadata(self) -> tuple[MetadataChange, ...]:
        """Metadata entries added, removed or changed, by key."""
        return self._metadata

    @property
    def options(self) -> Mapping[str, bool]:
        """The comparison options the diff was made with (``stance_only`` …)."""
        return dict(self._options)

    @property
    def unpaired(self) -> tuple[tuple[str, str], ...]:
        """The (actor, issue) cells where removed and added claims could not be paired."""
        return tuple(sorted(self._unpaired))

    @property
    def claims(self) -> tuple[ClaimChange, ...]:
        """Every claim change, cell by cell (by actor and issue key).

        In each cell: removed claims, then changed, then added, each by date and source.
        """
        if self._claim_cache is None:
            scale = self._scale
            rows: list[tuple[tuple[Any, ...], ClaimChange]] = []
            unpaired = self._unpaired
            for claim in self._removed:
                change = ClaimChange(to_position(claim), None, None, None, claim[:2] in unpaired)
                rows.append(((claim[0], claim[1], 0, claim_order(claim)), change))
            for old, new in self._changed:
                kind, size = shift_kind(scale, old[3], new[3])
                change = ClaimChange(to_position(old), to_position(new), kind, size)
                rows.append(((new[0], new[1], 1, claim_order(old)), change))
            for claim in self._added:
                change = ClaimChange(None, to_position(claim), None, None, claim[:2] in unpaired)
                rows.append(((claim[0], claim[1], 2, claim_order(claim)), change))
            rows.sort(key=operator.itemgetter(0))
            self._claim_cache = tuple(change for _, change in rows)
        return self._claim_cache

    @property
    def shifts(self) -> tuple[StanceShift, ...]:
        """Every cell whose stated stance moved, by actor and issue key."""
        if self._shift_cache is None:
            shifts = []
            for old, new, actor, issue in sorted(self._shifts, key=lambda s: s[2:]):
                kind, size = shift_kind(
                    self._scale, None if old is None else old[3], None if new is None else new[3]
                )
                if kind is None:  # pragma: no cover - only shifts are stored
                    continue
                shifts.append(
                    StanceShift(
                        actor,
                        issue,
                        kind,
                        size,
                        None if old is None else to_position(old),
                        None if new is None else to_position(new),
                    )
                )
            self._shift_cache = tuple(shifts)
        return self._shift_cache

    def counts(self) -> dict[str, int]:
        """How many changes of each kind (see :data:`CHANGE_KINDS`), zeros included.

        Entity, metadata and claim changes are counted once each; ``cells unpaired``
        counts :attr:`unpaired`; the shift kinds count :attr:`shifts` by kind.
        """
        counts = dict.fromkeys(CHANGE_KINDS, 0)
        for name, entities in (
            ("actors", self._actors),
            ("issues", self._issues),
            ("sources", self._sources),
        ):
            for entity in entities:
                counts[f"{name} {entity.change}"] += 1
        counts["metadata changed"] = len(self._metadata)
        counts["claims added"] = len(self._added)
        counts["claims removed"] = len(self._removed)
        counts["claims changed"] = len(self._changed)
        counts["cells unpaired"] = len(self._unpaired)
        scale = self._scale
        labels = scale.labels
        table = {
            (old, new): shift_kind(scale, old, new)[0]
            for old in (None, *labels)
            for new in (None, *labels)
        }
        for old, new, _, _ in self._shifts:
            kind = table[None if old is None else old[3], None if new is None else new[3]]
            if kind is not None:
                counts[kind] += 1
        return counts

    def summary(self) -> str:
        """One line of the non-zero counts, like ``"2 claims changed, 1 reversed"``.

        A reordering of the entries kept on both sides is named too (``"actors
        reordered"``), so the summary is ``"no changes"`` exactly when the diff is false.
        """
        parts = [
            f"{n} {kind.replace('s ', ' ', 1) if n == 1 and kind.split()[0] in PLURALS else kind}"
            for kind, n in self.counts().items()
            if n
        ]
        parts += [f"{part}s reordered" for part in self.reordered]
        return ", ".join(parts) if parts else "no changes"

    def __bool__(self) -> bool:
        """Whether :meth:`apply` would change anything.

        True for any entry, metadata or claim change, and for a reordering of actors,
        issues or sources (which :meth:`summary` names too). This is what ``stancematrix
        diff --fail-if-diff`` tests: it exits 1 exactly when the diff is true, and the
        summary then names at least one change.
        """
        return bool(
            self._actors
            or self._issues
            or self._sources
            or self._orders
            or self._metadata
            or not self._data.empty
        )

    # -- patching ---------------------------------------------------------------------

    def invert(self) -> MatrixDiff:
        """The diff that undoes this one: ``d.invert().apply(d.apply(old)) == old``."""
        return MatrixDiff._make(
            scale=self._scale,
            entities={
                "actor": [e.invert() for e in self._actors],
                "issue": [e.invert() for e in self._issues],
                "source": [e.invert() for e in self._sources],
            },
            orders=[(part, new, old) for part, old, new in self._orders],
            metadata=[MetadataChange(m.key, m.new, m.old) for m in self._metadata],
            data=self._data.invert(),
            unpaired=self._unpaired,
            options=dict(self._options),
        )

    def apply(self, matrix: F) -> F:
        """Make on *matrix* the changes this diff records; ``diff(a, b).apply(a) == b``.

        With options, ``diff(a, b, **options).apply(a)`` is *b* as the options see it:
        ``diff(patched, b, **options)`` is empty; see :func:`stancematrix.diff` for
        what each option and selection keeps from *a*.

        *matrix* must hold what the diff's old side holds wherever the diff changes
        something (the same scale, the removed and changed entries and claims, no entry
        or claim the diff adds); everything else is carried over unchanged, like a patch
        with context. Nothing is built until every change has been checked.

        Raises:
            PatchConflictError: If *matrix* does not match the diff's old side; the error
                names the cell, entry or metadata key.
        """
        store = store_of(matrix)
        data = self._data.get()
        new = patch(
            store,
            scale=self._scale,
            entities={"actor": self._actors, "issue": self._issues, "source": self._sources},
            orders=self._orders,
            metadata=self._metadata,
            removed=data.removed,
            changed=data.changed,
            added=data.added,
        )
        return face(matrix, new)

    # -- output -----------------------------------------------------------------------

    def to_json(self, *, indent: int | None = 2) -> str:
        """This diff as a versioned JSON document that :func:`read_diff` reads back equal."""
        return registry.render(self, "json", kind="diff", indent=indent)

    def to_text(
        self,
        *,
        kinds: Iterable[str] | None = None,
        stance_only: bool = False,
        tablefmt: str = "simple",
        width: int | None = None,
    ) -> str:
        """A plain-text report for a terminal: a summary line, then a table per section.

        Args:
            kinds: Show only these kinds (names from :data:`CHANGE_KINDS`, or ``added``,
                ``removed``, ``changed``, ``renamed`` for every part); all if None.
            stance_only: Show only stance shifts and the claim changes that moved a stance.
            tablefmt: The table format: one of those ``StanceMatrix.to_text`` accepts
                (``"simple"``, ``"grid"``, ``"github"`` …); others are refused.
            width: The widest a line may be, in terminal cells (default: the
                terminal's width, 80 when there is none); plain-text tables fit it as
                ``StanceMatrix.to_text``'s do.

        Control characters in the data are made visible, so text cannot restyle or
        move the terminal's cursor.
        """
        return registry.render(
            self,
            "text",
            kind="diff",
            kinds=kinds,
            stance_only=stance_only,
            tablefmt=tablefmt,
            width=width,
        )

    def to_markdown(self, *, kinds: Iterable[str] | None = None, stance_only: bool = False) -> str:
        """A Markdown report: a summary line, then a table per kind (see :meth:`to_text`)."""
        return registry.render(self, "markdown", kind="diff", kinds=kinds, stance_only=stance_only)

    def to_csv(self, *, kinds: Iterable[str] | None = None, stance_only: bool = False) -> str:
        """One CSV row per field of each change (see :meth:`to_text` for the options).

        Columns: ``record`` (the change's number: its rows share it), ``part`` (shift,
        claim, actor, issue, source or metadata), ``change``, ``actor``, ``issue``,
        ``key`` (of an entry or metadata), ``field``, ``old``, ``new``, ``kind`` and
        ``size`` (of a stance move). A changed claim or entry has a row per changed
        field; an added or removed one a row per field it has. Cells a spreadsheet
        would run as a formula get a leading ``'``.
        """
        return registry.render(self, "csv", kind="diff", kinds=kinds, stance_only=stance_only)

    def to_html(self, *, kinds: Iterable[str] | None = None, stance_only: bool = False) -> str:
        """An HTML fragment: a summary paragraph and a table per kind, text escaped."""
        return registry.render(self, "html", kind="diff", kinds=kinds, stance_only=stance_only)

    def _repr_html_(self) -> str:
        """Jupyter's view: :meth:`to_html`, or only the summary past :data:`PREVIEW_CHANGES`."""
        size = sum(  # the changes themselves; the shift kinds classify claim changes
            n for kind, n in self.counts().items() if kind.split()[0] in _PARTS_COUNTED
        )
        if size <= PREVIEW_CHANGES:
            return self.to_html()
        return (
            f"<p><strong>{html.escape(self.summary())}</strong></p>\n"
            f"<p><em>{size} changes, more than a notebook shows at once: "
            "<code>to_html()</code> draws them all, <code>to_html(stance_only=True)</code> "
            "the stance shifts.</em></p>\n"
        )

    # -- value semantics --------------------------------------------------------------

    def _key(self) -> tuple[Any, ...]:
        return (
            self._scale,
            frozenset(self._actors),
            frozenset(self._issues),
            frozenset(self._sources),
            self._orders,
            self._metadata,
            frozenset(self._changed),
            frozenset(self._removed),
            frozenset(self._added),
            self._unpaired,
            frozenset(self._shifts),
            self._options,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MatrixDiff):
            return NotImplemented
        return self is other or self._key() == other._key()

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(self._key())
        return self._hash

    def __repr__(self) -> str:
        return f"<MatrixDiff: {self.summary()}>"


def make(
    *,
    scale: Scale,
    entities: Mapping[Part, Sequence[EntityChange]],
    orders: Iterable[tuple[Part, tuple[str, ...], tuple[str, ...]]],
    metadata: Iterable[MetadataChange],
    data: ClaimData,
    unpaired: Iterable[tuple[str, str]],
    options: Mapping[str, bool],
) -> MatrixDiff:
    """A diff of these changes (for the diff engine and the readers of diff documents)."""
    return MatrixDiff._make(
        scale=scale,
        entities=entities,
        orders=orders,
        metadata=metadata,
        data=data,
        unpaired=unpaired,
        options=options,
    )


def changes(diff: MatrixDiff) -> Changes:
    """A diff's claim changes and stance shifts as plain tuples."""
    return diff._data.get()


def orders(diff: MatrixDiff) -> tuple[tuple[Part, tuple[str, ...], tuple[str, ...]], ...]:
    """Each part whose order changed, with its old and new order of keys."""
    return diff._orders
