from __future__ import annotations

import io

import pytest

import stancematrix as sm
from stancematrix import exceptions


class TestTree:
    @pytest.mark.parametrize("name", exceptions.__all__)
    def test_all_derive_from_base(self, name):
        """Every public exception derives from StanceMatrixError."""
        assert issubclass(getattr(exceptions, name), sm.StanceMatrixError)

    @pytest.mark.parametrize(
        ("error", "builtin"),
        [
            (exceptions.UnknownActorError, KeyError),
            (exceptions.UnknownIssueError, KeyError),
            (exceptions.UnknownSourceError, KeyError),
            (exceptions.UnknownDatasetError, KeyError),
            (exceptions.UnknownStanceError, ValueError),
            (exceptions.InvalidValueError, ValueError),
            (exceptions.DuplicateKeyError, ValueError),
            (exceptions.DuplicateClaimError, ValueError),
            (exceptions.ReadError, ValueError),
        ],
    )
    def test_builtin_parents(self, error, builtin):
        """Errors also inherit the builtin they resemble."""
        assert issubclass(error, builtin)


class TestMessages:
    def test_key_error_message_is_plain(self):
        """Unknown-key errors print as a sentence, not as a quoted repr like KeyError."""
        error = exceptions.UnknownActorError("USA", ["US", "RU"])
        assert "unknown actor 'USA'; did you mean 'US'?" == str(error)
        assert ("US",) == error.suggestions

    def test_no_suggestion(self):
        """With nothing close, no suggestion is made."""
        assert "unknown issue 'zzz'" == str(exceptions.UnknownIssueError("zzz", ["energy"]))

    def test_read_error_location(self):
        """A read error's message leads with file:line:column and the field."""
        error = exceptions.ReadError("bad", source="f.csv", line=3, column=7, field="stance")
        assert "f.csv:3:7: stance: bad" == str(error)
        assert ("f.csv", 3, 7, "stance") == (error.source, error.line, error.column, error.field)

    def test_invalid_value_carries_data(self):
        """InvalidValueError keeps the field, the value and the reason."""
        error = exceptions.InvalidValueError("Actor.key", "", "must be non-empty")
        assert ("Actor.key", "", "must be non-empty") == (error.field, error.value, error.reason)
        assert "Actor.key: must be non-empty (got '')" == str(error)


class TestDocumented:
    @pytest.mark.parametrize("name", exceptions.__all__)
    def test_in_readme_errors_section(self, name):
        """The README's Errors table names every public exception."""
        from tests.conftest import ROOT

        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        section = readme.split("## Errors\n", 1)[1].split("\n## ", 1)[0]
        assert f"`{name}`" in section


SECRET = "TOKEN=" + "s3cr3t" * 50  # a long first line nobody meant to show


class TestShortPrefix:
    @pytest.mark.parametrize(
        "make",
        [
            lambda: sm.Actor("A", " " + SECRET),
            lambda: sm.Level(SECRET + " ", 1),
            lambda: sm.Scale.five_point().code(SECRET),
            lambda: sm.load_dataset("ukraine").actor(SECRET),
            lambda: sm.render(sm.load_dataset("ukraine"), SECRET),
        ],
    )
    def test_messages_show_a_prefix(self, make):
        """An error message shows at most 60 characters of a long value."""
        with pytest.raises(sm.StanceMatrixError) as info:
            make()
        assert SECRET[:100] not in str(info.value)
        assert len(str(info.value)) < 400

    def test_whole_value_kept(self):
        """The error's value attribute keeps the whole value."""
        with pytest.raises(exceptions.InvalidValueError) as info:
            sm.Actor("A", " " + SECRET)
        assert " " + SECRET == info.value.value

    @pytest.mark.parametrize("read", [sm.read_csv, sm.read_json, sm.read_diff])
    def test_one_line_str_names_a_file(self, tmp_path, monkeypatch, read):
        """A one-line str is a file name; reading a file by mistake never echoes it whole."""
        (tmp_path / "secret.env").write_text(SECRET + "\n" + SECRET + "\n")
        monkeypatch.chdir(tmp_path)
        with pytest.raises(exceptions.ReadError) as info:
            read("secret.env")
        assert ("secret.env", False) == (info.value.source, SECRET[:61] in str(info.value))

    def test_mapped_read_of_a_file_by_mistake(self, tmp_path, monkeypatch):
        """The issue's case: read_csv(text, columns=…) of a one-line str that names a file.

        The missing-column error lists the header (the file's first line) only as a short
        prefix, with the number of columns.
        """
        (tmp_path / "secret.env").write_text(SECRET + "," + SECRET[::-1] + "\n")
        monkeypatch.chdir(tmp_path)
        with pytest.raises(exceptions.ReadError) as info:
            sm.read_csv("secret.env", columns={"actor": "a", "issue": "b", "stance": "c"})
        message = str(info.value)
        assert "the header has 2 columns: " in message
        assert SECRET[:61] not in message
        assert len(message) < 250

    @pytest.mark.parametrize("wrap", [str.encode, io.StringIO])
    def test_one_line_text_as_bytes_or_stream_is_data(self, tmp_path, monkeypatch, wrap):
        """One line of text passed as bytes or a stream is data, never opened as a file."""
        (tmp_path / "secret.env").write_text(SECRET + "\n")
        monkeypatch.chdir(tmp_path)
        with pytest.raises(exceptions.ReadError) as info:
            sm.read_csv(wrap("secret.env"))
        assert "secret.env" != info.value.source
