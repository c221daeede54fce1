"""The compiled population kernel: advances segments x funnel states over a span of days.

Counts of exchangeable customers move between states by binomial/multinomial draws with
competing risks; every hazard of a day is computed from the state at the start of that
day and applied in a fixed order:
spend -> exposures -> funnel -> purchases -> hand-offs -> service (complaints, then
leads) -> record. See docs/model.md.

Kernels are private and take plain arrays; `engine.replication.Replication` calls them.

Arguments, by name (every private kernel uses these names in these meanings; sizes: S
segments, C channels, T teams, D days of the horizon, P days of patience, K hand-off
stages; money in the scenario's currency; rates and hazards per day unless stated):

- time: d the day (0 = start_date); d0, d1 the span [d0, d1); rs the generator state
  (`engine.variates`, keyed by population key and span start).
- population: state [S, N_STATES] people per funnel state (int64); delta [S, N_STATES] the
  day's moves; adopters [S] people who ever bought; s a segment, n a number of people.
- market: seg_rates (rates) [S, N_SEG_RATES] per-day hazards (`model.plan.R_*`); affinity
  [S, C] reach of each channel in each segment (0-1); season [D] seasonal multiplier;
  shares [S, N_SHARE] choice shares and money per unit (`S_*`); talk_share the share of
  the market who talk (0-1); market_size people; synergy the day's synergy hazard.
- media: spend [C, D] planned money per day; chan_scale [C] factor on planned spend;
  extra_spend [D] one-off costs; chan_par [C, N_CHAN_PAR] channel parameters (`C_*`);
  kappa [C, C] synergy weights; adstock [C] carried exposures per person; step the days
  of a channel's adstock step; h_aw, h_cv [C] the day's awareness and conversion
  hazards; media the day's media money.
- sales: intents [S, C] first purchases wanting channel c; organic [S], repeat_units [S],
  units_s [S], new_s [S] units of the day by segment; first whether they are new
  customers; c a channel.
- teams: team_par [T, N_TEAM_PAR] (`T_*`); team_cap [D, T, N_TC] each day's capacity
  controls (`engine.layout.TC_*`: level, ramp, reference day, people), filled for the
  span by `engine.teams.Roster.advance` before the kernel runs; t a team; cap work items
  per day; queue [C, S, P] leads waiting by age in days; cqueue [S, P] complaints by age;
  pipe [C, S, K] leads whose hand-off stage j is under way; patience days; service_team
  the team answering complaints (-1: none); complaint_rate complaints per unit sold;
  lost_after [3] the probability that a complaint's customer churns (unresolved,
  resolved, resolved the same day); team_cost the day's salaries.
- totals: day [N_DAY] the day's running totals (`D_*`); chan_tot [C, N_CH] channel totals
  to date (`engine.layout.CH_*`); revenue_before [C] channel revenue at the start of the
  day; cum [N_CUM] cumulative totals (`CUM_*`); leak [N_LEAK] where people were lost
  (`L_*`); out [K_ROWS, D] the daily KPIs (rows of `mktsim.kpis.KPI_NAMES`); misc
  [N_MISC] the scalar controls (`M_*`); loyalty_cost money per loyal customer per day;
  discount the yearly discount rate of lifetime value.
- hazards: hz [N_HAZARDS + C] a segment's hazards of the day, by route (columns
  `engine.hazards.H_*`, from `hazards._segment_hazards`, which both population engines
  call).
- scratch (filled and read within one call): flat, kept, buf, two, two_kept; ex
  [3 + C] one state's exits by route; repeat [S] repeat units of the day by segment.
- team_chan [T, C] each team's channels, n_team_chan [T] their number (`_team_channels`,
  once per kernel call).
"""

# numba rebuilds this file's cached kernels only when this file changes: the key below
# digests what they compile with (tests/test_numba_cache_keys.py).
# numba cache key: bf849de97cbef583
from __future__ import annotations

import numpy as np
from numba import njit

