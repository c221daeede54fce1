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
caller. `kernel._advance`, which allocates its scratch arrays, stays a plain njit.
"""

from __future__ import annotations

from numba import njit

#: njit(cache=True) without reference counting (see the module's docstring).
no_refcount = njit(cache=True, _nrt=False)

#: `no_refcount`, and numba copies the function's body into each caller (inline="always")
#: instead of calling it: for a small function on a hot path called from one or two
#: places (the binomial sampler's dispatch and its inversion), where the call itself (the
#: generator state passed as an array's seven fields, registers saved and restored) is a
#: sizeable part of the work. After a change to it, delete the callers' numba caches too.
inlined = njit(cache=True, _nrt=False, inline="always")
