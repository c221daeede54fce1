"""Plain-Python functions that numba also compiles into kernels, without this layer
importing numba.

`validate` and the decision layer run the functions of `normal_quantile` and
`normal_cdf` as plain Python (on floats or numpy arrays) and never load numba; the
engine's derived KPIs (the net promoter score, `model.satisfaction`) compile the same
functions into their kernels: a module with compiled code registers every function in
`JITABLE` with numba (`numba.extending.register_jitable`), so that its compiled functions
can call them, and the numbers come from one source. numba rebuilds a cached
kernel only when the kernel's own file changes: a module that compiles these in carries a
key of their sources (`# numba cache key:`, tests/test_numba_cache_keys.py, which counts a
module with `@jitable` functions as compiled code).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

#: The functions marked `@jitable`, in the order their modules were imported.
JITABLE: list[Callable[..., Any]] = []


def jitable(function: F) -> F:
    """Mark `function` (plain Python, using only what numba compiles: floats, tuples of
    floats, `math`, other `@jitable` functions) to be compiled into kernels; it is
    returned unchanged."""
    JITABLE.append(function)
    return function
