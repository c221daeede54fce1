"""What tracking finds, as data: the tracked year (the unconditional run, the run
conditioned on the actuals, every target judged both ways) and the re-optimisation of
the rest of the year, each with its typed document (`mktsim.documents.track`) and a tidy
frame. Nothing here runs anything: `track.run` makes a `TrackedYear`,
`track.reoptimize` a `Reoptimization`."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from ..documents.track import (
    ActualsSeries,
    ConditioningSummary,
    ReoptimizeDocument,
    TrackDocument,
    TrackTarget,
)
from ..history import History
from ..simulate.result import RunResult
from ..simulate.targets import Verdict
from .condition import Conditioning
from .levers import RemainingSpace
from .trajectory import Position


@dataclass(frozen=True)
class TargetTrack:
    """One target given the actuals, beside the plan's own verdict."""

    conditional: Verdict  # probability weighted by the actuals, interval on the ESS
    unconditional: Verdict  # the plan's run without actuals
    position: Position  # on track or behind at the as-of day

    def document(self) -> TrackTarget:
        """The tracking fields of the target's entry in the track document."""
        u, pos = self.unconditional, self.position
        return TrackTarget(id=self.conditional.target.id,
                           unconditional={"probability": u.probability,
                                          "interval": list(u.interval), "verdict": u.verdict},
                           status=pos.status, value_at_as_of=_num(pos.value),
                           trajectory_at_as_of=_num(pos.expected), gap=_num(pos.gap),
                           relative_gap=_num(pos.relative_gap))

    def row(self) -> dict[str, object]:
        """Its row of `TrackedYear.frame()`."""
        v, pos = self.conditional, self.position
        return {"id": v.target.id, "metric": v.target.metric, "threshold": v.threshold,
                "direction": v.direction, "probability": v.probability,
                "low": v.interval[0], "high": v.interval[1],
                "unconditional": self.unconditional.probability, "status": pos.status,
                "gap": pos.gap, "relative_gap": pos.relative_gap, "verdict": v.verdict}


@dataclass
class TrackedYear:
    """A plan tracked against actuals (see docs/tracking.md)."""

    actuals: History
    conditioned: RunResult  # the resampled replications (conditional on the actuals)
    unconditional: RunResult  # the plan's plain run
    conditioning: Conditioning
    targets: list[TargetTrack]
    fit_p_value: float  # chi-square test of the actuals under the scenario
    warnings: list[str] = field(default_factory=list)

    @property
    def as_of(self) -> dt.date:
        """The last observed day (the last period's last day)."""
        return self.actuals.ends[-1] - dt.timedelta(days=1)

    @property
    def as_of_day(self) -> int:
        """Days observed (index of the first day after the actuals)."""
        return self.actuals.days

    @property
    def ess(self) -> float:
        """Effective sample size of the conditioning."""
        return self.conditioning.ess

    def document(self, series: bool = True) -> TrackDocument:
        """The typed track document: the conditioned run's (`series`: with the daily
        series), the as-of date, the conditioning, the actuals and each target beside the
        plan's own."""
        c = self.conditioning
        return TrackDocument(
            as_of=self.as_of, as_of_day=self.as_of_day, actuals_source=self.actuals.source,
            periods_observed=self.actuals.n_periods,
            conditioning=ConditioningSummary(c.replications, c.ess, c.beta, c.noise,
                                             self.fit_p_value),
            actuals=actuals_series(self.actuals),
            targets=[t.document() for t in self.targets], warnings=list(self.warnings),
            run=self.conditioned.document(series))

    def to_dict(self, series: bool = True) -> dict[str, object]:
        """The track document as JSON (`track.json`)."""
        return self.document(series).to_dict()

    def frame(self) -> pd.DataFrame:
        """One row per target: conditional and unconditional probability, status, gap."""
        return pd.DataFrame([t.row() for t in self.targets])


def actuals_series(actuals: History) -> ActualsSeries:
    """Each observed KPI: period first dates, last days (day index) and values (None for
    an empty cell)."""
    days = actuals.last_days.tolist()
    return {kpi: {"dates": [d.isoformat() for d in actuals.dates], "last_day": days,
                  "observed": [_num(v) for v in values]}
            for kpi, values in actuals.series.items()}


