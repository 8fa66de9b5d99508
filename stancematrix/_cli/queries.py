"""The query commands: compare, timeline, agreement, blocs and those made from ``QUERIES``.

Each reads a matrix, calls the library function of its name with the flags as options,
and prints the result (``--format``; ``--labels name`` relabels it first).
"""

from __future__ import annotations

import argparse
from typing import Any

from stancematrix._datasets import dataset_names
from stancematrix._matrix import StanceMatrix
from stancematrix._query.labels import relabel
from stancematrix._table import HtmlView, size

from .data import Command, more, output, preview
from .io import PREVIEW_COLUMNS, PREVIEW_LIMIT, PREVIEW_ROWS, exists
from .parse import QUERIES
from .read import Usage, load

__all__ = ["COMMANDS"]


def _result(result: Any, args: argparse.Namespace, matrix: StanceMatrix) -> int:
    """Print a query's *result* (of *matrix*) as ``--format`` and ``--labels`` ask."""
    if args.labels == "name":
        result = relabel(result, matrix)
    if args.format == "markdown":
        output(result.to_markdown(), args)
    elif isinstance(result, HtmlView) and preview(args):
        rows, columns = size(result)
        cut = {
            "max_rows": PREVIEW_ROWS if rows > PREVIEW_LIMIT else None,
            "max_columns": PREVIEW_COLUMNS if columns > PREVIEW_COLUMNS else None,
        }
        text = result.to_text(**cut)
        output(f"{text}\n{more('--format markdown')}" if any(cut.values()) else text, args)
    else:
        output(result.to_text(), args)
    return 0


def _readable(name: str) -> bool:
    return name == "-" or exists(name) or name in dataset_names()


def _source_last(args: argparse.Namespace, first: str, second: str) -> None:
    """Put SOURCE last when it was given first (``compare unga US RU``).

    The words are moved only when that is the one reading that works: the last is no
    file nor dataset and the first is. Otherwise an unreadable SOURCE is an error that
    says the order, and so is a dataset named first with one word after it
    (``compare unga US``: one actor short, not two actors of the default dataset).
    """
    source = args.source
    if source is None:
        named = getattr(args, first)
        if named in dataset_names() and getattr(args, second) not in dataset_names():
            raise Usage(
                f"{named} is a built-in dataset, given as the source: {args.command} then "
                f"takes {first.upper()} and {second.upper()} after it "
                f"(e.g. {args.command} {named} {first.upper()} {second.upper()})"
            )
        return
    if _readable(source):
        return
    if _readable(getattr(args, first)):
        args.source = getattr(args, first)
        setattr(args, first, getattr(args, second))
        setattr(args, second, source)
        return
    names = ", ".join(dataset_names())
    order = f"{first.upper()} {second.upper()} [SOURCE]"
    raise Usage(
        f"{source}: no such file, and not a built-in dataset ({names}); "
        f"{args.command} takes {order}, the source last"
    )


def _cmd_compare(args: argparse.Namespace) -> int:
    from stancematrix import compare

    _source_last(args, "a", "b")
    matrix = load(args.source, args.input_format, args)
    found = compare(matrix, args.a, args.b, as_of=args.as_of, sources=args.sources)
    return _result(found, args, matrix)


def _cmd_timeline(args: argparse.Namespace) -> int:
    _source_last(args, "actor", "issue")
    matrix = load(args.source, args.input_format, args)
    return _result(matrix.timeline(args.actor, args.issue), args, matrix)


def _cmd_agreement(args: argparse.Namespace) -> int:
    from stancematrix import agreement, agreement_matrix

    matrix = load(args.source, args.input_format, args)
    common = {"method": args.method, "as_of": args.as_of, "sources": args.sources}
    if args.pair:
        a, b = args.pair
        return _result(agreement(matrix, a, b, **common), args, matrix)
    return _result(agreement_matrix(matrix, actors=args.actors, **common), args, matrix)


def _cmd_blocs(args: argparse.Namespace) -> int:
    from stancematrix import blocs

    if args.threshold is None and args.k is None:
        raise Usage(
            "blocs needs --threshold T (the least average agreement within a bloc) "
            "or --k K (the number of blocs)"
        )
    matrix = load(args.source, args.input_format, args)
    found = blocs(
        matrix,
        threshold=args.threshold,
        k=args.k,
        method=args.method,
        actors=args.actors,
        as_of=args.as_of,
        sources=args.sources,
    )
    return _result(found, args, matrix)


def query_command(function: str) -> Command:
    """The runner of a query command from :data:`QUERIES`: its options become arguments."""

    def run(args: argparse.Namespace) -> int:
        import stancematrix

        matrix = load(args.source, args.input_format, args)
        options = {
            name: getattr(args, name)
            for name in ("actors", "actor", "issue", "tolerance", "as_of", "sources", "kind")
            if getattr(args, name, None) is not None
        }
        if function == "shifts":  # a matrix method, not a function
            return _result(matrix.shifts(**options), args, matrix)
        return _result(getattr(stancematrix, function)(matrix, **options), args, matrix)

    return run


#: The runners of the query commands, by name.
COMMANDS: dict[str, Command] = {
    "compare": _cmd_compare,
    "timeline": _cmd_timeline,
    "agreement": _cmd_agreement,
    "blocs": _cmd_blocs,
    **{query.name: query_command(query.function) for query in QUERIES},
}
