"""Tracking the year: the unconditional run of the plan, the conditioned run that follows
the actuals, and every target re-judged given what was observed (a `TrackedYear`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import Executor

import numpy as np
from scipy import stats

from ..engine.montecarlo import Run
from ..history import History, estimate_noise, observed_mask, period_values
from ..kpis import KPI_INDEX, KPIS
from ..model.measures import value_at
from ..model.plan import Plan
from ..scenario.errors import Problem, ScenarioError
from ..scenario.suggest import did_you_mean
from ..simulate import run_plan
from ..simulate.result import RunResult
from ..simulate.sampled import uncertain_plans
from ..simulate.stats import summarize, wilson_interval
from ..simulate.strategy_run import LoadedScenario, run_strategy
from ..simulate.targets import Verdict, judge_all
from .check import as_of_day, check_actuals
from .condition import Conditioning, condition
from .plan import tracking_plan
from .sources import tracked_plans
from .tracked import TargetTrack, TrackedYear
from .trajectory import day0_value, position

# the actuals are improbable under the scenario below this p-value (chi-square test)
IMPROBABLE_P = 0.01


def track(scenario: LoadedScenario, strategy: str | None, actuals: History,
          replications: int | None = None, seed: int | None = None, workers: int = 1,
          progress: Callable[[int], None] | None = None,
          pool: Executor | None = None, beta: float | None = None,
          then: str | None = None, plain: RunResult | None = None) -> TrackedYear:
    """Run the plan of `strategy` unconditionally and conditioned on `actuals`, and judge
    every target both ways. `progress` receives replications done (both runs); `beta`:
    a fixed power of the likelihood (1 = exact) instead of the adaptive tempering;
    `then`: the strategy that takes over after the as-of day (default `strategy`);
    `plain`: the plan's unconditional run, when already run."""
    spec = scenario.spec
    check_actuals(spec, actuals)
    name = scenario.strategy_name(strategy)
    then = check_then(scenario, name, then)
    reps = replications or spec.replications
    seed = spec.seed if seed is None else seed
    if plain is None:
        plain = run_strategy(scenario, name, reps, seed, workers, progress, pool)
    run = conditioned_run(scenario, name, actuals, reps, seed, workers, progress, pool, then)
    cond = condition(actuals, run.daily, seed, money_unit(run.plan), beta)
    resampled = resample_run(run, cond.indices)
    conditioned = RunResult(scenario.loaded, resampled,
                            judge_all(spec, resampled.plan, resampled.daily))
    targets = _targets(run, cond, plain.verdicts, conditioned.verdicts, actuals)
    conditioned.verdicts = [t.conditional for t in targets]
    p_value = fit_p_value(actuals, run.daily)
    return TrackedYear(actuals, conditioned, plain, cond, targets, p_value,
                       _warnings(cond, p_value))


def check_then(scenario: LoadedScenario, strategy: str, then: str | None) -> str | None:
    """`then` checked: a strategy of the scenario whose day-0 prices and headcount are the
    tracked strategy's (what happens before the as-of day is not its to change)."""
    if then is None or then == strategy:
        return None
    if then not in scenario.spec.strategies:
        raise ScenarioError([Problem(scenario.loaded.source, None, "--then",
                                     f"unknown strategy '{then}'",
                                     did_you_mean(then, list(scenario.spec.strategies)))])
    name = then
    base, after = scenario.plan(strategy), scenario.plan(name)
    differs = [what for what, a, b in (("prices", base.product_price, after.product_price),
                                       ("headcount", base.team_headcount,
                                        after.team_headcount))
               if not np.array_equal(a, b)]
    if differs:
        raise ScenarioError([Problem(
            scenario.loaded.source, None, "--then",
            f"strategy '{name}' has other day-0 {' and '.join(differs)} than '{strategy}'",
            "after the as-of date give them as price_changes and hires dated after it")])
    return name


def conditioned_run(scenario: LoadedScenario, strategy: str, actuals: History, reps: int,
                    seed: int, workers: int = 1, progress: Callable[[int], None] | None = None,
                    pool: Executor | None = None, then: str | None = None) -> Run:
    """`reps` replications of the whole horizon following the actuals, then the strategy
    (or `then`) (replication i on child i of `seed`, as in a run)."""
    plan = tracking_plan(scenario.spec, strategy, actuals, then)
    source = tracked_plans(uncertain_plans(scenario.loaded, strategy, seed), actuals, then)
    return run_plan(plan, reps, seed, workers=workers, progress=progress, source=source,
                    pool=pool)


def money_unit(plan: Plan) -> float:
    """Money per unit sold: the products' mean list price."""
    return float(np.mean(plan.product_price)) if len(plan.product_price) else 1.0


