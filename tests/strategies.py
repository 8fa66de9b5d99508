"""Hypothesis strategies for stancematrix values, shared by every test module."""

from __future__ import annotations

import calendar
import functools

import attrs
from hypothesis import reject
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._query.agreement import METHODS

# Any text, including pipes, quotes, newlines, formula triggers and non-ASCII; text fields
# are non-empty (the model rejects "").
texts = st.text(min_size=1, max_size=40)
optional_texts = st.none() | texts
# Keys and labels: non-empty, no surrounding whitespace.
names = st.text(min_size=1, max_size=12).map(str.strip).filter(bool)
# Metadata keys and values: any string, "" and surrounding whitespace included.
metadata_texts = st.sampled_from(["", " ", "=1"]) | st.text(max_size=20)

# Strategies the composite strategies below draw from, built once here: a strategy built
# inside a composite is built and validated again for every example (and in a loop, for
# every draw), which costs more than the drawing and made generation most of CI's time.
optional_names = st.none() | names
# An issue's proposition: any text, stripped, non-empty.
propositions = texts.map(str.strip).filter(bool)
_MONTHS = st.none() | st.integers(1, 12)
_DAYS = {n: st.none() | st.integers(1, n) for n in (28, 29, 30, 31)}
_ACTOR_KINDS = st.none() | st.sampled_from(["state", "bloc"])
_TAGS = st.lists(names, max_size=2, unique=True)
_ALIASES = st.lists(names, max_size=2, unique_by=str.casefold)
_METADATA = st.dictionaries(metadata_texts, metadata_texts, max_size=2)
_CLAIM_EDITS = st.sampled_from(["keep", "keep", "drop", "stance", "text", "date", "source"])
_VARIANTS = st.sampled_from(["upper", "lower", "space", "reword", "none"])
_SERIES = st.none() | st.sampled_from(["wom", "poll"])
_ORDERS = st.none() | st.integers(1, 3)


@st.composite
def _partial_dates(draw: st.DrawFn, min_year: int, max_year: int) -> sm.PartialDate:
    year = draw(st.integers(min_year, max_year))
    month = draw(_MONTHS)
    if month is None:
        return sm.PartialDate(year)
    day = draw(_DAYS[calendar.monthrange(year, month)[1]])
    return sm.PartialDate(year, month, day)


@functools.cache
def partial_dates(min_year: int = 1, max_year: int = 9999) -> st.SearchStrategy[sm.PartialDate]:
    """Partial dates (a year, a month or a day) between *min_year* and *max_year*."""
    return _partial_dates(min_year, max_year)


optional_dates = st.none() | partial_dates()


@st.composite
def _periods(draw: st.DrawFn) -> sm.Period:
    start = draw(partial_dates())
    end = draw(optional_dates)
    if end is not None and end.last_day < start.first_day:
        start, end = end, start
        if end.last_day < start.first_day:  # overlapping precisions; keep one date
            end = None
    return sm.Period(start, end)


@functools.cache
def periods() -> st.SearchStrategy[sm.Period]:
    """Periods: a partial date, or two in order."""
    return _periods()


optional_periods = st.none() | periods()


@st.composite
def _edtf_dates(draw: st.DrawFn, min_year: int, max_year: int) -> sm.PartialDate:
    date = draw(partial_dates(min_year, max_year))
    return attrs.evolve(date, approximate=draw(st.booleans()), uncertain=draw(st.booleans()))


@functools.cache
def edtf_dates(min_year: int = 1, max_year: int = 9999) -> st.SearchStrategy[sm.PartialDate]:
    """Partial dates, some approximate (``~``), uncertain (``?``) or both (``%``)."""
    return _edtf_dates(min_year, max_year)


@st.composite
def _edtf_periods(draw: st.DrawFn) -> sm.Period:
    period = draw(periods())
    # The start's qualifiers, as edtf_dates draws them (its year is the period's).
    start = attrs.evolve(
        period.start, approximate=draw(st.booleans()), uncertain=draw(st.booleans())
    )
    if draw(st.booleans()):
        return sm.Period(start, open_end=True)
    end = period.end
    if end is not None and draw(st.booleans()):
        end = attrs.evolve(end, approximate=True)
    return sm.Period(start, end)


