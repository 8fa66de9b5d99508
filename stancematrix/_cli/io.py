"""Where the command line's output goes: standard output, or a file written safely.

Standard output (:func:`write_stdout`):

- the whole text is encoded first, with standard output's encoding and error handler, so
  an encoding that cannot hold the data (``PYTHONIOENCODING=ascii``) fails with one line
  before anything is written; ``PYTHONIOENCODING=ascii:replace`` asks for replacement;
- on a terminal, control characters other than newline, tab and the carriage return of a
  CRLF are shown as the same visible stand-ins error messages use (``␛``, ``␍``,
  ``<U+009B>`` …, see :func:`stancematrix._escape.terminal_text`); piped or redirected
  output is written byte for byte;
- a closed, full or vanished standard output becomes an :class:`OutputError` (a closed
  pipe a :class:`PipeClosed`) instead of a traceback.

Standard input (:func:`read_stdin`) and standard error (:func:`say`) fail politely too.

Files (:func:`write_file`): written to a temporary file in the same folder and renamed
into place, so a full disk or a crash never leaves a truncated file (nor truncates the
input when it is also the output; a killed process may leave a ``.stancematrix-*.tmp``
file beside it); gzip-compressed when the name ends in ``.gz``; an
existing file is replaced only when asked (``--force``), and a directory, a symbolic
link or anything but a regular file is never written to.
"""

from __future__ import annotations

import errno
import gzip
import os
import re
import stat
import sys
import tempfile
from contextlib import suppress
from typing import Any, Protocol, TextIO

from stancematrix._escape import terminal_text
from stancematrix.exceptions import ReadError

__all__ = [
    "PREVIEW_COLUMNS",
    "PREVIEW_LIMIT",
    "PREVIEW_ROWS",
    "OutputError",
    "PipeClosed",
    "check_target",
    "colour",
    "exists",
    "for_terminal",
    "read_stdin",
    "report_error",
    "say",
    "write",
    "write_file",
    "write_stdout",
]

#: A text table of more rows than this prints a preview on standard output (pandas' rule).
PREVIEW_LIMIT = 60
#: The rows a preview shows: the first half and the last half.
PREVIEW_ROWS = 10
#: The most columns a text preview shows (those naming a row aside).
PREVIEW_COLUMNS = 20

#: What a compressed output's name ends with (every format is text, so each can be).
COMPRESSED = ".gz"


class OutputError(Exception):
    """The output could not be written (exit status 2); the message says where and why."""


class PipeClosed(OutputError):
    """The reader of standard output went away (``| head``): stop quietly, status 2."""