from ..model.plan import (
    AWARE,
    C_AW_BETA,
    C_AW_CURVE,
    C_AW_K,
    C_AW_S,
    C_CAPACITY,
    C_COMMISSION,
    C_CV_CURVE,
    C_CV_K,
    C_CV_LIFT,
    C_CV_S,
    C_EXPOSURE_PER_MONEY,
    C_HANDOFF_LOSS,
    C_HANDOFF_RATE,
    C_HANDOFF_SKIP,
    C_HANDOFF_STAGES,
    C_NORMALIZE,
    C_STEP_DAYS,
    C_TEAM,
    C_THETA,
    CHURNED,
    CONSIDERING,
    CUSTOMER,
    LOYAL,
    N_STATES,
    S_MARGIN_UNIT,
    S_REV_UNIT,
    T_CLOSE,
    T_CLOSE_DECAY,
    T_COST_PER_DAY,
    T_PATIENCE,
    T_TAU,
    UNAWARE,
    WAITING,
)
from .hazards import (
    H_AWARE,
    H_CONSIDER_FORGET,
    H_FORGET,
    H_LOYAL,
    H_LOYAL_CHURN,
    H_LOYAL_REPEAT,
    H_OUTSIDE,
    H_REPEAT,
    H_WINBACK,
    N_HAZARDS,
    _hazards_of_segment,
    saturation,
)
from .jit import inlined, no_refcount
from .layout import (
    CH_CAPACITY_LOST,
    CH_EXPOSURES,
    CH_LEADS,
    CH_MARGIN,
    CH_NEW,
    CH_REVENUE,
    CH_SATURATION,
    CH_SPEND,
    CUM_ATTR_MARGIN,
    CUM_CATEGORY_UNITS,
    CUM_CHURNED,
    CUM_CUSTOMER_DAYS,
    CUM_DAYS,
    CUM_MARGIN,
    CUM_NEW,
    CUM_OWN_UNITS,
    CUM_SPEND,
    K_ADOPTERS,
    K_AWARENESS,
    K_CAC,
    K_CHURNED,
    K_COMPLAINTS,
    K_CONSIDERATION,
    K_CUSTOMERS,
    K_LEADS,
    K_LEADS_LOST,
    K_LOYAL,
    K_LTV,
    K_MARGIN,
    K_NEW,
    K_PROFIT,
    K_REVENUE,
    K_ROI,
    K_SHARE,
    K_SPEND,
    K_TEAM_COST,
    K_UNITS,
    L_CAPACITY_LOST,
    L_CHURN_COMPLAINT,
    L_CHURN_REGULAR,
    L_COMPLAINTS_RESOLVED,
    L_COMPLAINTS_SAME_DAY,
    L_COMPLAINTS_UNRESOLVED,
    L_HANDOFF_ENTERED,
    L_HANDOFF_LOST,
    L_LEADS_ARRIVED,
    L_LEADS_EXPIRED,
    L_LEADS_HANDLED,
    L_LEADS_NOT_CLOSED,
    M_BASS_MODE,
    M_COMPLAINT_RATE,
    M_DISCOUNT_RATE,
    M_LOYALTY_COST,
    M_MARKET_SIZE,
    M_SERVICE_TEAM,
    M_SMOOTH_DRAWS,
    M_WOM_CUSTOMERS,
    TC_A,
    TC_B,
    TC_N,
    TC_REF,
)
from .variates import binomial, competing_exits, split_without_replacement, uniform

# per-day scratch totals (day array)
D_NEW, D_UNITS, D_REVENUE, D_MARGIN, D_SPEND, D_LEADS, D_LOST, D_CHURNED, D_COMPLAINTS, \
    D_COMP_UNITS, D_ATTR_MARGIN = range(11)
N_DAY = 11


@no_refcount
def _media(d, spend, chan_scale, chan_par, market_size, adstock, h_aw, h_cv, chan_tot):
    """`_media_of_day` as a call (the per-customer kernel's)."""
    return _media_of_day(d, spend, chan_scale, chan_par, market_size, adstock, h_aw, h_cv, chan_tot)


@inlined
def _media_of_day(d, spend, chan_scale, chan_par, market_size, adstock, h_aw, h_cv, chan_tot):
    """Spend -> exposures per person -> adstock (daily, or once per step) -> saturation;
    returns money spent today."""
    total = 0.0
    for c in range(spend.shape[0]):
        money = spend[c, d] * chan_scale[c]
        exposures = money * chan_par[c, C_EXPOSURE_PER_MONEY]
        theta = chan_par[c, C_THETA]
        step = chan_par[c, C_STEP_DAYS]
        if step <= 1.0:
            x = exposures / market_size
            if chan_par[c, C_NORMALIZE] > 0.0:
                x *= 1.0 - theta
            adstock[c] = x + theta * adstock[c]
        elif d % int(step) == 0:  # a step's first day: carry over once, add the step's mean
            x = _step_exposures(d, int(step), spend, chan_scale, c) \
                * chan_par[c, C_EXPOSURE_PER_MONEY] / market_size
            if chan_par[c, C_NORMALIZE] > 0.0:
                x *= 1.0 - theta
            adstock[c] = x + theta * adstock[c]
        # a curve is computed only where its effect is used (0 x a saturation is 0)
        beta, lift = chan_par[c, C_AW_BETA], chan_par[c, C_CV_LIFT]
        sat_aw = (saturation(adstock[c], chan_par[c, C_AW_K], chan_par[c, C_AW_S],
                             chan_par[c, C_AW_CURVE]) if beta != 0.0 else 0.0)
        h_aw[c] = beta * sat_aw
        sat_cv = (saturation(adstock[c], chan_par[c, C_CV_K], chan_par[c, C_CV_S],
                             chan_par[c, C_CV_CURVE]) if lift != 0.0 or beta <= 0.0 else 0.0)
        h_cv[c] = lift * sat_cv
        chan_tot[c, CH_SPEND] += money
        chan_tot[c, CH_EXPOSURES] += exposures
        # saturation of the channel's main effect: awareness if it has one, else conversion
        chan_tot[c, CH_SATURATION] += sat_aw if chan_par[c, C_AW_BETA] > 0.0 else sat_cv
        total += money
    return total


