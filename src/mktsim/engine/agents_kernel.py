"""The per-customer kernel: advances an array of customers over a span of days.

Each customer has a class (int16: segment index << 3 | funnel state, a column of
`model.plan`), an ever-adopted flag, the revenue they have brought (individual lifetime
value) and the day of their first purchase. The daily hazards are those of the counts
kernel (`kernel.py`), from the same function (`hazards._segment_hazards`); only the
variates differ: every customer takes one uniform number a day from a counter-based
generator, u = SplitMix64 output number i of the stream of (seed, day), so the numbers
depend only on the seed, the day and the customer's index, never on the thread that
draws them. The interval of the day's route table u falls in
decides the customer's move; where it falls inside that interval decides the day's second
event (a purchase that moves nobody), see `_customers_day`. Most days nothing happens to
a customer (a quiet day): one comparison of the variate, as a 53-bit integer, with a
threshold of the customer's class decides it (`_quiet_thresholds`). The threshold is the
exact boundary of the tests of the full path, so the results are those of testing the
routes and the event one by one. Customers are updated in fixed blocks with `prange`:
each block counts its moves into its own row, and the rows are summed in block order, so
the results are bit-identical for any number of threads.

Word of mouth: well mixed, `talk = talkers / M` as in the counts kernel; on a network
(CSR arrays `indptr`, `indices`), `talk_i = talking neighbours of i / degree of i`, read
from a snapshot of who talks at the start of the day.

Not modelled here: teams, leads, hand-offs, complaints, channel capacity (a channel with
a team sells directly). See docs/model.md, "The per-customer engine".
"""

# numba rebuilds this file's cached kernels only when this file changes: the key below
# digests what they compile with (tests/test_numba_cache_keys.py).
# numba cache key: 7d0f7f1ea8308685
from __future__ import annotations

import numpy as np
from numba import njit, prange

from ..model.plan import (
    AWARE,
    CHURNED,
    CONSIDERING,
    CUSTOMER,
    LOYAL,
    N_STATES,
    S_REV_UNIT,
    UNAWARE,
)
from .hazards import (
    H_AWARE,
    H_CONSIDER_FORGET,
    H_FORGET,
    H_IMITATION,
    H_LOYAL,
    H_LOYAL_CHURN,
    H_LOYAL_REPEAT,
    H_OUTSIDE,
    H_REPEAT,
    H_WINBACK,
    N_HAZARDS,
    _segment_hazards,
)
from .jit import no_refcount
from .kernel import (
    D_CHURNED,
    D_COMP_UNITS,
    N_DAY,
    _book,
    _close_day,
    _media,
    _synergy,
    _team_cost,
)
from .layout import (
    CH_REVENUE,
    L_CHURN_REGULAR,
    M_BASS_MODE,
    M_DISCOUNT_RATE,
    M_LOYALTY_COST,
    M_MARKET_SIZE,
    M_WOM_CUSTOMERS,
)

