"""The commands over whole matrices: show, diff, validate, convert, datasets."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from stancematrix._datasets import dataset_names
from stancematrix._datasets import get as get_dataset
from stancematrix._escape import terminal_text
from stancematrix._io.registry import by_extension, encode, get, names, render
from stancematrix._matrix import StanceMatrix
from stancematrix.exceptions import StanceMatrixError, UnsupportedFormatError

from .io import (
    PREVIEW_COLUMNS,
    PREVIEW_LIMIT,
    PREVIEW_ROWS,
    exists,
    write,
    write_file,
    write_stdout,
)
from .read import Usage, flag_words, limits_of, load, progress, reading

if TYPE_CHECKING:
    from stancematrix._diff.matrixdiff import MatrixDiff

__all__ = ["COMMANDS", "Command", "changed", "more", "output", "preview"]

#: A command's runner: the parsed arguments in, the exit status out.
Command = Callable[[argparse.Namespace], int]


def output(text: str | bytes, args: argparse.Namespace) -> None:
    """Write a command's whole output, ending in a newline, where ``--output`` says.

    A binary format's bytes go to a file only, as they are.
    """
    if isinstance(text, bytes):
        if args.output is None or args.output == "-":
            raise Usage("a binary format (parquet) is written to a file, not to standard output")
        write_file(args.output, text, force=args.force)
        return
    text = text if text.endswith("\n") else text + "\n"
    write(text, args.output, force=args.force)


def preview(args: argparse.Namespace) -> bool:
    """Whether a long text table prints a preview: on standard output, without ``--all``."""
    return not getattr(args, "all", False) and args.output in (None, "-")


def more(complete: str) -> str:
    """The line after a preview saying how to get the whole table."""
    return f"--all prints the whole table; -o FILE or {complete} writes it all."


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
            write_stdout(terminal_text(flag_words(str(problem))) + "\n")
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


def _check(path: str, args: argparse.Namespace) -> tuple[StanceMatrix, list[StanceMatrixError]]:
    """Read *path*, collecting every problem where the format's reader can go on."""
    input_format = args.input_format
    if path == "-" or not exists(path) or path in dataset_names():
        return load(path, input_format, args), []
    fmt = get(input_format, readable=True) if input_format else by_extension(path)
    if fmt.lenient:
        with progress(path):
            matrix, problems = fmt.load().read(
                path, lenient=True, **reading(args), **limits_of(args)
            )
        return matrix, list(problems)
    return load(path, input_format, args), []


def _matrix_text(matrix: StanceMatrix, args: argparse.Namespace) -> str | bytes:
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
            raise Usage(
                f"--cell, --labels and --transpose do not apply to --format {args.format}"
                + (" --layout long" if args.format == "csv" else "")
            )
        if args.actors or args.issues:
            matrix = matrix.select(actors=args.actors, issues=args.issues)
        if args.as_of:
            matrix = matrix.as_of(args.as_of)
    if args.format == "text":
        options["tablefmt"] = args.tablefmt
        if preview(args):
            actors = len(args.actors or ()) or len(matrix.actors)
            issues = len(args.issues or ()) or len(matrix.issues)
            rows, columns = (actors, issues) if args.transpose else (issues, actors)
            if rows > PREVIEW_LIMIT:
                options["max_rows"] = PREVIEW_ROWS
            if columns > PREVIEW_COLUMNS:
                options["max_columns"] = PREVIEW_COLUMNS
            if rows > PREVIEW_LIMIT or columns > PREVIEW_COLUMNS:
                return f"{render(matrix, 'text', **options)}\n{more('--format csv')}"
    if args.format == "csv":
        options["layout"] = args.layout
    if get(args.format).binary:
        return encode(matrix, args.format, **options)
    return render(matrix, args.format, **options)


def _cmd_show(args: argparse.Namespace) -> int:
    matrix = load(args.source, args.input_format, args)
    output(_matrix_text(matrix, args), args)
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    from stancematrix import diff

    if (args.since is None) != (args.until is None):
        raise Usage("give both --from and --to, or neither")
    options = {"stance_only": args.stance_only}
    if args.since is not None:
        if args.new is not None:
            raise Usage("diff takes OLD NEW, or one SOURCE with --from and --to")
        matrix = load(args.old, args.input_format, args)
        found = diff(matrix.as_of(args.since), matrix.as_of(args.until), **options)
    else:
        if args.new is None:
            raise Usage("diff needs OLD and NEW, or one SOURCE with --from and --to")
        found = diff(
            load(args.old, args.input_format, args),
            load(args.new, args.input_format, args),
            **options,
        )
    shown: dict[str, Any] = {"kinds": args.kinds} if args.kinds else {}
    if args.stance_only and args.format != "json":  # JSON records the diff's own option
        shown["stance_only"] = True
    output(render(found, args.format, kind="diff", **shown), args)
    return 1 if args.fail_if_diff and changed(found) else 0


def changed(found: MatrixDiff) -> bool:
    """Whether *found* has changes: the test its printed summary makes.

    ``summary()`` says "no changes" exactly when ``bool(found)`` is False (reorders
    count: they are named in the summary); ``--fail-if-diff`` asks the same question, so
    the status and the printed summary cannot disagree.
    """
    return bool(found)


def _cmd_convert(args: argparse.Namespace) -> int:
    matrix = load(args.input, args.input_format, args)
    target = args.to
    if target is None:
        if args.output == "-":
            raise Usage("writing to standard output needs --to FORMAT")
        target = _format_of(args.output)
    output(encode(matrix, target) if get(target).binary else render(matrix, target), args)
    return 0


def _format_of(path: str) -> str:
    try:
        return by_extension(path, readable=False).name
    except UnsupportedFormatError:
        known = ", ".join(names())
        raise Usage(
            f"cannot tell the format of {path!r} from its extension; use --to ({known})"
        ) from None


#: The runners of these commands, by name (the parser records it as ``args.command``).
COMMANDS: dict[str, Command] = {
    "show": _cmd_show,
    "diff": _cmd_diff,
    "validate": _cmd_validate,
    "convert": _cmd_convert,
    "datasets": _cmd_datasets,
}