@inlined
def _step_exposures(d, step, spend, chan_scale, c):
    """Channel c's mean money per day over the adstock step that starts on day d (its
    days within the horizon), at today's factor on planned spend."""
    last = min(d + step, spend.shape[1])
    money = 0.0
    for day in range(d, last):
        money += spend[c, day]
    return money * chan_scale[c] / (last - d)


@no_refcount
def _synergy(chan_par, h_aw, kappa):
    """`_synergy_hazard` as a call (the per-customer kernel's)."""
    return _synergy_hazard(chan_par, h_aw, kappa)


@inlined
def _synergy_hazard(chan_par, h_aw, kappa):
    """sum_{c,e} kappa_ce H_c H_e, with H = h_aw / beta (saturation level)."""
    n_ch = h_aw.shape[0]
    total = 0.0
    for c in range(n_ch):
        if chan_par[c, C_AW_BETA] <= 0.0:
            continue
        sat_c = h_aw[c] / chan_par[c, C_AW_BETA]
        for e in range(n_ch):
            if kappa[c, e] > 0.0 and chan_par[e, C_AW_BETA] > 0.0:
                total += kappa[c, e] * sat_c * h_aw[e] / chan_par[e, C_AW_BETA]
    return total


@inlined
def _bass_segment(rs, s, state, adopters, hz, new_s):
    """Bass-consistency mode: unaware -> customer in one step, hazard hz[H_AWARE] =
    (p + qF) x(t) (`hazards._segment_hazards`)."""
    n = binomial(rs, state[s, UNAWARE], -np.expm1(-hz[H_AWARE]))
    state[s, UNAWARE] -= n
    state[s, CUSTOMER] += n
    adopters[s] += n
    new_s[s] += n


@inlined
def _funnel_segment(rs, s, state, delta, hz, intents, organic, repeat_units, out):
    """Draw the day's moves of segment s from its start-of-day counts (into delta), with
    the segment's hazards of the day hz (`hazards._segment_hazards`).

    Returns competitor units bought by people of this segment, and the customers lost.
    """
    n_ch = intents.shape[1]
    # unaware -> aware
    moved = binomial(rs, state[s, UNAWARE], -np.expm1(-hz[H_AWARE]))
    delta[s, UNAWARE] -= moved
    delta[s, AWARE] += moved
    # aware -> unaware (forget), aware -> considering
    competing_exits(rs, state[s, AWARE], hz[H_FORGET:], 2, out)
    delta[s, AWARE] -= out[0] + out[1]
    delta[s, UNAWARE] += out[0]
    delta[s, CONSIDERING] += out[1]
    # considering -> forget, competitor purchase (stays), organic purchase, channel intents
    competing_exits(rs, state[s, CONSIDERING], hz[H_CONSIDER_FORGET:], 3 + n_ch, out)
    delta[s, CONSIDERING] -= out[0] + out[2]
    delta[s, AWARE] += out[0]
    comp_units = out[1]
    organic[s] = out[2]
    for c in range(n_ch):
        intents[s, c] = out[3 + c]
        delta[s, CONSIDERING] -= out[3 + c]
    # customers -> loyal, churned; loyal -> churned; churned -> considering
    competing_exits(rs, state[s, CUSTOMER], hz[H_LOYAL:], 2, out)
    delta[s, CUSTOMER] -= out[0] + out[1]
    delta[s, LOYAL] += out[0]
    delta[s, CHURNED] += out[1]
    churned = out[1]
    lost_loyal = binomial(rs, state[s, LOYAL], -np.expm1(-hz[H_LOYAL_CHURN]))
    delta[s, LOYAL] -= lost_loyal
    delta[s, CHURNED] += lost_loyal
    # lapsed customers stay aware of us (until they forget) and keep buying in the
    # category; those won back buy again: customers once more, not new adopters
    competing_exits(rs, state[s, CHURNED], hz[H_WINBACK:], 2, out)
    back = out[0]
    delta[s, CHURNED] -= out[0] + out[1]
    delta[s, CUSTOMER] += back
    delta[s, UNAWARE] += out[1]
    # repeat purchases by customers and loyal members (they stay where they are)
    repeat_units[s] = back
    repeat_units[s] += binomial(rs, state[s, CUSTOMER], -np.expm1(-hz[H_REPEAT]))
    repeat_units[s] += binomial(rs, state[s, LOYAL], -np.expm1(-hz[H_LOYAL_REPEAT]))
    # category purchases of people who do not consider us go to competitors
    outside = state[s, UNAWARE] + state[s, AWARE] + state[s, CHURNED]
    comp_units += binomial(rs, outside, -np.expm1(-hz[H_OUTSIDE]))
    return comp_units, churned + lost_loyal


@inlined
def _add_sale(s, n, c, shares, day, chan_tot, first):
    """Book n units bought by segment s (through channel c, or -1 for none) in the day's
    totals day [N_DAY] and the channel totals chan_tot [C, N_CH] (money: n x the
    segment's revenue and margin per unit); first = they are new customers. Copied into
    this kernel's day (`jit.inlined`); the per-customer kernel calls it as `_book`."""
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


