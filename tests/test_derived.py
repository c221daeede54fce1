"""The derived KPIs (ltv, satisfaction, nps), written per span by the compiled pass, equal
the model's plain formulas applied span by span."""

import itertools

import numpy as np

import mktsim
from mktsim.engine import derived
from mktsim.engine.layout import (
    K_COMPLAINTS,
    K_CUSTOMERS,
    K_LOYAL,
    K_LTV,
    K_NPS,
    K_REVENUE,
    K_SATISFACTION,
    K_UNITS,
)
from mktsim.engine.replication import Replication
from mktsim.engine.rng import replication_seeds
from mktsim.model import lifetime as L
from mktsim.model import plan as P
from mktsim.model.satisfaction import (
    SATISFACTION,
    daily_keep,
    net_promoter_score,
    satisfaction_days,
    steady_score,
)


class Reference:
    """The derived KPIs of one replication from the model's functions, one segment and
    one numpy expression at a time."""

    def __init__(self, rep):
        comp = rep.market.competitors
        self.reference = float(np.mean(comp[:, 0])) if len(comp) else float(
            np.mean(rep.market.effective_prices()))
        self.memory = 0.0
        self.outcomes = np.zeros(3)

    def fill(self, rep, first, last, out):
        plan = rep.plan
        initial = plan.init_state[:, P.CUSTOMER] + plan.init_state[:, P.LOYAL]
        new = np.maximum(np.asarray(rep.adopters, dtype=float) - initial, 0.0)
        outcomes = rep.leak[derived.COMPLAINT_OUTCOMES].astype(float)
        loss = L.complaint_loss(plan, outcomes)
        delta = L.daily_discount(plan.discount_rate)
        values = np.array([L.lifetime_value(r, rep.shares[s, P.S_MARGIN_UNIT], delta)
                           for s, r in enumerate(L.segment_rates(plan, rep.shares, loss))])
        w = new if new.sum() > 0 else plan.init_state.sum(axis=1).astype(float)
        out[K_LTV, first:last] = w @ values / w.sum()
        days = slice(first, last)
        n = last - first
        complaints = out[K_COMPLAINTS, days]
        fresh = outcomes - self.outcomes
        self.outcomes = outcomes
        weights = complaints / complaints.sum() if complaints.sum() > 0 else np.full(n, 1 / n)
        experiences = np.ascontiguousarray(weights[:, None] * fresh[None, :])
        customers = np.ascontiguousarray(out[K_CUSTOMERS, days])
        with np.errstate(divide="ignore", invalid="ignore"):
            loyal = np.where(customers > 0, out[K_LOYAL, days] / customers, 0.0)
            units = out[K_UNITS, days]
            paid = np.where(units > 0, out[K_REVENUE, days] / units, self.reference)
        steady = np.ascontiguousarray(steady_score(SATISFACTION, loyal, paid / self.reference))
        score = np.zeros(n)
        self.memory = satisfaction_days(self.memory, daily_keep(SATISFACTION), experiences,
                                        SATISFACTION.effects(), customers, steady, score)
        out[K_SATISFACTION, days] = score
        out[K_NPS, days] = net_promoter_score(score)


def test_compiled_pass_equals_the_model_formulas(smart_band_path):
    plan = mktsim.load(smart_band_path).plan("digital_first")
    rep = Replication(plan, replication_seeds(3, 1)[0])
    ref = Reference(rep)
    expected = rep.out.copy()
    spans = [0, 1, 2, 7, 30, 31, 90, 200, plan.horizon]
    for first, last in itertools.pairwise(spans):
        rep.advance(first, last)
        expected[:, first:last] = rep.out[:, first:last]
        derived.fill_derived(rep, first, last)
        ref.fill(rep, first, last, expected)
    assert rep.leak[derived.COMPLAINT_OUTCOMES].sum() > 0  # complaints were answered
    for row in (K_LTV, K_SATISFACTION, K_NPS):
        np.testing.assert_allclose(rep.out[row], expected[row], rtol=1e-12, atol=1e-12)
