"""The declarations of a matrix: its actors, issues and sources, scale and metadata.

:class:`Declarations` holds the entries in declared order with the indexes that turn a
key, an alias or a source id into the code the columns store, and the lookups every
module uses to resolve what a user typed: a key, an alias, or the display name (actors)
or title (issues) a table shows, in any case, with or without accents; suggestions when
nothing matches.
"""

from __future__ import annotations

import difflib
import re
import types
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from stancematrix._model import Actor, Issue, Source
from stancematrix._scale import Scale, refuse_surrogate
from stancematrix.exceptions import (
    AmbiguousNameError,
    DuplicateKeyError,
    InvalidValueError,
    StanceMatrixError,
    UnknownActorError,
    UnknownIssueError,
    UnknownSourceError,
)

from .problems import Problem, Problems

__all__ = ["Declarations", "Kind", "fold", "unknown"]

#: The kinds of entry a name can refer to.
Kind = Literal["actor", "issue", "source"]


def _index_names(
    part: str, entries: Sequence[Actor | Issue], problems: Problems
) -> tuple[tuple[Any, ...], dict[str, int], dict[str, int]]:
    """Map exact keys and case-folded keys/aliases to positions; reject collisions.

    Returns the entries kept (all, unless *problems* collects a collision and drops the
    entry that collides), and the two indexes.
    """
    keys: dict[str, int] = {}
    names: dict[str, int] = {}
    kept: list[Actor | Issue] = []
    for i, entry in enumerate(entries):
        position = len(kept)
        clash = None
        for name in (entry.key, *entry.aliases):
            folded = name.casefold()
            if folded in names and names[folded] != position:
                owner = kept[names[folded]].key
                clash = DuplicateKeyError(part[:-1], name, (owner, entry.key))
                break
        if clash is not None:
            problems.add(Problem(part, i, "key", clash))
            continue
        for name in (entry.key, *entry.aliases):
            names[name.casefold()] = position
        keys[entry.key] = position
        kept.append(entry)
    return tuple(kept), keys, names


def _entries(part: str, values: Iterable[Any], kind: type[Any]) -> tuple[Any, ...]:
    entries = tuple(values)
    for i, entry in enumerate(entries):
        if not isinstance(entry, kind):
            raise Problem(
                part, i, None, InvalidValueError(part, entry, f"must hold {kind.__name__} values")
            )
    return entries


def _freeze_metadata(metadata: Mapping[str, str] | None) -> Mapping[str, str]:
    items = dict(metadata or {})
    for key, value in items.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise Problem(
                "metadata",
                0,
                str(key),
                InvalidValueError("metadata", (key, value), "keys and values must be strings"),
            )
        for text in (key, value):
            try:
                refuse_surrogate("metadata", text)
            except InvalidValueError as error:
                raise Problem("metadata", 0, key, error) from None
    return types.MappingProxyType(items)