BLOCK = 4096  # customers per block of the parallel update (fixed: results must not vary)
CLASS_SHIFT = 3  # a customer's class is segment << CLASS_SHIFT | funnel state
CLASS_WIDTH = 1 << CLASS_SHIFT  # classes per segment (N_STATES of them used)
STATE_MASK = CLASS_WIDTH - 1
GRID = 1 << 53  # draws a day per customer: the uniform is m / GRID, m = 0..GRID-1
UNIT = 1.0 / GRID
WIRED_MARGIN = 8  # units of the grid: see `_quiet_thresholds`


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
def _variate(key, i):
    """Variate i of the stream `key`, as a 53-bit integer m (uint64): the uniform is
    m * 2^-53, exactly (`_uniform`)."""
    return _splitmix64(key + np.uint64(i) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(11)


@njit(cache=True, inline="always")
def _uniform(key, i):
    """Output i of the stream `key`, as a double in [0, 1) with 53 random bits."""
    return float(_variate(key, i)) * UNIT


@no_refcount
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


# What a route of a customer's day does besides moving them (codes of the route tables)
EV_NONE = 0
EV_FIRST = 1  # buys for the first time, organically (new customer)
EV_COMPETITOR = 2  # buys one unit in the category from a competitor
EV_CHURN = 3  # stops buying from us (lapsed)
EV_REPEAT = 4  # buys again (repeat or won back)
EV_CHANNEL = 5  # buys for the first time through channel (code - EV_CHANNEL)


@njit(cache=True)
def _route_tables(bass, n_ch):
    """The routes out of each state: n_routes [N_STATES], dest and event [N_STATES, R]
    (R = 3 + channels), second [N_STATES] the event of the day's second draw.

    Route r of state st is taken when u < cum[s, st, r] (cumulative over r); the second
    draw (a purchase that does not move the customer) happens when u2 < p2[s, st].
    """
    n_r = 3 + n_ch
    n_routes = np.zeros(N_STATES, dtype=np.int64)
    dest = np.zeros((N_STATES, n_r), dtype=np.int8)
    event = np.zeros((N_STATES, n_r), dtype=np.int64)
    second = np.zeros(N_STATES, dtype=np.int64)
    n_routes[UNAWARE] = 1
    if bass:
        dest[UNAWARE, 0], event[UNAWARE, 0] = CUSTOMER, EV_FIRST
        return n_routes, dest, event, second
    dest[UNAWARE, 0] = AWARE
    n_routes[AWARE] = 2
    dest[AWARE, 0], dest[AWARE, 1] = UNAWARE, CONSIDERING
    n_routes[CONSIDERING] = 3 + n_ch
    dest[CONSIDERING, 0] = AWARE
    dest[CONSIDERING, 1], event[CONSIDERING, 1] = CONSIDERING, EV_COMPETITOR
    dest[CONSIDERING, 2], event[CONSIDERING, 2] = CUSTOMER, EV_FIRST
    for c in range(n_ch):
        dest[CONSIDERING, 3 + c], event[CONSIDERING, 3 + c] = CUSTOMER, EV_CHANNEL + c
    n_routes[CUSTOMER] = 2
    dest[CUSTOMER, 0] = LOYAL
    dest[CUSTOMER, 1], event[CUSTOMER, 1] = CHURNED, EV_CHURN
    n_routes[LOYAL] = 1
    dest[LOYAL, 0], event[LOYAL, 0] = CHURNED, EV_CHURN
    n_routes[CHURNED] = 2
    dest[CHURNED, 0], event[CHURNED, 0] = CUSTOMER, EV_REPEAT
    dest[CHURNED, 1] = UNAWARE
    second[UNAWARE] = second[AWARE] = second[CHURNED] = EV_COMPETITOR
    second[CUSTOMER] = second[LOYAL] = EV_REPEAT
    return n_routes, dest, event, second


@njit(cache=True)
def _segment_probabilities(d, bass, seg_rates, affinity, season, shares, h_aw, h_cv, synergy,
                           talk_share, aw_base, aw_q, cum, p2, hz):
    """The day's probabilities per segment, from the hazards both population engines share
    (`hazards._segment_hazards`, into hz [N_HAZARDS + C]).

    Unaware people: daily hazard aw_base + aw_q * talk (talk: share of people who talk, or
    of a customer's neighbours on a network): aw_base the awareness hazard at a talk share
    of 0, aw_q its word-of-mouth part per unit of talk. cum [S, N_STATES, R]: the
    cumulative probabilities of the routes of `_route_tables` (the unaware route with the
    well-mixed talk share); p2 [S, N_STATES]: the probability of the second draw's event
    (a competitor's unit for the unaware, aware and lapsed; a repeat purchase for
    customers and loyal customers).
    """
    n_ch = h_aw.shape[0]
    for s in range(seg_rates.shape[0]):
        _segment_hazards(s, d, bass, 0.0, seg_rates, affinity, season, shares, h_aw, h_cv,
                         synergy, hz)
        aw_base[s] = hz[H_AWARE]
        aw_q[s] = hz[H_IMITATION]
        cum[s, UNAWARE, 0] = -np.expm1(-(aw_base[s] + aw_q[s] * talk_share))
        if bass:
            continue
        outside = -np.expm1(-hz[H_OUTSIDE])
        p2[s, UNAWARE] = p2[s, AWARE] = p2[s, CHURNED] = outside
        _cumulative(hz[H_FORGET:], 2, cum[s, AWARE])
        _cumulative(hz[H_CONSIDER_FORGET:], 3 + n_ch, cum[s, CONSIDERING])
        _cumulative(hz[H_LOYAL:], 2, cum[s, CUSTOMER])
        cum[s, LOYAL, 0] = -np.expm1(-hz[H_LOYAL_CHURN])
        _cumulative(hz[H_WINBACK:], 2, cum[s, CHURNED])
        p2[s, CUSTOMER] = -np.expm1(-hz[H_REPEAT])
        p2[s, LOYAL] = -np.expm1(-hz[H_LOYAL_REPEAT])


@njit(cache=True, parallel=True)
def _talk_snapshot(cls, ever, wom_customers, talk):
    """talk[i] = 1 when customer i talks at the start of the day."""
    for i in prange(cls.shape[0]):
        if wom_customers:
            st = cls[i] & STATE_MASK
            talk[i] = 1 if st in (CUSTOMER, LOYAL) else 0
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


@no_refcount
def _event(i, s, d, code, ever, value, adopted_on, shares, flows, intents, ever_delta):
    """What customer i (segment s) does on day d besides moving (an event code); flows[s]:
    organic first, repeat, competitor units, churned; intents[s, c] first purchases
    through channel c; ever_delta[s] customers who bought for the first time."""
    if code == EV_COMPETITOR:
        flows[s, 2] += 1
    elif code == EV_CHURN:
        flows[s, 3] += 1
    elif code != EV_NONE:
        if ever[i] == 0:
            ever[i] = 1
            adopted_on[i] = d
            ever_delta[s] += 1
        value[i] += shares[s, S_REV_UNIT]
        if code == EV_FIRST:
            flows[s, 0] += 1
        elif code == EV_REPEAT:
            flows[s, 1] += 1
        else:
            intents[s, code - EV_CHANNEL] += 1


@njit(cache=True, parallel=True)
def _customers_day(d, seed, cls, ever, value, adopted_on, talk, indptr, indices, shares,
                   aw_base, aw_q, n_routes, dest, event, second, cum, leave, p2, quiet,
                   counts_b, ever_b, flows_b, intents_b):
    """One day of every customer, block by block.

    In: cls [N] the customers' classes (segment << 3 | state); the route tables
    (`_route_tables`); the day's cumulative route probabilities cum [S, 8, R], and per
    class c the probability of any move leave [S * 8], of the second event p2 [S * 8] and
    the least draw of a quiet day quiet [S * 8] (`_quiet_thresholds`).
    Out, per block: counts_b [B, S, N_STATES] the change of the state counts, ever_b
    [B, S] the new adopters, flows_b [B, S, 4] and intents_b [B, S, C] the day's
    purchases and churn.

    Each customer takes uniform number i of the day's stream: which interval of the
    route table it falls in decides the move, and where it falls inside that interval
    (rescaled to [0, 1), uniform and independent of the move) decides the second event.
    The precision left after rescaling is at least 2^-53 / (the interval's width), so
    about 2^-36 for a daily probability of 1e-5."""
    n = cls.shape[0]
    network = indptr.shape[0] > 0
    k1 = _stream_key(seed, d, 0)
    for b in prange(counts_b.shape[0]):
        counts_b[b, :, :] = 0
        ever_b[b, :] = 0
        flows_b[b, :, :] = 0
        intents_b[b, :, :] = 0
        _customers_block(b * BLOCK, min(n, (b + 1) * BLOCK), d, k1, network, cls, ever,
                         value, adopted_on, talk, indptr, indices, shares, aw_base, aw_q,
                         n_routes, dest, event, second, cum, leave, p2, quiet, counts_b[b],
                         ever_b[b], flows_b[b], intents_b[b])


@no_refcount
def _customers_block(first, last, d, k1, network, cls, ever, value, adopted_on, talk, indptr,
                     indices, shares, aw_base, aw_q, n_routes, dest, event, second, cum,
                     leave, p2, quiet, counts, ever_new, flows, intents):
    """Customers first..last-1 on day d; their tallies into counts [S, N_STATES] (changes),
    ever_new [S], flows [S, 4] and intents [S, C]. A quiet day (no move, no second event:
    most days) costs one class, one draw and one threshold of the class; the rest take
    `_customer_day`."""
    for i in range(first, last):
        # unsigned indices: no test for negative ones (wraparound) in the hot loop
        c = cls[np.uint64(i)]
        m = _variate(k1, i)
        if m >= quiet[np.uint16(c)]:
            continue
        _customer_day(i, c, float(m) * UNIT, d, network, cls, ever, value, adopted_on, talk,
                      indptr, indices, shares, aw_base, aw_q, n_routes, dest, event, second,
                      cum, leave, p2, counts, ever_new, flows, intents)


@no_refcount
def _customer_day(i, c, u, d, network, cls, ever, value, adopted_on, talk, indptr, indices,
                  shares, aw_base, aw_q, n_routes, dest, event, second, cum, leave, p2, counts,
                  ever_new, flows, intents):
    """Customer i (class c, uniform u of day d) on a day that may not be quiet: the move
    and the second event, into the block's tallies."""
    p_move = leave[c]
    wired = network and (c & STATE_MASK) == UNAWARE
    if wired:
        s = c >> CLASS_SHIFT
        p_move = -np.expm1(-(aw_base[s] + aw_q[s] * _neighbour_talk(i, indptr, indices,
                                                                     talk)))
    lo, hi = p_move, 1.0  # the interval of u that decided the move
    if u < p_move:  # a move (rare): which route
        s, st = c >> CLASS_SHIFT, c & STATE_MASK
        r = 0
        lo = 0.0
        while r < n_routes[st] - 1 and not u < cum[s, st, r]:
            lo = cum[s, st, r]
            r += 1
        hi = p_move if wired else cum[s, st, r]
        _take_route(i, s, st, r, d, cls, dest, event, ever, value, adopted_on, shares,
                    counts, ever_new, flows, intents)
    q = p2[c]
    # given the interval u fell in, (u - lo) / (hi - lo) is uniform on [0, 1) and
    # independent of the move: the second draw (the two are independent)
    if q > 0.0 and (u - lo) < q * (hi - lo):
        _event(i, c >> CLASS_SHIFT, d, second[c & STATE_MASK], ever, value, adopted_on,
               shares, flows, intents, ever_new)


@no_refcount
def _take_route(i, s, st, r, d, cls, dest, event, ever, value, adopted_on, shares, counts,
                ever_new, flows, intents):
    """Customer i (segment s, state st) takes route r on day d."""
    to = dest[st, r]
    if to != st:
        cls[i] = (s << CLASS_SHIFT) | to
        counts[s, st] -= 1
        counts[s, to] += 1
    code = event[st, r]
    if code != EV_NONE:
        _event(i, s, d, code, ever, value, adopted_on, shares, flows, intents, ever_new)


@no_refcount
def _class_probabilities(n_routes, cum, leave):
    """leave[s * 8 + st]: the probability of any move out of state st in segment s today."""
    for s in range(cum.shape[0]):
        for st in range(cum.shape[1]):
            k = n_routes[st] if st < N_STATES else 0
            leave[(s << CLASS_SHIFT) | st] = cum[s, st, k - 1] if k > 0 else 0.0


@no_refcount
def _is_quiet(m, p_move, q):
    """Whether draw m (uniform m / GRID) gives a quiet day to a customer whose move has
    probability p_move and whose second event q: exactly the tests of `_customer_day`."""
    u = float(m) * UNIT
    if u < p_move:
        return False
    return not (q > 0.0 and (u - p_move) < q * (1.0 - p_move))


@no_refcount
def _least_quiet_variate(p_move, q):
    """The least draw m (of 0..GRID) with a quiet day for move probability p_move and
    second-event probability q: the quiet draws are {m >= it}, the tests of `_is_quiet`
    being monotone in u. The guess from P(move or event) is off by a few units of the grid
    at most; stepping from it to the exact boundary keeps the results bit-identical to
    testing the move and the event one by one."""
    busy = p_move + q * (1.0 - p_move)
    m = min(GRID, int(np.ceil(busy * GRID))) if busy > 0.0 else 0
    while m > 0 and _is_quiet(m - 1, p_move, q):
        m -= 1
    while m < GRID and not _is_quiet(m, p_move, q):
        m += 1
    return m


@no_refcount
def _quiet_thresholds(leave, p2, aw_base, aw_q, network, quiet):
    """quiet[c]: a draw m (of 0..GRID) from which every customer of class c has a quiet
    day, neither moving nor making the second event; a day is then one draw test.

    Well mixed, the least such draw (`_least_quiet_variate`). Unaware people on a network
    have their own move probability, at most that of a talk share of 1 (of 0 if the
    imitation hazard were negative): the least quiet draw of that bound, plus WIRED_MARGIN
    units of the grid. The margin covers the rounding of the tests of `_is_quiet` (3
    units at most; beyond them a draw quiet for the bound is quiet for any smaller move
    probability) and of the customer's own probability (`expm1`, 1 unit)."""
    for c in range(leave.shape[0]):
        p_move, q = leave[c], p2[c]
        if network and (c & STATE_MASK) == UNAWARE:
            s = c >> CLASS_SHIFT
            bound = -np.expm1(-(aw_base[s] + max(aw_q[s], 0.0)))  # talk share in [0, 1]
            quiet[c] = min(GRID, _least_quiet_variate(bound, q) + WIRED_MARGIN)
        else:
            quiet[c] = _least_quiet_variate(p_move, q)


@njit(cache=True)
def _sum_blocks(counts_b, ever_b, flows_b, intents_b, counts, adopters, flows, intents):
    """Add the blocks' changes to the counts and adopters, and their flows, in block
    order."""
    flows[:, :] = 0
    intents[:, :] = 0
    for b in range(counts_b.shape[0]):
        counts += counts_b[b]
        adopters += ever_b[b]
        flows += flows_b[b]
        intents += intents_b[b]


@njit(cache=True)
def _advance_agents(d0, d1, seed, cls, ever, value, adopted_on, indptr, indices, counts,
                    adopters, adstock, cum, chan_tot, leak, out, seg_rates, affinity, chan_par,
                    kappa, spend, extra_spend, season, team_par, misc, chan_scale, shares,
                    team_cap):
    """Advance the customers from day d0 (included) to d1 (excluded).

    cls [N] int16 segment << 3 | funnel state, ever [N] int8, value [N] money,
    adopted_on [N] day (-1: never);
    indptr/indices: the social network in CSR form (empty arrays: well mixed);
    counts [S, N_STATES] and adopters [S]: the customers' tallies, right on entry and kept
    up to date from each day's changes;
    misc as for the counts kernel.
    """
    n_seg, n_ch = counts.shape[0], chan_par.shape[0]
    n = cls.shape[0]
    market_size, bass = misc[M_MARKET_SIZE], misc[M_BASS_MODE] > 0
    wom_customers, loyalty_cost = misc[M_WOM_CUSTOMERS] > 0, misc[M_LOYALTY_COST]
    network = indptr.shape[0] > 0
    n_blocks = max(1, (n + BLOCK - 1) // BLOCK)
    h_aw = np.zeros(n_ch)
    h_cv = np.zeros(n_ch)
    hz = np.zeros(N_HAZARDS + n_ch)
    aw_base = np.zeros(n_seg)
    aw_q = np.zeros(n_seg)
    n_routes, dest, event, second = _route_tables(bass, n_ch)
    route_cum = np.zeros((n_seg, CLASS_WIDTH, 3 + n_ch))
    p2 = np.zeros((n_seg, CLASS_WIDTH))
    leave = np.zeros(n_seg * CLASS_WIDTH)
    quiet = np.zeros(n_seg * CLASS_WIDTH, dtype=np.uint64)
    p2_by_class = p2.reshape(n_seg * CLASS_WIDTH)  # a view: p2[s, st] at s << 3 | st
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
                               synergy, talkers / market_size, aw_base, aw_q, route_cum, p2, hz)
        _class_probabilities(n_routes, route_cum, leave)
        _quiet_thresholds(leave, p2_by_class, aw_base, aw_q, network, quiet)
        if network:
            _talk_snapshot(cls, ever, wom_customers, talk)
        _customers_day(d, seed, cls, ever, value, adopted_on, talk, indptr, indices, shares,
                       aw_base, aw_q, n_routes, dest, event, second, route_cum, leave,
                       p2_by_class, quiet, counts_b, ever_b, flows_b, intents_b)
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
        _close_day(d, counts, adopters, day, media, _team_cost(team_cap[d], team_par),
                   revenue_before, chan_tot, chan_par, loyalty_cost, extra_spend, cum,
                   market_size, misc[M_DISCOUNT_RATE], out)