@no_refcount
def _book(s, n, c, shares, day, chan_tot, first):
    """`_add_sale`, as a call: the per-customer kernel's booking (both population engines
    book sales the same way)."""
    _add_sale(s, n, c, shares, day, chan_tot, first)


@inlined
def _sell(s, n, c, shares, day, chan_tot, adopters, state, first):
    """`_add_sale`, and new customers join the counts: adopters [S], state [S, N_STATES]."""
    if n <= 0:
        return
    _add_sale(s, n, c, shares, day, chan_tot, first)
    if first:
        adopters[s] += n
        state[s, CUSTOMER] += n


@inlined
def _route_intents(rs, intents, chan_par, state, queue, pipe, shares, day, chan_tot, adopters,
                   units_s, leak, buf, kept):
    """Cap each channel's purchase intents at its capacity, then sell or hand to a team."""
    n_seg = intents.shape[0]
    for c in range(intents.shape[1]):
        for s in range(n_seg):
            buf[s] = intents[s, c]
        total = 0
        for s in range(n_seg):
            total += buf[s]
        cap = chan_par[c, C_CAPACITY]
        if total > cap:
            split_without_replacement(rs, buf, n_seg, int(cap), kept)
            for s in range(n_seg):
                excess = buf[s] - kept[s]
                state[s, CONSIDERING] += excess
                chan_tot[c, CH_CAPACITY_LOST] += excess
                leak[L_CAPACITY_LOST] += excess
                buf[s] = kept[s]
        team = int(chan_par[c, C_TEAM])
        for s in range(n_seg):
            n = buf[s]
            if n <= 0:
                continue
            if team < 0:
                _sell(s, n, c, shares, day, chan_tot, adopters, state, True)
                units_s[s] += n
                continue
            state[s, WAITING] += n
            day[D_LEADS] += n
            chan_tot[c, CH_LEADS] += n
            if chan_par[c, C_HANDOFF_STAGES] > 0:
                leak[L_HANDOFF_ENTERED] += n
                _enter_handoff(rs, c, s, n, chan_par, pipe, queue, state, day, leak)
            else:
                _arrive(rs, c, s, n, chan_par, queue, state, day, leak)


@inlined
def _arrive(rs, c, s, n, chan_par, queue, state, day, leak):
    """Leads reach the team's queue, after any hand-off loss."""
    lost = binomial(rs, n, chan_par[c, C_HANDOFF_LOSS])
    if lost > 0:
        state[s, WAITING] -= lost
        state[s, CONSIDERING] += lost
        day[D_LOST] += lost
        leak[L_HANDOFF_LOST] += lost
    queue[c, s, 0] += n - lost
    leak[L_LEADS_ARRIVED] += n - lost


@inlined
def _enter_handoff(rs, c, s, n, chan_par, pipe, queue, state, day, leak):
    """n leads of segment s enter the hand-off from channel c today.

    Each of the k stages is finished the day it starts with probability `skip`, and
    otherwise after a geometric number of days (each day with probability `rate`); see
    `model.compile.handoff_stages`. Leads that finish every stage today arrive today.
    """
    k = int(chan_par[c, C_HANDOFF_STAGES])
    skip = chan_par[c, C_HANDOFF_SKIP]
    start = n
    for j in range(k):
        if start <= 0:
            return
        through = binomial(rs, start, skip)
        pipe[c, s, j] += start - through
        start = through
    if start > 0:
        _arrive(rs, c, s, start, chan_par, queue, state, day, leak)


@inlined
def _handoffs(rs, chan_par, pipe, queue, state, day, leak):
    """Advance the stages of the leads between departments by one day.

    pipe[c, s, j] counts the leads whose stage j is under way (begun on an earlier day).
    Each finishes today with probability `rate`; a lead that finishes stage j starts
    stage j + 1 today and finishes that one today too with probability `skip`, and so on;
    one that finishes the last stage reaches the team's queue. Empty stages take no draw.
    """
    for c in range(pipe.shape[0]):
        k = int(chan_par[c, C_HANDOFF_STAGES])
        if k <= 0:
            continue
        rate = chan_par[c, C_HANDOFF_RATE]
        skip = chan_par[c, C_HANDOFF_SKIP]
        for s in range(pipe.shape[1]):
            start = 0  # leads starting stage j today
            for j in range(k):
                waiting = pipe[c, s, j]
                if waiting <= 0 and start <= 0:
                    continue
                done = binomial(rs, waiting, rate)
                through = binomial(rs, start, skip)
                pipe[c, s, j] = waiting - done + start - through
                start = done + through
            if start > 0:
                _arrive(rs, c, s, start, chan_par, queue, state, day, leak)


@inlined
def _capacity(rs, t, d, team_cap, team_par):
    """Work items team t can handle on day d (learning curve; random rounding).

    A team at full skill (ramp TC_B = 0) skips the curve's exp: level - 0 x exp(...) is
    the level exactly, the same bits, for a reference day not in the future."""
    if team_cap[t, TC_N] <= 0:
        return 0
    cap = team_cap[t, TC_A]
    if team_cap[t, TC_B] != 0.0 or d < team_cap[t, TC_REF]:
        tau = team_par[t, T_TAU]
        cap -= team_cap[t, TC_B] * np.exp(-(d - team_cap[t, TC_REF]) / tau)
    cap = max(cap, 0.0)
    whole = int(cap)
    if whole < cap and uniform(rs) < cap - whole:
        whole += 1
    return whole


