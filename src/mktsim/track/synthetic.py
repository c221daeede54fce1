"""Actuals simulated by mktsim itself: one replication of a strategy's plan read the way
a history file reads a year (the example file, the tests and the benchmark use it)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

from ..history import History, period_values
from ..history.periods import PeriodKind, next_start
from ..kpis import KPIS
from ..simulate import run_plan
from ..simulate.sampled import uncertain_plans
from ..simulate.strategy_run import LoadedScenario

SURVEY = "brand_awareness"


def period_frame(start: dt.date, periods: int, kind: PeriodKind,
                 kpis: tuple[str, ...] = ()) -> History:
    """An empty History of `periods` rows of `kind` from `start` (NaN cells)."""
    dates = [start]
    for _ in range(periods - 1):
        dates.append(next_start(kind, dates[-1]))
    ends = tuple(next_start(kind, d) for d in dates)
    return History("synthetic", kind, tuple(dates), ends,
                   {k: np.full(periods, np.nan) for k in kpis})


def simulated_actuals(scenario: LoadedScenario, strategy: str, periods: int,
                      kind: PeriodKind, kpis: tuple[str, ...], spend: tuple[str, ...],
                      seed: int, survey_n: int = 500, survey_every: int = 4,
                      replication: int = 0) -> History:
    """One replication (`replication` of `seed`) of the strategy's plan over its first
    `periods` periods: flows and levels as observed, `brand_awareness` as a survey of
    `survey_n` people every `survey_every` periods, and each channel in `spend` with the
    money the plan spent in the period."""
    frame = period_frame(scenario.spec.start_date, periods, kind, kpis)
    plan = scenario.plan(strategy)
    source = uncertain_plans(scenario.loaded, plan.strategy, seed)
    run = run_plan(plan, replication + 1, seed, source=source)
    one = run.daily[replication:replication + 1]
    values = {k: v[0] for k, v in period_values(one, frame).items()}
    rng = np.random.default_rng(np.random.SeedSequence([seed, replication, 0x5E7]))
    sizes = {}
    if SURVEY in values:
        asked = np.arange(periods) % survey_every == 0
        share = rng.binomial(survey_n, np.clip(values[SURVEY], 0, 1)) / survey_n
        values[SURVEY] = np.where(asked, share, np.nan)
        sizes[SURVEY] = np.where(asked, float(survey_n), np.nan)
    for k, v in values.items():
        if KPIS[k].unit != "share":
            values[k] = np.round(v, 2 if KPIS[k].unit == "money" else 0)
    first, last = frame.first_days, frame.last_days
    money = {c: np.array([plan.spend[plan.channels.index(c), a:b + 1].sum()
                          for a, b in zip(first, last, strict=True)]).round(2)
             for c in spend}
    return History("synthetic", kind, frame.dates, frame.ends, values, sizes, money)


def write_actuals(path: Path, actuals: History) -> Path:
    """Write `actuals` as a history CSV (an empty cell for a missing value)."""
    columns: dict[str, np.ndarray] = {}
    for k, v in actuals.series.items():
        columns[k] = v
        if k in actuals.sample_sizes:
            columns[f"{k}_n"] = actuals.sample_sizes[k]
    columns.update({f"spend.{c}": v for c, v in actuals.spend.items()})
    columns.update({f"price.{p}": v for p, v in actuals.price.items()})
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["date", *columns])
        for i, d in enumerate(actuals.dates):
            w.writerow([d.isoformat(), *(_cell(v[i]) for v in columns.values())])
    return path


def _cell(value: float) -> str:
    if not np.isfinite(value):
        return ""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.6g}"
