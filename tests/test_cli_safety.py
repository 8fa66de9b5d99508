"""The command line's failure modes, file safety and terminal output (issues 17 and 18)."""

from __future__ import annotations

import argparse
import errno
import gzip
import io
import os
import re
import resource
import signal
import stat
import subprocess
import sys
import tempfile
import tty
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._cli import build_parser, main
from stancematrix._cli import data as cli_data
from stancematrix._cli import io as cli_io
from stancematrix._cli import read as cli_read
from stancematrix._cli.io import OutputError, check_target, for_terminal, write_file
from stancematrix._io.registry import FORMATS, names
from tests.strategies import matrix_pairs

LONG_NAME = "a" * 256 + ".json"

# What a terminal obeys: C0 controls but tab and newline, a CR not ending a CRLF, DEL,
# C1 controls, bidirectional overrides and isolates.
OBEYED = re.compile("\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# ESC sequences (colour, OSC 52 clipboard, OSC 8 link), a C1 CSI, NEL, a lone CR, a backspace.
HOSTILE = (
    "\x1b[31mred\x1b]52;c;aGVsbG8=\x07\x1b]8;;https://evil.example\x1b\\link"
    "\x1b]8;;\x1b\\\x9b2J\x85\rover\x08"
)


def run(*args, env=None, **options):
    """Run python -m stancematrix, capturing bytes (so nothing is translated)."""
    if "stdout" not in options and "stderr" not in options:
        options["capture_output"] = True
    return subprocess.run(
        [sys.executable, "-m", "stancematrix", *args],
        check=False,
        env=None if env is None else {**os.environ, **env},
        **options,
    )


def shell(script, *args):
    """Run python -m stancematrix ARGS under a shell redirection SCRIPT ("$@" is the command)."""
    return subprocess.run(
        ["sh", "-c", script, "sh", sys.executable, "-m", "stancematrix", *args],
        capture_output=True,
        check=False,
    )


def one_line_error(result, *needles):
    """The run failed with status 2 and one line on stderr, naming each needle."""
    err = result.stderr.decode("utf-8", "replace")
    assert 2 == result.returncode, err
    assert 1 == len(err.splitlines()), err
    assert err.startswith("stancematrix: error: "), err
    for needle in needles:
        assert needle in err


def hostile(stance="support", summary=HOSTILE):
    """A matrix with escape sequences and C1 controls in every text field."""
    return sm.StanceMatrix.from_positions(
        [sm.Position("A" + HOSTILE, "i" + HOSTILE, stance, "s" + HOSTILE, summary=summary)],
        actors=[sm.Actor("A" + HOSTILE, "Actor " + HOSTILE)],
        issues=[sm.Issue("i" + HOSTILE, "Issue " + HOSTILE, "Proposition " + HOSTILE)],
        sources=[sm.Source("s" + HOSTILE, "Source " + HOSTILE)],
        metadata={"title": HOSTILE},
    )


@pytest.fixture
def article_json(tmp_path):
    path = tmp_path / "ukraine.json"
    path.write_text(sm.load_dataset("ukraine").to_json(), encoding="utf-8")
    return path


class TestOverwriting:
    def test_existing_file_is_kept_without_force(self, tmp_path, capsys):
        """-o onto an existing file is refused, and the file is left as it was."""
        out = tmp_path / "m.json"
        out.write_text("keep me", encoding="utf-8")
        assert 2 == main(["show", "--format", "json", "-o", str(out)])
        assert "keep me" == out.read_text(encoding="utf-8")
        assert f"{out}: already exists; use --force to replace it" in capsys.readouterr().err

    def test_force_replaces_and_keeps_the_permissions(self, tmp_path):
        """--force replaces an existing file, which keeps its own permission bits."""
        out = tmp_path / "m.json"
        out.write_text("old", encoding="utf-8")
        out.chmod(0o640)
        assert 0 == main(["show", "--format", "json", "-o", str(out), "--force"])
        assert sm.load_dataset("ukraine") == sm.read_json(out)
        assert 0o640 == stat.S_IMODE(out.stat().st_mode)

    def test_new_file_gets_the_umask_permissions(self, tmp_path):
        """A new file is created 0o666 less the umask, not the temporary file's 0o600."""
        out = tmp_path / "m.csv"
        umask = os.umask(0o022)
        try:
            assert 0 == main(["show", "--format", "csv", "-o", str(out)])
        finally:
            os.umask(umask)
        assert 0o644 == stat.S_IMODE(out.stat().st_mode)

    def test_convert_onto_its_input_is_refused(self, article_json):
        """`convert data.json data.json` leaves the input alone without --force."""
        before = article_json.read_bytes()
        result = run("convert", str(article_json), str(article_json))
        one_line_error(result, "already exists; use --force")
        assert before == article_json.read_bytes()

    @pytest.mark.parametrize("force", [[], ["--force"]])
    def test_symbolic_link_is_refused(self, tmp_path, force, capsys):
        """-o never writes through a symbolic link, even with --force."""
        target = tmp_path / "secret.txt"
        target.write_text("secret", encoding="utf-8")
        link = tmp_path / "m.json"
        link.symlink_to(target)
        assert 2 == main(["show", "--format", "json", "-o", str(link), *force])
        assert "secret" == target.read_text(encoding="utf-8")
        assert link.is_symlink()
        assert f"{link}: is a symbolic link" in capsys.readouterr().err

    def test_dangling_symbolic_link_is_refused(self, tmp_path):
        """A link to a file that does not exist yet is not followed either."""
        link = tmp_path / "m.json"
        link.symlink_to(tmp_path / "elsewhere.json")
        assert 2 == main(["convert", "ukraine", str(link)])
        assert not (tmp_path / "elsewhere.json").exists()

    def test_force_does_not_replace_a_device(self, tmp_path, capsys):
        """Only regular files are replaced: --force onto /dev/null is refused."""
        assert 2 == main(["show", "-o", os.devnull, "--force"])
        assert f"{os.devnull}: is not a regular file" in capsys.readouterr().err

    def test_force_is_documented(self):
        """--force is in the help of every command with an output file, and in the README."""
        from tests.conftest import ROOT

        for name in ("show", "compare", "diff", "convert"):
            assert "--force" in _cli_help(name)
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        assert "--force" in readme.split("## Command line", 1)[1].split("\n## ", 1)[0]


def _cli_help(command):
    """The --help text of one subcommand."""
    parser = build_parser()
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices[command].format_help()


def _full_disk():
    """In the child: files may grow to 4 KB, and going further fails with EFBIG."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


class TestAtomicWrites:
    def test_full_disk_leaves_no_partial_file(self, article_json, tmp_path):
        """A write that fails half-way leaves no file and no temporary file behind."""
        out = tmp_path / "m.csv"
        result = run("convert", str(article_json), str(out), preexec_fn=_full_disk)
        one_line_error(result, str(out), os.strerror(errno.EFBIG))
        assert ["ukraine.json"] == sorted(os.listdir(tmp_path))

    def test_full_disk_with_force_keeps_the_input(self, article_json, tmp_path):
        """`convert data.json data.json --force` on a full disk leaves the input whole."""
        before = article_json.read_bytes()
        result = run(
            "convert", str(article_json), str(article_json), "--force", preexec_fn=_full_disk
        )
        one_line_error(result, str(article_json))
        assert before == article_json.read_bytes()
        assert ["ukraine.json"] == sorted(os.listdir(tmp_path))

    def test_force_onto_the_input_converts_it(self, article_json):
        """With room to write, --force converts a file in place (read first, then renamed)."""
        assert 0 == main(["convert", str(article_json), str(article_json), "--force"])
        assert sm.load_dataset("ukraine") == sm.read_json(article_json)


class TestWriteFile:
    @given(st.text(), st.booleans())
    def test_round_trip(self, text, compressed):
        """write_file then reading the file (decompressed for .gz) gives the text back."""
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "out.txt" + (".gz" if compressed else ""))
            write_file(path, text)
            data = Path(path).read_bytes()
            assert text == (gzip.decompress(data) if compressed else data).decode("utf-8")
            assert ["out.txt" + (".gz" if compressed else "")] == os.listdir(folder)


class TestCompressedOutput:
    @pytest.mark.parametrize("fmt", [f for f in FORMATS if not f.binary], ids=lambda f: f.name)
    def test_gz_name_is_gzip(self, fmt, tmp_path):
        """`convert in out.<ext>.gz` writes gzip holding what the format renders."""
        out = tmp_path / f"m{fmt.extensions[0]}.gz"
        assert 0 == main(["convert", "ukraine", str(out)])
        text = sm.render(sm.load_dataset("ukraine"), fmt.name)
        assert text.rstrip("\n") + "\n" == gzip.decompress(out.read_bytes()).decode("utf-8")
        if fmt.readable:  # and reading it looks through the compression
            plain = tmp_path / f"m{fmt.extensions[0]}"
            plain.write_text(text, encoding="utf-8")
            stances = [[(c.actor, c.issue, c.stance) for c in sm.read(f)] for f in (plain, out)]
            assert stances[0] == stances[1]

    def test_show_output_gz_is_gzip(self, tmp_path):
        """-o with a .gz name compresses show's output too."""
        out = tmp_path / "m.csv.gz"
        assert 0 == main(["show", "--format", "csv", "--layout", "long", "-o", str(out)])
        assert sm.load_dataset("ukraine") == sm.read_csv(out)

    def test_same_text_same_bytes(self, tmp_path):
        """The gzip header carries no time, so the same data gives the same file."""
        first, second = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
        assert 0 == main(["convert", "ukraine", str(first)])
        assert 0 == main(["convert", "ukraine", str(second)])
        assert first.read_bytes() == second.read_bytes()


class TestFailureModes:
    def test_output_is_a_directory(self, tmp_path):
        """-o a directory: one line, status 2."""
        one_line_error(run("show", "-o", str(tmp_path)), f"{tmp_path}: is a directory")

    def test_output_in_a_missing_folder(self, tmp_path):
        """-o in a folder that does not exist: one line, status 2, nothing created."""
        out = tmp_path / "nope" / "m.txt"
        one_line_error(run("show", "-o", str(out)), str(out), "No such file or directory")
        assert not (tmp_path / "nope").exists()

    def test_full_standard_output(self):
        """Writing to /dev/full: one line naming the reason, status 2."""
        with open("/dev/full", "wb") as full:
            result = run("show", stdout=full, stderr=subprocess.PIPE)
        one_line_error(result, "cannot write to standard output: No space left on device")

    def test_closed_standard_output(self):
        """With standard output closed: one line, status 2."""
        one_line_error(shell('exec "$@" >&-', "show"), "standard output is closed")

    def test_closed_standard_input(self):
        """Reading '-' with standard input closed: one line, status 2."""
        one_line_error(shell('exec "$@" <&-', "show", "-"), "standard input is closed")

    def test_closed_standard_error(self):
        """With standard error closed the message is lost, not written to standard output."""
        result = shell('exec "$@" 2>&-', "show", "nope.json")
        assert 2 == result.returncode
        assert b"" == result.stdout

    def test_long_file_name_as_source(self):
        """A 256-byte SOURCE name: one line with the system's reason, status 2."""
        one_line_error(run("show", LONG_NAME), "File name too long")

    def test_long_file_name_as_output(self, tmp_path):
        """A 256-byte -o name: one line, status 2."""
        one_line_error(run("show", "-o", str(tmp_path / LONG_NAME)), "File name too long")

    def test_ascii_standard_output_fails_before_writing(self):
        """PYTHONIOENCODING=ascii with non-ASCII data: one line, status 2, nothing written."""
        result = run("show", "--format", "json", env={"PYTHONIOENCODING": "ascii"})
        one_line_error(result, "encoding (ascii) cannot hold", "PYTHONIOENCODING")
        assert b"" == result.stdout

    def test_ascii_with_replace_is_honoured(self):
        """PYTHONIOENCODING=ascii:replace asks for replacement, and gets it."""
        result = run("show", "--format", "json", env={"PYTHONIOENCODING": "ascii:replace"})
        assert 0 == result.returncode
        expected = sm.load_dataset("ukraine").to_json().encode("ascii", "replace")
        assert expected.rstrip(b"\n") + b"\n" == result.stdout

    @pytest.mark.parametrize("valid", [True, False])
    def test_closed_pipe_is_not_success(self, tmp_path, valid):
        """A pipe closed by its reader ends validate quietly with status 2, never 0."""
        text = sm.load_dataset("ukraine").to_json() if valid else "{"
        files = []
        for n in range(30):
            path = tmp_path / f"f{n}.json"
            path.write_text(text, encoding="utf-8")
            files.append(str(path))
        read, write = os.pipe()
        os.close(read)  # the reader has gone before the first line
        try:
            result = run("validate", *files, stdout=write, stderr=subprocess.PIPE)
        finally:
            os.close(write)
        assert 2 == result.returncode
        assert b"" == result.stderr


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Two hostile matrices as JSON files, old and new."""
    folder = tmp_path_factory.mktemp("hostile")
    old, new = folder / "old.json", folder / "new.json"
    old.write_text(hostile("oppose", "was " + HOSTILE).to_json(), encoding="utf-8")
    new.write_text(hostile().to_json(), encoding="utf-8")
    return str(old), str(new)


class TestClosedPipe:
    @pytest.mark.parametrize("unbuffered", ["", "1"])
    def test_reader_leaving_mid_output(self, tmp_path, unbuffered):
        """`show big.json | head -c1`: status 2 and no traceback, buffered or not (-u)."""
        big = tmp_path / "big.json"
        claim = sm.Position("A", "i", "support", "s", summary="x" * 1_000_000)
        big.write_text(
            sm.StanceMatrix.from_positions(
                [claim],
                actors=[sm.Actor("A", "A")],
                issues=[sm.Issue("i", "I", "P")],
                sources=[sm.Source("s", "S")],
            ).to_json(),
            encoding="utf-8",
        )
        env = {**os.environ, "PYTHONUNBUFFERED": unbuffered}
        process = subprocess.Popen(
            [sys.executable, "-m", "stancematrix", "show", str(big), "--format", "json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        assert process.stdout is not None
        assert b"{" == process.stdout.read(1)
        process.stdout.close()
        _, err = process.communicate()
        assert 2 == process.returncode
        assert b"" == err


class TestTerminalControls:
    @staticmethod
    def on_terminal(*args):
        """Run with standard output a pseudo-terminal (raw: no translation); its bytes."""
        primary, secondary = os.openpty()
        tty.setraw(secondary)
        process = subprocess.Popen(
            [sys.executable, "-m", "stancematrix", *args],
            stdin=subprocess.DEVNULL,
            stdout=secondary,
            stderr=subprocess.PIPE,
        )
        os.close(secondary)
        out = bytearray()
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # EIO: the other side is closed
                break
            if not chunk:
                break
            out += chunk
        os.close(primary)
        _, err = process.communicate()
        assert 0 == process.returncode, err
        return out.decode("utf-8")

    @pytest.mark.parametrize("fmt", names(text=True))
    def test_show_every_format(self, files, fmt):
        """show writes no control sequence to a terminal, in any format."""
        args = ["--cell", "summary"] if fmt in ("text", "markdown", "html") else []
        out = self.on_terminal("show", files[1], "--format", fmt, *args)
        assert [] == OBEYED.findall(out)
        assert "52;c;aGVsbG8=" in out  # the OSC 52 sequence shows as text

    @pytest.mark.parametrize("fmt", names(kind="diff"))
    def test_diff_every_format(self, files, fmt):
        """diff writes no control sequence to a terminal, in any format."""
        out = self.on_terminal("diff", *files, "--format", fmt)
        assert [] == OBEYED.findall(out)

    def test_validate_hostile_file_name(self, tmp_path):
        """validate's ok line shows a hostile file name inertly on a terminal."""
        path = tmp_path / "\x1b]8;;https:\\evil.example\x07\x9bok.json"
        path.write_text(sm.load_dataset("ukraine").to_json(), encoding="utf-8")
        out = self.on_terminal("validate", str(path))
        assert [] == OBEYED.findall(out)
        assert "ok.json: ok: 10 actors" in out

    def test_validate_ok_line_is_inert_when_piped(self, tmp_path, capsys):
        """validate's lines are messages: inert on a pipe too, like its problem lines."""
        path = tmp_path / "\x1b[2Jok.json"
        path.write_text(sm.load_dataset("ukraine").to_json(), encoding="utf-8")
        assert 0 == main(["validate", str(path)])
        assert "\x1b" not in capsys.readouterr().out

    @pytest.mark.parametrize("fmt", names(text=True))
    def test_piped_output_is_byte_exact(self, files, fmt):
        """Off a terminal the data is untouched: what the library renders, byte for byte."""
        result = run("show", files[1], "--format", fmt)
        assert 0 == result.returncode
        options: dict[str, Any] = {"tablefmt": "simple_grid"} if fmt == "text" else {}
        if fmt == "csv":  # show prints the grid in every format
            options["layout"] = "wide"
        text = sm.render(sm.read_json(files[1]), fmt, **options)
        assert (text.rstrip("\n") + "\n").encode("utf-8") == result.stdout

    def test_files_are_byte_exact(self, files, tmp_path):
        """-o writes the data untouched, even when standard output is a terminal."""
        out = tmp_path / "m.csv"
        assert "" == self.on_terminal(
            "show", files[1], "--format", "csv", "--layout", "long", "-o", str(out)
        )
        assert sm.render(sm.read_json(files[1]), "csv").encode("utf-8") == out.read_bytes()

    def test_progress_message_is_inert(self, monkeypatch, capsys):
        """The progress message shows a hostile file name inertly."""
        import time

        monkeypatch.setattr(cli_read, "PROGRESS_AFTER", 0.01)
        with cli_read.progress("\x1b]52;c;aGVsbG8=\x07x.csv"):
            time.sleep(0.2)
        err = capsys.readouterr().err
        assert "\x1b" not in err
        assert "x.csv" in err

    def test_usage_errors_are_inert(self):
        """A hostile argument echoed in a usage error is shown, not obeyed."""
        result = run("show", "--format", "\x1b]52;c;aGVsbG8=\x07")
        assert 2 == result.returncode
        assert b"\x1b" not in result.stderr

    @given(st.text())
    def test_for_terminal_leaves_nothing_obeyed(self, text):
        """for_terminal's output has no control a terminal obeys; plain text is unchanged."""
        shown = for_terminal(text)
        assert [] == OBEYED.findall(shown)
        if not OBEYED.search(text):
            assert text == shown


class TestFailIfDiff:
    def test_reorder_only_status_agrees_with_the_summary(self, tmp_path):
        """A reorder-only diff: the exit status and the printed summary tell the same."""
        m = sm.load_dataset("ukraine")
        reordered = m.select(actors=[a.key for a in reversed(m.actors)])
        old, new = tmp_path / "old.json", tmp_path / "new.json"
        old.write_text(m.to_json(), encoding="utf-8")
        new.write_text(reordered.to_json(), encoding="utf-8")
        result = run("diff", str(old), str(new), "--fail-if-diff")
        summary = result.stdout.decode("utf-8").splitlines()[0]
        assert (summary != "no changes") == (1 == result.returncode), summary
        assert result.returncode in (0, 1)

    @given(matrix_pairs())
    def test_status_is_the_summary_test(self, pair):
        """--fail-if-diff fails exactly when the summary is not "no changes"."""
        found = sm.diff(*pair)
        assert (found.summary() != "no changes") == cli_data.changed(found)


class FakeBuffer:
    """A binary standard output: takes *step* bytes a write, or raises *error*."""

    def __init__(self, error=None, step=None):
        self.data = bytearray()
        self.error = error
        self.step = step

    def write(self, data):
        if self.error is not None:
            raise self.error
        taken = bytes(data[: self.step or len(data)])
        self.data += taken
        return len(taken) if self.step != 0 else None

    def flush(self):
        pass


class FakeStdout:
    """A text standard output over a FakeBuffer, a terminal or not."""

    errors = "strict"

    def __init__(self, buffer, tty=False, encoding="utf-8"):
        self.buffer = buffer
        self.tty = tty
        self.encoding = encoding

    def isatty(self):
        return self.tty

    def fileno(self):
        raise io.UnsupportedOperation("fileno")

    def flush(self):
        pass


class TestStreamsInProcess:
    def test_closed_stdout(self, monkeypatch, capsys):
        """No standard output at all: one line, status 2."""
        monkeypatch.setattr(sys, "stdout", None)
        assert 2 == main(["datasets"])
        assert "standard output is closed" in capsys.readouterr().err

    def test_stdout_closed_in_process(self, monkeypatch, capsys):
        """A standard output closed by someone in the process: one line, status 2."""
        closed = io.TextIOWrapper(io.BytesIO())
        closed.close()
        monkeypatch.setattr(sys, "stdout", closed)
        assert 2 == main(["datasets"])
        assert "standard output is closed" in capsys.readouterr().err

    @pytest.mark.parametrize(
        ("error", "message"),
        [
            (OSError(errno.ENOSPC, "No space left on device"), "No space left on device"),
            (BlockingIOError(errno.EAGAIN, "would block"), "would block"),
        ],
    )
    def test_write_errors(self, monkeypatch, capsys, error, message):
        """A failing write to standard output: one line naming the reason, status 2."""
        monkeypatch.setattr(sys, "stdout", FakeStdout(FakeBuffer(error)))
        assert 2 == main(["datasets"])
        assert f"cannot write to standard output: {message}" in capsys.readouterr().err

    def test_full_non_blocking_stdout(self, monkeypatch, capsys):
        """A non-blocking standard output that takes nothing: one line, status 2."""
        monkeypatch.setattr(sys, "stdout", FakeStdout(FakeBuffer(step=0)))
        assert 2 == main(["datasets"])
        assert "standard output would block" in capsys.readouterr().err

    def test_broken_pipe_is_quiet(self, monkeypatch, capsys):
        """A pipe closed by its reader: status 2, nothing on standard error."""
        monkeypatch.setattr(sys, "stdout", FakeStdout(FakeBuffer(BrokenPipeError())))
        assert 2 == main(["datasets"])
        assert "" == capsys.readouterr().err

    def test_partial_writes_are_completed(self, monkeypatch):
        """An unbuffered standard output taking a few bytes a write still gets everything."""
        buffer = FakeBuffer(step=7)
        monkeypatch.setattr(sys, "stdout", FakeStdout(buffer))
        assert 0 == main(["show", "--format", "json"])
        expected = sm.load_dataset("ukraine").to_json()
        assert expected.rstrip("\n") + "\n" == buffer.data.decode("utf-8")

    def test_terminal_output_is_inert(self, monkeypatch):
        """On a terminal, controls show as stand-ins; newline, tab and CRLF stay."""
        buffer = FakeBuffer()
        monkeypatch.setattr(sys, "stdout", FakeStdout(buffer, tty=True))
        cli_io.write_stdout("a\x1b[2Jb\tc\r\nd\re\x9b\n")
        assert "a\u241b[2Jb\tc\r\nd\u240de<U+009B>\n" == buffer.data.decode("utf-8")

    def test_text_only_stdout(self, monkeypatch):
        """A text-only standard output (no binary buffer) is written as text."""
        out = io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        assert 0 == main(["datasets"])
        assert out.getvalue().startswith("ukraine\t")

    def test_unencodable_stdout(self, monkeypatch, capsys):
        """An encoding that cannot hold the data: one line, nothing written."""
        buffer = FakeBuffer()
        monkeypatch.setattr(sys, "stdout", FakeStdout(buffer, encoding="ascii"))
        assert 2 == main(["datasets"])
        assert "encoding (ascii) cannot hold '–' (U+2013)" in capsys.readouterr().err
        assert b"" == bytes(buffer.data)

    def test_closed_stdin(self, monkeypatch, capsys):
        """Reading '-' with no standard input: one line, status 2."""
        monkeypatch.setattr(sys, "stdin", None)
        assert 2 == main(["show", "-"])
        assert "-: standard input is closed" in capsys.readouterr().err

    def test_unreadable_stdin(self, monkeypatch, capsys):
        """Standard input that cannot be read (a directory …): one line, status 2."""

        class Unreadable:
            class buffer:
                @staticmethod
                def read():
                    raise IsADirectoryError(errno.EISDIR, "Is a directory")

        monkeypatch.setattr(sys, "stdin", Unreadable())
        assert 2 == main(["show", "-"])
        assert "cannot read standard input: Is a directory" in capsys.readouterr().err

    def test_closed_stderr(self, monkeypatch, capsys):
        """No standard error: errors and usage errors are lost, not sent to standard output."""
        monkeypatch.setattr(sys, "stderr", None)
        assert 2 == main(["show", "nope.json"])
        with pytest.raises(SystemExit) as exit:
            main(["show", "--format", "nope"])
        assert 2 == exit.value.code
        with cli_read.progress("slow.csv"):
            pass
        assert "" == capsys.readouterr().out

    def test_nul_in_a_source_name(self, capsys):
        """A name no file can have is 'no such file', not a traceback."""
        assert 2 == main(["show", "a\x00b.json"])
        assert "no such file" in capsys.readouterr().err

    def test_unnamed_system_error(self, monkeypatch, capsys):
        """An OSError no one named becomes one line with its reason, status 2."""

        def fail(name):
            raise OSError(errno.EIO, "Input/output error")

        monkeypatch.setattr(cli_data, "get_dataset", fail)
        assert 2 == main(["datasets"])
        assert "stancematrix: error: Input/output error\n" == capsys.readouterr().err


class TestWriteFileFailures:
    def test_failure_mid_write_keeps_the_old_file(self, tmp_path, monkeypatch):
        """A failing write (a full disk) leaves the old file and no temporary file."""
        out = tmp_path / "m.json"
        out.write_text("old", encoding="utf-8")

        def full(fd):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr("stancematrix._cli.io.os.fsync", full)
        with pytest.raises(OutputError, match=r"m\.json: cannot write: No space left"):
            write_file(str(out), "new", force=True)
        assert "old" == out.read_text(encoding="utf-8")
        assert ["m.json"] == os.listdir(tmp_path)

    def test_interrupted_write_leaves_no_temporary_file(self, tmp_path, monkeypatch):
        """Ctrl-C during a write removes the temporary file and goes on."""

        def interrupt(fd):
            raise KeyboardInterrupt

        monkeypatch.setattr("stancematrix._cli.io.os.fsync", interrupt)
        with pytest.raises(KeyboardInterrupt):
            write_file(str(tmp_path / "m.json"), "new")
        assert [] == os.listdir(tmp_path)

    def test_file_appearing_meanwhile_is_kept(self, tmp_path, monkeypatch):
        """A file created between the check and the rename is not replaced."""
        out = tmp_path / "m.json"

        def race(source, target):
            out.write_text("theirs", encoding="utf-8")
            raise FileExistsError(errno.EEXIST, "File exists")

        monkeypatch.setattr("stancematrix._cli.io.os.link", race)
        with pytest.raises(OutputError, match="already exists"):
            write_file(str(out), "ours")
        assert "theirs" == out.read_text(encoding="utf-8")
        assert ["m.json"] == os.listdir(tmp_path)

    def test_without_hard_links(self, tmp_path, monkeypatch):
        """Where hard links are not supported the file is renamed into place."""

        def unsupported(source, target):
            raise PermissionError(errno.EPERM, "Operation not permitted")

        monkeypatch.setattr("stancematrix._cli.io.os.link", unsupported)
        write_file(str(tmp_path / "m.json"), "data")
        assert "data" == (tmp_path / "m.json").read_text(encoding="utf-8")
        assert ["m.json"] == os.listdir(tmp_path)

    def test_missing_folder(self, tmp_path):
        """A folder that does not exist is named in the error."""
        with pytest.raises(OutputError, match="No such file or directory"):
            write_file(str(tmp_path / "nope" / "m.json"), "data")

    def test_long_name(self, tmp_path):
        """A name the system refuses is an OutputError with its reason."""
        with pytest.raises(OutputError, match="File name too long"):
            check_target(str(tmp_path / LONG_NAME), force=False)
