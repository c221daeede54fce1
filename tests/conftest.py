"""Shared fixtures: the shipped scenarios and a tiny scenario that runs in well under a second."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests explore new examples on every local run; in CI they are derandomized so
# that a submission's result does not depend on luck, and no deadline applies on a
# loaded 2-core machine.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
TEMPLATES = ROOT / "src" / "mktsim" / "templates"

TINY_SCENARIO = """\
name: Tiny plan
horizon_days: 60
start_date: 2027-01-01
currency: CNY
seed: 7
replications: 5
market:
  size: 200_000
  word_of_mouth: {innovation: 0.01, imitation: 0.2, source: customers}
  awareness_decay_per_year: 0.3
  segments:
    young:
      share: 60%
      initial_awareness: 0.2
      initial_consideration: 0.02
      initial_customers: 0.01
      purchase_per_year: 0.5
      churn_per_year: 0.2
    older:
      share: 0.4
      initial_awareness: 0.1
      initial_customers: 0.005
      purchase_per_year: 0.3
  competitors:
    rival: {price: 199, quality: 0.7, awareness: 0.8}
products:
  band:
    price: 199
    unit_cost: 150
    quality: 0.7
channels:
  social:
    type: online
    cost: {model: cpm, cpm: 40}
    awareness: {per_year: 0.5, half_saturation: 0.05}
    conversion: {lift: 0.3, half_saturation: 0.05}
    adstock: {retention_per_week: 0.3}
  store:
    type: offline
    cost: {model: cpc, cpc: 2}
    conversion: {lift: 0.5, half_saturation: 0.001}
    team: sales
teams:
  sales:
    headcount: 3
    capacity_per_person_per_day: 50
    cost_per_person_per_month: 6_000
strategies:
  steady:
    budget: 300_000
    allocation: {social: 0.7, store: 0.3}
  pulsed:
    extends: steady
    allocation: {social: 0.4, store: 0.6}
objectives:
  grow: Grow the brand.
targets:
  - id: aware
    metric: brand_awareness
    baseline: start
    change: 5%
    by: 2027-03-01
    level: short
    confidence: 0.8
    serves: grow
    owner: brand manager
  - id: sold
    metric: units
    at_least: 100
    by: 2027-03-01
    level: short
    confidence: 0.5
    serves: grow
"""


@pytest.fixture(scope="session")
def smart_band_path() -> Path:
    """The running example shipped in `scenarios/`."""
    return SCENARIOS / "smart_band.yaml"


@pytest.fixture(scope="session")
def bass_path() -> Path:
    """The pure-Bass validation scenario."""
    return SCENARIOS / "validation" / "bass.yaml"


@pytest.fixture
def tiny_scenario_text() -> str:
    """YAML of a 60-day scenario with two segments, two channels and two strategies."""
    return TINY_SCENARIO


@pytest.fixture
def tiny_scenario_path(tmp_path: Path, tiny_scenario_text: str) -> Path:
    """The tiny scenario written to a file in a temporary folder."""
    path = tmp_path / "tiny.yaml"
    path.write_text(tiny_scenario_text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A command run with `--lang zh` sets the process's language; put the default back
    so that no later test in the same worker reads Chinese it did not ask for."""
    yield
    from mktsim.i18n import set_language

    set_language(None)
