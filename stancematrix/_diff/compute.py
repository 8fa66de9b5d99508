"""Computing a diff: what changed between two matrices, stance-aware and reversible.

:func:`stancematrix.diff` compares two matrices on the same scale and returns a :class:`MatrixDiff`:
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

import itertools
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, TypedDict

from stancematrix._store import NO_TEXT, Declarations, Store, cells
from stancematrix.exceptions import InvalidValueError, StanceMatrixError

from .bulk import compare_single
from .matrixdiff import Changes, ClaimData, MatrixDiff, ShiftData
from .matrixdiff import make as make_diff
from .sides import Rows, Rules, Side, exact_text, kind_table, normaliser, unify
from .values import Entity, EntityChange, MetadataChange, Part, claims_of, entity_key

__all__ = ["DiffOptions", "compare", "compare_cells", "compare_single", "compare_stores"]


class DiffOptions(TypedDict, total=False):
    """The options of a diff, as keywords (see :func:`stancematrix.diff`)."""

    stance_only: bool
    ignore_case: bool
    ignore_whitespace: bool
    actors: Iterable[str] | None
    issues: Iterable[str] | None


def _entity_changes(
    part: Part,
    old: Sequence[Entity],
    new: Sequence[Entity],
    keep: Callable[[str], bool],
    pinned: frozenset[str] = frozenset(),
) -> tuple[list[EntityChange], tuple[Part, tuple[str, ...], tuple[str, ...]] | None]:
    """The entries of *part* added, removed and changed, and their reordering if any.

    Only keys *keep* selects are compared. A *pinned* key (cited by an old claim outside
    the diff's selection, which the patch keeps) is never removed. A reordering is
    recorded only when every key on both sides is selected and none is pinned away.
    """
    if tuple(old) == tuple(new):  # the same entries (identical objects compare at once)
        return [], None
    old_keys = [entity_key(e) for e in old]
    new_keys = [entity_key(e) for e in new]
    old_at = {k: i for i, k in enumerate(old_keys)}
    new_at = {k: i for i, k in enumerate(new_keys)}
    changes: list[tuple[int, EntityChange]] = []
    for i, (key, entity) in enumerate(zip(old_keys, old, strict=True)):
        if not keep(key):
            continue
        j = new_at.get(key)
        if j is None:
            if key not in pinned:
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
    if (
        kept_old != kept_new
        and all(map(keep, old_keys))
        and all(map(keep, new_keys))
        and pinned <= new_at.keys()
    ):
        order = (part, tuple(old_keys), tuple(new_keys))
    return [c for _, c in changes], order


def compare_stores(
    old: Store,
    new: Store,
    *,
    stance_only: bool = False,
    ignore_case: bool = False,
    ignore_whitespace: bool = False,
    actors: Iterable[str] | None = None,
    issues: Iterable[str] | None = None,
) -> MatrixDiff:
    """What changed from store *old* to store *new* (see :func:`stancematrix.diff`).

    Raises:
        InvalidValueError: If the stores are on different scales.
        UnknownActorError, UnknownIssueError: If a name in *actors* or *issues* is in
            neither store.
    """
    before_decl, after_decl = old.decl, new.decl
    if before_decl.scale != after_decl.scale:
        raise InvalidValueError(
            "scale",
            after_decl.scale.name,
            f"cannot diff matrices on different scales ({before_decl.scale.name!r} and "
            f"{after_decl.scale.name!r}, or scales of that name that differ)",
        )
    keep_actor = _chooser(actors, "actor", before_decl, after_decl)
    keep_issue = _chooser(issues, "issue", before_decl, after_decl)
    options = {
        "stance_only": stance_only,
        "ignore_case": ignore_case,
        "ignore_whitespace": ignore_whitespace,
    }
    entities: dict[Part, list[EntityChange]] = {}
    orders = []
    compared: tuple[tuple[Part, Callable[[str], bool], Sequence[Entity], Sequence[Entity]], ...] = (
        ("actor", keep_actor, before_decl.actors, after_decl.actors),
        ("issue", keep_issue, before_decl.issues, after_decl.issues),
        ("source", _keep_all, before_decl.sources, after_decl.sources),
    )
    pins = _pinned(old, keep_actor, keep_issue) if actors is not None or issues is not None else {}
    for part, keep, old_entries, new_entries in compared:
        changes, order = _entity_changes(
            part, old_entries, new_entries, keep, pins.get(part, frozenset())
        )
        entities[part] = changes
        if order is not None:
            orders.append(order)
    old_metadata, new_metadata = before_decl.metadata, after_decl.metadata
    metadata = [
        MetadataChange(key, old_metadata.get(key), new_metadata.get(key))
        for key in sorted(set(old_metadata) | set(new_metadata))
        if old_metadata.get(key) != new_metadata.get(key)
    ]
    if actors is not None or issues is not None:
        metadata = []
    actor_code = unify(a.key for a in (*before_decl.actors, *after_decl.actors))
    issue_code = unify(i.key for i in (*before_decl.issues, *after_decl.issues))
    bits = max(len(issue_code) - 1, 1).bit_length()
    before = Side(old, actor_code, issue_code, bits)
    after = Side(new, actor_code, issue_code, bits)
    chosen: Callable[[str, str], bool] | None = None
    if actors is not None or issues is not None:

        def chosen(actor: str, issue: str) -> bool:
            return keep_actor(actor) and keep_issue(issue)

    rules = Rules(normaliser(ignore_case, ignore_whitespace), stance_only, chosen)
    rows = compare(before, after, rules)
    changed, removed, added, unpaired, shifts = rows
    del before, after  # the diff keeps the stores and row numbers, not the cell keys

    def make() -> Changes:
        return Changes(
            tuple(
                zip(
                    claims_of(old, [r for r, _ in changed]),
                    claims_of(new, [r for _, r in changed]),
                    strict=True,
                )
            ),
            tuple(claims_of(old, removed)),
            tuple(claims_of(new, added)),
            _shift_claims(old, new, shifts),
        )

    return make_diff(
        scale=before_decl.scale,
        entities=entities,
        orders=orders,
        metadata=metadata,
        data=ClaimData(make=make, empty=not (changed or removed or added)),
        unpaired=unpaired,
        options=options,
    )


def _pinned(
    store: Store, keep_actor: Callable[[str], bool], keep_issue: Callable[[str], bool]
) -> dict[Part, frozenset[str]]:
    """The actors, issues and sources that old claims outside the selection cite.

    A selective diff leaves those claims alone, so its patch must not remove what they
    cite, even where the new matrix no longer has it.
    """
    decl, cols = store.decl, store.cols
    actor_in = [keep_actor(a.key) for a in decl.actors]
    issue_in = [keep_issue(i.key) for i in decl.issues]
    rows = [
        n
        for n, (a, i) in enumerate(zip(cols.actor, cols.issue, strict=True))
        if not (actor_in[a] and issue_in[i])
    ]
    return {
        "actor": frozenset(decl.actors[cols.actor[n]].key for n in rows),
        "issue": frozenset(decl.issues[cols.issue[n]].key for n in rows),
        "source": frozenset(decl.sources[cols.source[n]].id for n in rows),
    }


def _key_of(decl: Declarations, kind: Literal["actor", "issue"]) -> Callable[[str], str]:
    """The key of the actor or issue a name (key, alias or name) finds in *decl*."""
    if kind == "actor":
        return lambda name: decl.actors[decl.actor_code(name)].key
    return lambda name: decl.issues[decl.issue_code(name)].key


def _keep_all(key: str) -> bool:
    return True


def _chooser(
    names: Iterable[str] | None, kind: Literal["actor", "issue"], *decls: Declarations
) -> Callable[[str], bool]:
    """A test for the keys *names* name, resolved in either matrix.

    A name that is an exact key in either matrix means that key, and only it: the other
    matrix may call a different entry so (by name or alias), and that entry is not
    selected. Any other name is looked up in each matrix (alias, then name).
    """
    if names is None:
        return _keep_all
    if isinstance(names, str):
        names = [names]
    exact = {k for d in decls for k in (d.actor_keys if kind == "actor" else d.issue_keys)}
    keys: set[str] = set()
    for name in names:
        if name in exact:
            keys.add(name)
            continue
        found = []
        error: StanceMatrixError | None = None
        for decl in decls:
            try:
                found.append(_key_of(decl, kind)(name))
            except StanceMatrixError as e:
                error = e
        if not found:
            assert error is not None
            raise error
        keys.update(found)
    return keys.__contains__


def compare(before: Side, after: Side, rules: Rules) -> Rows:
    """Compare two sides: in bulk when every cell holds at most one claim, else cell by cell."""
    if before.m.cols.cells.single and after.m.cols.cells.single:
        return compare_single(before, after, rules)
    return compare_cells(before, after, rules)


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


def compare_cells(before: Side, after: Side, rules: Rules) -> Rows:
    """Compare cell by cell, pairing claims by the rule in the module docs."""
    normal, stance_only, chosen = rules
    old_spans, new_spans = _spans(before.cell), _spans(after.cell)
    changed: list[tuple[int, int]] = []
    removed: list[int] = []
    added: list[int] = []
    unpaired: set[tuple[str, str]] = set()
    shifts: list[tuple[int, int]] = []
    kinds = kind_table(before.m.decl.scale)
    none_code = len(before.m.decl.labels)

    def keys(side: Side, lo: int, hi: int) -> list[tuple[Any, ...]]:
        m = side.m.cols
        out = []
        for n in range(lo, hi):
            key: tuple[Any, ...] = (
                side.source_ids[m.source[n]],
                m.start[n],
                m.end[n],
                m.stance[n],
            )
            if not stance_only:
                key += (*map(normal, m.text.get(n, NO_TEXT)), m.until[n])
            out.append(key)
        return out

    loose = stance_only or normal is not exact_text  # claims can be equal yet differ

    def exact(side: Side, lo: int, hi: int) -> list[tuple[Any, ...]]:
        m = side.m.cols
        return [
            (
                side.source_ids[m.source[n]],
                m.start[n],
                m.end[n],
                m.stance[n],
                *m.text.get(n, NO_TEXT),
                m.until[n],
            )
            for n in range(lo, hi)
        ]

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
        # 1. Unchanged claims: identical ones first, then (under the options) equal ones,
        # so a claim the diff adds is never identical to an old claim it keeps.
        old_left, new_left = list(range(lo, hi)), list(range(lo2, hi2))
        if loose:
            old_left, new_left = _unchanged(
                old_left, new_left, exact(before, lo, hi), exact(after, lo2, hi2), lo, lo2
            )
        old_left, new_left = _unchanged(old_left, new_left, old_keys, new_keys, lo, lo2)
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
        top_old = cells.chosen(before.m, lo, hi) if hi > lo else -1
        top_new = cells.chosen(after.m, lo2, hi2) if hi2 > lo2 else -1
        o = before.m.cols.stance[top_old] if top_old >= 0 else none_code
        s = after.m.cols.stance[top_new] if top_new >= 0 else none_code
        if kinds[o][s] is not None:
            shifts.append((top_old, top_new))
    return changed, removed, added, unpaired, shifts


def _unchanged(
    old_rows: list[int],
    new_rows: list[int],
    old_keys: Sequence[tuple[Any, ...]],
    new_keys: Sequence[tuple[Any, ...]],
    lo: int,
    lo2: int,
) -> tuple[list[int], list[int]]:
    """The rows of each side left once rows with equal keys are paired off, in order."""
    waiting: dict[tuple[Any, ...], list[int]] = {}
    for n in new_rows:
        waiting.setdefault(new_keys[n - lo2], []).append(n)
    old_left: list[int] = []
    for n in old_rows:
        match = waiting.get(old_keys[n - lo])
        if match:
            match.pop(0)
        else:
            old_left.append(n)
    return old_left, sorted(n for rows in waiting.values() for n in rows)


def _shift_claims(
    old: Store, new: Store, shifts: Sequence[tuple[int, int]]
) -> tuple[ShiftData, ...]:
    old_claims = iter(claims_of(old, [r for r, _ in shifts if r >= 0]))
    new_claims = iter(claims_of(new, [s for _, s in shifts if s >= 0]))
    out: list[ShiftData] = []
    for r, s in shifts:
        before = next(old_claims) if r >= 0 else None
        after = next(new_claims) if s >= 0 else None
        either = before if before is not None else after
        assert either is not None
        out.append((before, after, either[0], either[1]))
    return tuple(out)