def resample_run(run: Run, indices: np.ndarray) -> Run:
    """The run's replications at `indices` (repeats allowed)."""
    samples = run.samples.iloc[indices].reset_index(drop=True) if run.samples is not None \
        else None
    reviews = [run.reviews[i] for i in indices] if run.reviews else []
    return dataclasses.replace(run, daily=run.daily[indices], channels=run.channels[indices],
                               leaks=run.leaks[indices], states=run.states[indices],
                               samples=samples, reviews=reviews, review_tally=None)


def _targets(run: Run, cond: Conditioning, plain: list[Verdict], resampled: list[Verdict],
             actuals: History) -> list[TargetTrack]:
    """Each target's conditional verdict: the importance-weighted probability of the
    original replications, with a Wilson interval on the effective sample size."""
    out = []
    for verdict, plain_v in zip(resampled, plain, strict=True):
        values = target_values(run.daily, verdict, actuals)
        with np.errstate(invalid="ignore"):
            met = values >= verdict.threshold if verdict.direction == "at_least" \
                else values <= verdict.threshold
        met = met & np.isfinite(values)
        p = float(np.clip(np.sum(cond.weights * met), 0.0, 1.0))
        known = verdict.day <= actuals.last_days[-1] and \
            observed_total(actuals, verdict) is not None
        interval = (p, p) if known else wilson_interval(p * cond.ess, cond.ess)
        conditional = dataclasses.replace(
            verdict, probability=p, interval=interval,
            value=summarize(values[cond.indices]), met_each=met[cond.indices])
        start = day0_value(run.plan, verdict.target.metric)
        pos = position(conditional, start, run.daily, cond.weights, as_of_day(actuals),
                       observed_total(actuals, verdict))
        out.append(TargetTrack(conditional, plain_v, pos))
    return out


def target_values(daily: np.ndarray, verdict: Verdict, actuals: History) -> np.ndarray:
    """Per replication, the target's value at its deadline; a flow recorded in every
    period of the actuals counts what was actually recorded up to the as-of day (known,
    not simulated) plus the replication's own days after it."""
    target, day = verdict.target, verdict.day
    simulated = value_at(daily, target.metric, day, target.over_days)
    known = observed_total(actuals, verdict)
    if known is None:
        return simulated
    after = daily[:, KPI_INDEX[target.metric], as_of_day(actuals):day + 1].sum(axis=1)
    return known + after


def observed_total(actuals: History, verdict: Verdict) -> float | None:
    """What the actuals recorded of a flow target's window up to the as-of day (or up to
    its deadline when that falls on a period's end): None when the metric is not a flow
    observed in every period, or its window does not start on day 0."""
    target = verdict.target
    series = actuals.series.get(target.metric)
    if series is None or KPIS[target.metric].kind != "flow" or not np.isfinite(series).all():
        return None
    if target.over_days is not None and verdict.day - target.over_days + 1 > 0:
        return None
    ends = actuals.last_days
    if verdict.day >= ends[-1]:
        return float(series.sum())
    cut = np.flatnonzero(ends == verdict.day)
    return float(series[:cut[0] + 1].sum()) if cut.size else None


def fit_p_value(actuals: History, daily: np.ndarray) -> float:
    """How probable the actuals are under the scenario: a chi-square test of the observed
    cells standardised by the replications' mean and variance plus observation noise."""
    simulated = period_values(daily, actuals)
    mask = observed_mask(actuals, 0)
    mu = {k: v.mean(axis=0) for k, v in simulated.items()}
    var = {k: v.var(axis=0, ddof=1) for k, v in simulated.items()}
    noise = estimate_noise(actuals, mu, var, mask)
    chi2, cells = 0.0, 0
    for kpi, observed in actuals.series.items():
        m = mask[kpi]
        total = noise[kpi].variance(mu[kpi], var[kpi])[m]
        chi2 += float(np.sum((observed[m] - mu[kpi][m]) ** 2 / total))
        cells += int(m.sum())
    return float(stats.chi2.sf(chi2, cells)) if cells else 1.0


def _warnings(cond: Conditioning, p_value: float) -> list[str]:
    out = []
    if cond.beta < 1.0:
        out.append(f"the actuals pin the year down more tightly than {cond.replications} "
                   f"replications can show: the conditioning is tempered (beta = "
                   f"{cond.beta:.3g}, observation noise widened x{cond.beta ** -0.5:.3g}); "
                   "add replications (-n) for a sharper conditional forecast")
    if p_value < IMPROBABLE_P:
        out.append(f"the actuals are improbable under the scenario (p = {p_value:.2g}): "
                   "re-calibrate it to the actuals (mktsim calibrate)")
    return out
