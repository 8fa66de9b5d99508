"""The UN General Assembly roll-call votes, 1946–2020: package data format, CSV reader, loader.

The data are Erik Voeten's UN General Assembly voting data as packaged in the R package
``unvotes`` (three CSV tables: votes, roll calls, roll-call topics). They are shipped as one
compact binary file, ``unga/unga.bin``, written by :func:`encode` (``tools/build_unga.py``
regenerates it) and read by :func:`decode`:

* the magic ``b"SMUNGA"`` and the format version (1) as a little-endian ``uint16``;
* two little-endian ``uint32``: the compressed sizes of the header and of the votes;
* the header: zlib-compressed UTF-8 JSON with the actors ``[[key, name], …]`` in declared
  order, the topics ``[[code, label], …]`` and the roll calls column by column, their
  fields verbatim from the CSV (``""`` where the CSV has no value), in ``rcid`` order;
* the votes: a zlib-compressed byte matrix, one row per actor (declared order), one byte
  per roll call (``rcid`` order): 0 = did not vote, else 1 + the stance's position on
  :meth:`Scale.votes` (no, abstain, yes).

Row-major order of that byte matrix *is* the matrix's canonical claim order (actor, then
issue), so loading needs no sort: the columns are cut out of it with C-speed byte and
:mod:`itertools` operations.
"""

from __future__ import annotations

import csv
import functools
import itertools
import json
import struct
import zlib
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import resources
from typing import Any, Final

import attrs

from stancematrix._dates import DateLike, PartialDate, to_partial
from stancematrix._io.source import Input, lines, open_stream
from stancematrix._matrix import StanceMatrix
from stancematrix._model import Actor, Issue, Source
from stancematrix._scale import Scale
from stancematrix._store import Declarations, Problem, face, from_columns
from stancematrix.exceptions import InvalidValueError, ReadError

__all__ = ["CITATION", "LICENCE", "TITLE", "load"]

MAGIC: Final = b"SMUNGA"
FORMAT_VERSION: Final = 1
_HEAD: Final = struct.Struct("<6sHII")

SOURCE_ID: Final = "voeten-unvotes"
CITATION: Final = (
    "Erik Voeten, “Data and Analyses of Voting in the UN General Assembly”, in Routledge "
    "Handbook of International Organization, ed. Bob Reinalda (2013); data: Harvard "
    "Dataverse, hdl:1902.1/12379; as packaged in the R package unvotes by David Robinson, "
    "https://github.com/dgrtwo/unvotes (data/un_votes.rda, un_roll_calls.rda, "
    "un_roll_call_issues.rda)."
)
LICENCE: Final = (
    "The unvotes package, from which these tables are converted unchanged, is released "
    "under the MIT licence (David Robinson). Cite Voeten (2013) when using the data."
)
_SOURCE: Final = Source(
    id=SOURCE_ID,
    title="United Nations General Assembly Voting Data",
    author="Erik Voeten",
    publisher="Harvard Dataverse; packaged in the R package unvotes by David Robinson",
    document="https://hdl.handle.net/1902.1/12379",
)
TITLE: Final = "UN General Assembly roll-call votes, 1946–2020"

_SCALE: Final = Scale.votes()
# byte code in the vote matrix -> stance code in the matrix (index into _SCALE.labels)
_CODES: Final = {label: n + 1 for n, label in enumerate(_SCALE.labels[: len(_SCALE.levels)])}

VOTES_COLUMNS: Final = ("rcid", "country", "country_code", "vote")
ROLL_CALL_COLUMNS: Final = (
    "rcid",
    "session",
    "importantvote",
    "date",
    "unres",
    "amend",
    "para",
    "short",
    "descr",
)
TOPIC_COLUMNS: Final = ("rcid", "short_name", "issue")
# roll-call columns kept as "name:value" tags on each issue (in this order), when not empty
_TAGGED: Final = ("session", "unres", "importantvote", "amend", "para")


@attrs.frozen
class Data:
    """The three tables, normalised: what the package file holds."""

    actors: tuple[tuple[str, str], ...]  # (key, name), declared order
    topics: tuple[tuple[str, str], ...]  # (code, label), sorted by code
    roll_calls: Mapping[str, list[Any]]  # ROLL_CALL_COLUMNS plus "topics", rcid order
    votes: bytes  # len(actors) × len(roll calls), actor-major; see the module docstring


