"""SMART target verdicts: the probability of meeting each target, with a Wilson interval."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model.measures import Cell, deadline_day, threshold_of, value_at, value_cell
from ..model.plan import Plan
from ..scenario.lint import DEFAULT_CONFIDENCE
from ..scenario.model import ScenarioSpec
from ..scenario.targets import Target
from .stats import summarize, wilson_interval


@dataclass(frozen=True)
class Verdict:
    """How likely a target is met under one strategy."""

    target: Target
    threshold: float
    direction: str
    day: int
    probability: float
    interval: tuple[float, float]
    confidence: float
    value: dict[str, float]
    met_each: np.ndarray  # [R] bool

    @property
    def met(self) -> bool:
        """The probability reaches the required confidence."""
        return self.probability >= self.confidence

    @property
    def verdict(self) -> str:
        """met / not met, or uncertain when the interval straddles the confidence."""
        low, high = self.interval
        if low < self.confidence <= high or low <= self.confidence < high:
            return "uncertain (met)" if self.met else "uncertain (not met)"
        return "met" if self.met else "not met"


def judge(target: Target, spec: ScenarioSpec, plan: Plan, daily: np.ndarray) -> Verdict:
    """Evaluate one target over the replications of a run."""
    threshold, direction = threshold_of(target, plan)
    day = deadline_day(target, spec)
    values = value_at(daily, target.metric, day, target.over_days)
    with np.errstate(invalid="ignore"):
        met = values >= threshold if direction == "at_least" else values <= threshold
    met = met & np.isfinite(values)
    n = len(values)
    confidence = target.confidence if target.confidence is not None else DEFAULT_CONFIDENCE
    return Verdict(target, threshold, direction, day, float(met.mean()) if n else 0.0,
                   wilson_interval(int(met.sum()), n), confidence, summarize(values), met)


def judge_all(spec: ScenarioSpec, plan: Plan, daily: np.ndarray) -> list[Verdict]:
    """Verdicts of every target of the scenario."""
    return [judge(t, spec, plan, daily) for t in spec.targets]


def target_cells(spec: ScenarioSpec) -> set[Cell]:
    """The cells of the daily record (`model.measures.Readings`) `judge_all` reads."""
    return {value_cell(t.metric, deadline_day(t, spec), t.over_days) for t in spec.targets}
