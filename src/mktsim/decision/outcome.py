"""Per-replication outcomes of one strategy, and how the objective scores them.

An `Outcome` holds, for every replication, the KPIs at the horizon and whether each target
was met. Outcomes of strategies run with the same seed are paired replication by
replication (common random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from ..engine.montecarlo import new_pool
from ..kpis import KPI_NAMES
from ..model.measures import Readings, horizon_values, value_at, value_cell
from ..params.normal_cdf import ndtr
from ..scenario.decision import ALL_TARGETS, Objective
from ..scenario.model import ScenarioSpec
from ..simulate.result import RunResult
from ..simulate.spend import SPEND_LINES, spend_cells
from ..simulate.targets import target_cells


@dataclass
class Outcome:
    """KPIs [R] at the horizon, targets met [T, R], and a smooth version of met [T, R]."""

    kpis: dict[str, np.ndarray]
    met: np.ndarray
    soft: np.ndarray
    target_ids: tuple[str, ...]
    confidence: np.ndarray  # [T]
    #: money over the horizon [R] by line of `simulate.spend.SPEND_LINES` (and "total")
    spend: dict[str, np.ndarray] = field(default_factory=dict)
    budget: float | None = None  # the strategy's media budget

    @property
    def replications(self) -> int:
        """R."""
        return len(next(iter(self.kpis.values())))

    @property
    def all_met(self) -> np.ndarray:
        """[R] every target met in that replication."""
        if not len(self.met):
            return np.ones(self.replications, bool)
        return np.asarray(self.met.all(axis=0))

    def probabilities(self) -> np.ndarray:
        """[T] share of replications that meet each target."""
        return self.met.mean(axis=1)

    def extend(self, other: Outcome) -> Outcome:
        """This outcome followed by more replications."""
        return Outcome({k: np.concatenate([v, other.kpis[k]]) for k, v in self.kpis.items()},
                       np.concatenate([self.met, other.met], axis=1),
                       np.concatenate([self.soft, other.soft], axis=1),
                       self.target_ids, self.confidence,
                       {k: np.concatenate([v, other.spend[k]]) for k, v in self.spend.items()},
                       self.budget)


@contextmanager
def worker_pool(workers: int, pool: Executor | None = None) -> Iterator[Executor | None]:
    """One pool of worker processes for many runs (None: run in this process); `pool`, an
    executor opened by the caller (`engine.workers.open_pool`), is used and left open."""
    if pool is not None:
        yield pool
        return
    if workers <= 1:
        yield None
        return
    with new_pool(workers) as pool:
        yield pool


def outcome_of(result: RunResult) -> Outcome:
    """Per-replication outcome of a run."""
    daily = result.run.daily
    kpis = {k: horizon_values(daily, k) for k in KPI_NAMES}
    met, soft = [], []
    for v in result.verdicts:
        values = value_at(daily, v.target.metric, v.day, v.target.over_days)
        met.append(v.met_each)
        soft.append(_soft_met(values, v.threshold, v.direction))
    reps = daily.shape[0]
    lines = result.spend()
    return Outcome(kpis, np.array(met, dtype=bool).reshape(len(met), reps),
                   np.array(soft, dtype=float).reshape(len(soft), reps),
                   tuple(v.target.id for v in result.verdicts),
                   np.array([v.confidence for v in result.verdicts], dtype=float),
                   {k: getattr(lines, k) for k in (*SPEND_LINES, "total")},
                   lines.budget)


def outcome_readings(spec: ScenarioSpec, horizon: int) -> Readings:
    """What `outcome_of` (and the run's target verdicts) read of a run's daily record: each
    KPI at the horizon, each target's value, the spend lines' totals. A run that keeps only
    these (`simulate.strategy_run.start_strategies`) gives the same outcome, bit for bit."""
    cells = {value_cell(k, horizon - 1) for k in KPI_NAMES}
    return Readings(frozenset(cells | target_cells(spec) | spend_cells(horizon)))


def _soft_met(values: np.ndarray, threshold: float, direction: str) -> np.ndarray:
    """A smooth 0-1 score of meeting a threshold: normal CDF of the margin over a scale.

    It moves with the plan even when every replication fails (or passes), which gives the
    search a slope to follow; the scale is 30% of the spread across replications. The
    normal CDF is scipy's `ndtr` bit for bit without importing scipy (about 0.6 s of CPU
    in a process that has not, `params.normal_cdf`).
    """
    finite = values[np.isfinite(values)]
    spread = float(finite.std()) if finite.size > 1 else 0.0
    scale = max(0.3 * spread, 0.005 * abs(threshold), 1e-9)
    margin = (values - threshold) if direction == "at_least" else (threshold - values)
    out = ndtr(np.nan_to_num(margin, nan=-math.inf) / scale)
    return np.asarray(out, dtype=float)


def per_replication(outcome: Outcome, objective: Objective) -> tuple[np.ndarray, np.ndarray]:
    """([R] primary, [R] tie-break): the objective in each replication, larger is better,
    compared lexicographically across strategies for P(best)."""
    then = (np.nan_to_num(np.asarray(outcome.kpis[objective.then], dtype=float), nan=-np.inf)
            if objective.then else np.zeros(outcome.replications))
    if objective.metric == ALL_TARGETS:
        return outcome.all_met.astype(float), then
    value = objective.sign * np.nan_to_num(outcome.kpis[objective.metric], nan=-np.inf)
    if objective.subject_to_targets:
        value = np.where(outcome.all_met, value, -np.inf)
    return np.asarray(value, dtype=float), then


def expected_score(outcome: Outcome, objective: Objective, confirmed: bool = False
                   ) -> tuple[float, float]:
    """(primary, tie-break) of the declared objective, for ranking (larger is better).
    `confirmed`: an objective subject to the targets counts them met only when each
    one-sided 95% lower bound reaches its confidence (`confirmed_all`), not the point
    estimate."""
    then = _mean(outcome.kpis[objective.then]) if objective.then else 0.0
    if objective.metric == ALL_TARGETS:
        return float(outcome.all_met.mean()), then
    primary = risk_value(objective.sign * outcome.kpis[objective.metric], objective)
    met = confirmed_all(outcome) if confirmed else meets_all(outcome)
    if objective.subject_to_targets and not met:
        primary = -math.inf
    return primary, then


def confirmed_all(outcome: Outcome) -> bool:
    """Every target's one-sided 95% Wilson lower bound reaches its confidence (the rule of
    optimize's confirmation, `decision.confirm`)."""
    from .confirm import lower_bound

    n = outcome.replications
    return all(lower_bound(int(outcome.met[t].sum()), n) >= outcome.confidence[t] - 1e-12
               for t in range(len(outcome.target_ids)))


