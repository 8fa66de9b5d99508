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
from typing import TYPE_CHECKING, Any

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
from ._cliparse import DEFAULT_DATASET, PROG, QUERIES
from ._cliparse import build_parser as _build
from ._datasets import dataset_names, load_dataset
from ._datasets import get as get_dataset
from ._escape import terminal_text
from ._io.registry import by_extension, get, names, read, render
from ._matrix import StanceMatrix
from ._scale import Level, Scale
from .exceptions import ReadError, StanceMatrixError, UnsupportedFormatError

if TYPE_CHECKING:
    from ._diff.matrixdiff import MatrixDiff

__all__ = ["DEFAULT_DATASET", "PROG", "build_parser", "main"]

#: Seconds a read may take before a progress message appears on standard error.
PROGRESS_AFTER = 1.0


class _Usage(Exception):
    """A usage problem found after parsing (exit status 2)."""


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


def _load(
    source: str | None, input_format: str | None = None, args: argparse.Namespace | None = None
) -> StanceMatrix:
    """A matrix from a file, ``-`` (standard input) or a built-in dataset name."""
    options = {} if args is None else _reading(args)
    limits = {} if args is None else _limits(args)
    if source is None:
        source = DEFAULT_DATASET
    if source == "-":
        with _progress("standard input"):
            return _read(read_stdin(), input_format or "json", {**options, **limits})
    if source in dataset_names() and not exists(source):
        if options:
            raise _Usage("--column, --columns, --stances and --scale apply to CSV files only")
        with _progress(f"dataset {source!r}"):
            return load_dataset(source)
    if not exists(source):
        names = ", ".join(dataset_names())
        raise ReadError(f"no such file, and not a built-in dataset ({names})", source=source)
    with _progress(source):
        return _read(source, input_format, {**options, **limits})


def _read(source: str | bytes, input_format: str | None, options: dict[str, Any]) -> StanceMatrix:
    matrix = read(source, input_format, **options)
    if not isinstance(matrix, StanceMatrix):  # pragma: no cover - readers return matrices
        raise _Usage("the input is not a stance matrix")
    return matrix


def _write(text: str, args: argparse.Namespace) -> None:
    """Write a command's whole output, ending in a newline, where ``--output`` says."""
    text = text if text.endswith("\n") else text + "\n"
    write(text, args.output, force=args.force)


# -- reading options: --column(s), --stances, --scale ---------------------------------------

#: The fields ``--column`` maps (the CSV reader's ``columns`` keys).
FIELDS = (
    "actor",
    "issue",
    "stance",
    "date",
    "source",
    "summary",
    "quote",
    "note",
    "actor_name",
    "issue_title",
)


def _limits(args: argparse.Namespace) -> dict[str, Any]:
    """The readers' decompression limits, ``--max-ratio`` and ``--max-size``, if given."""
    limits = {"max_ratio": getattr(args, "max_ratio", None)}
    limits["max_size"] = getattr(args, "max_size", None)
    return {key: value for key, value in limits.items() if value is not None}


def _reading(args: argparse.Namespace) -> dict[str, Any]:
    """The CSV reader's ``columns``, ``stances`` and ``scale`` from the command's flags."""
    columns: dict[str, str | tuple[str, ...]] = {}
    given = [*(getattr(args, "column", None) or [])]
    if getattr(args, "columns", None):
        given += _split_pairs(args.columns)
    for field in ("actor", "issue", "stance", "date", "source"):  # convert's --FIELD-col
        value = getattr(args, f"{field}_col", None)
        if value is not None:
            given.append(f"{field}={value}")
    for pair in given:
        field, column = _pair(pair, "--column")
        if field not in FIELDS:
            raise _Usage(f"--column {pair!r}: unknown field {field!r} (one of {', '.join(FIELDS)})")
        columns[field] = tuple(column.split(",")) if "," in column else column
    options: dict[str, Any] = {}
    if columns:
        options["columns"] = columns
    stances = _stances(getattr(args, "stances", None) or [])
    scale = getattr(args, "scale", None)
    if (stances or scale) and not columns:
        raise _Usage("--stances and --scale apply only with column mapping (--column FIELD=COL)")
    if stances:
        options["stances"] = stances
    if scale is not None:
        options["scale"] = _scale(scale)
    return options


def _split_pairs(text: str) -> list[str]:
    pairs = [part.strip() for part in text.split(",")]
    # A part with no "=" continues the previous column's fallback chain.
    joined: list[str] = []
    for part in pairs:
        if "=" in part or not joined:
            joined.append(part)
        else:
            joined[-1] += f",{part}"
    return joined


