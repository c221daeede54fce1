"""Daily KPIs derived from the kernel's counters after each span of days: the lifetime
value of a new customer (`model.lifetime`), the satisfaction score of the customer base
and its NPS (`model.satisfaction`). Called by `Replication.sync`, so reviews see them to
date; they read the replication's state and never change the population.

The kernel counts complaint outcomes (resolved the same day, later, unresolved) over the
whole run, and a span of days is advanced at once; the outcomes of a span are spread over
its days in proportion to the day's complaints (evenly when it had none)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from ..model import plan as P
from ..model.lifetime import complaint_loss, daily_discount, mix_ltv_many, season_mean
from ..model.satisfaction import (
    SATISFACTION,
    daily_keep,
    net_promoter_score,
    satisfaction_days,
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
    """What the derived KPIs carry from one span to the next, and the replication's
    constants they use."""

    reference_price: float
    memory: float = 0.0
    outcomes: np.ndarray | None = None  # complaint outcomes counted so far [3]
    initial: np.ndarray | None = None  # customers and loyal members on day 0, per segment
    keep: float = 1.0  # daily_keep(SATISFACTION)
    effects: np.ndarray | None = None  # SATISFACTION.effects()
    season: float = 1.0  # the seasonal multiplier's yearly mean (lifetime.season_mean)
    delta: float = 0.0  # the discount rate per day (lifetime.daily_discount)
    sizes: np.ndarray | None = None  # people per segment on day 0


def _start(rep: Replication) -> DerivedState:
    comp = rep.market.competitors
    if len(comp):
        reference = float(np.mean(comp[:, 0]))
    else:
        reference = float(np.mean(rep.market.effective_prices()))
    init = rep.plan.init_state
    initial = P.initial_adopters(rep.plan).astype(float)
    return DerivedState(reference, 0.0, np.zeros(3), initial, daily_keep(SATISFACTION),
                        SATISFACTION.effects(), season_mean(rep.plan),
                        daily_discount(rep.plan.discount_rate),
                        init.sum(axis=1).astype(float))


def fill_derived(rep: Replication, first: int, last: int) -> None:
    """Write the derived KPIs of days first..last-1 into `rep.out`."""
    fill_derived_many([rep], first, last)


def fill_derived_many(reps: Sequence[Replication], first: int, last: int,
                      seg_rates: np.ndarray | None = None) -> None:
    """`fill_derived` of replications advanced over the same span, the lifetime values and
    NPS of all of them at once (the same numbers as one by one); `seg_rates` [R, S,
    N_SEG_RATES]: their plans' rates, stacked (default: stacked here)."""
    states = []
    for rep in reps:
        if rep.derived is None:
            rep.derived = _start(rep)
        states.append(rep.derived)
    outcomes = np.stack([rep.leak[COMPLAINT_OUTCOMES] for rep in reps])
    new = np.stack([np.maximum(rep.adopters - st.initial, 0.0)
                    for rep, st in zip(reps, states, strict=True)])
    if seg_rates is None:
        seg_rates = np.stack([rep.plan.seg_rates for rep in reps])
    losses = np.array([complaint_loss(rep.plan, o) for rep, o in zip(reps, outcomes, strict=True)])
    ltv = mix_ltv_many(seg_rates, np.stack([rep.shares for rep in reps]), new, losses,
                       np.array([st.season for st in states]),
                       np.array([st.delta for st in states]),
                       np.stack([st.sizes for st in states]))
    scores = np.empty((len(reps), last - first))
    for i, (rep, state) in enumerate(zip(reps, states, strict=True)):
        rep.out[K_LTV, first:last] = ltv[i]
        fresh = outcomes[i] - state.outcomes
        state.outcomes = outcomes[i]
        state.memory = _satisfaction_span(rep.out, first, last, fresh, state.memory,
                                          state.keep, state.effects, state.reference_price,
                                          SATISFACTION.base, SATISFACTION.loyal_effect,
                                          SATISFACTION.price_slope)
        scores[i] = rep.out[K_SATISFACTION, first:last]
    nps = net_promoter_score(scores)
    for i, rep in enumerate(reps):
        rep.out[K_NPS, first:last] = nps[i]


@njit(cache=True)
def _satisfaction_span(out, first, last, fresh, memory, keep, effects, reference, base,
                       loyal_effect, price_slope):
    """Satisfaction score of days first..last-1 into out[K_SATISFACTION] (returns the
    experience memory after the last day): `model.satisfaction.steady_score` from the
    day's loyal share and price paid, plus the memory of the span's complaint outcomes
    `fresh` [3], spread over its days by their complaints (`satisfaction_days`)."""
    n = last - first
    complaints = 0.0
    for d in range(first, last):
        complaints += out[K_COMPLAINTS, d]
    experiences = np.empty((n, 3))
    customers = np.empty(n)
    steady = np.empty(n)
    for i in range(n):
        d = first + i
        weight = out[K_COMPLAINTS, d] / complaints if complaints > 0 else 1.0 / n
        for e in range(3):
            experiences[i, e] = weight * fresh[e]
        customers[i] = out[K_CUSTOMERS, d]
        loyal = out[K_LOYAL, d] / customers[i] if customers[i] > 0 else 0.0
        units = out[K_UNITS, d]
        paid = out[K_REVENUE, d] / units if units > 0 else reference
        ratio = paid / reference if reference > 0 else 1.0
        steady[i] = base + loyal_effect * loyal + price_slope * (1.0 - ratio)
    score = np.zeros(n)
    memory = satisfaction_days(memory, keep, experiences, effects, customers, steady, score)
    for i in range(n):
        out[K_SATISFACTION, first + i] = score[i]
    return memory
