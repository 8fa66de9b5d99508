"""Diff and patch: what changed between two matrices, stance-aware and reversible.

:func:`diff` compares two matrices on the same scale and returns a :class:`MatrixDiff`:
the actors, issues and sources added, removed or changed, metadata changes, the claims
added, removed or changed field by field, and for every cell whose stated stance moved a
:class:`StanceShift` of one kind — reversed, hardened, softened, became known or became
unknown — with the size of the move on the scale.

The pairing rule, applied cell by cell (one actor, one issue):

1. A claim present in both matrices (equal in every compared field) is unchanged.
2. Of the rest, an old and a new claim with the same source and date are paired as one
   changed claim when each is the only one left with that source and date on its side.
3. If then exactly one old and one new claim are left in the cell, they are paired as one
   changed claim even though their source or date differ: that is what a cell looks
   like between two snapshots in time.
4. Anything still left is reported as removed (old) and added (new); when both sides of a
   cell have such claims the cell is listed in :attr:`MatrixDiff.unpaired`, so a change
   that could not be paired uniquely is never silently shown as an unrelated removal and
   addition, nor paired by guesswork.

A cell's stance, for :class:`StanceShift`, is the one claim :meth:`StanceMatrix.position`
picks (the latest dated claim; ties go to the first-ranked source).

A diff is a patch: :meth:`MatrixDiff.apply` turns the old matrix into the new one,
:meth:`MatrixDiff.invert` swaps the sides, and applying a diff to a matrix that does not
hold what the diff's old side holds raises :class:`~stancematrix.exceptions.PatchConflictError`
naming the cell, before anything is built.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple, TypeAlias, cast

import attrs

from ._dates import _encode
from ._io import read_text
from ._json import _ACTOR, _CLAIM, _ISSUE, _SOURCE, _compact, _Decoder, _document, _kind, _Reader
from ._matrix import StanceMatrix, _Located, _period
from ._model import Actor, Issue, Position, Source
from ._scale import Scale
from ._shifts import classify
from .exceptions import InvalidValueError, PatchConflictError, ReadError, StanceMatrixError

if TYPE_CHECKING:
    from ._io import Input

__all__ = [
    "CHANGE_KINDS",
    "SHIFT_KINDS",
    "ClaimChange",
    "EntityChange",
    "MatrixDiff",
    "MetadataChange",
    "StanceShift",
    "diff",
    "read_diff",
]

ShiftKind: TypeAlias = Literal["reversed", "hardened", "softened", "became known", "became unknown"]
#: The kinds of stance shift, in the order summaries list them.
SHIFT_KINDS: Final[tuple[ShiftKind, ...]] = (
    "reversed",
    "hardened",
    "softened",
    "became known",
    "became unknown",
)
#: Every kind a summary counts, in order: entity, metadata and claim changes, then shifts.
CHANGE_KINDS: Final[tuple[str, ...]] = (
    "actors added",
    "actors removed",
    "actors renamed",
    "actors changed",
    "issues added",
    "issues removed",
    "issues renamed",
    "issues changed",
    "sources added",
    "sources removed",
    "sources renamed",
    "sources changed",
    "metadata changed",
    "claims added",
    "claims removed",
    "claims changed",
    "cells unpaired",
    *SHIFT_KINDS,
)

_PLURALS: Final = frozenset({"actors", "issues", "sources", "claims", "cells"})
Part: TypeAlias = Literal["actor", "issue", "source"]
Entity: TypeAlias = Actor | Issue | Source
_PARTS: Final[tuple[Part, ...]] = ("actor", "issue", "source")
# The field that names an entity: a change to it is a rename.
_NAME_FIELD: Final = {"actor": "name", "issue": "title", "source": "title"}

# One claim as plain data: actor key, issue key, source id, stance label, encoded start and
# end, summary, quote, note. Positions are made from these only when asked for.
_Claim: TypeAlias = tuple[str, str, str, str, int, int, str | None, str | None, str | None]


def _to_position(claim: _Claim) -> Position:
    actor, issue, source, stance, start, end, summary, quote, note = claim
    return Position(
        actor=actor,
        issue=issue,
        stance=stance,
        source=source,
        summary=summary,
        quote=quote,
        date=_period(start, end),
        note=note,
    )


def _from_position(claim: Position) -> _Claim:
    date = claim.date
    return (
        claim.actor,
        claim.issue,
        claim.source,
        claim.stance,
        _encode(date.start) if date is not None else 0,
        _encode(date.end) if date is not None else 0,
        claim.summary,
        claim.quote,
        claim.note,
    )


def _claim_order(claim: _Claim) -> tuple[Any, ...]:
    return (
        claim[4],
        claim[5],
        claim[2],
        claim[3],
        *((text is not None, text or "") for text in claim[6:]),
    )


def shift_kind(
    scale: Scale, old: str | None, new: str | None
) -> tuple[ShiftKind | None, float | None]:
    """How a stance moved from *old* to *new* on *scale*, and by how much.

    ``None`` (no claim) counts like the scale's unknown label. Reversed: the stance
    crossed the neutral point (the scale's midpoint) from one side to the other.
    Hardened: it moved away from the neutral point on the same side (or from it).
    Softened: it moved towards the neutral point (or onto it). Became known / unknown:
    from no value to a value and back. The size is the distance moved on the scale
    (None when a stance became known or unknown). Returns ``(None, None)`` when the
    value did not change. This is :func:`stancematrix._shifts.classify`, the rule the
    queries' stance shifts use, in the diff's types.
    """
    found = classify(scale, old, new)
    if found is None:
        return None, None
    kind, size = found
    return cast("ShiftKind", kind), size


# -- result values --------------------------------------------------------------------------


@attrs.frozen
class EntityChange:
    """An actor, issue or source added, removed or changed (keys are identities).

    Attributes:
        part: ``"actor"``, ``"issue"`` or ``"source"``.
        old: The entry in the old matrix; None if it was added.
        new: The entry in the new matrix; None if it was removed.
        index: For an added entry its position in the new matrix's declarations, for a
            removed one its position in the old matrix's; None for a changed one.
    """

    part: Part
    old: Entity | None
    new: Entity | None
    index: int | None = None

    @property
    def key(self) -> str:
        """The key (for a source, the id) the entry has on both sides."""
        return _entity_key(self.new if self.new is not None else self.old)

    @property
    def fields(self) -> tuple[str, ...]:
        """The names of the fields whose values differ (empty if added or removed)."""
        if self.old is None or self.new is None:
            return ()
        return tuple(
            field.name
            for field in attrs.fields(type(self.old))
            if getattr(self.old, field.name) != getattr(self.new, field.name)
        )

    @property
    def change(self) -> str:
        """``"added"``, ``"removed"``, ``"renamed"`` or ``"changed"``.

        Renamed: its name (for an issue or source, its title) changed, the key kept;
        changed: another field changed.
        """
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "renamed" if _NAME_FIELD[self.part] in self.fields else "changed"

    def invert(self) -> EntityChange:
        """The same change the other way round."""
        return EntityChange(self.part, self.new, self.old, self.index)


@attrs.frozen
class MetadataChange:
    """One metadata entry added, removed or changed.

    Attributes:
        key: The metadata key.
        old: Its value in the old matrix; None if added.
        new: Its value in the new matrix; None if removed.
    """

    key: str
    old: str | None
    new: str | None


@attrs.frozen
class ClaimChange:
    """A claim added, removed, or changed (an old and a new claim paired).

    Attributes:
        old: The old claim; None if added.
        new: The new claim; None if removed.
        kind: For a changed claim whose stance moved, how (see :func:`shift_kind`).
        size: How far the stance moved on the scale (None if it did not, or for
            became known / unknown).
        unpaired: True for an added or removed claim in a cell where claims on both
            sides could not be paired (see the pairing rule in the module docs).
    """

    old: Position | None
    new: Position | None
    kind: ShiftKind | None = None
    size: float | None = None
    unpaired: bool = False

    @property
    def actor(self) -> str:
        """The actor's key."""
        return self._claim.actor

    @property
    def issue(self) -> str:
        """The issue's key."""
        return self._claim.issue

    @property
    def _claim(self) -> Position:
        claim = self.new if self.new is not None else self.old
        assert claim is not None
        return claim

    @property
    def change(self) -> str:
        """``"added"``, ``"removed"`` or ``"changed"``."""
        if self.old is None:
            return "added"
        return "removed" if self.new is None else "changed"

    @property
    def fields(self) -> tuple[str, ...]:
        """For a changed claim, the fields that differ.

        Of stance, summary, source, quote, date and note, in that order.
        """
        if self.old is None or self.new is None:
            return ()
        return tuple(
            name
            for name in ("stance", "summary", "source", "quote", "date", "note")
            if getattr(self.old, name) != getattr(self.new, name)
        )


@attrs.frozen
class StanceShift:
    """A cell whose stated stance moved: the claim that stated it on each side.

    Attributes:
        actor: The actor's key.
        issue: The issue's key.
        kind: Reversed, hardened, softened, became known or became unknown.
        size: The distance moved on the scale (None for became known / unknown).
        old: The claim stating the cell's stance in the old matrix (None if none did).
        new: The claim stating it in the new matrix (None if none does).
    """

    actor: str
    issue: str
    kind: ShiftKind
    size: float | None
    old: Position | None
    new: Position | None


# -- the diff -----------------------------------------------------------------------------

_ShiftData: TypeAlias = tuple[_Claim | None, _Claim | None, str, str]  # old, new, cell


class _Changes(NamedTuple):
    changed: tuple[tuple[_Claim, _Claim], ...]
    removed: tuple[_Claim, ...]
    added: tuple[_Claim, ...]
    shifts: tuple[_ShiftData, ...]


class _ClaimData:
    """A diff's claim changes, made into plain tuples on first use.

    :func:`diff` finds changes as row numbers of the two matrices' columns; turning them
    into claims waits until something reads them, so a diff of a million votes costs
    only the comparison until it is looked at.
    """

    __slots__ = ("_make", "_value", "empty")

    def __init__(
        self,
        *,
        value: _Changes | None = None,
        make: Callable[[], _Changes] | None = None,
        empty: bool,
    ) -> None:
        self._value = value
        self._make = make
        self.empty = empty

    def get(self) -> _Changes:
        if self._value is None:
            assert self._make is not None
            self._value = self._make()
            self._make = None
        return self._value

    def invert(self) -> _ClaimData:
        def make() -> _Changes:
            changes = self.get()
            return _Changes(
                tuple((new, old) for old, new in changes.changed),
                changes.added,
                changes.removed,
                tuple((new, old, actor, issue) for old, new, actor, issue in changes.shifts),
            )

        return _ClaimData(make=make, empty=self.empty)


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
    _data: _ClaimData
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
        data: _ClaimData,
        unpaired: Iterable[tuple[str, str]],
        options: Mapping[str, bool],
    ) -> MatrixDiff:
        self = object.__new__(cls)
        self._scale = scale
        self._actors = tuple(entities.get("actor", ()))
        self._issues = tuple(entities.get("issue", ()))
        self._sources = tuple(entities.get("source", ()))
        self._orders = tuple(sorted(orders, key=lambda o: _PARTS.index(o[0])))
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
    def _changed(self) -> tuple[tuple[_Claim, _Claim], ...]:
        return self._data.get().changed

    @property
    def _removed(self) -> tuple[_Claim, ...]:
        return self._data.get().removed

    @property
    def _added(self) -> tuple[_Claim, ...]:
        return self._data.get().added

    @property
    def _shifts(self) -> tuple[_ShiftData, ...]:
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
                change = ClaimChange(_to_position(claim), None, None, None, claim[:2] in unpaired)
                rows.append(((claim[0], claim[1], 0, _claim_order(claim)), change))
            for old, new in self._changed:
                kind, size = shift_kind(scale, old[3], new[3])
                change = ClaimChange(_to_position(old), _to_position(new), kind, size)
                rows.append(((new[0], new[1], 1, _claim_order(old)), change))
            for claim in self._added:
                change = ClaimChange(None, _to_position(claim), None, None, claim[:2] in unpaired)
                rows.append(((claim[0], claim[1], 2, _claim_order(claim)), change))
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
                        None if old is None else _to_position(old),
                        None if new is None else _to_position(new),
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
        """One line of the non-zero counts, like ``"2 claims changed, 1 reversed"``."""
        parts = [
            f"{n} {kind.replace('s ', ' ', 1) if n == 1 and kind.split()[0] in _PLURALS else kind}"
            for kind, n in self.counts().items()
            if n
        ]
        return ", ".join(parts) if parts else "no changes"

    def __bool__(self) -> bool:
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

    def apply(self, matrix: StanceMatrix) -> StanceMatrix:
        """Make on *matrix* the changes this diff records; ``diff(a, b).apply(a) == b``.

        *matrix* must hold what the diff's old side holds wherever the diff changes
        something (the same scale, the removed and changed entries and claims, no entry
        or claim the diff adds); everything else is carried over unchanged, like a patch
        with context. Nothing is built until every change has been checked.

        Raises:
            PatchConflictError: If *matrix* does not match the diff's old side; the error
                names the cell, entry or metadata key.
        """
        return _apply(self, matrix)

    # -- output -----------------------------------------------------------------------

    def to_json(self, *, indent: int | None = 2) -> str:
        """This diff as a versioned JSON document that :func:`read_diff` reads back equal."""
        return _to_json(self, indent=indent)

    def to_text(
        self,
        *,
        kinds: Iterable[str] | None = None,
        stance_only: bool = False,
        tablefmt: str = "simple",
    ) -> str:
        """A plain-text report for a terminal: a summary line, then a table per section.

        Args:
            kinds: Show only these kinds (names from :data:`CHANGE_KINDS`, or ``added``,
                ``removed``, ``changed``, ``renamed`` for every part); all if None.
            stance_only: Show only stance shifts and the claim changes that moved a stance.
            tablefmt: The table format, handed to :func:`tabulate.tabulate`
                (``"simple"``, ``"grid"``, ``"github"`` …).

        Control characters in the data are made visible, so text cannot restyle or
        move the terminal's cursor.
        """
        from ._diff_render import to_text

        return to_text(self, kinds=kinds, stance_only=stance_only, tablefmt=tablefmt)

    def to_markdown(self, *, kinds: Iterable[str] | None = None, stance_only: bool = False) -> str:
        """A Markdown report: a summary line, then a table per kind (see :meth:`to_text`)."""
        from ._diff_render import to_markdown

        return to_markdown(self, kinds=kinds, stance_only=stance_only)

    def to_csv(self, *, kinds: Iterable[str] | None = None, stance_only: bool = False) -> str:
        """One CSV row per field of each change (see :meth:`to_text` for the options).

        Columns: ``record`` (the change's number: its rows share it), ``part`` (shift,
        claim, actor, issue, source or metadata), ``change``, ``actor``, ``issue``,
        ``key`` (of an entry or metadata), ``field``, ``old``, ``new``, ``kind`` and
        ``size`` (of a stance move). A changed claim or entry has a row per changed
        field; an added or removed one a row per field it has. Cells a spreadsheet
        would run as a formula get a leading ``'``.
        """
        from ._diff_render import to_csv

        return to_csv(self, kinds=kinds, stance_only=stance_only)

    def to_html(self, *, kinds: Iterable[str] | None = None, stance_only: bool = False) -> str:
        """An HTML fragment: a summary paragraph and a table per kind, text escaped."""
        from ._diff_render import to_html

        return to_html(self, kinds=kinds, stance_only=stance_only)

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


