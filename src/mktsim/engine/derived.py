"""Daily KPIs derived from the kernel's counters after each span of days: the lifetime
value of a new customer (`model.lifetime`), the satisfaction score of the customer base
and its NPS (`model.satisfaction`). Called by `Replication.sync`, so reviews see them to
date; they read the replication's state and never change the population.

The kernel counts complaint outcomes (resolved the same day, later, unresolved) over the
whole run, and a span of days is advanced at once; the outcomes of a span are spread over
its days in proportion to the day's complaints (evenly when it had none)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..model import plan as P
from ..model.lifetime import mix_ltv
from ..model.satisfaction import (
    SATISFACTION,
    daily_keep,
    net_promoter_score,
    satisfaction_days,
    steady_score,
)
from .layout import (
    K_COMPLAINTS,
    K_CUSTOMERS,
    K_LOYAL,
    K_LTV,
    K_NPS,
    K_REVENUE,
    K_SATISFACTION,
    K_UNITS,
    L_COMPLAINTS_RESOLVED,
    L_COMPLAINTS_SAME_DAY,
    L_COMPLAINTS_UNRESOLVED,
)

if TYPE_CHECKING:
    from .replication import Replication

#: leak counters of complaint outcomes, in the order of `Plan.lost_after_complaint`
COMPLAINT_OUTCOMES = [L_COMPLAINTS_UNRESOLVED, L_COMPLAINTS_RESOLVED, L_COMPLAINTS_SAME_DAY]


@dataclass
class DerivedState:
    """What the derived KPIs carry from one span to the next."""

    reference_price: float
    memory: float = 0.0
    outcomes: np.ndarray | None = None  # complaint outcomes counted so far [3]


def _start(rep: Replication) -> DerivedState:
    comp = rep.market.competitors
    if len(comp):
        reference = float(np.mean(comp[:, 0]))
    else:
        reference = float(np.mean(rep.market.effective_prices()))
    return DerivedState(reference, 0.0, np.zeros(3))


def fill_derived(rep: Replication, first: int, last: int) -> None:
    """Write the derived KPIs of days first..last-1 into `rep.out`."""
    plan = rep.plan
    initial = plan.init_state[:, P.CUSTOMER] + plan.init_state[:, P.LOYAL]
    new = np.maximum(np.asarray(rep.adopters, dtype=float) - initial, 0.0)
    outcomes = rep.leak[COMPLAINT_OUTCOMES].astype(float)
    rep.out[K_LTV, first:last] = mix_ltv(plan, rep.shares, new, outcomes)
    if rep.derived is None:
        rep.derived = _start(rep)
    state: DerivedState = rep.derived
    _satisfaction(rep, state, first, last, outcomes)


def _satisfaction(rep: Replication, state: DerivedState, first: int, last: int,
                  outcomes: np.ndarray) -> None:
    out = rep.out
    days = slice(first, last)
    n = last - first
    complaints = out[K_COMPLAINTS, days]
    assert state.outcomes is not None
    fresh = outcomes - state.outcomes
    state.outcomes = outcomes
    weights = complaints / complaints.sum() if complaints.sum() > 0 else np.full(n, 1.0 / n)
    experiences = np.ascontiguousarray(weights[:, None] * fresh[None, :])
    customers = np.ascontiguousarray(out[K_CUSTOMERS, days])
    with np.errstate(divide="ignore", invalid="ignore"):
        loyal = np.where(customers > 0, out[K_LOYAL, days] / customers, 0.0)
        units = out[K_UNITS, days]
        paid = np.where(units > 0, out[K_REVENUE, days] / units, state.reference_price)
    ratio = paid / state.reference_price if state.reference_price > 0 else np.ones(n)
    steady = np.ascontiguousarray(steady_score(SATISFACTION, loyal, ratio))
    score = np.zeros(n)
    state.memory = satisfaction_days(state.memory, daily_keep(SATISFACTION), experiences,
                                     SATISFACTION.effects(), customers, steady, score)
    out[K_SATISFACTION, days] = score
    out[K_NPS, days] = net_promoter_score(score)
