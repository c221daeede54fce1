"""Words mktsim prints for values of its documents (KPI names, verdicts, directions,
statuses, funnel stages), each a message id of the catalog, translated with `word`."""

from __future__ import annotations

from ..i18n import N_, _

#: KPI names as headings (mktsim.kpis): the English is what `fmt.label` made of the key.
KPI_NAMES = {
    "brand_awareness": N_("Brand awareness"),
    "consideration": N_("Consideration"),
    "customers": N_("Customers"),
    "new_customers": N_("New customers"),
    "cumulative_adopters": N_("Cumulative adopters"),
    "units": N_("Units"),
    "revenue": N_("Revenue"),
    "gross_margin": N_("Gross margin"),
    "marketing_spend": N_("Marketing spend"),
    "team_cost": N_("Team cost"),
    "profit": N_("Profit"),
    "market_share": N_("Market share"),
    "leads": N_("Leads"),
    "leads_lost": N_("Leads lost"),
    "churned": N_("Churned"),
    "loyalty_members": N_("Loyalty members"),
    "complaints": N_("Complaints"),
    "marketing_roi": N_("Marketing ROI"),
    "cac": N_("CAC"),
    "ltv": N_("LTV"),
    "satisfaction": N_("Satisfaction"),
    "nps": N_("NPS"),
}

#: Per-channel measures of run.json `channels` (headings of the channel table).
CHANNEL_MEASURES = {
    "spend": N_("Spend"),
    "commission": N_("Commission"),
    "new_customers": N_("New customers"),
    "units": N_("Units"),
    "revenue": N_("Revenue"),
    "margin": N_("Margin"),
    "gross_margin": N_("Gross margin"),
    "roi": N_("ROI"),
    "cac": N_("CAC"),
    "saturation": N_("Saturation"),
    "reach": N_("Reach"),
    "impressions": N_("Impressions"),
    "leads": N_("Leads"),
    "incremental_units": N_("Incremental units"),
    "incremental_revenue": N_("Incremental revenue"),
    "incremental_margin": N_("Incremental margin"),
    "incremental_roi": N_("Incremental ROI"),
    "incremental_cac": N_("Incremental CAC"),
    "profit_per_money": N_("Profit per money"),
    "revenue_per_money": N_("Revenue per money"),
    "units_per_money": N_("Units per money"),
    "headcount": N_("Headcount"),
}

VERDICTS = {
    "met": N_("met"),
    "not met": N_("not met"),
    "uncertain (met)": N_("uncertain (met)"),
    "uncertain (not met)": N_("uncertain (not met)"),
}

DIRECTIONS = {"at_least": N_("at least"), "at_most": N_("at most")}

STATUSES = {"on track": N_("on track"), "behind": N_("behind"),
            "not started": N_("not started")}

KINDS = {"flow": N_("total over the plan"), "stock": N_("level on the last day"),
         "ratio": N_("ratio to date, on the last day")}

CHANNEL_TYPES = {"online": N_("online"), "offline": N_("offline"), "direct": N_("direct")}

UNITS = {"count": N_("count"), "units": N_("units"), "ratio": N_("ratio"),
         "share": N_("share"), "money_per_customer": N_("money per customer")}

LEAK_STAGES = {"Leads": N_("Leads"), "Sales": N_("Sales"), "Customers": N_("Customers"),
               "Complaints": N_("Complaints")}

#: Leak names (mktsim.documents.leaks.LEAKS) -> what happened.
LEAK_WORDS = {
    "leads_arrived": N_("Leads received by the sales teams"),
    "leads_handled": N_("Leads handled by a salesperson"),
    "leads_into_handoff": N_("Leads passed from one team to another"),
    "leads_lost_in_handoff": N_("Leads lost when passed between teams"),
    "leads_expired": N_("Leads that expired waiting for a salesperson"),
    "leads_not_closed": N_("Leads contacted who did not buy"),
    "sales_over_capacity": N_("Sales missed because a channel was full"),
    "churned_regular": N_("Customers who stopped buying (ordinary churn)"),
    "churned_after_complaint": N_("Customers who left after a complaint"),
    "complaints_unresolved": N_("Complaints left unresolved"),
    "complaints_resolved": N_("Complaints resolved later"),
    "complaints_resolved_same_day": N_("Complaints resolved the same day"),
}

#: Rule actions (mktsim.rules.actions) as words.
ACTIONS = {
    "shift_budget": N_("shift budget"), "set_price": N_("set price"),
    "change_price": N_("change price"), "promotion": N_("promotion"), "pause": N_("pause"),
    "resume": N_("resume"), "hire": N_("hire"), "train": N_("train"),
    "research": N_("research"),
    "cut_price": N_("cut price"), "match_cut": N_("match our price cut"),
    "promote": N_("promote"), "raise_spend": N_("raise advertising"),
}


def word(table: dict[str, str], key: str, default: str | None = None) -> str:
    """`key`'s word from `table` in the active language; `default` (or the key with
    spaces) for a key the table does not name."""
    if key in table:
        return _(table[key])
    return default if default is not None else key.replace("_", " ")