# -- reading the CSV tables -----------------------------------------------------------------


class _Table:
    """One CSV table: its header checked, its rows with the columns in the order asked for."""

    def __init__(self, source: Input, columns: Sequence[str]) -> None:
        stream = open_stream(source, looks_like_text=",")
        self.name = stream.name
        self._reader = csv.reader(lines(stream.texts()))  # row by row, never the whole text
        header = next(self._reader, None)
        if header is None:
            raise ReadError("empty file: expected a header row", source=self.name, line=1)
        missing = [c for c in columns if c not in header]
        if missing:
            raise ReadError(
                f"missing column(s) {', '.join(map(repr, missing))} in header {header!r}",
                source=self.name,
                line=1,
            )
        self.where = [header.index(c) for c in columns]
        self.width = len(header)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """``(line, fields)`` for each row, skipping blank lines.

        Raises:
            ReadError: If a row has more or fewer fields than the header.
        """
        reader, where, width = self._reader, self.where, self.width
        same = where == list(range(width))  # columns in the order asked for: no copy
        for fields in reader:
            if len(fields) != width:
                if not fields:  # a blank line
                    continue
                raise ReadError(
                    f"expected {width} fields, found {len(fields)}",
                    source=self.name,
                    line=reader.line_num,
                )
            yield reader.line_num, fields if same else [fields[i] for i in where]