@functools.cache
def edtf_periods() -> st.SearchStrategy[sm.Period]:
    """Periods of :func:`edtf_dates`, some open-ended (``START/..``)."""
    return _edtf_periods()


@st.composite
def scales(draw: st.DrawFn) -> sm.Scale:
    labels = draw(st.lists(names, min_size=2, max_size=6, unique_by=str.casefold))
    unknown = draw(names.filter(lambda u: u.casefold() not in {x.casefold() for x in labels}))
    values = sorted(draw(st.sets(st.integers(-10, 10), min_size=len(labels), max_size=len(labels))))
    symbols = draw(st.lists(optional_names, min_size=len(labels), max_size=len(labels)))
    levels = [
        sm.Level(label, value, symbol)
        for label, value, symbol in zip(labels, values, symbols, strict=True)
    ]
    return sm.Scale(draw(names), levels, unknown, draw(optional_names))


any_scales = st.just(sm.Scale.five_point()) | scales()


@st.composite
def matrices(draw: st.DrawFn, min_claims: int = 0, max_claims: int = 12) -> sm.StanceMatrix:
    """Valid matrices of a few actors, issues and sources, with any claims between them."""
    scale = draw(any_scales)
    actor_names = draw(st.lists(names, min_size=1, max_size=4, unique_by=str.casefold))
    actors = [sm.Actor(key, draw(names), draw(_ACTOR_KINDS)) for key in actor_names]
    issue_keys = draw(st.lists(names, min_size=1, max_size=4, unique_by=str.casefold))
    issues = [
        sm.Issue(
            key,
            draw(names),
            draw(propositions),
            date=draw(optional_dates),
            tags=draw(_TAGS),
        )
        for key in issue_keys
    ]
    source_ids = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    sources = [sm.Source(sid, draw(names), document=draw(optional_texts)) for sid in source_ids]
    claim = st.builds(
        sm.Position,
        actor=st.sampled_from(actor_names),
        issue=st.sampled_from(issue_keys),
        stance=st.sampled_from(scale.labels),
        source=st.sampled_from(source_ids),
        summary=optional_texts,
        quote=optional_texts,
        date=optional_periods,
        note=optional_texts,
    )
    claims = draw(st.lists(claim, min_size=min_claims, max_size=max_claims, unique=True))
    metadata = draw(_METADATA)
    return sm.StanceMatrix.from_positions(
        claims, actors=actors, issues=issues, sources=sources, scale=scale, metadata=metadata
    )


# Text a renderer must not let loose: table and markup syntax, formula triggers, escape
# sequences, line breaks and wide characters, alone or mixed with any text.
hostile_texts = (
    st.sampled_from(
        [
            "a | b",
            "\\|",
            "line\nbreak",
            "cr\rlf\r\n",
            "*bold* _em_ `code`",
            "[link](http://x) ![img](y)",
            "<script>alert(1)</script>",
            "&amp; &lt;",
            "=SUM(A1:A9)",
            "+1",
            "-2",
            "@cmd",
            "\t=tab",
            "'=quoted",
            "\x1b[31mred\x1b[0m",
            "\x1b[2J\x1b[H",
            "back\x08space",
            "\u202eevil",
            "中文字符",
            " padded ",
            "~~strike~~",
            "\\",
        ]
    )
    | st.lists(
        st.sampled_from(
            ["|", "\\", "*", "_", "`", "[", "]", "<", ">", "&", "\n", "=", " ", "中", "x"]
        ),
        min_size=1,
        max_size=8,
    )
    .map("".join)
    .filter(str.strip)
    | texts
)
optional_hostile_texts = st.none() | hostile_texts
# Hostile labels the model allows (no surrounding whitespace, non-empty).
hostile_labels = hostile_texts.map(str.strip).filter(bool)


