"""The field tables of the file formats, derived once from the model's attrs classes.

Every lossless format (the JSON matrix and diff documents, the CSV long layout, pandas'
long DataFrame) writes and reads the fields of :class:`Actor`, :class:`Issue`,
:class:`Source`, :class:`Position` and :class:`Level`. Which fields there are, which
are required (no default), which hold a list, a date or a number is read here from
``attrs.fields`` and the type annotations, not restated per format; a format keeps an
order of its own only where its file format fixes one (:data:`CLAIM_COLUMNS`).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from typing import Any, Final

import attrs

from stancematrix._dates import PartialDate, Period
from stancematrix._model import Actor, Issue, Position, Source
from stancematrix._scale import Level, Scale

__all__ = [
    "ACTOR",
    "CLAIM",
    "CLAIM_COLUMNS",
    "ENTRIES",
    "ISSUE",
    "KINDS",
    "LEVEL",
    "SOURCE",
    "Entry",
    "compact",
    "derive",
    "scale_data",
]

#: The kinds of value a field can hold: text, a list of text, a number, a whole number, or a
#: date.
KINDS: Final = (str, tuple, float, int, PartialDate, Period)


@attrs.frozen
class Entry:
    """One kind of entry a format writes, and its fields.

    Attributes:
        name: What formats call it (``"actor"``, ``"issue"``, ``"source"``, ``"claim"``,
            ``"level"``).
        cls: The attrs class that holds it.
        fields: Its field names, in the class's order.
        required: The fields without a default, in order.
        kinds: Field name → the kind of value it holds, one of :data:`KINDS` (``tuple``
            for a list of strings, ``float`` for a number), ``None`` aside.
    """

    name: str
    cls: type[Any]
    fields: tuple[str, ...]
    required: tuple[str, ...]
    kinds: Mapping[str, type[Any]]

    @property
    def part(self) -> str:
        """The plural a document lists these entries under (``"actors"``)."""
        return f"{self.name}s"

    def of(self, *kinds: type[Any]) -> tuple[str, ...]:
        """The fields that hold one of *kinds*, in order."""
        return tuple(name for name in self.fields if self.kinds[name] in kinds)


def _kind(cls: type[Any], name: str, hint: Any) -> type[Any]:
    """The kind of value annotated by *hint*, with ``None`` left out."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        hint = options[0] if len(options) == 1 else hint
    kind = typing.get_origin(hint) or hint
    if kind not in KINDS:
        raise TypeError(
            f"{cls.__name__}.{name} holds {hint!r}, which no file format can write; "
            f"teach the formats in stancematrix/_io a kind for it"
        )
    return kind  # type: ignore[no-any-return]


def derive(name: str, cls: type[Any]) -> Entry:
    """The :class:`Entry` of an attrs class, read from its fields and annotations.

    Raises:
        TypeError: If a field holds something other than the :data:`KINDS`.
    """
    hints = typing.get_type_hints(cls)
    fields = attrs.fields(cls)
    return Entry(
        name=name,
        cls=cls,
        fields=tuple(f.name for f in fields),
        required=tuple(f.name for f in fields if f.default is attrs.NOTHING),
        kinds={f.name: _kind(cls, f.name, hints[f.name]) for f in fields},
    )


ACTOR: Final = derive("actor", Actor)
ISSUE: Final = derive("issue", Issue)
SOURCE: Final = derive("source", Source)
CLAIM: Final = derive("claim", Position)
LEVEL: Final = derive("level", Level)
#: The entries a matrix declares, in the order documents list them.
ENTRIES: Final = (ACTOR, ISSUE, SOURCE)

CLAIM_COLUMNS: Final = (
    *("actor", "issue", "stance", "source", "date", "summary", "quote", "note", "until", "order"),
)
"""A claim's fields in the order tables give them: the CSV long layout, pandas' long
DataFrame and the column mapping. Their file formats fix it (the date after the source,
unlike :class:`Position`; ``until`` and ``order``, added in format version 2, last), so it
is kept here rather than derived; the tests check that it names every field of
:data:`CLAIM`."""


def compact(value: object, fields: tuple[str, ...]) -> dict[str, Any]:
    """*value*'s *fields* as plain data, leaving out empty ones (None and ``()``).

    Dates become their text (``"2025-07"``), lists of strings lists.
    """
    out: dict[str, Any] = {}
    for name in fields:
        item = getattr(value, name)
        if item is None or item == ():
            continue
        if isinstance(item, PartialDate | Period):
            item = str(item)
        elif isinstance(item, tuple):
            item = list(item)
        out[name] = item
    return out


def scale_data(scale: Scale) -> dict[str, Any]:
    """*scale* as plain data: ``{"name", "levels": [...], "unknown": {"label", "symbol"?}}``.

    The shape a JSON matrix document and a JSON diff document both write.
    """
    unknown: dict[str, Any] = {"label": scale.unknown}
    if scale.unknown_symbol is not None:
        unknown["symbol"] = scale.unknown_symbol
    return {
        "name": scale.name,
        "levels": [compact(level, LEVEL.fields) for level in scale.levels],
        "unknown": unknown,
    }
