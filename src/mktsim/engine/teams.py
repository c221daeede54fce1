"""Team rosters: who is on each team, their skill, the capacity it gives, and the people
who leave at random and are replaced (attrition).

Skill follows skill(t) = max - (max - s0) exp(-(t - t0) / tau) for a person who was at s0
on day t0, so team capacity on day d is rate * (n * max - B * exp(-(d - ref) / tau)) with
B = sum(max - skill(ref)): the controls [T, N_TC] (`engine.layout.TC_*`) the kernels read.

Attrition runs in compiled code (`engine.teams_kernel`), a span of days at a time before
the population moves, since nothing the customers do changes a team. The scenario's
scheduled hires and training, and the review rules' actions, change the roster between
spans through the methods below.
"""

from __future__ import annotations

import math

import numpy as np

from ..model import plan as P
from .layout import N_TC
from .teams_kernel import (
    N_ROSTER_PAR,
    RP_ATTRITION,
    RP_DELAY,
    RP_NEW_SKILL,
    RP_RATE,
    RP_REPLACE,
    RP_TAU,
    _advance_roster,
    _hire,
    _remove_person,
    _team_controls,
    _train,
)


def roster_par(plan: P.Plan) -> np.ndarray:
    """[T, N_ROSTER_PAR]: the teams' capacity, learning and attrition parameters (columns
    `teams_kernel.RP_*`; per day, days, skill 0-1)."""
    par = np.zeros((len(plan.teams), N_ROSTER_PAR))
    par[:, RP_RATE] = plan.team_par[:, P.T_RATE]
    par[:, RP_TAU] = plan.team_par[:, P.T_TAU]
    par[:, RP_ATTRITION] = plan.team_attrition
    par[:, RP_DELAY] = plan.team_hiring_delay
    par[:, RP_REPLACE] = plan.team_replace.astype(float)
    par[:, RP_NEW_SKILL] = plan.team_skill[:, 1]
    return par


class Roster:
    """People per team as arrays: joined [T, M] the day each began their current learning
    curve, start_skill [T, M] their skill then (0-1), count [T] people on the team (the
    first count[t] slots of row t); ceiling [T] the skill ceiling; clock [T] the
    integrated leaving hazard left before the team's next departure (NaN: not drawn yet);
    arrivals [T, D + 1] replacements due to join on each day; controls [T, N_TC] the
    capacity controls now, daily [D, T, N_TC] those of each day advanced so far."""

    def __init__(self, plan: P.Plan) -> None:
        self.plan = plan
        n_team = len(plan.teams)
        heads = plan.team_headcount.astype(np.int64)
        size = max(1, int(heads.max(initial=0)))
        self.joined = np.zeros((n_team, size))
        self.start_skill = np.zeros((n_team, size))
        for t in range(n_team):
            self.start_skill[t, :heads[t]] = plan.team_skill[t, 0]
        self.count = heads.copy()
        self.ceiling = plan.team_skill[:, 2].astype(float).copy()
        self.par = roster_par(plan)
        self.clock = np.full(n_team, np.nan)
        self.arrivals = np.zeros((n_team, plan.horizon + 1), dtype=np.int64)
        self.controls = np.zeros((n_team, N_TC))
        self.daily = np.zeros((plan.horizon, n_team, N_TC))
        #: in a batch: a flag the batch shares, set when the person arrays are widened
        #: (`_make_room` makes new ones, which the batch stacks again)
        self.widened: list[bool] | None = None
        for t in range(n_team):
            self._refresh(t, 0.0)

    @property
    def people(self) -> list[list[tuple[float, float]]]:
        """Per team, each person as (day joined the curve, skill then)."""
        return [list(zip(self.joined[t, :n].tolist(), self.start_skill[t, :n].tolist(),
                         strict=True)) for t, n in enumerate(self.count)]

    def headcount(self, t: int) -> int:
        """People on team t now."""
        return int(self.count[t])

    def skill(self, t: int, person: tuple[float, float], day: float) -> float:
        """A person's skill on `day`."""
        start_day, start_skill = person
        gap = self.ceiling[t] - start_skill
        return float(self.ceiling[t] - gap * math.exp(-(day - start_day) / self.par[t, RP_TAU]))

    def hire(self, t: int, count: int, day: float) -> None:
        """Add `count` people at the team's new-hire skill on `day`."""
        if count <= 0:
            return
        # replacements already due can join later, each in a slot of its own
        self._make_room(int(self.count[t] + self.arrivals[t].sum()) + count)
        for _ in range(count):
            _hire(t, day, self.joined, self.start_skill, self.count, self.par)
        self._refresh(t, day)

    def leave(self, t: int, rng: np.random.Generator, day: float) -> None:
        """A random person leaves team t on `day`."""
        if self.count[t] <= 0:
            return
        _remove_person(t, int(rng.integers(self.count[t])), self.joined, self.start_skill,
                       self.count)
        self._refresh(t, day)

    def train(self, t: int, gain: float, day: float) -> None:
        """Raise the ceiling by `gain`; everyone continues learning from today's skill."""
        _train(t, gain, day, self.joined, self.start_skill, self.count, self.ceiling, self.par)
        self._refresh(t, day)

    def advance(self, rs: np.ndarray, first: int, last: int) -> None:
        """Record days first..last-1's controls in `daily` and let people leave and
        replacements join up to the start of `last`, drawing from `rs` (`engine.variates`)."""
        _advance_roster(rs, first, last, self.plan.horizon, self.joined, self.start_skill,
                        self.count, self.ceiling, self.clock, self.arrivals, self.par,
                        self.controls, self.daily)

    def _refresh(self, t: int, day: float) -> None:
        _team_controls(t, day, self.joined, self.start_skill, self.count, self.ceiling,
                       self.par, self.controls)

    def _make_room(self, size: int) -> None:
        """Widen the person arrays to hold `size` people on one team."""
        if size <= self.joined.shape[1]:
            return
        extra = max(size, 2 * self.joined.shape[1]) - self.joined.shape[1]
        pad = np.zeros((self.joined.shape[0], extra))
        self.joined = np.hstack([self.joined, pad])
        self.start_skill = np.hstack([self.start_skill, pad])
        if self.widened is not None:
            self.widened[0] = True
