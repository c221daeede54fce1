"""Team rosters: who is on each team, their skill, and the capacity it gives."""

from __future__ import annotations

import math

import numpy as np

from ..model import plan as P
from .layout import N_TC, TC_A, TC_B, TC_N, TC_REF


class Roster:
    """People per team as (day joined the curve, skill then); skill ceiling per team.

    Skill follows skill(t) = max - (max - s0) exp(-(t - t0) / tau), so team capacity on day d
    is rate * (n * max - B * exp(-(d - ref) / tau)) with B = sum(max - skill(ref)): every
    person's gap to the ceiling decays at the same rate, so the team's total gap B is kept
    up to date as people join and leave, without visiting everyone.
    """

    def __init__(self, plan: P.Plan) -> None:
        self.plan = plan
        self.ceiling = plan.team_skill[:, 2].astype(float).copy()
        self.people: list[list[tuple[float, float]]] = [
            [(0.0, float(plan.team_skill[t, 0]))] * int(plan.team_headcount[t])
            for t in range(len(plan.teams))
        ]
        self._gap = np.array([len(p) * (self.ceiling[t] - float(plan.team_skill[t, 0]))
                              for t, p in enumerate(self.people)])
        self._gap_day = np.zeros(len(plan.teams))
        self._controls = np.zeros((len(plan.teams), N_TC))
        self._stale = set(range(len(plan.teams)))

    def headcount(self, t: int) -> int:
        """People on team t now."""
        return len(self.people[t])

    def skill(self, t: int, person: tuple[float, float], day: float) -> float:
        """A person's skill on `day`."""
        start_day, start_skill = person
        gap = self.ceiling[t] - start_skill
        return float(self.ceiling[t] - gap * math.exp(-(day - start_day) / self._tau(t)))

    def hire(self, t: int, count: int, day: float) -> None:
        """Add `count` people at the team's new-hire skill."""
        new_skill = float(self.plan.team_skill[t, 1])
        self.people[t].extend([(day, new_skill)] * count)
        self._gap[t] = self._gap_on(t, day) + count * (self.ceiling[t] - new_skill)
        self._gap_day[t] = day
        self._stale.add(t)

    def leave(self, t: int, rng: np.random.Generator, day: float | None = None) -> None:
        """A random person leaves team t (on `day`, default the day of their last change)."""
        if not self.people[t]:
            return
        person = self.people[t].pop(int(rng.integers(len(self.people[t]))))
        when = self._gap_day[t] if day is None else day
        remaining = self._gap_on(t, when) - (self.ceiling[t] - self.skill(t, person, when))
        self._gap[t] = max(remaining, 0.0) if self.people[t] else 0.0
        self._gap_day[t] = when
        self._stale.add(t)

    def train(self, t: int, gain: float, day: float) -> None:
        """Raise the ceiling; everyone continues learning from today's skill."""
        self.people[t] = [(day, self.skill(t, p, day)) for p in self.people[t]]
        self.ceiling[t] = min(1.0, self.ceiling[t] + gain)
        self._gap[t] = sum(self.ceiling[t] - s for _, s in self.people[t])
        self._gap_day[t] = day
        self._stale.add(t)

    def capacity_controls(self, day: float) -> np.ndarray:
        """[T, N_TC] array: a, b, ref and headcount for the kernel (updated in place)."""
        for t in self._stale:
            rate = self.plan.team_par[t, P.T_RATE]
            row = self._controls[t]
            row[TC_A] = rate * len(self.people[t]) * self.ceiling[t]
            row[TC_B] = rate * self._gap_on(t, day)
            row[TC_REF] = day
            row[TC_N] = len(self.people[t])
        self._stale.clear()
        return self._controls

    def _tau(self, t: int) -> float:
        return float(self.plan.team_par[t, P.T_TAU])

    def _gap_on(self, t: int, day: float) -> float:
        """The team's total gap to its ceiling on `day`."""
        return float(self._gap[t] * math.exp(-(day - self._gap_day[t]) / self._tau(t)))