def _pair(text: str, flag: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise _Usage(f"{flag} takes KEY=VALUE (got {text!r})")
    return key.strip(), value.strip()


def _stances(given: Sequence[str]) -> dict[str, str]:
    """``--stances`` values: VALUE=LABEL pairs, or files of one pair a line."""
    mapping: dict[str, str] = {}
    for item in given:
        if "=" not in item and exists(item):
            with open(item, encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    if line.strip() and not line.lstrip().startswith("#"):
                        value, label = _pair(line.rstrip("\n"), f"--stances {item}:{number}")
                        mapping[value] = label
        elif "=" in item:
            value, label = _pair(item, "--stances")
            mapping[value] = label
        else:
            raise _Usage(f"--stances takes VALUE=LABEL or a file (no such file: {item!r})")
    return mapping


_SCALES = {"five-point": Scale.five_point, "votes": Scale.votes}


def _scale(given: str) -> Scale:
    """A built-in scale by name, or one read from a CSV file (label,value,symbol)."""
    if given in _SCALES and not exists(given):
        return _SCALES[given]()
    if not exists(given):
        raise _Usage(f"--scale: not a built-in scale ({', '.join(_SCALES)}) nor a file: {given!r}")
    import csv
    from pathlib import Path

    with open(given, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or not {"label", "value"} <= set(rows[0]):
        raise _Usage(f"--scale {given}: needs a header with label,value (and symbol)")
    levels = []
    for number, row in enumerate(rows, 2):
        try:
            value = float(row["value"])
        except ValueError:
            raise _Usage(
                f"--scale {given}:{number}: value {row['value']!r} is not a number"
            ) from None
        levels.append(Level(row["label"], value, row.get("symbol") or None))
    return Scale(Path(given).stem, levels)


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
            matrix, problems = _check(path, args)
        except StanceMatrixError as error:
            matrix, problems = None, [error]
        shown = problems if args.max_errors <= 0 else problems[: args.max_errors]
        for problem in shown:
            write_stdout(terminal_text(_flag_words(str(problem))) + "\n")
        if len(shown) < len(problems):
            rest = len(problems) - len(shown)
            write_stdout(
                f"{terminal_text(path)}: … and {rest} more problem{'s' * (rest != 1)} "
                f"({len(problems)} in all; --max-errors 0 shows them all)\n"
            )
        if problems or matrix is None:
            failed += 1
            continue
        write_stdout(
            f"{terminal_text(path)}: ok: {len(matrix.actors)} actors, "
            f"{len(matrix.issues)} issues, {len(matrix)} claims, {len(matrix.sources)} sources\n"
        )
    return 1 if failed else 0


#: Library wording (Python arguments) → the command line's (flags).
_FLAG_WORDS = (
    ("pass columns= to", "map its columns with --column FIELD=COLUMN to"),
    ("columns={'actor': ('code', 'name')}", "--column actor=code,name"),
    ("applies only with columns=", "applies only with --column FIELD=COLUMN"),
)


def _flag_words(message: str) -> str:
    """A library message in the command line's words: flags, not Python arguments."""
    for python, flags in _FLAG_WORDS:
        message = message.replace(python, flags)
    return message


def _check(path: str, args: argparse.Namespace) -> tuple[StanceMatrix, list[StanceMatrixError]]:
    """Read *path*, collecting every problem where the format's reader can go on."""
    input_format = args.input_format
    if path == "-" or not exists(path) or path in dataset_names():
        return _load(path, input_format, args), []
    fmt = get(input_format, readable=True) if input_format else by_extension(path)
    if fmt.lenient:
        with _progress(path):
            matrix, problems = fmt.load().read(
                path, lenient=True, **_reading(args), **_limits(args)
            )
        return matrix, list(problems)
    return _load(path, input_format, args), []


def _matrix_text(matrix: StanceMatrix, args: argparse.Namespace) -> str:
    grid = args.format in ("text", "markdown", "html") or (
        args.format == "csv" and args.layout == "wide"
    )
    options: dict[str, Any] = {}
    if args.sources:
        matrix = matrix.select(sources=args.sources)
    if grid:
        options.update(cell=args.cell, transpose=args.transpose, labels=args.labels)
        if args.actors:
            options["actors"] = args.actors
        if args.issues:
            options["issues"] = args.issues
        if args.as_of:
            options["as_of"] = args.as_of
    else:  # a lossless format: write the selected snapshot itself
        if args.transpose or args.cell != "stance" or args.labels != "name":
            raise _Usage(
                f"--cell, --labels and --transpose do not apply to --format {args.format}"
                + (" --layout long" if args.format == "csv" else "")
            )
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
    matrix = _load(args.source, args.input_format, args)
    _write(_matrix_text(matrix, args), args)
    return 0


def _result(result: Any, args: argparse.Namespace) -> int:
    _write(result.to_markdown() if args.format == "markdown" else result.to_text(), args)
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from . import compare

    matrix = _load(args.source, args.input_format, args)
    return _result(compare(matrix, args.a, args.b, as_of=args.as_of, sources=args.sources), args)


def _cmd_timeline(args: argparse.Namespace) -> int:
    matrix = _load(args.source, args.input_format, args)
    return _result(matrix.timeline(args.actor, args.issue), args)


def _cmd_agreement(args: argparse.Namespace) -> int:
    from . import agreement, agreement_matrix

    matrix = _load(args.source, args.input_format, args)
    common = {"method": args.method, "as_of": args.as_of, "sources": args.sources}
    if args.pair:
        a, b = args.pair
        return _result(agreement(matrix, a, b, **common), args)
    return _result(agreement_matrix(matrix, actors=args.actors, **common), args)


def _cmd_blocs(args: argparse.Namespace) -> int:
    from . import blocs

    if args.threshold is None and args.k is None:
        raise _Usage(
            "blocs needs --threshold T (the least average agreement within a bloc) "
            "or --k K (the number of blocs)"
        )
    matrix = _load(args.source, args.input_format, args)
    found = blocs(
        matrix,
        threshold=args.threshold,
        k=args.k,
        method=args.method,
        actors=args.actors,
        as_of=args.as_of,
        sources=args.sources,
    )
    return _result(found, args)


def _query(function: str) -> _Command:
    """The runner of a query command from :data:`QUERIES`: its options become arguments."""

    def run(args: argparse.Namespace) -> int:
        import stancematrix

        matrix = _load(args.source, args.input_format, args)
        options = {
            name: getattr(args, name)
            for name in ("actors", "actor", "issue", "tolerance", "as_of", "sources")
            if getattr(args, name, None) is not None
        }
        if function == "shifts":  # a matrix method, not a function
            return _result(matrix.shifts(**options), args)
        return _result(getattr(stancematrix, function)(matrix, **options), args)

    return run


def _cmd_diff(args: argparse.Namespace) -> int:
    from . import diff

    if (args.since is None) != (args.until is None):
        raise _Usage("give both --from and --to, or neither")
    options = {"stance_only": args.stance_only}
    if args.since is not None:
        if args.new is not None:
            raise _Usage("diff takes OLD NEW, or one SOURCE with --from and --to")
        matrix = _load(args.old, args.input_format, args)
        found = diff(matrix.as_of(args.since), matrix.as_of(args.until), **options)
    else:
        if args.new is None:
            raise _Usage("diff needs OLD and NEW, or one SOURCE with --from and --to")
        found = diff(
            _load(args.old, args.input_format, args),
            _load(args.new, args.input_format, args),
            **options,
        )
    shown: dict[str, Any] = {"kinds": args.kinds} if args.kinds else {}
    if args.stance_only and args.format != "json":  # JSON records the diff's own option
        shown["stance_only"] = True
    _write(render(found, args.format, kind="diff", **shown), args)
    return 1 if args.fail_if_diff and _changed(found) else 0


def _changed(found: MatrixDiff) -> bool:
    """Whether *found* has changes: the test its printed summary makes.

    ``summary()`` says "no changes" exactly when ``bool(found)`` is False (reorders
    count: they are named in the summary); ``--fail-if-diff`` asks the same question, so
    the status and the printed summary cannot disagree.
    """
    return bool(found)


def _cmd_convert(args: argparse.Namespace) -> int:
    matrix = _load(args.input, args.input_format, args)
    target = args.to
    if target is None:
        if args.output == "-":
            raise _Usage("writing to standard output needs --to FORMAT")
        target = _format_of(args.output)
    _write(render(matrix, target), args)
    return 0


def _format_of(path: str) -> str:
    try:
        return by_extension(path, readable=False).name
    except UnsupportedFormatError:
        known = ", ".join(names())
        raise _Usage(
            f"cannot tell the format of {path!r} from its extension; use --to ({known})"
        ) from None


_Command = Callable[[argparse.Namespace], int]

#: Each command's runner, by name (the parser records the name as ``args.command``).
COMMANDS: dict[str, _Command] = {
    "show": _cmd_show,
    "compare": _cmd_compare,
    "timeline": _cmd_timeline,
    "agreement": _cmd_agreement,
    "blocs": _cmd_blocs,
    **{query.name: _query(query.function) for query in QUERIES},
    "diff": _cmd_diff,
    "validate": _cmd_validate,
    "convert": _cmd_convert,
    "datasets": _cmd_datasets,
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command (also used to check the docs)."""
    return _build(_version())


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
            status: int = COMMANDS[args.command](args)
        for warning in caught:
            print(f"stancematrix: note: {warning.message}", file=sys.stderr)
    except PipeClosed:  # e.g. piped into `head`: not all was delivered, so not a success
        return 2
    except (StanceMatrixError, _Usage, OutputError, OSError) as error:
        if args.debug:
            raise
        report_error(PROG, error if isinstance(error, OSError) else _Usage(_flag_words(str(error))))
        return 2
    return status