# -- computing a diff ---------------------------------------------------------------------


def _entity_key(entity: Entity | None) -> str:
    if isinstance(entity, Source):
        return entity.id
    assert entity is not None
    return entity.key


def _entity_changes(
    part: Part, old: Sequence[Entity], new: Sequence[Entity], keep: Callable[[str], bool]
) -> tuple[list[EntityChange], tuple[Part, tuple[str, ...], tuple[str, ...]] | None]:
    if tuple(old) == tuple(new):  # the same entries (identical objects compare at once)
        return [], None
    old_keys = [_entity_key(e) for e in old]
    new_keys = [_entity_key(e) for e in new]
    old_at = {k: i for i, k in enumerate(old_keys)}
    new_at = {k: i for i, k in enumerate(new_keys)}
    changes: list[tuple[int, EntityChange]] = []
    for i, (key, entity) in enumerate(zip(old_keys, old, strict=True)):
        if not keep(key):
            continue
        j = new_at.get(key)
        if j is None:
            changes.append((i, EntityChange(part, entity, None, i)))
        elif new[j] != entity:
            changes.append((j, EntityChange(part, entity, new[j])))
    changes.extend(
        (j, EntityChange(part, None, entity, j))
        for j, (key, entity) in enumerate(zip(new_keys, new, strict=True))
        if key not in old_at and keep(key)
    )
    changes.sort(key=lambda c: (c[0], c[1].old is None))
    kept_old = [k for k in old_keys if k in new_at]
    kept_new = [k for k in new_keys if k in old_at]
    order = None
    if kept_old != kept_new and all(map(keep, kept_old)):
        order = (part, tuple(old_keys), tuple(new_keys))
    return [c for _, c in changes], order


