"""The ``stancematrix`` command line: parse arguments, call the library, print.

Exit status: 0 when all went well, 1 when a command found differences or validation
problems, 2 for usage and read errors. Results go to standard output, messages to
standard error; a library error becomes one line (``--debug`` shows the traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, NoReturn

from ._datasets import _FILES, dataset_names, load_dataset
from ._json import read_json
from ._matrix import StanceMatrix
from .exceptions import ReadError, StanceMatrixError

__all__ = ["main"]

PROG = "stancematrix"
DEFAULT_DATASET = "ukraine"

#: Seconds a read may take before a progress message appears on standard error.
PROGRESS_AFTER = 1.0


class _Usage(Exception):
    """A usage problem found after parsing (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _colour(stream: IO[str]) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return "NO_COLOR" not in os.environ and stream.isatty()


@contextmanager
def _progress(what: str) -> Iterator[None]:
    """Say on standard error what is being read, if it takes more than a second."""
    started = time.monotonic()
    shown = threading.Event()

    def show() -> None:
        shown.set()
        print(f"{PROG}: reading {what} …", file=sys.stderr, flush=True)

    timer = threading.Timer(PROGRESS_AFTER, show)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        if shown.is_set():
            print(
                f"{PROG}: read {what} in {time.monotonic() - started:.1f} s",
                file=sys.stderr,
                flush=True,
            )


def _load(source: str | None) -> StanceMatrix:
    """A matrix from a file, ``-`` (standard input) or a built-in dataset name."""
    if source is None:
        source = DEFAULT_DATASET
    if source == "-":
        with _progress("standard input"):
            return read_json(sys.stdin.buffer.read())
    if source in _FILES and not Path(source).exists():
        with _progress(f"dataset {source!r}"):
            return load_dataset(source)
    if not Path(source).exists():
        names = ", ".join(dataset_names())
        raise ReadError(f"no such file, and not a built-in dataset ({names})", source=source)
    with _progress(source):
        return read_json(source)


def _write(text: str, output: str | None) -> None:
    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    Path(output).write_text(text, encoding="utf-8")


# -- commands -------------------------------------------------------------------------------


def _cmd_datasets(args: argparse.Namespace) -> int:
    for name in dataset_names():
        matrix = load_dataset(name)
        title = matrix.metadata.get("title", "")
        print(f"{name}\t{title}")
        citation = matrix.metadata.get("citation")
        if citation:
            print(f"\t{citation}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    problems = 0
    for path in args.files:
        try:
            matrix = _load(path)
        except StanceMatrixError as error:
            problems += 1
            print(str(error), file=sys.stdout)
            continue
        print(
            f"{path}: ok: {len(matrix.actors)} actors, {len(matrix.issues)} issues, "
            f"{len(matrix)} claims, {len(matrix.sources)} sources"
        )
    return 1 if problems else 0


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

    _add(
        commands,
        "datasets",
        _cmd_datasets,
        "List the built-in datasets with their titles and citations.",
        f"{PROG} datasets",
    )

    validate = _add(
        commands,
        "validate",
        _cmd_validate,
        "Read files strictly and report every problem with file:line:column; exit 1 if any.",
        f"{PROG} validate positions.json more.json",
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="files to check")
    return parser


def _version() -> str:
    from . import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``); return the status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except StanceMatrixError as error:
        if args.debug:
            raise
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except _Usage as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        return 0
    return status
