"""Satisfaction score and NPS: the cut points against the normal closed form, the memory,
and the engine's score moving with what customers live through."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import norm

from mktsim.api import Scenario
from mktsim.kpis import KPI_INDEX, KPIS
from mktsim.model.satisfaction import (
    SATISFACTION,
    daily_keep,
    net_promoter_score,
    satisfaction_days,
)
from mktsim.scenario.load import load_text


def test_nps_is_promoters_minus_detractors_of_the_answer_distribution():
    s = 7.8
    sd = SATISFACTION.dispersion
    promoters = 1 - norm.cdf(8.5, s, sd)
    detractors = norm.cdf(6.5, s, sd)
    assert float(net_promoter_score(s)) == pytest.approx(100 * (promoters - detractors))
    # a draw of answers through the same cut points agrees within 4 SE
    rng = np.random.default_rng(3)
    answers = rng.normal(s, sd, 200_000)
    each = 100.0 * ((answers >= 8.5).astype(float) - (answers < 6.5))
    se = each.std() / math.sqrt(len(each))
    assert abs(each.mean() - float(net_promoter_score(s))) <= 4 * se


@given(st.floats(0, 10), st.floats(0, 10))
def test_nps_is_bounded_and_rises_with_the_score(a, b):
    lo, hi = sorted((a, b))
    n_lo, n_hi = float(net_promoter_score(lo)), float(net_promoter_score(hi))
    assert -100 <= n_lo <= n_hi <= 100


def test_an_experience_fades_with_the_memory():
    keep = daily_keep(SATISFACTION)
    days = 60
    experiences = np.zeros((days, 3))
    experiences[0, 0] = 100.0  # 100 unresolved complaints on day 0
    customers = np.full(days, 1000.0)
    steady = np.full(days, 7.0)
    out = np.zeros(days)
    memory = satisfaction_days(0.0, keep, experiences, SATISFACTION.effects(), customers,
                               steady, out)
    shock = 100.0 * SATISFACTION.unresolved / 1000.0
    assert out[0] == pytest.approx(7.0 + shock)
    assert out[30] == pytest.approx(7.0 + shock * keep ** 30)
    assert memory == pytest.approx(shock * keep ** (days - 1))


BASE = """
name: service cohort
start_date: 2027-01-01
horizon_days: 120
seed: 5
market:
  size: 100_000
  segments:
    all: {share: 1, initial_awareness: 1, initial_customers: 0.5, purchase_per_year: 0,
          repurchase_per_year: 3.0, churn_per_year: 0.2}
products: {p: {price: 100, unit_cost: 40, quality: 0.5}}
crm: {complaints_per_order: COMPLAINTS SERVICE}
TEAMS
strategies: {none: {}}
targets:
  - {id: happy, metric: satisfaction, at_least: 7.6, by: 2027-04-30, level: mid,
     confidence: 0.8, serves: keep}
  - {id: promoters, metric: nps, at_least: 5, by: 2027-04-30, level: mid, confidence: 0.8,
     serves: keep}
objectives: {keep: Keep customers happy.}
"""
TEAM = "teams: {care: {headcount: 50, capacity_per_person_per_day: 40, patience_days: 5}}"


def _run(complaints: float, service: bool):
    text = (BASE.replace("COMPLAINTS", str(complaints))
            .replace("SERVICE", ", service_team: care" if service else "")
            .replace("TEAMS", TEAM if service else ""))
    return Scenario(load_text(text)).run(replications=4, incremental=False)


def test_the_score_follows_what_customers_live_through():
    calm = _run(0.0, False)
    unanswered = _run(0.2, False)
    answered = _run(0.2, True)
    last = {name: r.run.daily[:, KPI_INDEX["satisfaction"], -1].mean()
            for name, r in (("calm", calm), ("unanswered", unanswered),
                            ("answered", answered))}
    assert last["unanswered"] < last["calm"] - 0.2
    # answered the same day: the small recovery effect
    assert last["answered"] >= last["calm"]
    nps = answered.run.daily[:, KPI_INDEX["nps"], -1]
    np.testing.assert_allclose(
        nps, net_promoter_score(answered.run.daily[:, KPI_INDEX["satisfaction"], -1]))
    # targets on the new KPIs are judged like any other
    ids = {v.target.id: v for v in unanswered.verdicts}
    assert ids["happy"].probability == 0.0 and ids["promoters"].probability == 0.0
    assert {v.target.id: v.met for v in calm.verdicts} == {"happy": True, "promoters": True}
    assert KPIS["nps"].kind == "stock"