def _normaliser(ignore_case: bool, ignore_whitespace: bool) -> Callable[[str | None], Any]:
    space = re.compile(r"\s+")

    def normal(text: str | None) -> Any:
        if text is None:
            return None
        if ignore_whitespace:
            text = space.sub(" ", text).strip()
        if ignore_case:
            text = text.casefold()
        return text

    return normal


class _Side:
    """One matrix seen through the diff's unified actor and issue codes."""

    def __init__(
        self,
        matrix: StanceMatrix,
        actor_code: Mapping[str, int],
        issue_code: Mapping[str, int],
        bits: int,
    ) -> None:
        self.m = matrix
        a_map = [actor_code[a.key] for a in matrix.actors]
        i_map = [issue_code[i.key] for i in matrix.issues]
        self._maps = a_map, i_map
        self._bits = bits
        #: True when the unified codes are the matrix's own.
        self.same_codes = a_map == list(range(len(a_map))) and i_map == list(range(len(i_map)))
        #: True when the unified codes keep the matrix's order, so cells are ascending.
        self.ascending = all(map(operator.lt, a_map, a_map[1:])) and all(
            map(operator.lt, i_map, i_map[1:])
        )
        self.actor_keys = [a.key for a in matrix.actors]
        self.issue_keys = [i.key for i in matrix.issues]
        self.source_ids = [s.id for s in matrix.sources]

    @functools.cached_property
    def cell(self) -> list[int]:
        """One integer per row naming its cell in the unified codes."""
        actor, issue = self.m._actor, self.m._issue
        a_map, i_map = self._maps
        if a_map != list(range(len(a_map))):
            actor = array("i", map(a_map.__getitem__, actor))
        if i_map != list(range(len(i_map))):
            issue = array("i", map(i_map.__getitem__, issue))
        return _pack(actor, issue, self._bits)

    def cell_keys(self, row: int) -> tuple[str, str]:
        """The actor and issue keys of a row."""
        return self.actor_keys[self.m._actor[row]], self.issue_keys[self.m._issue[row]]


class _Names(NamedTuple):
    actors: list[str]
    issues: list[str]
    sources: list[str]
    labels: tuple[str, ...]


def _names(matrix: StanceMatrix) -> _Names:
    return _Names(
        [a.key for a in matrix.actors],
        [i.key for i in matrix.issues],
        [s.id for s in matrix.sources],
        matrix.scale.labels,
    )


def _claims_of(
    matrix: StanceMatrix, rows: Sequence[int], names: _Names | None = None
) -> list[_Claim]:
    """Rows of *matrix* as plain claim tuples."""
    text = matrix._text
    none = (None, None, None)
    actors, issues, sources, labels = names if names is not None else _names(matrix)
    return [
        (a, i, s, st, b, e, *text.get(n, none))
        for n, a, i, s, st, b, e in zip(
            rows,
            map(actors.__getitem__, map(matrix._actor.__getitem__, rows)),
            map(issues.__getitem__, map(matrix._issue.__getitem__, rows)),
            map(sources.__getitem__, map(matrix._source.__getitem__, rows)),
            map(labels.__getitem__, map(matrix._stance.__getitem__, rows)),
            map(matrix._start.__getitem__, rows),
            map(matrix._end.__getitem__, rows),
            strict=True,
        )
    ]


def _top(matrix: StanceMatrix, lo: int, hi: int) -> int:
    """The row :meth:`StanceMatrix.position` picks among rows ``lo:hi`` (-1 if none)."""
    if hi - lo == 1:
        return lo
    rows = matrix._latest(lo, hi, 99999999)
    return min(rows, key=matrix._source.__getitem__, default=-1)


def _pack(actor: array[int], issue: array[int], bits: int) -> list[int]:
    """One integer per row naming its cell, ``actor << bits | issue``, in row order.

    *bits* is just wide enough for every issue code, so the integers stay small and
    their low bits (which a set's hash table uses) vary with both actor and issue.
    """
    return list(map(operator.or_, map(operator.lshift, actor, itertools.repeat(bits)), issue))


