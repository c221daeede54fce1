"""Guardrails hold whatever the rules: the budget is never exceeded, prices stay inside
their bounds, and no review carries out more actions than allowed."""

from __future__ import annotations

from collections import Counter

import numpy as np
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktsim.api import Scenario
from mktsim.engine.layout import CH_SPEND
from mktsim.engine.replication import Replication
from mktsim.engine.rng import replication_seeds
from mktsim.rules.review import ReviewLoop
from mktsim.scenario.load import load_text
from rules_fixtures import BASE

BUDGET = 300_000.0
LOW, HIGH = 150.0, 250.0
CHANNELS = ("social", "store")

channel = st.sampled_from(CHANNELS)
money = st.floats(0, 400_000)
actions = st.one_of(
    st.builds(lambda f, t, s: {"shift_budget": {"from": f, "to": t, "share": s}},
              channel, st.sampled_from([*CHANNELS, "best_channel('roi')"]), st.floats(0, 1)),
    st.builds(lambda f, t, a: {"shift_budget": {"from": f, "to": t, "amount": a}},
              channel, channel, money),
    st.builds(lambda c: {"pause": {"channel": c}}, channel),
    st.builds(lambda c: {"resume": {"channel": c}}, channel),
    st.builds(lambda p: {"set_price": {"product": "band", "price": p}}, st.floats(1, 1000)),
    st.builds(lambda b: {"change_price": {"product": "band", "by": b}}, st.floats(-0.9, 2)),
    st.builds(lambda d, n: {"promotion": {"product": "band", "depth": d, "days": n}},
              st.floats(0, 1), st.integers(1, 60)),
    st.builds(lambda g, c: {"train": {"team": "sales", "skill_gain": g, "cost": c}},
              st.floats(0, 0.5), money),
    st.builds(lambda n: {"hire": {"team": "sales", "count": n}}, st.integers(1, 3)),
    st.builds(lambda n, d, c: {"research": {"measure": "brand_awareness", "sample_size": n,
                                            "days": d, "cost": c}},
              st.integers(1, 5000), st.integers(1, 60), money),
)
conditions = st.sampled_from([
    "true", "day > 40", "roi('social') < roi('store')", "kpi('brand_awareness') > 0.2",
    "budget_left() > 50_000", "not on_track('sold')", "trend('units', 7) > 0",
])
rule_sets = st.builds(
    lambda rules, most, every, study: {
        "rules": {"review": {"every_days": every}, "max_actions_per_review": most,
                  "price_bounds": {"band": {"min": LOW, "max": HIGH}},
                  "when_then": [{"name": f"r{i}", "when": w, "then": a, "cooldown_days": c}
                                for i, (w, a, c) in enumerate(rules)]},
        "information": {"research": [{"measure": "brand_awareness", "start": "2027-02-01",
                                      "days": 30, "sample_size": 2000, "cost": study}]},
    },
    st.lists(st.tuples(conditions, st.lists(actions, min_size=1, max_size=3),
                       st.integers(0, 40)),
             min_size=1, max_size=4),
    st.integers(1, 4), st.integers(3, 30), money,
)


def check_prices(rep: Replication) -> None:
    """Wrap refresh() so that every change of controls checks the prices."""
    original = rep.refresh

    def refresh() -> None:
        price = rep.market.list_price[0]
        assert LOW - 1e-9 <= price <= HIGH + 1e-9
        assert rep.market.effective_prices()[0] >= LOW - 1e-9
        original()

    rep.refresh = refresh  # type: ignore[method-assign]


@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(rule_sets)
def test_guardrails_hold(doc):
    plan = Scenario(load_text(BASE + yaml.safe_dump(doc), "h.yaml")).plan()
    assert plan.rules is not None
    for seed in replication_seeds(3, 1, 0):
        rep = Replication(plan, seed, (ReviewLoop(),))
        check_prices(rep)
        result = rep.run()
        booked = float((rep.extra_spend - plan.extra_spend).sum())
        total = float(result.channels[:, CH_SPEND].sum()) + booked
        assert total <= BUDGET * (1 + 1e-9)
        assert np.all(rep.chan_scale >= 0)
        # studies scheduled in `information:` are not actions of a review
        done = Counter(d["day"] for d in result.reviews.decisions
                       if d["status"] == "done" and not d["rule"].startswith("research:"))
        assert max(done.values(), default=0) <= doc["rules"]["max_actions_per_review"]
