"""Attrition in the compiled roster step against its theory and a continuous-time twin.

Each person leaves at a constant hazard a per day; a leaver on day tau is replaced (when
the team replaces leavers) at the start of day ceil(tau + delay). Without replacement the
headcount on day d is Binomial(n, exp(-a d)); with it, every slot is an independent
renewal process, which `slot_twin` simulates directly from exponential lifetimes."""

import itertools
import math

import numpy as np
import pytest

from mktsim.api import Scenario
from mktsim.engine.layout import TC_A, TC_B, TC_N, TC_REF
from mktsim.engine.rng import span_key
from mktsim.engine.teams import Roster
from mktsim.engine.variates import new_stream
from mktsim.model import plan as P
from mktsim.scenario.load import load_text

HEADCOUNT = 10
HORIZON = 200


def team_plan(attrition_per_year: float, replace: bool, delay: float) -> P.Plan:
    text = f"""
name: attrition
start_date: 2027-01-01
horizon_days: {HORIZON}
market: {{size: 1000, segments: {{a: {{share: 1}}}}}}
products: {{p: {{price: 10, unit_cost: 5}}}}
teams:
  care: {{headcount: {HEADCOUNT}, capacity_per_person_per_day: 10,
         attrition_per_year: {attrition_per_year}, replace_leavers: {str(replace).lower()},
         hiring_delay_days: {delay},
         skill: {{initial: 0.8, new_hire: 0.3, max: 0.9, ramp_days: 20}}}}
strategies: {{s: {{}}}}
"""
    return Scenario(load_text(text)).plan("s")


def headcounts(plan: P.Plan, runs: int, spans: tuple[int, ...] = (0, HORIZON)) -> np.ndarray:
    """[runs, D] people on the team at the start of each day, the roster advanced over
    `spans` (the boundaries of its compiled calls)."""
    out = np.zeros((runs, plan.horizon))
    for r in range(runs):
        roster = Roster(plan)
        for first, last in itertools.pairwise(spans):
            roster.advance(new_stream(span_key(r + 1, first)), first, last)
        out[r] = roster.daily[:, 0, TC_N]
    return out


def slot_twin(rate: float, delay: float, runs: int, rng: np.random.Generator) -> np.ndarray:
    """[runs, D] headcounts of the continuous-time model, slot by slot: a person joins on
    day j, leaves at tau = j + Exp(rate), and the next joins on ceil(tau + delay)."""
    days = np.arange(HORIZON)
    out = np.zeros((runs, HORIZON))
    for r in range(runs):
        for _ in range(HEADCOUNT):
            joined = 0.0
            while joined < HORIZON:
                leaves = joined + rng.exponential(1.0 / rate)
                out[r] += (days >= joined) & (days < leaves)
                joined = math.ceil(leaves + delay)
    return out


def test_without_replacement_the_headcount_is_binomial():
    rate = 1.5 / 365.0
    counts = headcounts(team_plan(1.5, False, 30), 3000)
    for day in (0, 40, 120, 199):
        keep = math.exp(-rate * day)
        mean, var = HEADCOUNT * keep, HEADCOUNT * keep * (1 - keep)
        se = math.sqrt(var / counts.shape[0]) if var > 0 else 1e-9
        assert abs(counts[:, day].mean() - mean) < 4.5 * se + 1e-12
        if var > 0:
            # the variance of a sample of 3,000 is within about 2.6% (1 SE) of the truth
            assert counts[:, day].var() == pytest.approx(var, rel=0.12)


@pytest.mark.parametrize("delay", [7, 13])
def test_replacement_matches_the_continuous_time_twin(delay):
    plan = team_plan(4.0, True, delay)
    kernel = headcounts(plan, 1500, spans=(0, 37, 90, 91, HORIZON))
    twin = slot_twin(4.0 / 365.0, delay, 1500, np.random.default_rng(7))
    for day in (20, 60, 120, 199):
        a, b = kernel[:, day], twin[:, day]
        se = math.sqrt(a.var() / len(a) + b.var() / len(b))
        assert abs(a.mean() - b.mean()) < 4.5 * se
    # the year's person-days, the figure salaries and capacity follow
    a, b = kernel.sum(axis=1), twin.sum(axis=1)
    assert abs(a.mean() - b.mean()) < 4.5 * math.sqrt(a.var() / len(a) + b.var() / len(b))


def test_the_same_streams_give_the_same_roster():
    plan = team_plan(4.0, True, 7)
    one = headcounts(plan, 3)
    again = headcounts(plan, 3)
    np.testing.assert_array_equal(one, again)


def test_controls_after_attrition_equal_the_sum_over_people():
    plan = team_plan(6.0, True, 4)
    roster = Roster(plan)
    roster.advance(new_stream(99), 0, 150)
    row = roster.controls[0]
    tau = plan.team_par[0, P.T_TAU]
    rate = plan.team_par[0, P.T_RATE]
    later = 160.0
    fast = row[TC_A] - row[TC_B] * math.exp(-(later - row[TC_REF]) / tau)
    brute = rate * sum(roster.skill(0, person, later) for person in roster.people[0])
    assert row[TC_N] == len(roster.people[0])
    assert math.isclose(fast, brute, rel_tol=1e-9)


def test_a_hire_between_spans_leaves_room_for_replacements_due():
    plan = team_plan(40.0, True, 20)
    roster = Roster(plan)
    roster.advance(new_stream(5), 0, 30)
    due = int(roster.arrivals[0].sum())
    assert due > 0
    before = roster.headcount(0)
    roster.hire(0, 8, 30.0)
    roster.advance(new_stream(6), 30, HORIZON)
    assert roster.daily[30, 0, TC_N] == before + 8
    assert roster.joined.shape[1] >= before + 8 + due
    assert roster.count[0] <= roster.joined.shape[1]