def diff(
    old: StanceMatrix,
    new: StanceMatrix,
    *,
    stance_only: bool = False,
    ignore_case: bool = False,
    ignore_whitespace: bool = False,
    actors: Iterable[str] | None = None,
    issues: Iterable[str] | None = None,
) -> MatrixDiff:
    """What changed from *old* to *new*; see the module docs for the pairing rule.

    Args:
        old: The matrix before.
        new: The matrix after, on the same scale.
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
    for name, value in (("old", old), ("new", new)):
        if not isinstance(value, StanceMatrix):
            raise InvalidValueError(name, value, "must be a StanceMatrix")
    if old.scale != new.scale:
        raise InvalidValueError(
            "scale",
            new.scale.name,
            f"cannot diff matrices on different scales ({old.scale.name!r} and "
            f"{new.scale.name!r}, or scales of that name that differ)",
        )
    keep_actor = _chooser(actors, old.actor, new.actor)
    keep_issue = _chooser(issues, old.issue, new.issue)
    options = {
        "stance_only": stance_only,
        "ignore_case": ignore_case,
        "ignore_whitespace": ignore_whitespace,
    }
    entities: dict[Part, list[EntityChange]] = {}
    orders = []
    compared: tuple[tuple[Part, Callable[[str], bool], Sequence[Entity], Sequence[Entity]], ...] = (
        ("actor", keep_actor, old.actors, new.actors),
        ("issue", keep_issue, old.issues, new.issues),
        ("source", _keep_all, old.sources, new.sources),
    )
    for part, keep, old_entries, new_entries in compared:
        changes, order = _entity_changes(part, old_entries, new_entries, keep)
        entities[part] = changes
        if order is not None:
            orders.append(order)
    metadata = [
        MetadataChange(key, old.metadata.get(key), new.metadata.get(key))
        for key in sorted(set(old.metadata) | set(new.metadata))
        if old.metadata.get(key) != new.metadata.get(key)
    ]
    if actors is not None or issues is not None:
        metadata = []
    actor_code = _unify(a.key for a in (*old.actors, *new.actors))
    issue_code = _unify(i.key for i in (*old.issues, *new.issues))
    bits = max(len(issue_code) - 1, 1).bit_length()
    before = _Side(old, actor_code, issue_code, bits)
    after = _Side(new, actor_code, issue_code, bits)
    chosen: Callable[[str, str], bool] | None = None
    if actors is not None or issues is not None:

        def chosen(actor: str, issue: str) -> bool:
            return keep_actor(actor) and keep_issue(issue)

    normal = _normaliser(ignore_case, ignore_whitespace)
    rows = _compare(before, after, normal, stance_only, chosen)
    changed, removed, added, unpaired, shifts = rows
    del before, after  # the diff keeps the matrices and row numbers, not the cell keys

    def make() -> _Changes:
        return _Changes(
            tuple(
                zip(
                    _claims_of(old, [r for r, _ in changed]),
                    _claims_of(new, [r for _, r in changed]),
                    strict=True,
                )
            ),
            tuple(_claims_of(old, removed)),
            tuple(_claims_of(new, added)),
            _shift_claims(old, new, shifts),
        )

    return MatrixDiff._make(
        scale=old.scale,
        entities=entities,
        orders=orders,
        metadata=metadata,
        data=_ClaimData(make=make, empty=not (changed or removed or added)),
        unpaired=unpaired,
        options=options,
    )


def _keep_all(key: str) -> bool:
    return True


def _chooser(
    names: Iterable[str] | None, *lookups: Callable[[str], Actor | Issue]
) -> Callable[[str], bool]:
    """A test for keys named (by key or alias) in *names*, resolved in either matrix."""
    if names is None:
        return _keep_all
    if isinstance(names, str):
        names = [names]
    keys: set[str] = set()
    for name in names:
        found = []
        error: StanceMatrixError | None = None
        for lookup in lookups:
            try:
                found.append(lookup(name).key)
            except StanceMatrixError as e:
                error = e
        if not found:
            assert error is not None
            raise error
        keys.update(found)
    return keys.__contains__


def _unify(keys: Iterable[str]) -> dict[str, int]:
    codes: dict[str, int] = {}
    for key in keys:
        codes.setdefault(key, len(codes))
    return codes


Flags: TypeAlias = bytes  # one byte per row, 1 or 0
_Rows = tuple[
    list[tuple[int, int]],  # changed (old row, new row)
    list[int],  # removed old rows
    list[int],  # added new rows
    set[tuple[str, str]],  # unpaired cells
    list[tuple[int, int]],  # shifts: the old and new rows stating the cell (-1: none)
]


def _compare(
    before: _Side,
    after: _Side,
    normal: Callable[[str | None], Any],
    stance_only: bool,
    chosen: Callable[[str, str], bool] | None,
) -> _Rows:
    if before.m._cells.single and after.m._cells.single:
        return _compare_single(before, after, normal, stance_only, chosen)
    return _compare_cells(before, after, normal, stance_only, chosen)


def _compare_single(
    before: _Side,
    after: _Side,
    normal: Callable[[str | None], Any],
    stance_only: bool,
    chosen: Callable[[str, str], bool] | None,
) -> _Rows:
    """Both matrices hold at most one claim per cell: compare whole columns in bulk.

    Which cells each side fills is found from the cell indexes (or sets of packed cell
    numbers); the claims of the cells both sides fill are then compared column by column
    through iterators in C, so the Python-level work grows with the number of changes,
    not of claims, and no per-claim list is kept.
    """
    old, new = before.m, after.m
    n_old, n_new = len(old), len(new)
    in_new, in_old, removed, added = _membership(before, after)
    n_common = n_old if in_new is None else in_new.count(1)
    new_order: list[int] | None = None
    if in_new is not None and not (before.ascending and after.ascending):
        # The cells come in different orders: look each old cell up on the new side.
        where = dict(zip(after.cell, range(n_new), strict=True))
        new_order = list(map(where.__getitem__, itertools.compress(before.cell, in_new)))
        del where

    def old_common() -> Iterator[int]:
        """The old rows whose cell the new side fills, in order."""
        rows = range(n_old)
        return iter(rows) if in_new is None else itertools.compress(rows, in_new)

    def new_common() -> Iterator[int]:
        """The new rows pairing with :func:`old_common`, in the same order."""
        if new_order is not None:
            return iter(new_order)
        rows = range(n_new)
        return iter(rows) if in_old is None else itertools.compress(rows, in_old)

    unified = _unify([*before.source_ids, *after.source_ids])
    old_columns: list[array[int]] = []
    new_columns: list[array[int]] = []
    for name in ("_stance", "_source", "_start", "_end"):
        a: array[int] = getattr(old, name)
        b: array[int] = getattr(new, name)
        if name == "_source":
            a = _recode(a, [unified[k] for k in before.source_ids])
            b = _recode(b, [unified[k] for k in after.source_ids])
        if not _constant(a, b):
            old_columns.append(a)
            new_columns.append(b)
    # One flag per common cell: do the claims differ? Lanes are compared as they stream.
    flags: Iterator[bool] | None = None
    for a_lane, b_lane in zip(_lanes(old_columns), _lanes(new_columns), strict=True):
        left = iter(a_lane) if in_new is None else itertools.compress(a_lane, in_new)
        right: Iterator[int]
        if new_order is not None:
            right = map(b_lane.__getitem__, new_order)
        else:
            right = iter(b_lane) if in_old is None else itertools.compress(b_lane, in_old)
        differ = map(operator.ne, left, right)
        flags = differ if flags is None else map(operator.or_, flags, differ)
    if (old._text or new._text) and not stance_only:
        old_text, new_text = old._text, new._text
        none = (None, None, None)
        marked = bytearray(n_common) if flags is None else bytearray(flags)
        for k, r, s in zip(range(n_common), old_common(), new_common(), strict=True):
            if not marked[k] and (r in old_text or s in new_text):
                t1 = old_text.get(r, none)
                t2 = new_text.get(s, none)
                if t1 != t2 and tuple(map(normal, t1)) != tuple(map(normal, t2)):
                    marked[k] = 1
        flags = iter(map(bool, marked))
    changed: list[tuple[int, int]] = (
        []
        if flags is None
        else list(itertools.compress(zip(old_common(), new_common(), strict=True), flags))
    )
    if chosen is not None:
        changed = [(r, s) for r, s in changed if chosen(*before.cell_keys(r))]
        removed = [r for r in removed if chosen(*before.cell_keys(r))]
        added = [r for r in added if chosen(*after.cell_keys(r))]
    # A shift wherever the stance codes (the last code: no claim) make a kind.
    width = len(old.scale.labels) + 1
    moves = bytes(kind is not None for row in _kind_table(old.scale) for kind in row)
    o_stance, n_stance = old._stance, new._stance
    codes = map(
        operator.add,
        map(
            operator.mul,
            map(o_stance.__getitem__, [r for r, _ in changed]),
            itertools.repeat(width),
        ),
        map(n_stance.__getitem__, [s for _, s in changed]),
    )
    shifts = list(itertools.compress(changed, map(moves.__getitem__, codes)))
    unknown = width - 1
    shifts += [(r, -1) for r in removed if moves[o_stance[r] * width + unknown]]
    shifts += [(-1, s) for s in added if moves[unknown * width + n_stance[s]]]
    return changed, removed, added, set(), shifts


def _filled(offsets: array[int]) -> bytes:
    """One byte per cell of a single-claim dense cell index: 1 if it holds a claim, else 0.

    The offsets grow by 0 or 1 from cell to cell; subtracting the offsets from the offsets
    shifted by one, as two big integers, leaves those steps in place (no step borrows),
    so the whole computation runs in C.
    """
    raw = offsets.tobytes()
    size = offsets.itemsize
    steps = int.from_bytes(raw[size:], "little") - int.from_bytes(raw[:-size], "little")
    return steps.to_bytes(len(raw) - size, "little")[0::size]


_NOT: Final = bytes([1, 0]) + bytes(254)  # a translation table swapping the bytes 0 and 1
_ONE: Final = re.compile(b"\x01")


def _membership(
    before: _Side, after: _Side
) -> tuple[Flags | None, Flags | None, list[int], list[int]]:
    """For each row of one side, whether the other side has a claim in its cell.

    Also the rows whose cell only the old side fills (removed) and only the new side
    fills (added). The flags are ``None`` when both sides fill the same cells. Where both
    matrices keep a dense cell index over the same actors and issues, the filled cells
    are read off the two indexes in bulk; otherwise the cells are compared as sets of
    packed integers.
    """
    old_index, new_index = before.m._cells, after.m._cells
    old_dense, new_dense = old_index._dense, new_index._dense
    if (
        before.same_codes
        and after.same_codes
        and old_dense is not None
        and new_dense is not None
        and len(old_dense) == len(new_dense)
    ):
        old_filled, new_filled = _filled(old_dense), _filled(new_dense)
        if old_filled == new_filled:
            return None, None, [], []
        size = len(old_filled)
        old_bits = int.from_bytes(old_filled, "little")
        new_bits = int.from_bytes(new_filled, "little")
        both = (old_bits & new_bits).to_bytes(size, "little")
        # Cells one side fills alone are few: find them by scanning bytes, in C.
        only_old = (old_bits & ~new_bits).to_bytes(size, "little")
        only_new = (new_bits & ~old_bits).to_bytes(size, "little")
        return (
            bytes(itertools.compress(both, old_filled)),
            bytes(itertools.compress(both, new_filled)),
            [old_dense[m.start()] for m in _ONE.finditer(only_old)],
            [new_dense[m.start()] for m in _ONE.finditer(only_new)],
        )
    old_cells, new_cells = before.cell, after.cell
    if old_cells == new_cells:
        return None, None, [], []
    old_set, new_set = set(old_cells), set(new_cells)
    in_new = bytes(map(new_set.__contains__, old_cells))
    in_old = bytes(map(old_set.__contains__, new_cells))
    return (
        in_new,
        in_old,
        list(itertools.compress(range(len(old_cells)), in_new.translate(_NOT))),
        list(itertools.compress(range(len(new_cells)), in_old.translate(_NOT))),
    )


def _recode(column: array[int], codes: list[int]) -> array[int]:
    if codes == list(range(len(codes))):
        return column
    return array(column.typecode, map(codes.__getitem__, column))


def _constant(a: array[int], b: array[int]) -> bool:
    """Whether both columns hold one and the same value throughout (compared as bytes)."""
    if not a or not b or a[0] != b[0]:
        return not a and not b
    one = array(a.typecode, [a[0]]).tobytes()
    return a.tobytes() == one * len(a) and b.tobytes() == one * len(b)


def _lanes(columns: Sequence[array[int]]) -> list[memoryview]:
    """The columns' bytes packed side by side into as few 64-bit lanes as they fit.

    Two rows are equal in every column exactly when their lane values are equal, so one
    comparison per lane replaces one per column. The packing is byte-strided slice
    assignment, done in C.
    """
    lanes: list[bytearray] = []
    used = 8
    n = len(columns[0]) if columns else 0
    for column in columns:
        size = column.itemsize
        if used + size > 8:
            lanes.append(bytearray(8 * n))
            used = 0
        raw = column.tobytes()
        lane = lanes[-1]
        for byte in range(size):
            lane[used + byte :: 8] = raw[byte::size]
        used += size
    return [memoryview(lane).cast("Q") for lane in lanes]


def _kind_table(scale: Scale) -> list[list[ShiftKind | None]]:
    """``table[old][new]``: the shift kind between two stance codes (the last code: none)."""
    labels: list[str | None] = [*scale.labels, None]
    return [[shift_kind(scale, old, new)[0] for new in labels] for old in labels]


def _spans(cells: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Each cell's rows ``lo:hi`` in rows grouped by cell."""
    spans: dict[int, tuple[int, int]] = {}
    if not cells:
        return spans
    starts = [0, *itertools.compress(range(1, len(cells)), map(operator.ne, cells[1:], cells))]
    ends = [*starts[1:], len(cells)]
    for lo, hi in zip(starts, ends, strict=True):
        spans[cells[lo]] = (lo, hi)
    return spans


