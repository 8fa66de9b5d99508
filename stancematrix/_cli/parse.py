"""The ``stancematrix`` command line's argument parser, separate from what the commands do.

Each command's parser records the command's name (``args.command``); :mod:`stancematrix._cli`
runs it. The query commands are generated from one table, :data:`QUERIES`: a command's
name, the library function it calls, and which of the shared options it takes.
"""

from __future__ import annotations

import argparse
import sys
from typing import NamedTuple, NoReturn

from stancematrix._escape import terminal_text
from stancematrix._io.layout import CELLS, LABELS
from stancematrix._io.registry import names
from stancematrix._io.source import MAX_RATIO, MAX_SIZE
from stancematrix._io.tablefmt import TABLEFMTS
from stancematrix._query import methods
from stancematrix._query.conflicts import CONFLICT_KINDS

from .io import PREVIEW_LIMIT, PREVIEW_ROWS

__all__ = ["DEFAULT_DATASET", "PROG", "QUERIES", "SCALES", "Query", "build_parser"]

PROG = "stancematrix"
DEFAULT_DATASET = "ukraine"

#: The built-in scales ``--scale`` names (any other value is a scale file).
SCALES = ("five-point", "votes")


class Query(NamedTuple):
    """One query command: its name, the library function and its options."""

    name: str
    function: str
    summary: str
    example: str
    options: tuple[str, ...]


