"""Team rosters: who is on each team, their skill, and the capacity it gives."""

from __future__ import annotations

import math

import numpy as np

from ..model import plan as P
from .layout import N_TC, TC_A, TC_B, TC_N, TC_REF


class Roster:
    """People per team as (day joined the curve, skill then); skill ceiling per team.

    Skill follows skill(t) = max - (max - s0) exp(-(t - t0) / tau), so team capacity on day d
    is rate * (n * max - B * exp(-(d - ref) / tau)) with B = sum(max - skill(ref)): the
    kernel's controls for a team change only when its people or ceiling change.
    """

    def __init__(self, plan: P.Plan) -> None:
        self.plan = plan
        self.ceiling = plan.team_skill[:, 2].astype(float).copy()
        self.people: list[list[tuple[float, float]]] = [
            [(0.0, float(plan.team_skill[t, 0]))] * int(plan.team_headcount[t])
            for t in range(len(plan.teams))
        ]
        self._controls = np.zeros((len(plan.teams), N_TC))
        self._stale = set(range(len(plan.teams)))

    def headcount(self, t: int) -> int:
        """People on team t now."""
        return len(self.people[t])

    def skill(self, t: int, person: tuple[float, float], day: float) -> float:
        """A person's skill on `day`."""
        start_day, start_skill = person
        tau = self.plan.team_par[t, P.T_TAU]
        gap = self.ceiling[t] - start_skill
        return float(self.ceiling[t] - gap * math.exp(-(day - start_day) / tau))

    def hire(self, t: int, count: int, day: float) -> None:
        """Add `count` people at the team's new-hire skill."""
        self.people[t].extend([(day, float(self.plan.team_skill[t, 1]))] * count)
        self._stale.add(t)

    def leave(self, t: int, rng: np.random.Generator) -> None:
        """A random person leaves team t."""
        if self.people[t]:
            self.people[t].pop(int(rng.integers(len(self.people[t]))))
            self._stale.add(t)

    def train(self, t: int, gain: float, day: float) -> None:
        """Raise the ceiling; everyone continues learning from today's skill."""
        self.people[t] = [(day, self.skill(t, p, day)) for p in self.people[t]]
        self.ceiling[t] = min(1.0, self.ceiling[t] + gain)
        self._stale.add(t)

    def capacity_controls(self, day: float) -> np.ndarray:
        """[T, N_TC] array: a, b, ref and headcount for the kernel (updated in place)."""
        for t in self._stale:
            people = self.people[t]
            rate = self.plan.team_par[t, P.T_RATE]
            gap = sum(self.ceiling[t] - self.skill(t, p, day) for p in people)
            row = self._controls[t]
            row[TC_A] = rate * len(people) * self.ceiling[t]
            row[TC_B] = rate * gap
            row[TC_REF] = day
            row[TC_N] = len(people)
        self._stale.clear()
        return self._controls
