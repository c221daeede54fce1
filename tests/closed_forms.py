"""Closed forms of the published models (MODELS.md), the slow and obviously correct
references that the engine's results are compared with. Only the tests use them, so they
live here rather than in src/ (one implementation of each formula there)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import betaln

DAYS_PER_YEAR = 365.0


def daily_probability(rate_per_year: float) -> float:
    """Probability of the event within one day: 1 - exp(-lambda dt), lambda per year."""
    return 1.0 - math.exp(-rate_per_year / DAYS_PER_YEAR)


def churn_hazard(retention: float, period_days: float) -> float:
    """Daily churn hazard for retention r per period: -ln(r) / period (period in days)."""
    return -math.log(retention) / period_days


def competing_risks(hazards: list[float]) -> tuple[float, list[float]]:
    """(stay, [leave by route k]) for daily hazards: exp(-L), (l_k/L)(1 - exp(-L))."""
    total = sum(hazards)
    if total <= 0.0:
        return 1.0, [0.0 for _ in hazards]
    leave = -math.expm1(-total)
    return 1.0 - leave, [h / total * leave for h in hazards]


def logit_shares(utilities: ArrayLike, outside: float = 0.0) -> NDArray[np.float64]:
    """s_j = e^{U_j} / (e^{U_0} + sum_k e^{U_k}); the outside option takes the rest."""
    u = np.asarray(utilities, dtype=float)
    top = max(float(u.max(initial=outside)), outside)
    e = np.exp(u - top)
    return e / (np.exp(outside - top) + e.sum())


def own_price_elasticity(price_weight: float, price: float, share: float) -> float:
    """b_p P_j (1 - s_j) (price_weight per unit of money)."""
    return price_weight * price * (1.0 - share)


def sbg_survival(t: int, a: float, b: float) -> float:
    """Shifted-beta-geometric S(t) = B(a, b + t) / B(a, b): share left after t renewals."""
    return math.exp(betaln(a, b + t) - betaln(a, b))


def ltv_geometric(margin: float, retention: float, discount: float) -> float:
    """Lifetime value m r / (1 + i - r) (margin at the end of each period)."""
    return margin * retention / (1.0 + discount - retention)