#: The query commands made from the table alone (their runner is generic).
QUERIES: tuple[Query, ...] = (
    Query(
        "coverage",
        "coverage",
        "How much of the matrix is filled: claims, stances and sources per actor and issue.",
        f"{PROG} coverage --sources",
        ("as_of", "sources"),
    ),
    Query(
        "polarization",
        "polarization",
        "How divided the actors are on each issue (spread of their known stances).",
        f"{PROG} polarization --actors US RU UA",
        ("actors", "as_of", "sources"),
    ),
    Query(
        "common-ground",
        "common_ground",
        "Issues on which every named actor stands on the same side (or within --tolerance).",
        f"{PROG} common-ground --actors US UA --tolerance 1",
        ("actors", "tolerance", "as_of", "sources"),
    ),
    Query(
        "deadlocks",
        "deadlocks",
        "Issues on which some actors support and others oppose.",
        f"{PROG} deadlocks --actors US RU",
        ("actors", "as_of", "sources"),
    ),
    Query(
        "shifts",
        "shifts",
        "Every stance change within a cell over time (optionally one actor or one issue).",
        f"{PROG} shifts --actor US",
        ("actor", "issue"),
    ),
    Query(
        "conflicts",
        "conflicts",
        "Cells where sources' claims conflict in overlapping periods, with both quotes: "
        "a disagreement, or a change over time that one of the sources tells.",
        f"{PROG} conflicts --kind disagreement",
        ("as_of", "sources", "kind"),
    ),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        if sys.stderr is not None:
            self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {terminal_text(message)}\n")


def _add(
    commands: argparse._SubParsersAction[_Parser], name: str, summary: str, example: str
) -> _Parser:
    parser = commands.add_parser(
        name,
        help=summary,
        description=summary,
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(command=name)
    return parser


def _source(parser: _Parser) -> None:
    parser.add_argument(
        "source",
        metavar="SOURCE",
        nargs="?",
        help=f"a file, '-' for standard input, or a built-in dataset (default: {DEFAULT_DATASET})",
    )
    _input_format(parser)
    _reading(parser)


def _input_format(parser: _Parser) -> None:
    parser.add_argument(
        "--input-format",
        choices=names(readable=True),
        help="format of the input (default: by file extension; json for '-')",
    )
    parser.add_argument(
        "--max-ratio",
        type=float,
        metavar="N",
        help=f"refuse gzip input that expands more than N times its size (default {MAX_RATIO})",
    )
    parser.add_argument(
        "--max-size",
        type=int,
        metavar="BYTES",
        help=f"refuse gzip input that expands beyond BYTES (default {MAX_SIZE:,})",
    )


def _reading(parser: _Parser) -> None:
    """The options for reading any long CSV table (column mapping, stances, scale)."""
    group = parser.add_argument_group("reading a CSV table of any layout")
    group.add_argument(
        "--column",
        action="append",
        metavar="FIELD=COLUMN",
        help="map FIELD (actor, issue, stance, date, source, summary, quote, note, until, order, "
        "actor_name, issue_title) to a CSV column; repeat it, or give several at once "
        "with --columns; COLUMN may be a comma-separated fallback chain for actor",
    )
    group.add_argument(
        "--columns",
        metavar="FIELD=COLUMN,...",
        help="several mappings at once, e.g. actor=who,issue=q,stance=how",
    )
    group.add_argument(
        "--stances",
        action="append",
        metavar="FILE|VALUE=LABEL",
        help="map cell values to stance labels ('Stimme zu=support'); repeat it, or name "
        "a file with one VALUE=LABEL a line",
    )
    group.add_argument(
        "--scale",
        metavar="NAME|FILE",
        help=f"the scale of mapped stances: {' or '.join(SCALES)}, or a CSV file with the "
        "header label,value,symbol (one level a line, lowest value first)",
    )


def _narrowing(parser: _Parser, *options: str) -> None:
    if "actors" in options:
        parser.add_argument("--actors", nargs="+", metavar="ACTOR", help="only these actors")
    if "actor" in options:
        parser.add_argument("--actor", metavar="ACTOR", help="only this actor")
    if "issue" in options:
        parser.add_argument("--issue", metavar="ISSUE", help="only this issue")
    if "tolerance" in options:
        parser.add_argument(
            "--tolerance",
            type=float,
            default=0,
            help="the largest gap on the scale that still counts as agreeing (default 0)",
        )
    if "as_of" in options:
        parser.add_argument("--as-of", metavar="DATE", help="use the snapshot at DATE")
    if "sources" in options:
        parser.add_argument(
            "--sources", nargs="+", metavar="SOURCE_ID", help="count only these sources' claims"
        )
    if "kind" in options:
        parser.add_argument(
            "--kind",
            choices=CONFLICT_KINDS,
            help="only conflicts of this kind: the sources disagree, or changed over time",
        )


def _layout(parser: _Parser) -> None:
    parser.add_argument("--actors", nargs="+", metavar="ACTOR", help="actors to show, in order")
    parser.add_argument("--issues", nargs="+", metavar="ISSUE", help="issues to show, in order")
    parser.add_argument("--as-of", metavar="DATE", help="show the snapshot at DATE")
    parser.add_argument(
        "--sources", nargs="+", metavar="SOURCE_ID", help="show only these sources' claims"
    )
    parser.add_argument("--cell", choices=CELLS, default="stance", help="what each cell shows")
    parser.add_argument(
        "--transpose", action="store_true", help="actors as rows, issues as columns"
    )


def _labels(parser: _Parser, default: str) -> None:
    """``--labels``: how actors and issues are labelled, with the command's default."""
    parser.add_argument(
        "--labels",
        choices=LABELS,
        default=default,
        help=f"label actors and issues by name (actors' names, issues' titles) or by key "
        f"(default: {default})",
    )


def _agreement_options(parser: _Parser) -> None:
    parser.add_argument(
        "--method",
        choices=[*methods.names(), *methods.DEPRECATED],
        default=methods.DEFAULT,
        help="agreement measure: "
        + "; ".join(f"{m.name}, {m.definition}" for m in methods.REGISTRY),
    )
    _narrowing(parser, "actors", "as_of", "sources")


def _result_options(parser: _Parser) -> None:
    _labels(parser, "key")
    parser.add_argument(
        "--format", choices=["text", "markdown"], default="text", help="output format"
    )
    _all(parser, "--format markdown")
    _output(parser)


def _all(parser: _Parser, complete: str) -> None:
    cut = f"more than {PREVIEW_LIMIT} rows print the first and last {PREVIEW_ROWS // 2}"
    done = f"-o FILE and {complete} are always complete"
    parser.add_argument(
        "--all", action="store_true", help=f"print all as text (else {cut}; {done})"
    )


def _output(parser: _Parser) -> None:
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write here instead of standard output (gzip-compressed if FILE ends in .gz)",
    )
    _force(parser)


def _force(parser: _Parser) -> None:
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace the output file if it exists (never a directory or a symbolic link)",
    )


def _two_names(
    parser: _Parser, first: tuple[str, str], second: tuple[str, str], *narrowing: str
) -> None:
    """A query over two named things, then SOURCE: ``compare A B [SOURCE]``."""
    for dest, help_text in (first, second):
        parser.add_argument(dest, metavar=dest.upper(), help=help_text)
    _source(parser)
    _narrowing(parser, *narrowing)
    _result_options(parser)


