"""The values a stance matrix is made of: actors, issues, sources and claims."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from ._dates import PartialDate, Period, to_optional_partial, to_period
from ._scale import check_text, lone_surrogate, refuse_surrogate
from .exceptions import InvalidValueError

__all__ = ["Actor", "Issue", "Position", "Source", "titled_issue"]


def _check_optional_text(instance: object, attribute: Any, value: Any) -> None:
    """None, or a string that is not empty (text fields never hold ``""``)."""
    if value is None:
        return
    name = f"{type(instance).__name__}.{attribute.name}"
    if not isinstance(value, str):
        raise InvalidValueError(name, value, "must be a string or None")
    if not value:
        raise InvalidValueError(name, value, "must be None rather than empty")
    refuse_surrogate(name, value)


def _to_aliases(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _check_aliases(instance: Actor | Issue, attribute: Any, aliases: tuple[str, ...]) -> None:
    owner = f"{type(instance).__name__}.aliases"
    seen = {instance.key.casefold()}
    for alias in aliases:
        if not isinstance(alias, str) or not alias.strip() or alias != alias.strip():
            raise InvalidValueError(
                owner, alias, "must be non-empty strings without surrounding whitespace"
            )
        refuse_surrogate(owner, alias)
        if alias.casefold() in seen:
            raise InvalidValueError(
                owner, alias, f"repeats the key or another alias of {instance.key!r}"
            )
        seen.add(alias.casefold())


def _check_tags(instance: Issue, attribute: Any, tags: tuple[str, ...]) -> None:
    for tag in tags:
        if not isinstance(tag, str) or not tag.strip() or tag != tag.strip():
            raise InvalidValueError(
                "Issue.tags", tag, "must be non-empty strings without surrounding whitespace"
            )
        refuse_surrogate("Issue.tags", tag)
    if len(set(tags)) != len(tags):
        raise InvalidValueError("Issue.tags", tags, "must not repeat a tag")


@attrs.frozen
class Actor:
    """Someone who holds positions: a state, a bloc, an alliance, a person.

    Attributes:
        key: Stable identifier, e.g. ``"US"``.
        name: Display name, e.g. ``"United States"``.
        kind: What sort of actor this is (``"state"``, ``"bloc"``, ``"alliance"`` …).
        aliases: Other names that find this actor, e.g. ``("Washington", "U.S.")``.
            Lookups by key or alias are case-insensitive.
    """

    key: str = attrs.field(validator=check_text)
    name: str = attrs.field(validator=check_text)
    kind: str | None = attrs.field(default=None, validator=_check_optional_text)
    aliases: tuple[str, ...] = attrs.field(
        default=(), converter=_to_aliases, validator=_check_aliases
    )


@attrs.frozen
class Issue:
    """A question actors take positions on, measured against a proposition.

    A stance of ``"support"`` means support for the *proposition*, so write it as a
    statement one can agree or disagree with.

    Attributes:
        key: Stable identifier, e.g. ``"territory"``.
        title: Short display title.
        proposition: The statement stances are measured against.
        parent: Key of a broader issue this one belongs to, if any.
        description: Longer description, if any.
        aliases: Other labels that find this issue (e.g. a table's row label).
        date: When the question was put, as precise as known (e.g. the day of a vote).
        tags: Labels that group issues (topics, sessions …), in the order given.
    """

    key: str = attrs.field(validator=check_text)
    title: str = attrs.field(validator=check_text)
    proposition: str = attrs.field(validator=check_text)
    parent: str | None = attrs.field(default=None, validator=_check_optional_text)
    description: str | None = attrs.field(default=None, validator=_check_optional_text)
    aliases: tuple[str, ...] = attrs.field(
        default=(), converter=_to_aliases, validator=_check_aliases
    )
    date: PartialDate | None = attrs.field(default=None, converter=to_optional_partial)
    tags: tuple[str, ...] = attrs.field(default=(), converter=_to_aliases, validator=_check_tags)

    def __attrs_post_init__(self) -> None:
        if self.parent is not None and self.parent.casefold() == self.key.casefold():
            raise InvalidValueError(
                "Issue.parent", self.parent, "an issue cannot be its own parent"
            )


def _plain(value: object) -> bool:
    """Whether *value* is text :func:`check_text` accepts (a str, stripped, not empty)."""
    return (
        type(value) is str
        and value != ""
        and value.strip() == value
        and lone_surrogate(value) is None
    )


# Every field of an issue made by titled_issue but the three it is given: the defaults,
# converted and checked as Issue makes them.
_TITLED_REST: tuple[tuple[str, Any], ...] = tuple(
    (field.name, getattr(Issue("-", "-", "-"), field.name)) for field in attrs.fields(Issue)[3:]
)


def titled_issue(key: str, title: str) -> Issue:
    """``Issue(key, title, title)``: what a table declares for each key, made faster.

    Text that ``Issue`` accepts (checked here as its validators check it) is set without
    running them again; anything else is made by ``Issue``, so it raises as ``Issue`` does.
    """
    if not (_plain(key) and _plain(title)):
        return Issue(key, title, title)
    issue = object.__new__(Issue)
    for name, value in (("key", key), ("title", title), ("proposition", title), *_TITLED_REST):
        object.__setattr__(issue, name, value)
    return issue


@attrs.frozen
class Source:
    """A document claims come from.

    Attributes:
        id: Stable identifier claims cite, e.g. ``"ukraine-strategy"``.
        title: The headline as the document gives it.
        author: Author, where named.
        publisher: Publisher, where named.
        document: File name or URL of the document.
        published: Publication date, where known, as precise as known.
        series: The series this source is an edition of (e.g. ``"wahl-o-mat"``), if any.
            Editions of one series are ordered by ``published``, which a source in a
            series must have: once a newer edition is visible, the claims of the older
            ones no longer hold (see :meth:`StanceMatrix.as_of`).

    Raises:
        InvalidValueError: If *series* is given without *published*.

    .. versionchanged:: Unreleased *series*.
    """

    id: str = attrs.field(validator=check_text)
    title: str = attrs.field(validator=check_text)
    author: str | None = attrs.field(default=None, validator=_check_optional_text)
    publisher: str | None = attrs.field(default=None, validator=_check_optional_text)
    document: str | None = attrs.field(default=None, validator=_check_optional_text)
    published: PartialDate | None = attrs.field(default=None, converter=to_optional_partial)
    series: str | None = attrs.field(default=None, validator=_check_optional_text)

    def __attrs_post_init__(self) -> None:
        if self.series is not None and self.published is None:
            raise InvalidValueError(
                "Source.series",
                self.series,
                f"source {self.id!r} is an edition of a series, so it needs a published date",
            )


def _check_until(instance: Position, attribute: Any, until: PartialDate | None) -> None:
    date = instance.date
    if until is not None and date is not None and until.last_day < date.first_day:
        raise InvalidValueError(
            "Position.until",
            str(until),
            f"the claim ({instance.actor!r} on {instance.issue!r} from {instance.source!r}, "
            f"dated {date}) ends before it begins",
        )


def _check_order(instance: Position, attribute: Any, order: int | None) -> None:
    if order is not None and (type(order) is not int or order < 1):
        raise InvalidValueError("Position.order", order, "must be a whole number from 1, or None")


@attrs.frozen
class Position:
    """One claim: according to *source*, *actor* holds *stance* on *issue*.

    ``actor``, ``issue`` and ``source`` are keys (not aliases) of entries declared in the
    matrix that holds the claim; ``stance`` is a label of the matrix's scale.

    Attributes:
        actor: Key of the actor.
        issue: Key of the issue.
        stance: A label of the matrix's scale.
        source: Id of the source that makes the claim.
        summary: The source's own wording for the position, if any.
        quote: A verbatim quote from the source supporting the claim, if any.
        date: When the position was held, as precise as the source allows; ``None`` if
            the source does not say. Strings such as ``"2025-03"`` or
            ``"2025-01/2025-03"`` are parsed with :meth:`Period.parse`.
        note: A coder's note (how a cell was read, a hedge in the text …), if any.
        until: The last day the claim holds, if it ends: a partial date means its last
            day (``"2025-02"`` holds through 28 February 2025). After it the claim no
            longer holds (see :meth:`StanceMatrix.as_of`), but it still hides the older
            claims of its cell.
        order: The claim's place in its source's account, for claims the source tells in
            sequence without dating them apart (1 for what it says happened first, 2 for
            what came later …), or None. A claim with a higher order than others of its
            source is known to hold only by the last day of its date, so it counts from
            then (see :meth:`StanceMatrix.as_of`); no boundary inside the date is made up.

    Text fields are ``None`` or non-empty: an empty string is rejected rather than kept
    as a second way of saying "nothing".

    Raises:
        InvalidValueError: If *until* ends before *date* begins (the message names the
            claim).

    .. versionchanged:: Unreleased *until* and *order*.
    """

    actor: str = attrs.field(validator=check_text)
    issue: str = attrs.field(validator=check_text)
    stance: str = attrs.field(validator=check_text)
    source: str = attrs.field(validator=check_text)
    summary: str | None = attrs.field(default=None, validator=_check_optional_text)
    quote: str | None = attrs.field(default=None, validator=_check_optional_text)
    date: Period | None = attrs.field(default=None, converter=to_period)
    note: str | None = attrs.field(default=None, validator=_check_optional_text)
    until: PartialDate | None = attrs.field(
        default=None, converter=to_optional_partial, validator=_check_until
    )
    order: int | None = attrs.field(default=None, validator=_check_order)
