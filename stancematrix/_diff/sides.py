"""What both ways of comparing two stores share: each side seen through unified codes."""

from __future__ import annotations

import functools
import itertools
import operator
import re
from array import array
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple, TypeAlias

from stancematrix._scale import Scale
from stancematrix._store import Store

from .values import ShiftKind, shift_kind

__all__ = [
    "Flags",
    "Rows",
    "Rules",
    "Side",
    "exact_text",
    "kind_table",
    "normaliser",
    "pack",
    "unify",
]


def exact_text(text: str | None) -> Any:
    """Claim text compared as it is: the normaliser when no text option is given."""
    return text


def normaliser(ignore_case: bool, ignore_whitespace: bool) -> Callable[[str | None], Any]:
    """How claim text is compared under the diff's options (:func:`exact_text` if none)."""
    if not (ignore_case or ignore_whitespace):
        return exact_text
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


class Rules(NamedTuple):
    """How claims are compared: text normalised, text ignored, which cells count."""

    #: Makes claim text comparable under the diff's case and whitespace options.
    normal: Callable[[str | None], Any]
    #: Compare stances, sources and dates only, not the wording.
    stance_only: bool
    #: Whether an (actor, issue) cell is compared; None for every cell.
    chosen: Callable[[str, str], bool] | None


class Side:
    """One matrix seen through the diff's unified actor and issue codes."""

    def __init__(
        self,
        store: Store,
        actor_code: Mapping[str, int],
        issue_code: Mapping[str, int],
        bits: int,
    ) -> None:
        self.m = store
        decl = store.decl
        a_map = [actor_code[a.key] for a in decl.actors]
        i_map = [issue_code[i.key] for i in decl.issues]
        self._maps = a_map, i_map
        self._bits = bits
        #: True when the unified codes are the matrix's own.
        self.same_codes = a_map == list(range(len(a_map))) and i_map == list(range(len(i_map)))
        #: True when the unified codes keep the matrix's order, so cells are ascending.
        self.ascending = all(map(operator.lt, a_map, a_map[1:])) and all(
            map(operator.lt, i_map, i_map[1:])
        )
        self.actor_keys = [a.key for a in decl.actors]
        self.issue_keys = [i.key for i in decl.issues]
        self.source_ids = [s.id for s in decl.sources]

    @functools.cached_property
    def cell(self) -> list[int]:
        """One integer per row naming its cell in the unified codes."""
        actor, issue = self.m.cols.actor, self.m.cols.issue
        a_map, i_map = self._maps
        if a_map != list(range(len(a_map))):
            actor = array("i", map(a_map.__getitem__, actor))
        if i_map != list(range(len(i_map))):
            issue = array("i", map(i_map.__getitem__, issue))
        return pack(actor, issue, self._bits)

    def cell_keys(self, row: int) -> tuple[str, str]:
        """The actor and issue keys of a row."""
        cols = self.m.cols
        return self.actor_keys[cols.actor[row]], self.issue_keys[cols.issue[row]]


def pack(actor: array[int], issue: array[int], bits: int) -> list[int]:
    """One integer per row naming its cell, ``actor << bits | issue``, in row order.

    *bits* is just wide enough for every issue code, so the integers stay small and
    their low bits (which a set's hash table uses) vary with both actor and issue.
    """
    return list(map(operator.or_, map(operator.lshift, actor, itertools.repeat(bits)), issue))


def unify(keys: Iterable[str]) -> dict[str, int]:
    """A code for every key, in order of first appearance."""
    codes: dict[str, int] = {}
    for key in keys:
        codes.setdefault(key, len(codes))
    return codes


#: One byte per row, 1 or 0.
Flags: TypeAlias = bytes
#: What a comparison finds, as row numbers of the two stores.
Rows = tuple[
    list[tuple[int, int]],  # changed (old row, new row)
    list[int],  # removed old rows
    list[int],  # added new rows
    set[tuple[str, str]],  # unpaired cells
    list[tuple[int, int]],  # shifts: the old and new rows stating the cell (-1: none)
]


def kind_table(scale: Scale) -> list[list[ShiftKind | None]]:
    """``table[old][new]``: the shift kind between two stance codes (the last code: none)."""
    labels: list[str | None] = [*scale.labels, None]
    return [[shift_kind(scale, old, new)[0] for new in labels] for old in labels]
