"""numba rebuilds a cached kernel only when the kernel's own file changes (its time stamp
and size: engine/jit.py). A compiled function that inlines or calls another module's
compiled helpers, or reads its constants (the layout's indices, the plan's columns), keeps
running the old code from the cache after those change. So each module with compiled
functions carries a key of what it compiles with, `# numba cache key: <hex>`, a digest of
the sources of the package modules it imports, followed through the compiled ones; a
change to any of them fails this test until the key is updated, which changes the file
and so rebuilds its cache."""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

import mktsim

PACKAGE = Path(mktsim.__file__).parent
KEY = re.compile(r"^# numba cache key: ([0-9a-f]{16})$", re.M)
COMPILED = re.compile(r"@(no_refcount|inlined|njit|numba\.njit)\b")
#: plain-Python functions that kernels compile in (`params.jitable`): not cached on their
#: own, but a change to them must rebuild the kernels that call them
JITABLE = re.compile(r"^@jitable\b", re.M)


def _module_file(importer: Path, node: ast.ImportFrom, name: str | None) -> Path | None:
    """The package file a relative `from ... import` names (a module or a package)."""
    if not node.level:
        return None
    base = importer.parent
    for _ in range(node.level - 1):
        base = base.parent
    parts = (node.module or "").split(".") if node.module else []
    target = base.joinpath(*parts) if parts else base
    for candidate in ([target / f"{name}.py"] if name else []) + [target.with_suffix(".py")]:
        if candidate.is_file():
            return candidate
    return None


def imported(path: Path) -> set[Path]:
    """The package modules whose code or constants `path` may compile in: those it takes
    a compiled function, a constant (an upper-case name) or the module itself from."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                module = _module_file(path, node, alias.name)
                if module is not None and (alias.name.isupper() or compiled(module)
                                           or module.stem == alias.name):
                    found.add(module)
    return found


def has_kernels(path: Path) -> bool:
    """Whether numba compiles and caches functions of `path`."""
    return bool(COMPILED.search(path.read_text(encoding="utf-8")))


def compiled(path: Path) -> bool:
    """Whether code of `path` ends up in compiled kernels (its own or its callers')."""
    return has_kernels(path) or bool(JITABLE.search(path.read_text(encoding="utf-8")))


def compiled_with(path: Path) -> list[Path]:
    """What `path`'s compiled code depends on: the modules it imports, and through those
    that are compiled, theirs."""
    seen: set[Path] = set()
    todo = [path]
    while todo:
        for module in imported(todo.pop()):
            if module not in seen and module != path:
                seen.add(module)
                if compiled(module):
                    todo.append(module)
    return sorted(seen)


def expected_key(path: Path) -> str:
    digest = hashlib.sha256()
    for module in compiled_with(path):
        text = KEY.sub("", module.read_text(encoding="utf-8"))
        digest.update(str(module.relative_to(PACKAGE)).encode() + b"\0" + text.encode())
    return digest.hexdigest()[:16]


def keyed_modules() -> list[Path]:
    """Modules with compiled functions that depend on another compiled module."""
    return [p for p in sorted(PACKAGE.rglob("*.py"))
            if has_kernels(p) and any(compiled(m) for m in compiled_with(p))]


def test_the_kernel_modules_are_keyed() -> None:
    names = {p.name for p in keyed_modules()}
    assert {"kernel.py", "agents_kernel.py", "batch.py", "teams_kernel.py",
            "satisfaction.py"} <= names


def test_every_compiled_module_carries_the_key_of_what_it_compiles_with() -> None:
    stale = []
    for path in keyed_modules():
        found = KEY.search(path.read_text(encoding="utf-8"))
        want = expected_key(path)
        if found is None or found.group(1) != want:
            stale.append(f"{path.relative_to(PACKAGE)}: '# numba cache key: {want}'")
    assert not stale, ("compiled helpers or constants changed: put these lines (at the top "
                       "of each file) so that numba rebuilds their cached kernels:\n"
                       + "\n".join(stale))
