"""Extending the library is one registry entry: a format, an agreement method, a dataset.

Each test adds an entry the way CONTRIBUTING.md says (one row, plus the format's module)
and checks that the public functions and the command line pick it up with nothing else
changed.
"""

from __future__ import annotations

import json
import sys
import textwrap

import pytest

import stancematrix as sm
from stancematrix._cli import main
from stancematrix._datasets import DATASETS, Dataset
from stancematrix._io import registry
from stancematrix._query import methods

TSV = '''
"""A tab-separated grid, written for the extension test."""

from __future__ import annotations

from typing import Any, Final

from stancematrix._io.layout import Layout, grid

NAME: Final = "tsv"
EXTENSIONS: Final = (".tsv",)


def render(matrix: Any, **layout: Any) -> str:
    table = grid(matrix, Layout(**layout))
    rows = [[table.corner, *table.column_labels]]
    rows += [[label, *texts] for label, texts in zip(table.row_labels, table.texts())]
    return "".join("\\t".join(row) + "\\n" for row in rows)


def render_diff(diff: Any, **options: Any) -> str:
    return diff.summary() + "\\n"
'''


@pytest.fixture
def tsv(tmp_path, monkeypatch):
    """A format module on the path and its one registry row."""
    (tmp_path / "sm_tsv_format.py").write_text(textwrap.dedent(TSV), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    row = registry.Format("tsv", (".tsv",), "sm_tsv_format", readable=False)
    monkeypatch.setattr(registry, "FORMATS", (*registry.FORMATS, row))
    yield
    sys.modules.pop("sm_tsv_format", None)


class TestAFormat:
    def test_library(self, tsv):
        """sm.render and the diff's rendering use the new format by name."""
        m = sm.load_dataset("ukraine").select(actors=["US", "RU"], issues=["territory"])
        assert "Issue\tUnited States\tRussia\n" == sm.render(m, "tsv").splitlines(True)[0]
        assert "tsv" in registry.names()
        d = sm.diff(m.as_of("2024"), m)
        assert d.summary() + "\n" == registry.render(d, "tsv", kind="diff")

    def test_command_line(self, tsv, tmp_path, capsys):
        """show --format, convert by the output's extension and diff --format offer it."""
        assert 0 == main(["show", "--format", "tsv", "--actors", "US", "--issues", "territory"])
        assert capsys.readouterr().out.startswith("Issue\tUnited States\n")
        out = tmp_path / "m.tsv"
        assert 0 == main(["convert", "ukraine", str(out)])
        assert out.read_text(encoding="utf-8").startswith("Issue\t")
        args = ["diff", "ukraine", "--from", "2025-03", "--to", "2025-07", "--format", "tsv"]
        assert 0 == main(args)
        assert "reversed" in capsys.readouterr().out


class TestAnAgreementMethod:
    @pytest.fixture
    def always(self, monkeypatch):
        """A method under which any two known stances agree completely."""

        def weights(scale: sm.Scale) -> list[list[float]]:
            return [[1.0] * len(scale.levels) for _ in scale.levels]

        row = methods.linear("always", "any two stances agree", weights)
        monkeypatch.setattr(methods, "REGISTRY", (*methods.REGISTRY, row))

    def test_library(self, always):
        """agreement, agreement_matrix (both paths) and blocs score with it."""
        m = sm.load_dataset("ukraine")
        found = sm.agreement(m, "US", "RU", method="always")
        assert (1.0, 10) == (found.score, found.n)
        grid = sm.agreement_matrix(m, method="always")
        assert {1.0} == {s for row in grid.scores for s in row if s is not None}
        everyone = tuple(a.key for a in m.actors if m.claims(a.key))
        # The EU has no claim in the dataset (no article reports an EU position): left out.
        blocs = sm.blocs(m, method="always", threshold=1.0)
        assert (everyone,) == blocs.groups
        assert ["EU"] == [left.actor for left in blocs.left_out]

    def test_numpy_path(self, always, monkeypatch):
        """The fast path scores it exactly as the bitset path does."""
        pytest.importorskip("numpy")
        from stancematrix._query import agreement

        m = sm.load_dataset("ukraine")
        plain = sm.agreement_matrix(m, method="always")
        monkeypatch.setattr(agreement, "NUMPY_CELLS", 0)
        assert plain == sm.agreement_matrix(m, method="always")

    def test_command_line(self, always, capsys):
        """agreement --method offers it."""
        assert 0 == main(["agreement", "--method", "always", "--pair", "US", "RU"])
        assert "US–RU always: 1.000 (n=10)" == capsys.readouterr().out.strip()


class TestADataset:
    @pytest.fixture
    def tiny(self, monkeypatch):
        """A dataset of two claims, registered by one row."""
        matrix = sm.StanceMatrix.from_positions(
            [sm.Position("A", "q", "support", "s"), sm.Position("B", "q", "oppose", "s")],
            actors=[sm.Actor("A", "Alpha"), sm.Actor("B", "Beta")],
            issues=[sm.Issue("q", "A question", "Yes to the question.")],
            sources=[sm.Source("s", "A source")],
            metadata={"title": "Tiny", "citation": "Nobody (2026)"},
        )
        row = Dataset("tiny", "Tiny", "Nobody (2026)", lambda: matrix)
        monkeypatch.setattr("stancematrix._datasets.DATASETS", (*DATASETS, row))
        return matrix

    def test_library(self, tiny):
        """dataset_names and load_dataset find it; it cannot be narrowed."""
        assert "tiny" in sm.dataset_names()
        assert tiny is sm.load_dataset("tiny")
        with pytest.raises(sm.exceptions.InvalidValueError):
            sm.load_dataset("tiny", since="2020")

    def test_command_line(self, tiny, capsys):
        """datasets lists it and show reads it by name."""
        assert 0 == main(["datasets"])
        assert "tiny\tTiny\n\tNobody (2026)\n" in capsys.readouterr().out
        assert 0 == main(["show", "tiny", "--format", "json"])
        assert 2 == len(json.loads(capsys.readouterr().out)["claims"])
