"""Python's cycle collector paused while replications run.

A run allocates many small objects that live as long as it does (the replications' state,
the review logs); every so many of them Python walks the whole heap to find cycles
(a full collection). With numba's and pandas' modules loaded that heap holds about 100,000
objects, and a full collection takes 0.1-0.3 s: for a plan with review rules, 0.36 ms of
CPU per replication (of about 5 ms) at 1,200 replications on one worker
(docs/architecture.md, *Review logs: added up where they ran, and the collector*). While
a chunk's batches run (`montecarlo.run_batched`, whose replications live until the batch
ends anyway) the collector is therefore off: the cycles they make (a replication and its
review loop) are freed by the next collection after them; it never changes a number.
Replications run one by one (the per-customer engine, competitors that react) keep the
collector on, so that each one's cycles (its population among them) are freed as the run
goes.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def collector_paused(fn: Callable[P, R]) -> Callable[P, R]:
    """`fn`, run with the cycle collector off (on again after, whatever happens, if it
    was on before)."""

    @functools.wraps(fn)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        was_on = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_on:
                gc.enable()

    return paused
