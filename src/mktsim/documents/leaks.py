"""The one leak vocabulary: what `run.json` `leaks`, `explain`'s funnel and the report
call each loss (the names of the engine's leak counters, mktsim.engine.layout.LEAK_NAMES).
"""

from __future__ import annotations

#: Leak name -> (stage, what happened, is it a loss).
LEAKS: dict[str, tuple[str, str, bool]] = {
    "leads_arrived": ("Leads", "Leads received by the sales teams", False),
    "leads_handled": ("Leads", "Leads handled by a salesperson", False),
    "leads_into_handoff": ("Leads", "Leads passed from one team to another", False),
    "leads_lost_in_handoff": ("Leads", "Leads lost when passed between teams", True),
    "leads_expired": ("Leads", "Leads that expired waiting for a salesperson", True),
    "leads_not_closed": ("Leads", "Leads contacted who did not buy", True),
    "sales_over_capacity": ("Sales", "Sales missed because a channel was full", True),
    "churned_regular": ("Customers", "Customers who stopped buying (ordinary churn)", True),
    "churned_after_complaint": ("Customers", "Customers who left after a complaint", True),
    "complaints_unresolved": ("Complaints", "Complaints left unresolved", True),
    "complaints_resolved": ("Complaints", "Complaints resolved later", False),
    "complaints_resolved_same_day": ("Complaints", "Complaints resolved the same day", False),
}

#: The funnel of `explain`: where people are lost, in funnel order (a subset of LEAKS).
FUNNEL = ("leads_arrived", "leads_lost_in_handoff", "leads_expired", "leads_not_closed",
          "sales_over_capacity", "churned_regular", "churned_after_complaint",
          "complaints_unresolved")

#: Words that make a leak name not in LEAKS (a hand-written results file) read as a loss.
LOSS_WORDS = ("lost", "churn", "expired", "unresolved", "not_closed", "over_capacity", "dropped")


def is_loss(name: str) -> bool:
    """A leak the plan loses (known names by LEAKS, others by their words)."""
    if name in LEAKS:
        return LEAKS[name][2]
    return any(w in name.lower() for w in LOSS_WORDS)
