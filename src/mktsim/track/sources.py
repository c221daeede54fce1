"""Per-replication plans of a tracked year when the scenario has uncertainties: each
replication's sampled plan, made to follow the actuals and then the strategy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..history import History
from ..model.compile import compile_plan
from ..model.plan import Plan
from ..scenario.uncertainty.section import sample_values
from ..simulate.sampled import UncertainPlans
from .plan import follow_then_resume


@dataclass(frozen=True)
class TrackedPlans(UncertainPlans):
    """`UncertainPlans` whose plans follow `actuals` to the as-of day, and `then` (default
    the strategy) after it (plain data)."""

    actuals: History | None = None
    then: str | None = None

    def plans_for(self, first: int, count: int) -> list[tuple[Plan, dict[str, Any]]]:
        """Sampled plans of replications first..first+count-1, following the actuals."""
        if self.actuals is None:
            return super().plans_for(first, count)
        out = []
        for values in sample_values(list(self.params), self.seed, first, count):
            spec = self.scenarios.spec(values)  # as with_values builds it, faster
            after = compile_plan(spec, self.then) if self.then not in (None, self.strategy) \
                else None
            plan = follow_then_resume(compile_plan(spec, self.strategy), self.actuals, after)
            out.append((plan, values))
        return out


def tracked_plans(source: UncertainPlans | None, actuals: History,
                  then: str | None = None) -> TrackedPlans | None:
    """`source` made to follow the actuals (None when the scenario has no uncertainties)."""
    if source is None:
        return None
    return TrackedPlans(source.loaded, source.strategy, source.params, source.seed,
                        source.without, source.without_promotion, actuals=actuals, then=then)
