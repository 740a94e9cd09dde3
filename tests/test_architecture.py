"""The library's layering, read from its source with `ast`: every import of every module under
geo/, at any depth (inside functions and `if TYPE_CHECKING:` blocks too), makes one graph.

- no cycle among geo's modules;
- no private name (a leading underscore) imported from another module;
- geo imports nothing from tools/, pages/ or streamlit;
- geo.analysis imports neither geo.store, geo.app nor geo.view; geo.counting none of those nor
  geo.analysis; geo.store neither geo.analysis, geo.app nor geo.view; geo.io none of the layers
  above it; geo.view no geo.app, and the briefing no store;
- the domain's vocabulary (the names geo.schema defines) is taken from geo.schema itself.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "geo"
FORBIDDEN = {
    "geo.io": ("geo.counting", "geo.analysis", "geo.store", "geo.app", "geo.view"),
    "geo.counting": ("geo.analysis", "geo.store", "geo.app", "geo.view"),
    "geo.analysis": ("geo.store", "geo.app", "geo.view"),
    "geo.store": ("geo.analysis", "geo.app", "geo.view"),
    "geo.view": ("geo.app",),
    "geo.view.briefing": ("geo.store",),
    "geo.view.briefing_drawing": ("geo.store",),
    "geo.view.briefing_file": ("geo.store",),
}
"""Packages a package must not import (its modules, at any depth)."""
OUTSIDE = ("tools", "pages", "streamlit", "app", "server")
"""Top-level modules the library never imports."""


@dataclass(frozen=True)
class Imported:
    """One imported module (and the name taken from it, for `from x import name`)."""

    importer: str
    module: str
    name: str | None
    line: int


def module_name(path: Path) -> str:
    """geo/store/folder/load.py → geo.store.folder.load; a package's __init__ is the package."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the library by its dotted name."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path) -> list[Imported]:
    """Every import in the module, at any depth, with relative imports made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(Imported(name, alias.name, None, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.extend(Imported(name, base, alias.name, node.lineno) for alias in node.names)
    return found


def resolved(item: Imported, known: dict[str, Path]) -> str | None:
    """The library module an import loads (`from geo.store import audit` is geo.store.audit),
    or None for one outside the library."""
    if item.name is not None and f"{item.module}.{item.name}" in known:
        return f"{item.module}.{item.name}"
    return item.module if item.module in known else None


@pytest.fixture(scope="module")
def graph() -> dict[str, list[Imported]]:
    known = modules()
    return {name: imports_of(name, path) for name, path in known.items()}


def edges(graph: dict[str, list[Imported]]) -> dict[str, set[str]]:
    """Module → the library modules it imports (itself left out)."""
    known = {name: Path() for name in graph}
    return {
        name: {m for m in (resolved(i, known) for i in found) if m is not None and m != name}
        for name, found in graph.items()
    }


def cycles(links: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(links.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(links):
        if node not in index:
            visit(node)
    return found


def in_package(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_library_has_modules_to_check(graph):
    assert {"geo.cli", "geo.store.interface", "geo.analysis.stats"} <= set(graph)
    assert sum(len(found) for found in graph.values()) > 500


def test_no_import_cycle_among_the_library_modules(graph):
    assert cycles(edges(graph)) == []


def test_no_private_name_is_imported_from_another_module(graph):
    known = {name: Path() for name in graph}
    private = [
        f"{i.importer}:{i.line} takes {i.name} from {i.module}"
        for found in graph.values()
        for i in found
        if i.name is not None
        and i.name.startswith("_")
        and not i.name.startswith("__")
        and resolved(i, known) != f"{i.module}.{i.name}"  # a private module is a module
        and (i.module.startswith("geo.") or i.module == "geo")
    ]
    assert private == []


def test_the_library_imports_nothing_from_tools_pages_or_streamlit(graph):
    outside = [
        f"{i.importer}:{i.line} imports {i.module}"
        for found in graph.values()
        for i in found
        if i.module.split(".")[0] in OUTSIDE
    ]
    assert outside == []


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_each_layer_imports_only_the_layers_below_it(graph, package):
    links = edges(graph)
    wrong = sorted(
        f"{importer} imports {target}"
        for importer, targets in links.items()
        if in_package(importer, package)
        for target in targets
        if any(in_package(target, banned) for banned in FORBIDDEN[package])
    )
    assert wrong == []


def test_the_vocabulary_is_taken_from_the_schema_module(graph):
    tree = ast.parse((PACKAGE / "schema.py").read_text(encoding="utf-8"))
    vocabulary = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert {"ASB", "POLICE_UK_HEADER", "LOCAL_TZ", "OUTCOME_COLUMNS"} <= vocabulary
    elsewhere = [
        f"{i.importer}:{i.line} takes {i.name} from {i.module}"
        for found in graph.values()
        for i in found
        if i.name in vocabulary and i.module != "geo.schema"
    ]
    assert elsewhere == []


def test_the_checks_see_a_cycle_a_private_name_and_a_deferred_import(tmp_path):
    """The reading itself: imports inside functions count, and a cycle of three is found."""
    source = tmp_path / "m.py"
    source.write_text(
        "import os\n\ndef f():\n    from geo.store.x import _hidden\n    if True:\n"
        "        import geo.view.y\n",
        encoding="utf-8",
    )
    found = imports_of("geo.analysis.m", source)
    assert [(i.module, i.name) for i in found] == [
        ("os", None),
        ("geo.store.x", "_hidden"),
        ("geo.view.y", None),
    ]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