def fold(text: str) -> str:
    """*text* as people may type it: case, accents, punctuation and spacing ignored.

    ``fold("Côte d’Ivoire") == fold("cote d'ivoire") == "cote d ivoire"``.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", bare.casefold()))


class _Names:
    """What a user may type for the entries of one part, folded (see :func:`fold`).

    ``aliases`` holds keys and aliases, ``labels`` display names (actors) or titles
    (issues); each maps a folded text to the codes of the entries that carry it, and
    ``spelled`` maps it back to one original spelling (for suggestions).
    """

    __slots__ = ("aliases", "labels", "spelled")

    def __init__(self, entries: Sequence[Actor | Issue]) -> None:
        self.aliases: dict[str, list[int]] = {}
        self.labels: dict[str, list[int]] = {}
        self.spelled: dict[str, str] = {}
        for code, entry in enumerate(entries):
            label = entry.name if isinstance(entry, Actor) else entry.title
            for index, texts in (
                (self.aliases, (entry.key, *entry.aliases)),
                (self.labels, (label,)),
            ):
                for text in texts:
                    folded = fold(text)
                    if not folded:
                        continue
                    codes = index.setdefault(folded, [])
                    if code not in codes:
                        codes.append(code)
                    self.spelled.setdefault(folded, text)

    def find(self, name: str) -> list[int]:
        """The codes *name* folds to: by key or alias if any, else by display name."""
        folded = fold(name)
        return self.aliases.get(folded) or self.labels.get(folded) or []

    def near(self, name: str, entries: Sequence[Actor | Issue]) -> list[str]:
        """Up to three close matches of *name*, one per entry, best first, as spelled."""
        pool = {**self.labels, **self.aliases}
        close = difflib.get_close_matches(fold(name), list(pool), n=12, cutoff=0.6)
        found: list[str] = []
        seen: set[int] = set()
        for folded in close:
            codes = pool[folded]
            if seen.issuperset(codes):
                continue
            seen.update(codes)
            found.append(self.spelled[folded] if len(codes) == 1 else entries[codes[0]].key)
        return found[:3]


def unknown(
    error: type[UnknownActorError | UnknownIssueError],
    name: str,
    names: Mapping[str, int],
    entries: Sequence[Actor | Issue],
) -> StanceMatrixError:
    """An unknown-key error for a claim that points from an alias or miscased key to the key."""
    hit = names.get(name.casefold())
    keys = [entry.key for entry in entries]
    return error(name, keys, suggestions=[] if hit is None else [entries[hit].key])


class Declarations:
    """Actors, issues and sources in declared order, the scale, metadata and their indexes.

    Immutable by contract. Build with :meth:`declare`; derive subsets with :meth:`subset`,
    which shares every index that does not change.

    Attributes:
        actors, issues, sources: The entries, in declared order.
        scale: The stance scale; ``labels`` is ``scale.labels``.
        metadata: Read-only string metadata.
        actor_keys, issue_keys, source_keys: Exact key (source id) → code.
        actor_names, issue_names: Case-folded key or alias → code.
    """

    __slots__ = (
        "_actor_folded",
        "_issue_folded",
        "actor_keys",
        "actor_names",
        "actors",
        "issue_keys",
        "issue_names",
        "issues",
        "labels",
        "metadata",
        "scale",
        "source_keys",
        "sources",
    )

    actors: tuple[Actor, ...]
    issues: tuple[Issue, ...]
    sources: tuple[Source, ...]
    scale: Scale
    labels: tuple[str, ...]
    metadata: Mapping[str, str]
    actor_keys: dict[str, int]
    actor_names: dict[str, int]
    issue_keys: dict[str, int]
    issue_names: dict[str, int]
    source_keys: dict[str, int]
    _actor_folded: _Names | None
    _issue_folded: _Names | None

    @classmethod
    def declare(
        cls,
        actors: Iterable[Actor],
        issues: Iterable[Issue],
        sources: Iterable[Source],
        scale: Scale | None,
        metadata: Mapping[str, str] | None,
        problems: Problems | None = None,
    ) -> Declarations:
        """Check and index the declarations.

        With *problems* collecting, an actor or issue whose key or alias collides with an
        earlier one, and an issue whose parent is unknown or an ancestor of itself, is
        recorded and left out (:attr:`Problems.dropped` names it, so its claims can be
        left out too); every other problem raises.

        Raises:
            Problem: Naming the part (``"actors"``, ``"issues"``, ``"sources"``,
                ``"scale"``, ``"metadata"``), the entry's position and the field.
        """
        problems = Problems() if problems is None else problems
        self = object.__new__(cls)
        self._actor_folded = self._issue_folded = None
        self.scale = Scale.five_point() if scale is None else scale
        if not isinstance(self.scale, Scale):
            raise Problem(
                "scale", 0, None, InvalidValueError("scale", self.scale, "must be a Scale")
            )
        self.labels = self.scale.labels
        self.metadata = _freeze_metadata(metadata)
        given_actors = _entries("actors", actors, Actor)
        given_issues = _entries("issues", issues, Issue)
        self.sources = _entries("sources", sources, Source)
        self.actors, self.actor_keys, self.actor_names = _index_names(
            "actors", given_actors, problems
        )
        self.issues, self.issue_keys, self.issue_names = _index_names(
            "issues", given_issues, problems
        )
        self.source_keys = {}
        for i, source in enumerate(self.sources):
            if source.id in self.source_keys:
                raise Problem(
                    "sources", i, "id", DuplicateKeyError("source", source.id, (source.id,))
                )
            self.source_keys[source.id] = i
        while (bad := self._bad_parent()) is not None:
            index, error = bad
            gone = self.issues[index]
            problems.add(Problem("issues", given_issues.index(gone), "parent", error))
            remaining = tuple(issue for issue in self.issues if issue is not gone)
            self.issues, self.issue_keys, self.issue_names = _index_names(
                "issues", remaining, Problems()
            )
        for part, given, kept in (
            ("actors", given_actors, self.actors),
            ("issues", given_issues, self.issues),
        ):
            if len(given) != len(kept):
                ids = set(map(id, kept))
                problems.dropped.update((part, e.key) for e in given if id(e) not in ids)
        return self

    def _bad_parent(self) -> tuple[int, StanceMatrixError] | None:
        """The first issue whose parent is undeclared or its own ancestor, with the error."""
        for i, issue in enumerate(self.issues):
            if issue.parent is not None and issue.parent not in self.issue_keys:
                return i, UnknownIssueError(issue.parent, self.issue_keys)
            seen = {issue.key}
            parent = issue.parent
            while parent is not None:
                if parent in seen:
                    return i, InvalidValueError(
                        "Issue.parent", issue.parent, f"issue {issue.key!r} is its own ancestor"
                    )
                seen.add(parent)
                parent = self.issues[self.issue_keys[parent]].parent
        return None

    def subset(
        self,
        actors: tuple[Actor, ...] | None = None,
        issues: tuple[Issue, ...] | None = None,
        sources: tuple[Source, ...] | None = None,
    ) -> Declarations:
        """These declarations with other actors, issues or sources (already checked).

        The indexes of the parts not given are shared, not rebuilt.
        """
        new = object.__new__(Declarations)
        new.scale, new.labels, new.metadata = self.scale, self.labels, self.metadata
        new._actor_folded = self._actor_folded if actors is None else None
        new._issue_folded = self._issue_folded if issues is None else None
        if actors is None:
            new.actors, new.actor_keys, new.actor_names = (
                self.actors,
                self.actor_keys,
                self.actor_names,
            )
        else:
            new.actors, new.actor_keys, new.actor_names = _index_names("actors", actors, Problems())
        if issues is None:
            new.issues, new.issue_keys, new.issue_names = (
                self.issues,
                self.issue_keys,
                self.issue_names,
            )
        else:
            new.issues, new.issue_keys, new.issue_names = _index_names("issues", issues, Problems())
        if sources is None:
            new.sources, new.source_keys = self.sources, self.source_keys
        else:
            new.sources = sources
            new.source_keys = {source.id: i for i, source in enumerate(sources)}
        return new

    # -- lookups ------------------------------------------------------------------------

    def actor_code(self, name: str) -> int:
        """The code of the actor *name* names.

        Tried in turn: the exact key; a key or alias in any case; then, ignoring case,
        accents, punctuation and spacing, a key or alias, then the display name.

        Raises:
            UnknownActorError: If nothing matches; it suggests close keys, aliases or names.
            AmbiguousNameError: If the name is the display name of several actors.
        """
        if self._actor_folded is None:
            self._actor_folded = _Names(self.actors)
        return _find(
            self.actor_keys, self.actor_names, self._actor_folded, self.actors, "actor", name
        )

    def issue_code(self, name: str) -> int:
        """The code of the issue *name* names (as :meth:`actor_code`, by title last).

        Raises:
            UnknownIssueError: If nothing matches; it suggests close keys, aliases or titles.
            AmbiguousNameError: If the name is the title of several issues.
        """
        if self._issue_folded is None:
            self._issue_folded = _Names(self.issues)
        return _find(
            self.issue_keys, self.issue_names, self._issue_folded, self.issues, "issue", name
        )

    def source_code(self, id: str) -> int:
        """The code of the source with this id (exact).

        Raises:
            UnknownSourceError: If no source has that id.
        """
        code = self.source_keys.get(id) if isinstance(id, str) else None
        if code is None:
            raise UnknownSourceError(str(id), self.source_keys)
        return code

    def code(self, kind: Kind, name: str) -> int:
        """The code of the actor, issue or source *name* (see the lookups above)."""
        if kind == "actor":
            return self.actor_code(name)
        if kind == "issue":
            return self.issue_code(name)
        return self.source_code(name)

    def codes(self, kind: Kind, names: Iterable[str] | None) -> list[int]:
        """The codes of the named entries, in the order named; all codes if *names* is None.

        Raises:
            UnknownActorError, UnknownIssueError, UnknownSourceError: If a name is unknown.
            DuplicateKeyError: If an entry is named twice (directly or by alias).
        """
        entries: Sequence[Actor | Issue | Source] = (
            self.actors if kind == "actor" else self.issues if kind == "issue" else self.sources
        )
        if names is None:
            return list(range(len(entries)))
        if isinstance(names, str):
            names = [names]
        codes: list[int] = []
        seen: dict[int, str] = {}
        for name in names:
            c = self.code(kind, name)
            if c in seen:
                entry = entries[c]
                key = entry.id if isinstance(entry, Source) else entry.key
                raise DuplicateKeyError(kind, name, (seen[c], key))
            seen[c] = name
            codes.append(c)
        return codes

    def unknown_actor(self, name: str) -> StanceMatrixError:
        """The error for a claim naming an undeclared actor (suggesting the key of an alias)."""
        return unknown(UnknownActorError, name, self.actor_names, self.actors)

    def unknown_issue(self, name: str) -> StanceMatrixError:
        """The error for a claim naming an undeclared issue (suggesting the key of an alias)."""
        return unknown(UnknownIssueError, name, self.issue_names, self.issues)

    def key(self) -> tuple[Any, ...]:
        """What two equal matrices' declarations have in common."""
        return (
            self.scale,
            self.actors,
            self.issues,
            self.sources,
            tuple(sorted(self.metadata.items())),
        )


def _find(
    keys: Mapping[str, int],
    names: Mapping[str, int],
    folded: _Names,
    entries: Sequence[Actor | Issue],
    kind: Literal["actor", "issue"],
    name: str,
) -> int:
    """The position of the entry *name* names (see :meth:`Declarations.actor_code`)."""
    error = UnknownActorError if kind == "actor" else UnknownIssueError
    if not isinstance(name, str):
        raise error(str(name))
    i = keys.get(name)
    if i is None:
        i = names.get(name.casefold())
    if i is not None:
        return i
    codes = folded.find(name)
    if len(codes) == 1:
        return codes[0]
    if codes:
        raise AmbiguousNameError(kind, name, [entries[c].key for c in codes])
    raise error(name, suggestions=folded.near(name, entries))


def recode(codes: Sequence[int], size: int) -> list[int]:
    """Map old codes to new ones (their position in *codes*); -1 for codes left out."""
    mapping = [-1] * size
    for new, old in enumerate(codes):
        mapping[old] = new
    return mapping


Recode = Callable[[int], int]
