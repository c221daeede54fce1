"""Invariants under random scenarios (hypothesis): people, leads, complaints and money are
conserved exactly; shares stay in [0, 1]."""

import itertools
import textwrap

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktsim.api import Scenario
from mktsim.engine.layout import (
    CH_SPEND,
    L_COMPLAINTS_RESOLVED,
    L_COMPLAINTS_SAME_DAY,
    L_COMPLAINTS_UNRESOLVED,
    L_HANDOFF_ENTERED,
    L_HANDOFF_LOST,
    L_LEADS_ARRIVED,
    L_LEADS_EXPIRED,
    L_LEADS_HANDLED,
)
from mktsim.engine.replication import Replication
from mktsim.engine.rng import replication_seeds
from mktsim.kpis import KPI_INDEX
from mktsim.model import plan as P
from mktsim.scenario.load import load_text

TEMPLATE = textwrap.dedent("""
    name: random
    start_date: 2027-01-01
    horizon_days: {days}
    market:
      size: {size}
      word_of_mouth: {{innovation: {p}, imitation: {q}}}
      awareness_decay_per_year: {decay}
      segments:
        a: {{share: {share}, initial_awareness: 0.3, initial_consideration: 0.1,
            initial_customers: 0.05, initial_loyal: 0.01, churn_per_year: {churn},
            purchase_per_year: {buy}, loyalty_per_year: 0.5, winback_per_year: 0.2}}
        b: {{share: {rest}, initial_awareness: 0.05}}
      competitors: {{rival: {{price: 100, quality: 0.5}}}}
    products: {{p: {{price: {price}, unit_cost: 50}}}}
    channels:
      ads:
        type: online
        department: mkt
        cost: {{model: commission, cpm: 25, commission: {commission}}}
        conversion: {{lift: {lift}, half_saturation: 0.01}}
        capacity_per_day: {capacity}
      calls:
        type: direct
        department: mkt
        cost: {{model: cpc, cpc: 3}}
        conversion: {{lift: {lift}, half_saturation: 0.001}}
        team: sales
    teams:
      sales: {{department: sales, headcount: {heads}, capacity_per_person_per_day: {cap},
              patience_days: {patience}, attrition_per_year: 0.5, hiring_delay_days: 5}}
      care: {{department: sales, headcount: 1, capacity_per_person_per_day: {cap}}}
    org:
      departments: {{mkt: {{}}, sales: {{reports_to: mkt}}}}
      handoffs: [{{from: mkt, to: sales, delay_days: {delay}, stages: 2, loss: 0.1}}]
    crm:
      complaints_per_order: {complaints}
      service_team: care
      loyalty_programme: {{cost_per_member_per_month: 2}}
    strategies:
      s:
        budget: {budget}
        allocation: {{ads: 0.5, calls: 0.5}}
        hires: [{{team: sales, count: 2, on: 2027-01-10}}]
        training: [{{team: care, on: 2027-01-05, skill_gain: 0.1, cost: 500}}]
        promotions: [{{product: p, start: 2027-01-03, days: 5, discount: 0.3}}]
""")

params = st.fixed_dictionaries({
    "days": st.integers(12, 40), "size": st.integers(100, 50_000),
    "p": st.floats(0, 0.5), "q": st.floats(0, 2), "decay": st.floats(0, 5),
    "share": st.sampled_from([0.5, 0.25, 0.8]), "churn": st.floats(0, 3),
    "buy": st.floats(0, 20), "price": st.floats(60, 200), "commission": st.floats(0.01, 0.5),
    "lift": st.floats(0, 20), "capacity": st.integers(1, 50), "heads": st.integers(0, 4),
    "cap": st.floats(0.5, 20), "patience": st.integers(1, 4), "delay": st.floats(0, 3),
    "complaints": st.floats(0, 0.5), "budget": st.floats(0, 200_000),
})


