"""`track --reoptimize`: the cheapest change of the money and levers after the as-of day
that reaches the targets given the actuals, verified on fresh conditioned replications.

- **Candidates continue the conditioned particles.** The conditioning weighs whole paths
  by the actuals, which they meet before the as-of day. A candidate changes nothing
  before it, and a replication's days before it depend only on its seed and on the plan
  up to it, so replication i under any candidate has the same past as under the plan, and
  the same weight. The search resamples `search_reps` particles from the tracking's
  weights once and runs those replications (same seeds: common random numbers) under
  each candidate; a candidate's conditional probability is the share of particles that
  meet the target after the as-of day.
- **The search** is `optimize --mode target`'s (`decision.optimize.cheapest`) over the
  remaining budget (`track.levers.RemainingSpace`), asking the probabilities to clear the
  confidence by a margin of one standard error on the particles' effective number.
- **Verification** tracks the winner on `verify_reps` fresh replications (seed + FRESH):
  run, weighed and resampled as `track` does, with Wilson intervals on their effective
  sample size. A target is reached when the one-sided 95% Wilson lower bound of its
  probability on that effective size reaches its confidence (optimize's confirmation
  rule); while one falls short, the next fresh seeds verify again (6 times at most): on
  twice the replications while the 95% intervals still reach the confidences (the
  conditioning leaves an effective size far below the replications, and with fewer than
  11 effective particles even a probability of 1 has its bound below 0.8), with 10% more
  money once a target falls clearly short, as optimize does. A plan that never reaches the
  bounds is not reported as reaching the targets: the note says the probabilities are
  point estimates.
Targets whose deadline falls before the as-of day are not the rest of the year's to
reach; they are listed and left out.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..decision.optimize import FRESH, OutOfEvaluations, cheapest
from ..decision.outcome import Outcome, _soft_met, worker_pool
from ..history import History
from ..model.measures import horizon_values
from ..model.plan import Plan
from ..scenario.decision import DecisionSection
from ..simulate import run_plan
from ..simulate.sampled import uncertain_plans
from ..simulate.stats import wilson_interval
from ..simulate.strategy_run import LoadedScenario
from ..simulate.targets import Verdict
from .condition import systematic_resample
from .levers import REOPTIMIZED, RemainingSpace, remaining_space
from .plan import tracking_plan
from .run import target_values, track
from .sources import TrackedPlans, tracked_plans
from .tracked import Reoptimization, TargetChange, TrackedYear

Progress = Callable[[int], None]
#: more money per verification retry, and retries at most
MONEY_STEP = 1.1
RETRIES = 6
#: the verification's replications grow to at most this many times the first
VERIFY_GROWTH = 8


@dataclass
class ConditionedEvaluator:
    """Runs candidates on the resampled particles of a tracking (common random numbers)
    and counts the evaluations; the duck type `decision.optimize.cheapest` searches with."""

    scenario: LoadedScenario
    space: RemainingSpace
    actuals: History
    verdicts: list[Verdict]  # the reachable targets, judged under the plan
    indices: np.ndarray  # distinct particle replications, sorted
    expand: np.ndarray  # [M] position in `indices` of each particle
    seed: int
    limit: int
    effective: float  # effective number of the particles
    workers: int = 1
    progress: Progress | None = None
    pool: Executor | None = None
    count: int = 0

    def outcome(self, x: np.ndarray, budget: float) -> Outcome:
        """Conditional outcome of candidate `x` with `budget` after the as-of day."""
        if self.count >= self.limit:
            raise OutOfEvaluations
        self.count += 1
        if self.progress:
            self.progress(1)
        daily = self.daily(self.space.strategy(x, budget))
        return conditional_outcome(daily[self.expand], self.verdicts, self.actuals)

    def daily(self, strategy: dict[str, Any]) -> np.ndarray:
        """Daily KPIs [U, K, D] of the particles' replications under `strategy` after the
        as-of day."""
        cand = with_strategy(self.scenario, strategy)
        plan = tracking_plan(cand.spec, self.space.tracked, self.actuals, REOPTIMIZED)
        source = tracked_plans(uncertain_plans(cand.loaded, self.space.tracked, self.seed),
                               self.actuals, REOPTIMIZED)
        return run_replications(plan, self.seed, self.indices, source, self.workers,
                                self.pool)

    def margin(self, o: Outcome) -> float:
        """Confidence margin asked of the search: one standard error of a probability at
        the required confidence on the particles' effective number (at least 0.03)."""
        c = float(o.confidence.max()) if len(o.confidence) else 0.8
        return max(0.03, math.sqrt(c * (1.0 - c) / max(self.effective, 1.0)))


