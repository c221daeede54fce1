"""Synthetic histories simulated by mktsim itself from known parameter values."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

from mktsim.engine.montecarlo import simulate
from mktsim.history import History, history_plan, period_values
from mktsim.history.periods import PeriodKind, next_start
from mktsim.scenario.load import LoadedSpec, with_values


def blank_history(start: dt.date, periods: int, kind: PeriodKind,
                  spend: dict[str, np.ndarray] | None = None) -> History:
    """A History with no observations, to simulate its window."""
    dates = [start]
    for _ in range(periods - 1):
        dates.append(next_start(kind, dates[-1]))
    ends = tuple(next_start(kind, d) for d in dates)
    return History("synthetic", kind, tuple(dates), ends, {}, spend=spend or {})


def simulate_history(loaded: LoadedSpec, values: dict[str, float], kpis: list[str],
                     start: dt.date, periods: int, kind: PeriodKind, seed: int,
                     spend: dict[str, np.ndarray] | None = None,
                     replications: int = 1) -> dict[str, np.ndarray]:
    """Observed series of one replication (or the mean of several) at `values`."""
    blank = blank_history(start, periods, kind, spend)
    shaped = History(blank.source, kind, blank.dates, blank.ends,
                     {k: np.zeros(periods) for k in kpis}, spend=blank.spend)
    spec = with_values(loaded, values).spec
    plan = history_plan(spec, next(iter(spec.strategies)), shaped)
    run = simulate(plan, replications, seed)
    return {k: v.mean(axis=0) for k, v in period_values(run.daily, shaped).items()}


def write_history(path: Path, dates: tuple[dt.date, ...], columns: dict[str, np.ndarray]
                  ) -> Path:
    """Write a history CSV (NaN as an empty cell)."""
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["date", *columns])
        for i, d in enumerate(dates):
            w.writerow([d.isoformat(), *("" if not np.isfinite(v[i]) else repr(float(v[i]))
                                         for v in columns.values())])
    return path
