"""The layering of mktsim's packages (docs/architecture.md): imports point one way.

Every import in src/mktsim (module level, under TYPE_CHECKING and inside functions) is an
edge from the importing module's package to the imported module's package; the root
package (`__version__` and a lazy facade) belongs to no layer.
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
    frozenset({"scenario"}),
    frozenset({"model"}),
    frozenset({"engine"}),
    frozenset({"rules"}),
    frozenset({"history"}),
    frozenset({"decision", "calibrate", "sweep", "track"}),
    frozenset({"report"}),
    frozenset({"api"}),
    frozenset({"cli", "templates", "__main__"}),
)

#: Edges that must never exist, whatever the layers say.
FORBIDDEN = {("engine", "rules"), ("model", "rules"), ("model", "engine")}

#: Backward edges tolerated while being removed (none now); each entry must still exist,
#: so a fixed one fails until it is removed here.
PENDING: set[tuple[str, str]] = set()

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