@inlined
def _lose_customers(rs, s, n, state, flat, kept):
    """Remove up to n customers of segment s (customers and loyal alike) to churned."""
    flat[0] = state[s, CUSTOMER]
    flat[1] = state[s, LOYAL]
    split_without_replacement(rs, flat, 2, n, kept)
    state[s, CUSTOMER] -= kept[0]
    state[s, LOYAL] -= kept[1]
    state[s, CHURNED] += kept[0] + kept[1]
    return kept[0] + kept[1]


@inlined
def _serve_complaints(rs, cap, cqueue, patience, lost_after, state, day, leak, flat, kept, two,
                      two_kept):
    """The service team answers complaints, oldest first; returns capacity left."""
    n_seg = cqueue.shape[0]
    for age in range(patience - 1, -1, -1):
        if cap <= 0:
            break
        waiting = 0
        for s in range(n_seg):
            flat[s] = cqueue[s, age]
            waiting += flat[s]
        if waiting == 0:  # an empty age bin: nothing to draw
            continue
        split_without_replacement(rs, flat, n_seg, cap, kept)
        for s in range(n_seg):
            h = kept[s]
            if h <= 0:
                continue
            cap -= h
            cqueue[s, age] -= h
            p_lost = lost_after[2] if age == 0 else lost_after[1]
            lost = _lose_customers(rs, s, binomial(rs, h, p_lost), state, two, two_kept)
            day[D_CHURNED] += lost
            leak[L_CHURN_COMPLAINT] += lost
            if age == 0:
                leak[L_COMPLAINTS_SAME_DAY] += h
            else:
                leak[L_COMPLAINTS_RESOLVED] += h
    return cap


@inlined
def _expire_complaints(rs, cqueue, patience, lost_after, state, day, leak, two, two_kept):
    """Complaints that waited `patience` days are unresolved; the rest age one day."""
    for s in range(cqueue.shape[0]):
        n = cqueue[s, patience - 1]
        if n > 0:
            leak[L_COMPLAINTS_UNRESOLVED] += n
            lost = _lose_customers(rs, s, binomial(rs, n, lost_after[0]), state, two, two_kept)
            day[D_CHURNED] += lost
            leak[L_CHURN_COMPLAINT] += lost
        for age in range(patience - 1, 0, -1):
            cqueue[s, age] = cqueue[s, age - 1]
        cqueue[s, 0] = 0


@no_refcount
def _team_channels(chan_par, team_chan, n_team_chan):
    """Fill team_chan [T, C] with each team's channels in channel order, their number in
    n_team_chan [T] (a channel with no team, C_TEAM < 0, is in no row)."""
    for t in range(n_team_chan.shape[0]):
        n_team_chan[t] = 0
    for c in range(chan_par.shape[0]):
        t = int(chan_par[c, C_TEAM])
        if 0 <= t < n_team_chan.shape[0]:
            team_chan[t, n_team_chan[t]] = c
            n_team_chan[t] += 1


@inlined
def _serve_leads(rs, t, cap, team_chan, n_team_chan, team_par, queue, shares, state, day,
                 chan_tot, adopters, leak, flat, kept, units_s):
    """Team t answers its channels' leads (team_chan[t, :n_team_chan[t]], `_team_channels`),
    oldest first; answered leads may buy.

    The groups (channel, segment) of the split are those of t's channels only: another
    team's channel would be an empty group, which takes no draw. A team without channels
    has nothing to do."""
    n_seg, k = queue.shape[1], n_team_chan[t]
    if k == 0:
        return cap
    patience = int(team_par[t, T_PATIENCE])
    for age in range(patience - 1, -1, -1):
        if cap <= 0:
            break
        waiting = 0
        m = 0
        for i in range(k):
            c = team_chan[t, i]
            for s in range(n_seg):
                flat[m] = queue[c, s, age]
                waiting += flat[m]
                m += 1
        if waiting == 0:  # an empty age bin: nothing to draw
            continue
        split_without_replacement(rs, flat, m, cap, kept)
        p_close = team_par[t, T_CLOSE] * team_par[t, T_CLOSE_DECAY] ** age
        m = 0
        for i in range(k):
            c = team_chan[t, i]
            for s in range(n_seg):
                h = kept[m]
                m += 1
                if h <= 0:
                    continue
                cap -= h
                queue[c, s, age] -= h
                state[s, WAITING] -= h
                leak[L_LEADS_HANDLED] += h
                closed = binomial(rs, h, p_close)
                state[s, CONSIDERING] += h - closed
                leak[L_LEADS_NOT_CLOSED] += h - closed
                _sell(s, closed, c, shares, day, chan_tot, adopters, state, True)
                units_s[s] += closed
    return cap


