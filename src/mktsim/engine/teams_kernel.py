"""Compiled roster steps: capacity controls from the people on a team, hires, training,
and attrition advanced day by day (`engine.teams.Roster` holds the arrays).

Attrition is exact in continuous time: each person leaves at a constant hazard a per day,
so the team's next departure comes when its integrated hazard, n a per day while n people
are on it, has used up an Exp(1) clock. The clock is drawn when the previous departure
happens and simply runs faster or slower as people join or leave, so hires and
replacements never need a new draw (the time change of a Poisson process). A leaver is a
person chosen uniformly; a replacement, if the team replaces leavers, joins at the start
of the first day at least `hiring_delay_days` after the departure, at the new-hire skill.
A day's departures take effect from the next day, then that day's replacements join.

Arguments as in `engine.kernel`; t a team, day a day (float), joined [T, M] and
start_skill [T, M] (day, skill 0-1) of the first count [T] slots of each row, ceiling [T]
the skill ceiling, clock [T] the hazard left before the next departure (NaN: draw it),
arrivals [T, D + 1] replacements due per day, par [T, N_ROSTER_PAR] the `RP_*` columns,
controls [T, N_TC] (`engine.layout.TC_*`), daily [D, T, N_TC] the controls of each day.
"""

# numba rebuilds this file's cached kernels only when this file changes: the key below
# digests what they compile with (tests/test_numba_cache_keys.py).
# numba cache key: 7d5e20c9a10257b3
from __future__ import annotations

import math

import numpy as np

from .jit import no_refcount
from .layout import TC_A, TC_B, TC_N, TC_REF
from .variates import uniform

# roster parameter columns: capacity per person per day at full skill; learning time
# constant (days); leaving hazard per person per day; hiring delay (days); 1 = leavers
# are replaced; skill of a new hire (0-1)
RP_RATE, RP_TAU, RP_ATTRITION, RP_DELAY, RP_REPLACE, RP_NEW_SKILL = range(6)
N_ROSTER_PAR = 6


@no_refcount
def _team_controls(t, day, joined, start_skill, count, ceiling, par, controls):
    """Team t's capacity controls on `day`: a = rate n max, b = rate sum of the people's
    gaps to the ceiling on `day`, ref = day, and the headcount."""
    n = count[t]
    tau = par[t, RP_TAU]
    gap = 0.0
    for i in range(n):
        gap += (ceiling[t] - start_skill[t, i]) * math.exp(-(day - joined[t, i]) / tau)
    controls[t, TC_A] = par[t, RP_RATE] * n * ceiling[t]
    controls[t, TC_B] = par[t, RP_RATE] * gap
    controls[t, TC_REF] = day
    controls[t, TC_N] = n


@no_refcount
def _hire(t, day, joined, start_skill, count, par):
    """One person joins team t on `day` at the new-hire skill (the row has room)."""
    i = count[t]
    joined[t, i] = day
    start_skill[t, i] = par[t, RP_NEW_SKILL]
    count[t] = i + 1


@no_refcount
def _remove_person(t, i, joined, start_skill, count):
    """Person i of team t leaves: the last person takes the slot."""
    last = count[t] - 1
    joined[t, i] = joined[t, last]
    start_skill[t, i] = start_skill[t, last]
    count[t] = last


@no_refcount
def _train(t, gain, day, joined, start_skill, count, ceiling, par):
    """Raise team t's ceiling by `gain` (capped at 1); everyone continues from their
    skill on `day`."""
    tau = par[t, RP_TAU]
    for i in range(count[t]):
        gap = (ceiling[t] - start_skill[t, i]) * math.exp(-(day - joined[t, i]) / tau)
        start_skill[t, i] = ceiling[t] - gap
        joined[t, i] = day
    ceiling[t] = min(1.0, ceiling[t] + gain)


@no_refcount
def _exp1(rs):
    """An Exp(1) draw."""
    return -math.log1p(-uniform(rs))


@no_refcount
def _departures(rs, t, d, horizon, joined, start_skill, count, clock, arrivals, par):
    """People of team t who leave during day d, i.e. in (d, d + 1]; returns how many."""
    rate = par[t, RP_ATTRITION]
    if not rate > 0.0:
        return 0
    if np.isnan(clock[t]):
        clock[t] = _exp1(rs)
    now = float(d)
    left = 0
    while count[t] > 0:
        hazard = count[t] * rate
        if clock[t] > hazard * (d + 1.0 - now):
            clock[t] -= hazard * (d + 1.0 - now)
            break
        now += clock[t] / hazard
        _remove_person(t, min(int(uniform(rs) * count[t]), count[t] - 1), joined, start_skill,
                       count)
        left += 1
        clock[t] = _exp1(rs)
        if par[t, RP_REPLACE] > 0.0:
            due = math.ceil(now + par[t, RP_DELAY])
            if due < horizon:
                arrivals[t, due] += 1
    return left


@no_refcount
def _advance_roster(rs, d0, d1, horizon, joined, start_skill, count, ceiling, clock, arrivals,
                    par, controls, daily):
    """Days d0..d1-1: record each day's controls in daily[d], then let that day's leavers
    go and the next day's replacements join (nothing is drawn for a team that keeps
    everyone)."""
    for d in range(d0, d1):
        for t in range(controls.shape[0]):  # a loop: a slice copy may allocate
            for k in range(controls.shape[1]):
                daily[d, t, k] = controls[t, k]
        if d + 1 >= horizon:
            continue
        for t in range(count.shape[0]):
            changed = _departures(rs, t, d, horizon, joined, start_skill, count, clock,
                                  arrivals, par) > 0
            for _ in range(arrivals[t, d + 1]):
                _hire(t, d + 1.0, joined, start_skill, count, par)
                changed = True
            if changed:
                _team_controls(t, d + 1.0, joined, start_skill, count, ceiling, par, controls)
