"""Pricing methods: cost-plus, demand-based (constant elasticity), competition-based, and
the list prices they give a strategy's products."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import ScenarioSpec
    from .strategy import Strategy


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


def list_prices(spec: ScenarioSpec, strat: Strategy) -> dict[str, float]:
    """Day-0 list price of each product under a strategy (its own prices, else the
    product's pricing method)."""
    comp = [c.price for c in spec.market.competitors.values()]
    out = {}
    for name, p in spec.products.items():
        method = p.pricing.method
        if name in (strat.prices or {}):
            out[name] = float((strat.prices or {})[name])
        elif method == "cost_plus":
            out[name] = cost_plus(p.unit_cost, float(p.pricing.markup or 0.0))
        elif method == "demand":
            out[name] = demand_based(p.unit_cost, float(p.pricing.elasticity or -2.0))
        elif method == "competition":
            out[name] = competition_based(comp, float(p.pricing.difference or 0.0))
        else:
            out[name] = float(p.price or 0.0)
    return out
