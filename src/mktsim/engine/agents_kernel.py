"""The per-customer kernel: advances an array of customers over a span of days.

Each customer has a funnel state (int8, the columns of `model.plan`), a segment index, an
ever-adopted flag, the revenue they have brought (individual lifetime value) and the day of
their first purchase. The daily hazards are those of the counts kernel (`kernel.py`);
only the draws differ: every customer takes its own uniform numbers from a counter-based
generator, u = SplitMix64 output number i of the stream of (seed, day), so the numbers
depend only on the seed, the day and the customer's index, never on the thread that
draws them. Customers are updated in fixed blocks with `prange`: each block counts its
moves into its own row, and the rows are summed in block order, so the results are
bit-identical for any number of threads.

Word of mouth: well mixed, `talk = talkers / M` as in the counts kernel; on a network
(CSR arrays `indptr`, `indices`), `talk_i = talking neighbours of i / degree of i`, read
from a snapshot of who talks at the start of the day.

Not modelled here: teams, leads, hand-offs, complaints, channel capacity (a channel with
a team sells directly). See docs/model.md, "The per-customer engine".
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ..model.hazards import DAYS_PER_YEAR
from ..model.plan import (
    AWARE,
    C_COMMISSION,
    CHURNED,
    CONSIDERING,
    CUSTOMER,
    LOYAL,
    N_STATES,
    R_CHURN,
    R_CONSIDER,
    R_CONSIDER_DECAY,
    R_DECAY,
    R_IMITATION,
    R_INNOVATION,
    R_LOYAL,
    R_LOYAL_CHURN,
    R_LOYAL_REPEAT,
    R_REPEAT,
    R_SHOP,
    R_WINBACK,
    S_COMP_CONSIDERING,
    S_COMP_NOT_IN_SET,
    S_MARGIN_UNIT,
    S_OWN_CONSIDERING,
    S_OWN_REPEAT,
    S_REV_UNIT,
    T_COST_PER_DAY,
    UNAWARE,
)
from .kernel import (
    D_ATTR_MARGIN,
    D_CHURNED,
    D_COMP_UNITS,
    D_MARGIN,
    D_NEW,
    D_REVENUE,
    D_SPEND,
    D_UNITS,
    N_DAY,
    _media,
    _record,
    _synergy,
)
from .layout import (
    CH_MARGIN,
    CH_NEW,
    CH_REVENUE,
    CH_SPEND,
    L_CHURN_REGULAR,
    M_BASS_MODE,
    M_DISCOUNT_RATE,
    M_LOYALTY_COST,
    M_MARKET_SIZE,
    M_WOM_CUSTOMERS,
    TC_N,
)

BLOCK = 4096  # customers per block of the parallel update (fixed: results must not vary)


@njit(cache=True)
def _splitmix64(x):
    """SplitMix64 finaliser of x + golden gamma (uint64 in, uint64 out)."""
    z = x + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def _stream_key(seed, day, stream):
    """Key of the SplitMix64 stream of (seed, day, stream): a hash of the three."""
    counter = np.uint64(day) * np.uint64(2) + np.uint64(stream)
    return _splitmix64(np.uint64(seed) ^ _splitmix64(counter))


@njit(cache=True, inline="always")
def _uniform(key, i):
    """Output i of the stream `key`, as a double in [0, 1) with 53 random bits."""
    x = _splitmix64(key + np.uint64(i) * np.uint64(0x9E3779B97F4A7C15))
    return float(x >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def _cumulative(hazards, k, out):
    """Competing risks: out[j] = P(leave by a route <= j) = sum (l/L)(1 - exp(-L))."""
    total = 0.0
    for j in range(k):
        total += hazards[j]
    leave = -np.expm1(-total) if total > 0.0 else 0.0
    acc = 0.0
    for j in range(k):
        if total > 0.0:
            acc += hazards[j] / total * leave
        out[j] = acc


@njit(cache=True)
def _segment_probabilities(d, bass, seg_rates, affinity, season, shares, h_aw, h_cv, synergy,
                           talk_share, aw_base, aw_q, p_unaware, p_outside, aware_cum,
                           cons_cum, cust_cum, lapsed_cum, single, haz):
    """The day's probabilities per segment, from the hazards of the counts kernel.

    Unaware people: hazard aw_base + aw_q * talk (talk per person on a network), and
    p_unaware with the well-mixed talk share. single[s] = loyal churn, winback, customer
    repeat, loyal repeat probabilities;
    lapsed_cum[s] = cumulative P(won back), P(won back or forgot) of a lapsed customer.
    """
    n_ch = h_aw.shape[0]
    for s in range(seg_rates.shape[0]):
        if bass:
            boost = 1.0
            for c in range(n_ch):  # beta_c per year, as in the counts kernel's Bass mode
                boost += affinity[s, c] * h_aw[c] * DAYS_PER_YEAR
            aw_base[s] = seg_rates[s, R_INNOVATION] * boost
            aw_q[s] = seg_rates[s, R_IMITATION] * boost
        else:
            base = seg_rates[s, R_INNOVATION] + synergy
            for c in range(n_ch):
                base += affinity[s, c] * h_aw[c]
            aw_base[s] = base
            aw_q[s] = seg_rates[s, R_IMITATION]
        p_unaware[s] = -np.expm1(-(aw_base[s] + aw_q[s] * talk_share))
        shop = seg_rates[s, R_SHOP] * season[d]
        p_outside[s] = -np.expm1(-shop * shares[s, S_COMP_NOT_IN_SET])
        haz[0] = seg_rates[s, R_DECAY]
        haz[1] = seg_rates[s, R_CONSIDER]
        _cumulative(haz, 2, aware_cum[s])
        own = shop * shares[s, S_OWN_CONSIDERING]
        haz[0] = seg_rates[s, R_CONSIDER_DECAY]
        haz[1] = shop * shares[s, S_COMP_CONSIDERING]
        haz[2] = own
        for c in range(n_ch):
            haz[3 + c] = own * affinity[s, c] * h_cv[c]
        _cumulative(haz, 3 + n_ch, cons_cum[s])
        haz[0] = seg_rates[s, R_LOYAL]
        haz[1] = seg_rates[s, R_CHURN]
        _cumulative(haz, 2, cust_cum[s])
        rep = shares[s, S_OWN_REPEAT] * season[d]
        single[s, 0] = -np.expm1(-seg_rates[s, R_LOYAL_CHURN])
        haz[0] = seg_rates[s, R_WINBACK]
        haz[1] = seg_rates[s, R_DECAY]
        _cumulative(haz, 2, lapsed_cum[s])
        single[s, 1] = lapsed_cum[s, 0]
        single[s, 2] = -np.expm1(-seg_rates[s, R_REPEAT] * rep)
        single[s, 3] = -np.expm1(-seg_rates[s, R_LOYAL_REPEAT] * rep)


@njit(cache=True, parallel=True)
def _talk_snapshot(state, ever, wom_customers, talk):
    """talk[i] = 1 when customer i talks at the start of the day."""
    for i in prange(state.shape[0]):
        if wom_customers:
            talk[i] = 1 if state[i] == CUSTOMER or state[i] == LOYAL else 0
        else:
            talk[i] = ever[i]


@njit(cache=True, inline="always")
def _neighbour_talk(i, indptr, indices, talk):
    """Share of i's neighbours who talk (0 for someone without contacts)."""
    lo, hi = indptr[i], indptr[i + 1]
    if hi <= lo:
        return 0.0
    n = 0
    for j in range(lo, hi):
        n += talk[indices[j]]
    return n / (hi - lo)


