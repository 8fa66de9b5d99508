from __future__ import annotations

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
