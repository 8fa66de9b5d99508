"""The values a diff is made of: entry, metadata and claim changes, and stance shifts.

Claims travel inside a diff as plain tuples (:data:`Claim`) and become
:class:`~stancematrix.Position` objects only when read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, Literal, NamedTuple, TypeAlias, cast

import attrs

from stancematrix._dates import decode, encode, end_code, exact, from_exact, period_of
from stancematrix._model import Actor, Issue, Position, Source
from stancematrix._scale import Scale
from stancematrix._shifts import classify
from stancematrix._store import NO_TEXT, Store

__all__ = [
    "CHANGE_KINDS",
    "NAME_FIELD",
    "PARTS",
    "PLURALS",
    "SHIFT_KINDS",
    "Claim",
    "ClaimChange",
    "Entity",
    "EntityChange",
    "MetadataChange",
    "Names",
    "Part",
    "ShiftKind",
    "StanceShift",
    "claim_order",
    "claims_of",
    "entity_key",
    "from_position",
    "names_of",
    "shift_kind",
    "to_position",
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

PLURALS: Final = frozenset({"actors", "issues", "sources", "claims", "cells"})
Part: TypeAlias = Literal["actor", "issue", "source"]
Entity: TypeAlias = Actor | Issue | Source
PARTS: Final[tuple[Part, ...]] = ("actor", "issue", "source")
# The field that names an entity: a change to it is a rename.
NAME_FIELD: Final = {"actor": "name", "issue": "title", "source": "title"}

#: One claim as plain data: actor key, issue key, source id, stance label, encoded start
#: and end, summary, quote, note, dates as written (see :data:`stancematrix._store.Text`),
#: encoded end of validity (0 for none). Positions are made from these only when asked for.
Claim: TypeAlias = tuple[
    str, str, str, str, int, int, str | None, str | None, str | None, str | None, int
]


def to_position(claim: Claim) -> Position:
    """A claim tuple as a :class:`Position` (validated)."""
    actor, issue, source, stance, start, end, summary, quote, note, dates, until = claim
    date, ends, order = (
        from_exact(dates) if dates is not None else (period_of(start, end), decode(until), None)
    )
    return Position(
        actor=actor,
        issue=issue,
        stance=stance,
        source=source,
        summary=summary,
        quote=quote,
        date=date,
        note=note,
        until=ends,
        order=order,
    )


def from_position(claim: Position) -> Claim:
    """A :class:`Position` as a claim tuple."""
    date = claim.date
    return (
        claim.actor,
        claim.issue,
        claim.source,
        claim.stance,
        encode(date.start) if date is not None else 0,
        end_code(date),
        claim.summary,
        claim.quote,
        claim.note,
        exact(date, claim.until, claim.order),
        encode(claim.until),
    )


def claim_order(claim: Claim) -> tuple[Any, ...]:
    """How claims of one cell are listed: by date, source, stance and text."""
    return (
        claim[4],
        claim[5],
        claim[2],
        claim[3],
        *((text is not None, text or "") for text in claim[6:10]),
        claim[10],
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
        return entity_key(self.new if self.new is not None else self.old)

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
        return "renamed" if NAME_FIELD[self.part] in self.fields else "changed"

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

        Of stance, summary, source, quote, date, note, until and order, in that order.
        """
        if self.old is None or self.new is None:
            return ()
        return tuple(
            name
            for name in ("stance", "summary", "source", "quote", "date", "note", "until", "order")
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


def entity_key(entity: Entity | None) -> str:
    """The key of an actor or issue, the id of a source."""
    if isinstance(entity, Source):
        return entity.id
    assert entity is not None
    return entity.key


class Names(NamedTuple):
    """A store's actor keys, issue keys, source ids and stance labels, by code."""

    actors: list[str]
    issues: list[str]
    sources: list[str]
    labels: tuple[str, ...]


def names_of(store: Store) -> Names:
    """The names each code of *store* stands for."""
    decl = store.decl
    return Names(
        [a.key for a in decl.actors],
        [i.key for i in decl.issues],
        [s.id for s in decl.sources],
        decl.labels,
    )


def claims_of(store: Store, rows: Sequence[int], names: Names | None = None) -> list[Claim]:
    """Rows of *store* as plain claim tuples."""
    cols = store.cols
    text = cols.text
    actors, issues, sources, labels = names if names is not None else names_of(store)
    return [
        (a, i, s, st, b, e, *text.get(n, NO_TEXT), u)
        for n, a, i, s, st, b, e, u in zip(
            rows,
            map(actors.__getitem__, map(cols.actor.__getitem__, rows)),
            map(issues.__getitem__, map(cols.issue.__getitem__, rows)),
            map(sources.__getitem__, map(cols.source.__getitem__, rows)),
            map(labels.__getitem__, map(cols.stance.__getitem__, rows)),
            map(cols.start.__getitem__, rows),
            map(cols.end.__getitem__, rows),
            map(cols.until.__getitem__, rows),
            strict=True,
        )
    ]
