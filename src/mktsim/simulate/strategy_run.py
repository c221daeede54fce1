"""The run of one strategy: the one implementation behind `Scenario.run`, `compare`,
`optimize`, `explain`, sweeps and tracking.

`LoadedScenario` is a validated scenario with what its clients need of it (strategies,
compiled plans); `mktsim.api.Scenario` extends it with the public methods.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from ..engine.montecarlo import EngineKind
from ..model.compile import compile_plan
from ..model.measures import Readings
from ..model.plan import Plan
from ..scenario.errors import Problem, ScenarioError
from ..scenario.load import LoadedSpec, with_values
from ..scenario.model import ScenarioSpec
from ..scenario.suggest import did_you_mean
from .agents import AgentEngineWarning, unmodelled
from .result import RunResult
from .sampled import uncertain_plans
from .targets import judge_all
from .wiring import PlanRun, start_plan, start_plans

ENGINES = tuple(kind.value for kind in EngineKind)
S = TypeVar("S", bound="LoadedScenario")


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario file, ready to run."""

    loaded: LoadedSpec

    @property
    def spec(self) -> ScenarioSpec:
        """The typed scenario."""
        return self.loaded.spec

    @property
    def strategies(self) -> list[str]:
        """Names of the strategies, in file order."""
        return list(self.spec.strategies)

    def strategy_name(self, strategy: str | None) -> str:
        """The given strategy, checked, or the first one."""
        if strategy is None:
            return self.strategies[0]
        if strategy not in self.spec.strategies:
            raise ScenarioError([Problem(self.loaded.source, None, "--strategy",
                                         f"unknown strategy '{strategy}'",
                                         did_you_mean(strategy, self.strategies))])
        return strategy

    def plan(self, strategy: str | None = None) -> Plan:
        """The compiled arrays of a strategy."""
        return compile_plan(self.spec, self.strategy_name(strategy))

    def with_values(self: S, values: dict[str, Any]) -> S:
        """The same kind of scenario with dotted-path values replaced (checked again)."""
        return replace(self, loaded=with_values(self.loaded, values))


def run_strategy(scenario: LoadedScenario, strategy: str | None, replications: int | None,
                 seed: int | None, workers: int = 1,
                 progress: Callable[[int], None] | None = None, pool: Executor | None = None,
                 plan: Plan | None = None, engine: EngineKind | str = EngineKind.COUNTS,
                 without: tuple[int, ...] = (), readings: Readings | None = None
                 ) -> RunResult:
    """Run one strategy `replications` times (defaults from the scenario) and judge its
    targets; `pool` reuses worker processes, `plan` a plan compiled once (same numbers).

    `engine`: "counts" (segments x states, the default) or "agents" (one entry per
    customer, with the scenario's `market.network`); see docs/model.md. `without`:
    channels (indices) whose media money is removed (a counterfactual run). `readings`:
    the run keeps only those cells of its daily record (`model.measures.Readings`; the
    verdicts need the targets', `simulate.targets.target_cells`)."""
    return start_strategy(scenario, strategy, replications, seed, workers, progress, pool,
                          plan, engine, without, readings).result()


@dataclass(frozen=True)
class StrategyRun:
    """A strategy's run begun by `start_strategy` (its chunks perhaps still on the pool)."""

    scenario: LoadedScenario
    pending: PlanRun

    def result(self) -> RunResult:
        """The run, once every chunk is done, with its targets judged."""
        run = self.pending.result()
        return RunResult(self.scenario.loaded, run,
                         judge_all(self.scenario.spec, run.plan, run.daily))


def start_strategy(scenario: LoadedScenario, strategy: str | None, replications: int | None,
                   seed: int | None, workers: int = 1,
                   progress: Callable[[int], None] | None = None,
                   pool: Executor | None = None, plan: Plan | None = None,
                   engine: EngineKind | str = EngineKind.COUNTS,
                   without: tuple[int, ...] = (), readings: Readings | None = None
                   ) -> StrategyRun:
    """`run_strategy` begun: with a `pool` its chunks are submitted and `result()` waits
    for them, so that the runs of several strategies are on the pool at once (`compare`);
    without one the replications run now. The same numbers as `run_strategy`."""
    plan = plan if plan is not None else scenario.plan(strategy)
    reps = replications or scenario.spec.replications
    seed = scenario.spec.seed if seed is None else seed
    kind = EngineKind.lookup(engine)
    if kind == EngineKind.AGENTS:
        for problem in unmodelled(scenario.spec, scenario.loaded.source):
            warnings.warn(problem.render(), AgentEngineWarning, stacklevel=4)
    return StrategyRun(scenario, start_plan(
        plan, reps, seed, engine=kind, network=scenario.spec.market.network,
        workers=workers, pool=pool, progress=progress, without=without,
        source=uncertain_plans(scenario.loaded, plan.strategy, seed), readings=readings))


def start_strategies(scenario: LoadedScenario, plans: Sequence[Plan], replications: int,
                     seed: int, workers: int, pool: Executor,
                     progress: Callable[[int], None] | None = None,
                     readings: Sequence[Readings | None] | None = None) -> list[StrategyRun]:
    """The runs of several strategies' `plans` (counts engine, the same replications of
    `seed`: common random numbers), begun together on `pool`, each task a chunk of
    replications of every strategy (`simulate.wiring.start_plans`): a replication's drawn
    scenario is built once for all of them. The same numbers as `run_strategy` of each.
    `readings`: per plan, the cells of the daily record its run keeps (None: all; the
    verdicts need the targets' cells, `simulate.targets.target_cells`)."""
    jobs = [(plan, uncertain_plans(scenario.loaded, plan.strategy, seed)) for plan in plans]
    return [StrategyRun(scenario, run) for run in
            start_plans(jobs, replications, seed, workers, pool, progress, readings)]