def meets_all(outcome: Outcome, margin: float | np.ndarray = 0.0) -> bool:
    """Every target's probability reaches its confidence (plus `margin`, one for all or
    one per target)."""
    return bool(np.all(outcome.probabilities() >= outcome.confidence + margin))


def shortfall(outcome: Outcome, margin: float | np.ndarray = 0.0) -> float:
    """How far the targets fall short of their confidence plus `margin` (0 when all reach
    it; smooth; negative)."""
    if not len(outcome.met):
        return 0.0
    p = 0.5 * (outcome.met.mean(axis=1) + outcome.soft.mean(axis=1))
    return float(np.minimum(p - outcome.confidence - margin, 0.0).sum())


def search_score(outcome: Outcome, objective: Objective, scale: float) -> float:
    """A smooth score of the objective for the search (larger is better)."""
    then = math.tanh(_mean(outcome.kpis[objective.then]) / scale) if objective.then else 0.0
    if objective.metric == ALL_TARGETS:
        soft_all = float(np.prod(outcome.soft, axis=0).mean()) if len(outcome.soft) else 1.0
        return 0.5 * (soft_all + float(outcome.all_met.mean())) + 1e-3 * then
    value = risk_value(objective.sign * outcome.kpis[objective.metric], objective) / scale
    if objective.subject_to_targets:
        value += 10.0 * shortfall(outcome)
    return value + 1e-3 * then


def risk_value(values: np.ndarray, objective: Objective) -> float:
    """The objective's statistic of signed values [R] (larger is better): the mean, the
    `level` quantile (the bad tail), or the CVaR (the mean of the worst `level` share)."""
    return tail_statistic(values, objective.statistic, objective.level)


def tail_statistic(values: np.ndarray, statistic: str, level: float) -> float:
    """Mean, lower `level` quantile or lower-tail mean (CVaR) of `values` (NaN ignored)."""
    finite = np.sort(values[np.isfinite(values)])
    if not finite.size:
        return -math.inf
    if statistic == "quantile":
        return float(np.quantile(finite, level))
    if statistic == "cvar":
        return float(finite[: max(1, math.ceil(level * finite.size))].mean())
    return float(finite.mean())


def _mean(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else -math.inf
