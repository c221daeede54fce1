"""The KPI vocabulary: names, units and how each aggregates over time.

`kind`:
- ``stock``: a level on a day (its horizon value is the level on the last day);
- ``flow``: an amount per day (its horizon value is the total over the horizon);
- ``ratio``: a ratio of two running totals (its value on a day is computed to date).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kpi:
    """A key performance indicator."""

    name: str
    kind: str
    unit: str
    doc: str


_KPIS = (
    Kpi("brand_awareness", "stock", "share",
        "aware, considering (leads waiting included), customers and loyal / market"),
    Kpi("consideration", "stock", "share", "considering (and leads waiting) / market"),
    Kpi("customers", "stock", "count", "current customers, loyal included"),
    Kpi("new_customers", "flow", "count", "first purchases"),
    Kpi("cumulative_adopters", "stock", "count", "everyone who ever bought, churned included"),
    Kpi("units", "flow", "units", "units sold by us"),
    Kpi("revenue", "flow", "money", "sales net of discounts"),
    Kpi("gross_margin", "flow", "money", "revenue - unit costs"),
    Kpi("marketing_spend", "flow", "money",
        "media (the budget) + commissions + loyalty + training + research"),
    Kpi("team_cost", "flow", "money", "salaries of the teams"),
    Kpi("profit", "flow", "money", "gross margin - marketing spend - team cost"),
    Kpi("market_share", "ratio", "share", "our units / category units, to date"),
    Kpi("leads", "flow", "count", "leads handed to teams"),
    Kpi("leads_lost", "flow", "count", "leads that expired or were lost in hand-offs"),
    Kpi("churned", "flow", "count", "customers lost (churn and complaints)"),
    Kpi("loyalty_members", "stock", "count", "loyal customers"),
    Kpi("complaints", "flow", "count", "complaints received"),
    Kpi("marketing_roi", "ratio", "ratio",
        "last touch: (channel-attributed margin - spend) / spend, to date"),
    Kpi("cac", "ratio", "money_per_customer", "marketing spend / new customers, to date"),
    Kpi("ltv", "ratio", "money_per_customer",
        "expected discounted margin a new customer brings after the first purchase "
        "(model.lifetime), mix of the new customers to date"),
    Kpi("satisfaction", "stock", "ratio",
        "latent satisfaction score 0-10 of the customer base (model.satisfaction)"),
    Kpi("nps", "stock", "ratio",
        "net promoter score -100..100: % promoters (9-10) - % detractors (0-6)"),
)

KPIS: dict[str, Kpi] = {k.name: k for k in _KPIS}
KPI_NAMES: tuple[str, ...] = tuple(KPIS)
KPI_INDEX: dict[str, int] = {name: i for i, name in enumerate(KPI_NAMES)}


def unit_label(kpi: Kpi, currency: str) -> str:
    """The unit to print: the currency code for money."""
    return currency if kpi.unit == "money" else kpi.unit
