"""What safety costs: at each of a few budgets, the plan with the best expected KPI and
the plan with the best bad-tail quantile of it (p10 of profit by default), each with both
numbers on fresh replications.

Each point is a fixed-budget `optimize` (same seed, so the plans at one budget are
compared on common random numbers), the two objectives differing only in their
`statistic`; both plans are then measured on their confirmation replications.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..simulate.stats import mean_interval
from ..simulate.strategy_run import LoadedScenario
from .optimize import optimize
from .outcome import tail_statistic, worker_pool

#: the reference budget times these, when no budgets are given
DEFAULT_STEPS = (0.5, 1.0, 1.5)


@dataclass(frozen=True)
class FrontierPoint:
    """One plan of the frontier: its budget, what it maximised, and its KPI's mean (with a
    95% interval) and low quantile on `replications` fresh replications."""

    budget: float
    maximized: str  # "mean" or "quantile"
    kpi: str
    level: float
    mean: float
    mean_interval: tuple[float, float]
    quantile: float
    replications: int
    allocation: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """One row of the frontier document."""
        return {"budget": self.budget, "maximized": self.maximized, "kpi": self.kpi,
                "level": self.level, "mean": self.mean, "mean_interval": list(self.mean_interval),
                "quantile": self.quantile, "replications": self.replications,
                "allocation": self.allocation}


def frontier(scenario: LoadedScenario, budgets: list[float] | None = None,
             kpi: str = "profit", level: float = 0.1, evaluations: int = 40,
             replications: int | None = None, verify_reps: int = 200,
             seed: int | None = None, workers: int = 1,
             pool: Executor | None = None) -> list[FrontierPoint]:
    """Per budget (default: the reference's x 0.5, 1, 1.5), the plan maximising the mean
    of `kpi` and the one maximising its `level` quantile, each measured on `verify_reps`
    fresh replications."""
    from .levers import lever_space

    space = lever_space(scenario.loaded)
    budgets = budgets or [space.budget * s for s in DEFAULT_STEPS]
    out = []
    with worker_pool(workers, pool) as shared:
        for budget in budgets:
            for statistic in ("mean", "quantile"):
                sc = scenario.with_values({"decision.objective": {
                    "maximize": kpi, "statistic": statistic, "level": level}})
                opt = optimize(sc, "fixed", evaluations, replications, seed, budget=budget,
                               verify_reps=verify_reps, workers=workers, pool=shared)
                values = np.asarray(opt.verified.kpis[kpi], dtype=float)
                mean, low, high = mean_interval(values)
                out.append(FrontierPoint(float(budget), statistic, kpi, level, mean,
                                         (low, high), tail_statistic(values, "quantile",
                                                                     level),
                                         int(values.size), dict(opt.strategy["allocation"])))
    return out
