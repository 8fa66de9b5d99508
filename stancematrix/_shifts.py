"""How one stance moved to another on a scale: the vocabulary shared by timelines and diffs.

:func:`classify` is the one place that decides whether a change of stance is a reversal, a
hardening or a softening; :meth:`StanceMatrix.shifts`, :meth:`StanceMatrix.timeline` and
the diff engine all call it so they name moves alike.
"""

from __future__ import annotations

from typing import Final

from ._scale import Scale

__all__ = [
    "BECAME_KNOWN",
    "BECAME_UNKNOWN",
    "HARDENED",
    "KINDS",
    "REVERSED",
    "SOFTENED",
    "classify",
    "side",
]

#: The stance crossed the scale's neutral point (support became opposition or back).
REVERSED: Final = "reversed"
#: The stance moved away from the neutral point without crossing it.
HARDENED: Final = "hardened"
#: The stance moved towards the neutral point without crossing it.
SOFTENED: Final = "softened"
#: Nothing was known (no claim, or "no position reported"), now a stance is.
BECAME_KNOWN: Final = "became known"
#: A stance was known, now nothing is (no claim, or "no position reported").
BECAME_UNKNOWN: Final = "became unknown"
#: Every kind, in the order reports list them.
KINDS: Final = (REVERSED, HARDENED, SOFTENED, BECAME_KNOWN, BECAME_UNKNOWN)


def side(scale: Scale, value: float) -> int:
    """-1 below the scale's neutral point, 0 on it, +1 above it."""
    mid = scale.midpoint
    return (value > mid) - (value < mid)


def classify(scale: Scale, old: str | None, new: str | None) -> tuple[str, float | None] | None:
    """The kind and size of a move from stance *old* to stance *new* on *scale*.

    *old* and *new* are labels of *scale*; None (no claim) counts like the scale's unknown
    label. The kinds, tested in this order:

    - ``"became known"`` / ``"became unknown"``: one side has no known stance;
    - ``"reversed"``: the two stances lie on opposite sides of the neutral point
      (:attr:`Scale.midpoint`);
    - ``"hardened"``: the new stance is further from the neutral point (including moving
      off it, e.g. neutral to support);
    - ``"softened"``: the new stance is closer to the neutral point.

    Returns:
        ``(kind, size)`` where *size* is ``abs(value(new) - value(old))`` on the scale
        (None for the two "became" kinds), or None when nothing changed (same label, or
        unknown both times).

    Raises:
        UnknownStanceError: If a label is not on the scale.
    """
    a = None if old is None else scale.value(old)
    b = None if new is None else scale.value(new)
    if a is None and b is None:
        return None
    if a is None:
        return BECAME_KNOWN, None
    if b is None:
        return BECAME_UNKNOWN, None
    if a == b:
        return None
    size = abs(b - a)
    if side(scale, a) * side(scale, b) < 0:
        return REVERSED, size
    mid = scale.midpoint
    return (HARDENED if abs(b - mid) > abs(a - mid) else SOFTENED), size
