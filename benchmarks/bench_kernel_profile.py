"""Where a day of the population kernel goes: microseconds per day and share, by part.

Run: python benchmarks/bench_kernel_profile.py [--replications N] [--strategy NAME]

A copy of `kernel._advance`'s day loop, compiled, calls the kernel's own functions in the
same order and reads the processor's cycle counter (`llvm.readcyclecounter`) between the
parts; it must give the kernel's numbers bit for bit (checked on every replication, so the
copy cannot drift from the kernel unnoticed). Cycles are turned into microseconds by timing
the whole loop in CPU time (a shared machine's load disturbs it less than wall time).
The counter is read without serialising the processor, so a slow operation near a part's
end may be charged to the next part: trust the large parts, and the sum. Parts:

- media: spend -> adstock -> Hill curves, and the synergy;
- hazards: `hazards._segment_hazards` of each segment;
- funnel: the funnel's binomial draws and competing exits (`_funnel_segment`), and
  adding the day's moves to the counts;
- sales: booking organic and repeat purchases;
- hand-offs: leads between departments, and routing the channels' intents (capacity
  splits, leads into the queues);
- teams: each team's capacity, complaints and leads served by age, and expiry;
- complaints: the day's new complaints;
- record: commissions, the day's spend and the KPIs written into `out`.

Each part also reports the uniforms it drew per day (the counter-based generator's state
advances by one gamma per uniform, so the count is exact).

With PYTHONPATH pointing at another checkout's `src`, that checkout's own copy of this
script profiles its kernel (the copy names the kernel's functions of its time), e.g.
`PYTHONPATH=<before>/src python <before>/benchmarks/bench_kernel_profile.py`.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from mktsim.engine.hazards import N_HAZARDS, _hazards_of_segment
from mktsim.engine.jit import inlined, no_refcount
from mktsim.engine.kernel import (
    D_CHURNED,
    D_COMP_UNITS,
    N_DAY,
    _capacity,
    _end_day,
    _expire_complaints,
    _expire_leads,
    _funnel_segment,
    _handoffs,
    _media_of_day,
    _new_complaints,
    _route_intents,
    _salaries,
    _sell,
    _serve_complaints,
    _serve_leads,
    _synergy_hazard,
    _team_channels,
)
from mktsim.engine.layout import (
    CH_REVENUE,
    L_CHURN_REGULAR,
    M_BASS_MODE,
    M_COMPLAINT_RATE,
    M_DISCOUNT_RATE,
    M_LOYALTY_COST,
    M_MARKET_SIZE,
    M_SERVICE_TEAM,
    M_WOM_CUSTOMERS,
)
from mktsim.model.plan import CUSTOMER, LOYAL, N_STATES, T_PATIENCE

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "smart_band.yaml"
PARTS = ("media", "hazards", "funnel", "sales", "hand-offs", "teams", "complaints", "record")
MEDIA, HAZARDS, FUNNEL, SALES, HANDOFFS, TEAMS, COMPLAINTS, RECORD = range(len(PARTS))
#: the modular inverse of SplitMix64's gamma: (state after - state before) x this = uniforms
GAMMA_INVERSE = np.uint64(pow(0x9E3779B97F4A7C15, -1, 1 << 64))


@intrinsic
def _cycles(typingctx):
    """The processor's cycle counter (uint64)."""
    def codegen(context, builder, signature, args):
        fnty = ir.FunctionType(ir.IntType(64), [])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.readcyclecounter")
        return builder.call(fn, [])
    return types.uint64(), codegen


@inlined
def _mark(part, rs, clock, cycles, uniforms):
    """Charge the cycles and uniforms since the last mark to `part`; clock [2] holds the
    last mark's cycle count and generator state."""
    now = _cycles()
    cycles[part] += float(now - clock[0])
    uniforms[part] += float((rs[0] - clock[1]) * GAMMA_INVERSE)
    clock[1] = rs[0]
    clock[0] = _cycles()


@inlined
def _timed_funnel(rs, d, state, adopters, chan_par, kappa, seg_rates, affinity, season, shares,
                  h_aw, h_cv, talk_share, hz, delta, intents, organic, repeat, ex, day, leak,
                  clock, cycles, uniforms):
    """The hazards and the funnel's draws of every segment (`kernel._funnel_day`)."""
    synergy = _synergy_hazard(chan_par, h_aw, kappa)
    _mark(MEDIA, rs, clock, cycles, uniforms)
    for s in range(state.shape[0]):
        for i in range(N_STATES):
            delta[s, i] = 0
    for s in range(state.shape[0]):
        _hazards_of_segment(s, d, False, talk_share, seg_rates, affinity, season, shares,
                            h_aw, h_cv, synergy, hz)
        _mark(HAZARDS, rs, clock, cycles, uniforms)
        comp, churned = _funnel_segment(rs, s, state, delta, hz, intents, organic, repeat, ex)
        day[D_COMP_UNITS] += comp
        day[D_CHURNED] += churned
        leak[L_CHURN_REGULAR] += churned
        _mark(FUNNEL, rs, clock, cycles, uniforms)
    for s in range(state.shape[0]):
        for i in range(N_STATES):
            state[s, i] += delta[s, i]
    _mark(FUNNEL, rs, clock, cycles, uniforms)