def _compare_cells(
    before: _Side,
    after: _Side,
    normal: Callable[[str | None], Any],
    stance_only: bool,
    chosen: Callable[[str, str], bool] | None,
) -> _Rows:
    """Compare cell by cell, pairing claims by the rule in the module docs."""
    old_spans, new_spans = _spans(before.cell), _spans(after.cell)
    changed: list[tuple[int, int]] = []
    removed: list[int] = []
    added: list[int] = []
    unpaired: set[tuple[str, str]] = set()
    shifts: list[tuple[int, int]] = []
    kinds = _kind_table(before.m.scale)
    none_code = len(before.m.scale.labels)

    def keys(side: _Side, lo: int, hi: int) -> list[tuple[Any, ...]]:
        m = side.m
        out = []
        for n in range(lo, hi):
            key: tuple[Any, ...] = (
                side.source_ids[m._source[n]],
                m._start[n],
                m._end[n],
                m._stance[n],
            )
            if not stance_only:
                key += tuple(map(normal, m._text.get(n, (None, None, None))))
            out.append(key)
        return out

    for cell in sorted(old_spans.keys() | new_spans.keys()):
        lo, hi = old_spans.get(cell, (0, 0))
        lo2, hi2 = new_spans.get(cell, (0, 0))
        if chosen is not None and not chosen(
            *(before.cell_keys(lo) if hi > lo else after.cell_keys(lo2))
        ):
            continue
        old_keys, new_keys = keys(before, lo, hi), keys(after, lo2, hi2)
        if old_keys == new_keys:
            continue
        # 1. Unchanged claims.
        waiting: dict[tuple[Any, ...], list[int]] = {}
        for n, key in zip(range(lo2, hi2), new_keys, strict=True):
            waiting.setdefault(key, []).append(n)
        old_left: list[int] = []
        for n, key in zip(range(lo, hi), old_keys, strict=True):
            match = waiting.get(key)
            if match:
                match.pop(0)
            else:
                old_left.append(n)
        new_left = sorted(n for rows in waiting.values() for n in rows)
        if not old_left and not new_left:
            continue
        # 2. The same source and date, once on each side.
        old_by: dict[tuple[Any, ...], list[int]] = {}
        for n in old_left:
            old_by.setdefault(old_keys[n - lo][:3], []).append(n)
        new_by: dict[tuple[Any, ...], list[int]] = {}
        for n in new_left:
            new_by.setdefault(new_keys[n - lo2][:3], []).append(n)
        pairs = [
            (rows[0], new_by[key][0])
            for key, rows in old_by.items()
            if len(rows) == 1 and len(new_by.get(key, ())) == 1
        ]
        paired_old = {r for r, _ in pairs}
        paired_new = {s for _, s in pairs}
        old_left = [n for n in old_left if n not in paired_old]
        new_left = [n for n in new_left if n not in paired_new]
        # 3. One claim left on each side: the cell moved.
        if len(old_left) == 1 and len(new_left) == 1:
            pairs.append((old_left[0], new_left[0]))
            old_left, new_left = [], []
        # 4. The rest cannot be paired uniquely.
        if old_left and new_left:
            unpaired.add(before.cell_keys(old_left[0]))
        changed.extend(sorted(pairs))
        removed.extend(old_left)
        added.extend(new_left)
        top_old = _top(before.m, lo, hi) if hi > lo else -1
        top_new = _top(after.m, lo2, hi2) if hi2 > lo2 else -1
        o = before.m._stance[top_old] if top_old >= 0 else none_code
        s = after.m._stance[top_new] if top_new >= 0 else none_code
        if kinds[o][s] is not None:
            shifts.append((top_old, top_new))
    return changed, removed, added, unpaired, shifts