@st.composite
def rich_matrices(draw: st.DrawFn, max_claims: int = 12) -> sm.StanceMatrix:
    """Like :func:`matrices`, with aliases, parents, descriptions and source details too."""
    base = draw(matrices(max_claims=max_claims))
    keys = [i.key for i in base.issues]
    actor_aliases = [draw(_ALIASES) for _ in base.actors]
    parents = [draw(st.none() | st.sampled_from(keys[:k])) if k else None for k in range(len(keys))]
    descriptions = [draw(optional_texts) for _ in keys]
    issue_aliases = [draw(_ALIASES) for _ in keys]
    details = [
        (draw(optional_texts), draw(optional_texts), draw(optional_dates)) for _ in base.sources
    ]
    try:
        actors = [
            attrs.evolve(a, aliases=aliases)
            for a, aliases in zip(base.actors, actor_aliases, strict=True)
        ]
        issues = [
            attrs.evolve(i, parent=p, description=d, aliases=a)
            for i, p, d, a in zip(base.issues, parents, descriptions, issue_aliases, strict=True)
        ]
        sources = [
            attrs.evolve(s, author=author, publisher=publisher, published=published)
            for s, (author, publisher, published) in zip(base.sources, details, strict=True)
        ]
        return sm.StanceMatrix.from_positions(
            list(base),
            actors=actors,
            issues=issues,
            sources=sources,
            scale=base.scale,
            metadata=base.metadata,
        )
    except sm.StanceMatrixError:  # an alias clashed with a key or another alias
        reject()


#: The agreement methods of :func:`stancematrix.agreement`, from their registry.
agreement_methods = st.sampled_from(METHODS)


@st.composite
def matrix_pairs(draw: st.DrawFn, max_claims: int = 12) -> tuple[sm.StanceMatrix, sm.StanceMatrix]:
    """A matrix and an edited copy on the same scale: claims kept, dropped, changed
    (stance, text, date, source) or added; actors, issues and sources added, removed,
    renamed or reordered; metadata edited."""
    old = draw(matrices(max_claims=max_claims))
    scale = old.scale

    def edit_entries(entries, key, rename, fresh):
        kept = [e for e in entries if draw(st.integers(0, 4))]  # mostly kept
        kept = [
            attrs.evolve(e, **{rename: draw(names)}) if not draw(st.integers(0, 3)) else e
            for e in kept
        ]
        taken = {key(e).casefold() for e in entries}
        for _ in range(draw(st.integers(0, 2))):
            k = draw(names.filter(lambda n: n.casefold() not in taken))
            taken.add(k.casefold())
            kept.insert(draw(st.integers(0, len(kept))), fresh(k))
        if draw(st.booleans()) and len(kept) > 1:
            kept = draw(st.permutations(kept))
        return kept or list(entries[:1])

    actors = edit_entries(old.actors, lambda a: a.key, "name", lambda k: sm.Actor(k, draw(names)))
    issues = edit_entries(
        old.issues,
        lambda i: i.key,
        "title",
        lambda k: sm.Issue(k, draw(names), draw(propositions)),
    )
    sources = edit_entries(
        old.sources, lambda s: s.id, "title", lambda k: sm.Source(k, draw(names))
    )
    actor_keys = {a.key for a in actors}
    issue_keys = {i.key for i in issues}
    source_ids = [s.id for s in sources]
    any_source = st.sampled_from(source_ids)
    any_stance = st.sampled_from(scale.labels)
    claims = []
    for claim in old:
        if claim.actor not in actor_keys or claim.issue not in issue_keys:
            continue
        if claim.source not in source_ids:
            claim = attrs.evolve(claim, source=draw(any_source))
        action = draw(_CLAIM_EDITS)
        if action == "drop":
            continue
        if action == "stance":
            claim = attrs.evolve(claim, stance=draw(any_stance))
        elif action == "text":
            claim = attrs.evolve(
                claim,
                summary=draw(optional_texts),
                quote=draw(optional_texts),
                note=draw(optional_texts),
            )
        elif action == "date":
            claim = attrs.evolve(claim, date=draw(optional_periods))
        elif action == "source":
            claim = attrs.evolve(claim, source=draw(any_source))
        claims.append(claim)
    new_claim = st.builds(
        sm.Position,
        actor=st.sampled_from(sorted(actor_keys)),
        issue=st.sampled_from(sorted(issue_keys)),
        stance=any_stance,
        source=any_source,
        summary=optional_texts,
        quote=optional_texts,
        date=optional_periods,
        note=optional_texts,
    )
    claims += draw(st.lists(new_claim, max_size=4))
    metadata = dict(old.metadata)
    if draw(st.booleans()):
        metadata = draw(st.dictionaries(names, texts, max_size=2))
    new = sm.StanceMatrix.from_positions(
        list(dict.fromkeys(claims)),
        actors=actors,
        issues=issues,
        sources=sources,
        scale=scale,
        metadata=metadata,
    )
    if draw(st.booleans()):
        old, new = new, old
    return old, new


