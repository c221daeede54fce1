"""Pricing methods: cost-plus, demand-based (constant elasticity), competition-based."""

from __future__ import annotations


def cost_plus(unit_cost: float, markup: float) -> float:
    """P = c (1 + m)."""
    return unit_cost * (1.0 + markup)


def demand_based(unit_cost: float, elasticity: float) -> float:
    """Profit-maximising price under constant elasticity e < -1: P* = c e / (1 + e)."""
    if elasticity >= -1.0:
        raise ValueError("elasticity must be below -1")
    return unit_cost * elasticity / (1.0 + elasticity)


def competition_based(competitor_prices: list[float], difference: float) -> float:
    """P = mean competitor price x (1 + d)."""
    return sum(competitor_prices) / len(competitor_prices) * (1.0 + difference)