def _shift_claims(
    old: StanceMatrix, new: StanceMatrix, shifts: Sequence[tuple[int, int]]
) -> tuple[_ShiftData, ...]:
    old_claims = iter(_claims_of(old, [r for r, _ in shifts if r >= 0]))
    new_claims = iter(_claims_of(new, [s for _, s in shifts if s >= 0]))
    out: list[_ShiftData] = []
    for r, s in shifts:
        before = next(old_claims) if r >= 0 else None
        after = next(new_claims) if s >= 0 else None
        either = before if before is not None else after
        assert either is not None
        out.append((before, after, either[0], either[1]))
    return tuple(out)


# -- applying a diff ----------------------------------------------------------------------


def _describe(claim: _Claim) -> str:
    """A claim in a few words: ``oppose (seed-004, 2025-01/2025-03, "easing …")``."""
    date = _period(claim[4], claim[5])
    parts = [claim[2]] + ([str(date)] if date is not None else [])
    summary = claim[6]
    if summary is not None:
        parts.append(repr(summary if len(summary) <= 40 else summary[:39] + "…"))
    return f"{claim[3]} ({', '.join(parts)})"


def _conflict(
    reason: str, *, actor: str | None = None, issue: str | None = None, key: str | None = None
) -> PatchConflictError:
    return PatchConflictError(reason, actor=actor, issue=issue, key=key)


def _patched_entries(
    part: Part,
    current: Sequence[Entity],
    changes: Sequence[EntityChange],
    order: tuple[Part, tuple[str, ...], tuple[str, ...]] | None,
) -> list[Entity]:
    by_key = {_entity_key(e): e for e in current}
    gone: set[str] = set()
    replaced: dict[str, Entity] = {}
    inserts: list[tuple[int, Entity]] = []
    for change in changes:
        key = change.key
        have = by_key.get(key)
        if change.old is not None and have != change.old:
            reason = f"{part} {key!r} is not as the diff expects"
            if have is None:
                reason = f"{part} {key!r} is missing"
            raise _conflict(reason, key=key)
        if change.old is None:
            if have is not None:
                raise _conflict(f"{part} {key!r} already exists", key=key)
            inserts.append((change.index or 0, change.new))  # type: ignore[arg-type]
        elif change.new is None:
            gone.add(key)
        else:
            replaced[key] = change.new
    kept = [replaced.get(_entity_key(e), e) for e in current if _entity_key(e) not in gone]
    if order is not None:
        _, old_order, new_order = order
        if tuple(by_key) != old_order:
            raise _conflict(f"the {part}s are not in the order the diff expects", key=part)
        entries = {_entity_key(e): e for e in kept}
        entries.update((_entity_key(e), e) for _, e in inserts)
        return [entries[k] for k in new_order]
    for index, entity in sorted(inserts, key=operator.itemgetter(0)):
        kept.insert(index, entity)
    return kept


