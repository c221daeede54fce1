"""The history window simulated at given parameter values: the expected path as the mean
of R replications on common random numbers (the same seeds at every parameter value, so
the objective is smooth enough for a gradient-based fit).

Common seeds alone leave the objective grainy: the engine draws a binomial with a mean of
30 or more by rejection (BTRS), so when a value moves, a draw may take a different number
of uniforms and every later draw of the replication shifts. The window's plans therefore
draw smoothly (`Plan.smooth_draws`: each such binomial from one uniform, by an
approximate quantile that moves monotonically with p, `engine.variates`); a normal run's
numbers are not touched. docs/calibration.md, "Smooth draws for the fit", measures it."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace

import numpy as np

from ..history import History, history_plan, period_values
from ..params import Parameter
from ..scenario.load import LoadedSpec, with_values
from ..simulate import run_plan
from .priors import values_at

Paths = dict[str, np.ndarray]


@dataclass
class WindowModel:
    """One strategy of a scenario over a history window, as a function of free values."""

    loaded: LoadedSpec
    strategy: str
    history: History
    priors: list[Parameter]
    replications: int
    seed: int
    workers: int = 1
    pool: Executor | None = None
    on_evaluation: Callable[[], None] | None = None
    smooth: bool = True  # smooth binomial draws (the module's docstring)
    evaluations: int = field(default=0, init=False)

    def paths(self, z: np.ndarray, replications: int | None = None,
              seed: int | None = None) -> Paths:
        """Per-replication period values {kpi: [R, n_periods]} at coordinates `z`."""
        values = values_at(self.priors, z)
        spec = with_values(self.loaded, values).spec
        plan = history_plan(spec, self.strategy, self.history)
        if self.smooth:
            plan = replace(plan, smooth_draws=True)
        run = run_plan(plan, replications or self.replications,
                       self.seed if seed is None else seed, workers=self.workers, pool=self.pool)
        self.evaluations += 1
        if self.on_evaluation:
            self.on_evaluation()
        return period_values(run.daily, self.history)

    def expected(self, z: np.ndarray) -> tuple[Paths, Paths]:
        """Mean path and the variance between replications, per series."""
        paths = self.paths(z)
        return ({k: v.mean(axis=0) for k, v in paths.items()},
                {k: v.var(axis=0, ddof=1) for k, v in paths.items()})
