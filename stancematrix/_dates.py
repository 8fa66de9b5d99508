"""Dates as precise as the text allows: a day, a month, a year, or a period between two.

The text forms are ISO 8601's with EDTF level 1's qualifiers and open ends: ``2025``,
``2025-07``, ``2025-07-14``; ``2025-01~`` (approximately), ``2025?`` (uncertain),
``2025-01%`` (both); ``START/END`` for a period and ``START/..`` for one that has no end.
Every form is read and written back exactly.
"""

from __future__ import annotations

import calendar
import datetime
import enum
import functools
import re
from typing import Any, Final, TypeAlias

import attrs

from .exceptions import InvalidValueError

__all__ = [
    "END",
    "OPEN",
    "DateLike",
    "PartialDate",
    "Period",
    "Precision",
    "day_code",
    "decode",
    "encode",
    "end_code",
    "exact",
    "from_exact",
    "last_day_code",
    "moment",
    "period_of",
    "to_optional_partial",
    "to_partial",
    "to_period",
]

_PARTIAL = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([~?%])?")
#: The EDTF qualifier of (approximate, uncertain).
_QUALIFIER: Final = {(False, False): "", (True, False): "~", (False, True): "?", (True, True): "%"}
#: The text of a period's open end (EDTF).
OPEN: Final = ".."


class Precision(enum.Enum):
    """How much of a date is known."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


def _check_flag(instance: PartialDate, attribute: Any, value: Any) -> None:
    if type(value) is not bool:
        raise InvalidValueError(f"PartialDate.{attribute.name}", value, "must be True or False")


def _check_partial(instance: PartialDate, attribute: Any, value: Any) -> None:
    year, month, day = instance.year, instance.month, instance.day
    for name, part in (("year", year), ("month", month), ("day", day)):
        if part is not None and (type(part) is not int):
            raise InvalidValueError(f"PartialDate.{name}", part, "must be an int")
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise InvalidValueError("PartialDate.year", year, "must be between 1 and 9999")
    if month is None:
        if day is not None:
            raise InvalidValueError("PartialDate.day", day, "a day needs a month")
        return
    if not 1 <= month <= 12:
        raise InvalidValueError("PartialDate.month", month, "must be between 1 and 12")
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise InvalidValueError("PartialDate.day", day, f"is not a day of {year:04d}-{month:02d}")


@attrs.frozen(order=False)
class PartialDate:
    """A calendar date known to the year, the month or the day.

    ``PartialDate(2025)`` is the year 2025, ``PartialDate(2025, 7)`` July 2025 and
    ``PartialDate(2025, 7, 14)`` one day. Its text form is ISO 8601 (``"2025"``,
    ``"2025-07"``, ``"2025-07-14"``); :meth:`parse` reads it back.

    *approximate* and *uncertain* say how the text put it, as EDTF's qualifiers do:
    ``"2025-01~"`` is about January 2025 (``approximate``), ``"2025?"`` perhaps 2025
    (``uncertain``), ``"2025-01%"`` both. They are kept and written back; comparisons of
    dates (which claim is later, what holds as of a day) use the date as written.

    .. versionchanged:: Unreleased *approximate* and *uncertain*.

    Raises:
        InvalidValueError: If a part is out of range, or a day is given without a month.
    """

    year: int = attrs.field(validator=_check_partial)
    month: int | None = None
    day: int | None = None
    approximate: bool = attrs.field(default=False, kw_only=True, validator=_check_flag, repr=False)
    uncertain: bool = attrs.field(default=False, kw_only=True, validator=_check_flag, repr=False)

    def __repr__(self) -> str:
        flags = "".join(
            f", {name}=True" for name in ("approximate", "uncertain") if getattr(self, name)
        )
        return f"PartialDate(year={self.year!r}, month={self.month!r}, day={self.day!r}{flags})"

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, optionally with ``~``, ``?`` or ``%``.

        The qualifier follows the date: approximate, uncertain, or both.

        Raises:
            InvalidValueError: If *text* is not one of those forms or names no real date.
        """
        match = _PARTIAL.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise InvalidValueError(
                "date", text, "expected YYYY, YYYY-MM or YYYY-MM-DD, optionally with ~, ? or %"
            )
        month, day = (int(g) if g is not None else None for g in match.groups()[1:3])
        mark = match[4] or ""
        try:
            return (
                cls(int(match[1]), month, day, approximate=mark in "~%", uncertain=mark in "?%")
                if mark
                else cls(int(match[1]), month, day)
            )
        except InvalidValueError as error:
            raise InvalidValueError("date", text, error.reason) from None

    @classmethod
    def from_date(cls, value: datetime.date) -> PartialDate:
        """The day *value*, at day precision."""
        return cls(value.year, value.month, value.day)

    @property
    def qualified(self) -> bool:
        """True if the date is approximate or uncertain."""
        return self.approximate or self.uncertain

    @property
    def precision(self) -> Precision:
        """Whether this is a year, a month or a day."""
        if self.month is None:
            return Precision.YEAR
        if self.day is None:
            return Precision.MONTH
        return Precision.DAY

    @property
    def first_day(self) -> datetime.date:
        """The earliest day this date can mean."""
        return datetime.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> datetime.date:
        """The latest day this date can mean."""
        if self.month is None:
            return datetime.date(self.year, 12, 31)
        if self.day is None:
            return datetime.date(
                self.year, self.month, calendar.monthrange(self.year, self.month)[1]
            )
        return datetime.date(self.year, self.month, self.day)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        return text + _QUALIFIER[self.approximate, self.uncertain]