def _num(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class TargetChange:
    """One target given the actuals: under the plan and under the re-optimised plan."""

    id: str
    confidence: float
    before: tuple[float, tuple[float, float]]  # (probability, interval) under the plan
    after: tuple[float, tuple[float, float]] | None  # verified; None: decided before as-of
    reachable: bool  # the deadline is on or after the as-of day
    #: one-sided 95% Wilson lower bound of the verified probability on the verification's
    #: effective sample size (None: not verified, or built without it)
    lower: float | None = None

    @property
    def met(self) -> bool:
        """The verified one-sided 95% lower bound reaches the confidence (optimize's
        confirmation rule; the point estimate when no bound is known)."""
        if self.after is None:
            return False
        shown = self.after[0] if self.lower is None else self.lower
        return shown >= self.confidence - 1e-12

    @property
    def shortfall(self) -> float:
        """Confidence less the verified lower bound (the probability when no bound is
        known; 0 when met)."""
        if self.after is None:
            return 0.0
        shown = self.after[0] if self.lower is None else self.lower
        return max(0.0, self.confidence - shown)

    def to_dict(self) -> dict[str, object]:
        """Its entry of the re-optimisation's `targets`."""
        return {"id": self.id, "confidence": self.confidence,
                "before": {"probability": self.before[0], "interval": list(self.before[1])},
                "after": None if self.after is None else
                {"probability": self.after[0], "interval": list(self.after[1])},
                "lower": self.lower,
                "met": self.met if self.reachable else None,
                "shortfall": self.shortfall if self.reachable else None}


@dataclass
class Reoptimization:
    """The change of plan after the as-of day, and what fresh replications say of it."""

    strategy: str  # the tracked strategy
    plan: dict[str, object]  # the re-optimised strategy's data (`then`)
    space: RemainingSpace
    remaining: float  # media money after the as-of day, re-optimised
    after: dict[str, float]  # per channel, money after the as-of day
    hires: dict[str, int]  # people hired on the as-of date by team
    hire_cost: float  # their salary to the horizon
    targets: list[TargetChange]
    reached: bool
    evaluations: int
    search_reps: int  # particles of the search
    search_unique: int  # distinct replications among them
    verify_reps: int
    verify_seed: int
    verify_ess: float
    verify_beta: float
    notes: list[str] = field(default_factory=list)
    verified: TrackedYear | None = None  # the verification's tracking

    @property
    def media_change(self) -> float:
        """Re-optimised less planned media money after the as-of day."""
        return self.remaining - self.space.planned_total

    @property
    def cost_of_change(self) -> float:
        """Media money change plus the salaries of the people hired."""
        return self.media_change + self.hire_cost

    @property
    def message(self) -> str:
        """What was found, in one sentence (notes after it)."""
        if self.reached:
            head = ("every target reachable after the as-of date is reached at its "
                    "confidence (its one-sided 95% lower bound on fresh replications)")
        else:
            short = ", ".join(f"{t.id} {t.after[0]:.0%} (one-sided 95% lower bound "
                              f"{t.lower if t.lower is not None else t.after[0]:.0%}) of "
                              f"{t.confidence:.0%}"
                              for t in self.targets if t.reachable and not t.met
                              and t.after is not None)
            head = f"no plan within the bounds reached every target; the best found: {short}"
        return "; ".join([head, *(n for n in self.notes if not n.startswith("no plan"))])

    def frame(self) -> pd.DataFrame:
        """One row per target: probability given the actuals under the plan and under the
        new plan (verified), their intervals, met and shortfall."""
        nan = float("nan")
        return pd.DataFrame([
            {"id": t.id, "confidence": t.confidence, "plan": t.before[0],
             "plan_low": t.before[1][0], "plan_high": t.before[1][1],
             "new": t.after[0] if t.after else nan,
             "new_low": t.after[1][0] if t.after else nan,
             "new_high": t.after[1][1] if t.after else nan,
             "new_lower": nan if t.lower is None else t.lower,
             "reachable": t.reachable, "met": t.met, "shortfall": t.shortfall}
            for t in self.targets])

    def document(self) -> ReoptimizeDocument:
        """The re-optimisation as its document: what changes, its cost, the targets."""
        s = self.space
        channels = [{"channel": c, "spent": s.spent.get(c, 0.0),
                     "before": s.planned.get(c, 0.0), "after": self.after.get(c, 0.0),
                     "change": self.after.get(c, 0.0) - s.planned.get(c, 0.0)}
                    for c in self.after
                    if s.planned.get(c, 0.0) > 0 or self.after.get(c, 0.0) > 0]
        headcount = [{"team": t, "before": s.headcount[t], "after": s.headcount[t] + n,
                      "hires": n, "cost": n * s.team_cost_per_day[t] * s.days_left}
                     for t, n in self.hires.items()]
        return ReoptimizeDocument(
            strategy=self.strategy, first_day=s.hire_date.isoformat(), reached=self.reached,
            message=self.message,
            remaining={"spent": s.spent_total, "before": s.planned_total,
                       "after": self.remaining},
            channels=channels, headcount=headcount,
            cost_of_change={"media": self.media_change, "people": self.hire_cost,
                            "total": self.cost_of_change},
            targets=[t.to_dict() for t in self.targets], plan=self.plan,
            search={"evaluations": self.evaluations, "particles": self.search_reps,
                    "distinct": self.search_unique},
            verified={"replications": self.verify_reps, "seed": self.verify_seed,
                      "ess": self.verify_ess, "beta": self.verify_beta})
