"""Daily KPIs derived from the kernel's counters after each span of days: the lifetime
value of a new customer (`model.lifetime`), the satisfaction score of the customer base
and its NPS (`model.satisfaction`). Called by `Replication.sync` (a batch's replications:
`DerivedBatch`, one compiled call per span for all of them), so reviews see them to date;
they read the replication's state and never change the population.

The kernel counts complaint outcomes (resolved the same day, later, unresolved) over the
whole run, and a span of days is advanced at once; the outcomes of a span are spread over
its days in proportion to the day's complaints (evenly when it had none)."""

# numba rebuilds this file's cached kernels only when this file changes: the key below
# digests what they compile with (tests/test_numba_cache_keys.py).
# numba cache key: f0d41916abdf3caf
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from ..model import plan as P
from ..model.lifetime import (
    _mix_ltv_rows,
    complaint_loss,
    daily_discount,
    mix_ltv_many,
    season_mean,
)
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


class DerivedBatch:
    """The derived KPIs of a batch's replications (stacked arrays, `engine.batch.Batch`),
    one compiled call per span for all of them: the numbers of `fill_derived` one
    replication at a time, bit for bit. What `DerivedState` carries is kept here as
    arrays over replications [R, ...]."""

    def __init__(self, reps: Sequence[Replication]) -> None:
        states = [rep.derived if rep.derived is not None else _start(rep) for rep in reps]
        self.reference = np.array([st.reference_price for st in states])
        self.memory = np.array([st.memory for st in states])
        self.outcomes = np.stack([st.outcomes for st in states]).astype(float)
        self.initial = np.stack([st.initial for st in states])
        self.season = np.array([st.season for st in states])
        self.delta = np.array([st.delta for st in states])
        self.sizes = np.stack([st.sizes for st in states])
        self.complaint_rate = np.array([rep.plan.complaint_rate for rep in reps], dtype=float)
        self.service_team = np.array([rep.plan.service_team >= 0 for rep in reps])
        self.keep = daily_keep(SATISFACTION)
        self.effects = SATISFACTION.effects()
        self.which = np.array(COMPLAINT_OUTCOMES, dtype=np.int64)

    def fill(self, first: int, last: int, out: np.ndarray, adopters: np.ndarray,
             leak: np.ndarray, shares: np.ndarray, seg_rates: np.ndarray,
             lost: np.ndarray) -> None:
        """Write the derived KPIs of days first..last-1 into out [R, N_KPI, horizon], from
        the state at the end of the span: adopters [R, S], leak [R, N_LEAK], shares
        [R, S, N_SHARE], the plans' seg_rates [R, S, N_SEG_RATES] and
        lost_after_complaint [R, 3]."""
        _derive_rows(first, last, out, adopters, leak, shares, seg_rates, lost, self.which,
                     self.complaint_rate, self.service_team, self.memory, self.outcomes,
                     self.initial, self.keep, self.effects, self.reference, self.season,
                     self.delta, self.sizes, SATISFACTION.base, SATISFACTION.loyal_effect,
                     SATISFACTION.price_slope)
        out[:, K_NPS, first:last] = net_promoter_score(out[:, K_SATISFACTION, first:last])


@njit(cache=True)
def _complaint_loss(outcomes, lost, rate, service_team):
    """`lifetime.complaint_loss` of one replication (outcomes [3] to date, lost [3])."""
    total = outcomes[0] + outcomes[1] + outcomes[2]
    if total > 0:
        p = (outcomes[0] * lost[0] + outcomes[1] * lost[1] + outcomes[2] * lost[2]) / total
    else:
        p = lost[2] if service_team else lost[0]
    return rate * p


@njit(cache=True)
def _derive_rows(first, last, out, adopters, leak, shares, seg_rates, lost, which,
                 complaint_rate, service_team, memory, outcomes, initial, keep, effects,
                 reference, season, delta, sizes, base, loyal_effect, price_slope):
    """`fill_derived_many`'s lifetime value and satisfaction of every replication r (the
    first axis), NPS aside; memory [R] and outcomes [R, 3] carried to the next span."""
    n_rep = out.shape[0]
    new = np.maximum(adopters - initial, 0.0)
    q = np.empty(n_rep)
    now = np.empty((n_rep, 3))
    for r in range(n_rep):
        for e in range(3):
            now[r, e] = leak[r, which[e]]
        q[r] = _complaint_loss(now[r], lost[r], complaint_rate[r], service_team[r])
    ltv = np.empty(n_rep)
    _mix_ltv_rows(seg_rates, shares, new, q, season, delta, sizes, ltv)
    fresh = np.empty(3)
    for r in range(n_rep):
        for d in range(first, last):
            out[r, K_LTV, d] = ltv[r]
        for e in range(3):  # element by element: no array arithmetic to link (below)
            fresh[e] = now[r, e] - outcomes[r, e]
            outcomes[r, e] = now[r, e]
        memory[r] = _satisfaction_span(out[r], first, last, fresh, memory[r], keep, effects,
                                       reference[r], base, loyal_effect, price_slope)


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
