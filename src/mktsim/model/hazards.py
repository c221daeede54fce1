"""Rates and hazards; one step is one day."""

from __future__ import annotations

DAYS_PER_YEAR = 365.0


def per_day(rate_per_year: float) -> float:
    """Daily hazard from a hazard per year."""
    return rate_per_year / DAYS_PER_YEAR
