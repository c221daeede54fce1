"""Many replications of one plan, in this process or on a pool of worker processes.

Replication i always uses child i of the run's SeedSequence, so the numbers do not depend
on the number of workers or on the order in which chunks finish.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..model.plan import Plan
from ..scenario.network import Network
from .controls import Controller
from .replication import Replication
from .rng import replication_seeds
from .sources import UncertainPlans
from .workers import local_pool

Progress = Callable[[int], None]


@dataclass
class Run:
    """Arrays of one plan's replications: daily [R, K, D], channels [R, C, N_CH],
    leaks [R, N_LEAK], final states [R, S, N_STATES]; the uncertain values drawn for each
    replication (`samples`, one column per path) when the scenario has uncertainties."""

    plan: Plan
    seed: int
    daily: np.ndarray
    channels: np.ndarray
    leaks: np.ndarray
    states: np.ndarray
    samples: pd.DataFrame | None = None
    reviews: list[Any] = field(default_factory=list)  # per replication: ReviewLog or None

    @property
    def replications(self) -> int:
        """R."""
        return int(self.daily.shape[0])


def run_chunk(plan: Plan, seed: int, first: int, count: int,
              source: UncertainPlans | None = None, engine: str = "counts",
              network: Network | None = None, controllers: Sequence[Controller] = ()
              ) -> tuple[Any, ...]:
    """Replications first..first+count-1 of `seed`, stacked, with their sampled values."""
    plans = source.plans_for(first, count) if source is not None else [(plan, {})] * count
    results = [_replication(p, child, seed, engine, network, controllers).run()
               for (p, _), child in zip(plans, replication_seeds(seed, count, first), strict=True)]
    samples = [values for _, values in plans] if source is not None else []
    return (np.stack([r.daily for r in results]), np.stack([r.channels for r in results]),
            np.stack([r.leaks for r in results]), np.stack([r.state for r in results]),
            samples, [r.reviews for r in results])


def _replication(plan: Plan, child: np.random.SeedSequence, seed: int, engine: str,
                 network: Network | None, controllers: Sequence[Controller]) -> Replication:
    """The counts engine's replication, or the per-customer engine's."""
    if engine == "counts":
        return Replication(plan, child, controllers)
    if engine != "agents":
        raise ValueError(f"unknown engine {engine!r}: use 'counts' or 'agents'")
    from .agents import AgentReplication
    from .network import social_graph

    graph = social_graph(network, int(plan.init_state.sum()), seed)
    return AgentReplication(plan, child, graph, network.seed_hubs if network else 0,
                            controllers)


def default_workers() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def new_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes (forked on Linux) that end with this process."""
    return local_pool(workers)


def simulate(plan: Plan, replications: int, seed: int, workers: int = 1,
             progress: Progress | None = None, source: UncertainPlans | None = None,
             pool: Executor | None = None, engine: str = "counts",
             network: Network | None = None, controllers: Sequence[Controller] = ()) -> Run:
    """Run `replications` replications of `plan` (or of `source`'s sampled plans).

    `pool`: an executor to reuse (left open) instead of starting one for this call: a
    local process pool or a Dask client's (`engine.workers.open_pool`); `workers` is then
    how many tasks it runs at once, which sizes the chunks but never changes the numbers.
    `engine`: "counts" (default) or "agents" (per customer, over `network` if given).
    `controllers`: run in every replication (the review loop, `rules.review.ReviewLoop`);
    a plan with rules needs one."""
    if engine == "agents":
        from .agents import check_market_size

        check_market_size(plan)
    elif engine != "counts":
        raise ValueError(f"unknown engine {engine!r}: use 'counts' or 'agents'")
    chunk = max(1, min(100, -(-replications // max(1, workers * 4))))
    starts = list(range(0, replications, chunk))
    parts: list[tuple[np.ndarray, ...]] = []
    if pool is None and (workers <= 1 or len(starts) == 1):
        for first in starts:
            parts.append(run_chunk(plan, seed, first, min(chunk, replications - first), source,
                                   engine, network, controllers))
            if progress:
                progress(parts[-1][0].shape[0])
    else:
        with nullcontext(pool) if pool is not None else new_pool(workers) as ex:
            futures = [ex.submit(run_chunk, plan, seed, f, min(chunk, replications - f),
                                 source, engine, network, controllers) for f in starts]
            for fut in futures:
                parts.append(fut.result())
                if progress:
                    progress(parts[-1][0].shape[0])
    daily, channels, leaks, states = (np.concatenate([p[i] for p in parts]) for i in range(4))
    rows = [row for p in parts for row in p[4]]
    return Run(plan, seed, daily, channels, leaks, states,
               samples=pd.DataFrame(rows) if rows else None,
               reviews=[log for p in parts for log in p[5]])
