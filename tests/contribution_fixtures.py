"""A small two-channel market and weekly histories simulated from it, for the
contributions of `mktsim calibrate`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

import mktsim
from history_fixtures import blank_history, simulate_history, write_history
from mktsim.history import History
from mktsim.history.periods import PeriodKind

START = dt.date(2026, 1, 5)
TWO_CHANNELS = """\
name: Two channels
horizon_days: 364
start_date: 2026-01-05
currency: CNY
seed: 7
replications: 20
market:
  size: 2_000_000
  word_of_mouth: {innovation: 0.01, imitation: 0.2, source: customers}
  awareness_decay_per_year: 0.35
  seasonality:
    by_month: [1.1, 0.8, 0.9, 0.9, 1.0, 1.3, 0.9, 0.9, 1.0, 1.0, 1.4, 1.1]
  segments:
    everyone:
      share: 1.0
      initial_awareness: 0.2
      initial_consideration: 0.02
      initial_customers: 0.01
      consideration_per_year: 0.3
      purchase_per_year: 0.4
      repurchase_per_year: 0.05
      churn_per_year: 0.2
products:
  band:
    price: 249
    unit_cost: 199
channels:
  social:
    type: online
    cost: {model: cpm, cpm: 45}
    awareness: {per_year: 0.3, half_saturation: 0.05}
    conversion: {lift: 0.4, half_saturation: 0.08}
    adstock: {retention_per_week: 0.3}
  kol:
    type: online
    cost: {model: cpm, cpm: 50}
    awareness: {per_year: 0.2, half_saturation: 0.04}
    conversion: {lift: 0.8, half_saturation: 0.05}
    adstock: {retention_per_week: 0.4}
strategies:
  actual:
    budget: 3_000_000
    allocation: {social: 0.6, kol: 0.4}
objectives:
  sell: Sell bands.
targets:
  - id: units
    metric: units
    at_least: 10_000
    by: 2026-12-31
    level: short
    confidence: 0.8
    serves: sell
"""


def two_channels(folder: Path, flat_season: bool = False) -> Path:
    """Write the two-channel scenario (`flat_season`: every month's multiplier 1)."""
    text = TWO_CHANNELS
    if flat_season:
        text = text.replace("[1.1, 0.8, 0.9, 0.9, 1.0, 1.3, 0.9, 0.9, 1.0, 1.0, 1.4, 1.1]",
                            "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]")
    path = folder / "two_channels.yaml"
    path.write_text(text)
    return path


def weekly_spend(weeks: int, seed: int = 5, kol: bool = True) -> dict[str, np.ndarray]:
    """Money per week and channel, varied week to week (kol=False: kol spends nothing)."""
    rng = np.random.default_rng(seed)
    social = rng.uniform(20_000, 90_000, weeks).round(-2)
    kol_spend = rng.uniform(10_000, 70_000, weeks).round(-2) if kol else np.zeros(weeks)
    return {"social": social, "kol": kol_spend}


def shaped_history(weeks: int, spend: dict[str, np.ndarray],
                   kpis: tuple[str, ...] = ("revenue", "units")) -> History:
    """A History of `weeks` weeks that lived with `spend` and observes `kpis` (zeros:
    its window is simulated, its values are not used)."""
    blank = blank_history(START, weeks, PeriodKind.WEEK, spend)
    return History("synthetic", PeriodKind.WEEK, blank.dates, blank.ends,
                   {k: np.zeros(weeks) for k in kpis}, spend=blank.spend)


def write_simulated_history(scenario: Path, path: Path, weeks: int,
                            values: dict[str, float] | None = None, seed: int = 3) -> Path:
    """One replication of the scenario at `values` over `weeks` weeks, as a history CSV."""
    loaded = mktsim.load(scenario).loaded
    spend = weekly_spend(weeks)
    obs = simulate_history(loaded, values or {}, ["units", "revenue"], START, weeks,
                           PeriodKind.WEEK, seed, spend)
    dates = blank_history(START, weeks, PeriodKind.WEEK).dates
    return write_history(path, dates, {"units": obs["units"], "revenue": obs["revenue"],
                                       "spend.social": spend["social"],
                                       "spend.kol": spend["kol"]})