def _apply(patch: MatrixDiff, matrix: StanceMatrix) -> StanceMatrix:
    if not isinstance(matrix, StanceMatrix):
        raise InvalidValueError("matrix", matrix, "must be a StanceMatrix")
    if matrix.scale != patch.scale:
        raise _conflict(
            f"the matrix is on scale {matrix.scale.name!r}, the diff on {patch.scale.name!r}"
        )
    orders = {part: order for order in patch._orders for part in (order[0],)}
    actors = _patched_entries("actor", matrix.actors, patch.actors, orders.get("actor"))
    issues = _patched_entries("issue", matrix.issues, patch.issues, orders.get("issue"))
    sources = _patched_entries("source", matrix.sources, patch.sources, orders.get("source"))
    metadata = dict(matrix.metadata)
    for change in patch.metadata:
        if metadata.get(change.key) != change.old:
            raise _conflict(f"metadata {change.key!r} is not as the diff expects", key=change.key)
        if change.new is None:
            del metadata[change.key]
        else:
            metadata[change.key] = change.new
    # Find every claim the diff removes or replaces.
    labels = matrix.scale.labels
    dropped: set[int] = set()
    names = _names(matrix)
    claim: _Claim
    for claim, verb in itertools.chain(
        zip(patch._removed, itertools.repeat("removes")),
        ((old, "changes") for old, _ in patch._changed),
    ):
        actor, issue = claim[0], claim[1]
        a, i = matrix._actor_keys.get(actor), matrix._issue_keys.get(issue)
        row = -1
        if a is not None and i is not None:
            lo, hi = matrix._cells.span(a, i)
            for n, have in zip(
                range(lo, hi), _claims_of(matrix, range(lo, hi), names), strict=True
            ):
                if have == claim:
                    row = n
                    break
        if row < 0:
            raise _conflict(
                f"cell ({actor!r}, {issue!r}) does not hold the claim the diff {verb}: "
                f"{_describe(claim)}",
                actor=actor,
                issue=issue,
            )
        dropped.add(row)
    # Recode what is kept, and code what is added, against the new declarations.
    a_new = {_entity_key(a): n for n, a in enumerate(actors)}
    i_new = {_entity_key(i): n for n, i in enumerate(issues)}
    s_new = {_entity_key(s): n for n, s in enumerate(sources)}
    a_map = [a_new.get(a.key, -1) for a in matrix.actors]
    i_map = [i_new.get(i.key, -1) for i in matrix.issues]
    s_map = [s_new.get(s.id, -1) for s in matrix.sources]
    total = len(matrix)
    kept = [n for n in range(total) if n not in dropped] if dropped else range(total)
    columns = {
        "actor": array("i", map(a_map.__getitem__, map(matrix._actor.__getitem__, kept))),
        "issue": array("i", map(i_map.__getitem__, map(matrix._issue.__getitem__, kept))),
        "source": array("i", map(s_map.__getitem__, map(matrix._source.__getitem__, kept))),
        "stance": array("b", map(matrix._stance.__getitem__, kept)),
        "start": array("i", map(matrix._start.__getitem__, kept)),
        "end": array("i", map(matrix._end.__getitem__, kept)),
    }
    for name in ("actor", "issue", "source"):
        if min(columns[name], default=0) < 0:
            at = columns[name].index(-1)
            row = kept[at]
            actor = matrix.actors[matrix._actor[row]].key
            issue = matrix.issues[matrix._issue[row]].key
            raise _conflict(
                f"cell ({actor!r}, {issue!r}) keeps a claim citing a {name} the diff removes",
                actor=actor,
                issue=issue,
            )
    text = {new: matrix._text[old] for new, old in enumerate(kept) if old in matrix._text}
    for claim in itertools.chain(patch._added, (new for _, new in patch._changed)):
        actor, issue, source, stance, start, end, *rest = claim
        codes = (a_new.get(actor), i_new.get(issue), s_new.get(source))
        if None in codes:
            raise _conflict(
                f"cell ({actor!r}, {issue!r}) gets a claim citing an undeclared entry",
                actor=actor,
                issue=issue,
            )
        if rest != [None, None, None]:
            text[len(columns["actor"])] = (rest[0], rest[1], rest[2])
        for name, value in zip(
            ("actor", "issue", "source", "stance", "start", "end"),
            (*codes, labels.index(stance), start, end),
            strict=True,
        ):
            columns[name].append(value)  # type: ignore[arg-type]
    try:
        return StanceMatrix._from_columns(
            actors=actors,  # type: ignore[arg-type]  # patched from the matrix's actors
            issues=issues,  # type: ignore[arg-type]
            sources=sources,  # type: ignore[arg-type]
            scale=matrix.scale,
            metadata=metadata,
            text=text,
            actor=columns["actor"],
            issue=columns["issue"],
            stance=columns["stance"],
            source=columns["source"],
            start=columns["start"],
            end=columns["end"],
        )
    except _Located as located:
        error = located.error
        duplicate = getattr(error, "claim", None)
        if isinstance(duplicate, Position):
            raise _conflict(
                f"cell ({duplicate.actor!r}, {duplicate.issue!r}) already holds a claim the "
                f"diff adds: {_describe(_from_position(duplicate))}",
                actor=duplicate.actor,
                issue=duplicate.issue,
            ) from error
        raise _conflict(f"the patched matrix is not valid: {error}") from error


# -- JSON ---------------------------------------------------------------------------------

#: The version of the diff document :meth:`MatrixDiff.to_json` writes.
DIFF_FORMAT_VERSION: Final = 1
_TOP: Final = (
    "format_version",
    "type",
    "options",
    "scale",
    "metadata",
    "actors",
    "issues",
    "sources",
    "order",
    "claims",
    "unpaired",
    "shifts",
)
_OPTIONS: Final = ("stance_only", "ignore_case", "ignore_whitespace")


def _to_json(patch: MatrixDiff, *, indent: int | None) -> str:
    import json

    fields = {"actor": _ACTOR, "issue": _ISSUE, "source": _SOURCE}

    def entity(change: EntityChange) -> dict[str, Any]:
        out: dict[str, Any] = {"change": change.change}
        if change.index is not None:
            out["index"] = change.index
        for side in ("old", "new"):
            value = getattr(change, side)
            if value is not None:
                out[side] = _compact(value, fields[change.part])
        return out

    def claim(value: _Claim | None) -> dict[str, Any] | None:
        return None if value is None else _compact(_to_position(value), _CLAIM)

    document: dict[str, Any] = {
        "format_version": DIFF_FORMAT_VERSION,
        "type": "stancematrix diff",
        "options": patch.options,
    }
    # The scale is written exactly as a matrix document writes it.
    empty = StanceMatrix.from_positions([], actors=[], issues=[], sources=[], scale=patch.scale)
    document["scale"] = _document(empty)["scale"]
    document["metadata"] = [
        {
            "key": m.key,
            **({"old": m.old} if m.old is not None else {}),
            **({"new": m.new} if m.new is not None else {}),
        }
        for m in patch.metadata
    ]
    for name, entities in (
        ("actors", patch.actors),
        ("issues", patch.issues),
        ("sources", patch.sources),
    ):
        document[name] = [entity(e) for e in entities]
    document["order"] = [
        {"part": part, "old": list(old), "new": list(new)} for part, old, new in patch._orders
    ]
    claims = []
    for change in patch.claims:
        item: dict[str, Any] = {"change": change.change}
        if change.old is not None:
            item["old"] = _compact(change.old, _CLAIM)
        if change.new is not None:
            item["new"] = _compact(change.new, _CLAIM)
        claims.append(item)
    document["claims"] = claims
    document["unpaired"] = [{"actor": a, "issue": i} for a, i in patch.unpaired]
    shifts = []
    for old, new, actor, issue in sorted(patch._shifts, key=lambda s: s[2:]):
        item = {"actor": actor, "issue": issue}
        if old is not None:
            item["old"] = claim(old)
        if new is not None:
            item["new"] = claim(new)
        shifts.append(item)
    document["shifts"] = shifts
    return json.dumps(document, ensure_ascii=False, indent=indent) + "\n"


def read_diff(source: Input) -> MatrixDiff:
    """Read a diff from the JSON document :meth:`MatrixDiff.to_json` wrote.

    Args:
        source: A path, an open file, bytes (gzip is recognised), or the JSON text.

    Raises:
        ReadError: If the input is not valid JSON or not a diff document of a supported
            ``format_version``, has a missing, unknown or repeated key or a value of the
            wrong type, or describes an impossible diff (a stance off the scale, a
            changed claim whose two sides are in different cells …). The error names the
            file, the line and column of the object concerned, and its path
            (``claims[3].new.stance``).
    """
    text, name = read_text(source, looks_like_text="{[")
    return _DiffReader(text, name).read_diff()