@njit(cache=True, inline="always")
def _buy(i, s, d, ever, value, adopted_on, shares):
    """Customer i (segment s) buys one unit on day d."""
    if ever[i] == 0:
        ever[i] = 1
        adopted_on[i] = d
    value[i] += shares[s, S_REV_UNIT]


@njit(cache=True, inline="always")
def _move(i, d, k1, k2, bass, network, state, seg, ever, value, adopted_on, talk, indptr,
          indices, shares, aw_base, aw_q, p_unaware, p_outside, aware_cum, cons_cum, cust_cum,
          lapsed_cum, single, flows, intents):
    """Draw and apply customer i's moves of day d; flows[s] = organic, repeat,
    competitor units, churned of this block; intents[s, c] purchases through channel c."""
    s = seg[i]
    st = state[i]
    u = _uniform(k1, i)
    if st == UNAWARE:
        if network:
            h = aw_base[s] + aw_q[s] * _neighbour_talk(i, indptr, indices, talk)
            p = -np.expm1(-h)
        else:
            p = p_unaware[s]
        if u < p:
            if bass:
                state[i] = CUSTOMER
                _buy(i, s, d, ever, value, adopted_on, shares)
                flows[s, 0] += 1
            else:
                state[i] = AWARE
        if not bass and _uniform(k2, i) < p_outside[s]:
            flows[s, 2] += 1
    elif bass:
        return
    elif st == AWARE:
        if u < aware_cum[s, 0]:
            state[i] = UNAWARE
        elif u < aware_cum[s, 1]:
            state[i] = CONSIDERING
        if _uniform(k2, i) < p_outside[s]:
            flows[s, 2] += 1
    elif st == CONSIDERING:
        n_route = cons_cum.shape[1]
        route = -1
        for r in range(n_route):
            if u < cons_cum[s, r]:
                route = r
                break
        if route == 0:
            state[i] = AWARE
        elif route == 1:
            flows[s, 2] += 1
        elif route >= 2:
            state[i] = CUSTOMER
            _buy(i, s, d, ever, value, adopted_on, shares)
            if route == 2:
                flows[s, 0] += 1
            else:
                intents[s, route - 3] += 1
    elif st == CUSTOMER:
        if u < cust_cum[s, 0]:
            state[i] = LOYAL
        elif u < cust_cum[s, 1]:
            state[i] = CHURNED
            flows[s, 3] += 1
        if _uniform(k2, i) < single[s, 2]:
            _buy(i, s, d, ever, value, adopted_on, shares)
            flows[s, 1] += 1
    elif st == LOYAL:
        if u < single[s, 0]:
            state[i] = CHURNED
            flows[s, 3] += 1
        if _uniform(k2, i) < single[s, 3]:
            _buy(i, s, d, ever, value, adopted_on, shares)
            flows[s, 1] += 1
    elif st == CHURNED:
        # lapsed: still aware until they forget, still buying in the category
        if u < lapsed_cum[s, 0]:
            state[i] = CUSTOMER  # won back: buys again, a customer once more, not a new adopter
            _buy(i, s, d, ever, value, adopted_on, shares)
            flows[s, 1] += 1
        elif u < lapsed_cum[s, 1]:
            state[i] = UNAWARE
        if _uniform(k2, i) < p_outside[s]:
            flows[s, 2] += 1


