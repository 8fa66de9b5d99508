"""Built-in datasets, shipped as package data and registered in one place.

Each row of :data:`DATASETS` names a dataset, its title and citation (what the matrix's
``metadata`` says; listing them reads no data), the function that loads it and the
narrowing keywords it accepts. :func:`dataset_names`, :func:`load_dataset` and the
``stancematrix datasets`` command read this table; nothing restates it.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any, Final

import attrs

from stancematrix._dates import DateLike
from stancematrix._io.json import read_json
from stancematrix._matrix import StanceMatrix
from stancematrix.exceptions import InvalidValueError, UnknownDatasetError

from . import unga

__all__ = ["DATASETS", "Dataset", "dataset_names", "get", "load_dataset"]


@attrs.frozen
class Dataset:
    """One built-in dataset.

    Attributes:
        name: What users call it (``load_dataset(name)``, a command's SOURCE).
        title: The loaded matrix's ``metadata["title"]``.
        citation: Its ``metadata["citation"]``, or None where it has none.
        loader: Loads the matrix; takes the *options* as keywords (None where not given)
            and may return the same object for the same arguments.
        options: The narrowing keywords of :func:`load_dataset` it accepts.
    """

    name: str
    title: str
    citation: str | None
    loader: Callable[..., StanceMatrix]
    options: tuple[str, ...] = ()


@functools.cache
def _ukraine() -> StanceMatrix:
    return read_json(resources.files(__name__).joinpath("ukraine.json").read_bytes())


DATASETS: Final[tuple[Dataset, ...]] = (
    Dataset("ukraine", "Positions on the war in Ukraine, 2014–2025", None, _ukraine),
    # The vote matrix is only read when asked for; up to 8 narrowings stay cached.
    Dataset(
        "unga",
        unga.TITLE,
        unga.CITATION,
        functools.lru_cache(maxsize=8)(unga.load),
        ("since", "until", "topics"),
    ),
)
"""Every built-in dataset, in the order they are listed."""


def get(name: str) -> Dataset:
    """The built-in dataset called *name*.

    Raises:
        UnknownDatasetError: If there is none; the error suggests close names.
    """
    for dataset in DATASETS:
        if dataset.name == name:
            return dataset
    raise UnknownDatasetError(name, dataset_names())


def dataset_names() -> tuple[str, ...]:
    """The names :func:`load_dataset` accepts, sorted.

    ``"ukraine"``: US, Russian, Ukrainian, NATO and European positions on the war in
    Ukraine, 2014–2025, encoded from five news analyses, each claim with a verbatim quote;
    each source's key names its article (``"second-term-pivot"``, ``"putin-pivot"`` …).

    ``"unga"``: every recorded vote (yes, abstain, no) of every member state on every roll
    call of the UN General Assembly, 1946–2020: 870,109 votes of 200 countries on 6,203
    roll calls. Source: Erik Voeten, "Data and Analyses of Voting in the UN General
    Assembly", Routledge Handbook of International Organization (2013), Harvard Dataverse
    hdl:1902.1/12379, as packaged in the R package unvotes by David Robinson (MIT licence).
    The matrix's ``metadata["citation"]`` and ``metadata["licence"]`` say so too.
    """
    return tuple(sorted(d.name for d in DATASETS))


def load_dataset(
    name: str,
    *,
    since: DateLike | None = None,
    until: DateLike | None = None,
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
    dataset = get(name)
    given = {"since": since, "until": until, "topics": topics}
    for field, value in given.items():
        if value is not None and field not in dataset.options:
            by = f" by {field}" if dataset.options else ""
            raise InvalidValueError(field, value, f"the {name!r} dataset cannot be narrowed{by}")
    return dataset.loader(**{field: _cache_key(given[field]) for field in dataset.options})


def _cache_key(value: Any) -> Any:
    """*value* as the loaders' caches can key it, meaning the same."""
    if isinstance(value, datetime.datetime):  # a date too: keep the calendar day
        return value.date()
    if isinstance(value, Iterable) and not isinstance(value, str):
        return tuple(value)  # topics, given as a list, a set or a generator
    return value
