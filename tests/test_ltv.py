"""Customer lifetime value: the engine's ltv against the closed form m r / (1 + i - r)."""

import math

import numpy as np

from mktsim.api import Scenario
from mktsim.engine.market_state import MarketState
from mktsim.kpis import KPI_INDEX
from mktsim.model import plan as P
from mktsim.scenario.load import load_text

COHORT = """
name: ltv cohort
start_date: 2027-01-01
horizon_days: 365
seed: 5
market:
  size: 200_000
  segments:
    all: {share: 1, initial_awareness: 1, initial_customers: 1, purchase_per_year: 0,
          repurchase_per_year: 2.0, churn_per_year: 0.3}
products: {p: {price: 100, unit_cost: 40, quality: 0.5}}
crm: {discount_rate_per_year: 0.1}
strategies: {none: {}}
"""


def test_ltv_matches_the_geometric_closed_form():
    scenario = Scenario(load_text(COHORT))
    plan = scenario.plan("none")
    shares = MarketState(plan).shares()[0]
    margin = 2.0 * shares[P.S_OWN_REPEAT] * shares[P.S_MARGIN_UNIT]  # per customer-year
    # customers decay at 0.3 a year; churn per average customer-year is 0.3 exactly
    r = math.exp(-0.3)
    expected = margin * r / (1.1 - r)
    assert 100 < expected < 400  # a meaningful value, not zero
    run = scenario.run(replications=20).run
    ltv = run.daily[:, KPI_INDEX["ltv"], -1]
    se = ltv.std(ddof=1) / math.sqrt(len(ltv))
    # the discrete daily steps bias the churn estimate by O(1/365): allow 0.5%
    assert abs(ltv.mean() - expected) <= 4 * se + 0.005 * expected
    assert np.all(np.isfinite(ltv))
