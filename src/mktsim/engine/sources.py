"""Where each replication's plan comes from: one fixed plan, or a `PlanSource` that gives
a plan per replication (the simulate layer's sampled plans: the scenario's uncertain
values drawn for that replication). The engine calls it without knowing scenarios."""

from __future__ import annotations

from typing import Any, Protocol

from ..model.plan import Plan


class PlanSource(Protocol):
    """Plans of a run's replications; must pickle (it travels to worker processes)."""

    def plans_for(self, first: int, count: int) -> list[tuple[Plan, dict[str, Any]]]:
        """Plans of replications first..first+count-1 and the values drawn for each
        (one column of the run's `samples` per key)."""
        ...
