"""A tiny scenario and helpers shared by the sweep tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

TINY = """\
name: Tiny sweep scenario
description: One segment, one channel, two strategies.
horizon_days: 60
start_date: 2027-01-01
currency: CNY
seed: 7
replications: 3
market:
  size: 100_000
  word_of_mouth: {innovation: 0.01, imitation: 0.2}
  segments:
    everyone: {share: 1.0, initial_awareness: 0.2, purchase_per_year: 0.5}
products:
  band: {price: 249, unit_cost: 199}
channels:
  social:
    type: online
    department: marketing
    cost: {model: cpm, cpm: 45}
    awareness: {per_year: 0.12, half_saturation: 0.05}
    conversion: {lift: 0.2, half_saturation: 0.08}
strategies:
  low: {budget: 100_000, allocation: {social: 1.0}}
  high: {budget: 400_000, allocation: {social: 1.0}}
objectives:
  grow: Grow.
targets:
  - {id: sales, metric: units, at_least: 110, by: 2027-03-01, serves: grow, confidence: 0.5}
"""

PARAMS = ["channels.social.cost.cpm=20:80", "market.segments.everyone.purchase_per_year=0.2:0.8"]


def write_tiny(folder: Path) -> Path:
    """Write the tiny scenario into ``folder``; return its path."""
    path = folder / "tiny.yaml"
    path.write_text(TINY)
    return path


def config(scenario_path: Path, samples: int = 6, method: str = "lhs",
           params: list[str] | None = None, replications: int = 3):
    """(loaded scenario, SweepConfig) of a small sweep over the tiny scenario."""
    import mktsim
    from mktsim.params import parse_params
    from mktsim.sweep.batch import SweepConfig, build_design

    scenario = mktsim.load(scenario_path)
    design = build_design(parse_params(params or PARAMS), method, samples, 11)
    return scenario.loaded, SweepConfig(design, replications, tuple(scenario.strategies), 11)


def dataset(folder: Path) -> pd.DataFrame:
    """The stored rows of a sweep folder."""
    from mktsim.sweep.store import SweepStore

    return SweepStore(folder).read()
