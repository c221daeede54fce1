"""Rates, hazards and probabilities; one step is one day."""

from __future__ import annotations

import math

DAYS_PER_YEAR = 365.0


def per_day(rate_per_year: float) -> float:
    """Daily hazard from a hazard per year."""
    return rate_per_year / DAYS_PER_YEAR


def daily_probability(rate_per_year: float) -> float:
    """Probability of the event within one day: 1 - exp(-lambda dt)."""
    return 1.0 - math.exp(-per_day(rate_per_year))


def hazard_from_period_probability(c: float, period_days: float) -> float:
    """Daily hazard of a per-period probability c: -ln(1 - c) / period."""
    return -math.log1p(-c) / period_days


def churn_hazard(retention: float, period_days: float) -> float:
    """Daily churn hazard for retention r per period: -ln(r) / period."""
    return -math.log(retention) / period_days


def competing_risks(hazards: list[float]) -> tuple[float, list[float]]:
    """(stay, [leave by route k]) for daily hazards: exp(-L), (l_k/L)(1 - exp(-L))."""
    total = sum(hazards)
    if total <= 0.0:
        return 1.0, [0.0 for _ in hazards]
    leave = -math.expm1(-total)
    return 1.0 - leave, [h / total * leave for h in hazards]
