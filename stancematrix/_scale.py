"""Stance scales: ordered labels with numeric values, plus one label for "no position"."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any, Final

import attrs

from .exceptions import InvalidValueError, UnknownStanceError

__all__ = ["Level", "Scale"]


def lone_surrogate(value: str) -> int | None:
    """The index of the first lone surrogate in *value*, or None if it has none.

    A lone surrogate (such as U+D800) is half of a UTF-16 pair, not a character: no UTF-8
    document can hold it, so text holding one could be read but never written.
    """
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        return error.start
    return None


def refuse_surrogate(name: str, value: str) -> None:
    """Raise :class:`InvalidValueError` for field *name* if *value* holds a lone surrogate."""
    at = lone_surrogate(value)
    if at is not None:
        raise InvalidValueError(
            name,
            value,
            f"\\u{ord(value[at]):04x} at character {at + 1} is a lone surrogate, not a character",
        )


def check_text(instance: object, attribute: Any, value: Any) -> None:
    name = f"{type(instance).__name__}.{attribute.name}"
    if not isinstance(value, str):
        raise InvalidValueError(name, value, "must be a string")
    refuse_surrogate(name, value)
    if not value.strip() or value != value.strip():
        raise InvalidValueError(
            name, value, "must be non-empty without leading or trailing whitespace"
        )


#: The largest magnitude a level's value may have. Agreement, polarization and the
#: renderers square, subtract and scale level values; bounding them keeps every result
#: finite and exact enough to compare.
LEVEL_BOUND: Final = 1_000_000


def _check_number(instance: object, attribute: Any, value: Any) -> None:
    # Rejects bool, NaN, ±inf and values beyond ±LEVEL_BOUND (ints of any size included).
    if type(value) not in (int, float) or not -LEVEL_BOUND <= value <= LEVEL_BOUND:
        raise InvalidValueError(
            f"{type(instance).__name__}.{attribute.name}",
            value,
            f"must be a finite number from -{LEVEL_BOUND:,} to {LEVEL_BOUND:,}",
        )


def _check_symbol(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        check_text(instance, attribute, value)


@attrs.frozen
class Level:
    """One point on a scale: a label, its value, and an optional compact symbol.

    Example: ``Level("support", 1, "+")``.

    Raises:
        InvalidValueError: If *value* is not a finite ``int`` or ``float`` from
            -1,000,000 to 1,000,000 (the bound keeps agreement, polarization and the
            renderers' arithmetic finite), or a label or symbol is empty or padded.
    """

    label: str = attrs.field(validator=check_text)
    value: float = attrs.field(validator=_check_number)
    symbol: str | None = attrs.field(default=None, validator=_check_symbol)


def _to_levels(levels: Iterable[Level]) -> tuple[Level, ...]:
    return tuple(levels)


def _check_levels(instance: Scale, attribute: Any, levels: tuple[Level, ...]) -> None:
    if len(levels) < 2:
        raise InvalidValueError("Scale.levels", levels, "a scale needs at least two levels")
    seen: set[str] = set()
    for level in levels:
        if not isinstance(level, Level):
            raise InvalidValueError("Scale.levels", level, "must hold Level values")
        if level.label.casefold() in seen:
            raise InvalidValueError("Scale.levels", level.label, "label given twice")
        seen.add(level.label.casefold())
    for low, high in itertools.pairwise(levels):
        if not low.value < high.value:
            raise InvalidValueError(
                "Scale.levels",
                high.label,
                f"values must increase: {high.value} follows {low.value} ({low.label!r})",
            )
    if instance.unknown.casefold() in seen:
        raise InvalidValueError(
            "Scale.unknown", instance.unknown, "must differ from every level's label"
        )


@attrs.frozen
class Scale:
    """An ordered set of stance labels, each with a numeric value.

    Levels are listed from the most negative to the most positive value. Every scale also
    has an *unknown* label (by default ``"no position reported"``), which has no value: it
    records that a source reports no position, and is never the same as a neutral stance.

    Use :meth:`five_point` for the default scale and :meth:`votes` for yes/abstain/no.

    Raises:
        InvalidValueError: If there are fewer than two levels, labels repeat
            (case-insensitively), values do not strictly increase, or the unknown label
            collides with a level.
    """

    name: str = attrs.field(validator=check_text)
    levels: tuple[Level, ...] = attrs.field(converter=_to_levels, validator=_check_levels)
    unknown: str = attrs.field(default="no position reported", validator=check_text)
    unknown_symbol: str | None = attrs.field(default="?", validator=_check_symbol)
    _codes: dict[str, int] = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        codes = {label: i for i, label in enumerate(self.labels)}
        object.__setattr__(self, "_codes", codes)

    @classmethod
    def five_point(cls) -> Scale:
        """The default scale: strongly oppose (-2) … strongly support (+2)."""
        return cls(
            "five-point",
            (
                Level("strongly oppose", -2, "--"),
                Level("oppose", -1, "-"),
                Level("neutral", 0, "0"),
                Level("support", 1, "+"),
                Level("strongly support", 2, "++"),
            ),
        )

    @classmethod
    def votes(cls) -> Scale:
        """A roll-call scale: no (-1), abstain (0), yes (+1)."""
        return cls(
            "votes",
            (Level("no", -1, "N"), Level("abstain", 0, "A"), Level("yes", 1, "Y")),
        )

    @property
    def labels(self) -> tuple[str, ...]:
        """Every label the scale accepts: the levels in order, then the unknown label."""
        return (*(level.label for level in self.levels), self.unknown)

    @property
    def minimum(self) -> float:
        """The lowest value on the scale."""
        return self.levels[0].value

    @property
    def maximum(self) -> float:
        """The highest value on the scale."""
        return self.levels[-1].value

    @property
    def midpoint(self) -> float:
        """The neutral point: halfway between the lowest and the highest value."""
        return (self.minimum + self.maximum) / 2

    def __contains__(self, label: object) -> bool:
        return isinstance(label, str) and label in self.labels

    def value(self, label: str) -> float | None:
        """The numeric value of *label*; ``None`` for the unknown label.

        Raises:
            UnknownStanceError: If *label* is not on this scale.
        """
        return self._values()[self.code(label)]

    def symbol(self, label: str) -> str | None:
        """The compact symbol of *label*, if the scale gives one.

        Raises:
            UnknownStanceError: If *label* is not on this scale.
        """
        code = self.code(label)
        if code == len(self.levels):
            return self.unknown_symbol
        return self.levels[code].symbol

    def code(self, label: str) -> int:
        """The position of *label* in :attr:`labels` (the unknown label comes last).

        Raises:
            UnknownStanceError: If *label* is not on this scale.
        """
        try:
            return self._codes[label]
        except (KeyError, TypeError):
            raise UnknownStanceError(str(label), self.name, self.labels) from None

    def _values(self) -> tuple[float | None, ...]:
        return (*(level.value for level in self.levels), None)