#: What a date may be given as: a :class:`PartialDate`, a ``datetime.date`` (a datetime
#: counts as its calendar day), an ``int`` year, or ``"YYYY"``, ``"YYYY-MM"``,
#: ``"YYYY-MM-DD"``.
DateLike: TypeAlias = PartialDate | datetime.date | int | str


def to_partial(value: DateLike) -> PartialDate:
    """*value* (see :data:`DateLike`) as a :class:`PartialDate`.

    Raises:
        InvalidValueError: If *value* is none of those, or names no real date.
    """
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return PartialDate.from_date(value)
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return PartialDate(value)
        except InvalidValueError as error:
            raise InvalidValueError("date", value, error.reason) from None
    if not isinstance(value, str):
        raise InvalidValueError("date", value, "expected a date, a year or YYYY[-MM[-DD]]")
    return PartialDate.parse(value)


def _check_order(instance: Period, attribute: Any, end: PartialDate | None) -> None:
    if end is not None and end.last_day < instance.start.first_day:
        raise InvalidValueError(
            "Period.end", str(end), f"the period ends before it starts ({instance.start})"
        )


def to_optional_partial(
    value: DateLike | None,
) -> PartialDate | None:
    return None if value is None else to_partial(value)


@attrs.frozen(order=False)
class Period:
    """When a claim holds: one partial date, or a period from one to another.

    ``Period("2025-03")`` is March 2025; ``Period("2025-01", "2025-03")`` is the first
    quarter of 2025, written ``"2025-01/2025-03"`` (ISO 8601's interval notation). Both ends
    are inclusive and keep their own precision; a period from a date to itself is that
    date. ``Period("2025-01", open_end=True)``, written ``"2025-01/.."`` (EDTF), began in
    January 2025 and has no known end. Use :meth:`parse` for the text form.

    Raises:
        InvalidValueError: If an end is not a valid partial date, or the period ends before
            it starts.
    """

    start: PartialDate = attrs.field(converter=to_partial)
    end: PartialDate | None = attrs.field(
        default=None, converter=to_optional_partial, validator=_check_order
    )
    open_end: bool = attrs.field(default=False, kw_only=True, repr=False)

    def __repr__(self) -> str:
        tail = ", open_end=True" if self.open_end else ""
        return f"Period(start={self.start!r}, end={self.end!r}{tail})"

    def __attrs_post_init__(self) -> None:
        if type(self.open_end) is not bool:
            raise InvalidValueError("Period.open_end", self.open_end, "must be True or False")
        if self.open_end and self.end is not None:
            raise InvalidValueError("Period.end", str(self.end), "an open-ended period has no end")
        if self.end == self.start:
            object.__setattr__(self, "end", None)

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``"2025"``, ``"2025-07"``, ``"2025-07-14"``, ``"START/END"`` or ``"START/.."``.

        Each date may carry a qualifier (``~``, ``?`` or ``%``).

        Raises:
            InvalidValueError: If *text* is in none of these forms, or names no real date.
        """
        if not isinstance(text, str):
            raise InvalidValueError("date", text, "expected a string")
        start, sep, end = text.partition("/")
        try:
            if sep and end == OPEN:
                return cls(PartialDate.parse(start), open_end=True)
            return cls(PartialDate.parse(start), PartialDate.parse(end) if sep else None)
        except InvalidValueError as error:
            raise InvalidValueError("date", text, error.reason) from None

    @property
    def is_period(self) -> bool:
        """True for a span between two different partial dates, or an open-ended one."""
        return self.end is not None or self.open_end

    @property
    def first_day(self) -> datetime.date:
        """The earliest day the period can mean."""
        return self.start.first_day

    @property
    def last_day(self) -> datetime.date:
        """The latest day the period can mean (the last day there is, when open-ended)."""
        if self.open_end:
            return datetime.date.max
        return (self.end or self.start).last_day

    @property
    def qualified(self) -> bool:
        """True if an end is approximate or uncertain, or the period is open-ended."""
        return (
            self.open_end or self.start.qualified or (self.end is not None and self.end.qualified)
        )

    def __str__(self) -> str:
        if self.open_end:
            return f"{self.start}/{OPEN}"
        if self.end is None:
            return str(self.start)
        return f"{self.start}/{self.end}"


def to_period(value: Period | DateLike | None) -> Period | None:
    """Accept the forms a user writes a claim's date in."""
    if value is None or isinstance(value, Period):
        return value
    if isinstance(value, str):
        return Period.parse(value)
    return Period(value)


