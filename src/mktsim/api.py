"""The public API: load a scenario, run its strategies, read tidy DataFrames.

>>> import mktsim
>>> scenario = mktsim.load("scenarios/smart_band.yaml")
>>> result = scenario.run(strategy="digital_first", replications=200)
>>> result.targets()
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .decision.targets import judge_all
from .engine.montecarlo import simulate
from .engine.sources import uncertain_plans
from .model.compile import compile_plan
from .model.plan import Plan
from .results import RunResult
from .rules.review import ReviewLoop
from .scenario.errors import Problem, ScenarioError
from .scenario.load import LoadedSpec, load_spec
from .scenario.model import ScenarioSpec
from .scenario.suggest import did_you_mean


@dataclass(frozen=True)
class Scenario:
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

    def run(self, strategy: str | None = None, replications: int | None = None,
            seed: int | None = None, workers: int = 1,
            progress: Callable[[int], None] | None = None,
            engine: str = "counts") -> RunResult:
        """Run one strategy `replications` times (defaults from the scenario).

        `engine`: "counts" (segments x states, the default) or "agents" (one entry per
        customer, with the scenario's `market.network`); see docs/model.md."""
        plan = self.plan(strategy)
        reps = replications or self.spec.replications
        seed = self.spec.seed if seed is None else seed
        source = uncertain_plans(self.loaded, plan.strategy, seed)
        if engine == "agents":
            from .engine.agents import AgentEngineWarning, unmodelled

            for problem in unmodelled(self.spec, self.loaded.source):
                warnings.warn(problem.render(), AgentEngineWarning, stacklevel=2)
        run = simulate(plan, reps, seed, workers, progress, source, engine=engine,
                       network=self.spec.market.network, controllers=(ReviewLoop(),))
        return RunResult(self.loaded, run, judge_all(self.spec, plan, run.daily))


def load(path: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Read and validate a scenario file (`overrides` as `dotted.path=value`)."""
    return Scenario(load_spec(path, tuple(overrides)))