def _variant(draw: st.DrawFn, text: str | None) -> str | None:
    """*text* as a loose diff option would still see it, or different wording."""
    how = draw(_VARIANTS)
    if how == "none" or text is None:
        return draw(optional_texts) if how == "reword" else text
    if how == "space":
        return " " + text.replace(" ", "  ") + " "
    if how == "reword":
        return draw(texts)
    changed = text.upper() if how == "upper" else text.lower()
    return changed or text


@st.composite
def loose_pairs(draw: st.DrawFn) -> tuple[sm.StanceMatrix, sm.StanceMatrix]:
    """Pairs from :func:`matrix_pairs` whose new side also gains or swaps in claims that
    differ from an old claim in its cell only in case, whitespace or wording: what
    ``stance_only``, ``ignore_case`` and ``ignore_whitespace`` see as unchanged."""
    old, new = draw(matrix_pairs())
    actors, issues = {a.key for a in new.actors}, {i.key for i in new.issues}
    sources = {s.id for s in new.sources}
    claims = list(new)
    for claim in old:
        if claim.actor not in actors or claim.issue not in issues or claim.source not in sources:
            continue
        if not draw(st.integers(0, 2)):
            continue
        twin = attrs.evolve(
            claim,
            summary=_variant(draw, claim.summary),
            quote=_variant(draw, claim.quote),
            note=_variant(draw, claim.note),
        )
        if draw(st.booleans()) and claim in claims:
            claims.remove(claim)  # the twin replaces the claim instead of joining it
        claims.append(twin)
    new = sm.StanceMatrix.from_positions(
        list(dict.fromkeys(claims)),
        actors=new.actors,
        issues=new.issues,
        sources=new.sources,
        scale=new.scale,
        metadata=new.metadata,
    )
    return (new, old) if draw(st.booleans()) else (old, new)


@st.composite
def hostile_matrices(draw: st.DrawFn, max_claims: int = 8) -> sm.StanceMatrix:
    """Matrices with :data:`hostile_texts` in every text field a renderer may show:
    actor names, issue titles and propositions, source titles, summaries, quotes, notes,
    and metadata; keys are :data:`names` (any text without surrounding whitespace)."""
    bare = hostile_labels
    scale = draw(any_scales)
    actor_keys = draw(st.lists(names, min_size=1, max_size=3, unique_by=str.casefold))
    issue_keys = draw(st.lists(names, min_size=1, max_size=3, unique_by=str.casefold))
    source_ids = draw(st.lists(names, min_size=1, max_size=2, unique=True))
    actors = [sm.Actor(key, draw(bare)) for key in actor_keys]
    issues = [sm.Issue(key, draw(bare), draw(bare)) for key in issue_keys]
    sources = [
        sm.Source(sid, draw(bare), author=draw(optional_hostile_texts)) for sid in source_ids
    ]
    claim = st.builds(
        sm.Position,
        actor=st.sampled_from(actor_keys),
        issue=st.sampled_from(issue_keys),
        stance=st.sampled_from(scale.labels),
        source=st.sampled_from(source_ids),
        summary=optional_hostile_texts,
        quote=optional_hostile_texts,
        date=optional_periods,
        note=optional_hostile_texts,
    )
    claims = draw(st.lists(claim, max_size=max_claims, unique=True))
    metadata = draw(st.dictionaries(names, hostile_texts, max_size=2))
    return sm.StanceMatrix.from_positions(
        claims, actors=actors, issues=issues, sources=sources, scale=scale, metadata=metadata
    )


_WIDE_KEYS = [f"k{n}" for n in range(40)]
_WIDE_CLAIMS = st.builds(
    sm.Position,
    actor=st.sampled_from(_WIDE_KEYS),
    issue=st.sampled_from(_WIDE_KEYS),
    stance=st.sampled_from(sm.Scale.five_point().labels),
    source=st.sampled_from(["s", "t"]),
    summary=st.none() | st.just("said"),
    date=st.none() | st.sampled_from(["2020", "2021-03", "2020/2022"]),
)