def one_sided_lower(probability: float, ess: float) -> float:
    """One-sided 95% Wilson lower bound of a weighted probability on the effective
    sample size `ess` (the rule of optimize's confirmation, `decision.confirm`)."""
    from ..decision.confirm import Z_ONE_SIDED

    return wilson_interval(probability * ess, ess, Z_ONE_SIDED)[0]


def with_strategy(scenario: LoadedScenario, strategy: dict[str, Any]) -> LoadedScenario:
    """The scenario with `strategy` added as the strategy `reoptimized`."""
    return scenario.with_values({f"strategies.{REOPTIMIZED}": strategy})


def conditional_outcome(daily: np.ndarray, verdicts: list[Verdict], actuals: History
                        ) -> Outcome:
    """Targets met [T, M] by the particles `daily` [M, K, D], a flow recorded in the
    actuals counting what was recorded (as `track` judges it)."""
    met, soft = [], []
    for v in verdicts:
        values = target_values(daily, v, actuals)
        with np.errstate(invalid="ignore"):
            ok = values >= v.threshold if v.direction == "at_least" else values <= v.threshold
        met.append(ok & np.isfinite(values))
        soft.append(_soft_met(values, v.threshold, v.direction))
    reps = daily.shape[0]
    kpis = {k: horizon_values(daily, k) for k in ("profit", "marketing_spend", "units")}
    return Outcome(kpis, np.array(met, dtype=bool).reshape(len(met), reps),
                   np.array(soft, dtype=float).reshape(len(soft), reps),
                   tuple(v.target.id for v in verdicts),
                   np.array([v.confidence for v in verdicts], dtype=float))


def run_replications(plan: Plan, seed: int, indices: np.ndarray,
                     source: TrackedPlans | None, workers: int = 1,
                     pool: Executor | None = None) -> np.ndarray:
    """Daily KPIs [len(indices), K, D] of replications `indices` (sorted, distinct) of
    `seed`: replication i on child i, whatever the workers."""
    blocks = _blocks(indices)
    groups = [blocks[i::max(1, workers * 4)] for i in range(min(len(blocks),
                                                                max(1, workers * 4)))]
    if pool is None or workers <= 1:
        parts = [_run_blocks(plan, seed, g, source) for g in groups]
    else:
        parts = [f.result() for f in [pool.submit(_run_blocks, plan, seed, g, source)
                                      for g in groups]]
    by_first = {first: part for group, done in zip(groups, parts, strict=True)
                for (first, _), part in zip(group, done, strict=True)}
    return np.concatenate([by_first[first] for first, _ in blocks])


def _blocks(indices: np.ndarray) -> list[tuple[int, int]]:
    """Runs of consecutive indices as (first, count)."""
    out: list[tuple[int, int]] = []
    for i in (int(v) for v in indices):
        if out and out[-1][0] + out[-1][1] == i:
            out[-1] = (out[-1][0], out[-1][1] + 1)
        else:
            out.append((i, 1))
    return out


def _run_blocks(plan: Plan, seed: int, blocks: list[tuple[int, int]],
                source: TrackedPlans | None) -> list[np.ndarray]:
    """The daily KPIs of each block of replications (a worker's task)."""
    return [run_plan(plan, count, seed, source=source, first=first).daily
            for first, count in blocks]