@inlined
def _timed_teams(rs, d, cqueue, queue, lost_after, state, day, chan_tot, adopters, leak, flat,
                 kept, two, two_kept, units_s, team_chan, n_team_chan, team_par, shares,
                 team_cap, service_team):
    """Every team's work of day d (`kernel._teams_day`)."""
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


@njit
def _timed_advance(d0, d1, rs, state, adopters, adstock, queue, cqueue, pipe, cum, chan_tot,
                   leak, out, seg_rates, affinity, chan_par, kappa, spend, extra_spend, season,
                   team_par, misc, lost_after, chan_scale, shares, team_cap, cycles, uniforms):
    """`kernel._advance` (not Bass mode), charging cycles and uniforms to PARTS: the same
    scratch arrays, then the days in one function without reference counting."""
    n_seg, n_ch = state.shape[0], chan_par.shape[0]
    h_aw, h_cv, hz = np.zeros(n_ch), np.zeros(n_ch), np.zeros(N_HAZARDS + n_ch)
    ex = np.zeros(3 + n_ch, dtype=np.int64)
    delta = np.zeros((n_seg, N_STATES), dtype=np.int64)
    intents = np.zeros((n_seg, n_ch), dtype=np.int64)
    organic, repeat = np.zeros(n_seg, dtype=np.int64), np.zeros(n_seg, dtype=np.int64)
    units_s = np.zeros(n_seg, dtype=np.int64)
    flat = np.zeros(n_ch * n_seg + n_seg + 2, dtype=np.int64)
    kept = np.zeros(n_ch * n_seg + n_seg + 2, dtype=np.int64)
    two, two_kept = np.zeros(2, dtype=np.int64), np.zeros(2, dtype=np.int64)
    day, revenue_before = np.zeros(N_DAY), np.zeros(n_ch)
    team_chan = np.zeros((team_par.shape[0], n_ch), dtype=np.int64)
    n_team_chan = np.zeros(team_par.shape[0], dtype=np.int64)
    _team_channels(chan_par, team_chan, n_team_chan)
    clock = np.zeros(2, dtype=np.uint64)
    _timed_days(d0, d1, rs, state, adopters, adstock, queue, cqueue, pipe, cum, chan_tot, leak,
                out, seg_rates, affinity, chan_par, kappa, spend, extra_spend, season, team_par,
                misc, lost_after, chan_scale, shares, team_cap, cycles, uniforms, h_aw, h_cv, hz,
                ex, delta, intents, organic, repeat, units_s, flat, kept, two, two_kept, day,
                revenue_before, team_chan, n_team_chan, clock)


@no_refcount
def _timed_days(d0, d1, rs, state, adopters, adstock, queue, cqueue, pipe, cum, chan_tot, leak,
                out, seg_rates, affinity, chan_par, kappa, spend, extra_spend, season, team_par,
                misc, lost_after, chan_scale, shares, team_cap, cycles, uniforms, h_aw, h_cv, hz,
                ex, delta, intents, organic, repeat, units_s, flat, kept, two, two_kept, day,
                revenue_before, team_chan, n_team_chan, clock):
    """`kernel._days` with the marks."""
    n_seg, n_ch = state.shape[0], chan_par.shape[0]
    market_size = misc[M_MARKET_SIZE]
    wom_customers, service_team = misc[M_WOM_CUSTOMERS] > 0, int(misc[M_SERVICE_TEAM])
    clock[1] = rs[0]
    clock[0] = _cycles()
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
        _mark(MEDIA, rs, clock, cycles, uniforms)
        _timed_funnel(rs, d, state, adopters, chan_par, kappa, seg_rates, affinity, season,
                      shares, h_aw, h_cv, talkers / market_size, hz, delta, intents, organic,
                      repeat, ex, day, leak, clock, cycles, uniforms)
        for s in range(n_seg):
            _sell(s, organic[s], -1, shares, day, chan_tot, adopters, state, True)
            _sell(s, repeat[s], -1, shares, day, chan_tot, adopters, state, False)
            units_s[s] += organic[s] + repeat[s]
        _mark(SALES, rs, clock, cycles, uniforms)
        _handoffs(rs, chan_par, pipe, queue, state, day, leak)
        _route_intents(rs, intents, chan_par, state, queue, pipe, shares, day, chan_tot,
                       adopters, units_s, leak, flat, kept)
        _mark(HANDOFFS, rs, clock, cycles, uniforms)
        team_cost = _salaries(team_cap[d], team_par)
        _timed_teams(rs, d, cqueue, queue, lost_after, state, day, chan_tot, adopters, leak,
                     flat, kept, two, two_kept, units_s, team_chan, n_team_chan, team_par,
                     shares, team_cap, service_team)
        _mark(TEAMS, rs, clock, cycles, uniforms)
        _new_complaints(rs, units_s, misc[M_COMPLAINT_RATE], service_team, cqueue, lost_after,
                        state, day, leak, two, two_kept)
        _mark(COMPLAINTS, rs, clock, cycles, uniforms)
        _end_day(d, state, adopters, day, media, team_cost, revenue_before, chan_tot, chan_par,
                 misc[M_LOYALTY_COST], extra_spend, cum, market_size, misc[M_DISCOUNT_RATE],
                 out)
        _mark(RECORD, rs, clock, cycles, uniforms)


