"""Reading sources: bounded gzip decompression (decompression bombs), members, limits."""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable

import pytest

import stancematrix as sm
from stancematrix._cli import main
from stancematrix._io import source
from stancematrix.exceptions import ReadError
from tests.test_streaming import measured

MB = 1 << 20


def bomb(head: bytes, pattern: bytes, members: int = 200) -> bytes:
    """*head*, then *pattern* repeated to 1 MiB, as *members* gzip members.

    Each member compresses 400 to 1000 times, so 200 members are 200 to 520 KB expanding
    to 200 MiB, built in milliseconds without ever holding the expansion.
    """
    chunk = gzip.compress(pattern * (MB // len(pattern)), 9)
    return gzip.compress(head, 9) + chunk * members


BOMBS = {
    "json": (b'{"format_version": 1, "claims": [', b'{"actor": "a", "issue": "i"}, '),
    "diff": (b'{"format_version": 1, "type": "stancematrix diff", "claims": [', b"{}, "),
    "csv": (b"record,actor,issue,stance\r\n", b"claim,a,i,support\r\n"),
    "markdown": (b"| | a |\n|---|---|\n", b"| i | support |\n"),
}
READERS: dict[str, Callable[..., object]] = {
    "json": sm.read_json,
    "diff": sm.read_diff,
    "csv": lambda data, **limits: sm.read_csv(
        data, columns={"actor": "actor", "issue": "issue", "stance": "stance"}, **limits
    ),
    "markdown": sm.read_markdown,
}


class TestBombs:
    @pytest.mark.parametrize("kind", sorted(BOMBS))
    def test_refused_fast_and_small(self, kind):
        """A 200-520 KB gzip that expands to 200 MiB is refused before the memory is spent:
        under 2 s and 100 MB of traced memory, naming the input and the limit."""
        data = bomb(*BOMBS[kind])
        assert len(data) < 600_000
        error, elapsed, peak = measured(lambda: READERS[kind](data))
        assert error is not None
        assert "<bytes>" == error.source
        assert "100 times its compressed size" in error.reason
        assert "max_ratio" in error.reason
        assert elapsed < 2
        assert peak < 100 * MB

    def test_generic_read(self, tmp_path):
        """sm.read by extension refuses a bomb too, naming the file."""
        path = tmp_path / "bomb.json.gz"
        path.write_bytes(bomb(*BOMBS["json"]))
        with pytest.raises(ReadError, match="max_ratio") as info:
            sm.read(path)
        assert str(path) == info.value.source

    def test_size_cap(self):
        """max_size caps the output whatever the ratio, and is named in the error."""
        data = bomb(*BOMBS["csv"], members=20)
        error, elapsed, _ = measured(lambda: READERS["csv"](data, max_ratio=1e9, max_size=5 * MB))
        assert error is not None
        assert "the limit of 5,242,880 bytes (max_size)" in error.reason
        assert elapsed < 2

    def test_raised_limits_read_it(self):
        """Raising the ratio reads a file that compresses better than the default allows."""
        head, pattern = BOMBS["csv"]
        data = bomb(head, pattern, members=3)
        with pytest.raises(ReadError, match="max_ratio"):
            source.read_data(data, looks_like_text="")
        expanded, _ = source.read_data(data, looks_like_text="", max_ratio=10_000)
        assert len(head) + 3 * (MB // len(pattern)) * len(pattern) == len(expanded)

    def test_small_files_not_ratio_checked(self):
        """Output under 1 MiB is never refused for its ratio, however well it compresses."""
        text = b"claim,a,i,support\r\n" * 50_000
        assert len(text) > 100 * len(gzip.compress(text))
        assert (text, "<bytes>") == source.read_data(
            gzip.compress(text), looks_like_text="", max_ratio=1
        )


class TestMembers:
    def test_every_member_read(self):
        """Concatenated gzip members read as one stream, as gzip itself reads them."""
        data = gzip.compress(b"ab") + gzip.compress(b"cd") + b"\0\0"
        assert (b"abcd", "<bytes>") == source.read_data(data, looks_like_text="")

    def test_trailing_garbage(self):
        """Bytes after the last member that are not gzip are a corrupt stream."""
        with pytest.raises(ReadError, match="corrupt or truncated gzip"):
            source.read_data(gzip.compress(b"ab") + b"junk", looks_like_text="")

    def test_truncated(self):
        """A member cut short is a truncated stream, not a partial read."""
        with pytest.raises(ReadError, match="corrupt or truncated gzip"):
            source.read_data(gzip.compress(b"ab" * 1000)[:-12], looks_like_text="")


class TestCommandLine:
    @pytest.mark.parametrize("command", ["show", "convert", "validate"])
    def test_bomb_refused(self, command, tmp_path, capsys):
        """show, convert and validate refuse a bomb with the file and the limit."""
        path = tmp_path / "bomb.json.gz"
        path.write_bytes(bomb(*BOMBS["json"]))
        args = [command, str(path)]
        if command == "convert":
            args.append(str(tmp_path / "out.csv"))
        started = time.perf_counter()
        assert 0 != main(args)
        assert time.perf_counter() - started < 2
        said = "".join(capsys.readouterr())
        assert str(path) in said
        assert "--max-ratio" in said

    def test_flags_set_the_limits(self, tmp_path, capsys):
        """--max-ratio and --max-size reach the reader: a trusted file passes a raised
        limit, and a lowered one refuses it."""
        path = tmp_path / "m.json.gz"
        path.write_bytes(gzip.compress(sm.load_dataset("ukraine").to_json().encode(), 9))
        assert 0 == main(["validate", str(path), "--max-ratio", "1000"])
        assert 1 == main(["validate", str(path), "--max-size", "1000"])
        assert "1,000 bytes (max_size)" in "".join(capsys.readouterr())
