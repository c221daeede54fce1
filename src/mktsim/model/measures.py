"""KPI and target arithmetic shared by the review rules and the decision layer: KPI values
per replication (at the horizon, at a deadline, over a window, on day 0) and the threshold
and deadline of a SMART target."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..kpis import KPI_INDEX, KPIS
from . import plan as P

if TYPE_CHECKING:
    from ..scenario.model import ScenarioSpec
    from ..scenario.targets import Target


def value_at(daily: np.ndarray, metric: str, day: int, over_days: int | None = None) -> np.ndarray:
    """Per-replication value of `metric` on `day` ([R, K, D] daily array).

    Stocks and ratios: the value recorded that day. Flows: the sum over the `over_days`
    days up to `day`, or since the start.
    """
    k = KPI_INDEX[metric]
    if KPIS[metric].kind != "flow":
        return daily[:, k, day]
    first = 0 if over_days is None else max(0, day - over_days + 1)
    return daily[:, k, first: day + 1].sum(axis=1)


def horizon_values(daily: np.ndarray, metric: str) -> np.ndarray:
    """Per-replication value at the horizon: flows summed, others on the last day."""
    return value_at(daily, metric, daily.shape[2] - 1)


def start_value(plan: P.Plan, metric: str) -> float:
    """Value of a stock KPI on day 0, before any simulated day (from the initial state)."""
    s = plan.init_state.sum(axis=0).astype(float)
    known = {
        "brand_awareness": (s[P.AWARE] + s[P.CONSIDERING] + s[P.WAITING] + s[P.CUSTOMER]
                            + s[P.LOYAL] + s[P.CHURNED]) / plan.market_size,
        "consideration": (s[P.CONSIDERING] + s[P.WAITING]) / plan.market_size,
        "customers": s[P.CUSTOMER] + s[P.LOYAL],
        "cumulative_adopters": float(P.initial_adopters(plan).sum()),
        "loyalty_members": s[P.LOYAL],
    }
    if metric not in known:
        raise ValueError(f"'{metric}' has no value on day 0")
    return float(known[metric])


def threshold_of(target: Target, plan: P.Plan) -> tuple[float, str]:
    """(threshold, 'at_least' | 'at_most') of a target."""
    if target.at_least is not None:
        return float(target.at_least), "at_least"
    if target.at_most is not None:
        return float(target.at_most), "at_most"
    change = float(target.change or 0.0)
    base = (start_value(plan, target.metric) if target.baseline == "start"
            else float(target.baseline or 0.0))
    return base * (1.0 + change), ("at_least" if change >= 0 else "at_most")


def deadline_day(target: Target, spec: ScenarioSpec) -> int:
    """Day index of the deadline, clamped to the last simulated day."""
    if target.by is None:
        return spec.horizon_days - 1
    return min(spec.day_of(target.by), spec.horizon_days - 1)
