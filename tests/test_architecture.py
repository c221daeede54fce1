"""The layering of mktsim's packages (docs/architecture.md): imports point one way.

Every import in src/mktsim (module level, under TYPE_CHECKING and inside functions) is an
edge from the importing module's package to the imported module's package; the root
package (`__version__` and a lazy facade) belongs to no layer.

Between modules, no file-level cycle either: module A imports B and B imports A (or a
longer chain), at module level or inside functions; imports under `if TYPE_CHECKING:`
do not count (they never run), nor does the root package, which every module's import
runs first.
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "mktsim"

#: Layers, lowest first: a package may import its own layer's packages and lower ones.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"kpis", "expr", "params", "documents", "i18n", "tabular"}),
    frozenset({"scenario", "templates"}),
    frozenset({"model"}),
    frozenset({"engine"}),
    frozenset({"rules"}),
    frozenset({"history"}),
    frozenset({"simulate"}),
    frozenset({"decision", "calibrate", "sweep", "track"}),
    frozenset({"report"}),
    frozenset({"api"}),
    frozenset({"cli", "__main__"}),
)

#: Edges that must never exist, whatever the layers say.
FORBIDDEN = {("engine", "rules"), ("engine", "scenario"), ("model", "rules"),
             ("model", "engine")}

#: Backward edges tolerated while being removed (none now); each entry must still exist,
#: so a fixed one fails until it is removed here.
PENDING: set[tuple[str, str]] = set()

#: Import cycles between modules tolerated while being removed, each the set of modules
#: of one cycle; each must still exist, so a fixed one fails until it is removed here.
PENDING_CYCLES: set[frozenset[str]] = set()

Edges = dict[tuple[str, str], list[str]]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """Absolute names of the mktsim modules an import statement reads."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "mktsim"]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - node.level + 1]
        target = ".".join([*base, *([node.module] if node.module else [])])
    else:
        target = node.module or ""
    if target.split(".")[0] != "mktsim":
        return []
    if node.module:
        return [target]
    return [f"{target}.{a.name}" for a in node.names]


def package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] != "__version__" else None


def package_edges() -> Edges:
    """(importer package, imported package) -> the module-level edges behind it."""
    edges: Edges = defaultdict(list)
    for path in sorted(SRC.rglob("*.py")):
        module = module_name(path)
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            for target in imported(node, module, path.name == "__init__.py"):
                a, b = package_of(module), package_of(target)
                if a and b and a != b:
                    edges[(a, b)].append(f"{module} -> {target} (line {node.lineno})")
    return edges


