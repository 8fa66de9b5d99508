from __future__ import annotations

import pytest

import stancematrix as sm
from stancematrix._query import methods
from stancematrix._query.agreement import METHODS
from stancematrix._query.bits import Bits
from stancematrix._scale import Scale
from stancematrix._store import store_of
from stancematrix.exceptions import InvalidValueError

NAMES = [m.name for m in methods.REGISTRY]


def two_actors() -> sm.StanceMatrix:
    """Two actors with stances on three issues, on the vote scale."""
    votes = [("A", "1", "yes"), ("B", "1", "no"), ("A", "2", "yes"), ("B", "2", "yes")]
    return sm.StanceMatrix.from_positions(
        [sm.Position(a, i, v, "s") for a, i, v in [*votes, ("A", "3", "abstain")]],
        actors=[sm.Actor("A", "A"), sm.Actor("B", "B")],
        issues=[sm.Issue(k, k, "p") for k in "123"],
        sources=[sm.Source("s", "s")],
        scale=Scale.votes(),
    )


class TestRegistry:
    def test_methods_are_the_registry(self):
        """METHODS lists the registered methods' names, in the registry's order."""
        expected = (
            "identical",
            "agree",
            "state-department",
            "s-score",
            "s-score-squared",
            "kappa",
            "kappa-squared",
            "pi",
        )
        assert expected == METHODS
        assert tuple(NAMES) == METHODS == methods.names()

    def test_default_is_registered(self):
        """The default method is a registered one, and the functions' default."""
        assert methods.DEFAULT in METHODS
        assert 0.5 == sm.agreement(two_actors(), "A", "B").score  # agree: (0 + 1) / 2

    def test_names_are_unique(self):
        """No two rows share a name, so a name picks exactly one way of scoring."""
        assert len(set(NAMES)) == len(NAMES)

    @pytest.mark.parametrize("method", methods.REGISTRY, ids=NAMES)
    def test_every_row_is_complete(self, method):
        """Each row has a one-line definition and its own two scoring functions."""
        assert method.definition
        assert "\n" not in method.definition
        assert "%" not in method.definition  # argparse help formats it
        assert callable(method.bits)
        assert callable(method.fast)

    @pytest.mark.parametrize("name", NAMES)
    def test_get(self, name):
        """get() finds each registered method by name."""
        assert name == methods.get(name).name

    def test_unknown(self):
        """An unknown name is an InvalidValueError listing every registered method."""
        with pytest.raises(InvalidValueError, match=", ".join(NAMES)):
            methods.get("s_score")

    @pytest.mark.parametrize("name", NAMES)
    def test_documented(self, name):
        """agreement()'s docstring describes every registered method."""
        assert sm.agreement.__doc__ is not None
        assert f'``"{name}"``' in sm.agreement.__doc__


class TestOneEntry:
    def test_a_new_row_scores_with_its_own_functions(self, monkeypatch):
        """A method added to the registry is scored by its own functions on both paths,
        never by another method's."""
        pytest.importorskip("numpy")
        import numpy as np

        from stancematrix._query import agreement as _agreement

        def bits(bits, scale, pairs):
            return dict.fromkeys(pairs, (0.25, 7))

        def fast(table, n, scale):
            return np.full(n.shape, 0.75)

        extra = methods.Method("test-constant", "a constant, for this test", bits, fast)
        monkeypatch.setattr(methods, "REGISTRY", (*methods.REGISTRY, extra))
        m = two_actors()
        assert 0.25 == sm.agreement(m, "A", "B", method="test-constant").score
        assert ((0.25, 0.25), (0.25, 0.25)) == sm.agreement_matrix(m, method="test-constant").scores
        monkeypatch.setattr(_agreement, "NUMPY_CELLS", 0)
        fast_scores = sm.agreement_matrix(m, method="test-constant").scores
        assert ((0.75, 0.75), (0.75, 0.75)) == fast_scores


class TestScorers:
    @pytest.mark.parametrize("method", methods.REGISTRY, ids=NAMES)
    def test_bits_and_fast_agree(self, method):
        """Each row's two functions give the same floats for the same stances."""
        np = pytest.importorskip("numpy")
        m = two_actors()
        view = store_of(m)
        scale = view.decl.scale
        found = method.bits(Bits(view, [0, 1]), scale, [(0, 0), (0, 1), (1, 1)])
        # table[x, y, s, t] by hand: levels no=0, abstain=1, yes=2.
        says = {0: {"1": 2, "2": 2, "3": 1}, 1: {"1": 0, "2": 2}}
        table = np.zeros((2, 2, 3, 3), dtype=np.int64)
        for x in (0, 1):
            for y in (0, 1):
                for issue in set(says[x]) & set(says[y]):
                    table[x, y, says[x][issue], says[y][issue]] += 1
        n = table.sum(axis=(2, 3))
        with np.errstate(divide="ignore", invalid="ignore"):
            fast = method.fast(table, n, scale)
        if isinstance(fast, tuple):  # a method that counts only some issues
            fast, n = fast
        for x, y in found:
            assert found[x, y] == (fast[x, y], n[x, y])