@inlined
def _expire_leads(t, team_chan, n_team_chan, team_par, queue, state, day, leak):
    """Leads of team t (channels team_chan[t, :n_team_chan[t]]) that waited `patience` days
    are lost; the rest age one day."""
    patience = int(team_par[t, T_PATIENCE])
    for i in range(n_team_chan[t]):
        c = team_chan[t, i]
        for s in range(queue.shape[1]):
            n = queue[c, s, patience - 1]
            if n > 0:
                state[s, WAITING] -= n
                state[s, CONSIDERING] += n
                day[D_LOST] += n
                leak[L_LEADS_EXPIRED] += n
            for age in range(patience - 1, 0, -1):
                queue[c, s, age] = queue[c, s, age - 1]
            queue[c, s, 0] = 0


@inlined
def _new_complaints(rs, units_s, complaint_rate, service_team, cqueue, lost_after, state, day,
                    leak, two, two_kept):
    """Complaints about the day's sales join the service queue (or go unanswered)."""
    for s in range(units_s.shape[0]):
        n = binomial(rs, units_s[s], complaint_rate)
        if n <= 0:
            continue
        day[D_COMPLAINTS] += n
        if service_team >= 0:
            cqueue[s, 0] += n
        else:
            leak[L_COMPLAINTS_UNRESOLVED] += n
            lost = _lose_customers(rs, s, binomial(rs, n, lost_after[0]), state, two, two_kept)
            day[D_CHURNED] += lost
            leak[L_CHURN_COMPLAINT] += lost


@inlined
def _record(d, state, adopters, day, team_cost, cum, market_size, discount, out):
    """Write day d's KPIs (the rows of mktsim.kpis.KPI_NAMES) into out[:, d]."""
    aware = 0.0
    considering = 0.0
    customers = 0.0
    loyal = 0.0
    total_adopters = 0.0
    for s in range(state.shape[0]):
        considering += state[s, CONSIDERING] + state[s, WAITING]
        customers += state[s, CUSTOMER] + state[s, LOYAL]
        loyal += state[s, LOYAL]
        aware += state[s, AWARE] + state[s, CONSIDERING] + state[s, WAITING]
        aware += state[s, CUSTOMER] + state[s, LOYAL] + state[s, CHURNED]
        total_adopters += adopters[s]
    cum[CUM_OWN_UNITS] += day[D_UNITS]
    cum[CUM_CATEGORY_UNITS] += day[D_UNITS] + day[D_COMP_UNITS]
    cum[CUM_SPEND] += day[D_SPEND]
    cum[CUM_NEW] += day[D_NEW]
    cum[CUM_ATTR_MARGIN] += day[D_ATTR_MARGIN]
    cum[CUM_MARGIN] += day[D_MARGIN]
    cum[CUM_CUSTOMER_DAYS] += customers
    cum[CUM_CHURNED] += day[D_CHURNED]
    cum[CUM_DAYS] += 1.0
    out[K_AWARENESS, d] = aware / market_size
    out[K_CONSIDERATION, d] = considering / market_size
    out[K_CUSTOMERS, d] = customers
    out[K_NEW, d] = day[D_NEW]
    out[K_ADOPTERS, d] = total_adopters
    out[K_UNITS, d] = day[D_UNITS]
    out[K_REVENUE, d] = day[D_REVENUE]
    out[K_MARGIN, d] = day[D_MARGIN]
    out[K_SPEND, d] = day[D_SPEND]
    out[K_TEAM_COST, d] = team_cost
    out[K_PROFIT, d] = day[D_MARGIN] - day[D_SPEND] - team_cost
    cat = cum[CUM_CATEGORY_UNITS]
    out[K_SHARE, d] = cum[CUM_OWN_UNITS] / cat if cat > 0 else 0.0
    out[K_LEADS, d] = day[D_LEADS]
    out[K_LEADS_LOST, d] = day[D_LOST]
    out[K_CHURNED, d] = day[D_CHURNED]
    out[K_LOYAL, d] = loyal
    out[K_COMPLAINTS, d] = day[D_COMPLAINTS]
    spent = cum[CUM_SPEND]
    out[K_ROI, d] = (cum[CUM_ATTR_MARGIN] - spent) / spent if spent > 0 else np.nan
    out[K_CAC, d] = spent / cum[CUM_NEW] if cum[CUM_NEW] > 0 else np.nan
    out[K_LTV, d] = _lifetime_value(cum, discount)


@inlined
def _lifetime_value(cum, discount):
    """m r / (1 + i - r): m margin per customer per year, r = exp(-churn per year), both
    from the totals to date; NaN before there are customers."""
    if cum[CUM_CUSTOMER_DAYS] <= 0.0:
        return np.nan
    customers = cum[CUM_CUSTOMER_DAYS] / cum[CUM_DAYS]
    years = cum[CUM_DAYS] / 365.0
    margin = cum[CUM_MARGIN] / customers / years
    retention = np.exp(-cum[CUM_CHURNED] / customers / years)
    return margin * retention / (1.0 + discount - retention)


@no_refcount
def _team_cost(team_cap, team_par):
    """`_salaries` as a call (the per-customer kernel's)."""
    return _salaries(team_cap, team_par)


