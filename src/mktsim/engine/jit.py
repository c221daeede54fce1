"""The decorators of compiled functions that allocate nothing: `no_refcount`, `inlined`.

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
caller. `kernel._advance`, which allocates its scratch arrays, stays a plain njit and
hands them to `kernel._days`, which runs the days without reference counting.

A call itself costs too: a compiled function receives each array as its pointers, shape
and strides, so a helper with a dozen arrays pushes some hundred values per call (about
50 ns for a team's queue with nothing in it). `inlined` has numba copy the function's
body into each compiled caller (inline="always"); the population kernel's day helpers use
it, so that `kernel._days` calls only the samplers. Use it from callers without reference
counting (`no_refcount`): copied into a plain njit caller, the body's arrays would be
counted again. A helper the per-customer kernel shares stays a `no_refcount` call there,
wrapping the inlined body (`kernel._book` of `kernel._add_sale`, for instance).

The engine's kernel modules import this one before their first kernel loads, so importing
it also sets how numba loads kernels from its cache (`numba_load`: without its target
registries or scipy.linalg).
"""

from __future__ import annotations

from numba import njit

from .numba_load import install_fast_loading

#: njit(cache=True) without reference counting (see the module's docstring).
no_refcount = njit(cache=True, _nrt=False)

#: `no_refcount`, and numba copies the function's body into each compiled caller instead of
#: calling it (see the module's docstring). numba checks only the caller's file before it
#: reuses a cached kernel, so each caller carries a key of what it compiles with (`# numba
#: cache key:`), which tests/test_numba_cache_keys.py checks: a change to a helper fails it
#: until the callers' keys are updated, which rebuilds their caches.
inlined = njit(cache=True, _nrt=False, inline="always")

# numba loads the cached kernels without its target registries or scipy.linalg
install_fast_loading()
