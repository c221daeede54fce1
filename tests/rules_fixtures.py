"""A small scenario for the rules tests: 90 days, two channels, one team, one product."""

from __future__ import annotations

from mktsim.api import Scenario
from mktsim.scenario.load import load_text

BASE = """\
name: Rules plan
horizon_days: 90
start_date: 2027-01-01
currency: CNY
seed: 11
replications: 4
market:
  size: 100_000
  word_of_mouth: {innovation: 0.01, imitation: 0.2, source: customers}
  awareness_decay_per_year: 0.3
  segments:
    young:
      share: 1
      initial_awareness: 0.2
      initial_consideration: 0.02
      initial_customers: 0.01
      purchase_per_year: 0.5
      churn_per_year: 0.2
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
    allocation: {social: 0.5, store: 0.5}
targets:
  - id: sold
    metric: units
    at_least: 1_000_000
    by: 2027-03-31
"""


def scenario(rules: str = "", information: str = "") -> Scenario:
    """The base scenario with extra top-level YAML appended."""
    return Scenario(load_text(BASE + rules + information, "rules.yaml"))