def reoptimize(scenario: LoadedScenario, tracking: TrackedYear, seed: int,
               confidence: float | None = None, evaluations: int | None = None,
               search_reps: int | None = None, verify_reps: int | None = None,
               workers: int = 1, progress: Progress | None = None) -> Reoptimization:
    """The cheapest change after the as-of day of `tracking` (a `Tracking` of `seed`)
    that reaches its targets with `confidence` (default each target's own); see the
    module docstring. Defaults: `decision.evaluations`, `decision.replications` particles
    per candidate, and the tracking's replications for the verification."""
    decision = scenario.spec.decision or DecisionSection()
    if confidence is not None:
        scenario = scenario.with_values({f"targets.{i}.confidence": confidence
                                         for i in range(len(scenario.spec.targets))})
    strategy, actuals = tracking.conditioned.strategy, tracking.actuals
    space = remaining_space(scenario, strategy, actuals)
    cond = tracking.conditioning
    reps = search_reps or decision.replications
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x2E0]))
    particles = systematic_resample(cond.weights, reps, rng)
    indices, expand = np.unique(particles, return_inverse=True)
    verdicts = _with_confidence(tracking, confidence)
    reachable = [v for v in verdicts if v.day >= actuals.days]
    verify = verify_reps or cond.replications
    with worker_pool(workers) as pool:
        ev = ConditionedEvaluator(scenario, space, actuals, reachable, indices, expand, seed,
                                  evaluations or decision.evaluations,
                                  min(float(reps), cond.ess), workers, progress, pool)
        x, budget, reached, notes = cheapest(ev, seed, ev.margin)
        return _verified(ev, tracking, verdicts, x, budget, reached, notes, verify, pool)


def _with_confidence(tracking: TrackedYear, confidence: float | None) -> list[Verdict]:
    out = [t.conditional for t in tracking.targets]
    if confidence is None:
        return out
    return [dataclasses.replace(v, confidence=confidence) for v in out]


def _verified(ev: ConditionedEvaluator, tracking: TrackedYear, verdicts: list[Verdict],
              x: np.ndarray, budget: float, reached: bool, notes: list[str], verify: int,
              pool: Executor | None) -> Reoptimization:
    """Track the winner on fresh seeds; while a target's one-sided 95% lower bound (on
    the verification's effective sample size) stays below its confidence, the next fresh
    seeds verify it again (`RETRIES` times at most): on twice the replications while every
    target's 95% interval still reaches its confidence (up to `VERIFY_GROWTH` times the
    first), with a little more money (`MONEY_STEP`) once one falls clearly short."""
    space = ev.space
    reachable = [v for v in verdicts if v.day >= ev.actuals.days]
    limit = verify * VERIFY_GROWTH
    for retry in range(RETRIES + 1):
        seed = ev.seed + FRESH + retry
        check = track(with_strategy(ev.scenario, space.strategy(x, budget)), space.tracked,
                      ev.actuals, verify, seed, ev.workers, pool=pool, then=REOPTIMIZED,
                      plain=tracking.unconditional)
        after = {t.conditional.target.id: t.conditional for t in check.targets}
        lower = {v.target.id: one_sided_lower(after[v.target.id].probability,
                                              check.conditioning.ess) for v in reachable}
        ok = all(lower[v.target.id] >= v.confidence - 1e-12 for v in reachable)
        if ok or not reached or retry == RETRIES:
            break
        unsure = all(after[v.target.id].interval[1] >= v.confidence for v in reachable)
        if unsure and verify * 2 <= limit:
            verify *= 2  # the bound is out of reach of this effective size: look closer
        elif budget < space.budget_bounds[1]:
            budget = min(budget * MONEY_STEP, space.budget_bounds[1])
        else:
            break
    if reached and not ok:
        reached = False
        notes.append("the plan met every target on the search's particles, but on fresh "
                     "replications a one-sided 95% lower bound stays below its confidence: "
                     "the probabilities shown are point estimates")
    targets = [TargetChange(v.target.id, v.confidence,
                            (tt.conditional.probability, tt.conditional.interval),
                            (after[v.target.id].probability, after[v.target.id].interval)
                            if v.day >= ev.actuals.days else None, v.day >= ev.actuals.days,
                            lower.get(v.target.id))
               for v, tt in zip(verdicts, tracking.targets, strict=True)]
    past = [t.id for t in targets if not t.reachable]
    if past:
        notes.append(f"{', '.join(past)}: deadline before the as-of date, left out")
    plan = check.conditioned.run.plan
    day = space.day
    money = {c: float(plan.spend[i, day:].sum()) for i, c in enumerate(plan.channels)}
    return Reoptimization(space.tracked, space.strategy(x, budget), space,
                          float(sum(money.values())), money, space.hires(x),
                          space.team_cost(x), targets, reached, ev.count, len(ev.expand),
                          len(ev.indices), verify, seed, check.conditioning.ess,
                          check.conditioning.beta, notes, check)
