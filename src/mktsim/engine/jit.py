"""The decorator of compiled functions that allocate nothing: `no_refcount`.

numba counts references to every array a compiled function receives or slices: an atomic
increment and decrement of the array's counter per argument per call, in a function of
the runtime (NRT) that is never inlined. The population kernel calls small functions
(a binomial variate, a booking, a team's queue) some thousands of times a simulated
day, each with the generator state and a few arrays, so that counting took a quarter of
its time (`benchmarks/bench_kernel_profile.py`, docs/architecture.md, "Kernel cost"), and
in a batch on several threads the counters of the stacked arrays are shared between
threads. A function that allocates no array and returns none can do without: its caller
holds every array it is given for the whole call. `no_refcount` compiles such a function
with numba's `_nrt=False` (the runtime's counting off for that function alone); the
numbers are the same bit for bit.

Only for functions that create no array (no np.zeros, np.empty, copies, fancy indexing),
return no array and keep none: what they receive and slice (views) stays owned by the
caller. `kernel._advance`, which allocates its scratch arrays, stays a plain njit.

Importing this module also defers numba's import-time BLAS check (`defer_blas_check`):
the first compiled function loaded from the cache would otherwise import `scipy.linalg`.
"""

from __future__ import annotations

import sys
from typing import Any

from numba import njit
from numba.np import linalg


def defer_blas_check() -> None:
    """Let numba load its CPU target's registries without importing `scipy.linalg`.

    Loading the first compiled function (from the cache or not) makes numba import its
    implementations of numpy, and `numba.np.arraymath` checks at its import that BLAS is
    there by importing `scipy.linalg.cython_blas`: all of `scipy.linalg` and scipy's
    array-API layer, about 0.2 s of CPU, though no kernel of mktsim calls BLAS (no
    `np.dot`, `@` or `np.linalg`). The check's first call (arraymath's) is answered
    without the import: scipy is a dependency of mktsim, so the check would pass. Numba's
    own check is back in place from then on, so a function compiled with BLAS still
    checks scipy's integer width, and numba binds BLAS functions (importing
    `scipy.linalg.cython_blas`) only when one is called. Does nothing once numba's
    registries are loaded, or if numba's module no longer has the check.
    """
    check = getattr(linalg, "ensure_blas", None)
    if check is None or getattr(check, "deferred", False) or "numba.np.arraymath" in sys.modules:
        return

    def first_check() -> None:
        linalg.ensure_blas = check  # later checks are numba's own

    deferred: Any = first_check
    deferred.deferred = True
    linalg.ensure_blas = deferred


defer_blas_check()

#: njit(cache=True) without reference counting (see the module's docstring).
no_refcount = njit(cache=True, _nrt=False)