def _int(text: str, name: str, line: int, field: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ReadError(
            "expected an integer", source=name, line=line, field=field, value=text
        ) from None


def read_csv(votes: Input, roll_calls: Input, topics: Input) -> Data:
    """Read ``votes.csv``, ``roll_calls.csv`` and ``roll_call_issues.csv`` (gzip or not).

    Raises:
        ReadError: Naming the file, line and field of anything that does not fit: a missing
            column, a non-integer rcid or session, a date that is not YYYY-MM-DD, a vote that
            is not yes/abstain/no, a vote or topic on an unknown roll call, a repeated roll
            call, vote or topic, or a country code given with two different names.
    """
    # roll calls
    calls = _Table(roll_calls, ROLL_CALL_COLUMNS)
    name = calls.name
    found: dict[int, list[str]] = {}
    lines: dict[int, int] = {}
    for line, fields in calls.rows():
        rcid = _int(fields[0], name, line, "rcid")
        if rcid in found:
            raise ReadError("repeated roll call", source=name, line=line, field="rcid", value=rcid)
        _int(fields[1], name, line, "session")
        try:
            date = PartialDate.parse(fields[3])
        except InvalidValueError as error:
            raise ReadError(
                error.reason, source=name, line=line, field="date", value=fields[3]
            ) from None
        if date.day is None:
            raise ReadError(
                "expected a day (YYYY-MM-DD)", source=name, line=line, field="date", value=fields[3]
            )
        found[rcid] = fields
        lines[rcid] = line
    rcids = sorted(found)
    index = {rcid: n for n, rcid in enumerate(rcids)}
    columns: dict[str, list[Any]] = {
        c: [found[rcid][k] for rcid in rcids] for k, c in enumerate(ROLL_CALL_COLUMNS)
    }
    columns["rcid"] = rcids
    columns["session"] = [int(s) for s in columns["session"]]

    # topics
    table = _Table(topics, TOPIC_COLUMNS)
    name = table.name
    labels: dict[str, str] = {}
    tagged: list[set[str]] = [set() for _ in rcids]
    for line, (rcid_text, code, label) in table.rows():
        n = index.get(_int(rcid_text, name, line, "rcid"))
        if n is None:
            raise ReadError(
                "unknown roll call", source=name, line=line, field="rcid", value=rcid_text
            )
        if not code or not label:
            raise ReadError("empty topic", source=name, line=line, field="short_name", value=code)
        if labels.setdefault(code, label) != label:
            raise ReadError(
                f"topic {code!r} was labelled {labels[code]!r} before",
                source=name,
                line=line,
                field="issue",
                value=label,
            )
        if code in tagged[n]:
            raise ReadError(
                f"topic {code!r} repeated for roll call {rcid_text}",
                source=name,
                line=line,
                field="short_name",
                value=code,
            )
        tagged[n].add(code)
    columns["topics"] = [sorted(codes) for codes in tagged]
    # Build each issue once, so what the loader would reject is reported here, located.
    days: dict[str, PartialDate] = {}
    for n, rcid in enumerate(rcids):
        try:
            _issue(columns, n, labels, days)
        except InvalidValueError as error:
            raise ReadError(
                error.reason,
                source=calls.name,
                line=lines[rcid],
                field=error.field,
                value=error.value,
            ) from None

    # votes
    table = _Table(votes, VOTES_COLUMNS)
    rcid_index = {str(rcid): n for rcid, n in index.items()}
    actor_list, matrix = _votes(table, rcid_index, index, len(rcids))
    return Data(
        actors=actor_list,
        topics=tuple(sorted(labels.items())),
        roll_calls=columns,
        votes=matrix,
    )


_Votes = tuple[tuple[tuple[str, str], ...], bytes]


def _votes(table: _Table, rcid_index: dict[str, int], index: dict[int, int], width: int) -> _Votes:
    """The actors and the vote matrix, row by row, raising at the first bad row."""
    name = table.name
    actors: dict[str, int] = {}
    names: dict[str, str] = {}  # key -> name
    keys: dict[str, str] = {}  # name -> key
    folded: dict[str, str] = {}  # case-folded key or name -> key
    matrix = bytearray()
    codes = _CODES
    for line, (rcid_text, country, code, vote) in table.rows():
        n = rcid_index.get(rcid_text)
        if n is None:
            n = index.get(_int(rcid_text, name, line, "rcid"))  # e.g. "0012"
            if n is None:
                raise ReadError(
                    "unknown roll call", source=name, line=line, field="rcid", value=rcid_text
                )
        stance = codes.get(vote)
        if stance is None:
            raise ReadError(
                f"expected one of {', '.join(codes)}",
                source=name,
                line=line,
                field="vote",
                value=vote,
            )
        key = code or country
        a = actors.get(key)
        if a is None:
            if not country:
                raise ReadError("empty country", source=name, line=line, field="country")
            if country in keys:
                raise ReadError(
                    f"country {country!r} had code {keys[country]!r} before",
                    source=name,
                    line=line,
                    field="country_code",
                    value=code,
                )
            try:
                actor = _actor(key, country)
            except InvalidValueError as error:
                field = "country_code" if code and error.field == "Actor.key" else "country"
                raise ReadError(
                    error.reason, source=name, line=line, field=field, value=error.value
                ) from None
            for label in (actor.key, *actor.aliases):
                other = folded.setdefault(label.casefold(), key)
                if other != key:
                    raise ReadError(
                        f"{label!r} is also a key or name of {other!r} (case-insensitively)",
                        source=name,
                        line=line,
                        field="country",
                        value=country,
                    )
            a = actors[key] = len(actors)
            names[key] = country
            keys[country] = key
            matrix.extend(bytes(width))
        elif names[key] != country:
            raise ReadError(
                f"code {key!r} names {names[key]!r} elsewhere",
                source=name,
                line=line,
                field="country",
                value=country,
            )
        cell = a * width + n
        if matrix[cell]:
            raise ReadError(
                f"second vote of {key} on roll call {rcid_text}", source=name, line=line
            )
        matrix[cell] = stance
    return tuple((key, names[key]) for key in actors), bytes(matrix)


# -- the package file ---------------------------------------------------------------------


def encode(data: Data) -> bytes:
    """The package file for *data*; the same data always gives the same bytes."""
    header = {
        "format_version": FORMAT_VERSION,
        "actors": [list(actor) for actor in data.actors],
        "topics": [list(topic) for topic in data.topics],
        "roll_calls": dict(data.roll_calls),
    }
    text = json.dumps(header, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    head = zlib.compress(text.encode("utf-8"), 9)
    votes = zlib.compress(data.votes, 9)
    return _HEAD.pack(MAGIC, FORMAT_VERSION, len(head), len(votes)) + head + votes


def decode(blob: bytes, source: str = "<bytes>") -> Data:
    """Read a package file written by :func:`encode`.

    Raises:
        ReadError: If *blob* is not such a file, is of another format version, or is
            truncated or corrupt.
    """
    if len(blob) < _HEAD.size or blob[: len(MAGIC)] != MAGIC:
        raise ReadError("not a stancematrix UNGA data file", source=source)
    _, version, n_head, n_votes = _HEAD.unpack_from(blob)
    if version != FORMAT_VERSION:
        raise ReadError(
            f"format version {version}; this stancematrix reads {FORMAT_VERSION}", source=source
        )
    if len(blob) != _HEAD.size + n_head + n_votes:
        raise ReadError("truncated or padded data file", source=source)
    try:
        header = json.loads(zlib.decompress(blob[_HEAD.size : _HEAD.size + n_head]))
        votes = zlib.decompress(blob[_HEAD.size + n_head :])
        actors = tuple((str(key), str(name)) for key, name in header["actors"])
        topics = tuple((str(code), str(label)) for code, label in header["topics"])
        roll_calls = header["roll_calls"]
    except (zlib.error, ValueError, KeyError, TypeError) as error:
        raise ReadError(f"corrupt data file: {error}", source=source) from error
    if len(votes) != len(actors) * len(roll_calls["rcid"]):
        raise ReadError("corrupt data file: vote matrix has the wrong size", source=source)
    return Data(actors, topics, roll_calls, votes)


# -- building the matrix ------------------------------------------------------------------

_Day = DateLike


def _topic_codes(topics: Iterable[str] | str, known: Sequence[tuple[str, str]]) -> frozenset[str]:
    names = {code.casefold(): code for code, _ in known}
    names.update({label.casefold(): code for code, label in known})
    wanted = (topics,) if isinstance(topics, str) else tuple(topics)
    if not wanted:
        raise InvalidValueError("topics", wanted, "name at least one topic")
    codes = set()
    for topic in wanted:
        code = names.get(topic.casefold()) if isinstance(topic, str) else None
        if code is None:
            choices = ", ".join(f"{code!r} ({label})" for code, label in known)
            raise InvalidValueError("topics", topic, f"is not a topic: {choices}")
        codes.add(code)
    return frozenset(codes)


def matrix(
    data: Data,
    since: _Day | None = None,
    until: _Day | None = None,
    topics: Iterable[str] | str | None = None,
) -> StanceMatrix:
    """The matrix of *data*, narrowed to roll calls in ``[since, until]`` with *topics*."""
    rc = data.roll_calls
    labels = dict(data.topics)
    first = _day_code(since, "since", last=False)
    last = _day_code(until, "until", last=True)
    if first is not None and last is not None and last < first:
        raise InvalidValueError("until", str(until), f"is before since ({since})")
    codes = None if topics is None else _topic_codes(topics, data.topics)
    dates = [int(d.replace("-", "")) for d in rc["date"]]
    keep = [
        (first is None or first <= day)
        and (last is None or day <= last)
        and (codes is None or not codes.isdisjoint(tags))
        for day, tags in zip(dates, rc["topics"], strict=True)
    ]
    width = len(dates)
    rows = [data.votes[a * width : (a + 1) * width] for a in range(len(data.actors))]
    if not all(keep):
        rows = [bytes(itertools.compress(row, keep)) for row in rows]
        dates = list(itertools.compress(dates, keep))
    days: dict[str, PartialDate] = {}
    issues = [
        _issue(rc, n, labels, days)
        for n in itertools.compress(range(width), keep)  # the kept roll calls, in order
    ]
    width = len(issues)

    # Actors who cast no vote on the kept roll calls are left out.
    kept_actors = [a for a, row in enumerate(rows) if row.count(0) < width]
    actors = [_actor(*data.actors[a]) for a in kept_actors]
    rows = [rows[a] for a in kept_actors]

    # Each column is cut out of the vote rows with C-level operations: compress() picks
    # the 4-byte little-endian code of every roll call a country voted on.
    stance = array("b", b"".join(rows).replace(b"\0", b"").translate(_STANCE))
    actor = array("i")
    for a, row in enumerate(rows):
        actor.extend(array("i", [a]) * (width - row.count(0)))
    issue = _gather(rows, [array("i", [n]).tobytes() for n in range(width)])
    start = _gather(rows, [array("i", [day]).tobytes() for day in dates])
    metadata = {
        "title": TITLE,
        "description": (
            "Every recorded vote (yes, abstain, no) of every member state on every roll call "
            "of the UN General Assembly, 1946–2020. Actors are countries (key: ISO 3166-1 "
            "alpha-2 code, or the country's name where the data give no code); issues are "
            "roll calls (key: rcid)."
        ),
        "citation": CITATION,
        "licence": LICENCE,
    }
    selection = _selection(since, until, codes, labels)
    if selection:
        metadata["selection"] = selection
    return _assemble(actors, issues, actor, issue, stance, start, metadata)


def _gather(rows: Sequence[bytes], items: Sequence[bytes]) -> array[int]:
    """The int column holding ``items[n]`` for every non-zero ``row[n]``, row by row."""
    return array("i", b"".join([b"".join(itertools.compress(items, row)) for row in rows]))


# votes byte (1..3) -> stance code (0..2)
_STANCE: Final = bytes(max(b - 1, 0) for b in range(256))


def _day_code(value: _Day | None, field: str, *, last: bool) -> int | None:
    if value is None:
        return None
    try:
        day = to_partial(value)
    except InvalidValueError as error:
        raise InvalidValueError(field, value, error.reason) from None
    bound = day.last_day if last else day.first_day
    return bound.year * 10000 + bound.month * 100 + bound.day


def _selection(
    since: _Day | None, until: _Day | None, codes: frozenset[str] | None, labels: dict[str, str]
) -> str:
    parts = []
    if since is not None:
        parts.append(f"roll calls since {to_partial(since)}")
    if until is not None:
        parts.append(f"until {to_partial(until)}")
    if codes is not None:
        parts.append("on " + ", ".join(labels[c] for c in sorted(codes)))
    return " ".join(parts)


@functools.lru_cache(maxsize=256)
def _actor(key: str, name: str) -> Actor:
    return Actor(key, name, "state", () if name.casefold() == key.casefold() else (name,))


def _issue(
    rc: Mapping[str, list[Any]], n: int, labels: Mapping[str, str], days: dict[str, PartialDate]
) -> Issue:
    rcid = str(rc["rcid"][n])
    descr = rc["descr"][n] or None  # verbatim; title and proposition are stripped
    title = rc["short"][n].strip() or f"Roll call {rcid}"
    tags = [labels[code] for code in rc["topics"][n]]
    tags.extend(f"{field}:{rc[field][n]}" for field in _TAGGED if rc[field][n] != "")
    return Issue(
        key=rcid,
        title=title,
        proposition=descr.strip() if descr and descr.strip() else title,
        description=descr,
        date=days.get(rc["date"][n])
        or days.setdefault(rc["date"][n], PartialDate.parse(rc["date"][n])),
        tags=tuple(tags),
    )


def _assemble(
    actors: Sequence[Actor],
    issues: Sequence[Issue],
    actor: array[int],
    issue: array[int],
    stance: array[int],
    start: array[int],
    metadata: Mapping[str, str],
) -> StanceMatrix:
    """The matrix of these canonical-order columns (one dated vote per cell, one source)."""
    zeros = array("i", bytes(4 * len(actor)))
    try:
        decl = Declarations.declare(actors, issues, (_SOURCE,), _SCALE, metadata)
        store = from_columns(
            decl,
            actor=actor,
            issue=issue,
            start=start,
            end=zeros,
            source=array("i", zeros),
            stance=stance,
            canonical=True,
        )
    except Problem as located:  # declarations the reader would have refused
        raise located.error from None
    return face(StanceMatrix, store)


# -- the built-in dataset -----------------------------------------------------------------

PACKAGE_FILE: Final = "unga.bin"


@functools.cache
def package_data() -> Data:
    blob = resources.files(__package__).joinpath("unga", PACKAGE_FILE).read_bytes()
    return decode(blob, source=PACKAGE_FILE)


def load(
    since: _Day | None = None,
    until: _Day | None = None,
    topics: Iterable[str] | str | None = None,
) -> StanceMatrix:
    """The UNGA votes, narrowed as :func:`stancematrix.load_dataset` documents."""
    return matrix(package_data(), since, until, topics)
