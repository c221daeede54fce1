"""How numba loads mktsim's compiled kernels from its cache: without its target
registries and without `scipy.linalg` (docs/architecture.md, "Start-up").

A run loads its kernels from numba's cache in each process. Before its first load numba
refreshes its CPU target: it imports and installs its implementations of Python and
numpy (the target registries, about 0.15 s of CPU), which only compiling needs, and
`numba.np.arraymath` checks at its import that BLAS is there by importing
`scipy.linalg.cython_blas` (all of `scipy.linalg` and scipy's array-API layer, about
0.2 s) though no kernel of mktsim calls BLAS. Both come before the first replication, in
the process the workers fork from, so they bound a short run. `install_fast_loading`:

- `load_cached_without_registries`: a kernel loaded from the cache starts numba's
  runtime (NRT) but loads no registry. Compiling anything still refreshes the target
  first (numba's compiler does it for every compilation, and its lowering again on a
  missing implementation), so what a compilation needs is there; the machine code loaded
  from the cache is the same, and so are the numbers.
- `defer_blas_check`: arraymath's import-time check is answered without the import
  (scipy is a dependency of mktsim, so it would pass); numba's own check is back from
  then on for what is compiled with BLAS, and numba binds the BLAS functions (importing
  `scipy.linalg.cython_blas`) when one is first called.

Both leave numba as it is when its internals are not the ones described here (another
version), and do nothing when numba has already loaded them.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from numba.core import caching
from numba.core.cpu import CPUContext
from numba.core.runtime import nrt

#: The attribute that marks numba functions replaced here.
MARK = "mktsim_fast_loading"


def install_fast_loading() -> None:
    """Both changes below (idempotent)."""
    load_cached_without_registries()
    defer_blas_check()


def load_cached_without_registries() -> None:
    """Load cached CPU functions with numba's runtime started but no target registry."""
    cache = getattr(caching, "Cache", None)
    original = getattr(cache, "load_overload", None)
    needed = ("_load_overload", "_guard_against_spurious_io_errors")
    if cache is None or original is None or getattr(original, MARK, False) \
            or not all(hasattr(cache, name) for name in needed) \
            or not hasattr(getattr(nrt, "rtsys", None), "initialize"):
        return

    def load_overload(self: Any, sig: Any, target_context: Any) -> Any:
        if not isinstance(target_context, CPUContext):
            return original(self, sig, target_context)
        nrt.rtsys.initialize(target_context)  # what the refresh did that loading needs
        with self._guard_against_spurious_io_errors():
            return self._load_overload(sig, target_context)

    setattr(load_overload, MARK, True)
    cache.load_overload = load_overload


def defer_blas_check() -> None:
    """Answer `numba.np.arraymath`'s import-time BLAS check without importing
    `scipy.linalg`; numba's own check from then on. `numba.np.linalg`, which holds the
    check, is changed as soon as it is imported (before arraymath reads the check from it),
    not imported here: a run's cached kernels need neither it nor arraymath."""
    if "numba.np.arraymath" in sys.modules:
        return
    linalg = sys.modules.get("numba.np.linalg")
    if linalg is not None:
        _answer_first_blas_check(linalg)
    elif not any(isinstance(f, AfterImport) for f in sys.meta_path):
        sys.meta_path.insert(0, AfterImport("numba.np.linalg", _answer_first_blas_check))


def _answer_first_blas_check(linalg: ModuleType) -> None:
    check = getattr(linalg, "ensure_blas", None)
    if check is None or getattr(check, MARK, False):
        return

    def first_check() -> None:
        linalg.ensure_blas = check  # later checks are numba's own

    setattr(first_check, MARK, True)
    linalg.ensure_blas = first_check


class AfterImport:
    """An import hook (`sys.meta_path`) that hands module `name` to `then` as soon as its
    code has run, the first time it is imported, and then leaves the import system."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name, self.then = name, then

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        """The module's own spec from the other finders, its loader made to call `then`."""
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run(module)
            self.then(module)

        loader.exec_module = exec_module
        return spec