class _DiffReader(_Reader):
    """Checks a diff document's shape, reporting errors with path, line and column."""

    def read_diff(self) -> MatrixDiff:
        root = self.parse()
        root = self.obj(root, "", ("format_version", "type", "scale"), _TOP)
        version = root["format_version"]
        if type(version) is not int or version != DIFF_FORMAT_VERSION:
            raise self.fail(
                f"unsupported format_version {version!r}; this version of stancematrix "
                f"reads diff format_version {DIFF_FORMAT_VERSION}",
                "format_version",
                root,
                version,
            )
        if root["type"] != "stancematrix diff":
            raise self.fail(
                "not a diff document (type must be 'stancematrix diff')", "type", root, root["type"]
            )
        options: dict[str, bool] = {}
        if "options" in root:
            node = self.obj(root["options"], "options", (), _OPTIONS)
            for key, value in node.items():
                if type(value) is not bool:
                    raise self.fail(
                        f"expected true or false, got {_kind(value)}", f"options.{key}", node, value
                    )
                options[key] = value
        scale = self.scale(root["scale"], "scale")
        metadata = []
        for i, node in enumerate(self.list_of(root, "metadata")):
            where = f"metadata[{i}]"
            node = self.obj(node, where, ("key",), ("key", "old", "new"))
            values = {k: self.string(node[k], f"{where}.{k}") for k in node}
            if values.get("old") == values.get("new"):
                raise self.fail("a metadata change needs differing old and new", where, node)
            metadata.append(MetadataChange(values["key"], values.get("old"), values.get("new")))
        entities: dict[Part, list[EntityChange]] = {}
        named: tuple[tuple[Part, str], ...] = (
            ("actor", "actors"),
            ("issue", "issues"),
            ("source", "sources"),
        )
        for part, name in named:
            entities[part] = [
                self.entity(part, node, f"{name}[{i}]")
                for i, node in enumerate(self.list_of(root, name))
            ]
        orders = []
        for i, node in enumerate(self.list_of(root, "order")):
            where = f"order[{i}]"
            node = self.obj(node, where, ("part", "old", "new"), ("part", "old", "new"))
            part = node["part"]
            if part not in _PARTS:
                raise self.fail(
                    f"part must be one of {', '.join(_PARTS)}", f"{where}.part", node, part
                )
            old = self.strings(node["old"], f"{where}.old")
            new = self.strings(node["new"], f"{where}.new")
            orders.append((part, old, new))
        changed, removed, added = [], [], []
        for i, node in enumerate(self.list_of(root, "claims")):
            where = f"claims[{i}]"
            node = self.obj(node, where, ("change",), ("change", "old", "new"))
            old_claim = self.claim(node, "old", where, scale)
            new_claim = self.claim(node, "new", where, scale)
            change = "added" if old_claim is None else "removed" if new_claim is None else "changed"
            if old_claim is None and new_claim is None:
                raise self.fail("a claim change needs an old or a new claim", where, node)
            if node["change"] != change:
                raise self.fail(
                    f"change is {change!r} for these sides", f"{where}.change", node, node["change"]
                )
            if old_claim is not None and new_claim is not None:
                if old_claim[:2] != new_claim[:2]:
                    raise self.fail("a changed claim must stay in its cell", where, node)
                changed.append((old_claim, new_claim))
            elif old_claim is not None:
                removed.append(old_claim)
            elif new_claim is not None:
                added.append(new_claim)
        unpaired = []
        for i, node in enumerate(self.list_of(root, "unpaired")):
            where = f"unpaired[{i}]"
            node = self.obj(node, where, ("actor", "issue"), ("actor", "issue"))
            unpaired.append(
                (
                    self.string(node["actor"], f"{where}.actor"),
                    self.string(node["issue"], f"{where}.issue"),
                )
            )
        shifts = []
        for i, node in enumerate(self.list_of(root, "shifts")):
            where = f"shifts[{i}]"
            node = self.obj(node, where, ("actor", "issue"), ("actor", "issue", "old", "new"))
            cell = (
                self.string(node["actor"], f"{where}.actor"),
                self.string(node["issue"], f"{where}.issue"),
            )
            old_claim = self.claim(node, "old", where, scale)
            new_claim = self.claim(node, "new", where, scale)
            for claim in (old_claim, new_claim):
                if claim is not None and claim[:2] != cell:
                    raise self.fail("a shift's claims must be in its cell", where, node)
            kind, _ = shift_kind(
                scale,
                None if old_claim is None else old_claim[3],
                None if new_claim is None else new_claim[3],
            )
            if kind is None:
                raise self.fail("the stance does not move between these claims", where, node)
            shifts.append((old_claim, new_claim, *cell))
        return MatrixDiff._make(
            scale=scale,
            entities=entities,
            orders=orders,
            metadata=metadata,
            data=_ClaimData(
                value=_Changes(tuple(changed), tuple(removed), tuple(added), tuple(shifts)),
                empty=not (changed or removed or added),
            ),
            unpaired=unpaired,
            options=options,
        )

    def parse(self) -> Any:
        import json

        try:
            return json.loads(self.text, cls=_Decoder)
        except json.JSONDecodeError as error:
            raise ReadError(
                f"not valid JSON: {error.msg}",
                source=self.name,
                line=error.lineno,
                column=error.colno,
            ) from error
        except RecursionError as error:
            raise ReadError("JSON is nested too deeply", source=self.name) from error

    def list_of(self, root: Mapping[str, Any], key: str) -> list[Any]:
        return self.items(root, key, "") if key in root else []

    def entity(self, part: Part, node: Any, where: str) -> EntityChange:
        node = self.obj(node, where, ("change",), ("change", "index", "old", "new"))
        make, fields, required, convert = self.specs[part]
        sides: dict[str, Any] = {}
        for side in ("old", "new"):
            if side in node:
                path = f"{where}.{side}"
                value = self.obj(node[side], path, required, fields)
                sides[side] = self.build(value, path, make, fields, convert)
        index = node.get("index")
        if index is not None and (type(index) is not int or index < 0):
            raise self.fail("expected a non-negative integer", f"{where}.index", node, index)
        old, new = sides.get("old"), sides.get("new")
        if old is None and new is None:
            raise self.fail(f"an {part} change needs an old or a new {part}", where, node)
        if old is not None and new is not None:
            if _entity_key(old) != _entity_key(new):
                raise self.fail(f"a changed {part} must keep its key", where, node)
            if old == new:
                raise self.fail(f"a changed {part} must change", where, node)
            if index is not None:
                raise self.fail("only an added or removed entry has an index", where, node)
        elif index is None:
            raise self.fail(f"an added or removed {part} needs an index", where, node)
        change = EntityChange(part, old, new, index)
        if node["change"] != change.change:
            raise self.fail(
                f"change is {change.change!r} for these sides",
                f"{where}.change",
                node,
                node["change"],
            )
        return change

    def claim(self, node: Mapping[str, Any], side: str, where: str, scale: Scale) -> _Claim | None:
        if side not in node:
            return None
        path = f"{where}.{side}"
        make, fields, required, convert = self.specs["claim"]
        value = self.obj(node[side], path, required, fields)
        position = self.build(value, path, make, fields, convert)
        if position.stance not in scale:
            try:
                scale.code(position.stance)
            except StanceMatrixError as error:
                raise self.fail(str(error), f"{path}.stance", value, position.stance) from error
        return _from_position(position)