def type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the nodes under `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        test = node.test if isinstance(node, ast.If) else None
        if test is not None and "TYPE_CHECKING" in (getattr(test, "id", None),
                                                    getattr(test, "attr", None)):
            inside |= {id(n) for child in node.body for n in ast.walk(child)}
    return inside


def module_imports(source: str, module: str, is_package: bool,
                   known: set[str]) -> dict[str, list[int]]:
    """The modules of `known` that a module's source imports, outside TYPE_CHECKING ->
    the lines (`from pkg import name` imports `pkg.name` when that is a module, else
    `pkg`); the root package and the module itself are left out."""
    tree = ast.parse(source)
    skip = type_checking_only(tree)
    found: dict[str, list[int]] = defaultdict(list)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        for target in imported(node, module, is_package):
            while target not in known and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in known and target not in (module, "mktsim"):
                found[target].append(node.lineno)
    return found


def module_edges() -> Edges:
    """(importer module, imported module) -> the import lines behind it."""
    paths = sorted(SRC.rglob("*.py"))
    known = {module_name(p) for p in paths}
    edges: Edges = defaultdict(list)
    for path in paths:
        module = module_name(path)
        if module == "mktsim":
            continue
        found = module_imports(path.read_text(), module, path.name == "__init__.py", known)
        for target, lines in found.items():
            edges[(module, target)] += [f"line {n}" for n in lines]
    return edges


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected parts of more than one node (each holds a cycle)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in order:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], order[nxt])
        if low[node] == order[node]:
            part = stack[stack.index(node):]
            del stack[stack.index(node):]
            if len(part) > 1:
                found.append(frozenset(part))

    for node in sorted(graph):
        if node not in order:
            visit(node)
    return found


def layer_of(package: str) -> int:
    for i, layer in enumerate(LAYERS):
        if package in layer:
            return i
    raise AssertionError(f"package '{package}' has no layer: add it to LAYERS here and to "
                         "docs/architecture.md")


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph as a chain a -> b -> ... -> a, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def describe(chain: list[str], edges: Edges) -> str:
    lines = [" -> ".join(chain)]
    for a, b in itertools.pairwise(chain):
        lines += [f"  {a} -> {b}: {edges[(a, b)][0]}"]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def edges() -> Edges:
    return package_edges()


def test_no_cycle_between_packages(edges: Edges) -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        if (a, b) not in PENDING:
            graph[a].add(b)
    chain = find_cycle(graph)
    assert chain is None, "import cycle between packages:\n" + describe(chain or [], edges)


def test_forbidden_edges(edges: Edges) -> None:
    bad = [f"{a} must not import {b}: " + "; ".join(edges[(a, b)])
           for a, b in sorted(FORBIDDEN) if (a, b) in edges and (a, b) not in PENDING]
    assert not bad, "\n".join(bad)


def test_imports_point_down_the_layers(edges: Edges) -> None:
    bad = [f"{a} (layer {layer_of(a)}) imports {b} (layer {layer_of(b)}): {edges[(a, b)][0]}"
           for a, b in sorted(edges)
           if layer_of(b) > layer_of(a) and (a, b) not in PENDING]
    assert not bad, "imports against the layering (docs/architecture.md):\n" + "\n".join(bad)


def test_pending_edges_still_exist(edges: Edges) -> None:
    gone = sorted(PENDING - set(edges))
    assert not gone, f"remove these fixed edges from PENDING: {gone}"


@pytest.fixture(scope="module")
def module_graph() -> tuple[dict[str, set[str]], Edges]:
    edges = module_edges()
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    return graph, edges


def test_no_import_cycle_between_modules(module_graph) -> None:
    graph, edges = module_graph
    found = [c for c in cycles(graph) if c not in PENDING_CYCLES]
    chains = [describe(find_cycle({a: graph[a] & part for a in part}) or [], edges)
              for part in found]
    assert not found, "import cycles between modules (outside TYPE_CHECKING):\n" + \
        "\n".join(chains)


def test_pending_cycles_still_exist(module_graph) -> None:
    graph, _ = module_graph
    gone = sorted(sorted(c) for c in PENDING_CYCLES - set(cycles(graph)))
    assert not gone, f"remove these fixed cycles from PENDING_CYCLES: {gone}"


def test_module_cycles_count_function_imports_not_type_checking() -> None:
    known = {"mktsim.track", "mktsim.track.run", "mktsim.track.reoptimize"}
    run = module_imports("def f():\n    from .reoptimize import reoptimize\n",
                         "mktsim.track.run", False, known)
    typed = module_imports("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                           "    from .run import track\n", "mktsim.track.reoptimize",
                           False, known)
    untyped = module_imports("from . import run\n", "mktsim.track.reoptimize", False,
                             known)
    assert run == {"mktsim.track.reoptimize": [2]} and typed == {}
    assert untyped == {"mktsim.track.run": [1]}
    graph = {"mktsim.track.run": set(run), "mktsim.track.reoptimize": set(untyped)}
    assert cycles(graph) == [frozenset(known - {"mktsim.track"})]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_cycle_finder_reports_the_chain() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_function_level_imports_count(tmp_path: Path) -> None:
    tree = ast.parse("def f():\n    from ..rules.review import ReviewLoop\n")
    node = tree.body[0].body[0]  # type: ignore[attr-defined]
    assert imported(node, "mktsim.engine.replication", False) == ["mktsim.rules.review"]


def test_every_kernel_argument_is_documented_with_its_shape():
    """kernel.py's docstring names every argument of its private kernels (shape, unit)."""
    import re

    from mktsim.engine import kernel

    doc = kernel.__doc__ or ""
    tree = ast.parse(Path(kernel.__file__).read_text(encoding="utf-8"))
    names = {a.arg for f in tree.body if isinstance(f, ast.FunctionDef)
             and f.name.startswith("_") for a in f.args.args}
    missing = sorted(n for n in names if not re.search(rf"\b{re.escape(n)}\b", doc))
    assert not missing, f"arguments of engine/kernel.py not in its docstring: {missing}"