# -- compact integer codes for the column store: YYYYMMDD with 00 for unknown parts --------

#: A code after every date's: "no limit" where a last day is asked for (no ``as_of``).
END: Final = 99999999


def encode(value: PartialDate | None) -> int:
    if value is None:
        return 0
    return value.year * 10000 + (value.month or 0) * 100 + (value.day or 0)


def end_code(date: Period | None) -> int:
    """The encoded end of a claim's date: 0 when it is not a span, END when it is open."""
    if date is None:
        return 0
    return END if date.open_end else encode(date.end)


def exact(date: Period | None, until: PartialDate | None, order: int | None) -> str | None:
    """A claim's date, until and order as text (``"DATE|UNTIL|ORDER"``), where codes fall short.

    The codes keep where a date lies, not its qualifiers (``~``, ``?``, ``%``), nor a
    claim's order in its source; for a claim with any, this text is kept beside them.
    None when the codes say it all.
    """
    if (
        order is None
        and (date is None or not date.qualified)
        and (until is None or not until.qualified)
    ):
        return None
    parts = (date, until, order)
    return "|".join("" if part is None else str(part) for part in parts)


def from_exact(text: str) -> tuple[Period | None, PartialDate | None, int | None]:
    """The date, until and order :func:`exact` wrote."""
    date, until, order = text.split("|")
    return (
        Period.parse(date) if date else None,
        PartialDate.parse(until) if until else None,
        int(order) if order else None,
    )


def decode(code: int) -> PartialDate | None:
    if code == 0:
        return None
    year, rest = divmod(code, 10000)
    month, day = divmod(rest, 100)
    return PartialDate(year, month or None, day or None)


def day_code(day: datetime.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


@functools.lru_cache(maxsize=4096)
def last_day_code(code: int) -> int:
    """The encoded last day a date code can mean (``20250300`` → ``20250331``)."""
    date = decode(code) if code % 100 == 0 else None
    return code if date is None else day_code(date.last_day)


def moment(value: DateLike, field: str) -> tuple[int, int]:
    """The first and last day, encoded, that a user's "as of" or "since" date can mean.

    Raises:
        InvalidValueError: If *value* is not a date, a partial date or such a string.
    """
    if isinstance(value, datetime.datetime):
        value = value.date()
    try:
        date = to_partial(value)
    except InvalidValueError as error:
        raise InvalidValueError(field, value, error.reason) from None
    return day_code(date.first_day), day_code(date.last_day)


@functools.lru_cache(maxsize=4096)
def period_of(start: int, end: int) -> Period | None:
    """The :class:`Period` of a claim's encoded start and end (None when undated)."""
    first = decode(start)
    if first is None:
        return None
    if end == END:
        return Period(first, open_end=True)
    return Period(first, decode(end))
