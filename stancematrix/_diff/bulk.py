"""The bulk comparison of two stores whose cells hold at most one claim each (votes).

Which cells each side fills is read off the cell indexes (or sets of packed cell
numbers); the claims of the cells both sides fill are compared column by column through
iterators in C, so the Python-level work grows with the number of changes, not of claims.
"""

from __future__ import annotations

import itertools
import operator
import re
from array import array
from collections.abc import Iterator, Sequence
from typing import Final

from stancematrix._store import NO_TEXT

from .sides import Flags, Rows, Rules, Side, kind_table, unify

__all__ = ["compare_single"]


def compare_single(before: Side, after: Side, rules: Rules) -> Rows:
    """Both matrices hold at most one claim per cell: compare whole columns in bulk.

    Which cells each side fills is found from the cell indexes (or sets of packed cell
    numbers); the claims of the cells both sides fill are then compared column by column
    through iterators in C, so the Python-level work grows with the number of changes,
    not of claims, and no per-claim list is kept.
    """
    normal, stance_only, chosen = rules
    old, new = before.m.cols, after.m.cols
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

    unified = unify([*before.source_ids, *after.source_ids])
    old_columns: list[array[int]] = []
    new_columns: list[array[int]] = []
    for name in ("stance", "source", "start", "end", *(() if stance_only else ("until",))):
        a: array[int] = getattr(old, name)
        b: array[int] = getattr(new, name)
        if name == "source":
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
    if (old.text or new.text) and not stance_only:
        old_text, new_text = old.text, new.text
        none = NO_TEXT
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
    scale = before.m.decl.scale
    width = len(scale.labels) + 1
    moves = bytes(kind is not None for row in kind_table(scale) for kind in row)
    o_stance, n_stance = old.stance, new.stance
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
    before: Side, after: Side
) -> tuple[Flags | None, Flags | None, list[int], list[int]]:
    """For each row of one side, whether the other side has a claim in its cell.

    Also the rows whose cell only the old side fills (removed) and only the new side
    fills (added). The flags are ``None`` when both sides fill the same cells. Where both
    matrices keep a dense cell index over the same actors and issues, the filled cells
    are read off the two indexes in bulk; otherwise the cells are compared as sets of
    packed integers.
    """
    old_dense, new_dense = before.m.cols.cells.dense, after.m.cols.cells.dense
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