def build_parser(version: str) -> _Parser:
    """The argument parser for every command (also used to check the docs)."""
    parser = _Parser(
        prog=PROG,
        description="Sourced, dated stance-comparison matrices from the command line.",
        epilog=f"run '{PROG} COMMAND --help' for a command's options and an example",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    show = _add(
        commands,
        "show",
        "Print a matrix as a table (default: the built-in article dataset). Every format "
        "that has a grid prints the grid (csv too: one row per issue); --layout long "
        "writes csv's lossless long layout, as convert does.",
        f"{PROG} show --actors US RU --issues territory sanctions --cell summary",
    )
    _source(show)
    _layout(show)
    _labels(show, "name")
    show.add_argument("--format", choices=names(), default="text", help="output format")
    show.add_argument(
        "--tablefmt",
        choices=list(TABLEFMTS),
        default="simple_grid",
        metavar="TABLEFMT",
        help="the table's frame or markup with --format text (default: simple_grid): "
        + ", ".join(TABLEFMTS),
    )
    show.add_argument(
        "--layout",
        choices=["long", "wide"],
        default="wide",
        help="CSV layout: wide, the grid (default), or long, the lossless claim table",
    )
    _all(show, "--format csv")
    _output(show)

    _two_names(
        _add(
            commands,
            "compare",
            "Compare two actors issue by issue: both stances, the gap and the relation.",
            f"{PROG} compare US RU\n  {PROG} compare US RU unga",
        ),
        ("a", "an actor (key or alias)"),
        ("b", "another actor"),
        "as_of",
        "sources",
    )
    _two_names(
        _add(
            commands,
            "timeline",
            "One actor's claims on one issue in date order, with the stance shifts between them.",
            f"{PROG} timeline US sanctions",
        ),
        ("actor", "an actor (key or alias)"),
        ("issue", "an issue (key or alias)"),
    )

    agreement = _add(
        commands,
        "agreement",
        "How much actors agree: the matrix of every pair, or one pair with --pair.",
        f"{PROG} agreement --method s-score --pair US RU",
    )
    _source(agreement)
    _agreement_options(agreement)
    agreement.add_argument("--pair", nargs=2, metavar=("A", "B"), help="just these two")
    _result_options(agreement)

    blocs = _add(
        commands,
        "blocs",
        "Groups of actors that stand together (clustering over the agreement matrix); "
        "give --threshold or --k.",
        f"{PROG} blocs --threshold 0.8",
    )
    _source(blocs)
    _agreement_options(blocs)
    group = blocs.add_mutually_exclusive_group()
    group.add_argument("--threshold", type=float, help="join actors agreeing at least this much")
    group.add_argument("--k", type=int, help="make exactly K blocs")
    _result_options(blocs)

    for query in QUERIES:
        command = _add(commands, query.name, query.summary, query.example)
        _source(command)
        _narrowing(command, *query.options)
        _result_options(command)

    diff = _add(
        commands,
        "diff",
        "What changed between two files, or in one source between two dates.",
        f"{PROG} diff old.json new.json --fail-if-diff\n"
        f"  {PROG} diff ukraine --from 2025-03 --to 2025-07",
    )
    diff.add_argument("old", metavar="OLD", help="the old matrix (or the SOURCE with --from/--to)")
    diff.add_argument("new", metavar="NEW", nargs="?", help="the new matrix")
    diff.add_argument("--from", dest="since", metavar="DATE", help="snapshot date of the old side")
    diff.add_argument("--to", dest="until", metavar="DATE", help="snapshot date of the new side")
    diff.add_argument("--stance-only", action="store_true", help="ignore wording changes")
    diff.add_argument("--kinds", nargs="+", metavar="KIND", help="show only these change kinds")
    diff.add_argument("--format", choices=names(kind="diff"), default="text", help="output format")
    diff.add_argument(
        "--fail-if-diff", action="store_true", help="exit 1 when there are differences"
    )
    _input_format(diff)
    _reading(diff)
    _output(diff)

    validate = _add(
        commands,
        "validate",
        "Read files strictly and report every problem with file:line:column; exit 1 if any.",
        f"{PROG} validate positions.json more.csv\n"
        f"  {PROG} validate answers.csv --columns actor=party,issue=thesis,stance=answer "
        "--stances 'Stimme zu=support'",
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="files to check")
    _input_format(validate)
    _reading(validate)
    validate.add_argument(
        "--max-errors",
        type=int,
        default=20,
        metavar="N",
        help="print at most N problems a file, then how many more there are (default 20; "
        "0 prints them all)",
    )

    convert = _add(
        commands,
        "convert",
        "Convert between formats (csv: the lossless long layout); map the columns of any "
        "long CSV table onto a matrix.",
        f"{PROG} convert votes.csv.gz votes.json --actor-col country_code "
        "--issue-col rcid --stance-col vote --scale votes",
    )
    convert.add_argument("input", metavar="IN", help="a file, '-' or a dataset name")
    convert.add_argument(
        "output",
        metavar="OUT",
        help="the file to write (gzip-compressed if it ends in .gz), or '-'",
    )
    _force(convert)
    convert.add_argument("--to", choices=names(), help="output format (default: OUT's extension)")
    _input_format(convert)
    _reading(convert)
    for field in ("actor", "issue", "stance", "date", "source"):
        convert.add_argument(
            f"--{field}-col",
            metavar="COLUMN",
            help=f"CSV column holding the {field} (the same as --column {field}=COLUMN)",
        )

    _add(
        commands,
        "datasets",
        "List the built-in datasets with their titles and citations.",
        f"{PROG} datasets",
    )
    return parser
