"""Per-replication plans of a tracked year when the scenario has uncertainties: each
replication's sampled plan, made to follow the actuals and then the strategy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..engine.sources import UncertainPlans
from ..history import History
from ..model.plan import Plan
from .plan import follow_then_resume


@dataclass(frozen=True)
class TrackedPlans(UncertainPlans):
    """`UncertainPlans` whose plans follow `actuals` to the as-of day (plain data)."""

    actuals: History | None = None

    def plans_for(self, first: int, count: int) -> list[tuple[Plan, dict[str, Any]]]:
        """Sampled plans of replications first..first+count-1, following the actuals."""
        plans = super().plans_for(first, count)
        if self.actuals is None:
            return plans
        return [(follow_then_resume(p, self.actuals), v) for p, v in plans]


def tracked_plans(source: UncertainPlans | None, actuals: History) -> TrackedPlans | None:
    """`source` made to follow the actuals (None when the scenario has no uncertainties)."""
    if source is None:
        return None
    return TrackedPlans(source.loaded, source.strategy, source.params, source.seed, actuals)
