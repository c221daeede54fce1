"""Customer lifetime value: the expected discounted gross margin a new customer brings
*after* the first purchase (MODELS 5; first purchases are what CAC pays for).

The customer base of a segment is a two-state Markov chain in continuous time, with the
engine's daily hazards:

- a customer buys again at rate rho_C = repeat x s_repeat (s_repeat our share of the
  category purchases of existing customers), becomes loyal at rate lambda, churns at
  rate c_C; a loyal member buys at rate rho_L (the programme's lift included) and churns
  at c_L (the programme's hazard ratio included);
- each purchase brings a complaint with probability q, and a complaint loses the customer
  with probability p (the mix of resolved same day, resolved later and unresolved), so
  complaints add a churn hazard rho q p;
- margin m per unit flows as it is earned, discounted continuously at
  delta = ln(1 + i) / 365 per day (i the scenario's `crm.discount_rate_per_year`).

Timing convention: the value is taken just after the first purchase (the complaint that
purchase may bring counts), margin is earned continuously, win-backs after a churn are
not counted (a won-back customer is acquired again). Then

    V_L = rho_L m / (delta + c_L + rho_L q p)
    V_C = (rho_C m + lambda V_L) / (delta + c_C + lambda + rho_C q p)
    LTV = (1 - q p) V_C

and over a finite horizon T the same chain integrated to T (`cohort_value`). The KPI
`ltv` is the mix of these per segment weighted by the new customers of each segment to
date (by segment size before the first one), at the day's prices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from . import plan as P


@dataclass(frozen=True)
class CustomerRates:
    """Daily rates of one segment's customers (see the module docstring)."""

    rho_c: float
    rho_l: float
    to_loyal: float
    churn_c: float
    churn_l: float
    complaint_loss: float  # q p: probability a purchase loses the customer

    def generator(self, delta: float) -> np.ndarray:
        """[2, 2] rates between customer and loyal, exits and discounting on the diagonal."""
        out_c = delta + self.churn_c + self.to_loyal + self.rho_c * self.complaint_loss
        out_l = delta + self.churn_l + self.rho_l * self.complaint_loss
        return np.array([[-out_c, self.to_loyal], [0.0, -out_l]])


def daily_discount(discount_per_year: float) -> float:
    """Continuous discount rate per day for an annual rate i: ln(1 + i) / 365."""
    return math.log1p(discount_per_year) / 365.0


def segment_rates(plan: P.Plan, shares: np.ndarray, complaint_loss: float) -> list[CustomerRates]:
    """Each segment's customer rates from the plan and the day's choice shares [S, N_SHARE]
    (season at its yearly mean)."""
    season = float(np.mean(plan.season)) if len(plan.season) else 1.0
    out = []
    for s in range(plan.n_segments):
        r = plan.seg_rates[s]
        rep = shares[s, P.S_OWN_REPEAT] * season
        out.append(CustomerRates(r[P.R_REPEAT] * rep, r[P.R_LOYAL_REPEAT] * rep, r[P.R_LOYAL],
                                 r[P.R_CHURN], r[P.R_LOYAL_CHURN], complaint_loss))
    return out


def lifetime_value(rates: CustomerRates, margin: float, delta: float) -> float:
    """Expected discounted margin after the first purchase, over an unlimited horizon."""
    return _value(rates.rho_c, rates.rho_l, rates.to_loyal, rates.churn_c, rates.churn_l,
                  rates.complaint_loss, margin, delta)


@njit(cache=True, error_model="numpy")
def _value(rho_c, rho_l, to_loyal, churn_c, churn_l, q, margin, delta):
    """V_L, V_C and LTV of the module docstring (IEEE division: inf or NaN where a rate
    sum is zero)."""
    v_l = rho_l * margin / (delta + churn_l + rho_l * q)
    v_c = (rho_c * margin + to_loyal * v_l) / (delta + churn_c + to_loyal + rho_c * q)
    return (1.0 - q) * v_c


