"""Incremental channel contribution: what the plan loses without a channel.

For each channel with planned money, the first `n` replications of the base run are run
again with that channel's media money removed and everything else unchanged: the same
seeds (common random numbers: replication i uses child i of the run's seed, and the same
sampled uncertain values), the same rules, prices and teams. The paired differences
base - counterfactual over the horizon are the channel's incremental units, revenue and
gross margin; they count what last-touch attribution cannot: awareness built for
purchases through other channels, word of mouth and repeat purchases.

- incremental ROI = (incremental margin - channel spend) / channel spend, where the
  channel's spend is its media plus the commissions on its sales in the base run;
- incremental CAC = channel spend / incremental new customers.

Both are ratios of means over the paired replications, with 95% delta-method intervals;
units, revenue and margin have 95% t intervals of the paired mean. Costs: one set of `n`
replications per channel with money (`default_replications`: all the base run's, at most
100; CRN keeps the paired differences tight). See docs/model.md, "Incremental ROI".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine.layout import CH_SPEND
from ..engine.montecarlo import EngineKind
from ..kpis import KPI_INDEX
from .result import RunResult
from .stats import Z95, mean_interval
from .strategy_run import LoadedScenario, run_strategy

#: the measures of `channels[].incremental`, in document order
INCREMENTAL_MEASURES = ("units", "revenue", "margin", "roi", "cac")
MAX_REPLICATIONS = 100
_FLOWS = {"units": "units", "revenue": "revenue", "margin": "gross_margin",
          "new_customers": "new_customers"}

Estimate = dict[str, Any]  # {"mean": x, "interval": [lo, hi]}


def default_replications(base_replications: int) -> int:
    """Replications of each counterfactual run: the base run's, at most 100."""
    return max(1, min(base_replications, MAX_REPLICATIONS))


@dataclass(frozen=True)
class Contribution:
    """A channel's paired differences (base - without it) per replication, and its spend."""

    channel: str
    units: np.ndarray
    revenue: np.ndarray
    margin: np.ndarray
    new_customers: np.ndarray
    spend: np.ndarray

    def estimates(self) -> dict[str, Estimate]:
        """`{units, revenue, margin, roi, cac}`, each `{mean, interval}`."""
        out = {k: _mean(getattr(self, k)) for k in ("units", "revenue", "margin")}
        roi = _ratio(self.margin, self.spend)
        out["roi"] = {"mean": roi["mean"] - 1.0,
                      "interval": [v - 1.0 for v in roi["interval"]]}
        out["cac"] = _ratio(self.spend, self.new_customers, positive=True)
        return out


def contributions(scenario: LoadedScenario, base: RunResult, replications: int | None = None,
                  workers: int = 1, pool: Executor | None = None,
                  progress: Callable[[int], None] | None = None,
                  engine: EngineKind | str = EngineKind.COUNTS) -> dict[str, Contribution]:
    """Each channel with planned money of `base`'s strategy against the same replications
    without it (see the module docstring); `replications` default
    `default_replications(base)`."""
    plan = base.run.plan
    n = min(replications or default_replications(base.run.replications), base.run.replications)
    out: dict[str, Contribution] = {}
    for c, name in enumerate(plan.channels):
        if not plan.spend[c].sum() > 0:
            continue
        without = run_strategy(scenario, plan.strategy, n, base.run.seed, workers, progress,
                               pool, plan, engine, without=(c,))
        diff = {field: _paired(base, without, kpi, n) for field, kpi in _FLOWS.items()}
        out[name] = Contribution(name, diff["units"], diff["revenue"], diff["margin"],
                                 diff["new_customers"], base.run.channels[:n, c, CH_SPEND])
    return out


def incremental(scenario: LoadedScenario, base: RunResult, replications: int | None = None,
                workers: int = 1, pool: Executor | None = None,
                progress: Callable[[int], None] | None = None,
                engine: EngineKind | str = EngineKind.COUNTS) -> dict[str, dict[str, Estimate]]:
    """`{channel: {units, revenue, margin, roi, cac}}` estimates (see `contributions`)."""
    found = contributions(scenario, base, replications, workers, pool, progress, engine)
    return {name: c.estimates() for name, c in found.items()}


def _paired(base: RunResult, without: RunResult, kpi: str, n: int) -> np.ndarray:
    k = KPI_INDEX[kpi]
    return np.asarray(base.run.daily[:n, k, :].sum(axis=1)
                      - without.run.daily[:n, k, :].sum(axis=1), dtype=float)


def _mean(values: np.ndarray) -> Estimate:
    mean, lo, hi = mean_interval(values)
    return {"mean": mean, "interval": [lo, hi]}


def _ratio(num: np.ndarray, den: np.ndarray, positive: bool = False) -> Estimate:
    """mean(num) / mean(den) with a 95% delta-method interval; NaN when the denominator's
    mean is not positive (`positive`) or zero."""
    a, b = float(np.mean(num)), float(np.mean(den))
    if b == 0 or (positive and b <= 0) or not math.isfinite(a / b):
        return {"mean": math.nan, "interval": [math.nan, math.nan]}
    r = a / b
    n = len(num)
    if n < 2:
        return {"mean": r, "interval": [math.nan, math.nan]}
    half = Z95 * float(np.std(num - r * den, ddof=1)) / (math.sqrt(n) * abs(b))
    return {"mean": r, "interval": [r - half, r + half]}
