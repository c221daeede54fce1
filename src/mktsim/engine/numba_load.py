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

import sys
from typing import Any

from numba.core import caching
from numba.core.cpu import CPUContext
from numba.core.runtime import nrt
from numba.np import linalg

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
    `scipy.linalg`; numba's own check from then on."""
    check = getattr(linalg, "ensure_blas", None)
    if check is None or getattr(check, MARK, False) or "numba.np.arraymath" in sys.modules:
        return

    def first_check() -> None:
        linalg.ensure_blas = check  # later checks are numba's own

    setattr(first_check, MARK, True)
    linalg.ensure_blas = first_check