def cohort_value(rates: CustomerRates, margin: float, delta: float, days: float,
                 start_loyal: float = 0.0) -> float:
    """Expected discounted margin over `days` of a customer starting now (a share
    `start_loyal` of them loyal), without the first purchase's complaint: the chain
    integrated to the horizon, int_0^T e^{G t} dt r with G = `generator(delta)`."""
    from scipy.linalg import expm

    g = rates.generator(delta)
    earn = np.array([rates.rho_c * margin, rates.rho_l * margin])
    block = np.zeros((3, 3))
    block[:2, :2] = g
    block[:2, 2] = earn
    integral = expm(block * days)[:2, 2]  # int_0^T e^{Gt} dt earn
    start = np.array([1.0 - start_loyal, start_loyal])
    return float(start @ integral)


def complaint_loss(plan: P.Plan, outcomes: np.ndarray | None = None) -> float:
    """q p: the complaint rate per unit times the share of complainers lost, with the mix
    of outcomes `outcomes` = [unresolved, resolved later, resolved same day] counts to
    date (without any: all resolved the same day with a service team, else unresolved)."""
    lost = plan.lost_after_complaint
    if outcomes is not None and outcomes.sum() > 0:
        p = float(outcomes @ lost / outcomes.sum())
    else:
        p = float(lost[2] if plan.service_team >= 0 else lost[0])
    return plan.complaint_rate * p


def season_mean(plan: P.Plan) -> float:
    """The seasonal multiplier at its yearly mean (1 without a season)."""
    return float(np.mean(plan.season)) if len(plan.season) else 1.0


def mix_ltv_many(seg_rates: np.ndarray, shares: np.ndarray, weights: np.ndarray,
                 q: np.ndarray, season: np.ndarray, delta: np.ndarray, sizes: np.ndarray
                 ) -> np.ndarray:
    """The LTV of R plans, each mix-weighted over segments by `weights` [R, S] (new
    customers; segment sizes when they sum to zero), at the margins per unit of the
    day's shares: the values of `lifetime_value(segment_rates(...)[s], margin_s, delta)`.
    seg_rates [R, S, N_SEG_RATES], shares [R, S, N_SHARE], q [R] the complaint loss
    (`complaint_loss`), season [R] (`season_mean`), delta [R] per day (`daily_discount`),
    sizes [R, S] the segments' people. Returns [R] (money); NaN where there is nobody to
    weigh. Compiled: it runs after every span of days."""
    out = np.empty(seg_rates.shape[0])
    _mix_ltv_rows(seg_rates, shares, weights, q, season, delta, sizes, out)
    return out


@njit(cache=True)
def _total(values):
    """values [n] added up in order from 0.0, as numba's `ndarray.sum` adds a row, without
    its implementation: that lives in `numba.np.arraymath`, which loading the kernel would
    then import (about 0.015 s at every run)."""
    total = 0.0
    for i in range(values.shape[0]):
        total += values[i]
    return total


@njit(cache=True, error_model="numpy")
def _mix_ltv_rows(seg_rates, shares, weights, q, season, delta, sizes, out):
    """The rows of `mix_ltv_many` into out [R]: `_value` per segment, mixed."""
    for r in range(seg_rates.shape[0]):
        w = weights[r]
        total = _total(w)
        if not total > 0:
            w = sizes[r]
            total = _total(w)
        mixed = 0.0
        for s in range(w.shape[0]):
            rates = seg_rates[r, s]
            rep = shares[r, s, P.S_OWN_REPEAT] * season[r]
            mixed += w[s] * _value(rates[P.R_REPEAT] * rep, rates[P.R_LOYAL_REPEAT] * rep,
                                   rates[P.R_LOYAL], rates[P.R_CHURN], rates[P.R_LOYAL_CHURN],
                                   q[r], shares[r, s, P.S_MARGIN_UNIT], delta[r])
        out[r] = mixed / total if total > 0 else np.nan
