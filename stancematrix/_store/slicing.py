"""Stores cut from stores: snapshots, selections and taken rows, sharing what they can.

A slice of a valid store is valid, so nothing here checks claims again: columns are cut
in C where possible (slices, ``itertools.compress``), cell offsets are shifted rather than
rebuilt, and the indexes of unchanged declarations are shared.
"""

from __future__ import annotations

import bisect
import itertools
from array import array
from collections.abc import Iterable, Sequence

import attrs

from stancematrix._model import Issue

from .build import from_columns
from .cells import as_of_mask
from .columns import CellIndex, Columns, Text, offsets_after_runs
from .declare import Declarations, recode
from .store import Store

__all__ = ["as_of", "drop_empty", "keep", "select", "take"]


def as_of(store: Store, last: int) -> Store:
    """The snapshot at the encoded day *last*: in each cell, the rows that hold then."""
    mask = as_of_mask(store, last)
    if mask.count(1) == len(mask):
        return store
    return keep(store, mask)


def keep(store: Store, mask: bytes) -> Store:
    """The store of the rows whose *mask* byte is 1 (same declarations, same order)."""
    cols = store.cols
    sources = cols.codes
    columns = [array(c.typecode) for c in sources]
    total = len(mask)
    cells = cols.cells
    dense: array[int] | None = None
    if (mask.count(b"\0\1") + 1) * 8 <= total:
        # Few runs of kept rows (a snapshot of votes in date order keeps a prefix of
        # each actor's): copy slices, and shift the cell offsets run by run.
        runs: list[tuple[int, int]] = []
        find, lo = mask.find, mask.find(1)
        while lo >= 0:
            hi = find(0, lo)
            hi = total if hi < 0 else hi
            runs.append((lo, hi))
            for column, source in zip(columns, sources, strict=True):
                column.extend(source[lo:hi])
            lo = find(1, hi)
        firsts = [lo for lo, _ in runs]
        kept_before = list(itertools.accumulate((hi - lo for lo, hi in runs), initial=0))

        def renumber(n: int) -> int:
            r = bisect.bisect_right(firsts, n) - 1
            return kept_before[r] + n - runs[r][0]

        text = {renumber(n): value for n, value in cols.text.items() if mask[n]}
        if cells.dense is not None:
            dense = offsets_after_runs(cells.dense, runs)
    else:
        for column, source in zip(columns, sources, strict=True):
            column.fromlist(list(itertools.compress(source, mask)))
        # A kept row's new number is the count of kept rows before it.
        before = array("q", list(itertools.accumulate(mask, initial=0)))
        text = {before[n]: value for n, value in cols.text.items() if mask[n]}
        if cells.dense is not None:
            dense = array("q", list(map(before.__getitem__, cells.dense)))
    if dense is not None:
        # single may stay False where the kept claims are one per cell: it only enables
        # fast paths, so False is always safe.
        index = CellIndex.of_dense(dense, cells.n_issues, len(columns[0]), cells.single)
    else:
        index = CellIndex(columns[0], columns[1], len(store.decl.actors), len(store.decl.issues))
    return Store(store.decl, Columns.of(columns, text, index))


def select(
    store: Store,
    actors: Iterable[str] | None = None,
    issues: Iterable[str] | None = None,
    sources: Iterable[str] | None = None,
) -> Store:
    """The sub-store of the named actors, issues and sources, in the order given.

    Names are resolved as :meth:`Declarations.codes` does. An issue whose parent is left
    out loses the link. See :meth:`StanceMatrix.select`.

    Raises:
        UnknownActorError, UnknownIssueError, UnknownSourceError: If a name is unknown.
        DuplicateKeyError: If a name is given twice (directly or by alias).
    """
    decl, cols = store.decl, store.cols
    a_codes = decl.codes("actor", actors)
    i_codes = decl.codes("issue", issues)
    s_codes = decl.codes("source", sources)
    kept_issues = {decl.issues[i].key for i in i_codes}
    new_issues = tuple(
        issue
        if issue.parent is None or issue.parent in kept_issues
        else attrs.evolve(issue, parent=None)
        for issue in (decl.issues[i] for i in i_codes)
    )
    if sources is None and (issues is None or actors is None):
        if issues is None:
            return _whole_actors(store, a_codes)
        return _whole_issues(store, i_codes, new_issues)
    a_map = recode(a_codes, len(decl.actors))
    i_map = recode(i_codes, len(decl.issues))
    s_map = recode(s_codes, len(decl.sources))
    span = cols.cells.span
    if issues is None and sources is None:
        rows: list[int] = [n for a in a_codes for n in range(*cols.cells.actor_span(a))]
    else:
        source = cols.source
        rows = [
            n for a in a_codes for i in i_codes for n in range(*span(a, i)) if s_map[source[n]] >= 0
        ]
    return take(
        store,
        rows,
        Declarations.declare(
            [decl.actors[a] for a in a_codes],
            new_issues,
            [decl.sources[s] for s in s_codes],
            decl.scale,
            decl.metadata,
        ),
        maps=(a_map, i_map, s_map),
        canonical=s_codes == sorted(s_codes),
    )


