"""On track or behind: a target's value at the as-of day against its linear trajectory
(from the start value on day 0, or from zero for a flow, to the threshold at the
deadline), the same reading as the rules' `on_track`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..kpis import KPI_INDEX, KPIS
from ..model.measures import start_value
from ..model.plan import Plan
from ..simulate.targets import Verdict


@dataclass(frozen=True)
class Position:
    """Where a target stands on the last observed day."""

    status: str  # "on track", "behind" or "not started"
    value: float  # the metric on the last observed day (conditioned mean)
    expected: float  # the trajectory's value that day
    gap: float  # value - expected in the target's direction (> 0: ahead), metric units
    relative_gap: float | None  # gap / |expected|


def position(verdict: Verdict, plan_start: float | None, daily: np.ndarray,
             weights: np.ndarray, as_of: int, known: float | None = None) -> Position:
    """`verdict`'s target at day `as_of - 1` of the replications `daily` [R, K, D]
    weighted by `weights`; `plan_start`: the metric's day-0 value (None: none);
    `known`: the value the actuals recorded, used instead of the replications'."""
    target, deadline, threshold = verdict.target, verdict.day, verdict.threshold
    last = min(as_of - 1, deadline)
    row = daily[:, KPI_INDEX[target.metric]]
    if KPIS[target.metric].kind == "flow":
        first = 0 if target.over_days is None else max(0, deadline - target.over_days + 1)
        values = row[:, first:last + 1].sum(axis=1)
        start = 0.0
    else:
        first, values = 0, row[:, last]
        start = threshold if plan_start is None else plan_start
    value = known if known is not None else weighted_mean(values, weights)
    progress = min(1.0, (last - first + 1) / max(deadline - first + 1, 1))
    expected = start + (threshold - start) * progress
    sign = 1.0 if verdict.direction == "at_least" else -1.0
    gap = sign * (value - expected)
    relative = gap / abs(expected) if expected else None
    if last < first:
        return Position("not started", value, expected, 0.0, None)
    return Position("on track" if gap >= 0 else "behind", value, expected, gap, relative)


def weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    """Sum of weights x values over finite values (weights renormalised)."""
    ok = np.isfinite(values)
    return float(np.sum(weights[ok] * values[ok]) / max(float(weights[ok].sum()), 1e-300))


def day0_value(plan: Plan, metric: str) -> float | None:
    """The metric's value on day 0, or None when it has none (ratios, flows)."""
    try:
        return start_value(plan, metric)
    except ValueError:
        return None
