"""The shape of the package: layers import downward only, and no module reads another's privates.

These tests read the source with :mod:`ast`; nothing is imported. Every import counts —
module-level, inside functions, and under ``if TYPE_CHECKING:`` — because each one is a
dependency a reader has to follow.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "stancematrix"
BENCHMARKS = ROOT / "benchmarks"
#: The engine: the only package whose modules may read a store's or a matrix's internals.
ENGINE = "stancematrix._store"
#: The most lines a module may have.
MAX_LINES = 600


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


MODULES = modules()


def unit(name: str) -> str:
    """What counts as one place for privacy: a subpackage, or a top-level module."""
    parts = name.split(".")
    return ".".join(parts[:2])


def is_package(name: str) -> bool:
    return MODULES.get(name, Path()).name == "__init__.py"


def resolve(importer: str, node: ast.ImportFrom) -> str:
    """The absolute module an ``ImportFrom`` names."""
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not is_package(importer):
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports(name: str, tree: ast.AST) -> Iterator[tuple[str, str | None, int]]:
    """Every ``(module, imported name or None, line)`` *name* imports, anywhere in it."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            target = resolve(name, node)
            for alias in node.names:
                yield target, alias.name, node.lineno


def edges(name: str, tree: ast.AST) -> set[str]:
    """The package modules *name* depends on (a submodule import runs its package too)."""
    found: set[str] = set()
    for target, imported, _ in imports(name, tree):
        candidates = [target]
        if imported is not None:
            candidates.insert(0, f"{target}.{imported}")
        for candidate in candidates:
            if candidate in MODULES:
                found.add(candidate)
                parts = candidate.split(".")
                # Parent packages below the top level run first (``stancematrix`` itself
                # is being imported already whenever its modules are, and so is the
                # package of a module importing its sibling).
                found.update(
                    parent
                    for k in range(2, len(parts))
                    if not name.startswith((parent := ".".join(parts[:k])) + ".") and name != parent
                )
                break
    found.discard(name)
    return found


def graph() -> dict[str, set[str]]:
    return {
        name: edges(name, ast.parse(path.read_text(encoding="utf-8")))
        for name, path in MODULES.items()
    }


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(g.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return found


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def defined_privates(tree: ast.AST) -> set[str]:
    """Private attribute names a module's classes and module body define."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    names.add(item.target.id)
                elif isinstance(item, ast.Assign):
                    for target in item.targets:
                        if isinstance(target, ast.Name):
                            names.add(target.id)
                            if target.id == "__slots__" and isinstance(
                                item.value, ast.Tuple | ast.List
                            ):
                                names.update(
                                    e.value
                                    for e in item.value.elts
                                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                                )
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("self", "cls", "new")
        ):
            names.add(node.attr)
    if isinstance(tree, ast.Module):
        for item in tree.body:
            if isinstance(item, ast.FunctionDef | ast.ClassDef):
                names.add(item.name)
            elif isinstance(item, ast.Assign | ast.AnnAssign):
                targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    return {name for name in names if private(name)}


def owners() -> dict[str, set[str]]:
    """Private name → the units that define it."""
    out: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        for attr in defined_privates(ast.parse(path.read_text(encoding="utf-8"))):
            out.setdefault(attr, set()).add(unit(name))
    return out


OWNERS = owners()


def private_reaches(place: str, tree: ast.AST, own: set[str]) -> list[str]:
    """Reads of private attributes defined elsewhere, and private names imported from
    another unit, as ``"line: what"``."""
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and private(node.attr)
            and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
        ):
            defined_in = OWNERS.get(node.attr, set())
            if defined_in and not defined_in & own:
                found.append(f"{node.lineno}: .{node.attr} (defined in {sorted(defined_in)})")
    for target, imported, line in imports(place, tree):
        if not target.startswith("stancematrix") or imported is None or not private(imported):
            continue
        if f"{target}.{imported}" in MODULES:
            continue  # a private module, imported by name
        if unit(target) not in own:
            found.append(f"{line}: from {target} import {imported}")
    return found


class TestLayers:
    def test_no_import_cycle(self):
        """No chain of imports inside stancematrix/ leads back to where it started."""
        assert [] == cycles(graph())

    def test_graph_is_read(self):
        """The walker sees the package's real dependencies (so an empty cycle list means
        something)."""
        g = graph()
        assert "stancematrix._store" in g["stancematrix._matrix"]
        assert "stancematrix._store.cells" in g["stancematrix._store.slicing"]
        assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]

    def test_engine_imports_only_values(self):
        """The engine depends on the values and itself, never on what is built on it."""
        values = {
            "stancematrix.exceptions",
            "stancematrix._model",
            "stancematrix._scale",
            "stancematrix._dates",
        }
        g = graph()
        for name, targets in g.items():
            if name.startswith(ENGINE):
                outside = {t for t in targets if not t.startswith(ENGINE)}
                assert set() == outside - values, name

    @pytest.mark.parametrize("name", sorted(MODULES), ids=sorted(MODULES))
    def test_module_size(self, name):
        """No module is longer than the limit: each does one job."""
        lines = MODULES[name].read_text(encoding="utf-8").count("\n")
        assert lines <= MAX_LINES, f"{name} has {lines} lines"


class TestPrivacy:
    @pytest.mark.parametrize("name", sorted(MODULES), ids=sorted(MODULES))
    def test_package_modules(self, name):
        """No module reads private state another package or module defines, or imports a
        private name from one (the engine's internals stay the engine's)."""
        tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
        assert [] == private_reaches(name, tree, {unit(name)})

    @pytest.mark.parametrize("path", sorted(BENCHMARKS.glob("*.py")), ids=lambda p: p.name)
    def test_benchmarks(self, path):
        """Benchmarks use public and public-internal names only."""
        tree = ast.parse(path.read_text(encoding="utf-8"))
        own = defined_privates(tree)
        reaches = [
            r
            for r in private_reaches(f"benchmarks.{path.stem}", tree, set())
            if not any(f".{name} " in r for name in own)
        ]
        assert [] == reaches

    def test_a_reach_is_found(self):
        """The check catches a read of the engine's internals from outside."""
        tree = ast.parse("def f(m):\n    return m._store.cols.cells._sparse\n")
        assert private_reaches("stancematrix._query.x", tree, {"stancematrix._query"})