@njit(cache=True, parallel=True)
def _customers_day(d, seed, bass, state, seg, ever, value, adopted_on, talk, indptr, indices,
                   shares, aw_base, aw_q, p_unaware, p_outside, aware_cum, cons_cum, cust_cum,
                   lapsed_cum, single, counts_b, ever_b, flows_b, intents_b):
    """One day of every customer, block by block; per-block tallies of the moves and of
    the end-of-day states (counts_b [B, S, N_STATES], ever_b [B, S])."""
    n = state.shape[0]
    n_blocks = counts_b.shape[0]
    network = indptr.shape[0] > 0
    k1 = _stream_key(seed, d, 0)
    k2 = _stream_key(seed, d, 1)
    for b in prange(n_blocks):
        counts_b[b, :, :] = 0
        ever_b[b, :] = 0
        flows_b[b, :, :] = 0
        intents_b[b, :, :] = 0
        for i in range(b * BLOCK, min(n, (b + 1) * BLOCK)):
            _move(i, d, k1, k2, bass, network, state, seg, ever, value, adopted_on, talk,
                  indptr, indices, shares, aw_base, aw_q, p_unaware, p_outside, aware_cum,
                  cons_cum, cust_cum, lapsed_cum, single, flows_b[b], intents_b[b])
            counts_b[b, seg[i], state[i]] += 1
            ever_b[b, seg[i]] += ever[i]


@njit(cache=True)
def _book(s, n, c, shares, day, chan_tot, first):
    """Book n units bought by segment s (through channel c, or -1); first = new customers."""
    if n <= 0:
        return
    revenue = n * shares[s, S_REV_UNIT]
    margin = n * shares[s, S_MARGIN_UNIT]
    day[D_UNITS] += n
    day[D_REVENUE] += revenue
    day[D_MARGIN] += margin
    if first:
        day[D_NEW] += n
    if c >= 0:
        chan_tot[c, CH_REVENUE] += revenue
        chan_tot[c, CH_MARGIN] += margin
        day[D_ATTR_MARGIN] += margin
        if first:
            chan_tot[c, CH_NEW] += n


@njit(cache=True)
def _sum_blocks(counts_b, ever_b, flows_b, intents_b, counts, adopters, flows, intents):
    """Add the blocks' tallies in block order."""
    counts[:, :] = 0
    adopters[:] = 0
    flows[:, :] = 0
    intents[:, :] = 0
    for b in range(counts_b.shape[0]):
        counts += counts_b[b]
        adopters += ever_b[b]
        flows += flows_b[b]
        intents += intents_b[b]