def drop_empty(store: Store) -> Store:
    """*store* without the actors and issues that have no claims (the rest in order)."""
    decl, cols = store.decl, store.cols
    actors, issues = set(cols.actor), set(cols.issue)
    if len(actors) == len(decl.actors) and len(issues) == len(decl.issues):
        return store
    return select(
        store,
        [a.key for n, a in enumerate(decl.actors) if n in actors],
        [i.key for n, i in enumerate(decl.issues) if n in issues],
    )


def _whole_actors(store: Store, a_codes: list[int]) -> Store:
    """select() of whole actors: their rows are contiguous slices."""
    decl, cols = store.decl, store.cols
    cells = cols.cells
    columns = cols.codes
    spans = [cells.actor_span(a) for a in a_codes]
    new = [array(c.typecode) for c in columns]
    for j, (lo, hi) in enumerate(spans):
        new[0].extend(array("i", [j]) * (hi - lo))
        for column, source in zip(new[1:], columns[1:], strict=True):
            column.extend(source[lo:hi])
    new_text: dict[int, Text] = {}
    if cols.text:
        base = 0
        for lo, hi in spans:
            new_text.update((base + n - lo, cols.text[n]) for n in range(lo, hi) if n in cols.text)
            base += hi - lo
    if len(a_codes) == 1 and cells.dense is not None:
        lo = spans[0][0]
        n = len(decl.issues)
        part = cells.dense[a_codes[0] * n : (a_codes[0] + 1) * n + 1]
        # single may stay False where this actor alone has one claim per cell: it only
        # enables fast paths, so False is always safe.
        index = CellIndex.of_dense(array("q", [x - lo for x in part]), n, len(new[0]), cells.single)
    else:
        index = CellIndex(new[0], new[1], len(a_codes), len(decl.issues))
    actors = tuple(decl.actors[a] for a in a_codes)
    return Store(decl.subset(actors=actors), Columns.of(new, new_text, index))


def _whole_issues(store: Store, i_codes: list[int], new_issues: tuple[Issue, ...]) -> Store:
    """select() of whole issues: rows come from the cell index."""
    decl, cols = store.decl, store.cols
    cells = cols.cells
    columns = cols.codes
    n_actors, width = len(decl.actors), len(i_codes)
    by_issue = [cells.issue_spans(i, n_actors) for i in i_codes]
    if cells.dense is None:  # sparse: spans only for actors with claims
        per_cell: dict[tuple[int, int], tuple[int, int]] = {}
        for j, spans in enumerate(by_issue):
            for lo, hi in spans:
                per_cell[cols.actor[lo], j] = (lo, hi)
        ordered = [per_cell.get((a, j), (0, 0)) for a in range(n_actors) for j in range(width)]
    elif width == 1:
        ordered = by_issue[0]
    else:
        ordered = [by_issue[j][a] for a in range(n_actors) for j in range(width)]
    # The actor and issue of each row follow from its cell: only the other columns
    # are read (scattered reads dominate the cost).
    if cells.single:
        rows: list[int] = [lo for lo, hi in ordered if hi > lo]
        filled = [c for c, (lo, hi) in enumerate(ordered) if hi > lo]
    else:
        rows = [n for lo, hi in ordered for n in range(lo, hi)]
        filled = [c for c, (lo, hi) in enumerate(ordered) for _ in range(lo, hi)]
    new = [array(c.typecode, map(c.__getitem__, rows)) for c in columns[2:]]
    if width == 1:
        new[:0] = [array("i", filled), array("i", [0]) * len(rows)]
    else:
        new[:0] = [
            array("i", [c // width for c in filled]),
            array("i", [c % width for c in filled]),
        ]
    text = cols.text
    new_text = {new_n: text[n] for new_n, n in enumerate(rows) if n in text} if text else {}
    counts = [hi - lo for lo, hi in ordered]
    dense = array("q", itertools.accumulate(counts, initial=0))
    single = not counts or max(counts) <= 1
    index = CellIndex.of_dense(dense, width, len(rows), single)
    return Store(decl.subset(issues=new_issues), Columns.of(new, new_text, index))


def take(
    store: Store,
    rows: Sequence[int],
    decl: Declarations | None = None,
    *,
    maps: tuple[Sequence[int], Sequence[int], Sequence[int]] | None = None,
    canonical: bool = True,
) -> Store:
    """A store of the given rows over *decl* (default: the same), codes recoded by *maps*.

    *maps* turn old actor, issue and source codes into codes of *decl*. With
    ``canonical=False`` the rows are sorted again (a new source order changes it).
    """
    cols = store.cols

    def column(values: array[int], recode: Sequence[int] | None = None) -> array[int]:
        taken = map(values.__getitem__, rows)
        if recode is not None:
            taken = map(recode.__getitem__, taken)
        return array(values.typecode, taken)

    a_map, i_map, s_map = maps if maps is not None else (None, None, None)
    text = cols.text
    new_text = {new: text[old] for new, old in enumerate(rows) if old in text} if text else {}
    return from_columns(
        store.decl if decl is None else decl,
        actor=column(cols.actor, a_map),
        issue=column(cols.issue, i_map),
        stance=column(cols.stance),
        source=column(cols.source, s_map),
        start=column(cols.start),
        end=column(cols.end),
        until=column(cols.until),
        text=new_text,
        canonical=canonical,
    )