def _fresh(plan, seed):
    """A replication of `plan` whose roster has been advanced over the horizon."""
    from mktsim.engine.replication import Replication

    rep = Replication(plan, seed)
    rep.advance_roster(0, plan.horizon)
    return rep


def _arguments(rep, rs):
    """`_advance`'s arguments for the whole horizon of `rep`, drawing from `rs`."""
    p = rep.plan
    return (0, p.horizon, rs, rep.state, rep.adopters, rep.adstock, rep.queue, rep.cqueue,
            rep.pipe, rep.cum, rep.chan_tot, rep.leak, rep.out, p.seg_rates, p.affinity,
            p.chan_par, p.kappa, p.spend, rep.extra_spend, p.season, p.team_par, rep.misc,
            p.lost_after_complaint, rep.chan_scale, rep.shares, rep.roster.daily)


def profile(strategy: str, reps: int) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Cycles and uniforms per part summed over `reps` replication-years, microseconds per
    cycle, and the untimed kernel's microseconds per day."""
    import mktsim
    from mktsim.engine.kernel import _advance
    from mktsim.engine.rng import replication_seeds, span_key
    from mktsim.engine.variates import new_stream

    plan = mktsim.load(SCENARIO).plan(strategy)
    cycles, uniforms = np.zeros(len(PARTS)), np.zeros(len(PARTS))
    timed_cpu = plain_cpu = 0.0
    # a seed spawns new children at each use: one list for each copy
    pairs = zip(replication_seeds(1, reps + 1), replication_seeds(1, reps + 1), strict=True)
    for i, (seed, twin) in enumerate(pairs):
        timed, plain = _fresh(plan, seed), _fresh(plan, twin)
        if timed.misc[M_BASS_MODE] > 0:
            raise SystemExit("the profile covers the funnel mode, not Bass-consistency mode")
        args = _arguments(timed, new_stream(span_key(timed.key, 0)))
        start = time.process_time()
        _timed_advance(*args, cycles, uniforms)
        spent = time.process_time() - start
        start = time.process_time()
        _advance(*_arguments(plain, new_stream(span_key(plain.key, 0))))
        plain_cpu += time.process_time() - start if i else 0.0
        if not np.array_equal(timed.out, plain.out, equal_nan=True):
            raise SystemExit("the timed copy of the day loop no longer matches kernel._advance")
        if i == 0:  # the first call compiled: start again
            cycles[:], uniforms[:] = 0.0, 0.0
            continue
        timed_cpu += spent
    us_per_cycle = 1e6 * timed_cpu / cycles.sum()
    return cycles, uniforms, us_per_cycle, 1e6 * plain_cpu / (reps * plan.horizon)


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--strategy", default="digital_first")
    args = parser.parse_args()
    cycles, uniforms, us_per_cycle, plain = profile(args.strategy, args.replications)
    days = args.replications * 365
    total = cycles.sum() * us_per_cycle / days
    print(f"smart band, {args.strategy}, {args.replications} replication-years; "
          f"kernel untimed {plain:.2f} us/day, timed copy {total:.2f} us/day")
    print(f"{'part':<12}{'us/day':>8}{'share':>8}{'uniforms/day':>14}")
    for i, name in enumerate(PARTS):
        us = cycles[i] * us_per_cycle / days
        print(f"{name:<12}{us:8.2f}{us / total:8.1%}{uniforms[i] / days:14.1f}")


if __name__ == "__main__":
    main()
