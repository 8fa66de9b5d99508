"""Built-in datasets, shipped as package data."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from importlib import resources

from stancematrix._dates import PartialDate
from stancematrix._io.json import read_json
from stancematrix._matrix import StanceMatrix
from stancematrix.exceptions import InvalidValueError, UnknownDatasetError

__all__ = ["dataset_names", "load_dataset"]

# name -> file in this package; each file carries its own title and citation in metadata.
# JSON documents are read with read_json; "unga" is a compact vote file (see _unga.py).
_FILES = {"ukraine": "ukraine.json", "unga": "unga/unga.bin"}


def dataset_names() -> tuple[str, ...]:
    """The names :func:`load_dataset` accepts, sorted.

    ``"ukraine"``: US, Russian, Ukrainian, EU, NATO and other positions on the war in
    Ukraine, 2024–2025, encoded from five news analyses, each claim with a verbatim quote.

    ``"unga"``: every recorded vote (yes, abstain, no) of every member state on every roll
    call of the UN General Assembly, 1946–2019: 870,109 votes of 200 countries on 6,203
    roll calls. Source: Erik Voeten, "Data and Analyses of Voting in the UN General
    Assembly", Routledge Handbook of International Organization (2013), Harvard Dataverse
    hdl:1902.1/12379, as packaged in the R package unvotes by David Robinson (MIT licence).
    The matrix's ``metadata["citation"]`` and ``metadata["licence"]`` say so too.
    """
    return tuple(sorted(_FILES))


def load_dataset(
    name: str,
    *,
    since: PartialDate | datetime.date | str | None = None,
    until: PartialDate | datetime.date | str | None = None,
    topics: Iterable[str] | str | None = None,
) -> StanceMatrix:
    """Load a built-in dataset by name (see :func:`dataset_names`).

    The matrix's ``metadata`` holds the title and citation (and, for ``"unga"``, the
    licence). Matrices are immutable, so repeated loads with the same arguments may return
    the same object.

    ``"unga"`` maps the UN votes onto a matrix like this:

    * actors are countries, ``kind="state"``: the key is the ISO 3166-1 alpha-2 code
      (``"US"``), or the country's name where the data give no code (``"Yemen Arab
      Republic"``, ``"Zanzibar"``, ``"Federal Republic of Germany"``); the name is the
      country's name, also an alias when it differs from the key (``m.actor("France")``);
    * issues are roll calls in ``rcid`` order: key ``str(rcid)``; title the short
      description (``"Roll call N"`` for the 573 roll calls without one); proposition the
      full description of the motion a yes vote supports (the title where there is none);
      description that full description verbatim (title and proposition are stripped of
      surrounding spaces, which the model does not allow there); date the day of the vote;
      tags the topic labels (``"Human rights"``, ``"Palestinian conflict"`` …; several or
      none), then ``"session:N"``, ``"unres:SYMBOL"`` (the resolution symbol),
      ``"importantvote:0|1"``, ``"amend:0|1"`` and ``"para:0|1"`` as the data give them
      (left out where empty);
    * each vote is one claim, stance ``yes`` / ``abstain`` / ``no`` on
      :meth:`Scale.votes`, dated the day of the vote, citing the one source
      ``"voeten-unvotes"``. Absent and non-member countries have no claim.

    Args:
        name: A name from :func:`dataset_names`.
        since: ``"unga"`` only: keep roll calls held on or after this date (a year, month
            or day; ``"1990"`` means from 1 January 1990).
        until: ``"unga"`` only: keep roll calls held on or before this date (``"1999"``
            means up to 31 December 1999).
        topics: ``"unga"`` only: keep roll calls carrying at least one of these topics,
            given by label or code, case-insensitively (``"Human rights"`` or ``"hr"``).
            Codes: ``co`` Colonialism, ``di`` Arms control and disarmament, ``ec``
            Economic development, ``hr`` Human rights, ``me`` Palestinian conflict,
            ``nu`` Nuclear weapons and nuclear material.

    With any of these, countries that cast no vote on the kept roll calls are left out,
    and ``metadata["selection"]`` says what was kept.

    Raises:
        UnknownDatasetError: If *name* is not a built-in dataset.
        InvalidValueError: If *since* or *until* is not a date, *until* is before
            *since*, a topic is unknown, or a narrowing argument is given for a dataset
            that takes none.
    """
    if name == "unga":
        key = _topics_key(topics)
        return _load_unga(_date_key(since), _date_key(until), key)
    if name not in _FILES:
        raise UnknownDatasetError(name, _FILES)
    for field, value in (("since", since), ("until", until), ("topics", topics)):
        if value is not None:
            raise InvalidValueError(field, value, f"the {name!r} dataset cannot be narrowed")
    return _load_file(name)


@functools.cache
def _load_file(name: str) -> StanceMatrix:
    data = resources.files(__name__).joinpath(_FILES[name]).read_bytes()
    return read_json(data)


def _date_key(
    value: PartialDate | datetime.date | str | None,
) -> PartialDate | datetime.date | str | None:
    # A datetime.datetime is a date too; keep the calendar day so the cache key is stable.
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def _topics_key(topics: Iterable[str] | str | None) -> str | tuple[str, ...] | None:
    if topics is None or isinstance(topics, str):
        return topics
    return tuple(topics)


@functools.lru_cache(maxsize=8)
def _load_unga(
    since: PartialDate | datetime.date | str | None,
    until: PartialDate | datetime.date | str | None,
    topics: str | tuple[str, ...] | None,
) -> StanceMatrix:
    from . import unga as _unga  # the vote matrix is only read when asked for

    return _unga.load(since, until, topics)
