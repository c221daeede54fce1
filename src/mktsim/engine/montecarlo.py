"""Many replications of one plan, in this process or on a pool of worker processes.

Replication i always uses child i of the run's SeedSequence, so the numbers do not depend
on the number of workers or on the order in which chunks finish.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from ..model.plan import Plan
from .replication import Replication
from .rng import replication_seeds

Progress = Callable[[int], None]


@dataclass
class Run:
    """Arrays of one plan's replications: daily [R, K, D], channels [R, C, N_CH],
    leaks [R, N_LEAK], final states [R, S, N_STATES]."""

    plan: Plan
    seed: int
    daily: np.ndarray
    channels: np.ndarray
    leaks: np.ndarray
    states: np.ndarray

    @property
    def replications(self) -> int:
        """R."""
        return int(self.daily.shape[0])


def run_chunk(plan: Plan, seed: int, first: int, count: int) -> tuple[np.ndarray, ...]:
    """Replications first..first+count-1 of `seed`, stacked."""
    results = [Replication(plan, s).run() for s in replication_seeds(seed, count, first)]
    return (np.stack([r.daily for r in results]), np.stack([r.channels for r in results]),
            np.stack([r.leaks for r in results]), np.stack([r.state for r in results]))


def default_workers() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def simulate(plan: Plan, replications: int, seed: int, workers: int = 1,
             progress: Progress | None = None) -> Run:
    """Run `replications` replications of `plan`."""
    chunk = max(1, min(100, -(-replications // max(1, workers * 4))))
    starts = list(range(0, replications, chunk))
    parts: list[tuple[np.ndarray, ...]] = []
    if workers <= 1 or len(starts) == 1:
        for first in starts:
            parts.append(run_chunk(plan, seed, first, min(chunk, replications - first)))
            if progress:
                progress(parts[-1][0].shape[0])
    else:
        ctx = mp.get_context("fork" if sys.platform == "linux" else "spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            futures = [pool.submit(run_chunk, plan, seed, f, min(chunk, replications - f))
                       for f in starts]
            for fut in futures:
                parts.append(fut.result())
                if progress:
                    progress(parts[-1][0].shape[0])
    return Run(plan, seed, *(np.concatenate([p[i] for p in parts]) for i in range(4)))
