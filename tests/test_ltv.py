"""Customer lifetime value: the margin a customer brings after the first purchase, against
a simulated cohort's realised discounted margin."""

import math

import numpy as np
import pytest

from mktsim.api import Scenario
from mktsim.engine.market_state import MarketState
from mktsim.kpis import KPI_INDEX
from mktsim.model import lifetime as L
from mktsim.model import plan as P
from mktsim.scenario.load import load_text

# everyone is a customer on day 0 and nobody new arrives: the run is one cohort
COHORT = """
name: ltv cohort
start_date: 2027-01-01
horizon_days: 730
seed: 5
market:
  size: 200_000
  segments:
    all: {share: 1, initial_awareness: 1, initial_customers: 1, purchase_per_year: 0,
          repurchase_per_year: 2.0, churn_per_year: 0.3, loyalty_per_year: 0.5}
products: {p: {price: 100, unit_cost: 40, quality: 0.5}}
crm:
  discount_rate_per_year: 0.1
  complaints_per_order: 0.05
  lost_after_complaint: {unresolved: 0.8, resolved: 0.5, resolved_same_day: 0.2}
  loyalty_programme: {churn_hazard_ratio: 0.5, repurchase_lift: 0.3}
strategies: {none: {}}
"""


def _rates(plan):
    shares = MarketState(plan).shares()
    loss = L.complaint_loss(plan)  # no service team: every complaint goes unresolved
    return L.segment_rates(plan, shares, loss)[0], shares[0, P.S_MARGIN_UNIT]


def test_ltv_against_the_cohort_realised_discounted_margin():
    scenario = Scenario(load_text(COHORT))
    plan = scenario.plan("none")
    rates, margin = _rates(plan)
    delta = L.daily_discount(0.1)
    assert rates.complaint_loss == pytest.approx(0.05 * 0.8)
    expected = L.cohort_value(rates, margin, delta, plan.horizon)
    run = scenario.run(replications=12, incremental=False).run
    days = np.arange(plan.horizon)
    margin_daily = run.daily[:, KPI_INDEX["gross_margin"], :]
    realised = (margin_daily * np.exp(-delta * (days + 0.5))).sum(axis=1) / 200_000
    se = realised.std(ddof=1) / math.sqrt(len(realised))
    # daily steps (at most one purchase a day, exits drawn once a day) and complaints
    # resolved days after the purchase differ from the continuous chain by O(rate x day)
    assert abs(realised.mean() - expected) <= 4 * se + 0.01 * expected, (
        realised.mean(), expected, se)


def test_ltv_closed_form_is_the_limit_of_the_cohort_value():
    rates = L.CustomerRates(0.01, 0.012, 0.002, 0.001, 0.0005, 0.02)
    delta = L.daily_discount(0.1)
    limit = L.lifetime_value(rates, 50.0, delta)
    assert L.cohort_value(rates, 50.0, delta, 365 * 200) * (1 - 0.02) == pytest.approx(limit)
    # no loyalty: the geometric continuous form m rho / (c + delta + rho q)
    simple = L.CustomerRates(0.01, 0.0, 0.0, 0.001, 0.0, 0.0)
    assert L.lifetime_value(simple, 50.0, delta) == pytest.approx(0.5 / (0.001 + delta))


def test_ltv_kpi_excludes_first_purchases(smart_band_path):
    import mktsim

    scenario = mktsim.load(smart_band_path)
    result = scenario.run("digital_first", replications=3, seed=2, incremental=False)
    ltv = result.run.daily[:, KPI_INDEX["ltv"], 0]  # at day 0's prices
    plan = result.run.plan
    shares = MarketState(plan).shares()
    per_segment = [L.lifetime_value(r, shares[s, P.S_MARGIN_UNIT],
                                    L.daily_discount(plan.discount_rate))
                   for s, r in enumerate(L.segment_rates(plan, shares, 0.0))]
    # a mix of the segments' values, complaints lowering it a little
    assert np.all(ltv <= max(per_segment) * 1.0001)
    assert np.all(ltv >= min(per_segment) * 0.9)
    # far below the margin of a first purchase plus the old all-margin average
    assert np.all(ltv < shares[:, P.S_MARGIN_UNIT].max())