def _run(values, seed):
    values = dict(values, rest=round(1 - values["share"], 2))
    scenario = Scenario(load_text(TEMPLATE.format(**values)))
    plan = scenario.plan("s")
    rep = Replication(plan, replication_seeds(seed, 1)[0])
    return plan, rep, rep.run()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params, st.integers(0, 2**32 - 1))
def test_people_leads_complaints_and_money_are_conserved(values, seed):
    plan, rep, res = _run(values, seed)
    # people: every segment keeps its population, nobody negative
    assert np.array_equal(res.state.sum(axis=1), plan.init_state.sum(axis=1))
    assert (res.state >= 0).all()
    # leads: arrived = handled + expired + still waiting; waiting people = queue + hand-off
    leak = res.leaks
    assert leak[L_LEADS_ARRIVED] == leak[L_LEADS_HANDLED] + leak[L_LEADS_EXPIRED] + rep.queue.sum()
    in_handoff = rep.pipe.sum()
    # every lead created reached a team, was lost in the hand-off, or is still in it
    created = res.daily[KPI_INDEX["leads"]].sum()
    assert created == leak[L_LEADS_ARRIVED] + leak[L_HANDOFF_LOST] + in_handoff
    assert leak[L_HANDOFF_ENTERED] <= created
    assert res.state[:, P.WAITING].sum() == rep.queue.sum() + in_handoff
    # complaints: received = answered the same day + later + unresolved + still waiting
    daily = res.daily
    received = daily[KPI_INDEX["complaints"]].sum()
    answered = leak[L_COMPLAINTS_SAME_DAY] + leak[L_COMPLAINTS_RESOLVED]
    assert received == answered + leak[L_COMPLAINTS_UNRESOLVED] + rep.cqueue.sum()
    # money: marketing spend = channel spend (media + commission) + loyalty + training
    loyalty = daily[KPI_INDEX["loyalty_members"]].sum() * plan.loyalty_cost_per_day
    spent = daily[KPI_INDEX["marketing_spend"]].sum()
    assert np.isclose(spent, res.channels[:, CH_SPEND].sum() + loyalty + plan.extra_spend.sum())
    assert np.isclose(res.channels[:, CH_SPEND].sum() - _commission(res, plan),
                      plan.spend.sum())
    assert np.allclose(daily[KPI_INDEX["profit"]], daily[KPI_INDEX["gross_margin"]]
                       - daily[KPI_INDEX["marketing_spend"]] - daily[KPI_INDEX["team_cost"]])
    # shares in [0, 1]
    for name in ("brand_awareness", "consideration", "market_share"):
        assert ((daily[KPI_INDEX[name]] >= 0) & (daily[KPI_INDEX[name]] <= 1 + 1e-12)).all()


def _commission(res, plan):
    from mktsim.engine.layout import CH_REVENUE

    return float((res.channels[:, CH_REVENUE] * plan.chan_par[:, P.C_COMMISSION]).sum())


def test_awareness_monotone_in_spend():
    """More money on an awareness channel never lowers expected awareness (CRN, 20 reps)."""
    text = TEMPLATE.format(days=60, size=20_000, p=0.01, q=0.1, decay=0.5, share=0.5,
                           rest=0.5, churn=0.2, buy=1, price=100, commission=0.1, lift=1,
                           capacity=1000, heads=2, cap=5, patience=2, delay=1,
                           complaints=0.01, budget=10_000)
    text = text.replace("conversion: {lift: 1, half_saturation: 0.01}",
                        "awareness: {per_year: 3, half_saturation: 0.05}")
    loaded = load_text(text)
    means = []
    for budget in (0, 10_000, 40_000, 160_000):
        from mktsim.scenario.load import with_values

        run = Scenario(with_values(loaded, {"strategies.s.budget": budget})).run(
            "s", replications=20, seed=4)
        means.append(run.kpis().loc["brand_awareness", "mean"])
    assert all(b >= a for a, b in itertools.pairwise(means)), means
    assert means[-1] > means[0] + 0.01
