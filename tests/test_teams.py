"""Team capacity: the roster's running total of skill gaps equals a person-by-person sum."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from mktsim.api import Scenario
from mktsim.engine.layout import TC_A, TC_B, TC_N, TC_REF
from mktsim.engine.teams import Roster
from mktsim.model import plan as P
from mktsim.scenario.load import load_text

TEAM = """
name: team
start_date: 2027-01-01
horizon_days: 400
market: {size: 1000, segments: {a: {share: 1}}}
products: {p: {price: 10, unit_cost: 5}}
teams:
  care: {headcount: 4, capacity_per_person_per_day: 10,
         skill: {initial: 0.7, new_hire: 0.3, max: 0.9, ramp_days: 20}}
strategies: {s: {}}
"""
PLAN = Scenario(load_text(TEAM)).plan("s")

steps = st.lists(st.tuples(st.sampled_from(["hire", "leave", "train", "look"]),
                           st.integers(1, 30), st.integers(1, 3)), max_size=25)


def brute_capacity(roster: Roster, day: float) -> float:
    rate = PLAN.team_par[0, P.T_RATE]
    return rate * sum(roster.skill(0, p, day) for p in roster.people[0])


@given(steps, st.integers(0, 2**32 - 1))
def test_capacity_equals_the_sum_over_people(script, seed):
    roster = Roster(PLAN)
    rng = np.random.default_rng(seed)
    day = 0.0
    for action, gap_days, count in script:
        day += gap_days
        if action == "hire":
            roster.hire(0, count, day)
        elif action == "leave":
            roster.leave(0, rng, day)
        elif action == "train":
            roster.train(0, 0.05, day)
        row = roster.controls[0]
        later = day + 7.0
        fast = row[TC_A] - row[TC_B] * math.exp(-(later - row[TC_REF]) / 20.0)
        assert row[TC_N] == len(roster.people[0])
        assert math.isclose(fast, brute_capacity(roster, later), rel_tol=1e-9, abs_tol=1e-9)