@inlined
def _salaries(team_cap, team_par):
    """The teams' salaries of one day (money): people x cost per person-day."""
    cost = 0.0
    for t in range(team_par.shape[0]):
        cost += team_cap[t, TC_N] * team_par[t, T_COST_PER_DAY]
    return cost


@no_refcount
def _close_day(d, state, adopters, day, media, team_cost, revenue_before, chan_tot, chan_par,
               loyalty_cost, extra_spend, cum, market_size, discount, out):
    """`_end_day` as a call (the per-customer kernel's)."""
    _end_day(d, state, adopters, day, media, team_cost, revenue_before, chan_tot, chan_par,
             loyalty_cost, extra_spend, cum, market_size, discount, out)


@inlined
def _end_day(d, state, adopters, day, media, team_cost, revenue_before, chan_tot, chan_par,
             loyalty_cost, extra_spend, cum, market_size, discount, out):
    """End of day d, in both population engines: commissions on the day's channel revenue
    (revenue_before [C]: channel revenue at the start of the day) booked as channel spend;
    the day's spend = media + commissions + loyalty programme (loyal customers x
    loyalty_cost per day) + one-off costs extra_spend [D]; then the day's KPIs recorded
    into out [K, D] (`_record`). Money in the scenario's currency."""
    commission = 0.0
    for c in range(chan_tot.shape[0]):
        fee = (chan_tot[c, CH_REVENUE] - revenue_before[c]) * chan_par[c, C_COMMISSION]
        chan_tot[c, CH_SPEND] += fee
        commission += fee
    loyal = 0.0
    for s in range(state.shape[0]):
        loyal += state[s, LOYAL]
    day[D_SPEND] = media + commission + loyal * loyalty_cost + extra_spend[d]
    _record(d, state, adopters, day, team_cost, cum, market_size, discount, out)


@njit(cache=True)
def _advance(d0, d1, rs, state, adopters, adstock, queue, cqueue, pipe, cum, chan_tot, leak,
             out, seg_rates, affinity, chan_par, kappa, spend, extra_spend, season, team_par,
             misc, lost_after, chan_scale, shares, team_cap):
    """Advance the population from day d0 (included) to d1 (excluded), drawing from the
    generator state `rs` (`engine.variates`).

    misc [N_MISC]: the scalar controls named by the M_* columns of `engine.layout`. This
    allocates the scratch arrays; `_days` runs the days. With misc[M_SMOOTH_DRAWS] it draws
    from a copy of `rs` flagged for smooth binomials (`variates.smooth_stream`).
    """
    if misc[M_SMOOTH_DRAWS] > 0:
        smooth = np.empty(2, dtype=np.uint64)
        smooth[0], smooth[1] = rs[0], 1
        rs = smooth
    n_seg, n_ch, n_team = state.shape[0], chan_par.shape[0], team_par.shape[0]
    h_aw = np.zeros(n_ch)
    h_cv = np.zeros(n_ch)
    hz = np.zeros(N_HAZARDS + n_ch)
    ex = np.zeros(3 + n_ch, dtype=np.int64)
    delta = np.zeros((n_seg, N_STATES), dtype=np.int64)
    intents = np.zeros((n_seg, n_ch), dtype=np.int64)
    organic = np.zeros(n_seg, dtype=np.int64)
    repeat = np.zeros(n_seg, dtype=np.int64)
    units_s = np.zeros(n_seg, dtype=np.int64)
    flat = np.zeros(n_ch * n_seg + n_seg + 2, dtype=np.int64)
    kept = np.zeros(n_ch * n_seg + n_seg + 2, dtype=np.int64)
    two = np.zeros(2, dtype=np.int64)
    two_kept = np.zeros(2, dtype=np.int64)
    day = np.zeros(N_DAY)
    revenue_before = np.zeros(n_ch)
    team_chan = np.zeros((n_team, n_ch), dtype=np.int64)
    n_team_chan = np.zeros(n_team, dtype=np.int64)
    _team_channels(chan_par, team_chan, n_team_chan)
    _days(d0, d1, rs, state, adopters, adstock, queue, cqueue, pipe, cum, chan_tot, leak, out,
          seg_rates, affinity, chan_par, kappa, spend, extra_spend, season, team_par, misc,
          lost_after, chan_scale, shares, team_cap, h_aw, h_cv, hz, ex, delta, intents, organic,
          repeat, units_s, flat, kept, two, two_kept, day, revenue_before, team_chan,
          n_team_chan)


