"""The ``stancematrix`` command line: parse arguments, call the library, print.

Exit status: 0 when all went well, 1 when a command found differences or validation
problems, 2 for usage, read and write errors. Results go to standard output, messages to
standard error; an error becomes one line (``--debug`` shows the traceback), and a closed
pipe ends the command quietly with status 2. See :mod:`stancematrix._cliio` for how
output is written (safely to files, inertly to terminals).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

from ._cliio import (
    OutputError,
    PipeClosed,
    check_target,
    exists,
    read_stdin,
    report_error,
    say,
    write,
    write_stdout,
)
from ._datasets import dataset_names, load_dataset
from ._datasets import get as get_dataset
from ._escape import terminal_text
from ._io.layout import CELLS
from ._io.registry import by_extension, get, names, read, render
from ._matrix import StanceMatrix
from ._query import methods
from ._scale import Scale
from .exceptions import ReadError, StanceMatrixError, UnsupportedFormatError

if TYPE_CHECKING:
    from ._diff.matrixdiff import MatrixDiff

__all__ = ["main"]

PROG = "stancematrix"
DEFAULT_DATASET = "ukraine"

#: Seconds a read may take before a progress message appears on standard error.
PROGRESS_AFTER = 1.0


class _Usage(Exception):
    """A usage problem found after parsing (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        if sys.stderr is not None:
            self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {terminal_text(message)}\n")


@contextmanager
def _progress(what: str) -> Iterator[None]:
    """Say on standard error what is being read, if it takes more than a second."""
    started = time.monotonic()
    shown = threading.Event()
    what = terminal_text(what)

    def show() -> None:
        shown.set()
        say(f"{PROG}: reading {what} …")

    timer = threading.Timer(PROGRESS_AFTER, show)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        if shown.is_set():
            say(f"{PROG}: read {what} in {time.monotonic() - started:.1f} s")


def _load(source: str | None, input_format: str | None = None, **options: Any) -> StanceMatrix:
    """A matrix from a file, ``-`` (standard input) or a built-in dataset name."""
    if source is None:
        source = DEFAULT_DATASET
    if source == "-":
        with _progress("standard input"):
            return _read(read_stdin(), input_format or "json", options)
    if source in dataset_names() and not exists(source):
        with _progress(f"dataset {source!r}"):
            return load_dataset(source)
    if not exists(source):
        names = ", ".join(dataset_names())
        raise ReadError(f"no such file, and not a built-in dataset ({names})", source=source)
    with _progress(source):
        return _read(source, input_format, options)


def _read(source: str | bytes, input_format: str | None, options: dict[str, Any]) -> StanceMatrix:
    matrix = read(source, input_format, **options)
    if not isinstance(matrix, StanceMatrix):  # pragma: no cover - readers return matrices
        raise _Usage("the input is not a stance matrix")
    return matrix


def _write(text: str, args: argparse.Namespace) -> None:
    """Write a command's whole output, ending in a newline, where ``--output`` says."""
    text = text if text.endswith("\n") else text + "\n"
    write(text, args.output, force=args.force)


# -- commands -------------------------------------------------------------------------------


def _cmd_datasets(args: argparse.Namespace) -> int:
    for name in dataset_names():  # from the registry: no data is read
        dataset = get_dataset(name)
        write_stdout(f"{name}\t{dataset.title}\n")
        if dataset.citation:
            write_stdout(f"\t{dataset.citation}\n")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.files:
        try:
            matrix, problems = _check(path, args.input_format)
        except StanceMatrixError as error:
            matrix, problems = None, [error]
        for problem in problems:
            write_stdout(terminal_text(str(problem)) + "\n")
        if problems or matrix is None:
            failed += 1
            continue
        write_stdout(
            f"{terminal_text(path)}: ok: {len(matrix.actors)} actors, "
            f"{len(matrix.issues)} issues, {len(matrix)} claims, {len(matrix.sources)} sources\n"
        )
    return 1 if failed else 0


def _check(path: str, input_format: str | None) -> tuple[StanceMatrix, list[StanceMatrixError]]:
    """Read *path*, collecting every problem where the format's reader can go on."""
    if path == "-" or not exists(path) or path in dataset_names():
        return _load(path, input_format), []
    fmt = get(input_format, readable=True) if input_format else by_extension(path)
    if fmt.lenient:
        with _progress(path):
            matrix, problems = fmt.load().read(path, lenient=True)
        return matrix, list(problems)
    return _load(path, input_format), []


def _matrix_text(matrix: StanceMatrix, args: argparse.Namespace) -> str:
    grid = args.format in ("text", "markdown", "html") or (
        args.format == "csv" and args.layout == "wide"
    )
    options: dict[str, Any] = {}
    if grid:
        options.update(cell=args.cell, transpose=args.transpose)
        if args.actors:
            options["actors"] = args.actors
        if args.issues:
            options["issues"] = args.issues
        if args.as_of:
            options["as_of"] = args.as_of
    else:  # a lossless format: write the selected snapshot itself
        if args.transpose or args.cell != "stance":
            raise _Usage(f"--cell and --transpose do not apply to --format {args.format}")
        if args.actors or args.issues:
            matrix = matrix.select(actors=args.actors, issues=args.issues)
        if args.as_of:
            matrix = matrix.as_of(args.as_of)
    if args.format == "text":
        options["tablefmt"] = args.tablefmt
    if args.format == "csv":
        options["layout"] = args.layout
    return render(matrix, args.format, **options)


def _cmd_show(args: argparse.Namespace) -> int:
    matrix = _load(args.source, args.input_format)
    _write(_matrix_text(matrix, args), args)
    return 0


def _result(result: Any, args: argparse.Namespace) -> int:
    _write(result.to_markdown() if args.format == "markdown" else result.to_text(), args)
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from ._query.compare import compare

    matrix = _load(args.source, args.input_format)
    return _result(compare(matrix, args.a, args.b, as_of=args.as_of), args)


def _cmd_timeline(args: argparse.Namespace) -> int:
    matrix = _load(args.source, args.input_format)
    return _result(matrix.timeline(args.actor, args.issue), args)


def _cmd_agreement(args: argparse.Namespace) -> int:
    from ._query.agreement import agreement, agreement_matrix

    matrix = _load(args.source, args.input_format)
    if args.pair:
        a, b = args.pair
        return _result(agreement(matrix, a, b, method=args.method, as_of=args.as_of), args)
    return _result(
        agreement_matrix(matrix, method=args.method, actors=args.actors, as_of=args.as_of), args
    )


def _cmd_conflicts(args: argparse.Namespace) -> int:
    from ._query.structure import conflicts

    return _result(conflicts(_load(args.source, args.input_format)), args)


def _cmd_blocs(args: argparse.Namespace) -> int:
    from ._query.agreement import blocs

    matrix = _load(args.source, args.input_format)
    found = blocs(
        matrix,
        threshold=args.threshold,
        k=args.k,
        method=args.method,
        actors=args.actors,
        as_of=args.as_of,
    )
    return _result(found, args)


def _cmd_diff(args: argparse.Namespace) -> int:
    from ._diff.face import diff

    if (args.since is None) != (args.until is None):
        raise _Usage("give both --from and --to, or neither")
    options = {"stance_only": args.stance_only}
    if args.since is not None:
        if args.new is not None:
            raise _Usage("diff takes OLD NEW, or one SOURCE with --from and --to")
        matrix = _load(args.old, args.input_format)
        found = diff(matrix.as_of(args.since), matrix.as_of(args.until), **options)
    else:
        if args.new is None:
            raise _Usage("diff needs OLD and NEW, or one SOURCE with --from and --to")
        found = diff(
            _load(args.old, args.input_format), _load(args.new, args.input_format), **options
        )
    kinds = {"kinds": args.kinds} if args.kinds else {}
    _write(render(found, args.format, kind="diff", **kinds), args)
    return 1 if args.fail_if_diff and _changed(found) else 0


def _changed(found: MatrixDiff) -> bool:
    """Whether *found* has changes: the test its printed summary makes.

    ``summary()`` says "no changes" exactly when ``bool(found)`` is False (reorders
    count: they are named in the summary); ``--fail-if-diff`` asks the same question, so
    the status and the printed summary cannot disagree.
    """
    return bool(found)


def _cmd_convert(args: argparse.Namespace) -> int:
    columns: dict[str, str | tuple[str, ...]] = {
        field: tuple(value.split(",")) if "," in value else value
        for field, value in (
            ("actor", args.actor_col),
            ("issue", args.issue_col),
            ("stance", args.stance_col),
            ("date", args.date_col),
            ("source", args.source_col),
        )
        if value is not None
    }
    options: dict[str, Any] = {}
    if columns:
        options["columns"] = columns
        if args.scale is not None:
            options["scale"] = _SCALES[args.scale]()
    elif args.scale is not None:
        raise _Usage("--scale applies only with column mapping options (--actor-col …)")
    matrix = _load(args.input, args.input_format, **options)
    target = args.to
    if target is None:
        if args.output == "-":
            raise _Usage("writing to standard output needs --to FORMAT")
        target = _format_of(args.output)
    _write(render(matrix, target), args)
    return 0


_SCALES = {"five-point": Scale.five_point, "votes": Scale.votes}


def _format_of(path: str) -> str:
    try:
        return by_extension(path, readable=False).name
    except UnsupportedFormatError:
        known = ", ".join(names())
        raise _Usage(
            f"cannot tell the format of {path!r} from its extension; use --to ({known})"
        ) from None


# -- the parser -----------------------------------------------------------------------------

_Command = Callable[[argparse.Namespace], int]


def _add(
    commands: argparse._SubParsersAction[_Parser],
    name: str,
    run: _Command,
    summary: str,
    example: str,
) -> _Parser:
    parser = commands.add_parser(
        name,
        help=summary,
        description=summary,
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(run=run)
    return parser


def _source(parser: _Parser) -> None:
    parser.add_argument(
        "source",
        metavar="SOURCE",
        nargs="?",
        help=f"a file, '-' for standard input, or a built-in dataset (default: {DEFAULT_DATASET})",
    )
    _input_format(parser)


def _input_format(parser: _Parser) -> None:
    parser.add_argument(
        "--input-format",
        choices=names(readable=True),
        help="format of the input (default: by file extension; json for '-')",
    )


def _layout(parser: _Parser) -> None:
    parser.add_argument("--actors", nargs="+", metavar="ACTOR", help="actors to show, in order")
    parser.add_argument("--issues", nargs="+", metavar="ISSUE", help="issues to show, in order")
    parser.add_argument("--as-of", metavar="DATE", help="show the snapshot at DATE")
    parser.add_argument(
        "--cell",
        choices=CELLS,
        default="stance",
        help="what each cell shows",
    )
    parser.add_argument(
        "--transpose", action="store_true", help="actors as rows, issues as columns"
    )


def _agreement_options(parser: _Parser) -> None:
    parser.add_argument(
        "--method",
        choices=[*methods.names(), *methods.DEPRECATED],
        default=methods.DEFAULT,
        help="agreement measure: "
        + "; ".join(f"{m.name}, {m.definition}" for m in methods.REGISTRY),
    )
    parser.add_argument("--actors", nargs="+", metavar="ACTOR", help="only these actors")
    parser.add_argument("--as-of", metavar="DATE", help="use the snapshot at DATE")


def _result_options(parser: _Parser) -> None:
    parser.add_argument(
        "--format", choices=["text", "markdown"], default="text", help="output format"
    )
    _output(parser)


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


def build_parser() -> _Parser:
    """The argument parser for every command (also used to check the docs)."""
    parser = _Parser(
        prog=PROG,
        description="Sourced, dated stance-comparison matrices from the command line.",
        epilog=f"run '{PROG} COMMAND --help' for a command's options and an example",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    show = _add(
        commands,
        "show",
        _cmd_show,
        "Print a matrix as a table (default: the built-in article dataset).",
        f"{PROG} show --actors US RU --issues territory sanctions --cell summary",
    )
    _source(show)
    _layout(show)
    show.add_argument("--format", choices=names(), default="text", help="output format")
    show.add_argument("--tablefmt", default="simple_grid", help="tabulate table format (text)")
    show.add_argument(
        "--layout", choices=["long", "wide"], default="long", help="CSV layout (csv only)"
    )
    _output(show)

    compare = _add(
        commands,
        "compare",
        _cmd_compare,
        "Compare two actors issue by issue: both stances, the gap and the relation.",
        f"{PROG} compare US RU",
    )
    compare.add_argument("a", metavar="A", help="an actor (key or alias)")
    compare.add_argument("b", metavar="B", help="another actor")
    _source(compare)
    compare.add_argument("--as-of", metavar="DATE", help="compare the snapshot at DATE")
    _result_options(compare)

    timeline = _add(
        commands,
        "timeline",
        _cmd_timeline,
        "One actor's claims on one issue in date order, with the stance shifts between them.",
        f"{PROG} timeline US sanctions",
    )
    timeline.add_argument("actor", metavar="ACTOR", help="an actor (key or alias)")
    timeline.add_argument("issue", metavar="ISSUE", help="an issue (key or alias)")
    _source(timeline)
    _result_options(timeline)

    agreement = _add(
        commands,
        "agreement",
        _cmd_agreement,
        "How much actors agree: the matrix of every pair, or one pair with --pair.",
        f"{PROG} agreement --method s-score --pair US RU",
    )
    _source(agreement)
    _agreement_options(agreement)
    agreement.add_argument("--pair", nargs=2, metavar=("A", "B"), help="just these two")
    _result_options(agreement)

    conflicts = _add(
        commands,
        "conflicts",
        _cmd_conflicts,
        "Cells where sources disagree about the same period, with both quotes.",
        f"{PROG} conflicts",
    )
    _source(conflicts)
    _result_options(conflicts)

    blocs = _add(
        commands,
        "blocs",
        _cmd_blocs,
        "Groups of actors that stand together (clustering over the agreement matrix).",
        f"{PROG} blocs --threshold 0.8",
    )
    _source(blocs)
    _agreement_options(blocs)
    group = blocs.add_mutually_exclusive_group()
    group.add_argument("--threshold", type=float, help="join actors agreeing at least this much")
    group.add_argument("--k", type=int, help="make exactly K blocs")
    _result_options(blocs)

    diff = _add(
        commands,
        "diff",
        _cmd_diff,
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
    diff.add_argument(
        "--format",
        choices=names(kind="diff"),
        default="text",
        help="output format",
    )
    diff.add_argument(
        "--fail-if-diff", action="store_true", help="exit 1 when there are differences"
    )
    _input_format(diff)
    _output(diff)

    validate = _add(
        commands,
        "validate",
        _cmd_validate,
        "Read files strictly and report every problem with file:line:column; exit 1 if any.",
        f"{PROG} validate positions.json more.csv",
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="files to check")
    _input_format(validate)

    convert = _add(
        commands,
        "convert",
        _cmd_convert,
        "Convert between formats; map the columns of any long CSV table onto a matrix.",
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
    for field in ("actor", "issue", "stance", "date", "source"):
        convert.add_argument(
            f"--{field}-col",
            metavar="COLUMN",
            help=f"CSV column holding the {field}"
            + (
                " (a comma-separated fallback chain, first non-empty wins)"
                if field == "actor"
                else ""
            ),
        )
    convert.add_argument("--scale", choices=sorted(_SCALES), help="scale of mapped stances")

    _add(
        commands,
        "datasets",
        _cmd_datasets,
        "List the built-in datasets with their titles and citations.",
        f"{PROG} datasets",
    )
    return parser


def _version() -> str:
    from . import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``); return the status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        output = getattr(args, "output", None)
        if output is not None and output != "-":  # before any work: refuse early
            check_target(output, force=args.force)
        with warnings.catch_warnings(record=True) as caught:  # e.g. a renamed method
            warnings.simplefilter("always", DeprecationWarning)
            status: int = args.run(args)
        for warning in caught:
            print(f"stancematrix: note: {warning.message}", file=sys.stderr)
    except PipeClosed:  # e.g. piped into `head`: not all was delivered, so not a success
        return 2
    except (StanceMatrixError, _Usage, OutputError, OSError) as error:
        if args.debug:
            raise
        report_error(PROG, error)
        return 2
    return status
