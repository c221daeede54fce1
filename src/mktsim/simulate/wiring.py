"""The one place a run is put together: a compiled plan, the engine that runs it, the
network of the per-customer engine, the controllers of every replication (by default the
review loop that fires the plan's rules), where the replications run, and where each
replication's plan comes from (one plan, or sampled plans). Decision, calibration, sweeps
and tracking all run their plans through `run_plan`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, replace

from ..engine.controls import Controller
from ..engine.limits import EngineLimit
from ..engine.montecarlo import EngineKind, PendingRun, Run, RunJob, start_run, start_runs
from ..engine.sources import PlanSource
from ..model.measures import Readings
from ..model.plan import Plan
from ..rules.review import ReviewLoop
from ..scenario.errors import Problem, ScenarioError
from ..scenario.network import Network
from .agents import network_shape
from .sampled import UncertainPlans, without_spend

__all__ = ["EngineKind", "PlanRun", "run_plan", "start_plan", "start_plans"]


def run_plan(plan: Plan, replications: int, seed: int, *,
             engine: EngineKind | str = EngineKind.COUNTS, network: Network | None = None,
             controllers: Sequence[Controller] | None = None, workers: int = 1,
             pool: Executor | None = None, progress: Callable[[int], None] | None = None,
             source: PlanSource | None = None, without: tuple[int, ...] = (),
             first: int = 0) -> Run:
    """Replications first..first+replications-1 of `plan` on child i of `seed`.

    `engine`: an `EngineKind` or its name ("counts", the default, or "agents": one entry
    per customer, over the scenario's `network`; ignored by the counts engine).
    `controllers`: run in every replication; default the review loop (`rules.review`).
    `workers`, `pool`, `progress`: where the replications run and who hears of each chunk
    done (`engine.montecarlo.simulate`; never changes the numbers). `source`: the plan of
    each replication (sampled plans, `sampled.uncertain_plans`), instead of `plan`.
    `without`: channels (indices) whose media money is removed from every plan (a
    counterfactual run). Raises ScenarioError for a plan the engine cannot run."""
    return start_plan(plan, replications, seed, engine=engine, network=network,
                      controllers=controllers, workers=workers, pool=pool,
                      progress=progress, source=source, without=without,
                      first=first).result()


@dataclass
class PlanRun:
    """A run begun by `start_plan` (its chunks perhaps still on the pool)."""

    pending: PendingRun

    def result(self) -> Run:
        """The Run, once every chunk is done (ScenarioError for a plan the engine cannot
        run)."""
        with _engine_limits():
            return self.pending.result()


def start_plan(plan: Plan, replications: int, seed: int, *,
               engine: EngineKind | str = EngineKind.COUNTS, network: Network | None = None,
               controllers: Sequence[Controller] | None = None, workers: int = 1,
               pool: Executor | None = None, progress: Callable[[int], None] | None = None,
               source: PlanSource | None = None, without: tuple[int, ...] = (),
               first: int = 0, readings: Readings | None = None) -> PlanRun:
    """`run_plan` begun: with a `pool`, its chunks are submitted and `result()` waits for
    them (`engine.montecarlo.start_run`), so that several plans' runs share the pool.
    `readings`: the run keeps only those cells of its daily record."""
    kind = EngineKind.lookup(engine)
    plan, source = without_spend(plan, without), _without(source, without)
    shape = network_shape(network) if kind == EngineKind.AGENTS else None  # counts: unused
    loops = (ReviewLoop(),) if controllers is None else tuple(controllers)
    with _engine_limits():
        return PlanRun(start_run(plan, replications, seed, workers, progress, source, pool,
                                 engine=kind, network=shape, controllers=loops, first=first,
                                 readings=readings))


def start_plans(plans: Sequence[tuple[Plan, PlanSource | None]], replications: int,
                seed: int, workers: int, pool: Executor,
                progress: Callable[[int], None] | None = None,
                readings: Sequence[Readings | None] | None = None) -> list[PlanRun]:
    """The runs of several plans (each with its source of sampled plans) on the same
    replications of `seed`, with the review loop, begun together on `pool`: each task runs
    a chunk of replications of every plan (`engine.montecarlo.start_runs`). The same
    numbers as `run_plan` of each. `readings`: per plan, the cells of its daily record
    the run keeps (`model.measures.Readings`; None: the whole record)."""
    loops = (ReviewLoop(),)
    kept = [None] * len(plans) if readings is None else list(readings)
    jobs = [RunJob(plan, seed, source, loops, keep)
            for (plan, source), keep in zip(plans, kept, strict=True)]
    with _engine_limits():
        return [PlanRun(p) for p in start_runs(jobs, replications, workers, pool, progress)]


@contextmanager
def _engine_limits() -> Iterator[None]:
    """A refusal of the engine (`EngineLimit`) as the ScenarioError that names it."""
    try:
        yield
    except EngineLimit as exc:
        raise ScenarioError([Problem("scenario", None, where, message, hint)
                             for where, message, hint in exc.limits]) from None


def _without(source: PlanSource | None, channels: tuple[int, ...]) -> PlanSource | None:
    """`source` whose sampled plans lack the media money of `channels`."""
    if not channels or source is None:
        return source
    if not isinstance(source, UncertainPlans):
        raise TypeError(f"cannot remove channels from the plans of {type(source).__name__}")
    return replace(source, without=channels)