@no_refcount
def _days(d0, d1, rs, state, adopters, adstock, queue, cqueue, pipe, cum, chan_tot, leak, out,
          seg_rates, affinity, chan_par, kappa, spend, extra_spend, season, team_par, misc,
          lost_after, chan_scale, shares, team_cap, h_aw, h_cv, hz, ex, delta, intents, organic,
          repeat, units_s, flat, kept, two, two_kept, day, revenue_before, team_chan,
          n_team_chan):
    """`_advance`'s days d0..d1-1, with its scratch arrays (named as in the module's
    docstring; team_chan, n_team_chan from `_team_channels`).

    One compiled function without reference counting: the day's helpers marked
    `jit.inlined` are copied into it, so that a day makes no call with a dozen arrays
    (each passed as its pointers, shape and strides) except to the samplers and to the
    helpers the per-customer kernel shares.
    """
    n_seg, n_ch = state.shape[0], chan_par.shape[0]
    market_size, bass_mode = misc[M_MARKET_SIZE], misc[M_BASS_MODE] > 0
    wom_customers, service_team = misc[M_WOM_CUSTOMERS] > 0, int(misc[M_SERVICE_TEAM])
    complaint_rate, loyalty_cost = misc[M_COMPLAINT_RATE], misc[M_LOYALTY_COST]
    for d in range(d0, d1):
        for i in range(N_DAY):
            day[i] = 0.0
        for s in range(n_seg):
            units_s[s] = 0
        for c in range(n_ch):
            revenue_before[c] = chan_tot[c, CH_REVENUE]
        media = _media_of_day(d, spend, chan_scale, chan_par, market_size, adstock, h_aw, h_cv,
                              chan_tot)
        talkers = 0.0
        for s in range(n_seg):
            talkers += state[s, CUSTOMER] + state[s, LOYAL] if wom_customers else adopters[s]
        talk_share = talkers / market_size
        if bass_mode:
            for s in range(n_seg):
                _hazards_of_segment(s, d, True, talk_share, seg_rates, affinity, season, shares,
                                    h_aw, h_cv, 0.0, hz)
                _bass_segment(rs, s, state, adopters, hz, units_s)
            for s in range(n_seg):
                _sell(s, units_s[s], -1, shares, day, chan_tot, adopters, state, False)
                day[D_NEW] += units_s[s]
        else:
            _funnel_day(rs, d, state, adopters, chan_par, kappa, seg_rates, affinity, season,
                        shares, h_aw, h_cv, talk_share, hz, delta, intents, organic, repeat, ex,
                        day, leak)
            for s in range(n_seg):
                _sell(s, organic[s], -1, shares, day, chan_tot, adopters, state, True)
                _sell(s, repeat[s], -1, shares, day, chan_tot, adopters, state, False)
                units_s[s] += organic[s] + repeat[s]
            _handoffs(rs, chan_par, pipe, queue, state, day, leak)
            _route_intents(rs, intents, chan_par, state, queue, pipe, shares, day, chan_tot,
                           adopters, units_s, leak, flat, kept)
        team_cost = _salaries(team_cap[d], team_par)
        _teams_day(rs, d, team_cap, team_par, service_team, cqueue, queue, lost_after, state,
                   day, chan_tot, adopters, shares, leak, flat, kept, two, two_kept, units_s,
                   team_chan, n_team_chan)
        _new_complaints(rs, units_s, complaint_rate, service_team, cqueue, lost_after, state, day,
                        leak, two, two_kept)
        _end_day(d, state, adopters, day, media, team_cost, revenue_before, chan_tot, chan_par,
                 loyalty_cost, extra_spend, cum, market_size, misc[M_DISCOUNT_RATE], out)


@inlined
def _funnel_day(rs, d, state, adopters, chan_par, kappa, seg_rates, affinity, season, shares,
                h_aw, h_cv, talk_share, hz, delta, intents, organic, repeat, ex, day, leak):
    """The synergy, each segment's hazards and funnel draws (`_funnel_segment`, into
    delta), then the day's moves added to the counts (funnel mode)."""
    synergy = _synergy_hazard(chan_par, h_aw, kappa)
    n_seg = state.shape[0]
    for s in range(n_seg):
        for i in range(N_STATES):
            delta[s, i] = 0
    for s in range(n_seg):
        _hazards_of_segment(s, d, False, talk_share, seg_rates, affinity, season, shares,
                            h_aw, h_cv, synergy, hz)
        comp, churned = _funnel_segment(rs, s, state, delta, hz, intents, organic, repeat, ex)
        day[D_COMP_UNITS] += comp
        day[D_CHURNED] += churned
        leak[L_CHURN_REGULAR] += churned
    for s in range(n_seg):
        for i in range(N_STATES):
            state[s, i] += delta[s, i]


@inlined
def _teams_day(rs, d, team_cap, team_par, service_team, cqueue, queue, lost_after, state, day,
               chan_tot, adopters, shares, leak, flat, kept, two, two_kept, units_s, team_chan,
               n_team_chan):
    """Every team's work of day d: its capacity, then complaints (the service team) and
    its channels' leads, oldest first, and what waited too long expires."""
    for t in range(team_par.shape[0]):
        cap = _capacity(rs, t, d, team_cap[d], team_par)
        if t == service_team:
            patience = int(team_par[t, T_PATIENCE])
            cap = _serve_complaints(rs, cap, cqueue, patience, lost_after, state, day, leak,
                                    flat, kept, two, two_kept)
            _expire_complaints(rs, cqueue, patience, lost_after, state, day, leak, two,
                               two_kept)
        _serve_leads(rs, t, cap, team_chan, n_team_chan, team_par, queue, shares, state, day,
                     chan_tot, adopters, leak, flat, kept, units_s)
        _expire_leads(t, team_chan, n_team_chan, team_par, queue, state, day, leak)