# C0 controls but tab and newline, a carriage return not ending a CRLF, DEL, C1 controls
# and the bidirectional embeddings, overrides and isolates.
_TTY_CONTROL = re.compile(
    "\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)


def for_terminal(text: str) -> str:
    r"""*text* with every control character a terminal would obey made visible.

    Newlines, tabs and CRLF line ends stay; everything else :func:`terminal_text` makes
    visible (escape, so every ANSI, OSC 8 and OSC 52 sequence; lone carriage returns,
    backspace, bell, C1 controls such as CSI ``\x9b``, bidirectional overrides) becomes
    its visible stand-in.
    """
    return _TTY_CONTROL.sub(lambda match: terminal_text(match[0]), text)


class _Terminal(Protocol):
    def isatty(self) -> bool: ...


def colour(stream: _Terminal) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return "NO_COLOR" not in os.environ and stream.isatty()


def report_error(prog: str, error: Exception) -> None:
    """Print ``PROG: error: MESSAGE`` on standard error, red on a terminal, inertly.

    An :class:`OSError` no one named (the system refused something) is shown as
    ``FILE: REASON``, without the errno.
    """
    message = str(error)
    if isinstance(error, OSError) and error.strerror:
        where = f"{error.filename}: " if error.filename is not None else ""
        message = f"{where}{error.strerror}"
    prefix = f"{prog}: error:"
    if sys.stderr is not None and colour(sys.stderr):
        prefix = f"\x1b[31m{prefix}\x1b[0m"
    say(f"{prefix} {terminal_text(message)}")


def say(line: str) -> None:
    """Print one message line on standard error, if there is one that works."""
    if sys.stderr is not None:
        with suppress(OSError, ValueError):
            print(line, file=sys.stderr, flush=True)


def exists(path: str) -> bool:
    """Whether *path* names something.

    A name the system refuses (too long …) counts as existing, so that reading it
    reports the system's reason rather than "no such file"; a name with a NUL character,
    which no file can have, does not.
    """
    try:
        os.stat(path)
    except (FileNotFoundError, ValueError):
        return False
    except OSError:
        return True
    return True


def read_stdin() -> bytes:
    """All of standard input.

    Raises:
        ReadError: If standard input is closed or cannot be read (a directory …).
    """
    if sys.stdin is None:
        raise ReadError("standard input is closed", source="-")
    try:
        return sys.stdin.buffer.read()
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or error
        raise ReadError(f"cannot read standard input: {reason}", source="-") from None


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (OSError, ValueError):
        return False


def write(text: str, output: str | None, *, force: bool = False) -> None:
    """Write *text* to standard output (*output* ``None`` or ``-``) or the file *output*."""
    if output is None or output == "-":
        write_stdout(text)
    else:
        write_file(output, text, force=force)


def write_stdout(text: str) -> None:
    """Write *text* to standard output and flush it (see the module's docstring).

    Raises:
        OutputError: If standard output is closed, cannot encode the text, or the write
            fails (a full disk, an I/O error).
        PipeClosed: If the reader closed the pipe.
    """
    stream: TextIO | None = sys.stdout
    if stream is None:
        raise OutputError("standard output is closed")
    if _isatty(stream):
        text = for_terminal(text)
    encoding = stream.encoding or "utf-8"
    errors = stream.errors or "strict"
    try:
        data = text.encode(encoding, errors)
    except UnicodeEncodeError as error:
        char = error.object[error.start]
        raise OutputError(
            f"standard output's encoding ({encoding}) cannot hold {char!r} "
            f"(U+{ord(char):04X}); set PYTHONIOENCODING=utf-8, or ={encoding}:replace "
            "to replace what it cannot hold"
        ) from None
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is None:  # a text-only stream standing in for standard output
            stream.write(data.decode(encoding, errors))
            stream.flush()
        else:
            stream.flush()
            _write_all(buffer, data)
            buffer.flush()
    except BrokenPipeError:
        _silence(stream)
        raise PipeClosed("standard output was closed by its reader") from None
    except ValueError:  # closed by someone in this process
        raise OutputError("standard output is closed") from None
    except OSError as error:
        _silence(stream)
        raise OutputError(f"cannot write to standard output: {error.strerror or error}") from None


def _write_all(buffer: Any, data: bytes) -> None:
    """Write all of *data*: unbuffered (``python -u``), a write may take only part."""
    view = memoryview(data)
    while view:
        written = buffer.write(view)
        if written is None:  # a non-blocking descriptor that is full
            raise BlockingIOError(errno.EAGAIN, "standard output would block")
        view = view[written:]


def _silence(stream: TextIO) -> None:
    """Point standard output at the null device, so the exit's flush cannot fail again."""
    with suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, stream.fileno())
        finally:
            os.close(null)


def check_target(path: str, *, force: bool) -> os.stat_result | None:
    """The status of the existing file *path* may replace (``None`` if there is none).

    Raises:
        OutputError: If *path* is a symbolic link, a directory or not a regular file, or
            exists and *force* is false, or cannot be looked at (a name too long …).
    """
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {error.strerror or error}") from None
    if stat.S_ISLNK(status.st_mode):
        raise OutputError(f"{path}: is a symbolic link; not writing through it")
    if stat.S_ISDIR(status.st_mode):
        raise OutputError(f"{path}: is a directory")
    if not stat.S_ISREG(status.st_mode):
        raise OutputError(f"{path}: is not a regular file")
    if not force:
        raise OutputError(f"{path}: already exists; use --force to replace it")
    return status


def write_file(path: str, text: str | bytes, *, force: bool = False) -> None:
    """Write *text* as UTF-8 (bytes as they are) to the file *path*; gzip for a ``.gz`` name.

    The data goes to a temporary file in the same folder, which is renamed into place
    once complete and removed if anything fails: *path* is either left as it was or
    holds the whole new text. A new file gets the usual permissions (``0o666`` less the
    umask); a replaced one keeps its own.

    Raises:
        OutputError: As :func:`check_target`, or if writing or renaming fails.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    if path.lower().endswith(COMPRESSED):
        data = gzip.compress(data, mtime=0)  # mtime 0: the same text gives the same bytes
    existing = check_target(path, force=force)
    if existing is not None:
        mode = stat.S_IMODE(existing.st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=".stancematrix-", suffix=".tmp", dir=os.path.dirname(path) or "."
        )
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        _place(temporary, path, replace=existing is not None)
    except OSError as error:
        with suppress(OSError):
            os.unlink(temporary)
        raise OutputError(f"{path}: cannot write: {error.strerror or error}") from None
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


def _place(temporary: str, path: str, *, replace: bool) -> None:
    """Rename the finished *temporary* to *path*, never replacing a file unless asked."""
    if replace:
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)  # fails if *path* appeared since it was checked
    except FileExistsError:
        raise OutputError(f"{path}: already exists; use --force to replace it") from None
    except OSError:  # no hard links here (some file systems): it was checked just now
        os.replace(temporary, path)
        return
    os.unlink(temporary)
