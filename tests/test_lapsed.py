"""Lapsed customers stay aware of the brand (until they forget) and stay in the category."""

import numpy as np

from mktsim.engine import kernel as K
from mktsim.engine.hazards import N_HAZARDS, _segment_hazards
from mktsim.engine.layout import K_AWARENESS, N_CUM, N_KPI
from mktsim.engine.variates import new_stream
from mktsim.model import plan as P

MARKET = 100_000


def churn_only_cohort(decay: float, days: int = 200) -> tuple[np.ndarray, int]:
    """Awareness per day of a market of customers who only churn (and forget at `decay`),
    and the competitor units bought meanwhile."""
    rs = new_stream(3)
    state = np.zeros((1, P.N_STATES), dtype=np.int64)
    state[0, P.CUSTOMER] = MARKET
    rates = np.zeros((1, P.N_SEG_RATES))
    rates[0, P.R_CHURN] = 0.02
    rates[0, P.R_DECAY] = decay
    rates[0, P.R_SHOP] = 0.01
    shares = np.zeros((1, P.N_SHARE))
    shares[0, P.S_COMP_NOT_IN_SET] = 1.0
    out = np.zeros((N_KPI, days))
    cum = np.zeros(N_CUM)
    comp_units = 0
    for d in range(days):
        delta = np.zeros_like(state)
        hz = np.zeros(N_HAZARDS)
        _segment_hazards(0, d, False, 0.0, rates, np.zeros((1, 0)), np.ones(days), shares,
                         np.zeros(0), np.zeros(0), 0.0, hz)
        comp, _ = K._funnel_segment(
            rs, 0, state, delta, hz, np.zeros((1, 0), dtype=np.int64),
            np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64), np.zeros(3, dtype=np.int64))
        comp_units += comp
        state += delta
        K._record(d, state, np.zeros(1), np.zeros(K.N_DAY), 0.0, cum, MARKET, 0.1, out)
    assert state[0, P.CUSTOMER] < 0.1 * MARKET  # the cohort did lapse
    return out[K_AWARENESS], comp_units


def test_churn_only_cohort_with_zero_decay_stays_fully_aware():
    awareness, comp_units = churn_only_cohort(decay=0.0)
    assert np.all(awareness == 1.0)
    # lapsed people keep buying in the category, from competitors: (1 - e^-0.01) per
    # lapsed person-day, M (200 - (1 - e^-4) / 0.02) lapsed person-days
    expected = -np.expm1(-0.01) * MARKET * (200 - (1 - np.exp(-4.0)) / 0.02)
    assert abs(comp_units - expected) < 0.02 * expected


def test_lapsed_customers_forget_at_the_decay_rate():
    """Guard: with awareness decay the same cohort loses awareness, at about the decay."""
    decay = 0.01
    awareness, _ = churn_only_cohort(decay=decay)
    assert awareness[-1] < 0.5
    # P(still aware at day t) = P(not lapsed) + P(lapsed, not forgotten); checked at t = 200
    t, c = 200.0, 0.02
    theory = np.exp(-c * t) + c / (c - decay) * (np.exp(-decay * t) - np.exp(-c * t))
    assert abs(awareness[-1] - theory) < 0.01
