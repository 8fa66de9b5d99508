"""The ``stancematrix`` command line: parse arguments, call the library, print.

Exit status: 0 when all went well, 1 when a command found differences or validation
problems, 2 for usage, read and write errors. Results go to standard output, messages to
standard error; an error becomes one line (``--debug`` shows the traceback), and a closed
pipe ends the command quietly with status 2.

The package: :mod:`.parse` builds the argument parser (the query commands from one
table), :mod:`.read` reads a command's matrix, :mod:`.data` and :mod:`.queries` run the
commands, and :mod:`.io` writes their output (safely to files, inertly to terminals).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

from stancematrix.exceptions import StanceMatrixError

from . import data, queries
from .data import Command
from .io import OutputError, PipeClosed, check_target, report_error
from .parse import DEFAULT_DATASET, PROG
from .parse import build_parser as _build
from .read import Usage, flag_words

__all__ = ["COMMANDS", "DEFAULT_DATASET", "PROG", "build_parser", "main"]

#: Each command's runner, by name (the parser records the name as ``args.command``).
COMMANDS: dict[str, Command] = {**queries.COMMANDS, **data.COMMANDS}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command (also used to check the docs)."""
    return _build(_version())


def _version() -> str:
    from stancematrix import __version__

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
    except (StanceMatrixError, Usage, OutputError, OSError) as error:
        if args.debug:
            raise
        report_error(PROG, error if isinstance(error, OSError) else Usage(flag_words(str(error))))
        return 2
    return status
