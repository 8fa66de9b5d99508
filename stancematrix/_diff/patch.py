"""Applying a diff: the patch that turns a diff's old side into its new side.

Every precondition is checked before anything is built: the scale, each removed or
changed entry and claim, each added one's absence. A mismatch raises
:class:`~stancematrix.exceptions.PatchConflictError` naming the cell, entry or metadata
key, and nothing is partially applied.
"""

from __future__ import annotations

import itertools
import operator
from array import array
from collections.abc import Mapping, Sequence

from stancematrix._model import Position
from stancematrix._scale import Scale
from stancematrix._store import Declarations, Problem, Store, from_columns
from stancematrix.exceptions import PatchConflictError

from .values import (
    Claim,
    Entity,
    EntityChange,
    MetadataChange,
    Part,
    claims_of,
    entity_key,
    from_position,
    names_of,
    to_position,
)

__all__ = ["patch"]

Order = tuple[Part, tuple[str, ...], tuple[str, ...]]


def patch(
    store: Store,
    *,
    scale: Scale,
    entities: Mapping[Part, Sequence[EntityChange]],
    orders: Sequence[Order],
    metadata: Sequence[MetadataChange],
    removed: Sequence[Claim],
    changed: Sequence[tuple[Claim, Claim]],
    added: Sequence[Claim],
) -> Store:
    """*store* with these changes made (see :meth:`MatrixDiff.apply`).

    Raises:
        PatchConflictError: If *store* does not hold what the changes' old side holds.
    """
    decl, cols = store.decl, store.cols
    if decl.scale != scale:
        raise _conflict(f"the matrix is on scale {decl.scale.name!r}, the diff on {scale.name!r}")
    by_part = {order[0]: order for order in orders}
    actors = _patched_entries("actor", decl.actors, entities["actor"], by_part.get("actor"))
    issues = _patched_entries("issue", decl.issues, entities["issue"], by_part.get("issue"))
    sources = _patched_entries("source", decl.sources, entities["source"], by_part.get("source"))
    new_metadata = dict(decl.metadata)
    for change in metadata:
        if new_metadata.get(change.key) != change.old:
            raise _conflict(f"metadata {change.key!r} is not as the diff expects", key=change.key)
        if change.new is None:
            del new_metadata[change.key]
        else:
            new_metadata[change.key] = change.new
    # Find every claim the diff removes or replaces.
    dropped: set[int] = set()
    names = names_of(store)
    claim: Claim
    for claim, verb in itertools.chain(
        zip(removed, itertools.repeat("removes")),
        ((old, "changes") for old, _ in changed),
    ):
        actor, issue = claim[0], claim[1]
        a, i = decl.actor_keys.get(actor), decl.issue_keys.get(issue)
        row = -1
        if a is not None and i is not None:
            lo, hi = cols.cells.span(a, i)
            for n, have in zip(range(lo, hi), claims_of(store, range(lo, hi), names), strict=True):
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
    a_new = {entity_key(a): n for n, a in enumerate(actors)}
    i_new = {entity_key(i): n for n, i in enumerate(issues)}
    s_new = {entity_key(s): n for n, s in enumerate(sources)}
    a_map = [a_new.get(a.key, -1) for a in decl.actors]
    i_map = [i_new.get(i.key, -1) for i in decl.issues]
    s_map = [s_new.get(s.id, -1) for s in decl.sources]
    total = len(store)
    kept = [n for n in range(total) if n not in dropped] if dropped else range(total)
    columns = {
        "actor": array("i", map(a_map.__getitem__, map(cols.actor.__getitem__, kept))),
        "issue": array("i", map(i_map.__getitem__, map(cols.issue.__getitem__, kept))),
        "source": array("i", map(s_map.__getitem__, map(cols.source.__getitem__, kept))),
        "stance": array("b", map(cols.stance.__getitem__, kept)),
        "start": array("i", map(cols.start.__getitem__, kept)),
        "end": array("i", map(cols.end.__getitem__, kept)),
        "until": array("i", map(cols.until.__getitem__, kept)),
    }
    for name in ("actor", "issue", "source"):
        if min(columns[name], default=0) < 0:
            at = columns[name].index(-1)
            row = kept[at]
            actor = decl.actors[cols.actor[row]].key
            issue = decl.issues[cols.issue[row]].key
            raise _conflict(
                f"cell ({actor!r}, {issue!r}) keeps a claim citing a {name} the diff removes",
                actor=actor,
                issue=issue,
            )
    text = {new: cols.text[old] for new, old in enumerate(kept) if old in cols.text}
    labels = decl.labels
    for claim in itertools.chain(added, (new for _, new in changed)):
        actor, issue, source, stance, start, end, *rest, until = claim
        codes = (a_new.get(actor), i_new.get(issue), s_new.get(source))
        if None in codes:
            raise _conflict(
                f"cell ({actor!r}, {issue!r}) gets a claim citing an undeclared entry",
                actor=actor,
                issue=issue,
            )
        if rest != [None, None, None, None]:
            text[len(columns["actor"])] = (rest[0], rest[1], rest[2], rest[3])
        for name, value in zip(
            ("actor", "issue", "source", "stance", "start", "end", "until"),
            (*codes, labels.index(stance), start, end, until),
            strict=True,
        ):
            columns[name].append(value)  # type: ignore[arg-type]
    try:
        new_decl = Declarations.declare(
            actors,  # type: ignore[arg-type]  # patched from the matrix's actors
            issues,  # type: ignore[arg-type]
            sources,  # type: ignore[arg-type]
            scale,
            new_metadata,
        )
        return from_columns(
            new_decl,
            actor=columns["actor"],
            issue=columns["issue"],
            stance=columns["stance"],
            source=columns["source"],
            start=columns["start"],
            end=columns["end"],
            until=columns["until"],
            text=text,
        )
    except Problem as problem:
        error = problem.error
        duplicate = getattr(error, "claim", None)
        if isinstance(duplicate, Position):
            raise _conflict(
                f"cell ({duplicate.actor!r}, {duplicate.issue!r}) already holds a claim the "
                f"diff adds: {_describe(from_position(duplicate))}",
                actor=duplicate.actor,
                issue=duplicate.issue,
            ) from error
        raise _conflict(f"the patched matrix is not valid: {error}") from error


def _describe(claim: Claim) -> str:
    """A claim in a few words: ``oppose (second-term-pivot, 2025-01-20/2025-07~, 'easing …')``.

    The stance, then the source id, the date (if any) and the summary (cut to 40
    characters) in brackets.
    """
    date = to_position(claim).date
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
    order: Order | None,
) -> list[Entity]:
    by_key = {entity_key(e): e for e in current}
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
    kept = [replaced.get(entity_key(e), e) for e in current if entity_key(e) not in gone]
    if order is not None:
        _, old_order, new_order = order
        if tuple(by_key) != old_order:
            raise _conflict(f"the {part}s are not in the order the diff expects", key=part)
        entries = {entity_key(e): e for e in kept}
        entries.update((entity_key(e), e) for _, e in inserts)
        return [entries[k] for k in new_order]
    for index, entity in sorted(inserts, key=operator.itemgetter(0)):
        kept.insert(index, entity)
    return kept