@st.composite
def wide_matrices(draw: st.DrawFn) -> sm.StanceMatrix:
    """Matrices with few claims over many cells, so the cell index is sparse."""
    keys, claim = _WIDE_KEYS, _WIDE_CLAIMS
    return sm.StanceMatrix.from_positions(
        draw(st.lists(claim, max_size=30, unique=True)),
        actors=[sm.Actor(k, k) for k in keys],
        issues=[sm.Issue(k, k, "p") for k in keys],
        sources=[sm.Source("s", "s"), sm.Source("t", "t")],
    )


_LINKED_STANCES = st.sampled_from([level.label for level in sm.Scale.five_point().levels])
_LINKED_OPTIONAL_STANCES = st.none() | _LINKED_STANCES
_LINKED_KINDS = st.sampled_from(["stance", "stance", "stance", "none", "unknown"])


@st.composite
def linked_matrices(draw: st.DrawFn) -> sm.StanceMatrix:
    """Five-point matrices where every actor with a stance states one on the first issue.

    So every pair of actors with a known stance shares an issue (their agreement is
    defined); some actors have no claims at all, some only "no position reported".
    """
    n_actors = draw(st.integers(2, 9))
    n_issues = draw(st.integers(1, 7))
    stances, optional_stances = _LINKED_STANCES, _LINKED_OPTIONAL_STANCES
    claims: list[sm.Position] = []
    for a in range(n_actors):
        kind = draw(_LINKED_KINDS)
        if kind == "none":
            continue
        if kind == "unknown":
            claims.append(sm.Position(f"a{a}", "i0", "no position reported", "s"))
            continue
        claims.append(sm.Position(f"a{a}", "i0", draw(stances), "s"))
        for i in range(1, n_issues):
            stance = draw(optional_stances)
            if stance is not None:
                claims.append(sm.Position(f"a{a}", f"i{i}", stance, "s"))
    return sm.StanceMatrix.from_positions(
        claims,
        actors=[sm.Actor(f"a{a}", f"actor {a}") for a in range(n_actors)],
        issues=[sm.Issue(f"i{i}", f"issue {i}", "p") for i in range(n_issues)],
        sources=[sm.Source("s", "s")],
    )


_OPTIONAL_EDTF_PERIODS = st.none() | edtf_periods()
_OPTIONAL_UNTIL = st.none() | edtf_dates(2000, 2030)


@st.composite
def validity_matrices(draw: st.DrawFn, max_claims: int = 12) -> sm.StanceMatrix:
    """Like :func:`matrices`, with ends of validity on claims, sources in a series and
    approximate, uncertain and open-ended dates."""
    base = draw(matrices(max_claims=max_claims))
    sources = [
        attrs.evolve(s, series=series, published=draw(partial_dates(2000, 2030)))
        if (series := draw(_SERIES)) is not None
        else s
        for s in base.sources
    ]
    claims = []
    for claim in base:
        date = draw(_OPTIONAL_EDTF_PERIODS) if draw(st.booleans()) else claim.date
        until = draw(_OPTIONAL_UNTIL)
        if until is not None and date is not None and until.last_day < date.first_day:
            until = date.end or date.start
        claims.append(attrs.evolve(claim, date=date, until=until))
    if len(set(claims)) < len(claims):
        reject()
    return sm.StanceMatrix.from_positions(
        claims,
        actors=base.actors,
        issues=base.issues,
        sources=sources,
        scale=base.scale,
        metadata=base.metadata,
    )


@st.composite
def ordered_matrices(
    draw: st.DrawFn, max_claims: int = 12, dated_only: bool = False
) -> sm.StanceMatrix:
    """Like :func:`validity_matrices`, with some claims ordered in their source (with
    *dated_only*, only dated claims)."""
    base = draw(validity_matrices(max_claims=max_claims))
    claims = [attrs.evolve(c, order=draw(_ORDERS)) if c.date or not dated_only else c for c in base]
    if len(set(claims)) < len(claims):
        reject()
    return sm.StanceMatrix.from_positions(
        claims,
        actors=base.actors,
        issues=base.issues,
        sources=base.sources,
        scale=base.scale,
        metadata=base.metadata,
    )
