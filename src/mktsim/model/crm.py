"""Customer-base models: shifted-beta-geometric retention and lifetime value."""

from __future__ import annotations

import math

from scipy.special import betaln


def sbg_survival(t: int, a: float, b: float) -> float:
    """S(t) = B(a, b + t) / B(a, b): share still customers after t renewals."""
    return math.exp(betaln(a, b + t) - betaln(a, b))


def sbg_retention(t: int, a: float, b: float) -> float:
    """Retention rate at renewal t: (b + t - 1) / (a + b + t - 1)."""
    return (b + t - 1.0) / (a + b + t - 1.0)


def sbg_churn_probability(k: int, a: float, b: float) -> float:
    """Churn probability at the next renewal for survivors of tenure k: a / (a + b + k)."""
    return a / (a + b + k)


def ltv_geometric(margin: float, retention: float, discount: float) -> float:
    """Lifetime value m r / (1 + i - r) (margin at the end of each period)."""
    return margin * retention / (1.0 + discount - retention)


def ltv_from_survival(margin: float, survival: list[float], discount: float) -> float:
    """sum_t m S(t) / (1 + d)^t over the given survival curve (t = 1, 2, ...)."""
    return sum(margin * s / (1.0 + discount) ** t for t, s in enumerate(survival, start=1))
