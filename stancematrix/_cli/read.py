"""The command line's input: a matrix from a file, standard input or a dataset name.

:func:`load` reads what a command's SOURCE names, saying on standard error when a read
takes long (:func:`progress`); :func:`reading` turns the reading flags (``--column``,
``--columns``, ``--stances``, ``--scale``) into the CSV reader's options. A usage problem
found after parsing is a :class:`Usage` error; :func:`flag_words` words a library
message with the command line's flags.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from stancematrix._datasets import dataset_names, load_dataset
from stancematrix._escape import terminal_text
from stancematrix._io.registry import read
from stancematrix._matrix import StanceMatrix
from stancematrix._scale import Level, Scale
from stancematrix.exceptions import ReadError

from .io import exists, read_stdin, say
from .parse import DEFAULT_DATASET, PROG

__all__ = [
    "FIELDS",
    "PROGRESS_AFTER",
    "Usage",
    "flag_words",
    "limits_of",
    "load",
    "progress",
    "reading",
]

#: Seconds a read may take before a progress message appears on standard error.
PROGRESS_AFTER = 1.0


class Usage(Exception):
    """A usage problem found after parsing (exit status 2)."""


@contextmanager
def progress(what: str) -> Iterator[None]:
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


def load(
    source: str | None, input_format: str | None = None, args: argparse.Namespace | None = None
) -> StanceMatrix:
    """A matrix from a file, ``-`` (standard input) or a built-in dataset name."""
    options = {} if args is None else reading(args)
    limits = {} if args is None else limits_of(args)
    if source is None:
        source = DEFAULT_DATASET
    if source == "-":
        with progress("standard input"):
            return _read(read_stdin(), input_format or "json", {**options, **limits})
    if source in dataset_names() and not exists(source):
        if options:
            raise Usage("--column, --columns, --stances and --scale apply to CSV files only")
        with progress(f"dataset {source!r}"):
            return load_dataset(source)
    if not exists(source):
        names = ", ".join(dataset_names())
        raise ReadError(f"no such file, and not a built-in dataset ({names})", source=source)
    with progress(source):
        return _read(source, input_format, {**options, **limits})


def _read(source: str | bytes, input_format: str | None, options: dict[str, Any]) -> StanceMatrix:
    matrix = read(source, input_format, **options)
    if not isinstance(matrix, StanceMatrix):  # pragma: no cover - readers return matrices
        raise Usage("the input is not a stance matrix")
    return matrix


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


def limits_of(args: argparse.Namespace) -> dict[str, Any]:
    """The readers' decompression limits, ``--max-ratio`` and ``--max-size``, if given."""
    limits = {"max_ratio": getattr(args, "max_ratio", None)}
    limits["max_size"] = getattr(args, "max_size", None)
    return {key: value for key, value in limits.items() if value is not None}


def reading(args: argparse.Namespace) -> dict[str, Any]:
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
            raise Usage(f"--column {pair!r}: unknown field {field!r} (one of {', '.join(FIELDS)})")
        columns[field] = tuple(column.split(",")) if "," in column else column
    options: dict[str, Any] = {}
    if columns:
        options["columns"] = columns
    stances = _stances(getattr(args, "stances", None) or [])
    scale = getattr(args, "scale", None)
    if (stances or scale) and not columns:
        raise Usage("--stances and --scale apply only with column mapping (--column FIELD=COL)")
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
        raise Usage(f"{flag} takes KEY=VALUE (got {text!r})")
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
            raise Usage(f"--stances takes VALUE=LABEL or a file (no such file: {item!r})")
    return mapping


_SCALES = {"five-point": Scale.five_point, "votes": Scale.votes}


def _scale(given: str) -> Scale:
    """A built-in scale by name, or one read from a CSV file (label,value,symbol)."""
    if given in _SCALES and not exists(given):
        return _SCALES[given]()
    if not exists(given):
        raise Usage(f"--scale: not a built-in scale ({', '.join(_SCALES)}) nor a file: {given!r}")
    import csv
    from pathlib import Path

    with open(given, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or not {"label", "value"} <= set(rows[0]):
        raise Usage(f"--scale {given}: needs a header with label,value (and symbol)")
    levels = []
    for number, row in enumerate(rows, 2):
        try:
            value = float(row["value"])
        except ValueError:
            raise Usage(
                f"--scale {given}:{number}: value {row['value']!r} is not a number"
            ) from None
        levels.append(Level(row["label"], value, row.get("symbol") or None))
    return Scale(Path(given).stem, levels)


#: Library wording (Python arguments) → the command line's (flags).
_FLAG_WORDS = (
    ("pass columns= to", "map its columns with --column FIELD=COLUMN to"),
    ("columns={'actor': ('code', 'name')}", "--column actor=code,name"),
    ("applies only with columns=", "applies only with --column FIELD=COLUMN"),
)


def flag_words(message: str) -> str:
    """A library message in the command line's words: flags, not Python arguments."""
    for python, flags in _FLAG_WORDS:
        message = message.replace(python, flags)
    return message
