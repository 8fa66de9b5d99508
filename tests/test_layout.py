from __future__ import annotations

import datetime
from typing import Any

import pytest
from hypothesis import given, settings

import stancematrix as sm
from stancematrix._io.layout import Layout, grid
from stancematrix.exceptions import InvalidValueError, UnknownActorError, UnknownIssueError
from tests.strategies import matrices


@pytest.fixture(scope="module")
def ukraine() -> sm.StanceMatrix:
    return sm.load_dataset("ukraine")


class TestGrid:
    @settings(max_examples=60)
    @given(matrices())
    def test_cells_hold_the_cells_claims(self, matrix):
        """Each cell is backed by exactly the claims of its actor and issue, in order."""
        layout = grid(matrix)
        for issue, spans in zip(matrix.issues, layout.spans, strict=True):
            for actor, span in zip(matrix.actors, spans, strict=True):
                assert matrix.claims(actor.key, issue.key) == layout.claims(span)

    @settings(max_examples=60)
    @given(matrices())
    def test_transpose(self, matrix):
        """Transposing swaps rows and columns and nothing else."""
        rows = grid(matrix).texts()
        columns = grid(matrix, transpose=True).texts()
        assert [list(row) for row in zip(*rows, strict=True)] == columns

    def test_as_of(self, ukraine):
        """as_of shows the snapshot at that date (see StanceMatrix.as_of)."""
        s = ukraine.select(actors=["US"], issues=["sanctions"])
        assert (
            "oppose — easing American sanctions"
            == grid(s, as_of="2025-02", cell="both").texts()[0][0]
        )
        assert "strongly support" == grid(s, as_of=datetime.date(2025, 7, 31)).texts()[0][0]
        assert grid(s.as_of("2025-02")).texts() == grid(s, as_of="2025-02").texts()

    def test_cell_modes(self, ukraine):
        """A cell shows the stance, the symbol, the summary or both."""
        s = ukraine.select(actors=["RU"], issues=["energy"], sources=["ukraine-strategy"])
        assert [["oppose"]] == grid(s).texts()
        assert [["-"]] == grid(s, cell="symbol").texts()
        assert [["Uses energy exports as geopolitical leverage"]] == grid(s, cell="summary").texts()
        assert [["oppose — Uses energy exports as geopolitical leverage"]] == grid(
            s, cell="both"
        ).texts()

    def test_symbol_falls_back_to_label(self):
        """A level without a symbol shows its label."""
        scale = sm.Scale("s", [sm.Level("low", 0), sm.Level("high", 1, "H")], unknown_symbol=None)
        m = sm.StanceMatrix.from_positions(
            [sm.Position("A", "I", "low", "S"), sm.Position("B", "I", scale.unknown, "S")],
            actors=[sm.Actor("A", "A"), sm.Actor("B", "B")],
            issues=[sm.Issue("I", "I", "p")],
            sources=[sm.Source("S", "S")],
            scale=scale,
        )
        assert [["low", "no position reported"]] == grid(m, cell="symbol").texts()

    def test_labels(self, ukraine):
        """Names by default, keys on request, single labels overridden by key or alias."""
        layout = grid(ukraine, actors=["US", "Kremlin"], issues=["energy"])
        assert (["United States", "Russia"], ["Energy"]) == (
            layout.column_labels,
            layout.row_labels,
        )
        layout = grid(
            ukraine,
            actors=["US", "RU"],
            issues=["energy"],
            labels="key",
            actor_labels={"Kremlin": "Moscow"},
            issue_labels={"energy": "Gas"},
        )
        assert (["US", "Moscow"], ["Gas"]) == (layout.column_labels, layout.row_labels)

    def test_bad_options(self, ukraine):
        """Unknown cell modes, repeated or unknown names, and a bare string are errors."""
        with pytest.raises(InvalidValueError):
            grid(ukraine, cell="colour")  # type: ignore[arg-type]
        with pytest.raises(InvalidValueError):
            grid(ukraine, labels="title")  # type: ignore[arg-type]
        with pytest.raises(InvalidValueError):
            grid(ukraine, actors=["US", "Washington"])
        with pytest.raises(InvalidValueError):
            grid(ukraine, actors="US")
        with pytest.raises(UnknownActorError):
            grid(ukraine, actors=["XX"])
        with pytest.raises(UnknownIssueError):
            grid(ukraine, issues=["nothing"])
        with pytest.raises(InvalidValueError):
            grid(ukraine, as_of=2025.0)
        with pytest.raises(InvalidValueError):
            grid(ukraine, as_of=True)


class TestLayoutValue:
    @pytest.mark.parametrize("fmt", ["text", "markdown", "csv", "html"])
    def test_unknown_option_named_alike(self, ukraine, fmt):
        """Every grid renderer refuses an unknown keyword the same way, naming it."""
        options: dict[str, Any] = {"layout": "wide"} if fmt == "csv" else {}
        with pytest.raises(
            TypeError, match=r"render\(\) got an unexpected keyword argument 'colour'"
        ):
            sm.render(ukraine, fmt, colour="red", **options)

    def test_changed_lists_what_differs(self):
        """changed() names the options set away from their defaults, in field order."""
        assert {"transpose": True, "cell": "both"} == Layout(cell="both", transpose=True).changed()
        assert {} == Layout().changed()


class TestSharedNames:
    """Rows and columns that share a name are told apart by their keys (issue 13, item 7)."""

    def test_shared_titles_get_keys(self):
        """Issues shown together with one title carry their keys; the others do not."""
        issues = [
            sm.Issue("239", "CHINA REPRESENTATION", "Seat the PRC."),
            sm.Issue("323", "CHINA REPRESENTATION", "Seat the PRC."),
            sm.Issue("5309", "Territorial integrity of Ukraine", "Affirm it."),
        ]
        m = sm.StanceMatrix.from_positions(
            [sm.Position("US", i.key, "no", "S") for i in issues],
            actors=[sm.Actor("US", "United States")],
            issues=issues,
            sources=[sm.Source("S", "Votes")],
            scale=sm.Scale.votes(),
        )
        assert [
            "CHINA REPRESENTATION (239)",
            "CHINA REPRESENTATION (323)",
            "Territorial integrity of Ukraine",
        ] == grid(m).row_labels
        assert ["CHINA REPRESENTATION", "Territorial integrity of Ukraine"] == grid(
            m, issues=["323", "5309"]
        ).row_labels

    def test_given_labels_kept(self):
        """A label the caller gives is used as given, even when it repeats."""
        actors = [sm.Actor("A", "Same"), sm.Actor("B", "Same"), sm.Actor("C", "Other")]
        m = sm.StanceMatrix.from_positions(
            [], actors=actors, issues=[sm.Issue("I", "Issue", "P.")], sources=[]
        )
        assert ["Same (A)", "Same (B)", "Other"] == grid(m).column_labels
        assert ["X", "X", "Other"] == grid(m, actor_labels={"A": "X", "B": "X"}).column_labels
        assert ["A", "B", "C"] == grid(m, labels="key").column_labels