@njit(cache=True)
def _advance_agents(d0, d1, seed, state, seg, ever, value, adopted_on, indptr, indices, counts,
                    adopters, adstock, cum, chan_tot, leak, out, seg_rates, affinity, chan_par,
                    kappa, spend, extra_spend, season, team_par, misc, chan_scale, shares,
                    team_cap):
    """Advance the customers from day d0 (included) to d1 (excluded).

    state/seg/ever [N] int8/int16/int8, value [N] money, adopted_on [N] day (-1: never);
    indptr/indices: the social network in CSR form (empty arrays: well mixed);
    counts [S, N_STATES] and adopters [S]: the customers' tallies, kept up to date;
    misc as for the counts kernel.
    """
    n_seg, n_ch, n_team = counts.shape[0], chan_par.shape[0], team_par.shape[0]
    n = state.shape[0]
    market_size, bass = misc[M_MARKET_SIZE], misc[M_BASS_MODE] > 0
    wom_customers, loyalty_cost = misc[M_WOM_CUSTOMERS] > 0, misc[M_LOYALTY_COST]
    network = indptr.shape[0] > 0
    n_blocks = max(1, (n + BLOCK - 1) // BLOCK)
    h_aw = np.zeros(n_ch)
    h_cv = np.zeros(n_ch)
    haz = np.zeros(3 + n_ch)
    aw_base = np.zeros(n_seg)
    aw_q = np.zeros(n_seg)
    p_unaware = np.zeros(n_seg)
    p_outside = np.zeros(n_seg)
    aware_cum = np.zeros((n_seg, 2))
    cons_cum = np.zeros((n_seg, 3 + n_ch))
    cust_cum = np.zeros((n_seg, 2))
    single = np.zeros((n_seg, 4))
    lapsed_cum = np.zeros((n_seg, 2))
    counts_b = np.zeros((n_blocks, n_seg, N_STATES), dtype=np.int64)
    ever_b = np.zeros((n_blocks, n_seg), dtype=np.int64)
    flows_b = np.zeros((n_blocks, n_seg, 4), dtype=np.int64)
    intents_b = np.zeros((n_blocks, n_seg, n_ch), dtype=np.int64)
    flows = np.zeros((n_seg, 4), dtype=np.int64)
    intents = np.zeros((n_seg, n_ch), dtype=np.int64)
    talk = np.zeros(n if network else 0, dtype=np.int8)
    day = np.zeros(N_DAY)
    for d in range(d0, d1):
        day[:] = 0.0
        media = _media(d, spend, chan_scale, chan_par, market_size, adstock, h_aw, h_cv, chan_tot)
        talkers = 0.0
        for s in range(n_seg):
            talkers += counts[s, CUSTOMER] + counts[s, LOYAL] if wom_customers else adopters[s]
        synergy = 0.0 if bass else _synergy(chan_par, h_aw, kappa)
        _segment_probabilities(d, bass, seg_rates, affinity, season, shares, h_aw, h_cv,
                               synergy, talkers / market_size, aw_base, aw_q, p_unaware,
                               p_outside, aware_cum, cons_cum, cust_cum, lapsed_cum, single, haz)
        if network:
            _talk_snapshot(state, ever, wom_customers, talk)
        _customers_day(d, seed, bass, state, seg, ever, value, adopted_on, talk, indptr,
                       indices, shares, aw_base, aw_q, p_unaware, p_outside, aware_cum,
                       cons_cum, cust_cum, lapsed_cum, single, counts_b, ever_b, flows_b,
                       intents_b)
        _sum_blocks(counts_b, ever_b, flows_b, intents_b, counts, adopters, flows, intents)
        revenue_before = chan_tot[:, CH_REVENUE].copy()
        for s in range(n_seg):
            _book(s, flows[s, 0], -1, shares, day, chan_tot, True)
            _book(s, flows[s, 1], -1, shares, day, chan_tot, False)
            for c in range(n_ch):
                _book(s, intents[s, c], c, shares, day, chan_tot, True)
            day[D_COMP_UNITS] += flows[s, 2]
            day[D_CHURNED] += flows[s, 3]
            leak[L_CHURN_REGULAR] += flows[s, 3]
        team_cost = 0.0
        for t in range(n_team):
            team_cost += team_cap[t, TC_N] * team_par[t, T_COST_PER_DAY]
        commission = 0.0
        for c in range(n_ch):
            fee = (chan_tot[c, CH_REVENUE] - revenue_before[c]) * chan_par[c, C_COMMISSION]
            chan_tot[c, CH_SPEND] += fee
            commission += fee
        loyal = 0.0
        for s in range(n_seg):
            loyal += counts[s, LOYAL]
        day[D_SPEND] = media + commission + loyal * loyalty_cost + extra_spend[d]
        _record(d, counts, adopters, day, team_cost, cum, market_size, misc[M_DISCOUNT_RATE],
                out)
